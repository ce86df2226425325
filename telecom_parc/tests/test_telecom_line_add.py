# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import TelecomParcCase


class TestTelecomLineAdd(TelecomParcCase):

    @classmethod
    def setUpClass(cls):
        super(TestTelecomLineAdd, cls).setUpClass()
        cls.existing = cls._create_line("0622000001", user_name="Déjà là")
        cls.Wizard = cls.env["telecom.line.add"]

    def _counts(self):
        return (self.env["telecom.line"].with_context(
                    active_test=False).search_count([]),
                self.env["telecom.site"].with_context(
                    active_test=False).search_count([]),
                self.env["telecom.parc"].with_context(
                    active_test=False).search_count([]))

    def test_add_to_new_site_and_new_parc(self):
        wizard = self.Wizard.create({
            "site_mode": "new",
            "site_name": "Nouveau site",
            "site_code": "TNEW1",
            "site_partner_id": self.customer.id,
            "parc_mode": "new",
            "parc_service_type": "mobile",
            "parc_partner_operator_id": self.operator.id,
            "subscription_id": self.sub_20.id,
            "lines_text": "0622000094;user5;cc5\n"
                          "07 00 00 03 95\tuser6\tcc6\n"
                          "\n"
                          "+33 7 00 00 03 96\n",
        })
        action = wizard.action_confirm()
        lines = self.env["telecom.line"].search(action["domain"])
        self.assertEqual(len(lines), 3)
        self.assertEqual(action["res_model"], "telecom.line")
        site = self.env["telecom.site"].search([("code", "=", "TNEW1")])
        self.assertEqual(site.name, "Nouveau site")
        self.assertEqual(site.partner_id, self.customer)
        self.assertEqual(len(site.parc_ids), 1)
        self.assertEqual(site.parc_ids.partner_operator_id, self.operator)
        self.assertEqual(lines.mapped("parc_id"), site.parc_ids)
        self.assertEqual(lines.mapped("subscription_id"), self.sub_20)
        by_number = {line.phone_number: line for line in lines}
        self.assertEqual(by_number["+33622000094"].user_name, "user5")
        self.assertEqual(by_number["+33622000094"].customer_account, "cc5")
        self.assertEqual(by_number["+33622000094"].name, "0622000094")
        self.assertEqual(by_number["+33700000395"].user_name, "user6")
        self.assertFalse(by_number["+33700000396"].user_name)

    def test_add_to_existing_parc_from_selected_lines(self):
        wizard = self.Wizard.with_context(
            active_model="telecom.line",
            active_ids=self.existing.ids).create({
                "lines_text": "0622000010;u10;c10\n0622000011",
            })
        self.assertEqual(wizard.site_id, self.site)
        self.assertEqual(wizard.parc_id, self.parc)
        action = wizard.action_confirm()
        lines = self.env["telecom.line"].search(action["domain"])
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.mapped("parc_id"), self.parc)
        self.assertEqual(self.parc.line_count, 3)

    def test_add_new_parc_on_existing_site(self):
        wizard = self.Wizard.create({
            "site_mode": "existing",
            "site_id": self.site.id,
            "parc_mode": "new",
            "parc_service_type": "fixed",
            "parc_partner_operator_id": self.operator.id,
            "lines_text": "0522000020",
        })
        action = wizard.action_confirm()
        line = self.env["telecom.line"].search(action["domain"])
        self.assertEqual(line.site_id, self.site)
        self.assertEqual(line.parc_id.service_type, "fixed")
        self.assertNotIn(line.parc_id, self.parc | self.parc_internet)

    def test_bad_rows_listed_and_nothing_created(self):
        before = self._counts()
        wizard = self.Wizard.create({
            "site_mode": "new",
            "site_name": "Site refusé",
            "site_code": "TBAD1",
            "site_partner_id": self.customer.id,
            "parc_mode": "new",
            "parc_service_type": "mobile",
            "parc_partner_operator_id": self.operator.id,
            "lines_text": "0622000030;ok;ok\n"          # row 1: good
                          "12345;bad;number\n"          # row 2: invalid
                          "06 22 00 00 30;again\n"      # row 3: dup in paste
                          "abc\n"                       # row 4: invalid
                          "0622000031;a;b;c\n"          # row 5: columns
                          ";no number\n"                # row 6: missing
                          "0622000032\n",               # row 7: good
        })
        with self.assertRaises(UserError) as error:
            wizard.action_confirm()
        message = error.exception.name
        for row, text in ((2, "12345;bad;number"), (3, "06 22 00 00 30"),
                          (4, "abc"), (5, "0622000031;a;b;c"),
                          (6, ";no number")):
            self.assertIn('Row %d "%s' % (row, text), message)
        self.assertIn("row 1", message)
        self.assertNotIn("Row 1 ", message)
        self.assertNotIn("Row 7 ", message)
        # All or nothing: no line, no site, no parc.
        self.assertEqual(self._counts(), before)
        self.assertFalse(self.env["telecom.site"].search(
            [("code", "=", "TBAD1")]))

    def test_duplicate_of_existing_active_line(self):
        before = self._counts()
        wizard = self.Wizard.create({
            "site_mode": "existing",
            "site_id": self.site.id,
            "parc_mode": "new",
            "parc_service_type": "other",
            "parc_partner_operator_id": self.operator.id,
            "lines_text": "0622000040\n+33 6 22 00 00 01;x",
        })
        with self.assertRaises(UserError) as error:
            wizard.action_confirm()
        self.assertIn('Row 2 "+33 6 22 00 00 01;x"', error.exception.name)
        self.assertIn(self.existing.name, error.exception.name)
        self.assertEqual(self._counts(), before)
        # Once the existing line is archived the number can be added.
        self.existing.active = False
        wizard.action_confirm()
        self.assertEqual(self._counts()[0], before[0] + 2)

    def test_site_and_parc_errors(self):
        wizard = self.Wizard.create({
            "site_mode": "new",
            "site_name": "Doublon",
            "site_code": "TSITE1",
            "site_partner_id": self.customer.id,
            "parc_mode": "new",
            "lines_text": "0622000050",
        })
        with self.assertRaises(UserError) as error:
            wizard.action_confirm()
        self.assertIn("TSITE1", error.exception.name)
        self.assertIn("partner operator", error.exception.name)
        self.assertFalse(self.env["telecom.line"].search(
            [("phone_number", "=", "+33622000050")]))

    def test_empty_paste_refused(self):
        wizard = self.Wizard.create({
            "site_id": self.site.id, "parc_id": self.parc.id,
            "lines_text": "\n  \n"})
        with self.assertRaises(UserError):
            wizard.action_confirm()

    def test_parc_of_another_site_refused(self):
        other_site = self.env["telecom.site"].create({
            "name": "Autre", "code": "TSITE9",
            "partner_id": self.customer.id})
        wizard = self.Wizard.create({
            "site_id": other_site.id, "parc_id": self.parc.id,
            "lines_text": "0622000060"})
        with self.assertRaises(UserError) as error:
            wizard.action_confirm()
        self.assertIn("belongs to the site", error.exception.name)
