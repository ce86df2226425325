#!/usr/bin/env bash
# make demo: PostgreSQL, the demo database with every addon and its demo data,
# and Odoo on http://127.0.0.1:$ODOO_PORT (nginx in front of its workers). Running it again reuses what exists:
# it installs addons that are missing and updates those whose files changed.
# DEMO_LANG=fr_FR loads French and makes it the language of the demo users;
# DEMO_RESET=1 starts again from a new demo database.
. "$(dirname "$0")/lib.sh"

bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/pg.sh"
load_pg_env

modules=$(project_addons)
conf="$RUN/$ODOO_DB.conf"
hash_file="$RUN/$ODOO_DB.addons-hash"
addons_hash() { (cd "$ROOT" && find ${modules//,/ } -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40); }

server_pid() {
    local pid
    [ -f "$RUN/odoo.pid" ] && pid=$(cat "$RUN/odoo.pid") && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Stop the running Odoo, if any, and wait until it is gone ($1: why).
stop_server() {
    local pid i
    pid=$(server_pid || true)
    [ -n "$pid" ] || return 0
    say "Stopping Odoo (pid $pid) $1"
    kill "$pid"
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
}

# DEMO_RESET=1 make demo: a new demo database (the demo data is loaded when
# the database is made; updates do not replay it), and simulators filled anew.
if [ "${DEMO_RESET:-}" = 1 ] && db_exists "$ODOO_DB"; then
    stop_server "to drop its database"
    sim_pid=$(cat "$RUN/simulators.pid" 2>/dev/null || true)
    if [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; then
        for i in $(seq 1 20); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.25; done
    fi
    say "Dropping the demo database $ODOO_DB (DEMO_RESET=1)"
    dropdb "$ODOO_DB"
    rm -rf "$RUN/data/filestore/$ODOO_DB" "$hash_file"
fi

if [ -n "${DEMO_LANG:-}" ]; then
    [[ "$DEMO_LANG" =~ ^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?$ ]] \
        || die "DEMO_LANG=$DEMO_LANG is not a language code such as fr_FR"
fi

need_restart=0
if ! db_exists "$ODOO_DB"; then
    if [ -n "${DEMO_LANG:-}" ]; then
        # The demo is made in the language it is shown in: the texts that
        # its data stores (MAJ info, chatter, activities, errors) are
        # written in the company's language, set before the addons and
        # their demo data are installed.
        ODOO_INSTALL_ARGS="--load-language=$DEMO_LANG" odoo_install "$ODOO_DB" base
        psql -d "$ODOO_DB" -q -v lang="$DEMO_LANG" <<'SQL'
UPDATE res_partner SET lang = :'lang'
 WHERE id IN (SELECT partner_id FROM res_company
              UNION SELECT partner_id FROM res_users WHERE login = 'admin');
SQL
    fi
    odoo_install "$ODOO_DB" "$(demo_modules)"
    addons_hash > "$hash_file"; need_restart=1
else
    missing=$(psql -d "$ODOO_DB" -tA -v mods="$(demo_modules)" <<'SQL'
SELECT string_agg(m, ',') FROM unnest(string_to_array(:'mods', ',')) m
 WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed');
SQL
)
    current=$(addons_hash)
    if [ -n "$missing" ] || [ "$(cat "$hash_file" 2>/dev/null)" != "$current" ]; then
        # A running server would keep the old code: stop it while we update.
        stop_server "to update the addons"
        [ -n "$missing" ] && odoo_install "$ODOO_DB" "$missing"
        odoo_update "$ODOO_DB" "$modules"
        echo "$current" > "$hash_file"; need_restart=1
    fi
fi
write_odoo_conf "$conf" "$ODOO_DB"

# DEMO_LANG=fr_FR make demo: load that language (Odoo's and the addons'
# i18n/fr.po) and make it the language of the company, admin and the demo
# users. Done once: later runs without DEMO_LANG keep it. A demo database
# made in another language keeps the texts its demo data stored then:
# DEMO_RESET=1 makes it again in DEMO_LANG.
DEMO_USERS="admin,ops,accountant,manager"
if [ -n "${DEMO_LANG:-}" ]; then
    todo=$(psql -d "$ODOO_DB" -tA -v lang="$DEMO_LANG" -v users="$DEMO_USERS" <<'SQL'
SELECT NOT EXISTS (SELECT 1 FROM res_lang WHERE code = :'lang' AND active)
    OR EXISTS (SELECT 1 FROM res_users u JOIN res_partner p ON p.id = u.partner_id
                WHERE u.login = ANY (string_to_array(:'users', ','))
                  AND p.lang IS DISTINCT FROM :'lang')
    OR EXISTS (SELECT 1 FROM res_company c JOIN res_partner p ON p.id = c.partner_id
                WHERE p.lang IS DISTINCT FROM :'lang');
SQL
)
    if [ "$todo" = t ]; then
        stop_server "to change the language"
        log="$RUN/log/lang-$ODOO_DB.log"
        say "Loading the language $DEMO_LANG into $ODOO_DB for $DEMO_USERS (log: $log)"
        if ! "$PY" "$ODOO_BIN" -c "$conf" -d "$ODOO_DB" --load-language="$DEMO_LANG" --stop-after-init \
                --log-level=info --log-handler=odoo.modules.graph:CRITICAL > "$log" 2>&1; then
            tail -20 "$log" >&2; die "Odoo could not load the language $DEMO_LANG"
        fi
        check_install_log "$log"
        # The server is stopped: no cache of the users' context to refresh.
        psql -d "$ODOO_DB" -q -v lang="$DEMO_LANG" -v users="$DEMO_USERS" <<'SQL'
UPDATE res_partner SET lang = :'lang'
 WHERE id IN (SELECT partner_id FROM res_users WHERE login = ANY (string_to_array(:'users', ','))
              UNION SELECT partner_id FROM res_company)
   AND EXISTS (SELECT 1 FROM res_lang WHERE code = :'lang' AND active);
SQL
        [ "$(psql -d "$ODOO_DB" -tA -v lang="$DEMO_LANG" <<< "SELECT count(*) FROM res_lang WHERE code = :'lang' AND active;")" = 1 ] \
            || die "the language $DEMO_LANG is not installed in $ODOO_DB (see $log)"
    fi
fi

# The SNAIC/CFAST simulators (simulator/sim.py), which the demo connections
# point to. Other ports than 8071/8072 go into Odoo's configuration file.
SNAIC_PORT="${SNAIC_PORT:-8071}"
CFAST_PORT="${CFAST_PORT:-8072}"
if [ "$SNAIC_PORT" != 8071 ] || [ "$CFAST_PORT" != 8072 ]; then
    printf 'telecom_snaic_url = http://127.0.0.1:%s\ntelecom_cfast_url = http://127.0.0.1:%s\n' \
        "$SNAIC_PORT" "$CFAST_PORT" >> "$conf"
fi
sim_pid=$(cat "$RUN/simulators.pid" 2>/dev/null || true)
sims_started=0
if [ -z "$sim_pid" ] || ! kill -0 "$sim_pid" 2>/dev/null; then
    for port in "$SNAIC_PORT" "$CFAST_PORT"; do
        if (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            die "port $port is taken by another program: stop it or set SNAIC_PORT / CFAST_PORT"
        fi
    done
    say "Starting the SNAIC/CFAST simulators on 127.0.0.1:$SNAIC_PORT and :$CFAST_PORT"
    setsid nohup "$PY" "$ROOT/simulator/sim.py" --host 127.0.0.1 --snaic-port "$SNAIC_PORT" \
        --cfast-port "$CFAST_PORT" --pidfile "$RUN/simulators.pid" \
        </dev/null >"$RUN/log/simulators.out" 2>"$RUN/log/simulators.log" &
    for i in $(seq 1 40); do
        [ "$(wc -l < "$RUN/log/simulators.out")" -ge 2 ] && break
        sleep 0.25
    done
    [ "$(wc -l < "$RUN/log/simulators.out")" -ge 2 ] || die "the simulators did not start (log: $RUN/log/simulators.log)"
    sims_started=1
fi

pid=$(server_pid || true)
if [ -z "$pid" ]; then
    if (echo > "/dev/tcp/127.0.0.1/$ODOO_HTTP_PORT") 2>/dev/null; then
        die "port $ODOO_HTTP_PORT is taken by another program: stop it or run ODOO_HTTP_PORT=8168 make demo"
    fi
    if (echo > "/dev/tcp/127.0.0.1/$ODOO_LONGPOLLING_PORT") 2>/dev/null; then
        die "port $ODOO_LONGPOLLING_PORT is taken by another program: stop it or run ODOO_LONGPOLLING_PORT=8179 make demo"
    fi
    say "Starting Odoo on 127.0.0.1:$ODOO_HTTP_PORT: $ODOO_WORKERS workers, a cron worker, the job runner, longpolling on :$ODOO_LONGPOLLING_PORT (log: $RUN/log/odoo.log)"
    setsid nohup "$PY" "$ODOO_BIN" -c "$conf" -d "$ODOO_DB" --http-port="$ODOO_HTTP_PORT" \
        --workers="$ODOO_WORKERS" --max-cron-threads=1 --longpolling-port="$ODOO_LONGPOLLING_PORT" \
        --proxy-mode --logfile="$RUN/log/odoo.log" --log-handler=odoo.modules.graph:CRITICAL \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$RUN/odoo.pid"
fi

# nginx in front, as in production: the users' port, and /longpolling/ to
# the longpolling process, so that the web client's bus (live statuses)
# works (the prefork workers answer "bus.Bus unavailable").
nginx_pid=$(cat "$RUN/nginx.pid" 2>/dev/null || true)
if [ -z "$nginx_pid" ] || ! kill -0 "$nginx_pid" 2>/dev/null; then
    command -v nginx >/dev/null || die "nginx is missing: run scripts/bootstrap.sh as root, or apt-get install nginx-light"
    if (echo > "/dev/tcp/127.0.0.1/$ODOO_PORT") 2>/dev/null; then
        die "port $ODOO_PORT is taken by another program: stop it or run ODOO_PORT=8169 make demo"
    fi
    write_nginx_conf "$RUN/nginx" "$ODOO_PORT" "$ODOO_HTTP_PORT" "$ODOO_LONGPOLLING_PORT"
    say "Starting nginx on 127.0.0.1:$ODOO_PORT in front of Odoo (log: $RUN/nginx/error.log)"
    setsid nohup nginx -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/nginx/nginx.conf" \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$RUN/nginx.pid"
fi

url="http://127.0.0.1:$ODOO_PORT"
for i in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url/web/login" || true)
    [ "$code" = 200 ] && break
    server_pid >/dev/null || { tail -30 "$RUN/log/odoo.log" >&2; die "Odoo stopped while starting"; }
    kill -0 "$(cat "$RUN/nginx.pid")" 2>/dev/null || { tail -5 "$RUN/nginx/error.log" >&2; die "nginx stopped while starting"; }
    sleep 0.5
done
[ "$code" = 200 ] || die "Odoo does not answer on $url/web/login (log: $RUN/log/odoo.log)"

# Simulators started now are empty: give them what the demo database says
# was applied (telecom.api.backend.telecom_demo_fill_simulators, as admin
# over XML-RPC), with one drift of each kind for the audit.
if [ "$sims_started" = 1 ]; then
    say "Filling the simulators with the options the demo database applied (and some drift to audit)"
    "$PY" - "$url" "$ODOO_DB" <<'PY' || die "the simulators could not be filled (see above; log: $RUN/log/odoo.log)"
import sys
import xmlrpc.client

url, db = sys.argv[1], sys.argv[2]
uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(db, "admin", "admin", {})
if not uid:
    sys.exit("admin / admin cannot log in to %s" % db)
try:
    xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object").execute_kw(
        db, uid, "admin", "telecom.api.backend", "telecom_demo_fill_simulators", [])
except xmlrpc.client.Fault as fault:
    sys.exit(fault.faultString.strip().splitlines()[-1])
PY
fi

cat <<MSG

  Odoo is running: $url   (database $ODOO_DB)
  Logins (login / password):
    admin      / admin       administrator (Telecom Manager and Settings)
    ops        / ops         Telecom User: operations (parc, Recharge DATA)
    accountant / accountant  Telecom Accountant: reads amounts
    manager    / manager     Telecom Manager: configuration
  Language of the demo users: $(psql -d "$ODOO_DB" -tA <<< "SELECT coalesce(p.lang, 'en_US') FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.login = 'ops';")  (DEMO_LANG=fr_FR make demo for French)
  SNAIC simulator: http://127.0.0.1:$SNAIC_PORT/_sim/applied
  CFAST simulator: http://127.0.0.1:$CFAST_PORT/_sim/applied
  Stop everything with: make stop

MSG
