"""Hardening, scenario 6: hostile input over RPC, property-based (hypothesis).

The operations user sends random strings, huge numbers, SQL and HTML
fragments, other companies' and missing records, to the Recharge DATA wizard
and to the create and write of lines and deployments (with their one-off
options), then confirms and sets done what was accepted. Only UserError,
ValidationError, AccessError (or MissingError) may come back, never a server
error; and after every example the database holds together:

* a refused Recharge DATA creates no deployment; a wizard's deployment has
  an option for each of its lines; confirming twice gives the same ones;
* a done deployment has its dates and one MAJ per line; a MAJ has the
  options of its line in the deployment (no MAJ without its options) and,
  when it has options, one sync request per system;
* every line's number is in E.164, no two active lines of a company share it;
* amounts: an option's amount is its quantity times its unit price (rounded
  in the currency), a deployment's the sum of its options', a MAJ's the sum
  of its options' and the same as its line's options in the deployment; the
  accountants' report gives each MAJ its amount; a cancelled deployment has
  no MAJ; and every option SNAIC and CFAST applied is what the MAJ records
  (product, quantity, unit price as an exact decimal).

The caller is hostile beyond the values: each call carries a context drawn
from the keys that once unlocked a rule (``telecom_deployment_action``,
``telecom_deployment_unlink``, ``telecom_skip_line_sync``) and Odoo's own
(``active_test``, ``force_company``, ``tracking_disable``...); deployments
and options are sent with their state, amounts, reference, company and
currency; and after the actions the deployment is tampered with from every
side (its state and amounts written, its options' amounts written and
options deleted, its lines' deployments and MAJ written from the line, its
MAJ written and deleted, its company changed). Nothing of it may change a
state, an amount or a lock.

JSON-RPC is used: it carries what XML-RPC cannot (NUL characters, integers
beyond 32 bits, NaN), and each error names its class. The examples are
derandomized (the same at every run); ``--scale N`` runs more of them.

Values of a type the field cannot hold (a text for a many2one, an unknown
selection key, a malformed date, a number beyond the column, NaN, a NUL
character, a non-text phone number) are refused with a validation error
naming the field: the tests at the end send them on purpose.
"""
import itertools
import math
import re
import time
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from hardening_support import (ROOT, SYSTEMS, JsonRPC, phones, print_table, scenario,
                               seed_lines, wait_for)

# Hypothesis keeps a cache (unicode tables) on disk: in .run/, out of git.
set_hypothesis_home_dir(str(ROOT / ".run" / "hypothesis"))

ALLOWED = ("ok", "user_error", "validation_error", "access_error", "missing_error", "warning")
SQL = ["'; DROP TABLE telecom_line; --", "' OR '1'='1", "1); DELETE FROM telecom_deployment; --",
       "%s", "%(id)s", "$$; SELECT pg_sleep(10); $$", "\\'; --", "0 UNION SELECT token FROM "
       "telecom_api_backend"]
HTML = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</p><b>bold",
        "&lt;&amp;&#0;", "{{7*7}}", "${7*7}", "<!--", "]]>"]
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
INT32 = 2 ** 31 - 1

# Text as JSON carries it, without NUL (PostgreSQL refuses it: see the
# tests at the end) nor lone surrogates (not UTF-8).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\x00"), max_size=40)
HOSTILE_TEXT = st.one_of(TEXT, st.sampled_from(SQL + HTML), TEXT.map(lambda t: (t or "x") * 500))
PHONE_LIKE = st.one_of(
    st.from_regex(r"\A\+?[0-9 ().\-/]{0,18}\Z"),
    st.integers(min_value=0, max_value=99999999).map(lambda n: "06%08d" % n),
    HOSTILE_TEXT)
DATES = st.one_of(st.just(False), st.dates(min_value=__import__("datetime").date(1900, 1, 1),
                                           max_value=__import__("datetime").date(2200, 12, 31))
                  .map(lambda d: d.isoformat()))
# Numbers a numeric column holds: huge ones stay finite and within 32 bits
# for integers (beyond: the tests at the end).
FLOATS = st.one_of(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
                   st.integers(min_value=-10 ** 6, max_value=10 ** 6))


def hostile_context(world):
    """A strategy: a context an RPC caller could send."""
    return st.fixed_dictionaries({}, optional={
        "telecom_deployment_action": st.just(True),
        "telecom_deployment_unlink": st.just(True),
        "telecom_skip_line_sync": st.just(True),
        "active_test": st.just(False),
        "force_company": st.just(world.company_b),
        "tracking_disable": st.just(True),
        "mail_notrack": st.just(True),
        "install_mode": st.just(True),
    })


def examples(scale):
    return max(30, scale // 5)


def hostile_settings(scale):
    return settings(max_examples=examples(scale), deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def stage(odoo_env, tmp_path_factory):
    with scenario(odoo_env, tmp_path_factory, "input") as stage_:
        yield dict(stage_, world=World(stage_["server"], stage_["sim"]))


class World(object):
    """The records the examples pick from, made as admin."""

    def __init__(self, server, sim):
        self.admin = JsonRPC(server.url, server.db, "admin")
        self.ops = JsonRPC(server.url, server.db, "ops")
        ref = lambda xmlid: self.admin.call("ir.model.data", "xmlid_to_res_id", xmlid)  # noqa
        self.parc = ref("telecom_parc.demo_parc_sw1_mobile")
        self.subscriptions = [ref("telecom_parc.demo_subscription_eurof_100"),
                              ref("telecom_parc.demo_subscription_eurof_20"),
                              ref("telecom_parc.demo_subscription_voice_only")]
        self.operators = [ref("telecom_parc.demo_partner_actif_telecom"),
                          ref("telecom_parc.demo_partner_orange"),
                          ref("telecom_parc.demo_partner_client_sw")]
        # The one-off options first, then products that are not.
        self.products = self.admin.call("product.product", "search",
                                        [["telecom_is_one_off", "=", True]]) + \
            self.admin.call("product.product", "search",
                            [["telecom_is_one_off", "=", False]], limit=2)
        numbers = phones(12, "+33620")
        seed_lines(sim, numbers)
        self.good_lines = [self.line(number, self.subscriptions[i % 2])
                           for i, number in enumerate(numbers[:8])]
        terminated = self.line(numbers[8], self.subscriptions[0])
        self.admin.call("telecom.line", "write", [terminated], {"state": "terminated"})
        archived = self.line(numbers[9], self.subscriptions[0])
        self.admin.call("telecom.line", "write", [archived], {"active": False})
        no_subscription = self.line(numbers[10], False)
        voice_only = self.line(numbers[11], self.subscriptions[2])
        company_b = self.company_b = self.admin.call("res.company", "create",
                                                     {"name": "Hostile B"})
        partner_b = self.admin.call("res.partner", "create", {"name": "B", "company_id": company_b})
        site_b = self.admin.call("telecom.site", "create", {
            "name": "B", "code": "B1", "partner_id": partner_b, "company_id": company_b})
        self.parc_b = self.admin.call("telecom.parc", "create", {
            "site_id": site_b, "service_type": "mobile",
            "partner_operator_id": self.operators[0]})
        line_b = self.admin.call("telecom.line", "create", {
            "phone_number": "+33620999999", "parc_id": self.parc_b})
        self.bad_lines = [terminated, archived, no_subscription, voice_only, line_b]
        self.missing = 10 ** 8  # an id no table holds
        self.company_a = ref("base.main_company")
        self.sim = sim
        # The invariants hold for what the examples make (the demo's done
        # deployment predates the sync addon: its MAJ has no request).
        self.baseline = {table: self.admin.call(model, "search", [], limit=1, order="id desc")
                         for table, model in (("deployment", "telecom.deployment"),
                                              ("update", "telecom.line.update"))}
        self.baseline = {table: (ids or [0])[0] for table, ids in self.baseline.items()}

    def line(self, number, subscription):
        return self.admin.call("telecom.line", "create", {
            "phone_number": number, "parc_id": self.parc, "subscription_id": subscription})

    def ids(self, pool):
        """A strategy: an id from ``pool`` (most of the time), a missing one,
        a negative one or False."""
        return st.one_of(st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(pool),
                         st.sampled_from(pool), st.just(self.missing),
                         st.integers(min_value=-5, max_value=0), st.just(False))

    def good_selection(self):
        return st.lists(st.sampled_from(self.good_lines), min_size=1, max_size=4, unique=True)

    def line_selection(self):
        return st.lists(st.one_of(st.sampled_from(self.good_lines), st.sampled_from(self.bad_lines),
                                  st.just(self.missing)), max_size=6, unique=True)


def report(what, seen, capsys):
    print_table("Scenario 6: hostile input, %s: outcomes" % what, ["call and outcome", "count"],
                sorted(seen.items()), capsys)


def check(kind, result, what):
    assert kind in ALLOWED, "%s: server error %s\n%s" % (
        what, getattr(result, "name", ""), getattr(result, "debug", "")[-2500:])


def count_deployments(db):
    return db.query("SELECT count(*) FROM telecom_deployment")[0][0]


def assert_consistent(db, world):
    """The invariants of the module docstring, in SQL, on what the examples
    made."""
    def none(sql, what):
        rows = db.query(sql, {"deployment": world.baseline["deployment"],
                              "update": world.baseline["update"]})
        assert not rows, "%s: %s" % (what, rows[:10])
    none("""SELECT d.id, r.line_id FROM telecom_deployment d
              JOIN telecom_deployment_line_rel r ON r.deployment_id = d.id
             WHERE d.origin LIKE 'Recharge DATA%%' AND d.id > %(deployment)s
               AND NOT EXISTS (SELECT 1 FROM telecom_deployment_option o
                                WHERE o.deployment_id = d.id AND o.line_id = r.line_id)""",
         "a Recharge DATA deployment with a line without option")
    none("""SELECT id FROM telecom_deployment WHERE state = 'done' AND id > %(deployment)s
               AND (date_installed IS NULL OR date_activation IS NULL)""",
         "a done deployment without its dates")
    none("""SELECT d.id, r.line_id FROM telecom_deployment d
              JOIN telecom_deployment_line_rel r ON r.deployment_id = d.id
             WHERE d.state = 'done' AND d.id > %(deployment)s
               AND (SELECT count(*) FROM telecom_line_update u
                     WHERE u.deployment_id = d.id AND u.line_id = r.line_id) != 1""",
         "a done deployment without exactly one MAJ per line")
    none("""SELECT u.id FROM telecom_line_update u
             WHERE u.deployment_id IS NOT NULL AND u.id > %(update)s
               AND (SELECT count(*) FROM telecom_deployment_option o
                     WHERE o.deployment_id = u.deployment_id AND o.line_id = u.line_id)
                != (SELECT count(*) FROM telecom_line_update_option uo WHERE uo.update_id = u.id)""",
         "a MAJ without the options of its line")
    none("""SELECT u.id FROM telecom_line_update u
             WHERE u.id > %(update)s
               AND EXISTS (SELECT 1 FROM telecom_line_update_option uo WHERE uo.update_id = u.id)
               AND (SELECT count(*) FROM telecom_sync_request r WHERE r.update_id = u.id) != 2""",
         "a MAJ with options without its two sync requests")
    # Amounts (EUR, 2 digits): computed from quantity and unit price, never
    # what a caller sent.
    none("""SELECT o.id, o.quantity, o.price_unit, o.amount FROM telecom_deployment_option o
             WHERE o.deployment_id > %(deployment)s
               AND o.amount IS DISTINCT FROM round(o.quantity * round(o.price_unit, 2), 2)""",
         "an option whose amount is not quantity x unit price")
    none("""SELECT d.id, d.amount_one_off FROM telecom_deployment d
             WHERE d.id > %(deployment)s
               AND d.amount_one_off IS DISTINCT FROM (
                   SELECT COALESCE(sum(o.amount), 0) FROM telecom_deployment_option o
                    WHERE o.deployment_id = d.id)""",
         "a deployment whose amount is not the sum of its options")
    none("""SELECT d.id, d.state FROM telecom_deployment d
             WHERE d.id > %(deployment)s AND d.state != 'done'
               AND EXISTS (SELECT 1 FROM telecom_line_update u WHERE u.deployment_id = d.id)""",
         "MAJ of a deployment that is not done")
    none("""SELECT u.id, u.amount_one_off FROM telecom_line_update u
             WHERE u.id > %(update)s
               AND u.amount_one_off IS DISTINCT FROM (
                   SELECT COALESCE(sum(round(uo.quantity * round(uo.price_unit, 2), 2)), 0)
                     FROM telecom_line_update_option uo WHERE uo.update_id = u.id)""",
         "a MAJ whose amount is not the sum of quantity x unit price of its options")
    none("""SELECT u.id FROM telecom_line_update u
             WHERE u.id > %(update)s AND u.deployment_id IS NOT NULL
               AND (SELECT COALESCE(sum(uo.amount), 0) FROM telecom_line_update_option uo
                     WHERE uo.update_id = u.id)
                != (SELECT COALESCE(sum(o.amount), 0) FROM telecom_deployment_option o
                     WHERE o.deployment_id = u.deployment_id AND o.line_id = u.line_id)""",
         "a MAJ whose amount differs from its line's options in the deployment")
    none("""SELECT u.id FROM telecom_line_update u
             WHERE u.id > %(update)s
               AND u.amount_one_off IS DISTINCT FROM (
                   SELECT COALESCE(sum(r.amount), 0) FROM telecom_one_off_report r
                    WHERE r.update_id = u.id)""",
         "a MAJ whose amount differs from the accountants' report")
    bad = [row for row in db.query("SELECT id, phone_number FROM telecom_line")
           if not E164.match(row[1] or "")]
    assert not bad, "numbers not in E.164: %s" % bad
    none("""SELECT company_id, phone_number FROM telecom_line WHERE active
          GROUP BY company_id, phone_number HAVING count(*) > 1""",
         "two active lines with the same number")


def applied_as_recorded(db, world):
    """Every option the simulators applied for a MAJ of the examples is the
    MAJ's option: same product code, quantity and unit price (an exact
    decimal string). Returns how many were compared."""
    options = {row[0]: row[1:] for row in db.query(
        "SELECT id, default_code, quantity, price_unit FROM telecom_line_update_option "
        "WHERE update_id > %s", (world.baseline["update"],))}
    compared = 0
    for system in SYSTEMS:
        for entry in world.sim.sim_get(system, "applied")["applied"]:
            # Our reference of an option: <request reference>-<MAJ option id>.
            option_id = int(entry["reference"].rsplit("-", 1)[1])
            if option_id not in options:
                continue
            code, quantity, price_unit = options[option_id]
            assert isinstance(entry["unit_price"], str), entry
            assert (entry["product_code"], Decimal(str(entry["quantity"])),
                    Decimal(entry["unit_price"])) == (
                        code, Decimal(str(quantity)), Decimal(str(price_unit))), (entry, code)
            compared += 1
    return compared


def settle_pushes(db, world):
    """Wait for the server's background pushes of the examples to end, then
    check that every request done was applied as recorded."""
    assert wait_for(lambda: not db.query(
        "SELECT 1 FROM telecom_sync_request WHERE state = 'sent' AND update_id > %s",
        (world.baseline["update"],)), timeout=120)
    done = db.query("""SELECT count(*) FROM telecom_sync_request r
                         JOIN telecom_line_update_option uo ON uo.update_id = r.update_id
                        WHERE r.state = 'done' AND r.update_id > %s""",
                    (world.baseline["update"],))[0][0]
    compared = applied_as_recorded(db, world)
    assert compared >= done, "%d options of done requests, %d applied" % (done, compared)
    return compared


def test_recharge_wizard_hostile_input(stage, scale, capsys):
    """Recharge DATA with any top-up value and any selection of lines:
    refused with a UserError and nothing created, or deployments made once
    even when confirmed twice; some are then set done."""
    world, db = stage["world"], stage["db"]
    ops = world.ops
    seen = Counter()

    @hostile_settings(scale)
    @given(data_gb=st.one_of(st.integers(min_value=1, max_value=50), HOSTILE_TEXT, st.integers(min_value=-INT32, max_value=INT32),
                             st.floats(min_value=-2e9, max_value=2e9), st.just(float("nan")),
                             st.just(float("inf")), st.none(), st.booleans(),
                             st.sampled_from(["2", " 3 ", "2.0", "2,5", "1e3", "-1", "0", "NaN",
                                              "inf", "1e400", "١٢"])),
           lines=st.one_of(world.good_selection(), world.line_selection()), done=st.booleans())
    @example(data_gb="2", lines=world.good_lines[:2], done=True)
    def run(data_gb, lines, done):
        if column_overflow(data_gb):
            return  # beyond the Integer column: test_wizard_value_beyond_the_column
        before = count_deployments(db)
        kind, wizard = ops.outcome("telecom.line.recharge", "create",
                                   {"line_ids": [[6, 0, lines]], "data_gb": data_gb})
        check(kind, wizard, "create wizard %r %r" % (data_gb, lines))
        if kind == "ok":
            kind, action = ops.outcome("telecom.line.recharge", "action_confirm", [wizard])
            check(kind, action, "confirm %r %r" % (data_gb, lines))
        seen[kind] += 1
        if kind != "ok":
            assert count_deployments(db) == before, "refused, yet a deployment was created"
            assert_consistent(db, world)
            return
        again = ops.call("telecom.line.recharge", "action_confirm", [wizard])
        assert again.get("res_id") == action.get("res_id") and \
            again.get("domain") == action.get("domain"), "confirmed twice: other deployments"
        deployments = [action["res_id"]] if action.get("res_id") else \
            ops.call("telecom.deployment", "search", action["domain"])
        selected = set(itertools.chain.from_iterable(
            d["line_ids"] for d in ops.call("telecom.deployment", "read", deployments,
                                            ["line_ids"])))
        assert selected == set(lines)
        if done:
            today = time.strftime("%Y-%m-%d")
            ops.call("telecom.deployment", "write", deployments,
                     {"date_installed": today, "date_activation": today})
            kind, result = ops.outcome("telecom.deployment", "action_done", deployments)
            check(kind, result, "done %r" % deployments)
            seen["done " + kind] += 1
        assert_consistent(db, world)

    run()
    seen["options applied as recorded"] = settle_pushes(db, world)
    report("Recharge DATA wizard", seen, capsys)
    assert seen["ok"] and seen["user_error"] and seen["done ok"], seen
    assert seen["options applied as recorded"], seen


def column_overflow(value):
    """True for a top-up the wizard would store beyond its Integer column."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return False
    return isinstance(value, (int, float)) and math.isfinite(value) and abs(value) > INT32


FRESH_NUMBERS = st.integers(min_value=0, max_value=9999999).map(lambda n: "+3366%07d" % n)


def line_values(world, create):
    """A strategy: values of a line to create (or to write)."""
    optional = {
        "name": HOSTILE_TEXT, "user_name": HOSTILE_TEXT, "customer_account": HOSTILE_TEXT,
        "subscription_id": st.one_of(st.sampled_from(world.subscriptions),
                                     world.ids(world.subscriptions)),
        "state": st.sampled_from(["active", "suspended", "terminated"]),
        "date_activation": DATES, "date_deactivation": DATES, "active": st.booleans(),
    }
    if not create:
        optional["phone_number"] = st.one_of(FRESH_NUMBERS, PHONE_LIKE)
        customer_account = optional.pop("customer_account")
        return st.fixed_dictionaries({"customer_account": customer_account},
                                     optional=optional)
    return st.fixed_dictionaries({
        # A new valid number half of the time, anything else otherwise.
        "phone_number": st.one_of(FRESH_NUMBERS, PHONE_LIKE),
        "parc_id": st.one_of(st.just(world.parc), st.just(world.parc),
                             st.just(world.parc_b), world.ids([world.parc])),
    }, optional=optional)


def test_lines_hostile_create_and_write(stage, scale, capsys):
    """Lines created and written with hostile values: refused with a
    validation error, or stored with a number in E.164."""
    world, db = stage["world"], stage["db"]
    ops = world.ops
    seen = Counter()

    @hostile_settings(scale)
    @given(create=line_values(world, create=True), write=line_values(world, create=False),
           existing=st.sampled_from(world.good_lines))
    @example(create={"phone_number": "06 60 00 00 01", "parc_id": world.parc,
                     "user_name": SQL[0], "customer_account": HTML[0]},
             write={"user_name": HTML[1], "phone_number": "+33 6 60 00 00 02"},
             existing=world.good_lines[0])
    def run(create, write, existing):
        kind, line = ops.outcome("telecom.line", "create", create)
        check(kind, line, "create line %r" % create)
        seen["create " + kind] += 1
        target = line if kind == "ok" else existing
        kind, result = ops.outcome("telecom.line", "write", [target], write)
        check(kind, result, "write line %r" % write)
        seen["write " + kind] += 1
        assert_consistent(db, world)

    run()
    report("lines", seen, capsys)
    assert seen["create ok"] and seen["write ok"] and seen["create validation_error"], seen


@st.composite
def deployment_values(draw, world):
    """A strategy: values of a deployment with its one-off options."""
    vals = {"partner_operator_id": draw(st.one_of(st.just(world.operators[0]),
                                                  st.just(world.operators[0]),
                                                  world.ids(world.operators)))}
    optional = {
        "collection_operator_id": world.ids(world.operators),
        "category": st.sampled_from(["voice_data", "voice", "data", "other"]),
        "commitment": st.sampled_from(["none", "12", "24", "36", False]),
        "framework_agreement": st.booleans(), "framework_agreement_ref": HOSTILE_TEXT,
        "origin": HOSTILE_TEXT, "date_planned": DATES, "date_installed": DATES,
        "date_activation": DATES,
        # What the deployment sets itself.
        "state": st.sampled_from(["draft", "confirmed", "done", "cancelled"]),
        "amount_one_off": FLOATS, "option_count": st.integers(min_value=0, max_value=99),
        "name": HOSTILE_TEXT, "company_id": st.sampled_from([world.company_a, world.company_b]),
        "currency_id": st.integers(min_value=1, max_value=3),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            vals[name] = draw(strategy)
    lines = draw(st.one_of(world.good_selection(), world.line_selection()))
    vals["line_ids"] = [[6, 0, lines]]
    vals["option_ids"] = [[0, 0, {
        "line_id": draw(st.one_of(st.sampled_from(lines or world.good_lines),
                                  world.ids(world.good_lines))),
        "product_id": draw(st.one_of(st.sampled_from(world.products[:2]),
                                     world.ids(world.products))),
        "quantity": draw(st.one_of(st.integers(min_value=1, max_value=10), FLOATS)),
        "price_unit": draw(st.one_of(st.just(0.5), st.just(1.0), FLOATS)),
        **draw(st.fixed_dictionaries({}, optional={
            "amount": FLOATS, "state": st.sampled_from(["done", "cancelled"]),
            "company_id": st.just(world.company_b), "currency_id": st.just(1)})),
    }] for _index in range(draw(st.integers(min_value=0, max_value=3)))]
    return vals


TAMPERS = st.lists(st.sampled_from([
    "state", "amounts", "option_amount", "option_unlink", "line_deployments", "line_updates",
    "update_write", "update_unlink", "update_option_write", "company"]), min_size=1,
    max_size=4)


def tamper(world, deployment, what, context):
    """One way around a lock, as the operations user: (model, method, args)."""
    admin = world.admin
    read = admin.call("telecom.deployment", "read", [deployment],
                      ["line_ids", "option_ids", "update_ids"])[0]
    line = (read["line_ids"] or world.good_lines)[0]
    option = (read["option_ids"] or [world.missing])[0]
    update = (read["update_ids"] or [world.missing])[0]
    update_option = (admin.call("telecom.line.update.option", "search",
                                [["update_id", "=", update]], limit=1) or [world.missing])[0]
    calls = {
        "state": ("telecom.deployment", "write", [deployment], {"state": "cancelled"}),
        "amounts": ("telecom.deployment", "write", [deployment],
                    {"amount_one_off": 12345, "option_count": 0, "name": "FORGED"}),
        "option_amount": ("telecom.deployment.option", "write", [option],
                          {"amount": 999, "price_unit": 0.01}),
        "option_unlink": ("telecom.deployment.option", "unlink", [option]),
        "line_deployments": ("telecom.line", "write", [line], {"deployment_ids": [[5]]}),
        "line_updates": ("telecom.line", "write", [line], {"update_ids": [[2, update]]}),
        "update_write": ("telecom.line.update", "write", [update], {"amount_one_off": 1}),
        "update_unlink": ("telecom.line.update", "unlink", [update]),
        "update_option_write": ("telecom.line.update.option", "write", [update_option],
                                {"amount": 1, "quantity": 99}),
        "company": ("telecom.deployment", "write", [deployment],
                    {"company_id": world.company_b}),
    }
    model, method, *args = calls[what]
    return world.ops.outcome(model, method, *args, context=context)


ACTIONS = st.lists(st.sampled_from(["action_confirm", "action_done", "action_cancel",
                                    "action_draft", "dates"]), min_size=1, max_size=4)


def test_deployments_hostile_create_write_and_done(stage, scale, capsys):
    """Deployments and their options created and written with hostile
    values, then confirmed, dated, set done, cancelled in any order:
    refused with a clear error, or a consistent deployment with its MAJ and
    sync requests."""
    world, db = stage["world"], stage["db"]
    ops = world.ops
    seen = Counter()
    today = time.strftime("%Y-%m-%d")

    @hostile_settings(scale)
    @given(vals=deployment_values(world), changes=deployment_values(world), actions=ACTIONS,
           keep=st.lists(st.booleans(), min_size=12, max_size=12), tampers=TAMPERS,
           context=hostile_context(world))
    @example(vals={"partner_operator_id": world.operators[0], "origin": HTML[0],
                   "line_ids": [[6, 0, world.good_lines[:2]]],
                   "option_ids": [[0, 0, {"line_id": world.good_lines[0],
                                          "product_id": world.products[0], "quantity": 3}]]},
             changes={}, actions=["action_confirm", "dates", "action_done", "action_cancel"],
             keep=[False] * 12, context={"telecom_deployment_action": True},
             tampers=["state", "amounts", "option_amount", "option_unlink",
                      "line_deployments", "update_write", "update_unlink", "company"])
    @example(vals={"partner_operator_id": world.operators[0], "name": "FORGED",
                   "amount_one_off": 0.01, "option_count": 7, "currency_id": 2,
                   "line_ids": [[6, 0, world.good_lines[2:3]]],
                   "option_ids": [[0, 0, {"line_id": world.good_lines[2],
                                          "product_id": world.products[0], "quantity": 2,
                                          "amount": 0.01, "state": "done"}]]},
             changes={}, actions=["dates", "action_done"], keep=[False] * 12,
             context={"telecom_deployment_unlink": True, "telecom_skip_line_sync": True,
                      "active_test": False, "install_mode": True},
             tampers=["line_updates", "update_option_write", "option_unlink", "amounts"])
    @example(vals={"partner_operator_id": world.operators[0],
                   "line_ids": [[6, 0, world.good_lines[4:5]]],
                   "option_ids": [[0, 0, {"line_id": world.good_lines[4],
                                          "product_id": world.products[0], "quantity": 1,
                                          "amount": 999}]]},
             changes={}, actions=["dates", "action_done"], keep=[False] * 12,
             context={"telecom_deployment_unlink": True, "telecom_skip_line_sync": True},
             tampers=["line_updates", "update_option_write", "option_unlink", "amounts"])
    def run(vals, changes, actions, keep, tampers, context):
        kind, deployment = ops.outcome("telecom.deployment", "create", vals, context=context)
        check(kind, deployment, "create deployment %r" % vals)
        seen["create " + kind] += 1
        if kind != "ok":
            assert_consistent(db, world)
            return
        changes = {name: value for (name, value), kept in zip(sorted(changes.items()), keep)
                   if kept}
        if changes:
            kind, result = ops.outcome("telecom.deployment", "write", [deployment], changes,
                                       context=context)
            check(kind, result, "write deployment %r" % changes)
            seen["write " + kind] += 1
        for action in actions:
            if action == "dates":
                call = ("write", [deployment], {"date_installed": today,
                                                "date_activation": today})
            else:
                call = (action, [deployment])
            kind, result = ops.outcome("telecom.deployment", *call, context=context)
            check(kind, result, "%s on %r" % (action, vals))
            seen["%s %s" % (action, kind)] += 1
        before = db.query("SELECT state, amount_one_off, name, company_id FROM "
                          "telecom_deployment WHERE id = %s", (deployment,))
        updates = db.query("SELECT id, amount_one_off FROM telecom_line_update "
                           "WHERE deployment_id = %s ORDER BY id", (deployment,))
        done = before[0][0] == "done"
        for what in tampers:
            kind, result = tamper(world, deployment, what, context)
            check(kind, result, "tamper %s with %r" % (what, context))
            seen["tamper %s %s" % (what, kind)] += 1
            if done:
                # What a done deployment locks stays as it was.
                assert db.query("SELECT state, amount_one_off, name, company_id FROM "
                                "telecom_deployment WHERE id = %s", (deployment,)) == before, what
                assert db.query("SELECT id, amount_one_off FROM telecom_line_update "
                                "WHERE deployment_id = %s ORDER BY id", (deployment,)) == \
                    updates, what
        assert_consistent(db, world)

    run()
    seen["options applied as recorded"] = settle_pushes(db, world)
    report("deployments", seen, capsys)
    assert seen["create ok"] and seen["action_done ok"], seen
    # The tampering ran on done deployments too, and was refused there.
    assert any(key.startswith("tamper") and not key.endswith(" ok") for key in seen), seen


# ----------------------------------------------------------------------
# Values of a type the field cannot hold: refused with a validation error.
# ----------------------------------------------------------------------
NOT_TEXT = st.one_of(st.integers(min_value=-INT32, max_value=INT32), st.floats(allow_nan=False),
                     st.booleans(), st.lists(st.integers(), max_size=2),
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def test_line_number_or_name_not_a_text(stage):
    world = stage["world"]

    @settings(max_examples=10, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(field=st.sampled_from(["phone_number", "name"]), value=NOT_TEXT)
    @example(field="phone_number", value=612345678)
    def run(field, value):
        kind, result = world.ops.outcome("telecom.line", "write", [world.good_lines[0]],
                                         {field: value})
        check(kind, result, "write %s=%r" % (field, value))

    run()


def test_wizard_value_beyond_the_column(stage):
    world = stage["world"]

    @settings(max_examples=10, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(value=st.one_of(st.integers(min_value=2 ** 31, max_value=2 ** 80),
                           st.floats(min_value=2 ** 31, max_value=1e300),
                           st.sampled_from(["3e9", "99999999999"])))
    @example(value=2 ** 31)
    def run(value):
        kind, result = world.ops.outcome("telecom.line.recharge", "create", {
            "line_ids": [[6, 0, world.good_lines[:1]]], "data_gb": value})
        check(kind, result, "data_gb=%r" % (value,))

    run()


WRONG_TYPES = st.one_of(
    st.sampled_from(["abc", "' OR 1=1 --", "a\x00b", "2025-13-45", "not a date", "1.5"]),
    st.integers(min_value=2 ** 31, max_value=2 ** 70), st.just(float("nan")),
    st.just(float("inf")), st.just(1e308), st.lists(st.integers(), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2))


def test_values_of_a_type_the_field_cannot_hold(stage):
    world = stage["world"]
    targets = {
        "telecom.line": ["subscription_id", "parc_id", "state", "date_activation",
                         "user_name"],
        "telecom.deployment": ["partner_operator_id", "category", "commitment",
                               "date_installed", "line_ids"],
        "telecom.deployment.option": ["quantity", "price_unit", "product_id"],
    }

    @settings(max_examples=20, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(target=st.sampled_from([(model, field) for model in sorted(targets)
                                   for field in targets[model]]), value=WRONG_TYPES)
    @example(target=("telecom.line", "subscription_id"), value="abc")
    def run(target, value):
        model, field = target
        if model == "telecom.line":
            call = ("write", [world.good_lines[0]], {field: value})
        elif model == "telecom.deployment":
            call = ("create", dict({"partner_operator_id": world.operators[0],
                                    "line_ids": [[6, 0, world.good_lines[:1]]]}, **{field: value}))
        else:
            option = {"line_id": world.good_lines[0], "product_id": world.products[0],
                      "quantity": 1, field: value}
            call = ("create", {"partner_operator_id": world.operators[0],
                               "line_ids": [[6, 0, world.good_lines[:1]]],
                               "option_ids": [[0, 0, option]]})
            model = "telecom.deployment"
        kind, result = world.ops.outcome(model, *call)
        check(kind, result, "%s %s=%r" % (model, field, value))

    run()
