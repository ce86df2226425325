# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telecom_recharge_max_gb = fields.Integer(
        related="company_id.telecom_recharge_max_gb",
        string="Recharge DATA Maximum (GB)",
    )
