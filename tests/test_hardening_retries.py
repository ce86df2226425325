"""Hardening: fifty users press Retry on the same request in error at once.

A request in error (the line is unknown to CFAST, so every attempt fails
the same way) gets 50 parallel ``action_retry`` calls over XML-RPC, each on
a connection of its own, as ``ops``. Each retry either puts the request back
in the queue or is refused in plain words ("nothing to retry"): never a
server error. A retry is accepted only while the request is in error, so
the attempts made are the accepted retries, far fewer than the clicks, and
the deployment's error activity names each error once.
"""
import threading
import time

import pytest

from hardening_support import (create_lines, outcome, print_table, recharge_done, scenario,
                               wait_for)

CALLS = 50


@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with scenario(odoo_env, tmp_path_factory, "retries") as stage_:
        yield stage_


def test_fifty_parallel_retries_retry_once(stage, capsys):
    db, server = stage["db"], stage["server"]
    ops = server.rpc("ops")
    # A number neither simulator knows: both requests end in error.
    deployment = recharge_done(ops, create_lines(ops, ["+33655512345"]))

    def request_row():
        rows = db.query("SELECT id, state, attempt_count FROM telecom_sync_request "
                        "WHERE deployment_id = %s AND system = 'cfast'", (deployment,))
        return rows[0] if rows else None
    assert wait_for(lambda: request_row() and request_row()[1] == "error", timeout=60), \
        request_row()
    request, _state, attempts_before = request_row()

    barrier = threading.Barrier(CALLS)
    results = []

    def press_retry():
        user = server.rpc("ops")
        barrier.wait(30)
        results.append(outcome(lambda: user.call("telecom.sync.request", "action_retry",
                                                 [request])))

    threads = [threading.Thread(target=press_retry) for _ in range(CALLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == CALLS
    # The accepted retries' pushes end, each in the same error.
    assert wait_for(lambda: request_row()[1] == "error", timeout=60), request_row()
    time.sleep(2)  # a push started after the last retry would show here
    _id, state, attempts_after = request_row()

    kinds = sorted({kind for kind, _message in results})
    accepted = sum(1 for kind, _message in results if kind == "ok")
    print_table("Hardening: %d parallel Retry calls on one request in error" % CALLS,
                ["accepted", "refused (nothing to retry)", "attempts made", "final state"],
                [[accepted, CALLS - accepted, attempts_after - attempts_before, state]], capsys)
    assert set(kinds) <= {"ok", "user"}, [r for r in results if r[0] not in ("ok", "user")][:3]
    assert accepted >= 1
    # Each accepted retry is one attempt: a retry is accepted only once the
    # previous one has failed again, never while it is queued or being sent
    # (before, 34 of 50 were accepted for 21 attempts). How many get in
    # depends on how fast the system answers; far fewer than the clicks.
    assert attempts_after - attempts_before == accepted
    assert accepted < CALLS // 2, accepted
    note = db.query("SELECT note FROM mail_activity WHERE res_model = 'telecom.deployment' "
                    "AND res_id = %s", (deployment,))[0][0]
    assert note.count("CFAST / ") == 1, note
