#!/usr/bin/env bash
# make stop: stops what make demo started (Odoo, the simulators, and PostgreSQL
# if it was not running before).
. "$(dirname "$0")/lib.sh"

for pidfile in "$RUN"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        say "Stopping $(basename "$pidfile" .pid) (pid $pid)"
        kill "$pid"
        for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$pidfile"
done

if [ -f "$RUN/pg.started-by-us" ]; then
    read -r what where < "$RUN/pg.started-by-us"
    say "Stopping PostgreSQL"
    if [ "$what" = local ]; then
        pg_ctl_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl
        "$pg_ctl_bin" -D "$where" -m fast stop >/dev/null || true
    else
        pg_ctlcluster "$what" "$where" stop || true
    fi
    rm -f "$RUN/pg.started-by-us"
fi
