"""The seed's whole flow on a real server, over XML-RPC as the operations
user: select lines, Recharge DATA, the deployment, its dates, done; then the
MAJ reaches SNAIC and CFAST by itself, exactly once per line, through the
jobs queued with it: the server runs as in production (prefork workers, a
cron worker, queue_job's job runner), and the jobs show under Queue > Jobs."""
import time

import pytest

SEED_LINES = ["+33700000092", "+33700000093"]


def wait_for(predicate, timeout=60, step=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def test_recharge_done_pushes_once_to_both_systems(rpc, odoo_server):
    sim = odoo_server["sim"]
    sim.reset()
    ops = rpc("ops", "ops")
    line_ids = ops.call("telecom.line", "search", [["phone_number", "in", SEED_LINES]])
    assert len(line_ids) == 2

    wizard_id = ops.call("telecom.line.recharge", "create", {"line_ids": [[6, 0, line_ids]], "data_gb": 2})
    action = ops.call("telecom.line.recharge", "action_confirm", [wizard_id])
    assert action["res_model"] == "telecom.deployment"
    deployment_ids = [action["res_id"]] if action.get("res_id") else \
        ops.call("telecom.deployment", "search", action["domain"])
    assert len(deployment_ids) == 1
    options = ops.call("telecom.deployment.option", "search_read",
                       [["deployment_id", "in", deployment_ids]], fields=["quantity", "amount", "line_id"])
    assert len(options) == 2 and all(o["quantity"] == 2 for o in options)

    today = time.strftime("%Y-%m-%d")
    ops.call("telecom.deployment", "write", deployment_ids, {"date_installed": today, "date_activation": today})
    assert ops.call("telecom.deployment", "action_done", deployment_ids) is True

    def both_applied():
        rows = ops.call("telecom.deployment", "read", deployment_ids,
                        ["snaic_sync_state", "cfast_sync_state"])
        return all(r["snaic_sync_state"] == "applied" and r["cfast_sync_state"] == "applied" for r in rows)
    assert wait_for(both_applied, timeout=30), ops.call(
        "telecom.sync.request", "search_read", [["deployment_id", "in", deployment_ids]],
        fields=["system", "state", "last_error"])

    for system in ("snaic", "cfast"):
        applied = sim.sim_get(system, "applied")["applied"]
        assert sorted(a["phone"] for a in applied) == sorted(SEED_LINES), system
        assert len({a["idempotency_key"] for a in applied}) == 2

    lines = ops.call("telecom.line", "read", line_ids,
                     ["telecom_binding_ids", "snaic_sync_state", "update_ids", "one_off_summary"])
    for line in lines:
        # The IDs looked up on the way: one per system, read by the user.
        bindings = ops.call("telecom.binding", "read", line["telecom_binding_ids"],
                            ["system", "external_id"])
        assert sorted(b["system"] for b in bindings if b["external_id"]) == ["cfast", "snaic"]
        assert line["snaic_sync_state"] == "done"
        assert line["update_ids"]
        assert "×2" in line["one_off_summary"] or "x2" in line["one_off_summary"]
    messages = ops.call("mail.message", "search_read",
                        [["model", "=", "telecom.deployment"], ["res_id", "in", deployment_ids]],
                        fields=["body"])
    assert any("Applied in SNAIC:" in m["body"] for m in messages), messages

    # Each MAJ noted in its line's chatter by a job of its own channel.
    deployment_name = ops.call("telecom.deployment", "read", deployment_ids, ["name"])[0]["name"]

    def noted():
        notes = ops.call("mail.message", "search_read", [
            ["model", "=", "telecom.line"], ["res_id", "in", line_ids],
            ["body", "ilike", deployment_name]], fields=["res_id"])
        return sorted(n["res_id"] for n in notes) == sorted(line_ids)
    assert wait_for(noted, timeout=30)

    # Done by queue_job's jobs, in the channel of each system, which the
    # administrator sees under Queue > Jobs.
    # A lane commits its requests before queue_job records the job done (in
    # a transaction of its own, once the job returns): wait for that too.
    admin = rpc("admin", "admin")

    def lane_jobs():
        return admin.call("queue.job", "search_read", [["method_name", "=", "_telecom_job_lane"]],
                          fields=["channel", "state", "result", "eta"])

    def settled():
        jobs = lane_jobs()
        done = [j for j in jobs if j["state"] == "done"]
        return any("applied: 2" in j["result"] for j in done) and all(
            j["state"] == "done" or (j["state"] == "pending" and j["eta"]) for j in jobs)
    wait_for(settled, timeout=30)
    jobs = lane_jobs()
    done = [j for j in jobs if j["state"] == "done"]
    assert {"root.telecom_sync.snaic", "root.telecom_sync.cfast"} <= {j["channel"] for j in done}, jobs
    assert any("applied: 2" in j["result"] for j in done), jobs
    # The others wait for a retry time (the demo's request that SNAIC
    # answered 503); none failed.
    assert all(j["state"] == "done" or (j["state"] == "pending" and j["eta"]) for j in jobs), jobs
