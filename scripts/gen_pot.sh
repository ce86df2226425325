#!/usr/bin/env bash
# Write each addon's i18n/<addon>.pot (the template of its translations) as
# Odoo's --i18n-export makes it, from a scratch database with the addons.
# Each addon's test_pot_current fails when a .pot is out of date.
. "$(dirname "$0")/lib.sh"

bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/pg.sh"
load_pg_env

db="${POT_DB:-telecom_pot}"
modules=$(project_addons)
dropdb --if-exists "$db"
odoo_install "$db" "$(demo_modules)"
for m in ${modules//,/ }; do
    say "Exporting $m/i18n/$m.pot"
    # Odoo picks the format from the extension and knows "po", not "pot".
    "$PY" "$ODOO_BIN" -c "$RUN/$db.conf" -d "$db" --modules="$m" \
        --i18n-export="$RUN/$m.po" --stop-after-init \
        --log-level=warn --log-handler=odoo.modules.graph:CRITICAL
    mv "$RUN/$m.po" "$ROOT/$m/i18n/$m.pot"
done
dropdb --if-exists "$db"
rm -rf "$RUN/data/filestore/$db"
