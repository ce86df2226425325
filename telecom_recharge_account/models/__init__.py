from . import account_invoice
from . import account_tax
from . import product_template
from . import telecom_deployment_option
from . import telecom_one_off_report
