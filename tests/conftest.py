"""Fixtures of the cross-addon tests: a real Odoo server on a free loopback port.

`make test` (scripts/test.sh) runs these with `-p no:odoo` after building the
test database, and passes where things are through the environment:
TELECOM_ODOO_CONF, TELECOM_DB, TELECOM_PYTHON, TELECOM_ODOO_BIN.
"""
import os
import socket
import subprocess
import time
import xmlrpc.client
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prefork_args(workers=None, longpolling_port=None):
    """Odoo as in production: prefork HTTP workers (they also run the jobs
    that queue_job's runner hands them), one cron worker, the longpolling
    process on a free port (8072 is CFAST's in the demo)."""
    workers = workers or int(os.environ.get("ODOO_WORKERS") or 6)
    return ["--workers=%d" % workers, "--max-cron-threads=1",
            "--longpolling-port=%d" % (longpolling_port or free_port())]


def start_nginx(folder, http_port, longpolling_port):
    """nginx in front of an Odoo server, from scripts/nginx.conf.in (as
    scripts/demo.sh starts it), on a free port; returns (process, port)."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    template = (ROOT / "scripts" / "nginx.conf.in").read_text()
    for key, value in (("@DIR@", str(folder)), ("@LISTEN_PORT@", str(port)),
                       ("@HTTP_PORT@", str(http_port)),
                       ("@LONGPOLLING_PORT@", str(longpolling_port))):
        template = template.replace(key, value)
    conf = folder / "nginx.conf"
    conf.write_text(template)
    nginx = os.environ.get("TELECOM_NGINX", "nginx")
    proc = subprocess.Popen([nginx, "-p", str(folder), "-e", str(folder / "error.log"),
                             "-c", str(conf)], stdin=subprocess.DEVNULL)
    return proc, port


def wait_http(url, proc=None, timeout=120):
    """Wait until `url` answers 200; fail early when the server process died."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with code %s while starting" % proc.returncode)
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError("%s did not answer within %ss" % (url, timeout))


class OdooRPC:
    """A small XML-RPC client bound to one user of one database."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError("login %s refused by %s" % (login, url))
        self.models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


@pytest.fixture(scope="session")
def odoo_env():
    missing = [k for k in ("TELECOM_ODOO_CONF", "TELECOM_DB", "TELECOM_PYTHON", "TELECOM_ODOO_BIN")
               if not os.environ.get(k)]
    if missing:
        pytest.fail("run the root tests through `make test` (missing %s)" % ", ".join(missing))
    return {k: os.environ[k] for k in ("TELECOM_ODOO_CONF", "TELECOM_DB", "TELECOM_PYTHON", "TELECOM_ODOO_BIN")}


@pytest.fixture(scope="session")
def simulators():
    """The SNAIC/CFAST simulator for the session's Odoo server, with the demo
    tokens (the demo connections carry them)."""
    from simulator_fixtures import SimProcess
    server = SimProcess(tokens={"snaic": "snaic-demo-token", "cfast": "cfast-demo-token"}).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def odoo_server(odoo_env, simulators, tmp_path_factory):
    """An Odoo server on the test database, started for this test session
    as in production (prefork, cron worker, job runner), talking to the
    session's simulators (telecom_<system>_url in its
    configuration file win over the demo connections' URLs)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("odoo")
    log = folder / "odoo.log"
    conf = folder / "odoo.conf"
    with open(odoo_env["TELECOM_ODOO_CONF"]) as base:
        conf.write_text(base.read() + "telecom_snaic_url = %s\ntelecom_cfast_url = %s\n" % (
            simulators.url("snaic"), simulators.url("cfast")))
    longpolling = free_port()
    cmd = [odoo_env["TELECOM_PYTHON"], odoo_env["TELECOM_ODOO_BIN"], "-c", str(conf),
           "-d", odoo_env["TELECOM_DB"], "--http-port=%d" % port, "--logfile=%s" % log,
           "--log-handler=odoo.modules.graph:CRITICAL", "--proxy-mode"] + prefork_args(
               longpolling_port=longpolling)
    # The longpolling process writes its access log on stderr: kept beside
    # Odoo's log, not in the tests' output.
    stderr = open(str(folder / "stderr.log"), "w")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stderr=stderr)
    front = None
    try:
        wait_http("http://127.0.0.1:%d/web/login" % port, proc)
        # The users' way in, as in production and in the demo: nginx, which
        # sends /longpolling/ to the longpolling process (the web client's
        # bus: live statuses).
        front, front_port = start_nginx(folder / "nginx", port, longpolling)
        url = "http://127.0.0.1:%d" % front_port
        wait_http(url + "/web/login", front)
        yield {"url": url, "db": odoo_env["TELECOM_DB"], "log": log, "sim": simulators,
               "odoo_url": "http://127.0.0.1:%d" % port}
    finally:
        for process in (front, proc):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        stderr.close()


@pytest.fixture(scope="session")
def rpc(odoo_server):
    """XML-RPC as a given user: rpc('admin', 'admin')."""
    def connect(login, password):
        return OdooRPC(odoo_server["url"], odoo_server["db"], login, password)
    return connect


@pytest.fixture(scope="session")
def scale(request):
    """Lines per hardening scenario: `--scale N` (defined in the root
    conftest.py, so that both runs of scripts/test.sh accept it) or
    TELECOM_SCALE; small by default."""
    from hardening_support import scale as read_scale
    return read_scale(request.config)
