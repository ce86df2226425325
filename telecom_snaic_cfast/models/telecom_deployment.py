# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape
from odoo.addons.telecom_parc.tools.lang import stored_lang

from .telecom_api_backend import SYSTEMS
from .telecom_line_update import SYNC_STATES, aggregate_state

# Lines named in one chatter summary; the rest is counted.
SUMMARY_MAX_LINES = 20


class TelecomDeployment(models.Model):
    """A done deployment pushes the MAJ of its lines to SNAIC and CFAST and
    shows, per system, how far it got."""

    _inherit = "telecom.deployment"

    sync_request_ids = fields.One2many(
        comodel_name="telecom.sync.request", inverse_name="deployment_id",
        string="SNAIC/CFAST Sync", readonly=True)
    snaic_sync_state = fields.Selection(
        selection=SYNC_STATES, string="SNAIC", compute="_compute_sync_states")
    cfast_sync_state = fields.Selection(
        selection=SYNC_STATES, string="CFAST", compute="_compute_sync_states")
    sync_summary = fields.Char(
        string="SNAIC/CFAST", compute="_compute_sync_states",
        help="Requests done per system.")
    sync_error_count = fields.Integer(
        string="Sync Errors", compute="_compute_sync_states")
    sync_error = fields.Boolean(
        string="In Error", compute="_compute_sync_states",
        search="_search_sync_error",
        help="A SNAIC/CFAST request of this deployment is in error.")
    sync_result = fields.Char(
        string="Sent", compute="_compute_sync_result",
        help="How many MAJ SNAIC and CFAST have both applied.")

    @api.multi
    def _compute_sync_states(self):
        counts = defaultdict(lambda: defaultdict(int))
        if self.ids:
            groups = self.env["telecom.sync.request"].sudo().read_group(
                [("deployment_id", "in", self.ids)],
                ["deployment_id", "system", "state"],
                ["deployment_id", "system", "state"], lazy=False)
            for group in groups:
                key = (group["deployment_id"][0], group["system"])
                counts[key][group["state"]] += group["__count"]
        # Requests waiting for a connection (none, or archived), said so.
        waiting = defaultdict(int)
        if self.ids:
            for request in self.env["telecom.sync.request"].sudo().search([
                    ("deployment_id", "in", self.ids), ("state", "=", "pending"),
                    ("blocked", "!=", False)]):
                waiting[(request.deployment_id.id, request.system)] += 1
        labels = dict(SYSTEMS)
        for deployment in self:
            parts, errors = [], 0
            for system, _label in SYSTEMS:
                by_state = counts[(deployment.id, system)]
                deployment["%s_sync_state" % system] = aggregate_state(
                    state for state, count in by_state.items() if count)
                total = sum(by_state.values())
                errors += by_state.get("error", 0)
                if total:
                    # Withdrawn, or nothing to cancel: settled too.
                    parts.append(_("%(system)s %(done)d/%(total)d") % {
                        "system": labels[system],
                        "done": sum(by_state.get(state, 0) for state in (
                            "done", "withdrawn", "void")),
                        "total": total})
                if waiting[(deployment.id, system)]:
                    parts[-1] += _(" (%d waiting for a connection)") % \
                        waiting[(deployment.id, system)]
            deployment.sync_summary = " · ".join(parts)
            deployment.sync_error_count = errors
            deployment.sync_error = bool(errors)

    @api.model
    def _search_sync_error(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Search the deployments in error with = or !=."))
        positive = (operator == "=") == bool(value)
        return [("sync_request_ids.state", "=" if positive else "!=",
                 "error")] if positive else [
            ("id", "not in", self.sudo().search(
                [("sync_request_ids.state", "=", "error")]).ids)]

    @api.multi
    def _compute_sync_result(self):
        # The form's "2 MAJ sent": a MAJ is sent once every system applied
        # it.
        states = defaultdict(lambda: defaultdict(set))
        if self.ids:
            for group in self.env["telecom.sync.request"].sudo().read_group(
                    [("deployment_id", "in", self.ids)],
                    ["deployment_id", "update_id", "state"],
                    ["deployment_id", "update_id", "state"], lazy=False):
                states[group["deployment_id"][0]][
                    group["update_id"][0]].add(group["state"])
        for deployment in self:
            by_update = states[deployment.id]
            if not by_update:
                deployment.sync_result = False
                continue
            sent = sum(1 for found in by_update.values() if "done" in found
                       and not found - {"done", "withdrawn", "void"})
            errors = sum(1 for found in by_update.values() if "error" in found)
            nothing = sum(1 for found in by_update.values()
                          if not found - {"withdrawn", "void"})
            if errors:
                deployment.sync_result = _(
                    "%(sent)d of %(total)d MAJ sent, %(errors)d in error") % {
                        "sent": sent, "total": len(by_update),
                        "errors": errors}
            elif sent == len(by_update):
                deployment.sync_result = _("%d MAJ sent") % sent
            elif sent + nothing == len(by_update):
                # Withdrawn by a reversal, or nothing to cancel.
                deployment.sync_result = _(
                    "%(sent)d MAJ sent, %(nothing)d with nothing to "
                    "send") % {"sent": sent, "nothing": nothing}
            else:
                deployment.sync_result = _(
                    "%(sent)d of %(total)d MAJ sent") % {
                        "sent": sent, "total": len(by_update)}

    @api.multi
    def _telecom_create_updates(self):
        """Create the MAJ (see telecom_recharge), then, in the same
        transaction, their sync requests; the push starts once it is
        committed."""
        updates = super(TelecomDeployment, self)._telecom_create_updates()
        requests = self.env["telecom.sync.request"]._telecom_create_for_updates(
            updates)
        requests._telecom_enqueue_push()
        return updates

    @api.multi
    def action_retry_sync(self):
        """Retry every SNAIC/CFAST request of these deployments that is in
        error or whose outcome is unknown. Returns True."""
        requests = self.mapped("sync_request_ids").filtered(
            lambda r: r.state in ("error", "unknown"))
        return requests.action_retry()

    @api.multi
    def action_view_sync_requests(self):
        """Open the SNAIC/CFAST requests of this deployment."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_snaic_cfast.telecom_sync_request_action").read()[0]
        action["domain"] = [("deployment_id", "=", self.id)]
        action["context"] = {"search_default_group_by_system": 1}
        return action

    @api.multi
    def _telecom_post_sync_summary(self, done, failed):
        """Post in the chatter what a push run did for this deployment, and
        give the responsible an activity for the requests in error, in
        the language of its company (else of its responsible)."""
        self.ensure_one()
        lang = stored_lang(self.env, self.company_id,
                           self.user_id or self.env.user)
        if self.env.lang != lang:
            self.with_context(lang=lang)._telecom_post_sync_summary(
                done, failed)
            return
        body = []
        for system, label in SYSTEMS:
            applied = [r for r in done if r.system == system]
            errors = [r for r in failed if r.system == system]
            # The re-sends of options the system had lost, said apart.
            repushed = [r for r in applied if r.repush_of_id]
            applied = [r for r in applied if not r.repush_of_id]
            for requests, sentence in (
                    (applied, _("Cancelled in %(system)s: %(count)d "
                                "line(s): %(lines)s%(more)s")
                     if self.reversed_deployment_id else
                     _("Applied in %(system)s: %(count)d line(s): "
                       "%(lines)s%(more)s")),
                    (repushed, _("Re-sent to %(system)s (options it had "
                                 "lost): %(count)d line(s): "
                                 "%(lines)s%(more)s"))):
                if not requests:
                    continue
                items = ", ".join("%s → %s" % (r.line_id.name, r.remote_ref)
                                  for r in requests[:SUMMARY_MAX_LINES])
                more = len(requests) - SUMMARY_MAX_LINES
                body.append(sentence % {
                    "system": label,
                    "count": len(requests),
                    "lines": items,
                    "more": _(" and %d more") % more if more > 0 else ""})
            if errors:
                body.append(_("%(system)s error on %(count)d line(s):") % {
                    "system": label,
                    "count": len(errors)})
                line_error = _("%(line)s: %(error)s")
                body.extend(line_error % {
                    "line": r.line_id.name, "error": r.last_error}
                    for r in errors[:SUMMARY_MAX_LINES])
        if not body:
            return
        deployment = self.sudo()
        deployment.message_post(
            body="<br/>".join(html_escape(part) for part in body),
            subtype="mail.mt_note")
        if failed:
            deployment._telecom_schedule_sync_activity(failed)
        elif done:
            deployment._telecom_close_sync_activity()

    @api.multi
    def _telecom_close_sync_activity(self, feedback=None):
        """Mark the "SNAIC/CFAST error" activity of this deployment as done
        (a message in the chatter, as Odoo's "Mark Done") once none of its
        requests is in error any more: a retry or a later push succeeded
        (or a reversal withdrew them: its ``feedback``). Returns whether
        one was closed."""
        self.ensure_one()
        Request = self.env["telecom.sync.request"].sudo()
        if Request.search_count([("deployment_id", "=", self.id),
                                 ("state", "=", "error")]):
            return False
        activity_type = self.env.ref(
            "telecom_snaic_cfast.mail_activity_type_sync_error")
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "=", self.id),
            ("activity_type_id", "=", activity_type.id)])
        if not activities:
            return False
        activities.action_feedback(feedback=feedback or _(
            "SNAIC and CFAST have applied the MAJ that were in error."))
        return True

    @api.multi
    def _telecom_schedule_sync_activity(self, failed):
        """One open "SNAIC/CFAST error" activity per deployment: created for
        the responsible when there is none, completed with the new errors
        otherwise."""
        self.ensure_one()
        activity_type = self.env.ref(
            "telecom_snaic_cfast.mail_activity_type_sync_error")
        Activity = self.env["mail.activity"].sudo()
        # Outside the comprehension: _() reads the language of its caller.
        sentence = _("%(system)s / %(line)s: %(error)s")
        sentences = [html_escape(sentence % {
            "system": dict(SYSTEMS)[r.system], "line": r.line_id.name,
            "error": r.last_error})
            for r in failed[:SUMMARY_MAX_LINES]]
        existing = Activity.search([
            ("res_model", "=", self._name), ("res_id", "=", self.id),
            ("activity_type_id", "=", activity_type.id)], limit=1)
        if existing:
            # Each error once: retried requests fail again with the same one.
            known = existing.note or ""
            new = [sentence for sentence in sentences if sentence not in known]
            if new:
                existing.write({"note": "<br/>".join([known] + new)})
            return existing
        note = "<br/>".join(sentences)
        backend_user = failed[0].backend_id.user_id
        user = backend_user or self.user_id or self.create_uid
        return Activity.create({
            "res_model_id": self.env["ir.model"]._get(self._name).id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": _("SNAIC/CFAST: %d line(s) in error") % len(failed),
            "note": note,
            "user_id": user.id,
            "date_deadline": fields.Date.context_today(self),
        })
