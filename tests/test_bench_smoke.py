"""`make bench` as CI's smoke run: 100 lines, one limit of concurrent calls
and a small list, counts checked (every MAJ applied once in each system, no
duplicate, by the jobs of a prefork server; every one-off option of the day
invoiced once), times only printed."""
import json
import os
import subprocess

from conftest import ROOT
from test_commands import pg_settings


def test_bench_smoke_run(odoo_env, tmp_path):
    pg = pg_settings(odoo_env["TELECOM_ODOO_CONF"])
    report = tmp_path / "bench.json"
    env = dict(os.environ, BENCH_SIZES="100", BENCH_LIST_LINES="2000", BENCH_DB="telecom_bench_citest",
               BENCH_JSON=str(report), TELECOM_RUN=str(tmp_path / "run"),
               DB_HOST=pg["db_host"], DB_PORT=pg["db_port"], DB_USER=pg["db_user"],
               DB_PASSWORD=pg["db_password"])
    done = subprocess.run(["bash", "scripts/bench.sh", "--smoke", "--limits", "4",
                           "--limit-seconds", "4"], cwd=str(ROOT), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=900)
    print(done.stdout[-3000:])
    assert done.returncode == 0, done.stdout[-3000:]
    assert "smoke: counts OK" in done.stdout
    results = json.loads(report.read_text())
    size = results["sizes"][0]
    assert size["lines"] == 100
    assert size["applied"] == 200 and size["duplicates"] == 0
    assert size["updates"] == 100 and size["sync_requests"] == 200
    # Pushed by the jobs of a prefork server, then again with the IDs known.
    assert size["push_done"] == 200 and size["push_known_done"] == 200
    # The second top-up reversed: each option cancelled once in each system.
    assert size["cancel_requests"] == 200 and size["cancel_done"] == 200
    assert size["cancelled"] == 200
    # A third one reversed before it was sent: withdrawn, nothing to cancel.
    assert size["withdrawn"] == 200 and size["void"] == 200
    # The 500 options of the day (the top-up, the second and third ones and
    # their reversals) invoiced by the wizard, every one; again: nothing.
    assert size["invoice_to_invoice"] == 500 and size["invoice_options"] == 500
    assert size["invoice_lines_made"] == 500 and size["invoice_left"] == 0
    assert size["invoice_invoices"] == size["invoice_invoices_made"] >= 1
    assert size["invoice_options_amount"] > 0
    assert abs(size["invoice_untaxed"] - size["invoice_options_amount"]) < 0.005
    assert size["invoice_tax"] > 0
    assert size["invoice_again_invoices_made"] == 0 and size["invoice_again_lines_made"] == 0
    assert size["invoice_again_refused"]
    limit = results["limits"][0]
    assert limit["limit"] == 4 and limit["done"] == 2 * limit["lines"]
    assert limit["calls"] >= 2 * limit["lines"]
    assert results["list"]["list_rows"] > 0
    # The screens of the biggest parc: its list and Recharge DATA's preview.
    assert results["list"]["parc_list_rows"] > 0
    assert results["list"]["preview_rows"] > 0 and results["list"]["preview_amount"] > 0
    assert results["list"]["finished"] == "done"
    subprocess.run(["dropdb", "--if-exists", "telecom_bench_citest"], env=dict(
        os.environ, PGHOST=pg["db_host"], PGPORT=pg["db_port"], PGUSER=pg["db_user"],
        PGPASSWORD=pg["db_password"]), check=True)
