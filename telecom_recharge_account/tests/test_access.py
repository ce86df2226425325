# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError

from .common import MARCH, TelecomInvoiceCase


class TestInvoicingCompanies(TelecomInvoiceCase):
    """Each company invoices its own options, with its own journal,
    accounts and taxes; a user invoices only their company."""

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingCompanies, cls).setUpClass()
        cls.dep_a = cls._deploy({cls.line_20: 2}, "2026-03-10")
        cls.dep_b = cls._deploy({cls.line_company_b: 3}, "2026-03-12",
                                company=cls.company_b)

    def test_each_company_its_options(self):
        _wizard, _action, invoice_a = self._run()
        self.assertEqual(invoice_a.company_id, self.company)
        self.assertEqual(invoice_a.telecom_option_count, 1)
        self.assertEqual(self.dep_a.option_ids.invoice_id, invoice_a)
        self.assertFalse(self.dep_b.option_ids.invoice_line_id)

        wizard = self.Wizard.create({
            "date_from": MARCH[0], "date_to": MARCH[1],
            "company_id": self.company_b.id})
        self.assertEqual(wizard.option_count, 1)
        self.assertAlmostEqual(wizard.amount, 3.0)
        action = wizard.action_create_invoices()
        invoice_b = self.Invoice.browse(action["domain"][0][2])
        self.assertEqual(len(invoice_b), 1)
        self.assertEqual(invoice_b.company_id, self.company_b)
        self.assertEqual(invoice_b.partner_id, self.customer)
        self.assertEqual(invoice_b.journal_id, self.acc_b["journal"])
        self.assertEqual(invoice_b.journal_id.company_id, self.company_b)
        self.assertEqual(invoice_b.account_id, self.acc_b["receivable"])
        self.assertEqual(invoice_b.fiscal_position_id,
                         self.acc_b["fpos_neutral"])
        line = invoice_b.invoice_line_ids
        self.assertEqual((line.product_id, line.quantity, line.price_unit),
                         (self.product_lt50, 3.0, 1.0))
        self.assertEqual(line.account_id, self.acc_b["income"])
        self.assertEqual(line.invoice_line_tax_ids, self.acc_b["tax"])
        self.assertEqual(invoice_b.tax_line_ids.account_id,
                         self.acc_b["tax_account"])
        self.assertAlmostEqual(invoice_b.amount_total, 3.6)
        self.assertEqual(self.dep_b.option_ids.invoice_id, invoice_b)
        # It validates in company B's books.
        invoice_b.action_invoice_open()
        self.assertEqual(invoice_b.move_id.company_id, self.company_b)
        self.assertEqual(invoice_a.state, "draft")

    def test_user_of_a_cannot_invoice_b(self):
        vals = {"date_from": MARCH[0], "date_to": MARCH[1],
                "company_id": self.company_b.id}
        Wizard = self.Wizard.sudo(self.user_billing)
        # The form's preview counts nothing of B for a user of A.
        preview = Wizard.new(vals)
        self.assertEqual(preview.option_count, 0)
        self.assertEqual(preview.amount, 0.0)
        before = self.Invoice.search_count([])
        with self.assertRaisesRegex(AccessError, "company you do not have"):
            Wizard.create(vals)
        # Nor a wizard made by someone else for B.
        wizard = self.Wizard.create(vals)
        self.assertEqual(wizard.option_count, 1)
        with self.assertRaises(AccessError):
            wizard.sudo(self.user_billing).action_create_invoices()
        self.assertEqual(self.Invoice.search_count([]), before)
        self.assertFalse(self.dep_b.option_ids.invoice_line_id)
        # Their own company's: only A's.
        wizard = Wizard.create({"date_from": MARCH[0], "date_to": MARCH[1]})
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(wizard.option_count, 1)
        self.assertAlmostEqual(wizard.amount, 2.0)
        _action, invoice = wizard.action_create_invoices(), \
            self.dep_a.option_ids.invoice_id
        self.assertEqual(invoice.company_id, self.company)
        self.assertFalse(self.dep_b.option_ids.invoice_line_id)


class TestInvoicingAccess(TelecomInvoiceCase):
    """Accountants invoice: Telecom Accountant and Odoo's invoicing
    (Billing) together."""

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingAccess, cls).setUpClass()
        cls.deployment = cls._deploy({cls.line_20: 2, cls.line_100: 2},
                                     "2026-03-10")
        cls.vals = {"date_from": MARCH[0], "date_to": MARCH[1]}

    def test_telecom_user_cannot(self):
        for user in (self.user_ops, self.user_manager):
            with self.assertRaisesRegex(AccessError, "for the accountants"):
                self.Wizard.sudo(user).create(self.vals)
            # Nor over RPC, on a wizard made by someone else.
            wizard = self.Wizard.sudo(self.user_billing).create(self.vals)
            with self.assertRaises(AccessError):
                wizard.sudo(user).action_create_invoices()
        self.assertFalse(self.deployment.option_ids.mapped(
            "invoice_line_id"))

    def test_accountant_without_billing(self):
        before = self.Invoice.search_count([])
        with self.assertRaises(AccessError) as error:
            self.Wizard.sudo(self.user_accountant).create(self.vals)
        message = str(error.exception.name)
        self.assertIn("Telecom Accountant", message)
        self.assertIn("Billing", message)
        self.assertIn(self.user_accountant.name, message)
        # Nor with a wizard made by someone else.
        wizard = self.Wizard.sudo(self.user_billing).create(self.vals)
        with self.assertRaisesRegex(AccessError, "Billing"):
            wizard.sudo(self.user_accountant).action_create_invoices()
        self.assertEqual(self.Invoice.search_count([]), before)
        self.assertFalse(self.deployment.option_ids.mapped(
            "invoice_line_id"))

    def test_billing_without_telecom_accountant(self):
        user = self._create_user("recharge_billing_only",
                                 "account.group_account_invoice")
        with self.assertRaisesRegex(AccessError, "for the accountants"):
            self.Wizard.sudo(user).create(self.vals)

    def test_accountant_with_billing(self):
        wizard = self.Wizard.sudo(self.user_billing).create(self.vals)
        self.assertEqual(wizard.option_count, 2)
        self.assertAlmostEqual(wizard.amount, 3.0)
        action = wizard.action_create_invoices()
        invoice = self.Invoice.browse(action["domain"][0][2])
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.create_uid, self.user_billing)
        self.assertEqual(invoice.state, "draft")
        self.assertAlmostEqual(invoice.amount_total, 3.6)
        self.assertEqual(self.deployment.option_ids.mapped("invoice_id"),
                         invoice)
        self.assertTrue([m for m in invoice.message_ids
                         if self.user_billing.name in (m.body or "")])
        # They find it and its options.
        invoice = invoice.sudo(self.user_billing)
        self.assertEqual(invoice.telecom_option_count, 2)
        report = invoice.action_view_telecom_options()
        self.assertEqual(report["domain"], [("invoice_id", "=", invoice.id)])
        rows = self.env[report["res_model"]].sudo(self.user_billing).search(
            report["domain"])
        self.assertEqual(rows.mapped("line_id"), self.line_20 |
                         self.line_100)
