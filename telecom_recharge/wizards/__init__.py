from . import telecom_line_recharge
from . import telecom_line_recharge_line
from . import telecom_recharge_config
from . import telecom_deployment_finish
from . import telecom_one_off_export
from . import telecom_deployment_reverse
