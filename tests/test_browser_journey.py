"""The seed's journey in a real browser, as a person does it: Chromium
(headless) driven by Selenium against the real Odoo server of the session and
its SNAIC/CFAST simulator.

As the operations user: the lines list (grouped by site, then parc), two
lines of the seed's parc selected, Action > Recharge DATA, 2 GB, the preview,
Save; the deployment opens; Finish, its two dates in one dialog; both systems turn
*Applied*; a line, its MAJ, the MAJ detail; the top-up in the lines' one-off
options column. As the accountant: the one-off options pivot shows the new
amount. A refused input (0 GB) shows the error and creates nothing. The demo's
sync error shows its Retry button and activity. The accountant invoices the
one-off options of a period (the analysis's To Invoice and Invoiced filters,
Invoice One-off Options, the invoices made and their options).

The journey runs twice: as the demo users (English), and in French as
French users made for it (French is loaded into the test database first), so
a French user can do the whole flow in French. Each run uses lines of its own
in the seed's parc (created over XML-RPC when missing, numbers known to both
simulated systems), so it does not depend on what other tests did.

Each step leaves a screenshot in a folder printed at the start
($TELECOM_SCREENSHOTS, or pytest's temporary folder), one sub-folder per
language. Against another server (e.g. a French demo, for the guide's
screenshots: docs/img/README.md) the demo users run it once, in their language:

    DEMO_LANG=fr_FR make demo
    TELECOM_BROWSER_URL=http://127.0.0.1:8069 TELECOM_BROWSER_DB=telecom_demo \\
        TELECOM_SCREENSHOTS=/tmp/shots .venv/bin/pytest -p no:odoo tests/test_browser_journey.py
"""
import calendar
import importlib.util
import itertools
import os
import re
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from babel.messages import pofile
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, OdooRPC
from hardening_support import wait_for
from test_invoicing_rpc import customers_with_lines, done_on, month_back, national

CHROMIUM = os.environ.get("TELECOM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TELECOM_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,800"]
VIEWPORT = (1280, 800)
WAIT = 30  # seconds for any step; the server answers in well under one
SHOT_NUMBERS = {}  # folder: the next number of its screenshots

# The journeys' lines: in the seed's parc (SITE_SW1, Mobile / Actif Telecom),
# one per price tier: 2 GB = 2 x 0.50 and 2 x 1.00. One pair per run.
SEED_PARC = "telecom_parc.demo_parc_sw1_mobile"
SUB_100 = "telecom_parc.demo_subscription_eurof_100"
SUB_20 = "telecom_parc.demo_subscription_eurof_20"
RUNS = {
    # the demo users, as they are (English in the test database)
    "demo_users": {"ops": "ops", "accountant": "accountant", "manager": "manager", "lang": None,
                   "lines": [("+33700000094", "0700000094", "Léa Martin", SUB_100, 1.0),
                             ("+33700000095", "0700000095", "Hugo Bernard", SUB_20, 2.0)]},
    # users of the same groups working in French
    "french_users": {"ops": "ops_fr", "accountant": "accountant_fr", "manager": "manager_fr",
                     "lang": "fr_FR",
                     "lines": [("+33700000096", "0700000096", "Chloé Petit", SUB_100, 1.0),
                               ("+33700000097", "0700000097", "Nathan Roux", SUB_20, 2.0)]},
}
TOP_UP_GB = 2
LINE_SEARCH = "07000000"  # the Phone Number search: the demo's 07 lines only


# ----------------------------------------------------------------------
# What the user reads: the addons' French translation when the user works
# in French, English otherwise.
# ----------------------------------------------------------------------
class Words(object):

    def __init__(self, lang):
        self.lang = lang or "en_US"
        self.catalog = {}
        if self.lang.startswith("fr"):
            for addon in ("telecom_parc", "telecom_recharge", "telecom_snaic_cfast",
                          "telecom_recharge_account"):
                with open(str(ROOT / addon / "i18n" / "fr.po"), "rb") as po_file:
                    for message in pofile.read_po(po_file):
                        if message.id and message.string:
                            self.catalog.setdefault(message.id, message.string)

    def __call__(self, term):
        return self.catalog.get(term, term)


def amount(text):
    """3.00 €, 3,00 €, € 3.00, 1,234.50 → 3.0 ... (None when no number)."""
    digits = re.sub(r"[^0-9,.\-]", "", text or "")
    if not digits:
        return None
    if "," in digits and "." in digits:
        digits = digits.replace(",", "") if digits.rfind(".") > digits.rfind(",") \
            else digits.replace(".", "").replace(",", ".")
    else:
        digits = digits.replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def read_xlsx_rows(content):
    """The rows of an xlsx file's first sheet (telecom_recharge's reader,
    which needs no Odoo)."""
    spec = importlib.util.spec_from_file_location(
        "telecom_xlsx", str(ROOT / "telecom_recharge" / "tools" / "xlsx.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_xlsx_rows(content)


# ----------------------------------------------------------------------
# No English left for the French users: the texts stored during their
# journey (origin, MAJ info, the push's summaries and errors) and the
# interface's own words.
# ----------------------------------------------------------------------
ENGLISH_WORDS = [
    r"\bFuture\b", "Telecom User", "Telecom Manager", "installation finished",
    "Connected to", r"\btoken\b", r"Recharge DATA \d+ GB",
    # the push's chatter and activities, as the demo made them in English
    "Applied in", r"line\(s\) in error", r"error on \d+ line", "Check the user name",
    "Call the customer",
    # the clients' English error texts
    "will be retried", "check the URL", "cannot be reached", "is unknown to",
    "may have been applied", "refused the", "then press Retry", "Nobody needs to act",
    # the reversal's stored texts (origin, MAJ info, chatter)
    "Reversal of", "Reversed by", r"reversal of DEP",
    # the invoicing of the one-off options: its screens and what it writes
    # on the invoices of a French customer
    "To Invoice", "On an Invoice", "Create the Invoices", "Invoice One-off Options",
    "Invoice the One-off Options", "Options to Invoice", "Amount to Invoice",
    "One-off Option Invoices", r"One-off [Oo]ptions (?:from|reversed)", r"\bMAJ of\b",
    r"\bOne-off Options\b(?! Analysis)",
]
ENGLISH_RE = re.compile("|".join("(?:%s)" % word for word in ENGLISH_WORDS))


def no_english(browser, words, where):
    """In French, the page shows none of ENGLISH_WORDS (one read of the
    page's text)."""
    if not words.lang.startswith("fr"):
        return
    text = browser.driver.find_element(By.TAG_NAME, "body").text
    found = sorted({match.group(0) for match in ENGLISH_RE.finditer(text)})
    assert not found, "English on the page %s: %s" % (where, found)


def french_company(admin, run, request):
    """The French users' company works in French while they run: the texts
    stored for it are written in French (the company's language, see
    telecom_parc/tools/lang.py); put back as it was afterwards."""
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    partner = admin.call("res.company", "read", [company], ["partner_id"])[0]["partner_id"][0]
    before = admin.call("res.partner", "read", [partner], ["lang"])[0]["lang"]
    admin.call("res.partner", "write", [partner], {"lang": run["lang"]})
    request.addfinalizer(lambda: admin.call("res.partner", "write", [partner], {"lang": before}))


# ----------------------------------------------------------------------
# The browser
# ----------------------------------------------------------------------
class Browser(object):
    """Chromium on Odoo 11's web client, with explicit waits."""

    def __init__(self, url, db, folder):
        self.url, self.db, self.folder = url, db, folder
        self.profile = tempfile.mkdtemp(prefix="telecom-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in CHROMIUM_ARGS + ["--user-data-dir=%s" % self.profile]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 1, "mobile": False})
        self.driver.set_page_load_timeout(WAIT * 2)

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # -- waiting -----------------------------------------------------------
    def until(self, condition, message, timeout=WAIT):
        """Wait until ``condition(driver)`` is truthy; return its value."""
        def safe(driver):
            try:
                return condition(driver)
            except (StaleElementReferenceException, WebDriverException) as exc:
                if "no such window" in str(exc):
                    raise
                return False
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(safe, message)

    def idle(self):
        """No RPC of the web client in flight (its "Loading" indicator puts
        oe_wait on the client; the bus's long polling does not count), no
        blocked UI; checked twice in a row, since RPCs come in chains."""
        script = ("return document.readyState === 'complete' && window.jQuery !== undefined"
                  " && !jQuery('.oe_wait').length && !jQuery('.blockUI:visible').length")
        calm = []

        def settled(driver):
            calm.append(bool(driver.execute_script(script)))
            return calm[-2:] == [True, True]
        self.until(settled, "the web client stays busy")

    def visible(self, css, within=None):
        root = within or self.driver
        return [e for e in root.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def one(self, css, text=None, within=None, timeout=WAIT):
        """The first visible element matching ``css`` (and containing
        ``text``), waited for."""
        def find(_driver):
            for element in self.visible(css, within):
                if text is None or text in element.text:
                    return element
            return False
        return self.until(find, "no visible %s%s" % (css, " with %r" % text if text else ""),
                          timeout)

    def click(self, css, text=None, within=None):
        element = self.one(css, text, within)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        self.idle()
        return element

    def text_of(self, css, within=None):
        return self.one(css, within=within).text.strip()

    def shot(self, name):
        """Save a screenshot of the viewport as NN_name.png, once the
        animations (dialogs fading in, the loading indicator) are over."""
        self.idle()
        self.until(lambda d: d.execute_script("return !jQuery(':animated').length"),
                   "the screen keeps moving")
        number = SHOT_NUMBERS.setdefault(str(self.folder), itertools.count(1))
        path = self.folder / ("%02d_%s.png" % (next(number), name))
        self.driver.save_screenshot(str(path))
        return path

    # -- Odoo --------------------------------------------------------------
    def login(self, login, password):
        self.driver.delete_all_cookies()
        self.driver.get("%s/web/login?db=%s" % (self.url, self.db))
        self.one("input[name=login]").send_keys(login)
        self.one("input[name=password]").send_keys(password)
        self.one("button[type=submit]").click()
        self.one("#oe_main_menu_navbar")
        self.idle()

    def open_action(self, xmlid):
        """Open an action as a bookmark does (a fresh page)."""
        self.driver.get("%s/web?reload=%d#action=%s" % (self.url, time.time() * 1000, xmlid))
        self.one(".o_control_panel")
        self.idle()

    def search(self, text, label=None):
        """Type in the search box; pick the "Search <label> for: text" item
        (the first one without label)."""
        self.one(".o_searchview_input").send_keys(text)
        self.click(".o_searchview_autocomplete li", label)

    def open_group(self, text):
        header = self.one("tr.o_group_header", text)
        if "o_group_open" not in (header.get_attribute("class") or ""):
            header.click()
            self.until(lambda d: "o_group_open" in (self.one("tr.o_group_header", text)
                                                    .get_attribute("class") or ""),
                       "the group %s does not open" % text)
        self.idle()

    def row(self, text, within=None):
        return self.one("tr.o_data_row", text, within=within)

    def field(self, name, within=None):
        return self.one("[name=%s]" % name, within=within)

    def set_input(self, name, value, within=None, leave=True):
        element = self.one("[name=%s] input, input[name=%s]" % (name, name), within=within)
        element.click()
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.DELETE)
        element.send_keys(value)
        if leave:
            # Leave the field as a click elsewhere does: the web client takes
            # the value on "change" (its Tab key moves within the form and may
            # keep the focus here).
            self.driver.execute_script("arguments[0].blur();", element)
        self.idle()

    def modal(self):
        return self.one(".modal-dialog")

    def menu(self, text):
        """Click an entry of the app's menu (the left bar)."""
        self.click(".o_sub_menu a.oe_menu_leaf", text)

    def allow_downloads(self):
        """Downloads go to a folder of their own; returns it."""
        folder = Path(tempfile.mkdtemp(prefix="telecom-downloads-", dir=self.profile))
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(folder)})
        return folder

    def downloaded(self, folder, suffix):
        """The content of the file ending in ``suffix`` downloaded into
        ``folder`` (waited for; Chrome renames it when complete)."""
        def complete(_driver):
            files = [f for f in folder.iterdir() if f.name.endswith(suffix)]
            return files[0] if files else False
        return self.until(complete, "no %s file downloaded" % suffix).read_bytes()

    def no_header_button(self, name):
        """The form's header shows no button ``name``: absent, or hidden by
        its group (the web client's invisible modifier)."""
        hidden = self.driver.find_elements(
            By.CSS_SELECTOR, ".o_statusbar_buttons button[name=%s]" % name)
        assert all("o_invisible_modifier" in (b.get_attribute("class") or "")
                   for b in hidden), [b.get_attribute("class") for b in hidden]

    def open_record(self, model, res_id):
        self.driver.get("%s/web?reload=%d#model=%s&id=%d&view_type=form" % (
            self.url, time.time() * 1000, model, res_id))
        self.one(".o_form_view")
        self.idle()


# ----------------------------------------------------------------------
# Fixtures
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def target(request):
    """The server to drive: the session's (make test), or an Odoo given by
    TELECOM_BROWSER_URL and TELECOM_BROWSER_DB (e.g. a French demo, for the
    guide's screenshots), then without simulator to read."""
    url = os.environ.get("TELECOM_BROWSER_URL")
    if url:
        return {"url": url.rstrip("/"), "db": os.environ["TELECOM_BROWSER_DB"], "sim": None,
                "external": True}
    return request.getfixturevalue("odoo_server")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = os.environ.get("TELECOM_SCREENSHOTS")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


def ensure_lines(admin, spec):
    """The lines of ``spec`` in the seed's parc, created when missing:
    {phone: (id, line ID, expected amount)}."""
    parc_id = admin.call("ir.model.data", "xmlid_to_res_id", SEED_PARC)
    lines = {}
    for phone, name, user_name, subscription, expected in spec:
        found = admin.call("telecom.line", "search", [["phone_number", "=", phone]])
        if not found:
            found = [admin.call("telecom.line", "create", {
                "name": name, "phone_number": phone, "parc_id": parc_id,
                "subscription_id": admin.call("ir.model.data", "xmlid_to_res_id", subscription),
                "user_name": user_name, "customer_account": "cc%s" % name[-2:]})]
        lines[phone] = (found[0], name, expected)
    return lines


def ensure_french_users(admin, run):
    """French loaded (Odoo's and the addons' translations) and the run's
    users made as copies of the demo users' groups, working in French."""
    lang = run["lang"]
    if not admin.call("res.lang", "search", [["code", "=", lang]]):
        wizard = admin.call("base.language.install", "create", {"lang": lang})
        admin.call("base.language.install", "lang_install", [wizard])
    for demo, login in (("ops", run["ops"]), ("accountant", run["accountant"]),
                        ("manager", run["manager"])):
        existing = admin.call("res.users", "search", [["login", "=", login]])
        if existing:
            admin.call("res.users", "write", existing, {
                "lang": lang, "email": "%s@example.com" % login})
            continue
        source = admin.call("res.users", "search_read", [["login", "=", demo]],
                            fields=["groups_id", "company_id"])[0]
        admin.call("res.users", "create", {
            "name": "%s (fr)" % login, "login": login, "password": login, "lang": lang,
            "email": "%s@example.com" % login,
            "groups_id": [(6, 0, source["groups_id"])], "company_id": source["company_id"][0],
            "company_ids": [(6, 0, [source["company_id"][0]])]})


@pytest.fixture(params=sorted(RUNS))
def people(request, target, screenshots):
    """Who runs the journey, in which language, on which lines, and where
    their screenshots go."""
    name = request.param
    run = dict(RUNS[name])
    admin = OdooRPC(target["url"], target["db"], "admin", "admin")
    if target.get("external"):
        if name != "demo_users":
            pytest.skip("against a given server, the demo users run it once, in their language")
    elif run["lang"]:
        ensure_french_users(admin, run)
        french_company(admin, run, request)
    run["lines"] = ensure_lines(admin, run["lines"])
    run["rpc"] = OdooRPC(target["url"], target["db"], run["ops"], run["ops"])
    run["words"] = Words(user_lang(run["rpc"]))
    run["folder"] = screenshots / run["words"].lang
    run["folder"].mkdir(exist_ok=True)
    return run


@pytest.fixture
def browser(target, screenshots, request):
    """A fresh Chromium; on failure, the last screen and its HTML are kept
    next to the screenshots."""
    failures = request.session.testsfailed
    browser = Browser(target["url"], target["db"], screenshots)
    yield browser
    try:
        if request.session.testsfailed > failures:
            path = browser.shot("FAILED_%s" % request.node.name)
            path.with_suffix(".html").write_text(browser.driver.page_source)
    finally:
        browser.quit()


def deployment_count(ops):
    return ops.call("telecom.deployment", "search_count", [])


def user_lang(rpc_user):
    return rpc_user.call("res.users", "read", [rpc_user.uid], ["lang"])[0]["lang"]


def date_format(rpc_user, lang):
    langs = rpc_user.call("res.lang", "search_read", [["code", "=", lang]], fields=["date_format"])
    return langs[0]["date_format"] if langs else "%m/%d/%Y"


# ----------------------------------------------------------------------
# The journey
# ----------------------------------------------------------------------
def test_recharge_journey_in_the_browser(target, people, browser, capsys):
    browser.folder = people["folder"]
    with capsys.disabled():
        print("\nscreenshots of the browser journey: %s" % browser.folder)
    started = time.time()
    ops, words, journey_lines = people["rpc"], people["words"], people["lines"]
    today = date.today().strftime(date_format(ops, words.lang))
    phones = sorted(journey_lines)
    names = [journey_lines[p][1] for p in phones]
    deployments_before = set(ops.call("telecom.deployment", "search", []))
    if target.get("sim"):
        # CFAST answers in 2 s a call: its push outlasts the form's reload
        # after the click, and the form is seen turning Applied (below).
        target["sim"].faults("cfast", latency_ms=2000)

    # The lines, by site then parc; the seed's lines found by number.
    browser.login(people["ops"], people["ops"])
    browser.open_action("telecom_parc.telecom_line_action")
    browser.one("tr.o_group_header", "SITE_SW1")
    browser.shot("lines_by_site_and_parc")
    browser.search(LINE_SEARCH)
    browser.open_group("SITE_SW1")
    browser.open_group("Mobile / Actif Telecom")
    # The parc's group says its number of lines, as the intranet does:
    # "Mobile / Actif Telecom (4 ligne(s))", without Odoo's own "(4)".
    group_words = words("%(parc)s (%(count)d line(s))").split("%(count)d ")[1][:-1]
    header = [h.text for h in browser.visible("tr.o_group_header")
              if "Mobile / Actif Telecom" in h.text][0]
    assert re.search(r"Mobile / Actif Telecom \(\d+ %s\)" % re.escape(group_words), header), header
    assert not re.search(r"\)\s*\(\d+\)\s*$", header), header
    # The numbers in the national form, as in the line's form (E.164 is
    # what is stored): 07 00 00 00 96.
    for phone in phones:
        national = "%s %s %s %s %s" % tuple(re.findall("..", "0" + phone[3:]))
        row = browser.row(journey_lines[phone][1])
        assert national in row.text and phone not in row.text, row.text
        # ... on one line, not cut over three in the narrow list.
        cell = [td for td in row.find_elements(By.CSS_SELECTOR, "td")
                if td.text.strip() == national][0]
        text_lines = browser.driver.execute_script(
            "var range = document.createRange(); range.selectNodeContents(arguments[0]);"
            " return range.getClientRects().length;", cell)
        assert text_lines == 1, "%s shown on %s lines" % (national, text_lines)
    for name in names:
        browser.click(".o_list_record_selector .o_checkbox", within=browser.row(name))
    browser.shot("two_lines_selected")

    # Action > Recharge DATA: 2 GB, the preview, Save.
    browser.click(".o_cp_sidebar .o_dropdown_toggler_btn")
    browser.click(".o_cp_sidebar .dropdown-menu a", words("Recharge DATA"))
    dialog = browser.modal()
    # The preview follows the typing, without Tab or a click elsewhere: a
    # fraction (typed the French way) is refused at once, in words.
    browser.set_input("data_gb_text", "1,5", within=dialog, leave=False)
    browser.until(lambda d: any(words("Whole number of GB") in dialog_box.text
                                for dialog_box in browser.visible(".modal-dialog")),
                  "no warning for 1,5 GB while typing")
    browser.shot("recharge_data_fraction")
    browser.click(".modal-footer button", words("Ok"))
    browser.until(lambda d: "1,5" in browser.text_of("[name=problems]", dialog)
                  or "1.5" in browser.text_of("[name=problems]", dialog),
                  "the form does not say why 1,5 GB is refused")
    assert amount(browser.text_of("[name=amount_total]", dialog)) == 0.0
    browser.set_input("data_gb_text", str(TOP_UP_GB), within=dialog, leave=False)
    expected_total = sum(journey_lines[p][2] for p in phones)
    browser.until(lambda d: amount(browser.text_of("[name=amount_total]", dialog)) == expected_total,
                  "the preview's total is not %s" % expected_total)
    preview = browser.field("preview_ids", within=dialog)
    for phone in phones:
        row = browser.row(journey_lines[phone][1], within=preview)
        assert "Recharge DATA 1Go" in row.text, row.text
        assert amount(row.find_elements(By.CSS_SELECTOR, "td.o_list_number")[-1].text) == \
            journey_lines[phone][2], row.text
    browser.shot("recharge_data_preview")
    no_english(browser, words, "recharge_data_preview")
    browser.click(".modal-footer button[name=action_confirm]")

    # The deployment opens: its options, then Finish with its dates.
    browser.until(lambda d: not browser.visible(".modal-dialog"), "the wizard stays open")
    name = browser.until(lambda d: browser.text_of(".o_form_view [name=name]").startswith("DEP")
                         and browser.text_of(".o_form_view [name=name]"), "no deployment shown")
    new = set(ops.call("telecom.deployment", "search", [])) - deployments_before
    assert len(new) == 1, new
    deployment_id = new.pop()
    record = ops.call("telecom.deployment", "read", [deployment_id],
                      ["name", "line_ids", "amount_one_off", "state"])[0]
    assert record["name"] == name
    assert sorted(record["line_ids"]) == sorted(journey_lines[p][0] for p in phones)
    assert record["amount_one_off"] == expected_total
    assert amount(browser.text_of(".o_form_view [name=amount_one_off]")) == expected_total
    browser.shot("deployment_created")
    no_english(browser, words, "deployment_created")

    # Finish: one dialog with the two dates (today by default), and done;
    # the form stays in read mode.
    browser.click(".o_statusbar_buttons button", words("Finish"))
    dialog = browser.modal()
    for date_field in ("date_installed", "date_activation"):
        assert browser.one("[name=%s] input" % date_field, within=dialog) \
            .get_attribute("value") == today
    browser.shot("deployment_finish")
    browser.click(".modal-footer button[name=action_finish]")
    browser.until(lambda d: not browser.visible(".modal-dialog"), "the Finish dialog stays open")
    browser.one(".o_form_view.o_form_readonly")
    browser.one(".o_statusbar_status button.btn-primary[data-value=done]")
    record = ops.call("telecom.deployment", "read", [deployment_id],
                      ["state", "date_installed", "date_activation"])[0]
    assert record["state"] == "done", record
    assert record["date_installed"] == record["date_activation"] == date.today().isoformat()

    # Both systems turn Applied on the open form, with no reload of the
    # page: the push runs in the background after the commit and the form
    # follows it over Odoo's bus (through nginx, as in production).
    # A mark that a reload of the page would lose, and the notifications
    # shown from now on (they fade out after a few seconds).
    browser.driver.execute_script("""
        window.telecomSamePage = true;
        window.telecomNotes = [];
        var note = function () {
            jQuery('.o_notification').each(function () { window.telecomNotes.push(this.innerText); });
        };
        note();
        new MutationObserver(note).observe(document.body, {childList: true, subtree: true});""")
    shown = []

    def applied(_driver):
        states = tuple(browser.text_of(".o_form_view [name=%s_sync_state]" % s)
                       for s in ("snaic", "cfast"))
        if not shown or shown[-1][1] != states:
            shown.append((time.time(), states))
        return states == (words("Applied"), words("Applied"))
    browser.until(applied, "SNAIC/CFAST do not turn Applied without a reload", timeout=30)
    assert browser.driver.execute_script("return window.telecomSamePage === true"), \
        "the page was reloaded"
    if target.get("sim"):
        # CFAST made slow (above): the form is seen waiting first.
        assert shown[0][1] != (words("Applied"), words("Applied")), \
            "the form showed Applied at once: nothing shows it turned live (%s)" % shown
    # What was sent, said in a notification and on the form.
    sent = words("%d MAJ sent") % len(phones)
    browser.until(lambda d: any(sent in text for text in d.execute_script(
        "return window.telecomNotes")), "no notification %r" % sent, timeout=5)
    assert browser.text_of(".o_form_view [name=sync_result]") == sent
    if target.get("sim"):
        # Shown within 2 s of the push saving its last result (date_done
        # is in whole seconds: up to 1 s more here; the database's clock is
        # this machine's).
        done_at = max(r["date_done"] for r in ops.call(
            "telecom.sync.request", "search_read", [["deployment_id", "=", deployment_id]],
            fields=["date_done"]))
        lag = shown[-1][0] - calendar.timegm(time.strptime(done_at, "%Y-%m-%d %H:%M:%S"))
        print("SNAIC/CFAST shown Applied %.1f s after the last result was saved; states shown: %s"
              % (lag, [states for _t, states in shown]))
        assert lag < 3, lag
        target["sim"].faults("cfast")
    browser.shot("deployment_done_applied")
    no_english(browser, words, "deployment_done_applied")
    if target.get("sim"):
        # Each MAJ reached each simulated system once, under our reference.
        requests = ops.call("telecom.sync.request", "search_read",
                            [["deployment_id", "=", deployment_id]],
                            fields=["system", "reference", "state"])
        assert len(requests) == 2 * len(phones), requests
        for request in requests:
            applied = target["sim"].sim_get(request["system"], "applied")["applied"]
            mine = [a for a in applied if (a["reference"] or "").startswith(request["reference"])]
            assert len(mine) == 1 and mine[0]["phone"] in phones, (request, applied)

    # A line, its MAJ, the MAJ detail with its amounts.
    browser.click(".o_form_view .oe_stat_button", words("Lines"))
    browser.click("tr.o_data_row", names[0])
    browser.one(".o_form_view [name=update_ids]")
    maj = browser.row(name, within=browser.field("update_ids"))
    browser.shot("line_with_its_maj")
    no_english(browser, words, "line_with_its_maj")
    maj.click()
    browser.idle()
    detail = browser.modal()
    assert amount(browser.text_of("[name=amount_one_off]", detail)) == journey_lines[phones[0]][2]
    option = browser.row("Recharge DATA 1Go", within=detail)
    assert str(TOP_UP_GB) in option.text
    browser.shot("maj_detail")
    no_english(browser, words, "maj_detail")
    browser.click(".modal-footer button", within=None)
    browser.until(lambda d: not browser.visible(".modal-dialog"), "the MAJ stays open")

    # The top-up in the lines' one-off options column.
    browser.open_action("telecom_parc.telecom_line_action")
    browser.search(LINE_SEARCH)
    browser.open_group("SITE_SW1")
    browser.open_group("Mobile / Actif Telecom")
    for phone in phones:
        row = browser.row(journey_lines[phone][1])
        assert "Recharge DATA 1Go" in row.text, row.text
    browser.shot("lines_one_off_options")
    no_english(browser, words, "lines_one_off_options")
    # The line's form shows its number as the list does.
    national = "%s %s %s %s %s" % tuple(re.findall("..", "0" + phones[0][3:]))
    browser.row(journey_lines[phones[0]][1]).click()
    assert browser.text_of(".o_form_view [name=phone_national]") == national

    # The accountant: the lines' Action menu offers no Archive (the
    # accountant may not write the lines).
    browser.login(people["accountant"], people["accountant"])
    browser.open_action("telecom_parc.telecom_line_action")
    browser.search(LINE_SEARCH)
    browser.open_group("SITE_SW1")
    browser.open_group("Mobile / Actif Telecom")
    browser.click(".o_list_record_selector .o_checkbox", within=browser.row(names[0]))
    browser.click(".o_cp_sidebar .o_dropdown_toggler_btn")
    entries = [e.text.strip() for e in browser.visible(".o_cp_sidebar .dropdown-menu a")]
    assert entries and not {"Archive", "Archiver", "Unarchive", "Désarchiver"} & set(entries), entries

    # The accountant: the pivot of one-off amounts shows the new amount.
    browser.open_action("telecom_recharge.telecom_one_off_report_action")
    browser.one(".o_pivot")
    browser.shot("accountant_pivot")
    browser.search(name, words("Deployment"))
    browser.until(lambda d: expected_total in [
        amount(cell.text) for cell in browser.visible(".o_pivot td")],
        "the pivot does not show %s" % expected_total)
    browser.shot("accountant_pivot_deployment")
    no_english(browser, words, "accountant_pivot_deployment")

    # The pivot's Download xls (xlwt on the server), then the spreadsheet of
    # the one-off options, with names, from Reporting > Export.
    downloads = browser.allow_downloads()
    browser.click(".o_pivot_download")
    assert browser.downloaded(downloads, ".xls")[:4] == b"\xd0\xcf\x11\xe0"
    browser.menu(words("Export (xlsx)"))
    dialog = browser.modal()
    browser.shot("accountant_export_dialog")
    browser.click(".modal-footer button[name=action_export]", within=dialog)
    sheet = read_xlsx_rows(browser.downloaded(downloads, ".xlsx"))
    assert sheet[0][:4] == [words("Date"), words("Customer"), words("Site"), words("Parc")], sheet[0]
    mine = [row for row in sheet[1:] if name in row]
    assert len(mine) == len(phones), sheet
    for row in mine:
        line = ops.call("telecom.line", "search_read", [["name", "=", row[5]]],
                        fields=["partner_id", "site_id", "parc_id", "phone_national"])[0]
        assert row[1:5] == [line["partner_id"][1], line["site_id"][1], line["parc_id"][1],
                            line["phone_national"]], row
    cells = [cell for row in sheet for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if "telecom_parc." in cell or "__export__" in cell], cells

    assert time.time() - started < 150


def test_refused_top_up_shows_the_error_and_creates_nothing(target, people, browser):
    browser.folder = people["folder"]
    ops, words, journey_lines = people["rpc"], people["words"], people["lines"]
    before = deployment_count(ops)
    name = journey_lines[sorted(journey_lines)[0]][1]

    browser.login(people["ops"], people["ops"])
    browser.open_action("telecom_parc.telecom_line_action")
    browser.search(LINE_SEARCH)
    browser.open_group("SITE_SW1")
    browser.open_group("Mobile / Actif Telecom")
    browser.click(".o_list_record_selector .o_checkbox", within=browser.row(name))
    browser.click(".o_cp_sidebar .o_dropdown_toggler_btn")
    browser.click(".o_cp_sidebar .dropdown-menu a", words("Recharge DATA"))
    browser.set_input("data_gb_text", "0", within=browser.modal())
    browser.click(".modal-footer button[name=action_confirm]")
    warning = browser.one(".o_dialog_warning")
    assert "0" in warning.text and len(warning.text) > 20, warning.text
    browser.shot("refused_0_gb")
    no_english(browser, words, "refused_0_gb")
    # After the refusal the wizard still shows its preview.
    browser.click(".modal-footer button", "Ok")
    browser.until(lambda d: not browser.visible(".o_dialog_warning"), "the refusal stays open")
    browser.row(name, within=browser.field("preview_ids", within=browser.modal()))
    assert deployment_count(ops) == before


def test_finish_while_editing_ends_in_read_mode(target, people, browser):
    """Finish clicked while the form is being edited: the edit is saved, the
    deployment done, and the form back in read mode."""
    browser.folder = people["folder"]
    ops, words = people["rpc"], people["words"]
    planned = date.today().strftime(date_format(ops, words.lang))
    line_id = people["lines"][sorted(people["lines"])[0]][0]
    wizard = ops.call("telecom.line.recharge", "create",
                      {"line_ids": [(6, 0, [line_id])], "data_gb": 1})
    deployment_id = ops.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]

    browser.login(people["ops"], people["ops"])
    browser.open_record("telecom.deployment", deployment_id)
    browser.click(".o_form_button_edit")
    browser.set_input("date_planned", planned)
    browser.click(".o_statusbar_buttons button", words("Finish"))
    browser.click(".modal-footer button[name=action_finish]", within=browser.modal())
    browser.until(lambda d: not browser.visible(".modal-dialog"), "the Finish dialog stays open")
    browser.one(".o_form_view.o_form_readonly")
    browser.one(".o_statusbar_status button.btn-primary[data-value=done]")
    record = ops.call("telecom.deployment", "read", [deployment_id], ["state", "date_planned"])[0]
    assert (record["state"], record["date_planned"]) == ("done", date.today().isoformat()), record


def applied_top_up(ops, line_id):
    """Recharge DATA of 1 GB on the line, done by ``ops`` over RPC; waits
    (a minute at most) until both systems applied it. Returns the
    deployment's id."""
    wizard = ops.call("telecom.line.recharge", "create",
                      {"line_ids": [(6, 0, [line_id])], "data_gb": 1})
    deployment_id = ops.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]
    today = date.today().isoformat()
    ops.call("telecom.deployment", "write", [deployment_id],
             {"date_installed": today, "date_activation": today})
    ops.call("telecom.deployment", "action_done", [deployment_id])
    wait = time.time() + 60
    while time.time() < wait and ops.call(
            "telecom.deployment", "read", [deployment_id],
            ["snaic_sync_state", "cfast_sync_state"])[0] != {
                "id": deployment_id, "snaic_sync_state": "applied",
                "cfast_sync_state": "applied"}:
        time.sleep(0.5)
    return deployment_id


def test_manager_reverses_a_top_up(target, people, browser):
    """A Telecom Manager reverses (extourne) a done top-up from its form:
    the dialog proposes its line and asks for a reason; the reversal opens,
    saying what it reverses and why; the original shows its reversals and
    links to it in its chatter. Telecom Users do not see the button."""
    browser.folder = people["folder"]
    ops, words = people["rpc"], people["words"]
    phone = sorted(people["lines"])[1]
    line_id, line_name, _expected = people["lines"][phone]
    # Applied in both systems first: the reversal then cancels it there.
    deployment_id = applied_top_up(ops, line_id)
    original = ops.call("telecom.deployment", "read", [deployment_id],
                        ["name", "amount_one_off"])[0]

    browser.login(people["ops"], people["ops"])
    browser.open_record("telecom.deployment", deployment_id)
    browser.one(".o_statusbar_status button.btn-primary[data-value=done]")
    # Hidden by its group (the web client's invisible modifier).
    browser.no_header_button("action_reverse")

    browser.login(people["manager"], people["manager"])
    browser.open_record("telecom.deployment", deployment_id)
    browser.click(".o_statusbar_buttons button", words("Reverse"))
    modal = browser.modal()
    browser.row(line_name, within=browser.field("line_ids", within=modal))
    reason = browser.one("textarea[name=reason]", within=modal)
    reason.send_keys("Mauvaise ligne")
    browser.driver.execute_script("arguments[0].blur();", reason)
    browser.idle()
    assert amount(browser.text_of("[name=amount_preview]", within=modal)) == \
        -original["amount_one_off"]
    browser.shot("reverse_dialog")
    no_english(browser, words, "reverse_dialog")
    browser.click(".modal-footer button[name=action_confirm]", within=modal)
    browser.until(lambda d: not browser.visible(".modal-dialog"), "the Reverse dialog stays open")
    banner = browser.one(".o_telecom_reversal_banner", original["name"])
    assert words("Reversal of") in banner.text and "Mauvaise ligne" in banner.text, banner.text
    browser.one(".o_statusbar_status button.btn-primary[data-value=done]")
    assert amount(browser.text_of(".o_form_view [name=amount_one_off]")) == \
        -original["amount_one_off"]
    # Its cancellations go to SNAIC and CFAST by themselves: the open form
    # turns Applied with no reload, and says what was sent.
    browser.until(lambda d: tuple(
        browser.text_of(".o_form_view [name=%s_sync_state]" % system)
        for system in ("snaic", "cfast")) == (words("Applied"), words("Applied")),
        "the reversal's cancellations do not show Applied", timeout=40)
    assert browser.text_of(".o_form_view [name=sync_result]") == words("%d MAJ sent") % 1
    reversal_id = ops.call("telecom.deployment", "search",
                           [["reversed_deployment_id", "=", deployment_id]])
    cancels = ops.call("telecom.sync.request", "search_read",
                       [["deployment_id", "in", reversal_id]], fields=["operation", "state"])
    assert sorted((c["operation"], c["state"]) for c in cancels) == \
        [("cancel", "done"), ("cancel", "done")], cancels
    if target.get("sim"):
        # What the reversed top-up applied, and only that, is cancelled.
        for original in ops.call("telecom.sync.request", "search_read",
                                 [["deployment_id", "=", deployment_id]],
                                 fields=["system", "idempotency_key"]):
            held = [a for a in target["sim"].sim_get(original["system"], "applied")["applied"]
                    if (a["idempotency_key"] or "").startswith(original["idempotency_key"] + "-")]
            assert held and all(a["cancelled"] and a["phone"] == phone for a in held), held
    browser.shot("reversal")
    no_english(browser, words, "reversal")

    browser.open_record("telecom.deployment", deployment_id)
    browser.one(".oe_stat_button", words("Reversals"))
    browser.one(".o_thread_message", "Mauvaise ligne")
    browser.shot("reversed_deployment")
    no_english(browser, words, "reversed_deployment")


def test_demo_states_in_the_browser(target, browser, screenshots):
    """The demo's deployment with an error in one system: the SNAIC / CFAST
    block, the Retry button and the activity of the responsible (ops); the
    requests to fix; the connection form of the administrators."""
    ops = OdooRPC(target["url"], target["db"], "ops", "ops")
    words = Words(user_lang(ops))
    browser.folder = screenshots / words.lang
    browser.folder.mkdir(exist_ok=True)
    deployment_id = ops.call("ir.model.data", "xmlid_to_res_id",
                             "telecom_snaic_cfast.demo_deployment_sync_error")

    browser.login("ops", "ops")
    browser.open_record("telecom.deployment", deployment_id)
    assert browser.text_of(".o_form_view [name=snaic_sync_state]") == words("Applied")
    assert browser.text_of(".o_form_view [name=cfast_sync_state]") == words("Error")
    browser.one(".o_statusbar_buttons button", words("Retry SNAIC/CFAST"))
    browser.one(".o_mail_activity, .o_thread_message, .o_activity", "0600000099")
    browser.shot("deployment_sync_error")
    no_english(browser, words, "deployment_sync_error")
    # The activities menu (ops has the demo's activities): "0 Late, 2 Future".
    browser.click(".o_mail_navbar_item .fa-clock-o")
    browser.one(".o_mail_navbar_dropdown .o_mail_channel_preview")
    no_english(browser, words, "activities_menu")
    browser.click(".o_mail_navbar_item .fa-clock-o")

    if target.get("sim"):
        # Retry: the request goes back in the queue, the form shows it
        # waiting, then CFAST refuses again (it still does not know the
        # number) and the form shows the error live, with no reload. CFAST
        # answers in 1 s a call, so that the retry is seen waiting first.
        browser.driver.execute_script("window.telecomSamePage = true;")
        target["sim"].faults("cfast", latency_ms=1000)
        seen = []

        def failed_again(_driver):
            state = browser.text_of(".o_form_view [name=cfast_sync_state]")
            if not seen or seen[-1] != state:
                seen.append(state)
            return len(seen) > 1 and state == words("Error")
        try:
            browser.click(".o_statusbar_buttons button", words("Retry SNAIC/CFAST"))
            browser.until(failed_again, "the retried request does not show its error live",
                          timeout=15)
        finally:
            target["sim"].faults("cfast")
        assert seen[0] != words("Error"), seen
        assert browser.driver.execute_script("return window.telecomSamePage === true"), \
            "the page was reloaded"

    browser.open_action("telecom_snaic_cfast.telecom_sync_request_action")
    browser.row("0600000099")
    browser.shot("sync_requests_to_fix")
    no_english(browser, words, "sync_requests_to_fix")

    browser.login("admin", "admin")
    backend_id = ops.call("telecom.api.backend", "search", [["system", "=", "snaic"]])[0]
    browser.open_record("telecom.api.backend", backend_id)
    browser.one(".o_statusbar_buttons button", words("Test Connection"))
    browser.shot("connection_snaic")
    no_english(browser, words, "connection_snaic")


def test_manager_opens_the_telecom_crons(target, people, browser):
    """The Telecom Manager (no administrator) opens Telecom > Configuration >
    Scheduled Actions: the telecom ones only, and runs one now."""
    browser.folder = people["folder"]
    words = people["words"]
    admin = OdooRPC(target["url"], target["db"], "admin", "admin")
    telecom = admin.call("ir.cron", "search_read", [["model_name", "=like", "telecom.%"]],
                         fields=["name"], context={"active_test": False,
                                                   "lang": words.lang})
    assert telecom

    browser.login(people["manager"], people["manager"])
    browser.open_action("telecom_parc.telecom_line_action")
    browser.menu(words("Scheduled Actions"))
    browser.one(".o_list_view tr.o_data_row")
    rows = browser.visible(".o_list_view tr.o_data_row")
    assert sorted(r.find_elements(By.CSS_SELECTOR, "td.o_data_cell")[0].text for r in rows) == \
        sorted(c["name"] for c in telecom)
    browser.shot("manager_scheduled_actions")
    reconcile = words("SNAIC/CFAST: read back unknown outcomes")
    browser.click("tr.o_data_row", reconcile)
    browser.one(".o_form_view [name=interval_number]")
    browser.click(".o_statusbar_buttons button", words("Run Now"))
    assert not browser.visible(".modal-dialog"), browser.text_of(".modal-dialog")
    browser.shot("manager_scheduled_action")


def test_manager_audits_a_connection(target, people, browser):
    """A Telecom Manager audits SNAIC: the connection's New Audit button opens
    a new audit of that connection; run, it lists what SNAIC lost (an
    option removed there by hand), and the Repush button applies it again,
    once, under a new key; the differences read in a pivot by system and
    month. Telecom Users see no New Audit button."""
    browser.folder = people["folder"]
    ops, words = people["rpc"], people["words"]
    phone = sorted(people["lines"])[0]
    line_id, line_name, _expected = people["lines"][phone]
    deployment_id = applied_top_up(ops, line_id)
    today = date.today().isoformat()
    snaic = ops.call("telecom.sync.request", "search_read", [
        ["deployment_id", "=", deployment_id], ["system", "=", "snaic"]],
        fields=["idempotency_key", "state"])[0]
    assert snaic["state"] == "done", snaic
    lost = None
    if target.get("sim"):
        # Removed in SNAIC by hand.
        lost = [a for a in target["sim"].sim_get("snaic", "applied")["applied"]
                if (a["idempotency_key"] or "").startswith(snaic["idempotency_key"] + "-")]
        assert len(lost) == 1, lost
        target["sim"].sim_post("snaic", "forget", {"idempotency_key": lost[0]["idempotency_key"]})
    backend_id = ops.call("telecom.api.backend", "search", [["system", "=", "snaic"]])[0]

    browser.login(people["ops"], people["ops"])
    browser.open_record("telecom.api.backend", backend_id)
    browser.no_header_button("action_audit")

    browser.login(people["manager"], people["manager"])
    browser.open_record("telecom.api.backend", backend_id)
    browser.click(".o_statusbar_buttons button", words("New Audit"))
    browser.one(".o_form_view.o_form_editable [name=backend_id]")
    assert "SNAIC" in browser.one(".o_form_view [name=backend_id] input").get_attribute("value")
    browser.shot("audit_new")
    no_english(browser, words, "audit_new")
    # Today's audit (made with the same defaults over RPC: dates typed in
    # the user's format are not what this journey checks).
    manager = OdooRPC(target["url"], target["db"], people["manager"], people["manager"])
    audit_id = manager.call("telecom.sync.audit", "create", {
        "backend_id": backend_id, "date_from": today, "date_to": today})
    browser.open_record("telecom.sync.audit", audit_id)
    browser.click(".o_statusbar_buttons button", words("Run the Audit"))
    browser.one(".o_statusbar_status button.btn-primary[data-value=done]")
    if lost:
        # Its row: the detail names our reference of the lost option (the
        # line may have other differences: the session's simulators are
        # reset by other tests).
        row = browser.row(lost[0]["reference"], within=browser.field("line_ids"))
        assert line_name in row.text, row.text
        assert words("Missing in the System") in row.text, row.text
        browser.shot("audit_done")
        no_english(browser, words, "audit_done")
        browser.click("button[title='%s']" % words("Repush"), within=row)
        browser.until(lambda d: words("Repushed") in browser.row(
            lost[0]["reference"], within=browser.field("line_ids")).text,
            "the repushed difference does not say so")
        # The job runner applies it again, once, under a new key.
        wait = time.time() + 60
        again = []
        while time.time() < wait and not again:
            again = [a for a in target["sim"].sim_get("snaic", "applied")["applied"]
                     if a["phone"] == phone and a["reference"]
                     and a["reference"].startswith(lost[0]["reference"].rsplit("-", 1)[0] + "-R")]
            time.sleep(0.5)
        assert len(again) == 1, again
        assert again[0]["idempotency_key"] != lost[0]["idempotency_key"]
        assert again[0]["quantity"] == lost[0]["quantity"]
    browser.shot("audit_repushed")
    no_english(browser, words, "audit_repushed")

    browser.open_action("telecom_snaic_cfast.telecom_sync_audit_line_action")
    browser.click(".o_cp_switch_buttons .o_cp_switch_pivot")
    browser.one(".o_pivot table")
    browser.shot("audit_pivot")
    no_english(browser, words, "audit_pivot")


def pick_filter(browser, label):
    """Search options > Filters > ``label`` (added to the search), then the
    menu closed."""
    def toggler():
        found = [b for b in browser.visible(".o_search_options .o_dropdown_toggler_btn")
                 if b.find_elements(By.CSS_SELECTOR, ".fa-filter")]
        return found[0] if found else False
    if not toggler():
        # The search options are folded: the magnifier beside the search
        # box shows them.
        browser.click(".o_searchview_more")
    browser.until(lambda d: toggler(), "no Filters menu").click()
    browser.click(".o_filters_menu a", label)
    browser.until(lambda d: label in browser.text_of(".o_searchview"),
                  "the filter %s is not in the search" % label)
    if browser.visible(".o_filters_menu"):
        toggler().click()
    browser.idle()


def analysis_list(browser, words):
    """Telecom > Reporting > One-off Options Analysis, as a list."""
    browser.open_action("telecom_parc.telecom_line_action")
    browser.menu(words("One-off Options Analysis"))
    browser.one(".o_pivot")
    browser.click(".o_cp_switch_buttons .o_cp_switch_list")
    browser.one(".o_list_view")


def test_accountant_invoices_the_one_off_options(target, people, browser):
    """The accountant sees the options to invoice of a period in the
    analysis (To Invoice), invoices them from Telecom > Reporting > Invoice
    One-off Options (the period, its preview, Create the Invoices), lands
    on the invoices made, one per customer, opens one: a line per option
    with its phone number, deployment and MAJ date, and a One-off Options
    button that opens them; the analysis then shows them Invoiced."""
    browser.folder = people["folder"]
    ops, words = people["rpc"], people["words"]
    lang = words.lang
    admin = OdooRPC(target["url"], target["db"], "admin", "admin")
    accountant = OdooRPC(target["url"], target["db"], people["accountant"],
                         people["accountant"])
    # A period of this run's own (a month three years back, another one for
    # the French users), two new customers working in the users' language,
    # a line each, a top-up of 1 GB done on that period's 10th.
    date_from, day, date_to = month_back(37 if people["lang"] else 36)
    made = customers_with_lines(admin, ops, target.get("sim"), [
        ["telecom_parc.demo_subscription_eurof_100"],
        ["telecom_parc.demo_subscription_eurof_20"]], lang=lang)
    customers = [customer for customer, _lines in made]
    line_ids = [lines[0][0] for _customer, lines in made]
    deployment_id = done_on(ops, line_ids, day, data_gb=1)
    deployment = ops.call("telecom.deployment", "read", [deployment_id], ["name"])[0]["name"]
    names = {customer: admin.call("res.partner", "read", [customer], ["name"])[0]["name"]
             for customer in customers}
    line_names = {line["id"]: line["display_name"] for line in ops.call(
        "telecom.line", "read", line_ids, ["display_name"])}
    # What the period holds to invoice (other runs may have left some).
    period = [["invoice_state", "=", "to_invoice"], ["date", ">=", date_from],
              ["date", "<=", date_to]]
    to_invoice = accountant.call("telecom.one.off.report", "search_read", period,
                                 fields=["amount"])
    assert len(to_invoice) >= 2, to_invoice
    fmt = date_format(accountant, lang)

    def shown(iso):
        return date(*map(int, iso.split("-"))).strftime(fmt)

    # The analysis: this deployment's options, To Invoice.
    browser.login(people["accountant"], people["accountant"])
    analysis_list(browser, words)
    pick_filter(browser, words("To Invoice"))
    browser.search(deployment, words("Deployment"))
    for line_id in line_ids:
        row = browser.row(line_names[line_id])
        assert deployment in row.text and words("To Invoice") in row.text, row.text
    assert len(browser.visible("tr.o_data_row")) == 2
    browser.shot("accountant_options_to_invoice")
    no_english(browser, words, "accountant_options_to_invoice")

    # Telecom > Reporting > Invoice One-off Options: the period, the preview.
    browser.menu(words("Invoice One-off Options"))
    dialog = browser.modal()
    assert words("Invoice the One-off Options") in browser.text_of(".modal-title")
    browser.set_input("date_from", shown(date_from), within=dialog)
    browser.set_input("date_to", shown(date_to), within=dialog)
    browser.until(lambda d: browser.text_of("[name=option_count]", dialog) == str(len(to_invoice)),
                  "the preview does not count %d options" % len(to_invoice))
    assert amount(browser.text_of("[name=amount]", dialog)) == pytest.approx(
        sum(r["amount"] for r in to_invoice))
    labels = [label.text.strip() for label in browser.visible("label.o_form_label", dialog)]
    for label in ("From", "To", "Customers", "Options to Invoice", "Amount to Invoice"):
        assert words(label) in labels, (label, labels)
    browser.shot("invoice_one_off_options")
    no_english(browser, words, "invoice_one_off_options")
    browser.click(".modal-footer button[name=action_create_invoices]",
                  words("Create the Invoices"))

    # The invoices made: one draft per customer.
    browser.until(lambda d: not browser.visible(".modal-dialog"), "the wizard stays open")
    browser.one(".o_list_view")
    browser.one(".breadcrumb", words("One-off Option Invoices"))
    invoices = accountant.call("account.invoice", "search_read", [
        ["partner_id", "in", customers], ["telecom_date_from", "=", date_from]],
        fields=["partner_id", "state", "type", "telecom_option_count"])
    assert sorted(i["partner_id"][0] for i in invoices) == sorted(customers), invoices
    assert {(i["state"], i["type"], i["telecom_option_count"]) for i in invoices} == {
        ("draft", "out_invoice", 1)}, invoices
    for customer in customers:
        browser.row(names[customer])
    browser.shot("one_off_invoices")
    no_english(browser, words, "one_off_invoices")

    # One of them: its line says the option's phone number, deployment
    # and MAJ date (in the customer's language).
    first_line = made[0][1][0]
    browser.click("tr.o_data_row", names[customers[0]])
    lines = browser.field("invoice_line_ids")
    row = browser.row(national(first_line[1]), within=lines)
    detail = words("%(option)s\n%(phone)s · %(deployment)s · MAJ of %(date)s").split("\n")[1] % {
        "phone": national(first_line[1]), "deployment": deployment, "date": shown(day)}
    assert detail in row.text.replace("\n", " "), (detail, row.text)
    assert len(browser.visible("tr.o_data_row", within=lines)) == 1
    button = browser.one(".oe_stat_button", words("One-off Options"))
    assert "1" in button.text, button.text
    browser.shot("one_off_invoice")
    no_english(browser, words, "one_off_invoice")

    # The One-off Options button: the option it bills.
    button.click()
    browser.idle()
    browser.one(".o_list_view")
    browser.row(line_names[first_line[0]])
    assert len(browser.visible("tr.o_data_row")) == 1
    browser.shot("one_off_invoice_options")
    no_english(browser, words, "one_off_invoice_options")

    # Back in the analysis: Invoiced.
    analysis_list(browser, words)
    pick_filter(browser, words("Invoiced"))
    browser.search(deployment, words("Deployment"))
    for line_id in line_ids:
        row = browser.row(line_names[line_id])
        assert words("On an Invoice") in row.text, row.text
    assert len(browser.visible("tr.o_data_row")) == 2
    browser.shot("accountant_options_invoiced")
    no_english(browser, words, "accountant_options_invoiced")


def test_accountant_invoices_a_large_period_in_parts(target, people, browser):
    """Beyond a part (the system parameter, 1 option here), Create the
    Invoices opens the invoices of the first part under a title that says
    how many options background jobs still add; the server's job runner
    invoices them, as the accountant."""
    browser.folder = people["folder"]
    ops, words = people["rpc"], people["words"]
    lang = words.lang
    admin = OdooRPC(target["url"], target["db"], "admin", "admin")
    accountant = OdooRPC(target["url"], target["db"], people["accountant"],
                         people["accountant"])
    date_from, day, date_to = month_back(39 if people["lang"] else 38)
    made = customers_with_lines(admin, ops, target.get("sim"), [
        ["telecom_parc.demo_subscription_eurof_100"] * 3], lang=lang)
    line_ids = [line[0] for line in made[0][1]]
    deployment_id = done_on(ops, line_ids, day, data_gb=1)
    period = [["invoice_state", "=", "to_invoice"], ["date", ">=", date_from],
              ["date", "<=", date_to]]
    to_invoice = accountant.call("telecom.one.off.report", "search_count", period)
    assert to_invoice >= 3, to_invoice
    fmt = date_format(accountant, lang)

    def shown(iso):
        return date(*map(int, iso.split("-"))).strftime(fmt)

    admin.call("ir.config_parameter", "set_param", "telecom_recharge_account.invoice_part", "1")
    try:
        browser.login(people["accountant"], people["accountant"])
        analysis_list(browser, words)
        browser.menu(words("Invoice One-off Options"))
        dialog = browser.modal()
        browser.set_input("date_from", shown(date_from), within=dialog)
        browser.set_input("date_to", shown(date_to), within=dialog)
        browser.until(lambda d: browser.text_of("[name=option_count]", dialog) == str(to_invoice),
                      "the preview does not count %d options" % to_invoice)
        browser.click(".modal-footer button[name=action_create_invoices]",
                      words("Create the Invoices"))
        browser.until(lambda d: not browser.visible(".modal-dialog"), "the wizard stays open")
        browser.one(".o_list_view")
        title = words("One-off Option Invoices (%(count)s more to come)") % {
            "count": to_invoice - 1}
        crumb = browser.one(".breadcrumb li.active", title)
        # Read whole, not cut by the breadcrumb's ellipsis.
        assert browser.driver.execute_script(
            "return arguments[0].scrollWidth <= arguments[0].clientWidth;", crumb), title
        assert len(browser.visible("tr.o_data_row")) == 1
        browser.shot("one_off_invoices_in_parts")
        no_english(browser, words, "one_off_invoices_in_parts")

        def invoiced():
            options = accountant.call("telecom.deployment.option", "search_read", [
                ["deployment_id", "=", deployment_id]], fields=["invoice_id"])
            return all(o["invoice_id"] for o in options) and options
        options = wait_for(invoiced, timeout=120)
        assert options, "the jobs did not invoice the other options"
    finally:
        admin.call("ir.config_parameter", "set_param", "telecom_recharge_account.invoice_part",
                   "2000")
    # One draft for the customer, completed by the jobs.
    assert len({o["invoice_id"][0] for o in options}) == 1, options
