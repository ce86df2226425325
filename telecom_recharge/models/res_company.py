# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_RECHARGE_MAX_GB = 100


class ResCompany(models.Model):
    _inherit = "res.company"

    telecom_recharge_max_gb = fields.Integer(
        string="Recharge DATA Maximum (GB)",
        default=DEFAULT_RECHARGE_MAX_GB,
        help="The largest top-up, in GB, that the Recharge DATA wizard "
             "accepts for each line.",
    )

    @api.constrains("telecom_recharge_max_gb")
    def _check_telecom_recharge_max_gb(self):
        for company in self:
            if company.telecom_recharge_max_gb < 1:
                raise ValidationError(_(
                    "The Recharge DATA maximum of the company %s must be at "
                    "least 1 GB.") % company.name)
