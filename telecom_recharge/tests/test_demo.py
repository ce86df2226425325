# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests.common import SavepointCase


class TestRechargeDemo(SavepointCase):
    """The demo data shows the seed: a done Recharge DATA with its MAJ and
    an open one (the project installs the demo data)."""

    def test_demo(self):
        done = self.env.ref("telecom_recharge.demo_deployment_0700000091")
        self.assertEqual(done.state, "done")
        update = done.update_ids
        self.assertEqual(update.line_id, self.env.ref(
            "telecom_parc.demo_line_0700000091"))
        self.assertEqual(update.amount_one_off, 2.0)
        self.assertEqual(update.partner_operator_id.name, "Actif Telecom")
        self.assertEqual(update.collection_operator_id.name, "Orange")
        draft = self.env.ref("telecom_recharge.demo_deployment_0700000090")
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.amount_one_off, 0.5)
        self.assertEqual(self.env.ref(
            "telecom_parc.demo_line_0700000090").open_deployment_count, 1)
