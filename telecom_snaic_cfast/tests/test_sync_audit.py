# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The drift audit against the live simulator: each kind of difference, a
clean run (reversals, withdrawn and in-flight requests included), the
counts, faults while reading the list, the period, access, the repairs and
the nightly audit."""
import unittest
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.addons.telecom_parc.tests.common_i18n import load_french

from ..clients import RetryableError, SnaicClient
from ..models import telecom_sync_audit as audit_module
from ..models import telecom_sync_audit_compare as compare
from .common import SyncCase


def utc_today():
    return fields.Date.to_string(datetime.utcnow().date())


class AuditCase(SyncCase):

    @classmethod
    def setUpClass(cls):
        super(AuditCase, cls).setUpClass()
        cls.manager = cls.env.ref("telecom_parc.demo_user_manager")
        cls.accountant = cls.env.ref("telecom_parc.demo_user_accountant")
        cls.ops = cls.env.ref("telecom_parc.demo_user_ops")
        cls.Audit = cls.env["telecom.sync.audit"]

    def setUp(self):
        super(AuditCase, self).setUp()
        # No test waits between two tries of a page.
        sleeper = patch.object(audit_module, "_sleep")
        self.slept = sleeper.start()
        self.addCleanup(sleeper.stop)

    def push(self, lines, data_gb=2):
        deployment = self.make_done(lines, data_gb=data_gb)
        self.requests_of(deployment)._telecom_push()
        self.assertEqual(set(self.requests_of(deployment).mapped("state")),
                         {"done"})
        return deployment

    def reverse(self, deployment):
        wizard = self.env["telecom.deployment.reverse"].with_context(
            active_model="telecom.deployment",
            active_id=deployment.id).create({"reason": "Wrong line"})
        action = wizard.action_confirm()
        return self.env["telecom.deployment"].browse(action["res_id"])

    def audit(self, system, date_from=None, date_to=None, tz="UTC",
              user=None):
        """A new audit of the test connection of ``system``, run as
        ``user`` (default: a Telecom Manager)."""
        audit = self.Audit.sudo(user or self.manager).create({
            "backend_id": self.backends[system].id,
            "date_from": date_from or utc_today(),
            "date_to": date_to or date_from or utc_today(),
            "tz": tz,
        })
        audit.action_run()
        return audit.sudo()

    def option_key(self, request, index=0):
        option = request.update_id.option_ids.sorted("id")[index]
        return "%s-%s" % (request.idempotency_key, option.id)

    def option_ref(self, request, index=0):
        option = request.update_id.option_ids.sorted("id")[index]
        return "%s-%s" % (request.reference, option.id)

    def forget(self, system, request, index=0):
        return self.sim.post(system, "/_sim/forget", {
            "idempotency_key": self.option_key(request, index)})

    def inject(self, system, **values):
        answer = self.sim.post(system, "/_sim/inject", values)
        self.assertEqual(answer.get("count"), 1, answer)
        return answer["options"][0]

    def kinds(self, audit):
        return sorted(audit.line_ids.mapped("kind"))


class TestAuditFindsEachKind(AuditCase):

    def test_forgotten_option_is_missing_remote(self):
        deployment = self.push(self.lines[:2])
        request = self.requests_of(deployment, "snaic").filtered(
            lambda r: r.line_id == self.lines[0])
        self.forget("snaic", request)

        audit = self.audit("snaic")

        self.assertEqual(audit.state, "done")
        self.assertEqual(self.kinds(audit), ["missing_remote"])
        drift = audit.line_ids
        self.assertEqual(drift.line_id, self.lines[0])
        self.assertEqual(drift.update_id, request.update_id)
        self.assertEqual(drift.request_id, request)
        self.assertEqual(drift.option_id, request.update_id.option_ids)
        self.assertEqual(drift.reference, self.option_ref(request))
        self.assertEqual(drift.system, "snaic")
        self.assertEqual(drift.date, utc_today())
        self.assertIn("SNAIC has no option for %s of the line %s"
                      % (request.update_id.name, self.lines[0].name),
                      drift.detail)
        self.assertEqual((audit.local_count, audit.remote_count), (2, 1))
        # CFAST holds both.
        self.assertFalse(self.audit("cfast").line_ids)
        # The line's chatter says what was found.
        self.assertIn(drift.detail.split(" (")[0], "\n".join(
            self.lines[0].message_ids.mapped("body")))

    def test_option_without_our_reference_is_unknown_local(self):
        self.push(self.lines[:1])
        injected = self.inject("cfast", phone_number=self.lines[1].phone_number,
                               product_code="RDATA-1GO-HI", quantity=3)

        audit = self.audit("cfast")

        self.assertEqual(self.kinds(audit), ["unknown_local"])
        drift = audit.line_ids
        action = audit.sudo(self.accountant).action_view_lines()
        self.assertEqual(self.env[action["res_model"]].search(
            action["domain"]), drift)
        self.assertEqual(drift.remote_ref, injected["remote_ref"])
        self.assertFalse(drift.request_id)
        self.assertIn("never sent", drift.detail)
        self.assertIn(injected["remote_ref"], drift.detail)
        self.assertEqual((audit.local_count, audit.remote_count), (1, 2))

    def test_same_reference_other_quantity_is_mismatch(self):
        deployment = self.push(self.lines[:1], data_gb=2)
        request = self.requests_of(deployment, "snaic")
        forgotten = self.forget("snaic", request)
        self.inject("snaic", phone_number=self.lines[0].phone_number,
                    product_code=forgotten["product_code"], quantity=5,
                    reference=self.option_ref(request))

        audit = self.audit("snaic")

        self.assertEqual(self.kinds(audit), ["mismatch"])
        drift = audit.line_ids
        self.assertEqual(drift.request_id, request)
        self.assertEqual(drift.line_id, self.lines[0])
        self.assertIn("5 × %s" % forgotten["product_code"], drift.detail)
        self.assertIn("the ERP recorded 2 × ", drift.detail)

    def test_cancelled_in_the_erp_but_active_there_is_mismatch(self):
        deployment = self.push(self.lines[:1])
        reversal = self.reverse(deployment)
        self.assertEqual(self.requests_of(reversal)._telecom_push(),
                         {"done": 2})
        request = self.requests_of(deployment, "cfast")
        forgotten = self.forget("cfast", request)
        self.assertTrue(forgotten["cancelled"])
        self.inject("cfast", phone_number=self.lines[0].phone_number,
                    product_code=forgotten["product_code"],
                    quantity=forgotten["quantity"],
                    reference=self.option_ref(request))

        audit = self.audit("cfast")

        self.assertEqual(self.kinds(audit), ["mismatch"])
        self.assertIn("still holds it as active", audit.line_ids.detail)
        self.assertEqual((audit.local_cancelled_count,
                          audit.remote_cancelled_count), (1, 0))
        self.assertFalse(self.audit("snaic").line_ids)

    def test_cancelled_there_not_in_the_erp_is_missing_remote(self):
        deployment = self.push(self.lines[:1])
        request = self.requests_of(deployment, "snaic")
        forgotten = self.forget("snaic", request)
        self.inject("snaic", phone_number=self.lines[0].phone_number,
                    product_code=forgotten["product_code"],
                    quantity=forgotten["quantity"],
                    reference=self.option_ref(request), cancelled=True)

        audit = self.audit("snaic")

        self.assertEqual(self.kinds(audit), ["missing_remote"])
        self.assertIn("as cancelled", audit.line_ids.detail)
        self.assertEqual(audit.remote_cancelled_count, 1)

    def test_ours_but_never_applied_is_unknown_local(self):
        """A request that failed (422) applied nothing: an option with its
        reference there is none the ERP sent."""
        self.sim.faults("cfast", {"script": [
            {"match": "apply", "fault": "422", "times": 1}]})
        deployment = self.make_done(self.lines[0])
        self.requests_of(deployment)._telecom_push()
        request = self.requests_of(deployment, "cfast")
        self.assertEqual(request.state, "error")
        self.inject("cfast", phone_number=self.lines[0].phone_number,
                    product_code="RDATA-X", quantity=2,
                    reference=self.option_ref(request))

        audit = self.audit("cfast")

        self.assertEqual(self.kinds(audit), ["unknown_local"])
        self.assertEqual(audit.line_ids.request_id, request)
        self.assertIn("never applied", audit.line_ids.detail)
        self.assertEqual(audit.local_count, 0)

    def test_detail_in_the_companys_language(self):
        fr = load_french(self.env)
        self.company.partner_id.lang = fr
        self.addCleanup(self.env["ir.translation"].clear_caches)
        deployment = self.push(self.lines[:1])
        self.forget("snaic", self.requests_of(deployment, "snaic"))

        audit = self.audit("snaic")

        self.assertIn("SNAIC n'a aucune option", audit.line_ids.detail)
        # The summary in its chatter too, signed by who ran it.
        summary = audit.message_ids.filtered(
            lambda m: "Absente du système : 1" in (m.body or ""))
        self.assertEqual(len(summary), 1, audit.message_ids.mapped("body"))
        self.assertEqual(summary.author_id, self.manager.partner_id)


class TestCleanRun(AuditCase):

    def test_no_false_drift_and_counts(self):
        """Applied, reversed (cancelled in both), withdrawn before it was
        sent, still pending, and applied with an unknown outcome: nothing
        is drift; the cancelled options are counted on both sides."""
        applied = self.push(self.lines[:2])
        reversed_ = self.push(self.lines[2:3])
        reversal = self.reverse(reversed_)
        self.assertEqual(self.requests_of(reversal)._telecom_push(),
                         {"done": 2})
        withdrawn = self.make_done(self.lines[3:4])
        self.reverse(withdrawn)
        self.assertEqual(set(self.requests_of(withdrawn).mapped("state")),
                         {"withdrawn"})
        self.make_done(self.lines[:1])  # pending, never sent
        self.sim.faults("snaic", {"script": [
            {"match": "apply", "fault": "timeout_after_apply",
             "timeout_s": 3}]})
        unknown = self.make_done(self.lines[1:2])
        request = self.requests_of(unknown, "snaic")
        request._telecom_push(read_back=False)
        self.assertEqual(request.state, "unknown")
        self.sim.faults("snaic", {})

        for system, remote in (("snaic", 4), ("cfast", 3)):
            audit = self.audit(system)
            self.assertEqual(audit.state, "done")
            self.assertFalse(audit.line_ids, audit.line_ids.mapped("detail"))
            self.assertEqual(audit.remote_count, remote, system)
            self.assertEqual(audit.local_count, 3, system)
            self.assertEqual(audit.remote_cancelled_count, 1, system)
            self.assertEqual(audit.local_cancelled_count, 1, system)
        self.assertTrue(applied)


class TestListFaults(AuditCase):

    def test_5xx_then_recovery_resumes_at_the_failed_page(self):
        self.push(self.lines[:3])
        self.sim.faults("cfast", {"script": [
            {"match": "list", "fault": "5xx", "times": 2}]})
        with patch.object(audit_module, "LIST_PAGE_SIZE", 1):
            audit = self.audit("cfast")
        self.assertEqual(audit.state, "done")
        self.assertFalse(audit.line_ids)
        self.assertEqual((audit.remote_count, audit.retry_count), (3, 2))
        self.assertEqual(len(self.slept.call_args_list), 2)

    def test_a_later_page_failing_is_asked_again_with_its_token(self):
        self.push(self.lines[:3])
        client_class = SnaicClient
        original = client_class.list_options
        tokens = []

        def flaky(client, start, end, page_token=None, page_size=500):
            tokens.append(page_token)
            if len(tokens) == 2:
                raise RetryableError("connection dropped", status=None)
            return original(client, start, end, page_token=page_token,
                            page_size=page_size)

        with patch.object(audit_module, "LIST_PAGE_SIZE", 1), \
                patch.object(client_class, "list_options", flaky):
            audit = self.audit("snaic")
        self.assertEqual(tokens, [None, "2", "2", "3"])
        self.assertEqual((audit.state, audit.remote_count), ("done", 3))
        self.assertFalse(audit.line_ids)

    def test_timeout_and_malformed_page_are_asked_again(self):
        """A page answered too late (the connection's 1.5 s) or cut in half
        is asked again: nothing half-read is compared."""
        deployment = self.push(self.lines[:2])
        self.forget("snaic", self.requests_of(deployment, "snaic")[0])
        self.sim.faults("snaic", {"script": [
            {"match": "list", "fault": "timeout_after_apply", "times": 1,
             "timeout_s": 3},
            {"match": "list", "fault": "malformed", "times": 1}]})
        audit = self.audit("snaic")
        self.assertEqual((audit.state, audit.retry_count), ("done", 2))
        self.assertEqual(self.kinds(audit), ["missing_remote"])
        self.assertEqual((audit.remote_count, audit.local_count), (1, 2))

    def test_429_waits_as_asked(self):
        self.push(self.lines[:1])
        self.sim.faults("snaic", {"retry_after": 7, "script": [
            {"match": "list", "fault": "429", "times": 1}]})
        audit = self.audit("snaic")
        self.assertEqual((audit.state, audit.retry_count), ("done", 1))
        self.slept.assert_called_once_with(7)
        self.assertFalse(audit.line_ids)

    def test_persistent_503_fails_visibly_without_lines(self):
        deployment = self.push(self.lines[:2])
        # A real drift that the failed audit must not report half-read.
        self.forget("snaic", self.requests_of(deployment, "snaic")[0])
        self.sim.faults("snaic", {"script": [
            {"match": "list", "fault": "5xx", "times": 50}]})
        audit = self.audit("snaic")
        self.assertEqual(audit.state, "failed")
        self.assertFalse(audit.line_ids)
        self.assertIn("503", audit.error)
        self.assertEqual(audit.retry_count,
                         audit_module.LIST_ATTEMPTS - 1)
        self.assertIn("The audit failed", audit.message_ids[0].body)
        # Run again once the system is back: the drift is found.
        self.sim.faults("snaic", {})
        audit.sudo(self.manager).action_run()
        self.assertEqual((audit.state, self.kinds(audit)),
                         ("done", ["missing_remote"]))
        self.assertFalse(audit.error)
        # Done: not run a second time.
        with self.assertRaises(UserError):
            audit.sudo(self.manager).action_run()


class TestPeriod(AuditCase):

    def test_bounds_in_the_audits_time_zone(self):
        """The 10 November in Paris (UTC+1): [9 Nov 23:00, 10 Nov 23:00)
        UTC, on both sides."""
        phone = self.lines[0].phone_number
        for remote_ref, at in (("OUT-1", "2026-11-09T22:59:59Z"),
                               ("IN-1", "2026-11-09T23:00:00Z"),
                               ("IN-2", "2026-11-10T22:59:59Z"),
                               ("OUT-2", "2026-11-10T23:00:00Z")):
            self.inject("snaic", phone_number=phone, product_code="RDATA-X",
                        quantity=1, remote_ref=remote_ref, applied_at=at)
        deployment = self.push(self.lines[:2])
        inside, outside = self.requests_of(deployment, "snaic")
        inside.write({"date_done": "2026-11-10 22:30:00"})
        outside.write({"date_done": "2026-11-10 23:00:00"})

        audit = self.audit("snaic", "2026-11-10", tz="Europe/Paris")

        self.assertEqual(audit._telecom_window(), (
            datetime(2026, 11, 9, 23), datetime(2026, 11, 10, 23)))
        self.assertEqual(set(audit.line_ids.mapped("remote_ref")),
                         {"IN-1", "IN-2", False})
        self.assertEqual(audit.line_ids.filtered(
            lambda l: l.kind == "missing_remote").request_id, inside)
        self.assertEqual((audit.remote_count, audit.local_count), (2, 1))

    def test_audit_button_of_the_connection(self):
        backend = self.backends["cfast"].sudo(self.manager)
        action = backend.action_audit()
        self.assertEqual(action["res_model"], "telecom.sync.audit")
        self.assertEqual(action["context"]["default_backend_id"], backend.id)
        audit = self.Audit.sudo(self.manager).with_context(
            action["context"], tz="Europe/Paris").create({})
        self.assertEqual(audit.backend_id, self.backends["cfast"])
        self.assertEqual(audit.tz, "Europe/Paris")
        self.assertEqual(audit.date_from, audit.date_to)
        self.assertTrue(audit.name.startswith("AUD/"))
        with self.assertRaises(AccessError):
            self.backends["cfast"].sudo(self.ops).action_audit()

    def test_views_open_for_each_group(self):
        for user in (self.accountant, self.ops, self.manager):
            for model, kinds in (
                    ("telecom.sync.audit", ("tree", "form", "search")),
                    ("telecom.sync.audit.line",
                     ("tree", "form", "search", "pivot", "graph"))):
                for kind in kinds:
                    arch = self.env[model].sudo(user).fields_view_get(
                        view_type=kind)["arch"]
                    self.assertTrue(arch, (model, kind))
        form = self.env["telecom.api.backend"].sudo(
            self.manager).fields_view_get(view_type="form")["arch"]
        self.assertIn('name="action_audit"', form)
        self.assertIn('name="action_view_audits"', form)

    def test_dates_in_order(self):
        with self.assertRaises(Exception):
            self.Audit.create({"backend_id": self.backends["snaic"].id,
                               "date_from": "2026-11-10",
                               "date_to": "2026-11-09"})


class TestAccessAndRepairs(AuditCase):

    def test_accountant_and_user_read_only_managers_run(self):
        deployment = self.push(self.lines[:1])
        self.forget("snaic", self.requests_of(deployment, "snaic"))
        audit = self.audit("snaic")
        for user in (self.accountant, self.ops):
            self.assertEqual(audit.sudo(user).line_ids.sudo(user).read(
                ["kind"])[0]["kind"], "missing_remote")
            # Every field, and the names of what they point to.
            audit.sudo(user).read()
            drift = audit.line_ids.sudo(user)
            drift.read()
            drift.name_get()
            for name in ("line_id", "update_id", "request_id", "option_id",
                         "audit_id", "backend_id"):
                drift[name].name_get()
            with self.assertRaises(AccessError):
                self.Audit.sudo(user).create({
                    "backend_id": self.backends["snaic"].id})
            with self.assertRaises(AccessError):
                audit.sudo(user).action_run()
            with self.assertRaises(AccessError):
                audit.line_ids.sudo(user).action_repush()
            with self.assertRaises(AccessError):
                audit.line_ids.sudo(user).action_acknowledge()
        # Nor audits another company's connection (the record rule).
        other = self.env["res.company"].create({"name": "Other Telecom"})
        foreign = self.env["telecom.api.backend"].create({
            "name": "Other SNAIC", "system": "snaic", "company_id": other.id,
            "active": False})
        with self.assertRaises(AccessError):
            self.Audit.sudo(self.manager).create({"backend_id": foreign.id})
        # Nobody writes the results by hand.
        with self.assertRaises(AccessError):
            audit.sudo(self.manager).write({"state": "draft"})
        with self.assertRaises(AccessError):
            audit.sudo(self.manager).write({"drift_count": 0})
        with self.assertRaises(AccessError):
            audit.line_ids.sudo(self.manager).write({"state": "repushed"})
        with self.assertRaises(UserError):
            audit.sudo(self.manager).unlink()

    def test_acknowledge_needs_a_note(self):
        self.push(self.lines[:1])
        self.inject("snaic", phone_number=self.lines[0].phone_number,
                    product_code="RDATA-X", quantity=1)
        audit = self.audit("snaic")
        drift = audit.line_ids.sudo(self.manager)
        self.assertEqual(drift.kind, "unknown_local")
        with self.assertRaises(UserError):
            drift.action_acknowledge()
        with self.assertRaises(UserError):
            drift.action_repush()
        drift.write({"note": "Applied by the SNAIC support on request."})
        self.assertTrue(drift.action_acknowledge())
        self.assertEqual(drift.state, "acknowledged")
        self.assertEqual(drift.acknowledged_uid, self.manager)

    def test_repush_applies_once_with_a_new_key(self):
        deployment = self.push(self.lines[:2])
        request = self.requests_of(deployment, "snaic").filtered(
            lambda r: r.line_id == self.lines[0])
        self.forget("snaic", request)
        audit = self.audit("snaic")
        drift = audit.line_ids.sudo(self.manager)
        with self.assertRaises(UserError):
            drift.action_acknowledge()

        self.assertTrue(drift.action_repush())
        self.assertTrue(drift.action_repush())  # twice: nothing more

        repush = drift.repush_request_id
        self.assertEqual(drift.state, "repushed")
        self.assertEqual(repush.repush_of_id, request)
        option = request.update_id.option_ids
        self.assertEqual(repush.idempotency_key, "%s-R%d" % (
            request.idempotency_key, option.id))
        self.assertEqual(self.env["telecom.sync.request"].search_count([
            ("repush_of_id", "=", request.id)]), 1)
        repush._telecom_push()
        self.assertEqual(repush.state, "done")
        mine = [a for a in self.sim.applied("snaic")
                if a["phone"] == self.lines[0].phone_number]
        self.assertEqual(len(mine), 1, mine)
        # Audited again: nothing is missing any more.
        again = self.audit("snaic")
        self.assertFalse(again.line_ids, again.line_ids.mapped("detail"))
        self.assertEqual(again.local_count, 2)


class TestNightly(AuditCase):

    def test_cron_audits_yesterday_once_and_tells(self):
        deployment = self.push(self.lines[:2])
        request = self.requests_of(deployment, "snaic").filtered(
            lambda r: r.line_id == self.lines[0])
        yesterday = datetime.utcnow() - timedelta(days=1)
        request.write({"date_done": fields.Datetime.to_string(
            yesterday.replace(hour=12, minute=0))})
        self.forget("snaic", request)
        # The responsible's time zone, with yesterday at noon UTC inside.
        self.ops.tz = "UTC"

        self.Audit._cron_audit_yesterday()

        audits = self.Audit.search([("origin", "=", "cron")])
        self.assertEqual(audits.mapped("backend_id"),
                         self.backends["snaic"] | self.backends["cfast"])
        day = fields.Date.to_string(yesterday.date())
        self.assertEqual(set(audits.mapped("date_from")), {day})
        self.assertEqual(set(audits.mapped("state")), {"done"})
        snaic = audits.filtered(lambda a: a.system == "snaic")
        self.assertEqual(self.kinds(snaic), ["missing_remote"])
        activity = snaic.activity_ids
        self.assertEqual(activity.user_id, self.ops)
        self.assertEqual(activity.activity_type_id, self.env.ref(
            "telecom_snaic_cfast.mail_activity_type_sync_drift"))
        self.assertFalse(audits.filtered(
            lambda a: a.system == "cfast").activity_ids)
        self.assertIn("Audit %s" % snaic.name, "\n".join(
            self.lines[0].message_ids.mapped("body")))

        self.Audit._cron_audit_yesterday()
        self.assertEqual(self.Audit.search_count(
            [("origin", "=", "cron")]), 2)

    def test_a_nightly_audit_that_fails_is_somebodys_to_do(self):
        self.sim.faults("cfast", {"script": [
            {"match": "list", "fault": "5xx", "times": 50}]})
        self.Audit._cron_audit_yesterday()
        audits = self.Audit.search([("origin", "=", "cron")])
        cfast = audits.filtered(lambda a: a.system == "cfast")
        self.assertEqual(cfast.state, "failed")
        self.assertIn("failed", cfast.activity_ids.summary)
        self.assertEqual(cfast.activity_ids.user_id, self.ops)
        snaic = audits.filtered(lambda a: a.system == "snaic")
        self.assertEqual(snaic.state, "done")
        self.assertFalse(snaic.activity_ids)
        # Still down the next night: one activity, no second audit.
        self.Audit._cron_audit_yesterday()
        self.assertEqual(cfast.state, "failed")
        self.assertEqual(len(cfast.activity_ids), 1)
        # Back: the failed night is audited again, the same audit.
        self.sim.faults("cfast", {})
        self.Audit._cron_audit_yesterday()
        self.assertEqual(cfast.state, "done")
        self.assertEqual(self.Audit.search([("origin", "=", "cron")]),
                         audits)

    def test_many_lines_noted_by_a_job(self):
        deployment = self.push(self.lines[:2])
        for request in self.requests_of(deployment, "snaic"):
            self.forget("snaic", request)
        jobs = self.env["queue.job"].search_count([])
        with patch.object(audit_module, "LOG_INLINE", 1):
            audit = self.audit("snaic")
        self.assertEqual(len(audit.line_ids), 2)
        self.assertEqual(self.env["queue.job"].search_count([]), jobs + 1)
        job = self.env["queue.job"].search([], order="id desc", limit=1)
        self.assertEqual(job.method_name, "_telecom_job_log_on_lines")
        self.assertEqual(job.channel, "root.telecom_log")


class TestCompare(unittest.TestCase):
    """The comparison alone, at scale: set-based, in well under a second."""

    def test_ten_thousand_options_compared_at_once(self):
        start = datetime(2026, 11, 1)
        end = datetime(2026, 12, 1)
        erp, remote = [], []
        for number in range(10000):
            at = start + timedelta(minutes=4 * number)
            erp.append(compare.ErpOption(
                "REF-%d" % number, number, number, number, number,
                "RDATA", 1.0, at, compare.ACTIVE, "done"))
            remote.append({"reference": "REF-%d" % number,
                           "remote_ref": "OP-%d" % number,
                           "product_code": "RDATA", "quantity": 1.0,
                           "applied_at": at + timedelta(seconds=2),
                           "cancelled": False})
        remote.pop(10)
        remote.append(dict(remote[30], remote_ref="OP-TWICE"))
        remote[20]["quantity"] = 2.0
        remote.append({"reference": None, "remote_ref": "OP-X",
                       "product_code": "RDATA", "quantity": 1.0,
                       "applied_at": start, "cancelled": False})
        began = datetime.utcnow()
        drifts, counts = compare.compare(erp, remote, start, end)
        self.assertLess((datetime.utcnow() - began).total_seconds(), 1)
        self.assertEqual(sorted((d.kind, d.reason) for d in drifts), [
            ("mismatch", compare.DIFFERENT),
            ("missing_remote", compare.MISSING),
            ("unknown_local", compare.DUPLICATE),
            ("unknown_local", compare.FOREIGN)])
        self.assertEqual(counts["local_count"], 10000)
        self.assertEqual(counts["remote_count"], 10001)
