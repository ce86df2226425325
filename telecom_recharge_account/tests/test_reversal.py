# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import TelecomInvoiceCase


class TestReversalInvoicing(TelecomInvoiceCase):
    """A reversal (extourne, dated today) is a negative line on the
    invoice of its period, or a credit note when the option it reverses is
    on a validated invoice; an invoice whose total would be negative is a
    credit note."""

    @classmethod
    def setUpClass(cls):
        super(TestReversalInvoicing, cls).setUpClass()
        cls.today = fields.Date.from_string(
            fields.Date.context_today(cls.env["telecom.deployment"]))
        cls.month = (
            fields.Date.to_string(cls.today + relativedelta(day=1)),
            fields.Date.to_string(cls.today + relativedelta(day=31)))
        last = cls.today + relativedelta(day=1, months=-1)
        cls.last_month = (
            fields.Date.to_string(last),
            fields.Date.to_string(last + relativedelta(day=31)))

    def _reverse(self, deployment, lines):
        """Reverse ``lines`` of ``deployment`` as a Telecom Manager, with
        the telecom_recharge wizard; return the reversal."""
        wizard = self.env["telecom.deployment.reverse"].sudo(
            self.user_manager).with_context(
                active_model="telecom.deployment",
                active_id=deployment.id).create({
                    "reason": "Wrong line",
                    "line_ids": [(6, 0, lines.ids)]})
        action = wizard.action_confirm()
        reversal = self.env["telecom.deployment"].browse(action["res_id"])
        self.assertEqual(reversal.reversed_deployment_id, deployment)
        self.assertEqual(reversal.state, "done")
        # Both in the period invoiced.
        self.assertTrue(
            self.month[0] <= reversal.date_activation <= self.month[1])
        return reversal

    def _run_customer(self, period):
        """Invoice the recharge tests' customer only (the demo's customers
        have options this month too)."""
        return self._run(period, partners=self.customer)[2]

    def test_same_period_not_invoiced_negative_line(self):
        # 2 x 1.00 + 2 x 0.50, today; line_20's reversed: -2 x 1.00.
        original = self._deploy({self.line_20: 2, self.line_100: 2},
                                self.month[0])
        reversal = self._reverse(original, self.line_20)
        invoice = self._run_customer(self.month)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.type, "out_invoice")
        self.assertEqual(invoice.telecom_option_count, 3)
        lines = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            [(l.product_id, l.quantity, l.price_unit, l.price_subtotal)
             for l in lines],
            [(self.product_lt50, 2.0, 1.0, 2.0),
             (self.product_ge50, 2.0, 0.5, 1.0),
             (self.product_lt50, -2.0, 1.0, -2.0)])
        self.assertEqual(reversal.option_ids.invoice_line_id, lines[2])
        self.assertIn("%s, reversal of %s" % (reversal.name, original.name),
                      lines[2].name)
        self.assertIn("06 11 00 00 20", lines[2].name)
        self.assertEqual(lines[2].account_id, self.acc_a["income"])
        self.assertEqual(lines[2].invoice_line_tax_ids, self.acc_a["tax"])
        self.assertAlmostEqual(invoice.amount_untaxed, 1.0)
        self.assertAlmostEqual(invoice.amount_tax, 0.2)
        self.assertAlmostEqual(invoice.amount_total, 1.2)

    def test_same_period_draft_invoice_negative_line(self):
        # The original is on the period's draft invoice: its reversal is
        # a negative line of that invoice (its total stays positive), no
        # credit note.
        original = self._deploy({self.line_20: 2, self.line_100: 2},
                                self.month[0])
        invoice = self._run_customer(self.month)
        reversal = self._reverse(original, self.line_20)
        again = self._run_customer(self.month)
        self.assertEqual(again, invoice)
        self.assertEqual(invoice.type, "out_invoice")
        self.assertEqual(reversal.option_ids.invoice_id, invoice)
        self.assertEqual(invoice.telecom_option_count, 3)
        self.assertEqual(
            invoice.invoice_line_ids.sorted("sequence").mapped("quantity"),
            [2.0, 2.0, -2.0])
        self.assertAlmostEqual(invoice.amount_untaxed, 1.0)
        self.assertAlmostEqual(invoice.amount_total, 1.2)

    def test_original_validated_credit_note(self):
        original = self._deploy({self.line_20: 2, self.line_100: 2},
                                self.month[0])
        invoice = self._run_customer(self.month)
        invoice.action_invoice_open()
        reversal = self._reverse(original, self.line_20 | self.line_100)
        refund = self._run_customer(self.month)
        self.assertEqual(len(refund), 1)
        self.assertNotEqual(refund, invoice)
        self.assertEqual(refund.type, "out_refund")
        self.assertEqual(refund.state, "draft")
        self.assertEqual(refund.partner_id, self.customer)
        self.assertEqual(refund.refund_invoice_id, invoice)
        self.assertEqual(refund.telecom_date_from, self.month[0])
        self.assertEqual(refund.telecom_option_count, 2)
        self.assertEqual(refund.account_id, self.acc_a["receivable"])
        lines = refund.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            [(l.product_id, l.quantity, l.price_unit, l.account_id,
              l.invoice_line_tax_ids) for l in lines],
            [(self.product_lt50, 2.0, 1.0, self.acc_a["income"],
              self.acc_a["tax"]),
             (self.product_ge50, 2.0, 0.5, self.acc_a["income"],
              self.acc_a["tax"])])
        self.assertEqual(reversal.option_ids.mapped("invoice_id"), refund)
        self.assertAlmostEqual(refund.amount_untaxed, 3.0)
        self.assertAlmostEqual(refund.amount_tax, 0.6)
        self.assertAlmostEqual(refund.amount_total, 3.6)
        self.assertTrue(refund.name.startswith(
            "One-off options reversed from "), refund.name)
        # The invoice keeps its options.
        self.assertEqual(invoice.telecom_option_count, 2)
        self.assertAlmostEqual(invoice.amount_total, 3.6)

    def test_later_reversal_appended_to_the_credit_note(self):
        first = self._deploy({self.line_20: 2}, self.month[0])
        second = self._deploy({self.line_100: 2}, self.month[0])
        invoice = self._run_customer(self.month)
        invoice.action_invoice_open()
        self._reverse(first, self.line_20)
        refund = self._run_customer(self.month)
        self.assertEqual(refund.type, "out_refund")
        reversal = self._reverse(second, self.line_100)
        again = self._run_customer(self.month)
        self.assertEqual(again, refund)
        self.assertEqual(reversal.option_ids.invoice_id, refund)
        self.assertEqual(refund.refund_invoice_id, invoice)
        self.assertEqual(refund.invoice_line_ids.sorted(
            "sequence").mapped("quantity"), [2.0, 2.0])
        self.assertAlmostEqual(refund.amount_total, 3.6)

    def test_negative_total_credit_note(self):
        # Last month's option is on a draft invoice, its reversal is this
        # month's only option: a credit note, of no validated invoice.
        original = self._deploy({self.line_20: 2}, self.last_month[0])
        previous = self._run_customer(self.last_month)
        self.assertEqual(previous.state, "draft")
        reversal = self._reverse(original, self.line_20)
        refund = self._run_customer(self.month)
        self.assertEqual(refund.type, "out_refund")
        self.assertFalse(refund.refund_invoice_id)
        self.assertEqual(refund.invoice_line_ids.quantity, 2.0)
        self.assertEqual(refund.invoice_line_ids.price_unit, 1.0)
        self.assertEqual(reversal.option_ids.invoice_id, refund)
        self.assertAlmostEqual(refund.amount_untaxed, 2.0)
        self.assertAlmostEqual(refund.amount_total, 2.4)
        self.assertEqual(previous.telecom_option_count, 1)
        self.assertAlmostEqual(previous.amount_total, 2.4)
