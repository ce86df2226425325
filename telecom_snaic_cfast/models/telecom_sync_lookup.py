# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The look-ups of the SNAIC/CFAST IDs of lines, sites and customers: by
phone number, site code and customer reference, before a push needs them
and by a scheduled job for the others."""
import logging
from collections import defaultdict

from psycopg2 import sql
from psycopg2.extras import execute_values

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
        field = "%s_id" % backend.system
        lines = self.mapped("line_id").filtered(lambda l: not l[field])
        sites = self.mapped("line_id.site_id").filtered(
            lambda s: not s[field] and s.code)
        partners = self.mapped("line_id.partner_id").filtered(
            lambda p: not p[field] and p.ref)
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
            lambda: self._telecom_store_ids(field, jobs, found),
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
        field = "%s_id" % backend.system
        lines = self.env["telecom.line"].sudo().search([
            (field, "=", False), ("company_id", "=", backend.company_id.id),
            ("state", "!=", "terminated"), ("id", ">", after_id)],
            limit=limit, order="id")
        if not lines:
            return 0, None
        sites = lines.mapped("site_id").filtered(
            lambda s: not s[field] and s.code)
        partners = (lines.mapped("partner_id") | sites.mapped(
            "partner_id")).filtered(lambda p: not p[field] and p.ref)
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
            lambda: self._telecom_store_ids(field, jobs, results),
            "storing the %s IDs looked up" % backend.name)
        self._telecom_commit()
        return (len([r for r in results if r and not isinstance(
            r, Exception)]), lines[-1].id)

    @api.model
    def _telecom_store_ids(self, field, jobs, results):
        """Store the IDs found by look-up ``jobs`` in ``field`` (snaic_id or
        cfast_id) of lines, sites and customers: one UPDATE per model for
        the batch. These columns are plain references of the remote system,
        neither tracked nor computed from: nothing else is to update."""
        tables = {"line": "telecom_line", "site": "telecom_site",
                  "customer": "res_partner"}
        models_by_kind = {"line": "telecom.line", "site": "telecom.site",
                          "customer": "res.partner"}
        found = defaultdict(list)
        for (kind, res_id, _key), result in zip(jobs, results):
            if result and not isinstance(result, Exception):
                found[kind].append((res_id, str(result)))
        for kind, values in found.items():
            execute_values(self.env.cr, sql.SQL(
                "UPDATE {table} SET {column} = v.remote_id FROM (VALUES %s) "
                "AS v(id, remote_id) WHERE {table}.id = v.id").format(
                    table=sql.Identifier(tables[kind]),
                    column=sql.Identifier(field)).as_string(self.env.cr._obj),
                values)
            self.env[models_by_kind[kind]].browse(
                [res_id for res_id, _v in values]).invalidate_cache([field])


# ----------------------------------------------------------------------
# Work done in the pool's threads: HTTP only, no ORM.
# ----------------------------------------------------------------------


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
