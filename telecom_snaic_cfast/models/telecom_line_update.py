# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

SYNC_STATES = [
    ("none", "Nothing to Push"),
    ("pending", "Pending"),
    ("unknown", "Unknown Outcome"),
    ("error", "Error"),
    ("applied", "Applied"),
]


def aggregate_state(states):
    """The state of a set of sync requests, worst first: any error, then
    any unknown outcome, then anything not done yet; applied when all are
    done; "none" without request."""
    states = set(states)
    if not states:
        return "none"
    if "error" in states:
        return "error"
    if "unknown" in states:
        return "unknown"
    if states - {"done"}:
        return "pending"
    return "applied"


class TelecomLineUpdate(models.Model):
    """A MAJ is applied once both systems have applied it."""

    _inherit = "telecom.line.update"

    sync_request_ids = fields.One2many(
        comodel_name="telecom.sync.request", inverse_name="update_id",
        string="SNAIC/CFAST Sync", readonly=True)
    sync_state = fields.Selection(
        selection=SYNC_STATES, string="SNAIC/CFAST",
        compute="_compute_sync_state", store=True, index=True,
        help="Applied once SNAIC and CFAST have both applied the MAJ.")

    @api.depends("sync_request_ids.state")
    def _compute_sync_state(self):
        for update in self:
            update.sync_state = aggregate_state(
                update.sync_request_ids.mapped("state"))
