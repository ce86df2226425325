#!/usr/bin/env python3
"""make bench: bulk Recharge DATA and the SNAIC/CFAST push, measured.

Run by scripts/bench.sh on a fresh database holding the three addons (no
demo data). For each parc size it builds a site, a parc and that many lines,
then measures, in this Odoo process:

1. the Recharge DATA wizard: preview + confirm (seconds, SQL queries);
2. the deployment done: MAJ, outbox rows and the jobs queued (seconds, SQL
   queries);
3. the push of every MAJ to both simulators, set to ``--latency`` ms per
   call, by the jobs of a real Odoo server run as in production (prefork
   workers, queue_job's job runner), ``--pool`` concurrent requests per
   system: seconds from the jobs queued to the last request settled,
   requests per second, and the simulators' applied count (must be lines x
   2, no duplicate);
4. the same lines topped up again, their IDs known: the push of the applies
   only;
5. that second top-up reversed (every line): the reversal's confirm
   (seconds, SQL queries), then the push of its cancellations by the
   server's jobs (seconds, requests per second, options the simulators
   hold cancelled: must be lines x 2);
6. a third top-up reversed before it was sent: the reversal's confirm,
   which withdraws every request (nothing to cancel, nothing sent);
7. the one-off options of those deployments (the day's MAJ) invoiced as an
   accountant does it, with the wizard ``telecom.one.off.invoice``: a part
   of 2,000 options in the click's transaction, the others by the chain of
   jobs it queues, which the server's job runner has its workers run
   (seconds until the last part, of the click, jobs, the click's SQL
   queries and peak memory, options invoiced, invoices made, options per
   second), then the same invoicing again, which must make nothing;

then, with the simulators at ``--slow-latency`` ms, the push rate per
system at each of the ``--limits`` of concurrent requests set on the
connections, next to the ideal limit / latency;

then fills the database up to ``--list-lines`` lines and measures, through a
real Odoo server over HTTP as the web client does, the opening of the lines
list (default grouping Site > Parc, the first group opened, its first 80
rows); and the peak memory of both Odoo processes.

It prints a table and writes it as JSON to the file it names. ``--smoke``
(CI) checks the counts and exits non-zero when one is wrong; times are never
asserted.
"""
import argparse
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from datetime import date

import psycopg2
import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(ROOT, "simulator", "sim.py")
TOKENS = {"snaic": "snaic-bench-token", "cfast": "cfast-bench-token"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conf", required=True, help="Odoo configuration file")
    parser.add_argument("--db", required=True, help="database (the addons installed, no demo)")
    parser.add_argument("--sizes", default="100,1000,10000", help="parc sizes, comma-separated")
    parser.add_argument("--list-lines", type=int, default=100000,
                        help="lines in the database when the list is opened")
    parser.add_argument("--latency", type=int, default=20, help="simulators' latency per call (ms)")
    parser.add_argument("--pool", type=int, default=16, help="concurrent requests per system")
    parser.add_argument("--data-gb", type=int, default=2)
    parser.add_argument("--selected", type=int, default=1000,
                        help="lines selected for the screens' Recharge DATA (of the biggest parc)")
    parser.add_argument("--slow-latency", type=int, default=200,
                        help="simulators' latency (ms) for the rate at each limit")
    parser.add_argument("--limits", default="4,8,16",
                        help="concurrent requests per system to measure at --slow-latency")
    parser.add_argument("--limit-seconds", type=float, default=15.0,
                        help="seconds of ideal push per limit (sets the lines pushed)")
    parser.add_argument("--json", default=os.path.join(ROOT, ".run", "bench.json"))
    parser.add_argument("--smoke", action="store_true", help="check counts, exit 1 if one is wrong")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Simulators(object):
    def __init__(self, latency_ms):
        self.proc = subprocess.Popen(
            [sys.executable, SIM, "--host", "127.0.0.1", "--snaic-port", "0", "--cfast-port", "0",
             "--token-snaic", TOKENS["snaic"], "--token-cfast", TOKENS["cfast"]],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.urls = {}
        for _i in range(2):
            name, _sep, url = self.proc.stdout.readline().decode().strip().partition(" listening on ")
            if url:
                self.urls[name.lower()] = url
        if len(self.urls) != 2:
            raise SystemExit("the simulators did not start")
        self.set_latency(latency_ms)

    def set_latency(self, latency_ms):
        for url in self.urls.values():
            requests.post(url + "/_sim/faults", json={"latency_ms": latency_ms},
                          timeout=10).raise_for_status()

    def seed(self, numbers, site_code, customer_ref):
        for url in self.urls.values():
            requests.post(url + "/_sim/seed", json={
                "lines": numbers, "sites": [site_code], "customers": [customer_ref]},
                timeout=60).raise_for_status()

    def calls(self, system):
        """Every call the system answered so far (look-ups, applies, reads)."""
        stats = requests.get(self.urls[system] + "/_sim/stats", timeout=60).json()
        return sum(stats["requests"].values())

    def applied(self, system):
        return requests.get(self.urls[system] + "/_sim/applied", timeout=60).json()["applied"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class Counter(object):
    """Seconds and SQL queries of a block run on ``cr``."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.started = time.time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.time() - self.started
        self.queries = self.cr.sql_log_count - self.queries


class PeakMemory(object):
    """The peak resident memory (MB) of this process during a block: its
    high-water mark is set back to the current size on entry (Linux's
    ``/proc/self/clear_refs``); the process's own peak is kept in
    ``PeakMemory.process_mb`` before that."""

    process_mb = 0.0

    @staticmethod
    def _hwm_mb():
        with open("/proc/self/status") as status:
            return int([l for l in status if l.startswith("VmHWM")][0].split()[1]) / 1024.0

    def __enter__(self):
        PeakMemory.process_mb = max(PeakMemory.process_mb, self._hwm_mb())
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            self.reset = True
        except OSError:
            self.reset = False  # the step's peak is then the process's
        return self

    def __exit__(self, *exc):
        self.mb = self._hwm_mb()
        PeakMemory.process_mb = max(PeakMemory.process_mb, self.mb)


def setup_backends(env, sim, pool):
    Backend = env["telecom.api.backend"].with_context(active_test=False)
    Backend.search([]).write({"active": False})
    for system in ("snaic", "cfast"):
        Backend.create({
            "name": "%s bench" % system.upper(), "system": system,
            "base_url": sim.urls[system], "token": TOKENS[system],
            "pool_size": pool, "batch_size": 50, "timeout": 30,
            "company_id": env.ref("base.main_company").id,
        })


def build_parc(env, index, size):
    """A customer, a site, a parc and ``size`` lines (not measured)."""
    ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
    env = env(context=ctx)
    operator = env["res.partner"].create({
        "name": "Bench Operator %d" % index, "telecom_is_partner_operator": True,
        "telecom_is_collection_operator": True})
    customer = env["res.partner"].create({"name": "Bench Customer %d" % index,
                                          "ref": "BENCH-CUST-%d" % index, "customer": True})
    subscription = env["telecom.subscription"].create({
        "name": "Bench 20Go %d" % index, "operator_id": operator.id,
        "collection_operator_id": operator.id, "data_allowance_gb": 20})
    site = env["telecom.site"].create({"name": "Bench site %d" % index,
                                       "code": "BENCH%d" % index, "partner_id": customer.id})
    parc = env["telecom.parc"].create({"site_id": site.id, "service_type": "mobile",
                                       "partner_operator_id": operator.id})
    numbers = ["+3361%d%06d" % (index, n) for n in range(size)]
    Line = env["telecom.line"]
    for number in numbers:
        Line.create({"phone_number": number, "parc_id": parc.id, "subscription_id": subscription.id,
                     "user_name": "bench"})
    return parc, numbers, site.code, customer.ref


def measure_size(registry, sim, index, size, data_gb):
    row = {"lines": size}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        parc, numbers, site_code, customer_ref = build_parc(env, index, size)
        cr.commit()
        line_ids = parc.line_ids.ids
    sim.seed(numbers, site_code, customer_ref)

    # 1. Recharge DATA: the preview the user reads, then confirm.
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        with Counter(cr) as step:
            wizard = env["telecom.line.recharge"].create({
                "line_ids": [(6, 0, line_ids)], "data_gb": data_gb})
            wizard._onchange_preview()
            total = wizard.amount_total
            action = wizard.action_confirm()
            cr.commit()
        deployment_ids = [action["res_id"]] if action.get("res_id") else \
            env["telecom.deployment"].search(action["domain"]).ids
        row.update(confirm_s=step.seconds, confirm_queries=step.queries, amount=total,
                   deployments=len(deployment_ids))

    # 2. Done: MAJ, outbox rows and the jobs that push them, committed; the
    #    server's job runner starts them at once.
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        deployments = env["telecom.deployment"].browse(deployment_ids)
        today = date.today().isoformat()
        deployments.write({"date_installed": today, "date_activation": today})
        cr.commit()
        with Counter(cr) as step:
            deployments.action_done()
            cr.commit()
        committed = time.time()
        requests_ = deployments.mapped("sync_request_ids")
        row.update(done_s=step.seconds, done_queries=step.queries,
                   updates=len(deployments.mapped("update_ids")), sync_requests=len(requests_))
        request_ids = requests_.ids

    # 3. The push of every MAJ to both systems, by the server's jobs, from
    #    the commit of the done deployment.
    counts, seconds = push_by_jobs(registry, request_ids, started=committed)
    numbers_set = set(numbers)
    applied = {system: [a for a in sim.applied(system) if a["phone"] in numbers_set]
               for system in ("snaic", "cfast")}
    row.update(push_s=seconds, push_rps=len(request_ids) / seconds if seconds else 0,
               push_done=counts.get("done", 0),
               applied=sum(len(a) for a in applied.values()),
               duplicates=sum(len(a) - len({x["idempotency_key"] for x in a})
                              for a in applied.values()))
    # 4. The same lines topped up again: their IDs are known now (the
    #    steady state; new lines are looked up once), only the applies.
    request_ids = done_deployment(registry, line_ids, data_gb)
    counts, seconds = push_by_jobs(registry, request_ids)
    row.update(push_known_s=seconds,
               push_known_rps=len(request_ids) / seconds if seconds else 0,
               push_known_done=counts.get("done", 0))
    # 5. That top-up reversed (every line): the confirm a Telecom Manager
    #    waits for, then the push of its cancellations by the server's jobs,
    #    from its commit.
    step, cancel_ids = reverse_deployment(registry, request_ids)
    committed = time.time()
    row.update(reverse_s=step.seconds, reverse_queries=step.queries,
               cancel_requests=len(cancel_ids))
    counts, seconds = push_by_jobs(registry, cancel_ids, started=committed)
    row.update(cancel_push_s=seconds,
               cancel_rps=len(cancel_ids) / seconds if seconds else 0,
               cancel_done=counts.get("done", 0),
               cancelled=sum(1 for system in ("snaic", "cfast")
                             for a in sim.applied(system)
                             if a["phone"] in numbers_set and a.get("cancelled")))
    # 6. A third top-up reversed before it was sent: every request
    #    withdrawn, nothing to cancel, in the reversal's confirm.
    request_ids = done_deployment(registry, line_ids, data_gb)
    step, cancel_ids = reverse_deployment(registry, request_ids)
    with registry.cursor() as cr:
        cr.execute("SELECT state, count(*) FROM telecom_sync_request WHERE id IN %s "
                   "GROUP BY state", (tuple(request_ids + cancel_ids),))
        states = dict(cr.fetchall())
    row.update(withdraw_s=step.seconds, withdraw_queries=step.queries,
               withdrawn=states.get("withdrawn", 0), void=states.get("void", 0))
    # 7. The options of those deployments invoiced, as an accountant does
    #    it, then again (nothing to make).
    row.update(measure_invoicing(registry))
    print("… %d options invoiced in %.1f s (the click %.1f s, then %d jobs; %d queries, "
          "peak %.0f MB); again: %d made" % (
              row["invoice_options"], row["invoice_s"], row["invoice_click_s"],
              row["invoice_jobs"], row["invoice_queries"], row["invoice_peak_mb"],
              row["invoice_again_lines_made"]), file=sys.stderr)
    row["confirm_queries_per_line"] = row["confirm_queries"] / float(size)
    row["done_queries_per_line"] = row["done_queries"] / float(size)
    return row


def bench_accountant(env):
    """The user who invoices: Telecom Accountant and Odoo's Billing, as
    the wizard asks (made once)."""
    user = env["res.users"].search([("login", "=", "bench_accountant")])
    if not user:
        user = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Accountant", "login": "bench_accountant",
            "email": "bench.accountant@example.com",
            "company_id": env.ref("base.main_company").id,
            "company_ids": [(6, 0, [env.ref("base.main_company").id])],
            "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                  env.ref("telecom_parc.group_telecom_accountant").id,
                                  env.ref("account.group_account_invoice").id])]})
    return user.id


def invoicing_totals(cr, day):
    """What the invoicing of ``day`` concerns, read in SQL: the options of
    the done deployments of that day (all, and those on no invoice line),
    the customer invoices and their lines."""
    cr.execute("""
        SELECT count(*), count(*) FILTER (WHERE o.invoice_line_id IS NULL)
          FROM telecom_deployment_option o
          JOIN telecom_deployment d ON d.id = o.deployment_id
         WHERE d.state = 'done' AND d.date_activation = %s""", (day,))
    options, left = cr.fetchone()
    cr.execute("SELECT count(*) FROM account_invoice")
    invoices = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM account_invoice_line")
    return {"options": options, "left": left, "invoices": invoices,
            "invoice_lines": cr.fetchone()[0]}


def measure_invoicing(registry):
    """Step 7: the one-off options of the day's MAJ (the deployments of the
    steps above; those of the sizes before are invoiced already) invoiced
    by an accountant with the wizard, in one transaction as the button
    does; then the same period again, which must make nothing (the wizard
    says there is nothing to invoice; that transaction is rolled back)."""
    today = date.today().isoformat()
    with registry.cursor() as cr:
        user_id = bench_accountant(api.Environment(cr, SUPERUSER_ID, {}))
        cr.commit()
    row = {}
    for run in ("invoice", "invoice_again"):
        with registry.cursor() as cr:
            before = invoicing_totals(cr, today)
            cr.execute("""
                SELECT o.id FROM telecom_deployment_option o
                  JOIN telecom_deployment d ON d.id = o.deployment_id
                 WHERE d.state = 'done' AND d.date_activation = %s
                   AND o.invoice_line_id IS NULL""", (today,))
            to_invoice = [r[0] for r in cr.fetchall()]
            cr.execute("SELECT COALESCE(max(id), 0) FROM queue_job")
            last_job = cr.fetchone()[0]
            env = api.Environment(cr, user_id, {})
            invoice_ids, refused = [], ""
            started = time.time()
            with Counter(cr) as step, PeakMemory() as peak:
                for attempt in range(5):
                    try:
                        wizard = env["telecom.one.off.invoice"].create(
                            {"date_from": today, "date_to": today})
                        wizard.action_create_invoices()
                        cr.commit()
                    except UserError as error:
                        refused = error.name
                        cr.rollback()
                    except psycopg2.OperationalError as error:
                        # As Odoo's RPC service does: the options were
                        # written meanwhile (the server's jobs), again.
                        cr.rollback()
                        env.clear()
                        if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY \
                                or attempt == 4:
                            raise
                        print("… invoicing: %s, again" % error.pgerror.strip(),
                              file=sys.stderr)
                        continue
                    break
            # Beyond a part (2,000 options), the rest is invoiced by a
            # chain of jobs, one part each: the push server's job runner
            # has its prefork workers run them, as in production.
            jobs = wait_invoice_jobs(registry, last_job)
            seconds = time.time() - started
            if to_invoice and not refused:
                cr.execute("""
                    SELECT DISTINCT il.invoice_id
                      FROM telecom_deployment_option o
                      JOIN account_invoice_line il ON il.id = o.invoice_line_id
                     WHERE o.id IN %s""", (tuple(to_invoice),))
                invoice_ids = [r[0] for r in cr.fetchall()]
            after = invoicing_totals(cr, today)
            invoiced, untaxed, tax, amount = 0, 0.0, 0.0, 0.0
            if invoice_ids:
                cr.execute("""
                    SELECT count(*), COALESCE(sum(o.amount), 0)
                      FROM telecom_deployment_option o
                      JOIN account_invoice_line il ON il.id = o.invoice_line_id
                     WHERE il.invoice_id IN %s""", (tuple(invoice_ids),))
                invoiced, amount = cr.fetchone()
                cr.execute("""
                    SELECT COALESCE(sum(amount_untaxed_signed), 0),
                           COALESCE(sum(CASE WHEN type = 'out_refund' THEN -amount_tax
                                             ELSE amount_tax END), 0)
                      FROM account_invoice WHERE id IN %s""", (tuple(invoice_ids),))
                untaxed, tax = cr.fetchone()
        row.update({
            run + "_s": seconds, run + "_queries": step.queries,
            run + "_click_s": step.seconds, run + "_jobs": jobs["count"],
            run + "_jobs_failed": jobs["failed"],
            run + "_peak_mb": peak.mb,
            run + "_to_invoice": before["left"],
            run + "_options": invoiced,
            run + "_rate": invoiced / seconds if seconds else 0.0,
            run + "_invoices": len(invoice_ids),
            run + "_invoices_made": after["invoices"] - before["invoices"],
            run + "_lines_made": after["invoice_lines"] - before["invoice_lines"],
            run + "_left": after["left"],
            run + "_period_options": after["options"],
            run + "_untaxed": float(untaxed), run + "_tax": float(tax),
            run + "_options_amount": float(amount),
            run + "_refused": refused,
        })
    return row


def wait_invoice_jobs(registry, after_id, timeout=1800):
    """Wait until the push server's job runner has run the parts of the
    invoicing queued after job ``after_id`` (a chain: each part queues the
    next); return their count and states."""
    deadline = time.time() + timeout
    while True:
        with registry.cursor() as cr:
            cr.execute("""
                SELECT state, count(*) FROM queue_job
                 WHERE method_name = '_telecom_job_invoice' AND id > %s
              GROUP BY state""", (after_id,))
            states = dict(cr.fetchall())
        if set(states) <= {"done", "failed"}:
            return {"count": sum(states.values()), "failed": states.get("failed", 0)}
        if time.time() > deadline:
            raise SystemExit("the invoicing's jobs did not end in %d s: %s" % (timeout, states))
        time.sleep(0.2)


def reverse_deployment(registry, request_ids):
    """Reverse every line of the deployment of ``request_ids`` with the
    wizard, as a Telecom Manager confirms it, committed; returns the
    confirm's Counter and the reversal's sync requests' ids."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        deployment = env["telecom.sync.request"].browse(request_ids[:1]).deployment_id
        with Counter(cr) as step:
            wizard = env["telecom.deployment.reverse"].with_context(
                active_model="telecom.deployment", active_id=deployment.id).create(
                    {"reason": "bench"})
            action = wizard.action_confirm()
            cr.commit()
        cancel_ids = env["telecom.deployment"].browse(action["res_id"]).sync_request_ids.ids
    return step, cancel_ids


def measure_audit(registry, sim, latency_ms):
    """The drift audit of today for each bench connection, as its button
    runs it: every option the simulator applied today (all the sizes and
    limits above, cancelled ones included) read page by page, at the
    latency of the other steps (the limits left it slower), and compared
    with the ERP's requests. A clean run: nothing may be reported."""
    sim.set_latency(latency_ms)
    rows = []
    today = date.today().isoformat()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for backend in env["telecom.api.backend"].search([]):
            audit = env["telecom.sync.audit"].create({
                "backend_id": backend.id, "date_from": today, "date_to": today})
            cr.commit()
            with Counter(cr) as step:
                audit.action_run()
                cr.commit()
            rows.append({
                "system": backend.system, "audit_s": step.seconds, "queries": step.queries,
                "state": audit.state, "remote": audit.remote_count,
                "remote_cancelled": audit.remote_cancelled_count,
                "local": audit.local_count, "local_cancelled": audit.local_cancelled_count,
                "drift": audit.drift_count,
                "kinds": sorted(set(audit.line_ids.mapped("kind")))})
    return rows


def done_deployment(registry, line_ids, data_gb):
    """Recharge DATA on these lines and the deployment done, without its
    jobs; returns the ids of the sync requests."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"telecom_sync_no_autopush": True})
        wizard = env["telecom.line.recharge"].create({
            "line_ids": [(6, 0, line_ids)], "data_gb": data_gb})
        action = wizard.action_confirm()
        deployments = env["telecom.deployment"].browse(action["res_id"]) \
            if action.get("res_id") else env["telecom.deployment"].search(action["domain"])
        today = date.today().isoformat()
        deployments.write({"date_installed": today, "date_activation": today})
        deployments.action_done()
        cr.commit()
        return deployments.mapped("sync_request_ids").ids


def push_by_jobs(registry, request_ids, timeout=1800, started=None):
    """Queue the jobs of ``request_ids`` (as a deployment set done does;
    already queued when ``started``, the time of that commit, is given) and
    wait until every one is settled (done, error, or back-off): returns the
    counts by state and the seconds from the commit of the jobs to the
    last result committed (seen within 0.1 s)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if started is None:
            env["telecom.sync.request"].browse(request_ids)._telecom_enqueue_push()
            cr.commit()
            started = time.time()
        ids = tuple(request_ids)
        while time.time() - started < timeout:
            cr.execute("SELECT count(*) FROM telecom_sync_request WHERE id IN %s AND "
                       "(state IN ('waiting', 'sent', 'unknown') OR (state = 'pending' AND "
                       "next_attempt_at IS NULL))", (ids,))
            left = cr.fetchone()[0]
            cr.commit()
            if not left:
                break
            time.sleep(0.1)
        seconds = time.time() - started
        cr.execute("SELECT state, count(*) FROM telecom_sync_request WHERE id IN %s "
                   "GROUP BY state", (ids,))
        counts = dict(cr.fetchall())
        cr.commit()
    return counts, seconds


def measure_limits(registry, sim, limits, latency_ms, seconds, data_gb, first_index):
    """The rate of calls to one system at each limit of concurrent requests
    set on the connections, with the simulators at ``latency_ms``, while it
    pushes new lines (a look-up and an apply per line): lines enough for
    about ``seconds`` of ideal push (limit / latency calls per second)."""
    rows = []
    sim.set_latency(latency_ms)
    for offset, limit in enumerate(limits):
        size = int(limit * 1000.0 / latency_ms * seconds / 2)
        index = first_index + offset
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"telecom_sync_no_autopush": True})
            env["telecom.api.backend"].search([]).write({"pool_size": limit})
            parc, numbers, site_code, customer_ref = build_parc(env, index, size)
            cr.commit()
            line_ids = parc.line_ids.ids
        sim.seed(numbers, site_code, customer_ref)
        request_ids = done_deployment(registry, line_ids, data_gb)
        calls_before = sim.calls("snaic")
        counts, took = push_by_jobs(registry, request_ids)
        # Per system: each line's request is a look-up and an apply.
        calls = sim.calls("snaic") - calls_before
        ideal = limit * 1000.0 / latency_ms
        rate = calls / took if took else 0.0
        rows.append({"limit": limit, "lines": size, "seconds": took, "calls": calls,
                     "rate": rate, "requests_rate": size / took if took else 0.0,
                     "ideal": ideal, "ratio": rate / ideal, "done": counts.get("done", 0)})
    return rows


class PushServer(object):
    """An Odoo server as in production: prefork workers enough for the
    jobs of both systems and a user, queue_job's job runner with room for
    ``jobs`` at once."""

    def __init__(self, conf, db, jobs):
        import configparser
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(conf)
        capacity = "root:%d,root.telecom_sync:%d,root.telecom_sync.snaic:%d," \
                   "root.telecom_sync.cfast:%d,root.telecom_log:1,root.telecom_invoice:1" % (jobs, jobs, jobs, jobs)
        parser["queue_job"]["channels"] = capacity
        run = os.path.dirname(os.path.abspath(conf))
        self.conf = os.path.join(run, "bench-push.conf")
        with open(self.conf, "w") as out:
            parser.write(out)
        port = free_port()
        self.log = os.path.join(run, "log", "bench-push-server.log")
        self.proc = subprocess.Popen([
            sys.executable, os.path.join(ROOT, "scripts", "odoo-bin"), "-c", self.conf,
            "-d", db, "--http-port=%d" % port, "--workers=%d" % (jobs + 2),
            "--max-cron-threads=1", "--longpolling-port=%d" % free_port(),
            "--logfile=%s" % self.log, "--log-handler=odoo.modules.graph:CRITICAL"],
            stdin=subprocess.DEVNULL)
        url = "http://127.0.0.1:%d/web/login" % port
        for _i in range(240):
            try:
                if requests.get(url, timeout=60).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit("the push server did not start (log: %s)" % self.log)

    def stop(self):
        stop_process(self.proc)


def fill_lines(registry, total):
    """Add plain lines (SQL, not measured) until the database holds ``total``."""
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM telecom_line")
        missing = total - cr.fetchone()[0]
        if missing <= 0:
            return
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        partner = env["res.partner"].create({"name": "Bench Bulk Customer"})
        operator = env["res.partner"].create({"name": "Bench Bulk Operator",
                                              "telecom_is_partner_operator": True})
        company = env.ref("base.main_company")
        # 100 sites x 5 parcs, lines spread over them.
        parcs = []
        for s in range(100):
            site = env["telecom.site"].create({"name": "Bulk site %d" % s, "code": "BULK%03d" % s,
                                               "partner_id": partner.id})
            for kind in ("mobile", "fixed", "internet", "other", "mobile"):
                parcs.append(env["telecom.parc"].create({"site_id": site.id, "service_type": kind,
                                                         "partner_operator_id": operator.id}))
        cr.execute("""
            INSERT INTO telecom_line (name, phone_number, phone_national, user_name, parc_id, site_id,
                                      partner_id, company_id, active, state,
                                      create_uid, create_date, write_uid, write_date)
            SELECT '09' || lpad(n::text, 8, '0'), '+339' || lpad(n::text, 8, '0'),
                   '09 ' || lpad(n::text, 8, '0'), 'bulk user ' || n, p.id, p.site_id, %s, %s,
                   true, 'active', 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM generate_series(1, %s) n
              JOIN (SELECT id, site_id, row_number() OVER (ORDER BY id) - 1 AS k
                      FROM telecom_parc WHERE id IN %s) p ON p.k = n %% %s
        """, (partner.id, company.id, missing, tuple(p.id for p in parcs), len(parcs)))
        cr.execute("ANALYZE telecom_line")
        cr.commit()


def biggest_parc(registry, selected):
    """The parc holding the most lines and ``selected`` of its lines (the
    screens' measures: its list, the Recharge DATA preview of a selection)."""
    with registry.cursor() as cr:
        cr.execute("""SELECT parc_id, count(*) FROM telecom_line WHERE active
                      GROUP BY parc_id ORDER BY 2 DESC, 1 LIMIT 1""")
        parc_id, count = cr.fetchone()
        cr.execute("SELECT id FROM telecom_line WHERE parc_id = %s AND active ORDER BY id LIMIT %s",
                   (parc_id, selected))
        return {"parc_id": parc_id, "parc_lines": count, "line_ids": [r[0] for r in cr.fetchall()]}


def onchange_spec(registry, model):
    """The onchange specification the web client sends for ``model``'s form
    (Odoo computes it in the browser from the view)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Model = env[model]
        view = Model.fields_view_get(view_type="form")
        return Model._onchange_spec(view), list(view["fields"])


def measure_list(conf, db, big=None, recharge_spec=None):
    """Open the lines list through a real server, as the web client does;
    with ``big`` (see :func:`biggest_parc`), also the list of that parc and
    the Recharge DATA wizard on its selected lines: the form's defaults and
    first onchange, then the preview as the number of GB is typed."""
    port = free_port()
    log = os.path.join(ROOT, ".run", "log", "bench-server.log")
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "odoo-bin"), "-c", conf,
                             "-d", db, "--http-port=%d" % port, "--max-cron-threads=0",
                             "--logfile=%s" % log, "--log-handler=odoo.modules.graph:CRITICAL"],
                            stdin=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    try:
        for _i in range(240):
            try:
                if requests.get(url + "/web/login", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        session = requests.Session()
        session.post(url + "/web/session/authenticate", json={"params": {
            "db": db, "login": "admin", "password": "admin"}}, timeout=30).raise_for_status()

        def call(model, method, *args, **kwargs):
            answer = session.post(url + "/web/dataset/call_kw", json={"params": {
                "model": model, "method": method, "args": list(args), "kwargs": kwargs}},
                timeout=120).json()
            if "error" in answer:
                raise RuntimeError(answer["error"]["data"]["message"])
            return answer["result"]

        action = call("ir.actions.act_window", "search_read",
                      [["res_model", "=", "telecom.line"]], ["context"], limit=1)
        view = call("telecom.line", "load_views", [[False, "list"], [False, "search"]])
        list_fields = list(view["fields_views"]["list"]["fields"])

        def open_list():
            started = time.time()
            sites = call("telecom.line", "read_group", [], list_fields, ["site_id", "parc_id"],
                         lazy=True, limit=80)
            first_site = sites[0]
            parcs = call("telecom.line", "read_group", first_site["__domain"], list_fields, ["parc_id"],
                         lazy=True, limit=80)
            rows = call("telecom.line", "search_read", parcs[0]["__domain"], list_fields, limit=80)
            return time.time() - started, len(sites), len(rows)

        open_list()  # warm the caches, as a user's second look
        runs = [open_list() for _i in range(3)]
        result = {"list_s": sorted(r[0] for r in runs)[1], "list_groups": runs[0][1],
                  "list_rows": runs[0][2],
                  "action_context": action[0]["context"] if action else ""}
        if big:
            result.update(measure_big_parc(call, list_fields, big, recharge_spec))
        with open("/proc/%d/status" % proc.pid) as status:
            peak = [l for l in status if l.startswith("VmHWM")][0].split()[1]
        result["server_peak_mb"] = int(peak) / 1024.0
        return result
    finally:
        stop_process(proc)


def stop_process(proc, timeout=60):
    """Stop an Odoo server; killed if it does not stop in ``timeout`` s
    (a threaded server may be in the middle of a long job)."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(30)


def median_of_3(measure):
    measure()  # warm the caches, as a user's second look
    runs = sorted([measure() for _i in range(3)], key=lambda run: run[0])
    return runs[1]


def measure_big_parc(call, list_fields, big, recharge_spec):
    """The screens of the biggest parc, as the web client calls them (median
    of 3 after one warm-up): its list (Site > Parc, its group opened, 80
    rows), then Recharge DATA on ``big["line_ids"]``: the wizard opened
    (defaults and first onchange) and its preview as the GB are typed."""
    parc_domain = [["parc_id", "=", big["parc_id"]]]

    def open_parc():
        started = time.time()
        site = call("telecom.line", "read_group", parc_domain, ["site_id"], ["site_id"],
                    lazy=True, limit=1)[0]
        call("telecom.line", "read_group", site["__domain"], list_fields, ["parc_id"],
             lazy=True, limit=80)
        rows = call("telecom.line", "search_read", parc_domain, list_fields, limit=80)
        return time.time() - started, len(rows)

    spec, wizard_fields = recharge_spec
    context = {"active_model": "telecom.line", "active_ids": big["line_ids"],
               "active_id": big["line_ids"][0]}
    opened = {}

    def open_wizard():
        started = time.time()
        values = call("telecom.line.recharge", "default_get", wizard_fields, context=context)
        values = dict({name: False for name in wizard_fields}, **values)
        answer = call("telecom.line.recharge", "onchange", [], values, [], spec, context=context)
        values.update(answer.get("value", {}))
        opened["values"] = values
        return time.time() - started, 0

    def type_gb():
        values = dict(opened["values"], data_gb_text="2")
        started = time.time()
        answer = call("telecom.line.recharge", "onchange", [], values, "data_gb_text", spec,
                      context=context)
        value = answer.get("value", {})
        rows = [c for c in value.get("preview_ids") or [] if c[0] == 0]
        opened["amount"] = value.get("amount_total", opened["values"].get("amount_total"))
        return time.time() - started, len(rows)

    parc_s, parc_rows = median_of_3(open_parc)
    wizard_s = median_of_3(open_wizard)[0]
    preview_s, preview_rows = median_of_3(type_gb)
    result = {"parc_id": big["parc_id"], "parc_lines": big["parc_lines"], "parc_list_s": parc_s,
              "parc_list_rows": parc_rows, "selected": len(big["line_ids"]),
              "wizard_open_s": wizard_s, "preview_s": preview_s, "preview_rows": preview_rows,
              "preview_amount": opened.get("amount") or 0.0}

    # Save: the deployment, then Finish (its dialog opened, the two dates
    # given, done) as the user clicks them; measured once, as done is.
    started = time.time()
    wizard_id = call("telecom.line.recharge", "create",
                     {"line_ids": [[6, 0, big["line_ids"]]], "data_gb": 2}, context=context)
    action = call("telecom.line.recharge", "action_confirm", [wizard_id], context=context)
    result["save_s"] = time.time() - started
    deployment_id = action.get("res_id")
    if deployment_id:
        today = date.today().isoformat()
        finish_context = {"active_model": "telecom.deployment", "active_id": deployment_id,
                          "active_ids": [deployment_id]}
        started = time.time()
        values = call("telecom.deployment.finish", "default_get",
                      ["deployment_id", "date_installed", "date_activation"],
                      context=finish_context)
        values.update(date_installed=today, date_activation=today)
        finish_id = call("telecom.deployment.finish", "create", values, context=finish_context)
        call("telecom.deployment.finish", "action_finish", [finish_id], context=finish_context)
        result["finish_s"] = time.time() - started
        result["finished"] = call("telecom.deployment", "read", [deployment_id],
                                  ["state"])[0]["state"]
    return result


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn",
                                    "--log-handler=odoo.modules.graph:CRITICAL"])
    sizes = [int(s) for s in args.sizes.split(",") if s]
    limits = [int(s) for s in args.limits.split(",") if s]
    sim = Simulators(args.latency)
    results = {"date": date.today().isoformat(), "cores": os.cpu_count(),
               "machine": platform.platform(), "latency_ms": args.latency, "pool": args.pool,
               "slow_latency_ms": args.slow_latency,
               "sizes": []}
    try:
        with api.Environment.manage():
            registry = odoo.registry(args.db)
            with registry.cursor() as cr:
                setup_backends(api.Environment(cr, SUPERUSER_ID, {}), sim, args.pool)
            server = PushServer(args.conf, args.db, 2 * max([args.pool] + limits))
            try:
                for index, size in enumerate(sizes):
                    print("… %d lines" % size, file=sys.stderr)
                    results["sizes"].append(measure_size(registry, sim, index, size, args.data_gb))
                print("… rate at limits %s, %d ms per call" % (args.limits, args.slow_latency),
                      file=sys.stderr)
                results["limits"] = measure_limits(
                    registry, sim, limits, args.slow_latency, args.limit_seconds, args.data_gb,
                    len(sizes))
            finally:
                server.stop()
            print("… drift audit of today, each connection", file=sys.stderr)
            results["audit"] = measure_audit(registry, sim, args.latency)
            # The steps' peaks set the high-water mark back: the process's
            # own is the largest seen.
            results["bench_peak_mb"] = max(
                PeakMemory.process_mb,
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
            print("… filling up to %d lines" % args.list_lines, file=sys.stderr)
            big = biggest_parc(registry, args.selected)
            fill_lines(registry, args.list_lines)
            results["list"] = measure_list(args.conf, args.db, big,
                                           onchange_spec(registry, "telecom.line.recharge"))
            results["list"]["db_lines"] = args.list_lines
    finally:
        sim.stop()
    report(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as out:
        json.dump(results, out, indent=2)
    print("\nJSON written to %s" % args.json)
    if args.smoke:
        return check(results)
    return 0


def report(results):
    print("\nBenchmark %s, %s cores, simulators at %d ms per call, %d concurrent requests per system"
          % (results["date"], results["cores"], results["latency_ms"], results["pool"]))
    head = ("lines", "preview+confirm s", "queries (per line)", "done s", "queries (per line)",
            "push s", "req/s", "applied", "dupl.")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results["sizes"]:
        print("| %d | %.2f | %d (%.3f) | %.2f | %d (%.3f) | %.2f | %.0f | %d / %d | %d |" % (
            r["lines"], r["confirm_s"], r["confirm_queries"], r["confirm_queries_per_line"],
            r["done_s"], r["done_queries"], r["done_queries_per_line"], r["push_s"], r["push_rps"],
            r["applied"], r["lines"] * 2, r["duplicates"]))
    print("\nThe same lines topped up again, their IDs known (only the applies)")
    print("| lines | push s | req/s | done |")
    print("|---|---|---|---|")
    for r in results["sizes"]:
        print("| %d | %.2f | %.0f | %d / %d |" % (
            r["lines"], r["push_known_s"], r["push_known_rps"], r["push_known_done"],
            r["lines"] * 2))
    print("\nThat second top-up reversed (every line): the confirm, then the push of its "
          "cancellations")
    print("| lines | reverse s | queries | push s | req/s | done | cancelled |")
    print("|---|---|---|---|---|---|---|")
    for r in results["sizes"]:
        print("| %d | %.2f | %d | %.2f | %.0f | %d / %d | %d |" % (
            r["lines"], r["reverse_s"], r["reverse_queries"], r["cancel_push_s"],
            r["cancel_rps"], r["cancel_done"], r["cancel_requests"], r["cancelled"]))
    print("\nA third top-up reversed before it was sent (its requests withdrawn, nothing "
          "to cancel)")
    print("| lines | reverse s | queries | withdrawn | nothing to cancel |")
    print("|---|---|---|---|---|")
    for r in results["sizes"]:
        print("| %d | %.2f | %d | %d | %d |" % (
            r["lines"], r["withdraw_s"], r["withdraw_queries"], r["withdrawn"], r["void"]))
    print("\nThe one-off options of those deployments (the day's MAJ) invoiced by an "
          "accountant with the wizard (a part of 2,000 options in the click, the others "
          "by a chain of jobs, a part each); then the same period again")
    print("| lines | options to invoice | invoice s | click s | jobs | queries "
          "| options invoiced | invoices | options/s | untaxed | tax | peak MB | again s "
          "| again: invoices, lines made |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results["sizes"]:
        print("| %d | %d | %.2f | %.2f | %d | %d | %d | %d | %.0f | %.2f | %.2f | %.0f | %.2f "
              "| %d, %d |" % (
            r["lines"], r["invoice_to_invoice"], r["invoice_s"], r["invoice_click_s"],
            r["invoice_jobs"], r["invoice_queries"],
            r["invoice_options"], r["invoice_invoices"], r["invoice_rate"],
            r["invoice_untaxed"], r["invoice_tax"], r["invoice_peak_mb"],
            r["invoice_again_s"], r["invoice_again_invoices_made"],
            r["invoice_again_lines_made"]))
    print("\nDrift audit of today, per connection (every option applied today read back "
          "page by page and compared)")
    print("| system | audit s | queries | options read (cancelled) | ERP options (cancelled) "
          "| differences |")
    print("|---|---|---|---|---|---|")
    for a in results.get("audit", []):
        print("| %s | %.2f | %d | %d (%d) | %d (%d) | %d |" % (
            a["system"], a["audit_s"], a["queries"], a["remote"], a["remote_cancelled"],
            a["local"], a["local_cancelled"], a["drift"]))
    print("\nCalls to SNAIC per second at %d ms per call, by the limit of concurrent requests "
          "of the connections (new lines: a look-up and an apply each)" % results["slow_latency_ms"])
    print("| limit | lines | push s | calls | calls/s | limit / latency | ratio | requests/s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results.get("limits", []):
        print("| %d | %d | %.1f | %d | %.1f | %.0f | %.2f | %.1f |" % (
            r["limit"], r["lines"], r["seconds"], r["calls"], r["rate"], r["ideal"],
            r["ratio"], r["requests_rate"]))
    l = results["list"]
    print("\nLines list with %d lines (Site > Parc, first group, 80 rows): %.3f s (median of 3)"
          % (l["db_lines"], l["list_s"]))
    if "parc_list_s" in l:
        print("Screens with %d lines in the biggest parc (median of 3):" % l["parc_lines"])
        print("| screen | s |")
        print("|---|---|")
        print("| its lines list (Site > Parc, its group, %d rows) | %.3f |"
              % (l["parc_list_rows"], l["parc_list_s"]))
        print("| Recharge DATA opened on %d selected lines | %.3f |"
              % (l["selected"], l["wizard_open_s"]))
        print("| its preview as the GB are typed (%d rows shown, total %.2f) | %.3f |"
              % (l["preview_rows"], l["preview_amount"], l["preview_s"]))
        print("| Save (the deployment made) | %.3f |" % l.get("save_s", 0))
        print("| Finish (its dialog, the two dates, done: %s) | %.3f |"
              % (l.get("finished"), l.get("finish_s", 0)))
    print("Peak memory: bench Odoo process %.0f MB, Odoo server %.0f MB"
          % (results["bench_peak_mb"], l["server_peak_mb"]))


def check(results):
    problems = []
    for r in results["sizes"]:
        if r["applied"] != r["lines"] * 2 or r["duplicates"] or r["push_done"] != r["lines"] * 2:
            problems.append("%d lines: applied %d, done %d, duplicates %d (expected %d, %d, 0)" % (
                r["lines"], r["applied"], r["push_done"], r["duplicates"], r["lines"] * 2, r["lines"] * 2))
        if r["updates"] != r["lines"] or r["sync_requests"] != r["lines"] * 2:
            problems.append("%d lines: %d MAJ, %d sync requests" % (
                r["lines"], r["updates"], r["sync_requests"]))
    for r in results["sizes"]:
        if r["push_known_done"] != r["lines"] * 2:
            problems.append("%d lines, second push: %d done of %d" % (
                r["lines"], r["push_known_done"], r["lines"] * 2))
    for r in results["sizes"]:
        if r["cancel_requests"] != r["lines"] * 2 or r["cancel_done"] != r["lines"] * 2 \
                or r["cancelled"] != r["lines"] * 2:
            problems.append("%d lines reversed: %d cancellations, %d done, %d options cancelled "
                            "(expected %d each)" % (r["lines"], r["cancel_requests"],
                                                    r["cancel_done"], r["cancelled"],
                                                    r["lines"] * 2))
    for r in results["sizes"]:
        if r["withdrawn"] != r["lines"] * 2 or r["void"] != r["lines"] * 2:
            problems.append("%d lines reversed before sent: %d withdrawn, %d void (expected %d)"
                            % (r["lines"], r["withdrawn"], r["void"], r["lines"] * 2))
    for r in results["sizes"]:
        # Each line: the top-up, the second and its reversal, the third and
        # its reversal.
        expected = r["lines"] * 5
        if r["invoice_to_invoice"] != expected or r["invoice_options"] != expected \
                or r["invoice_left"] or r["invoice_lines_made"] != expected \
                or not r["invoice_invoices"] \
                or r["invoice_invoices_made"] != r["invoice_invoices"]:
            problems.append("%d lines invoiced: %d options to invoice, %d invoiced on %d "
                            "invoices (%d made, %d lines), %d done options of the period left "
                            "(expected %d to invoice and invoiced, none left)%s" % (
                                r["lines"], r["invoice_to_invoice"], r["invoice_options"],
                                r["invoice_invoices"], r["invoice_invoices_made"],
                                r["invoice_lines_made"], r["invoice_left"], expected,
                                ": " + r["invoice_refused"] if r["invoice_refused"] else ""))
        if r["invoice_jobs_failed"]:
            problems.append("%d lines: %d of the invoicing's jobs failed" % (
                r["lines"], r["invoice_jobs_failed"]))
        if r["invoice_tax"] <= 0:
            problems.append("%d lines invoiced: no tax (the one-off options have no sales "
                            "tax)" % r["lines"])
        if abs(r["invoice_untaxed"] - r["invoice_options_amount"]) > 0.005:
            problems.append("%d lines invoiced: untaxed %.2f, the options' amounts %.2f" % (
                r["lines"], r["invoice_untaxed"], r["invoice_options_amount"]))
        if r["invoice_again_invoices"] or r["invoice_again_invoices_made"] \
                or r["invoice_again_lines_made"] or r["invoice_again_left"] \
                or not r["invoice_again_refused"]:
            problems.append("%d lines invoiced again: %d invoices, %d lines made, %d options "
                            "left (expected nothing to invoice)" % (
                                r["lines"], r["invoice_again_invoices_made"],
                                r["invoice_again_lines_made"], r["invoice_again_left"]))
    applied = sum(r["lines"] * 4 for r in results["sizes"])
    cancelled = sum(r["cancelled"] for r in results["sizes"])
    for a in results.get("audit", []):
        if a["state"] != "done" or a["drift"] or a["remote"] < applied // 2 \
                or a["remote_cancelled"] < cancelled // 2 \
                or a["local_cancelled"] != a["remote_cancelled"]:
            problems.append("audit of %s: %s, %d differences %s, %d options read (%d cancelled), "
                            "%d in the ERP (%d cancelled); expected done, no difference, at "
                            "least %d read (%d cancelled)" % (
                                a["system"], a["state"], a["drift"], a["kinds"], a["remote"],
                                a["remote_cancelled"], a["local"], a["local_cancelled"],
                                applied // 2, cancelled // 2))
    for r in results.get("limits", []):
        if r["done"] != r["lines"] * 2:
            problems.append("limit %d: %d requests done of %d" % (
                r["limit"], r["done"], r["lines"] * 2))
    if "preview_rows" in results["list"] and not (
            results["list"]["preview_rows"] and results["list"]["preview_amount"] > 0):
        problems.append("the Recharge DATA preview of %d lines showed %d rows, total %s" % (
            results["list"]["selected"], results["list"]["preview_rows"],
            results["list"]["preview_amount"]))
    if "preview_rows" in results["list"] and results["list"].get("finished") != "done":
        problems.append("Finish left the deployment %s" % results["list"].get("finished"))
    if results["list"]["list_rows"] < 1:
        problems.append("the lines list showed no row")
    for problem in problems:
        print("SMOKE FAILED: " + problem)
    if not problems:
        print("smoke: counts OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
