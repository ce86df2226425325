# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The jobs of the sync, run by OCA queue_job's job runner.

Each connection pushes through *lanes*: as many jobs at once as its
"Concurrent Requests" (the most concurrent calls its system accepts), in the
queue_job channel of its system (``root.telecom_sync.snaic``,
``root.telecom_sync.cfast``). A lane reads back the unknown outcomes, then
claims due requests in batches and sends them, one call after the other,
until none is left or its time is up; it then hands over to a new job.

A lane is a PostgreSQL advisory lock per (connection, lane number), held
while its job runs: a second job of the same lane (queued while the first
was running) waits for it instead of running beside it, so the calls to a
system never exceed the connection's limit, whatever the job runner's
channel allows. Identity keys keep one waiting job per lane.
"""
import logging
import math
import time
from collections import defaultdict

import psycopg2

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import job

from .telecom_sync_request import LANE_BUDGET

_logger = logging.getLogger(__name__)

# A lane for every this many due requests, up to the connection's limit.
LANE_SHARE = 20
# Seconds before a job whose lane is busy tries again.
LANE_BUSY_DELAY = 2
# The namespace of the lanes' advisory locks (the other key is the lane).
LOCK_NAMESPACE = 0x7E1C
# Lines looked up per step of the job that fetches missing IDs.
FETCH_STEP = 200
# Minutes after which a job of ours still "enqueued" or "started" belongs
# to a worker that died (a lane ends within about a minute; a prefork worker
# is killed past limit_time_real, 120 s by default): it goes back to the
# queue, so that it does not hold its identity key for ever.
STUCK_ENQUEUED_MINUTES = 2
STUCK_STARTED_MINUTES = 3


class TelecomApiBackend(models.Model):
    _inherit = "telecom.api.backend"

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_channel(self):
        """The queue_job channel of this connection's system."""
        self.ensure_one()
        return "root.telecom_sync.%s" % self.system

    @api.multi
    def _telecom_delayable(self, identity, description, eta=None):
        # A caller who sends test_queue_job_no_delay would have queue_job
        # run the job at once, inside the caller's transaction: never here.
        # A job is a mail.thread: without a creation message nor follower
        # (30 ms a job, 1 s for the 32 lanes of a big deployment); queue_job
        # subscribes its managers when a job fails.
        self.ensure_one()
        return self.sudo().with_context(
            test_queue_job_no_delay=False, tracking_disable=True,
            mail_create_nolog=True, mail_create_nosubscribe=True).with_delay(
                channel=self._telecom_channel(), eta=eta,
                description=description,
                identity_key="telecom-sync-%d-%s" % (self.id, identity))

    @api.multi
    def _telecom_enqueue_lanes(self, start=0, first_only=True):
        """Queue the lanes these active connections need now: one for every
        few due requests (and one to read back unknown outcomes), up to
        each connection's limit of concurrent requests, from lane ``start``.
        With ``first_only``, only the first lane is queued: its job queues
        the others when it starts (a job costs a few milliseconds to queue:
        the deployment's transaction queues one per system, not 32). A lane
        already waiting to run is not queued twice. Returns True."""
        Request = self.env["telecom.sync.request"].sudo()
        for backend in self.sudo().filtered("active"):
            mine = [("backend_id", "=", backend.id)]
            due = Request.search_count(Request._telecom_due_domain() + mine)
            wanted = int(math.ceil(due / float(LANE_SHARE)))
            if not wanted and Request.search_count(
                    Request._telecom_reconcile_domain() + mine):
                wanted = 1
            wanted = min(wanted, backend.pool_size)
            if first_only:
                wanted = min(wanted, start + 1)
            for lane in range(start, wanted):
                backend._telecom_delayable(
                    "lane-%d" % lane,
                    _("%(connection)s: push the MAJ (lane %(lane)d)") % {
                        "connection": backend.name, "lane": lane + 1},
                )._telecom_job_lane(lane)
        return True

    @api.model
    def _telecom_requeue_stuck_jobs(self):
        """Put back in the queue the sync jobs that a worker killed while
        it ran them (or before it started them) left "started" or
        "enqueued" (queue_job's own garbage collector does it for every job
        every five minutes). Returns the jobs requeued."""
        Job = self.env["queue.job"].sudo()
        stuck = Job.search(expression.AND([
            Job._get_stuck_jobs_domain(STUCK_ENQUEUED_MINUTES,
                                       STUCK_STARTED_MINUTES),
            [("model_name", "=", self._name)]]))
        stuck.requeue()
        return stuck

    @api.multi
    def _telecom_enqueue_next_retry(self):
        """Queue a lane for the earliest request of this connection that
        waits for a retry (back-off, Retry-After), at that time."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT min(next_attempt_at) FROM telecom_sync_request "
            "WHERE backend_id = %s AND state = 'pending' "
            "AND next_attempt_at > %s", (
                self.id, fields.Datetime.now()))
        eta = self.env.cr.fetchone()[0]
        if eta:
            self._telecom_delayable(
                "retry", _("%(connection)s: retry the MAJ") % {
                    "connection": self.name},
                eta=fields.Datetime.from_string(eta) if isinstance(
                    eta, str) else eta)._telecom_job_lane(0)

    @api.multi
    def _telecom_enqueue_fetch_ids(self, after_id=0):
        """Queue the job that looks up the IDs missing in the systems of
        these active connections. Returns True."""
        for backend in self.sudo().filtered("active"):
            backend._telecom_delayable(
                "fetch-%d" % after_id,
                _("%(connection)s: fetch the missing IDs") % {
                    "connection": backend.name},
            )._telecom_job_fetch_ids(after_id)
        return True

    @api.multi
    def action_view_jobs(self):
        """Open the queue_job jobs of this connection (Queue > Jobs): what
        each did, or why it failed."""
        self.ensure_one()
        action = self.env.ref("queue_job.action_queue_job").read()[0]
        action["domain"] = [
            ("model_name", "=", self._name),
            ("func_string", "=like", "%s(%d,).%%" % (self._name, self.id))]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    @job(default_channel="root.telecom_sync")
    @api.multi
    def _telecom_job_lane(self, lane):
        """Job: push this connection's requests in lane ``lane`` (see the
        module's docstring). Returns what became of them, in words."""
        self.ensure_one()
        backend = self.sudo()
        if not backend.active:
            return _("The connection is archived: nothing sent.")
        if lane == 0:
            # The first lane queues the others the work needs, and commits
            # them so that they start beside it.
            backend._telecom_enqueue_lanes(start=1, first_only=False)
            self.env["telecom.sync.request"]._telecom_commit()
        if not backend._telecom_lane_lock(lane):
            # The same lane is still running: wait for it, not beside it.
            raise RetryableJobError(
                _("The previous job of this lane is still running."),
                seconds=LANE_BUSY_DELAY, ignore_retry=True)
        try:
            counts, more = backend._telecom_run_lane()
        finally:
            backend._telecom_lane_unlock(lane)
        if more:
            # Time is up with requests left: a new job carries on.
            backend._telecom_delayable(
                "lane-%d" % lane,
                _("%(connection)s: push the MAJ (lane %(lane)d)") % {
                    "connection": backend.name, "lane": lane + 1},
            )._telecom_job_lane(lane)
        else:
            backend._telecom_enqueue_next_retry()
        return backend._telecom_summary(counts)

    @job(default_channel="root.telecom_sync")
    @api.multi
    def _telecom_job_fetch_ids(self, after_id=0):
        """Job: look up the IDs missing in this connection's system, for a
        few hundred lines at a time, handing over to a new job when its
        time is up. Returns the count of IDs found, in words."""
        self.ensure_one()
        backend = self.sudo()
        if not backend.active:
            return _("The connection is archived: nothing looked up.")
        Request = self.env["telecom.sync.request"].sudo()
        stop_at, found, last = time.time() + LANE_BUDGET, 0, after_id
        while last is not None and time.time() < stop_at:
            count, last = Request._telecom_fetch_all_missing_ids(
                backend, FETCH_STEP, after_id=last)
            found += count
        if last is not None:
            backend._telecom_enqueue_fetch_ids(after_id=last)
        return _("%(count)d ID(s) found") % {"count": found}

    # ------------------------------------------------------------------
    # A lane's work
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_run_lane(self, budget=LANE_BUDGET):
        """Read back this connection's unknown outcomes, then claim and
        send its due requests in batches until none is left or ``budget``
        seconds have passed. Returns the counts by final state and whether
        due requests are left."""
        self.ensure_one()
        Request = self.env["telecom.sync.request"].sudo()
        stop_at = time.time() + budget
        size = max(1, self.batch_size)
        counts = defaultdict(int)
        # Each unknown outcome read back once per job (one that cannot be
        # read now waits for the next job).
        tried = set()
        while time.time() < stop_at:
            found, requests = Request._telecom_reconcile_backend(
                self, size, exclude_ids=tried)
            if not requests:
                break
            tried.update(requests.ids)
            for state, count in found.items():
                counts[state] += count
        # One message per deployment for the whole job, not per batch.
        summaries = defaultdict(lambda: ([], []))
        more = self._telecom_push_due(stop_at, size, counts, summaries)
        Request._telecom_post_summaries(summaries)
        return counts, more

    @api.multi
    def _telecom_push_due(self, stop_at, size, counts, summaries):
        """Claim and send this connection's due requests in batches until
        none is left or ``stop_at``; add their final states to ``counts``.
        Returns whether due requests are left."""
        Request = self.env["telecom.sync.request"].sudo()
        while True:
            if time.time() >= stop_at:
                return True
            # A fair share of what is due for each lane, so that the lanes
            # end together: 600 due in batches of 50 kept 12 of 16 lanes
            # busy, and the rate at 0.72 of the connection's limit.
            share = int(math.ceil(self._telecom_due_count() / float(
                max(1, self.pool_size))))
            claimed = Request._telecom_claim_due(self, max(1, min(size, share)))
            if not claimed:
                return False
            for state, count in claimed.with_context(
                    telecom_sync_stop_at=stop_at)._telecom_send(
                        self, summaries).items():
                counts[state] += count

    @api.multi
    def _telecom_due_count(self):
        """How many requests of this connection are due now."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT count(*) FROM telecom_sync_request WHERE backend_id = %s "
            "AND state = 'pending' AND (next_attempt_at IS NULL OR "
            "next_attempt_at <= %s)", (self.id, fields.Datetime.now()))
        return self.env.cr.fetchone()[0]

    @api.multi
    def _telecom_lane_lock(self, lane):
        """Take the advisory lock of this connection's lane ``lane`` for
        this database session; False when another session holds it."""
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (
            LOCK_NAMESPACE, self.id * 1000 + lane))
        return self.env.cr.fetchone()[0]

    @api.multi
    def _telecom_lane_unlock(self, lane):
        # After an error the transaction refuses every query until it is
        # rolled back (the job runner rolls it back anyway).
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (
                    LOCK_NAMESPACE, self.id * 1000 + lane))
        except psycopg2.Error:
            self.env.cr.rollback()
            self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (
                LOCK_NAMESPACE, self.id * 1000 + lane))

    @api.model
    def _telecom_summary(self, counts):
        """The counts of a lane in words, for the job's result."""
        labels = {"done": _("applied"), "error": _("in error"),
                  "pending": _("to retry"), "unknown": _("outcome unknown"),
                  "waiting": _("waiting for the top-up they cancel"),
                  "void": _("nothing to cancel")}
        return ", ".join(
            "%s: %d" % (labels.get(state, state), count)
            for state, count in sorted(counts.items()) if count) or _(
                "nothing to send")
