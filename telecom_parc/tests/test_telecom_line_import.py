# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import TelecomParcCase


class TestTelecomLineImport(TelecomParcCase):
    """Odoo's CSV import goes through ``load()``."""

    @classmethod
    def setUpClass(cls):
        super(TestTelecomLineImport, cls).setUpClass()
        cls.env["ir.model.data"].create({
            "module": "__import__",
            "name": "test_parc_mobile",
            "model": "telecom.parc",
            "res_id": cls.parc.id,
        })

    def test_load_by_external_id(self):
        result = self.env["telecom.line"].load(
            ["phone_number", "user_name", "customer_account", "parc_id/id",
             "subscription_id"],
            [["0633000001", "u1", "c1", "__import__.test_parc_mobile",
              "Test 100Go"],
             ["06 33 00 00 02", "u2", "c2", "__import__.test_parc_mobile",
              "Test 20Go"],
             ["+33 6 33 00 00 03", "u3", "", "__import__.test_parc_mobile",
              ""],
             ["633000004", "u4", "", "__import__.test_parc_mobile", ""]])
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"],
            result["messages"])
        lines = self.env["telecom.line"].browse(result["ids"])
        self.assertEqual(
            lines.mapped("phone_number"),
            ["+33633000001", "+33633000002", "+33633000003", "+33633000004"])
        self.assertEqual(lines.mapped("name"), [
            "0633000001", "0633000002", "0633000003", "0633000004"])
        self.assertEqual(lines.mapped("parc_id"), self.parc)
        self.assertEqual(lines[0].subscription_id, self.sub_100)
        self.assertEqual(lines[1].subscription_id, self.sub_20)
        self.assertEqual(lines[0].site_id, self.site)

    def test_load_by_parc_name(self):
        # The plain name when it is unique, the complete name
        # (site code / service / operator) otherwise.
        result = self.env["telecom.line"].load(
            ["name", "phone_number", "parc_id"],
            [["L-1", "0633000011", "Internet / Opérateur Test"],
             ["", "+33633000012", "TSITE1 / Mobile / Opérateur Test"]])
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"],
            result["messages"])
        lines = self.env["telecom.line"].browse(result["ids"])
        self.assertEqual(lines[0].parc_id, self.parc_internet)
        self.assertEqual(lines[0].name, "L-1")
        self.assertEqual(lines[1].parc_id, self.parc)
        self.assertEqual(lines[1].name, "0633000012")

    def test_load_refuses_bad_rows(self):
        self._create_line("0633000021")
        count = self.env["telecom.line"].search_count([])
        result = self.env["telecom.line"].load(
            ["phone_number", "parc_id/id"],
            [["0633000022", "__import__.test_parc_mobile"],
             ["not a number", "__import__.test_parc_mobile"],
             ["+33 6 33 00 00 21", "__import__.test_parc_mobile"]])
        errors = [m["message"] for m in result["messages"]
                  if m["type"] == "error"]
        self.assertFalse(result["ids"])
        self.assertEqual(len(errors), 2, errors)
        self.assertIn("not a number", errors[0])
        self.assertIn("0633000021", errors[1])
        self.assertEqual(self.env["telecom.line"].search_count([]), count)
