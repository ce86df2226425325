# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The texts the deployments store (MAJ info, origin) are written in the
language of the company they are for, else of the user, with dates in that
language's format: whoever reads them later, in whatever language."""
from odoo.exceptions import UserError

from odoo.addons.telecom_parc.tests.common_i18n import load_french
from odoo.addons.telecom_parc.tools.lang import stored_lang

from .common import TelecomRechargeCase


class TestStoredLang(TelecomRechargeCase):

    @classmethod
    def setUpClass(cls):
        super(TestStoredLang, cls).setUpClass()
        cls.fr = load_french(cls.env)

    @classmethod
    def tearDownClass(cls):
        cls.env["ir.translation"].clear_caches()
        cls.env["res.lang"].clear_caches()
        super(TestStoredLang, cls).tearDownClass()

    def _company_lang(self, lang):
        self.company.partner_id.lang = lang

    def test_stored_lang_company_then_user(self):
        self._company_lang(self.fr)
        self.assertEqual(stored_lang(self.env, self.company), "fr_FR")
        self._company_lang(False)
        self.user_ops.lang = self.fr
        self.assertEqual(
            stored_lang(self.env, self.company, self.user_ops), "fr_FR")
        self.user_ops.lang = "en_US"
        self.assertEqual(
            stored_lang(self.env, self.company, self.user_ops), "en_US")

    def test_maj_info_in_french_with_french_dates(self):
        self._company_lang(self.fr)
        _action, deployment = self._recharge(self.line_20, 2)
        updates = self._done(deployment, date="2026-11-29")
        self.assertEqual(
            updates.info,
            "%s (Voix & Data) : installation finie le 29/11/2026, activée "
            "le 29/11/2026." % deployment.name)
        self.assertNotIn("installation finished", updates.info)

    def test_maj_info_of_a_company_without_language_is_the_users(self):
        self._company_lang(False)
        self.user_ops.lang = self.fr
        _action, deployment = self._recharge(self.line_20, 2)
        deployment.user_id = self.user_ops
        updates = self._done(deployment, date="2026-11-29")
        self.assertIn("installation finie le 29/11/2026", updates.info)

    def test_maj_info_in_english_with_english_dates(self):
        self._company_lang("en_US")
        _action, deployment = self._recharge(self.line_20, 2)
        updates = self._done(deployment, date="2026-11-29")
        self.assertIn("installation finished on 11/29/2026", updates.info)

    def test_origin_in_french(self):
        self._company_lang(self.fr)
        _action, deployment = self._recharge(self.line_20, 2)
        self.assertEqual(deployment.origin, "Recharge DATA 2 Go")
        # whoever runs the wizard, in whatever language
        _action, deployment = self._recharge(
            self.line_100, 3, user=self.user_ops.with_context(lang="en_US"))
        self.assertEqual(deployment.origin, "Recharge DATA 3 Go")

    def test_demo_origin_in_french(self):
        self._company_lang(self.fr)
        _action, deployment = self._recharge(self.line_20, 2)
        self.env["telecom.deployment"]._telecom_demo_origin(
            deployment.ids, 4)
        self.assertEqual(deployment.origin, "Recharge DATA 4 Go")

    def test_refused_fraction_in_the_users_decimals(self):
        """An RPC client's 1.5 GB is refused with "1,5 Go" for a French
        user (the decimal point of the language), as typed otherwise."""
        Wizard = self.env["telecom.line.recharge"].with_context(
            lang="fr_FR", active_model="telecom.line",
            active_ids=self.line_20.ids)
        with self.assertRaises(UserError) as error:
            Wizard.create({"data_gb": 1.5})
        self.assertIn("1,5 Go", str(error.exception))
