from . import telecom_one_off_report_xlsx
