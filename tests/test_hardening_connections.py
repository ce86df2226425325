"""Hardening: the connections change under the sync, on a prefork server
whose job runner and cron worker do the work (nobody triggers anything).

* Scenario 11: the connection is archived when the deployment is done; the
  requests wait, shown as such, nothing is sent; activated again, they are
  applied within seconds, once.
* Scenario 12: the URL is changed while outcomes are unknown: refused (they
  would be read back on the new URL and applied again there); once read
  back where they were sent, the change goes through.
* Scenario 13: a system answers 429 with a Retry-After of 3e11 seconds:
  the request waits the connection's longest back-off, not for ever; a 429
  that never ends puts it in error, in plain words.
* Scenario 14: a line's number changes after its IDs were stored: they
  are forgotten, looked up again before the next push, and the next top-up
  lands on the line the new number is in each system.
"""
import time
import xmlrpc.client

import pytest

from hardening_support import create_lines, print_table, recharge_done, scenario, wait_for


@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with scenario(odoo_env, tmp_path_factory, "connections") as stage_:
        yield stage_


def top_up(stage, number):
    """As ops, a line with this number (known to both simulators), 1 GB
    and the deployment done; returns the deployment id."""
    ops = stage["server"].rpc("ops")
    for system in ("snaic", "cfast"):
        stage["sim"].sim_post(system, "seed", {"lines": [number]})
    return recharge_done(ops, create_lines(ops, [number]))


def request_of(stage, deployment, system):
    admin = stage["server"].rpc("admin")
    ids = admin.call("telecom.sync.request", "search", [
        ["deployment_id", "=", deployment], ["system", "=", system]])
    return admin.call("telecom.sync.request", "read", ids, [
        "state", "blocked", "attempt_count", "throttle_count", "next_attempt_at",
        "last_error", "reference"])[0]


def applied_for(stage, system, reference):
    return [a for a in stage["sim"].sim_get(system, "applied")["applied"]
            if a["reference"].startswith(reference + "-")]


def backend_id(stage, system):
    admin = stage["server"].rpc("admin")
    return admin.call("telecom.api.backend", "search", [["system", "=", system]])[0]


def test_connection_archived_when_the_deployment_is_done(stage, capsys):
    admin = stage["server"].rpc("admin")
    cfast = backend_id(stage, "cfast")
    admin.call("telecom.api.backend", "write", [cfast], {"active": False})
    deployment = top_up(stage, "+33655570001")
    assert wait_for(lambda: request_of(stage, deployment, "snaic")["state"] == "done",
                    timeout=60)
    time.sleep(3)  # a job that would send to CFAST anyway has had its time
    waiting = request_of(stage, deployment, "cfast")
    assert (waiting["state"], waiting["blocked"]) == ("pending", "archived"), waiting
    assert not applied_for(stage, "cfast", waiting["reference"])

    started = time.time()
    admin.call("telecom.api.backend", "write", [cfast], {"active": True})
    assert wait_for(lambda: request_of(stage, deployment, "cfast")["state"] == "done",
                    timeout=60), request_of(stage, deployment, "cfast")
    took = time.time() - started
    print_table("Scenario 11: CFAST's connection archived when the deployment is done",
                ["while archived", "after activation", "applied in CFAST", "seconds"],
                [["%s (%s)" % (waiting["state"], waiting["blocked"]), "done",
                  len(applied_for(stage, "cfast", waiting["reference"])), round(took, 1)]],
                capsys)
    assert len(applied_for(stage, "cfast", waiting["reference"])) == 1


def test_url_change_refused_while_outcomes_are_unknown(stage, capsys):
    admin = stage["server"].rpc("admin")
    sim = stage["sim"]
    snaic = backend_id(stage, "snaic")
    url = admin.call("telecom.api.backend", "read", [snaic], ["base_url"])[0]["base_url"]
    # SNAIC applies the option, then answers too late; reading it back
    # fails (503) until the test lets it answer: the outcome stays unknown.
    sim.faults("snaic", script=[
        {"fault": "timeout_after_apply", "match": "apply", "times": 1, "timeout_s": 3},
        {"fault": "5xx", "match": "get_option", "times": 100000}])
    admin.call("telecom.api.backend", "write", [snaic], {"timeout": 1, "timeout_connect": 1})
    try:
        deployment = top_up(stage, "+33655570002")
        assert wait_for(lambda: request_of(stage, deployment, "snaic")["state"] == "unknown",
                        timeout=60), request_of(stage, deployment, "snaic")
        with pytest.raises(xmlrpc.client.Fault) as refused:
            admin.call("telecom.api.backend", "write", [snaic],
                       {"base_url": "http://127.0.0.1:9/elsewhere"})
        assert "unknown" in refused.value.faultString.lower()
    finally:
        sim.faults("snaic")
        admin.call("telecom.api.backend", "write", [snaic], {"timeout": 30, "timeout_connect": 5})
    # The system answers again: the read-back (the cron worker queues it)
    # finds the option applied; no second application.
    assert wait_for(lambda: request_of(stage, deployment, "snaic")["state"] == "done",
                    timeout=150, step=2), request_of(stage, deployment, "snaic")
    request = request_of(stage, deployment, "snaic")
    admin.call("telecom.api.backend", "write", [snaic], {"base_url": url})
    print_table("Scenario 12: SNAIC's URL changed while an outcome is unknown",
                ["change while unknown", "after the read-back", "applied in SNAIC", "attempts"],
                [["refused", request["state"], len(applied_for(stage, "snaic", request["reference"])),
                  request["attempt_count"]]], capsys)
    assert len(applied_for(stage, "snaic", request["reference"])) == 1
    assert request["attempt_count"] == 1


def test_huge_retry_after_and_a_429_that_never_ends(stage, capsys):
    admin = stage["server"].rpc("admin")
    sim = stage["sim"]
    cfast = backend_id(stage, "cfast")
    before = admin.call("telecom.api.backend", "read", [cfast], [
        "max_attempts", "retry_delay", "retry_delay_max"])[0]
    del before["id"]
    admin.call("telecom.api.backend", "write", [cfast], {
        "max_attempts": 1, "retry_delay": 1, "retry_delay_max": 2})
    sim.faults("cfast", rates={"429": 1.0}, rates_match="apply", retry_after=int(3e11))
    try:
        deployment = top_up(stage, "+33655570003")
        assert wait_for(lambda: request_of(stage, deployment, "cfast")["throttle_count"] >= 1,
                        timeout=60)
        first = request_of(stage, deployment, "cfast")
        # Never sent again for 3e11 s: at most the longest back-off (2 s),
        # so the 429s go on, and after 3 per allowed attempt the request is
        # in error, without the job runner or anybody looping.
        assert wait_for(lambda: request_of(stage, deployment, "cfast")["state"] == "error",
                        timeout=90, step=1), request_of(stage, deployment, "cfast")
        final = request_of(stage, deployment, "cfast")
    finally:
        sim.faults("cfast")
        admin.call("telecom.api.backend", "write", [cfast], before)
    print_table("Scenario 13: a 429 with Retry-After 3e11 s that never ends",
                ["after the first 429", "final", "429 answers", "attempts", "last error"],
                [["%s, next %s" % (first["state"], first["next_attempt_at"]), final["state"],
                  final["throttle_count"], final["attempt_count"], final["last_error"][:60]]],
                capsys)
    assert final["throttle_count"] == 4 and final["attempt_count"] == 0, final
    assert "429" in final["last_error"]


def test_phone_number_changed_after_its_id_was_stored(stage, capsys):
    server, sim = stage["server"], stage["sim"]
    admin, ops = server.rpc("admin"), server.rpc("ops")
    first = top_up(stage, "+33655570004")
    assert wait_for(lambda: request_of(stage, first, "snaic")["state"] == "done", timeout=60)
    line = ops.call("telecom.deployment", "read", [first], ["line_ids"])[0]["line_ids"][0]

    def bindings():
        return {b["system"]: b["external_id"] for b in admin.call(
            "telecom.binding", "search_read", [["res_model", "=", "telecom.line"],
                                               ["res_id", "=", line]],
            fields=["system", "external_id"])}
    before = bindings()
    assert set(before) == {"snaic", "cfast"}, before

    # The customer's line got a new number, which both systems know under
    # other IDs: the IDs stored for the old one are forgotten at once.
    for system in ("snaic", "cfast"):
        sim.sim_post(system, "seed", {"lines": ["+33655570005"]})
    ops.call("telecom.line", "write", [line], {"phone_number": "+33655570005"})
    assert bindings() == {}
    second = recharge_done(ops, [line])
    assert wait_for(lambda: all(request_of(stage, second, system)["state"] == "done"
                                for system in ("snaic", "cfast")), timeout=60)
    after = bindings()
    rows = []
    for system in ("snaic", "cfast"):
        old = applied_for(stage, system, request_of(stage, first, system)["reference"])
        new = applied_for(stage, system, request_of(stage, second, system)["reference"])
        rows.append([system.upper(), before[system], after[system], old[0]["phone"],
                     new[0]["phone"]])
        assert len(old) == 1 and len(new) == 1
        assert old[0]["phone"] == "+33655570004" and new[0]["phone"] == "+33655570005"
        assert after[system] != before[system]
    print_table("Scenario 14: a line's number changed after its IDs were stored",
                ["system", "ID before", "ID after", "first top-up on", "second top-up on"],
                rows, capsys)
