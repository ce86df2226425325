# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools

from odoo.addons.telecom_parc.models.telecom_parc import SERVICE_TYPES

from .product_template import OPTION_KINDS
from .telecom_deployment import CATEGORIES, DEPLOYMENT_STATES
from .telecom_line_update import UPDATE_KINDS


class TelecomOneOffReport(models.Model):
    """One-off option amounts for accountants: one row per one-off option
    of a deployment that is not cancelled, with its customer, site,
    operators, product and month, and the MAJ it gave once done."""

    _name = "telecom.one.off.report"
    _description = "One-off Options Analysis"
    _auto = False
    _rec_name = "deployment_id"
    _order = "date desc, id desc"

    date = fields.Date(
        readonly=True,
        help="Activation date of the deployment (the MAJ date), else its "
             "planned date, else its creation date.")
    deployment_id = fields.Many2one(
        comodel_name="telecom.deployment", readonly=True)
    state = fields.Selection(
        selection=DEPLOYMENT_STATES, string="Status", readonly=True)
    category = fields.Selection(selection=CATEGORIES, readonly=True)
    update_id = fields.Many2one(
        comodel_name="telecom.line.update", string="MAJ", readonly=True)
    kind = fields.Selection(
        selection=UPDATE_KINDS, readonly=True,
        help="Reversal: the option of a reversal deployment, with negative "
             "quantity and amount, dated the day of the reversal.")
    reversed_deployment_id = fields.Many2one(
        comodel_name="telecom.deployment", string="Reversal Of",
        readonly=True)
    line_id = fields.Many2one(comodel_name="telecom.line", readonly=True)
    site_id = fields.Many2one(comodel_name="telecom.site", readonly=True)
    parc_id = fields.Many2one(comodel_name="telecom.parc", readonly=True)
    service_type = fields.Selection(selection=SERVICE_TYPES, readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True)
    partner_operator_id = fields.Many2one(
        comodel_name="res.partner", readonly=True)
    collection_operator_id = fields.Many2one(
        comodel_name="res.partner", readonly=True)
    subscription_id = fields.Many2one(
        comodel_name="telecom.subscription", readonly=True)
    product_id = fields.Many2one(
        comodel_name="product.product", string="One-off Option",
        readonly=True)
    option_kind = fields.Selection(selection=OPTION_KINDS, readonly=True)
    quantity = fields.Float(digits=(16, 2), readonly=True)
    price_unit = fields.Monetary(
        string="Unit Price", currency_field="currency_id", readonly=True,
        group_operator="avg")
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)

    @api.model
    def _select(self):
        """The columns of the view, one per field (an addon adds its own
        after them)."""
        return """
            SELECT o.id AS id,
                   COALESCE(d.date_activation, d.date_planned,
                            d.create_date::date) AS date,
                   o.deployment_id AS deployment_id,
                   d.state AS state,
                   d.category AS category,
                   u.id AS update_id,
                   CASE WHEN d.reversed_deployment_id IS NULL
                        THEN 'apply' ELSE 'reversal' END AS kind,
                   d.reversed_deployment_id AS reversed_deployment_id,
                   o.line_id AS line_id,
                   l.site_id AS site_id,
                   l.parc_id AS parc_id,
                   p.service_type AS service_type,
                   l.partner_id AS partner_id,
                   d.partner_operator_id AS partner_operator_id,
                   d.collection_operator_id AS collection_operator_id,
                   l.subscription_id AS subscription_id,
                   o.product_id AS product_id,
                   t.telecom_option_kind AS option_kind,
                   o.quantity AS quantity,
                   o.price_unit AS price_unit,
                   o.amount AS amount,
                   d.company_id AS company_id,
                   d.currency_id AS currency_id"""

    @api.model
    def _from(self):
        """The tables of the view: ``o`` the option, ``d`` its deployment,
        ``l`` its line, ``u`` the MAJ it gave (an addon joins its own)."""
        return """
              FROM telecom_deployment_option o
              JOIN telecom_deployment d ON d.id = o.deployment_id
              JOIN telecom_line l ON l.id = o.line_id
              JOIN telecom_parc p ON p.id = l.parc_id
              JOIN product_product pp ON pp.id = o.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
              LEFT JOIN telecom_line_update u
                     ON u.deployment_id = d.id AND u.line_id = o.line_id"""

    @api.model
    def _where(self):
        return """
             WHERE d.state != 'cancelled'"""

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The parts are this module's constants (and its extensions').
        self.env.cr.execute(  # pylint: disable=sql-injection
            "CREATE OR REPLACE VIEW telecom_one_off_report AS (%s%s%s)" % (
                self._select(), self._from(), self._where()))
