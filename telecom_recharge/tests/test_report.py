# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import TelecomRechargeCase


class TestOneOffReport(TelecomRechargeCase):
    """The accountants' analysis of one-off option amounts."""

    def test_amounts_by_customer_operator_product_month(self):
        _action, done = self._recharge(
            self.line_20 | self.line_100 | self.line_sfr, 2)
        self._done(done, "2026-03-01")
        _action, cancelled = self._recharge(self.line_49, 7)
        cancelled.action_cancel()
        _action, _draft = self._recharge(self.line_50, 4)
        Report = self.env["telecom.one.off.report"].sudo(
            self.user_accountant)
        domain = [("partner_id", "=", self.customer.id)]
        rows = Report.search(domain)
        # Cancelled deployments are not amounts.
        self.assertEqual(len(rows), 4)
        self.assertEqual(sum(rows.mapped("amount")), 2 + 1 + 2 + 2)
        done_rows = Report.search(domain + [("state", "=", "done")])
        self.assertEqual(sum(done_rows.mapped("amount")), 5.0)
        self.assertTrue(all(done_rows.mapped("update_id")))
        self.assertEqual(set(done_rows.mapped("date")), {"2026-03-01"})
        by_product = {
            group["product_id"][0]: group["amount"]
            for group in Report.read_group(
                domain + [("state", "=", "done")],
                ["product_id", "amount"], ["product_id"])}
        self.assertEqual(by_product, {self.product_lt50.id: 4.0,
                                      self.product_ge50.id: 1.0})
        by_collection = {
            group["collection_operator_id"][0]: group["amount"]
            for group in Report.read_group(
                domain + [("state", "=", "done")],
                ["collection_operator_id", "amount"],
                ["collection_operator_id"])}
        self.assertEqual(by_collection, {self.coll_orange.id: 3.0,
                                         self.coll_sfr.id: 2.0})
        by_month = Report.read_group(
            domain + [("state", "=", "done")], ["date", "amount"],
            ["date:month"])
        self.assertEqual(len(by_month), 1)
        self.assertEqual(by_month[0]["amount"], 5.0)
        by_site = Report.read_group(domain, ["site_id", "amount"],
                                    ["site_id"])
        self.assertEqual(by_site[0]["site_id"][0], self.site.id)

    def test_export(self):
        """Odoo's export reads the report like any model."""
        _action, deployment = self._recharge(self.line_20, 2)
        rows = self.env["telecom.one.off.report"].sudo(
            self.user_accountant).search(
                [("deployment_id", "=", deployment.id)])
        data = rows.export_data(
            ["deployment_id", "line_id", "product_id", "quantity",
             "amount"])["datas"]
        self.assertEqual(data, [[deployment.name, self.line_20.name,
                                 "[RDATA1G-LT50] Recharge DATA 1Go "
                                 "(Abo <50Go)", "2.0", "2.0"]])
