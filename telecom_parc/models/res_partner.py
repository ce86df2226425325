# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    telecom_is_partner_operator = fields.Boolean(
        string="Partner Operator",
        help="The operator that provides the lines of a parc "
             "(e.g. Actif Telecom).",
    )
    telecom_is_collection_operator = fields.Boolean(
        string="Collection Operator",
        help="The operator that collects the traffic of the lines "
             "(e.g. Orange).",
    )
