#!/usr/bin/env bash
# make lint: OCA's linters on the project's addons, at zero messages.
#  1. pylint with pylint-odoo and OCA's checks for 11.0 (.pylintrc);
#  2. oca-checks-odoo-module on each addon (manifest, XML, CSV);
#  3. oca-checks-po on each addon's .po and .pot files.
# Prints the messages and exits non-zero when there is any. The tools need a
# newer Python than Odoo 11's 3.7: they live in their own virtualenv,
# .venv-lint/, made with Python 3.11 from requirements-lint.txt (pinned) when
# it is missing or the pins changed.
. "$(dirname "$0")/lib.sh"

LINT_VENV="${LINT_VENV:-$ROOT/.venv-lint}"

install_lint_venv() {
    local stamp="$LINT_VENV/.project-requirements" want
    want=$(sha1sum < "$ROOT/requirements-lint.txt" | cut -c1-40)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
    if [ ! -x "$LINT_VENV/bin/python" ]; then
        local py311
        py311=$(find_python 3.11 PYTHON311) || die "make lint needs Python 3.11 (pylint-odoo does not run on 3.7) and none was found.
  Install it with pyenv ('pyenv install 3.11.7') or your system's packages,
  or point PYTHON311 at its python3.11 executable, then run this again."
        say "Creating the linters' Python 3.11 virtualenv in $LINT_VENV (from $py311)"
        "$py311" -m venv "$LINT_VENV"
    fi
    say "Installing the linters (requirements-lint.txt)"
    "$LINT_VENV/bin/python" -m pip install -q -r "$ROOT/requirements-lint.txt"
    echo "$want" > "$stamp"
}

install_lint_venv

cd "$ROOT"
modules=$(project_addons)
addons=(${modules//,/ })
manifests=() po_files=()
for m in "${addons[@]}"; do
    manifests+=("$m/__manifest__.py")
done
while IFS= read -r -d '' f; do po_files+=("$f"); done \
    < <(find "${addons[@]}" -type f \( -name '*.po' -o -name '*.pot' \) -print0 | sort -z)

# Messages are lines "path:line: ..." (pylint's msg-template in .pylintrc,
# the hooks' own format); the rest (module headers, blank lines) is not counted.
count_messages() { grep -cE '^[^ :]+:[0-9]+:|^[^ :]+\.pot?: ' || true; }

total=0
report() {  # report TOOL OUTPUT STATUS: print the messages, count them
    local tool="$1" output="$2" status="$3" n
    n=$(printf '%s\n' "$output" | count_messages)
    [ -n "$output" ] && printf '%s\n' "$output"
    # A tool failing without a message (crash, bad option) is a failure too.
    [ "$status" != 0 ] && [ "$n" = 0 ] && n=1 && echo "$tool exited with status $status"
    say "$tool: $n message(s)"
    total=$((total + n))
}

say "pylint-odoo (.pylintrc, OCA's checks for 11.0) on ${addons[*]}"
format=text; [ -t 1 ] && format=colorized
status=0
out=$("$LINT_VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" --output-format="$format" "${addons[@]}" 2>&1) || status=$?
report pylint-odoo "$(printf '%s\n' "$out" | grep -vE '\*{13} Module ' || true)" "$status"

say "oca-checks-odoo-module on ${manifests[*]}"
status=0
out=$("$LINT_VENV/bin/oca-checks-odoo-module" "${manifests[@]}" 2>&1) || status=$?
report oca-checks-odoo-module "$(printf '%s\n' "$out" | sed '/^$/d')" "$status"

if [ ${#po_files[@]} -gt 0 ]; then
    say "oca-checks-po on ${po_files[*]}"
    # po-pretty-format is off as in OCA's own pre-commit configuration (it
    # would also empty the msgstr equal to their msgid, "SNAIC", "Total"...,
    # which the addons' i18n tests require translated).
    # po-duplicate-model-definition: Odoo 11 exports each term of a
    # term-translated field (views' arch_db, actions' HTML help) as its own
    # entry, all with the same "#: model:" reference (Odoo 13+ writes
    # "model_terms:" there, which the check skips; Odoo 11 does not read it).
    # Its messages on those fields are dropped; on any other field it stands.
    term_fields='ir\.ui\.view,arch_db|ir\.actions\.act_window,help'
    status=0
    out=$("$LINT_VENV/bin/oca-checks-po" --disable=po-pretty-format "${po_files[@]}" 2>&1) || status=$?
    out=$(printf '%s\n' "$out" | sed '/^$/d' \
        | grep -vE "^[^ ]+: po-duplicate-model-definition Translation for model:($term_fields):" || true)
    # It exits 1 on the messages dropped too: judge by what is left.
    n=$(printf '%s\n' "$out" | count_messages)
    [ "$status" = 1 ] && [ "$n" = 0 ] && status=0
    report oca-checks-po "$out" "$status"
fi

if [ "$total" = 0 ]; then
    say "Lint: no message"
else
    say "Lint FAILED: $total message(s)"
    exit 1
fi
