# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The look-ups of the SNAIC/CFAST IDs of lines, sites and customers: by
phone number, site code and customer reference, before a push needs them
and by a scheduled job for the others."""
import logging
from collections import defaultdict

from odoo import _, api, models

from ..clients import ConfigurationError, PermanentError, make_client

_logger = logging.getLogger(__name__)


# One model, one file per concern (see telecom_sync_request.py).
class TelecomSyncRequest(models.Model):
    _inherit = "telecom.sync.request"  # pylint: disable=consider-merging-classes-inherited

    def _telecom_fetch_missing_ids(self, backend, client):
        """Look up and store the IDs these requests' lines, sites and
        customers lack in ``backend``'s system. Returns {request: error}
        for the requests that cannot be pushed (line unknown to the system,
        or the look-up failed)."""
        Binding = self.env["telecom.binding"]
        lines = self.mapped("line_id")
        known = Binding._telecom_external_ids(backend, lines)
        lines = lines.filtered(lambda l: l.id not in known)
        sites = self.mapped("line_id.site_id")
        known = Binding._telecom_external_ids(backend, sites)
        sites = sites.filtered(lambda s: s.id not in known and s.code)
        partners = self.mapped("line_id.partner_id")
        known = Binding._telecom_external_ids(backend, partners)
        partners = partners.filtered(lambda p: p.id not in known and p.ref)
        jobs = [("line", line.id, line.phone_number) for line in lines] + \
            [("site", site.id, site.code) for site in sites] + \
            [("customer", partner.id, partner.ref) for partner in partners]
        found = _look_up(client, jobs)
        line_errors = {}
        for (kind, res_id, _key), result in zip(jobs, found):
            if isinstance(result, Exception):
                if kind == "line":
                    line_errors[res_id] = result
                continue
            if not result and kind == "line":
                line = self.env["telecom.line"].browse(res_id)
                line_errors[res_id] = PermanentError(_(
                    "The line %(line)s (%(number)s) is unknown to "
                    "%(backend)s: check that it exists in %(system)s with "
                    "this number, or correct the number of the line, then "
                    "retry.") % {
                        "line": line.name,
                        "number": line.phone_number,
                        "backend": backend.name,
                        "system": backend._telecom_system_label()},
                    system=backend._telecom_system_label(), status=404,
                    code="telecom_missing_id")
        self._telecom_retry_conflicts(
            lambda: self._telecom_store_ids(backend, jobs, found),
            "storing the %s IDs looked up" % backend.name)
        self._telecom_commit()
        return {request: line_errors[request.line_id.id] for request in self
                if request.line_id.id in line_errors}

    @api.model
    def _cron_fetch_missing_ids(self):
        """Scheduled action: queue, for every active connection, the job
        that looks up the IDs its lines, sites and customers lack."""
        Backend = self.env["telecom.api.backend"].sudo()
        # Every connection (configuration: one per system and company).
        Backend.search([])._telecom_enqueue_fetch_ids()  # pylint: disable=no-search-all
        return True

    @api.model
    def _telecom_fetch_all_missing_ids(self, backend, limit, after_id=0):
        """Look up the IDs that at most ``limit`` active lines of
        ``backend``'s company (those after the line ``after_id``, in order),
        their sites and customers lack in its system, and store them.
        Returns the number of IDs found and the last line looked at (None
        when no line was left)."""
        Binding = self.env["telecom.binding"]
        lines = self.env["telecom.line"].sudo().search(
            Binding._telecom_missing_domain(backend, "telecom.line") + [
                ("company_id", "=", backend.company_id.id),
                ("state", "!=", "terminated"), ("id", ">", after_id)],
            limit=limit, order="id")
        if not lines:
            return 0, None
        sites = lines.mapped("site_id")
        known = Binding._telecom_external_ids(backend, sites)
        sites = sites.filtered(lambda s: s.id not in known and s.code)
        partners = lines.mapped("partner_id") | sites.mapped("partner_id")
        known = Binding._telecom_external_ids(backend, partners)
        partners = partners.filtered(lambda p: p.id not in known and p.ref)
        jobs = [("line", line.id, line.phone_number) for line in lines] + \
            [("site", site.id, site.code) for site in sites] + \
            [("customer", partner.id, partner.ref) for partner in partners]
        try:
            client = make_client(**backend._telecom_client_settings())
        except ConfigurationError as exc:
            _logger.warning("%s: %s", backend.name, exc)
            return 0, None
        try:
            results = _look_up(client, jobs)
        finally:
            client.close()
        self._telecom_retry_conflicts(
            lambda: self._telecom_store_ids(backend, jobs, results),
            "storing the %s IDs looked up" % backend.name)
        self._telecom_commit()
        return (len([r for r in results if r and not isinstance(
            r, Exception)]), lines[-1].id)

    @api.model
    def _telecom_store_ids(self, backend, jobs, results):
        """Store the IDs found by look-up ``jobs`` as ``backend``'s external
        IDs of lines, sites and customers (``telecom.binding``): one upsert
        per model for the batch."""
        models_by_kind = {"line": "telecom.line", "site": "telecom.site",
                          "customer": "res.partner"}
        found = defaultdict(list)
        for (kind, res_id, _key), result in zip(jobs, results):
            if result and not isinstance(result, Exception):
                found[kind].append((res_id, str(result)))
        for kind, values in found.items():
            self.env["telecom.binding"]._telecom_store_external_ids(
                backend, models_by_kind[kind], values)


def _look_up(client, jobs):
    """Run the look-ups ``jobs`` ((kind, record id, key) with kind "line",
    "site" or "customer") one after the other; returns for each the ID
    found, None when the system does not know it, or the exception that
    stopped it."""
    results = []
    for kind, _res_id, key in jobs:
        finder = {"line": client.find_line, "site": client.find_site,
                  "customer": client.find_customer}[kind]
        try:
            results.append(finder(key))
        except Exception as exc:  # pylint: disable=broad-except
            results.append(exc)
    return results
