# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The re-send of an option that the system lost (``_telecom_repush``)
against the live simulator: applied once whatever the retries, refused a
second time, and cancelled once by a reversal."""
import psycopg2
import requests

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import SyncCase


class TestSyncRepush(SyncCase):

    @classmethod
    def setUpClass(cls):
        super(TestSyncRepush, cls).setUpClass()
        # The demo's requests in flight would be pushed by the same jobs:
        # the simulator's counts here are the tests' own.
        cls.env["telecom.sync.request"].search([
            ("state", "not in", ("done", "error", "withdrawn", "void")),
        ]).write({"state": "withdrawn"})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def push_done(self, deployment):
        requests_ = self.requests_of(deployment)
        self.assertEqual(requests_._telecom_push(),
                         {"done": len(requests_)})
        return requests_

    def sim_options(self, system, request):
        """The simulator's records of the options ``request`` applied."""
        return [a for a in self.sim.applied(system)
                if a["idempotency_key"].startswith(
                    request.idempotency_key + "-")
                and "-R" not in a["idempotency_key"][
                    len(request.idempotency_key):]]

    def lose(self, system, request, option):
        """The system loses the option that ``request`` applied, as if
        removed by hand (``/_sim/forget``): its key is still remembered."""
        key = "%s-%s" % (request.idempotency_key, option.id)
        answer = requests.post(self.sim.urls[system] + "/_sim/forget",
                               json={"idempotency_key": key}, timeout=10)
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual(answer.json()["idempotency_key"], key)
        self.assertNotIn(key, [a["idempotency_key"]
                               for a in self.sim.applied(system)])

    def reverse(self, deployment):
        wizard = self.env["telecom.deployment.reverse"].with_context(
            active_model="telecom.deployment",
            active_id=deployment.id).create({"reason": "Wrong line"})
        action = wizard.action_confirm()
        return self.env["telecom.deployment"].browse(action["res_id"])

    def make_two_options(self, line):
        """A done deployment of ``line`` whose MAJ has two options."""
        # The data top-up of the line's tier, twice: 1 GB, then 2 GB.
        product = self.env["product.template"]._telecom_find_tier(
            self.env["product.template"]._telecom_tier_table(
                "data_topup", self.company),
            line.subscription_id.data_allowance_gb)
        products = [product, product]
        deployment = self.env["telecom.deployment"].create({
            "partner_operator_id": line.parc_id.partner_operator_id.id,
            "company_id": self.company.id, "line_ids": [(6, 0, line.ids)],
            "date_installed": "2026-03-01", "date_activation": "2026-03-01",
            "option_ids": [(0, 0, {"line_id": line.id,
                                   "product_id": product.id, "quantity": qty})
                           for product, qty in zip(products, (1, 2))]})
        deployment.action_done()
        self.assertEqual(len(deployment.update_ids.option_ids), 2)
        return deployment

    def lane_jobs(self, backend):
        return self.env["queue.job"].search([
            ("model_name", "=", "telecom.api.backend"),
            ("method_name", "=", "_telecom_job_lane"),
            ("state", "=", "pending")]).filtered(
                lambda job: job.record_ids == backend.ids)

    # ------------------------------------------------------------------
    # The re-send
    # ------------------------------------------------------------------
    def test_repush_is_queued_applied_once_with_a_derived_key(self):
        deployment = self.make_done(self.lines[0])
        self.push_done(deployment)
        original = self.requests_of(deployment, "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        self.env["queue.job"].search([]).unlink()

        repush = original._telecom_repush(option)

        self.assertEqual(repush.state, "pending")
        self.assertEqual((repush.operation, repush.system, repush.backend_id,
                          repush.update_id),
                         ("apply", "snaic", original.backend_id,
                          original.update_id))
        self.assertEqual((repush.repush_of_id, repush.repush_option_id),
                         (original, option))
        self.assertEqual(original.repush_ids, repush)
        self.assertEqual(repush.name, "%s ↻ %s" % (original.name,
                                                   option.name))
        # Derived from the original's, recorded, and not the original's.
        self.assertEqual(repush.idempotency_key, "%s-R%d" % (
            original.idempotency_key, option.id))
        self.assertEqual(repush.reference, "%s-R%d" % (
            original.reference, option.id))
        self.assertNotEqual(repush.idempotency_key, original.idempotency_key)
        self.assertNotEqual(repush.reference, original.reference)
        # Queued like any new request: a lane of its connection.
        self.assertTrue(self.lane_jobs(self.backends["snaic"]))
        self.assertFalse(self.lane_jobs(self.backends["cfast"]))
        # The MAJ is being sent again.
        self.assertEqual(original.update_id.sync_state, "pending")
        applies_before = self.sim.stats("snaic")["requests"].get("apply", 0)

        self.run_jobs()

        self.assertEqual(repush.state, "done")
        applied = [a for a in self.sim.applied("snaic")
                   if a["idempotency_key"].startswith(
                       repush.idempotency_key + "-")]
        self.assertEqual(len(applied), 1, applied)
        self.assertEqual(applied[0]["idempotency_key"], "%s-%s" % (
            repush.idempotency_key, option.id))
        self.assertEqual(applied[0]["reference"], "%s-%s" % (
            repush.reference, option.id))
        self.assertEqual(repush.remote_ref, applied[0]["remote_ref"])
        self.assertEqual(len(self.sim.applied("snaic")), 1)
        self.assertEqual(
            self.sim.stats("snaic")["requests"].get("apply", 0),
            applies_before + 1)
        self.assertEqual(original.update_id.sync_state, "applied")
        self.assertIn("Re-sent to SNAIC", "\n".join(
            deployment.message_ids.mapped("body")))
        # Pushed again: nothing more.
        self.assertEqual(repush._telecom_push(), {})
        self.cron_push()
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_repush_result_lost_and_sent_again_applies_once(self):
        # The job pushed it, then its result was lost (a worker killed
        # before its commit): the request is sent again, same key.
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "cfast")
        option = original.update_id.option_ids
        self.lose("cfast", original, option)
        repush = original._telecom_repush(option)
        self.run_jobs()
        self.assertEqual(repush.state, "done")
        remote_ref = repush.remote_ref
        repush.write({"state": "pending", "remote_ref": False})
        self.assertEqual(repush._telecom_push(), {"done": 1})
        self.assertEqual(repush._telecom_push(), {})
        self.assertEqual(repush.state, "done")
        self.assertEqual(repush.remote_ref, remote_ref)
        self.assertEqual(len(self.sim.applied("cfast")), 1)
        self.assertGreaterEqual(self.sim.stats("cfast")["replays"], 1)

    def test_repush_after_a_5xx_is_retried_and_applied_once(self):
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "5xx", "times": 1}]})
        repush = original._telecom_repush(option)
        applies = self.sim.stats("snaic")["requests"].get("apply", 0)
        repush._telecom_push()
        self.assertEqual((repush.state, repush.attempt_count), ("pending", 1))
        self.assertTrue(repush.next_attempt_at)
        self.make_due(repush)
        self.run_jobs()
        self.assertEqual((repush.state, repush.attempt_count), ("done", 2))
        self.assertEqual(
            self.sim.stats("snaic")["requests"].get("apply", 0), applies + 2)
        applied = self.sim.applied("snaic")
        self.assertEqual(len(applied), 1)
        self.assertEqual(applied[0]["idempotency_key"], "%s-%s" % (
            repush.idempotency_key, option.id))

    def test_repush_timeout_after_apply_is_read_back_not_resent(self):
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "timeout_after_apply", "times": 1,
             "timeout_s": 3}]})
        repush = original._telecom_repush(option)
        applies = self.sim.stats("snaic")["requests"].get("apply", 0)
        # The push reads the unknown outcome back by the derived reference.
        self.assertEqual(repush._telecom_push(), {"done": 1})
        self.assertEqual(repush.state, "done")
        self.assertEqual(
            self.sim.stats("snaic")["requests"].get("apply", 0), applies + 1)
        applied = self.sim.applied("snaic")
        self.assertEqual(len(applied), 1)
        self.assertEqual(applied[0]["reference"], "%s-%s" % (
            repush.reference, option.id))
        self.assertEqual(repush.remote_ref, applied[0]["remote_ref"])
        # The job runs again: nothing more is sent.
        self.run_jobs()
        self.cron_reconcile()
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_the_old_key_replays_and_applies_nothing(self):
        # Why a re-send needs a key of its own: the system still remembers
        # the original's and answers it from its store.
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        original.write({"state": "pending"})
        self.assertEqual(original._telecom_push(), {"done": 1})
        self.assertFalse(self.sim.applied("snaic"))
        self.assertEqual(self.sim.stats("snaic")["replays"], 1)
        original.write({"state": "done"})
        repush = original._telecom_repush(option)
        self.assertEqual(repush._telecom_push(), {"done": 1})
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_second_repush_is_refused_and_creates_nothing(self):
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        repush = original._telecom_repush(option)
        Request = self.env["telecom.sync.request"]
        count = Request.search_count([])
        with self.assertRaises(UserError) as refusal:
            original._telecom_repush(option)
        message = refusal.exception.name
        self.assertIn(repush.name, message)
        self.assertIn(self.lines[0].name, message)
        self.assertIn("already re-sent", message)
        self.assertEqual(Request.search_count([]), count)
        # Done, it is still refused.
        self.run_jobs()
        self.assertEqual(repush.state, "done")
        with self.assertRaises(UserError):
            original._telecom_repush(option)
        self.assertEqual(Request.search_count([]), count)
        self.assertEqual(len(self.sim.applied("snaic")), 1)

    def test_concurrent_repush_hits_the_constraint_and_names_the_first(self):
        # Another transaction created the re-send at the same moment: this
        # one does not see it (repush_ids read before), the database
        # refuses the second.
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.assertFalse(original.repush_ids)  # read, cached
        self.env.cr.execute("""
            INSERT INTO telecom_sync_request
                   (name, system, operation, backend_id, update_id, line_id,
                    company_id, state, idempotency_key, reference,
                    repush_of_id, repush_option_id, attempt_count,
                    throttle_count)
            SELECT name, system, 'apply', backend_id, update_id, line_id,
                   company_id, 'pending', idempotency_key || '-R' || %s,
                   reference || '-R' || %s, id, %s, 0, 0
              FROM telecom_sync_request WHERE id = %s RETURNING id""",
                            (option.id, option.id, option.id, original.id))
        first = self.env["telecom.sync.request"].browse(
            self.env.cr.fetchone()[0])
        with self.assertRaises(UserError) as refusal:
            original._telecom_repush(option)
        self.assertIn(first.reference, refusal.exception.name)
        # The database refuses a second re-send of the option, and a
        # second application of the MAJ that is not a re-send.
        with self.assertRaises(psycopg2.IntegrityError), \
                mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE telecom_sync_request SET idempotency_key = 'X', "
                "reference = 'X' WHERE id = %s; INSERT INTO "
                "telecom_sync_request (system, operation, update_id, state, "
                "idempotency_key, reference, repush_of_id, repush_option_id)"
                " VALUES ('snaic', 'apply', %s, 'pending', 'Y', 'Y', %s, %s)",
                (first.id, original.update_id.id, original.id, option.id))
        with self.assertRaises(psycopg2.IntegrityError), \
                mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO telecom_sync_request (system, operation, "
                "update_id, state, idempotency_key, reference) VALUES "
                "('snaic', 'apply', %s, 'pending', 'Z', 'Z')",
                (original.update_id.id,))

    def test_repush_checks_name_the_record_and_the_fix(self):
        deployment = self.make_done(self.lines[:2])
        pending = self.requests_of(deployment, "snaic")[0]
        option = pending.update_id.option_ids
        # Not applied yet: nothing to re-send.
        with self.assertRaises(UserError) as refusal:
            pending._telecom_repush(option)
        self.assertIn(pending.name, refusal.exception.name)
        self.assertIn("Retry", refusal.exception.name)
        self.push_done(deployment)
        first, second = self.requests_of(deployment, "snaic")
        # An option of another MAJ.
        with self.assertRaises(UserError) as refusal:
            first._telecom_repush(second.update_id.option_ids)
        self.assertIn(first.name, refusal.exception.name)
        # Only a Telecom manager re-sends.
        ops = self.env.ref("telecom_parc.demo_user_ops")
        if not ops.has_group("telecom_parc.group_telecom_manager"):
            with self.assertRaises(AccessError):
                first.sudo(ops)._telecom_repush(first.update_id.option_ids)
        # A reversed MAJ: its options are cancelled, nothing to re-send.
        reversal = self.reverse(deployment)
        with self.assertRaises(UserError) as refusal:
            first._telecom_repush(first.update_id.option_ids)
        self.assertIn(reversal.name, refusal.exception.name)
        # A cancellation re-sends nothing.
        cancel = first.cancel_request_ids
        cancel._telecom_push()
        self.assertEqual(cancel.state, "done")
        with self.assertRaises(UserError):
            cancel._telecom_repush(first.update_id.option_ids)
        self.assertFalse(self.env["telecom.sync.request"].search(
            [("repush_of_id", "!=", False)]))

    def test_repush_of_a_multi_option_maj_sends_only_its_option(self):
        deployment = self.make_two_options(self.lines[1])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        kept, lost = original.update_id.option_ids.sorted("id")
        self.assertEqual(len(self.sim_options("snaic", original)), 2)
        self.lose("snaic", original, lost)
        repush = original._telecom_repush(lost)
        payloads = repush._telecom_apply_payloads(self.backends["snaic"])
        self.assertEqual([p["idempotency_key"] for p in payloads[repush]],
                         ["%s-%s" % (repush.idempotency_key, lost.id)])
        self.run_jobs()
        self.assertEqual(repush.state, "done")
        mine = [a for a in self.sim.applied("snaic")
                if a["idempotency_key"].startswith(
                    repush.idempotency_key + "-")]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["product_code"], lost.default_code)
        self.assertEqual(float(mine[0]["quantity"]), lost.quantity)
        # The other option stays, under the original's key.
        self.assertEqual([a["quantity"] for a in self.sim_options(
            "snaic", original)], [kept.quantity])
        # The lost one is not re-sent again.
        with self.assertRaises(UserError):
            original._telecom_repush(lost)

    # ------------------------------------------------------------------
    # Reversal after a re-send
    # ------------------------------------------------------------------
    def test_reversal_cancels_the_repush_once_and_skips_the_lost_option(self):
        deployment = self.make_done(self.lines[0])
        originals = self.push_done(deployment)
        original = originals.filtered(lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        repush = original._telecom_repush(option)
        self.run_jobs()
        self.assertEqual(repush.state, "done")

        reversal = self.reverse(deployment)

        cancels = self.requests_of(reversal, "snaic")
        self.assertEqual(len(cancels), 2, "the original's and the re-send's")
        skipped = original.cancel_request_ids
        repush_cancel = repush.cancel_request_ids
        self.assertEqual(skipped.state, "void")
        self.assertIn("re-sent", skipped.info)
        self.assertEqual(repush_cancel.state, "pending")
        self.assertEqual(self.requests_of(reversal)._telecom_push(),
                         {"done": 2})
        self.assertEqual(repush_cancel.state, "done")
        self.assertEqual(repush_cancel.remote_ref, repush.remote_ref)
        snaic = self.sim.applied("snaic")
        self.assertEqual(len(snaic), 1)
        self.assertTrue(snaic[0]["cancelled"])
        self.assertTrue(snaic[0]["cancel_idempotency_key"].startswith(
            repush_cancel.idempotency_key + "-"))
        stats = self.sim.stats("snaic")
        self.assertEqual(stats["cancels"]["done"], 1, stats)
        self.assertEqual(stats["cancels"]["not_found"], 0, stats)
        self.assertNotIn("404", stats["statuses"])
        # CFAST never lost it: cancelled by the original's cancellation.
        self.assertTrue(self.sim_options("cfast", originals.filtered(
            lambda r: r.system == "cfast"))[0]["cancelled"])
        self.assertEqual(set(reversal.update_ids.mapped("sync_state")),
                         {"applied"})
        self.assertFalse(self.requests_of(reversal).filtered(
            lambda r: r.state == "error"))

    def test_reversal_of_a_multi_option_maj_cancels_each_option_once(self):
        deployment = self.make_two_options(self.lines[2])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        kept, lost = original.update_id.option_ids.sorted("id")
        self.lose("snaic", original, lost)
        repush = original._telecom_repush(lost)
        self.run_jobs()
        self.assertEqual(repush.state, "done")

        reversal = self.reverse(deployment)

        cancel = original.cancel_request_ids
        self.assertEqual(cancel.state, "pending")
        payloads = cancel._telecom_cancel_payloads(self.backends["snaic"])
        self.assertEqual([p["idempotency_key"] for p in payloads[cancel]],
                         ["%s-%s" % (cancel.idempotency_key, kept.id)])
        self.assertEqual(
            (cancel | repush.cancel_request_ids)._telecom_push(), {"done": 2})
        self.assertEqual(repush.cancel_request_ids.state, "done")
        self.assertEqual(cancel.remote_ref, self.sim_options(
            "snaic", original)[0]["remote_ref"])
        stats = self.sim.stats("snaic")
        self.assertEqual(stats["cancels"]["done"], 2)
        self.assertEqual(stats["cancels"]["not_found"], 0)
        self.assertTrue(all(a["cancelled"] for a in self.sim.applied("snaic")
                            if a["phone"] == self.lines[2].phone_number))
        self.assertTrue(reversal)

    def test_reversal_before_the_repush_is_sent_withdraws_it(self):
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "snaic")
        option = original.update_id.option_ids
        self.lose("snaic", original, option)
        repush = original._telecom_repush(option)

        reversal = self.reverse(deployment)

        self.assertEqual(repush.state, "withdrawn")
        self.assertEqual(repush.cancel_request_ids.state, "void")
        self.assertEqual(original.cancel_request_ids.state, "void")
        self.run_jobs()
        self.cron_push()
        self.assertFalse([a for a in self.sim.applied("snaic")
                          if a["phone"] == self.lines[0].phone_number])
        self.assertEqual(self.sim.stats("snaic")["cancels"]["not_found"], 0)
        # CFAST cancelled, SNAIC had nothing left to cancel.
        self.assertEqual(set(reversal.update_ids.mapped("sync_state")),
                         {"applied"})

    def test_form_shows_what_was_re_sent(self):
        arch = self.env["telecom.sync.request"].fields_view_get(
            view_type="form")["arch"]
        for field in ("repush_of_id", "repush_option_id", "repush_ids"):
            self.assertIn('name="%s"' % field, arch)
        search = self.env["telecom.sync.request"].fields_view_get(
            view_type="search")["arch"]
        self.assertIn('name="repush"', search)

    def test_a_re_send_lost_again_is_re_sent_from_the_re_send(self):
        deployment = self.make_done(self.lines[0])
        original = self.push_done(deployment).filtered(
            lambda r: r.system == "cfast")
        option = original.update_id.option_ids
        self.lose("cfast", original, option)
        first = original._telecom_repush(option)
        self.assertEqual(first._telecom_push(), {"done": 1})
        self.lose("cfast", first, option)
        # From the original: it was re-sent already, by the first one.
        with self.assertRaises(UserError) as refusal:
            original._telecom_repush(option)
        self.assertIn(first.reference, refusal.exception.name)
        second = first._telecom_repush(option)
        self.assertEqual(second.idempotency_key, "%s-R%d" % (
            first.idempotency_key, option.id))
        self.assertEqual(second._telecom_push(), {"done": 1})
        self.assertEqual(len(self.sim.applied("cfast")), 1)

        reversal = self.reverse(deployment)

        cfast = self.requests_of(reversal, "cfast")
        self.assertEqual(len(cfast), 3)
        self.assertEqual(original.cancel_request_ids.state, "void")
        self.assertEqual(first.cancel_request_ids.state, "void")
        self.assertEqual(cfast._telecom_push(), {"done": 1})
        self.assertEqual(second.cancel_request_ids.state, "done")
        self.assertTrue(self.sim.applied("cfast")[0]["cancelled"])
        stats = self.sim.stats("cfast")["cancels"]
        self.assertEqual((stats["done"], stats["not_found"]), (1, 0))
