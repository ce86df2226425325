# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests.common import SavepointCase


class TestInvoicingDemo(SavepointCase):
    """The demo shows the invoicing: the accountant invoices, last month's
    options are on draft invoices, this month's are to invoice (the demo
    data only, read)."""

    def test_accountant_invoices(self):
        accountant = self.env.ref("telecom_parc.demo_user_accountant")
        self.assertTrue(accountant.has_group(
            "telecom_parc.group_telecom_accountant"))
        self.assertTrue(accountant.has_group("account.group_account_invoice"))

    def test_one_off_products_taxed(self):
        company = self.env.ref("base.main_company")
        for xmlid in ("telecom_recharge.product_recharge_data_lt50",
                      "telecom_recharge.product_recharge_data_ge50"):
            taxes = self.env.ref(xmlid).taxes_id.filtered(
                lambda tax: tax.company_id == company)
            self.assertTrue(taxes, xmlid)
            self.assertEqual(set(taxes.mapped("type_tax_use")), {"sale"})
            self.assertTrue(all(tax.amount > 0 for tax in taxes), xmlid)

    def test_last_month_on_draft_invoices(self):
        deployment = self.env.ref(
            "telecom_recharge.demo_deployment_last_month")
        accountant = self.env.ref("telecom_parc.demo_user_accountant")
        options = deployment.option_ids.sudo(accountant)
        self.assertEqual(len(options), 2)
        invoices = options.mapped("invoice_id")
        self.assertTrue(invoices)
        self.assertEqual(len(options.mapped("invoice_line_id")), 2)
        day = deployment.date_activation
        for invoice in invoices:
            self.assertEqual(invoice.state, "draft")
            self.assertEqual(invoice.type, "out_invoice")
            self.assertEqual(invoice.company_id,
                             self.env.ref("base.main_company"))
            self.assertEqual(invoice.telecom_date_from, day[:8] + "01")
            self.assertTrue(invoice.telecom_date_to >= day)
            self.assertTrue(invoice.tax_line_ids)
        for option in options:
            line = option.invoice_line_id
            self.assertEqual(line.product_id, option.product_id)
            self.assertEqual(line.quantity, option.quantity)
            self.assertEqual(line.price_unit, option.price_unit)
            self.assertIn(deployment.name, line.name)
            self.assertEqual(line.invoice_line_tax_ids,
                             option.product_id.taxes_id.filtered(
                                 lambda tax: tax.company_id ==
                                 line.company_id))
        # This month's seed is still to invoice.
        seed = self.env.ref("telecom_recharge.demo_deployment_0700000091")
        self.assertFalse(seed.option_ids.invoice_line_id)
        row = self.env["telecom.one.off.report"].search(
            [("deployment_id", "=", seed.id)])
        self.assertEqual(row.invoice_state, "to_invoice")
