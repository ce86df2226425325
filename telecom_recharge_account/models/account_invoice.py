# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Set by the invoicing of the one-off options only (in SQL).
PERIOD_FIELDS = ("telecom_date_from", "telecom_date_to")


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    telecom_date_from = fields.Date(
        string="One-off Options From",
        readonly=True,
        copy=False,
        help="The invoicing of the one-off options made this invoice for "
             "the options whose MAJ is dated in this period.")
    telecom_date_to = fields.Date(
        string="One-off Options To",
        readonly=True,
        copy=False)
    telecom_option_count = fields.Integer(
        string="One-off Options",
        compute="_compute_telecom_option_count")

    @api.multi
    def _compute_telecom_option_count(self):
        counts = {}
        ids = tuple(i for i in self.ids if isinstance(i, int))
        if ids:
            self.env.cr.execute("""
                SELECT il.invoice_id, count(*)
                  FROM telecom_deployment_option o
                  JOIN account_invoice_line il ON il.id = o.invoice_line_id
                 WHERE il.invoice_id IN %s
              GROUP BY il.invoice_id""", (ids,))
            counts = dict(self.env.cr.fetchall())
        for invoice in self:
            invoice.telecom_option_count = counts.get(invoice.id, 0)

    @api.model
    def _telecom_drop_period(self, vals):
        return {name: value for name, value in (vals or {}).items()
                if name not in PERIOD_FIELDS}

    @api.model
    def create(self, vals):
        return super(AccountInvoice, self).create(
            self._telecom_drop_period(vals))

    @api.multi
    def write(self, vals):
        vals = self._telecom_drop_period(vals)
        res = super(AccountInvoice, self).write(vals)
        if vals.get("state") == "cancel":
            self._telecom_free_options()
        return res

    @api.multi
    def _telecom_free_options(self):
        """Free the one-off options billed by these invoices: the next
        invoicing of their period bills them again."""
        if not self.ids:
            return
        self.env.cr.execute("""
            UPDATE telecom_deployment_option o
               SET invoice_line_id = NULL
              FROM account_invoice_line il
             WHERE il.id = o.invoice_line_id AND il.invoice_id IN %s
         RETURNING o.id""", (tuple(self.ids),))
        freed = [row[0] for row in self.env.cr.fetchall()]
        if freed:
            self.env["telecom.deployment.option"].invalidate_cache(
                ["invoice_line_id"], freed)
            for invoice in self:
                invoice.message_post(body=_(
                    "The one-off options of this invoice are to invoice "
                    "again: it is cancelled."))

    @api.multi
    def action_invoice_draft(self):
        made = self.filtered("telecom_date_from")
        if made:
            raise UserError(_(
                "%s was made by the invoicing of the one-off options: "
                "cancelling it freed its options. Run Telecom > Reporting > "
                "Invoice One-off Options again to invoice them, instead of "
                "resetting it to draft.") % made[0].display_name)
        return super(AccountInvoice, self).action_invoice_draft()

    @api.multi
    def action_view_telecom_options(self):
        """The one-off options this invoice bills, in their analysis."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_recharge.telecom_one_off_report_action").read()[0]
        action.update(
            domain=[("invoice_id", "=", self.id)],
            context={"search_default_group_by_customer": 0},
            view_mode="tree,pivot,graph",
            views=[(False, "tree"), (False, "pivot"), (False, "graph")])
        return action
