# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class TelecomLineUpdateOption(models.Model):
    """A one-off option of a MAJ: article, quantity and amount copied from
    the deployment when it was done."""

    _name = "telecom.line.update.option"
    _description = "Telecom MAJ One-off Option"
    _order = "update_id, id"

    update_id = fields.Many2one(
        comodel_name="telecom.line.update",
        string="MAJ",
        required=True,
        ondelete="cascade",
        index=True,
    )
    name = fields.Char(string="Article", required=True)
    product_id = fields.Many2one(
        comodel_name="product.product",
        ondelete="set null",
        help="The product the option was made from; the article name, "
             "code, quantity and amounts are copied and stay as they were.",
    )
    default_code = fields.Char(string="Product Code")
    quantity = fields.Float(digits=(16, 2))
    price_unit = fields.Monetary(
        string="Unit Price", currency_field="currency_id")
    amount = fields.Monetary(currency_field="currency_id")
    line_id = fields.Many2one(
        related="update_id.line_id", string="Line", store=True,
        readonly=True, index=True)
    date = fields.Date(
        related="update_id.date", string="MAJ Date", store=True,
        readonly=True, index=True)
    company_id = fields.Many2one(
        related="update_id.company_id", string="Company", store=True,
        readonly=True, index=True)
    currency_id = fields.Many2one(
        related="update_id.currency_id", string="Currency", store=True,
        readonly=True)
    update_kind = fields.Selection(
        related="update_id.update_kind", string="Kind", store=True,
        readonly=True)

    # The history of a MAJ: see telecom.line.update. These always refuse,
    # so they call no super(): done deployments insert the options of the
    # MAJ in bulk.
    @api.model
    def create(self, vals):  # pylint: disable=method-required-super
        self.check_access_rights("create")
        return self.env["telecom.line.update"]._telecom_refuse_change("read")

    @api.multi
    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access_rights("write")
        return self.env["telecom.line.update"]._telecom_refuse_change("read")

    @api.multi
    def unlink(self):  # pylint: disable=method-required-super
        self.check_access_rights("unlink")
        return self.env["telecom.line.update"]._telecom_refuse_change("read")
