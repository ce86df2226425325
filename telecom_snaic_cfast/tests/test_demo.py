# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo import fields
from odoo.tests.common import SavepointCase


class TestSyncDemo(SavepointCase):
    """The demo data shows every state of the sync (the project installs
    it): applied in both systems, an error in one with its activity, a
    request waiting for its next attempt."""

    def requests_of(self, xmlid, system):
        deployment = self.env.ref(xmlid)
        return deployment.sync_request_ids.filtered(
            lambda r: r.system == system)

    def test_applied_in_both_systems(self):
        for xmlid in ("telecom_recharge.demo_deployment_0700000091",
                      "telecom_recharge.demo_deployment_last_month"):
            deployment = self.env.ref(xmlid)
            self.assertEqual(deployment.state, "done")
            self.assertEqual(deployment.snaic_sync_state, "applied", xmlid)
            self.assertEqual(deployment.cfast_sync_state, "applied", xmlid)
            self.assertEqual(len(deployment.sync_request_ids),
                             2 * len(deployment.update_ids))
            for request in deployment.sync_request_ids:
                self.assertTrue(request.remote_ref)
                self.assertTrue(request.line_id.telecom_binding_ids.filtered(
                    lambda b: b.system == "snaic").external_id)
        line = self.env.ref("telecom_parc.demo_line_0700000091")
        self.assertEqual(self.env["telecom.binding"]._telecom_external_ids(
            self.env.ref("telecom_snaic_cfast.demo_backend_snaic"), line),
            {line.id: "SN-L-000102"})
        self.assertIn("Applied in SNAIC:", "\n".join(self.env.ref(
            "telecom_recharge.demo_deployment_0700000091").message_ids.mapped(
                "body")))

    def test_error_in_one_system_with_its_activity(self):
        deployment = self.env.ref(
            "telecom_snaic_cfast.demo_deployment_sync_error")
        self.assertEqual(deployment.snaic_sync_state, "applied")
        self.assertEqual(deployment.cfast_sync_state, "error")
        self.assertEqual(deployment.sync_error_count, 1)
        cfast = self.requests_of(
            "telecom_snaic_cfast.demo_deployment_sync_error", "cfast")
        self.assertEqual(cfast.error_kind, "missing_id")
        self.assertIn("0600000099", cfast.last_error)
        activity = deployment.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id,
                         self.env.ref("telecom_parc.demo_user_ops"))
        self.assertIn("0600000099", activity.note)

    def test_pending_until_its_next_attempt(self):
        deployment = self.env.ref(
            "telecom_snaic_cfast.demo_deployment_sync_pending")
        self.assertEqual(deployment.snaic_sync_state, "pending")
        self.assertEqual(deployment.cfast_sync_state, "applied")
        snaic = self.requests_of(
            "telecom_snaic_cfast.demo_deployment_sync_pending", "snaic")
        self.assertEqual(snaic.attempt_count, 1)
        self.assertIn("503", snaic.last_error)
        self.assertTrue(snaic.next_attempt_at)
        # Not due while the tests run: no push picks it up by surprise.
        self.assertGreater(
            fields.Datetime.from_string(snaic.next_attempt_at),
            datetime.utcnow())

    def test_accountants_have_figures(self):
        Report = self.env["telecom.one.off.report"].sudo(
            self.env.ref("telecom_parc.demo_user_accountant"))
        groups = Report.read_group([("state", "=", "done")],
                                   ["date", "amount"], ["date:month"])
        self.assertGreaterEqual(len(groups), 2)
        self.assertTrue(all(group["amount"] > 0 for group in groups))
        customers = Report.read_group([("state", "=", "done")],
                                      ["partner_id", "amount"],
                                      ["partner_id"])
        self.assertGreaterEqual(len(customers), 2)
