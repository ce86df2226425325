#!/usr/bin/env bash
# make test: a fresh database with every addon and its demo data, then
#  1. each addon's tests/ with pytest-odoo (SavepointCase, rolled back);
#  2. the root tests/ (servers, RPC, browser, simulators) with pytest alone.
# Exits non-zero when anything fails. Extra arguments go to both pytest runs.
. "$(dirname "$0")/lib.sh"

bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/pg.sh"
load_pg_env

modules=$(project_addons)
if db_exists "$TEST_DB"; then
    say "Dropping the previous test database $TEST_DB"
    dropdb --if-exists "$TEST_DB"
fi
rm -rf "$RUN/data/filestore/$TEST_DB"
odoo_install "$TEST_DB" "$(demo_modules)"
conf="$RUN/$TEST_DB.conf"

addon_tests=()
for m in ${modules//,/ }; do
    [ -d "$ROOT/$m/tests" ] && addon_tests+=("$m/tests")
done

cd "$ROOT"
addons_status=0
say "Addon tests (pytest-odoo on $TEST_DB): ${addon_tests[*]}"
"$VENV/bin/pytest" -p no:cacheprovider --odoo-config="$conf" --odoo-database="$TEST_DB" \
    "${addon_tests[@]}" "$@" || addons_status=$?

root_status=0
say "Cross-addon tests (root tests/)"
TELECOM_ODOO_CONF="$conf" TELECOM_DB="$TEST_DB" TELECOM_PYTHON="$PY" TELECOM_ODOO_BIN="$ODOO_BIN" \
    "$VENV/bin/pytest" -p no:odoo -p no:cacheprovider tests "$@" || root_status=$?

# pytest's 5 is "no tests collected": a failure, except when extra arguments
# (e.g. -k hardening) select tests of one run only and the other run ran some.
NO_TESTS=5
if [ $# -gt 0 ]; then
    [ "$addons_status" = "$NO_TESTS" ] && [ "$root_status" = 0 ] && addons_status=0
    [ "$root_status" = "$NO_TESTS" ] && [ "$addons_status" = 0 ] && root_status=0
fi
status=$((addons_status ? addons_status : root_status))
[ "$status" = 0 ] && say "All tests passed" || say "Tests FAILED (exit $status)"
exit "$status"
