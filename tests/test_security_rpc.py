"""Security over XML-RPC: what the demo users must not be able to
do against a real Odoo server, one test per hole.

Each test plays the attack as a demo user (``ops``: Telecom User of company
A; ``manager``: Telecom Manager, not an administrator; a portal user) and
asserts the honest outcome, read back as ``admin``:

* "refused": the call raises an XML-RPC Fault that is a user-level refusal
  (UserError, ValidationError, AccessError...), never a server error (no
  psycopg2 / IntegrityError, no traceback of an unexpected exception), and
  nothing changed;
* "neutralised": the call may succeed but what is stored is the honest value
  (amounts computed from quantity x unit price, the list price, the tier
  product, the company's own settings...).

It covers: statuses and option deletions forced through the internal context
keys, forged amounts and prices of options and deployments, the link between
lines and done deployments, moving lines to another company's parc, what the
Recharge DATA wizard and the refusal messages reveal of another company's
lines, wizards open to portal users, the Recharge DATA settings of another
company, the SNAIC/CFAST IDs of lines, sites and customers, deleting a line
that has a MAJ, the connection URL a manager could point at their own server
to collect the token, the exact decimal price sent to the systems, and the
idempotency keys of a restored copy of the database.

Everything runs on a copy of the test database with its own simulator and
Odoo server (see hardening_support), so a hole that is open does no harm to
the other tests.
"""
import http.server
import itertools
import threading
import time
import xmlrpc.client
from decimal import Decimal
from pathlib import Path

import pytest

from hardening_support import (DEMO_TOKENS, SYSTEMS, Database, OdooServer, phones, scenario,
                               seed_lines, start_simulator, wait_for)

# The last line of a traceback that Odoo 11 sends for a ValidationError (and
# the other except_orm) raised on purpose: a refusal, not a crash.
USER_EXCEPTIONS = ("odoo.exceptions.ValidationError", "odoo.exceptions.UserError",
                   "odoo.exceptions.AccessError", "odoo.exceptions.MissingError",
                   "odoo.exceptions.except_orm", "odoo.exceptions.Warning")
SERVER_ERROR_MARKERS = ("psycopg2", "IntegrityError")
TRACEBACK = "Traceback (most recent call last)"

# Company B's line, known to nobody in company A.
B_NUMBER = "+33698765432"
B_NUMBER_FORMS = (B_NUMBER, "0698765432", "06 98 76 54 32", "06.98.76.54.32", "698765432",
                  "98 76 54 32")
B_LINE_NAME = "BRAVO-LINE-77"
B_SITE_NAME = "Bravo Hidden Site"
B_SITE_CODE = "BRAVOSITE7"

WIZARDS = ("telecom.line.recharge", "telecom.line.mass.edit", "telecom.line.add",
           "telecom.line.delete", "telecom.line.task", "telecom.recharge.config")


# ----------------------------------------------------------------------
# Refusals and leaks
# ----------------------------------------------------------------------
def clean_message(fault):
    """The message of a Fault that is a user-level refusal; fails the test
    on a server error (a database error or an unexpected exception)."""
    text = fault.faultString or ""
    for marker in SERVER_ERROR_MARKERS:
        assert marker not in text, "server error instead of a refusal:\n%s" % text[-3000:]
    if TRACEBACK in text:
        last = text.strip().splitlines()[-1]
        assert last.startswith(USER_EXCEPTIONS), \
            "server error instead of a refusal:\n%s" % text[-3000:]
    return text


def refused(call):
    """Run ``call()``; it must raise a clean refusal. Returns the message."""
    try:
        result = call()
    except xmlrpc.client.Fault as fault:
        return clean_message(fault)
    raise AssertionError("not refused: the call returned %r" % (result,))


def attempt(call):
    """Run ``call()``: ('ok', result) or ('refused', message). A server
    error fails the test."""
    try:
        return "ok", call()
    except xmlrpc.client.Fault as fault:
        return "refused", clean_message(fault)


def revealed(text, secrets):
    """The ``secrets`` found in ``text`` (anything: str() of it)."""
    text = str(text)
    return [secret for secret in secrets if secret in text]


def money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


# ----------------------------------------------------------------------
# A listener that records what it is sent (the attacker's server)
# ----------------------------------------------------------------------
class Listener(object):
    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                received.append({"method": self.command, "path": self.path,
                                 "headers": dict(self.headers.items()),
                                 "body": body.decode("utf-8", "replace")})
                data = b'{"status": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def tokens_seen(self):
        """The demo tokens found in any request received (headers or body)."""
        seen = set()
        for request in self.received:
            text = "%s %s %s" % (request["path"], request["headers"], request["body"])
            seen.update(token for token in DEMO_TOKENS.values() if token in text)
        return seen

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ----------------------------------------------------------------------
# The stage: a database, a simulator and a server of our own
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with scenario(odoo_env, tmp_path_factory, "security") as stage_:
        yield dict(stage_, odoo_env=stage_["env"])


@pytest.fixture(scope="module")
def world(stage):
    return World(stage)


class World(object):
    """Company A's demo records, company B with its site, parc and line, and
    the users; helpers to make deployments as a user."""

    def __init__(self, stage):
        self.stage, self.db, self.sim = stage, stage["db"], stage["sim"]
        self.server = stage["server"]
        self.admin = self.server.rpc("admin")
        self.ops = self.server.rpc("ops")
        self.manager = self.server.rpc("manager")
        self.numbers = iter(phones(400, "+33619"))
        self.counter = itertools.count(1)
        self.today = time.strftime("%Y-%m-%d")
        ref = self.ref
        self.company_a = ref("base.main_company")
        self.operator = ref("telecom_parc.demo_partner_actif_telecom")
        self.customer_a = ref("telecom_parc.demo_partner_client_sw")
        self.site_a = ref("telecom_parc.demo_site_sw1")
        self.parc_a = ref("telecom_parc.demo_parc_sw1_mobile")
        self.subscription = ref("telecom_parc.demo_subscription_eurof_100")
        self.backends = {b["system"]: b["id"] for b in self.call(
            "telecom.api.backend", "search_read", [["company_id", "=", self.company_a]],
            fields=["system"])}
        self.find_tiers()
        self.make_company_b()
        self.portal = self.make_user("sec_portal", self.company_a, [ref("base.group_portal")])

    def ref(self, xmlid):
        return self.admin.call("ir.model.data", "xmlid_to_res_id", xmlid, True)

    def call(self, model, method, *args, **kwargs):
        return self.admin.call(model, method, *args, **kwargs)

    def read(self, model, record_id, fields):
        return self.call(model, "read", [record_id], fields)[0]

    def find_tiers(self):
        """The Recharge DATA products: the tier of the demo subscription
        (its allowance is within [min, max)) and the other one."""
        allowance = self.read("telecom.subscription", self.subscription,
                              ["data_allowance_gb"])["data_allowance_gb"]
        products = self.call("product.product", "search_read", [
            ["telecom_is_one_off", "=", True], ["telecom_option_kind", "=", "data_topup"]],
            fields=["lst_price", "default_code", "telecom_min_allowance_gb",
                    "telecom_max_allowance_gb", "telecom_gb_per_unit"])
        fits = [p for p in products if p["telecom_min_allowance_gb"] <= allowance and (
            not p["telecom_max_allowance_gb"] or allowance < p["telecom_max_allowance_gb"])]
        assert len(fits) == 1 and fits[0]["telecom_gb_per_unit"] == 1, products
        self.tier = fits[0]
        others = [p for p in products if p["id"] != self.tier["id"]
                  and p["lst_price"] != self.tier["lst_price"]]
        assert others, products
        self.other_tier = others[0]

    def make_user(self, login, company, groups):
        self.call("res.users", "create", {
            "name": login, "login": login, "password": login, "email": "%s@example.com" % login,
            "company_id": company, "company_ids": [[6, 0, [company]]],
            "groups_id": [[6, 0, groups]]})
        return self.server.rpc(login)

    def make_company_b(self):
        """Company B, its Telecom User, customer, site, parc and line (made by
        its own user, so they surely belong to B)."""
        self.company_b = self.call("res.company", "create", {"name": "Security B Telecom"})
        self.max_gb_b = self.read("res.company", self.company_b,
                                  ["telecom_recharge_max_gb"])["telecom_recharge_max_gb"]
        self.ops_b = self.make_user("sec_ops_b", self.company_b, [
            self.ref("base.group_user"), self.ref("telecom_parc.group_telecom_user")])
        self.customer_b = self.call("res.partner", "create", {
            "name": "Client Bravo", "is_company": True, "customer": True,
            "company_id": self.company_b})
        self.site_b = self.ops_b.call("telecom.site", "create", {
            "name": B_SITE_NAME, "code": B_SITE_CODE, "partner_id": self.customer_b})
        self.parc_b = self.ops_b.call("telecom.parc", "create", {
            "site_id": self.site_b, "service_type": "mobile",
            "partner_operator_id": self.operator})
        self.line_b = self.ops_b.call("telecom.line", "create", {
            "phone_number": B_NUMBER, "name": B_LINE_NAME, "parc_id": self.parc_b,
            "subscription_id": self.subscription})
        assert self.read("telecom.line", self.line_b, ["company_id"])["company_id"][0] == \
            self.company_b
        self.b_secrets = (B_LINE_NAME, B_SITE_NAME, B_SITE_CODE) + B_NUMBER_FORMS
        self.b_names = (B_LINE_NAME, B_SITE_NAME, B_SITE_CODE)

    # -- lines and deployments of company A ------------------------------
    def new_line(self, number=None):
        """A line of company A on the demo parc (the subscription's tier),
        known to both simulated systems."""
        number = number or next(self.numbers)
        seed_lines(self.sim, [number])
        return self.call("telecom.line", "create", {
            "phone_number": number, "parc_id": self.parc_a,
            "subscription_id": self.subscription})

    def recharge(self, user, lines, data_gb=1):
        """Recharge DATA of ``data_gb`` GB as ``user``: the draft deployment."""
        wizard = user.call("telecom.line.recharge", "create",
                           {"line_ids": [[6, 0, lines]], "data_gb": data_gb})
        return user.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]

    def set_dates(self, user, deployment):
        user.call("telecom.deployment", "write", [deployment],
                  {"date_installed": self.today, "date_activation": self.today})

    def finish(self, user, deployment):
        self.set_dates(user, deployment)
        user.call("telecom.deployment", "action_done", [deployment])

    def draft(self, user=None, data_gb=1):
        """(draft deployment, its line, its option) made by ``user`` (ops)."""
        user = user or self.ops
        line = self.new_line()
        deployment = self.recharge(user, [line], data_gb)
        return deployment, line, self.option_of(deployment)

    def done(self, user=None, data_gb=1):
        """A done deployment, once its push has ended: the push writes on
        the line and the deployment, and must not race with the attack."""
        user = user or self.ops
        deployment, line, option = self.draft(user, data_gb)
        self.finish(user, deployment)
        assert self.read("telecom.deployment", deployment, ["state"])["state"] == "done"
        self.wait_pushed([line])
        return deployment, line, option

    def option_of(self, deployment):
        options = self.call("telecom.deployment.option", "search",
                            [["deployment_id", "=", deployment]])
        assert len(options) == 1, options
        return options[0]

    def updates_of(self, deployment):
        """The MAJ of ``deployment`` with their options."""
        updates = self.call("telecom.line.update", "search_read",
                            [["deployment_id", "=", deployment]],
                            fields=["amount_one_off", "option_ids", "line_id"])
        for update in updates:
            update["options"] = self.call(
                "telecom.line.update.option", "read", update["option_ids"],
                ["product_id", "default_code", "quantity", "price_unit", "amount"])
        return updates

    def wait_pushed(self, lines):
        """The sync requests of ``lines`` once all are done in both systems."""
        def finished():
            rows = self.db.requests_of(lines)
            return len(rows) == len(SYSTEMS) * len(lines) and \
                all(r["state"] == "done" for r in rows.values()) and rows
        rows = wait_for(finished, timeout=90)
        assert rows, "the push did not finish: %s" % self.db.requests_of(lines)
        return list(rows.values())

    def applied(self, line):
        """{system: [what the simulator applied to ``line``]} (each line of
        these tests has a number of its own)."""
        number = self.read("telecom.line", line, ["phone_number"])["phone_number"]
        return {system: [entry for entry in self.sim.sim_get(system, "applied")["applied"]
                         if entry["phone"] == number] for system in SYSTEMS}


def check_update_amounts(update):
    """A MAJ's options are priced quantity x unit price (to the cent) and its
    amount is their sum."""
    for option in update["options"]:
        assert money(option["amount"]) == money(
            Decimal(str(option["quantity"])) * Decimal(str(option["price_unit"]))), option
    assert money(update["amount_one_off"]) == sum(
        (money(o["amount"]) for o in update["options"]), Decimal("0.00")), update


# ----------------------------------------------------------------------
# 1. Statuses forced through the context key of the action methods
# ----------------------------------------------------------------------
def test_status_cannot_be_forced_with_action_context(world):
    deployment, _line, _option = world.done()
    refused(lambda: world.ops.call("telecom.deployment", "write", [deployment],
                                   {"state": "cancelled"},
                                   context={"telecom_deployment_action": True}))
    assert world.read("telecom.deployment", deployment, ["state"])["state"] == "done"

    draft, _line, _option = world.draft()
    world.set_dates(world.ops, draft)
    refused(lambda: world.ops.call("telecom.deployment", "write", [draft], {"state": "done"},
                                   context={"telecom_deployment_action": True}))
    assert world.read("telecom.deployment", draft, ["state"])["state"] == "draft"
    assert world.call("telecom.line.update", "search_count",
                      [["deployment_id", "=", draft]]) == 0


# ----------------------------------------------------------------------
# 2. Options of a done deployment deleted through the unlink context key
# ----------------------------------------------------------------------
def test_done_option_cannot_be_deleted_with_unlink_context(world):
    _deployment, _line, option = world.done()
    refused(lambda: world.ops.call("telecom.deployment.option", "unlink", [option],
                                   context={"telecom_deployment_unlink": True}))
    assert world.call("telecom.deployment.option", "search_count", [["id", "=", option]]) == 1


# ----------------------------------------------------------------------
# 3. A forged option amount reaches neither the MAJ nor the systems
# ----------------------------------------------------------------------
def test_option_amount_cannot_be_forged(world):
    data_gb = 3
    deployment, line, option = world.draft(data_gb=data_gb)
    attempt(lambda: world.ops.call("telecom.deployment.option", "write", [option],
                                   {"amount": 999}))
    stored = world.read("telecom.deployment.option", option, ["quantity", "price_unit", "amount"])
    assert money(stored["amount"]) == money(
        Decimal(str(stored["quantity"])) * Decimal(str(stored["price_unit"]))), stored

    world.finish(world.ops, deployment)
    asked = money(Decimal(str(world.tier["lst_price"])) * data_gb)
    [update] = world.updates_of(deployment)
    check_update_amounts(update)
    assert money(update["amount_one_off"]) == asked, update

    world.wait_pushed([line])
    for system, entries in world.applied(line).items():
        assert len(entries) == len(update["options"]), (system, entries)
        for entry, option_row in zip(entries, update["options"]):
            assert Decimal(str(entry["unit_price"])) == Decimal(str(option_row["price_unit"]))
            assert float(entry["quantity"]) == option_row["quantity"], (system, entry)


# ----------------------------------------------------------------------
# 4. A done deployment's amount and reference cannot be forged
# ----------------------------------------------------------------------
def test_done_deployment_amount_and_name_cannot_be_forged(world):
    deployment, _line, _option = world.done()
    before = world.read("telecom.deployment", deployment, ["name", "amount_one_off"])
    attempt(lambda: world.ops.call("telecom.deployment", "write", [deployment],
                                   {"amount_one_off": 12345, "name": "FORGED"}))
    after = world.read("telecom.deployment", deployment, ["name", "amount_one_off", "option_ids"])
    amounts = world.call("telecom.deployment.option", "read", after["option_ids"], ["amount"])
    assert after["name"] == before["name"]
    assert money(after["amount_one_off"]) == sum(
        (money(o["amount"]) for o in amounts), Decimal("0.00")), after


# ----------------------------------------------------------------------
# 5. A manager cannot send the connection's token to a server of theirs
# ----------------------------------------------------------------------
def test_manager_cannot_send_token_to_own_url(world, stage):
    """The token comes from the database (demo connections) and from the
    configuration file (telecom_<system>_token, which also serves any new
    connection of that system). The server of this test sets no
    telecom_<system>_url: those would win over the connection's URL."""
    folder = Path(str(stage["folder"])) / "no_url"
    folder.mkdir(exist_ok=True)
    conf = world.db.write_conf(folder, None, **{
        "telecom_%s_token" % system: DEMO_TOKENS[system] for system in SYSTEMS})
    listener = Listener()
    server = OdooServer(stage["odoo_env"], conf, folder, name="odoo-no-url").start()
    urls = {system: world.read("telecom.api.backend", world.backends[system],
                               ["base_url"])["base_url"] for system in SYSTEMS}
    leaks = []
    try:
        manager = server.rpc("manager")
        for system in SYSTEMS:
            backend = world.backends[system]
            attempt(lambda: manager.call("telecom.api.backend", "write", [backend],
                                         {"base_url": listener.url}))
            attempt(lambda: manager.call("telecom.api.backend", "action_test_connection",
                                         [backend]))
            leaks += [("existing %s connection" % system, listener.tokens_seen())]
            del listener.received[:]

            kind, new = attempt(lambda: manager.call("telecom.api.backend", "create", {
                "name": "Manager's %s" % system, "system": system, "base_url": listener.url,
                "active": False, "company_id": world.company_a}))
            if kind == "ok":
                attempt(lambda: manager.call("telecom.api.backend", "action_test_connection",
                                             [new]))
            leaks += [("new %s connection" % system, listener.tokens_seen())]
            del listener.received[:]
        leaks = [(step, tokens) for step, tokens in leaks if tokens]
        assert not leaks, "tokens sent to the manager's URL: %s" % leaks
    finally:
        for system, url in urls.items():
            world.call("telecom.api.backend", "write", [world.backends[system]], {"base_url": url})
        listener.stop()
        server.stop()


# ----------------------------------------------------------------------
# 6. A line cannot be taken out of its done deployment
# ----------------------------------------------------------------------
def test_line_cannot_leave_done_deployment(world):
    deployment, line, _option = world.done()
    refused(lambda: world.ops.call("telecom.line", "write", [line], {"deployment_ids": [[5]]}))
    assert line in world.read("telecom.deployment", deployment, ["line_ids"])["line_ids"]


# ----------------------------------------------------------------------
# 7. A line cannot be moved to another company's parc
# ----------------------------------------------------------------------
def test_line_cannot_move_to_other_company_parc(world):
    line = world.new_line()
    refused(lambda: world.ops.call("telecom.line", "write", [line], {"parc_id": world.parc_b}))
    assert world.read("telecom.line", line, ["company_id"])["company_id"][0] == world.company_a

    other = world.new_line()

    def mass_edit():
        context = {"active_model": "telecom.line", "active_ids": [other], "active_id": other}
        wizard = world.ops.call("telecom.line.mass.edit", "create",
                                {"parc_id": world.parc_b}, context=context)
        return world.ops.call("telecom.line.mass.edit", "action_confirm", [wizard],
                              context=context)
    refused(mass_edit)
    assert world.read("telecom.line", other, ["company_id"])["company_id"][0] == world.company_a


# ----------------------------------------------------------------------
# 8. The Recharge DATA wizard reveals nothing of company B's lines; portal
#    users get no wizard
# ----------------------------------------------------------------------
RECHARGE_ONCHANGE_SPEC = {
    "line_ids": "1", "data_gb": "1", "company_id": "", "currency_id": "", "max_gb": "",
    "preview_ids": "", "line_count": "", "amount_total": "", "problems": "",
    "preview_note": "", "state": "", "deployment_ids": "",
    "preview_ids.line_id": "", "preview_ids.subscription_id": "",
    "preview_ids.allowance_gb": "", "preview_ids.product_id": "",
    "preview_ids.quantity": "", "preview_ids.price_unit": "", "preview_ids.amount": "",
    "preview_ids.currency_id": "", "preview_ids.problem": "",
}


def recharge_onchange_values(world, lines):
    return {"line_ids": [[6, 0, lines]], "data_gb": 1, "company_id": world.company_a,
            "currency_id": False, "max_gb": 0, "preview_ids": [], "line_count": 0,
            "amount_total": 0, "problems": False, "preview_note": False, "state": "draft",
            "deployment_ids": [[6, 0, []]]}


def test_recharge_wizard_reveals_nothing_of_other_company(world):
    ops, seen = world.ops, []
    kind, wizard = attempt(lambda: ops.call("telecom.line.recharge", "create", {
        "line_ids": [[6, 0, [world.line_b]]], "data_gb": 1}))
    seen.append(("create", wizard))
    if kind == "ok":
        kind, rows = attempt(lambda: ops.call("telecom.line.recharge", "read", [wizard], [
            "line_ids", "line_count", "amount_total", "problems", "preview_note",
            "preview_ids", "display_name"]))
        seen.append(("read", rows))
        previews = rows[0]["preview_ids"] if kind == "ok" else []
        if previews:
            seen.append(("read preview", attempt(lambda: ops.call(
                "telecom.line.recharge.line", "read", previews,
                ["line_id", "subscription_id", "product_id", "problem"]))))
        seen.append(("confirm", attempt(lambda: ops.call(
            "telecom.line.recharge", "action_confirm", [wizard]))))
    seen.append(("onchange", attempt(lambda: ops.call(
        "telecom.line.recharge", "onchange", [], recharge_onchange_values(world, [world.line_b]),
        "line_ids", RECHARGE_ONCHANGE_SPEC))))
    leaks = [(step, revealed(answer, world.b_secrets)) for step, answer in seen
             if revealed(answer, world.b_secrets)]
    assert not leaks, "company B revealed to ops: %s\n%s" % (leaks, seen)


def test_portal_user_gets_no_wizard(world):
    portal = world.portal
    values = {
        "telecom.line.recharge": {"data_gb": 1},
        "telecom.line.mass.edit": {"user_name": "Portal"},
        "telecom.line.add": {"lines_text": next(world.numbers)},
        "telecom.line.delete": {},
        "telecom.line.task": {"summary": "Portal task"},
        "telecom.recharge.config": {"max_gb": 50},
    }
    opened = []
    for model in WIZARDS:
        try:
            portal.call(model, "create", values[model])
            opened.append(model)
        except xmlrpc.client.Fault as fault:
            clean_message(fault)
    try:
        portal.call("telecom.line.recharge", "onchange", [],
                    recharge_onchange_values(world, [world.line_b]), "line_ids",
                    RECHARGE_ONCHANGE_SPEC)
        opened.append("telecom.line.recharge onchange")
    except xmlrpc.client.Fault as fault:
        clean_message(fault)
    assert not opened, "a portal user may use: %s" % ", ".join(opened)


# ----------------------------------------------------------------------
# 9. Refusals do not name other companies' records
# ----------------------------------------------------------------------
def test_refusals_do_not_name_other_company_records(world):
    ops = world.ops
    # (a) a line of A with B's number moved to B's parc: the duplicate
    # number message
    twin = world.call("telecom.line", "create", {
        "phone_number": B_NUMBER, "name": "A twin %d" % next(world.counter),
        "parc_id": world.parc_a, "subscription_id": world.subscription})
    message = refused(lambda: ops.call("telecom.line", "write", [twin],
                                       {"parc_id": world.parc_b}))
    assert not revealed(message, world.b_names), message
    assert world.read("telecom.line", twin, ["company_id"])["company_id"][0] == world.company_a

    # (b) the Add Lines wizard given B's site and parc, or B's company and
    # site code, with B's number (typed by ops: only B's names are secret)
    attempts = {
        "existing site and parc of B": {
            "site_mode": "existing", "site_id": world.site_b, "parc_mode": "existing",
            "parc_id": world.parc_b, "lines_text": "06 98 76 54 32"},
        "new site in company B": {
            "company_id": world.company_b, "site_mode": "new", "site_name": "Mine",
            "site_code": B_SITE_CODE, "site_partner_id": world.customer_a,
            "parc_mode": "new", "parc_service_type": "mobile",
            "parc_partner_operator_id": world.operator, "lines_text": "06 98 76 54 32"},
    }
    for label, vals in attempts.items():
        def add(vals=vals):
            wizard = ops.call("telecom.line.add", "create", vals)
            return ops.call("telecom.line.add", "action_confirm", [wizard])
        message = refused(add)
        assert not revealed(message, world.b_names), (label, message)

    # (c) a deployment of company A given company B's line
    message = refused(lambda: ops.call("telecom.deployment", "create", {
        "partner_operator_id": world.operator, "company_id": world.company_a,
        "line_ids": [[6, 0, [world.line_b]]]}))
    assert not revealed(message, world.b_secrets), message

    assert world.call("telecom.line", "search_count", [["phone_number", "=", B_NUMBER]],
                      context={"active_test": False}) == 2


# ----------------------------------------------------------------------
# 10. A manager changes the Recharge DATA settings of their company only
# ----------------------------------------------------------------------
def test_recharge_settings_of_other_company_unchanged(world):
    attempt(lambda: world.manager.call("telecom.recharge.config", "action_save", [
        world.manager.call("telecom.recharge.config", "create",
                           {"company_id": world.company_b, "max_gb": 7})]))
    assert world.read("res.company", world.company_b, ["telecom_recharge_max_gb"])[
        "telecom_recharge_max_gb"] == world.max_gb_b


# ----------------------------------------------------------------------
# 11. SNAIC/CFAST IDs (telecom.binding): written by the sync and Telecom
#     Managers only, forgotten with the number
# ----------------------------------------------------------------------
# Context keys a caller could hope to unlock a check with.
FORGED_CONTEXTS = ({}, {"install_mode": True, "telecom_sync_no_commit": True,
                        "tracking_disable": True, "active_test": False})


def bindings_of(world, model, record):
    """{system: external ID} of a record, read as admin."""
    return {b["system"]: b["external_id"] for b in world.call(
        "telecom.binding", "search_read",
        [["res_model", "=", model], ["res_id", "=", record]], fields=["system", "external_id"])}


def test_remote_ids_not_writable_and_reset_with_number(world):
    # Records of this test only: a forged ID that got through must not
    # break the pushes of the other tests.
    line = world.new_line()
    customer = world.call("res.partner", "create", {
        "name": "Client Remote IDs", "is_company": True, "customer": True,
        "company_id": world.company_a})
    site = world.call("telecom.site", "create", {
        "name": "Site Remote IDs", "code": "SEC_REMOTE_IDS", "partner_id": customer,
        "company_id": world.company_a})
    targets = [("telecom.line", line), ("telecom.site", site), ("res.partner", customer)]
    # The real IDs, set by a Telecom Manager from each record.
    for model, record in targets:
        world.manager.call(model, "write", [record], {"telecom_binding_ids": [
            [0, 0, {"backend_id": world.backends[system],
                    "external_id": "%s-REAL" % system.upper()}] for system in SYSTEMS]})
    real = {"snaic": "SNAIC-REAL", "cfast": "CFAST-REAL"}
    problems = []
    for model, record in targets:
        if bindings_of(world, model, record) != real:
            problems.append("the manager could not set the IDs of %s" % model)
        ids = world.call(model, "read", [record], ["telecom_binding_ids"])[0]["telecom_binding_ids"]
        forged = {"backend_id": world.backends["snaic"], "external_id": "FORGED-ID"}
        attacks = [
            (model, "write", [[record], {"telecom_binding_ids": command}])
            for command in ([[0, 0, forged]], [[1, ids[0], {"external_id": "FORGED-ID"}]],
                            [[2, ids[0]]], [[3, ids[0]]], [[5]], [[6, 0, []]])
        ] + [
            ("telecom.binding", "write", [ids, {"external_id": "FORGED-ID"}]),
            ("telecom.binding", "unlink", [ids]),
            ("telecom.binding", "create", [dict(forged, res_model=model, res_id=record)]),
        ]
        for context in FORGED_CONTEXTS:
            for attack_model, method, args in attacks:
                kind, _answer = attempt(lambda: world.ops.call(
                    attack_model, method, *args, context=context))
                after = bindings_of(world, model, record)
                if kind != "refused" or after != real:
                    problems.append("ops %s %s %s (context %s): %s -> %s" % (
                        attack_model, method, args, context, kind, after))
    # The IDs are the old number's: looked up again after the change.
    world.ops.call("telecom.line", "write", [line], {"phone_number": next(world.numbers)})
    after = bindings_of(world, "telecom.line", line)
    if after:
        problems.append("IDs kept after the number changed: %s" % after)
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------
# 12. Deleting a line with a MAJ: a clean refusal that says to archive
# ----------------------------------------------------------------------
def test_line_with_update_unlink_says_archive(world):
    _deployment, line, _option = world.done()
    message = refused(lambda: world.ops.call("telecom.line", "unlink", [line]))
    assert "archiv" in message.lower(), message
    assert world.call("telecom.line", "search_count", [["id", "=", line]],
                      context={"active_test": False}) == 1


# ----------------------------------------------------------------------
# 13. Prices: the list price and the tier, exact decimals to the systems
# ----------------------------------------------------------------------
def test_option_price_is_the_list_price(world):
    deployment, _line, option = world.draft(data_gb=2)
    attempt(lambda: world.ops.call("telecom.deployment.option", "write", [option],
                                   {"price_unit": 0.01}))
    world.finish(world.ops, deployment)
    [update] = world.updates_of(deployment)
    lst_price = Decimal(str(world.tier["lst_price"]))
    for row in update["options"]:
        assert money(row["price_unit"]) == money(lst_price), row
        assert money(row["amount"]) == money(Decimal(str(row["quantity"])) * lst_price), row


def test_option_product_is_the_line_tier(world):
    deployment, _line, option = world.draft(data_gb=2)
    kind, _answer = attempt(lambda: world.ops.call(
        "telecom.deployment.option", "write", [option],
        {"product_id": world.other_tier["id"]}))
    if kind == "refused":
        assert world.read("telecom.deployment.option", option, ["product_id"])[
            "product_id"][0] == world.tier["id"]
    world.finish(world.ops, deployment)
    [update] = world.updates_of(deployment)
    for row in update["options"]:
        assert row["product_id"][0] == world.tier["id"], row
        assert money(row["price_unit"]) == money(world.tier["lst_price"]), row


def test_unit_price_rounded_and_sent_as_exact_decimal(world):
    deployment, line, option = world.draft(user=world.manager)
    world.manager.call("telecom.deployment.option", "write", [option],
                       {"price_unit": 0.333, "quantity": 3})
    stored = world.read("telecom.deployment.option", option, ["price_unit", "amount"])
    assert money(stored["price_unit"]) == Decimal("0.33"), stored
    assert money(stored["amount"]) == Decimal("0.99"), stored

    world.finish(world.manager, deployment)
    [update] = world.updates_of(deployment)
    check_update_amounts(update)
    assert money(update["amount_one_off"]) == Decimal("0.99"), update
    world.wait_pushed([line])
    applied = world.applied(line)
    for system, entries in applied.items():
        assert len(entries) == 1, (system, entries)
        assert Decimal(str(entries[0]["unit_price"])) == Decimal("0.33"), (system, entries)
    # SNAIC received an exact decimal (a string such as "0.33"), not a float.
    assert all(isinstance(entry["unit_price"], str) for entry in applied["snaic"]), applied


# ----------------------------------------------------------------------
# 14. A restored copy of the database makes its own idempotency keys
# ----------------------------------------------------------------------
def test_restored_copy_has_its_own_idempotency_keys(world, stage):
    odoo_env = stage["odoo_env"]
    folder = Path(str(stage["folder"])) / "copy"
    folder.mkdir(exist_ok=True)
    copy = Database(odoo_env, "security_copy")
    copy.source = world.db.name
    copy.create()
    assert copy.query("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'") == \
        world.db.query("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
    sim = start_simulator()
    server = None
    try:
        server = OdooServer(odoo_env, copy.write_conf(folder, sim), folder,
                            name="odoo-copy").start()
        number = next(world.numbers)
        runs = {}
        for label, rpc, database, simulator in (("original", world.server, world.db, world.sim),
                                                ("copy", server, copy, sim)):
            admin, ops = rpc.rpc("admin"), rpc.rpc("ops")
            seed_lines(simulator, [number])
            line = admin.call("telecom.line", "create", {
                "phone_number": number, "parc_id": world.parc_a,
                "subscription_id": world.subscription})
            wizard = ops.call("telecom.line.recharge", "create",
                              {"line_ids": [[6, 0, [line]]], "data_gb": 1})
            deployment = ops.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]
            ops.call("telecom.deployment", "write", [deployment],
                     {"date_installed": world.today, "date_activation": world.today})
            ops.call("telecom.deployment", "action_done", [deployment])
            updates = admin.call("telecom.line.update", "search", [["deployment_id", "=",
                                                                     deployment]])
            requests = {r["system"]: r for r in database.requests_of([line]).values()}
            assert set(requests) == set(SYSTEMS), (label, requests)
            runs[label] = {"line": line, "updates": updates, "requests": requests}
        # The same records in both: only the database tells them apart.
        assert runs["original"]["updates"] == runs["copy"]["updates"], runs
        for system in SYSTEMS:
            original, restored = runs["original"]["requests"][system], \
                runs["copy"]["requests"][system]
            assert original["idempotency_key"] != restored["idempotency_key"], (system, original)
            assert original["reference"] != restored["reference"], (system, original)
    finally:
        if server is not None:
            server.stop()
        sim.stop()
        copy.drop()
