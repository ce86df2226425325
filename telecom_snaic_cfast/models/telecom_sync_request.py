# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox of the SNAIC/CFAST sync: one request per (MAJ, system).

How a request travels (RELIABILITY.md):

* it is created in the transaction that sets the deployment to done, with
  its deterministic idempotency key and reference: the intent is committed
  before any byte is sent;
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
import logging
import random
import threading
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import psycopg2

import odoo
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..clients import (ApiError, ConfigurationError, PermanentError,
                       RetryableError, UnknownOutcomeError, make_client)
from .telecom_api_backend import SYSTEMS

_logger = logging.getLogger(__name__)

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
# A request left "sent" longer than its timeouts plus this margin belongs to
# a worker that died: it is reconciled like an unknown outcome.
STALE_MARGIN = 120
UUID_NAMESPACE = uuid.UUID("5b0f3b1e-6c2a-4f7e-9a51-0d7c1e2a9f10")


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
    if not jobs:
        return []
    pool = _ClientPool(settings)

    def call(job):
        try:
            return func(pool.get(), job)
        except Exception as exc:  # each job's failure is its own result
            return exc

    workers = max(1, min(int(settings.get("pool_size") or 1), len(jobs)))
    try:
        if workers == 1:
            return [call(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=workers,
                                thread_name_prefix="telecom-sync") as executor:
            return list(executor.map(call, jobs))
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
        required=True, readonly=True, ondelete="restrict", index=True)
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
    date_done = fields.Datetime(string="Applied On", readonly=True,
                                copy=False)
    last_error = fields.Text(string="Last Error", readonly=True, copy=False)
    error_kind = fields.Selection(selection=ERROR_KINDS, readonly=True,
                                  copy=False)

    _sql_constraints = [
        ("update_system_uniq", "unique(update_id, system)",
         "A MAJ is pushed once to each system."),
        ("idempotency_key_uniq", "unique(idempotency_key)",
         "Each request has its own idempotency key."),
    ]

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
        """Create the requests of ``updates`` (MAJ) for every system that
        has an active connection in their company, in the caller's
        transaction. MAJ without one-off option have nothing to push.
        Returns the requests."""
        dbuuid = self.env["ir.config_parameter"].sudo().get_param(
            "database.uuid", "")
        Backend = self.env["telecom.api.backend"]
        backends = {}
        request_ids = []
        Request = self.sudo().with_context(tracking_disable=True)
        for update in updates.filtered("option_ids"):
            for system, _label in SYSTEMS:
                key = (system, update.company_id.id)
                if key not in backends:
                    backends[key] = Backend._telecom_get(
                        system, update.company_id)
                backend = backends[key]
                if not backend:
                    continue
                request_ids.append(Request.create({
                    "system": system,
                    "backend_id": backend.id,
                    "update_id": update.id,
                    "idempotency_key": str(uuid.uuid5(
                        UUID_NAMESPACE, "%s:%s:%s" % (dbuuid, update.id,
                                                      system))),
                    "reference": "TLC-%s-MAJ%s-%s" % (
                        dbuuid[:8], update.id, system.upper()),
                }).id)
        return self.browse(request_ids)

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
        todo = self.sudo().filtered(
            lambda r: r.state in ("error", "pending", "unknown"))
        if not todo:
            raise UserError(_(
                "Nothing to retry: the selected requests are done or being "
                "sent."))
        # An unknown outcome keeps its state: the read-back decides.
        todo.filtered(lambda r: r.state != "unknown").write({
            "state": "pending", "next_attempt_at": False,
            "error_kind": False})
        todo._telecom_push_after_commit()
        return True

    @api.multi
    def _telecom_push_after_commit(self):
        """Push these requests in a background thread once the current
        transaction is committed (so that the user's click does not wait for
        the systems, and the requests exist before any call)."""
        if not self:
            return
        dbname, ids = self.env.cr.dbname, list(self.ids)

        def start():
            thread = threading.Thread(
                target=_push_thread, args=(dbname, ids),
                name="telecom-sync-after-commit")
            thread.daemon = True
            thread.start()

        self.env.cr.after("commit", start)

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
        # "sent" for longer than the longest timeout: its worker died.
        limit = fields.Datetime.to_string(_now() - timedelta(
            seconds=self._telecom_stale_after()))
        return [("backend_id.active", "=", True),
                "|", ("state", "=", "unknown"),
                "&", ("state", "=", "sent"), ("sent_at", "<", limit)]

    @api.model
    def _telecom_stale_after(self):
        backends = self.env["telecom.api.backend"].sudo().search([])
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
            self.env.cr.commit()

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
        now = fields.Datetime.to_string(_now())
        ids = self._telecom_lock(
            ("pending",),
            "AND (next_attempt_at IS NULL OR next_attempt_at <= %s)", (now,))
        if not ids:
            return self.browse()
        self.env.cr.execute(
            "UPDATE telecom_sync_request SET state = 'sent', sent_at = %s, "
            "attempt_count = COALESCE(attempt_count, 0) + 1, write_date = %s, "
            "write_uid = %s WHERE id IN %s",
            (now, now, self.env.uid, tuple(ids)))
        claimed = self.browse(ids)
        claimed.invalidate_cache(
            ["state", "sent_at", "attempt_count"], ids)
        self._telecom_commit()
        return claimed

    # ------------------------------------------------------------------
    # Push
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_push(self):
        """Push these requests, by connection and in batches. Only the ones
        still pending and due when locked are sent. Returns a dict of
        counts by final state."""
        counts = defaultdict(int)
        by_backend = defaultdict(list)
        requests = self.sudo()
        for request in requests:
            by_backend[request.backend_id].append(request.id)
        for backend, ids in by_backend.items():
            size = max(1, backend.batch_size)
            for start in range(0, len(ids), size):
                claimed = requests.browse(
                    ids[start:start + size])._telecom_claim()
                for state, count in claimed._telecom_send(backend).items():
                    counts[state] += count
        return dict(counts)

    @api.multi
    def _telecom_send(self, backend):
        """Send these claimed requests of ``backend``: fetch the missing IDs,
        apply the options, save each result. Returns counts by state."""
        if not self:
            return {}
        settings = backend._telecom_client_settings()
        try:
            make_client(**settings).close()
        except ConfigurationError as exc:
            return self._telecom_save_results({r: exc for r in self})
        missing = self._telecom_fetch_missing_ids(backend, settings)
        results = dict(missing)
        todo = self.filtered(lambda r: r not in missing)
        jobs = [request._telecom_apply_payloads(backend) for request in todo]
        outcomes = _run_pool(settings, jobs, _apply_job)
        results.update(zip(todo, outcomes))
        return self._telecom_save_results(results)

    @api.multi
    def _telecom_apply_payloads(self, backend):
        """The options of this request as plain dicts for ``apply_option``.
        Each option has its own key and reference, derived from the
        request's, so a retry resends exactly the same calls."""
        self.ensure_one()
        field = "%s_id" % backend.system
        line = self.line_id
        update = self.update_id
        payloads = []
        for option in update.option_ids.sorted("id"):
            payloads.append({
                "remote_line_id": line[field],
                "product_code": option.default_code or "",
                "quantity": option.quantity,
                "unit_price": option.price_unit,
                "effective_date": update.date_activation or update.date,
                "reference": "%s-%s" % (self.reference, option.id),
                "idempotency_key": "%s-%s" % (self.idempotency_key, option.id),
                "site_id": line.site_id[field] or None,
                "customer_id": line.partner_id[field] or None,
            })
        return payloads

    @api.multi
    def _telecom_fetch_missing_ids(self, backend, settings):
        """Look up and store the IDs these requests' lines, sites and
        customers lack in ``backend``'s system. Returns {request: error}
        for the requests that cannot be pushed (line unknown to the system,
        or the look-up failed)."""
        field = "%s_id" % backend.system
        lines = self.mapped("line_id").filtered(lambda l: not l[field])
        sites = self.mapped("line_id.site_id").filtered(
            lambda s: not s[field] and s.code)
        partners = self.mapped("line_id.partner_id").filtered(
            lambda p: not p[field] and p.ref)
        jobs = [("line", line.id, line.phone_number) for line in lines] + \
            [("site", site.id, site.code) for site in sites] + \
            [("customer", partner.id, partner.ref) for partner in partners]
        found = _run_pool(settings, jobs, _lookup_job)
        models_by_kind = {"line": "telecom.line", "site": "telecom.site",
                          "customer": "res.partner"}
        line_errors = {}
        for (kind, res_id, key), result in zip(jobs, found):
            if isinstance(result, Exception):
                if kind == "line":
                    line_errors[res_id] = result
                continue
            if result:
                self.env[models_by_kind[kind]].sudo().browse(res_id).with_context(
                    tracking_disable=True).write({field: result})
            elif kind == "line":
                line = self.env["telecom.line"].browse(res_id)
                line_errors[res_id] = PermanentError(_(
                    "The line %s (%s) is unknown to %s: check that it "
                    "exists in %s with this number, or correct the number "
                    "of the line, then retry.") % (
                        line.name, line.phone_number, backend.name,
                        backend._telecom_system_label()),
                    system=backend._telecom_system_label(), status=404,
                    code="telecom_missing_id")
        self._telecom_commit()
        return {request: line_errors[request.line_id.id] for request in self
                if request.line_id.id in line_errors}

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_save_results(self, results):
        """Write the outcome of each request (a list of remote references
        or an exception) and commit it alone; then tell the users: a line
        message per request, one message per deployment, an activity for
        failures that need someone. Returns counts by final state."""
        counts = defaultdict(int)
        done, failed = defaultdict(list), defaultdict(list)
        for request, outcome in results.items():
            try:
                state = request._telecom_save_result(outcome)
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
            if state == "done":
                done[request.deployment_id].append(request)
            elif state == "error":
                failed[request.deployment_id].append(request)
        for deployment in set(done) | set(failed):
            deployment._telecom_post_sync_summary(
                done.get(deployment, []), failed.get(deployment, []))
        self._telecom_commit()
        return counts

    @api.multi
    def _telecom_save_result(self, outcome):
        """Write one outcome on this request; returns its new state."""
        self.ensure_one()
        backend = self.backend_id
        now = _now()
        if isinstance(outcome, list):
            self.write({"state": "done", "remote_ref": ", ".join(outcome),
                        "date_done": fields.Datetime.to_string(now),
                        "last_error": False, "error_kind": False,
                        "next_attempt_at": False})
            self.line_id._telecom_log(_(
                "Applied in %s as %s: %s.") % (
                    backend._telecom_system_label(), self.remote_ref,
                    self._telecom_options_text()))
            return "done"
        message = str(outcome) if isinstance(outcome, ApiError) else _(
            "Unexpected failure while sending (%s); the request will be "
            "read back before any resend.") % type(outcome).__name__
        vals = {"last_error": message}
        if isinstance(outcome, PermanentError) and \
                outcome.code in DUPLICATE_CODES:
            # The system has our reference already: read it back.
            vals["state"] = "unknown"
        elif isinstance(outcome, RetryableError):
            if outcome.status == 429 and outcome.retry_after is not None:
                # Asked to slow down: postponed, not a failed attempt.
                vals.update({
                    "state": "pending",
                    "attempt_count": max(0, self.attempt_count - 1),
                    "throttle_count": self.throttle_count + 1,
                    "next_attempt_at": fields.Datetime.to_string(
                        now + timedelta(seconds=max(1, outcome.retry_after)))})
            elif self.attempt_count >= backend.max_attempts:
                vals.update({"state": "error", "error_kind": "retryable",
                             "last_error": _(
                                 "Gave up after %d attempts: %s") % (
                                     self.attempt_count, message)})
            else:
                delay = outcome.retry_after or self._telecom_backoff(
                    backend, self.attempt_count)
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
        if self.state == "error":
            self.line_id._telecom_log(_("%s error: %s") % (
                backend._telecom_system_label(), self.last_error))
        return self.state

    @api.model
    def _telecom_backoff(self, backend, attempt):
        """Seconds before retry number ``attempt``: exponential, capped,
        with +/-20% jitter so that a backlog does not retry in lockstep."""
        delay = min(backend.retry_delay_max,
                    backend.retry_delay * (2 ** max(0, attempt - 1)))
        return max(1, int(delay * random.uniform(0.8, 1.2)))

    @api.multi
    def _telecom_options_text(self):
        self.ensure_one()
        return ", ".join("%s × %s" % (option.name, ("%g" % option.quantity))
                         for option in self.update_id.option_ids)

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
        stale = fields.Datetime.to_string(_now() - timedelta(
            seconds=self._telecom_stale_after()))
        by_backend = defaultdict(list)
        requests = self.sudo()
        for request in requests:
            by_backend[request.backend_id].append(request.id)
        for backend, ids in by_backend.items():
            size = max(1, backend.batch_size)
            for start in range(0, len(ids), size):
                batch = requests.browse(ids[start:start + size])
                locked = requests.browse(batch._telecom_lock(
                    ("unknown", "sent"),
                    "AND (state = 'unknown' OR sent_at < %s)", (stale,)))
                if not locked:
                    continue
                settings = backend._telecom_client_settings()
                jobs = [[p["reference"] for p in
                         request._telecom_apply_payloads(backend)]
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
                        results).items():
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
        for backend in Backend.search([]):
            field = "%s_id" % backend.system
            lines = self.env["telecom.line"].sudo().search([
                (field, "=", False), ("company_id", "=", backend.company_id.id),
                ("state", "!=", "terminated")], limit=limit)
            sites = self.env["telecom.site"].sudo().search([
                (field, "=", False), ("company_id", "=", backend.company_id.id),
                ("code", "!=", False)], limit=limit)
            partners = sites.mapped("partner_id").filtered(
                lambda p: not p[field] and p.ref)
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
            models_by_kind = {"line": "telecom.line", "site": "telecom.site",
                              "customer": "res.partner"}
            for (kind, res_id, _key), result in zip(jobs, results):
                if result and not isinstance(result, Exception):
                    self.env[models_by_kind[kind]].sudo().browse(
                        res_id).with_context(tracking_disable=True).write(
                            {field: result})
            self._telecom_commit()
        return True


# ----------------------------------------------------------------------
# Work done in the pool's threads: HTTP only, no ORM.
# ----------------------------------------------------------------------
def _lookup_job(client, job):
    kind, _res_id, key = job
    finder = {"line": client.find_line, "site": client.find_site,
              "customer": client.find_customer}[kind]
    return finder(key)


def _apply_job(client, payloads):
    """Apply every option of one request; returns the remote references.
    An error stops the request: a retry resends all of its options with
    the same keys, and the system answers the applied ones from its
    idempotency store."""
    refs = []
    for payload in payloads:
        refs.append(client.apply_option(**payload))
    return refs


def _read_back_job(client, references):
    return [client.get_option(reference) for reference in references]


def _push_thread(dbname, request_ids):
    """Body of the thread started after a commit (deployment done, retry)."""
    try:
        with api.Environment.manage():
            registry = odoo.registry(dbname)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                requests = env["telecom.sync.request"].browse(
                    request_ids).exists()
                requests.filtered(lambda r: r.state == "unknown")._telecom_reconcile()
                requests._telecom_push()
    except Exception:
        # The crons will take the requests again: they are committed.
        _logger.exception("background push of %d sync requests failed",
                          len(request_ids))
