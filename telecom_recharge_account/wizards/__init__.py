from . import telecom_one_off_invoice
