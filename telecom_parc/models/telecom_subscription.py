# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TelecomSubscription(models.Model):
    """A subscription type (rate plan) that a line is on."""

    _name = "telecom.subscription"
    _description = "Telecom Subscription"
    _order = "name"

    name = fields.Char(required=True, translate=False)
    operator_id = fields.Many2one(
        comodel_name="res.partner",
        domain=[("telecom_is_partner_operator", "=", True)],
        ondelete="restrict",
    )
    data_allowance_gb = fields.Float(
        string="Data Allowance (GB)",
        digits=(16, 2),
        help="Monthly data included in the subscription, in GB. "
             "Leave 0 for a subscription without data allowance "
             "(voice only): see 'Has Data Allowance'.",
    )
    has_data_allowance = fields.Boolean(
        compute="_compute_has_data_allowance",
        store=True,
        help="Unchecked when the data allowance is 0: the subscription "
             "has no data allowance.",
    )
    monthly_price = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.user.company_id.currency_id,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to share the subscription between companies.",
    )
    active = fields.Boolean(default=True)
    line_count = fields.Integer(
        string="Lines", compute="_compute_line_count")

    @api.depends("data_allowance_gb")
    def _compute_has_data_allowance(self):
        for subscription in self:
            subscription.has_data_allowance = (
                subscription.data_allowance_gb > 0)

    @api.multi
    def _compute_line_count(self):
        groups = self.env["telecom.line"].read_group(
            [("subscription_id", "in", self.ids)],
            ["subscription_id"], ["subscription_id"])
        counts = {group["subscription_id"][0]: group["subscription_id_count"]
                  for group in groups}
        for subscription in self:
            subscription.line_count = counts.get(subscription.id, 0)

    @api.constrains("data_allowance_gb")
    def _check_data_allowance_gb(self):
        for subscription in self:
            if subscription.data_allowance_gb < 0:
                raise ValidationError(_(
                    "The data allowance of the subscription \"%s\" cannot "
                    "be negative. Enter 0 for a subscription without data "
                    "allowance.") % subscription.name)
