# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter, defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .telecom_deployment import OPEN_STATES


def format_quantity(quantity):
    """Return a quantity as short text: 2, 1.5."""
    return ("%.2f" % quantity).rstrip("0").rstrip(".")


class TelecomLine(models.Model):
    _inherit = "telecom.line"

    update_ids = fields.One2many(
        comodel_name="telecom.line.update",
        inverse_name="line_id",
        string="MAJ",
        readonly=True,
    )
    deployment_ids = fields.Many2many(
        comodel_name="telecom.deployment",
        relation="telecom_deployment_line_rel",
        column1="line_id",
        column2="deployment_id",
        string="Deployments",
        readonly=True,
        copy=False,
    )
    one_off_summary = fields.Char(
        string="One-off Options",
        compute="_compute_one_off_summary",
        help="The one-off options of the MAJ of the current month (by "
             "activation date), e.g. \"Recharge DATA 1Go (Abo <50Go) x2\"; "
             "a reversal shows apart, with its negative quantity.",
    )
    open_deployment_count = fields.Integer(
        string="Open Deployments",
        compute="_compute_open_deployment_count",
        help="⚙: the open deployments of the line (draft or confirmed, "
             "not done yet).",
    )

    # ------------------------------------------------------------------
    # The deployments of a line are written from the deployments: from the
    # line's side, the many2many would bypass their locks (a done
    # deployment's lines).
    # ------------------------------------------------------------------
    @api.model
    def _telecom_refuse_relations(self, vals):
        if "deployment_ids" in (vals or {}):
            raise UserError(_(
                "The deployments of a line are changed from the deployment "
                "(its lines), not from the line: a done deployment keeps "
                "its lines."))

    @api.model
    def create(self, vals):
        self._telecom_refuse_relations(vals)
        return super(TelecomLine, self).create(vals)

    @api.multi
    def write(self, vals):
        self._telecom_refuse_relations(vals)
        return super(TelecomLine, self).write(vals)

    @api.model
    def _telecom_current_period(self):
        """Return the current MAJ period as (first day, first day of the
        next period): the calendar month of today, in the user's time
        zone."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        start = today + relativedelta(day=1)
        return start, start + relativedelta(months=1)

    @api.multi
    def _compute_one_off_summary(self):
        """One read_group for all the lines: the one-off options of the MAJ
        whose date falls in the current period, summed by article."""
        lines = self.filtered("id")
        summaries = defaultdict(list)
        if lines:
            start, end = self._telecom_current_period()
            groups = self.env["telecom.line.update.option"].read_group(
                [("line_id", "in", lines.ids),
                 ("date", ">=", fields.Date.to_string(start)),
                 ("date", "<", fields.Date.to_string(end))],
                ["line_id", "name", "update_kind", "quantity"],
                ["line_id", "name", "update_kind"],
                orderby="name, update_kind",
                lazy=False)
            for group in groups:
                text = "%s \u00d7%s" % (group["name"],
                                        format_quantity(group["quantity"]))
                if group["update_kind"] == "reversal":
                    # Its quantity is negative: "... ×-2 (reversal)".
                    text = _("%s (reversal)") % text
                summaries[group["line_id"][0]].append(text)
        for line in self:
            line.one_off_summary = ", ".join(summaries.get(line.id, []))

    @api.model
    def _telecom_parc_group_extras(self, domain, parc_ids):
        """The parc's group says the open work on its lines, as the "⚙"
        column does: "⚙️ 2" is the sum of that column over the group's
        lines (one query for all the groups)."""
        extras = super(TelecomLine, self)._telecom_parc_group_extras(
            domain, parc_ids)
        if not parc_ids:
            return extras
        # The lines of the list (its domain, the record rules), then
        # their open deployments: our own tables, one query for all.
        lines = self.search(list(domain) + [
            ("parc_id", "in", list(parc_ids))])
        if not lines:
            return extras
        self.env.cr.execute("""
            SELECT line.parc_id, count(*)
              FROM telecom_deployment_line_rel rel
              JOIN telecom_deployment deployment
                ON deployment.id = rel.deployment_id
              JOIN telecom_line line ON line.id = rel.line_id
             WHERE deployment.state IN %s AND rel.line_id IN %s
          GROUP BY line.parc_id""", (tuple(OPEN_STATES), tuple(lines.ids)))
        for parc_id, count in self.env.cr.fetchall():
            extras[parc_id] = "⚙️ %d" % count
        return extras

    @api.multi
    def _compute_open_deployment_count(self):
        """Two queries for all the lines: the open deployments of these
        lines, then their lines (a many2many cannot be grouped by
        read_group in Odoo 11)."""
        lines = self.filtered("id")
        counts = Counter()
        if lines:
            deployments = self.env["telecom.deployment"].search([
                ("line_ids", "in", lines.ids),
                ("state", "in", list(OPEN_STATES)),
            ])
            wanted = set(lines.ids)
            for line_ids in deployments.read(["line_ids"]):
                counts.update(wanted.intersection(line_ids["line_ids"]))
        for line in self:
            line.open_deployment_count = counts.get(line.id, 0)

    @api.multi
    def _telecom_history_reasons(self):
        reasons = super(TelecomLine, self)._telecom_history_reasons()
        updates = self.env["telecom.line.update"].sudo().search_count(
            [("line_id", "=", self.id)])
        if updates:
            reasons.append(_("it has %d MAJ") % updates)
        options = self.env["telecom.deployment.option"].sudo().search_count(
            [("line_id", "=", self.id)])
        if options:
            reasons.append(
                _("it has %d one-off option(s) in deployments") % options)
        return reasons

    @api.multi
    def _telecom_has_history(self):
        self.ensure_one()
        if self.env["telecom.line.update"].sudo().search_count(
                [("line_id", "=", self.id)]) or \
                self.env["telecom.deployment.option"].sudo().search_count(
                    [("line_id", "=", self.id)]):
            return True
        return super(TelecomLine, self)._telecom_has_history()

    @api.multi
    def action_view_open_deployments(self):
        """Open the draft and confirmed deployments of the line."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_recharge.telecom_deployment_action").read()[0]
        action["domain"] = [("line_ids", "in", self.ids),
                            ("state", "in", list(OPEN_STATES))]
        action["context"] = {}
        return action
