# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    """Customers have their SNAIC and CFAST IDs (``telecom.binding``),
    looked up by their reference (``ref``) when missing."""

    _name = "res.partner"
    _inherit = ["res.partner", "telecom.external.id.mixin"]
    _telecom_external_key = "ref"
