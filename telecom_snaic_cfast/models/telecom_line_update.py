# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons.queue_job.job import job

SYNC_STATES = [
    ("none", "Nothing to Push"),
    ("pending", "Pending"),
    ("unknown", "Unknown Outcome"),
    ("error", "Error"),
    ("applied", "Applied"),
    ("nothing", "Nothing Sent"),
]


def aggregate_state(states):
    """The state of a set of sync requests, worst first: any error, then
    any unknown outcome, then anything not settled yet; applied when all
    are settled and one was applied (or cancelled, for a reversal);
    "nothing" when all were withdrawn or had nothing to cancel; "none"
    without request."""
    states = set(states)
    if not states:
        return "none"
    if "error" in states:
        return "error"
    if "unknown" in states:
        return "unknown"
    if states - {"done", "withdrawn", "void"}:
        return "pending"
    return "applied" if "done" in states else "nothing"


# MAJ noted in a line's chatter per job (a few seconds each).
LOG_CHUNK = 500


class TelecomLineUpdate(models.Model):
    """A MAJ is applied once both systems have applied it."""

    _inherit = "telecom.line.update"

    sync_request_ids = fields.One2many(
        comodel_name="telecom.sync.request", inverse_name="update_id",
        string="SNAIC/CFAST Sync", readonly=True)
    sync_state = fields.Selection(
        selection=SYNC_STATES, string="SNAIC/CFAST",
        compute="_compute_sync_state", search="_search_sync_state",
        help="Applied once SNAIC and CFAST have both applied the MAJ.")

    @api.multi
    def _compute_sync_state(self):
        # Computed on read, in one query for all the MAJ shown, rather than
        # stored: a push changes thousands of requests and must not pay a
        # recomputation for each.
        states = defaultdict(set)
        if self.ids:
            self.env.cr.execute(
                "SELECT DISTINCT update_id, state FROM telecom_sync_request "
                "WHERE update_id IN %s", (tuple(self.ids),))
            for update_id, state in self.env.cr.fetchall():
                states[update_id].add(state)
        for update in self:
            update.sync_state = aggregate_state(states[update.id])

    @api.model
    def _search_sync_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Search the SNAIC/CFAST state with = or in."))
        wanted = {value} if isinstance(value, str) or not value else set(value)
        # The states of the requests of every MAJ in one query; the rule that
        # combines them is aggregate_state(), the one used on read.
        self.env.cr.execute("""
            SELECT u.id, array_remove(array_agg(DISTINCT r.state), NULL)
              FROM telecom_line_update u
         LEFT JOIN telecom_sync_request r ON r.update_id = u.id
          GROUP BY u.id""")
        ids = [update_id for update_id, states in self.env.cr.fetchall()
               if aggregate_state(states) in wanted]
        positive = operator in ("=", "in")
        return [("id", "in" if positive else "not in", ids)]

    @api.multi
    def _telecom_log_later(self):
        """Queue the jobs that note these MAJ in their lines' chatter, a few
        hundred MAJ each: a note costs some 15 ms (Odoo notifies the line's
        followers), 17 s for a deployment of 1,000 lines, which stays off
        the "done" click (1.1 s for 1,000 lines). Returns True."""
        for start in range(0, len(self), LOG_CHUNK):
            chunk = self[start:start + LOG_CHUNK]
            # As the sync's jobs (telecom_sync_lane.py): never run inside
            # the caller's transaction, no creation message nor follower.
            chunk.sudo().with_context(
                test_queue_job_no_delay=False, tracking_disable=True,
                mail_create_nolog=True, mail_create_nosubscribe=True,
            ).with_delay(
                description=_("Note %d MAJ in their lines' chatter")
                % len(chunk))._telecom_job_log_on_lines()
        return True

    # One job at a time in its channel (root.telecom_log:1, see
    # scripts/lib.sh): the notes never take the workers of the push.
    @job(default_channel="root.telecom_log")
    @api.multi
    def _telecom_job_log_on_lines(self):
        """Job: note these MAJ in their lines' chatter. Returns what it did,
        in words."""
        self._telecom_log_on_lines()
        return _("%d MAJ noted in their lines' chatter") % len(self)
