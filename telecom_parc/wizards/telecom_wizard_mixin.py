# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError

from ..tools.access import check_readable


def _ids_of(field, value):
    """The ids a create/write/onchange value of a many2one or many2many
    field points to."""
    if not value:
        return []
    if field.type == "many2one":
        if isinstance(value, (list, tuple)):
            value = value[0] if value else False
        return [value] if isinstance(value, int) and value else []
    ids = []
    for command in value if isinstance(value, (list, tuple)) else []:
        if isinstance(command, int):
            ids.append(command)
        elif isinstance(command, (list, tuple)) and command:
            if command[0] == 6 and len(command) > 2:
                ids += [i for i in command[2] or [] if isinstance(i, int)]
            elif command[0] in (1, 4) and len(command) > 1 and \
                    isinstance(command[1], int):
                ids.append(command[1])
    return ids


class TelecomWizardMixin(models.AbstractModel):
    """The wizards of the parc are for one group (Telecom User by default).

    Odoo 11 lets any user create a transient record and run its onchanges:
    without this check a portal user could run a wizard's previews, and
    nothing of the wizard's own screen would stop them."""

    _name = "telecom.wizard.mixin"
    _description = "Telecom Wizard (group check)"
    _telecom_wizard_group = "telecom_parc.group_telecom_user"
    # The company of a wizard is the user's: set by the wizard, never sent.
    _telecom_wizard_fixed_fields = ("company_id",)

    @api.model
    def _telecom_check_wizard_group(self):
        if self.env.uid == SUPERUSER_ID or \
                self.env.user.has_group(self._telecom_wizard_group):
            return
        group = self.env.ref(self._telecom_wizard_group)
        raise AccessError(_(
            "Only the members of the group \"%(group)s\" can use "
            "\"%(wizard)s\". Ask an administrator for access.") % {
                "group": group.full_name,
                "wizard": self._description})

    @api.model
    def _telecom_check_wizard_values(self, vals):
        """Refuse records the user may not read among the values sent:
        Odoo 11 shows the name of any record a many2one points to, and a
        wizard would act on, or describe, another company's records."""
        for name, value in (vals or {}).items():
            field = self._fields.get(name)
            if field is None or field.type not in ("many2one", "many2many"):
                continue
            ids = _ids_of(field, value)
            if ids:
                check_readable(self.env[field.comodel_name].browse(ids))

    @api.model
    def _telecom_wizard_vals(self, vals):
        self._telecom_check_wizard_group()
        vals = {name: value for name, value in (vals or {}).items()
                if name not in self._telecom_wizard_fixed_fields}
        self._telecom_check_wizard_values(vals)
        return vals

    @api.model
    def default_get(self, fields_list):
        self._telecom_check_wizard_group()
        defaults = super(TelecomWizardMixin, self).default_get(fields_list)
        self._telecom_check_wizard_values(defaults)
        return defaults

    @api.model
    def create(self, vals):
        return super(TelecomWizardMixin, self).create(
            self._telecom_wizard_vals(vals))

    @api.multi
    def write(self, vals):
        return super(TelecomWizardMixin, self).write(
            self._telecom_wizard_vals(vals))

    @api.multi
    def onchange(self, values, field_name, field_onchange):
        self._telecom_check_wizard_group()
        self._telecom_check_wizard_values(
            {name: value for name, value in (values or {}).items()
             if name not in self._telecom_wizard_fixed_fields})
        return super(TelecomWizardMixin, self).onchange(
            values, field_name, field_onchange)
