# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import AccessError

# What a Telecom Manager may change on the telecom scheduled actions (the
# record rules give them those only): when and how often they run. The
# code, the model and the user they run as stay the administrator's.
TELECOM_CRON_FIELDS = frozenset((
    "active", "interval_number", "interval_type", "nextcall", "numbercall",
    "doall", "priority",
))


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.multi
    def write(self, vals):
        if not self.env.user._is_superuser() and \
                not self.env.user.has_group("base.group_system"):
            refused = sorted(set(vals) - TELECOM_CRON_FIELDS)
            if refused:
                raise AccessError(_(
                    "You may change only when and how often the scheduled "
                    "action \"%(cron)s\" runs, not %(fields)s: ask an "
                    "administrator.") % {
                        "cron": self[:1].name,
                        "fields": ", ".join(refused)})
        return super(IrCron, self).write(vals)

    @api.multi
    def method_direct_trigger(self):
        """Run the scheduled actions now (the "Run Manually" button).
        Odoo 11 checks only the access rights to write on scheduled
        actions: the record rules are checked too, so that a Telecom
        Manager runs the telecom ones only."""
        self.check_access_rule("write")
        return super(IrCron, self).method_direct_trigger()
