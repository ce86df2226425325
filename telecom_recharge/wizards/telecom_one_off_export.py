# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class TelecomOneOffExport(models.TransientModel):
    """The accountant's export of the one-off options of a period, as a
    spreadsheet with names (report telecom_recharge.one_off_report_xlsx)."""

    _name = "telecom.one.off.export"
    _inherit = "telecom.wizard.mixin"
    # Users, accountants and managers read the analysis; portal users not.
    _telecom_wizard_group = "base.group_user"
    _description = "Export the One-off Options"

    date_from = fields.Date(
        string="From", required=True,
        default=lambda self: self._default_month_start())
    date_to = fields.Date(
        string="To", required=True,
        default=lambda self: fields.Date.to_string(
            fields.Date.from_string(self._default_month_start()) +
            relativedelta(months=1, days=-1)))
    done_only = fields.Boolean(
        string="Done Deployments Only", default=True,
        help="Leave unticked to export the options of draft and confirmed "
             "deployments too (cancelled ones are never exported).")

    @api.model
    def _default_month_start(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today.replace(day=1))

    @api.multi
    def _telecom_domain(self):
        self.ensure_one()
        domain = [("date", ">=", self.date_from),
                  ("date", "<=", self.date_to)]
        if self.done_only:
            domain.append(("state", "=", "done"))
        return domain

    @api.multi
    def action_export(self):
        """Download the spreadsheet of the one-off options of the period
        (the options analysis' rows, read with the user's rights)."""
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(_(
                "The export starts on %(start)s, after its end %(end)s: "
                "swap the two dates.") % {
                    "start": format_date(self.env, self.date_from),
                    "end": format_date(self.env, self.date_to)})
        domain = self._telecom_domain()
        if not self.env["telecom.one.off.report"].search_count(domain):
            raise UserError(_(
                "No one-off option from %(start)s to %(end)s%(done)s: choose "
                "other dates.") % {
                    "start": format_date(self.env, self.date_from),
                    "end": format_date(self.env, self.date_to),
                    "done": _(" on a done deployment") if self.done_only
                    else ""})
        return self.env.ref(
            "telecom_recharge.telecom_one_off_report_xlsx").report_action(
                self.env["telecom.one.off.report"], data={"domain": domain})
