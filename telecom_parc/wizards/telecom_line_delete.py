# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TelecomLineDelete(models.TransientModel):
    """Delete the selected lines; a line with a history is archived
    instead, and the wizard then says which lines were archived and why."""

    _name = "telecom.line.delete"
    _inherit = "telecom.wizard.mixin"
    _description = "Delete Telecom Lines"

    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        string="Lines",
        default=lambda self: self._default_line_ids(),
    )
    state = fields.Selection(
        selection=[("draft", "To confirm"), ("done", "Done")],
        default="draft",
        required=True,
    )
    preview = fields.Text(compute="_compute_preview")
    deleted_count = fields.Integer(string="Deleted Lines", readonly=True)
    archived_count = fields.Integer(string="Archived Lines", readonly=True)
    result_message = fields.Text(string="Result", readonly=True)

    @api.model
    def _default_line_ids(self):
        if self.env.context.get("active_model") == "telecom.line":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.depends("line_ids")
    def _compute_preview(self):
        for wizard in self:
            with_history = wizard.line_ids.filtered(
                lambda line: line._telecom_has_history())
            wizard.preview = _(
                "%(deleted)d line(s) will be deleted. %(archived)d line(s) "
                "have a history and will be archived instead.") % {
                    "deleted": len(wizard.line_ids - with_history),
                    "archived": len(with_history)}

    @api.multi
    def action_confirm(self):
        """Delete the lines without history, archive the others, and
        return the action showing the result (which lines were archived
        and why)."""
        self.ensure_one()
        lines = self.line_ids
        if not lines:
            raise UserError(_(
                "No line is selected. Select the lines to delete in the "
                "list, then use Action > Delete Lines."))
        reasons = {}
        for line in lines:
            if line._telecom_has_history():
                reasons[line] = line._telecom_history_reasons() or [
                    _("it has a history")]
        to_archive = lines.filtered(lambda line: line in reasons)
        to_delete = lines - to_archive
        deleted_names = to_delete.mapped("name")
        archived = [(line.name, reasons[line]) for line in to_archive]
        to_delete.unlink()
        if to_archive:
            to_archive.write({"active": False})

        message = []
        if deleted_names:
            message.append(_("%(count)d line(s) deleted: %(lines)s.") % {
                "count": len(deleted_names),
                "lines": ", ".join(deleted_names)})
        if archived:
            message.append(_(
                "%d line(s) archived instead of deleted, because their "
                "history must be kept (find them with the \"Archived\" "
                "filter):") % len(archived))
            for name, line_reasons in archived:
                message.append(_("- %(line)s: %(reasons)s.") % {
                    "line": name,
                    "reasons": "; ".join(line_reasons)})
        self.write({
            "state": "done",
            "deleted_count": len(deleted_names),
            "archived_count": len(archived),
            "result_message": "\n".join(message),
        })
        return {
            "type": "ir.actions.act_window",
            "name": _("Delete Lines"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "view_type": "form",
            "target": "new",
        }

    @api.multi
    def action_close(self):
        """Close the wizard and reload the list of lines."""
        return {"type": "ir.actions.client", "tag": "reload"}
