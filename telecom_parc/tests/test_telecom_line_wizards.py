# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import TelecomParcCase


class TestTelecomLineWizards(TelecomParcCase):

    @classmethod
    def setUpClass(cls):
        super(TestTelecomLineWizards, cls).setUpClass()
        cls.line_1 = cls._create_line(
            "0644000001", user_name="u1", customer_account="c1",
            subscription_id=cls.sub_100.id)
        cls.line_2 = cls._create_line(
            "0644000002", user_name="u2", customer_account="c2",
            subscription_id=cls.sub_20.id)
        cls.lines = cls.line_1 | cls.line_2

    def _wizard(self, model, lines, values=None):
        return self.env[model].with_context(
            active_model="telecom.line", active_ids=lines.ids,
        ).create(values or {})

    # Edit lines --------------------------------------------------------
    def test_mass_edit_changes_only_filled_fields(self):
        wizard = self._wizard("telecom.line.mass.edit", self.lines, {
            "subscription_id": self.sub_none.id,
        })
        self.assertEqual(wizard.line_ids, self.lines)
        result = wizard.action_confirm()
        self.assertIsInstance(result, dict)
        self.assertEqual(self.lines.mapped("subscription_id"), self.sub_none)
        self.assertEqual(self.line_1.user_name, "u1")
        self.assertEqual(self.line_2.user_name, "u2")
        self.assertEqual(self.line_1.customer_account, "c1")
        self.assertEqual(self.lines.mapped("parc_id"), self.parc)

        self._wizard("telecom.line.mass.edit", self.lines, {
            "user_name": "Nouveau nom", "parc_id": self.parc_internet.id,
        }).action_confirm()
        self.assertEqual(self.lines.mapped("user_name"), ["Nouveau nom"] * 2)
        self.assertEqual(self.lines.mapped("parc_id"), self.parc_internet)
        self.assertEqual(self.lines.mapped("subscription_id"), self.sub_none)
        self.assertEqual(self.line_2.customer_account, "c2")

    def test_mass_edit_nothing_filled(self):
        wizard = self._wizard("telecom.line.mass.edit", self.lines)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(self.line_1.subscription_id, self.sub_100)

    # Delete lines ------------------------------------------------------
    def test_delete_or_archive(self):
        plain = self._create_line("0644000010")
        noted = self._create_line("0644000011")
        noted.message_post(body="Appel client", message_type="comment")
        suspended = self._create_line("0644000012", state="suspended")
        changed = self._create_line("0644000013", user_name="avant")
        changed.user_name = "après"
        for line in (plain, noted, suspended, changed):
            self.assertEqual(line._telecom_has_history(), line != plain,
                             line.name)
        lines = plain | noted | suspended | changed
        wizard = self._wizard("telecom.line.delete", lines)
        self.assertIn("1 line(s) will be deleted", wizard.preview)
        action = wizard.action_confirm()
        self.assertEqual(action["res_model"], "telecom.line.delete")
        self.assertEqual(action["res_id"], wizard.id)
        self.assertFalse(plain.exists())
        for line in (noted, suspended, changed):
            self.assertTrue(line.exists())
            self.assertFalse(line.active)
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.deleted_count, 1)
        self.assertEqual(wizard.archived_count, 3)
        message = wizard.result_message
        self.assertIn("0644000010", message)
        self.assertIn("0644000011: it has 1 message(s)", message)
        self.assertIn("0644000012: its status is Suspended", message)
        self.assertIn("0644000013: it has 1 recorded change(s)", message)
        self.assertIn("archived instead of deleted", message)

    def test_delete_without_history(self):
        # A fresh line (creation log and initial values only) is deleted.
        self.assertFalse(self.line_1._telecom_has_history())
        wizard = self._wizard("telecom.line.delete", self.lines)
        wizard.action_confirm()
        self.assertFalse(self.lines.exists())
        self.assertEqual(wizard.archived_count, 0)
        self.assertNotIn("archived", wizard.result_message)

    # Create a task -----------------------------------------------------
    def test_task_one_activity_per_line(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        wizard = self._wizard("telecom.line.task", self.lines, {
            "activity_type_id": todo.id,
            "summary": "Vérifier le forfait",
            "date_deadline": "2026-12-31",
            "user_id": self.user_ops.id,
        })
        result = wizard.action_confirm()
        self.assertIsInstance(result, dict)
        for line in self.lines:
            activity = self.env["mail.activity"].search([
                ("res_model", "=", "telecom.line"), ("res_id", "=", line.id)])
            self.assertEqual(len(activity), 1, line.name)
            self.assertEqual(activity.user_id, self.user_ops)
            self.assertEqual(activity.summary, "Vérifier le forfait")
            self.assertEqual(activity.activity_type_id, todo)
            self.assertEqual(activity.date_deadline, "2026-12-31")
            self.assertEqual(line.activity_user_id, self.user_ops)

    def test_task_by_telecom_user(self):
        lines = self.lines.sudo(self.user_ops)
        wizard = self.env["telecom.line.task"].sudo(self.user_ops).create({
            "line_ids": [(6, 0, lines.ids)],
            "summary": "Rappeler",
            "user_id": self.user_manager.id,
        })
        wizard.action_confirm()
        self.assertEqual(
            self.lines.mapped("activity_ids.user_id"), self.user_manager)
