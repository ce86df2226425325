# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""make demo's preload of the simulators: telecom_demo_fill_simulators()
against the live simulator."""
import requests

from odoo.exceptions import AccessError, UserError

from .common import SyncCase


class TestDemoFill(SyncCase):

    @classmethod
    def setUpClass(cls):
        super(TestDemoFill, cls).setUpClass()
        # Three done deployments settled as the demo data settles them
        # (applied, with the demo's remote references); the second one
        # reversed, its cancels done.
        Request = cls.env["telecom.sync.request"]
        cls.deployments = [
            cls.make_done_settled(cls.lines[i:i + 1], gb, i)
            for i, gb in ((0, 2), (1, 3), (2, 1))]
        wizard = cls.env["telecom.deployment.reverse"].with_context(
            active_model="telecom.deployment",
            active_id=cls.deployments[1].id).create({"reason": "Wrong line"})
        reversal = cls.env["telecom.deployment"].browse(
            wizard.action_confirm()["res_id"])
        cls.cancels = reversal.sync_request_ids
        cls.cancels.sudo().write({"state": "done",
                                  "date_done": "2026-12-03 09:30:00"})
        cls.applies = Request.search([
            ("deployment_id", "in", [d.id for d in cls.deployments])],
            order="id")

    @classmethod
    def make_done_settled(cls, lines, data_gb, second):
        """A done deployment whose requests are settled as the demo's."""
        deployment = SyncCase.make_done(cls, lines, data_gb=data_gb)
        cls.env["telecom.sync.request"]._telecom_demo_settle(
            deployment.ids, {"snaic": "done", "cfast": "done"})
        deployment.sync_request_ids.sudo().write(
            {"date_done": "2026-12-02 10:00:%02d" % second})
        return deployment

    def expected(self, system):
        """What the simulator must hold before the drift: {reference: entry}."""
        out = {}
        for request in self.applies.filtered(lambda r: r.system == system):
            refs = request.remote_ref.split(", ")
            for index, option in enumerate(
                    request.update_id.option_ids.sorted("id")):
                reference = "%s-%s" % (request.reference, option.id)
                out[reference] = {
                    "phone": request.line_id.phone_number,
                    "product_code": option.default_code,
                    "quantity": int(option.quantity),
                    "unit_price": "%.2f" % option.price_unit,
                    "effective_date": request.update_id.date_activation
                    or request.update_id.date,
                    "reference": reference,
                    "idempotency_key": "%s-%s" % (request.idempotency_key,
                                                  option.id),
                    "remote_ref": refs[index],
                    "applied_at": request.date_done.replace(" ", "T") + "Z",
                    "cancelled": bool(request.cancel_request_ids),
                    "cancelled_at": "2026-12-03T09:30:00Z"
                    if request.cancel_request_ids else None,
                }
        return out

    def test_the_simulators_hold_the_applied_options_but_the_staged_drift(self):
        self.assertEqual(len(self.applies), 6)
        self.assertEqual(len(self.cancels), 2)
        self.assertIs(self.env["telecom.api.backend"]
                      .telecom_demo_fill_simulators(), True)
        for system in ("snaic", "cfast"):
            expected = self.expected(system)
            order = sorted(expected, key=lambda ref: (
                self.applies.filtered(lambda r: ref.startswith(
                    r.reference + "-")).id, ref))
            # the first option of the first deployment: forgotten
            # (missing_remote); the second live one (the third
            # deployment's, the second is cancelled): quantity + 1
            # (mismatch); one without our reference (unknown_local)
            missing, changed = order[0], order[2]
            self.assertTrue(expected[order[1]]["cancelled"])
            applied = self.sim.applied(system)
            fields_ = list(expected[missing])
            held = {a["reference"]: {k: a[k] for k in fields_}
                    for a in applied}
            unknown = held.pop(None)
            wanted = dict(expected)
            del wanted[missing]
            wanted[changed] = dict(
                wanted[changed], idempotency_key=None,
                quantity=wanted[changed]["quantity"] + 1)
            self.assertEqual(held, wanted)
            self.assertEqual(
                (unknown["phone"], unknown["quantity"], unknown["cancelled"],
                 unknown["idempotency_key"]),
                (expected[missing]["phone"], 1, False, None))
            # forgotten: a second forget finds nothing
            self.assertEqual(requests.post(
                self.sim.urls[system] + "/_sim/forget",
                json={"idempotency_key": expected[missing]["idempotency_key"]},
                timeout=10).status_code, 404)
            stats = self.sim.stats(system)
            self.assertEqual(stats["applied"], 3)
        # Each connection filled is audited: the demo's audits show the
        # three differences staged, and nothing else.
        for system, backend in self.backends.items():
            audit = self.env["telecom.sync.audit"].search([
                ("backend_id", "=", backend.id)])
            self.assertEqual(len(audit), 1, system)
            self.assertEqual(audit.state, "done", audit.error)
            self.assertEqual(sorted(audit.line_ids.mapped("kind")), [
                "mismatch", "missing_remote", "unknown_local"], system)
            self.assertEqual(audit.remote_cancelled_count, 1)
            self.assertEqual(audit.local_cancelled_count, 1)
        # Twice: refused in plain words (the simulators hold them already).
        with self.assertRaises(UserError) as caught:
            self.env["telecom.api.backend"].telecom_demo_fill_simulators()
        self.assertIn("make stop", str(caught.exception.name))

    def test_options_pushed_meanwhile_are_not_sent_again(self):
        # a push applied the third deployment's options for real already
        pushed = self.requests_of(self.deployments[2])
        pushed.sudo().write({"state": "pending", "remote_ref": False,
                             "date_done": False})
        self.make_due(pushed)
        self.assertEqual(pushed._telecom_push(), {"done": 2})
        self.env["telecom.api.backend"].telecom_demo_fill_simulators()
        for system in ("snaic", "cfast"):
            references = [a["reference"] for a in self.sim.applied(system)]
            self.assertEqual(len(references), len(set(references)))
            # the pushed one, the cancelled one, unknown_local; the first
            # one forgotten, no second live one to change
            self.assertEqual(len(references), 3)

    def test_administrators_only_and_a_missing_simulator_is_explained(self):
        ops = self.env.ref("telecom_parc.demo_user_ops")
        with self.assertRaises(AccessError):
            self.env["telecom.api.backend"].sudo(
                ops).telecom_demo_fill_simulators()
        self.assertEqual(self.sim.applied("snaic"), [])
        self.backends["snaic"].base_url = "http://127.0.0.1:9"
        with self.assertRaises(UserError) as caught:
            self.env["telecom.api.backend"].telecom_demo_fill_simulators()
        self.assertIn("SNAIC test", caught.exception.name)
        self.assertIn("does not answer", caught.exception.name)
        self.assertEqual(self.sim.applied("cfast"), [])
