# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    collection_operator_id = fields.Many2one(
        comodel_name="res.partner",
        domain=[("telecom_is_collection_operator", "=", True)],
        ondelete="restrict",
        help="The operator whose network carries the lines of this "
             "subscription and collects their traffic (e.g. Orange). "
             "Deployments of these lines are grouped by partner operator "
             "and collection operator.",
    )
