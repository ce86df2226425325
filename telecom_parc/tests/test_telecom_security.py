# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError

from .common import TelecomParcCase


class TestTelecomSecurity(TelecomParcCase):

    @classmethod
    def setUpClass(cls):
        super(TestTelecomSecurity, cls).setUpClass()
        cls.line = cls._create_line("0655000001", user_name="u1")
        cls.company_b = cls.env["res.company"].create(
            {"name": "Telecom Company B"})
        cls.user_b = cls._create_user(
            "test_ops_b", "telecom_parc.group_telecom_user", cls.company_b)
        cls.site_b = cls.env["telecom.site"].create({
            "name": "Site B", "code": "TSITEB",
            "partner_id": cls.customer.id, "company_id": cls.company_b.id})
        cls.parc_b = cls.env["telecom.parc"].create({
            "site_id": cls.site_b.id, "service_type": "mobile",
            "partner_operator_id": cls.operator.id})
        cls.line_b = cls._create_line("0655000002", parc=cls.parc_b)

    def test_telecom_user_manages_lines(self):
        Line = self.env["telecom.line"].sudo(self.user_ops)
        line = Line.create({"phone_number": "0655000010",
                            "parc_id": self.parc.id})
        line.write({"user_name": "par ops"})
        self.assertEqual(line.user_name, "par ops")
        site = self.env["telecom.site"].sudo(self.user_ops).create({
            "name": "Site ops", "code": "TOPS",
            "partner_id": self.customer.id})
        self.assertEqual(site.company_id, self.company)
        line.unlink()
        self.assertFalse(line.exists())

    def test_accountant_reads_only(self):
        line = self.line.sudo(self.user_accountant)
        self.assertEqual(line.read(["user_name"])[0]["user_name"], "u1")
        self.assertEqual(line.site_id.code, "TSITE1")
        self.assertEqual(line.parc_id.sudo(self.user_accountant).name,
                         "Mobile / Opérateur Test")
        with self.assertRaises(AccessError):
            line.write({"user_name": "x"})
        with self.assertRaises(AccessError):
            self.env["telecom.line"].sudo(self.user_accountant).create({
                "phone_number": "0655000011", "parc_id": self.parc.id})
        with self.assertRaises(AccessError):
            line.unlink()
        for record in (self.site, self.parc):
            with self.assertRaises(AccessError):
                record.sudo(self.user_accountant).write({"active": False})
            with self.assertRaises(AccessError):
                record.sudo(self.user_accountant).unlink()
        with self.assertRaises(AccessError):
            self.env["telecom.site"].sudo(self.user_accountant).create({
                "name": "X", "code": "TX", "partner_id": self.customer.id})
        self.assertEqual(self.line.user_name, "u1")

    def test_accountant_cannot_use_line_wizards(self):
        with self.assertRaises(AccessError):
            self.env["telecom.line.mass.edit"].sudo(
                self.user_accountant).create({
                    "line_ids": [(6, 0, self.line.ids)],
                    "user_name": "x"}).action_confirm()
        with self.assertRaises(AccessError):
            self.env["telecom.line.delete"].sudo(
                self.user_accountant).create({
                    "line_ids": [(6, 0, self.line.ids)]}).action_confirm()
        self.assertTrue(self.line.exists())
        self.assertEqual(self.line.user_name, "u1")

    def test_subscriptions_configured_by_managers(self):
        Subscription = self.env["telecom.subscription"]
        created = Subscription.sudo(self.user_manager).create(
            {"name": "Forfait manager", "data_allowance_gb": 50})
        self.assertTrue(created.has_data_allowance)
        with self.assertRaises(AccessError):
            Subscription.sudo(self.user_ops).create({"name": "Forfait ops"})
        with self.assertRaises(AccessError):
            self.sub_100.sudo(self.user_ops).write({"data_allowance_gb": 1})
        self.assertEqual(self.sub_100.sudo(self.user_ops).name, "Test 100Go")
        with self.assertRaises(AccessError):
            Subscription.sudo(self.user_accountant).create({"name": "Acc"})

    def test_manager_implies_user(self):
        self.assertTrue(self.user_manager.has_group(
            "telecom_parc.group_telecom_user"))
        self.assertFalse(self.user_accountant.has_group(
            "telecom_parc.group_telecom_user"))
        self.assertTrue(self.env.ref("base.user_root").has_group(
            "telecom_parc.group_telecom_manager"))

    def test_company_isolation(self):
        for model, record_a, record_b in (
                ("telecom.site", self.site, self.site_b),
                ("telecom.parc", self.parc, self.parc_b),
                ("telecom.line", self.line, self.line_b)):
            found_b = self.env[model].sudo(self.user_b).search([])
            self.assertNotIn(record_a, found_b, model)
            self.assertIn(record_b, found_b, model)
            found_a = self.env[model].sudo(self.user_ops).search([])
            self.assertIn(record_a, found_a, model)
            self.assertNotIn(record_b, found_a, model)
            with self.assertRaises(AccessError):
                record_a.sudo(self.user_b).read(["display_name"])
        self.assertFalse(self.env["telecom.line"].sudo(self.user_b).search(
            [("phone_search", "ilike", "0655000001")]))
        # The same number may live in both companies.
        line = self.env["telecom.line"].sudo(self.user_b).create({
            "phone_number": "0655000001", "parc_id": self.parc_b.id})
        self.assertEqual(line.company_id, self.company_b)

    def test_no_write_moves_a_line_into_another_company(self):
        line = self.line.sudo(self.user_ops)
        with self.assertRaises(AccessError):
            line.write({"parc_id": self.parc_b.id})
        wizard = self.env["telecom.line.mass.edit"].sudo(self.user_ops)
        with self.assertRaises(AccessError):
            wizard.create({"line_ids": [(6, 0, line.ids)],
                           "parc_id": self.parc_b.id})
        with self.assertRaises(AccessError):
            self.site.sudo(self.user_ops).write(
                {"company_id": self.company_b.id})
        self.assertEqual(self.line.company_id, self.company)

    def test_refusals_name_no_record_of_another_company(self):
        # The same number as company B's line, moved into B's parc.
        line = self._create_line("0655000002", user_name="twin")
        with self.assertRaises(AccessError) as refusal:
            line.sudo(self.user_ops).write({"parc_id": self.parc_b.id})
        self.assertNotIn("TSITEB", str(refusal.exception))
        self.assertNotIn(self.line_b.name, str(refusal.exception))

    def test_wizards_refuse_other_companies_records_and_outsiders(self):
        portal = self.env["res.users"].create({
            "name": "Portal", "login": "test_portal_wizard",
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        for model in ("telecom.line.mass.edit", "telecom.line.delete",
                      "telecom.line.task", "telecom.line.add"):
            with self.assertRaises(AccessError):
                self.env[model].sudo(portal).create({})
            with self.assertRaises(AccessError):
                self.env[model].sudo(self.user_ops).with_context(
                    active_model="telecom.line",
                    active_ids=self.line_b.ids).create({})

    def test_line_with_history_deleted_gets_the_archive_rule(self):
        line = self._create_line("0655000020")
        line.message_post(body="A note", message_type="comment")
        with self.assertRaises(UserError) as refusal:
            line.sudo(self.user_ops).unlink()
        self.assertIn("Archive", str(refusal.exception))
        self.assertTrue(line.exists())
