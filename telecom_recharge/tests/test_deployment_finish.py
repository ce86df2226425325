# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import TelecomRechargeCase


class TestDeploymentFinish(TelecomRechargeCase):
    """The Finish step: one dialog asking for the two dates, then done."""

    @classmethod
    def setUpClass(cls):
        super(TestDeploymentFinish, cls).setUpClass()
        cls.deployment = cls._recharge_deployment(cls.line_20 | cls.line_100)
        cls.other = cls._recharge_deployment(cls.line_49)

    @classmethod
    def _recharge_deployment(cls, lines):
        wizard = cls.env["telecom.line.recharge"].with_context(
            active_model="telecom.line", active_ids=lines.ids).create(
                {"data_gb": 2})
        wizard.action_confirm()
        return wizard.deployment_ids

    def _finish_wizard(self, deployment, user=None, **vals):
        Wizard = self.env["telecom.deployment.finish"]
        if user:
            Wizard = Wizard.sudo(user)
        return Wizard.with_context(
            active_model="telecom.deployment",
            active_id=deployment.id).create(vals)

    def test_dates_default_to_today(self):
        wizard = self._finish_wizard(self.deployment)
        today = fields.Date.context_today(wizard)
        self.assertEqual(wizard.deployment_id, self.deployment)
        self.assertEqual(wizard.date_installed, today)
        self.assertEqual(wizard.date_activation, today)

    def test_dates_default_to_the_deployments(self):
        self.deployment.write({"date_installed": "2026-02-10",
                               "date_activation": "2026-02-12"})
        wizard = self._finish_wizard(self.deployment)
        self.assertEqual(wizard.date_installed, "2026-02-10")
        self.assertEqual(wizard.date_activation, "2026-02-12")

    def test_finish_writes_the_dates_and_makes_it_done(self):
        wizard = self._finish_wizard(
            self.deployment, user=self.user_ops,
            date_installed="2026-03-01", date_activation="2026-03-02")
        action = wizard.action_finish()
        self.assertEqual(action, {"type": "ir.actions.act_window_close"})
        self.assertEqual(self.deployment.state, "done")
        self.assertEqual(self.deployment.date_installed, "2026-03-01")
        self.assertEqual(self.deployment.date_activation, "2026-03-02")
        updates = self.deployment.update_ids
        self.assertEqual(updates.mapped("line_id"),
                         self.line_20 | self.line_100)
        self.assertEqual(set(updates.mapped("date")), {"2026-03-02"})

    def test_finish_a_confirmed_deployment(self):
        self.deployment.action_confirm()
        self._finish_wizard(self.deployment).action_finish()
        self.assertEqual(self.deployment.state, "done")
        self.assertEqual(len(self.deployment.update_ids), 2)

    def test_dates_are_required(self):
        Wizard = self.env["telecom.deployment.finish"]
        self.assertTrue(Wizard._fields["date_installed"].required)
        self.assertTrue(Wizard._fields["date_activation"].required)
        with self.assertRaises(psycopg2.IntegrityError), \
                mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._finish_wizard(self.deployment, date_installed=False)
        self.assertEqual(self.deployment.state, "draft")

    def test_refused_when_done_or_cancelled(self):
        wizard = self._finish_wizard(self.deployment)
        wizard.action_finish()
        again = self._finish_wizard(self.deployment)
        with self.assertRaises(UserError) as error:
            again.action_finish()
        self.assertIn(self.deployment.name, str(error.exception))
        self.assertIn("only a draft or confirmed", str(error.exception))
        self.assertEqual(len(self.deployment.update_ids), 2)

        self.other.action_cancel()
        with self.assertRaises(UserError) as error:
            self._finish_wizard(self.other).action_finish()
        self.assertIn(self.other.name, str(error.exception))
        self.assertEqual(self.other.state, "cancelled")
        self.assertFalse(self.other.date_installed)

    def test_accountant_cannot_finish(self):
        with self.assertRaises(AccessError):
            self._finish_wizard(self.deployment, user=self.user_accountant)
        self.assertEqual(self.deployment.state, "draft")
