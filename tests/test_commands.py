"""The README's commands as a new user runs them: `make demo` twice (the second
run reuses what exists), the demo lines over XML-RPC (and what the demo
holds for the invoicing of the one-off options), then `make stop`.

It uses a database and a run folder of its own so that it never touches a demo
the developer has running, and the PostgreSQL server that `make test` set up.
"""
import datetime
import os
import subprocess
import time
import xmlrpc.client

import psycopg2
import pytest
import requests

from conftest import ROOT, OdooRPC, free_port


def pg_settings(conf_path):
    settings = {}
    with open(conf_path) as conf:
        for raw in conf:
            key, sep, value = raw.partition("=")
            if sep:
                settings[key.strip()] = value.strip()
    return settings


@pytest.fixture
def demo_env(odoo_env, tmp_path):
    pg = pg_settings(odoo_env["TELECOM_ODOO_CONF"])
    db = "telecom_demo_citest"
    env = dict(os.environ, ODOO_DB=db, ODOO_PORT=str(free_port()), TELECOM_RUN=str(tmp_path / "run"),
               SNAIC_PORT=str(free_port()), CFAST_PORT=str(free_port()),
               ODOO_LONGPOLLING_PORT=str(free_port()), ODOO_HTTP_PORT=str(free_port()),
               DB_HOST=pg["db_host"], DB_PORT=pg["db_port"], DB_USER=pg["db_user"],
               DB_PASSWORD=pg["db_password"])
    dsn = dict(host=pg["db_host"], port=pg["db_port"], user=pg["db_user"], password=pg["db_password"],
               dbname="postgres")

    def drop():
        conn = psycopg2.connect(**dsn)
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db,))
            cr.execute('DROP DATABASE IF EXISTS "%s"' % db)  # a constant name, not user input
        conn.close()

    drop()
    yield env
    subprocess.run(["make", "stop"], cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL)
    drop()


def run_make(target, env):
    done = subprocess.run(["make", target], cwd=str(ROOT), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:]
    return done.stdout


def wait_until(predicate, timeout, step=2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def check_demo_invoicing(url, db, admin):
    """The invoicing bridge's demo: the main company has the French chart,
    the one-off options the 20 % VAT on sales, the demo accountant the
    billing rights; last month's options are on the draft invoices that
    the invoicing made, one per customer, and this month's done ones are
    to invoice (the accountant's preview counts them)."""
    ref = lambda xmlid: admin.call("ir.model.data", "xmlid_to_res_id", xmlid, True)  # noqa: E731
    company = ref("base.main_company")
    chart = admin.call("res.company", "read", [company], ["chart_template_id"])[0]
    assert chart["chart_template_id"] and \
        chart["chart_template_id"][1] == "Plan Comptable Général (France)", chart
    templates = admin.call("product.template", "search_read", [["telecom_is_one_off", "=", True]],
                           fields=["name", "taxes_id"], context={"active_test": False})
    assert templates
    for template in templates:
        taxes = admin.call("account.tax", "read", template["taxes_id"],
                           ["amount", "amount_type", "type_tax_use", "company_id"])
        assert [(t["amount"], t["amount_type"], t["type_tax_use"]) for t in taxes
                if t["company_id"][0] == company] == [(20.0, "percent", "sale")], (template, taxes)
    groups = admin.call("res.users", "search_read", [["login", "=", "accountant"]],
                        fields=["groups_id"])[0]["groups_id"]
    assert {ref("account.group_account_invoice"),
            ref("telecom_parc.group_telecom_accountant")} <= set(groups), groups

    first = datetime.date.today().replace(day=1)
    last_first = (first - datetime.timedelta(days=1)).replace(day=1)
    rows = admin.call("telecom.one.off.report", "search_read", [
        ["company_id", "=", company], ["state", "=", "done"],
        ["date", ">=", last_first.isoformat()]],
        fields=["date", "partner_id", "invoice_state", "invoice_id"])
    last_month = [r for r in rows if r["date"] < first.isoformat()]
    this_month = [r for r in rows if r["date"] >= first.isoformat()]
    assert last_month and this_month, rows
    assert {r["invoice_state"] for r in last_month} == {"invoiced"}, last_month
    invoices = admin.call("account.invoice", "read", sorted({r["invoice_id"][0] for r in last_month}),
                          ["type", "state", "partner_id", "telecom_date_from", "telecom_date_to",
                           "amount_tax", "amount_untaxed", "telecom_option_count"])
    assert sorted(i["partner_id"][0] for i in invoices) == \
        sorted({r["partner_id"][0] for r in last_month}), (invoices, last_month)
    for invoice in invoices:
        assert (invoice["type"], invoice["state"], invoice["telecom_date_from"],
                invoice["telecom_date_to"]) == (
                    "out_invoice", "draft", last_first.isoformat(),
                    (first - datetime.timedelta(days=1)).isoformat()), invoice
        assert invoice["amount_tax"] == round(invoice["amount_untaxed"] * 0.2, 2), invoice
    assert sum(i["telecom_option_count"] for i in invoices) == len(last_month)
    assert {r["invoice_state"] for r in this_month} == {"to_invoice"}, this_month
    accountant = OdooRPC(url, db, "accountant", "accountant")
    wizard = accountant.call("telecom.one.off.invoice", "create", {
        "date_from": first.isoformat(), "date_to": datetime.date.today().isoformat()})
    assert accountant.call("telecom.one.off.invoice", "read", [wizard], ["option_count"])[0][
        "option_count"] == len(this_month)


def test_make_demo_then_stop(demo_env):
    url = "http://127.0.0.1:%s" % demo_env["ODOO_PORT"]
    first = run_make("demo", demo_env)
    assert url in first and "admin" in first and "ops" in first

    assert requests.get(url + "/web/login", timeout=30).status_code == 200
    admin = OdooRPC(url, demo_env["ODOO_DB"], "admin", "admin")

    # nginx in front: the bus's long polling reaches Odoo's longpolling
    # process (the prefork workers would answer "bus.Bus unavailable").
    requests.post(url + "/longpolling/send", json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"channel": "telecom_demo_check", "message": {"ok": 1}}}, timeout=30)
    polled = requests.post(url + "/longpolling/poll", json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"channels": ["telecom_demo_check"], "last": 0}}, timeout=30).json()
    assert [n["message"] for n in polled.get("result", [])
            if n["channel"] == "telecom_demo_check"] == [{"ok": 1}], polled
    numbers = [l["phone_number"] for l in admin.call(
        "telecom.line", "search_read", [["site_id.code", "=", "SITE_SW1"]], fields=["phone_number"])]
    assert {"+33700000090", "+33700000091", "+33700000092", "+33700000093"} <= set(numbers)

    # The simulators it started empty hold what the demo database applied
    # (one option per demo MAJ), but the drift staged for the audit: one
    # option forgotten, one with another quantity, one not ours.
    assert "Filling the simulators" in first
    for system in ("snaic", "cfast"):
        sim = "http://127.0.0.1:%s" % demo_env["%s_PORT" % system.upper()]
        held = requests.get(sim + "/_sim/applied", timeout=10).json()["applied"]
        done = {r["reference"] for r in admin.call("telecom.sync.request", "search_read", [
            ["system", "=", system], ["operation", "=", "apply"], ["state", "=", "done"]],
            fields=["reference"])}
        ours = [a["reference"].rsplit("-", 1)[0] for a in held if a["reference"]]
        assert [a["reference"] for a in held].count(None) == 1, held
        assert len(set(ours)) == len(ours) == len(done) - 1 and set(ours) < done, (ours, done)
    # Each connection audited once on top of that: what a new user opens
    # under SNAIC/CFAST Audits, one difference of each kind, nothing else.
    audits = admin.call("telecom.sync.audit", "search_read", [],
                        fields=["system", "state", "line_ids", "drift_count"])
    assert sorted(a["system"] for a in audits) == ["cfast", "snaic"], audits
    for audit in audits:
        kinds = sorted(l["kind"] for l in admin.call(
            "telecom.sync.audit.line", "read", audit["line_ids"], ["kind"]))
        assert audit["state"] == "done" and kinds == [
            "mismatch", "missing_remote", "unknown_local"], (audit, kinds)

    check_demo_invoicing(url, demo_env["ODOO_DB"], admin)

    # No module waits to be installed (Odoo's cron thread would skip the
    # database for ever), and the scheduled actions run by themselves: the
    # push cron's next call moves with nobody triggering it.
    assert admin.call("ir.module.module", "search_count", [
        ["state", "in", ["to install", "to upgrade", "to remove"]]]) == 0
    cron = admin.call("ir.model.data", "xmlid_to_res_id", "telecom_snaic_cfast.ir_cron_sync_push")
    first_call = admin.call("ir.cron", "read", [cron], ["nextcall"])[0]["nextcall"]
    assert wait_until(lambda: admin.call("ir.cron", "read", [cron], ["nextcall"])[0][
        "nextcall"] != first_call, timeout=200), "the push cron never ran in the demo"

    # The demo's request that SNAIC answered 503 is retried by itself once
    # its hour has passed (moved here to now, in the database, as a clock
    # would): the cron worker queues a lane, the job runner has a prefork
    # worker run it, and the request is applied; the job shows under
    # Queue > Jobs, in SNAIC's channel.
    waiting = admin.call("telecom.sync.request", "search_read", [
        ["state", "=", "pending"], ["last_error", "ilike", "503"]], fields=["system"])
    assert [r["system"] for r in waiting] == ["snaic"], waiting
    conn = psycopg2.connect(host=demo_env["DB_HOST"], port=demo_env["DB_PORT"],
                            user=demo_env["DB_USER"], password=demo_env["DB_PASSWORD"],
                            dbname=demo_env["ODOO_DB"])
    with conn, conn.cursor() as cr:
        cr.execute("UPDATE telecom_sync_request SET next_attempt_at = "
                   "(now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = %s",
                   (waiting[0]["id"],))
    conn.close()
    assert wait_until(lambda: admin.call("telecom.sync.request", "read", [waiting[0]["id"]], [
        "state"])[0]["state"] == "done", timeout=200), "the 503 request was never retried"
    # The lane commits the request before queue_job records its job done
    # (in a transaction of its own, once the job returns): wait for both.
    def lane_jobs():
        return admin.call("queue.job", "search_read", [
            ["method_name", "=", "_telecom_job_lane"], ["state", "=", "done"]],
            fields=["channel", "result"])
    assert wait_until(lambda: any(
        job["channel"] == "root.telecom_sync.snaic" and "applied: 1" in job["result"]
        for job in lane_jobs()), timeout=60), lane_jobs()

    second = run_make("demo", demo_env)
    assert "Installing" not in second and "Updating" not in second, second
    assert "Filling the simulators" not in second, second  # they kept running
    assert url in second

    sim_url = "http://127.0.0.1:%s" % demo_env["SNAIC_PORT"]
    assert requests.get(sim_url + "/_sim/health", timeout=5).json()["ok"]

    run_make("stop", demo_env)
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/web/login", timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.get(sim_url + "/_sim/health", timeout=5)
