# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.addons.telecom_parc.tools.vals import check_vals, drop_derived
from odoo.tools.misc import formatLang

from ..tools.money import option_amount
from .product_template import format_gb
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
        required=True,
        ondelete="cascade",
        index=True,
    )
    line_id = fields.Many2one(
        comodel_name="telecom.line",
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
        digits=(16, 2),
        default=1.0,
        required=True,
    )
    price_unit = fields.Monetary(
        string="Unit Price",
        currency_field="currency_id",
        help="The list price of the option's product. Only a Telecom Manager "
             "may set another price; the change is logged on the "
             "deployment.",
    )
    price_overridden = fields.Boolean(
        string="Price Set by a Manager",
        readonly=True,
        copy=False,
        help="A Telecom Manager set this unit price instead of the list "
             "price of the product: it is kept when the deployment is done.",
    )
    amount = fields.Monetary(
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

    @api.depends("quantity", "price_unit", "currency_id")
    def _compute_amount(self):
        for option in self:
            option.amount = option_amount(
                option.currency_id, option.quantity, option.price_unit)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.lst_price

    @api.constrains("quantity")
    def _check_quantity(self):
        for option in self:
            if option.quantity <= 0:
                raise ValidationError(_(
                    "The quantity of the one-off option \"%(option)s\" of the "
                    "deployment %(deployment)s must be above 0.") % {
                        "option": option.product_id.display_name,
                        "deployment": option.deployment_id.name})

    @api.constrains("price_unit")
    def _check_price_unit(self):
        for option in self:
            if option.price_unit < 0:
                raise ValidationError(_(
                    "The unit price of the one-off option \"%(option)s\" of "
                    "the deployment %(deployment)s cannot be negative.") % {
                        "option": option.product_id.display_name,
                        "deployment": option.deployment_id.name})

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
    def _telecom_is_manager(self):
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group(
            "telecom_parc.group_telecom_manager")

    @api.multi
    def _telecom_check_tier(self):
        """Refuse a data top-up whose product is not the tier of the line's
        subscription: the tier sets the price."""
        Template = self.env["product.template"]
        for option in self:
            product = option.product_id
            allowance = option.line_id.subscription_id.data_allowance_gb
            if product.telecom_option_kind != "data_topup" or allowance <= 0:
                continue
            table = Template._telecom_tier_table(
                "data_topup", option.deployment_id.company_id)
            tier = Template._telecom_find_tier(table, allowance)
            if tier and tier != product:
                raise ValidationError(_(
                    "The line %(line)s has a %(allowance)s GB subscription: "
                    "its data top-up is \"%(tier)s\", not \"%(option)s\". "
                    "Choose that option (its price follows the "
                    "subscription).") % {
                        "line": option.line_id.name,
                        "allowance": format_gb(allowance),
                        "tier": tier.display_name,
                        "option": product.display_name})

    @api.model
    def _telecom_price_vals(self, vals, option=None):
        """Return ``vals`` with the unit price a user may give: the list
        price of the product, unless a Telecom Manager sets another one
        (then marked as overridden). Raise a UserError naming the option
        when anyone else sends another price."""
        if "price_unit" not in vals and "product_id" not in vals:
            return vals
        vals = dict(vals)
        product = self.env["product.product"].browse(
            vals["product_id"]) if vals.get("product_id") else (
                option.product_id if option else
                self.env["product.product"])
        deployment = self.env["telecom.deployment"].browse(
            vals["deployment_id"]) if vals.get("deployment_id") else (
                option.deployment_id if option else
                self.env["telecom.deployment"])
        currency = deployment.currency_id or \
            self.env.user.company_id.currency_id
        list_price = currency.round(product.lst_price) if product else 0.0
        if "price_unit" not in vals:
            # A new product brings its own price.
            vals.update(price_unit=list_price, price_overridden=False)
            return vals
        price = currency.round(vals["price_unit"] or 0.0)
        vals["price_unit"] = price
        if currency.is_zero(price - list_price):
            vals["price_overridden"] = False
        elif self._telecom_is_manager():
            vals["price_overridden"] = True
        else:
            raise UserError(_(
                "The unit price of the one-off option \"%(option)s\" is its "
                "list price, %(list_price)s. Only a Telecom Manager can set "
                "another price: ask one, or leave the list price.") % {
                    "option": product.display_name,
                    "list_price": formatLang(self.env, list_price,
                                             currency_obj=currency)})
        return vals

    @api.multi
    def _telecom_log_price_overrides(self):
        """Tell in the deployment's chatter which unit prices a manager set
        instead of the list price."""
        for option in self.filtered("price_overridden"):
            currency = option.currency_id
            option.deployment_id.message_post(body=_(
                "Unit price of the one-off option \"%(option)s\" on the "
                "line %(line)s set to %(price)s by %(user)s (list price "
                "%(list_price)s).") % {
                    "option": option.product_id.display_name,
                    "line": option.line_id.name,
                    "price": formatLang(self.env, option.price_unit,
                                        currency_obj=currency),
                    "user": self.env.user.name,
                    "list_price": formatLang(
                        self.env, option.product_id.lst_price,
                        currency_obj=currency)})

    @api.model
    def create(self, vals):
        check_vals(self, vals)
        vals = drop_derived(self, vals)
        vals.pop("price_overridden", None)
        deployment = self.env["telecom.deployment"].browse(
            vals.get("deployment_id"))
        if deployment.state in LOCKED_STATES:
            deployment._telecom_check_unlocked()
        vals = self._telecom_price_vals(vals)
        option = super(TelecomDeploymentOption, self).create(vals)
        option._telecom_check_tier()
        option._telecom_log_price_overrides()
        option.deployment_id._telecom_sync_option_lines()
        return option

    @api.multi
    def write(self, vals):
        check_vals(self, vals)
        vals = drop_derived(self, vals)
        vals.pop("price_overridden", None)
        self._telecom_check_unlocked()
        if "deployment_id" in vals:
            self.env["telecom.deployment"].browse(
                vals["deployment_id"])._telecom_check_unlocked()
        if {"price_unit", "product_id"} & set(vals):
            res = True
            for option in self:
                res = super(TelecomDeploymentOption, option).write(
                    self._telecom_price_vals(vals, option))
        else:
            res = super(TelecomDeploymentOption, self).write(vals)
        if {"product_id", "line_id", "deployment_id"} & set(vals):
            self._telecom_check_tier()
        if "price_unit" in vals:
            self._telecom_log_price_overrides()
        if {"line_id", "deployment_id"} & set(vals):
            self.mapped("deployment_id")._telecom_sync_option_lines()
        return res

    @api.multi
    def unlink(self):
        # A draft or cancelled deployment deletes its options with it (in
        # the database): whoever unlinks options meets the lock.
        self._telecom_check_unlocked()
        return super(TelecomDeploymentOption, self).unlink()
