from . import test_clients
from . import test_sync
from . import test_demo
