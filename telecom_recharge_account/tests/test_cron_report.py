# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import UserError

from .common import MARCH, TelecomInvoiceCase

WIZARD_LOGGER = \
    "odoo.addons.telecom_recharge_account.wizards.telecom_one_off_invoice"


class TestInvoicingCron(TelecomInvoiceCase):
    """The monthly scheduled action, off by default, invoices last month
    for every company; a company to fix does not stop the others."""

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingCron, cls).setUpClass()
        today = fields.Date.from_string(fields.Date.context_today(
            cls.Wizard))
        cls.last_month = fields.Date.to_string(
            today + relativedelta(day=3, months=-1))
        cls.this_month = fields.Date.to_string(today + relativedelta(day=1))
        cls.dep_a = cls._deploy({cls.line_20: 2}, cls.last_month)
        cls.dep_a_now = cls._deploy({cls.line_100: 2}, cls.this_month)
        cls.dep_b = cls._deploy({cls.line_company_b: 3}, cls.last_month,
                                company=cls.company_b)

    def test_cron_inactive(self):
        cron = self.env.ref(
            "telecom_recharge_account.ir_cron_telecom_one_off_invoice")
        self.assertFalse(cron.active)
        self.assertEqual(cron.model_id.model, "telecom.one.off.invoice")
        self.assertEqual(cron.code, "model._cron_invoice_last_month()")
        self.assertEqual((cron.interval_number, cron.interval_type),
                         (1, "months"))

    def test_cron_every_company(self):
        self.assertTrue(self.Wizard._cron_invoice_last_month())
        invoice_a = self.dep_a.option_ids.invoice_id
        invoice_b = self.dep_b.option_ids.invoice_id
        self.assertEqual(invoice_a.company_id, self.company)
        self.assertEqual(invoice_b.company_id, self.company_b)
        self.assertEqual(invoice_b.journal_id, self.acc_b["journal"])
        for invoice in invoice_a | invoice_b:
            self.assertEqual(invoice.state, "draft")
            self.assertEqual(invoice.telecom_date_from,
                             self.last_month[:8] + "01")
        self.assertAlmostEqual(invoice_a.amount_total, 2.4)
        self.assertAlmostEqual(invoice_b.amount_total, 3.6)
        # This month's wait for next month.
        self.assertFalse(self.dep_a_now.option_ids.invoice_line_id)

    def test_cron_company_in_error(self):
        # The main company, invoiced first, has no income account for the
        # one-off option any more.
        for record in (self.product_lt50.product_tmpl_id,
                       self.product_lt50.categ_id):
            field = "property_account_income_id" \
                if record._name == "product.template" else \
                "property_account_income_categ_id"
            record.with_context(force_company=self.company.id).write(
                {field: False})
        before = self.Invoice.search_count(
            [("company_id", "=", self.company.id)])
        with self.assertLogs(WIZARD_LOGGER, level="ERROR") as logs:
            self.assertTrue(self.Wizard._cron_invoice_last_month())
        self.assertEqual(len(logs.output), 1)
        self.assertIn(self.company.name, logs.output[0])
        self.assertIn(self.product_lt50.display_name, logs.output[0])
        self.assertFalse(self.dep_a.option_ids.invoice_line_id)
        self.assertEqual(self.Invoice.search_count(
            [("company_id", "=", self.company.id)]), before)
        # Company B is invoiced all the same.
        invoice_b = self.dep_b.option_ids.invoice_id
        self.assertEqual(invoice_b.company_id, self.company_b)
        self.assertAlmostEqual(invoice_b.amount_total, 3.6)


class TestInvoicingReport(TelecomInvoiceCase):
    """The one-off options report tells what is to invoice and what is
    invoiced."""

    def test_invoice_state(self):
        done = self._deploy({self.line_20: 2, self.line_100: 2},
                            "2026-03-10")
        draft = self._deploy({self.line_49: 1}, "2026-03-11", done=False)
        Report = self.env["telecom.one.off.report"].sudo(
            self.user_billing)

        def states():
            Report.invalidate_cache()
            rows = Report.search([("deployment_id", "in",
                                   (done | draft).ids)])
            return {(row.line_id, row.invoice_state, row.invoice_id)
                    for row in rows}
        no_invoice = self.Invoice
        self.assertEqual(states(), {
            (self.line_20, "to_invoice", no_invoice),
            (self.line_100, "to_invoice", no_invoice),
            (self.line_49, "none", no_invoice)})
        _wizard, _action, invoice = self._run()
        self.assertEqual(states(), {
            (self.line_20, "invoiced", invoice),
            (self.line_100, "invoiced", invoice),
            (self.line_49, "none", no_invoice)})
        self.assertEqual(Report.search_count(
            [("invoice_state", "=", "invoiced"),
             ("invoice_id", "=", invoice.id)]), 2)
        invoice.action_invoice_cancel()
        self.assertEqual(states(), {
            (self.line_20, "to_invoice", no_invoice),
            (self.line_100, "to_invoice", no_invoice),
            (self.line_49, "none", no_invoice)})
        self.assertEqual(Report.search_count(
            [("deployment_id", "=", done.id),
             ("invoice_state", "=", "to_invoice")]), 2)

    def test_search_filters(self):
        arch = etree.fromstring(self.env["telecom.one.off.report"]
                                .fields_view_get(view_type="search")["arch"])
        for name, state in (("to_invoice", "to_invoice"),
                            ("invoiced", "invoiced")):
            nodes = arch.xpath("//filter[@name='%s']" % name)
            self.assertEqual(len(nodes), 1, name)
            self.assertEqual(nodes[0].get("domain"),
                             "[('invoice_state', '=', '%s')]" % state)
        self.assertEqual(
            arch.xpath("//filter[@name='to_invoice']")[0].get("string"),
            "To Invoice")
        self.assertEqual(
            arch.xpath("//filter[@name='invoiced']")[0].get("string"),
            "Invoiced")


class TestInvoicingBadInput(TelecomInvoiceCase):
    """What cannot be invoiced is refused before anything is written, with
    a message naming what to fix."""

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingBadInput, cls).setUpClass()
        cls.dep_1 = cls._deploy({cls.line_20: 2, cls.line_100: 2},
                                "2026-03-10")
        cls.dep_2 = cls._deploy({cls.line2_20: 1}, "2026-03-11")

    def test_no_income_account(self):
        self.product_lt50.product_tmpl_id.with_context(
            force_company=self.company.id).property_account_income_id = False
        self.product_lt50.categ_id.with_context(
            force_company=self.company.id).property_account_income_categ_id \
            = False
        before = self.Invoice.search_count([])
        lines = self.env["account.invoice.line"].search_count([])
        with self.assertRaises(UserError) as error:
            self._run()
        message = str(error.exception.name)
        # Named once, for both customers.
        self.assertEqual(message.count(self.product_lt50.display_name), 1,
                         message)
        self.assertIn("has no income account", message)
        self.assertNotIn(self.product_ge50.display_name, message)
        self.assertEqual(self.Invoice.search_count([]), before)
        self.assertEqual(self.env["account.invoice.line"].search_count([]),
                         lines)
        self.assertFalse((self.dep_1 | self.dep_2).mapped(
            "option_ids.invoice_line_id"))

    def test_no_receivable_account(self):
        self.customer2.with_context(
            force_company=self.company.id).property_account_receivable_id \
            = False
        before = self.Invoice.search_count([])
        with self.assertRaises(UserError) as error:
            self._run()
        message = str(error.exception.name)
        self.assertIn("the customer %s has no receivable account" %
                      self.customer2.display_name, message)
        self.assertNotIn(self.customer.display_name, message)
        self.assertEqual(self.Invoice.search_count([]), before)
        self.assertFalse((self.dep_1 | self.dep_2).mapped(
            "option_ids.invoice_line_id"))

    def test_category_income_account(self):
        # The product's category's account is enough.
        self.product_lt50.product_tmpl_id.with_context(
            force_company=self.company.id).property_account_income_id = False
        category = self.env["product.category"].create(
            {"name": "Telecom test category"})
        category.with_context(
            force_company=self.company.id).property_account_income_categ_id \
            = self.acc_a["income_export"]
        self.product_lt50.categ_id = category
        _wizard, _action, invoices = self._run(partners=self.customer)
        by_product = {line.product_id: line.account_id
                      for line in invoices.invoice_line_ids}
        self.assertEqual(by_product, {
            self.product_lt50: self.acc_a["income_export"],
            self.product_ge50: self.acc_a["income"]})

    def test_dates_reversed(self):
        wizard = self.Wizard.create(
            {"date_from": MARCH[1], "date_to": MARCH[0]})
        with self.assertRaisesRegex(UserError, "before it starts"):
            wizard.action_create_invoices()
        self.assertFalse(self.dep_1.option_ids.mapped("invoice_line_id"))

    def test_one_day(self):
        _wizard, _action, invoices = self._run(("2026-03-11", "2026-03-11"))
        self.assertEqual(invoices.partner_id, self.customer2)
        self.assertEqual(invoices.telecom_option_count, 1)
