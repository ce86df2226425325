"""An Odoo process of its own for the hardening tests: does the work of the
SNAIC/CFAST jobs (or builds a backlog) on a database, the way a queue_job
worker does, and prints what it did as one line of JSON on stdout.

Run with the virtualenv's python (never imported by pytest):

    python tests/hardening_worker.py --conf C --db D push [--start-at T]
    python tests/hardening_worker.py --conf C --db D drain --deadline 600
    python tests/hardening_worker.py --conf C --db D backlog --phones-file F \
        --login ops --data-gb 2

Actions:

* ``push``: one lane's work (``_telecom_run_lane``) on every active
  connection, as the job of a lane does (read back, then claim and send
  until nothing is due);
* ``reconcile``: the read-back of every active connection's unknown
  outcomes;
* ``enqueue``: queue the jobs of every due request, as a deployment set
  done does (the job runner of a server runs them);
* ``fetch_ids``: the look-ups of every active connection's missing IDs;
* ``drain``: ``push`` again and again until no request (after
  ``--after-id``) is pending, sending or of unknown outcome (or the deadline
  passes), sleeping until the next one is due in between;
* ``backlog``: as ``--login``, create a line per number of ``--phones-file``
  in the demo parc, run Recharge DATA on them and set the deployment done;
  committed *without* the jobs that would push it, as when the server that
  made it died right after the commit: only the workers started by the
  test push it.

``--start-at`` (epoch seconds) is a barrier: the registry is loaded first,
then the action starts at that moment, so that two workers race for real.

The engine is instrumented, never changed: the ids each worker claimed and
what its read-backs found are recorded around the original methods.
"""
import argparse
import json
import sys
import time
from collections import Counter

import odoo
from odoo import SUPERUSER_ID, api


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--logfile")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--start-at", type=float, default=0.0)
    parser.add_argument("--deadline", type=float, default=600.0,
                        help="seconds the drain may take")
    parser.add_argument("--after-id", type=int, default=0,
                        help="drain: only the requests with a greater id count (the "
                             "demo's requests may wait an hour for their retry)")
    parser.add_argument("--phones-file")
    parser.add_argument("--login", default="ops")
    parser.add_argument("--data-gb", type=int, default=2)
    parser.add_argument("action", choices=("push", "reconcile", "enqueue", "fetch_ids", "drain",
                                           "backlog"))
    return parser.parse_args(argv)


def instrument(registry, record):
    """Record, around the engine's own methods, the requests this process
    claimed and the outcomes of its read-backs."""
    cls = registry["telecom.sync.request"]
    take, reconcile = cls._telecom_take, cls._telecom_reconcile

    @api.model
    def take_recorded(self, ids):
        claimed = take(self, ids)
        record["claimed"].extend(claimed.ids)
        return claimed

    @api.multi
    def reconcile_recorded(self):
        counts = reconcile(self)
        record["reconciled"].update(counts or {})
        return counts

    cls._telecom_take = take_recorded
    cls._telecom_reconcile = reconcile_recorded


def push(env):
    """A lane's work on every active connection, until nothing is due: one
    long job (a job's 40 s would hand unsent requests of a claim back to the
    queue, where the other worker may take them: legitimate, but what the
    race scenarios check is that no request is ever claimed twice)."""
    for backend in env["telecom.api.backend"].search([]):
        more = True
        while more:
            more = backend._telecom_run_lane(budget=3600)[1]


def open_states(cr, after_id):
    cr.execute("SELECT state, count(*) FROM telecom_sync_request "
               "WHERE state IN ('pending', 'sent', 'unknown') AND id > %s "
               "GROUP BY state", (after_id,))
    return dict(cr.fetchall())


def drain(env, deadline, after_id):
    """Do the lanes' work until nothing is left to send or read back among
    the requests after ``after_id``."""
    runs = 0
    end = time.time() + deadline
    while True:
        push(env)
        env.cr.commit()
        runs += 1
        left = open_states(env.cr, after_id)
        if not left or time.time() > end:
            return runs, left
        # Sleep until the next request is due (back-off, Retry-After), at
        # most a second: "unknown" and stale "sent" ones are due at once.
        env.cr.execute(
            "SELECT EXTRACT(EPOCH FROM min(next_attempt_at) - "
            "(now() AT TIME ZONE 'UTC')) FROM telecom_sync_request "
            "WHERE state = 'pending' AND next_attempt_at IS NOT NULL AND id > %s",
            (after_id,))
        wait = env.cr.fetchone()[0]
        env.cr.commit()
        time.sleep(min(1.0, max(0.1, float(0.5 if wait is None else wait))))


def backlog(env, args):
    """Lines, Recharge DATA and a done deployment, as ``args.login``."""
    with open(args.phones_file) as handle:
        phones = [line.strip() for line in handle if line.strip()]
    user = env["res.users"].search([("login", "=", args.login)])
    uenv = api.Environment(env.cr, user.id, {})
    parc = uenv.ref("telecom_parc.demo_parc_sw1_mobile")
    subscription = uenv.ref("telecom_parc.demo_subscription_eurof_100")
    Line = uenv["telecom.line"].with_context(tracking_disable=True,
                                             mail_create_nolog=True)
    lines = Line.browse()
    for phone in phones:
        lines |= Line.create({"phone_number": phone, "parc_id": parc.id,
                              "subscription_id": subscription.id,
                              "user_name": "hardening"})
    wizard = uenv["telecom.line.recharge"].create({
        "line_ids": [(6, 0, lines.ids)], "data_gb": args.data_gb})
    action = wizard.action_confirm()
    deployments = uenv["telecom.deployment"].browse(action["res_id"]) \
        if action.get("res_id") else uenv["telecom.deployment"].search(action["domain"])
    today = odoo.fields.Date.context_today(deployments)
    deployments.write({"date_installed": today, "date_activation": today})
    # Without its jobs, as if the server died right after committing.
    deployments.with_context(telecom_sync_no_autopush=True).action_done()
    env.cr.commit()
    requests = env["telecom.sync.request"].search([("line_id", "in", lines.ids)])
    return {"lines": lines.ids, "deployments": deployments.ids,
            "requests": requests.ids}


def main(argv=None):
    args = parse_args(argv)
    options = ["-c", args.conf, "-d", args.db, "--log-level", args.log_level,
               "--log-handler=odoo.modules.graph:CRITICAL"]
    if args.log_level == "debug":
        # Every library's debug lines too (urllib3, requests...).
        options.append("--log-handler=:DEBUG")
    if args.logfile:
        options.append("--logfile=%s" % args.logfile)
    odoo.tools.config.parse_config(options)
    record = {"claimed": [], "reconciled": Counter()}
    started = time.time()
    with api.Environment.manage():
        registry = odoo.registry(args.db)
        instrument(registry, record)
        if args.start_at:
            time.sleep(max(0.0, args.start_at - time.time()))
        result = {"action": args.action, "waited": round(time.time() - started, 3)}
        began = time.time()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Request = env["telecom.sync.request"]
            backends = env["telecom.api.backend"].search([])
            if args.action == "push":
                push(env)
            elif args.action == "enqueue":
                Request.search(Request._telecom_due_domain())._telecom_enqueue_push()
            elif args.action == "reconcile":
                for backend in backends:
                    Request._telecom_reconcile_backend(backend, 10 ** 6)
            elif args.action == "fetch_ids":
                for backend in backends:
                    last = 0
                    while last is not None:
                        last = Request._telecom_fetch_all_missing_ids(
                            backend, 200, after_id=last)[1]
            elif args.action == "drain":
                result["runs"], result["left"] = drain(env, args.deadline, args.after_id)
            elif args.action == "backlog":
                result.update(backlog(env, args))
        result.update({"claimed": record["claimed"],
                       "reconciled": dict(record["reconciled"]),
                       "began": began, "seconds": round(time.time() - began, 3)})
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
