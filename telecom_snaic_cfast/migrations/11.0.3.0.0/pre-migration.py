# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.3.0.0, before the module loads: a MAJ may now have more than one
application per system, the re-sends of options the system lost
(``repush_of_id``). The old ``unique(update_id, system)`` goes; the module's
load adds its successors (see ``_sql_constraints`` of telecom.sync.request
and post-migration.py): one application per MAJ and system that is not a
re-send, one re-send per (request, option), one cancellation per request."""
import logging

_logger = logging.getLogger("odoo.addons.telecom_snaic_cfast.migrations")

TABLE = "telecom_sync_request"
CONSTRAINT = "telecom_sync_request_update_system_uniq"


def migrate(cr, version):
    """Drop the plain unique constraint on (update_id, system), if it is
    still the old one."""
    if not version:
        return
    cr.execute("""
        SELECT 1 FROM pg_constraint
         WHERE conname = %s AND conrelid = %s::regclass AND contype = 'u'
        """, (CONSTRAINT, TABLE))
    if not cr.fetchone():
        return
    cr.execute('ALTER TABLE "%s" DROP CONSTRAINT "%s"' % (TABLE, CONSTRAINT))
    _logger.info("%s: unique(update_id, system) dropped; its successors "
                 "allow the re-sends of lost options", TABLE)
