"""Hardening, scenario 4: the access matrix, over XML-RPC as each kind of user.

Every project model is read, created, written and deleted, every wizard run,
every sync action called, as each user, on records of the main company (A);
the outcome must be the table below, which the README shows too.

Users: ``ops`` (Telecom User), ``accountant`` (Telecom Accountant),
``manager`` (Telecom Manager), ``sysadmin`` (Telecom Manager and Settings,
not the superuser), ``ops_b`` (Telecom User of a second company B, which has
its own site, parc and line), ``employee`` (internal user without a Telecom
group) and ``portal`` (portal user). ``admin`` is Odoo 11's superuser: it
bypasses every rule, so it sets things up and is not in the table.

Cells: for models, the operations allowed among R(ead), C(reate), W(rite),
U(nlink) ("-" none); every other operation must be refused with an
AccessError. For actions: ``yes``; ``no`` (AccessError); ``no*`` (refused by
a business check, a UserError). Company B's user running a wizard on
company A's lines gets an AccessError that names none of them: a wizard
refuses records the user may not read. Anything else (validation error,
server error) fails the test.

The MAJ and their options are the history of done deployments: nobody
creates, writes or deletes them (the superuser gets a UserError).

The one-off options are invoiced by accountants: Telecom Accountant with
Odoo's invoicing (Billing) rights, as the demo accountant. The invoice line
of an option is written by the invoicing only: whoever sends it, even on an
option of a draft deployment, gets a UserError that says so. The URL
of a connection, where its token goes, is for administrators only; a
Telecom Manager creates connections without it.

The one-off option products of the demo have no company: like the
subscriptions left without company, they are a catalogue shared by the
companies, readable by every internal user. The subscription in the table
belongs to company A.

Write and unlink are tried on a record made for that very try, so that
each cell is independent of the others.
"""
import itertools
import time

import pytest

from hardening_support import (outcome, phones, print_table, scenario, seed_lines,
                               wait_for)

EXPECTED = """
| model or action | ops | accountant | manager | sysadmin | ops_b | employee | portal |
|---|---|---|---|---|---|---|---|
| telecom.site | RCWU | R | RCWU | RCWU | - | - | - |
| telecom.parc | RCWU | R | RCWU | RCWU | - | - | - |
| telecom.line | RCWU | R | RCWU | RCWU | - | - | - |
| telecom.subscription | R | R | RCWU | RCWU | - | - | - |
| product.template (one-off option) | R | R | RCWU | RCWU | R | R | - |
| telecom.deployment | RCW | R | RCWU | RCWU | - | - | - |
| telecom.deployment.option | RCWU | R | RCWU | RCWU | - | - | - |
| telecom.line.update (MAJ) | R | R | R | R | - | - | - |
| telecom.line.update.option | R | R | R | R | - | - | - |
| telecom.one.off.report | R | R | R | R | - | - | - |
| telecom.api.backend | R | R | RCWU | RCWU | - | - | - |
| telecom.sync.request | R | R | R | R | - | - | - |
| telecom.binding (external ID) | R | R | RCWU | RCWU | - | - | - |
| telecom.sync.audit (drift audit) | R | R | RCWU | RCWU | - | - | - |
| telecom.sync.audit.line (its differences) | R | R | RW | RW | - | - | - |
| Recharge DATA wizard | yes | no | yes | yes | no | no | no |
| Edit Lines wizard | yes | no | yes | yes | no | no | no |
| Create a Task wizard | yes | no | yes | yes | no | no | no |
| Add Lines wizard | yes | no | yes | yes | no | no | no |
| Delete Lines wizard | yes | no | yes | yes | no | no | no |
| Recharge DATA settings wizard | no | no | yes | yes | no | no | no |
| Retry (sync request) | yes | no | yes | yes | no | no | no |
| Retry SNAIC/CFAST (deployment) | yes | no | yes | yes | no | no | no |
| Retry Requests in Error (connection) | yes | no | yes | yes | no | no | no |
| Set a connection's URL | no | no | no | yes | no | no | no |
| Test Connection | no | no | yes | yes | no | no | no |
| Read the token | no | no | no | yes | no | no | no |
| Invoice One-off Options wizard | no | yes | no | no | no | no | no |
| Link an option to an invoice line | no* | no* | no* | no* | no* | no* | no* |
"""

USERS = ["ops", "accountant", "manager", "sysadmin", "ops_b", "employee", "portal"]
MODEL_ROWS = 15


def parse_table(text):
    rows = [line.strip().strip("|").split("|") for line in text.strip().splitlines()]
    header = [cell.strip() for cell in rows[0]]
    return header, {cells[0].strip(): dict(zip(header[1:], (c.strip() for c in cells[1:])))
                    for cells in rows[2:]}


@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with scenario(odoo_env, tmp_path_factory, "access") as stage_:
        yield stage_


class World(object):
    """Company A's records, company B and the users, made as admin."""

    def __init__(self, server, sim):
        self.server, self.sim = server, sim
        self.admin = server.rpc("admin")
        self.counter = itertools.count(1)
        self.numbers = iter(phones(500, "+33617"))
        self.today = time.strftime("%Y-%m-%d")
        ref = self.ref
        self.company_a = ref("base.main_company")
        self.customer = ref("telecom_parc.demo_partner_client_sw")
        self.operator = ref("telecom_parc.demo_partner_actif_telecom")
        self.collector = ref("telecom_parc.demo_partner_orange")
        self.site = ref("telecom_parc.demo_site_sw1")
        self.parc = ref("telecom_parc.demo_parc_sw1_mobile")
        self.subscription = ref("telecom_parc.demo_subscription_eurof_100")
        # The demo subscriptions are shared between companies (no company):
        # the one read in the table belongs to company A.
        self.subscription_a = self.call("telecom.subscription", "create", dict(
            self.subscription_vals(), company_id=self.company_a))
        self.line = ref("telecom_parc.demo_line_0700000090")
        self.template = self.call("product.template", "search",
                                  [["telecom_is_one_off", "=", True],
                                   ["telecom_option_kind", "=", "data_topup"]], limit=1)[0]
        self.product = self.call("product.product", "search",
                                 [["product_tmpl_id", "=", self.template]], limit=1)[0]
        self.backends = {b["system"]: b["id"] for b in self.call(
            "telecom.api.backend", "search_read", [], fields=["system"])}
        self.make_company_b()
        self.make_users()
        # A deployment done per user, each on a line neither system knows:
        # its two requests end in error, ready to be retried.
        self.deployments = {user: self.done_deployment([next(self.numbers)], seed=False)
                            for user in USERS}
        self.report = self.call("telecom.one.off.report", "search", [], limit=1)[0]
        self.request = self.call("telecom.sync.request", "search", [], limit=1)[0]
        self.binding = self.make("telecom.binding")
        # An audit of SNAIC that found an option somebody else applied.
        number = next(self.numbers)
        self.new_line(number)
        seed_lines(self.sim, [number])
        self.sim.sim_post("snaic", "inject", {"phone_number": number,
                                              "product_code": "RDATA1G-GE50", "quantity": 1})
        self.audit = self.make("telecom.sync.audit")
        self.call("telecom.sync.audit", "action_run", [self.audit])
        self.audit_line = self.call("telecom.sync.audit.line", "search",
                                    [["audit_id", "=", self.audit]], limit=1)[0]
        assert wait_for(lambda: self.call("telecom.sync.request", "search_count", [
            ["deployment_id", "in", list(self.deployments.values())],
            ["state", "!=", "error"]]) == 0, timeout=60)
        # A line of a customer invoice (the demo's invoicing made some).
        self.invoice_line = self.call("account.invoice.line", "search", [
            ["invoice_id.type", "=", "out_invoice"]], limit=1)[0]

    def invoice_today(self, rpc):
        """As ``rpc``'s user, the invoicing of today's one-off options of
        company A, after a new deployment done today."""
        self.done_deployment([next(self.numbers)], seed=False)
        yesterday = time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400))
        tomorrow = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400))
        wizard = rpc.call("telecom.one.off.invoice", "create", {
            "date_from": yesterday, "date_to": tomorrow, "company_id": self.company_a})
        return rpc.call("telecom.one.off.invoice", "action_create_invoices", [wizard])

    def ref(self, xmlid):
        return self.admin.call("ir.model.data", "xmlid_to_res_id", xmlid, True)

    def call(self, model, method, *args, **kwargs):
        return self.admin.call(model, method, *args, **kwargs)

    def unique(self, text):
        return "%s %d" % (text, next(self.counter))

    def make_company_b(self):
        self.company_b = self.call("res.company", "create", {"name": "Hardening B Telecom"})
        self.customer_b = self.call("res.partner", "create", {
            "name": "Client B", "is_company": True, "company_id": self.company_b})

    def make_users(self):
        group = self.ref
        user_group = group("base.group_user")
        specs = {
            "sysadmin": [user_group, group("base.group_system"),
                         group("telecom_parc.group_telecom_manager")],
            "ops_b": [user_group, group("telecom_parc.group_telecom_user")],
            "employee": [user_group],
            "portal": [group("base.group_portal")],
        }
        logins = {login: login for login in USERS}
        for name, groups in specs.items():
            # Odoo's demo data has a "portal" user: ours have their own logins.
            login = logins[name] = "hardening_%s" % name
            company = self.company_b if name == "ops_b" else self.company_a
            self.call("res.users", "create", {
                "name": name, "login": login, "password": login, "company_id": company,
                "email": "%s@example.com" % login,
                "company_ids": [[6, 0, [company]]], "groups_id": [[6, 0, groups]]})
        self.users = {name: self.server.rpc(login) for name, login in logins.items()}

    def new_line(self, number=None, parc=None):
        return self.call("telecom.line", "create", {
            "phone_number": number or next(self.numbers), "parc_id": parc or self.parc,
            "subscription_id": self.subscription})

    def done_deployment(self, numbers, seed=True):
        if seed:
            seed_lines(self.sim, numbers)
        lines = [self.new_line(number) for number in numbers]
        wizard = self.call("telecom.line.recharge", "create",
                           {"line_ids": [[6, 0, lines]], "data_gb": 1})
        deployment = self.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]
        self.call("telecom.deployment", "write", [deployment],
                  {"date_installed": self.today, "date_activation": self.today})
        self.call("telecom.deployment", "action_done", [deployment])
        return deployment

    # -- one record per model, made as admin in company A --------------
    def draft_deployment(self):
        return self.call("telecom.deployment", "create", {
            "partner_operator_id": self.operator, "company_id": self.company_a,
            "line_ids": [[6, 0, [self.new_line()]]]})

    def make(self, model):
        """A new record of ``model`` in company A (None: nobody may change
        or delete one, the existing reference record is used)."""
        makers = {
            "telecom.site": lambda: self.call("telecom.site", "create", self.site_vals()),
            "telecom.parc": lambda: self.call("telecom.parc", "create", self.parc_vals(
                self.call("telecom.site", "create", self.site_vals()))),
            "telecom.line": lambda: self.new_line(),
            "telecom.subscription": lambda: self.call(
                "telecom.subscription", "create", self.subscription_vals()),
            "product.template": lambda: self.call("product.template", "create",
                                                  self.template_vals()),
            "telecom.deployment": self.draft_deployment,
            "telecom.deployment.option": lambda: self.call(
                "telecom.deployment.option", "create", self.option_vals()),
            "telecom.api.backend": lambda: self.call("telecom.api.backend", "create",
                                                     self.backend_vals()),
            "telecom.binding": lambda: self.call("telecom.binding", "create",
                                                 self.binding_vals()),
            "telecom.sync.audit": lambda: self.call("telecom.sync.audit", "create",
                                                    self.audit_vals()),
        }
        return makers[model]() if model in makers else None

    def reference(self, model):
        """An existing record of ``model`` in company A, to read."""
        return {
            "telecom.site": self.site, "telecom.parc": self.parc, "telecom.line": self.line,
            "telecom.subscription": self.subscription_a, "product.template": self.template,
            "telecom.deployment": self.deployments["ops"],
            "telecom.deployment.option": self.call(
                "telecom.deployment.option", "search",
                [["deployment_id", "=", self.deployments["ops"]]])[0],
            "telecom.line.update": self.call(
                "telecom.line.update", "search",
                [["deployment_id", "=", self.deployments["ops"]]])[0],
            "telecom.line.update.option": self.call(
                "telecom.line.update.option", "search",
                [["update_id.deployment_id", "=", self.deployments["ops"]]])[0],
            "telecom.one.off.report": self.report,
            "telecom.api.backend": self.backends["snaic"],
            "telecom.sync.request": self.request,
            "telecom.binding": self.binding,
            "telecom.sync.audit": self.audit,
            "telecom.sync.audit.line": self.audit_line,
        }[model]

    # -- values of a new record, in company A ----------------------------
    def site_vals(self):
        return {"name": self.unique("Site"), "code": self.unique("HS").replace(" ", "_"),
                "partner_id": self.customer, "company_id": self.company_a}

    def parc_vals(self, site=None):
        return {"site_id": site or self.site, "service_type": "internet",
                "partner_operator_id": self.operator}

    def subscription_vals(self):
        return {"name": self.unique("Subscription"), "operator_id": self.operator,
                "data_allowance_gb": 10, "company_id": self.company_a}

    def template_vals(self):
        return {"name": self.unique("Option"), "telecom_is_one_off": True,
                "telecom_option_kind": "other", "type": "service",
                "default_code": self.unique("OPT").replace(" ", "-")}

    def option_vals(self):
        deployment = self.draft_deployment()
        line = self.call("telecom.deployment", "read", [deployment], ["line_ids"])[0]["line_ids"][0]
        # The tier of the line's 100 GB subscription.
        product = self.call("product.product", "search",
                            [["default_code", "=", "RDATA1G-GE50"]], limit=1)[0]
        return {"deployment_id": deployment, "line_id": line, "product_id": product,
                "quantity": 1}

    def update_option_vals(self):
        return {"update_id": self.reference("telecom.line.update"),
                "name": self.unique("Article"), "quantity": 1}

    def binding_vals(self):
        """An external ID of a new line of company A."""
        return {"backend_id": self.backends["snaic"], "res_model": "telecom.line",
                "res_id": self.new_line(), "external_id": self.unique("SN-L")}

    def audit_vals(self):
        return {"backend_id": self.backends["snaic"], "date_from": self.today,
                "date_to": self.today}

    def backend_vals(self):
        return {"name": self.unique("Backup SNAIC"), "system": "snaic", "active": False,
                "company_id": self.company_a}

    def create_vals(self, model):
        """Values for a create as the user under test, in company A."""
        return {
            "telecom.site": self.site_vals,
            "telecom.parc": lambda: self.parc_vals(
                self.call("telecom.site", "create", self.site_vals())),
            "telecom.line": lambda: {"phone_number": next(self.numbers), "parc_id": self.parc,
                                     "subscription_id": self.subscription},
            "telecom.subscription": self.subscription_vals,
            "product.template": self.template_vals,
            "telecom.deployment": lambda: {
                "partner_operator_id": self.operator, "company_id": self.company_a,
                "line_ids": [[6, 0, [self.new_line()]]]},
            "telecom.deployment.option": self.option_vals,
            "telecom.line.update": lambda: {"line_id": self.new_line(), "date": self.today,
                                            "company_id": self.company_a},
            "telecom.line.update.option": self.update_option_vals,
            "telecom.one.off.report": lambda: {"quantity": 1},
            "telecom.api.backend": self.backend_vals,
            "telecom.sync.request": lambda: {"system": "snaic", "last_error": "x"},
            "telecom.binding": self.binding_vals,
            "telecom.sync.audit": self.audit_vals,
            "telecom.sync.audit.line": lambda: {
                "audit_id": self.audit, "kind": "unknown_local", "detail": "Made up"},
        }[model]()


WRITES = {
    "telecom.site": {"name": "Renamed site"},
    "telecom.parc": {"service_type": "fixed"},
    "telecom.line": {"user_name": "Renamed user"},
    "telecom.subscription": {"monthly_price": 12.5},
    "product.template": {"description_sale": "Changed"},
    "telecom.deployment": {"commitment": "12"},
    "telecom.deployment.option": {"quantity": 2},
    "telecom.line.update": {"info": "Changed"},
    "telecom.line.update.option": {"name": "Changed"},
    "telecom.one.off.report": {"quantity": 2},
    "telecom.api.backend": {"timeout": 7},
    "telecom.sync.request": {"last_error": "Changed"},
    "telecom.binding": {"external_id": "SN-CHANGED"},
    "telecom.sync.audit": {"date_to": time.strftime("%Y-%m-%d")},
    "telecom.sync.audit.line": {"note": "Checked with SNAIC"},
}


def model_cell(world, rpc, model):
    """The operations ``rpc``'s user may do on ``model``, and the refusals
    that were not an AccessError (to fail on)."""
    allowed, odd = "", []
    tries = [
        ("R", lambda: rpc.call(model, "read", [world.reference(model)], ["display_name"])),
        ("C", lambda vals: rpc.call(model, "create", vals), world.create_vals(model)),
    ]
    target_w = world.make(model) or world.reference(model)
    target_u = world.make(model) or world.reference(model)
    tries += [
        ("W", lambda: rpc.call(model, "write", [target_w], WRITES[model])),
        ("U", lambda: rpc.call(model, "unlink", [target_u])),
    ]
    for entry in tries:
        letter, call = entry[0], entry[1]
        args = entry[2:]
        kind, detail = outcome(lambda: call(*args))
        if kind == "ok":
            allowed += letter
        elif kind != "access":
            odd.append("%s %s: %s %s" % (model, letter, kind, detail[-300:]))
    return allowed or "-", odd


def action_cell(world, login, rpc, action):
    user_deployment = world.deployments[login]
    request = lambda system: world.call("telecom.sync.request", "search", [  # noqa: E731
        ["deployment_id", "=", user_deployment], ["system", "=", system]])
    calls = {
        "Recharge DATA wizard": lambda: rpc.call(
            "telecom.line.recharge", "action_confirm",
            [rpc.call("telecom.line.recharge", "create",
                      {"line_ids": [[6, 0, [world.new_line()]]], "data_gb": 1})]),
        "Edit Lines wizard": lambda: rpc.call(
            "telecom.line.mass.edit", "action_confirm",
            [rpc.call("telecom.line.mass.edit", "create",
                      {"line_ids": [[6, 0, [world.line]]], "user_name": "Mass edited"})]),
        "Create a Task wizard": lambda: rpc.call(
            "telecom.line.task", "action_confirm",
            [rpc.call("telecom.line.task", "create", {
                "line_ids": [[6, 0, [world.line]]], "summary": "Check",
                "activity_type_id": world.ref("mail.mail_activity_data_todo"),
                "user_id": rpc.uid})]),
        "Add Lines wizard": lambda: rpc.call(
            "telecom.line.add", "action_confirm",
            [rpc.call("telecom.line.add", "create", {
                "site_mode": "existing", "site_id": world.site, "parc_mode": "existing",
                "parc_id": world.parc, "lines_text": next(world.numbers)})]),
        "Delete Lines wizard": lambda: rpc.call(
            "telecom.line.delete", "action_confirm",
            [rpc.call("telecom.line.delete", "create",
                      {"line_ids": [[6, 0, [world.new_line()]]]})]),
        "Recharge DATA settings wizard": lambda: rpc.call(
            "telecom.recharge.config", "action_save",
            [rpc.call("telecom.recharge.config", "create", {"max_gb": 100})]),
        "Retry (sync request)": lambda: rpc.call(
            "telecom.sync.request", "action_retry", request("snaic")),
        "Retry SNAIC/CFAST (deployment)": lambda: rpc.call(
            "telecom.deployment", "action_retry_sync", [user_deployment]),
        "Retry Requests in Error (connection)": lambda: rpc.call(
            "telecom.api.backend", "action_retry_errors", [world.backends["cfast"]]),
        "Set a connection's URL": lambda: rpc.call(
            "telecom.api.backend", "write", [world.make("telecom.api.backend")],
            {"base_url": "http://127.0.0.1:9"}),
        "Test Connection": lambda: rpc.call(
            "telecom.api.backend", "action_test_connection", [world.backends["snaic"]]),
        "Read the token": lambda: rpc.call(
            "telecom.api.backend", "read", [world.backends["snaic"]], ["token"]),
        # Today's one-off options, a new one among them (so that there is
        # one to invoice whoever ran it before).
        "Invoice One-off Options wizard": lambda: world.invoice_today(rpc),
        "Link an option to an invoice line": lambda: rpc.call(
            "telecom.deployment.option", "write", [world.make("telecom.deployment.option")],
            {"invoice_line_id": world.invoice_line}),
    }
    if action == "Retry Requests in Error (connection)":
        # The previous user's retry put them back in the queue: wait until
        # the background push has put one back in error.
        assert wait_for(lambda: world.call("telecom.sync.request", "search_count", [
            ["backend_id", "=", world.backends["cfast"]], ["state", "=", "error"]]), timeout=60)
    kind, detail = outcome(calls[action])
    cell = {"ok": "yes", "access": "no", "user": "no*"}.get(kind)
    return cell or "?", [] if cell else ["%s: %s %s" % (action, kind, detail[-300:])]


def test_access_matrix(stage, capsys):
    header, expected = parse_table(EXPECTED)
    assert header[1:] == USERS
    world = World(stage["server"], stage["sim"])
    # Company B's user works in company B: the refusals below come from the
    # company, not from the group.
    ops_b = world.users["ops_b"]
    site_b = ops_b.call("telecom.site", "create", {"name": "Site B", "code": "SITE_B1",
                                                   "partner_id": world.customer_b})
    parc_b = ops_b.call("telecom.parc", "create", {
        "site_id": site_b, "service_type": "mobile", "partner_operator_id": world.operator})
    line_b = ops_b.call("telecom.line", "create", {"phone_number": "0612345678",
                                                   "parc_id": parc_b})
    assert ops_b.call("telecom.line", "read", [line_b], ["company_id"])[0]["company_id"][0] \
        == world.company_b
    assert outcome(lambda: world.users["ops"].call("telecom.line", "read", [line_b]))[0] == "access"

    actual, odd = {}, []
    for row in list(expected)[:MODEL_ROWS]:
        model = row.split(" ")[0]
        actual[row] = {}
        for login in USERS:
            actual[row][login], problems = model_cell(world, world.users[login], model)
            odd += ["%s as %s" % (p, login) for p in problems]
    for row in list(expected)[MODEL_ROWS:]:
        actual[row] = {}
        for login in USERS:
            actual[row][login], problems = action_cell(world, login, world.users[login], row)
            odd += ["%s as %s" % (p, login) for p in problems]

    print_table("Scenario 4: access matrix (actual)", header,
                [[row] + [actual[row][login] for login in USERS] for row in expected], capsys)
    differences = ["%s / %s: expected %s, got %s" % (row, login, expected[row][login],
                                                     actual[row][login])
                   for row in expected for login in USERS
                   if expected[row][login] != actual[row][login]]
    assert not odd, "\n".join(odd)
    assert not differences, "\n".join(differences)
