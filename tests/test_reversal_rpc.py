"""A reversal on a real server over XML-RPC, as the demo's users: the
Telecom Manager reverses a done deployment, and the job runner of the
production-like server cancels each option once in SNAIC and CFAST; the
other users are refused, whatever they send, and so are a second reversal
of the same line and the reversal of a reversal."""
import time
import xmlrpc.client

import pytest

from test_e2e_recharge_sync import wait_for

LINES = ["+33700000090", "+33700000091"]


def refused(call, *args, **kwargs):
    """The XML-RPC fault of a call that must be refused (a user error, not
    a crash); returns its message."""
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call(*args, **kwargs)
    message = caught.value.faultString
    assert "psycopg2" not in message and "IntegrityError" not in message, message
    return message


def done_deployment(ops, numbers):
    """Recharge DATA of 1 GB on ``numbers``, done, as the operations user."""
    line_ids = ops.call("telecom.line", "search", [["phone_number", "in", numbers]])
    assert len(line_ids) == len(numbers)
    wizard_id = ops.call("telecom.line.recharge", "create",
                         {"line_ids": [[6, 0, line_ids]], "data_gb": 1})
    action = ops.call("telecom.line.recharge", "action_confirm", [wizard_id])
    deployment_ids = [action["res_id"]] if action.get("res_id") else \
        ops.call("telecom.deployment", "search", action["domain"])
    today = time.strftime("%Y-%m-%d")
    ops.call("telecom.deployment", "write", deployment_ids,
             {"date_installed": today, "date_activation": today})
    ops.call("telecom.deployment", "action_done", deployment_ids)
    return deployment_ids[0], line_ids


def requests_of(user, deployment_id):
    return user.call("telecom.sync.request", "search_read", [["deployment_id", "=", deployment_id]],
                     fields=["system", "operation", "state", "last_error", "info",
                             "cancelled_request_id", "remote_ref"])


def test_manager_reverses_and_each_option_is_cancelled_once(rpc, odoo_server):
    sim = odoo_server["sim"]
    sim.reset()
    ops, manager, accountant = rpc("ops", "ops"), rpc("manager", "manager"), \
        rpc("accountant", "accountant")
    deployment_id, line_ids = done_deployment(ops, LINES)
    assert wait_for(lambda: all(r["state"] == "done" for r in requests_of(ops, deployment_id)),
                    timeout=60), requests_of(ops, deployment_id)

    # Only a Telecom Manager reverses: the others are told who can.
    for user in (ops, accountant):
        message = refused(user.call, "telecom.deployment.reverse", "create",
                          {"deployment_id": deployment_id, "reason": "Wrong line"})
        assert "Telecom Manager" in message, message
    # What a caller sends opens nothing: the reversal fields are not
    # writable, a deployment cannot be made a reversal by writing it.
    refused(ops.call, "telecom.deployment", "write", [deployment_id],
            {"reversed_deployment_id": deployment_id})

    # A partial reversal first (one line), then the rest.
    wizard_id = manager.call("telecom.deployment.reverse", "create", {
        "deployment_id": deployment_id, "reason": "Wrong line",
        "line_ids": [[6, 0, line_ids[:1]]]})
    action = manager.call("telecom.deployment.reverse", "action_confirm", [wizard_id])
    first = action["res_id"]
    reversal = manager.call("telecom.deployment", "read", [first],
                            ["state", "reversed_deployment_id", "amount_one_off"])[0]
    assert reversal["state"] == "done"
    assert reversal["reversed_deployment_id"][0] == deployment_id
    assert reversal["amount_one_off"] < 0

    def confirm(values):
        wizard_id = manager.call("telecom.deployment.reverse", "create", values)
        return manager.call("telecom.deployment.reverse", "action_confirm", [wizard_id])

    # The same line again: refused, nothing created.
    message = refused(confirm, {"deployment_id": deployment_id, "reason": "Again",
                                "line_ids": [[6, 0, line_ids[:1]]]})
    assert "reversed" in message, message
    # A reversal cannot be reversed.
    refused(confirm, {"deployment_id": first, "reason": "Undo the undo"})
    assert manager.call("telecom.deployment", "search_count",
                        [["reversed_deployment_id", "=", deployment_id]]) == 1

    wizard_id = manager.call("telecom.deployment.reverse", "create", {
        "deployment_id": deployment_id, "reason": "Wrong quantity"})
    second = manager.call("telecom.deployment.reverse", "action_confirm", [wizard_id])["res_id"]
    reversals = manager.call("telecom.deployment", "read", [deployment_id], ["reversal_ids"])[0]
    assert sorted(reversals["reversal_ids"]) == sorted([first, second])

    # The job runner cancels each option once, in both systems.
    def cancelled():
        rows = requests_of(ops, first) + requests_of(ops, second)
        return len(rows) == 4 and all(r["state"] == "done" for r in rows)
    assert wait_for(cancelled, timeout=60), requests_of(ops, first) + requests_of(ops, second)
    for system in ("snaic", "cfast"):
        applied = sim.sim_get(system, "applied")["applied"]
        assert sorted(a["phone"] for a in applied) == sorted(LINES), system
        assert all(a["cancelled"] for a in applied), applied
        stats = sim.sim_get(system, "stats")["cancels"]
        assert stats["done"] == 2 and stats["already_cancelled"] == 0, stats
    # The accountant reads the netted amounts.
    rows = accountant.call("telecom.deployment", "read", [deployment_id, first, second],
                           ["amount_one_off"])
    assert abs(sum(r["amount_one_off"] for r in rows)) < 0.001, rows
