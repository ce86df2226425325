"""The SNAIC/CFAST simulator (simulator/sim.py) against its contract
(docs/api/*.yaml), its fault injection, and the real API clients
(telecom_snaic_cfast/clients) driven against it over real HTTP.

Plain pytest, no Odoo: `pytest -p no:odoo tests/test_simulator.py`.
"""
import datetime
import http.client
import importlib.util
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simulator_fixtures import (CLIENTS_DIR, SimProcess, load_clients, sim,  # noqa: E402,F401
                                sim_server)

clients = load_clients()

PHONE = "+33700000090"
SPEC = {
    "snaic": {
        "ping": "/api/v1/ping",
        "line": ("/api/v1/lines/lookup", "msisdn"),
        "site": ("/api/v1/sites/lookup", "code"),
        "customer": ("/api/v1/customers/lookup", "ref"),
        "apply": "/api/v1/lines/%s/options",
        "option": ("/api/v1/options/lookup", "reference"),
        "cancel": "/api/v1/options/%s/cancel",
        "already_cancelled": "already_cancelled", "not_found": "not_found",
        "line_id": "SN-L-000101", "site_id": "SN-S-0001", "customer_id": "SN-C-0001",
        "ref_pattern": r"^OP-\d+$",
    },
    "cfast": {
        "ping": "/rest/v2/whoami",
        "line": ("/rest/v2/lines/search", "phoneNumber"),
        "site": ("/rest/v2/sites/search", "siteCode"),
        "customer": ("/rest/v2/accounts/search", "externalRef"),
        "apply": "/rest/v2/lines/%s/one-off-options",
        "option": ("/rest/v2/one-off-options/search", "externalReference"),
        "cancel": "/rest/v2/one-off-options/%s/cancellation",
        "already_cancelled": "OPTION_ALREADY_CANCELLED", "not_found": "NOT_FOUND",
        "line_id": 880001, "site_id": 5101, "customer_id": 90001,
        "ref_pattern": r"^CF-\d{6}$",
    },
}
SYSTEMS = ("snaic", "cfast")


def option_body(system, reference, product="RDATA1G-LT50", quantity=2, **extra):
    """An apply body in the system's own spelling."""
    if system == "snaic":
        body = {"product_code": product, "quantity": quantity, "unit_price": "1.00",
                "effective_date": "2026-03-01", "reference": reference}
    else:
        body = {"productCode": product, "quantity": quantity, "unitPrice": "1.00",
                "effectiveDate": "2026-03-01", "externalReference": reference}
    body.update(extra)
    return body


def apply(sim, system, key, reference="telecom_test:MAJ-1", line_id=None, timeout=10, token=None, **body_kw):
    line_id = SPEC[system]["line_id"] if line_id is None else line_id
    return sim.api(system, "POST", SPEC[system]["apply"] % line_id, timeout=timeout, token=token,
                   headers={"Idempotency-Key": key} if key else {},
                   json=option_body(system, "%s:%s" % (reference, system), **body_kw))


def cancel(sim, system, ref, key, reference="telecom_test:REV-1", timeout=10, token=None):
    """Cancel the option ``ref`` with our reference of the cancel in the system's spelling."""
    field = {"snaic": "cancel_reference", "cfast": "cancellationReference"}[system]
    body = {field: "%s:%s" % (reference, system)} if reference else {}
    return sim.api(system, "POST", SPEC[system]["cancel"] % ref, timeout=timeout, token=token,
                   headers={"Idempotency-Key": key} if key else {}, json=body)


def cancels(**counts):
    """The expected ``cancels`` counts of /_sim/stats: those given, others 0."""
    expected = dict.fromkeys(("done", "replayed", "already_cancelled", "not_found", "key_reused",
                              "key_in_use"), 0)
    expected.update(counts)
    return expected


def is_cancelled(system, payload):
    """(cancelled, cancelled at) of an option answer in the system's spelling."""
    if system == "snaic":
        assert payload["status"] == ("cancelled" if payload["cancelled"] else "applied")
        return payload["cancelled"], payload["cancelled_at"]
    option = payload["option"]
    assert option["state"] == ("CANCELLED" if option["cancelled"] else "APPLIED")
    return option["cancelled"], option["cancelledAt"]


def lookup(sim, system, kind, value, **kw):
    path, param = SPEC[system][kind]
    return sim.api(system, "GET", path, params={param: value}, **kw)


def remote_ref(system, payload):
    return payload["option_ref"] if system == "snaic" else payload["option"]["id"]


def applied(sim, system):
    return sim.sim_get(system, "applied")["applied"]


def client(sim, system, **kw):
    c = clients.make_client(system, sim.url(system), sim.tokens[system], **kw)
    return c


# ---------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("system", SYSTEMS)
def test_lookups_return_each_systems_own_ids_and_404_when_unknown(sim, system):
    spec = SPEC[system]
    line = lookup(sim, system, "line", PHONE)
    site = lookup(sim, system, "site", "SITE_SW1")
    customer = lookup(sim, system, "customer", "DEMO-CUST-SW")
    assert (line.status_code, site.status_code, customer.status_code) == (200, 200, 200)
    if system == "snaic":
        assert line.json()["line_id"] == spec["line_id"]
        assert site.json()["site_id"] == spec["site_id"]
        assert customer.json()["customer_id"] == spec["customer_id"]
    else:
        assert line.json()["line"]["id"] == spec["line_id"]
        assert site.json()["site"]["id"] == spec["site_id"]
        assert customer.json()["account"]["id"] == spec["customer_id"]
    for kind, value in (("line", "+33699999999"), ("site", "SITE_NOPE"), ("customer", "NOPE")):
        missing = lookup(sim, system, kind, value)
        assert missing.status_code == 404
        assert set(missing.json()["error"]) == {"code", "message"}
    assert lookup(sim, system, "line", "0700000090").status_code == 422


def test_seed_has_the_demo_data_and_lines_known_to_one_system_only(sim):
    for system in SYSTEMS:
        for n in range(90, 110):
            assert lookup(sim, system, "line", "+33700000%03d" % n).status_code == 200
        for n in range(1, 11):
            assert lookup(sim, system, "line", "+336000000%02d" % n).status_code == 200
        for code in ("SITE_SW1", "SITE_SW2", "SITE_NE1"):
            assert lookup(sim, system, "site", code).status_code == 200
        for ref in ("DEMO-CUST-SW", "DEMO-CUST-NE"):
            assert lookup(sim, system, "customer", ref).status_code == 200
    assert lookup(sim, "snaic", "line", "+33600000099").status_code == 200
    assert lookup(sim, "cfast", "line", "+33600000099").status_code == 404
    assert lookup(sim, "cfast", "line", "+33600000098").status_code == 200
    assert lookup(sim, "snaic", "line", "+33600000098").status_code == 404


@pytest.mark.parametrize("system", SYSTEMS)
def test_apply_with_key_then_read_back_by_reference(sim, system):
    spec = SPEC[system]
    extra = ({"site_id": spec["site_id"], "customer_id": spec["customer_id"]} if system == "snaic"
             else {"siteId": spec["site_id"], "accountId": spec["customer_id"]})
    answer = apply(sim, system, "key-1", **extra)
    assert answer.status_code == 201, answer.text
    ref = remote_ref(system, answer.json())
    assert re.match(spec["ref_pattern"], ref)
    back = lookup(sim, system, "option", "telecom_test:MAJ-1:%s" % system)
    assert back.status_code == 200
    assert remote_ref(system, back.json()) == ref
    assert lookup(sim, system, "option", "telecom_test:never").status_code == 404
    [record] = applied(sim, system)
    assert record["idempotency_key"] == "key-1"
    assert record["line_id"] == str(spec["line_id"])
    assert record["phone"] == PHONE
    assert (record["product_code"], record["quantity"], record["unit_price"]) == ("RDATA1G-LT50", 2, "1.00")
    assert record["reference"] == "telecom_test:MAJ-1:%s" % system
    assert record["remote_ref"] == ref
    assert record["site_id"] == str(spec["site_id"]) and record["customer_id"] == str(spec["customer_id"])
    assert record["applied_at"].endswith("Z")


@pytest.mark.parametrize("system", SYSTEMS)
def test_reused_key_with_same_body_replays_the_first_answer_and_applies_once(sim, system):
    first = apply(sim, system, "key-same")
    second = apply(sim, system, "key-same")
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert len(applied(sim, system)) == 1
    assert sim.sim_get(system, "stats")["replays"] == 1


@pytest.mark.parametrize("system", SYSTEMS)
def test_reused_key_with_different_body_is_409(sim, system):
    assert apply(sim, system, "key-x").status_code == 201
    conflict = apply(sim, system, "key-x", quantity=3)
    assert conflict.status_code == 409
    assert "Idempotency-Key" in conflict.json()["error"]["message"]
    # the same reference under another key is refused too: never applied twice
    duplicate = apply(sim, system, "key-y")
    assert duplicate.status_code == 409
    assert len(applied(sim, system)) == 1


@pytest.mark.parametrize("system", SYSTEMS)
def test_validation_errors_apply_nothing(sim, system):
    assert apply(sim, system, "k1", product="BAD-CODE").status_code == 422
    assert apply(sim, system, "k2", quantity=0).status_code == 422
    assert apply(sim, system, "k3", quantity=1.5).status_code == 422
    assert apply(sim, system, "k4", line_id="999").status_code == 404
    assert apply(sim, system, None).status_code == 400  # no Idempotency-Key
    bad_json = sim.api(system, "POST", SPEC[system]["apply"] % SPEC[system]["line_id"],
                       headers={"Idempotency-Key": "k5"}, data="not json")
    assert bad_json.status_code == 400
    missing = sim.api(system, "POST", SPEC[system]["apply"] % SPEC[system]["line_id"],
                      headers={"Idempotency-Key": "k6"}, json={"quantity": 1})
    assert missing.status_code == 400
    assert applied(sim, system) == []


@pytest.mark.parametrize("system", SYSTEMS)
def test_prices_are_decimal_strings(sim, system):
    """Money travels as exact decimal strings: a JSON number (a float) is
    refused by both systems."""
    field = {"snaic": "unit_price", "cfast": "unitPrice"}[system]
    answer = apply(sim, system, "k1", **{field: 0.1})
    assert answer.status_code == 422
    assert field in answer.json()["error"]["message"]
    assert applied(sim, system) == []


@pytest.mark.parametrize("system", SYSTEMS)
def test_wrong_or_missing_token_is_401(sim, system):
    assert lookup(sim, system, "line", PHONE, token="wrong").status_code == 401
    assert apply(sim, system, "k1", token="wrong").status_code == 401
    assert applied(sim, system) == []
    no_token = requests.get(sim.url(system) + SPEC[system]["ping"], timeout=10)
    assert no_token.status_code == 401
    assert sim.api(system, "GET", SPEC[system]["ping"]).status_code == 200
    # the other system's token is not valid here
    other = "cfast" if system == "snaic" else "snaic"
    assert sim.api(system, "GET", SPEC[system]["ping"], token=sim.tokens[other]).status_code == 401


def test_reset_clears_applied_keys_faults_and_stats_and_seed_adds_lines(sim):
    assert apply(sim, "snaic", "k1").status_code == 201
    sim.faults("snaic", script=[{"match": "apply", "fault": "5xx", "times": 3}])
    added = sim.sim_post("snaic", "seed", {"lines": ["+33611111111"], "sites": {"SITE_NEW": "SN-S-0999"}})
    assert lookup(sim, "snaic", "line", "+33611111111").json()["line_id"] == added["lines"]["+33611111111"]
    assert lookup(sim, "snaic", "site", "SITE_NEW").json()["site_id"] == "SN-S-0999"
    cf = sim.sim_post("cfast", "seed", {"lines": {"+33611111111": 123456}})
    assert lookup(sim, "cfast", "line", "+33611111111").json()["line"]["id"] == cf["lines"]["+33611111111"]
    sim.sim_post("snaic", "reset")
    assert applied(sim, "snaic") == []
    assert sim.sim_get("snaic", "faults")["script"] == []
    stats = sim.sim_get("snaic", "stats")
    assert stats["requests"] == {} and stats["applied"] == 0
    # keys are forgotten: the same key applies again
    assert apply(sim, "snaic", "k1").json()["option_ref"] == "OP-1"
    # the seed is reloaded: lines added at run time are gone, the file's are back
    assert lookup(sim, "snaic", "line", "+33611111111").status_code == 404
    assert lookup(sim, "snaic", "line", PHONE).status_code == 200


def test_keep_alive_serves_several_requests_on_one_connection(sim):
    parts = urlsplit(sim.url("snaic"))
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        socks = []
        for _ in range(3):
            conn.request("GET", SPEC["snaic"]["ping"], headers=sim.headers("snaic"))
            response = conn.getresponse()
            assert response.status == 200 and response.version == 11
            response.read()
            socks.append(conn.sock)
        assert socks[0] is not None and all(s is socks[0] for s in socks)
    finally:
        conn.close()


@pytest.mark.parametrize("system", SYSTEMS)
def test_concurrent_requests_with_one_key_apply_once(sim, system):
    """Workers racing with the same key: while the first call is answered,
    the others get 409 "key in use" at once (they never wait for it, so a
    client must not rely on the system to serialise them); one application;
    once answered, the key replays the first answer."""
    sim.faults(system, latency_ms=400)
    results = []

    def worker():
        results.append(apply(sim, system, "key-race"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [409] * 7, statuses
    in_use = {"snaic": "idempotency_key_in_use", "cfast": "IDEMPOTENCY_KEY_IN_USE"}[system]
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {in_use}
    assert len(applied(sim, system)) == 1
    first = [r for r in results if r.status_code == 201][0]
    again = apply(sim, system, "key-race")
    assert (again.status_code, again.content) == (201, first.content)
    assert len(applied(sim, system)) == 1


# ---------------------------------------------------------------------------
# Cancel
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("system", SYSTEMS)
def test_cancel_by_remote_ref_shows_in_applied_read_back_and_stats(sim, system):
    reference = "telecom_test:MAJ-1:%s" % system
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    [before] = applied(sim, system)
    assert (before["cancelled"], before["cancelled_at"], before["cancel_idempotency_key"]) == (False, None, None)
    assert is_cancelled(system, lookup(sim, system, "option", reference).json()) == (False, None)
    answer = cancel(sim, system, ref, "cancel-key-1")
    assert answer.status_code == 200, answer.text
    assert "Idempotent-Replayed" not in answer.headers
    assert remote_ref(system, answer.json()) == ref
    option = answer.json() if system == "snaic" else answer.json()["option"]
    assert option["reference" if system == "snaic" else "externalReference"] == reference
    cancelled, cancelled_at = is_cancelled(system, answer.json())
    assert cancelled is True and cancelled_at.endswith("Z")
    [record] = applied(sim, system)
    assert record["cancelled"] is True and record["cancelled_at"] == cancelled_at
    assert record["cancel_idempotency_key"] == "cancel-key-1"
    assert record["cancel_reference"] == "telecom_test:REV-1:%s" % system
    # the read-back by our reference says it is cancelled, and when
    assert is_cancelled(system, lookup(sim, system, "option", reference).json()) == (True, cancelled_at)
    stats = sim.sim_get(system, "stats")
    assert (stats["applied"], stats["cancelled"]) == (1, 1)
    assert stats["cancels"] == cancels(done=1)
    assert stats["requests"]["cancel"] == 1


@pytest.mark.parametrize("system", SYSTEMS)
def test_cancel_same_key_replays_other_key_is_already_cancelled(sim, system):
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    first = cancel(sim, system, ref, "cancel-key")
    again = cancel(sim, system, ref, "cancel-key")
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = cancel(sim, system, ref, "cancel-key-2")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == SPEC[system]["already_cancelled"]
    # the same key with another request (another cancel reference) is refused
    changed = cancel(sim, system, ref, "cancel-key", reference="telecom_test:REV-9")
    assert changed.status_code == 409
    assert "Idempotency-Key" in changed.json()["error"]["message"]
    # an apply key cannot be reused for a cancel either
    assert cancel(sim, system, ref, "key-1").status_code == 409
    [record] = applied(sim, system)
    assert record["cancel_idempotency_key"] == "cancel-key"
    stats = sim.sim_get(system, "stats")
    assert stats["cancelled"] == 1
    # refused: the other key (already cancelled), the same key with another
    # body and the apply's key (key reused)
    assert stats["cancels"] == cancels(done=1, replayed=1, already_cancelled=1, key_reused=2)
    assert stats["replays"] == 0  # apply replays only


@pytest.mark.parametrize("system", SYSTEMS)
def test_cancel_refusals_cancel_nothing(sim, system):
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    unknown = cancel(sim, system, ref + "9", "k1")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == SPEC[system]["not_found"]
    assert cancel(sim, system, ref, None).status_code == 400  # no Idempotency-Key
    not_json = sim.api(system, "POST", SPEC[system]["cancel"] % ref, headers={"Idempotency-Key": "k2"},
                       data="not json")
    assert not_json.status_code == 400
    field = {"snaic": "cancel_reference", "cfast": "cancellationReference"}[system]
    bad = sim.api(system, "POST", SPEC[system]["cancel"] % ref, headers={"Idempotency-Key": "k3"},
                  json={field: 42})
    assert bad.status_code == 422
    assert cancel(sim, system, ref, "k4", token="wrong").status_code == 401
    wrong_method = sim.api(system, "GET", SPEC[system]["cancel"] % ref)
    assert wrong_method.status_code == 405
    [record] = applied(sim, system)
    assert record["cancelled"] is False
    assert sim.sim_get(system, "stats")["cancels"]["not_found"] == 1
    # a refused cancel does not keep its key: corrected, the same key cancels
    assert cancel(sim, system, ref, "k3").status_code == 200
    # without our reference of the cancel, the body may be empty
    ref2 = remote_ref(system, apply(sim, system, "key-2", reference="telecom_test:MAJ-2").json())
    empty = sim.api(system, "POST", SPEC[system]["cancel"] % ref2, headers={"Idempotency-Key": "k5"})
    assert empty.status_code == 200
    assert [r["cancel_reference"] for r in applied(sim, system)] == ["telecom_test:REV-1:%s" % system, None]


@pytest.mark.parametrize("system", SYSTEMS)
def test_concurrent_cancels_cancel_once(sim, system):
    """Racing cancels, with one key and with several keys: one cancel takes
    effect; the same key is "in use" while answered, the others are already
    cancelled."""
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    sim.faults(system, latency_ms=500)
    results = []

    def worker(key):
        results.append(cancel(sim, system, ref, key))

    keys = ["cancel-race"] * 4 + ["cancel-race-%d" % n for n in range(4)]
    threads = [threading.Thread(target=worker, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 8
    assert sorted(r.status_code for r in results).count(200) == 1
    assert all(r.status_code == 409 for r in results if r.status_code != 200)
    stats = sim.sim_get(system, "stats")
    assert stats["cancelled"] == 1
    # one took effect; the same key was in use three times, other keys refused
    assert stats["cancels"] == cancels(done=1, key_in_use=3, already_cancelled=4)
    assert len(applied(sim, system)) == 1


@pytest.mark.parametrize("system", SYSTEMS)
def test_apply_faults_also_hit_cancels_unless_cancel_is_named(sim, system):
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    sim.faults(system, script=[{"match": "apply", "fault": "5xx"}])
    assert sim.sim_get(system, "faults")["apply_covers_cancel"] is True
    failed = cancel(sim, system, ref, "ck")
    assert failed.status_code == 503
    assert applied(sim, system)[0]["cancelled"] is False
    # "cancel" named: each operation gets its own faults only
    sim.faults(system, script=[{"match": "apply", "fault": "5xx"}, {"match": "cancel", "fault": "429"}])
    assert sim.sim_get(system, "faults")["apply_covers_cancel"] is False
    busy = cancel(sim, system, ref, "ck")
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
    assert cancel(sim, system, ref, "ck").status_code == 200
    assert sim.sim_get(system, "faults")["script"] == [{"match": "apply", "fault": "5xx", "times": 1}]
    # apply alone, said explicitly
    sim.faults(system, apply_covers_cancel=False, rates={"5xx": 1.0}, rates_match="apply")
    assert cancel(sim, system, ref, "ck").status_code == 200
    assert apply(sim, system, "key-2", reference="telecom_test:MAJ-2").status_code == 503
    stats = sim.sim_get(system, "stats")
    assert stats["faults"] == {"5xx": 2, "429": 1}
    assert stats["cancels"]["done"] == 1 and stats["cancelled"] == 1


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("fault", ["5xx", "drop", "401", "403", "422", "404"])
def test_cancel_faults_before_cancel_nothing(sim, system, fault):
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    sim.faults(system, script=[{"match": "cancel", "fault": fault}])
    if fault == "drop":
        with pytest.raises(requests.exceptions.ConnectionError):
            cancel(sim, system, ref, "ck")
    else:
        assert cancel(sim, system, ref, "ck").status_code == int(fault.replace("xx", "03"))
    assert applied(sim, system)[0]["cancelled"] is False
    assert cancel(sim, system, ref, "ck").status_code == 200
    assert sim.sim_get(system, "stats")["cancels"]["done"] == 1


@pytest.mark.parametrize("system", SYSTEMS)
def test_cancel_timeout_after_apply_cancels_once_then_read_back(sim, system):
    """The system cancelled but the caller timed out: the read-back says
    cancelled, a retry with the same key replays, another key is refused;
    the option was cancelled exactly once."""
    reference = "telecom_test:MAJ-1:%s" % system
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    sim.faults(system, timeout_s=1.0, script=[{"match": "apply", "fault": "timeout_after_apply"}])
    started = time.time()
    with pytest.raises(requests.exceptions.ReadTimeout):
        cancel(sim, system, ref, "ck", timeout=(3, 0.3))
    assert time.time() - started < 1.0
    [record] = applied(sim, system)
    assert record["cancelled"] is True and record["cancel_idempotency_key"] == "ck"
    assert is_cancelled(system, lookup(sim, system, "option", reference).json())[0] is True
    # the late answer is still on its way, yet the key already replays it
    again = cancel(sim, system, ref, "ck")
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert cancel(sim, system, ref, "ck-2").status_code == 409
    stats = sim.sim_get(system, "stats")
    assert stats["cancels"] == cancels(done=1, replayed=1, already_cancelled=1)
    assert stats["faults"] == {"timeout_after_apply": 1}


@pytest.mark.parametrize("system", SYSTEMS)
def test_cancel_malformed_cancels_and_answers_unreadable_json(sim, system):
    ref = remote_ref(system, apply(sim, system, "key-1").json())
    sim.faults(system, script=[{"match": "cancel", "fault": "malformed"}])
    answer = cancel(sim, system, ref, "ck")
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()
    assert applied(sim, system)[0]["cancelled"] is True
    assert is_cancelled(system, cancel(sim, system, ref, "ck").json())[0] is True  # the replay is readable
    assert sim.sim_get(system, "stats")["cancels"]["done"] == 1


# ---------------------------------------------------------------------------
# The list of applied options, /_sim/forget, /_sim/inject
# ---------------------------------------------------------------------------

LIST = {
    "snaic": {"path": "/api/v1/options", "from": "applied_from", "to": "applied_to", "size": "page_size"},
    "cfast": {"path": "/rest/v2/one-off-options", "from": "appliedFrom", "to": "appliedTo", "size": "limit"},
}
WIDE = ("2026-01-01T00:00:00Z", "2100-01-01T00:00:00Z")


def list_call(sim, system, start, end, token=None, size=None, **kw):
    """One call of the list; ``token`` is SNAIC's page or CFAST's cursor."""
    spec = LIST[system]
    params = {spec["from"]: start, spec["to"]: end}
    if size is not None:
        params[spec["size"]] = size
    if token is not None:
        params["page" if system == "snaic" else "cursor"] = token
    return sim.api(system, "GET", spec["path"], params=params, **kw)


def list_walk(sim, system, start, end, size, between=None):
    """Every page of the list: [(remote ref, our reference, quantity, cancelled), ...]
    and the pages' sizes; ``between()`` runs after the first page."""
    seen, sizes, token = [], [], None
    while True:
        answer = list_call(sim, system, start, end, token=token, size=size)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if system == "snaic":
            items = body["options"]
            seen += [(o["option_ref"], o["reference"], o["quantity"], o["cancelled"]) for o in items]
            assert body["page"] == (token or 1) and body["page_size"] == size
            token = body["page"] + 1 if body["has_more"] else None
        else:
            items = body["data"]
            for o in items:
                assert o["state"] == ("CANCELLED" if o["cancelled"] else "APPLIED")
            seen += [(o["id"], o["externalReference"], o["quantity"], o["cancelled"]) for o in items]
            token = body["nextCursor"]
        sizes.append(len(items))
        if between is not None:
            between()
            between = None
        if token is None:
            return seen, sizes


def inject(sim, system, *options):
    return sim.sim_post(system, "inject", {"options": list(options)})["options"]


def option(phone=PHONE, product="RDATA1G-LT50", quantity=1, **extra):
    item = {"phone_number": phone, "product_code": product, "quantity": quantity}
    item.update(extra)
    return item


@pytest.mark.parametrize("system", SYSTEMS)
def test_list_pages_the_period_oldest_first_with_the_cancelled_state(sim, system):
    prefix = "OP-" if system == "snaic" else "CF-"
    refs = {n: prefix + ("%d" % n if system == "snaic" else "%06d" % n) for n in (5, 9, 10, 11, 12, 13)}
    inject(sim, system,
           option(remote_ref=refs[5], applied_at="2026-11-30T23:59:59Z", reference="before"),
           option(remote_ref=refs[10], applied_at="2026-12-01T10:00:00Z", reference="ours-10"),
           option(remote_ref=refs[9], applied_at="2026-12-01T10:00:00Z"),  # same second: by ref
           option(remote_ref=refs[11], applied_at="2026-12-01T00:00:00Z", reference="first", quantity=4),
           option(remote_ref=refs[12], applied_at="2026-12-01T23:00:00-01:00", reference="at-to"),
           option(remote_ref=refs[13], applied_at="2026-12-01T12:00:00Z", reference="gone", cancelled=True,
                  cancelled_at="2026-12-01T13:00:00Z"))
    seen, sizes = list_walk(sim, system, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", 2)
    assert seen == [(refs[11], "first", 4, False), (refs[9], None, 1, False), (refs[10], "ours-10", 1, False),
                    (refs[13], "gone", 1, True)]
    assert sizes == [2, 2]
    # an offset in the period means the same instant; page size defaults to 100
    answer = list_call(sim, system, "2026-12-01T01:00:00+01:00", "2026-12-01T10:00:00Z").json()
    if system == "snaic":
        assert [o["option_ref"] for o in answer["options"]] == [refs[11]]
        assert (answer["page_size"], answer["total"], answer["has_more"]) == (100, 1, False)
        assert answer["options"][0]["applied_at"] == "2026-12-01T00:00:00Z"
    else:
        assert [o["id"] for o in answer["data"]] == [refs[11]] and answer["nextCursor"] is None
        assert answer["data"][0]["createdAt"] == "2026-12-01T00:00:00Z"
    assert sim.sim_get(system, "stats")["requests"]["list"] == 3


@pytest.mark.parametrize("system", SYSTEMS)
def test_list_an_option_applied_or_cancelled_while_paging_is_seen_once(sim, system):
    refs = [remote_ref(system, apply(sim, system, "k%d" % n, reference="MAJ-%d" % n).json()) for n in range(3)]

    def meanwhile():
        refs.append(remote_ref(system, apply(sim, system, "k3", reference="MAJ-3").json()))
        assert cancel(sim, system, refs[0], "c0").status_code == 200

    seen, sizes = list_walk(sim, system, WIDE[0], WIDE[1], 2, between=meanwhile)
    assert [s[0] for s in seen] == refs
    assert sizes == [2, 2]
    assert [s[3] for s in seen] == [False, False, False, False]  # page 1 was read before the cancel
    again, _ = list_walk(sim, system, WIDE[0], WIDE[1], 1000)
    assert [s[3] for s in again] == [True, False, False, False]


@pytest.mark.parametrize("system", SYSTEMS)
def test_list_refuses_bad_periods_sizes_and_tokens_and_needs_the_token(sim, system):
    spec = LIST[system]
    day = ("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")
    assert sim.api(system, "GET", spec["path"], params={spec["from"]: day[0]}).status_code == 400
    for start, end in (("2026-12-01", day[1]), ("yesterday", day[1]), ("2026-12-01T00:00:00", day[1]),
                       (day[1], day[0]), ("2026-13-01T00:00:00Z", day[1])):
        answer = list_call(sim, system, start, end)
        assert answer.status_code == 422, (start, end)
        assert answer.json()["error"]["code"] == ("validation_error" if system == "snaic" else "VALIDATION_FAILED")
    for size in (0, 1001, "x", -1):
        assert list_call(sim, system, *day, size=size).status_code == 422, size
    assert list_call(sim, system, *day, size=1000).status_code == 200
    assert list_call(sim, system, *day, token=0 if system == "snaic" else "not-a-cursor").status_code == 422
    assert list_call(sim, system, *day, token="nope", size=1).status_code == 422
    answer = sim.api(system, "GET", spec["path"], token="wrong", params={spec["from"]: day[0], spec["to"]: day[1]})
    assert answer.status_code == 401


@pytest.mark.parametrize("system", SYSTEMS)
def test_list_faults_429_5xx_timeout_malformed_and_drop(sim, system):
    day = ("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")
    inject(sim, system, option(applied_at="2026-12-01T10:00:00Z", reference="ours"))
    sim.faults(system, retry_after=4, timeout_s=1.0, script=[
        {"match": "apply", "fault": "5xx", "times": 9},  # an apply fault does not hit the list
        {"match": "list", "fault": "429"}, {"match": "list", "fault": "5xx"},
        {"match": "list", "fault": "malformed"}, {"match": "list", "fault": "timeout_after_apply"},
        {"match": "list", "fault": "drop"}, {"match": "list", "fault": "401"}, {"match": "list", "fault": "422"}])
    busy = list_call(sim, system, *day)
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "4"
    assert list_call(sim, system, *day).status_code == 503
    broken = list_call(sim, system, *day)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    with pytest.raises(requests.exceptions.ReadTimeout):
        list_call(sim, system, *day, timeout=(3, 0.3))
    with pytest.raises(requests.exceptions.ConnectionError):
        list_call(sim, system, *day)
    assert list_call(sim, system, *day).status_code == 401
    assert list_call(sim, system, *day).status_code == 422
    assert list_call(sim, system, *day).status_code == 200
    stats = sim.sim_get(system, "stats")
    assert stats["requests"]["list"] == 8
    assert stats["faults"] == {"429": 1, "5xx": 1, "malformed": 1, "timeout_after_apply": 1, "drop": 1,
                               "401": 1, "422": 1}


@pytest.mark.parametrize("system", SYSTEMS)
def test_forget_loses_the_option_but_the_key_still_replays(sim, system):
    first = apply(sim, system, "k-forget", reference="MAJ-F")
    ref = remote_ref(system, first.json())
    reference = "MAJ-F:%s" % system
    apply(sim, system, "k-other", reference="MAJ-G")
    gone = sim.sim_post(system, "forget", {"idempotency_key": "k-forget"})
    assert (gone["remote_ref"], gone["reference"], gone["idempotency_key"]) == (ref, reference, "k-forget")
    assert [r["idempotency_key"] for r in applied(sim, system)] == ["k-other"]
    assert lookup(sim, system, "option", reference).status_code == 404
    assert cancel(sim, system, ref, "c-forget").status_code == 404
    seen, _ = list_walk(sim, system, WIDE[0], WIDE[1], 100)
    assert ref not in [s[0] for s in seen] and len(seen) == 1
    # the key store remembers the key: a resend replays the old answer, applies nothing
    replay = apply(sim, system, "k-forget", reference="MAJ-F")
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.content == first.content
    assert [r["idempotency_key"] for r in applied(sim, system)] == ["k-other"]
    # a new key applies the same reference again (what a repush does)
    assert apply(sim, system, "k-new", reference="MAJ-F").status_code == 201
    for body, status in (({"idempotency_key": "k-forget"}, 404), ({"idempotency_key": "k-never"}, 404),
                         ({}, 400), ({"idempotency_key": 3}, 400)):
        answer = requests.post(sim.url(system) + "/_sim/forget", json=body, timeout=10)
        assert answer.status_code == status, body


@pytest.mark.parametrize("system", SYSTEMS)
def test_inject_with_and_without_reference_and_given_remote_refs(sim, system):
    big = "OP-500" if system == "snaic" else "CF-000500"
    one = sim.sim_post(system, "inject", option(quantity=3))  # one object
    assert one["count"] == 1
    [auto] = one["options"]
    assert auto["reference"] is None and auto["idempotency_key"] is None and auto["cancelled"] is False
    assert re.match(SPEC[system]["ref_pattern"], auto["remote_ref"])
    assert auto["effective_date"] == time.strftime("%Y-%m-%d", time.gmtime())
    assert auto["applied_at"].endswith("Z") and auto["unit_price"] == "0.00"
    assert auto["line_id"] == str(SPEC[system]["line_id"]) and auto["phone"] == PHONE
    given, cancelled = inject(sim, system,
                              option(reference="ours-1", remote_ref=big, unit_price="2.50",
                                     effective_date="2026-12-01", applied_at="2026-12-01T10:00:00Z"),
                              option(reference="ours-2", cancelled=True))
    assert (given["remote_ref"], given["unit_price"], given["effective_date"], given["applied_at"]) == \
        (big, "2.50", "2026-12-01", "2026-12-01T10:00:00Z")
    assert cancelled["cancelled"] is True and cancelled["cancelled_at"].endswith("Z")
    # the automatic counter moved past the given ref
    after = SPEC[system]["ref_pattern"]
    assert cancelled["remote_ref"] == ("OP-501" if system == "snaic" else "CF-000501"), after
    assert remote_ref(system, apply(sim, system, "k1").json()) == ("OP-502" if system == "snaic" else "CF-000502")
    # read back by our reference; cancel by the remote ref
    back = lookup(sim, system, "option", "ours-1")
    assert back.status_code == 200 and remote_ref(system, back.json()) == big
    assert cancel(sim, system, big, "c1").status_code == 200
    assert len(applied(sim, system)) == 4


@pytest.mark.parametrize("system", SYSTEMS)
def test_inject_refuses_bad_options_all_or_nothing(sim, system):
    inject(sim, system, option(reference="taken", idempotency_key="k-taken",
                               remote_ref="OP-7" if system == "snaic" else "CF-000007"))
    bad = [
        (option(phone="+33699999999"), 404), (option(phone="+33600000098" if system == "snaic"
                                                     else "+33600000099"), 404),
        ({"phone_number": PHONE, "product_code": "RDATA1G"}, 400), (option(quantity=0), 422),
        (option(quantity="2"), 422), (option(reference="taken"), 409), (option(idempotency_key="k-taken"), 409),
        (option(remote_ref="OP-7" if system == "snaic" else "CF-000007"), 409),
        (option(applied_at="2026-12-01"), 422), (option(effective_date="01/12/2026"), 422),
        (option(unit_price="-1"), 422), (option(reference=""), 422),
    ]
    for item, status in bad:
        answer = requests.post(sim.url(system) + "/_sim/inject", json={"options": [option(), item]}, timeout=10)
        assert answer.status_code == status, (item, answer.text)
    duplicate = requests.post(sim.url(system) + "/_sim/inject", json={"options": [
        option(reference="twice"), option(reference="twice")]}, timeout=10)
    assert duplicate.status_code == 409
    assert requests.post(sim.url(system) + "/_sim/inject", json=[1], timeout=10).status_code == 400
    assert len(applied(sim, system)) == 1  # nothing of a refused batch was added


@pytest.mark.parametrize("system", SYSTEMS)
def test_inject_with_a_key_replays_a_resend_and_stages_a_mismatch(sim, system):
    [staged] = inject(sim, system, option(reference="MAJ-9:%s" % system, quantity=2, idempotency_key="k9"))
    # a resend of the apply with the injected key replays it, applies nothing
    resend = apply(sim, system, "k9", reference="MAJ-9")
    assert resend.status_code == 201 and resend.headers.get("Idempotent-Replayed") == "true"
    assert remote_ref(system, resend.json()) == staged["remote_ref"]
    assert len(applied(sim, system)) == 1
    # mismatch: forget the option, inject the same reference with another quantity
    sim.sim_post(system, "forget", {"idempotency_key": "k9"})
    [changed] = inject(sim, system, option(reference="MAJ-9:%s" % system, quantity=3))
    back = lookup(sim, system, "option", "MAJ-9:%s" % system).json()
    assert (back if system == "snaic" else back["option"])["quantity"] == 3
    seen, _ = list_walk(sim, system, WIDE[0], WIDE[1], 10)
    assert seen == [(changed["remote_ref"], "MAJ-9:%s" % system, 3, False)]


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_list_options_against_the_simulator(sim, system):
    for n in range(5):
        apply(sim, system, "k%d" % n, reference="MAJ-%d" % n)
    inject(sim, system, option(applied_at="2026-12-01T10:00:00Z", quantity=7))
    cancel(sim, system, applied(sim, system)[1]["remote_ref"], "c1")
    start = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    seen, token, calls = [], None, 0
    with client(sim, system) as api:
        while True:
            page = api.list_options(start, end, page_token=token, page_size=2)
            seen += page["options"]
            token, calls = page["next_page_token"], calls + 1
            if token is None:
                break
        assert calls == 3
        records = applied(sim, system)[:5]
        assert [o["remote_ref"] for o in seen] == [r["remote_ref"] for r in records]
        assert [o["cancelled"] for o in seen] == [False, True, False, False, False]
        assert seen[0]["reference"] == "MAJ-0:%s" % system and seen[0]["quantity"] == 2.0
        assert seen[0]["remote_line_id"] == str(SPEC[system]["line_id"])
        assert seen[0]["effective_date"] == "2026-03-01"
        assert abs((seen[0]["applied_at"] - datetime.datetime.utcnow()).total_seconds()) < 60
        old = api.list_options(datetime.datetime(2026, 12, 1), datetime.datetime(2026, 12, 2))
        assert [(o["reference"], o["quantity"]) for o in old["options"]] == [(None, 7.0)]
        sim.faults(system, retry_after=3, script=[{"match": "list", "fault": "429"},
                                                  {"match": "list", "fault": "malformed"}])
        with pytest.raises(clients.RetryableError) as error:
            api.list_options(start, end)
        assert error.value.retry_after == 3
        with pytest.raises(clients.RetryableError):
            api.list_options(start, end)


# ---------------------------------------------------------------------------
# Fault injection
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("system", SYSTEMS)
def test_fault_5xx_applies_nothing_then_the_retry_applies(sim, system):
    sim.faults(system, script=[{"match": "apply", "fault": "5xx", "times": 1}])
    failed = apply(sim, system, "k1")
    assert failed.status_code == 503
    assert failed.json()["error"]["code"]
    assert applied(sim, system) == []
    assert apply(sim, system, "k1").status_code == 201
    assert len(applied(sim, system)) == 1
    stats = sim.sim_get(system, "stats")
    assert stats["faults"] == {"5xx": 1} and stats["requests"]["apply"] == 2


def test_fault_429_carries_retry_after(sim):
    sim.faults("snaic", retry_after=3, script=[{"match": "apply", "fault": "429"},
                                               {"match": "lookup_line", "fault": "429", "retry_after": 9}])
    busy = apply(sim, "snaic", "k1")
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "3"
    assert lookup(sim, "snaic", "line", PHONE).headers["Retry-After"] == "9"
    assert applied(sim, "snaic") == []


@pytest.mark.parametrize("system", SYSTEMS)
def test_fault_timeout_after_apply_applies_but_answers_late(sim, system):
    sim.faults(system, timeout_s=1.0, script=[{"match": "apply", "fault": "timeout_after_apply"}])
    started = time.time()
    with pytest.raises(requests.exceptions.ReadTimeout):
        apply(sim, system, "k1", timeout=(3, 0.3))
    assert time.time() - started < 1.0
    [record] = applied(sim, system)  # applied although the caller timed out
    again = apply(sim, system, "k1")  # the retry with the same key gets the first answer
    assert again.status_code == 201
    assert remote_ref(system, again.json()) == record["remote_ref"]
    assert len(applied(sim, system)) == 1


def test_fault_timeout_after_apply_answers_when_the_caller_waits(sim):
    sim.faults("cfast", timeout_s=0.3, script=[{"match": "apply", "fault": "timeout_after_apply"}])
    started = time.time()
    answer = apply(sim, "cfast", "k1", timeout=5)
    assert answer.status_code == 201 and time.time() - started >= 0.3


@pytest.mark.parametrize("system", SYSTEMS)
def test_fault_malformed_applies_and_answers_unreadable_json(sim, system):
    sim.faults(system, script=[{"match": "apply", "fault": "malformed"}])
    answer = apply(sim, system, "k1")
    assert answer.status_code == 201
    with pytest.raises(ValueError):
        answer.json()
    assert len(applied(sim, system)) == 1
    assert apply(sim, system, "k1").json()  # the replay is readable


@pytest.mark.parametrize("system", SYSTEMS)
def test_fault_drop_closes_without_answer_and_applies_nothing(sim, system):
    sim.faults(system, script=[{"match": "apply", "fault": "drop"}])
    with pytest.raises(requests.exceptions.ConnectionError):
        apply(sim, system, "k1")
    assert applied(sim, system) == []
    assert apply(sim, system, "k1").status_code == 201


def test_scripted_status_faults_match_their_operation_in_order(sim):
    sim.faults("snaic", script=[{"match": "lookup_site", "fault": "401"},
                                {"match": "lookup_line", "fault": "422"},
                                {"match": "any", "fault": "404", "times": 2},
                                {"match": "lookup_customer", "fault": "403"}])
    assert lookup(sim, "snaic", "line", PHONE).status_code == 422
    assert lookup(sim, "snaic", "site", "SITE_SW1").status_code == 401
    assert lookup(sim, "snaic", "line", PHONE).status_code == 404
    # "any" comes before the customer entry in the script, so it is consumed first
    assert lookup(sim, "snaic", "customer", "DEMO-CUST-SW").status_code == 404
    assert lookup(sim, "snaic", "customer", "DEMO-CUST-SW").status_code == 403
    assert lookup(sim, "snaic", "line", PHONE).status_code == 200
    assert sim.sim_get("snaic", "faults")["script"] == []
    # the other system is untouched by SNAIC's faults
    assert lookup(sim, "cfast", "line", PHONE).status_code == 200


def test_faults_never_touch_the_sim_endpoints(sim):
    sim.faults("snaic", rates={"5xx": 1.0}, script=[{"match": "any", "fault": "drop", "times": 5}])
    for what in ("applied", "stats", "faults", "health"):
        sim.sim_get("snaic", what)
    assert sim.sim_get("snaic", "faults")["script"][0]["times"] == 5


def test_bad_fault_configuration_is_refused(sim):
    for config in ({"rates": {"nope": 0.1}}, {"script": [{"match": "apply", "fault": "boom"}]},
                   {"script": [{"match": "everything", "fault": "5xx"}]}, {"rates": {"5xx": 0.8, "429": 0.5}}):
        answer = requests.post(sim.url("snaic") + "/_sim/faults", json=config, timeout=10)
        assert answer.status_code == 400, config


def test_random_rates_are_reproducible_with_a_seed(sim):
    def run():
        sim.faults("cfast", seed=42, rates={"5xx": 0.3, "429": 0.2})
        return [lookup(sim, "cfast", "line", PHONE).status_code for _ in range(30)]

    first = run()
    assert set(first) == {200, 503, 429}
    assert run() == first
    stats = sim.sim_get("cfast", "stats")["faults"]
    assert stats["5xx"] == 2 * first.count(503) and stats["429"] == 2 * first.count(429)


def test_latency_is_added_to_api_calls(sim):
    sim.faults("snaic", latency_ms=150)
    started = time.time()
    assert lookup(sim, "snaic", "line", PHONE).status_code == 200
    assert time.time() - started >= 0.15


# ---------------------------------------------------------------------------
# The real clients against the live simulator
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_happy_path(sim, system):
    spec = SPEC[system]
    with client(sim, system) as api:
        assert "Connected to %s" % system.upper() in api.ping()
        line = api.find_line(PHONE)
        site = api.find_site("SITE_SW1")
        customer = api.find_customer("DEMO-CUST-SW")
        assert (line, site, customer) == (str(spec["line_id"]), str(spec["site_id"]), str(spec["customer_id"]))
        assert api.find_line("+33699999999") is None
        reference = "telecom_test:MAJ-42:%s" % system
        key = "telecom_test:sync:42:%s" % system
        ref = api.apply_option(line, "RDATA1G-LT50", 2.0, 1.0, "2026-03-01", reference, key,
                               site_id=site, customer_id=customer)
        assert re.match(spec["ref_pattern"], ref)
        assert api.get_option(reference) == ref
        assert api.get_option("telecom_test:MAJ-0:%s" % system) is None
        # the same key again: the same answer, one application
        assert api.apply_option(line, "RDATA1G-LT50", 2.0, 1.0, "2026-03-01", reference, key,
                                site_id=site, customer_id=customer) == ref
    [record] = applied(sim, system)
    assert (record["idempotency_key"], record["quantity"], record["unit_price"]) == (key, 2, "1.00")
    assert (record["site_id"], record["customer_id"]) == (str(spec["site_id"]), str(spec["customer_id"]))


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_timeout_after_apply_is_unknown_then_found_by_reference(sim, system):
    sim.faults(system, timeout_s=2.0, script=[{"match": "apply", "fault": "timeout_after_apply"}])
    reference = "telecom_test:MAJ-7:%s" % system
    with client(sim, system, timeout_read=0.4) as api:
        line = api.find_line(PHONE)
        with pytest.raises(clients.UnknownOutcomeError):
            api.apply_option(line, "RDATA1G-LT50", 2, 1.0, "2026-03-01", reference, "key-7")
        # reconcile before any resend: it was applied
        found = api.get_option(reference)
    [record] = applied(sim, system)
    assert found == record["remote_ref"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_classify_live_faults(sim, system):
    sim.faults(system, retry_after=2, script=[
        {"match": "apply", "fault": "5xx"}, {"match": "apply", "fault": "429"},
        {"match": "apply", "fault": "malformed"}])
    reference = "telecom_test:MAJ-8:%s" % system
    with client(sim, system) as api:
        line = api.find_line(PHONE)

        def push():
            return api.apply_option(line, "RDATA1G-LT50", 1, 0.5, "2026-03-01", reference, "key-8")

        with pytest.raises(clients.RetryableError) as error:
            push()
        assert error.value.status == 503
        with pytest.raises(clients.RetryableError) as error:
            push()
        assert error.value.retry_after == 2
        with pytest.raises(clients.UnknownOutcomeError):
            push()
        assert api.get_option(reference) == push()  # replayed, not applied again
        with pytest.raises(clients.PermanentError) as error:
            api.apply_option(line, "BAD-CODE", 1, 0.5, "2026-03-01", reference + ":x", "key-9")
        assert error.value.status == 422 and "BAD-CODE" in str(error.value)
        with pytest.raises(clients.PermanentError) as error:
            api.apply_option("424242", "RDATA1G-LT50", 1, 0.5, "2026-03-01", reference + ":y", "key-10")
        assert error.value.status == 404
        sim.faults(system, script=[{"match": "apply", "fault": "drop"}])
        with pytest.raises(clients.UnknownOutcomeError):
            api.apply_option(line, "RDATA1G-LT50", 1, 0.5, "2026-03-01", reference + ":z", "key-11")
        assert api.get_option(reference + ":z") is None  # the drop happened before applying
    assert [r["idempotency_key"] for r in applied(sim, system)] == ["key-8"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_bad_token_is_a_configuration_error_without_the_token(sim, system, caplog):
    secret = "wrong-%s-token-zz9" % system
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger=clients.base.__name__)
    api = clients.make_client(system, sim.url(system), secret)
    with api:
        with pytest.raises(clients.ConfigurationError) as error:
            api.ping()
        with pytest.raises(clients.ConfigurationError):
            api.find_line(PHONE)
    assert "credentials" in str(error.value)
    assert secret not in str(error.value) and secret not in repr(error.value) and secret not in repr(api)
    assert "-> 401" in caplog.text  # the client logged the call (urllib3 too) ...
    assert secret not in caplog.text  # ... never the token


def test_clients_ping_says_what_is_wrong(sim):
    with clients.make_client("snaic", sim.url("cfast"), sim.tokens["snaic"]) as wrong_url:
        with pytest.raises(clients.ConfigurationError) as error:
            wrong_url.ping()
    assert "check the URL" in str(error.value)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % sock.getsockname()[1]
    with clients.make_client("snaic", url, "t") as unreachable:
        with pytest.raises(clients.RetryableError) as error:
            unreachable.ping()
    assert "connection refused" in str(error.value)


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_push_exactly_once_under_random_faults(sim, system):
    """The outbox's rule with the real clients under seeded random faults:
    same key on every retry, and an unknown outcome read back by reference
    before any resend. Every request ends applied exactly once."""
    sim.faults(system, seed=7, timeout_s=0.5, retry_after=0, rates={
        "5xx": 0.15, "429": 0.1, "timeout_after_apply": 0.1, "malformed": 0.1, "drop": 0.1})
    references = ["telecom_test:MAJ-%d:%s" % (n, system) for n in range(25)]
    line = SPEC[system]["line_id"]
    with client(sim, system, timeout_read=0.2) as api:
        for n, reference in enumerate(references):
            key = "telecom_test:sync:%d:%s" % (n, system)
            unknown = False
            for _attempt in range(40):
                try:
                    if unknown:
                        if api.get_option(reference):
                            break
                        unknown = False
                    api.apply_option(line, "RDATA1G-LT50", 1, 1.0, "2026-03-01", reference, key)
                    break
                except clients.UnknownOutcomeError:
                    unknown = True
                except clients.RetryableError:
                    pass
            else:
                pytest.fail("%s was never settled" % reference)
    done = applied(sim, system)
    assert sorted(r["reference"] for r in done) == sorted(references)
    stats = sim.sim_get(system, "stats")["faults"]
    assert all(stats.get(f) for f in ("5xx", "429", "timeout_after_apply", "malformed", "drop")), stats


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_cancel_and_read_back_the_status(sim, system):
    reference = "telecom_test:MAJ-42:%s" % system
    with client(sim, system) as api:
        line = api.find_line(PHONE)
        ref = api.apply_option(line, "RDATA1G-LT50", 2, 1.0, "2026-03-01", reference, "key-42")
        assert api.get_option_status(reference) == {"option_ref": ref, "cancelled": False}
        assert api.get_option_status("telecom_test:MAJ-0:%s" % system) is None
        assert api.cancel_option(line, ref, "telecom_test:REV-42:%s" % system, "cancel-42") == ref
        assert api.get_option_status(reference) == {"option_ref": ref, "cancelled": True}
        assert api.get_option(reference) == ref  # unchanged: the option's ref
        # the same key again: the first answer, cancelled once
        assert api.cancel_option(line, ref, "telecom_test:REV-42:%s" % system, "cancel-42") == ref
        with pytest.raises(clients.PermanentError) as error:
            api.cancel_option(line, ref, "telecom_test:REV-43:%s" % system, "cancel-43")
        assert (error.value.status, error.value.code) == (409, clients.ALREADY_CANCELLED)
        assert error.value.remote_code == SPEC[system]["already_cancelled"]
        with pytest.raises(clients.PermanentError) as error:
            api.cancel_option(line, ref + "0", None, "cancel-44")
        assert (error.value.status, error.value.code) == (404, clients.OPTION_NOT_FOUND)
    [record] = applied(sim, system)
    assert (record["cancelled"], record["cancel_idempotency_key"]) == (True, "cancel-42")
    assert record["cancel_reference"] == "telecom_test:REV-42:%s" % system
    stats = sim.sim_get(system, "stats")["cancels"]
    assert stats == cancels(done=1, replayed=1, already_cancelled=1, not_found=1)


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_cancel_timeout_is_unknown_then_read_back_cancelled(sim, system):
    reference = "telecom_test:MAJ-7:%s" % system
    with client(sim, system, timeout_read=0.4) as api:
        line = api.find_line(PHONE)
        ref = api.apply_option(line, "RDATA1G-LT50", 2, 1.0, "2026-03-01", reference, "key-7")
        sim.faults(system, timeout_s=2.0, script=[{"match": "cancel", "fault": "timeout_after_apply"},
                                                  {"match": "cancel", "fault": "5xx"},
                                                  {"match": "cancel", "fault": "429"},
                                                  {"match": "cancel", "fault": "drop"}])
        with pytest.raises(clients.UnknownOutcomeError):
            api.cancel_option(line, ref, "telecom_test:REV-7", "cancel-7")
        # settle before any resend: it was cancelled
        assert api.get_option_status(reference) == {"option_ref": ref, "cancelled": True}
        with pytest.raises(clients.RetryableError) as error:
            api.cancel_option(line, ref, "telecom_test:REV-7", "cancel-7")
        assert error.value.status == 503
        with pytest.raises(clients.RetryableError) as error:
            api.cancel_option(line, ref, "telecom_test:REV-7", "cancel-7")
        assert (error.value.status, error.value.retry_after) == (429, 1)
        with pytest.raises(clients.UnknownOutcomeError):
            api.cancel_option(line, ref, "telecom_test:REV-7", "cancel-7")
        assert api.cancel_option(line, ref, "telecom_test:REV-7", "cancel-7") == ref  # replayed
    stats = sim.sim_get(system, "stats")
    assert stats["cancelled"] == 1
    assert stats["cancels"] == cancels(done=1, replayed=1)


@pytest.mark.parametrize("system", SYSTEMS)
def test_clients_cancel_exactly_once_under_random_faults(sim, system):
    """The outbox's rule for cancels, with the real clients under the faults
    that target apply (seeded random): same key on every retry, an unknown
    outcome read back before any resend; each option cancelled exactly once."""
    line = SPEC[system]["line_id"]
    references = ["telecom_test:MAJ-%d:%s" % (n, system) for n in range(20)]
    with client(sim, system, timeout_read=0.2) as api:
        refs = [api.apply_option(line, "RDATA1G-LT50", 1, 1.0, "2026-03-01", reference, "key-%d" % n)
                for n, reference in enumerate(references)]
        sim.faults(system, seed=11, timeout_s=0.5, retry_after=0, rates_match="apply", rates={
            "5xx": 0.15, "429": 0.1, "timeout_after_apply": 0.1, "malformed": 0.1, "drop": 0.1})
        for n, (reference, ref) in enumerate(zip(references, refs)):
            key = "telecom_test:cancel:%d:%s" % (n, system)
            unknown = False
            for _attempt in range(40):
                try:
                    if unknown:
                        if api.get_option_status(reference)["cancelled"]:
                            break
                        unknown = False
                    api.cancel_option(line, ref, "telecom_test:REV-%d" % n, key)
                    break
                except clients.UnknownOutcomeError:
                    unknown = True
                except clients.RetryableError:
                    pass
            else:
                pytest.fail("the cancel of %s was never settled" % ref)
    done = applied(sim, system)
    assert all(r["cancelled"] for r in done) and len(done) == 20
    stats = sim.sim_get(system, "stats")
    assert stats["cancelled"] == stats["cancels"]["done"] == 20
    assert stats["cancels"]["already_cancelled"] == 0
    assert all(stats["faults"].get(f) for f in ("5xx", "429", "timeout_after_apply", "malformed", "drop")), stats


@pytest.mark.parametrize("system", SYSTEMS)
def test_openapi_files_and_simulator_have_the_same_operations(system):
    """docs/api/<system>.yaml and the simulator's routes name the same
    operations on the same paths (cancel_option included)."""
    yaml = pytest.importorskip("yaml")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    loader = importlib.util.spec_from_file_location("telecom_simulator", os.path.join(root, "simulator", "sim.py"))
    sim_module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(sim_module)
    with open(os.path.join(root, "docs", "api", "%s.yaml" % system)) as handle:
        contract = yaml.safe_load(handle)
    documented = {}
    for path, methods in contract["paths"].items():
        for method, operation in methods.items():
            sample = re.sub(r"\{[^}]+\}", "X-1", path)
            documented[operation["operationId"]] = (method.upper(), sample)
    served = {}
    for method, pattern, name in sim_module.SPECS[system].routes:
        served[name] = (method, pattern)
    aliases = {"cancel_option": "cancel", "list_options": "list"}
    assert {aliases.get(name, name) for name in documented} == set(served)
    for name, (method, sample) in documented.items():
        route_method, pattern = served[aliases.get(name, name)]
        assert route_method == method and pattern.match(sample), (name, method, sample)
    cancel = contract["paths"][SPEC[system]["cancel"].replace("%s", "{option_ref}" if system == "snaic"
                                                              else "{optionId}")]["post"]
    assert set(cancel["responses"]) == {"200", "400", "401", "403", "404", "409", "422", "429", "503"}
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in cancel["parameters"])
    option = contract["components"]["schemas"]["Option"]["properties"]
    assert {"cancelled", "cancelled_at" if system == "snaic" else "cancelledAt"} <= set(option)


@pytest.mark.parametrize("system", SYSTEMS)
def test_openapi_list_has_its_period_paging_and_errors(system):
    yaml = pytest.importorskip("yaml")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "docs", "api", "%s.yaml" % system)) as handle:
        contract = yaml.safe_load(handle)
    listing = contract["paths"][LIST[system]["path"]]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert names == {LIST[system]["from"], LIST[system]["to"], LIST[system]["size"],
                     "page" if system == "snaic" else "cursor"}
    assert set(listing["responses"]) == {"200", "400", "401", "403", "422", "429", "503"}
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(page["required"]) == ({"options", "page", "page_size", "total", "has_more"} if system == "snaic"
                                     else {"data", "nextCursor"})


def test_clients_do_not_import_odoo():
    for path in CLIENTS_DIR.glob("*.py"):
        source = path.read_text()
        assert not re.search(r"^\s*(import odoo|from odoo)", source, re.M), path


# ---------------------------------------------------------------------------
# Process: defaults, pidfile, stdout, SIGTERM
# ---------------------------------------------------------------------------

def test_default_tokens_pidfile_and_graceful_sigterm(tmp_path):
    pidfile = tmp_path / "sim.pid"
    server = SimProcess(tokens={}, pidfile=pidfile).start()
    try:
        assert set(server.urls) == {"snaic", "cfast"}
        assert int(pidfile.read_text()) == server.proc.pid
        for system, token in (("snaic", "snaic-demo-token"), ("cfast", "cfast-demo-token")):
            server.tokens[system] = token
            assert server.api(system, "GET", SPEC[system]["ping"]).status_code == 200
        # a request sleeping in a fault does not hold the stop up
        server.faults("snaic", timeout_s=30, script=[{"match": "ping", "fault": "timeout_after_apply"}])
        with pytest.raises(requests.exceptions.ReadTimeout):
            server.api("snaic", "GET", SPEC["snaic"]["ping"], timeout=0.2)
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(10) == 0
        assert not pidfile.exists()
        assert server.proc.stdout.read() == b""  # stdout holds only the two "listening" lines
        assert "simulator stopped" in server.read_stderr()
    finally:
        server.stop()
