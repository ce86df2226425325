# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Written only by the invoicing, in SQL: from a caller, they would free an
# option of a validated invoice or bill it twice.
INVOICING_FIELDS = ("invoice_line_id",)


class TelecomDeploymentOption(models.Model):
    _inherit = "telecom.deployment.option"

    invoice_line_id = fields.Many2one(
        comodel_name="account.invoice.line",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
        help="The customer invoice (or credit note) line that bills this "
             "option; empty until the one-off options are invoiced, and "
             "again when that invoice is cancelled or deleted.")
    # Without a string, a related field takes the label of the field it
    # follows ("Invoice Reference").
    invoice_id = fields.Many2one(  # pylint: disable=attribute-string-redundant
        related="invoice_line_id.invoice_id",
        string="Invoice",
        readonly=True)

    @api.model
    def _telecom_check_invoicing_vals(self, vals):
        sent = [name for name in INVOICING_FIELDS if name in (vals or {})]
        if sent:
            raise UserError(_(
                "The invoice line of a one-off option is set by the "
                "invoicing of the one-off options (Telecom > Reporting > "
                "Invoice One-off Options) and freed by cancelling or "
                "deleting its draft invoice: it cannot be written."))

    @api.model
    def create(self, vals):
        self._telecom_check_invoicing_vals(vals)
        return super(TelecomDeploymentOption, self).create(vals)

    @api.multi
    def write(self, vals):
        self._telecom_check_invoicing_vals(vals)
        return super(TelecomDeploymentOption, self).write(vals)
