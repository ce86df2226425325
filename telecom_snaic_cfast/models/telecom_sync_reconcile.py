# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The read-back of the sync requests whose outcome is unknown: by our
reference, before anything is sent again."""
import uuid
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.telecom_parc.tools.lang import stored_lang

from ..clients import ApiError, make_client
from .telecom_sync_request import _now


# One model, one file per concern (see telecom_sync_request.py).
class TelecomSyncRequest(models.Model):
    _inherit = "telecom.sync.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _telecom_reconcile_backend(self, backend, limit, exclude_ids=()):
        """Read back at most ``limit`` requests of ``backend`` (but those of
        ``exclude_ids``) whose outcome is unknown or whose sender is past its
        deadline. Returns counts by final state and the requests found
        (empty when there was nothing to read back)."""
        domain = self._telecom_reconcile_domain() + [
            ("backend_id", "=", backend.id)]
        if exclude_ids:
            domain.append(("id", "not in", list(exclude_ids)))
        requests = self.sudo().search(domain, limit=limit, order="id")
        return (requests._telecom_reconcile() if requests else {}), requests

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
        # Read back only where a live connection can answer.
        requests = self.sudo().filtered(lambda r: r.backend_id.active)
        for backend, batch in requests._telecom_batches():
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
            # A cancellation is read back by the original's references: done
            # once the system holds them cancelled.
            cancels = locked.filtered(lambda r: r.operation == "cancel")
            payloads = (locked - cancels)._telecom_apply_payloads(backend)
            refs = {request: [p["reference"] for p in payloads[request]]
                    for request in payloads}
            refs.update(cancels._telecom_cancel_read_back_refs())
            found = _read_back(backend, [
                (refs[request], request in cancels) for request in locked])
            results = {}
            for request, refs in zip(locked, found):
                if isinstance(refs, list) and all(refs):
                    results[request] = refs
                elif isinstance(refs, list):
                    request.write({"state": "pending",
                                   "next_attempt_at": False})
                    counts["pending"] += 1
                else:
                    request._telecom_write_read_back_failure(refs)
                    counts["unknown"] += 1
            for state, count in self._telecom_save_results(
                    results.items(), held).items():
                counts[state] += count
            self._telecom_commit()
        return dict(counts)


    @api.multi
    def _telecom_write_read_back_failure(self, error):
        """Say on this request, in the language of its company (else of
        its connection's responsible), that reading it back failed with
        ``error``."""
        self.ensure_one()
        backend = self.backend_id
        lang = stored_lang(self.env, backend.company_id,
                           backend.user_id or self.env.user)
        if self.env.lang != lang:
            return self.with_context(
                lang=lang)._telecom_write_read_back_failure(error)
        return self.write({"last_error": _(
            "The outcome is still unknown: reading it back failed. It will "
            "be read again. %s") % self._telecom_error_text(
                error, backend._telecom_system_label(),
                line=self.line_id.name, backend=backend.name, final=False)})

def _read_back(backend, references):
    """For each (list of references, cancelled) pair, the remote references
    found (None for an option the system does not have, or, with
    ``cancelled``, does not hold cancelled), or the exception that stopped
    the read-back of that request. One client, one call after the other."""
    try:
        client = make_client(**backend._telecom_client_settings())
    except ApiError as exc:
        return [exc] * len(references)
    found = []
    try:
        for refs, cancelled in references:
            try:
                if cancelled:
                    found.append([_cancelled_ref(client, ref) for ref in refs])
                else:
                    found.append([client.get_option(ref) for ref in refs])
            except Exception as exc:  # pylint: disable=broad-except
                found.append(exc)
    finally:
        client.close()
    return found


def _cancelled_ref(client, reference):
    """The remote reference of the option applied with our ``reference``
    if the system holds it cancelled, else None."""
    status = client.get_option_status(reference)
    return status["option_ref"] if status and status.get("cancelled") \
        else None
