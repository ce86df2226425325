# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The push of MAJ to a live SNAIC/CFAST simulator on loopback, for the
seed's flow and for each fault of the fault table in docs/ARCHITECTURE.md."""
from collections import Counter

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import config

from .common import TOKENS, SyncCase


class TestSyncFlow(SyncCase):

    def test_seed_flow_applies_once_per_line_in_each_system(self):
        deployment = self.make_done(self.lines, data_gb=2)
        requests_ = self.requests_of(deployment)
        self.assertEqual(len(requests_), 8, "one request per MAJ and system")
        self.assertEqual(set(requests_.mapped("state")), {"pending"})
        self.assertEqual(deployment.snaic_sync_state, "pending")

        counts = requests_._telecom_push()

        self.assertEqual(counts, {"done": 8})
        for system in ("snaic", "cfast"):
            applied = self.sim.applied(system)
            self.assertEqual(len(applied), 4, system)
            self.assertEqual(sorted(a["phone"] for a in applied),
                             sorted(self.lines.mapped("phone_number")))
            by_key = {a["idempotency_key"]: a for a in applied}
            for request in self.requests_of(deployment, system):
                option = request.update_id.option_ids
                key = "%s-%s" % (request.idempotency_key, option.id)
                self.assertIn(key, by_key)
                self.assertEqual(by_key[key]["product_code"],
                                 option.default_code)
                self.assertEqual(float(by_key[key]["quantity"]), 2.0)
                self.assertEqual(request.remote_ref,
                                 by_key[key]["remote_ref"])
        self.assertEqual(deployment.snaic_sync_state, "applied")
        self.assertEqual(deployment.cfast_sync_state, "applied")
        self.assertEqual(set(deployment.update_ids.mapped("sync_state")),
                         {"applied"})
        Update = self.env["telecom.line.update"]
        self.assertEqual(Update.search([("sync_state", "=", "applied"),
                                        ("deployment_id", "=", deployment.id)]),
                         deployment.update_ids)
        self.assertFalse(Update.search([("sync_state", "in", ("pending", "error")),
                                        ("deployment_id", "=", deployment.id)]))
        line = self.lines[0]
        self.assertEqual(line.snaic_sync_state, "done")
        # What was applied: on the line's SNAIC/CFAST tab and, summed up, in
        # the deployment's chatter; the line's chatter is for failures.
        self.assertTrue(line.sync_request_ids.filtered(
            lambda r: r.system == "snaic").remote_ref.startswith("OP-"))
        self.assertNotIn("Applied in", "\n".join(line.message_ids.mapped("body")))
        self.assertIn("Applied in CFAST: 4 line(s)",
                      "\n".join(deployment.message_ids.mapped("body")))

        # Pushing again sends nothing: done requests are never claimed.
        self.assertEqual(requests_._telecom_push(), {})
        self.assertEqual(len(self.sim.applied("snaic")), 4)

    def test_pushed_by_a_process_without_language(self):
        """A cron or a worker has no language in its context: reading the
        user's then (a query) must not lose the batch's results, which
        stayed "sent" for ever (found by the race scenarios)."""
        deployment = self.make_done(self.lines[:1], data_gb=2)
        requests_ = self.requests_of(deployment).with_context(lang=None)
        requests_.invalidate_cache()
        self.assertFalse(requests_.env.lang)
        info = requests_._telecom_batch_info()
        self.assertEqual(sorted(info), sorted(requests_.ids))
        self.assertEqual(requests_._telecom_push(), {"done": 2})

    def test_missing_ids_are_fetched_and_stored(self):
        line = self.lines[0]
        self.assertFalse(self.external_id(line, "snaic"))
        deployment = self.make_done(line)
        self.requests_of(deployment)._telecom_push()
        self.assertEqual(self.external_id(line, "snaic"), "SN-L-000101")
        self.assertEqual(self.external_id(line, "cfast"), "880001")
        self.assertEqual(self.external_id(line.site_id, "snaic"), "SN-S-0001")
        self.assertEqual(self.external_id(line.partner_id, "snaic"),
                         "SN-C-0001")
        # Users see them on the line, one per connection.
        self.assertEqual(
            set(line.telecom_binding_ids.mapped("backend_id").ids),
            {self.backends["snaic"].id, self.backends["cfast"].id})
        applied = self.sim.applied("snaic")[0]
        self.assertEqual(applied["line_id"], "SN-L-000101")
        self.assertEqual(applied["site_id"], "SN-S-0001")
        self.assertEqual(applied["customer_id"], "SN-C-0001")

    def test_known_ids_are_not_looked_up_again(self):
        line = self.lines[1]
        self.set_external_id(line, "snaic", "SN-L-000102")
        self.set_external_id(line.site_id, "snaic", "SN-S-0001")
        self.set_external_id(line.partner_id, "snaic", "SN-C-0001")
        self.requests_of(self.make_done(line), "snaic")._telecom_push()
        self.assertEqual(self.sim.stats("snaic")["requests"].get(
            "lookup_line", 0), 0)
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_line_unknown_to_a_system_is_an_error_naming_it(self):
        line = self.new_line("+33600000098")  # known to CFAST only
        deployment = self.make_done(line)
        deployment.sync_request_ids._telecom_push()
        snaic = self.requests_of(deployment, "snaic")
        self.assertEqual(snaic.state, "error")
        self.assertEqual(snaic.error_kind, "missing_id")
        self.assertIn(line.name, snaic.last_error)
        self.assertIn("SNAIC", snaic.last_error)
        self.assertEqual(self.sim.stats("snaic")["requests"].get("apply", 0), 0)
        self.assertEqual(self.requests_of(deployment, "cfast").state, "done")
        self.assertEqual(deployment.update_ids.sync_state, "error")
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", deployment.id)])
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.env.ref(
            "telecom_parc.demo_user_ops"))
        self.assertIn(line.name, activity.note)


class TestSyncFaults(SyncCase):

    def push_one(self, system, fault, **extra):
        """One line pushed to ``system`` with ``fault`` on its first apply."""
        self.sim.faults(system, dict(script=[dict(
            match="apply", fault=fault, times=1, **extra)]))
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, system)
        # Without the immediate read-back, to see the state the fault leaves.
        request._telecom_push(read_back=False)
        return deployment, request

    def test_read_timeout_after_applied_is_reconciled_to_done(self):
        _deployment, request = self.push_one(
            "snaic", "timeout_after_apply", timeout_s=3)
        self.assertEqual(request.state, "unknown")
        self.assertIn("may have been applied", request.last_error)
        # Never resent while unknown.
        self.make_due(request)
        request._telecom_push()
        self.assertEqual(request.state, "unknown")

        request._telecom_reconcile()

        self.assertEqual(request.state, "done")
        applied = self.sim.applied("snaic")
        self.assertEqual(len(applied), 1)
        self.assertEqual(request.remote_ref, applied[0]["remote_ref"])

    def test_5xx_then_success_same_key(self):
        _deployment, request = self.push_one("snaic", "5xx")
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.attempt_count, 1)
        self.assertTrue(request.next_attempt_at)
        self.assertFalse(self.sim.applied("snaic"))
        key = request.idempotency_key

        request._telecom_push()  # not due yet: back-off
        self.assertEqual(request.attempt_count, 1)
        self.make_due(request)
        request._telecom_push()

        self.assertEqual(request.state, "done")
        self.assertEqual(request.attempt_count, 2)
        self.assertEqual(request.idempotency_key, key)
        applied = self.sim.applied("snaic")
        self.assertEqual(len(applied), 1)
        self.assertTrue(applied[0]["idempotency_key"].startswith(key + "-"))

    def test_429_postpones_at_least_retry_after_without_counting(self):
        _deployment, request = self.push_one("cfast", "429", retry_after=120)
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.attempt_count, 0)
        self.assertEqual(request.throttle_count, 1)
        wait = (self.env["telecom.sync.request"]._fields["next_attempt_at"]
                .from_string(request.next_attempt_at) -
                self.env["telecom.sync.request"]._fields["sent_at"]
                .from_string(request.sent_at)).total_seconds()
        self.assertGreaterEqual(wait, 119)

    def test_huge_retry_after_waits_the_longest_back_off(self):
        _deployment, request = self.push_one("cfast", "429",
                                             retry_after=300000000000)
        self.assertEqual(request.state, "pending")
        Request = self.env["telecom.sync.request"]
        wait = (Request._fields["next_attempt_at"].from_string(
            request.next_attempt_at) - Request._fields["sent_at"].from_string(
                request.sent_at)).total_seconds()
        self.assertLessEqual(wait, request.backend_id.retry_delay_max + 1)
        self.assertGreaterEqual(wait, request.backend_id.retry_delay_max - 1)

    def test_a_429_that_never_ends_is_an_error(self):
        self.sim.faults("cfast", {"script": [
            {"match": "apply", "fault": "429", "retry_after": 1,
             "times": 100}]})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "cfast")
        for _wait in range(3 * request.backend_id.max_attempts + 1):
            self.make_due(request)
            request._telecom_push(read_back=False)
        self.assertEqual(request.state, "error")
        self.assertIn("too many requests", request.last_error)
        self.assertEqual(request.attempt_count, 0)
        self.assertFalse(self.sim.applied("cfast"))

    def test_422_is_an_error_not_retried_with_chatter_and_activity(self):
        deployment, request = self.push_one("snaic", "422")
        self.assertEqual(request.state, "error")
        self.assertEqual(request.error_kind, "permanent")
        self.assertIn("422", request.last_error)
        self.make_due(request)
        request._telecom_push()
        self.assertEqual(request.attempt_count, 1, "4xx is not retried")
        self.assertIn("SNAIC error on 1 line(s)", "\n".join(
            deployment.message_ids.mapped("body")))
        self.assertIn("SNAIC error", "\n".join(
            request.line_id.message_ids.mapped("body")))
        self.assertTrue(self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", deployment.id)]))
        self.assertEqual(deployment.sync_error_count, 1)

        # The user fixes it and retries: applied once.
        request.action_retry()
        request._telecom_push()
        self.assertEqual(request.state, "done")
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_401_is_a_configuration_error_without_the_secret(self):
        self.backends["cfast"].write({"token": "wrong-token-5b6c"})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "cfast")
        request._telecom_push()
        self.assertEqual(request.state, "error")
        self.assertEqual(request.error_kind, "configuration")
        self.assertIn("enter a valid API token", request.last_error)
        texts = [request.last_error] + \
            deployment.message_ids.mapped("body") + \
            request.line_id.message_ids.mapped("body") + \
            self.env["mail.activity"].search([
                ("res_id", "=", deployment.id),
                ("res_model", "=", "telecom.deployment")]).mapped("note")
        for text in texts:
            self.assertNotIn("wrong-token-5b6c", text or "")
            self.assertNotIn(TOKENS["cfast"], text or "")

    def test_malformed_2xx_is_unknown_then_reconciled(self):
        _deployment, request = self.push_one("cfast", "malformed")
        self.assertEqual(request.state, "unknown")
        self.assertFalse(request.remote_ref)
        request._telecom_reconcile()
        self.assertEqual(request.state, "done")
        self.assertEqual(len(self.sim.applied("cfast")), 1)

    def test_dropped_connection_read_back_then_sent_once(self):
        _deployment, request = self.push_one("snaic", "drop")
        self.assertEqual(request.state, "unknown")
        request._telecom_reconcile()
        # Not applied remotely: back to pending, then sent with the same key.
        self.assertEqual(request.state, "pending")
        request._telecom_push()
        self.assertEqual(request.state, "done")
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_unknown_outcomes_are_read_back_in_the_same_push(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "drop", "times": 1},
            {"match": "apply", "fault": "malformed", "times": 1}]})
        deployment = self.make_done(self.lines[:3])
        requests_ = self.requests_of(deployment, "snaic")
        counts = requests_._telecom_push()
        self.assertEqual(counts, {"done": 3})
        self.assertEqual(set(requests_.mapped("state")), {"done"})
        # The dropped one was not applied: read back, then sent once more;
        # the malformed one was applied: read back only.
        self.assertEqual(len(self.sim.applied("snaic")), 3)
        self.assertEqual(self.sim.stats("snaic")["requests"].get("apply"), 4)

    def test_connection_refused_is_retried_later_nothing_sent(self):
        self.backends["snaic"].write({"base_url": "http://127.0.0.1:9"})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        request._telecom_push()
        self.assertEqual(request.state, "pending")
        self.assertIn("cannot be reached", request.last_error)
        self.assertFalse(request.remote_ref)
        self.assertTrue(request.next_attempt_at)

    def test_three_of_ten_fail_seven_done(self):
        numbers = ["+336000000%02d" % n for n in range(1, 11)]
        lines = self.env["telecom.line"].browse(
            [self.new_line(number).id for number in numbers])
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 3}]})
        deployment = self.make_done(lines)
        requests_ = self.requests_of(deployment, "snaic")
        requests_._telecom_push()
        self.assertEqual(Counter(requests_.mapped("state")),
                         Counter({"done": 7, "error": 3}))
        self.assertEqual(len(self.sim.applied("snaic")), 7)

    def test_retries_stop_after_max_attempts(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "5xx", "times": 5}]})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        for _attempt in range(3):
            self.make_due(request)
            request._telecom_push()
        self.assertEqual(request.state, "error")
        self.assertEqual(request.error_kind, "retryable")
        self.assertIn("Gave up after 3 attempts", request.last_error)

    def test_stale_sent_request_of_a_dead_worker_is_reconciled(self):
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        claimed = request._telecom_claim()
        self.assertEqual(claimed, request)
        self.assertEqual(request.state, "sent")
        # A second claim (another worker) gets nothing.
        self.assertFalse(request._telecom_claim())
        # The worker dies before sending; long after, the reconcile cron
        # reads it back (not applied) and it is sent again.
        request.write({"sent_at": "2000-01-01 00:00:00"})
        # Not before its deadline: its sender may still be sending.
        self.cron_reconcile()
        self.assertEqual(request.state, "sent")
        request.write({"send_deadline": "2000-01-01 00:05:00"})
        # Past it, the job of the read-back finds it not applied, and its
        # lane sends it (same key).
        self.cron_reconcile()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.attempt_count, 2)
        # (The cron also sends what the demo's requests were waiting for.)
        self.assertEqual(len([a for a in self.sim.applied("snaic")
                              if a["reference"].startswith(request.reference)]), 1)


    def test_no_call_starts_past_the_deadline(self):
        """A worker that reached its deadline before sending puts the
        request back, uncounted: after the deadline, nothing of it is on the
        way, so a read-back never runs beside it."""
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        request._telecom_claim()
        self.assertTrue(request.send_deadline)
        request.write({"send_deadline": "2000-01-01 00:00:00"})
        request._telecom_send(request.backend_id)
        self.assertEqual((request.state, request.attempt_count), ("pending", 0))
        self.assertFalse(self.sim.applied("snaic"))

    def test_only_the_worker_holding_a_request_saves_its_result(self):
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        request._telecom_claim()
        held = {request.id: request.sudo().claim_token}
        # Past its deadline, another worker takes it over to read it back.
        request.sudo().write({"claim_token": "another worker"})
        counts = request._telecom_save_results([(request, ["OP-LATE"])], held)
        self.assertEqual(counts, {})
        self.assertEqual(request.state, "sent")
        self.assertFalse(request.remote_ref)


class TestSyncUsers(SyncCase):

    def test_retry_needs_a_telecom_user(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        request._telecom_push()
        self.assertEqual(request.state, "error")
        accountant = self.env.ref("telecom_parc.demo_user_accountant")
        with self.assertRaises(AccessError):
            request.sudo(accountant).action_retry()
        ops = self.env.ref("telecom_parc.demo_user_ops")
        self.assertTrue(request.sudo(ops).action_retry())
        with self.assertRaises(AccessError):
            request.sudo(ops).write({"state": "done"})

    def test_nothing_to_retry_says_so(self):
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        # Waiting to be sent now: a retry would add nothing.
        with self.assertRaises(UserError):
            request.action_retry()
        request._telecom_push()
        with self.assertRaises(UserError):
            request.action_retry()

    def test_retry_puts_back_once_and_notes_each_error_once(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 3}]})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        for _retry in range(3):
            request._telecom_push()
            self.assertEqual(request.state, "error")
            request.action_retry()
            self.assertEqual(request.state, "pending")
            # A second click before the push: nothing more to do.
            with self.assertRaises(UserError):
                request.action_retry()
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", deployment.id)])
        self.assertEqual(activity.note.count("refused the data sent"), 1)

    def test_token_is_for_administrators_only(self):
        manager = self.env.ref("telecom_parc.demo_user_manager")
        backend = self.backends["snaic"].sudo(manager)
        self.assertTrue(backend.token_set)
        with self.assertRaises(AccessError):
            backend.read(["token"])
        self.assertNotIn("token", backend.fields_get())

    def test_one_active_connection_per_system_and_company(self):
        Backend = self.env["telecom.api.backend"].with_context(
            active_test=False)
        values = {"name": "SNAIC bis", "system": "snaic",
                  "base_url": "http://127.0.0.1:9", "token": "x",
                  "company_id": self.company.id}
        with self.assertRaises(ValidationError):
            Backend.create(values)
        archived = Backend.create(dict(values, active=False))
        self.assertFalse(archived.active)

    def test_url_and_token_from_the_configuration_file_win(self):
        backend = self.backends["cfast"]
        backend.write({"base_url": "http://127.0.0.1:9", "token": "stale"})
        keys = {"telecom_cfast_url": self.sim.urls["cfast"],
                "telecom_cfast_token": TOKENS["cfast"]}
        saved = {key: config.get(key) for key in keys}
        config.options.update(keys)
        try:
            self.assertTrue(backend.url_from_config)
            self.assertTrue(backend.token_from_config)
            request = self.requests_of(self.make_done(self.lines[0]), "cfast")
            request._telecom_push()
            self.assertEqual(request.state, "done")
        finally:
            for key, value in saved.items():
                if value is None:
                    config.options.pop(key, None)
                else:
                    config.options[key] = value

    def test_connection_test_says_what_is_wrong(self):
        backend = self.backends["snaic"]
        backend.action_test_connection()
        self.assertEqual(backend.connection_state, "ok")
        backend.write({"token": "bad-token-0a0a"})
        backend.action_test_connection()
        self.assertEqual(backend.connection_state, "error")
        self.assertIn("enter a valid API token", backend.connection_message)
        self.assertNotIn("bad-token-0a0a", backend.connection_message)
        backend.write({"base_url": "http://127.0.0.1:9"})
        backend.action_test_connection()
        self.assertIn("cannot be reached", backend.connection_message)

    def test_fetch_missing_ids_cron(self):
        line = self.lines[2]
        self.assertFalse(self.external_id(line, "cfast"))
        self.env["telecom.sync.request"]._cron_fetch_missing_ids()
        self.assertIn("ID(s) found", " ".join(self.run_jobs()))
        self.assertEqual(self.external_id(line, "cfast"), "880003")
        self.assertEqual(self.external_id(line.site_id, "cfast"), "5101")

    def test_company_b_sees_no_request(self):
        deployment = self.make_done(self.lines[0])
        company_b = self.env["res.company"].create({"name": "Société B Sync"})
        user_b = self.env["res.users"].create({
            "name": "User B", "login": "user_b_sync",
            "company_id": company_b.id, "company_ids": [(6, 0, company_b.ids)],
            "groups_id": [(6, 0, [self.env.ref(
                "telecom_parc.group_telecom_user").id])]})
        Request = self.env["telecom.sync.request"].sudo(user_b)
        self.assertFalse(Request.search([
            ("deployment_id", "=", deployment.id)]))
        with self.assertRaises(AccessError):
            self.requests_of(deployment).sudo(user_b).read(["state"])


class TestSyncWaiting(SyncCase):
    """MAJ done while a system has no active connection wait, visibly, and
    are sent once one is activated."""

    def test_archived_connection_blocks_then_sends_when_activated(self):
        backend = self.backends["cfast"]
        backend.active = False
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "cfast")
        self.assertEqual((request.backend_id, request.blocked),
                         (backend, "archived"))
        self.assertIn("waiting for a connection", deployment.sync_summary)
        self.cron_push()
        self.assertEqual(request.state, "pending")
        self.assertFalse(self.sim.applied("cfast"))
        with self.assertRaises(UserError):
            request.action_retry()
        self.assertIn(request, self.env["telecom.sync.request"].search(
            [("blocked", "!=", False)]))

        backend.active = True
        self.assertFalse(request.blocked)
        self.cron_push()
        self.assertEqual(request.state, "done")
        self.assertEqual(len(self.sim.applied("cfast")), 1)

    def test_no_connection_waits_then_goes_to_the_new_one(self):
        company = self.env["res.company"].create({"name": "Without SNAIC"})
        site = self.env["telecom.site"].create({
            "name": "Site W", "code": "SITE_W", "company_id": company.id,
            "partner_id": self.lines[0].partner_id.id})
        parc = self.env["telecom.parc"].create({
            "site_id": site.id, "service_type": "mobile",
            "partner_operator_id": self.lines[0].parc_id.partner_operator_id.id})
        line = self.env["telecom.line"].create({
            "phone_number": "0699000111", "parc_id": parc.id,
            "subscription_id": self.lines[0].subscription_id.id})
        self.sim.post("snaic", "/_sim/seed", {"lines": [line.phone_number]})
        product = self.env.ref(
            "telecom_recharge.product_recharge_data_ge50").product_variant_id
        deployment = self.env["telecom.deployment"].create({
            "partner_operator_id": parc.partner_operator_id.id,
            "company_id": company.id, "line_ids": [(6, 0, line.ids)],
            "date_installed": "2026-03-01", "date_activation": "2026-03-01",
            "option_ids": [(0, 0, {"line_id": line.id,
                                   "product_id": product.id, "quantity": 1})]})
        deployment.action_done()
        request = self.requests_of(deployment, "snaic")
        self.assertEqual((request.backend_id.id, request.blocked),
                         (False, "no_connection"))
        self.assertEqual(request.state, "pending")
        self.cron_push()
        self.assertEqual(request.state, "pending")

        backend = self.env["telecom.api.backend"].create({
            "name": "SNAIC of the new company", "system": "snaic",
            "base_url": self.sim.urls["snaic"], "token": self.backends[
                "snaic"].token, "company_id": company.id})
        self.assertEqual(request.backend_id, backend)
        self.assertFalse(request.blocked)
        self.cron_push()
        self.assertEqual(request.state, "done")
        self.assertEqual(len([a for a in self.sim.applied("snaic")
                              if a["phone"] == line.phone_number]), 1)


class TestSyncJobs(SyncCase):
    """The push is done by jobs of OCA queue_job, queued with the requests:
    lanes per connection, in the channel of its system."""

    def _lane_jobs(self, backend=None):
        jobs = self.env["queue.job"].search([
            ("model_name", "=", "telecom.api.backend"),
            ("method_name", "=", "_telecom_job_lane"),
            ("state", "in", ("pending", "enqueued"))])
        return jobs.filtered(lambda job: not backend or
                             job.record_ids == backend.ids)

    def test_done_queues_lanes_in_the_channel_of_each_system(self):
        self.env["queue.job"].search([]).unlink()
        deployment = self.make_done(self.lines[:2])
        requests_ = self.requests_of(deployment)
        for system, backend in self.backends.items():
            jobs = self._lane_jobs(backend)
            # 2 requests per system: one lane is enough.
            self.assertEqual(len(jobs), 1, system)
            self.assertEqual(jobs.channel, "root.telecom_sync.%s" % system)
        # Queued again while they wait: the identity keys keep one job each.
        requests_._telecom_enqueue_push()
        self.env["telecom.sync.request"]._cron_push()
        self.assertEqual(len(self._lane_jobs()), 2)
        # The jobs do the push; nothing is left to queue afterwards.
        self.assertTrue(self.run_jobs())
        self.assertEqual(set(requests_.mapped("state")), {"done"})
        self.env["telecom.sync.request"]._cron_push()
        self.assertFalse(self._lane_jobs())

    def test_lanes_follow_the_connection_limit(self):
        self.env["queue.job"].search([]).unlink()
        backend = self.backends["snaic"]
        backend.pool_size = 3
        lines = self.env["telecom.line"].browse()
        for index in range(100):
            lines |= self.new_line("06990%05d" % index)
        self.sim.post("snaic", "/_sim/seed",
                      {"lines": lines.mapped("phone_number")})
        self.sim.post("cfast", "/_sim/seed",
                      {"lines": lines.mapped("phone_number")})
        self.make_done(lines)
        # The deployment's transaction queues the first lane of each system.
        self.assertEqual(len(self._lane_jobs(backend)), 1)
        self.assertEqual(len(self._lane_jobs(self.backends["cfast"])), 1)
        # Its job queues the others: 100 due requests want 5 lanes; the
        # connection allows 3.
        for each in self.backends.values():
            each._telecom_enqueue_lanes(start=1, first_only=False)
        self.assertEqual(len(self._lane_jobs(backend)), 3)
        self.assertEqual(len(self._lane_jobs(self.backends["cfast"])),
                         min(5, self.backends["cfast"].pool_size))

    def test_a_busy_lane_waits_instead_of_running_beside(self):
        backend = self.backends["snaic"]
        deployment = self.make_done(self.lines[:1])
        # Another session holds lane 0 (a job of it still running).
        other = self.registry.cursor()
        try:
            other.execute("SELECT pg_try_advisory_lock(%s, %s)", (
                0x7E1C, backend.id * 1000))
            self.assertTrue(other.fetchone()[0])
            with self.assertRaises(RetryableJobError):
                backend._telecom_job_lane(0)
            self.assertEqual(self.requests_of(deployment, "snaic").state,
                             "pending")
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()
        self.assertIn("applied:", backend._telecom_job_lane(0))
        self.assertEqual(self.requests_of(deployment, "snaic").state, "done")

    def test_a_lane_reads_back_every_unknown_outcome(self):
        backend = self.backends["snaic"]
        backend.batch_size = 1
        deployment = self.make_done(self.lines[:3])
        requests_ = self.requests_of(deployment, "snaic")
        # Three outcomes unknown (never reached the system, in fact): the
        # lane reads each back, finds it not applied, sends it.
        requests_.write({"state": "unknown", "attempt_count": 1})
        self.assertIn("applied:", backend._telecom_job_lane(0))
        self.assertEqual(set(requests_.mapped("state")), {"done"})
        self.assertEqual(set(requests_.mapped("attempt_count")), {2})
        self.assertEqual(len([a for a in self.sim.applied("snaic") if any(
            a["reference"].startswith(r.reference) for r in requests_)]), 3)

    def test_a_lane_posts_one_summary_per_deployment(self):
        backend = self.backends["snaic"]
        backend.batch_size = 1
        deployment = self.make_done(self.lines[:3])
        before = deployment.message_ids
        backend._telecom_job_lane(0)
        posted = (deployment.message_ids - before).filtered(
            lambda m: "Applied in SNAIC" in (m.body or ""))
        # Three batches of one request, one message.
        self.assertEqual(len(posted), 1)
        self.assertIn("3 line(s)", posted.body)

    def test_requests_show_the_job_that_took_them(self):
        self.env["queue.job"].search([]).unlink()
        backend = self.backends["snaic"]
        deployment = self.make_done(self.lines[:1])
        request = self.requests_of(deployment, "snaic")
        self.run_jobs()
        self.assertEqual(request.state, "done")
        job = request.job_id
        self.assertEqual((job.state, job.channel),
                         ("done", "root.telecom_sync.snaic"))
        self.assertRegex(job.result, r"applied: \d+")
        action = backend.action_view_jobs()
        self.assertIn(job, self.env["queue.job"].search(action["domain"]))
        self.assertNotIn(self.requests_of(deployment, "cfast").job_id,
                         self.env["queue.job"].search(action["domain"]))

    def test_cron_requeues_the_jobs_of_a_dead_worker(self):
        self.make_done(self.lines[:1])
        jobs = self._lane_jobs()
        self.assertTrue(jobs)
        # Their worker was killed: one job while it ran, the other before
        # it started it. They would hold their lanes' identity keys.
        jobs[0].write({"state": "started",
                       "date_started": "2000-01-01 00:00:00"})
        jobs[1:].write({"state": "enqueued",
                        "date_enqueued": "2000-01-01 00:00:00"})
        self.env["telecom.sync.request"]._cron_push()
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        # A job started a moment ago is left alone.
        jobs[0].write({"state": "started",
                       "date_started": fields.Datetime.now()})
        self.env["telecom.sync.request"]._cron_push()
        self.assertEqual(jobs[0].state, "started")

    def test_no_delay_from_a_caller_does_not_push_inside_its_transaction(self):
        # queue_job would run the job at once, inside the caller's
        # transaction, for a caller who sends this key.
        self.env = self.env(context=dict(self.env.context,
                                         test_queue_job_no_delay=True))
        deployment = self.make_done(self.lines[:1])
        requests_ = self.requests_of(deployment)
        self.assertEqual(set(requests_.mapped("state")), {"pending"})
        self.assertTrue(self._lane_jobs())
