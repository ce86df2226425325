from . import telecom_wizard_mixin
from . import telecom_line_add
from . import telecom_line_mass_edit
from . import telecom_line_delete
from . import telecom_line_task
from . import telecom_line_terminate
