# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TelecomLineMassEdit(models.TransientModel):
    """Change the subscription, parc, user name or customer account of many
    lines at once. Only the fields filled in are changed."""

    _name = "telecom.line.mass.edit"
    _inherit = "telecom.wizard.mixin"
    _description = "Edit Telecom Lines"

    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        string="Lines",
        default=lambda self: self._default_line_ids(),
    )
    line_count = fields.Integer(compute="_compute_line_count")
    subscription_id = fields.Many2one(
        comodel_name="telecom.subscription", string="New Subscription")
    parc_id = fields.Many2one(
        comodel_name="telecom.parc", string="New Parc")
    user_name = fields.Char(string="New User Name")
    customer_account = fields.Char(string="New Customer Account")

    @api.model
    def _default_line_ids(self):
        if self.env.context.get("active_model") == "telecom.line":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.depends("line_ids")
    def _compute_line_count(self):
        for wizard in self:
            wizard.line_count = len(wizard.line_ids)

    @api.multi
    def _telecom_values(self):
        """Return the values to write: only the fields filled in."""
        self.ensure_one()
        values = {}
        if self.subscription_id:
            values["subscription_id"] = self.subscription_id.id
        if self.parc_id:
            values["parc_id"] = self.parc_id.id
        if self.user_name and self.user_name.strip():
            values["user_name"] = self.user_name.strip()
        if self.customer_account and self.customer_account.strip():
            values["customer_account"] = self.customer_account.strip()
        return values

    @api.multi
    def action_confirm(self):
        """Write the filled fields on the selected lines; return the action
        closing the wizard."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_(
                "No line is selected. Select the lines to edit in the list, "
                "then use Action > Edit Lines."))
        values = self._telecom_values()
        if not values:
            raise UserError(_(
                "Fill at least one field (subscription, parc, user name or "
                "customer account): only the fields you fill are changed."))
        self.line_ids.write(values)
        return {"type": "ir.actions.act_window_close"}
