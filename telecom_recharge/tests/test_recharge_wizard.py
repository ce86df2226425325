# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from xmlrpc.client import dumps

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError

from .common import TelecomRechargeCase


class TestRechargeWizard(TelecomRechargeCase):
    """The Recharge DATA wizard: tier choice, amounts, grouping into
    deployments, refusals as a whole, RPC use and double submit."""

    def _count_deployments(self):
        return self.env["telecom.deployment"].search_count([])

    def _option_of(self, deployments, line):
        return deployments.mapped("option_ids").filtered(
            lambda option: option.line_id == line)

    # ------------------------------------------------------------------
    # Tiers and amounts
    # ------------------------------------------------------------------
    def test_seed_below_50_two_gb(self):
        """The seed: 2 GB on a line below 50 GB gives 2 x "Recharge DATA
        1Go (Abo <50Go)" = 2.00."""
        _action, deployment = self._recharge(self.line_20, 2)
        self.assertEqual(len(deployment), 1)
        option = deployment.option_ids
        self.assertEqual(len(option), 1)
        self.assertEqual(option.product_id, self.product_lt50)
        self.assertEqual(option.product_id.name,
                         "Recharge DATA 1Go (Abo <50Go)")
        self.assertEqual(option.quantity, 2)
        self.assertEqual(option.price_unit, 1.0)
        self.assertEqual(option.amount, 2.0)
        self.assertEqual(deployment.amount_one_off, 2.0)
        self.assertEqual(deployment.option_count, 1)

    def test_seed_above_50_one_gb(self):
        """The seed: 1 GB on a line at or above 50 GB gives 0.50."""
        _action, deployment = self._recharge(self.line_100, 1)
        self.assertEqual(deployment.option_ids.product_id,
                         self.product_ge50)
        self.assertEqual(deployment.option_ids.quantity, 1)
        self.assertEqual(deployment.amount_one_off, 0.5)
        self.assertIn("1 option(s)", deployment.option_summary)
        self.assertIn("0.50", deployment.option_summary)

    def test_tier_boundaries(self):
        """Exactly 50 GB is in the upper tier (min included), 49.99 GB in
        the lower one (max excluded)."""
        _action, deployment = self._recharge(
            self.line_50 | self.line_49, 3)
        self.assertEqual(
            self._option_of(deployment, self.line_50).product_id,
            self.product_ge50)
        self.assertEqual(
            self._option_of(deployment, self.line_50).amount, 1.5)
        self.assertEqual(
            self._option_of(deployment, self.line_49).product_id,
            self.product_lt50)
        self.assertEqual(
            self._option_of(deployment, self.line_49).amount, 3.0)
        self.assertEqual(deployment.amount_one_off, 4.5)

    def test_quantity_follows_gb_per_unit(self):
        """A tier sold by 5 GB gives a quantity of GB / 5, and refuses a
        value that is not a multiple."""
        self.product_lt50.product_tmpl_id.write({
            "telecom_gb_per_unit": 5, "list_price": 4.0})
        _action, deployment = self._recharge(self.line_20, 10)
        self.assertEqual(deployment.option_ids.quantity, 2)
        self.assertEqual(deployment.amount_one_off, 8.0)
        with self.assertRaises(UserError) as error:
            self._recharge(self.line_20, 7)
        self.assertIn("multiple of 5 GB", str(error.exception))

    def test_unit_price_is_product_list_price(self):
        self.product_ge50.product_tmpl_id.list_price = 0.75
        _action, deployment = self._recharge(self.line_100, 4)
        self.assertEqual(deployment.option_ids.price_unit, 0.75)
        self.assertEqual(deployment.amount_one_off, 3.0)

    def test_preview_onchange_and_total(self):
        """The form shows, per line, the product, quantity and amount, and
        the total, and follows a change of the GB value."""
        wizard = self.env["telecom.line.recharge"].with_context(
            active_model="telecom.line",
            active_ids=(self.line_20 | self.line_100).ids).new(
                {"data_gb": 2})
        wizard.line_ids = self.line_20 | self.line_100
        wizard._onchange_preview()
        preview = {row.line_id: row for row in wizard.preview_ids}
        self.assertEqual(preview[self.line_20].product_id,
                         self.product_lt50)
        self.assertEqual(preview[self.line_20].subscription_id, self.sub_20)
        self.assertEqual(preview[self.line_20].allowance_gb, 20)
        self.assertEqual(preview[self.line_20].quantity, 2)
        self.assertEqual(preview[self.line_20].price_unit, 1.0)
        self.assertEqual(preview[self.line_20].amount, 2.0)
        self.assertEqual(preview[self.line_100].amount, 1.0)
        self.assertEqual(wizard.amount_total, 3.0)
        self.assertFalse(wizard.problems)
        wizard.data_gb = 4
        wizard._onchange_preview()
        self.assertEqual(wizard.amount_total, 6.0)
        self.assertEqual(sum(wizard.preview_ids.mapped("amount")), 6.0)

    def _form_wizard(self, lines, text):
        """The wizard as the form holds it while the user types ``text``."""
        wizard = self.env["telecom.line.recharge"].with_context(
            active_model="telecom.line", active_ids=lines.ids).new(
                {"data_gb": 2, "line_ids": [(6, 0, lines.ids)]})
        wizard._onchange_preview()
        wizard.data_gb_text = text
        return wizard, wizard._onchange_data_gb_text()

    def test_typed_fraction_warns_at_once(self):
        """1,5 (as typed in French) refreshes the preview and says at once
        that a whole number of GB is needed; the stored value stays whole."""
        wizard, result = self._form_wizard(self.line_20 | self.line_100,
                                           "1,5")
        self.assertIn("warning", result)
        self.assertIn("not a whole number", result["warning"]["message"])
        # The value as typed, not "1.5".
        self.assertIn("value 1,5 GB", result["warning"]["message"])
        self.assertIn("whole number", wizard.problems)
        self.assertEqual(wizard.data_gb, 2)
        self.assertIsInstance(wizard.data_gb, int)
        # The preview no longer shows the former 2 GB / 3.00 total.
        self.assertEqual(wizard.amount_total, 0.0)
        self.assertEqual(sum(wizard.preview_ids.mapped("amount")), 0.0)
        self.assertEqual(len(wizard.preview_ids), 2)

    def test_typed_whole_number_refreshes_preview(self):
        wizard, result = self._form_wizard(self.line_20 | self.line_100, "3")
        self.assertFalse(result.get("warning"))
        self.assertEqual(wizard.data_gb, 3)
        self.assertEqual(wizard.amount_total, 4.5)
        self.assertEqual(sum(wizard.preview_ids.mapped("amount")), 4.5)
        self.assertFalse(wizard.problems)
        # Out of range: said in the form, without a dialog.
        wizard, result = self._form_wizard(self.line_20, "0")
        self.assertFalse(result.get("warning"))
        self.assertIn("at least 1 GB", wizard.problems)

    def test_form_save_takes_the_typed_text(self):
        """Save sends the text and the number: the text wins, and a
        fraction is refused, never truncated."""
        Wizard = self.env["telecom.line.recharge"].with_context(
            active_model="telecom.line", active_ids=self.line_20.ids)
        wizard = Wizard.create({"data_gb": 1, "data_gb_text": "3"})
        self.assertEqual(wizard.data_gb, 3)
        self.assertEqual(wizard.data_gb_text, "3")
        with self.assertRaises(UserError) as error:
            Wizard.create({"data_gb": 1, "data_gb_text": "1,5"})
        self.assertIn("not a whole number", str(error.exception))

    def test_refused_save_keeps_the_preview(self):
        """The form reloads the wizard after a refused Save: its preview
        is stored with it, so the table is not empty."""
        wizard = self._wizard(self.line_20 | self.line_terminated, 2)
        self.assertEqual(len(wizard.preview_ids), 2)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        wizard.invalidate_cache()
        rows = {row.line_id: row for row in wizard.preview_ids}
        self.assertEqual(rows[self.line_20].amount, 2.0)
        self.assertIn("terminated", rows[self.line_terminated].problem)
        wizard.write({"data_gb": 4})
        self.assertEqual(
            sum(wizard.preview_ids.mapped("amount")), 4.0)

    def test_preview_shows_problems(self):
        wizard = self._wizard(self.line_20 | self.line_none, 2)
        self.assertIn("0611000000", wizard.problems)
        self.assertIn("no data allowance", wizard.problems)
        # The total counts the valid lines only.
        self.assertEqual(wizard.amount_total, 2.0)

    def test_default_lines_from_context(self):
        wizard = self._wizard(self.line_20 | self.line_100, 1)
        self.assertEqual(wizard.line_ids, self.line_20 | self.line_100)
        other = self.env["telecom.line.recharge"].with_context(
            active_model="res.partner",
            active_ids=self.line_20.ids).create({"data_gb": 1})
        self.assertFalse(other.line_ids)

    # ------------------------------------------------------------------
    # Deployments
    # ------------------------------------------------------------------
    def test_deployment_values_and_action(self):
        action, deployment = self._recharge(self.line_20 | self.line_100, 1)
        self.assertEqual(deployment.state, "draft")
        self.assertEqual(deployment.category, "voice_data")
        self.assertEqual(deployment.partner_operator_id, self.op_actif)
        self.assertEqual(deployment.collection_operator_id,
                         self.coll_orange)
        self.assertEqual(deployment.line_ids, self.line_20 | self.line_100)
        self.assertEqual(deployment.company_id, self.company)
        self.assertTrue(deployment.name.startswith("DEP/"))
        self.assertEqual(action["res_model"], "telecom.deployment")
        self.assertEqual(action["res_id"], deployment.id)
        self.assertEqual(action["view_mode"], "form")

    def test_grouping_by_operator_pair(self):
        """Lines of two (partner, collection) operator pairs give two
        deployments and the action is a list of them."""
        lines = self.line_20 | self.line_100 | self.line_sfr | \
            self.line_other_op
        action, deployments = self._recharge(lines, 1)
        self.assertEqual(len(deployments), 3)
        pairs = {(d.partner_operator_id, d.collection_operator_id): d
                 for d in deployments}
        self.assertEqual(
            pairs[(self.op_actif, self.coll_orange)].line_ids,
            self.line_20 | self.line_100)
        self.assertEqual(pairs[(self.op_actif, self.coll_sfr)].line_ids,
                         self.line_sfr)
        self.assertEqual(
            pairs[(self.op_other, self.coll_orange)].line_ids,
            self.line_other_op)
        for deployment in deployments:
            self.assertEqual(deployment.option_ids.mapped("line_id"),
                             deployment.line_ids)
        self.assertEqual(action["domain"][0][:2], ("id", "in"))
        self.assertEqual(sorted(action["domain"][0][2]),
                         sorted(deployments.ids))
        dumps((action,), methodresponse=True, allow_none=False)
        self.assertFalse(action.get("res_id"))

    def test_double_submit_one_deployment(self):
        """A second confirm (double click, replayed request) returns the
        same deployment and creates nothing."""
        wizard = self._wizard(self.line_20, 2)
        before = self._count_deployments()
        action = wizard.action_confirm()
        again = wizard.action_confirm()
        self.assertEqual(self._count_deployments(), before + 1)
        self.assertEqual(action["res_id"], again["res_id"])
        self.assertEqual(len(wizard.deployment_ids), 1)
        self.assertEqual(wizard.state, "done")

    # ------------------------------------------------------------------
    # Refusals: one message, every offending line, nothing created
    # ------------------------------------------------------------------
    def _assert_refused(self, lines, data_gb, *fragments):
        before = self._count_deployments()
        with self.assertRaises(UserError) as error:
            self._recharge(lines, data_gb)
        message = str(error.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertEqual(self._count_deployments(), before)
        return message

    def test_refuse_line_without_subscription(self):
        self._assert_refused(self.line_nosub, 1, "0611000001",
                             "has no subscription")

    def test_refuse_subscription_without_allowance(self):
        self._assert_refused(self.line_none, 1, "0611000000",
                             "Abo voix seule", "no data allowance")

    def test_refuse_terminated_line(self):
        self._assert_refused(self.line_terminated, 1, "0611000002",
                             "terminated")

    def test_refuse_line_of_another_company(self):
        self._assert_refused(self.line_company_b, 1, "0611000005",
                             "Société B Recharge")

    def test_refuse_archived_line(self):
        self.line_20.active = False
        self._assert_refused(self.line_20 | self.line_100, 1, "0611000020",
                             "archived")

    def test_refuse_no_matching_tier(self):
        self.product_ge50.product_tmpl_id.active = False
        self._assert_refused(self.line_100, 1, "0611000100",
                             "no Data Top-up one-off option matches",
                             "100 GB")

    def test_refuse_bad_values(self):
        self._assert_refused(self.line_20, 0, "at least 1 GB")
        self._assert_refused(self.line_20, -3, "at least 1 GB")
        self._assert_refused(self.line_20, 101, "above the maximum of 100")
        # The maximum is a company setting.
        self.company.telecom_recharge_max_gb = 200
        _action, deployment = self._recharge(self.line_20, 150)
        self.assertEqual(deployment.amount_one_off, 150.0)
        self.company.telecom_recharge_max_gb = 10
        self._assert_refused(self.line_20, 11, "maximum of 10 GB")

    def test_refuse_fractional_value(self):
        """A fractional value is refused, never truncated to 2 GB."""
        before = self._count_deployments()
        with self.assertRaises(UserError) as error:
            self._wizard(self.line_20, 2.5)
        self.assertIn("2.5 GB is not a whole number", str(error.exception))
        self.assertEqual(self._count_deployments(), before)
        # A whole number sent as a float is fine.
        _action, deployment = self._recharge(self.line_20, 2.0)
        self.assertEqual(deployment.amount_one_off, 2.0)

    def test_refuse_all_problems_in_one_message(self):
        lines = self.line_20 | self.line_nosub | self.line_none | \
            self.line_terminated | self.line_company_b
        message = self._assert_refused(
            lines, 0, "at least 1 GB", "0611000001", "0611000000",
            "0611000002", "0611000005")
        self.assertNotIn("0611000020", message)
        self.assertIn("nothing was created", message)

    def test_refuse_no_line(self):
        self._assert_refused(self.env["telecom.line"], 1,
                             "No line is selected")

    # ------------------------------------------------------------------
    # Over RPC: the same calls the XML-RPC layer makes
    # ------------------------------------------------------------------
    def test_rpc_create_and_confirm(self):
        Wizard = self.env["telecom.line.recharge"].sudo(self.user_ops)
        wizard_id = call_kw(Wizard, "create", [{
            "line_ids": [(6, 0, [self.line_20.id])], "data_gb": 2}], {})
        action = call_kw(Wizard, "action_confirm", [[wizard_id]], {})
        deployment = self.env["telecom.deployment"].browse(
            action["res_id"])
        self.assertEqual(deployment.amount_one_off, 2.0)
        self.assertEqual(deployment.create_uid, self.user_ops)
        again = call_kw(Wizard, "action_confirm", [[wizard_id]], {})
        self.assertEqual(again["res_id"], deployment.id)
        # XML-RPC can send the answers (no None in them).
        dumps((action,), methodresponse=True, allow_none=False)
        Deployment = self.env["telecom.deployment"].sudo(self.user_ops)
        deployment.write({"date_installed": "2026-03-01",
                          "date_activation": "2026-03-01"})
        for method in ("action_confirm", "action_done"):
            result = call_kw(Deployment, method, [deployment.ids], {})
            dumps((result,), methodresponse=True, allow_none=False)
        self.assertEqual(deployment.state, "done")
        self.assertEqual(len(deployment.update_ids), 1)

    def test_rpc_refusals(self):
        Wizard = self.env["telecom.line.recharge"].sudo(self.user_ops)
        before = self._count_deployments()
        for value, fragment in ((2.5, "not a whole number"),
                                ("abc", "not a number"),
                                ("inf", "not a number"),
                                (True, "not a number")):
            with self.assertRaises(UserError) as error:
                call_kw(Wizard, "create", [{
                    "line_ids": [(6, 0, [self.line_20.id,
                                         self.line_nosub.id])],
                    "data_gb": value}], {})
            self.assertIn(fragment, str(error.exception))
            # The lines are checked in the same message.
            self.assertIn("0611000001", str(error.exception))
        wizard_id = call_kw(Wizard, "create", [{
            "line_ids": [(6, 0, [self.line_20.id])], "data_gb": 1}], {})
        with self.assertRaises(UserError):
            call_kw(Wizard, "write", [[wizard_id], {"data_gb": 1.5}], {})
        call_kw(Wizard, "write", [[wizard_id], {"data_gb": 500}], {})
        with self.assertRaises(UserError) as error:
            call_kw(Wizard, "action_confirm", [[wizard_id]], {})
        self.assertIn("above the maximum", str(error.exception))
        self.assertEqual(self._count_deployments(), before)

    def test_accountant_cannot_run_wizard(self):
        # Refused as soon as the wizard is opened, not only on confirm.
        with self.assertRaises(AccessError):
            self._wizard(self.line_20, 1, user=self.user_accountant)
