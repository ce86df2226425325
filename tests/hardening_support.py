"""Machinery shared by the hardening tests (tests/test_hardening_*.py).

Each scenario runs on a database of its own, copied from the test database
(``pg_dump | psql``: a template copy would need every other connection to the
test database closed, and the session's server keeps some open), with its own
simulator, its own Odoo server when it talks XML-RPC, and Odoo worker
processes (tests/hardening_worker.py) when it runs the crons. Nothing a
scenario does can leak into the test database or the other tests.

The copies are named ``<test db>_hardening_<scenario>`` and dropped at the end
(``TELECOM_KEEP_DB=1`` keeps them to look at).
"""
import configparser
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xmlrpc.client
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from conftest import OdooRPC, free_port, prefork_args, wait_http
from simulator_fixtures import SimProcess

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
WORKER = TESTS / "hardening_worker.py"
DEMO_TOKENS = {"snaic": "snaic-demo-token", "cfast": "cfast-demo-token"}
DEFAULT_SCALE = 30
SYSTEMS = ("snaic", "cfast")


def scale(config):
    """Lines per scenario: ``--scale N`` (or ``TELECOM_SCALE``), else a size
    that keeps ``make test`` short."""
    value = None
    try:
        value = config.getoption("scale")
    except ValueError:
        pass
    return int(value or os.environ.get("TELECOM_SCALE") or DEFAULT_SCALE)


def phones(count, prefix="+33612", start=0):
    """``count`` French mobile numbers in E.164 (+33612000000, ...)."""
    return ["%s%06d" % (prefix, start + i) for i in range(count)]


def wait_for(predicate, timeout=60.0, step=0.2):
    """Call ``predicate`` until it returns something true, or the timeout."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(step)


# ----------------------------------------------------------------------
# Databases
# ----------------------------------------------------------------------
def read_conf(path):
    parser = configparser.RawConfigParser()
    parser.read(str(path))
    return parser


class Database(object):
    """A copy of the test database for one scenario."""

    def __init__(self, odoo_env, scenario):
        self.odoo_env = odoo_env
        self.source = odoo_env["TELECOM_DB"]
        self.name = "%s_hardening_%s" % (self.source, scenario)
        options = read_conf(odoo_env["TELECOM_ODOO_CONF"])["options"]
        self.options = options
        self.pg = {}
        for key, env in (("db_host", "PGHOST"), ("db_port", "PGPORT"),
                         ("db_user", "PGUSER"), ("db_password", "PGPASSWORD")):
            value = options.get(key, "")
            if value and value != "False":
                self.pg[env] = value
        self.data_dir = Path(options.get("data_dir", ""))

    def _env(self):
        env = dict(os.environ)
        env.update(self.pg)
        return env

    def _run(self, *cmd, **kwargs):
        return subprocess.run(list(cmd), env=self._env(), check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)

    def create(self):
        """(Re)create the copy from the test database, with its filestore."""
        self.drop()
        self._run("createdb", self.name)
        dump = subprocess.Popen(["pg_dump", "--no-owner", self.source], env=self._env(),
                                stdout=subprocess.PIPE)
        try:
            self._run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.name, stdin=dump.stdout)
        finally:
            dump.stdout.close()
            dump.wait()
        filestore = self.data_dir / "filestore"
        if (filestore / self.source).is_dir():
            shutil.copytree(str(filestore / self.source), str(filestore / self.name))
        return self

    def drop(self):
        if os.environ.get("TELECOM_KEEP_DB") and self.exists():
            return
        # Connections of killed workers go away with their sockets; --force
        # (PostgreSQL 13+) ends any that linger.
        try:
            self._run("dropdb", "--if-exists", "--force", self.name)
        except subprocess.CalledProcessError:
            self._run("dropdb", "--if-exists", self.name)
        shutil.rmtree(str(self.data_dir / "filestore" / self.name), ignore_errors=True)

    def exists(self):
        with self.cursor("postgres") as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.name,))
            return bool(cr.fetchall())

    @contextmanager
    def cursor(self, dbname=None):
        """A psycopg2 cursor on the copy, committed at the end."""
        cnx = psycopg2.connect(dbname=dbname or self.name, host=self.pg.get("PGHOST"),
                               port=self.pg.get("PGPORT"), user=self.pg.get("PGUSER"),
                               password=self.pg.get("PGPASSWORD"))
        try:
            with cnx.cursor() as cr:
                yield cr
            cnx.commit()
        finally:
            cnx.close()

    def query(self, sql, params=None):
        with self.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else []

    def write_conf(self, folder, sim=None, **extra):
        """An Odoo configuration file for the copy; the simulator's URLs win
        over the connections' (telecom_<system>_url)."""
        parser = read_conf(self.odoo_env["TELECOM_ODOO_CONF"])
        options = parser["options"]
        options["db_name"] = self.name
        options["dbfilter"] = "^%s$" % self.name
        if sim is not None:
            for system in SYSTEMS:
                options["telecom_%s_url" % system] = sim.url(system)
        for key, value in extra.items():
            options[key] = str(value)
        path = Path(folder) / ("%s.conf" % self.name)
        with open(str(path), "w") as handle:
            parser.write(handle)
        return path

    # -- what the scenarios check --------------------------------------
    def requests_of(self, line_ids):
        """{id: row} of the sync requests of these lines."""
        rows = self.query(
            "SELECT r.id, r.system, r.state, r.attempt_count, r.throttle_count, "
            "       r.reference, r.idempotency_key, r.remote_ref, r.last_error, "
            "       l.phone_number "
            "  FROM telecom_sync_request r JOIN telecom_line l ON l.id = r.line_id "
            " WHERE r.line_id IN %s", (tuple(line_ids) or (0,),))
        keys = ("id", "system", "state", "attempt_count", "throttle_count", "reference",
                "idempotency_key", "remote_ref", "last_error", "phone")
        return {row[0]: dict(zip(keys, row)) for row in rows}

    def states(self, line_ids=None):
        """Count of requests by state (of these lines, or all)."""
        if line_ids is None:
            rows = self.query("SELECT state, count(*) FROM telecom_sync_request GROUP BY state")
        else:
            rows = self.query("SELECT state, count(*) FROM telecom_sync_request "
                              "WHERE line_id IN %s GROUP BY state", (tuple(line_ids) or (0,),))
        return dict(rows)


# ----------------------------------------------------------------------
# Processes
# ----------------------------------------------------------------------
@contextmanager
def scenario(odoo_env, tmp_path_factory, name):
    """A scenario's own stage: a copy of the test database, a simulator and
    an Odoo server on them, all removed at the end. Yields {db, sim, server,
    conf, folder, env}."""
    folder = tmp_path_factory.mktemp("hardening_%s" % name)
    db = Database(odoo_env, name).create()
    sim = start_simulator()
    server = None
    try:
        conf = db.write_conf(folder, sim)
        server = OdooServer(odoo_env, conf, folder).start()
        yield {"db": db, "sim": sim, "server": server, "conf": conf, "folder": folder,
               "env": odoo_env}
    finally:
        if server is not None:
            server.stop()
        sim.stop()
        db.drop()


@contextmanager
def worker_stage(odoo_env, tmp_path_factory, name):
    """A stage for the test's own worker processes: a copy of the test
    database and a simulator, no server. Yields {db, sim, conf, folder,
    env}."""
    folder = tmp_path_factory.mktemp("hardening_%s" % name)
    db = Database(odoo_env, name).create()
    sim = start_simulator()
    try:
        conf = db.write_conf(folder, sim)
        yield {"db": db, "sim": sim, "conf": conf, "folder": folder, "env": odoo_env}
    finally:
        sim.stop()
        db.drop()


def create_lines(ops, numbers):
    """As ``ops`` (an RPC client), lines with these numbers in the demo parc
    (100 GB subscription); returns their ids."""
    ref = lambda xmlid: ops.call("ir.model.data", "xmlid_to_res_id", xmlid)  # noqa: E731
    parc, subscription = ref("telecom_parc.demo_parc_sw1_mobile"), \
        ref("telecom_parc.demo_subscription_eurof_100")
    return [ops.call("telecom.line", "create", {
        "phone_number": number, "parc_id": parc, "subscription_id": subscription})
        for number in numbers]


def recharge_done(ops, line_ids, data_gb=1):
    """As ``ops``, Recharge DATA on these lines and the deployment done
    (today's dates); returns the deployment's id."""
    wizard = ops.call("telecom.line.recharge", "create",
                      {"line_ids": [[6, 0, list(line_ids)]], "data_gb": data_gb})
    deployment = ops.call("telecom.line.recharge", "action_confirm", [wizard])["res_id"]
    today = time.strftime("%Y-%m-%d")
    ops.call("telecom.deployment", "write", [deployment],
             {"date_installed": today, "date_activation": today})
    ops.call("telecom.deployment", "action_done", [deployment])
    return deployment


def start_simulator(tokens=None):
    """A simulator of both systems on free ports (demo tokens by default:
    the demo connections carry them)."""
    return SimProcess(tokens=tokens or DEMO_TOKENS).start()


def seed_lines(sim, numbers):
    """Make both systems know these numbers (IDs made up by the simulator)."""
    for system in SYSTEMS:
        sim.sim_post(system, "seed", {"lines": list(numbers)})


class OdooServer(object):
    """An Odoo server on a scenario's database, as in production: prefork
    workers, a cron worker, the job runner."""

    def __init__(self, odoo_env, conf, folder, log_level="info", name="odoo",
                 extra_args=()):
        self.odoo_env = odoo_env
        self.conf = conf
        self.log = Path(folder) / ("%s.log" % name)
        self.log_level = log_level
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self.db = read_conf(conf)["options"]["db_name"]

    def start(self):
        port = free_port()
        cmd = [self.odoo_env["TELECOM_PYTHON"], self.odoo_env["TELECOM_ODOO_BIN"],
               "-c", str(self.conf), "-d", self.db, "--http-port=%d" % port,
               "--logfile=%s" % self.log, "--log-level=%s" % self.log_level,
               "--log-handler=odoo.modules.graph:CRITICAL"] + prefork_args()
        self.proc = subprocess.Popen(cmd + self.extra_args, stdin=subprocess.DEVNULL)
        self.url = "http://127.0.0.1:%d" % port
        try:
            wait_http(self.url + "/web/login", self.proc)
        except Exception:
            self.stop()
            raise
        return self

    def rpc(self, login, password=None):
        return OdooRPC(self.url, self.db, login, login if password is None else password)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Worker(object):
    """One run of tests/hardening_worker.py: an Odoo process of its own."""

    def __init__(self, odoo_env, conf, db, action, folder, name=None, log_level="info",
                 **options):
        self.name = name or action
        self.log = Path(folder) / ("worker-%s.log" % self.name)
        self.out = Path(folder) / ("worker-%s.out" % self.name)
        cmd = [odoo_env["TELECOM_PYTHON"], str(WORKER), "--conf", str(conf), "--db", db,
               "--logfile", str(self.log), "--log-level", log_level]
        for key, value in options.items():
            cmd += ["--%s" % key.replace("_", "-"), str(value)]
        cmd.append(action)
        self.handle = open(str(self.out), "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.handle,
                                     env=dict(os.environ, ODOO_PRELOAD_ADDONS="no"))

    def wait(self, timeout=600, check=True):
        """Wait for the end; returns its JSON result. A crash fails the test,
        or with ``check=False`` gives ``{"exit": code, "error": log tail}``."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("worker %s still running after %ss; log %s"
                                 % (self.name, timeout, self.log))
        self.handle.close()
        text = self.out.read_text()
        if code != 0 or not text.strip():
            if not check:
                return {"exit": code, "error": tail(self.log), "claimed": [],
                        "reconciled": {}, "waited": 0, "seconds": 0}
            raise AssertionError("worker %s exited with %s; log %s:\n%s" % (
                self.name, code, self.log, tail(self.log)))
        result = json.loads(text.strip().splitlines()[-1])
        result["exit"] = 0
        return result

    def kill(self):
        """SIGKILL: no cleanup, no commit, no rollback handler."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.handle.close()


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def classify_fault(fault):
    """What an XML-RPC fault from Odoo 11 was: 'user' (UserError, also
    MissingError), 'access', 'validation', 'denied' or 'server' (anything
    else: a bug). Odoo 11's /xmlrpc/2 sends a ValidationError as a
    traceback (fault code 1): its last line names the class."""
    if fault.faultCode == 2:
        return "user"
    if fault.faultCode == 4:
        return "access"
    if fault.faultCode == 3:
        return "denied"
    text = fault.faultString.strip().splitlines()
    last = text[-1] if text else ""
    if last.startswith("odoo.exceptions.ValidationError") and \
            "Error while validating constraint" in fault.faultString and \
            "security restrictions" in fault.faultString:
        # Odoo 11 wraps an AccessError raised inside a constraint (a record
        # rule refusing a read) in a ValidationError.
        return "access"
    if last.startswith("odoo.exceptions.ValidationError") or \
            last.startswith("odoo.exceptions.except_orm"):
        return "validation"
    if last.startswith("odoo.exceptions.AccessError"):
        return "access"
    if last.startswith("odoo.exceptions.UserError"):
        return "user"
    return "server"


def outcome(call):
    """Run ``call()``: ('ok', result) or (kind of fault, message)."""
    try:
        return "ok", call()
    except xmlrpc.client.Fault as fault:
        return classify_fault(fault), fault.faultString


def print_table(title, header, rows, capsys=None):
    """Show a Markdown table of figures: on the terminal even though pytest
    captures the output (with ``capsys``), and appended to
    .run/log/hardening-figures.md with the date. Returns the text."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    out = ["", "### %s" % title, ""]
    for index, row in enumerate([header] + list(rows)):
        out.append("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths))
                   + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    text = "\n".join(out) + "\n"
    if capsys is not None:
        with capsys.disabled():
            sys.stdout.write(text)
            sys.stdout.flush()
    else:
        sys.stdout.write(text)
    log = ROOT / ".run" / "log"
    if log.is_dir():
        with open(str(log / "hardening-figures.md"), "a") as handle:
            handle.write("\n<!-- %s -->%s" % (time.strftime("%Y-%m-%d %H:%M:%S"), text))
    return text


class JsonRpcError(Exception):
    """An error answer of Odoo's /jsonrpc: ``kind`` is Odoo's exception_type
    (user_error, validation_error, access_error, missing_error, warning,
    internal_error...), ``name`` the exception's class."""

    def __init__(self, data):
        self.kind = data.get("exception_type") or "internal_error"
        self.name = data.get("name", "")
        self.message = data.get("message", "")
        self.debug = data.get("debug", "")
        super(JsonRpcError, self).__init__("%s: %s" % (self.name, self.message))


class JsonRPC(object):
    """Odoo's JSON-RPC as one user. JSON carries what XML-RPC cannot
    (NUL characters, integers beyond 32 bits, NaN), and each error says its
    class."""

    def __init__(self, url, db, login, password=None):
        import itertools
        import requests
        self.url, self.db = url + "/jsonrpc", db
        self.password = login if password is None else password
        self.session = requests.Session()
        self.ids = itertools.count(1)
        self.uid = self.rpc("common", "login", db, login, self.password)
        if not self.uid:
            raise RuntimeError("login %s refused" % login)

    def rpc(self, service, method, *args):
        # json.dumps, not requests' json=: NaN and infinities are sent too.
        answer = self.session.post(self.url, timeout=120, headers={
            "Content-Type": "application/json"}, data=json.dumps({
                "jsonrpc": "2.0", "method": "call", "id": next(self.ids),
                "params": {"service": service, "method": method, "args": list(args)}}))
        answer.raise_for_status()
        body = answer.json()
        if "error" in body:
            raise JsonRpcError(body["error"].get("data") or {})
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc("object", "execute_kw", self.db, self.uid, self.password, model,
                        method, list(args), kwargs)

    def outcome(self, model, method, *args, **kwargs):
        """('ok', result) or (Odoo's exception_type, the error)."""
        try:
            return "ok", self.call(model, method, *args, **kwargs)
        except JsonRpcError as error:
            return error.kind, error
