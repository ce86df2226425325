"""The real server on the test database: login page, web client assets, and the
seed's demo lines read over XML-RPC as each kind of user."""
import re

import requests

SEED_NUMBERS = ["+33700000090", "+33700000091", "+33700000092", "+33700000093"]


def test_login_page_answers(odoo_server):
    page = requests.get(odoo_server["url"] + "/web/login", timeout=30)
    assert page.status_code == 200
    assert 'name="login"' in page.text and 'name="password"' in page.text


def test_static_files_and_client_templates_are_served(odoo_server):
    """The web client needs the addons' static files (QWeb templates of its
    dialogs among them); an addon of the wheels that fails to import must not
    take them down."""
    for path in ("/web/static/src/xml/dialog.xml", "/telecom_parc/static/description/icon.png",
                 "/web/static/lib/fontawesome/fonts/fontawesome-webfont.woff"):
        answer = requests.get(odoo_server["url"] + path, timeout=30)
        assert answer.status_code == 200, path
    assert 't-name="Dialog"' in requests.get(odoo_server["url"] + "/web/static/src/xml/dialog.xml",
                                             timeout=30).text


def test_backend_stylesheets_compile_with_lessc(odoo_server):
    """The web client's LESS is compiled by lessc; a missing or broken lessc gives
    a stylesheet carrying Odoo's error message instead of CSS."""
    session = requests.Session()
    auth = session.post(odoo_server["url"] + "/web/session/authenticate", json={
        "jsonrpc": "2.0", "params": {"db": odoo_server["db"], "login": "admin", "password": "admin"}},
        timeout=30).json()
    assert auth.get("result", {}).get("uid"), auth
    home = session.get(odoo_server["url"] + "/web", timeout=60)
    assert home.status_code == 200
    sheets = re.findall(r'href="(/web/content/[^"]*web\.assets_backend[^"]*\.css)"', home.text)
    assert sheets, "no backend stylesheet linked from /web"
    for sheet in sheets:
        css = session.get(odoo_server["url"] + sheet, timeout=180)
        assert css.status_code == 200
        assert "Could not execute command" not in css.text
        assert "lessc" not in css.text.lower()
        assert ".o_web_client" in css.text


def test_seed_lines_readable_as_admin(rpc):
    admin = rpc("admin", "admin")
    lines = admin.call("telecom.line", "search_read", [["phone_number", "in", SEED_NUMBERS]],
                       fields=["name", "phone_number", "user_name", "customer_account", "subscription_id",
                               "site_id", "parc_id"])
    assert sorted(l["phone_number"] for l in lines) == SEED_NUMBERS
    by_number = {l["phone_number"]: l for l in lines}
    first = by_number["+33700000090"]
    assert first["name"] == "0700000090"
    assert first["user_name"] == "Nouveau nom user1ssssss"
    assert first["customer_account"] == "aaaaaaa"
    assert first["subscription_id"][1].startswith("Illimité Voix France&EUROF VoLTE")
    assert all("SITE_SW1" in l["site_id"][1] for l in lines)
    assert all(l["parc_id"][1] == "Mobile / Actif Telecom" for l in lines)


def test_demo_users_of_each_group_log_in(rpc):
    for login in ("ops", "accountant", "manager"):
        user = rpc(login, login)
        count = user.call("telecom.line", "search_count", [["phone_number", "in", SEED_NUMBERS]])
        assert count == 4, login


def test_no_module_waits_to_install(rpc):
    """The wheels' auto-install bridges without their dependencies would stay
    "to install", and Odoo's cron thread would skip the database for ever."""
    admin = rpc("admin", "admin")
    assert admin.call("ir.module.module", "search_read", [
        ["state", "in", ["to install", "to upgrade", "to remove"]]], fields=["name"]) == []
