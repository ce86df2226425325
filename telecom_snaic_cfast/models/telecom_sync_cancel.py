# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The cancellations of a reversal: what each one does, decided from the
state of the request it cancels (the *original*), per system.

* original applied (``done``): the cancellation is sent, by the remote
  reference of each option, under a key of its own;
* original pending and never sent (no attempt): it is *withdrawn* (never to
  be sent) and the cancellation has nothing to cancel (``void``);
* original in error: nothing was applied in that system: it is withdrawn
  too (a Retry can no longer apply what was reversed), and the
  cancellation is ``void``, saying so;
* original being sent, with an unknown outcome, or waiting for a retry
  after a failed attempt: the cancellation *waits* (``waiting``, never
  claimed) until the original settles; saving the original's result wakes
  it (``_telecom_wake_cancels``), and the push cron does too, in case.

An option that the system lost and that was re-sent (``_telecom_repush``)
is cancelled by the cancellation of its re-send, a request of its own:
the original's cancellation skips it (the system no longer holds it under
the original's remote reference), and has nothing to cancel (``void``) when
no option is left.

The original is locked (``FOR UPDATE SKIP LOCKED``) while it is withdrawn:
a job that holds it (claiming it to send it) makes the cancellation wait
for its result instead.
"""
from collections import defaultdict

import psycopg2

from odoo import _, api, fields, models
from odoo.tools import mute_logger
from odoo.addons.telecom_parc.tools.lang import stored_lang

from .telecom_api_backend import SYSTEMS
from .telecom_sync_request import SETTLED_STATES

# The originals a cancellation may withdraw: in error, or never sent.
WITHDRAWABLE_SQL = ("state = 'error' OR (state = 'pending' "
                    "AND COALESCE(attempt_count, 0) = 0)")


class Settled(object):
    """The outcome of a cancellation with nothing to send: ``void``,
    withdrawing the original ``withdraw_id`` (None: nothing to withdraw),
    whose state was ``original_state``."""

    def __init__(self, withdraw_id, original_state):
        self.withdraw_id = withdraw_id
        self.original_state = original_state


# The outcome of a cancellation whose original is not settled yet.
WAIT = object()


# One model, one file per concern (see telecom_sync_request.py).
class TelecomSyncRequest(models.Model):
    _inherit = "telecom.sync.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Decide
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_cancel_decisions(self, fresh=True):
        """What each of these cancellations does now: {id: "send" | WAIT |
        Settled}. The originals to withdraw are locked in the current
        transaction; with ``fresh`` (a job), on a fresh snapshot (it
        commits first), else in a savepoint of the caller's transaction
        (the reversal's), where a row changed since its snapshot makes the
        cancellation wait."""
        if not self:
            return {}
        # Whether the original has an option left to cancel: not all of
        # them were lost and re-sent (see _telecom_cancel_rows).
        self.env.cr.execute("""
            SELECT c.id, o.id, o.state, EXISTS (
                SELECT 1 FROM telecom_line_update_option uo
                 WHERE uo.update_id = o.update_id
                   AND (o.repush_option_id IS NULL
                        OR uo.id = o.repush_option_id)
                   AND NOT EXISTS (
                        SELECT 1 FROM telecom_sync_request p
                         WHERE p.repush_of_id = o.id
                           AND p.repush_option_id = uo.id))
              FROM telecom_sync_request c
              JOIN telecom_sync_request o ON o.id = c.cancelled_request_id
             WHERE c.id IN %s""", (tuple(self.ids),))
        rows = self.env.cr.fetchall()
        left = {row[0]: row[3] for row in rows}
        rows = [row[:3] for row in rows]
        candidates = tuple(o for _c, o, state in rows
                           if state in ("error", "pending"))
        locked = {}
        if candidates:
            query = ("SELECT id, state FROM telecom_sync_request "
                     "WHERE id IN %s AND (" + WITHDRAWABLE_SQL + ") "
                     "ORDER BY id FOR UPDATE SKIP LOCKED")
            if fresh:
                ids = self._telecom_lock_rows(
                    query.replace("SELECT id, state", "SELECT id"),
                    (candidates,))
                self.env.cr.execute(
                    "SELECT id, state FROM telecom_sync_request "
                    "WHERE id IN %s", (tuple(ids) or (0,),))
                locked = dict(self.env.cr.fetchall())
            else:
                try:
                    with self.env.cr.savepoint(), \
                            mute_logger("odoo.sql_db"):
                        self.env.cr.execute(query, (candidates,))
                        locked = dict(self.env.cr.fetchall())
                except psycopg2.extensions.TransactionRollbackError:
                    locked = {}
        decisions = {}
        for cancel_id, original_id, state in rows:
            if original_id in locked:
                decisions[cancel_id] = Settled(original_id,
                                               locked[original_id])
            elif state == "done" and not left[cancel_id]:
                # Every option was lost and re-sent: the re-sends'
                # cancellations cancel them.
                decisions[cancel_id] = Settled(None, "repushed")
            elif state == "done":
                decisions[cancel_id] = "send"
            elif state in ("withdrawn", "void"):
                decisions[cancel_id] = Settled(None, state)
            else:
                decisions[cancel_id] = WAIT
        return decisions

    @api.multi
    def _telecom_settle_new_cancels(self):
        """Decide these new cancellations at once, in the reversal's
        transaction: to send (pending), nothing to cancel (the original
        withdrawn), or waiting. Returns True."""
        decisions = self._telecom_cancel_decisions(fresh=False)
        send = [i for i, d in decisions.items() if d == "send"]
        if send:
            self.env.cr.execute(
                "UPDATE telecom_sync_request SET state = 'pending' "
                "WHERE id IN %s", (tuple(send),))
            self.browse(send).invalidate_cache(["state"], send)
        self._telecom_write_settled({
            cancel_id: decision for cancel_id, decision in decisions.items()
            if isinstance(decision, Settled)})
        return True

    # ------------------------------------------------------------------
    # Nothing to cancel: write it, withdraw the original
    # ------------------------------------------------------------------
    @api.model
    def _telecom_write_settled(self, settled, held=None):
        """Write on the cancellations of ``settled`` ({id: Settled}) that
        they have nothing to cancel, and withdraw their originals that are
        still withdrawable (else the cancellation waits for its original),
        a few statements for thousands of them; the texts in the company's
        language (else the connection's responsible's). With ``held`` ({id:
        claim token}), only the cancellations this worker holds are
        written. Returns {id: "void" or "waiting"} for those written."""
        if not settled:
            return {}
        self.env.cr.execute("""
            SELECT c.id, c.system, c.company_id,
                   COALESCE(b.user_id, ob.user_id), c.cancelled_request_id,
                   o.deployment_id, od.name, rd.name, c.deployment_id
              FROM telecom_sync_request c
              JOIN telecom_sync_request o ON o.id = c.cancelled_request_id
         LEFT JOIN telecom_api_backend b ON b.id = c.backend_id
         LEFT JOIN telecom_api_backend ob ON ob.id = o.backend_id
         LEFT JOIN telecom_deployment od ON od.id = o.deployment_id
         LEFT JOIN telecom_deployment rd ON rd.id = c.deployment_id
             WHERE c.id IN %s""", (tuple(settled),))
        groups = defaultdict(list)
        changed = set()
        for cancel_id, system, company_id, user_id, original_id, \
                deployment_id, deployment, reversal, reversal_id in \
                self.env.cr.fetchall():
            changed.add(reversal_id)
            decision = settled[cancel_id]
            groups[(system, company_id, user_id, decision.original_state,
                    deployment, reversal, bool(decision.withdraw_id))].append(
                        (cancel_id, original_id, deployment_id))
        now = fields.Datetime.now()
        written, withdrawn_in = {}, {}
        for (system, company_id, user_id, state, deployment, reversal,
             withdraw), items in groups.items():
            lang = stored_lang(
                self.env, self.env["res.company"].browse(company_id),
                self.env["res.users"].browse(user_id) if user_id
                else self.env.user)
            void_text, withdrawn_text = self.with_context(
                lang=lang)._telecom_settled_texts(
                    system, state, deployment, reversal)
            query = ("UPDATE telecom_sync_request SET state = 'void', "
                     "info = %s, last_error = NULL, error_kind = NULL, "
                     "next_attempt_at = NULL, remote_ref = NULL, "
                     "write_date = %s, write_uid = %s WHERE id IN %s")
            params = [void_text, now, self.env.uid,
                      tuple(item[0] for item in items)]
            if held is not None:
                query += " AND claim_token IN %s"
                params.append(tuple({held.get(item[0]) or "" for item in items}))
            self.env.cr.execute(query + " RETURNING id", params)
            voided = {row[0] for row in self.env.cr.fetchall()}
            written.update(dict.fromkeys(voided, "void"))
            if not withdraw:
                continue
            originals = {item[1]: item for item in items if item[0] in voided}
            if not originals:
                continue
            # Only as it was decided: a job may have taken it since, and
            # then the cancellation waits for its result.
            self.env.cr.execute(
                "UPDATE telecom_sync_request SET state = 'withdrawn', "
                "info = %s, next_attempt_at = NULL, write_date = %s, "
                "write_uid = %s WHERE id IN %s AND state = %s AND (" +
                WITHDRAWABLE_SQL + ") RETURNING id", (
                    withdrawn_text, now, self.env.uid, tuple(originals),
                    state))
            done = {row[0] for row in self.env.cr.fetchall()}
            late = [originals[o][0] for o in originals if o not in done]
            if late:
                self.env.cr.execute(
                    "UPDATE telecom_sync_request SET state = 'waiting', "
                    "info = NULL WHERE id IN %s", (tuple(late),))
                written.update(dict.fromkeys(late, "waiting"))
            for original_id in done:
                deployment_id = originals[original_id][2]
                if state == "error":
                    withdrawn_in[deployment_id] = (lang, withdrawn_text)
                else:
                    withdrawn_in.setdefault(deployment_id, None)
        self.browse(list(settled)).invalidate_cache()
        Deployment = self.env["telecom.deployment"].sudo()
        for deployment_id, closing in withdrawn_in.items():
            if closing:
                # Its errors need nobody any more.
                Deployment.browse(deployment_id).with_context(
                    lang=closing[0])._telecom_close_sync_activity(
                        feedback=closing[1])
        self._telecom_notify_deployments(changed | set(withdrawn_in))
        return written

    @api.model
    def _telecom_settled_texts(self, system, original_state, deployment,
                               reversal):
        """The sentences of a cancellation with nothing to cancel in
        ``system`` and of the original it withdraws (in ``original_state``,
        of ``deployment``, by ``reversal``: names), in the language of the
        context."""
        values = {
            "system": dict(SYSTEMS)[system],
            "reversal": reversal or "",
            "deployment": deployment or "",
        }
        if original_state == "repushed":
            return (_("Nothing to cancel in %(system)s under the reference of "
                      "%(deployment)s: its option was lost there and re-sent; "
                      "the cancellation of the re-send cancels it.") % values,
                    "")
        if original_state == "error":
            return (_("Nothing to cancel in %(system)s: the top-up of "
                      "%(deployment)s failed there and was never applied. It "
                      "is withdrawn, never to be retried.") % values,
                    _("Withdrawn by the reversal %(reversal)s: it had "
                      "failed, so nothing was applied in %(system)s, and it "
                      "will not be retried.") % values)
        return (_("Nothing to cancel in %(system)s: the top-up of "
                  "%(deployment)s was withdrawn before it was sent.") % values,
                _("Withdrawn by the reversal %(reversal)s before it was "
                  "sent: nothing was applied in %(system)s.") % values)

    # ------------------------------------------------------------------
    # Wake the cancellations whose original has settled
    # ------------------------------------------------------------------
    @api.model
    def _telecom_wake_cancels(self, original_ids=None):
        """Make due the waiting cancellations whose original has settled
        (among ``original_ids``, or all); queue their connections' lanes.
        Returns the count woken. A conflict with another worker leaves
        them to the next call (the push cron wakes them all)."""
        query = ("UPDATE telecom_sync_request c SET state = 'pending', "
                 "next_attempt_at = NULL, write_date = %s "
                 "FROM telecom_sync_request o "
                 "WHERE c.cancelled_request_id = o.id AND c.state = 'waiting' "
                 "AND o.state IN %s")
        params = [fields.Datetime.now(), SETTLED_STATES]
        if original_ids is not None:
            if not original_ids:
                return 0
            query += " AND o.id IN %s"
            params.append(tuple(original_ids))
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env.cr.execute(query + " RETURNING c.id, c.backend_id",
                                    params)
                rows = self.env.cr.fetchall()
        except psycopg2.extensions.TransactionRollbackError:
            return 0
        if rows:
            self.browse([row[0] for row in rows]).invalidate_cache(
                ["state", "next_attempt_at"])
            self.env["telecom.api.backend"].sudo().browse(
                {row[1] for row in rows if row[1]}).filtered(
                    "active")._telecom_enqueue_lanes()
        return len(rows)

    # ------------------------------------------------------------------
    # Send
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_cancel_payloads(self, backend):
        """The calls of each of these cancellations as plain dicts for
        ``cancel_option``, as {request: [payload, ...]}: one per option of
        the original, by the remote reference the system gave it, with a
        key and reference of their own derived from the cancellation's
        (a retry resends exactly the same calls)."""
        if not self:
            return {}
        rows = self._telecom_cancel_rows()
        line_ids = self.env["telecom.binding"]._telecom_external_ids(
            backend, self.env["telecom.line"].browse(
                {row[3] for row in rows}))
        payloads = {request: [] for request in self}
        for request_id, reference, key, line_id, _read_back, remote_ref, \
                option_id in rows:
            payloads[self.browse(request_id)].append({
                "remote_line_id": line_ids.get(line_id, False),
                "remote_ref": remote_ref,
                "reference": "%s-%s" % (reference, option_id),
                "idempotency_key": "%s-%s" % (key, option_id),
            })
        return payloads

    @api.multi
    def _telecom_cancel_read_back_refs(self):
        """For each of these cancellations, our references of the options
        it cancels (the original's), to read them back: {request: [ref]}."""
        refs = {request: [] for request in self}
        for row in self._telecom_cancel_rows():
            refs[self.browse(row[0])].append(row[4])
        return refs

    @api.multi
    def _telecom_cancel_rows(self):
        """(cancellation id, its reference, its key, line id, our reference
        of the original option, its remote reference, the option id) per
        option of the originals of these cancellations, in one query. A
        re-send's original has its one option; an option lost and re-sent
        is skipped (the cancellation of its re-send cancels it)."""
        if not self:
            return []
        self.env.cr.execute("""
            SELECT c.id, c.reference, c.idempotency_key, u.line_id,
                   o.reference, o.remote_ref, uo.id, EXISTS (
                       SELECT 1 FROM telecom_sync_request p
                        WHERE p.repush_of_id = o.id
                          AND p.repush_option_id = uo.id)
              FROM telecom_sync_request c
              JOIN telecom_sync_request o ON o.id = c.cancelled_request_id
              JOIN telecom_line_update u ON u.id = o.update_id
              JOIN telecom_line_update_option uo ON uo.update_id = u.id
                   AND (o.repush_option_id IS NULL
                        OR uo.id = o.repush_option_id)
             WHERE c.id IN %s
          ORDER BY c.id, uo.id""", (tuple(self.ids),))
        rows = []
        index = {}
        for cancel_id, reference, key, line_id, original_ref, remote_refs, \
                option_id, repushed in self.env.cr.fetchall():
            # The original's remote references, one per option in the
            # order of the options (see _telecom_save_result).
            position = index.get(cancel_id, 0)
            index[cancel_id] = position + 1
            if repushed:
                continue
            remotes = (remote_refs or "").split(", ")
            rows.append((cancel_id, reference, key, line_id,
                         "%s-%s" % (original_ref, option_id),
                         remotes[position] if position < len(remotes)
                         else "", option_id))
        return rows
