# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The drift audit: for one connection and one period, what the ERP
recorded as applied (its done apply requests and their cancellations)
against what the system lists (every page of its list of options), and
each difference as an audit line to repair (repush) or acknowledge.

The list is read page by page; a page that fails for a moment (5xx, 429,
timeout, dropped connection) is asked again after a bounded back-off, and
the read resumes there. When it still fails, the audit is *failed*, with
the error in plain words, and has no line: a partial list would report
drift that is not there. The comparison itself is set-based (see
``telecom_sync_audit_compare.py``).
"""
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date, html_escape
from odoo.addons.queue_job.job import job
from odoo.addons.telecom_parc.tools.bulk import bulk_insert
from odoo.addons.telecom_parc.tools.lang import stored_lang

from ..clients import ApiError, RetryableError, UnknownOutcomeError, make_client
from . import telecom_sync_audit_compare as compare
from .telecom_api_backend import SYSTEMS

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("done", "Done"),
    ("failed", "Failed"),
]
ORIGINS = [("manual", "Manual"), ("cron", "Nightly")]
KINDS = [
    ("missing_remote", "Missing in the System"),
    ("unknown_local", "Unknown to the ERP"),
    ("mismatch", "Mismatch"),
]
LINE_STATES = [
    ("open", "Open"),
    ("repushed", "Repushed"),
    ("acknowledged", "Acknowledged"),
]
# Options asked per page of the list.
LIST_PAGE_SIZE = 500
# Tries of one page before the audit fails, and the waits between them
# (doubling from the first, capped; a Retry-After is honoured up to the cap).
LIST_ATTEMPTS = 5
LIST_DELAY = 1.0
LIST_DELAY_MAX = 30.0
# Days back in which the nightly audit runs again its failed audits.
RETRY_DAYS = 7
# Lines whose chatter is written at once; beyond, by a job.
LOG_INLINE = 200
# The fields that only the audit itself writes (as superuser).
AUDIT_COMPUTED = {"state", "line_ids", "remote_count",
                  "remote_cancelled_count", "local_count",
                  "local_cancelled_count", "error", "origin", "date_run",
                  "retry_count", "name", "drift_count"}


def _sleep(seconds):
    """Wait between two tries of a page (a function of its own so that the
    tests do not wait)."""
    time.sleep(seconds)


def _utc_naive(value):
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(pytz.utc).replace(tzinfo=None)


def _tz_names(self):
    return [(name, name) for name in sorted(
        pytz.all_timezones, key=lambda tz: tz if not tz.startswith(
            "Etc/") else "_")]


class TelecomSyncAudit(models.Model):
    """One drift audit: one connection, one period (inclusive dates in the
    audit's time zone)."""

    _name = "telecom.sync.audit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "SNAIC/CFAST Drift Audit"
    _order = "date_to desc, id desc"

    name = fields.Char(
        string="Reference", readonly=True, copy=False, default="/")
    backend_id = fields.Many2one(
        comodel_name="telecom.api.backend", string="Connection",
        required=True, ondelete="restrict", index=True,
        readonly=True, states={"draft": [("readonly", False)]},
        track_visibility="onchange")
    system = fields.Selection(
        related="backend_id.system", store=True, readonly=True)
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, readonly=True,
        string="Company", index=True)
    date_from = fields.Date(
        string="From", required=True, readonly=True,
        states={"draft": [("readonly", False)]},
        default=lambda self: self._telecom_yesterday(),
        track_visibility="onchange")
    date_to = fields.Date(
        string="To", required=True, readonly=True,
        states={"draft": [("readonly", False)]},
        default=lambda self: self._telecom_yesterday(),
        track_visibility="onchange",
        help="Included: the audit covers the options applied from the "
             "start of the first day to the end of the last one, in the "
             "time zone of the audit.")
    tz = fields.Selection(
        selection=_tz_names, string="Time Zone", required=True,
        readonly=True, states={"draft": [("readonly", False)]},
        default=lambda self: self.env.context.get("tz") or
        self.env.user.tz or "UTC",
        help="The days of the period start and end at midnight in this "
             "time zone.")
    state = fields.Selection(
        selection=STATES, default="draft", required=True, readonly=True,
        copy=False, index=True, track_visibility="onchange")
    origin = fields.Selection(
        selection=ORIGINS, default="manual", required=True, readonly=True,
        copy=False)
    line_ids = fields.One2many(
        comodel_name="telecom.sync.audit.line", inverse_name="audit_id",
        string="Differences", readonly=True, copy=False)
    remote_count = fields.Integer(
        string="Options in the System", readonly=True, copy=False,
        help="Options that the system lists as applied in the period, "
             "cancelled ones included.")
    remote_cancelled_count = fields.Integer(
        string="Cancelled in the System", readonly=True, copy=False)
    local_count = fields.Integer(
        string="Options in the ERP", readonly=True, copy=False,
        help="Options that the ERP recorded as applied by the system in the "
             "period, cancelled ones included.")
    local_cancelled_count = fields.Integer(
        string="Cancelled in the ERP", readonly=True, copy=False)
    drift_count = fields.Integer(
        string="Differences", compute="_compute_drift_count", store=True)
    open_count = fields.Integer(
        string="Open Differences", compute="_compute_open_count")
    retry_count = fields.Integer(
        string="Pages Asked Again", readonly=True, copy=False,
        help="Pages of the list that the system failed to give at once and "
             "that were asked again.")
    date_run = fields.Datetime(string="Run On", readonly=True, copy=False)
    error = fields.Text(
        readonly=True, copy=False,
        help="Why the audit failed: the list could not be read. No "
             "difference is recorded from a partial list.")

    @api.depends("line_ids")
    def _compute_drift_count(self):
        for audit in self:
            audit.drift_count = len(audit.line_ids)

    @api.depends("line_ids.state")
    def _compute_open_count(self):
        for audit in self:
            audit.open_count = len(audit.line_ids.filtered(
                lambda line: line.state == "open"))

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for audit in self:
            if audit.date_from > audit.date_to:
                raise ValidationError(_(
                    "The audit %(audit)s ends before it starts: set its "
                    "\"To\" date on or after %(date)s.") % {
                        "audit": audit.name, "date": audit.date_from})

    @api.model
    def _telecom_yesterday(self, tz_name=None):
        tz = pytz.timezone(tz_name or self.env.context.get("tz") or
                           self.env.user.tz or "UTC")
        today = pytz.utc.localize(datetime.utcnow()).astimezone(tz).date()
        return fields.Date.to_string(today - timedelta(days=1))

    # ------------------------------------------------------------------
    # Rules: only the audit writes its results
    # ------------------------------------------------------------------
    @api.model
    def _telecom_check_manager(self):
        if self.env.uid != SUPERUSER_ID and not self.env.user.has_group(
                "telecom_parc.group_telecom_manager"):
            raise AccessError(_(
                "Only Telecom Managers can run SNAIC/CFAST audits and repair "
                "what they find."))

    @api.model
    def create(self, vals):
        if self.env.uid != SUPERUSER_ID:
            vals = {key: value for key, value in vals.items()
                    if key not in AUDIT_COMPUTED}
        if vals.get("name", "/") == "/":
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code(
                "telecom.sync.audit") or "/"
        return super(TelecomSyncAudit, self.with_context(
            mail_create_nolog=True)).create(vals)

    @api.multi
    def write(self, vals):
        if self.env.uid != SUPERUSER_ID:
            locked = AUDIT_COMPUTED & set(vals)
            if locked:
                raise AccessError(_(
                    "The results of an audit are written by its run only "
                    "(%s). Run the audit, or create a new one.") %
                    ", ".join(sorted(locked)))
            if set(vals) - {"message_follower_ids", "message_ids",
                            "activity_ids"} and \
                    self.filtered(lambda audit: audit.state != "draft"):
                raise UserError(_(
                    "The audit %s has run: its connection and period no "
                    "longer change. Create a new audit for another period.")
                    % self.filtered(lambda a: a.state != "draft")[0].name)
        return super(TelecomSyncAudit, self).write(vals)

    @api.multi
    def unlink(self):
        for audit in self:
            if audit.state == "done":
                raise UserError(_(
                    "The audit %s has run: it is kept as the proof of what "
                    "was compared. Only draft and failed audits can be "
                    "deleted.") % audit.name)
        return super(TelecomSyncAudit, self).unlink()

    @api.multi
    def action_view_lines(self):
        """Open the differences of this audit, to repush or acknowledge
        them."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_snaic_cfast.telecom_sync_audit_line_action").read()[0]
        action["domain"] = [("audit_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # The period
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_window(self):
        """The audited period as naive UTC datetimes [start, end): from
        date_from 00:00 to date_to + 1 day 00:00 in the audit's time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        start = fields.Date.from_string(self.date_from)
        end = fields.Date.from_string(self.date_to) + timedelta(days=1)
        return tuple(
            tz.localize(datetime.combine(day, datetime.min.time()))
            .astimezone(pytz.utc).replace(tzinfo=None)
            for day in (start, end))

    # ------------------------------------------------------------------
    # Run
    # ------------------------------------------------------------------
    @api.multi
    def action_run(self):
        """Read the system's list of the options applied in the period and
        compare it with what the ERP recorded; record each difference as a
        line. Draft and failed audits only. When the list cannot be read
        after a few tries, the audit is failed, with the error, and records
        no difference. Returns True."""
        self._telecom_check_manager()
        self.check_access_rule("read")
        for audit in self:
            if audit.state not in ("draft", "failed"):
                raise UserError(_(
                    "The audit %s has run already. Create a new audit to "
                    "compare the same period again.") % audit.name)
        author = self.env.user.partner_id
        for audit in self.sudo():
            audit._telecom_run(author=author)
        return True

    @api.multi
    def _telecom_run(self, author=None):
        """Run this audit (as superuser, checks done); its messages are
        signed by ``author`` (a partner: who pressed Run) when given.
        Returns True."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT state FROM telecom_sync_audit WHERE id = %s "
            "FOR UPDATE SKIP LOCKED", (self.id,))
        row = self.env.cr.fetchone()
        if not row or row[0] not in ("draft", "failed"):
            raise UserError(_(
                "The audit %s is being run or has run already. Create a new "
                "audit to compare the same period again.") % self.name)
        backend = self.backend_id
        audit = self.with_context(lang=stored_lang(
            self.env, self.company_id, backend.user_id or None),
            tracking_disable=True)
        started = time.time()
        start, end = self._telecom_window()
        progress = {"retries": 0}
        try:
            remote = audit._telecom_read_list(
                start - compare.SKEW, end + compare.SKEW, progress)
        except ApiError as exc:
            _logger.info("%s: list of %s: %s", self.name, backend.name, exc)
            error = audit.env["telecom.sync.request"]._telecom_error_text(
                exc, backend._telecom_system_label(), backend=backend.name)
            audit.line_ids.unlink()
            audit.write({
                "state": "failed", "error": error,
                "retry_count": progress["retries"],
                "date_run": fields.Datetime.now(),
                "remote_count": 0, "remote_cancelled_count": 0,
                "local_count": 0, "local_cancelled_count": 0})
            failed = _("The audit failed: %s No difference is recorded "
                       "from a partial list; run it again later.") % error
            audit.message_post(body=failed, subtype="mail.mt_note",
                               author_id=author.id if author else None)
            if self.origin == "cron":
                # Nobody watches a nightly run: its failure is somebody's
                # to-do, as its differences are.
                audit._telecom_schedule_activity(_(
                    "%(system)s: the audit %(audit)s failed") % {
                        "system": backend._telecom_system_label(),
                        "audit": self.name}, failed)
            return True
        erp = audit._telecom_erp_options(
            start - compare.SKEW, end + compare.SKEW,
            {item["reference"].rsplit("-", 1)[0] for item in remote
             if item.get("reference") and "-" in item["reference"]})
        drifts, counts = compare.compare(erp, remote, start, end)
        audit.line_ids.unlink()
        rows = audit._telecom_create_lines(drifts)
        counts.update({"state": "done", "error": False,
                       "retry_count": progress["retries"],
                       "date_run": fields.Datetime.now()})
        audit.write(counts)
        audit._telecom_post_result(rows, time.time() - started, author)
        return True

    @api.multi
    def _telecom_read_list(self, start, end, progress):
        """Every page of the system's list of the options applied in
        [start, end) (naive UTC). A page that fails for a moment is asked
        again, after a bounded back-off (the system's Retry-After when it
        gives one), and the read resumes there; after LIST_ATTEMPTS tries
        of one page the error is raised. Counts the pages asked again in
        ``progress["retries"]``. Returns the options."""
        self.ensure_one()
        options, token = [], None
        with make_client(**self.backend_id._telecom_client_settings()) \
                as client:
            while True:
                attempt = 1
                while True:
                    try:
                        page = client.list_options(
                            start, end, page_token=token,
                            page_size=LIST_PAGE_SIZE)
                        break
                    except (RetryableError, UnknownOutcomeError) as exc:
                        if attempt >= LIST_ATTEMPTS:
                            raise
                        wait = getattr(exc, "retry_after", None)
                        if wait is None:
                            wait = LIST_DELAY * 2 ** (attempt - 1)
                        _logger.info(
                            "%s: page %s of the list failed (%s), asked "
                            "again in %s s", self.name, token or 1, exc, wait)
                        _sleep(min(max(wait, 0), LIST_DELAY_MAX))
                        attempt += 1
                        progress["retries"] += 1
                for item in page["options"]:
                    item["applied_at"] = _utc_naive(item.get("applied_at"))
                options.extend(page["options"])
                token = page.get("next_page_token")
                if not token:
                    return options

    @api.multi
    def _telecom_erp_options(self, start, end, references):
        """What the ERP recorded, option by option, for this audit's
        connection: the apply requests done in [start, end) (naive UTC), and
        those whose reference the system listed (whatever their state), in
        one query, as compare.ErpOption. (The references are matched
        through a hashed subquery, not ``= ANY(array)``, which compares each
        row with every reference: 10,000 of each took seconds.)"""
        self.ensure_one()
        query = """
            SELECT r.reference || '-' || o.id, r.id, r.update_id, r.line_id,
                   o.id, o.default_code, o.quantity, r.date_done, r.state,
                   c.state, p.id IS NOT NULL
              FROM telecom_sync_request r
              JOIN telecom_line_update_option o ON o.update_id = r.update_id
                   AND (r.repush_option_id IS NULL
                        OR o.id = r.repush_option_id)
         LEFT JOIN telecom_sync_request c ON c.cancelled_request_id = r.id
         LEFT JOIN telecom_sync_request p ON p.repush_of_id = r.id
                   AND p.repush_option_id = o.id
             WHERE r.backend_id = %s AND r.operation = 'apply'
               AND ((r.state = 'done' AND r.date_done >= %s
                     AND r.date_done < %s)
                    OR r.reference IN (SELECT unnest(%s::varchar[])))"""
        self.env.cr.execute(query, (self.backend_id.id, start, end,
                                    list(references)))
        options = []
        for (reference, request_id, update_id, line_id, option_id, code,
             quantity, date_done, state, cancel_state, superseded) in \
                self.env.cr.fetchall():
            if isinstance(date_done, str):
                date_done = fields.Datetime.from_string(date_done)
            options.append(compare.ErpOption(
                reference, request_id, update_id, line_id, option_id, code,
                quantity, date_done,
                compare.erp_status(state, cancel_state, superseded), state))
        return options

    @api.multi
    def _telecom_create_lines(self, drifts):
        """One audit line per difference, with its sentence in the language
        of the context, in one INSERT (no ORM read per line: 10,000
        differences, a system that lost everything, take seconds). Returns
        the rows inserted (dicts, with their ``id``)."""
        self.ensure_one()
        Line = self.env["telecom.sync.audit.line"]
        if not drifts:
            return []
        # The lines the system's options are on, by their ID there: one
        # query for all.
        remote_line_ids = {drift.remote.get("remote_line_id")
                           for drift in drifts
                           if drift.remote and not drift.erp}
        bindings = self.env["telecom.binding"].sudo().search([
            ("backend_id", "=", self.backend_id.id),
            ("res_model", "=", "telecom.line"),
            ("external_id", "in", [str(i) for i in remote_line_ids if i])])
        line_by_remote = {b.external_id: b.res_id for b in bindings}
        tz = pytz.timezone(self.tz or "UTC")
        rows = []
        for drift in drifts:
            erp, remote = drift.erp, drift.remote or {}
            line_id = erp.line_id if erp else line_by_remote.get(
                str(remote.get("remote_line_id") or ""))
            applied = erp.applied_at if erp and erp.applied_at else \
                remote.get("applied_at")
            rows.append({
                "audit_id": self.id,
                "kind": drift.kind,
                "system": self.system,
                "company_id": self.company_id.id,
                "line_id": line_id or None,
                "update_id": erp.update_id if erp else None,
                "request_id": erp.request_id if erp else None,
                "option_id": erp.option_id if erp else None,
                "remote_ref": remote.get("remote_ref") or None,
                "reference": (erp.reference if erp else
                              remote.get("reference")) or None,
                # The day in the audit's time zone, as its period.
                "date": pytz.utc.localize(applied).astimezone(tz).date()
                if applied else None,
                "state": "open",
            })
        # The names in the sentences: read once for all.
        names = {}
        for model, key in (("telecom.line", "line_id"),
                           ("telecom.line.update", "update_id")):
            records = self.env[model].sudo().browse(
                {row[key] for row in rows if row[key]})
            names[key] = {record.id: record.name for record in records}
        context = self._telecom_detail_context()
        for row, drift in zip(rows, drifts):
            row["detail"] = self._telecom_detail(
                drift, row, names["line_id"].get(row["line_id"]),
                names["update_id"].get(row["update_id"]), context)
        for row, created in zip(rows, bulk_insert(Line, rows)):
            row["id"] = created[0]
        self.invalidate_cache(["line_ids", "drift_count"], [self.id])
        self.env.cr.execute(
            "UPDATE telecom_sync_audit SET drift_count = %s WHERE id = %s",
            (len(rows), self.id))
        return rows

    @api.multi
    def _telecom_detail_context(self):
        """What every sentence of this audit needs, in the language of the
        context, computed once: the system's label, the request states'
        labels, a cache of formatted dates."""
        self.ensure_one()
        return {
            "system": self.backend_id._telecom_system_label(),
            "states": dict(self.env["telecom.sync.request"]._fields[
                "state"]._description_selection(self.env)),
            "dates": {},
        }

    @api.multi
    def _telecom_detail(self, drift, row, line_name, update_name, context):
        """The sentence of one difference (``row``: the values of its audit
        line; the names of its line and MAJ; ``context``: see
        ``_telecom_detail_context``), in the language of the context."""
        erp, remote = drift.erp, drift.remote or {}
        day = row["date"]
        if day and day not in context["dates"]:
            context["dates"][day] = format_date(
                self.env, fields.Date.to_string(day))
        values = {
            "system": context["system"],
            "line": line_name or remote.get("remote_line_id") or "?",
            "update": update_name or "",
            "reference": row["reference"] or "",
            "remote_ref": row["remote_ref"] or "",
            "product": (erp.product_code if erp else "") or "",
            "quantity": "%g" % (erp.quantity or 0.0) if erp else "",
            "remote_product": remote.get("product_code") or "",
            "remote_quantity": "%g" % (remote.get("quantity") or 0.0),
            "date": context["dates"].get(day, ""),
            "state": context["states"].get(erp.request_state, "")
            if erp else "",
        }
        reason = drift.reason
        if reason == compare.MISSING:
            text = _("%(system)s has no option for %(update)s of the "
                     "line %(line)s (%(quantity)s × %(product)s, our "
                     "reference %(reference)s), which the ERP recorded as "
                     "applied there on %(date)s.")
        elif reason == compare.CANCELLED_REMOTE:
            text = _("%(system)s holds the option %(remote_ref)s of "
                     "%(update)s of the line %(line)s as cancelled, while "
                     "the ERP recorded it as applied on %(date)s and never "
                     "cancelled it.")
        elif reason == compare.FOREIGN:
            text = _("%(system)s holds an option that the ERP never sent: "
                     "%(remote_quantity)s × %(remote_product)s on the line "
                     "%(line)s (its reference %(remote_ref)s, applied on "
                     "%(date)s), without a reference of ours.")
        elif reason == compare.UNKNOWN_REFERENCE:
            text = _("%(system)s holds an option that the ERP never sent: "
                     "%(remote_quantity)s × %(remote_product)s on the line "
                     "%(line)s (its reference %(remote_ref)s, applied on "
                     "%(date)s) with the reference %(reference)s, which is "
                     "none of this connection's requests.")
        elif reason == compare.NEVER_APPLIED:
            text = _("%(system)s holds the option %(remote_ref)s of "
                     "%(update)s of the line %(line)s (%(remote_quantity)s × "
                     "%(remote_product)s), while the ERP recorded its "
                     "request as \"%(state)s\": never applied.")
        elif reason == compare.DUPLICATE:
            text = _("%(system)s holds a second option %(remote_ref)s for "
                     "%(update)s of the line %(line)s with the same "
                     "reference of ours (%(reference)s): the top-up is "
                     "applied twice there.")
        elif reason == compare.CANCELLED_LOCAL:
            text = _("The ERP cancelled the option of %(update)s of "
                     "the line %(line)s (a reversal), but %(system)s still "
                     "holds it as active (its reference %(remote_ref)s).")
        else:
            text = _("%(system)s holds %(remote_quantity)s × "
                     "%(remote_product)s for %(update)s of the line "
                     "%(line)s (its reference %(remote_ref)s), while the ERP "
                     "recorded %(quantity)s × %(product)s.")
        return text % values

    @api.multi
    def _telecom_post_result(self, rows, elapsed, author=None):
        """Tell what the audit found (``rows``: its lines' values, see
        ``_telecom_create_lines``): on the audit, on the chatter of each
        line concerned and, for a nightly audit with differences, in an
        activity for the connection's responsible."""
        self.ensure_one()
        by_kind = defaultdict(int)
        for row in rows:
            by_kind[row["kind"]] += 1
        kinds = dict(self.env["telecom.sync.audit.line"]._fields[
            "kind"]._description_selection(self.env))
        # Outside the generator below: _() reads the language from its
        # caller's frame.
        count_of_kind = _("%(kind)s: %(count)d")
        if rows:
            summary = _("%(count)d difference(s) with %(system)s: "
                        "%(kinds)s.") % {
                "count": len(rows),
                "system": self.backend_id._telecom_system_label(),
                "kinds": ", ".join(count_of_kind % {
                    "kind": kinds[kind], "count": by_kind[kind]}
                    for kind, _label in KINDS if by_kind[kind])}
        else:
            summary = _("No difference with %s.") % \
                self.backend_id._telecom_system_label()
        self.message_post(body=_(
            "%(summary)s %(remote)d option(s) listed by the system "
            "(%(remote_cancelled)d cancelled), %(local)d recorded by the "
            "ERP (%(local_cancelled)d cancelled), compared in %(seconds).1f "
            "s.") % {
                "summary": summary, "remote": self.remote_count,
                "remote_cancelled": self.remote_cancelled_count,
                "local": self.local_count,
                "local_cancelled": self.local_cancelled_count,
                "seconds": elapsed}, subtype="mail.mt_note",
            author_id=author.id if author else None)
        noted = [row for row in rows if row["line_id"]]
        if len({row["line_id"] for row in noted}) <= LOG_INLINE:
            self.env["telecom.sync.audit.line"]._telecom_log_rows(
                self.name, noted)
        else:
            self.env["telecom.sync.audit.line"].browse(
                [row["id"] for row in noted]).with_delay(description=_(
                    "Note the differences of the audit %s in their lines' "
                    "chatter") % self.name)._telecom_job_log_on_lines()
        if self.origin == "cron" and rows:
            self._telecom_schedule_activity(_(
                "%(system)s: %(count)d difference(s) found by the audit "
                "%(audit)s") % {
                    "system": self.backend_id._telecom_system_label(),
                    "count": len(rows), "audit": self.name}, summary)
        return True

    @api.multi
    def _telecom_schedule_activity(self, summary, note):
        """An activity on this audit for the connection's responsible (none
        without one). Returns True."""
        self.ensure_one()
        user = self.backend_id.user_id
        # A nightly audit failing again: its activity is there already.
        if user and not self.activity_ids:
            self.env["mail.activity"].sudo().create({
                "res_model_id": self.env["ir.model"]._get(self._name).id,
                "res_id": self.id,
                "activity_type_id": self.env.ref(
                    "telecom_snaic_cfast.mail_activity_type_sync_drift").id,
                "summary": summary,
                "note": html_escape(note),
                "user_id": user.id,
                "date_deadline": fields.Date.context_today(self),
            })
        return True

    # ------------------------------------------------------------------
    # Nightly
    # ------------------------------------------------------------------
    @api.model
    def _cron_audit_yesterday(self):
        """Scheduled action: audit yesterday (in the time zone of the
        connection's responsible, else UTC) for every active connection,
        unless an audit that ran already covers that day; run again the
        nightly audits of the last RETRY_DAYS days that failed (the system
        was down), unless another audit covered their day since. One
        connection that fails does not stop the others. Returns True."""
        Audit = self.sudo()
        Backend = self.env["telecom.api.backend"].sudo()
        for backend in Backend.search([("active", "=", True)]):
            tz = backend.user_id.tz or "UTC"
            day = self._telecom_yesterday(tz)
            since = fields.Date.to_string(fields.Date.from_string(day) -
                                          timedelta(days=RETRY_DAYS - 1))

            def covered(date, backend=backend):
                return Audit.search_count([
                    ("backend_id", "=", backend.id), ("state", "=", "done"),
                    ("date_from", "<=", date), ("date_to", ">=", date)])

            todo = Audit.search([
                ("backend_id", "=", backend.id), ("origin", "=", "cron"),
                ("state", "=", "failed"), ("date_from", ">=", since)],
                order="date_from").filtered(
                    lambda audit: not covered(audit.date_from))
            if not covered(day) and day not in todo.mapped("date_from"):
                todo |= Audit.create({
                    "backend_id": backend.id, "date_from": day,
                    "date_to": day, "tz": tz, "origin": "cron"})
            for audit in todo:
                try:
                    with self.env.cr.savepoint():
                        audit._telecom_run()
                except Exception:  # one audit must not stop the others
                    _logger.exception("audit %s of %s", audit.name,
                                      backend.name)
        return True


class TelecomSyncAuditLine(models.Model):
    """One difference found by an audit, and what was done about it."""

    _name = "telecom.sync.audit.line"
    _description = "SNAIC/CFAST Drift"
    _order = "audit_id desc, id"
    _rec_name = "detail"

    audit_id = fields.Many2one(
        comodel_name="telecom.sync.audit", required=True,
        readonly=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        selection=KINDS, required=True, readonly=True, index=True,
        help="Missing in the system: the ERP says applied, the system has "
             "nothing (repush it). Unknown to the ERP: the system has an "
             "option the ERP never sent. Mismatch: both have it, but the "
             "product or the quantity differ, or the ERP cancelled it and "
             "the system did not.")
    system = fields.Selection(selection=SYSTEMS, readonly=True, index=True)
    company_id = fields.Many2one(
        comodel_name="res.company", readonly=True, index=True)
    backend_id = fields.Many2one(
        related="audit_id.backend_id", string="Connection", readonly=True)
    line_id = fields.Many2one(
        comodel_name="telecom.line", readonly=True,
        index=True, ondelete="set null")
    update_id = fields.Many2one(
        comodel_name="telecom.line.update", string="MAJ", readonly=True,
        ondelete="set null")
    request_id = fields.Many2one(
        comodel_name="telecom.sync.request",
        readonly=True, ondelete="set null", index=True)
    option_id = fields.Many2one(
        comodel_name="telecom.line.update.option", string="MAJ Option",
        readonly=True, ondelete="set null")
    reference = fields.Char(string="Our Reference", readonly=True)
    remote_ref = fields.Char(string="Remote Reference", readonly=True)
    date = fields.Date(
        string="Applied On", readonly=True,
        help="When the option was applied: as the ERP recorded it, or as "
             "the system lists it.")
    detail = fields.Text(readonly=True)
    state = fields.Selection(
        selection=LINE_STATES, default="open", required=True, readonly=True,
        index=True)
    note = fields.Text(
        help="Why the difference is accepted (required to acknowledge it).")
    repush_request_id = fields.Many2one(
        comodel_name="telecom.sync.request", string="Repush",
        readonly=True, ondelete="set null",
        help="The request that applies the missing option again.")
    acknowledged_uid = fields.Many2one(
        comodel_name="res.users", string="Acknowledged By", readonly=True)
    acknowledged_date = fields.Datetime(string="Acknowledged On",
                                        readonly=True)

    @api.multi
    def write(self, vals):
        if self.env.uid != SUPERUSER_ID and set(vals) - {"note"}:
            raise AccessError(_(
                "A difference found by an audit changes only through its "
                "buttons (Repush, Acknowledge); only its note is edited."))
        return super(TelecomSyncAuditLine, self).write(vals)

    @api.multi
    def action_repush(self):
        """Apply again, in the system, the option of these "missing in the
        system" differences, once: a new request under a new key derived
        from the original's (the system may remember the old one). A
        difference repushed already is left as it is. Returns True."""
        self.env["telecom.sync.audit"]._telecom_check_manager()
        self.check_access_rule("read")
        wrong = self.filtered(lambda line: line.kind != "missing_remote")
        if wrong:
            raise UserError(_(
                "Only an option missing in the system can be pushed again: "
                "\"%s\" is not. Acknowledge it with a note instead.") %
                wrong[0].detail)
        for line in self:
            # Two clicks at once: the second waits for the first and finds
            # the difference repushed.
            self.env.cr.execute(
                "SELECT state FROM telecom_sync_audit_line WHERE id = %s "
                "FOR UPDATE", (line.id,))
            line.invalidate_cache(["state", "repush_request_id"], line.ids)
            if line.state != "open":
                continue
            if not (line.request_id and line.option_id):
                raise UserError(_(
                    "The difference \"%s\" no longer has its request or its "
                    "MAJ option: it cannot be pushed again.") % line.detail)
            # Re-sent already (from another audit of the same period): the
            # same re-send, never a second one.
            repush = line.request_id.sudo().repush_ids.filtered(
                lambda r, option=line.option_id:
                r.repush_option_id == option)[:1]
            if not repush:
                repush = line.request_id._telecom_repush(line.option_id)
            line.sudo().write({"state": "repushed",
                               "repush_request_id": repush.id})
        return True

    @api.multi
    def action_acknowledge(self):
        """Accept these differences (unknown to the ERP, mismatch) with the
        note that says why. Returns True."""
        self.env["telecom.sync.audit"]._telecom_check_manager()
        self.check_access_rule("read")
        for line in self:
            if line.kind == "missing_remote":
                raise UserError(_(
                    "An option missing in the system is repaired with "
                    "Repush, not acknowledged: \"%s\".") % line.detail)
            if not (line.note or "").strip():
                raise UserError(_(
                    "Write in the note why the difference \"%s\" is "
                    "accepted, then acknowledge it.") % line.detail)
            if line.state != "open":
                raise UserError(_(
                    "The difference \"%s\" is no longer open.") % line.detail)
        self.sudo().write({"state": "acknowledged",
                           "acknowledged_uid": self.env.uid,
                           "acknowledged_date": fields.Datetime.now()})
        return True

    @api.model
    def _telecom_log_rows(self, audit_name, rows):
        """Say in each line's chatter what the audit ``audit_name`` found on
        it (``rows``: dicts with ``line_id`` and ``detail``), one note per
        line. Returns True."""
        by_line = defaultdict(list)
        for row in rows:
            if row["line_id"]:
                by_line[row["line_id"]].append(row["detail"])
        text = _("Audit %(audit)s: %(detail)s")
        return self.env["telecom.line"]._telecom_log_many([
            (line_id, "\n".join(text % {"audit": audit_name, "detail": detail}
                                for detail in details))
            for line_id, details in by_line.items()])

    @api.multi
    def _telecom_log_on_lines(self):
        """Say in each line's chatter what the audit found on it (one note
        per line). Returns True."""
        for audit in self.mapped("audit_id"):
            self._telecom_log_rows(audit.name, [
                {"line_id": diff.line_id.id, "detail": diff.detail}
                for diff in self if diff.audit_id == audit])
        return True

    @job(default_channel="root.telecom_log")
    @api.multi
    def _telecom_job_log_on_lines(self):
        """Job: the chatter notes of many differences."""
        self._telecom_log_on_lines()
        return _("%d difference(s) noted in their lines' chatter") % len(self)

