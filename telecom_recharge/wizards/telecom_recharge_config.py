# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class TelecomRechargeConfig(models.TransientModel):
    """Recharge DATA settings of the current company, for Telecom
    Managers (who may not have access to the general Settings)."""

    _name = "telecom.recharge.config"
    _inherit = "telecom.wizard.mixin"
    _telecom_wizard_group = "telecom_parc.group_telecom_manager"
    _description = "Recharge DATA Settings"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.user.company_id,
    )
    max_gb = fields.Integer(
        string="Recharge DATA Maximum (GB)",
        default=lambda self:
        self.env.user.company_id.sudo().telecom_recharge_max_gb,
        help="The largest top-up, in GB, that the Recharge DATA wizard "
             "accepts for each line.",
    )

    @api.multi
    def action_save(self):
        """Save the settings on the company. Telecom Managers only."""
        self.ensure_one()
        if not self.env.user.has_group("telecom_parc.group_telecom_manager"):
            raise AccessError(_(
                "Only Telecom Managers can change the Recharge DATA "
                "settings."))
        if self.max_gb < 1:
            raise UserError(_(
                "The Recharge DATA maximum must be at least 1 GB."))
        # Telecom Managers may not write on companies: only this field.
        self.company_id.sudo().write(
            {"telecom_recharge_max_gb": self.max_gb})
        return {"type": "ir.actions.act_window_close"}
