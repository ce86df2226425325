# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def post_init_hook(cr, registry):
    """The one-off options created before Odoo's accounting have no
    customer tax: give them their company's default sales tax, as a
    product created after the chart of accounts gets it."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["product.template"]._telecom_set_default_sale_taxes()
