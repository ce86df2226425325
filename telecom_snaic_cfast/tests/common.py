# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A live SNAIC/CFAST simulator (simulator/sim.py at the repository root) on
free loopback ports, and the Odoo fixtures that push to it."""
import os
import subprocess
import sys
from datetime import datetime, timedelta

import requests

from odoo import fields
from odoo.tests.common import SavepointCase
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

SIM_SCRIPT = os.path.normpath(os.path.join(
    os.path.dirname(__file__), "..", "..", "simulator", "sim.py"))
TOKENS = {"snaic": "snaic-odoo-test-7f3e", "cfast": "cfast-odoo-test-9c1d"}


class Simulator(object):
    """The simulator process: both systems, read and steered over HTTP."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, SIM_SCRIPT, "--host", "127.0.0.1",
             "--snaic-port", "0", "--cfast-port", "0",
             "--token-snaic", TOKENS["snaic"], "--token-cfast", TOKENS["cfast"]],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self.urls = {}
        # It prints its two "listening on" lines at once, or exits.
        for _i in range(2):
            line = self.proc.stdout.readline().decode()
            name, _sep, url = line.strip().partition(" listening on ")
            if url:
                self.urls[name.lower()] = url
        if len(self.urls) < 2:
            self.stop()
            raise RuntimeError("the SNAIC/CFAST simulator did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def get(self, system, path):
        return requests.get(self.urls[system] + path, timeout=10).json()

    def post(self, system, path, payload=None):
        return requests.post(self.urls[system] + path, json=payload or {},
                             timeout=10).json()

    def reset(self):
        for system in self.urls:
            self.post(system, "/_sim/reset")

    def faults(self, system, config):
        self.post(system, "/_sim/faults", config)

    def applied(self, system):
        return self.get(system, "/_sim/applied")["applied"]

    def stats(self, system):
        return self.get(system, "/_sim/stats")


class SyncCase(SavepointCase):
    """Backends of the main company pointing to a live simulator, and a way
    to make done deployments with Recharge DATA on the seed's lines."""

    @classmethod
    def setUpClass(cls):
        super(SyncCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.sim = Simulator()
        cls.company = cls.env.ref("base.main_company")
        Backend = cls.env["telecom.api.backend"]
        Backend.search([]).write({"active": False})
        cls.backends = {}
        for system in ("snaic", "cfast"):
            cls.backends[system] = Backend.create({
                "name": "%s test" % system.upper(),
                "system": system,
                "base_url": cls.sim.urls[system],
                "token": TOKENS[system],
                "timeout_connect": 2,
                "timeout": 1.5,
                "retry_delay": 10,
                "max_attempts": 3,
                "company_id": cls.company.id,
                "user_id": cls.env.ref("telecom_parc.demo_user_ops").id,
            })
        cls.lines = cls.env["telecom.line"].browse([
            cls.env.ref("telecom_parc.demo_line_07000000%d" % n).id
            for n in (90, 91, 92, 93)])
        # The lines and their sites start without SNAIC/CFAST IDs: the push
        # fetches them.
        cls.env["telecom.binding"].search([
            "|", "&", ("res_model", "=", "telecom.line"),
            ("res_id", "in", cls.lines.ids),
            "&", ("res_model", "=", "telecom.site"),
            ("res_id", "in", cls.lines.mapped("site_id").ids)]).unlink()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        super(SyncCase, cls).tearDownClass()

    def setUp(self):
        super(SyncCase, self).setUp()
        self.sim.reset()

    def external_id(self, record, system):
        """The ID of ``record`` in ``system`` (its test connection), or
        False."""
        return self.env["telecom.binding"]._telecom_external_ids(
            self.backends[system], record).get(record.id, False)

    def set_external_id(self, record, system, external_id):
        """Give ``record`` its ID in ``system``, as the sync stores it."""
        self.env["telecom.binding"]._telecom_store_external_ids(
            self.backends[system], record._name, [(record.id, external_id)])

    def make_done(self, lines, data_gb=2):
        """Recharge DATA on ``lines``, then the deployment done: returns the
        deployments; their sync requests exist, nothing is pushed yet."""
        wizard = self.env["telecom.line.recharge"].create({
            "line_ids": [(6, 0, lines.ids)], "data_gb": data_gb})
        action = wizard.action_confirm()
        deployments = self.env["telecom.deployment"].browse(
            action.get("res_id") or []) or self.env["telecom.deployment"].search(
                action.get("domain") or [("id", "=", 0)])
        today = fields.Date.context_today(self.env.user)
        deployments.write({"date_installed": today, "date_activation": today})
        deployments.action_done()
        return deployments

    def run_jobs(self, rounds=10):
        """Run the sync's queued jobs that are due, as the job runner does
        (in this transaction), until none is left; returns their results."""
        results = []
        for _round in range(rounds):
            now = fields.Datetime.now()
            jobs = self.env["queue.job"].search([
                ("state", "=", "pending"),
                ("model_name", "=", "telecom.api.backend"),
                "|", ("eta", "=", False), ("eta", "<=", now)], order="id")
            if not jobs:
                return results
            for record in jobs:
                job = Job.load(self.env, record.uuid)
                job.set_started()
                job.store()
                try:
                    job.perform()
                except RetryableJobError:
                    job.postpone(seconds=3600)
                    job.set_pending(reset_retry=False)
                else:
                    job.set_done()
                    results.append(job.result)
                job.store()
        return results

    def cron_push(self):
        """The push cron, then the jobs it queued."""
        self.env["telecom.sync.request"]._cron_push()
        return self.run_jobs()

    def cron_reconcile(self):
        """The read-back cron, then the jobs it queued."""
        self.env["telecom.sync.request"]._cron_reconcile()
        return self.run_jobs()

    def requests_of(self, deployments, system=None):
        requests_ = deployments.mapped("sync_request_ids")
        if system:
            requests_ = requests_.filtered(lambda r: r.system == system)
        return requests_

    def make_due(self, requests_):
        """Skip the back-off: the requests are due now."""
        past = fields.Datetime.to_string(datetime.utcnow() - timedelta(
            seconds=1))
        requests_.write({"next_attempt_at": past})

    def new_line(self, number, subscription_xmlid="telecom_parc.demo_subscription_eurof_20"):
        return self.env["telecom.line"].create({
            "phone_number": number,
            "parc_id": self.env.ref("telecom_parc.demo_parc_sw1_mobile").id,
            "subscription_id": self.env.ref(subscription_xmlid).id,
            "user_name": "test",
        })
