# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""External IDs (telecom.binding): the sync's three service methods, and
who may change them, from the binding and from the line, site or
customer."""
import time

from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase
from odoo.tools import mute_logger


class BindingCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(BindingCase, cls).setUpClass()
        cls.Binding = cls.env["telecom.binding"]
        cls.snaic = cls.env.ref("telecom_snaic_cfast.demo_backend_snaic")
        cls.cfast = cls.env.ref("telecom_snaic_cfast.demo_backend_cfast")
        cls.ops = cls.env.ref("telecom_parc.demo_user_ops")
        cls.accountant = cls.env.ref("telecom_parc.demo_user_accountant")
        cls.manager = cls.env.ref("telecom_parc.demo_user_manager")
        parc = cls.env.ref("telecom_parc.demo_parc_sw1_mobile")
        subscription = cls.env.ref("telecom_parc.demo_subscription_eurof_20")
        Line = cls.env["telecom.line"]
        cls.lines = Line.browse([Line.create({
            "phone_number": "+3361100000%d" % index, "parc_id": parc.id,
            "subscription_id": subscription.id}).id for index in range(4)])
        cls.partner = cls.env.ref("telecom_parc.demo_partner_client_sw")
        cls.site = cls.env["telecom.site"].create({
            "name": "Binding Site", "code": "BINDING_SITE",
            "partner_id": cls.partner.id})

    def ids_of(self, backend, records):
        return self.Binding._telecom_external_ids(backend, records)

    def queries(self, func):
        """func()'s result and the number of SQL queries it made."""
        before = self.env.cr.sql_log_count
        result = func()
        return result, self.env.cr.sql_log_count - before


class TestBindingServices(BindingCase):

    def test_store_then_read_in_one_query(self):
        line_a, line_b, line_c, _line_d = self.lines
        self.assertEqual(self.ids_of(self.snaic, self.lines), {})
        # Read once, to see the cache refreshed by the store below.
        self.assertFalse(line_a.telecom_binding_ids)
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line",
            [(line_a.id, "SN-A"), (line_b.id, "SN-B"), (line_b.id, "SN-B2")])
        self.Binding._telecom_store_external_ids(
            self.cfast, "telecom.line", [(line_c.id, 4242)])
        found, count = self.queries(
            lambda: self.ids_of(self.snaic, self.lines))
        self.assertEqual(found, {line_a.id: "SN-A", line_b.id: "SN-B2"})
        self.assertEqual(count, 1)
        self.assertEqual(self.ids_of(self.cfast, self.lines),
                         {line_c.id: "4242"})
        # Another model's records with the same ids have none.
        self.assertEqual(self.ids_of(self.snaic, self.env["telecom.site"].browse(
            self.lines.ids)), {})
        binding = line_a.telecom_binding_ids
        self.assertEqual(binding.external_id, "SN-A")
        self.assertEqual((binding.backend_id, binding.system,
                          binding.company_id, binding.res_model),
                         (self.snaic, "snaic", self.snaic.company_id,
                          "telecom.line"))
        self.assertEqual(line_a.telecom_bound_backend_ids, self.snaic)
        self.assertIn(line_a.name, binding.res_name)
        self.assertEqual(binding.display_name, "%s: SN-A" % self.snaic.name)

        # Stored again: updated in place, one row per (connection, record).
        written = binding.write_date
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line", [(line_a.id, "SN-A"),
                                         (line_b.id, "SN-B3")])
        self.assertEqual(self.ids_of(self.snaic, line_a | line_b),
                         {line_a.id: "SN-A", line_b.id: "SN-B3"})
        self.assertEqual(line_a.telecom_binding_ids, binding)
        self.assertEqual(binding.write_date, written,
                         "an unchanged ID is not rewritten")
        self.assertEqual(self.Binding.search_count([
            ("res_model", "=", "telecom.line"),
            ("res_id", "in", self.lines.ids)]), 3)

    def test_store_thousands_in_a_few_queries(self):
        # The sync stores what it looked up; these ids need no record.
        pairs = [(900000000 + index, "SN-%d" % index) for index in range(5000)]
        start = time.time()
        _result, count = self.queries(
            lambda: self.Binding._telecom_store_external_ids(
                self.snaic, "res.partner", pairs))
        self.assertLessEqual(count, 3)
        self.assertLess(time.time() - start, 10)
        pairs = [(res_id, value + "-bis") for res_id, value in pairs]
        _result, count = self.queries(
            lambda: self.Binding._telecom_store_external_ids(
                self.snaic, "res.partner", pairs))
        self.assertLessEqual(count, 3)
        found = self.ids_of(self.snaic, self.env["res.partner"].browse(
            [res_id for res_id, _value in pairs]))
        self.assertEqual(len(found), 5000)
        self.assertEqual(found[900000042], "SN-42-bis")

    def test_missing_domain_selects_records_without_id_in_that_system(self):
        line_a, line_b, line_c, line_d = self.lines
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line", [(line_a.id, "SN-A"),
                                         (line_b.id, "SN-B")])
        # line_c has an ID in CFAST only, line_d none at all.
        self.Binding._telecom_store_external_ids(
            self.cfast, "telecom.line", [(line_b.id, "CF-B"),
                                         (line_c.id, "CF-C")])
        # A site with line_c's id has an ID: not line_c's.
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.site", [(line_c.id, "SN-SITE")])
        Line = self.env["telecom.line"]
        in_lines = [("id", "in", self.lines.ids)]
        missing, count = self.queries(lambda: Line.search(
            self.Binding._telecom_missing_domain(self.snaic, "telecom.line") +
            in_lines))
        self.assertEqual(missing, line_c | line_d)
        self.assertEqual(count, 1, "one query, the bindings in a sub-select")
        self.assertEqual(Line.search(self.Binding._telecom_missing_domain(
            self.cfast, "telecom.line") + in_lines), line_a | line_d)
        # The same field answers the other questions.
        self.assertEqual(Line.search([
            ("telecom_bound_backend_ids", "=", False)] + in_lines), line_d)
        self.assertEqual(Line.search([
            ("telecom_bound_backend_ids", "!=", False)] + in_lines),
            line_a | line_b | line_c)
        self.assertEqual(Line.search([
            ("telecom_bound_backend_ids", "in", self.snaic.ids)] + in_lines),
            line_a | line_b)
        self.assertEqual(Line.search([
            ("telecom_bound_backend_ids", "not in", ["cfast"])] + in_lines),
            line_a | line_d)
        self.assertEqual(Line.search([
            ("telecom_bound_backend_ids.system", "=", "cfast")] + in_lines),
            line_b | line_c)
        self.assertEqual(Line.search([
            ("telecom_bound_backend_ids", "in", [])] + in_lines), Line)
        # The line list's filter.
        action_domain = [("telecom_bound_backend_ids", "not in", ["snaic"])]
        self.assertEqual(Line.search(action_domain + in_lines),
                         line_c | line_d)
        with self.assertRaises(ValidationError):
            self.Binding._telecom_missing_domain(self.snaic, "telecom.parc")

    def test_models_with_external_ids(self):
        self.assertEqual(self.Binding._telecom_bound_models(),
                         ["res.partner", "telecom.line", "telecom.site"])


class TestBindingAccess(BindingCase):

    def test_read_by_telecom_users_written_by_managers_only(self):
        line = self.lines[0]
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line", [(line.id, "SN-REAL")])
        binding = line.telecom_binding_ids
        for user in (self.ops, self.accountant):
            self.assertEqual(binding.sudo(user).external_id, "SN-REAL")
            self.assertEqual(line.sudo(user).telecom_binding_ids, binding)
            # Whatever the context a caller sends.
            Binding = self.Binding.sudo(user).with_context(
                telecom_sync_no_commit=True, tracking_disable=True,
                active_test=False)
            with self.assertRaises(AccessError):
                Binding.browse(binding.id).write({"external_id": "FORGED"})
            with self.assertRaises(AccessError):
                Binding.create({"backend_id": self.snaic.id,
                                "res_model": "telecom.line",
                                "res_id": self.lines[1].id,
                                "external_id": "FORGED"})
            with self.assertRaises(AccessError):
                Binding.browse(binding.id).unlink()
        self.assertEqual(binding.external_id, "SN-REAL")
        binding.sudo(self.manager).write({"external_id": "SN-FIXED"})
        self.assertEqual(binding.external_id, "SN-FIXED")
        binding.sudo(self.manager).unlink()
        self.assertFalse(line.telecom_binding_ids)

    def test_not_written_from_the_line_site_or_customer_side(self):
        line = self.lines[0]
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line", [(line.id, "SN-REAL")])
        binding = line.telecom_binding_ids
        site, partner = self.site, self.partner
        for record in (site, partner):
            self.Binding._telecom_store_external_ids(
                self.cfast, record._name, [(record.id, "CF-REAL")])
        commands = [
            [(0, 0, {"backend_id": self.cfast.id, "external_id": "FORGED"})],
            [(1, binding.id, {"external_id": "FORGED"})],
            [(2, binding.id)], [(3, binding.id)], [(5,)], [(6, 0, [])],
        ]
        for user in (self.ops, self.accountant):
            for record in (line, site, partner):
                for command in commands:
                    with self.assertRaises(AccessError, msg="%s %s %s" % (
                            user.login, record, command)):
                        record.sudo(user).with_context(
                            telecom_sync_no_commit=True).write(
                                {"telecom_binding_ids": command})
        self.assertEqual(line.telecom_binding_ids, binding)
        self.assertEqual(binding.external_id, "SN-REAL")

    def test_managers_edit_them_from_the_record(self):
        line = self.lines[0]
        site = self.site.sudo(self.manager)
        line.sudo(self.manager).write({"telecom_binding_ids": [(0, 0, {
            "backend_id": self.snaic.id, "external_id": "SN-MANUAL",
            # Forged: the binding is the line's, of its connection's system.
            "res_model": "res.partner", "system": "cfast"})]})
        binding = line.telecom_binding_ids
        self.assertEqual((binding.res_model, binding.res_id, binding.system,
                          binding.external_id),
                         ("telecom.line", line.id, "snaic", "SN-MANUAL"))
        # Removed from the record: deleted, not left pointing to nothing.
        line.sudo(self.manager).write({"telecom_binding_ids": [
            (3, binding.id)]})
        self.assertFalse(binding.exists())
        site.write({"telecom_binding_ids": [(0, 0, {
            "backend_id": self.cfast.id, "external_id": "CF-SITE"})]})
        self.assertEqual(self.ids_of(self.cfast, self.site),
                         {self.site.id: "CF-SITE"})
        site.write({"telecom_binding_ids": [(6, 0, [])]})
        self.assertFalse(self.ids_of(self.cfast, self.site))
        self.assertFalse(self.Binding.search([("res_id", "=", 0)]))
        # One ID per connection and record.
        line.sudo(self.manager).write({"telecom_binding_ids": [(0, 0, {
            "backend_id": self.snaic.id, "external_id": "SN-1"})]})
        with self.assertRaises(IntegrityError), self.env.cr.savepoint(), \
                mute_logger("odoo.sql_db"):
            line.sudo(self.manager).write({"telecom_binding_ids": [(0, 0, {
                "backend_id": self.snaic.id, "external_id": "SN-2"})]})

    def test_only_lines_sites_and_customers_of_ones_company(self):
        Binding = self.Binding.sudo(self.manager)
        parc = self.env.ref("telecom_parc.demo_parc_sw1_mobile")
        for res_model, res_id in (("telecom.parc", parc.id),
                                  ("res.users", self.ops.id),
                                  ("telecom.line", 999999999),
                                  ("telecom.line", 2 ** 40)):
            with self.assertRaises(ValidationError):
                Binding.create({"backend_id": self.snaic.id,
                                "res_model": res_model, "res_id": res_id,
                                "external_id": "X"})
        company_b = self.env["res.company"].create({"name": "Binding B"})
        backend_b = self.env["telecom.api.backend"].create({
            "name": "SNAIC B", "system": "snaic", "company_id": company_b.id,
            "base_url": "http://127.0.0.1:9"})
        partner_b = self.env["res.partner"].create({
            "name": "Customer B", "company_id": company_b.id})
        site_b = self.env["telecom.site"].create({
            "name": "Site B", "code": "BINDING_B", "partner_id": partner_b.id,
            "company_id": company_b.id})
        with self.assertRaises(AccessError):
            Binding.create({"backend_id": backend_b.id,
                            "res_model": "telecom.line",
                            "res_id": self.lines[0].id, "external_id": "X"})
        with self.assertRaises(AccessError):
            Binding.create({"backend_id": self.snaic.id,
                            "res_model": "telecom.site",
                            "res_id": site_b.id, "external_id": "X"})
        binding = Binding.create({
            "backend_id": self.snaic.id, "res_model": "telecom.line",
            "res_id": self.lines[0].id, "external_id": "X",
            "company_id": company_b.id})
        self.assertEqual(binding.company_id, self.snaic.company_id)
        with self.assertRaises(AccessError):
            binding.write({"backend_id": backend_b.id})
        binding.write({"company_id": company_b.id, "system": "cfast"})
        self.assertEqual((binding.company_id, binding.system),
                         (self.snaic.company_id, "snaic"))
        # Company B's IDs are not shown in company A.
        self.Binding._telecom_store_external_ids(
            backend_b, "telecom.line", [(self.lines[1].id, "SN-B")])
        self.assertFalse(self.lines[1].sudo(self.ops).telecom_binding_ids)

    def test_read_only_list_in_the_forms_for_non_managers(self):
        view = self.env.ref(
            "telecom_snaic_cfast.telecom_binding_view_tree_record")
        for user, allowed in ((self.ops, "false"), (self.accountant, "false"),
                              (self.manager, None)):
            arch = etree.fromstring(self.Binding.sudo(user).fields_view_get(
                view_id=view.id, view_type="tree")["arch"])
            for attribute in ("create", "edit", "delete"):
                self.assertEqual(arch.get(attribute), allowed,
                                 (user.login, attribute))
        form = self.env["telecom.line"].sudo(self.ops).fields_view_get(
            view_type="form")
        self.assertIn("telecom_binding_ids", form["fields"])
        # Who is not a Telecom user does not get the IDs on a customer.
        salesman = self.env["res.users"].create({
            "name": "Salesman", "login": "binding_salesman",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        partner_form = self.env["res.partner"].sudo(
            salesman).fields_view_get(view_type="form")["fields"]
        self.assertNotIn("telecom_binding_ids", partner_form)
        self.partner.sudo(salesman).read(["name"])
        # What the web client reads for that form (a plain read() of every
        # field meets the invoices' rights once accounting is installed).
        self.partner.sudo(salesman).read(list(partner_form))

    def test_key_change_deletion_and_copy(self):
        line_a, line_b, _line_c, _line_d = self.lines
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line", [(line_a.id, "SN-A"),
                                         (line_b.id, "SN-B")])
        self.Binding._telecom_store_external_ids(
            self.cfast, "telecom.line", [(line_a.id, "CF-A")])
        line_a.sudo(self.ops).write({"user_name": "Renamed"})
        self.assertEqual(len(line_a.telecom_binding_ids), 2)
        # The same number written otherwise is the same number.
        line_a.sudo(self.ops).write({"phone_number": "06 11 00 00 00"})
        self.assertEqual(len(line_a.telecom_binding_ids), 2)
        line_a.sudo(self.ops).write({"phone_number": "+33611009999"})
        self.assertFalse(line_a.telecom_binding_ids)
        self.assertEqual(self.ids_of(self.snaic, line_b), {line_b.id: "SN-B"})
        # A manager correcting the number and an ID at once keeps that ID.
        binding = self.Binding.search([("res_model", "=", "telecom.line"),
                                       ("res_id", "=", line_b.id)])
        line_b.sudo(self.manager).write({
            "phone_number": "+33611008888",
            "telecom_binding_ids": [(1, binding.id, {"external_id": "SN-NEW"}),
                                    (0, 0, {"backend_id": self.cfast.id,
                                            "external_id": "CF-NEW"})]})
        self.assertEqual(self.ids_of(self.snaic, line_b),
                         {line_b.id: "SN-NEW"})
        self.assertEqual(self.ids_of(self.cfast, line_b),
                         {line_b.id: "CF-NEW"})
        # Sites (code) and customers (reference) too.
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.site", [(self.site.id, "SN-S")])
        self.site.sudo(self.ops).write({"code": "SITE_RENAMED"})
        self.assertFalse(self.ids_of(self.snaic, self.site))
        partner = self.env["res.partner"].create({"name": "Bound",
                                                  "ref": "REF-1"})
        self.Binding._telecom_store_external_ids(
            self.snaic, "res.partner", [(partner.id, "SN-C")])
        self.assertFalse(partner.copy().telecom_binding_ids)
        partner.write({"ref": "REF-2"})
        self.assertFalse(self.ids_of(self.snaic, partner))

    def test_deleting_the_record_deletes_its_ids(self):
        line = self.lines[0]
        partner = self.env["res.partner"].create({"name": "To Delete"})
        self.Binding._telecom_store_external_ids(
            self.snaic, "telecom.line", [(line.id, "SN-L")])
        self.Binding._telecom_store_external_ids(
            self.snaic, "res.partner", [(partner.id, "SN-C")])
        line_id, partner_id = line.id, partner.id
        line.sudo(self.ops).unlink()
        partner.unlink()
        self.assertFalse(self.Binding.search([
            "|", "&", ("res_model", "=", "telecom.line"),
            ("res_id", "=", line_id),
            "&", ("res_model", "=", "res.partner"),
            ("res_id", "=", partner_id)]))
