# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

INVOICE_STATES = [
    ("to_invoice", "To Invoice"),
    ("invoiced", "On an Invoice"),
    ("none", "Not Invoiceable"),
]


class TelecomOneOffReport(models.Model):
    _inherit = "telecom.one.off.report"

    invoice_id = fields.Many2one(
        comodel_name="account.invoice", readonly=True)
    invoice_state = fields.Selection(
        selection=INVOICE_STATES, string="Invoicing", readonly=True,
        help="To Invoice: the deployment is done and the option is on no "
             "invoice. On an Invoice: on a customer invoice or credit note "
             "(draft or validated). Not Invoiceable: the deployment is not "
             "done yet.")

    @api.model
    def _select(self):
        return super(TelecomOneOffReport, self)._select() + """,
                   il.invoice_id AS invoice_id,
                   CASE WHEN o.invoice_line_id IS NOT NULL THEN 'invoiced'
                        WHEN d.state = 'done' THEN 'to_invoice'
                        ELSE 'none' END AS invoice_state"""

    @api.model
    def _from(self):
        return super(TelecomOneOffReport, self)._from() + """
              LEFT JOIN account_invoice_line il
                     ON il.id = o.invoice_line_id"""
