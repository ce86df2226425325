# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the users see of the push as it happens: the web client told over
Odoo's bus, the MAJ sent, the errors marked and filtered, the error activity
closed once fixed, each MAJ noted on its line."""
import json

from lxml import etree

from odoo import fields
from odoo.tools import html_escape
from odoo.tools.safe_eval import safe_eval
from odoo.addons.queue_job.job import Job

from .common import SyncCase


class TestLiveSync(SyncCase):

    def _bus_messages(self, after=0):
        """The messages on the push's channel, oldest first; ``after``: a
        bus message id (the push deletes the old messages once per job)."""
        channel = json.dumps((self.env.cr.dbname, "telecom.sync"),
                             separators=(",", ":"))
        return [json.loads(message) for message in self.env["bus.bus"].search(
            [("channel", "=", channel), ("id", ">", after)],
            order="id").mapped("message")]

    def _last_bus_id(self):
        return self.env["bus.bus"].search([], order="id desc", limit=1).id

    def _filter_domain(self, model, name):
        arch = self.env[model].fields_view_get(view_type="search")["arch"]
        node = etree.fromstring(arch).xpath("//filter[@name='%s']" % name)
        self.assertEqual(len(node), 1, "no filter %s on %s" % (name, model))
        return safe_eval(node[0].get("domain"))

    def _sync_activities(self, deployment):
        return self.env["mail.activity"].search([
            ("res_model", "=", "telecom.deployment"),
            ("res_id", "=", deployment.id),
            ("activity_type_id", "=", self.env.ref(
                "telecom_snaic_cfast.mail_activity_type_sync_error").id)])

    # 1. Live statuses -------------------------------------------------
    def test_push_tells_the_web_client_and_says_what_was_sent(self):
        deployment = self.make_done(self.lines[:2])
        self.assertEqual(deployment.sync_result, "0 of 2 MAJ sent")
        before = self._last_bus_id()
        self.requests_of(deployment)._telecom_push()
        messages = self._bus_messages(before)
        # Told when the requests are taken (sending) and when their results
        # are saved, each time with the deployment's id; at the end, that
        # nothing is left to send.
        self.assertGreaterEqual(len(messages), 3, messages)
        for message in messages[:-1]:
            self.assertEqual(message, {"deployment_ids": [deployment.id]})
        self.assertEqual(messages[-1], {"deployment_ids": [deployment.id],
                                        "settled_ids": [deployment.id]})
        deployment.invalidate_cache()
        self.assertEqual(deployment.sync_result, "2 MAJ sent")

    def test_not_settled_while_a_system_has_to_be_sent(self):
        deployment = self.make_done(self.lines[:2])
        before = self._last_bus_id()
        self.requests_of(deployment, "snaic")._telecom_push()
        messages = self._bus_messages(before)
        self.assertTrue(messages)
        self.assertFalse([m for m in messages if "settled_ids" in m], messages)
        self.requests_of(deployment, "cfast")._telecom_push()
        self.assertEqual(self._bus_messages()[-1].get("settled_ids"),
                         [deployment.id])

    def test_form_follows_the_bus(self):
        arch = self.env["telecom.deployment"].fields_view_get(
            view_type="form")["arch"]
        form = etree.fromstring(arch)
        self.assertEqual(form.get("js_class"), "telecom_sync_form")
        for name in ("snaic_sync_state", "cfast_sync_state", "sync_result",
                     "sync_error_count"):
            self.assertTrue(form.xpath("//field[@name='%s']" % name), name)

    def test_sent_counts_the_errors(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        deployment = self.make_done(self.lines[:2])
        self.requests_of(deployment)._telecom_push()
        deployment.invalidate_cache()
        self.assertEqual(deployment.sync_result,
                         "1 of 2 MAJ sent, 1 in error")

    # 4a. Errors in colour and filtered --------------------------------
    def test_in_error_filters_and_colour(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        failed = self.make_done(self.lines[0])
        self.requests_of(failed)._telecom_push()
        applied = self.make_done(self.lines[1])
        self.requests_of(applied)._telecom_push()
        self.assertEqual(self.requests_of(failed, "snaic").state, "error")

        Deployment = self.env["telecom.deployment"]
        domain = self._filter_domain("telecom.deployment", "sync_error")
        found = Deployment.search(domain)
        self.assertIn(failed, found)
        self.assertNotIn(applied, found)
        self.assertIn(applied, Deployment.search([("sync_error", "=", False)]))
        self.assertNotIn(failed, Deployment.search([("sync_error", "!=", True)]))

        Line = self.env["telecom.line"]
        domain = self._filter_domain("telecom.line", "sync_error")
        self.assertIn(self.lines[0], Line.search(domain))
        self.assertNotIn(self.lines[1], Line.search(domain))
        self.assertTrue(self.lines[0].sync_error)
        # A line is in error while its last request is: a later MAJ
        # applied clears it (its deployment stays in error).
        self.requests_of(self.make_done(self.lines[0]))._telecom_push()
        self.lines[0].invalidate_cache()
        self.assertNotIn(self.lines[0], Line.search(domain))
        self.assertIn(failed, Deployment.search([("sync_error", "=", True)]))

        # In red in both lists.
        for model, expected in (("telecom.deployment", "sync_error"), (
                "telecom.line", "snaic_sync_state == 'error' or "
                                "cfast_sync_state == 'error'")):
            tree = etree.fromstring(self.env[model].fields_view_get(
                view_type="tree")["arch"])
            self.assertEqual(tree.get("decoration-danger"), expected, model)

    # 4b. The error activity closed once fixed -------------------------
    def test_error_activity_closed_when_the_retry_succeeds(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 3}]})
        deployment = self.make_done(self.lines[:2])
        requests_ = self.requests_of(deployment, "snaic")
        requests_._telecom_push()
        self.assertEqual(set(requests_.mapped("state")), {"error"})
        self.assertEqual(len(self._sync_activities(deployment)), 1)

        # One fixed, one still in error: the activity stays open.
        requests_[0].action_retry()
        requests_[0]._telecom_push()
        self.assertEqual(requests_[0].state, "error")
        self.sim.faults("snaic", {})
        requests_[0].action_retry()
        requests_[0]._telecom_push()
        self.assertEqual(requests_[0].state, "done")
        self.assertEqual(len(self._sync_activities(deployment)), 1)

        # The last one applied (here by the retry): closed, as "Mark Done"
        # does, with its trace in the chatter.
        requests_[1].action_retry()
        requests_[1]._telecom_push()
        self.assertEqual(requests_[1].state, "done")
        self.assertFalse(self._sync_activities(deployment))
        done = deployment.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref(
                "telecom_snaic_cfast.mail_activity_type_sync_error"))
        self.assertEqual(len(done), 1)
        self.assertIn("applied the MAJ that were in error", done.body)

    def test_error_activity_closed_by_the_automatic_retry(self):
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        deployment = self.make_done(self.lines[0])
        request = self.requests_of(deployment, "snaic")
        request._telecom_push()
        self.assertTrue(self._sync_activities(deployment))
        # Put back in the queue (e.g. by a user from the requests list);
        # the cron's job sends it.
        request.action_retry()
        self.cron_push()
        self.assertEqual(request.state, "done")
        self.assertFalse(self._sync_activities(deployment))

    # 10. Each MAJ on its line's chatter --------------------------------
    def test_each_maj_noted_on_its_line_off_the_click(self):
        # No connection at all: the MAJ wait to be sent, and are noted.
        for backend in self.backends.values():
            backend.active = False
        wizard = self.env["telecom.line.recharge"].create({
            "line_ids": [(6, 0, self.lines[0].ids)], "data_gb": 2})
        deployment = self.env["telecom.deployment"].browse(
            wizard.action_confirm()["res_id"])
        # A line without option in the deployment: its MAJ has none.
        deployment.write({"line_ids": [(4, self.lines[1].id)]})
        today = fields.Date.context_today(self.env.user)
        deployment.write({"date_installed": today, "date_activation": today})
        before = {line: line.message_ids for line in self.lines[:2]}
        self.env["queue.job"].search([]).unlink()
        deployment.action_done()
        updates = deployment.update_ids
        self.assertEqual(len(updates), 2)
        self.assertFalse(updates.filtered("option_ids") == updates)
        for line in self.lines[:2]:
            line.invalidate_cache()
            self.assertEqual(line.message_ids, before[line],
                             "noted by the job, not in the click")

        jobs = self.env["queue.job"].search([
            ("method_name", "=", "_telecom_job_log_on_lines")])
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, "root.telecom_log")
        self.assertEqual(sorted(jobs.record_ids), sorted(updates.ids))
        job = Job.load(self.env, jobs.uuid)
        job.perform()

        for line in self.lines[:2]:
            line.invalidate_cache()
            new = line.message_ids - before[line]
            self.assertEqual(len(new), 1, line.name)
            update = updates.filtered(lambda u, line=line: u.line_id == line)
            self.assertIn(update.name, new.body)
            self.assertIn(deployment.name, new.body)
            if update.option_ids:
                self.assertIn(html_escape(update.option_ids.name), new.body)
            else:
                self.assertIn("no one-off option", new.body)
