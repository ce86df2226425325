# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TelecomLineTask(models.TransientModel):
    """Schedule the same activity (task) on each selected line."""

    _name = "telecom.line.task"
    _inherit = "telecom.wizard.mixin"
    _description = "Create a Task on Telecom Lines"

    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        string="Lines",
        default=lambda self: self._default_line_ids(),
    )
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        required=True,
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False),
        domain="['|', ('res_model_id', '=', False), "
               "('res_model_id.model', '=', 'telecom.line')]",
    )
    summary = fields.Char(required=True)
    note = fields.Html()
    date_deadline = fields.Date(
        string="Due Date", required=True,
        default=fields.Date.context_today)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Assigned to",
        required=True,
        default=lambda self: self.env.user,
    )

    @api.model
    def _default_line_ids(self):
        if self.env.context.get("active_model") == "telecom.line":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.onchange("activity_type_id")
    def _onchange_activity_type_id(self):
        if self.activity_type_id and not self.summary:
            self.summary = self.activity_type_id.summary

    @api.multi
    def action_confirm(self):
        """Create one activity per selected line, assigned to the chosen
        user; return the action closing the wizard."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_(
                "No line is selected. Select the lines in the list, then "
                "use Action > Create a Task."))
        model = self.env["ir.model"]._get("telecom.line")
        activity_model = self.env["mail.activity"]
        for line in self.line_ids:
            activity_model.create({
                "res_model_id": model.id,
                "res_id": line.id,
                "activity_type_id": self.activity_type_id.id,
                "summary": self.summary,
                "note": self.note,
                "date_deadline": self.date_deadline,
                "user_id": self.user_id.id,
            })
        return {"type": "ir.actions.act_window_close"}
