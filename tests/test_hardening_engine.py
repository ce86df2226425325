"""Hardening of the sync engine on OCA queue_job, as production runs it.

* Scenario 9: an Odoo server in prefork whose HTTP workers are recycled
  every few requests (``--limit-request``) runs the push jobs of a backlog,
  and every HTTP worker is killed (SIGKILL) in the middle of it: the master
  starts new ones, the cron worker queues the lanes again, the requests
  that the dead jobs held are read back once their deadline has passed,
  and every option is applied exactly once.
* Scenario 10: the early read-back race. The system answers just before the
  timeout, so a batch takes long; a second worker starts late, while the
  first is still sending. It must not read back (nor send) what the first
  holds: no request is read back, none is attempted twice.

Each runs on a copy of the test database, against a simulator of its own.
"""
import time

import psutil
import pytest

from hardening_support import (SYSTEMS, OdooServer, phones, print_table, wait_for,
                               worker_stage)
from test_hardening_workers import assert_exactly_once, make_backlog, set_backends, worker


@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with worker_stage(odoo_env, tmp_path_factory, "engine") as stage_:
        yield stage_


def http_workers(server):
    """The prefork workers of ``server`` (HTTP and cron), not the
    longpolling process."""
    master = psutil.Process(server.proc.pid)
    return [child for child in master.children()
            if "gevent" not in " ".join(child.cmdline())]


def test_prefork_workers_recycled_and_killed_mid_batch(stage, scale, capsys):
    db, sim = stage["db"], stage["sim"]
    sim.reset()
    count = max(scale, 20)
    backlog = make_backlog(stage, phones(count, "+33655"), "killed")
    # Small batches, short timeouts (a deadline about a minute after each
    # claim), a slow system: the kill finds calls in flight.
    set_backends(db, batch_size=5, pool_size=2, timeout_connect=1, timeout=2,
                 retry_delay=1, retry_delay_max=5)
    for system in SYSTEMS:
        sim.faults(system, latency_ms=150)
    server = OdooServer(stage["env"], stage["conf"], stage["folder"], name="prefork-killed",
                        extra_args=["--limit-request=3"]).start()
    try:
        first = {w.pid for w in http_workers(server)}
        worker(stage, "enqueue", "killed-enqueue").wait()
        requests = 2 * count
        # Mid-batch: some requests done, some being sent right now.
        assert wait_for(lambda: db.states(backlog["lines"]).get("done", 0) >= requests // 4
                        and db.states(backlog["lines"]).get("sent"), timeout=120, step=0.05), \
            db.states(backlog["lines"])
        at_kill = db.states(backlog["lines"])
        killed = http_workers(server)
        for process in killed:
            process.kill()
        # Nothing more is to be done by hand: the master replaces the
        # workers, the cron worker queues the lanes again, the lanes read
        # back what the dead jobs held once past its deadline.
        finished = wait_for(lambda: db.states(backlog["lines"]) == {"done": requests},
                            timeout=400, step=2)
        after = {w.pid for w in http_workers(server)}
        jobs = db.query("SELECT state, count(*) FROM queue_job "
                        "WHERE method_name = '_telecom_job_lane' GROUP BY state")
        read_back = db.query("SELECT count(*) FROM telecom_sync_request "
                             "WHERE id IN %s AND attempt_count > 1", (tuple(backlog["requests"]),))
    finally:
        server.stop()
    print_table("Scenario 9: prefork workers recycled every 3 requests, all killed mid-batch "
                "(%d lines, %d requests)" % (count, requests),
                ["states at the kill", "workers killed", "workers at the start / at the end",
                 "lane jobs", "requests attempted twice"],
                [[at_kill, len(killed), "%d / %d (new: %d)" % (len(first), len(after),
                                                               len(after - first)),
                  dict(jobs), read_back[0][0]]], capsys)
    assert finished, db.states(backlog["lines"])
    assert at_kill.get("sent"), "the workers were not killed mid-batch"
    assert killed and after and not (after & {p.pid for p in killed})
    assert_exactly_once(stage, backlog)
    for system in SYSTEMS:
        stats = sim.sim_get(system, "stats")
        assert stats["requests"]["apply"] >= count, stats


def test_early_read_back_race(stage, capsys):
    db, sim = stage["db"], stage["sim"]
    sim.reset()
    count = 8
    backlog = make_backlog(stage, phones(count, "+33656"), "late")
    # One call takes 1.6 s of a 2 s timeout: a batch of 4 takes 6.4 s, far
    # longer than the timeouts that the old rule waited before reading a
    # "sending" request back.
    set_backends(db, batch_size=4, pool_size=1, timeout_connect=1, timeout=2)
    for system in SYSTEMS:
        sim.faults(system, latency_ms=1600)
    start_at = time.time() + 5
    first = worker(stage, "push", "late-first", start_at=start_at)
    second = worker(stage, "push", "late-second", start_at=start_at + 4)
    results = [first.wait(), second.wait()]
    requests = db.requests_of(backlog["lines"])
    print_table("Scenario 10: a second worker starting 4 s late, calls answered in 1.6 s "
                "of a 2 s timeout (%d requests)" % len(requests),
                ["worker", "claimed", "read back", "ran (s)"],
                [[name, len(result["claimed"]), result["reconciled"], result["seconds"]]
                 for name, result in zip(("first", "second (late)"), results)], capsys)
    claimed = [set(result["claimed"]) & set(backlog["requests"]) for result in results]
    assert claimed[0] and claimed[1], "no race: one worker did everything"
    assert not claimed[0] & claimed[1]
    # The late worker read nothing back: what the first held was its own.
    assert not results[1]["reconciled"], results[1]
    assert {r["attempt_count"] for r in requests.values()} == {1}
    assert_exactly_once(stage, backlog)
    for system in SYSTEMS:
        assert sim.sim_get(system, "stats")["replays"] == 0
