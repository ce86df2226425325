# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbox of the SNAIC/CFAST sync: one request per (MAJ, system), and
one per option that the system lost and that is re-sent
(``_telecom_repush``).

This file holds the record: its fields, its creation when a deployment is
done, the Retry button and the scheduled actions. The work is done by jobs
of OCA queue_job (see ``telecom_sync_lane.py``), in the other files of the
model, one per concern:

* ``telecom_sync_push.py``: take due requests (claim), send their options,
  save each result;
* ``telecom_sync_reconcile.py``: read back by our reference the requests
  whose outcome is unknown, before anything is sent again;
* ``telecom_sync_lookup.py``: look up the SNAIC/CFAST IDs that lines, sites
  and customers lack.

How a request travels:

* it is created in the transaction that sets the deployment to done, with
  its idempotency key and reference (random, made once and stored, so
  unique even across a restored copy of the database), and the jobs that
  push it are queued in that same transaction: the intent is committed
  before any byte is sent;
* a job *claims* due requests in a short transaction of its own
  (``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)``, state
  ``sent``, attempt counted, a deadline and a token of its own) and
  commits, so that no other job takes them;
* it fetches the missing IDs, sends the options and saves the results,
  committed in small groups, only while it still holds the requests;
* a request whose outcome is unknown (timeout, unreadable reply, or a job
  that died while it was ``sent``, once its deadline has passed) is read
  back by our reference before anything is sent again, always with the
  same key.
"""
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger
from odoo.addons.telecom_parc.tools.bulk import bulk_insert

from .telecom_api_backend import SYSTEMS

BLOCKED_REASONS = [
    ("no_connection", "No active connection"),
    ("archived", "Connection archived"),
]
STATES = [
    ("waiting", "Waiting"),
    ("pending", "Pending"),
    ("sent", "Sending"),
    ("done", "Applied"),
    ("error", "Error"),
    ("unknown", "Unknown Outcome"),
    ("withdrawn", "Withdrawn"),
    ("void", "Nothing to Cancel"),
]
# What a request does in its system: apply the MAJ's options, or cancel
# those that another request applied (a reversal).
OPERATIONS = [
    ("apply", "Application"),
    ("cancel", "Cancellation"),
]
# The states after which nothing more is sent for a request.
SETTLED_STATES = ("done", "error", "withdrawn", "void")
ERROR_KINDS = [
    ("retryable", "Temporary (retries exhausted)"),
    ("permanent", "Refused by the system"),
    ("configuration", "Connection settings"),
    ("missing_id", "Unknown to the system"),
]
# A request left "sent" by a worker that died before deadlines existed is
# read back after its timeouts plus this margin.
STALE_MARGIN = 120
# Seconds of work a job does before it hands over to a new one (each job
# holds an Odoo worker: its HTTP request must end well before the workers'
# limit_time_real). Past it no new call starts.
LANE_BUDGET = 40
# A claim's deadline: the job's time, two calls' timeouts and this margin.
CLAIM_MARGIN = 20


def _now():
    return datetime.utcnow()


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
    operation = fields.Selection(
        selection=OPERATIONS, default="apply", required=True, readonly=True,
        index=True,
        help="Apply: applies the options of the MAJ in the system. Cancel: "
             "cancels in the system the options that the request it cancels "
             "applied (the MAJ of a reversal).")
    cancelled_request_id = fields.Many2one(
        comodel_name="telecom.sync.request", string="Cancels",
        readonly=True, ondelete="restrict", index=True, copy=False,
        help="The request (of the reversed deployment) whose options this "
             "one cancels.")
    cancel_request_ids = fields.One2many(
        comodel_name="telecom.sync.request",
        inverse_name="cancelled_request_id", string="Cancelled By",
        readonly=True)
    repush_of_id = fields.Many2one(
        comodel_name="telecom.sync.request", string="Re-sends",
        readonly=True, ondelete="restrict", index=True, copy=False,
        help="The applied request whose option the system lost: this one "
             "applies that option again, under a key of its own.")
    repush_option_id = fields.Many2one(
        comodel_name="telecom.line.update.option", string="Re-sent Option",
        readonly=True, ondelete="restrict", copy=False,
        help="The one option of the MAJ that this request applies again.")
    repush_ids = fields.One2many(
        comodel_name="telecom.sync.request", inverse_name="repush_of_id",
        string="Re-sent As", readonly=True,
        help="The requests that applied again options of this one that "
             "the system had lost.")
    info = fields.Text(
        string="Information", readonly=True, copy=False,
        help="What happened to the request when it was not sent: withdrawn "
             "by a reversal before it was sent, or nothing to cancel.")
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
        help="Waiting: a cancellation waiting until the request it cancels "
             "is settled. Pending: waiting to be sent (or retried). Sending: "
             "being sent now. Done: applied by the system. Error: needs "
             "someone to act (see the last error), then Retry. Unknown "
             "outcome: the system may have applied it; it is read back "
             "before anything is sent again. Withdrawn: reversed before it "
             "was applied, never to be sent. Nothing to cancel: the "
             "reversed request applied nothing in the system.")
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
    job_uuid = fields.Char(
        string="Job UUID", readonly=True, copy=False,
        groups="queue_job.group_queue_job_manager",
        help="The queue_job job that last took the request.")
    job_id = fields.Many2one(
        comodel_name="queue.job", string="Last Job",
        compute="_compute_job_id", groups="queue_job.group_queue_job_manager",
        help="The job (Queue > Jobs) that last took the request, with its "
             "state and what it did, or why it failed.")
    date_done = fields.Datetime(string="Applied On", readonly=True,
                                copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    error_kind = fields.Selection(selection=ERROR_KINDS, readonly=True,
                                  copy=False)

    _sql_constraints = [
        # One application per MAJ and system; a re-send of a lost option
        # (repush_of_id) is one more, once per option (repush_uniq); a
        # cancellation is one per request it cancels (cancelled_request_uniq).
        # The text is PostgreSQL's own rendering of the definition, so that
        # Odoo does not rebuild it on each update.
        ("update_system_uniq",
         "EXCLUDE USING btree (update_id WITH =, system WITH =) "
         "WHERE (((repush_of_id IS NULL) AND "
         "((operation)::text = 'apply'::text)))",
         "A MAJ is pushed once to each system."),
        ("repush_uniq", "unique(repush_of_id, repush_option_id)",
         "An option of a request is re-sent once."),
        ("idempotency_key_uniq", "unique(idempotency_key)",
         "Each request has its own idempotency key."),
        ("cancelled_request_uniq", "unique(cancelled_request_id)",
         "A request is cancelled once."),
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

    @api.depends("job_uuid")
    def _compute_job_id(self):
        jobs = self.env["queue.job"].sudo().search(
            [("uuid", "in", [uuid for uuid in self.mapped("job_uuid") if uuid])])
        by_uuid = {job.uuid: job for job in jobs}
        for request in self:
            request.job_id = by_uuid.get(request.job_uuid)

    @api.depends("system", "update_id.name", "line_id.name",
                 "repush_option_id.name")
    def _compute_name(self):
        labels = dict(SYSTEMS)
        for request in self:
            request.name = "%s / %s / %s" % (
                labels.get(request.system, ""), request.update_id.name or "",
                request.line_id.name or "")
            if request.repush_option_id:
                # A re-send, apart from the request it re-sends.
                request.name += " ↻ %s" % request.repush_option_id.name

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
        push. The MAJ of a reversal (``reversed_update_id``) get a *cancel*
        request per request of the MAJ they reverse instead (see
        ``_telecom_settle_new_cancels``). Returns the requests.

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
                   l.name, u.reversed_update_id
              FROM telecom_line_update u
              JOIN telecom_line l ON l.id = u.line_id
             WHERE u.id IN %s
               AND EXISTS (SELECT 1 FROM telecom_line_update_option o
                            WHERE o.update_id = u.id)
          ORDER BY u.id""", (tuple(updates.ids),))
        majs = self.env.cr.fetchall()
        # The requests that the reversals cancel: {reversed MAJ: [(id,
        # system, connection)]}.
        originals = defaultdict(list)
        reversed_ids = tuple(row[6] for row in majs if row[6])
        if reversed_ids:
            self.env.cr.execute(
                "SELECT update_id, id, system, backend_id "
                "FROM telecom_sync_request WHERE update_id IN %s "
                "AND operation = 'apply' ORDER BY id", (reversed_ids,))
            for update_id, request_id, system, backend_id in \
                    self.env.cr.fetchall():
                originals[update_id].append((request_id, system, backend_id))
        backends = {}

        def backend_of(system, company_id):
            if (system, company_id) not in backends:
                backends[(system, company_id)] = \
                    Backend._telecom_get_for_requests(
                        system, self.env["res.company"].browse(company_id))
            return backends[(system, company_id)].id or False

        rows = []
        for update_id, line_id, deployment_id, company_id, update_name, \
                line_name, reversed_id in majs:
            if reversed_id:
                # A cancellation where the reversed MAJ had a request, to
                # the connection that sent it; it waits until decided.
                targets = [(system, request_id, backend_id or backend_of(
                    system, company_id)) for request_id, system, backend_id
                    in originals[reversed_id]]
            else:
                targets = [(system, False, backend_of(system, company_id))
                           for system, _label in SYSTEMS]
            for system, cancelled_id, backend_id in targets:
                # Random, made once and stored with the intent: the same on
                # every retry, and unique across databases, even a restored
                # copy of production (same database.uuid, same MAJ ids).
                key = str(uuid.uuid4())
                rows.append({
                    "name": "%s / %s / %s" % (labels[system], update_name,
                                              line_name),
                    "system": system,
                    "operation": "cancel" if cancelled_id else "apply",
                    "cancelled_request_id": cancelled_id,
                    "backend_id": backend_id,
                    "update_id": update_id,
                    "line_id": line_id,
                    "deployment_id": deployment_id,
                    "company_id": company_id,
                    "state": "waiting" if cancelled_id else "pending",
                    "attempt_count": 0,
                    "throttle_count": 0,
                    "idempotency_key": key,
                    "reference": "TLC-%s-%s%s-%s" % (
                        key[:8], "ANN" if cancelled_id else "MAJ", update_id,
                        system.upper()),
                })
        created = bulk_insert(self.sudo(), rows, returning=("id", "operation"))
        # The one2many fields that now have new rows.
        self.env["telecom.deployment"].browse(
            {row["deployment_id"] for row in rows}).invalidate_cache(
                ["sync_request_ids"])
        self.env["telecom.line"].browse(
            {row["line_id"] for row in rows}).invalidate_cache(
                ["sync_request_ids"])
        updates.invalidate_cache(["sync_request_ids"])
        requests = self.browse([row[0] for row in created])
        cancels = self.browse([row[0] for row in created
                               if row[1] == "cancel"])
        cancels._telecom_settle_new_cancels()
        return requests

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
    def _telecom_repush(self, option):
        """Apply again ``option`` (a ``telecom.line.update.option`` of this
        request's MAJ), which the system lost although this request applied
        it (found by an audit): a new pending application of the same MAJ,
        to the same system and connection, that sends only that option,
        queued like any new request. Returns the new request.

        Its key and reference are derived from this request's and the
        option's (``<key>-R<option id>``), recorded: the system may still
        remember this request's key and would answer a resend with the old
        result, applying nothing. Derived, not random: a second call for the
        same option, in this transaction or another one at the same moment,
        hits the unique constraints and is refused."""
        self.ensure_one()
        user = self.env.user
        if not (user.has_group("telecom_parc.group_telecom_manager") or
                user._is_superuser()):
            raise AccessError(_(
                "Only Telecom managers can re-send an option to SNAIC or "
                "CFAST."))
        # Record rules: the user must see the request re-sent.
        self.check_access_rights("read")
        self.check_access_rule("read")
        request = self.sudo()
        option = option.sudo()
        values = {
            "request": request.name,
            "option": option.name or "",
            "line": request.line_id.name or "",
            "update": request.update_id.name or "",
            "system": dict(SYSTEMS).get(request.system, ""),
        }
        if len(option) != 1:
            raise UserError(_(
                "Choose one option of %(update)s to re-send with "
                "%(request)s.") % values)
        if request.operation != "apply" or request.state != "done":
            values["what"] = _("a cancellation") \
                if request.operation == "cancel" \
                else dict(self._fields["state"]._description_selection(
                    self.env)).get(request.state, request.state)
            raise UserError(_(
                "%(request)s cannot re-send an option: only an application "
                "that %(system)s applied (state Applied) can, and this "
                "request is %(what)s. Retry it instead if it is in error or "
                "its outcome is unknown.") % values)
        allowed = request.repush_option_id or request.update_id.option_ids
        if option not in allowed:
            raise UserError(_(
                "%(option)s is not an option that %(request)s applied: "
                "re-send it from the request of its own MAJ (line "
                "%(line)s).") % values)
        reversals = request.cancel_request_ids
        if reversals:
            values["reversal"] = reversals[0].deployment_id.name or \
                reversals[0].update_id.name or ""
            raise UserError(_(
                "%(option)s of line %(line)s cannot be re-sent to "
                "%(system)s: %(update)s was reversed by %(reversal)s, so "
                "the option is cancelled there.") % values)
        existing = request.repush_ids.filtered(
            lambda r: r.repush_option_id == option)
        if existing:
            raise UserError(self._telecom_repush_exists_text(
                existing[0], values))
        vals = {
            "system": request.system,
            "operation": "apply",
            "backend_id": request.backend_id.id,
            "update_id": request.update_id.id,
            "state": "pending",
            "idempotency_key": "%s-R%d" % (request.idempotency_key,
                                           option.id),
            "reference": "%s-R%d" % (request.reference, option.id),
            "repush_of_id": request.id,
            "repush_option_id": option.id,
        }
        try:
            # Another transaction re-sending it at the same moment: the
            # unique constraints refuse the second one.
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                repush = self.sudo().create(vals)
        except psycopg2.IntegrityError:
            existing = self.sudo().search([
                ("repush_of_id", "=", request.id),
                ("repush_option_id", "=", option.id)], limit=1)
            if existing:
                raise UserError(self._telecom_repush_exists_text(
                    existing, values))
            raise UserError(_(
                "%(option)s of line %(line)s is being re-sent to %(system)s "
                "by another user at this moment: reload the page to see "
                "that request.") % values)
        request.invalidate_cache(["repush_ids"], request.ids)
        request.update_id.invalidate_cache(["sync_request_ids"])
        repush._telecom_enqueue_push()
        return self.browse(repush.id)

    @api.model
    def _telecom_repush_exists_text(self, existing, values):
        """The refusal of a second re-send, naming the first (``existing``)
        and its state."""
        values = dict(values, repush=existing.name, state=dict(
            self._fields["state"]._description_selection(self.env)).get(
                existing.state, existing.state))
        return _(
            "%(option)s of line %(line)s was already re-sent to %(system)s "
            "by the request %(repush)s (%(state)s, reference %(reference)s). "
            "Open that request to follow it; retry it if it is in "
            "error.") % dict(values, reference=existing.reference)

    @api.multi
    def _telecom_enqueue_push(self):
        """Queue the jobs that push these requests (see the connections'
        ``_telecom_enqueue_lanes``), in the current transaction: they exist
        once the requests do and the job runner starts them within seconds.
        Returns True."""
        if self and not self.env.context.get("telecom_sync_no_autopush"):
            # Batch jobs (imports, benchmarks) leave the push to the crons.
            # Thousands of requests: their connections in one query, not a
            # read of every stored field.
            self.env.cr.execute(
                "SELECT DISTINCT backend_id FROM telecom_sync_request "
                "WHERE id IN %s AND backend_id IS NOT NULL",
                (tuple(self.ids),))
            self.env["telecom.api.backend"].sudo().browse(
                [row[0] for row in self.env.cr.fetchall()]).filtered(
                    "active")._telecom_enqueue_lanes()
        return True

    # ------------------------------------------------------------------
    # Crons: they only queue jobs
    # ------------------------------------------------------------------
    @api.model
    def _cron_push(self):
        """Scheduled action: queue the jobs of every connection that has
        requests due (retries with back-off) or to read back. A job that
        died is replaced this way too, and put back in the queue."""
        self.env["telecom.api.backend"]._telecom_requeue_stuck_jobs()
        # Cancellations whose original settled while nobody woke them.
        self._telecom_wake_cancels()
        backends = self._telecom_backends_with_work(
            self._telecom_due_domain())
        backends |= self._telecom_backends_with_work(
            self._telecom_reconcile_domain())
        backends._telecom_enqueue_lanes()
        return True

    @api.model
    def _cron_reconcile(self):
        """Scheduled action: queue the jobs of every connection that has
        requests whose outcome is unknown, or that a dead worker left
        "sending"; the jobs read them back before pushing."""
        self._telecom_backends_with_work(
            self._telecom_reconcile_domain())._telecom_enqueue_lanes()
        return True

    @api.model
    def _telecom_backends_with_work(self, domain):
        """The active connections that have requests matching ``domain``."""
        groups = self.sudo().read_group(domain, ["backend_id"],
                                        ["backend_id"])
        return self.env["telecom.api.backend"].sudo().browse(
            [group["backend_id"][0] for group in groups
             if group["backend_id"]]).filtered("active")

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

