from . import test_invoicing
from . import test_cancel
from . import test_reversal
from . import test_access
from . import test_cron_report
from . import test_demo
from . import test_i18n
