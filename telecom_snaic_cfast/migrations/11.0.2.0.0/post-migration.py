# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.2.0.0, once the module is loaded: the SNAIC/CFAST IDs kept by
pre-migration.py become ``telecom.binding`` rows, then their columns go.

A record's ID is bound to its company's connection of that system: the
active one, else the latest archived one (highest id). A record of no
company (a customer shared by the companies) was pushed with the connection
of whichever company pushed its lines: it is bound to that connection of
every company that has one. Records of a company without any connection of
that system keep nothing: a warning gives their number, and the sync looks
their IDs up again once a connection exists."""
import logging

from psycopg2 import sql

from odoo import SUPERUSER_ID
from odoo.tools import column_exists

_logger = logging.getLogger("odoo.addons.telecom_snaic_cfast.migrations")

TABLES = (("telecom_line", "telecom.line"), ("telecom_site", "telecom.site"),
          ("res_partner", "res.partner"))
SYSTEMS = ("snaic", "cfast")


def legacy_column(system):
    """Where pre-migration.py kept the IDs of ``system``."""
    return "telecom_legacy_%s_id" % system


def migrate_column(cr, table, model, system):
    """Bind the IDs of one legacy column and drop it; returns the number of
    bindings made."""
    column = sql.Identifier(legacy_column(system))
    params = {"model": model, "system": system, "uid": SUPERUSER_ID}
    cr.execute(sql.SQL("""
        INSERT INTO telecom_binding
               (backend_id, system, company_id, res_model, res_id,
                external_id, create_uid, create_date, write_uid, write_date)
        SELECT b.id, b.system, b.company_id, %(model)s, t.id, t.{column},
               %(uid)s, now() AT TIME ZONE 'UTC',
               %(uid)s, now() AT TIME ZONE 'UTC'
          FROM {table} t
          JOIN LATERAL (
                SELECT DISTINCT ON (b.company_id) b.id, b.system, b.company_id
                  FROM telecom_api_backend b
                 WHERE b.system = %(system)s
                   AND (b.company_id = t.company_id OR t.company_id IS NULL)
              ORDER BY b.company_id, b.active DESC, b.id DESC) b ON TRUE
         WHERE COALESCE(t.{column}, '') <> ''
        ON CONFLICT (backend_id, res_model, res_id) DO NOTHING""").format(
            table=sql.Identifier(table), column=column), params)
    bound = cr.rowcount
    cr.execute(sql.SQL("""
        SELECT count(*) FROM {table} t
         WHERE COALESCE(t.{column}, '') <> ''
           AND NOT EXISTS (
                SELECT 1 FROM telecom_api_backend b
                 WHERE b.system = %(system)s
                   AND (b.company_id = t.company_id OR t.company_id IS NULL))
        """).format(table=sql.Identifier(table), column=column), params)
    lost = cr.fetchone()[0]
    if lost:
        _logger.warning(
            "%d %s ID(s) of %s not kept: their company has no %s connection "
            "(they are looked up again once it has one)",
            lost, system.upper(), model, system.upper())
    cr.execute(sql.SQL("ALTER TABLE {} DROP COLUMN {}").format(
        sql.Identifier(table), column))
    _logger.info("%d %s ID(s) of %s moved to telecom.binding", bound,
                 system.upper(), model)
    return bound


def migrate(cr, version):
    """Every legacy column left by pre-migration.py becomes bindings."""
    if not version:
        return
    for table, model in TABLES:
        for system in SYSTEMS:
            if column_exists(cr, table, legacy_column(system)):
                migrate_column(cr, table, model, system)
