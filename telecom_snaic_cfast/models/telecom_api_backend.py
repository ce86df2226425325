# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re
import time

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.addons.telecom_parc.tools.access import (check_company_reachable,
                                                   check_still_writable)
from odoo.addons.telecom_parc.tools.lang import stored_lang

from ..clients import ApiError, make_client
from ..clients.base import mask_url

_logger = logging.getLogger(__name__)

SYSTEMS = [("snaic", "SNAIC"), ("cfast", "CFAST")]
SECRET_FIELDS = ("token",)
# Where the token is sent: set by administrators only.
URL_FIELDS = ("base_url", "system")
_TOKEN_IN_TEXT = re.compile(r"""(['"]token['"]\s*:\s*)(['"])(?:\\.|(?!\2).)*\2""")


class _SecretArgumentsFilter(logging.Filter):
    """With DEBUG logging, Odoo 11 logs the arguments of every RPC call
    (``odoo.api``, ``odoo.http.rpc.request``): an administrator saving a
    token would write it to the log. This filter masks the value of any
    ``'token': ...`` in those lines; it changes nothing else."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to judge
            return True
        if "token" in message:
            masked = _TOKEN_IN_TEXT.sub(r"\1'***'", message)
            if masked != message:
                record.msg, record.args = "%s", (masked,)
        return True


for _name in ("odoo.api", "odoo.http.rpc.request", "odoo.http.rpc.response"):
    _logger_obj = logging.getLogger(_name)
    if not any(isinstance(f, _SecretArgumentsFilter) for f in _logger_obj.filters):
        _logger_obj.addFilter(_SecretArgumentsFilter())


class TelecomApiBackend(models.Model):
    """The connection to one external system (SNAIC or CFAST) for a company:
    where it is, how to authenticate, how long to wait and how often to
    retry. It builds the API client; business models never call HTTP
    themselves.

    The URL and the token may also come from the Odoo configuration file
    (``telecom_snaic_url``, ``telecom_snaic_token``, ``telecom_cfast_url``,
    ``telecom_cfast_token``), which then wins over the fields, so that
    production secrets stay out of the database.
    """

    _name = "telecom.api.backend"
    _description = "SNAIC/CFAST Connection"
    _order = "company_id, system"

    name = fields.Char(required=True)
    system = fields.Selection(selection=SYSTEMS, required=True)
    base_url = fields.Char(
        string="URL",
        help="Root URL of the API, e.g. https://api.snaic.example. "
             "Overridden by telecom_<system>_url in the Odoo configuration "
             "file when it is set there.")
    token = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Bearer token of the API. Overridden by telecom_<system>_token "
             "in the Odoo configuration file when it is set there.")
    token_set = fields.Boolean(
        compute="_compute_config_source",
        help="A token is configured (in this form or in the configuration "
             "file).")
    url_from_config = fields.Boolean(
        string="URL from Configuration File",
        compute="_compute_config_source")
    token_from_config = fields.Boolean(
        string="Token from Configuration File",
        compute="_compute_config_source")
    timeout_connect = fields.Float(
        string="Connection Timeout (s)", default=3.05, required=True)
    timeout = fields.Float(
        string="Answer Timeout (s)", default=30.0, required=True,
        help="Seconds to wait for an answer once a request is sent. When it "
             "runs out the outcome is unknown and the request is read back "
             "before any resend.")
    max_attempts = fields.Integer(
        string="Maximum Attempts", default=8, required=True,
        help="After this many failed attempts a request shows an error "
             "instead of being retried. Answers \"too many requests\" (429) "
             "are waits, not attempts, up to three times this number.")
    retry_delay = fields.Integer(
        string="First Retry Delay (s)", default=30, required=True,
        help="Delay before the first retry; it doubles at each attempt "
             "(with some jitter), up to the maximum delay.")
    retry_delay_max = fields.Integer(
        string="Maximum Retry Delay (s)", default=3600, required=True,
        help="The longest wait before a retry, also when the system asks "
             "for a longer one (Retry-After).")
    pool_size = fields.Integer(
        string="Concurrent Requests", default=4, required=True,
        help="The most calls this system accepts at the same time: as many "
             "jobs push to it at once.")
    batch_size = fields.Integer(
        default=50, required=True,
        help="Requests a job takes at once, then sends one after the other.")
    user_id = fields.Many2one(
        comodel_name="res.users", string="Responsible",
        help="Receives an activity when a request fails for good. Empty: "
             "the responsible of the deployment.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "telecom.api.backend"))
    connection_state = fields.Selection(
        selection=[("untested", "Not Tested"), ("ok", "Connected"),
                   ("error", "Failed")],
        string="Connection", default="untested", readonly=True, copy=False)
    connection_message = fields.Text(
        string="Connection Test", readonly=True, copy=False)
    connection_date = fields.Datetime(
        string="Tested On", readonly=True, copy=False)

    audit_ids = fields.One2many(
        comodel_name="telecom.sync.audit", inverse_name="backend_id",
        string="Audits", readonly=True)

    # ------------------------------------------------------------------
    # The token: administrators only
    # ------------------------------------------------------------------
    # Odoo 11 enforces a field's ``groups`` on read only: searching, grouping,
    # ordering or exporting on the token would reveal it to anybody who can
    # read the connections. These overrides close those paths.
    @api.model
    def _telecom_can_see_secrets(self):
        return self.env.uid == SUPERUSER_ID or \
            self.env.user.has_group("base.group_system")

    @api.model
    def _telecom_check_secret_names(self, names):
        names = {str(name).split(":")[0].split(".")[0].split(" ")[0]
                 for name in names or [] if name}
        if names & set(SECRET_FIELDS) and not self._telecom_can_see_secrets():
            raise AccessError(_(
                "Only administrators may use the token of a SNAIC/CFAST "
                "connection."))

    @api.model
    def _where_calc(self, domain, active_test=True):
        self._telecom_check_secret_names(
            leaf[0] for leaf in domain or [] if expression.is_leaf(leaf)
            and not isinstance(leaf, str))
        return super(TelecomApiBackend, self)._where_calc(
            domain, active_test=active_test)

    @api.model
    def _generate_order_by(self, order_spec, query):
        self._telecom_check_secret_names(
            (order_spec or "").replace(",", " ").split())
        return super(TelecomApiBackend, self)._generate_order_by(
            order_spec, query)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        self._telecom_check_secret_names(list(fields or []) + (
            [groupby] if isinstance(groupby, str) else list(groupby or [])))
        return super(TelecomApiBackend, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit,
            orderby=orderby, lazy=lazy)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        self._telecom_check_secret_names(
            name.replace("/", ".") for name in fields_to_export)
        return super(TelecomApiBackend, self).export_data(
            fields_to_export, raw_data=raw_data)

    # ------------------------------------------------------------------
    # The URL: administrators only. The connection sends its token there,
    # so whoever sets it could collect the token (a Telecom Manager manages
    # connections but does not see tokens).
    # ------------------------------------------------------------------
    @api.model
    def _telecom_check_url_vals(self, vals, creating=False):
        guarded = set(URL_FIELDS if not creating else ("base_url",))
        if not guarded & set(vals or {}) or self._telecom_can_see_secrets():
            return
        if creating and not vals.get("base_url"):
            return
        raise AccessError(_(
            "Only administrators (Settings) can set the URL or the system of "
            "a SNAIC/CFAST connection: the connection sends its token there. "
            "Ask an administrator to set it."))

    @api.multi
    def _telecom_check_no_unknown_outcome(self):
        """Refuse to move a connection while some of its requests may have
        been applied where it points now: read back on another URL, they
        would be found "not applied" and applied a second time there."""
        Request = self.env["telecom.sync.request"].sudo()
        for backend in self:
            count = Request.search_count([
                ("backend_id", "=", backend.id),
                ("state", "in", ("sent", "unknown"))])
            if count:
                raise UserError(_(
                    "The connection \"%(name)s\" has %(count)d request(s) being "
                    "sent or whose outcome is unknown: they must be read back "
                    "where they were sent before its URL or system changes. "
                    "Wait for the read-back (or use Retry on them), then "
                    "change it.") % {"name": backend.name, "count": count})

    @api.model
    def create(self, vals):
        self._telecom_check_url_vals(vals, creating=True)
        check_company_reachable(self.env, vals.get("company_id"))
        backend = super(TelecomApiBackend, self).create(vals)
        backend._telecom_adopt_waiting_requests()
        return backend

    @api.multi
    def write(self, vals):
        changed = {name for name in URL_FIELDS if name in vals and any(
            backend[name] != vals[name] for backend in self)}
        self._telecom_check_url_vals(dict.fromkeys(changed))
        if changed:
            self._telecom_check_no_unknown_outcome()
        if "company_id" in vals:
            check_company_reachable(self.env, vals["company_id"])
            moved = self.filtered(lambda b: b.company_id.id != vals["company_id"])
            if moved and self.env["telecom.sync.request"].sudo().search_count(
                    [("backend_id", "in", moved.ids)]):
                raise UserError(_(
                    "The connection \"%s\" has sent requests of its company: "
                    "it cannot move to another company. Create a connection "
                    "in that company instead.") % moved[0].name)
        res = super(TelecomApiBackend, self).write(vals)
        if "company_id" in vals:
            check_still_writable(self)
        if vals.get("active") or "company_id" in vals or "system" in vals:
            self._telecom_adopt_waiting_requests()
        return res

    @api.depends("system", "base_url")
    def _compute_config_source(self):
        for backend in self:
            backend.url_from_config = bool(backend._telecom_config("url"))
            backend.token_from_config = bool(backend._telecom_config("token"))
            backend.token_set = bool(backend._telecom_token())

    @api.constrains("system", "company_id", "active")
    def _check_one_active_per_company(self):
        for backend in self.filtered("active"):
            other = self.with_context(active_test=False).search([
                ("id", "!=", backend.id), ("system", "=", backend.system),
                ("company_id", "=", backend.company_id.id),
                ("active", "=", True)], limit=1)
            if other:
                raise ValidationError(_(
                    "The company %(company)s already has an active "
                    "%(system)s connection (\"%(other)s\"). Archive it "
                    "before activating \"%(backend)s\".") % {
                        "company": backend.company_id.name,
                        "system": backend._telecom_system_label(),
                        "other": other.name,
                        "backend": backend.name})

    @api.constrains("timeout_connect", "timeout", "max_attempts",
                    "retry_delay", "retry_delay_max", "pool_size",
                    "batch_size")
    def _check_limits(self):
        for backend in self:
            if backend.timeout_connect <= 0 or backend.timeout <= 0:
                raise ValidationError(_(
                    "The timeouts of the connection \"%s\" must be more than "
                    "0 seconds.") % backend.name)
            if backend.max_attempts < 1 or backend.retry_delay < 0 or \
                    backend.retry_delay_max < backend.retry_delay:
                raise ValidationError(_(
                    "The retry settings of the connection \"%s\" are not "
                    "valid: at least 1 attempt, a first delay of 0 or more "
                    "and a maximum delay not below the first delay.") %
                    backend.name)
            if not 1 <= backend.pool_size <= 64 or backend.batch_size < 1:
                raise ValidationError(_(
                    "The connection \"%s\" needs between 1 and 64 concurrent "
                    "requests and a batch size of at least 1.") % backend.name)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_system_label(self):
        self.ensure_one()
        return dict(SYSTEMS)[self.system]

    @api.multi
    def _telecom_config(self, key):
        """The value of ``telecom_<system>_<key>`` in the Odoo configuration
        file, or None."""
        self.ensure_one()
        if not self.system:
            return None
        return tools.config.get("telecom_%s_%s" % (self.system, key)) or None

    @api.multi
    def _telecom_url(self):
        self.ensure_one()
        return self._telecom_config("url") or self.base_url

    @api.multi
    def _telecom_token(self):
        # The token field is for administrators only: read it as superuser,
        # only ever to hand it to the client, never to show it.
        self.ensure_one()
        return self._telecom_config("token") or self.sudo().token

    @api.multi
    def _telecom_client_settings(self):
        """Everything a client needs, as plain values (threads that call
        the API must not touch the ORM)."""
        self.ensure_one()
        return {
            "system": self.system,
            "base_url": self._telecom_url(),
            "token": self._telecom_token(),
            "timeout_connect": self.timeout_connect,
            "timeout_read": self.timeout,
            "pool_size": self.pool_size,
        }

    @api.model
    def _telecom_get(self, system, company):
        """The active backend of ``system`` for ``company`` (or an empty
        recordset)."""
        return self.sudo().search([
            ("system", "=", system), ("company_id", "=", company.id)],
            limit=1)

    @api.model
    def _telecom_get_for_requests(self, system, company):
        """The backend new requests of ``system`` for ``company`` go to: the
        active one, else the latest archived one (they wait for it to be
        activated), else an empty recordset (they wait for a connection)."""
        return self._telecom_get(system, company) or self.sudo().with_context(
            active_test=False).search([
                ("system", "=", system), ("company_id", "=", company.id)],
                order="id desc", limit=1)

    @api.multi
    def _telecom_adopt_waiting_requests(self):
        """Give these active connections the requests of their system and
        company that wait for one (none, or an archived one) and were never
        sent or failed before reaching the system (pending), and push them.
        Requests whose outcome is unknown stay where they were sent: they
        are read back there."""
        Request = self.env["telecom.sync.request"].sudo()
        adopted = Request.browse()
        for backend in self.sudo().filtered("active"):
            waiting = Request.search([
                ("system", "=", backend.system),
                ("company_id", "=", backend.company_id.id),
                ("state", "=", "pending"),
                "|", "|", ("backend_id", "=", False),
                ("backend_id.active", "=", False),
                ("backend_id", "=", backend.id)])
            others = waiting.filtered(lambda r: r.backend_id != backend)
            if others:
                others.write({"backend_id": backend.id})
            waiting.write({"next_attempt_at": False})
            adopted |= waiting
        adopted._telecom_enqueue_push()
        return adopted

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.multi
    def action_test_connection(self):
        """Call the system once with the URL and the token and store what
        happened, in plain words, on the connection. Returns True."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        # Written in the language of the company (else of the user).
        backend = self.with_context(lang=stored_lang(
            self.env, self.company_id))
        system = self._telecom_system_label()
        started = time.time()
        try:
            with make_client(**self._telecom_client_settings()) as client:
                client.ping()
            message = backend._telecom_connected_text(
                (time.time() - started) * 1000.0)
            state = "ok"
        except ApiError as exc:
            _logger.info("%s: connection test: %s", self.name, exc)
            message = backend.env["telecom.sync.request"]._telecom_error_text(
                exc, system, backend=self.name)
            state = "error"
        self.write({
            "connection_state": state,
            "connection_message": message,
            "connection_date": fields.Datetime.now(),
        })
        return True

    @api.multi
    def _telecom_connected_text(self, elapsed_ms):
        """The result of a connection test that passed, in the language of
        the context."""
        self.ensure_one()
        return _("Connected to %(system)s at %(url)s: the token is accepted "
                 "(%(ms)d ms).") % {
                     "system": self._telecom_system_label(),
                     "url": mask_url(self.base_url or ""),
                     "ms": round(elapsed_ms)}

    @api.multi
    def action_retry_errors(self):
        """Put back in the queue every request of this connection that is
        in error (e.g. after fixing the token), and push them. Returns
        True."""
        self.ensure_one()
        requests = self.env["telecom.sync.request"].search([
            ("backend_id", "=", self.id), ("state", "=", "error")])
        if not requests:
            raise UserError(_(
                "The connection \"%s\" has no request in error.") % self.name)
        return requests.action_retry()

    @api.multi
    def action_view_requests(self):
        """Open the sync requests of this connection."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_snaic_cfast.telecom_sync_request_action").read()[0]
        action["domain"] = [("backend_id", "=", self.id)]
        return action

    @api.multi
    def action_audit(self):
        """Open a new audit of this connection (yesterday by default), to
        run with its button. Returns the action."""
        self.ensure_one()
        self.env["telecom.sync.audit"]._telecom_check_manager()
        action = self.env.ref(
            "telecom_snaic_cfast.telecom_sync_audit_action").read()[0]
        action.update({
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_backend_id": self.id},
        })
        return action

    @api.multi
    def action_view_audits(self):
        """Open the audits of this connection."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_snaic_cfast.telecom_sync_audit_action").read()[0]
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action
