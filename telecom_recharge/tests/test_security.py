# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError

from .common import TelecomRechargeCase


class TestSecurity(TelecomRechargeCase):
    """Telecom users run Recharge DATA and mark deployments done;
    accountants read; managers configure the one-off options."""

    @classmethod
    def setUpClass(cls):
        super(TestSecurity, cls).setUpClass()
        wizard = cls.env["telecom.line.recharge"].with_context(
            active_model="telecom.line", active_ids=cls.line_20.ids).create(
                {"data_gb": 2})
        wizard.action_confirm()
        cls.deployment = wizard.deployment_ids

    def test_user_runs_wizard_and_marks_done(self):
        _action, deployment = self._recharge(
            self.line_100, 1, user=self.user_ops)
        deployment = deployment.sudo(self.user_ops)
        deployment.option_ids.quantity = 3
        deployment.write({"date_installed": "2026-03-01",
                          "date_activation": "2026-03-01"})
        deployment.action_confirm()
        deployment.action_done()
        self.assertEqual(deployment.state, "done")
        self.assertEqual(deployment.update_ids.amount_one_off, 1.5)
        self.assertEqual(deployment.update_ids.create_uid, self.user_ops)

    def test_user_cannot_configure_products_nor_edit_maj(self):
        template = self.product_lt50.product_tmpl_id.sudo(self.user_ops)
        with self.assertRaises(AccessError):
            template.write({"list_price": 0.1})
        self._done(self.deployment)
        update = self.deployment.update_ids.sudo(self.user_ops)
        self.assertTrue(update.read(["amount_one_off"]))
        with self.assertRaises(AccessError):
            update.write({"info": "changed"})
        with self.assertRaises(AccessError):
            update.unlink()
        # Nor fabricate a MAJ or a MAJ option outside a done deployment.
        with self.assertRaises(AccessError):
            self.env["telecom.line.update"].sudo(self.user_ops).create({
                "line_id": self.line_100.id, "date": "2026-01-01"})
        with self.assertRaises(AccessError):
            self.env["telecom.line.update.option"].sudo(self.user_ops).create({
                "update_id": update.id, "name": "Forged", "quantity": 1,
                "amount": 1000.0})

    def test_accountant_reads_only(self):
        deployment = self.deployment.sudo(self.user_accountant)
        self.assertEqual(deployment.amount_one_off, 2.0)
        self.assertEqual(deployment.option_ids.amount, 2.0)
        self.assertTrue(self.env["telecom.one.off.report"].sudo(
            self.user_accountant).search([]))
        with self.assertRaises(AccessError):
            deployment.write({"category": "data"})
        with self.assertRaises(AccessError):
            deployment.action_confirm()
        with self.assertRaises(AccessError):
            deployment.copy()
        with self.assertRaises(AccessError):
            deployment.unlink()
        option = deployment.option_ids
        with self.assertRaises(AccessError):
            option.write({"quantity": 9})
        with self.assertRaises(AccessError):
            option.unlink()
        with self.assertRaises(AccessError):
            self.env["telecom.deployment.option"].sudo(
                self.user_accountant).create({
                    "deployment_id": deployment.id,
                    "line_id": self.line_20.id,
                    "product_id": self.product_lt50.id})
        with self.assertRaises(AccessError):
            self.line_20.sudo(self.user_accountant).write(
                {"user_name": "x"})
        with self.assertRaises(AccessError):
            self.product_lt50.product_tmpl_id.sudo(
                self.user_accountant).write({"list_price": 0.1})
        with self.assertRaises(AccessError):
            self.env["product.template"].sudo(self.user_accountant).create(
                {"name": "Accountant option", "telecom_is_one_off": True})
        self._done(self.deployment)
        self.assertTrue(self.line_20.sudo(
            self.user_accountant).update_ids.option_ids.read(["amount"]))

    def test_manager_configures_one_off_options(self):
        template = self.env["product.template"].sudo(
            self.user_manager).create({
                "name": "Option SIM de remplacement",
                "type": "service",
                "list_price": 10.0,
                "default_code": "SIMSWAP",
                "telecom_is_one_off": True,
                "telecom_option_kind": "other",
            })
        self.assertTrue(template.product_variant_id)
        template.write({"list_price": 12.0})
        self.product_ge50.product_tmpl_id.sudo(self.user_manager).write(
            {"list_price": 0.45})
        self.assertEqual(self.product_ge50.lst_price, 0.45)

    def test_max_gb_setting_by_manager_only(self):
        Config = self.env["telecom.recharge.config"]
        config = Config.sudo(self.user_manager).create({"max_gb": 30})
        config.action_save()
        self.assertEqual(self.company.telecom_recharge_max_gb, 30)
        with self.assertRaises(AccessError):
            Config.sudo(self.user_ops).create({"max_gb": 500}).action_save()
        self.assertEqual(self.company.telecom_recharge_max_gb, 30)

    def test_other_company_records_hidden(self):
        deployment = self.env["telecom.deployment"].create({
            "partner_operator_id": self.op_actif.id,
            "company_id": self.company_b.id,
            "line_ids": [(6, 0, self.line_company_b.ids)],
            "option_ids": [(0, 0, {
                "line_id": self.line_company_b.id,
                "product_id": self.product_lt50.id,
                "quantity": 1})],
        })
        self._done(deployment)
        for model in ("telecom.deployment", "telecom.deployment.option",
                      "telecom.line.update", "telecom.line.update.option",
                      "telecom.one.off.report"):
            records = self.env[model].sudo(self.user_ops).search([])
            self.assertNotIn(self.company_b, records.mapped("company_id"),
                             model)
