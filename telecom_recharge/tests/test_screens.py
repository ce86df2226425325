# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from .common import TelecomRechargeCase


class TestScreens(TelecomRechargeCase):
    """What the screens say: the parc's group counts the open work of its
    lines, the menus are not doubled."""

    def _parc_label(self):
        groups = self.env["telecom.line"].read_group(
            [("parc_id", "=", self.parc.id)], ["parc_id"], ["parc_id"])
        return groups[0]["parc_id"][1]

    def test_group_label_counts_lines_and_open_work(self):
        lines = self.env["telecom.line"].search(
            [("parc_id", "=", self.parc.id)])
        label = self._parc_label()
        self.assertEqual(label, "%s (%d line(s))" % (
            self.parc.display_name, len(lines)))
        _action, first = self._recharge(self.line_20 | self.line_100, 1)
        self._recharge(self.line_20, 1)
        # The sum of the "⚙" column of the lines: 2 + 1.
        self.assertEqual(
            sum((self.line_20 | self.line_100).mapped(
                "open_deployment_count")), 3)
        self.assertEqual(self._parc_label(), "%s (%d line(s)) ⚙️ 3" % (
            self.parc.display_name, len(lines)))
        # Done, a deployment is no longer open work.
        self._done(first)
        self.assertTrue(self._parc_label().endswith("⚙️ 1"))

    def test_no_doubled_menu(self):
        """Under Telecom, no two menus an administrator sees have the same
        name (e.g. two "One-off Options", two settings)."""
        root = self.env.ref("telecom_parc.telecom_root_menu")
        menus = self.env["ir.ui.menu"].with_context(lang="en_US").search(
            [("id", "child_of", root.id), ("action", "!=", False)])
        names = Counter(menus.mapped("name"))
        self.assertFalse([name for name, count in names.items()
                          if count > 1], names)
        actions = Counter(str(menu.action) for menu in menus)
        self.assertFalse([action for action, count in actions.items()
                          if count > 1], actions)
        self.assertFalse(self.env.ref(
            "telecom_recharge.telecom_recharge_settings_menu",
            raise_if_not_found=False))

    def test_short_headers_explained(self):
        """The "⚙" and "#" columns show their field's help as a tooltip."""
        self.assertIn("⚙", self.env["telecom.line"]._fields[
            "open_deployment_count"].help)
        self.assertTrue(self.env["telecom.line.update"]._fields[
            "deployment_id"].help)
