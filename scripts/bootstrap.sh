#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages (when root on
# Debian), then a Python 3.7 virtualenv with Odoo 11 and the pinned libraries.
# Safe to run again: it only does what is not done yet.
. "$(dirname "$0")/lib.sh"

# nginx: the reverse proxy in front of Odoo (scripts/nginx.conf.in).
DEBIAN_PACKAGES=(postgresql libpq-dev node-less libldap2-dev libsasl2-dev chromium chromium-driver nginx-light)

install_debian_packages() {
    command -v dpkg-query >/dev/null || return 0
    local missing=() p
    for p in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        die "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}"
    fi
    say "Installing Debian packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}

install_venv() {
    local stamp="$VENV/.project-requirements" want
    want=$(cat "$ROOT/requirements.txt" "$ROOT/constraints.txt" "$ROOT/requirements-nodeps.txt" \
           | sha1sum | cut -c1-40)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
    if [ ! -x "$PY" ]; then
        local py37
        py37=$(find_python 3.7 PYTHON37) || die "Odoo 11 needs Python 3.7 and none was found.
  Install it with pyenv ('pyenv install 3.7.16') or your system's packages,
  or point PYTHON37 at its python3.7 executable, then run this again."
        say "Creating the Python 3.7 virtualenv in $VENV (from $py37)"
        "$py37" -m venv "$VENV"
    fi
    say "Installing Odoo 11 and the Python libraries (requirements.txt, constraints.txt)"
    # vatnumber (required by Odoo 11) only builds with an old setuptools: install
    # it first and build without isolation so the build uses it.
    "$PY" -m pip install -q -c "$ROOT/constraints.txt" "pip<24" wheel setuptools
    "$PY" -m pip install -q --no-build-isolation -c "$ROOT/constraints.txt" -r "$ROOT/requirements.txt"
    "$PY" -m pip install -q --no-deps -r "$ROOT/requirements-nodeps.txt"
    echo "$want" > "$stamp"
}

install_debian_packages
install_venv
