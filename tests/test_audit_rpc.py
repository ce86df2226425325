"""The drift audit on a real server over XML-RPC, as the demo's users: a
top-up pushed by the job runner, then SNAIC and CFAST changed behind the
ERP's back (an option removed by hand, one applied by somebody else, one
with another quantity); the Telecom Manager's audit finds each of them, a
repush applies the lost option again exactly once (the job runner, a new
key), the other differences are acknowledged with a note; the accountant
reads the audits, nobody else runs or repairs them, and no value an RPC
caller sends changes what an audit found.

The session's simulators are shared and reset by other tests: the ERP of
the test database holds done requests of earlier tests that the simulators
forgot, which the audit rightly reports as drift. Only the lines of this
test are checked here."""
import datetime
import time

from test_e2e_recharge_sync import wait_for
from test_reversal_rpc import done_deployment, refused, requests_of

LINES = ["+33700000100", "+33700000102", "+33700000103"]


def period():
    """Yesterday to tomorrow: today whatever the users' time zone."""
    today = datetime.date.today()
    return ((today - datetime.timedelta(days=1)).isoformat(),
            (today + datetime.timedelta(days=1)).isoformat())


def option_of(sim, system, phone):
    rows = [a for a in sim.sim_get(system, "applied")["applied"]
            if a["phone"] == phone and not a["cancelled"]]
    assert len(rows) == 1, rows
    return rows[0]


def run_audit(user, backend_id):
    date_from, date_to = period()
    audit_id = user.call("telecom.sync.audit", "create", {
        "backend_id": backend_id, "date_from": date_from, "date_to": date_to})
    user.call("telecom.sync.audit", "action_run", [audit_id])
    audit = user.call("telecom.sync.audit", "read", [audit_id], ["state", "line_ids"])[0]
    assert audit["state"] == "done", audit
    return audit_id


def drift_of(user, audit_id, line_ids, deployment_id):
    """What the audit found on these lines, about this deployment's MAJ
    (or about no MAJ of ours)."""
    return user.call("telecom.sync.audit.line", "search_read", [
        ["audit_id", "=", audit_id], ["line_id", "in", line_ids],
        "|", ["update_id", "=", False], ["update_id.deployment_id", "=", deployment_id]],
        fields=["kind", "line_id", "update_id", "request_id", "remote_ref", "detail", "state"])


def test_audit_finds_each_drift_and_repairs_it(rpc, odoo_server):
    sim = odoo_server["sim"]
    ops, manager, accountant = rpc("ops", "ops"), rpc("manager", "manager"), \
        rpc("accountant", "accountant")
    deployment_id, line_ids = done_deployment(ops, LINES)
    assert wait_for(lambda: all(r["state"] == "done" for r in requests_of(ops, deployment_id)),
                    timeout=60), requests_of(ops, deployment_id)
    by_phone = {r["phone_number"]: r["id"] for r in ops.call(
        "telecom.line", "read", line_ids, ["phone_number"])}
    backends = {b["system"]: b["id"] for b in manager.call(
        "telecom.api.backend", "search_read", [["active", "=", True]], fields=["system"])}

    # Behind the ERP's back: in SNAIC the option of the first line is
    # removed by hand and the second one's quantity changed; in CFAST
    # somebody applies an option of their own on the third line.
    lost = option_of(sim, "snaic", LINES[0])
    sim.sim_post("snaic", "forget", {"idempotency_key": lost["idempotency_key"]})
    changed = option_of(sim, "snaic", LINES[1])
    sim.sim_post("snaic", "forget", {"idempotency_key": changed["idempotency_key"]})
    sim.sim_post("snaic", "inject", {
        "phone_number": LINES[1], "product_code": changed["product_code"],
        "quantity": changed["quantity"] + 1, "reference": changed["reference"]})
    theirs = option_of(sim, "cfast", LINES[2])
    sim.sim_post("cfast", "inject", {
        "phone_number": LINES[2], "product_code": theirs["product_code"], "quantity": 3})

    # Only a Telecom Manager runs an audit; the others are told who can.
    date_from, date_to = period()
    for user in (ops, accountant):
        refused(user.call, "telecom.sync.audit", "create", {
            "backend_id": backends["snaic"], "date_from": date_from, "date_to": date_to})

    snaic = run_audit(manager, backends["snaic"])
    found = drift_of(manager, snaic, line_ids, deployment_id)
    kinds = sorted((r["kind"], r["line_id"][0]) for r in found)
    assert kinds == sorted([("missing_remote", by_phone[LINES[0]]),
                            ("mismatch", by_phone[LINES[1]])]), found
    missing = [r for r in found if r["kind"] == "missing_remote"][0]
    assert missing["request_id"] and missing["update_id"] and missing["detail"], missing
    cfast = run_audit(manager, backends["cfast"])
    found = drift_of(manager, cfast, line_ids, deployment_id)
    assert [(r["kind"], r["line_id"][0]) for r in found] == [
        ("unknown_local", by_phone[LINES[2]])], found
    unknown = found[0]
    assert unknown["remote_ref"] and unknown["detail"], unknown

    # The accountant reads the audits and what they found, and changes
    # nothing; no caller rewrites a finding.
    assert drift_of(accountant, snaic, line_ids, deployment_id)
    refused(accountant.call, "telecom.sync.audit.line", "action_repush", [missing["id"]])
    refused(ops.call, "telecom.sync.audit.line", "action_repush", [missing["id"]])
    refused(accountant.call, "telecom.sync.audit", "action_run", [snaic])
    refused(manager.call, "telecom.sync.audit.line", "write", [missing["id"]],
            {"kind": "mismatch"})
    refused(manager.call, "telecom.sync.audit.line", "create", {
        "audit_id": snaic, "kind": "unknown_local", "line_id": line_ids[0],
        "detail": "made up"})

    # The repush: applied again once, by the job runner, under a new key.
    manager.call("telecom.sync.audit.line", "action_repush", [missing["id"]])
    line = manager.call("telecom.sync.audit.line", "read", [missing["id"]],
                        ["state", "repush_request_id"])[0]
    assert line["state"] == "repushed" and line["repush_request_id"], line
    repush_id = line["repush_request_id"][0]

    def repushed():
        rows = manager.call("telecom.sync.request", "read", [repush_id],
                            ["state", "idempotency_key"])
        return rows[0] if rows[0]["state"] == "done" else None
    request = wait_for(repushed, timeout=60)
    assert request, manager.call("telecom.sync.request", "read", [repush_id], ["state", "last_error"])
    # A second click makes nothing new.
    try:
        manager.call("telecom.sync.audit.line", "action_repush", [missing["id"]])
    except Exception:  # pylint: disable=broad-except
        pass
    assert manager.call("telecom.sync.request", "search_count",
                        [["repush_of_id", "=", missing["request_id"][0]]]) == 1
    again = option_of(sim, "snaic", LINES[0])
    assert again["idempotency_key"] != lost["idempotency_key"], again
    assert again["idempotency_key"].startswith(lost["idempotency_key"].rsplit("-", 1)[0]), again
    assert again["product_code"] == lost["product_code"] and again["quantity"] == lost["quantity"]

    # The other differences are acknowledged, with a note.
    mismatch = [r for r in drift_of(manager, snaic, line_ids, deployment_id) if r["kind"] == "mismatch"][0]
    refused(manager.call, "telecom.sync.audit.line", "action_acknowledge", [mismatch["id"]])
    manager.call("telecom.sync.audit.line", "write", [mismatch["id"]],
                 {"note": "Quantity corrected by SNAIC support"})
    manager.call("telecom.sync.audit.line", "action_acknowledge", [mismatch["id"]])
    assert manager.call("telecom.sync.audit.line", "read", [mismatch["id"]],
                        ["state"])[0]["state"] == "acknowledged"

    # A new audit: the lost option is back; the changed quantity is still
    # there (acknowledged is not repaired).
    time.sleep(0.5)
    again_id = run_audit(manager, backends["snaic"])
    assert [(r["kind"], r["line_id"][0]) for r in drift_of(manager, again_id, line_ids, deployment_id)] == [
        ("mismatch", by_phone[LINES[1]])]
