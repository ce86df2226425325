from . import test_clients
from . import test_sync
from . import test_demo
from . import test_i18n
from . import test_security
from . import test_binding
from . import test_migration
from . import test_error_text
