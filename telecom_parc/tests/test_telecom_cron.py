# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import TelecomParcCase

PARAM = "telecom_parc.test_cron_ran"


class TestTelecomCron(TelecomParcCase):
    """Telecom Managers configure and run the telecom scheduled actions,
    and no other."""

    @classmethod
    def setUpClass(cls):
        super(TestTelecomCron, cls).setUpClass()
        Cron = cls.env["ir.cron"]
        cls.telecom_cron = Cron.create({
            "name": "Telecom test cron",
            "model_id": cls.env.ref("telecom_parc.model_telecom_line").id,
            "state": "code",
            "code": "env['ir.config_parameter'].sudo().set_param("
                    "'%s', 'yes')" % PARAM,
            "interval_number": 1,
            "interval_type": "hours",
            "numbercall": -1,
        })
        cls.other_cron = Cron.create({
            "name": "Partner test cron",
            "model_id": cls.env.ref("base.model_res_partner").id,
            "state": "code",
            "code": "env['ir.config_parameter'].sudo().set_param("
                    "'%s', 'other')" % PARAM,
            "interval_number": 1,
            "interval_type": "days",
            "numbercall": -1,
        })
        cls.manager_crons = cls.env["ir.cron"].sudo(cls.user_manager)

    def test_manager_sees_only_telecom_crons(self):
        crons = self.manager_crons.with_context(active_test=False).search([])
        self.assertIn(self.telecom_cron, crons)
        self.assertNotIn(self.other_cron, crons)
        self.assertFalse(crons.filtered(
            lambda c: not c.sudo().model_name.startswith("telecom.")))
        with self.assertRaises(AccessError):
            self.other_cron.sudo(self.user_manager).read(["interval_number"])

    def test_manager_sets_interval_and_active(self):
        cron = self.telecom_cron.sudo(self.user_manager)
        cron.write({"interval_number": 30, "interval_type": "minutes"})
        cron.toggle_active()
        self.assertEqual(self.telecom_cron.interval_number, 30)
        self.assertEqual(self.telecom_cron.interval_type, "minutes")
        self.assertFalse(self.telecom_cron.active)
        with self.assertRaises(AccessError):
            self.other_cron.sudo(self.user_manager).write(
                {"interval_number": 5})
        self.assertEqual(self.other_cron.interval_number, 1)

    def test_manager_cannot_change_what_runs(self):
        cron = self.telecom_cron.sudo(self.user_manager)
        for vals in ({"code": "1"},
                     {"ir_actions_server_id":
                      self.other_cron.ir_actions_server_id.id},
                     {"user_id": self.user_manager.id}):
            with self.assertRaises(AccessError):
                cron.write(vals)
        self.assertEqual(self.telecom_cron.user_id, self.env.user)
        with self.assertRaises(AccessError):
            self.manager_crons.create({
                "name": "Mine", "state": "code", "code": "1",
                "model_id": self.env.ref(
                    "telecom_parc.model_telecom_line").id})
        with self.assertRaises(AccessError):
            cron.unlink()

    def test_manager_runs_a_telecom_cron_now(self):
        params = self.env["ir.config_parameter"].sudo()
        self.telecom_cron.sudo(self.user_manager).method_direct_trigger()
        self.assertEqual(params.get_param(PARAM), "yes")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.other_cron.sudo(self.user_manager).method_direct_trigger()
        self.assertEqual(params.get_param(PARAM), "yes")

    def test_other_users_have_no_crons(self):
        for user in (self.user_ops, self.user_accountant):
            with self.assertRaises(AccessError):
                self.env["ir.cron"].sudo(user).search([])
            with self.assertRaises(AccessError):
                self.telecom_cron.sudo(user).method_direct_trigger()

    def test_menu_for_managers(self):
        menu = self.env.ref("telecom_parc.ir_cron_telecom_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu, Menu.sudo(self.user_manager).search([]))
        self.assertNotIn(menu, Menu.sudo(self.user_ops).search([]))
        action = self.env.ref("telecom_parc.ir_cron_telecom_action")
        crons = self.env["ir.cron"].with_context(active_test=False).search(
            safe_eval(action.domain))
        self.assertIn(self.telecom_cron, crons)
        self.assertNotIn(self.other_cron, crons)
