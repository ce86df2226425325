# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.addons.telecom_parc.tools.vals import check_vals

from .telecom_deployment import LOCKED_STATES


class TelecomDeploymentOption(models.Model):
    """A one-off option of a deployment, applied to one of its lines
    (e.g. 2 x "Recharge DATA 1Go (Abo <50Go)" on the line 0700000091)."""

    _name = "telecom.deployment.option"
    _description = "Telecom Deployment One-off Option"
    _order = "deployment_id, sequence, id"

    sequence = fields.Integer(default=10)
    deployment_id = fields.Many2one(
        comodel_name="telecom.deployment",
        string="Deployment",
        required=True,
        ondelete="cascade",
        index=True,
    )
    line_id = fields.Many2one(
        comodel_name="telecom.line",
        string="Line",
        required=True,
        ondelete="restrict",
        index=True,
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        string="One-off Option",
        required=True,
        ondelete="restrict",
        domain=[("telecom_is_one_off", "=", True)],
    )
    quantity = fields.Float(
        string="Quantity",
        digits=(16, 2),
        default=1.0,
        required=True,
    )
    price_unit = fields.Monetary(
        string="Unit Price",
        currency_field="currency_id",
    )
    amount = fields.Monetary(
        string="Amount",
        compute="_compute_amount",
        store=True,
        currency_field="currency_id",
    )
    currency_id = fields.Many2one(
        related="deployment_id.currency_id",
        string="Currency",
        store=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="deployment_id.company_id",
        string="Company",
        store=True,
        readonly=True,
        index=True,
    )
    state = fields.Selection(
        related="deployment_id.state",
        string="Deployment Status",
        readonly=True,
    )

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for option in self:
            option.amount = option.quantity * option.price_unit

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.lst_price

    @api.constrains("quantity")
    def _check_quantity(self):
        for option in self:
            if option.quantity <= 0:
                raise ValidationError(_(
                    "The quantity of the one-off option \"%s\" of the "
                    "deployment %s must be above 0.") % (
                        option.product_id.display_name,
                        option.deployment_id.name))

    @api.constrains("price_unit")
    def _check_price_unit(self):
        for option in self:
            if option.price_unit < 0:
                raise ValidationError(_(
                    "The unit price of the one-off option \"%s\" of the "
                    "deployment %s cannot be negative.") % (
                        option.product_id.display_name,
                        option.deployment_id.name))

    @api.constrains("product_id")
    def _check_product_id(self):
        for option in self:
            if not option.product_id.telecom_is_one_off:
                raise ValidationError(_(
                    "The product \"%s\" is not a one-off option. Choose a "
                    "product marked \"One-off Option\".") %
                    option.product_id.display_name)

    @api.multi
    def _telecom_check_unlocked(self):
        self.mapped("deployment_id")._telecom_check_unlocked()

    @api.model
    def create(self, vals):
        check_vals(self, vals)
        deployment = self.env["telecom.deployment"].browse(
            vals.get("deployment_id"))
        if deployment.state in LOCKED_STATES:
            deployment._telecom_check_unlocked()
        if "price_unit" not in vals and vals.get("product_id"):
            vals["price_unit"] = self.env["product.product"].browse(
                vals["product_id"]).lst_price
        option = super(TelecomDeploymentOption, self).create(vals)
        if not self.env.context.get("telecom_skip_line_sync"):
            option.deployment_id._telecom_sync_option_lines()
        return option

    @api.multi
    def write(self, vals):
        check_vals(self, vals)
        self._telecom_check_unlocked()
        if "deployment_id" in vals:
            self.env["telecom.deployment"].browse(
                vals["deployment_id"])._telecom_check_unlocked()
        res = super(TelecomDeploymentOption, self).write(vals)
        if {"line_id", "deployment_id"} & set(vals) and \
                not self.env.context.get("telecom_skip_line_sync"):
            self.mapped("deployment_id")._telecom_sync_option_lines()
        return res

    @api.multi
    def unlink(self):
        # A draft or cancelled deployment deletes its options with it.
        if not self.env.context.get("telecom_deployment_unlink"):
            self._telecom_check_unlocked()
        return super(TelecomDeploymentOption, self).unlink()
