# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError

from .common import SyncCase


class TestSecurity(SyncCase):
    """Where a top-up lands and where a token goes are not for everybody to
    set. The same over XML-RPC as the demo users:
    tests/test_security_rpc.py."""

    def test_external_ids_for_managers_only_and_dropped_with_the_number(self):
        ops = self.env.ref("telecom_parc.demo_user_ops")
        manager = self.env.ref("telecom_parc.demo_user_manager")
        line = self.lines[0]
        for record in (line, line.site_id, line.partner_id):
            with self.assertRaises(AccessError):
                record.sudo(ops).write({"telecom_binding_ids": [(0, 0, {
                    "backend_id": self.backends["snaic"].id,
                    "external_id": "SN-ELSEWHERE"})]})
        line.sudo(manager).write({"telecom_binding_ids": [
            (0, 0, {"backend_id": self.backends["snaic"].id,
                    "external_id": "SN-L-1"}),
            (0, 0, {"backend_id": self.backends["cfast"].id,
                    "external_id": "1"})]})
        line.sudo(ops).write({"user_name": "Renamed"})
        self.assertEqual(self.external_id(line, "snaic"), "SN-L-1")
        line.sudo(ops).write({"phone_number": "0699887766"})
        self.assertFalse(self.external_id(line, "snaic") or
                         self.external_id(line, "cfast"))

    def test_url_of_a_connection_for_administrators_only(self):
        manager = self.env.ref("telecom_parc.demo_user_manager")
        backend = self.backends["snaic"].sudo(manager)
        with self.assertRaises(AccessError):
            backend.write({"base_url": "http://127.0.0.1:9"})
        with self.assertRaises(AccessError):
            backend.write({"system": "cfast"})
        backend.write({"timeout": 5})
        self.assertEqual(self.backends["snaic"].base_url, self.sim.urls["snaic"])
        with self.assertRaises(AccessError):
            backend.create({"name": "Mine", "system": "snaic", "active": False,
                            "base_url": "http://127.0.0.1:9"})

    def test_keys_are_unique_to_the_database(self):
        """Keys do not derive from database.uuid and the MAJ id: a restored
        copy of the database (same uuid, same ids) makes keys of its own."""
        deployment = self.make_done(self.lines[:1])
        keys = self.requests_of(deployment).mapped("idempotency_key")
        uuid = self.env["ir.config_parameter"].get_param("database.uuid")
        self.assertEqual(len(set(keys)), 2)
        for key in keys:
            self.assertNotIn(uuid[:8], key)

    def test_url_kept_while_outcomes_are_unknown(self):
        """Read back on a new URL, an outcome would be "not applied" and
        applied a second time there."""
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "timeout_after_apply", "timeout_s": 3}]})
        deployment = self.make_done(self.lines[:1])
        request = self.requests_of(deployment, "snaic")
        request._telecom_push(read_back=False)
        self.assertEqual(request.state, "unknown")
        with self.assertRaises(UserError):
            self.backends["snaic"].write({"base_url": "http://127.0.0.1:9"})
        request._telecom_reconcile()
        self.assertEqual(request.state, "done")
        self.backends["snaic"].write({"base_url": "http://127.0.0.1:9"})
