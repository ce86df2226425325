# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .telecom_sync_request import STATES


class TelecomLine(models.Model):
    """Lines have their SNAIC and CFAST IDs (``telecom.binding``, looked up
    by phone number when missing) and show the sync of their MAJ with each
    system."""

    _name = "telecom.line"
    _inherit = ["telecom.line", "telecom.external.id.mixin"]
    _telecom_external_key = "phone_number"

    sync_request_ids = fields.One2many(
        comodel_name="telecom.sync.request", inverse_name="line_id",
        string="SNAIC/CFAST Sync", readonly=True)
    snaic_sync_state = fields.Selection(
        selection=STATES, string="SNAIC", compute="_compute_sync_states",
        help="State of the last MAJ pushed to SNAIC.")
    cfast_sync_state = fields.Selection(
        selection=STATES, string="CFAST", compute="_compute_sync_states",
        help="State of the last MAJ pushed to CFAST.")
    sync_error = fields.Boolean(
        string="In Error", compute="_compute_sync_states",
        search="_search_sync_error",
        help="The last MAJ pushed to SNAIC or CFAST is in error.")

    @api.multi
    def _compute_sync_states(self):
        # One query for all the lines shown: the last request per system.
        last = {}
        if self.ids:
            self.env.cr.execute("""
                SELECT DISTINCT ON (line_id, system) line_id, system, state
                  FROM telecom_sync_request
                 WHERE line_id IN %s
              ORDER BY line_id, system, id DESC""", (tuple(self.ids),))
            last = {(line_id, system): state
                    for line_id, system, state in self.env.cr.fetchall()}
        for line in self:
            line.snaic_sync_state = last.get((line.id, "snaic"))
            line.cfast_sync_state = last.get((line.id, "cfast"))
            line.sync_error = "error" in (line.snaic_sync_state,
                                          line.cfast_sync_state)

    @api.model
    def _search_sync_error(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Search the lines in error with = or !=."))
        # The lines whose last request of a system is in error, in one
        # query (the rule of _compute_sync_states).
        self.env.cr.execute("""
            SELECT line_id FROM (
                SELECT DISTINCT ON (line_id, system) line_id, state
                  FROM telecom_sync_request
              ORDER BY line_id, system, id DESC) last
             WHERE state = 'error'""")
        ids = list({row[0] for row in self.env.cr.fetchall()})
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]
