# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError

from ..tools.xlsx import read_xlsx_rows
from .common import TelecomRechargeCase

HEADER = ["Date", "Customer", "Site", "Parc", "Phone Number", "Line ID",
          "One-off Option", "Quantity", "Unit Price", "Amount", "Currency",
          "Deployment", "Status", "Kind", "Reversal Of"]


class TestOneOffXlsx(TelecomRechargeCase):
    """The accountant's spreadsheet of the one-off options: names, never
    technical ids; from the analysis' Print menu or the export dialog."""

    @classmethod
    def setUpClass(cls):
        super(TestOneOffXlsx, cls).setUpClass()
        cls.report = cls.env.ref(
            "telecom_recharge.telecom_one_off_report_xlsx")
        _action, cls.done = cls._recharge_lines(cls.line_20 | cls.line_100)
        cls.done.write({"date_installed": "2026-03-01",
                        "date_activation": "2026-03-02"})
        cls.done.action_done()
        _action, cls.draft = cls._recharge_lines(cls.line_50)
        cls.Report = cls.env["telecom.one.off.report"].sudo(
            cls.user_accountant)

    @classmethod
    def _recharge_lines(cls, lines):
        wizard = cls.env["telecom.line.recharge"].with_context(
            active_model="telecom.line", active_ids=lines.ids).create(
                {"data_gb": 2})
        return wizard.action_confirm(), wizard.deployment_ids

    def _render(self, rows=None, data=None):
        report = self.report.sudo(self.user_accountant)
        content, kind = report.render_xlsx(
            rows.ids if rows is not None else None, data or {})
        self.assertEqual(kind, "xlsx")
        return read_xlsx_rows(content)

    def test_one_row_per_option_with_names(self):
        rows = self.Report.search([("deployment_id", "=", self.done.id)],
                                  order="amount")
        sheet = self._render(rows)
        self.assertEqual(sheet[0], HEADER)
        self.assertEqual(len(sheet), 1 + 2 + 1)  # header, 2 options, total
        line_20_row = [r for r in sheet[1:3] if r[5] == self.line_20.name][0]
        self.assertEqual(line_20_row[1:7], [
            self.customer.name,
            self.site.display_name,
            self.parc.display_name,
            self.line_20.phone_national,
            self.line_20.name,
            self.product_lt50.display_name,
        ])
        self.assertEqual(line_20_row[7:11], [2.0, 1.0, 2.0, "EUR"])
        self.assertEqual(line_20_row[11:], [self.done.name, "Done", "Top-up",
                                            ""])
        # 2026-03-02 as an Excel date (days since 1899-12-30).
        self.assertEqual(line_20_row[0], 46083.0)
        self.assertEqual(sheet[3][0], "Total")
        self.assertEqual(sheet[3][HEADER.index("Amount")],
                         sum(rows.mapped("amount")))
        texts = [cell for row in sheet for cell in row
                 if isinstance(cell, str)]
        for text in texts:
            self.assertNotIn("telecom_parc.", text)
            self.assertNotIn("__export__", text)

    def test_header_without_the_spaces_of_another_addon_translation(self):
        # Odoo 11's _() finds a code translation of any addon: another
        # addon's "Date " (account's, in French) must not make a header
        # with a trailing space.
        self.env["ir.translation"].create({
            "type": "code", "lang": "en_US", "module": "base",
            "name": "addons/base/another_file.py", "src": "Date",
            "value": "Date ", "state": "translated"})
        rows = self.Report.search([("deployment_id", "=", self.done.id)])
        self.assertEqual(self._render(rows)[0], HEADER)

    def test_export_dialog_the_done_options_of_a_period(self):
        Export = self.env["telecom.one.off.export"].sudo(
            self.user_accountant)
        export = Export.create({"date_from": "2026-03-01",
                                "date_to": "2026-03-31"})
        action = export.action_export()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(action["report_name"],
                         "telecom_recharge.one_off_report_xlsx")
        sheet = self._render(data=action["data"])
        deployments = {row[HEADER.index("Deployment")] for row in sheet[1:-1]}
        self.assertEqual(deployments, {self.done.name})
        self.assertEqual(len(sheet), 1 + 2 + 1)

    def test_export_dialog_refusals(self):
        Export = self.env["telecom.one.off.export"].sudo(
            self.user_accountant)
        with self.assertRaises(UserError) as error:
            Export.create({"date_from": "2025-01-01",
                           "date_to": "2025-01-31"}).action_export()
        self.assertIn("No one-off option", str(error.exception))
        with self.assertRaises(UserError) as error:
            Export.create({"date_from": "2026-03-31",
                           "date_to": "2026-03-01"}).action_export()
        self.assertIn("swap the two dates", str(error.exception))

    def test_export_dialog_defaults_to_this_month(self):
        export = self.env["telecom.one.off.export"].create({})
        self.assertTrue(export.date_from.endswith("-01"))
        self.assertLess(export.date_from, export.date_to)
        self.assertTrue(export.done_only)

    def test_print_menu_of_the_analysis(self):
        self.assertEqual(self.report.binding_model_id.model,
                         "telecom.one.off.report")
        self.assertEqual(self.report.report_type, "xlsx")

    def test_not_for_portal_users(self):
        portal = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Portal xlsx", "login": "portal_xlsx",
                "email": "portal_xlsx@example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        with self.assertRaises(AccessError):
            self.env["telecom.one.off.export"].sudo(portal).create({})
        rows = self.Report.search([("deployment_id", "=", self.done.id)])
        with self.assertRaises(AccessError):
            self.report.sudo(portal).render_xlsx(rows.ids, {})
