# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import TelecomRechargeCase


class TestLocks(TelecomRechargeCase):
    """Nothing a caller sends unlocks a rule: no context key, no value of a
    derived field, no relation written from its other side. The same
    over XML-RPC as the demo users: tests/test_security_rpc.py."""

    def _draft(self, line, data_gb=2, user=None):
        _action, deployment = self._recharge(line, data_gb, user=user)
        return deployment.sudo(user or self.user_ops)

    def test_state_only_through_the_actions(self):
        deployment = self._draft(self.line_20)
        hostile = deployment.with_context(telecom_deployment_action=True)
        with self.assertRaises(UserError):
            hostile.write({"state": "done"})
        self._done(deployment)
        with self.assertRaises(UserError):
            hostile.write({"state": "cancelled"})
        self.assertEqual(deployment.state, "done")

    def test_done_options_cannot_be_deleted_whatever_the_context(self):
        deployment = self._draft(self.line_20)
        self._done(deployment)
        with self.assertRaises(UserError):
            deployment.option_ids.with_context(
                telecom_deployment_unlink=True).unlink()
        self.assertEqual(len(deployment.option_ids), 1)

    def test_amounts_are_computed_not_taken(self):
        deployment = self._draft(self.line_20)
        option = deployment.option_ids
        option.write({"amount": 999})
        deployment.write({"amount_one_off": 12345, "name": "FORGED"})
        self.assertEqual(option.amount, 2.0)
        self.assertEqual(deployment.amount_one_off, 2.0)
        self.assertNotEqual(deployment.name, "FORGED")
        self._done(deployment)
        self.assertEqual(deployment.update_ids.amount_one_off, 2.0)

    def test_maj_locked_for_everyone(self):
        deployment = self._draft(self.line_20)
        self._done(deployment)
        update = deployment.update_ids
        with self.assertRaises(AccessError):
            update.sudo(self.user_manager).write({"info": "changed"})
        # Not even the superuser: the MAJ is the billing history.
        with self.assertRaises(UserError):
            update.sudo().write({"amount_one_off": 1})
        with self.assertRaises(UserError):
            update.option_ids.sudo().unlink()
        with self.assertRaises(UserError):
            self.line_20.sudo(self.user_ops).write(
                {"deployment_ids": [(5,)]})
        self.assertEqual(deployment.line_ids, self.line_20)

    def test_only_a_manager_sets_another_price_and_it_is_logged(self):
        deployment = self._draft(self.line_20)
        option = deployment.option_ids
        with self.assertRaises(UserError):
            option.write({"price_unit": 0.01})
        manager_option = option.sudo(self.user_manager)
        manager_option.write({"price_unit": 0.333})
        self.assertEqual(option.price_unit, 0.33)
        self.assertTrue(option.price_overridden)
        self.assertEqual(option.amount, 0.66)  # 2 x 0.33, not 2 x 0.333
        self.assertIn("0.33", deployment.message_ids[0].body)
        self._done(deployment)
        self.assertEqual(deployment.update_ids.option_ids.price_unit, 0.33)
        self.assertEqual(deployment.update_ids.amount_one_off, 0.66)

    def test_done_prices_again_from_the_catalogue(self):
        deployment = self._draft(self.line_20)
        # A draft priced before the catalogue changed.
        self.product_lt50.sudo().lst_price = 1.25
        self._done(deployment)
        self.assertEqual(deployment.update_ids.option_ids.price_unit, 1.25)
        self.assertEqual(deployment.amount_one_off, 2.5)

    def test_tier_follows_the_subscription(self):
        deployment = self._draft(self.line_20)
        with self.assertRaises(ValidationError):
            deployment.option_ids.write({"product_id": self.product_ge50.id})

    def test_no_deployment_of_another_company_line(self):
        """The line check reads every line of the deployment, not only those
        the user sees, and names none of the others."""
        Deployment = self.env["telecom.deployment"].sudo(self.user_ops)
        with self.assertRaises(ValidationError) as refusal:
            Deployment.create({
                "partner_operator_id": self.op_actif.id,
                "line_ids": [(6, 0, self.line_company_b.ids)]})
        self.assertNotIn(self.line_company_b.name, str(refusal.exception))
