# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import MARCH, TelecomInvoiceCase


class TestCancelReinvoice(TelecomInvoiceCase):
    """Cancelling or deleting a draft invoice frees its options; the
    options of a validated invoice stay linked; nobody else writes the
    link or the period."""

    @classmethod
    def setUpClass(cls):
        super(TestCancelReinvoice, cls).setUpClass()
        # 2 x 1.00 + 2 x 0.50 = 3.00.
        cls.deployment = cls._deploy(
            {cls.line_20: 2, cls.line_100: 2}, "2026-03-10")
        cls.options = cls.deployment.option_ids

    def _invoice(self):
        _wizard, _action, invoice = self._run()
        self.assertEqual(len(invoice), 1)
        self.assertEqual(self.options.mapped("invoice_id"), invoice)
        return invoice

    def test_cancel_frees_then_invoiced_again(self):
        invoice = self._invoice()
        invoice.action_invoice_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertFalse(self.options.mapped("invoice_line_id"))
        self.assertFalse(self.options.mapped("invoice_id"))
        self.assertEqual(invoice.telecom_option_count, 0)
        self.assertTrue([m for m in invoice.message_ids
                         if "are to invoice again" in (m.body or "")])
        wizard = self.Wizard.create(
            {"date_from": MARCH[0], "date_to": MARCH[1]})
        self.assertEqual(wizard.option_count, 2)
        self.assertAlmostEqual(wizard.amount, 3.0)
        _wizard, _action, again = self._run()
        self.assertNotEqual(again, invoice)
        self.assertEqual(again.state, "draft")
        self.assertEqual(self.options.mapped("invoice_id"), again)
        self.assertAlmostEqual(again.amount_untaxed, 3.0)
        self.assertAlmostEqual(again.amount_total, 3.6)
        # The cancelled one cannot come back to draft: its options are
        # billed by the new one.
        with self.assertRaisesRegex(UserError, "Run Telecom > Reporting >"):
            invoice.action_invoice_draft()
        self.assertEqual(invoice.state, "cancel")

    def test_delete_frees(self):
        invoice = self._invoice()
        invoice.unlink()
        self.assertFalse(invoice.exists())
        self.assertFalse(self.options.mapped("invoice_line_id"))
        _wizard, _action, again = self._run()
        self.assertEqual(self.options.mapped("invoice_id"), again)
        self.assertEqual(again.telecom_option_count, 2)

    def test_validated_stays_linked(self):
        invoice = self._invoice()
        lines = self.options.mapped("invoice_line_id")
        invoice.action_invoice_open()
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            self._run()
        self.assertEqual(self.options.mapped("invoice_line_id"), lines)
        self.assertEqual(invoice.telecom_option_count, 2)

    def test_link_not_writable(self):
        invoice = self._invoice()
        option = self.options[0]
        line = option.invoice_line_id
        other = self.options[1].invoice_line_id
        for value in (other.id, False):
            with self.assertRaisesRegex(UserError, "it cannot be written"):
                option.write({"invoice_line_id": value})
            self.assertEqual(option.invoice_line_id, line)
        # Even with other values.
        with self.assertRaisesRegex(UserError, "it cannot be written"):
            option.write({"sequence": 3, "invoice_line_id": False})
        draft = self._deploy({self.line_49: 1}, "2026-03-11", done=False)
        with self.assertRaisesRegex(UserError, "it cannot be written"):
            self.env["telecom.deployment.option"].create({
                "deployment_id": draft.id, "line_id": self.line_49.id,
                "product_id": self.product_lt50.id, "quantity": 1,
                "invoice_line_id": line.id})
        self.assertEqual(len(draft.option_ids), 1)
        self.assertEqual(invoice.telecom_option_count, 2)

    def test_period_not_writable(self):
        invoice = self._invoice()
        invoice.write({"telecom_date_from": "2020-01-01",
                       "telecom_date_to": "2020-01-31",
                       "comment": "Checked"})
        self.assertEqual(invoice.telecom_date_from, "2026-03-01")
        self.assertEqual(invoice.telecom_date_to, "2026-03-31")
        self.assertEqual(invoice.comment, "Checked")
        # Nor at the creation: a hand-made invoice is no one-off invoice.
        other = self.Invoice.create({
            "partner_id": self.customer.id, "type": "out_invoice",
            "account_id": self.acc_a["receivable"].id,
            "journal_id": self.acc_a["journal"].id,
            "telecom_date_from": "2026-03-01",
            "telecom_date_to": "2026-03-31"})
        self.assertFalse(other.telecom_date_from)
        self.assertFalse(other.telecom_date_to)
