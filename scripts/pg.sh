#!/usr/bin/env bash
# Makes sure a PostgreSQL server is running with a role Odoo may use (Odoo
# refuses the 'postgres' role), and writes its connection settings to .run/pg.env.
#  - DB_HOST/DB_PORT/DB_USER/DB_PASSWORD set in the environment: used as they are.
#  - as root on Debian: the system cluster (started if down), role 'odoo'.
#  - otherwise: a cluster of the project's own in .run/pgdata, on port 5433.
. "$(dirname "$0")/lib.sh"

write_env() {
    cat > "$RUN/pg.env" <<ENV
DB_HOST=$1
DB_PORT=$2
DB_USER=$3
DB_PASSWORD=$4
ENV
}

wait_ready() {
    local i
    for i in $(seq 1 60); do
        pg_isready -q -h "$1" -p "$2" && return 0
        sleep 0.5
    done
    die "PostgreSQL did not start on $1:$2"
}

if [ -n "${DB_HOST:-}" ]; then
    write_env "$DB_HOST" "${DB_PORT:-5432}" "${DB_USER:-odoo}" "${DB_PASSWORD:-odoo}"
    exit 0
fi

if [ "$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null; then
    version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
    if [ -z "$version" ]; then
        version=$(ls /usr/lib/postgresql | sort -n | tail -1)
        say "Creating the PostgreSQL $version cluster 'main'"
        pg_createcluster "$version" main >/dev/null
    fi
    cluster=$(pg_lsclusters -h | awk 'NR==1 {print $2}')
    port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
    if [ "$(pg_lsclusters -h | awk 'NR==1 {print $4}')" != online ]; then
        say "Starting PostgreSQL $version/$cluster on port $port"
        pg_ctlcluster "$version" "$cluster" start
        echo "$version $cluster" > "$RUN/pg.started-by-us"
    fi
    wait_ready 127.0.0.1 "$port"
    password=odoo
    runuser -u postgres -- psql -q -p "$port" -v pw="$password" <<'SQL'
SELECT format('CREATE ROLE odoo LOGIN CREATEDB PASSWORD %L', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'odoo') \gexec
SQL
    write_env 127.0.0.1 "$port" odoo "$password"
    exit 0
fi

# Not root: a cluster of our own, owned by the current user.
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || die "PostgreSQL is not installed: sudo apt-get install postgresql"
user=$(id -un)
[ "$user" != postgres ] || die "Odoo refuses to run as the 'postgres' role: run as another user"
data="$RUN/pgdata" port=5433
if [ ! -f "$data/PG_VERSION" ]; then
    say "Creating a PostgreSQL cluster in $data"
    "$bindir/initdb" -D "$data" -U "$user" --auth=trust -E UTF8 >/dev/null
fi
if ! "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on 127.0.0.1:$port"
    "$bindir/pg_ctl" -D "$data" -l "$RUN/log/postgresql.log" -w \
        -o "-p $port -k $RUN -c listen_addresses=127.0.0.1" start >/dev/null
    echo "local $data" > "$RUN/pg.started-by-us"
fi
wait_ready 127.0.0.1 "$port"
write_env 127.0.0.1 "$port" "$user" ""
