# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.3.0.0, once the module is loaded: make sure the database still
refuses a second application of a MAJ to a system (other than the re-sends
of lost options) and a second re-send of an option. Odoo only logs a
warning when it cannot add a constraint: here it is an error."""
import logging

_logger = logging.getLogger("odoo.addons.telecom_snaic_cfast.migrations")

TABLE = "telecom_sync_request"
# Name and definition, as in telecom.sync.request's _sql_constraints.
CONSTRAINTS = (
    ("telecom_sync_request_update_system_uniq",
     "EXCLUDE USING btree (update_id WITH =, system WITH =) "
     "WHERE (((repush_of_id IS NULL) AND "
     "((operation)::text = 'apply'::text)))"),
    ("telecom_sync_request_repush_uniq",
     "UNIQUE (repush_of_id, repush_option_id)"),
)


def migrate(cr, version):
    """Add the constraints the module's load could not add (it logs them);
    fails when the data breaks them."""
    if not version:
        return
    for name, definition in CONSTRAINTS:
        cr.execute("SELECT 1 FROM pg_constraint WHERE conname = %s "
                   "AND conrelid = %s::regclass", (name, TABLE))
        if cr.fetchone():
            continue
        cr.execute('ALTER TABLE "%s" ADD CONSTRAINT "%s" %s' % (
            TABLE, name, definition))
        _logger.info("%s: constraint %s added", TABLE, name)
