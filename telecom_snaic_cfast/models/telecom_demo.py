# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data only: the outcomes of pushes that the demo database shows.

No push runs while the addons are installed, so the demo data
(``demo/telecom_snaic_cfast_demo.xml``) writes on the sync requests of its
done deployments the outcome a first push would have given, with the
messages and the activity a push leaves. It only writes fields and posts
messages: the sync engine (``telecom_sync_request.py``) is not involved.
The simulators of ``make demo`` start empty: ``scripts/demo.sh`` then
calls ``telecom.api.backend.telecom_demo_fill_simulators()``, which gives
them the options these requests say were applied, and a little drift.
"""
from datetime import datetime, timedelta
from decimal import Decimal

import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_repr, html_escape
from odoo.addons.telecom_parc.tools.lang import stored_lang

from ..clients import PermanentError, RetryableError
from .telecom_api_backend import SYSTEMS

# The demo's retry after a maintenance answer: one hour, so that the request
# is still pending when the demo starts (the push cron takes it after that).
DEMO_RETRY_AFTER = 3600


# One model, one file per concern (see telecom_sync_request.py).
class TelecomSyncRequest(models.Model):
    _inherit = "telecom.sync.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _telecom_demo_settle(self, deployment_ids, outcomes):
        """Demo data only: give the sync requests of the done deployments
        ``deployment_ids`` the outcome of a first push, per system
        (``outcomes``, e.g. ``{"snaic": "done", "cfast": "error"}``):

        * ``done``: applied, with the system's remote references;
        * ``error``: the line is unknown to the system (not retried; an
          activity for the connection's responsible);
        * ``pending``: the system answered 503 (maintenance) and asked to
          come back in an hour.

        MAJ made before this addon was installed get their requests first.
        Requests already attempted are left as they are. The texts are
        written in the language of the deployments' company (else of
        their responsible), as a push writes them. Returns True."""
        deployments = self.env["telecom.deployment"].sudo().browse(
            deployment_ids)
        lang = stored_lang(self.env, deployments[:1].company_id,
                           deployments[:1].user_id or self.env.user)
        if self.env.lang != lang:
            return self.with_context(lang=lang)._telecom_demo_settle(
                deployment_ids, outcomes)
        updates = deployments.mapped("update_ids").filtered(
            lambda update: not update.sync_request_ids)
        self._telecom_create_for_updates(updates)
        requests = self.sudo().with_context(tracking_disable=True).search([
            ("deployment_id", "in", deployments.ids),
            ("state", "=", "pending"), ("attempt_count", "=", 0)],
            order="id")
        now = datetime.utcnow()
        labels = dict(SYSTEMS)
        applied, failed = [], []
        for request in requests:
            label = labels[request.system]
            options = request.update_id.option_ids.sorted("id")
            vals = {"attempt_count": 1,
                    "sent_at": fields.Datetime.to_string(now)}
            outcome = outcomes.get(request.system)
            if outcome == "done":
                vals.update({
                    "state": "done",
                    "date_done": fields.Datetime.to_string(now),
                    "remote_ref": ", ".join(
                        self._telecom_demo_remote_ref(request.system, option)
                        for option in options)})
                request.write(vals)
                applied.append(request)
            elif outcome == "error":
                backend = request.backend_id
                line = request.line_id
                vals.update({
                    "state": "error", "error_kind": "missing_id",
                    "last_error": self._telecom_error_text(
                        PermanentError("unknown line", system=label,
                                       status=404, code="telecom_missing_id"),
                        label, line=line.name, backend=backend.name)})
                request.write(vals)
                failed.append(request)
                line.message_post(
                    body=html_escape(_("%(system)s error: %(error)s") % {
                        "system": label,
                        "error": request.last_error}),
                    subtype="mail.mt_note")
            elif outcome == "pending":
                vals.update({
                    "state": "pending",
                    "next_attempt_at": fields.Datetime.to_string(
                        now + timedelta(seconds=DEMO_RETRY_AFTER)),
                    "last_error": self._telecom_error_text(
                        RetryableError("maintenance", system=label,
                                       status=503,
                                       retry_after=DEMO_RETRY_AFTER),
                        label, line=request.line_id.name,
                        backend=request.backend_id.name, final=False)})
                request.write(vals)
        for deployment in deployments:
            self._telecom_demo_summary(
                deployment,
                [r for r in applied if r.deployment_id == deployment],
                [r for r in failed if r.deployment_id == deployment])
        return True

    @api.model
    def _telecom_demo_remote_ref(self, system, option):
        # The formats of the simulated systems (simulator/sim.py), in a
        # range of their own.
        if system == "snaic":
            return "OP-%d" % (9000 + option.id)
        return "CF-%06d" % (900000 + option.id)

    @api.model
    def _telecom_demo_summary(self, deployment, applied, failed):
        """The chatter summary of a push run on ``deployment``, and the
        activity of its errors for the connection's responsible."""
        body = []
        for system, label in SYSTEMS:
            done = [r for r in applied if r.system == system]
            errors = [r for r in failed if r.system == system]
            if done:
                body.append(_("Applied in %(system)s: %(count)d line(s): "
                              "%(lines)s%(more)s") % {
                    "system": label,
                    "count": len(done),
                    "lines": ", ".join(
                        "%s → %s" % (r.line_id.name, r.remote_ref)
                        for r in done),
                    "more": ""})
            if errors:
                body.append(_("%(system)s error on %(count)d line(s):") % {
                    "system": label,
                    "count": len(errors)})
                line_error = _("%(line)s: %(error)s")
                body.extend(line_error % {
                    "line": r.line_id.name, "error": r.last_error}
                    for r in errors)
        if body:
            deployment.message_post(
                body="<br/>".join(html_escape(part) for part in body),
                subtype="mail.mt_note")
        if failed:
            user = failed[0].backend_id.user_id or deployment.user_id
            sentence = _("%(system)s / %(line)s: %(error)s")
            self.env["mail.activity"].sudo().create({
                "res_model_id": self.env["ir.model"]._get(
                    deployment._name).id,
                "res_id": deployment.id,
                "activity_type_id": self.env.ref(
                    "telecom_snaic_cfast.mail_activity_type_sync_error").id,
                "summary": _("SNAIC/CFAST: %d line(s) in error") % len(
                    failed),
                "note": "<br/>".join(html_escape(sentence % {
                    "system": dict(SYSTEMS)[r.system],
                    "line": r.line_id.name, "error": r.last_error})
                    for r in failed),
                "user_id": user.id,
                "date_deadline": fields.Date.context_today(self),
            })


def _sim_time(value):
    """An Odoo UTC datetime (string or datetime) as the simulator's
    2026-12-01T10:00:00Z."""
    if isinstance(value, str):
        value = fields.Datetime.from_string(value)
    return value.replace(microsecond=0).isoformat() + "Z"


class TelecomApiBackend(models.Model):
    _inherit = "telecom.api.backend"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def telecom_demo_fill_simulators(self):
        """Demo only (``make demo`` calls it when it starts the simulators):
        give the simulator of each active connection the options that the
        done apply requests of that connection say were applied (one call
        per connection: phone, product, quantity, price, effective date,
        our per-option reference and key, the remote reference recorded,
        applied when the request was done, cancelled when a done cancel
        exists for it), then stage one drift of each kind for the audit,
        always the same ones (options in the order of their request, then
        of the option):

        * missing_remote: the first applied option not cancelled is
          forgotten (``/_sim/forget``: lost, its key still known);
        * mismatch: the second one is forgotten and injected again with
          the same reference and remote reference, quantity + 1;
        * unknown_local: an option without our reference on the line of
          the first one, applied now.

        Options whose reference the simulator has already (a push applied
        them meanwhile) are not sent again. Then each connection filled is
        audited over the days of its done requests, so that the demo shows
        an audit and its three differences. Administrators (Settings)
        only. Returns True."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_(
                "Only administrators (Settings) can fill the SNAIC/CFAST "
                "simulators with the demo's applied options."))
        for backend in self.sudo().search([("active", "=", True)],
                                          order="id"):
            if backend._telecom_demo_fill():
                backend._telecom_demo_audit()
        return True

    @api.multi
    def _telecom_demo_audit(self):
        """Run an audit of this connection over the days of its done
        requests, up to today: what a new user of the demo finds under
        Deployments > Audits, with the drift just staged. Returns the
        audit."""
        self.ensure_one()
        self.env.cr.execute("""
            SELECT min(date_done) FROM telecom_sync_request
             WHERE backend_id = %s AND state = 'done'""", (self.id,))
        first = self.env.cr.fetchone()[0]
        Audit = self.env["telecom.sync.audit"].sudo()
        tz = self.user_id.tz or "UTC"
        today = Audit._telecom_yesterday(tz)
        today = fields.Date.to_string(
            fields.Date.from_string(today) + timedelta(days=1))
        date_from = fields.Date.to_string(first) if first and not \
            isinstance(first, str) else (first or today)[:10]
        audit = Audit.create({
            "backend_id": self.id, "tz": tz,
            "date_from": min(date_from, today), "date_to": today})
        audit._telecom_run()
        return audit

    @api.multi
    def _telecom_demo_options(self):
        """The options the done apply requests of this connection applied,
        as /_sim/inject objects, in the order of their request then id."""
        self.ensure_one()
        Request = self.env["telecom.sync.request"].sudo()
        applies = Request.search([
            ("backend_id", "=", self.id), ("operation", "=", "apply"),
            ("state", "=", "done")], order="id")
        cancelled = {}
        for cancel in Request.search([
                ("backend_id", "=", self.id), ("operation", "=", "cancel"),
                ("state", "=", "done"),
                ("cancelled_request_id", "in", applies.ids)], order="id"):
            cancelled.setdefault(cancel.cancelled_request_id.id,
                                 cancel.date_done or cancel.write_date)
        items = []
        for request in applies:
            refs = [ref.strip() for ref in (request.remote_ref or "").split(
                ",") if ref.strip()]
            update = request.update_id
            options = update.option_ids.sorted("id")
            # A repush (when the engine has them) re-applies one option.
            if "repush_option_id" in request._fields and \
                    request.repush_option_id:
                options = request.repush_option_id
            effective = update.date_activation or update.date
            for index, option in enumerate(options):
                digits = option.currency_id.decimal_places \
                    if option.currency_id else 2
                quantity = option.quantity
                item = {
                    "phone_number": request.line_id.phone_number,
                    "product_code": option.default_code or "",
                    "quantity": int(quantity) if float(
                        quantity).is_integer() else quantity,
                    "unit_price": str(Decimal(float_repr(
                        option.price_unit or 0.0, digits))),
                    "effective_date": fields.Date.to_string(effective)
                    if effective and not isinstance(effective, str)
                    else effective or None,
                    "reference": "%s-%s" % (request.reference, option.id),
                    "idempotency_key": "%s-%s" % (
                        request.idempotency_key, option.id),
                    "remote_ref": refs[index] if index < len(refs) else None,
                    "applied_at": _sim_time(
                        request.date_done or request.write_date),
                }
                if request.id in cancelled:
                    item.update(cancelled=True,
                                cancelled_at=_sim_time(cancelled[request.id]))
                items.append(item)
        return items

    @api.multi
    def _telecom_demo_fill(self):
        """Fill the simulator of this connection (see
        ``telecom_demo_fill_simulators``)."""
        self.ensure_one()
        present = {entry["reference"] for entry in self._telecom_demo_sim(
            "GET", "applied")["applied"]}
        todo = [item for item in self._telecom_demo_options()
                if item["reference"] not in present]
        if not todo:
            return False
        self._telecom_demo_sim("POST", "inject", {"options": todo})
        live = [item for item in todo if not item.get("cancelled")]
        staged = []
        if live:
            self._telecom_demo_sim("POST", "forget", {
                "idempotency_key": live[0]["idempotency_key"]})
        if len(live) > 1:
            self._telecom_demo_sim("POST", "forget", {
                "idempotency_key": live[1]["idempotency_key"]})
            changed = dict(live[1], quantity=live[1]["quantity"] + 1)
            del changed["idempotency_key"]
            staged.append(changed)
        first = (live or todo)[0]
        staged.append({
            "phone_number": first["phone_number"],
            "product_code": first["product_code"],
            "quantity": 1, "unit_price": first["unit_price"],
            "effective_date": first["effective_date"]})
        self._telecom_demo_sim("POST", "inject", {"options": staged})
        return True

    @api.multi
    def _telecom_demo_sim(self, method, what, payload=None):
        """One call of the simulator's test endpoint ``/_sim/<what>``."""
        self.ensure_one()
        url = (self._telecom_url() or "").rstrip("/")
        try:
            response = requests.request(
                method, "%s/_sim/%s" % (url, what), json=payload, timeout=30)
        except requests.exceptions.RequestException:
            raise UserError(_(
                "The simulator of the connection %(backend)s does not answer "
                "at %(url)s: start it (make demo) and try again.") % {
                    "backend": self.name, "url": url})
        if response.status_code != 200:
            raise UserError(_(
                "The simulator of the connection %(backend)s at %(url)s "
                "refused the demo's options (HTTP %(status)s: %(error)s): "
                "it holds them already, or it is not a simulator. Restart "
                "the simulators (make stop, then make demo) to fill them "
                "again.") % {
                    "backend": self.name, "url": url,
                    "status": response.status_code,
                    "error": response.text[:200]})
        return response.json()
