# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.2.0.0, before the module loads: the SNAIC/CFAST IDs leave their
columns for ``telecom.binding``. The columns are renamed so that nothing of
the ORM drops them before post-migration.py has copied them."""
import logging

from psycopg2 import sql

from odoo.tools import column_exists

_logger = logging.getLogger("odoo.addons.telecom_snaic_cfast.migrations")

TABLES = ("telecom_line", "telecom_site", "res_partner")
SYSTEMS = ("snaic", "cfast")


def legacy_column(system):
    """Where the IDs of ``system`` wait for post-migration.py."""
    return "telecom_legacy_%s_id" % system


def migrate(cr, version):
    """Rename ``<system>_id`` to ``telecom_legacy_<system>_id`` where it
    exists (and was not renamed already)."""
    if not version:
        return
    for table in TABLES:
        for system in SYSTEMS:
            old, new = "%s_id" % system, legacy_column(system)
            if not column_exists(cr, table, old) or \
                    column_exists(cr, table, new):
                continue
            cr.execute(sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
                sql.Identifier(table), sql.Identifier(old),
                sql.Identifier(new)))
            _logger.info("%s.%s renamed to %s", table, old, new)
