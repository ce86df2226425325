from . import test_telecom_line
from . import test_telecom_line_add
from . import test_telecom_line_import
from . import test_telecom_line_wizards
from . import test_telecom_security
from . import test_telecom_demo
from . import test_telecom_i18n
from . import test_telecom_lang
