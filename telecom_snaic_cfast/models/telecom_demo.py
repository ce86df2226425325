# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data only: the outcomes of pushes that the demo database shows.

No push runs while the addons are installed (and the simulators of
``make demo`` start empty), so the demo data
(``demo/telecom_snaic_cfast_demo.xml``) writes on the sync requests of its
done deployments the outcome a first push would have given, with the
messages and the activity a push leaves. It only writes fields and posts
messages: the sync engine (``telecom_sync_request.py``) is not involved.
"""
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.tools import html_escape
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
