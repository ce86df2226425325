# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TelecomLineTerminate(models.TransientModel):
    """Terminate lines: asks for their deactivation date and for a
    confirmation before the status changes."""

    _name = "telecom.line.terminate"
    _inherit = "telecom.wizard.mixin"
    _description = "Terminate Telecom Lines"

    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        relation="telecom_line_terminate_line_rel",
        column1="wizard_id",
        column2="line_id",
        string="Lines",
        default=lambda self: self._default_line_ids(),
    )
    line_count = fields.Integer(compute="_compute_line_count")
    date_deactivation = fields.Date(
        string="Deactivation Date",
        required=True,
        default=fields.Date.context_today,
        help="The date from which the lines are no longer in service.",
    )

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
    def action_confirm(self):
        """Terminate the selected lines at the deactivation date; return
        the action closing the wizard."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_(
                "No line is selected. Select the lines to terminate in the "
                "list, then use Action > Terminate Lines."))
        if not self.date_deactivation:
            raise UserError(_(
                "Enter the deactivation date of the lines to terminate."))
        self.line_ids._telecom_terminate(self.date_deactivation)
        return {"type": "ir.actions.act_window_close"}
