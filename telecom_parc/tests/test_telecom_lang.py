# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from .common_i18n import load_french


class TestTelecomLang(SavepointCase):
    """What a French user reads is French: the groups named by an access
    error, the demo's activities, the web client's "Future"."""

    @classmethod
    def setUpClass(cls):
        super(TestTelecomLang, cls).setUpClass()
        cls.fr = load_french(cls.env)

    @classmethod
    def tearDownClass(cls):
        cls.env["ir.translation"].clear_caches()
        cls.env["res.lang"].clear_caches()
        super(TestTelecomLang, cls).tearDownClass()

    def test_access_error_names_the_groups_in_french(self):
        Access = self.env["ir.model.access"]
        self.assertEqual(
            sorted(Access.with_context(lang=self.fr).group_names_with_access(
                "telecom.line", "write")),
            ["Télécom/Responsable télécom", "Télécom/Utilisateur télécom"])
        self.assertIn("Telecom/Telecom User", Access.with_context(
            lang="en_US").group_names_with_access("telecom.line", "write"))
        accountant = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Comptable FR", "login": "comptable_fr_lang",
                "lang": self.fr,
                "groups_id": [(6, 0, [
                    self.env.ref("base.group_user").id,
                    self.env.ref("telecom_parc.group_telecom_accountant").id])]})
        line = self.env.ref("telecom_parc.demo_line_0700000090")
        with self.assertRaises(AccessError) as error:
            line.sudo(accountant).with_context(lang=self.fr).write({
                "user_name": "Refusé"})
        self.assertIn("Télécom/Utilisateur télécom", error.exception.name)
        self.assertNotIn("Telecom User", error.exception.name)

    def test_web_client_future_in_french(self):
        # The web client merges the modules' terms in the order of their
        # names: telecom_parc's comes after mail's "Future".
        web = self.env["ir.translation"].search([
            ("module", "=", "telecom_parc"), ("lang", "=", self.fr),
            ("src", "=", "Future"), ("comments", "like", "openerp-web")])
        self.assertEqual(web.value, "À venir")

    def test_demo_activities_in_french(self):
        self.env.user.company_id.partner_id.lang = self.fr
        check = self.env.ref("telecom_parc.demo_activity_0700000090_check")
        call = self.env.ref("telecom_parc.demo_activity_0700000090_call")
        self.env["telecom.line"].with_context(
            lang="en_US")._telecom_demo_activity_summaries(check.id, call.id)
        self.assertEqual(check.summary,
                         "Vérifier le nom de l'utilisateur avec le client")
        self.assertEqual(call.summary,
                         "Appeler le client au sujet de la recharge DATA")
