# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    """Customers carry their SNAIC and CFAST IDs, looked up by their
    reference (``ref``) when missing."""

    _inherit = "res.partner"

    snaic_id = fields.Char(string="SNAIC ID", copy=False, index=True)
    cfast_id = fields.Char(string="CFAST ID", copy=False, index=True)
