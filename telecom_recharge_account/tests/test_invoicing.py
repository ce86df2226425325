# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.addons.telecom_parc.tests.common_i18n import load_french

from .common import MARCH, TelecomInvoiceCase


class TestOneOffInvoicing(TelecomInvoiceCase):
    """One draft customer invoice per customer and period, one line per
    option of the done deployments of the period, at the option's price,
    with the product's income account and taxes mapped by the customer's
    fiscal position."""

    @classmethod
    def setUpClass(cls):
        super(TestOneOffInvoicing, cls).setUpClass()
        # The customer: 3 GB at 1.00 and 3 GB at 0.50 on the 5th, 2 GB at
        # 1.00 on the last day of the period: 6.50 + 20 % VAT.
        cls.dep_1 = cls._deploy(
            {cls.line_20: 3, cls.line_100: 3}, "2026-03-05")
        cls.dep_2 = cls._deploy({cls.line_sfr: 2}, "2026-03-31")
        # The export customer: 2 GB at 1.00 and 4 GB at 0.50 = 4.00, its
        # fiscal position maps the VAT to 0 % and the income account.
        cls.dep_3 = cls._deploy(
            {cls.line2_20: 2, cls.line2_100: 4}, "2026-03-20")
        # Not invoiced: done the day before and the day after the period,
        # and one not done (its dates in the period).
        cls.dep_before = cls._deploy({cls.line_49: 7}, "2026-02-28")
        cls.dep_after = cls._deploy({cls.line_49: 5}, "2026-04-01")
        cls.dep_draft = cls._deploy({cls.line_50: 1}, "2026-03-10",
                                    done=False)

    def _option(self, deployment, line):
        return deployment.option_ids.filtered(lambda o: o.line_id == line)

    def test_amounts_taxes_one_invoice_per_customer(self):
        wizard = self.Wizard.create(
            {"date_from": MARCH[0], "date_to": MARCH[1]})
        self.assertEqual(wizard.option_count, 5)
        self.assertAlmostEqual(wizard.amount, 6.5 + 4.0)
        before = self._one_off_invoices()
        action = wizard.action_create_invoices()
        made = self._one_off_invoices() - before
        self.assertEqual(len(made), 2)
        self.assertEqual(action["res_model"], "account.invoice")
        self.assertEqual(len(action["domain"]), 1)
        self.assertEqual(action["domain"][0][:2], ("id", "in"))
        self.assertEqual(sorted(action["domain"][0][2]), sorted(made.ids))
        by_partner = self._by_partner(made)
        self.assertEqual(set(by_partner), {self.customer, self.customer2})

        invoice = by_partner[self.customer]
        self.assertEqual(invoice.type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.company_id, self.company)
        self.assertEqual(invoice.journal_id, self.acc_a["journal"])
        self.assertEqual(invoice.account_id, self.acc_a["receivable"])
        self.assertEqual(invoice.fiscal_position_id,
                         self.acc_a["fpos_neutral"])
        self.assertEqual(invoice.telecom_date_from, "2026-03-01")
        self.assertEqual(invoice.telecom_date_to, "2026-03-31")
        self.assertEqual(invoice.telecom_option_count, 3)
        self.assertEqual(invoice.name,
                         "One-off options from 03/01/2026 to 03/31/2026")
        lines = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            [(l.product_id, l.quantity, l.price_unit, l.price_subtotal)
             for l in lines],
            [(self.product_lt50, 3.0, 1.0, 3.0),
             (self.product_ge50, 3.0, 0.5, 1.5),
             (self.product_lt50, 2.0, 1.0, 2.0)])
        for line in lines:
            self.assertEqual(line.account_id, self.acc_a["income"])
            self.assertEqual(line.invoice_line_tax_ids, self.acc_a["tax"])
        self.assertEqual(
            lines[0].name, "%s\n06 11 00 00 20 · %s · MAJ of 03/05/2026" % (
                self.product_lt50.display_name, self.dep_1.name))
        self.assertEqual(
            lines[1].name, "%s\n06 11 00 01 00 · %s · MAJ of 03/05/2026" % (
                self.product_ge50.display_name, self.dep_1.name))
        self.assertEqual(
            lines[2].name, "%s\n06 11 00 00 03 · %s · MAJ of 03/31/2026" % (
                self.product_lt50.display_name, self.dep_2.name))
        self.assertAlmostEqual(invoice.amount_untaxed, 6.5)
        self.assertAlmostEqual(invoice.amount_tax, 1.3)
        self.assertAlmostEqual(invoice.amount_total, 7.8)
        self.assertEqual(len(invoice.tax_line_ids), 1)
        self.assertEqual(invoice.tax_line_ids.tax_id, self.acc_a["tax"])
        self.assertAlmostEqual(invoice.tax_line_ids.amount, 1.3)
        # Each option records the line that bills it.
        self.assertEqual(self._option(self.dep_1, self.line_20)
                         .invoice_line_id, lines[0])
        self.assertEqual(self._option(self.dep_1, self.line_100)
                         .invoice_line_id, lines[1])
        self.assertEqual(self.dep_2.option_ids.invoice_line_id, lines[2])
        self.assertEqual(self.dep_2.option_ids.invoice_id, invoice)

        export = by_partner[self.customer2]
        self.assertEqual(export.fiscal_position_id, self.acc_a["fpos"])
        self.assertEqual(export.telecom_option_count, 2)
        lines = export.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            [(l.product_id, l.quantity, l.price_unit, l.account_id,
              l.invoice_line_tax_ids) for l in lines],
            [(self.product_lt50, 2.0, 1.0, self.acc_a["income_export"],
              self.acc_a["tax_zero"]),
             (self.product_ge50, 4.0, 0.5, self.acc_a["income_export"],
              self.acc_a["tax_zero"])])
        self.assertIn("06 22 00 01 00 · %s · MAJ of 03/20/2026" %
                      self.dep_3.name, lines[1].name)
        self.assertAlmostEqual(export.amount_untaxed, 4.0)
        self.assertAlmostEqual(export.amount_tax, 0.0)
        self.assertAlmostEqual(export.amount_total, 4.0)

        # Outside the period, or not done: not invoiced.
        for deployment in self.dep_before | self.dep_after | self.dep_draft:
            self.assertFalse(deployment.option_ids.invoice_line_id)
        # The preview has nothing left.
        wizard = self.Wizard.create(
            {"date_from": MARCH[0], "date_to": MARCH[1]})
        self.assertEqual(wizard.option_count, 0)
        self.assertEqual(wizard.amount, 0.0)

    def test_customer_language(self):
        # The description is in the customer's language: its dates too.
        self.customer2.lang = load_french(
            self.env, ("telecom_parc", "telecom_recharge"))
        _wizard, _action, invoices = self._run(partners=self.customer2)
        lines = invoices.invoice_line_ids.sorted("sequence")
        self.assertIn("06 22 00 00 20 · %s" % self.dep_3.name, lines[0].name)
        self.assertIn("20/03/2026", lines[0].name)
        self.assertNotIn("03/20/2026", lines[0].name)
        self.assertIn("01/03/2026", invoices.name)
        self.assertIn("31/03/2026", invoices.name)

    def test_invoice_address(self):
        # The customer's invoice address receives the invoice, with its
        # own receivable account; the customer's fiscal position applies.
        billing = self.env["res.partner"].create({
            "name": "Comptabilité Export", "type": "invoice",
            "parent_id": self.customer2.id})
        receivable = self.env["account.account"].create({
            "code": "TA4119", "name": "TA Receivable export",
            "user_type_id": self.env.ref(
                "account.data_account_type_receivable").id,
            "reconcile": True, "company_id": self.company.id})
        billing.with_context(force_company=self.company.id)\
            .property_account_receivable_id = receivable
        _wizard, _action, invoice = self._run(partners=self.customer2)
        self.assertEqual(invoice.partner_id, billing)
        self.assertEqual(invoice.account_id, receivable)
        self.assertEqual(invoice.fiscal_position_id, self.acc_a["fpos"])
        self.assertEqual(invoice.telecom_option_count, 2)
        # Completed on the next run.
        later = self._deploy({self.line2_20: 1}, "2026-03-21")
        _wizard, _action, again = self._run(partners=self.customer2)
        self.assertEqual(again, invoice)
        self.assertEqual(later.option_ids.invoice_id, invoice)

    def test_chatter(self):
        _wizard, _action, invoices = self._run()
        for invoice, count in ((self._by_partner(invoices)[self.customer],
                                3),
                               (self._by_partner(invoices)[self.customer2],
                                2)):
            bodies = [m.body for m in invoice.message_ids]
            expected = ("%d one-off options of the MAJ from 03/01/2026 to "
                        "03/31/2026 invoiced by %s." % (
                            count, self.env.user.name))
            self.assertEqual(len([b for b in bodies if expected in b]), 1,
                             bodies)

    def test_partner_filter(self):
        wizard = self.Wizard.create({
            "date_from": MARCH[0], "date_to": MARCH[1],
            "partner_ids": [(6, 0, self.customer2.ids)]})
        self.assertEqual(wizard.option_count, 2)
        self.assertAlmostEqual(wizard.amount, 4.0)
        action = wizard.action_create_invoices()
        invoices = self.Invoice.browse(action["domain"][0][2])
        self.assertEqual(invoices.partner_id, self.customer2)
        self.assertEqual(len(invoices), 1)
        self.assertFalse(self.dep_1.option_ids.mapped("invoice_line_id"))
        self.assertFalse(self.dep_2.option_ids.invoice_line_id)
        # Then the others.
        _wizard, _action, others = self._run()
        self.assertEqual(others.partner_id, self.customer)
        self.assertEqual(others.telecom_option_count, 3)

    # Nothing twice --------------------------------------------------------

    def test_running_again_creates_nothing(self):
        _wizard, _action, invoices = self._run()
        before = self._one_off_invoices()
        lines = self.env["account.invoice.line"].search_count([])
        with self.assertRaisesRegex(
                UserError, "Nothing to invoice from 03/01/2026 to "
                           "03/31/2026"):
            self._run()
        self.assertEqual(self._one_off_invoices(), before)
        self.assertEqual(self.env["account.invoice.line"].search_count([]),
                         lines)
        self.assertEqual(sum(invoices.mapped("telecom_option_count")), 5)

    def test_later_option_appended_to_the_draft(self):
        _wizard, _action, invoices = self._run()
        invoice = self._by_partner(invoices)[self.customer]
        later = self._deploy({self.line_49: 4}, "2026-03-25")
        _wizard, action, again = self._run()
        self.assertEqual(again, invoice)
        self.assertEqual(action["domain"], [("id", "in", invoice.ids)])
        self.assertEqual(invoice.telecom_option_count, 4)
        last = invoice.invoice_line_ids.sorted("sequence")[-1]
        self.assertEqual(later.option_ids.invoice_line_id, last)
        self.assertEqual((last.product_id, last.quantity, last.price_unit),
                         (self.product_lt50, 4.0, 1.0))
        self.assertIn(later.name, last.name)
        self.assertAlmostEqual(invoice.amount_untaxed, 10.5)
        self.assertAlmostEqual(invoice.amount_tax, 2.1)
        self.assertAlmostEqual(invoice.amount_total, 12.6)
        self.assertEqual(len(invoice.tax_line_ids), 1)
        self.assertEqual(invoice.state, "draft")

    def test_after_validation_a_new_invoice(self):
        _wizard, _action, invoices = self._run()
        invoice = self._by_partner(invoices)[self.customer]
        invoice.action_invoice_open()
        self.assertEqual(invoice.state, "open")
        later = self._deploy({self.line_49: 4}, "2026-03-25")
        _wizard, _action, again = self._run()
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, invoice)
        self.assertEqual(again.partner_id, self.customer)
        self.assertEqual(again.state, "draft")
        self.assertEqual(again.type, "out_invoice")
        self.assertEqual(again.telecom_date_from, "2026-03-01")
        self.assertEqual(again.telecom_option_count, 1)
        self.assertEqual(later.option_ids.invoice_id, again)
        self.assertAlmostEqual(again.amount_total, 4.8)
        # The validated invoice is untouched.
        self.assertEqual(invoice.telecom_option_count, 3)
        self.assertAlmostEqual(invoice.amount_total, 7.8)
