from . import res_partner
from . import telecom_subscription
from . import telecom_site
from . import telecom_parc
from . import telecom_line
from . import ir_cron
from . import telecom_demo
from . import ir_model_access
