# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The cancellations of a reversal against the live simulator: in every
state of the request they cancel, per system, and under faults."""
import requests

from .common import TOKENS, SyncCase


class TestSyncCancel(SyncCase):

    def reverse(self, deployment, lines=None, reason="Wrong line"):
        """Reverse ``lines`` (default: all) of the done ``deployment`` with
        the wizard; returns the reversal."""
        wizard = self.env["telecom.deployment.reverse"].with_context(
            active_model="telecom.deployment",
            active_id=deployment.id).create({"reason": reason})
        if lines is not None:
            wizard.line_ids = lines
        action = wizard.action_confirm()
        return self.env["telecom.deployment"].browse(action["res_id"])

    def cancels_of(self, reversal, system=None):
        cancels = self.requests_of(reversal, system)
        self.assertEqual(set(cancels.mapped("operation")), {"cancel"})
        return cancels

    def sim_option(self, system, request):
        """The simulator's record of the option ``request`` applied."""
        found = [a for a in self.sim.applied(system)
                 if a["idempotency_key"].startswith(
                     request.idempotency_key + "-")]
        self.assertEqual(len(found), 1, found)
        return found[0]

    def push_all(self, records):
        return self.requests_of(records)._telecom_push()

    # ------------------------------------------------------------------
    # Each state of the original, per system
    # ------------------------------------------------------------------
    def test_applied_is_cancelled_once_in_each_system(self):
        deployment = self.make_done(self.lines[:2])
        self.assertEqual(self.push_all(deployment), {"done": 4})

        reversal = self.reverse(deployment)

        cancels = self.cancels_of(reversal)
        self.assertEqual(len(cancels), 4, "one per line and system")
        self.assertEqual(set(cancels.mapped("state")), {"pending"})
        self.assertEqual(cancels.mapped("cancelled_request_id"),
                         self.requests_of(deployment))
        self.assertNotEqual(
            set(cancels.mapped("idempotency_key")),
            set(self.requests_of(deployment).mapped("idempotency_key")))
        self.assertEqual(cancels._telecom_push(), {"done": 4})
        for system in ("snaic", "cfast"):
            for original in self.requests_of(deployment, system):
                option = self.sim_option(system, original)
                self.assertTrue(option["cancelled"], option)
                cancel = original.cancel_request_ids
                self.assertTrue(option["cancel_idempotency_key"].startswith(
                    cancel.idempotency_key + "-"))
                self.assertEqual(cancel.remote_ref, original.remote_ref)
            stats = self.sim.stats(system)["cancels"]
            self.assertEqual(stats["done"], 2, stats)
            self.assertEqual(stats["already_cancelled"], 0, stats)
        self.assertEqual(set(reversal.update_ids.mapped("sync_state")),
                         {"applied"})
        self.assertIn("Cancelled in SNAIC: 2 line(s)", "\n".join(
            reversal.message_ids.mapped("body")))
        # Pushing again sends nothing more.
        self.assertEqual(cancels._telecom_push(), {})
        self.assertEqual(self.sim.stats("snaic")["cancels"]["done"], 2)

    def test_pending_never_sent_is_withdrawn_and_nothing_is_sent(self):
        deployment = self.make_done(self.lines[:2])
        originals = self.requests_of(deployment)
        self.assertEqual(set(originals.mapped("state")), {"pending"})

        reversal = self.reverse(deployment)

        self.assertEqual(set(originals.mapped("state")), {"withdrawn"})
        cancels = self.cancels_of(reversal)
        self.assertEqual(set(cancels.mapped("state")), {"void"})
        self.assertIn("withdrawn before it was sent", cancels[0].info)
        self.assertIn(reversal.name, originals[0].info)
        self.run_jobs()
        self.cron_push()
        numbers = set(self.lines[:2].mapped("phone_number"))
        for system in ("snaic", "cfast"):
            # (The cron also pushes the demo's own pending requests.)
            self.assertFalse([a for a in self.sim.applied(system)
                              if a["phone"] in numbers], system)
            self.assertEqual(self.sim.stats(system)["cancels"]["done"], 0)
        self.assertEqual(set(deployment.update_ids.mapped("sync_state")),
                         {"nothing"})
        self.assertIn("with nothing to send", reversal.sync_result)
        # A withdrawn request is never retried.
        with self.assertRaises(Exception):
            originals.action_retry()

    def test_in_error_has_nothing_to_cancel_and_says_so(self):
        self.sim.faults("cfast", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        deployment = self.make_done(self.lines[0])
        self.push_all(deployment)
        snaic = self.requests_of(deployment, "snaic")
        cfast = self.requests_of(deployment, "cfast")
        self.assertEqual((snaic.state, cfast.state), ("done", "error"))
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", deployment.id)])
        self.assertTrue(activity)

        reversal = self.reverse(deployment)

        self.assertEqual(cfast.state, "withdrawn")
        self.assertIn("had failed", cfast.info)
        cfast_cancel = self.cancels_of(reversal, "cfast")
        self.assertEqual(cfast_cancel.state, "void")
        self.assertIn("Nothing to cancel in CFAST", cfast_cancel.info)
        self.assertIn("failed there and was never applied", cfast_cancel.info)
        # The error activity needs nobody any more.
        self.assertFalse(activity.exists())
        # SNAIC had applied it: cancelled there.
        snaic_cancel = self.cancels_of(reversal, "snaic")
        self.assertEqual(snaic_cancel.state, "pending")
        self.assertEqual(self.push_all(reversal), {"done": 1})
        self.assertTrue(self.sim_option("snaic", snaic)["cancelled"])
        self.assertFalse(self.sim.applied("cfast"))
        # A retry of the withdrawn request sends nothing.
        with self.assertRaises(Exception):
            cfast.action_retry()

    def test_unknown_outcome_waits_for_the_read_back_then_cancels(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "timeout_after_apply", "times": 1,
             "timeout_s": 3}]})
        deployment = self.make_done(self.lines[0])
        original = self.requests_of(deployment, "snaic")
        original._telecom_push(read_back=False)
        self.assertEqual(original.state, "unknown")

        reversal = self.reverse(deployment)
        cancel = self.cancels_of(reversal, "snaic")
        self.assertEqual(cancel.state, "waiting")
        # A waiting cancellation is not claimed.
        self.assertEqual(cancel._telecom_push(), {})
        self.assertEqual(self.sim.stats("snaic")["cancels"]["done"], 0)

        # The read-back settles the original (applied), which wakes it.
        original._telecom_reconcile()
        self.assertEqual(original.state, "done")
        self.assertEqual(cancel.state, "pending")
        self.assertEqual(cancel._telecom_push(), {"done": 1})
        self.assertTrue(self.sim_option("snaic", original)["cancelled"])

    def test_sending_original_makes_the_cancellation_wait(self):
        deployment = self.make_done(self.lines[0])
        original = self.requests_of(deployment, "cfast")
        # A worker holds it (claimed, not answered yet).
        original._telecom_claim()
        self.assertEqual(original.state, "sent")

        reversal = self.reverse(deployment)
        cancel = self.cancels_of(reversal, "cfast")
        self.assertEqual(cancel.state, "waiting")
        # Its worker answers: applied; the cancellation goes, once.
        original._telecom_send(self.backends["cfast"])
        self.assertEqual(original.state, "done")
        self.assertEqual(cancel.state, "pending")
        self.run_jobs()
        self.assertEqual(cancel.state, "done")
        self.assertTrue(self.sim_option("cfast", original)["cancelled"])

    def test_sending_original_that_fails_leaves_nothing_to_cancel(self):
        deployment = self.make_done(self.lines[0])
        original = self.requests_of(deployment, "snaic")
        original._telecom_claim()
        reversal = self.reverse(deployment)
        cancel = self.cancels_of(reversal, "snaic")
        self.assertEqual(cancel.state, "waiting")
        # Its worker's answer: refused.
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        original._telecom_send(self.backends["snaic"])
        self.assertEqual(original.state, "error")
        self.assertEqual(cancel.state, "pending")
        # The job that takes the cancellation finds nothing to cancel.
        self.run_jobs()
        self.assertEqual(cancel.state, "void")
        self.assertIn("failed there", cancel.info)
        self.assertEqual(original.state, "withdrawn")
        self.assertFalse(self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", deployment.id)]))
        self.assertEqual(self.sim.stats("snaic")["cancels"]["done"], 0)

    def test_retry_after_a_5xx_waits_then_cancels_what_it_applied(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "5xx", "times": 1}]})
        deployment = self.make_done(self.lines[0])
        original = self.requests_of(deployment, "snaic")
        original._telecom_push()
        self.assertEqual((original.state, original.attempt_count),
                         ("pending", 1))

        reversal = self.reverse(deployment)
        cancel = self.cancels_of(reversal, "snaic")
        # It may be applied on its retry: never withdrawn once tried.
        self.assertEqual(cancel.state, "waiting")
        self.make_due(original)
        original._telecom_push()
        self.assertEqual(original.state, "done")
        self.assertEqual(cancel._telecom_push(), {"done": 1})
        self.assertTrue(self.sim_option("snaic", original)["cancelled"])

    def test_the_push_cron_wakes_a_forgotten_waiting_cancellation(self):
        deployment = self.make_done(self.lines[0])
        self.push_all(deployment)
        reversal = self.reverse(deployment)
        cancel = self.cancels_of(reversal, "snaic")
        # As if its wake was lost (a conflict between workers).
        cancel._telecom_write_result({"state": "waiting"})
        self.cron_push()
        self.assertEqual(cancel.state, "done")

    def test_partial_reversal_cancels_only_its_lines(self):
        deployment = self.make_done(self.lines[:3])
        self.push_all(deployment)
        line = self.lines[1]
        reversal = self.reverse(deployment, lines=line)
        cancels = self.cancels_of(reversal)
        self.assertEqual(cancels.mapped("line_id"), line)
        self.push_all(reversal)
        cancelled = [a for a in self.sim.applied("snaic") if a["cancelled"]]
        self.assertEqual([a["phone"] for a in cancelled], [line.phone_number])

    # ------------------------------------------------------------------
    # Faults on the cancellation
    # ------------------------------------------------------------------
    def test_timeout_after_the_cancel_is_read_back_never_cancelled_twice(self):
        deployment = self.make_done(self.lines[0])
        self.push_all(deployment)
        reversal = self.reverse(deployment)
        self.sim.faults("snaic", {"script": [
            {"match": "cancel", "fault": "timeout_after_apply", "times": 1,
             "timeout_s": 3}]})
        cancel = self.cancels_of(reversal, "snaic")
        cancel._telecom_push(read_back=False)
        self.assertEqual(cancel.state, "unknown")
        # Never resent while unknown.
        self.make_due(cancel)
        cancel._telecom_push(read_back=False)
        self.assertEqual(cancel.state, "unknown")

        cancel._telecom_reconcile()

        self.assertEqual(cancel.state, "done")
        stats = self.sim.stats("snaic")["cancels"]
        self.assertEqual((stats["done"], stats["already_cancelled"]), (1, 0))

    def test_5xx_on_cancel_is_retried_with_the_same_key(self):
        deployment = self.make_done(self.lines[0])
        self.push_all(deployment)
        reversal = self.reverse(deployment)
        self.sim.faults("cfast", {"script": [
            {"match": "cancel", "fault": "5xx", "times": 1}]})
        cancel = self.cancels_of(reversal, "cfast")
        cancel._telecom_push()
        self.assertEqual((cancel.state, cancel.attempt_count), ("pending", 1))
        self.make_due(cancel)
        cancel._telecom_push()
        self.assertEqual(cancel.state, "done")
        option = self.sim_option("cfast", cancel.cancelled_request_id)
        self.assertTrue(option["cancel_idempotency_key"].startswith(
            cancel.idempotency_key + "-"))
        self.assertEqual(self.sim.stats("cfast")["cancels"]["done"], 1)

    def test_cancelled_elsewhere_is_read_back_as_done(self):
        deployment = self.make_done(self.lines[0])
        self.push_all(deployment)
        original = self.requests_of(deployment, "snaic")
        # Somebody cancels it in SNAIC with another key.
        answer = requests.post(
            self.sim.urls["snaic"] + "/api/v1/options/%s/cancel"
            % original.remote_ref, json={},
            headers={"Authorization": "Bearer %s" % TOKENS["snaic"],
                     "Idempotency-Key": "by-hand-1"}, timeout=10)
        self.assertEqual(answer.status_code, 200, answer.text)

        reversal = self.reverse(deployment)
        cancel = self.cancels_of(reversal, "snaic")
        self.assertEqual(cancel._telecom_push(), {"done": 1})
        self.assertEqual(self.sim.stats("snaic")["cancels"]["done"], 1)

    def test_a_cancel_error_names_the_line_and_who_acts(self):
        deployment = self.make_done(self.lines[0])
        self.push_all(deployment)
        reversal = self.reverse(deployment)
        self.sim.faults("cfast", {"script": [
            {"match": "cancel", "fault": "422", "times": 1}]})
        cancel = self.cancels_of(reversal, "cfast")
        cancel._telecom_push()
        self.assertEqual(cancel.state, "error")
        self.assertIn(self.lines[0].name, cancel.last_error)
        self.assertTrue(self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", reversal.id)]))
        cancel.action_retry()
        cancel._telecom_push()
        self.assertEqual(cancel.state, "done")
        self.assertEqual(self.sim.stats("cfast")["cancels"]["done"], 1)
