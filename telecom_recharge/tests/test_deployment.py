# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import TelecomRechargeCase


class TestDeployment(TelecomRechargeCase):
    """Deployments: states, required dates, the MAJ of each line and the
    lock of options and amounts once done."""

    @classmethod
    def setUpClass(cls):
        super(TestDeployment, cls).setUpClass()
        wizard = cls.env["telecom.line.recharge"].with_context(
            active_model="telecom.line",
            active_ids=(cls.line_20 | cls.line_100).ids).create(
                {"data_gb": 2})
        wizard.action_confirm()
        cls.deployment = wizard.deployment_ids

    def test_states(self):
        deployment = self.deployment
        self.assertEqual(deployment.state, "draft")
        self.assertIs(deployment.action_confirm(), True)
        self.assertEqual(deployment.state, "confirmed")
        self.assertIs(deployment.action_cancel(), True)
        self.assertEqual(deployment.state, "cancelled")
        with self.assertRaises(UserError):
            deployment.action_confirm()
        self.assertIs(deployment.action_draft(), True)
        self.assertEqual(deployment.state, "draft")

    def test_state_only_through_actions(self):
        """Writing the status directly (e.g. over RPC) would skip the
        checks and the MAJ."""
        with self.assertRaises(UserError):
            self.deployment.write({"state": "done"})
        with self.assertRaises(UserError):
            self.env["telecom.deployment"].create({
                "partner_operator_id": self.op_actif.id,
                "state": "done"})
        self.assertEqual(self.deployment.state, "draft")
        self.assertFalse(self.deployment.update_ids)

    def test_done_requires_dates(self):
        with self.assertRaises(UserError) as error:
            self.deployment.action_done()
        message = str(error.exception)
        self.assertIn(self.deployment.name, message)
        self.assertIn("Installation Finished On", message)
        self.assertIn("Activation Date", message)
        self.deployment.date_installed = "2026-03-01"
        with self.assertRaises(UserError) as error:
            self.deployment.action_done()
        self.assertNotIn("Installation Finished On", str(error.exception))
        self.assertIn("Activation Date", str(error.exception))
        self.assertEqual(self.deployment.state, "draft")
        self.assertFalse(self.deployment.update_ids)

    def test_done_makes_one_maj_per_line(self):
        updates = self._done(self.deployment)
        self.assertEqual(self.deployment.state, "done")
        self.assertEqual(len(updates), 2)
        self.assertEqual(updates.mapped("line_id"),
                         self.line_20 | self.line_100)
        self.assertEqual(self.line_20.update_ids, updates.filtered(
            lambda u: u.line_id == self.line_20))
        # Done twice: never two MAJ.
        self.assertIs(self.deployment.action_done(), True)
        self.assertEqual(len(self.deployment.update_ids), 2)

    def test_maj_content_is_the_seeds(self):
        """The seed's MAJ 01-03-2026: Mobile, Actif Telecom, Orange, Voix &
        Data, no framework agreement, total 0.00, options 0.00, one-off
        option 2 x Recharge DATA 1Go (Abo <50Go) = 2.00."""
        self._done(self.deployment, "2026-03-01")
        update = self.line_20.update_ids
        self.assertEqual(len(update), 1)
        self.assertEqual(update.name, "MAJ 01-03-2026")
        self.assertEqual(update.display_name, "MAJ 01-03-2026")
        self.assertEqual(update.service_type, "mobile")
        self.assertEqual(update.partner_operator_id, self.op_actif)
        self.assertEqual(update.collection_operator_id, self.coll_orange)
        self.assertEqual(update.category, "voice_data")
        self.assertFalse(update.framework_agreement)
        self.assertEqual(update.amount_total, 0.0)
        self.assertEqual(update.amount_options, 0.0)
        self.assertEqual(update.amount_one_off, 2.0)
        self.assertEqual(update.date, "2026-03-01")
        self.assertEqual(update.date_activation, "2026-03-01")
        self.assertEqual(update.deployment_id, self.deployment)
        self.assertIn(self.deployment.name, update.info)
        self.assertEqual(
            [(o.name, o.quantity, o.amount) for o in update.option_ids],
            [("Recharge DATA 1Go (Abo <50Go)", 2.0, 2.0)])
        self.assertEqual(update.option_ids.default_code, "RDATA1G-LT50")
        other = self.line_100.update_ids
        self.assertEqual(
            [(o.name, o.quantity, o.amount) for o in other.option_ids],
            [("Recharge DATA 1Go (Abo >=50Go)", 2.0, 1.0)])

    def test_maj_options_are_copies(self):
        """Renaming or repricing the product later does not change the
        history."""
        self._done(self.deployment)
        self.product_lt50.product_tmpl_id.write({
            "name": "Renamed", "list_price": 9.0})
        option = self.line_20.update_ids.option_ids
        self.assertEqual(option.name, "Recharge DATA 1Go (Abo <50Go)")
        self.assertEqual(option.amount, 2.0)

    def test_done_locks_options_and_amounts(self):
        self._done(self.deployment)
        option = self.deployment.option_ids[0]
        with self.assertRaises(UserError):
            option.quantity = 5
        with self.assertRaises(UserError):
            option.unlink()
        with self.assertRaises(UserError):
            self.env["telecom.deployment.option"].create({
                "deployment_id": self.deployment.id,
                "line_id": self.line_20.id,
                "product_id": self.product_lt50.id,
                "quantity": 1,
            })
        with self.assertRaises(UserError):
            self.deployment.write({"option_ids": [(2, option.id)]})
        with self.assertRaises(UserError):
            self.deployment.date_activation = "2026-04-01"
        with self.assertRaises(UserError):
            self.deployment.action_cancel()
        with self.assertRaises(UserError):
            self.deployment.unlink()
        self.assertEqual(self.deployment.amount_one_off, 3.0)
        # What the MAJ did not copy stays editable.
        self.deployment.note = "Checked with the customer"

    def test_options_editable_until_done(self):
        """The top-up can be checked and changed on the deployment."""
        option = self.deployment.option_ids.filtered(
            lambda o: o.line_id == self.line_20)
        option.quantity = 3
        self.assertEqual(option.amount, 3.0)
        self.assertEqual(self.deployment.amount_one_off, 4.0)
        self.deployment.write({"option_ids": [(0, 0, {
            "line_id": self.line_49.id,
            "product_id": self.product_lt50.id,
            "quantity": 1,
        })]})
        # The price comes from the product; the line joins the deployment.
        self.assertEqual(self.deployment.amount_one_off, 5.0)
        self.assertIn(self.line_49, self.deployment.line_ids)
        updates = self._done(self.deployment)
        self.assertEqual(len(updates), 3)
        self.assertEqual(self.line_49.update_ids.amount_one_off, 1.0)

    def test_option_must_be_one_off(self):
        product = self.env["product.product"].create({"name": "Not one-off"})
        with self.assertRaises(Exception):
            self.deployment.write({"option_ids": [(0, 0, {
                "line_id": self.line_20.id,
                "product_id": product.id,
                "quantity": 1,
            })]})

    def test_one_message_per_deployment(self):
        """Done posts on the deployment, not on each line."""
        self.deployment = self.deployment.with_context(
            tracking_disable=False)
        line_messages = self.env["mail.message"].search_count([
            ("model", "=", "telecom.line"),
            ("res_id", "in", self.deployment.line_ids.ids)])
        deployment_messages = len(self.deployment.message_ids)
        self._done(self.deployment)
        self.assertEqual(self.env["mail.message"].search_count([
            ("model", "=", "telecom.line"),
            ("res_id", "in", self.deployment.line_ids.ids)]),
            line_messages)
        self.deployment.invalidate_cache()
        self.assertLessEqual(
            len(self.deployment.message_ids) - deployment_messages, 2)

    def test_line_history(self):
        """A line with a deployment option or a MAJ has a history: the
        delete wizard archives it instead of deleting it."""
        self.assertTrue(self.line_20._telecom_has_history())
        self._done(self.deployment)
        self.assertTrue(any("MAJ" in reason for reason in
                            self.line_20._telecom_history_reasons()))
        self.assertFalse(self.line_49._telecom_has_history())
