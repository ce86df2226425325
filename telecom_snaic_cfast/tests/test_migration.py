# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The migrations to 11.0.2.0.0 on columns made as 11.0.1.0.0 had them, and
to 11.0.3.0.0 on the constraints of 11.0.2.0.0 (DDL is transactional in
PostgreSQL: the test's rollback restores the tables)."""
import importlib.util
import os

from psycopg2 import sql

from odoo.tests.common import SavepointCase
from odoo.tools import column_exists

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")
TABLES = ("telecom_line", "telecom_site", "res_partner")


def load_migration(name, version="11.0.2.0.0"):
    """The module of migrations/<version>/<name>.py."""
    spec = importlib.util.spec_from_file_location(
        "telecom_snaic_cfast_migration_%s_%s" % (
            version.replace(".", "_"), name.replace("-", "_")),
        os.path.join(MIGRATIONS, version, "%s.py" % name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestMigrationToBindings(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestMigrationToBindings, cls).setUpClass()
        cls.Binding = cls.env["telecom.binding"]
        Backend = cls.env["telecom.api.backend"]
        cls.main = cls.env.ref("base.main_company")
        cls.snaic = cls.env.ref("telecom_snaic_cfast.demo_backend_snaic")
        cls.cfast = cls.env.ref("telecom_snaic_cfast.demo_backend_cfast")
        # The main company also has an archived SNAIC connection: the
        # active one wins.
        cls.snaic_old = Backend.create({
            "name": "SNAIC before", "system": "snaic", "active": False,
            "company_id": cls.main.id, "base_url": "http://127.0.0.1:9"})
        # Company C has no connection; company D two archived SNAIC ones.
        cls.company_c = cls.env["res.company"].create({"name": "Migration C"})
        cls.company_d = cls.env["res.company"].create({"name": "Migration D"})
        cls.d_older, cls.d_newer = [Backend.create({
            "name": name, "system": "snaic", "active": False,
            "company_id": cls.company_d.id, "base_url": "http://127.0.0.1:9"})
            for name in ("SNAIC D 2024", "SNAIC D 2025")]
        Partner = cls.env["res.partner"]
        cls.line = cls.env.ref("telecom_parc.demo_line_0700000090")
        cls.line_bound = cls.env.ref("telecom_parc.demo_line_0700000091")
        cls.partner_main = Partner.create({
            "name": "Migration Main", "company_id": cls.main.id})
        cls.partner_d = Partner.create({
            "name": "Migration D", "company_id": cls.company_d.id})
        cls.partner_shared = Partner.create({
            "name": "Migration Shared", "company_id": False})
        cls.partner_empty = Partner.create({
            "name": "Migration Empty", "company_id": cls.main.id})
        cls.site_c = cls.env["telecom.site"].create({
            "name": "Migration Site C", "code": "MIGC",
            "partner_id": cls.partner_main.id,
            "company_id": cls.company_c.id})
        cls.pre = load_migration("pre-migration")
        cls.post = load_migration("post-migration")

    def legacy(self, record, snaic=None, cfast=None):
        self.env.cr.execute(sql.SQL(
            "UPDATE {} SET snaic_id = %s, cfast_id = %s WHERE id = %s").format(
                sql.Identifier(record._table)), (snaic, cfast, record.id))

    def bindings(self, record):
        return {(b.backend_id, b.external_id) for b in self.Binding.search([
            ("res_model", "=", record._name), ("res_id", "=", record.id)])}

    def test_columns_become_bindings(self):
        for table in TABLES:
            self.env.cr.execute(sql.SQL(
                "ALTER TABLE {} ADD COLUMN snaic_id varchar, "
                "ADD COLUMN cfast_id varchar").format(sql.Identifier(table)))
        self.legacy(self.line, "SN-MIG-L1", "CF-MIG-L1")
        self.legacy(self.line_bound, "SN-MIG-OTHER")
        self.legacy(self.site_c, "SN-MIG-SC", "CF-MIG-SC")
        self.legacy(self.partner_main, "SN-MIG-PM")
        self.legacy(self.partner_d, "SN-MIG-PD", "CF-MIG-PD")
        self.legacy(self.partner_shared, "SN-MIG-PS", "CF-MIG-PS")
        self.legacy(self.partner_empty, "", "")

        self.pre.migrate(self.env.cr, "11.0.1.0.0")
        for table in TABLES:
            self.assertFalse(column_exists(self.env.cr, table, "snaic_id"))
            self.assertTrue(column_exists(
                self.env.cr, table, "telecom_legacy_snaic_id"))
        with self.assertLogs("odoo.addons.telecom_snaic_cfast.migrations",
                             level="WARNING") as logs:
            self.post.migrate(self.env.cr, "11.0.1.0.0")

        self.assertEqual(self.bindings(self.line), {
            (self.snaic, "SN-MIG-L1"), (self.cfast, "CF-MIG-L1")})
        # The binding the module's data made already stands.
        self.assertEqual(self.bindings(self.line_bound), {
            (self.snaic, "SN-L-000102"), (self.cfast, "880002")})
        # The active connection, not the archived one.
        self.assertEqual(self.bindings(self.partner_main),
                         {(self.snaic, "SN-MIG-PM")})
        # No active connection: the latest archived one; no CFAST
        # connection in D: the CFAST ID is not kept.
        self.assertEqual(self.bindings(self.partner_d),
                         {(self.d_newer, "SN-MIG-PD")})
        # A customer of no company: every company's connection.
        self.assertEqual(self.bindings(self.partner_shared), {
            (self.snaic, "SN-MIG-PS"), (self.d_newer, "SN-MIG-PS"),
            (self.cfast, "CF-MIG-PS")})
        self.assertFalse(self.bindings(self.site_c))
        self.assertFalse(self.bindings(self.partner_empty))
        binding = self.Binding.search([("res_model", "=", "telecom.line"),
                                       ("res_id", "=", self.line.id),
                                       ("backend_id", "=", self.snaic.id)])
        self.assertEqual(binding.system, "snaic")
        self.assertEqual(binding.company_id, self.main)
        self.assertTrue(binding.create_date and binding.create_uid)
        self.assertEqual(
            sorted(self.line.telecom_binding_ids.mapped("external_id")),
            ["CF-MIG-L1", "SN-MIG-L1"])

        warnings = "\n".join(logs.output)
        # Site C's two IDs, partner D's CFAST ID: named with their count.
        self.assertIn("1 SNAIC ID(s) of telecom.site", warnings)
        self.assertIn("1 CFAST ID(s) of telecom.site", warnings)
        self.assertIn("1 CFAST ID(s) of res.partner", warnings)
        self.assertNotIn("SNAIC ID(s) of res.partner", warnings)
        for table in TABLES:
            for column in ("snaic_id", "cfast_id", "telecom_legacy_snaic_id",
                           "telecom_legacy_cfast_id"):
                self.assertFalse(column_exists(self.env.cr, table, column),
                                 "%s.%s" % (table, column))

    def test_nothing_to_do_on_install_or_again(self):
        self.pre.migrate(self.env.cr, None)
        self.post.migrate(self.env.cr, None)
        count = self.Binding.search_count([])
        # Run again (or on a database without the old columns): no-op.
        self.pre.migrate(self.env.cr, "11.0.1.0.0")
        self.post.migrate(self.env.cr, "11.0.1.0.0")
        self.assertEqual(self.Binding.search_count([]), count)


class TestMigrationRepush(SavepointCase):
    """11.0.3.0.0: unique(update_id, system) gives way to constraints that
    allow the re-sends of lost options and still refuse duplicates."""

    UPDATE_SYSTEM = "telecom_sync_request_update_system_uniq"
    REPUSH = "telecom_sync_request_repush_uniq"

    def constraints(self):
        self.env.cr.execute("""
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'telecom_sync_request'::regclass
               AND conname IN %s""", ((self.UPDATE_SYSTEM, self.REPUSH),))
        return dict(self.env.cr.fetchall())

    def test_unique_per_maj_becomes_unique_per_application(self):
        cr = self.env.cr
        expected = self.constraints()
        Request = self.env["telecom.sync.request"]
        # As the module loads them: the same definitions as the models'.
        definitions = {"telecom_sync_request_%s" % key: definition
                       for key, definition, _message
                       in Request._sql_constraints}
        self.assertEqual(expected[self.UPDATE_SYSTEM],
                         definitions[self.UPDATE_SYSTEM])
        self.assertTrue(expected[self.UPDATE_SYSTEM].startswith("EXCLUDE"))
        # The database of 11.0.2.0.0.
        cr.execute('ALTER TABLE telecom_sync_request DROP CONSTRAINT "%s", '
                   'DROP CONSTRAINT "%s"' % (self.UPDATE_SYSTEM, self.REPUSH))
        cr.execute('ALTER TABLE telecom_sync_request ADD CONSTRAINT "%s" '
                   'UNIQUE (update_id, system)' % self.UPDATE_SYSTEM)
        pre = load_migration("pre-migration", "11.0.3.0.0")
        post = load_migration("post-migration", "11.0.3.0.0")
        pre.migrate(cr, None)
        self.assertEqual(self.constraints(), {
            self.UPDATE_SYSTEM: "UNIQUE (update_id, system)"})

        pre.migrate(cr, "11.0.2.0.0")
        self.assertEqual(self.constraints(), {})
        post.migrate(cr, "11.0.2.0.0")
        self.assertEqual(self.constraints(), expected)
        # Again: nothing changes.
        pre.migrate(cr, "11.0.2.0.0")
        post.migrate(cr, "11.0.2.0.0")
        self.assertEqual(self.constraints(), expected)
