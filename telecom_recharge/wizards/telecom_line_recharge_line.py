# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TelecomLineRechargeLine(models.TransientModel):
    """A line of the Recharge DATA preview: what the top-up will do on one
    line. Display only: the deployment is computed again on confirm."""

    _name = "telecom.line.recharge.line"
    _inherit = "telecom.wizard.mixin"
    _description = "Recharge DATA Preview Line"

    wizard_id = fields.Many2one(
        comodel_name="telecom.line.recharge",
        required=True,
        ondelete="cascade",
    )
    line_id = fields.Many2one(comodel_name="telecom.line", readonly=True)
    subscription_id = fields.Many2one(
        comodel_name="telecom.subscription", readonly=True)
    allowance_gb = fields.Float(
        string="Allowance (GB)", digits=(16, 2), readonly=True)
    product_id = fields.Many2one(
        comodel_name="product.product", string="One-off Option",
        readonly=True)
    quantity = fields.Float(digits=(16, 2), readonly=True)
    price_unit = fields.Monetary(
        string="Unit Price", currency_field="currency_id", readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one(
        related="wizard_id.currency_id", string="Currency", readonly=True)
    problem = fields.Char(string="To Fix", readonly=True)
