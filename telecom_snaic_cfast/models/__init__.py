from . import telecom_api_backend
from . import telecom_sync_request
from . import res_partner
from . import telecom_site
from . import telecom_line
from . import telecom_line_update
from . import telecom_deployment
from . import telecom_demo
