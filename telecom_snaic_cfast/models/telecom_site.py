# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class TelecomSite(models.Model):
    """Sites have their SNAIC and CFAST IDs (``telecom.binding``), looked up
    by their code when missing."""

    _name = "telecom.site"
    _inherit = ["telecom.site", "telecom.external.id.mixin"]
    _telecom_external_key = "code"
