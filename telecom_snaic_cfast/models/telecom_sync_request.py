# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox of the SNAIC/CFAST sync: one request per (MAJ, system).

How a request travels:

* it is created in the transaction that sets the deployment to done, with
  its idempotency key and reference (random, made once and stored, so
  unique even across a restored copy of the database): the intent is
  committed before any byte is sent;
* a push run *claims* due requests in a short transaction of its own
  (``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)``, state
  ``sent``, attempt counted) and commits, so that no other worker takes them;
* it fetches the missing SNAIC/CFAST IDs of their lines, sites and customers
  and stores them, then sends the options through a bounded pool of threads
  (the threads only speak HTTP, never to the ORM);
* each result is written and committed on its own: a failure never undoes
  the others;
* a request whose outcome is unknown (timeout, unreadable reply, or a
  worker that died while it was ``sent``) is read back by our reference
  before anything is sent again, always with the same key.
"""
import itertools
import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta
from decimal import Decimal

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_repr
from odoo.addons.queue_job.job import identity_exact, job
from odoo.addons.telecom_parc.tools.bulk import bulk_insert

from ..clients import (ApiError, ConfigurationError, PermanentError,
                       RetryableError, UnknownOutcomeError, make_client)
from .telecom_api_backend import SYSTEMS

_logger = logging.getLogger(__name__)

BLOCKED_REASONS = [
    ("no_connection", "No active connection"),
    ("archived", "Connection archived"),
]
STATES = [
    ("pending", "Pending"),
    ("sent", "Sending"),
    ("done", "Done"),
    ("error", "Error"),
    ("unknown", "Unknown Outcome"),
]
ERROR_KINDS = [
    ("retryable", "Temporary (retries exhausted)"),
    ("permanent", "Refused by the system"),
    ("configuration", "Connection settings"),
    ("missing_id", "Unknown to the system"),
]
# The remote already holds an option with our reference: never an error,
# the read-back settles it.
DUPLICATE_CODES = ("duplicate_reference", "DUPLICATE_EXTERNAL_REFERENCE")
# A 429 is a wait, not a failed attempt; but after this many waits per allowed
# attempt, a system that never stops refusing shows an error.
THROTTLES_PER_ATTEMPT = 3
# A request left "sent" longer than its timeouts plus this margin belongs to
# a worker that died: it is reconciled like an unknown outcome.
STALE_MARGIN = 120


# The outcome of a request whose worker reached its deadline before sending.
NOT_SENT = object()


def _now():
    return datetime.utcnow()


class _ClientPool(object):
    """One API client per thread of the pool (a requests.Session is not
    meant to be shared between threads)."""

    def __init__(self, settings):
        self.settings = settings
        self.local = threading.local()
        self.clients = []
        self.lock = threading.Lock()

    def get(self):
        client = getattr(self.local, "client", None)
        if client is None:
            client = make_client(**self.settings)
            self.local.client = client
            with self.lock:
                self.clients.append(client)
        return client

    def close(self):
        for client in self.clients:
            client.close()


def _run_pool(settings, jobs, func):
    """Run ``func(client, job)`` for every job on at most ``pool_size``
    threads; returns the results in the order of ``jobs``. Exceptions are
    returned, not raised."""
    results = [None] * len(jobs)
    for index, result in _run_pool_iter(settings, jobs, func):
        results[index] = result
    return results


def _run_pool_iter(settings, jobs, func):
    """Like ``_run_pool`` but yield ``(index, result)`` as each job ends, so
    that the caller saves results while the other calls are in flight."""
    if not jobs:
        return
    pool = _ClientPool(settings)

    def call(job):
        try:
            return func(pool.get(), job)
        except Exception as exc:  # each job's failure is its own result
            return exc

    workers = max(1, min(int(settings.get("pool_size") or 1), len(jobs)))
    try:
        if workers == 1:
            for index, job in enumerate(jobs):
                yield index, call(job)
            return
        with ThreadPoolExecutor(max_workers=workers,
                                thread_name_prefix="telecom-sync") as executor:
            futures = {executor.submit(call, job): index
                       for index, job in enumerate(jobs)}
            for future in as_completed(futures):
                yield futures[future], future.result()
    finally:
        pool.close()


class TelecomSyncRequest(models.Model):
    """The push of one MAJ to one external system (SNAIC or CFAST)."""

    _name = "telecom.sync.request"
    _description = "SNAIC/CFAST Sync Request"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    system = fields.Selection(selection=SYSTEMS, required=True, readonly=True,
                              index=True)
    backend_id = fields.Many2one(
        comodel_name="telecom.api.backend", string="Connection",
        readonly=True, ondelete="restrict", index=True,
        help="Empty while the company has no connection to the system: the "
             "request waits and is sent once one is activated.")
    blocked = fields.Selection(
        selection=BLOCKED_REASONS, string="Waiting For",
        compute="_compute_blocked", search="_search_blocked",
        help="Why a request is not sent: its company has no connection to "
             "the system, or its connection is archived. It is sent once an "
             "administrator activates one.")
    update_id = fields.Many2one(
        comodel_name="telecom.line.update", string="MAJ", required=True,
        readonly=True, ondelete="restrict", index=True)
    line_id = fields.Many2one(
        related="update_id.line_id", string="Line", store=True,
        readonly=True, index=True)
    deployment_id = fields.Many2one(
        related="update_id.deployment_id", string="Deployment", store=True,
        readonly=True, index=True)
    company_id = fields.Many2one(
        related="update_id.company_id", string="Company", store=True,
        readonly=True, index=True)
    state = fields.Selection(
        selection=STATES, default="pending", required=True, readonly=True,
        index=True,
        help="Pending: waiting to be sent (or retried). Sending: being sent "
             "now. Done: applied by the system. Error: needs someone to act "
             "(see the last error), then Retry. Unknown outcome: the system "
             "may have applied it; it is read back before anything is sent "
             "again.")
    idempotency_key = fields.Char(
        readonly=True, copy=False, required=True,
        help="Sent on every attempt of this request so that the system "
             "applies it once, whatever the retries.")
    reference = fields.Char(
        string="Our Reference", readonly=True, copy=False, required=True,
        help="Our reference of the option in the system, used to read it "
             "back when the outcome of a call is unknown.")
    remote_ref = fields.Char(string="Remote Reference", readonly=True,
                             copy=False)
    attempt_count = fields.Integer(string="Attempts", readonly=True,
                                   copy=False, default=0)
    throttle_count = fields.Integer(
        string="Postponed (429)", readonly=True, copy=False, default=0,
        help="Times the system asked to slow down; they do not count as "
             "failed attempts.")
    next_attempt_at = fields.Datetime(string="Next Attempt", readonly=True,
                                      index=True, copy=False)
    sent_at = fields.Datetime(string="Last Sent", readonly=True, copy=False)
    send_deadline = fields.Datetime(
        string="Sending Deadline", readonly=True, copy=False,
        help="The worker that took the request starts no call to the system "
             "after this time (less one call's timeouts), so that after it "
             "nothing of it can still be on the way: only then is a request "
             "left \"sending\" read back as abandoned.")
    claim_token = fields.Char(
        readonly=True, copy=False, groups="base.group_no_one",
        help="Who holds the request: set by the worker that takes it; only "
             "that worker saves its result.")
    date_done = fields.Datetime(string="Applied On", readonly=True,
                                copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    error_kind = fields.Selection(selection=ERROR_KINDS, readonly=True,
                                  copy=False)

    _sql_constraints = [
        ("update_system_uniq", "unique(update_id, system)",
         "A MAJ is pushed once to each system."),
        ("idempotency_key_uniq", "unique(idempotency_key)",
         "Each request has its own idempotency key."),
    ]

    @api.depends("backend_id", "backend_id.active")
    def _compute_blocked(self):
        for request in self:
            request.blocked = False if request.backend_id.active else (
                "archived" if request.backend_id else "no_connection")

    @api.model
    def _search_blocked(self, operator, value):
        blocked = ["|", ("backend_id", "=", False),
                   ("backend_id.active", "=", False)]
        if operator not in ("=", "!=") or value not in (
                False, "archived", "no_connection"):
            raise UserError(_("Search the requests waiting for a connection "
                              "with = or !=."))
        if value == "archived":
            blocked = [("backend_id", "!=", False),
                       ("backend_id.active", "=", False)]
        elif value == "no_connection":
            blocked = [("backend_id", "=", False)]
        positive = (operator == "=") != (value is False)
        return blocked if positive else ["!"] + blocked

    @api.depends("system", "update_id.name", "line_id.name")
    def _compute_name(self):
        labels = dict(SYSTEMS)
        for request in self:
            request.name = "%s / %s / %s" % (
                labels.get(request.system, ""), request.update_id.name or "",
                request.line_id.name or "")

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------
    @api.model
    def _telecom_create_for_updates(self, updates):
        """Create the requests of ``updates`` (MAJ) for every system, in the
        caller's transaction, with the active connection of their company.
        Without one, a request is bound to the company's archived connection
        or to none: it waits, visibly (``blocked``), and is sent once a
        connection is activated. MAJ without one-off option have nothing to
        push. Returns the requests.

        A done deployment may hold thousands of lines: the rows are inserted
        in one query per system (see telecom_recharge's ``bulk_insert``),
        with every stored value given here."""
        self.check_access_rights("read")
        if not updates:
            return self.browse()
        labels = dict(SYSTEMS)
        Backend = self.env["telecom.api.backend"]
        # Plain columns of thousands of MAJ: one query, no ORM prefetch.
        self.env.cr.execute("""
            SELECT u.id, u.line_id, u.deployment_id, u.company_id, u.name,
                   l.name
              FROM telecom_line_update u
              JOIN telecom_line l ON l.id = u.line_id
             WHERE u.id IN %s
               AND EXISTS (SELECT 1 FROM telecom_line_update_option o
                            WHERE o.update_id = u.id)
          ORDER BY u.id""", (tuple(updates.ids),))
        backends = {}
        rows = []
        for update_id, line_id, deployment_id, company_id, update_name, \
                line_name in self.env.cr.fetchall():
            for system, _label in SYSTEMS:
                key = (system, company_id)
                if key not in backends:
                    backends[key] = Backend._telecom_get_for_requests(
                        system, self.env["res.company"].browse(company_id))
                backend = backends[key]
                # Random, made once and stored with the intent: the same on
                # every retry, and unique across databases, even a restored
                # copy of production (same database.uuid, same MAJ ids).
                key = str(uuid.uuid4())
                rows.append({
                    "name": "%s / %s / %s" % (labels[system], update_name,
                                              line_name),
                    "system": system,
                    "backend_id": backend.id or False,
                    "update_id": update_id,
                    "line_id": line_id,
                    "deployment_id": deployment_id,
                    "company_id": company_id,
                    "state": "pending",
                    "attempt_count": 0,
                    "throttle_count": 0,
                    "idempotency_key": key,
                    "reference": "TLC-%s-MAJ%s-%s" % (
                        key[:8], update_id, system.upper()),
                })
        created = bulk_insert(self.sudo(), rows)
        # The one2many fields that now have new rows.
        self.env["telecom.deployment"].browse(
            {row["deployment_id"] for row in rows}).invalidate_cache(
                ["sync_request_ids"])
        self.env["telecom.line"].browse(
            {row["line_id"] for row in rows}).invalidate_cache(
                ["sync_request_ids"])
        updates.invalidate_cache(["sync_request_ids"])
        return self.browse([row[0] for row in created])

    # ------------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_check_can_retry(self):
        user = self.env.user
        if not (user.has_group("telecom_parc.group_telecom_user") or
                user._is_superuser()):
            raise AccessError(_(
                "Only Telecom users can retry a SNAIC/CFAST sync."))
        # Record rules: the user must see every request they retry.
        self.check_access_rights("read")
        self.check_access_rule("read")

    @api.multi
    def action_retry(self):
        """Send these requests again now (in error or pending), with the
        same idempotency key. A request whose outcome is unknown is read
        back first; a done request is left alone. Returns True."""
        self._telecom_check_can_retry()
        # Lock what is to retry, skipping what another retry or a push holds:
        # fifty clicks at once retry a request once. A pending request with
        # no next attempt is due already: nothing to add.
        self.env.cr.execute("""
            SELECT id FROM telecom_sync_request
             WHERE id IN %s
               AND (state IN ('error', 'unknown')
                    OR (state = 'pending' AND next_attempt_at IS NOT NULL))
             ORDER BY id FOR UPDATE SKIP LOCKED""", (tuple(self.ids) or (0,),))
        todo = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if todo and not todo.filtered(lambda r: r.backend_id.active):
            raise UserError(_(
                "The selected requests wait for a connection to %(system)s: "
                "there is no active one for their company. An administrator "
                "activates one (Telecom > Configuration > SNAIC/CFAST "
                "Connections), and they are sent.") % {
                    "system": dict(SYSTEMS)[todo[0].system]})
        if not todo:
            raise UserError(_(
                "Nothing to retry: the selected requests are done, being "
                "sent, already waiting to be sent, or being retried."))
        # An unknown outcome keeps its state: the read-back decides.
        todo.filtered(lambda r: r.state != "unknown").write({
            "state": "pending", "next_attempt_at": False,
            "error_kind": False})
        todo._telecom_enqueue_push()
        return True

    @api.multi
    def _telecom_enqueue_push(self):
        """Queue the push of these requests as a job of OCA queue_job, in the
        current transaction: the job exists once the requests do, the job
        runner starts it within seconds, and the same requests are never
        queued twice while a job for them waits (identity key). Returns the
        job (or None)."""
        if not self or self.env.context.get("telecom_sync_no_autopush"):
            # Batch jobs (imports, benchmarks) leave the push to the crons.
            return None
        # queue_job runs the push at once, inside the caller's transaction,
        # for a caller who sends test_queue_job_no_delay: never from here.
        return self.sudo().with_context(test_queue_job_no_delay=False).with_delay(
            description=_("SNAIC/CFAST: push %d request(s)") % len(self),
            identity_key=identity_exact)._telecom_job_push()

    @job(default_channel="root.telecom_sync")
    @api.multi
    def _telecom_job_push(self):
        """Job: read back those of these requests whose outcome is unknown,
        then push the others; returns what became of them, in words."""
        requests = self.sudo().exists()
        requests.filtered(lambda r: r.state == "unknown")._telecom_reconcile()
        counts = requests._telecom_push()
        return ", ".join("%s: %d" % item for item in sorted(counts.items())) \
            or _("nothing to send")

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_push(self, limit=5000):
        """Scheduled action: read back the unknown outcomes, then push every
        pending request that is due (retries with back-off)."""
        self._cron_reconcile(limit=limit)
        due = self.sudo().search(self._telecom_due_domain(), limit=limit,
                                 order="next_attempt_at, id")
        due._telecom_push()
        return True

    @api.model
    def _cron_reconcile(self, limit=5000):
        """Scheduled action: read back by our reference every request whose
        outcome is unknown, or that a dead worker left "sending"."""
        self.sudo().search(self._telecom_reconcile_domain(), limit=limit,
                           order="id")._telecom_reconcile()
        return True

    @api.model
    def _telecom_due_domain(self):
        now = fields.Datetime.to_string(_now())
        return [("state", "=", "pending"), ("backend_id.active", "=", True),
                "|", ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", now)]

    @api.model
    def _telecom_reconcile_domain(self):
        # "sent" past its deadline: its worker died or gave up (requests
        # sent before deadlines existed: past their timeouts and a margin).
        now = fields.Datetime.to_string(_now())
        stale = fields.Datetime.to_string(_now() - timedelta(
            seconds=self._telecom_stale_after()))
        return [("backend_id.active", "=", True),
                "|", ("state", "=", "unknown"),
                "&", ("state", "=", "sent"),
                "|", ("send_deadline", "<", now),
                "&", ("send_deadline", "=", False), ("sent_at", "<", stale)]

    @api.model
    def _telecom_stale_after(self):
        # Connections are configuration, one per system and company: all
        # of them are wanted, and they are a handful.
        Backend = self.env["telecom.api.backend"].sudo()
        backends = Backend.search([])  # pylint: disable=no-search-all
        longest = max([b.timeout_connect + b.timeout for b in backends] or [0])
        return longest + STALE_MARGIN

    # ------------------------------------------------------------------
    # Transactions
    # ------------------------------------------------------------------
    @api.model
    def _telecom_can_commit(self):
        # Tests run in one transaction that is rolled back at the end.
        return not getattr(threading.currentThread(), "testing", False) and \
            not self.env.context.get("telecom_sync_no_commit")

    @api.model
    def _telecom_commit(self):
        if self._telecom_can_commit():
            # The outbox commits on purpose (see the module's docstring): a
            # claim must be visible to the other workers before anything is
            # sent, and each result must stay written whatever happens to
            # the next one. Only the push and the crons call this; tests
            # never commit (_telecom_can_commit).
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _telecom_retry_conflicts(self, func, what, attempts=5):
        """Run ``func()`` in a savepoint after a commit; when a concurrent
        worker changed the same rows (a serialization failure under Odoo's
        REPEATABLE READ), retry with a fresh snapshot. Workers pushing SNAIC
        and CFAST for the same lines store IDs on the same line rows and post
        on the same deployment at the same moment. Returns func's result, or
        None after ``attempts`` conflicts (logged: what func writes is
        derived or informational, the requests' states are committed)."""
        for attempt in range(attempts):
            self._telecom_commit()
            try:
                with self.env.cr.savepoint():
                    return func()
            except psycopg2.extensions.TransactionRollbackError:
                if not self._telecom_can_commit():
                    raise
                self.env.clear()
                time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
        _logger.warning("%s: gave up after %d conflicts with other workers",
                        what, attempts)
        return None

    @api.multi
    def _telecom_lock(self, states, extra_sql="", extra_params=()):
        """Lock the rows of these requests that are in ``states`` and not
        locked by another worker; returns the ids got. Another worker that
        changed a row since our snapshot makes us skip this turn."""
        if not self:
            return []
        self._telecom_commit()  # a fresh snapshot for the lock
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "SELECT id FROM telecom_sync_request WHERE id IN %s "
                    "AND state IN %s " + extra_sql +
                    " ORDER BY id FOR UPDATE SKIP LOCKED",
                    (tuple(self.ids), tuple(states)) + tuple(extra_params))
                return [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.extensions.TransactionRollbackError:
            _logger.info("sync requests changed by another worker; skipped")
            return []

    @api.multi
    def _telecom_claim(self):
        """Take the due requests among these for this worker: state "sent",
        one more attempt, committed. Returns the requests taken."""
        moment = _now()
        now = fields.Datetime.to_string(moment)
        ids = self._telecom_lock(
            ("pending",),
            "AND (next_attempt_at IS NULL OR next_attempt_at <= %s)", (now,))
        if not ids:
            return self.browse()
        # Its own deadline: past it, this worker starts no call (see
        # _telecom_send), so nothing can still be on the way.
        backend = self.browse(ids[:1]).sudo().backend_id
        deadline = moment + timedelta(seconds=STALE_MARGIN + 2 * (
            backend.timeout_connect + backend.timeout))
        self.env.cr.execute(
            "UPDATE telecom_sync_request SET state = 'sent', sent_at = %s, "
            "send_deadline = %s, claim_token = %s, "
            "attempt_count = COALESCE(attempt_count, 0) + 1, write_date = %s, "
            "write_uid = %s WHERE id IN %s",
            (now, fields.Datetime.to_string(deadline), uuid.uuid4().hex, now,
             self.env.uid, tuple(ids)))
        claimed = self.browse(ids)
        claimed.invalidate_cache(
            ["state", "sent_at", "send_deadline", "claim_token",
             "attempt_count"], ids)
        self._telecom_commit()
        return claimed

    # ------------------------------------------------------------------
    # Push
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_push(self, read_back=True):
        """Push these requests, by connection and in batches. Only the ones
        still pending and due when locked are sent. Returns a dict of
        counts by final state.

        A dropped connection or a timeout leaves an outcome unknown: with
        ``read_back`` those are read back at once by our reference (never
        resent before), and what the system does not have is sent once more
        with the same key; what is still unknown is left to the crons."""
        counts = defaultdict(int)
        by_backend = defaultdict(list)
        # Waiting for a connection (none, or archived): nothing to send.
        requests = self.sudo().filtered(lambda r: r.backend_id.active)
        for request in requests:
            by_backend[request.backend_id].append(request.id)
        for backend, ids in by_backend.items():
            size = max(1, backend.batch_size)
            for start in range(0, len(ids), size):
                claimed = requests.browse(
                    ids[start:start + size])._telecom_claim()
                for state, count in claimed._telecom_send(backend).items():
                    counts[state] += count
        if read_back and counts.get("unknown"):
            requests.invalidate_cache(["state"], requests.ids)
            unknown = requests.filtered(lambda r: r.state == "unknown")
            settled = unknown._telecom_reconcile()
            again = unknown.filtered(lambda r: r.state == "pending")
            resent = again._telecom_push(read_back=False)
            counts["unknown"] -= len(unknown)
            for state, count in settled.items():
                if state != "pending":
                    counts[state] += count
            for state, count in resent.items():
                counts[state] += count
            counts = defaultdict(int, {k: v for k, v in counts.items() if v})
        return dict(counts)

    @api.multi
    def _telecom_send(self, backend):
        """Send these claimed requests of ``backend``: fetch the missing IDs,
        apply the options, save each result. Returns counts by state."""
        if not self:
            return {}
        # Thousands of lines: read only the columns used, not every stored
        # field of lines, sites and partners.
        self = self.with_context(prefetch_fields=False)
        held, deadline = self._telecom_held()
        settings = backend._telecom_client_settings()
        try:
            make_client(**settings).close()
        except ConfigurationError as exc:
            return self._telecom_save_results(((r, exc) for r in self), held)
        missing = self._telecom_fetch_missing_ids(backend, settings)
        todo = self.filtered(lambda r: r not in missing)
        payloads = todo._telecom_apply_payloads(backend)
        # No call starts once it could still be on the way at the deadline.
        cutoff = time.time() + max(0.0, (deadline - _now()).total_seconds()) - (
            backend.timeout_connect + backend.timeout)
        outcomes = ((todo[index], outcome) for index, outcome in _run_pool_iter(
            settings, [(payloads[r], cutoff) for r in todo], _apply_job))
        return self._telecom_save_results(
            itertools.chain(missing.items(), outcomes), held)

    @api.multi
    def _telecom_held(self):
        """What this worker holds of these requests it just claimed: their
        claim tokens ({id: token}) and the earliest deadline."""
        self.env.cr.execute(
            "SELECT id, claim_token, send_deadline FROM telecom_sync_request "
            "WHERE id IN %s", (tuple(self.ids),))
        rows = self.env.cr.fetchall()
        deadlines = [fields.Datetime.from_string(row[2]) if isinstance(
            row[2], str) else row[2] for row in rows if row[2]]
        return ({row[0]: row[1] for row in rows},
                min(deadlines) if deadlines else _now())

    @api.multi
    def _telecom_apply_payloads(self, backend):
        """The options of each of these requests as plain dicts for
        ``apply_option``, as {request: [payload, ...]}. Each option has its
        own key and reference, derived from the request's, so a retry resends
        exactly the same calls. Read in a few queries for the whole batch."""
        Binding = self.env["telecom.binding"]
        lines = self.mapped("line_id")
        line_ids = Binding._telecom_external_ids(backend, lines)
        site_ids = Binding._telecom_external_ids(
            backend, lines.mapped("site_id"))
        customer_ids = Binding._telecom_external_ids(
            backend, lines.mapped("partner_id"))
        options = self.env["telecom.line.update.option"].sudo().search(
            [("update_id", "in", self.mapped("update_id").ids)], order="id")
        by_update = defaultdict(list)
        for option in options:
            by_update[option.update_id.id].append(option)
        payloads = {}
        for request in self:
            line, update = request.line_id, request.update_id
            payloads[request] = [{
                "remote_line_id": line_ids.get(line.id, False),
                "product_code": option.default_code or "",
                "quantity": option.quantity,
                # Exactly what the MAJ records, as a decimal in the
                # currency's digits (never a float on the wire).
                "unit_price": Decimal(float_repr(
                    option.price_unit, option.currency_id.decimal_places)),
                "effective_date": update.date_activation or update.date,
                "reference": "%s-%s" % (request.reference, option.id),
                "idempotency_key": "%s-%s" % (request.idempotency_key,
                                              option.id),
                "site_id": site_ids.get(line.site_id.id) or None,
                "customer_id": customer_ids.get(line.partner_id.id) or None,
            } for option in by_update[update.id]]
        return payloads

    @api.multi
    def _telecom_fetch_missing_ids(self, backend, settings):
        """Look up and store the IDs these requests' lines, sites and
        customers lack in ``backend``'s system. Returns {request: error}
        for the requests that cannot be pushed (line unknown to the system,
        or the look-up failed)."""
        Binding = self.env["telecom.binding"]
        lines = self.mapped("line_id")
        known = Binding._telecom_external_ids(backend, lines)
        lines = lines.filtered(lambda l: l.id not in known)
        sites = self.mapped("line_id.site_id")
        known = Binding._telecom_external_ids(backend, sites)
        sites = sites.filtered(lambda s: s.id not in known and s.code)
        partners = self.mapped("line_id.partner_id")
        known = Binding._telecom_external_ids(backend, partners)
        partners = partners.filtered(lambda p: p.id not in known and p.ref)
        jobs = [("line", line.id, line.phone_number) for line in lines] + \
            [("site", site.id, site.code) for site in sites] + \
            [("customer", partner.id, partner.ref) for partner in partners]
        found = _run_pool(settings, jobs, _lookup_job)
        line_errors = {}
        for (kind, res_id, _key), result in zip(jobs, found):
            if isinstance(result, Exception):
                if kind == "line":
                    line_errors[res_id] = result
                continue
            if not result and kind == "line":
                line = self.env["telecom.line"].browse(res_id)
                line_errors[res_id] = PermanentError(_(
                    "The line %(line)s (%(number)s) is unknown to "
                    "%(backend)s: check that it exists in %(system)s with "
                    "this number, or correct the number of the line, then "
                    "retry.") % {
                        "line": line.name,
                        "number": line.phone_number,
                        "backend": backend.name,
                        "system": backend._telecom_system_label()},
                    system=backend._telecom_system_label(), status=404,
                    code="telecom_missing_id")
        self._telecom_retry_conflicts(
            lambda: self._telecom_store_ids(backend, jobs, found),
            "storing the %s IDs looked up" % backend.name)
        self._telecom_commit()
        return {request: line_errors[request.line_id.id] for request in self
                if request.line_id.id in line_errors}

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_save_results(self, results, held=None):
        """Write the outcome of each request (``results``: pairs of a request
        and a list of remote references or an exception, in any order, as
        they come) and commit it alone; then tell the users: one message per
        deployment, a message on the line of each failure, an activity for
        failures that need someone (what was applied shows on each line's
        SNAIC/CFAST tab). With ``held`` ({id: claim token}), a result is
        saved only while this worker still holds its request (a late worker
        whose request was taken over saves nothing). Returns counts by final
        state."""
        counts = defaultdict(int)
        done, failed = defaultdict(list), defaultdict(list)
        info = self._telecom_batch_info()
        line_logs = []
        for request, outcome in results:
            try:
                if held is not None and not request._telecom_still_held(
                        held.get(request.id)):
                    _logger.info("%s was taken over by another worker: its "
                                 "result is not saved here", request.reference)
                    continue
                state, log = request._telecom_save_result(
                    outcome, info[request.id])
            except Exception:
                if not self._telecom_can_commit():
                    raise
                # Never lose the others for one bad write: this request stays
                # "sent" and is reconciled later.
                _logger.exception("could not save the result of %s",
                                  request.reference)
                self.env.cr.rollback()
                continue
            self._telecom_commit()
            counts[state] += 1
            if log:
                line_logs.append((info[request.id]["line_id"], log))
            if state == "done":
                done[info[request.id]["deployment_id"]].append(request)
            elif state == "error":
                failed[info[request.id]["deployment_id"]].append(request)
        # The line messages tell what the committed states say.
        self.env["telecom.line"]._telecom_log_many(line_logs)
        Deployment = self.env["telecom.deployment"].sudo()
        for deployment_id in set(done) | set(failed):
            # The other system's worker may post on the same deployment now.
            self._telecom_retry_conflicts(
                lambda: Deployment.browse(deployment_id)._telecom_post_sync_summary(
                    done.get(deployment_id, []), failed.get(deployment_id, [])),
                "the sync summary of deployment %s" % deployment_id)
        self._telecom_commit()
        return counts

    @api.multi
    def _telecom_still_held(self, token):
        """Lock this request and tell whether ``token`` still holds it."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT claim_token FROM telecom_sync_request WHERE id = %s "
            "FOR UPDATE", (self.id,))
        row = self.env.cr.fetchone()
        return bool(row and token and row[0] == token)

    @api.multi
    def _telecom_batch_info(self):
        """What saving the results of these requests needs, read once for
        the batch: {request id: {line_id, deployment_id, attempt_count,
        throttle_count, max_attempts, retry_delay_max, system}}."""
        if not self:
            return {}
        self.env.cr.execute("""
            SELECT r.id, r.line_id, r.deployment_id,
                   COALESCE(r.attempt_count, 0), COALESCE(r.throttle_count, 0),
                   b.max_attempts, r.system, b.retry_delay_max
              FROM telecom_sync_request r
              JOIN telecom_api_backend b ON b.id = r.backend_id
             WHERE r.id IN %s""", (tuple(self.ids),))
        labels = dict(SYSTEMS)
        return {row[0]: {
            "line_id": row[1], "deployment_id": row[2],
            "attempt_count": row[3], "throttle_count": row[4],
            "max_attempts": row[5], "system": labels[row[6]],
            "retry_delay_max": row[7],
        } for row in self.env.cr.fetchall()}

    @api.multi
    def _telecom_save_result(self, outcome, info):
        """Write one outcome on this request (``info``: see
        ``_telecom_batch_info``). Returns its new state and the message for
        the line's chatter (an error), or None."""
        self.ensure_one()
        now = _now()
        if outcome is NOT_SENT:
            # Never sent (the deadline came first): back in the queue, the
            # attempt not counted.
            self.write({"state": "pending", "next_attempt_at": False,
                        "attempt_count": max(0, info["attempt_count"] - 1)})
            return "pending", None
        if isinstance(outcome, list):
            remote_ref = ", ".join(outcome)
            self.write({"state": "done", "remote_ref": remote_ref,
                        "date_done": fields.Datetime.to_string(now),
                        "last_error": False, "error_kind": False,
                        "next_attempt_at": False})
            return "done", None
        message = str(outcome) if isinstance(outcome, ApiError) else _(
            "Unexpected failure while sending (%s); the request will be "
            "read back before any resend.") % type(outcome).__name__
        vals = {"last_error": message}
        attempts = info["attempt_count"]
        if isinstance(outcome, PermanentError) and \
                outcome.code in DUPLICATE_CODES:
            # The system has our reference already: read it back.
            vals["state"] = "unknown"
        elif isinstance(outcome, RetryableError):
            # The system's Retry-After is honoured up to the longest
            # back-off of the connection (a huge one would wait for ever).
            longest = max(1, info["retry_delay_max"] or 1)
            throttles = info["throttle_count"] + 1
            if outcome.status == 429 and outcome.retry_after is not None \
                    and throttles > THROTTLES_PER_ATTEMPT * info["max_attempts"]:
                # A system that never stops refusing ends in a visible error.
                vals.update({"state": "error", "error_kind": "retryable",
                             "throttle_count": throttles,
                             "attempt_count": max(0, attempts - 1),
                             "last_error": _(
                                 "Gave up after %(count)d answers \"too many "
                                 "requests\" (HTTP 429): %(error)s") % {
                                     "count": throttles, "error": message}})
            elif outcome.status == 429 and outcome.retry_after is not None:
                # Asked to slow down: postponed, not a failed attempt.
                vals.update({
                    "state": "pending",
                    "attempt_count": max(0, attempts - 1),
                    "throttle_count": throttles,
                    "next_attempt_at": fields.Datetime.to_string(
                        now + timedelta(seconds=min(
                            longest, max(1, outcome.retry_after))))})
            elif attempts >= info["max_attempts"]:
                vals.update({"state": "error", "error_kind": "retryable",
                             "last_error": _(
                                 "Gave up after %(attempts)d attempts: "
                                 "%(error)s") % {
                                     "attempts": attempts,
                                     "error": message}})
            else:
                delay = min(longest, outcome.retry_after) \
                    if outcome.retry_after else self._telecom_backoff(
                        self.backend_id, attempts)
                vals.update({"state": "pending", "next_attempt_at":
                             fields.Datetime.to_string(
                                 now + timedelta(seconds=delay))})
        elif isinstance(outcome, ConfigurationError):
            vals.update({"state": "error", "error_kind": "configuration"})
        elif isinstance(outcome, PermanentError):
            vals.update({"state": "error", "error_kind": (
                "missing_id" if outcome.code == "telecom_missing_id"
                else "permanent")})
        else:
            # UnknownOutcomeError, or anything unexpected after the call may
            # have left: never resend blindly.
            vals["state"] = "unknown"
        self.write(vals)
        if vals["state"] == "error":
            return "error", _("%(system)s error: %(error)s") % {
                "system": info["system"],
                "error": vals["last_error"]}
        return vals["state"], None

    @api.model
    def _telecom_backoff(self, backend, attempt):
        """Seconds before retry number ``attempt``: exponential, capped,
        with +/-20% jitter so that a backlog does not retry in lockstep."""
        delay = min(backend.retry_delay_max,
                    backend.retry_delay * (2 ** max(0, attempt - 1)))
        return max(1, int(delay * random.uniform(0.8, 1.2)))

    # ------------------------------------------------------------------
    # Reconcile
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_reconcile(self):
        """Read back these requests whose outcome is unknown (or left
        "sending" by a dead worker): applied → done; not applied → pending,
        to be sent again with the same key; read-back failed → stays
        unknown. Returns counts by final state."""
        counts = defaultdict(int)
        now = fields.Datetime.to_string(_now())
        stale = fields.Datetime.to_string(_now() - timedelta(
            seconds=self._telecom_stale_after()))
        by_backend = defaultdict(list)
        # Read back only where a live connection can answer.
        requests = self.sudo().filtered(lambda r: r.backend_id.active)
        for request in requests:
            by_backend[request.backend_id].append(request.id)
        for backend, ids in by_backend.items():
            size = max(1, backend.batch_size)
            for start in range(0, len(ids), size):
                batch = requests.browse(ids[start:start + size])
                # A "sent" request only once its sender can no longer be
                # sending: past its deadline.
                locked = requests.browse(batch._telecom_lock(
                    ("unknown", "sent"),
                    "AND (state = 'unknown' OR send_deadline < %s OR "
                    "(send_deadline IS NULL AND sent_at < %s))", (now, stale)))
                if not locked:
                    continue
                # Taken over: a late sender saves nothing on them now.
                token = uuid.uuid4().hex
                self.env.cr.execute(
                    "UPDATE telecom_sync_request SET claim_token = %s "
                    "WHERE id IN %s", (token, tuple(locked.ids)))
                held = dict.fromkeys(locked.ids, token)
                settings = backend._telecom_client_settings()
                payloads = locked._telecom_apply_payloads(backend)
                jobs = [[p["reference"] for p in payloads[request]]
                        for request in locked]
                found = _run_pool(settings, jobs, _read_back_job)
                results = {}
                for request, refs in zip(locked, found):
                    if isinstance(refs, list) and all(refs):
                        results[request] = refs
                    elif isinstance(refs, list):
                        request.write({"state": "pending",
                                       "next_attempt_at": False})
                        counts["pending"] += 1
                    else:
                        request.write({"last_error": _(
                            "The outcome is still unknown: reading it back "
                            "failed (%s). It will be read again.") % refs})
                        counts["unknown"] += 1
                for state, count in self._telecom_save_results(
                        results.items(), held).items():
                    counts[state] += count
                self._telecom_commit()
        return dict(counts)

    # ------------------------------------------------------------------
    # Fetch missing IDs
    # ------------------------------------------------------------------
    @api.model
    def _cron_fetch_missing_ids(self, limit=2000):
        """Scheduled action: look up the SNAIC/CFAST IDs that active lines,
        their sites and customers lack, and store them."""
        Backend = self.env["telecom.api.backend"].sudo()
        Binding = self.env["telecom.binding"]
        # Every connection (configuration: one per system and company).
        for backend in Backend.search([]):  # pylint: disable=no-search-all
            lines = self.env["telecom.line"].sudo().search(
                Binding._telecom_missing_domain(backend, "telecom.line") + [
                    ("company_id", "=", backend.company_id.id),
                    ("state", "!=", "terminated")], limit=limit)
            sites = self.env["telecom.site"].sudo().search(
                Binding._telecom_missing_domain(backend, "telecom.site") + [
                    ("company_id", "=", backend.company_id.id),
                    ("code", "!=", False)], limit=limit)
            partners = sites.mapped("partner_id")
            known = Binding._telecom_external_ids(backend, partners)
            partners = partners.filtered(
                lambda p: p.id not in known and p.ref)
            jobs = [("line", line.id, line.phone_number) for line in lines] + \
                [("site", site.id, site.code) for site in sites] + \
                [("customer", partner.id, partner.ref)
                 for partner in partners]
            try:
                settings = backend._telecom_client_settings()
                make_client(**settings).close()
            except ConfigurationError as exc:
                _logger.warning("%s: %s", backend.name, exc)
                continue
            results = _run_pool(settings, jobs, _lookup_job)
            self._telecom_retry_conflicts(
                lambda: self._telecom_store_ids(backend, jobs, results),
                "storing the %s IDs looked up" % backend.name)
            self._telecom_commit()
        return True


    @api.model
    def _telecom_store_ids(self, backend, jobs, results):
        """Store the IDs found by look-up ``jobs`` as ``backend``'s external
        IDs of lines, sites and customers (``telecom.binding``): one upsert
        per model for the batch."""
        models_by_kind = {"line": "telecom.line", "site": "telecom.site",
                          "customer": "res.partner"}
        found = defaultdict(list)
        for (kind, res_id, _key), result in zip(jobs, results):
            if result and not isinstance(result, Exception):
                found[kind].append((res_id, str(result)))
        for kind, values in found.items():
            self.env["telecom.binding"]._telecom_store_external_ids(
                backend, models_by_kind[kind], values)


# ----------------------------------------------------------------------
# Work done in the pool's threads: HTTP only, no ORM.
# ----------------------------------------------------------------------
def _lookup_job(client, job):
    kind, _res_id, key = job
    finder = {"line": client.find_line, "site": client.find_site,
              "customer": client.find_customer}[kind]
    return finder(key)


def _apply_job(client, job):
    """Apply every option of one request; returns the remote references.
    An error stops the request: a retry resends all of its options with
    the same keys, and the system answers the applied ones from its
    idempotency store. No call starts after ``cutoff`` (a time.time()): the
    request was then not sent at all (NOT_SENT), or only in part (unknown
    outcome, read back)."""
    payloads, cutoff = job
    refs = []
    for payload in payloads:
        if time.time() > cutoff:
            if not refs:
                return NOT_SENT
            raise UnknownOutcomeError(
                "The sending deadline came after %d of %d options; the others "
                "were not sent. It will be read back before any resend." % (
                    len(refs), len(payloads)))
        refs.append(client.apply_option(**payload))
    return refs


def _read_back_job(client, references):
    return [client.get_option(reference) for reference in references]
