"""The invoicing of the one-off options on a real server over XML-RPC, as
the demo's users: the operations user makes a Recharge DATA and finishes
it, dated in a period of this test's own (a month two years back); the
accountant invoices that period: one draft invoice per customer, a line per
option (its phone number, deployment and MAJ date), VAT at 20 % (the French
chart of the test database); running it again makes nothing; no caller
links an option to an invoice line or changes an invoice's period;
cancelling the draft frees its options and the next run invoices them
again; once validated, they stay on it; a reversal of the deployment,
invoiced, is a credit note of that validated invoice.

The session's database is shared with the other root tests: this test
makes its own customers, sites, lines and deployments (its customers are
new at each run) and only checks what belongs to them."""
import calendar
import random
import time
from datetime import date, datetime, timedelta

import pytest

from hardening_support import outcome, seed_lines, wait_for
from test_reversal_rpc import refused

SUB_100 = "telecom_parc.demo_subscription_eurof_100"  # 0.50 per GB
SUB_20 = "telecom_parc.demo_subscription_eurof_20"  # 1.00 per GB
DATA_GB = 3


def ref(user, xmlid):
    return user.call("ir.model.data", "xmlid_to_res_id", xmlid, True)


def month_back(months):
    """(first day, a day inside, last day) of the month ``months`` before
    this one, as ISO dates."""
    today = date.today()
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    first = date(year, month + 1, 1)
    return (first.isoformat(), first.replace(day=10).isoformat(),
            first.replace(day=last).isoformat())


def today_period():
    """Yesterday to tomorrow: today whatever the users' time zone."""
    today = date.today()
    return ((today - timedelta(days=1)).isoformat(),
            (today + timedelta(days=1)).isoformat())


def new_numbers(admin, count):
    """``count`` mobile numbers no line of the database has."""
    numbers = []
    while len(numbers) < count:
        number = "+3375%07d" % random.randrange(10 ** 7)
        if number not in numbers and not admin.call(
                "telecom.line", "search", [["phone_number", "=", number]],
                context={"active_test": False}):
            numbers.append(number)
    return numbers


def national(number):
    """+33750123456 -> 07 50 12 34 56."""
    digits = "0" + number[3:]
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


def customers_with_lines(admin, ops, sim, subscriptions_per_customer, lang="en_US"):
    """New customers (one per entry, working in ``lang``), each with a
    site, a mobile parc of the demo's operator and a line per subscription
    xmlid, made by ``ops``; both systems know the numbers (when ``sim`` is
    given). Returns [(customer id, [(line id, number, subscription
    xmlid)])]."""
    operator = ref(admin, "telecom_parc.demo_partner_actif_telecom")
    tag = "%s%03d" % (time.strftime("%y%m%d%H%M%S"), random.randrange(1000))
    made = []
    for index, subscriptions in enumerate(subscriptions_per_customer):
        customer = admin.call("res.partner", "create", {
            "name": "Invoicing RPC %s-%d" % (tag, index), "is_company": True,
            "customer": True, "lang": lang})
        site = ops.call("telecom.site", "create", {
            "name": "Invoicing site %s-%d" % (tag, index),
            "code": "INV_%s_%d" % (tag, index), "partner_id": customer})
        parc = ops.call("telecom.parc", "create", {
            "site_id": site, "service_type": "mobile", "partner_operator_id": operator})
        numbers = new_numbers(admin, len(subscriptions))
        if sim is not None:
            seed_lines(sim, numbers)
        lines = [(ops.call("telecom.line", "create", {
            "phone_number": number, "parc_id": parc,
            "subscription_id": ref(admin, subscription)}), number, subscription)
            for number, subscription in zip(numbers, subscriptions)]
        made.append((customer, lines))
    return made


def done_on(ops, line_ids, day, data_gb=DATA_GB):
    """As ``ops``: Recharge DATA of ``data_gb`` GB on the lines, finished
    with both dates on ``day``. Returns the deployment's id."""
    wizard = ops.call("telecom.line.recharge", "create",
                      {"line_ids": [[6, 0, list(line_ids)]], "data_gb": data_gb})
    action = ops.call("telecom.line.recharge", "action_confirm", [wizard])
    deployment_ids = [action["res_id"]] if action.get("res_id") else \
        ops.call("telecom.deployment", "search", action["domain"])
    assert len(deployment_ids) == 1, deployment_ids
    ops.call("telecom.deployment", "write", deployment_ids,
             {"date_installed": day, "date_activation": day})
    ops.call("telecom.deployment", "action_done", deployment_ids)
    deployment = ops.call("telecom.deployment", "read", deployment_ids,
                          ["state", "date_activation"])[0]
    assert (deployment["state"], deployment["date_activation"]) == ("done", day), deployment
    return deployment_ids[0]


def run_invoicing(user, date_from, date_to, partner_ids=None):
    """The wizard as ``user``: the invoices it made or completed."""
    values = {"date_from": date_from, "date_to": date_to}
    if partner_ids:
        values["partner_ids"] = [[6, 0, list(partner_ids)]]
    wizard = user.call("telecom.one.off.invoice", "create", values)
    action = user.call("telecom.one.off.invoice", "action_create_invoices", [wizard])
    assert action["res_model"] == "account.invoice", action
    # What the web client titles the list with.
    assert (action.get("display_name") or action["name"]) == "One-off Option Invoices", action
    return user.call("account.invoice", "search", action["domain"])


def options_of(user, deployment_id):
    return user.call("telecom.deployment.option", "search_read",
                     [["deployment_id", "=", deployment_id]],
                     fields=["line_id", "product_id", "quantity", "price_unit",
                             "invoice_line_id", "invoice_id"])


def invoices_of(user, invoice_ids, partner_id):
    return user.call("account.invoice", "search_read", [
        ["id", "in", list(invoice_ids)], ["partner_id", "=", partner_id]],
        fields=["type", "state", "partner_id", "amount_untaxed", "amount_tax",
                "amount_total", "invoice_line_ids", "telecom_date_from",
                "telecom_date_to", "telecom_option_count", "refund_invoice_id",
                "company_id", "name"])


def en_date(user, day):
    """``day`` (ISO) as the invoice lines write it for an English customer."""
    fmt = user.call("res.lang", "search_read", [["code", "=", "en_US"]],
                    fields=["date_format"])[0]["date_format"]
    return datetime.strptime(day, "%Y-%m-%d").strftime(fmt)


@pytest.fixture(scope="module")
def users(rpc):
    return {login: rpc(login, login) for login in ("admin", "ops", "accountant", "manager")}


def test_accountant_invoices_a_period_once(users, odoo_server):
    admin, ops, accountant, manager = (users[k] for k in ("admin", "ops", "accountant",
                                                          "manager"))
    date_from, day, date_to = month_back(24)
    # Customer A: one line at 0.50 a GB; customer B: one at 1.00, one at 0.50.
    (cust_a, lines_a), (cust_b, lines_b) = customers_with_lines(
        admin, ops, odoo_server["sim"], [[SUB_100], [SUB_20, SUB_100]])
    deployment_id = done_on(ops, [l[0] for l in lines_a + lines_b], day)
    deployment = ops.call("telecom.deployment", "read", [deployment_id], ["name"])[0]["name"]
    options = options_of(accountant, deployment_id)
    assert len(options) == 3 and not any(o["invoice_line_id"] for o in options), options
    report = accountant.call("telecom.one.off.report", "search_read",
                             [["deployment_id", "=", deployment_id]],
                             fields=["invoice_state", "invoice_id"])
    assert [r["invoice_state"] for r in report] == ["to_invoice"] * 3, report

    # Only an accountant with billing rights runs it.
    for user in (ops, manager):
        kind, message = outcome(lambda user=user: run_invoicing(user, date_from, date_to))
        assert kind == "access", (kind, message)

    invoice_ids = run_invoicing(accountant, date_from, date_to)
    tax_20 = None
    by_number = {number: (line_id, subscription)
                 for line_id, number, subscription in lines_a + lines_b}
    prices = {SUB_100: 0.5, SUB_20: 1.0}
    when = en_date(accountant, day)
    for customer, lines in ((cust_a, lines_a), (cust_b, lines_b)):
        invoices = invoices_of(accountant, invoice_ids, customer)
        assert len(invoices) == 1, invoices
        invoice = invoices[0]
        assert (invoice["type"], invoice["state"]) == ("out_invoice", "draft"), invoice
        assert (invoice["telecom_date_from"], invoice["telecom_date_to"]) == (
            date_from, date_to), invoice
        assert invoice["telecom_option_count"] == len(lines), invoice
        untaxed = sum(DATA_GB * prices[sub] for _l, _n, sub in lines)
        assert invoice["amount_untaxed"] == pytest.approx(untaxed), invoice
        assert invoice["amount_tax"] == pytest.approx(round(untaxed * 0.2, 2)), invoice
        assert invoice["amount_total"] == pytest.approx(untaxed + round(untaxed * 0.2, 2))
        rows = accountant.call("account.invoice.line", "read", invoice["invoice_line_ids"],
                               ["name", "product_id", "quantity", "price_unit",
                                "invoice_line_tax_ids", "account_id"])
        assert len(rows) == len(lines), rows
        for row in rows:
            number = [n for n in by_number if national(n) in row["name"]]
            assert len(number) == 1, (row, list(by_number))
            line_id, subscription = by_number[number[0]]
            assert deployment in row["name"] and when in row["name"], row
            assert row["quantity"] == DATA_GB and row["price_unit"] == prices[subscription], row
            assert row["account_id"], row
            taxes = accountant.call("account.tax", "read", row["invoice_line_tax_ids"],
                                    ["amount", "amount_type", "type_tax_use", "price_include"])
            assert [(t["amount"], t["amount_type"], t["type_tax_use"], t["price_include"])
                    for t in taxes] == [(20.0, "percent", "sale", False)], taxes
            tax_20 = taxes[0]["id"]
            option = [o for o in options_of(accountant, deployment_id)
                      if o["line_id"][0] == line_id][0]
            assert option["invoice_line_id"][0] == row["id"], (option, row)
            assert option["invoice_id"][0] == invoice["id"], option
            assert option["product_id"][0] == row["product_id"][0], (option, row)
    assert tax_20
    invoice_a = invoices_of(accountant, invoice_ids, cust_a)[0]
    invoice_b = invoices_of(accountant, invoice_ids, cust_b)[0]
    report = accountant.call("telecom.one.off.report", "search_read",
                             [["deployment_id", "=", deployment_id]],
                             fields=["invoice_state", "invoice_id"])
    assert sorted(r["invoice_state"] for r in report) == ["invoiced"] * 3, report
    assert {r["invoice_id"][0] for r in report} == {invoice_a["id"], invoice_b["id"]}

    # Again: nothing to invoice, nothing new.
    count = admin.call("account.invoice", "search_count", [])
    message = refused(run_invoicing, accountant, date_from, date_to)
    assert "Nothing to invoice" in message, message
    assert admin.call("account.invoice", "search_count", []) == count

    # No caller links an option to an invoice line, nor changes an
    # invoice's period: not on the done deployment (whose options are
    # locked anyway), nor on a draft one, whose options are otherwise
    # writable.
    option = options_of(accountant, deployment_id)[0]
    other_line = invoice_b["invoice_line_ids"][0] \
        if option["invoice_id"][0] == invoice_a["id"] else invoice_a["invoice_line_ids"][0]
    wizard = ops.call("telecom.line.recharge", "create",
                      {"line_ids": [[6, 0, [lines_a[0][0]]]], "data_gb": 1})
    draft_id = ops.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]
    draft_option = options_of(ops, draft_id)[0]
    for user in (accountant, manager, ops):
        for target, values in ((option, {"invoice_line_id": other_line}),
                               (option, {"invoice_line_id": False}),
                               (draft_option, {"invoice_line_id": other_line})):
            if user is ops and target is option:
                continue
            message = refused(user.call, "telecom.deployment.option", "write",
                              [target["id"]], values)
            if target is draft_option and user is not accountant:
                assert "set by the invoicing of the one-off options" in message, message
        message = refused(user.call, "telecom.deployment.option", "create", {
            "deployment_id": draft_id, "line_id": lines_b[0][0],
            "product_id": option["product_id"][0], "quantity": 1,
            "invoice_line_id": other_line})
        if user is not accountant:
            assert "set by the invoicing of the one-off options" in message, message
    manager.call("telecom.deployment.option", "write", [draft_option["id"]], {"quantity": 2})
    assert options_of(admin, draft_id)[0]["quantity"] == 2
    assert not options_of(admin, draft_id)[0]["invoice_line_id"]
    assert len(options_of(admin, draft_id)) == 1
    ops.call("telecom.deployment", "action_cancel", [draft_id])
    assert options_of(admin, deployment_id) == options_of(accountant, deployment_id)
    assert admin.call("telecom.deployment.option", "read", [option["id"]],
                      ["invoice_line_id"])[0]["invoice_line_id"] == option["invoice_line_id"]
    assert len(options_of(admin, deployment_id)) == 3
    accountant.call("account.invoice", "write", [invoice_a["id"]], {
        "telecom_date_from": "2001-01-01", "telecom_date_to": "2001-01-31"})
    assert invoices_of(accountant, [invoice_a["id"]], cust_a)[0]["telecom_date_from"] == date_from

    # Cancelling A's draft frees its option; the next run invoices it
    # again (B's stays on its draft), on a new draft.
    accountant.call("account.invoice", "action_invoice_cancel", [invoice_a["id"]])
    freed = [o for o in options_of(accountant, deployment_id)
             if o["line_id"][0] == lines_a[0][0]][0]
    assert not freed["invoice_line_id"] and not freed["invoice_id"], freed
    assert accountant.call("telecom.one.off.report", "read", [freed["id"]],
                           ["invoice_state"])[0]["invoice_state"] == "to_invoice"
    message = refused(accountant.call, "account.invoice", "action_invoice_draft",
                      [invoice_a["id"]])
    assert "again" in message, message
    again = run_invoicing(accountant, date_from, date_to)
    assert not invoices_of(accountant, again, cust_b), again
    new_a = invoices_of(accountant, again, cust_a)
    assert len(new_a) == 1 and new_a[0]["id"] != invoice_a["id"], new_a
    assert new_a[0]["state"] == "draft" and new_a[0]["telecom_option_count"] == 1, new_a
    assert new_a[0]["amount_total"] == pytest.approx(invoice_a["amount_total"])
    assert invoices_of(accountant, [invoice_b["id"]], cust_b)[0]["telecom_option_count"] == 2

    # Validated: the options stay on it; a run makes nothing.
    accountant.call("account.invoice", "action_invoice_open", [new_a[0]["id"], invoice_b["id"]])
    for invoice in invoices_of(accountant, [new_a[0]["id"], invoice_b["id"]], cust_a) + \
            invoices_of(accountant, [invoice_b["id"]], cust_b):
        assert invoice["state"] == "open", invoice
    message = refused(run_invoicing, accountant, date_from, date_to)
    assert "Nothing to invoice" in message, message
    linked = {o["invoice_id"][0] for o in options_of(accountant, deployment_id)}
    assert linked == {new_a[0]["id"], invoice_b["id"]}, linked


def test_reversal_of_validated_options_is_a_credit_note(users, odoo_server):
    admin, ops, accountant, manager = (users[k] for k in ("admin", "ops", "accountant",
                                                          "manager"))
    date_from, day, date_to = month_back(25)
    (cust_a, lines_a), (cust_b, lines_b) = customers_with_lines(
        admin, ops, odoo_server["sim"], [[SUB_100], [SUB_20]])
    deployment_id = done_on(ops, [lines_a[0][0], lines_b[0][0]], day)
    invoice_ids = run_invoicing(accountant, date_from, date_to)
    invoice_a = invoices_of(accountant, invoice_ids, cust_a)[0]
    invoice_b = invoices_of(accountant, invoice_ids, cust_b)[0]
    # A's invoice validated, B's left in draft.
    accountant.call("account.invoice", "action_invoice_open", [invoice_a["id"]])

    # Only a Telecom Manager reverses.
    refused(ops.call, "telecom.deployment.reverse", "create",
            {"deployment_id": deployment_id, "reason": "Wrong line"})
    wizard = manager.call("telecom.deployment.reverse", "create",
                          {"deployment_id": deployment_id, "reason": "Wrong line"})
    reversal_id = manager.call("telecom.deployment.reverse", "action_confirm", [wizard])["res_id"]
    reversal = manager.call("telecom.deployment", "read", [reversal_id],
                            ["state", "reversed_deployment_id", "name"])[0]
    assert reversal["state"] == "done" and reversal["reversed_deployment_id"][0] == deployment_id

    # Invoiced (the reversal is dated today; these customers only): A's is a
    # credit note of the validated invoice, with positive quantities; B's
    # original is still on a draft, so its reversal is a negative line.
    today_from, today_to = today_period()
    made = run_invoicing(accountant, today_from, today_to, [cust_a, cust_b])
    credit = invoices_of(accountant, made, cust_a)
    assert len(credit) == 1, credit
    credit = credit[0]
    assert (credit["type"], credit["state"]) == ("out_refund", "draft"), credit
    assert credit["refund_invoice_id"] and credit["refund_invoice_id"][0] == invoice_a["id"], credit
    assert credit["amount_total"] == pytest.approx(invoice_a["amount_total"]), (credit, invoice_a)
    rows = accountant.call("account.invoice.line", "read", credit["invoice_line_ids"],
                           ["name", "quantity", "price_unit"])
    assert [(r["quantity"], r["price_unit"]) for r in rows] == [(DATA_GB, 0.5)], rows
    assert reversal["name"] in rows[0]["name"] and national(lines_a[0][1]) in rows[0]["name"]
    reversed_options = options_of(accountant, reversal_id)
    on_credit = [o for o in reversed_options if o["line_id"][0] == lines_a[0][0]][0]
    assert on_credit["invoice_id"][0] == credit["id"], on_credit

    # B's original is on a draft: its reversal alone would be a negative
    # invoice, so it is a credit note too, of no validated invoice.
    negative = invoices_of(accountant, made, cust_b)
    assert len(negative) == 1, negative
    negative = negative[0]
    assert (negative["type"], negative["state"], negative["refund_invoice_id"]) == (
        "out_refund", "draft", False), negative
    assert negative["amount_total"] == pytest.approx(invoice_b["amount_total"]), negative
    # The originals stay where they were.
    linked = {o["line_id"][0]: o["invoice_id"][0] for o in options_of(accountant, deployment_id)}
    assert linked == {lines_a[0][0]: invoice_a["id"], lines_b[0][0]: invoice_b["id"]}, linked


def test_a_large_invoicing_goes_on_in_jobs(users, odoo_server):
    """Beyond a part (the system parameter, 2 options here), the click
    invoices the first part and says how many options are queued; the
    server's job runner has its workers invoice the others a part at a
    time, as the accountant, on the same draft invoices; none twice."""
    admin, ops, accountant = (users[k] for k in ("admin", "ops", "accountant"))
    date_from, day, date_to = month_back(26)
    (cust_a, lines_a), (cust_b, lines_b) = customers_with_lines(
        admin, ops, odoo_server["sim"], [[SUB_100, SUB_20], [SUB_20, SUB_100, SUB_20]])
    deployment_id = done_on(ops, [l[0] for l in lines_a + lines_b], day)
    # Only an administrator sets the part's size.
    refused(accountant.call, "ir.config_parameter", "set_param",
            "telecom_recharge_account.invoice_part", "1")
    admin.call("ir.config_parameter", "set_param", "telecom_recharge_account.invoice_part", "2")
    try:
        wizard = accountant.call("telecom.one.off.invoice", "create",
                                 {"date_from": date_from, "date_to": date_to})
        action = accountant.call("telecom.one.off.invoice", "action_create_invoices", [wizard])
        # The list of the first part's invoice, titled with what is queued.
        assert action["res_model"] == "account.invoice", action
        assert action["display_name"] == "One-off Option Invoices (3 more to come)", action
        first = accountant.call("account.invoice", "search", action["domain"])
        state = accountant.call("telecom.one.off.invoice", "read", [wizard],
                                ["queued_count", "invoice_ids"])[0]
        assert state["queued_count"] == 3 and state["invoice_ids"] == first, (state, first)
        # Nobody writes what a run did.
        refused(accountant.call, "telecom.one.off.invoice", "write", [wizard],
                {"queued_count": 0})

        def invoiced():
            options = options_of(accountant, deployment_id)
            return all(o["invoice_line_id"] for o in options) and options
        options = wait_for(invoiced, timeout=120)
        assert options, options_of(accountant, deployment_id)
    finally:
        admin.call("ir.config_parameter", "set_param", "telecom_recharge_account.invoice_part",
                   "2000")
    invoice_ids = {o["invoice_id"][0] for o in options}
    assert len(invoice_ids) == 2, options
    assert set(first) <= invoice_ids
    prices = {SUB_100: 0.5, SUB_20: 1.0}
    for customer, lines in ((cust_a, lines_a), (cust_b, lines_b)):
        invoices = invoices_of(accountant, invoice_ids, customer)
        assert len(invoices) == 1, invoices
        invoice = invoices[0]
        untaxed = sum(DATA_GB * prices[sub] for _l, _n, sub in lines)
        assert invoice["telecom_option_count"] == len(invoice["invoice_line_ids"]) == len(lines)
        assert invoice["amount_untaxed"] == pytest.approx(untaxed), invoice
        assert invoice["amount_tax"] == pytest.approx(round(untaxed * 0.2, 2)), invoice
    # Done by the job runner's jobs, run as the accountant.
    jobs = admin.call("queue.job", "search_read", [
        ["method_name", "=", "_telecom_job_invoice"], ["state", "=", "done"],
        ["date_created", ">=", time.strftime("%Y-%m-%d")]],
        fields=["user_id", "channel", "result"])
    mine = [j for j in jobs if j["user_id"][0] == accountant.uid
            and j["channel"] == "root.telecom_invoice"]
    assert len(mine) >= 2, jobs
    kind, message = outcome(lambda: run_invoicing(accountant, date_from, date_to))
    assert kind == "user" and "Nothing to invoice" in message, (kind, message)
