"""Hardening, scenarios 2 and 3: workers that race and workers that die.

No Odoo server here: the only Odoo processes are the test's own workers
(tests/hardening_worker.py), each an Odoo process doing the work of a
lane's job (read back, claim, send, save) the way a queue_job worker does,
on a copy of the test database, against a simulator of their own.

The backlog (lines, Recharge DATA, a done deployment) is made by a worker
as the operations user and committed without the jobs the deployment would
queue, as when the server died right after committing: only the test's
workers push it.
"""
import time

import pytest
from psycopg2 import sql

from hardening_support import (SYSTEMS, Worker, phones, print_table, seed_lines,
                               wait_for, worker_stage)


@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with worker_stage(odoo_env, tmp_path_factory, "workers") as stage_:
        yield stage_


def worker(stage, action, name, **options):
    return Worker(stage["env"], stage["conf"], stage["db"].name, action, stage["folder"],
                  name=name, **options)


def make_backlog(stage, numbers, name):
    """Lines with these numbers, topped up by a done deployment; returns
    the worker's result (lines, deployments, requests)."""
    seed_lines(stage["sim"], numbers)
    phones_file = stage["folder"] / ("%s.phones" % name)
    phones_file.write_text("\n".join(numbers) + "\n")
    result = worker(stage, "backlog", name, phones_file=phones_file).wait()
    assert len(result["lines"]) == len(numbers)
    assert len(result["requests"]) == 2 * len(numbers)
    assert stage["db"].states(result["lines"]) == {"pending": 2 * len(numbers)}
    return result


def set_backends(db, **values):
    """The connections' settings, as an administrator sets them in the form."""
    columns = sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(name))
                                 for name in values)
    db.query(sql.SQL("UPDATE telecom_api_backend SET {}").format(columns),
             tuple(values.values()))


def applied_by_reference(sim, system):
    applied = sim.sim_get(system, "applied")["applied"]
    by_reference = {}
    for option in applied:
        by_reference.setdefault(option["reference"], []).append(option)
    return by_reference


def assert_exactly_once(stage, backlog):
    """Every request of the backlog done, its option applied exactly once in
    its system, and the remote reference we stored is the system's."""
    db, sim = stage["db"], stage["sim"]
    requests = db.requests_of(backlog["lines"])
    assert {r["state"] for r in requests.values()} == {"done"}, db.states(backlog["lines"])
    for system in SYSTEMS:
        by_reference = applied_by_reference(sim, system)
        mine = [r for r in requests.values() if r["system"] == system]
        for request in mine:
            options = [o for ref, found in by_reference.items()
                       if ref.startswith(request["reference"] + "-") for o in found]
            assert len(options) == 1, (system, request["reference"], options)
            assert options[0]["remote_ref"] == request["remote_ref"]
            assert options[0]["phone"] == request["phone"]
        assert len({r["phone"] for r in mine}) == len(backlog["lines"])


def race(stage, scale, prefix, batch_size, capsys):
    """Two workers push at the same moment on a new backlog;
    returns (backlog, results)."""
    db, sim = stage["db"], stage["sim"]
    sim.reset()
    backlog = make_backlog(stage, phones(scale, prefix), "race%d" % batch_size)
    set_backends(db, batch_size=batch_size, pool_size=2)
    # Only the backlog is due: the demo's request waiting for its retry
    # would be due in a test database made more than an hour ago.
    db.query("UPDATE telecom_sync_request SET next_attempt_at = "
             "(now() AT TIME ZONE 'UTC') + interval '1 day' "
             "WHERE state = 'pending' AND NOT (id = ANY(%s))", (backlog["requests"],))
    for system in SYSTEMS:
        sim.faults(system, latency_ms=20)
    start_at = time.time() + 5  # both registries loaded by then (~1 s)
    racers = [worker(stage, "push", "race%d-%s" % (batch_size, name), start_at=start_at)
              for name in "ab"]
    results = [racer.wait(check=False) for racer in racers]
    mine = set(backlog["requests"])
    states = db.states(backlog["lines"])
    both = set(results[0]["claimed"]) & set(results[1]["claimed"]) & mine
    print_table("Scenario 2: two workers racing, batches of %d (%d lines, %d requests; "
                "after the race: %s; taken by one after the other handed them back "
                "unsent: %d)" % (batch_size, scale, len(mine), states, len(both)),
                ["worker", "exit", "waited (s)", "ran (s)", "claimed"],
                [["race-%s" % name, result["exit"], result["waited"], result["seconds"],
                  len(set(result["claimed"]) & mine)] for name, result in zip("ab", results)],
                capsys)
    return backlog, results


def assert_raced_once(stage, scale, backlog, results):
    db, sim = stage["db"], stage["sim"]
    claimed = [set(result["claimed"]) for result in results]
    mine = set(backlog["requests"])
    for result in results:
        assert result["exit"] == 0, result["error"]
    assert all(result["waited"] > 0 for result in results), "a worker missed the barrier"
    # Never by both at once (SKIP LOCKED). A claim larger than a worker
    # can send before its deadline hands the rest back unsent (a batch of
    # 10,000 at 10,000 lines): the other worker may then take them, and
    # each is still attempted once (below).
    both = claimed[0] & claimed[1] & mine
    requests = db.requests_of(backlog["lines"])
    assert all(requests[request_id]["attempt_count"] == 1 for request_id in both)
    assert mine <= claimed[0] | claimed[1]
    assert claimed[0] & mine and claimed[1] & mine, "one worker did everything: no race"
    assert_exactly_once(stage, backlog)
    assert {r["attempt_count"] for r in requests.values()} == {1}
    for system in SYSTEMS:
        stats = sim.sim_get(system, "stats")
        assert stats["replays"] == 0, stats
        assert stats["requests"]["apply"] == scale, stats


def test_two_workers_racing_push_each_request_once(stage, scale, capsys):
    """Scenario 2: two Odoo processes push at the same moment
    on the same backlog, in small batches so that they interleave batch by
    batch: every request is claimed by one of them only and sent once."""
    backlog, results = race(stage, scale, "+33613", 5, capsys)
    assert_raced_once(stage, scale, backlog, results)


def test_two_workers_racing_with_one_batch_per_system(stage, scale, capsys):
    """Scenario 2 with one batch per system (the default batch size, 200,
    holds the whole backlog in CI; at scale the batch is the backlog): one
    worker takes the SNAIC batch, the other the CFAST batch of the same new
    lines, and both store the IDs they looked up on the same line rows at the
    same time."""
    backlog, results = race(stage, scale, "+33616", max(200, scale), capsys)
    assert_raced_once(stage, scale, backlog, results)


def test_killed_worker_backlog_completes_once(stage, scale, capsys):
    """Scenario 3: the Odoo process pushing a batch is killed with SIGKILL
    while the systems are applying it (applied, answer not received yet); a
    new process completes the backlog with no duplicate and no loss.

    A request left "sending" by a dead worker is read back only once its
    sending deadline has passed (its worker starts no call after it less one
    call's timeouts: about two minutes after it took the batch): the test
    does not wait, it backdates ``sent_at`` and ``send_deadline`` by an
    hour in SQL to simulate the time passing."""
    db, sim = stage["db"], stage["sim"]
    sim.reset()
    backlog = make_backlog(stage, phones(scale, "+33614"), "kill")
    lines = backlog["lines"]
    set_backends(db, batch_size=5, pool_size=2)
    # Every option applied at once but answered 1.5 s later (within the
    # connections' 5 s timeout): for that long the system has applied what
    # the worker has not recorded yet.
    for system in SYSTEMS:
        sim.faults(system, rates={"timeout_after_apply": 1.0}, rates_match="apply",
                   timeout_s=1.5)

    def applied_count():
        return sum(sim.sim_get(system, "stats")["applied"] for system in SYSTEMS)

    batch = min(5, scale)

    def mid_batch():
        # A batch done and committed, the next one claimed ("sending") and
        # partly applied by the system: its results are not saved yet.
        states = db.states(lines)
        done = states.get("done", 0)
        return done and states.get("sent", 0) >= batch and applied_count() > done

    victim = worker(stage, "push", "victim")
    assert wait_for(mid_batch, timeout=120, step=0.05), db.states(lines)
    victim.kill()
    for system in SYSTEMS:
        sim.faults(system)  # prompt answers from now on
    at_kill = db.states(lines)
    time.sleep(0.5)  # what the victim had on the wire reaches the systems
    applied_at_kill = applied_count()
    assert at_kill.get("sent"), at_kill
    assert applied_at_kill > at_kill.get("done", 0), (applied_at_kill, at_kill)

    # Restarted at once: the "sending" requests may still be in flight as
    # far as it knows, so it leaves them alone and pushes the rest.
    restart = worker(stage, "push", "restart").wait()
    after_restart = db.states(lines)
    assert after_restart == {"done": 2 * scale - at_kill["sent"], "sent": at_kill["sent"]}, \
        after_restart
    assert not set(restart["claimed"]) & {
        r["id"] for r in db.requests_of(lines).values() if r["state"] == "sent"}

    # An hour later (backdated), they are stale: read back, then the ones
    # the systems never received are sent, with the same keys.
    db.query("UPDATE telecom_sync_request SET sent_at = sent_at - interval '1 hour', "
             "send_deadline = send_deadline - interval '1 hour' "
             "WHERE state = 'sent' AND line_id IN %s", (tuple(lines),))
    later = worker(stage, "push", "later").wait()
    reconciled = later["reconciled"]
    print_table("Scenario 3: worker killed mid-batch (%d lines, %d requests)" % (
        scale, 2 * scale), ["moment", "done", "sending", "pending", "applied remotely"], [
        ["SIGKILL", at_kill.get("done", 0), at_kill.get("sent", 0), at_kill.get("pending", 0),
         applied_at_kill],
        ["restarted at once", after_restart.get("done", 0), after_restart.get("sent", 0),
         after_restart.get("pending", 0), applied_count()],
        ["an hour later: read back (%d applied, %d resent)" % (
            reconciled.get("done", 0), reconciled.get("pending", 0)),
         db.states(lines).get("done", 0), db.states(lines).get("sent", 0),
         db.states(lines).get("pending", 0), applied_count()]], capsys)
    assert sum(reconciled.values()) == at_kill["sent"], reconciled
    assert reconciled.get("done", 0) >= applied_at_kill - at_kill.get("done", 0)
    assert_exactly_once(stage, backlog)
    for system in SYSTEMS:
        assert sim.sim_get(system, "stats")["replays"] == 0
