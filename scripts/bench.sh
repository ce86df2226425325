#!/usr/bin/env bash
# make bench: a fresh database with the three addons (no demo data), then
# scripts/bench.py, which prints its table and writes it as JSON.
#   BENCH_SIZES=100,1000,10000 BENCH_LIST_LINES=100000 make bench
# Extra arguments go to scripts/bench.py (e.g. --smoke, --latency 20).
. "$(dirname "$0")/lib.sh"

bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/pg.sh"
load_pg_env

BENCH_DB="${BENCH_DB:-telecom_bench}"
if db_exists "$BENCH_DB"; then
    dropdb --if-exists "$BENCH_DB"
fi
rm -rf "$RUN/data/filestore/$BENCH_DB"
ODOO_INSTALL_ARGS="--without-demo=all" odoo_install "$BENCH_DB" "$(demo_modules)"

cd "$ROOT"
"$PY" scripts/bench.py --conf "$RUN/$BENCH_DB.conf" --db "$BENCH_DB" \
    --sizes "${BENCH_SIZES:-100,1000,10000}" --list-lines "${BENCH_LIST_LINES:-100000}" \
    --json "${BENCH_JSON:-$RUN/bench.json}" "$@"
