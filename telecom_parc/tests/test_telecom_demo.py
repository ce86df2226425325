# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests.common import SavepointCase


class TestTelecomDemo(SavepointCase):
    """The demo data reproduces the seed (the project installs it)."""

    @classmethod
    def setUpClass(cls):
        super(TestTelecomDemo, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))

    def test_seed_parc(self):
        site = self.env.ref("telecom_parc.demo_site_sw1")
        self.assertEqual(site.code, "SITE_SW1")
        self.assertEqual(site.partner_id.name, "Client Démo SW")
        parc = self.env.ref("telecom_parc.demo_parc_sw1_mobile")
        self.assertEqual(parc.display_name, "Mobile / Actif Telecom")
        self.assertEqual(parc.line_count, 4)
        self.assertTrue(parc.partner_operator_id.telecom_is_partner_operator)
        line = self.env.ref("telecom_parc.demo_line_0700000090")
        self.assertEqual(line.name, "0700000090")
        self.assertEqual(line.phone_number, "+33700000090")
        self.assertEqual(line.user_name, "Nouveau nom user1ssssss")
        self.assertEqual(line.customer_account, "aaaaaaa")
        self.assertEqual(len(line.activity_ids), 2)
        self.assertEqual(
            self.env["telecom.line"].search(
                [("phone_search", "ilike", "07 00 00 00 91")]),
            self.env.ref("telecom_parc.demo_line_0700000091"))
        self.assertEqual(self.env.ref(
            "telecom_parc.demo_site_sw2").line_count, 2)
        self.assertTrue(self.env.ref(
            "telecom_parc.demo_partner_orange").telecom_is_collection_operator)

    def test_subscriptions(self):
        big = self.env.ref("telecom_parc.demo_subscription_eurof_100")
        small = self.env.ref("telecom_parc.demo_subscription_eurof_20")
        none = self.env.ref("telecom_parc.demo_subscription_voice_only")
        self.assertGreaterEqual(big.data_allowance_gb, 50)
        self.assertLess(small.data_allowance_gb, 50)
        self.assertTrue(small.has_data_allowance)
        self.assertFalse(none.has_data_allowance)
        self.assertTrue(big.name.startswith("Illimité Voix France&EUROF"))
        self.assertNotEqual(big.name, small.name)

    def test_demo_users(self):
        Users = self.env["res.users"]
        for login, group in (("ops", "group_telecom_user"),
                             ("accountant", "group_telecom_accountant"),
                             ("manager", "group_telecom_manager")):
            user = Users.search([("login", "=", login)])
            self.assertTrue(user.has_group("telecom_parc.%s" % group), login)
            self.assertEqual(user.company_id, self.env.ref(
                "base.main_company"))
        # A demo user logs in with the documented password.
        self.assertEqual(
            Users.search([("login", "=", "ops")]).id,
            Users._login(self.env.cr.dbname, "ops", "ops"))
