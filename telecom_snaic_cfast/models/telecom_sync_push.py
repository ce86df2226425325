# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The push of the sync requests: claim, send, save the results.

A job of queue_job (``telecom_sync_lane.py``) calls these; it is the only
caller that commits. The calls to the system are made one after the other
by the job that holds the requests: the concurrency is the number of jobs
(the connection's "Concurrent Requests"), never a thread of ours.
"""
import itertools
import logging
import math
import random
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import psycopg2
from psycopg2 import sql

from odoo import _, api, fields, models, sql_db
from odoo.tools import float_repr, mute_logger
from odoo.addons.bus.models.bus import json_dump
from odoo.addons.telecom_parc.tools.lang import DEFAULT_LANG

from ..clients import (ALREADY_CANCELLED, ConfigurationError, PermanentError,
                       RetryableError, UnknownOutcomeError, make_client)
from .telecom_api_backend import SYSTEMS
from .telecom_sync_cancel import WAIT, Settled
from .telecom_sync_request import CLAIM_MARGIN, LANE_BUDGET, _now

_logger = logging.getLogger(__name__)

# The remote already holds an option with our reference: never an error,
# the read-back settles it.
# A second cancellation of an option (already_cancelled) is settled the same
# way.
DUPLICATE_CODES = ("duplicate_reference", "DUPLICATE_EXTERNAL_REFERENCE",
                   ALREADY_CANCELLED)
# A 429 is a wait, not a failed attempt; but after this many waits per allowed
# attempt, a system that never stops refusing shows an error.
THROTTLES_PER_ATTEMPT = 3
# Results are committed in groups of this many, or after this many seconds:
# a commit per request would cap the push rate, and a result lost in a crash
# is read back by our reference before anything is sent again.
COMMIT_EVERY = 20
COMMIT_AFTER = 1.0

# The outcome of a request whose worker reached its deadline before sending.
NOT_SENT = object()

# The bus channel on which the push tells the web client which deployments
# changed (controllers/bus.py adds it to the polls of internal users).
BUS_CHANNEL = "telecom.sync"


# One model, one file per concern (see telecom_sync_request.py).
class TelecomSyncRequest(models.Model):
    _inherit = "telecom.sync.request"  # pylint: disable=consider-merging-classes-inherited

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
            # The outbox commits on purpose (see telecom_sync_request.py):
            # a claim must be visible to the other jobs before anything is
            # sent, and saved results must stay written whatever happens to
            # the next ones. Only the jobs call this; tests never commit
            # (_telecom_can_commit).
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _telecom_retry_conflicts(self, func, what, attempts=5):
        """Run ``func()`` in a savepoint after a commit; when a concurrent
        worker changed the same rows (a serialization failure under Odoo's
        REPEATABLE READ), retry with a fresh snapshot. Jobs pushing SNAIC
        and CFAST for the same lines store IDs for the same records and post
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

    @api.model
    def _telecom_lock_rows(self, query, params, attempts=3):
        """Run ``query`` (a ``SELECT id ... FOR UPDATE SKIP LOCKED``) on a
        fresh snapshot and return the ids it locked. A row changed by
        another worker since our snapshot (a serialization failure) makes
        us try again, then skip this turn."""
        for _attempt in range(attempts):
            self._telecom_commit()  # a fresh snapshot for the lock
            try:
                # Expected when workers race: not an error for the log.
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    self.env.cr.execute(query, params)
                    return [row[0] for row in self.env.cr.fetchall()]
            except psycopg2.extensions.TransactionRollbackError:
                if not self._telecom_can_commit():
                    raise
                _logger.info("sync requests changed by another worker; "
                             "trying again")
        return []

    @api.multi
    def _telecom_lock(self, states, extra_sql="", extra_params=()):
        """Lock the rows of these requests that are in ``states`` and not
        locked by another worker; returns the ids got."""
        if not self:
            return []
        return self._telecom_lock_rows(
            "SELECT id FROM telecom_sync_request WHERE id IN %s "
            "AND state IN %s " + extra_sql +
            " ORDER BY id FOR UPDATE SKIP LOCKED",
            (tuple(self.ids), tuple(states)) + tuple(extra_params))

    @api.multi
    def _telecom_batches(self):
        """Yield (connection, requests) for these requests, by connection
        and in batches of its batch size."""
        by_backend = defaultdict(list)
        for request in self:
            by_backend[request.backend_id].append(request.id)
        for backend, ids in by_backend.items():
            size = max(1, backend.batch_size)
            for start in range(0, len(ids), size):
                yield backend, self.browse(ids[start:start + size])

    # ------------------------------------------------------------------
    # Claim
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_claim(self):
        """Take the due requests among these for this worker. Returns the
        requests taken (see ``_telecom_take``)."""
        now = fields.Datetime.to_string(_now())
        return self._telecom_take(self._telecom_lock(
            ("pending",),
            "AND (next_attempt_at IS NULL OR next_attempt_at <= %s)", (now,)))

    @api.model
    def _telecom_claim_due(self, backend, limit):
        """Take at most ``limit`` due requests of ``backend``, the oldest
        due first, skipping those another job holds. Returns them."""
        now = fields.Datetime.to_string(_now())
        return self._telecom_take(self._telecom_lock_rows(
            "SELECT id FROM telecom_sync_request WHERE backend_id = %s "
            "AND state = 'pending' AND (next_attempt_at IS NULL OR "
            "next_attempt_at <= %s) ORDER BY next_attempt_at NULLS FIRST, id "
            "LIMIT %s FOR UPDATE SKIP LOCKED", (backend.id, now, limit)))

    @api.model
    def _telecom_take(self, ids):
        """Mark the locked requests ``ids`` as this worker's: state "sent",
        one more attempt, a deadline and a claim token of their own;
        committed. Returns them."""
        if not ids:
            return self.browse()
        moment = _now()
        now = fields.Datetime.to_string(moment)
        # Its own deadline: past it, this worker starts no call (see
        # _telecom_send), so nothing can still be on the way.
        backend = self.browse(ids[:1]).sudo().backend_id
        deadline = moment + timedelta(seconds=LANE_BUDGET + CLAIM_MARGIN + 2 * (
            backend.timeout_connect + backend.timeout))
        # The job (queue_job puts its uuid in the context) shows on them.
        self.env.cr.execute(
            "UPDATE telecom_sync_request SET state = 'sent', sent_at = %s, "
            "send_deadline = %s, claim_token = %s, job_uuid = %s, "
            "attempt_count = COALESCE(attempt_count, 0) + 1, write_date = %s, "
            "write_uid = %s WHERE id IN %s",
            (now, fields.Datetime.to_string(deadline), uuid.uuid4().hex,
             self.env.context.get("job_uuid"), now, self.env.uid, tuple(ids)))
        claimed = self.browse(ids)
        claimed.invalidate_cache(
            ["state", "sent_at", "send_deadline", "claim_token", "job_uuid",
             "attempt_count"], ids)
        claimed._telecom_notify_changed()
        self._telecom_commit()
        return claimed

    # ------------------------------------------------------------------
    # Push
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_push(self, read_back=True):
        """Push these requests now, by connection and in batches, in this
        worker (the jobs push by connection instead: ``_telecom_claim_due``).
        Only the ones still pending and due when locked are sent. Returns a
        dict of counts by final state.

        A dropped connection or a timeout leaves an outcome unknown: with
        ``read_back`` those are read back at once by our reference (never
        resent before), and what the system does not have is sent once more
        with the same key; what is still unknown is left to the crons."""
        counts = defaultdict(int)
        # Waiting for a connection (none, or archived): nothing to send.
        requests = self.sudo().filtered(lambda r: r.backend_id.active)
        for backend, batch in requests._telecom_batches():
            for state, count in batch._telecom_claim()._telecom_send(
                    backend).items():
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
    def _telecom_send(self, backend, summaries=None):
        """Send these claimed requests of ``backend``: fetch the missing IDs,
        apply the options one request after the other, save the results as
        they come (``summaries``: see ``_telecom_save_results``). Returns
        counts by state."""
        if not self:
            return {}
        # Thousands of lines: read only the columns used, not every stored
        # field of lines, sites and partners.
        self = self.with_context(prefetch_fields=False)
        held, deadline = self._telecom_held()
        settings = backend._telecom_client_settings()
        try:
            client = make_client(**settings)
        except ConfigurationError as exc:
            return self._telecom_save_results(((r, exc) for r in self), held,
                                              summaries)
        try:
            missing = self._telecom_fetch_missing_ids(backend, client)
            todo = self.filtered(lambda r: r not in missing)
            # The cancellations of a reversal: sent only where the original
            # was applied (see telecom_sync_cancel.py).
            cancels = todo.filtered(lambda r: r.operation == "cancel")
            decisions = cancels._telecom_cancel_decisions()
            # Nothing to cancel: written at once, for the whole batch.
            voided = self._telecom_write_settled({
                request_id: decision
                for request_id, decision in decisions.items()
                if isinstance(decision, Settled)}, held)
            settled = [(request, WAIT) for request in cancels
                       if decisions[request.id] is WAIT]
            todo -= cancels.filtered(lambda r: decisions[r.id] != "send")
            payloads = (todo - cancels)._telecom_apply_payloads(backend)
            payloads.update((todo & cancels)._telecom_cancel_payloads(backend))
            # No call starts once it could still be on the way at the
            # deadline.
            cutoff = time.time() + max(0.0, (
                deadline - _now()).total_seconds()) - (
                    backend.timeout_connect + backend.timeout)
            # A job also stops starting calls when its time is up.
            cutoff = min(cutoff, self.env.context.get(
                "telecom_sync_stop_at") or cutoff)
            outcomes = ((request, _apply(
                client.cancel_option if request.operation == "cancel"
                else client.apply_option, payloads[request], cutoff))
                for request in todo)
            counts = self._telecom_save_results(
                itertools.chain(settled, missing.items(), outcomes), held,
                summaries)
            for state in voided.values():
                counts[state] += 1
            return counts
        finally:
            client.close()

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
        exactly the same calls. A re-send of a lost option (see
        ``_telecom_repush``) sends only that option. The MAJ, their options
        and lines are read in one query for the batch (through the ORM, the
        fields of a batch of 50 took 60 ms in some 40 reads), the external
        IDs in three."""
        if not self:
            return {}
        self.env.cr.execute("""
            SELECT r.id, r.reference, r.idempotency_key, l.id, l.site_id,
                   l.partner_id, o.id, o.default_code, o.quantity,
                   o.price_unit, c.rounding,
                   COALESCE(u.date_activation, u.date)
              FROM telecom_sync_request r
              JOIN telecom_line_update u ON u.id = r.update_id
              JOIN telecom_line l ON l.id = u.line_id
              JOIN telecom_line_update_option o ON o.update_id = u.id
                   AND (r.repush_option_id IS NULL
                        OR o.id = r.repush_option_id)
         LEFT JOIN res_currency c ON c.id = o.currency_id
             WHERE r.id IN %s
          ORDER BY r.id, o.id""", (tuple(self.ids),))
        rows = self.env.cr.fetchall()
        Binding = self.env["telecom.binding"]
        line_ids = Binding._telecom_external_ids(
            backend, self.env["telecom.line"].browse({row[3] for row in rows}))
        site_ids = Binding._telecom_external_ids(
            backend, self.env["telecom.site"].browse(
                {row[4] for row in rows if row[4]}))
        customer_ids = Binding._telecom_external_ids(
            backend, self.env["res.partner"].browse(
                {row[5] for row in rows if row[5]}))
        payloads = {request: [] for request in self}
        for (request_id, reference, key, line_id, site_id, partner_id,
             option_id, code, quantity, price_unit, rounding,
             effective) in rows:
            # The currency's digits, as res.currency computes them.
            digits = int(math.ceil(math.log10(1 / rounding))) \
                if rounding and 0 < rounding < 1 else (2 if not rounding else 0)
            payloads[self.browse(request_id)].append({
                "remote_line_id": line_ids.get(line_id, False),
                "product_code": code or "",
                "quantity": quantity,
                # Exactly what the MAJ records, as a decimal in the
                # currency's digits (never a float on the wire).
                "unit_price": Decimal(float_repr(
                    price_unit or 0.0, digits)),
                "effective_date": fields.Date.to_string(effective)
                if not isinstance(effective, str) else effective,
                "reference": "%s-%s" % (reference, option_id),
                "idempotency_key": "%s-%s" % (key, option_id),
                "site_id": site_ids.get(site_id) or None,
                "customer_id": customer_ids.get(partner_id) or None,
            })
        return payloads

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_save_results(self, results, held=None, summaries=None):
        """Write the outcome of each request (``results``: pairs of a request
        and a list of remote references or an exception, in any order, as
        they come), committed in small groups; then tell the users: a
        message on the line of each failure, one message per deployment and
        an activity for failures that need someone (what was applied shows
        on each line's SNAIC/CFAST tab). With ``summaries`` (see
        ``_telecom_post_summaries``), the deployments' messages are gathered
        there instead, for the caller to post once for all its batches. With
        ``held`` ({id: claim token}), a result is saved only while this
        worker still holds its request (a late worker whose request was
        taken over saves nothing). Returns counts by final state."""
        counts = defaultdict(int)
        done, failed = defaultdict(list), defaultdict(list)
        info = self._telecom_batch_info()
        line_logs = []
        finished = []
        uncommitted, since = 0, time.time()
        # The deployments whose requests changed since the last commit: the
        # web client is told at each commit (within COMMIT_AFTER seconds).
        changed = set()
        for request, outcome in results:
            try:
                # One savepoint per result: a bad write loses this one only.
                with self.env.cr.savepoint():
                    state, log = request._telecom_save_result(
                        outcome, info[request.id], held=held)
                if state is None:
                    _logger.info("%s was taken over by another worker: its "
                                 "result is not saved here", request.reference)
                    continue
            except Exception:
                if not self._telecom_can_commit():
                    raise
                # Never lose the others for one bad write: this request stays
                # "sent" and is read back once its deadline has passed.
                _logger.exception("could not save the result of %s",
                                  request.reference)
                continue
            uncommitted += 1
            changed.add(info[request.id]["deployment_id"])
            if uncommitted >= COMMIT_EVERY or \
                    time.time() - since >= COMMIT_AFTER:
                self._telecom_notify_deployments(changed)
                self._telecom_commit()
                uncommitted, since = 0, time.time()
                changed = set()
            counts[state] += 1
            if log:
                line_logs.append((info[request.id]["line_id"], log))
            if state == "done":
                done[info[request.id]["deployment_id"]].append(request)
            elif state == "error":
                failed[info[request.id]["deployment_id"]].append(request)
            if state in ("done", "error"):
                finished.append(request.id)
        # The cancellations waiting for these requests can now go.
        self._telecom_wake_cancels(finished)
        self._telecom_notify_deployments(changed)
        self._telecom_commit()
        # The line messages tell what the committed states say.
        self.env["telecom.line"]._telecom_log_many(line_logs)
        gathered = defaultdict(lambda: ([], [])) if summaries is None \
            else summaries
        for deployment_id, requests in done.items():
            gathered[deployment_id][0].extend(requests)
        for deployment_id, requests in failed.items():
            gathered[deployment_id][1].extend(requests)
        if summaries is None:
            self._telecom_post_summaries(gathered)
        self._telecom_commit()
        return counts

    @api.multi
    def _telecom_notify_changed(self):
        """Tell the web client that these requests changed (see
        ``_telecom_notify_deployments``)."""
        if self:
            self.env.cr.execute(
                "SELECT DISTINCT deployment_id FROM telecom_sync_request "
                "WHERE id IN %s AND deployment_id IS NOT NULL",
                (tuple(self.ids),))
            self._telecom_notify_deployments(
                {row[0] for row in self.env.cr.fetchall()})
        return True

    @api.model
    def _telecom_notify_deployments(self, deployment_ids, settled_ids=()):
        """Tell the web client, over Odoo's bus, that the sync of these
        deployments changed: the forms showing one reload it; for those of
        ``settled_ids`` (nothing left to send), they also say what was sent.
        Sent when the transaction commits; the message holds ids only, the
        form reads the record with its user's rights."""
        deployment_ids = sorted(i for i in deployment_ids if i)
        if deployment_ids:
            message = {"deployment_ids": deployment_ids}
            if settled_ids:
                message["settled_ids"] = sorted(settled_ids)
            # The message as bus.bus.sendone writes and notifies it, but
            # without deleting the old messages (1 message of 100) inside
            # the push's transaction: two workers deleting the same ones
            # made one fail, its results lost and left "sending" until
            # their deadline (see _telecom_bus_gc).
            channel = (self.env.cr.dbname, BUS_CHANNEL)
            self.env["bus.bus"].sudo().create({
                "channel": json_dump(channel), "message": json_dump(message)})
            self.env.cr.after("commit", lambda: _bus_notify([channel]))
        return True

    @api.model
    def _telecom_bus_gc(self):
        """Delete the bus messages that Odoo's bus no longer serves (as
        ``bus.bus.gc``), in a transaction of its own between two commits,
        so that nothing the push writes depends on it. Another worker
        deleting the same messages makes it give up, never fail: the next
        job deletes what is left. Returns True."""
        self._telecom_commit()
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env["bus.bus"].sudo().gc()
        except psycopg2.extensions.TransactionRollbackError:
            _logger.info("old bus messages deleted by another worker")
        self._telecom_commit()
        return True

    @api.model
    def _telecom_post_summaries(self, summaries):
        """Post on each deployment what was applied and what failed
        (``summaries``: {deployment id: (done requests, failed requests)}):
        one message each, and the activity for the failures."""
        Deployment = self.env["telecom.deployment"].sudo()
        for deployment_id, (done, failed) in summaries.items():
            if not done and not failed:
                continue
            # The other system's worker may post on the same deployment now.
            self._telecom_retry_conflicts(
                lambda: Deployment.browse(deployment_id)._telecom_post_sync_summary(
                    done, failed),
                "the sync summary of deployment %s" % deployment_id)
        # The forms show the new message (and the activity closed or made),
        # and say what was sent where nothing is left to send.
        ids = [i for i in summaries if i]
        settled = set(ids)
        if ids:
            self.env.cr.execute(
                "SELECT DISTINCT deployment_id FROM telecom_sync_request "
                "WHERE deployment_id IN %s "
                "AND state IN ('waiting', 'pending', 'sent')",
                (tuple(ids),))
            settled -= {row[0] for row in self.env.cr.fetchall()}
        self._telecom_notify_deployments(ids, settled)
        self._telecom_commit()
        # Once per job: the bus messages of the push are deleted here only.
        self._telecom_bus_gc()

    @api.multi
    def _telecom_write_result(self, vals, held=None):
        """Write ``vals`` (plain columns of the request) on this request, in
        one statement, only while this worker holds it: with ``held`` ({id:
        claim token}), nothing is written once another worker has taken it
        over. Returns whether it was written. The save of each result is the
        push's hot path: through the ORM, the lock, the check and the write
        took four statements."""
        self.ensure_one()
        columns = sorted(vals)
        query = sql.SQL(
            "UPDATE telecom_sync_request SET {sets}, write_date = %s, "
            "write_uid = %s WHERE id = %s{check} RETURNING id").format(
                sets=sql.SQL(", ").join(
                    sql.SQL("{} = %s").format(sql.Identifier(column))
                    for column in columns),
                check=sql.SQL(" AND claim_token = %s" if held is not None
                              else ""))
        params = [None if vals[column] is False else vals[column]
                  for column in columns]
        params += [fields.Datetime.now(), self.env.uid, self.id]
        if held is not None:
            params.append(held.get(self.id) or "")
        self.env.cr.execute(query, params)
        self.invalidate_cache(columns + ["write_date", "write_uid"], self.ids)
        return bool(self.env.cr.fetchone())

    @api.multi
    def _telecom_batch_info(self):
        """What saving the results of these requests needs, read once for
        the batch: {request id: {line_id, deployment_id, attempt_count,
        throttle_count, max_attempts, retry_delay_max, system, line,
        backend, lang}}: ``lang`` is the language of the texts stored (the
        company's, else the connection's responsible's, see
        ``telecom_parc/tools/lang.py``)."""
        if not self:
            return {}
        self.env.cr.execute("""
            SELECT r.id, r.line_id, r.deployment_id,
                   COALESCE(r.attempt_count, 0), COALESCE(r.throttle_count, 0),
                   b.max_attempts, r.system, b.retry_delay_max,
                   l.name, b.name, COALESCE(cp.lang, up.lang), r.operation
              FROM telecom_sync_request r
              JOIN telecom_api_backend b ON b.id = r.backend_id
              JOIN telecom_line l ON l.id = r.line_id
              JOIN res_company c ON c.id = b.company_id
              JOIN res_partner cp ON cp.id = c.partner_id
              LEFT JOIN res_users u ON u.id = b.user_id
              LEFT JOIN res_partner up ON up.id = u.partner_id
             WHERE r.id IN %s""", (tuple(self.ids),))
        rows = self.env.cr.fetchall()
        labels = dict(SYSTEMS)
        # After the fetch: without a language in the context (a cron, a
        # worker), reading the user's runs a query on the same cursor.
        default_lang = self.env.lang or self.env.user.lang or DEFAULT_LANG
        return {row[0]: {
            "line_id": row[1], "deployment_id": row[2],
            "attempt_count": row[3], "throttle_count": row[4],
            "max_attempts": row[5], "system": labels[row[6]],
            "retry_delay_max": row[7], "line": row[8], "backend": row[9],
            "lang": row[10] or default_lang, "operation": row[11],
        } for row in rows}

    @api.multi
    def _telecom_save_result(self, outcome, info, held=None):
        """Write one outcome on this request (``info``: see
        ``_telecom_batch_info``), only while this worker holds it (``held``:
        see ``_telecom_write_result``). Returns its new state and the
        message for the line's chatter (an error) or None; (None, None) when
        another worker has taken the request over."""
        self.ensure_one()
        now = _now()
        if outcome is WAIT:
            # A cancellation whose original is not settled: it waits for it
            # (woken by its result), the attempt not counted.
            if not self._telecom_write_result({
                    "state": "waiting", "next_attempt_at": False,
                    "attempt_count": max(0, info["attempt_count"] - 1)},
                    held):
                return None, None
            return "waiting", None
        if outcome is NOT_SENT:
            # Never sent (the deadline came first): back in the queue, the
            # attempt not counted.
            if not self._telecom_write_result({
                    "state": "pending", "next_attempt_at": False,
                    "attempt_count": max(0, info["attempt_count"] - 1)},
                    held):
                return None, None
            return "pending", None
        if isinstance(outcome, list):
            remote_ref = ", ".join(outcome)
            if not self._telecom_write_result({
                    "state": "done", "remote_ref": remote_ref,
                    "date_done": fields.Datetime.to_string(now),
                    "last_error": False, "error_kind": False,
                    "next_attempt_at": False}, held):
                return None, None
            return "done", None
        if self.env.lang != info["lang"]:
            # The texts of an error are stored in the language of the
            # company (else of the connection's responsible).
            return self.with_context(lang=info["lang"])._telecom_save_result(
                outcome, info, held=held)
        attempts = info["attempt_count"]
        # The clients' messages are technical, in English: for the log.
        _logger.info("%s: %s", self.reference, outcome)
        if isinstance(outcome, RetryableError) and outcome.status == 429 \
                and outcome.retry_after is not None:
            final = info["throttle_count"] + 1 > \
                THROTTLES_PER_ATTEMPT * info["max_attempts"]
        else:
            final = attempts >= info["max_attempts"] or \
                not isinstance(outcome, RetryableError)
        message = self._telecom_error_text(
            outcome, info["system"], line=info["line"],
            backend=info["backend"], final=final,
            operation=info["operation"])
        vals = {"last_error": message}
        if isinstance(outcome, PermanentError) and \
                outcome.code in DUPLICATE_CODES:
            # The system has our reference already: read it back.
            vals.update({"state": "unknown", "last_error": (
                self._telecom_error_text(
                    UnknownOutcomeError(str(outcome)), info["system"],
                    line=info["line"], backend=info["backend"]))})
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
        if not self._telecom_write_result(vals, held):
            return None, None
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


def _bus_notify(channels):
    """Tell Odoo's longpolling that the bus has new messages on
    ``channels`` (committed), as ``bus.bus`` does: on a connection to the
    "postgres" database, where it listens, opened for this NOTIFY (Odoo's
    pool keeps none to that database; one kept by each worker would double
    the server's connections)."""
    with sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("NOTIFY imbus, %s", (json_dump(list(channels)),))
    return True


# ----------------------------------------------------------------------
# The calls: plain Python on a client, no ORM.
# ----------------------------------------------------------------------
def _apply(call, payloads, cutoff):
    """Apply (or cancel: ``call`` is the client's ``apply_option`` or
    ``cancel_option``) every option of one request; returns the remote
    references,
    or the exception that stopped it (each request's failure is its own
    result). An error stops the request: a retry resends all of its options
    with the same keys, and the system answers the applied ones from its
    idempotency store. No call starts after ``cutoff`` (a time.time()): the
    request was then not sent at all (NOT_SENT), or only in part (unknown
    outcome, read back)."""
    refs = []
    try:
        for payload in payloads:
            if time.time() > cutoff:
                if not refs:
                    return NOT_SENT
                raise UnknownOutcomeError(
                    "The sending deadline came after %d of %d options; the "
                    "others were not sent. It will be read back before any "
                    "resend." % (len(refs), len(payloads)))
            refs.append(call(**payload))
    except Exception as exc:  # pylint: disable=broad-except
        return exc
    return refs
