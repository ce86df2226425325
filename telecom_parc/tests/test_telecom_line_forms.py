# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import UserError

from .common import TelecomParcCase


class TestTelecomLineForms(TelecomParcCase):
    """What the lines' screens show and ask: the national number in the
    list and the form, the parc's group label, the status buttons with
    their confirmation and date, what the accountant is offered, the demo
    users' start page."""

    @classmethod
    def setUpClass(cls):
        super(TestTelecomLineForms, cls).setUpClass()
        cls.line_a = cls._create_line("0700000190")
        cls.line_b = cls._create_line("+33 7 00 00 01 91")
        cls.line_c = cls._create_line("07 00 00 01 92", user_name="Léa")
        cls.line_other = cls._create_line("0700000193",
                                          parc=cls.parc_internet)

    def _arch(self, xmlid, view_type, user=None):
        Line = self.env["telecom.line"]
        if user:
            Line = Line.sudo(user)
        view = Line.fields_view_get(
            view_id=self.env.ref(xmlid).id, view_type=view_type)
        return etree.fromstring(view["arch"]), view

    # ------------------------------------------------------------------
    # Phone numbers: national on screen, E.164 stored
    # ------------------------------------------------------------------
    def test_phone_national_display(self):
        self.assertEqual(self.line_b.phone_number, "+33700000191")
        self.assertEqual(self.line_b.phone_national, "07 00 00 01 91")
        self.line_b.write({"phone_number": "0700000199"})
        self.assertEqual(self.line_b.phone_number, "+33700000199")
        self.assertEqual(self.line_b.phone_national, "07 00 00 01 99")

    def test_list_and_form_show_the_national_number(self):
        tree, _view = self._arch("telecom_parc.telecom_line_view_tree",
                                 "tree")
        names = [f.get("name") for f in tree.iter("field")]
        self.assertIn("phone_national", names)
        self.assertNotIn("phone_number", names)
        form, _view = self._arch("telecom_parc.telecom_line_view_form",
                                 "form")
        national = form.xpath("//field[@name='phone_national']")[0]
        stored = form.xpath("//field[@name='phone_number']")[0]
        self.assertIn("oe_read_only", national.get("class"))
        self.assertIn("oe_edit_only", stored.get("class"))

    # ------------------------------------------------------------------
    # The parc's group: "Mobile / Opérateur (3 line(s))"
    # ------------------------------------------------------------------
    def test_group_label_counts_lines(self):
        groups = self.env["telecom.line"].read_group(
            [("site_id", "=", self.site.id)], ["parc_id"], ["parc_id"])
        labels = {group["parc_id"][0]: group["parc_id"][1]
                  for group in groups}
        self.assertEqual(
            labels[self.parc.id],
            "%s (3 line(s))" % self.parc.display_name)
        self.assertEqual(
            labels[self.parc_internet.id],
            "%s (1 line(s))" % self.parc_internet.display_name)
        # The domain of the list counts: one line found by its number.
        groups = self.env["telecom.line"].read_group(
            [("phone_search", "=", "0700000190")], ["parc_id"], ["parc_id"])
        self.assertEqual(groups[0]["parc_id"][1],
                         "%s (1 line(s))" % self.parc.display_name)
        # Grouped by another field first, the labels are Odoo's.
        groups = self.env["telecom.line"].read_group(
            [("site_id", "=", self.site.id)], ["site_id"],
            ["site_id", "parc_id"])
        self.assertEqual(groups[0]["site_id"][1], self.site.display_name)

    def test_group_label_in_french(self):
        self.env["res.lang"].load_lang("fr_FR")
        self.env["ir.translation"].load_module_terms(
            ["telecom_parc"], ["fr_FR"])
        groups = self.env["telecom.line"].with_context(
            lang="fr_FR").read_group(
                [("parc_id", "=", self.parc.id)], ["parc_id"], ["parc_id"])
        self.assertIn("(3 ligne(s))", groups[0]["parc_id"][1])

    # ------------------------------------------------------------------
    # Status: confirmation and deactivation date
    # ------------------------------------------------------------------
    def test_terminate_asks_the_date(self):
        action = self.line_a.sudo(self.user_ops).action_terminate()
        self.assertEqual(action["res_model"], "telecom.line.terminate")
        self.assertEqual(action["target"], "new")
        wizard = self.env["telecom.line.terminate"].sudo(
            self.user_ops).with_context(**action["context"]).create({
                "date_deactivation": "2026-11-30"})
        self.assertEqual(wizard.line_ids, self.line_a)
        self.assertEqual(wizard.line_count, 1)
        # Nothing changes before the confirmation.
        self.assertEqual(self.line_a.state, "active")
        wizard.action_confirm()
        self.assertEqual(self.line_a.state, "terminated")
        self.assertEqual(self.line_a.date_deactivation, "2026-11-30")
        with self.assertRaises(UserError) as error:
            self.line_a.action_terminate()
        self.assertIn(self.line_a.name, str(error.exception))

    def test_terminate_wizard_confirms_and_defaults_today(self):
        view = self.env["telecom.line.terminate"].fields_view_get(
            view_id=self.env.ref(
                "telecom_parc.telecom_line_terminate_view_form").id)
        button = etree.fromstring(view["arch"]).xpath(
            "//button[@name='action_confirm']")[0]
        self.assertTrue(button.get("confirm"))
        wizard = self.env["telecom.line.terminate"].with_context(
            active_model="telecom.line",
            active_ids=(self.line_b | self.line_c).ids).create({})
        self.assertTrue(wizard.date_deactivation)
        wizard.action_confirm()
        self.assertEqual(set((self.line_b | self.line_c).mapped("state")),
                         {"terminated"})

    def test_status_buttons_confirm(self):
        form, _view = self._arch("telecom_parc.telecom_line_view_form",
                                 "form")
        statusbar = form.xpath("//header/field[@name='state']")[0]
        self.assertFalse(statusbar.get("clickable"))
        for name in ("action_suspend", "action_reactivate"):
            button = form.xpath("//button[@name='%s']" % name)[0]
            self.assertTrue(button.get("confirm"), name)
        self.assertTrue(form.xpath("//button[@name='action_terminate']"))

    def test_suspend_and_reactivate(self):
        self.line_c.action_suspend()
        self.assertEqual(self.line_c.state, "suspended")
        self.line_c.date_deactivation = "2026-12-01"
        self.line_c.action_reactivate()
        self.assertEqual(self.line_c.state, "active")
        self.assertFalse(self.line_c.date_deactivation)
        with self.assertRaises(UserError):
            self.line_c.action_reactivate()

    # ------------------------------------------------------------------
    # The accountant is not offered what fails
    # ------------------------------------------------------------------
    def test_accountant_not_offered_archive(self):
        """The web client offers Archive / Unarchive (and the status
        buttons) only where the user may edit: the accountant's views say
        they may not."""
        tree, _view = self._arch("telecom_parc.telecom_line_view_tree",
                                 "tree", user=self.user_accountant)
        self.assertEqual(tree.get("edit"), "false")
        tree, _view = self._arch("telecom_parc.telecom_line_view_tree",
                                 "tree", user=self.user_ops)
        self.assertNotEqual(tree.get("edit"), "false")
        form, _view = self._arch("telecom_parc.telecom_line_view_form",
                                 "form", user=self.user_accountant)
        # Odoo 11 hides the buttons of other groups.
        for name in ("action_terminate", "action_reactivate",
                     "toggle_active"):
            button = form.xpath("//button[@name='%s']" % name)[0]
            self.assertEqual(button.get("invisible"), "1", name)

    # ------------------------------------------------------------------
    # The demo users start on the lines
    # ------------------------------------------------------------------
    def test_demo_users_start_on_lines(self):
        action = self.env.ref("telecom_parc.telecom_line_action")
        for xmlid in ("demo_user_ops", "demo_user_accountant",
                      "demo_user_manager"):
            user = self.env.ref("telecom_parc.%s" % xmlid,
                                raise_if_not_found=False)
            if user:
                self.assertEqual(user.action_id.id, action.id, xmlid)
