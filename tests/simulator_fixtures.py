"""Start the SNAIC/CFAST simulator on free ports, and load the API clients
without Odoo, for the root tests.

Import what you need in a test module (pytest finds fixtures that are names
of the test module):

    from simulator_fixtures import sim_server, sim, load_clients

``sim_server`` is one simulator process per test module; ``sim`` is the same,
reset (applied options, keys, faults, stats) before each test.
"""
import importlib.util
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
SIM_SCRIPT = ROOT / "simulator" / "sim.py"
SEED = ROOT / "simulator" / "seed.json"
CLIENTS_DIR = ROOT / "telecom_snaic_cfast" / "clients"
CLIENTS_MODULE = "telecom_snaic_cfast_clients"

TEST_TOKENS = {"snaic": "snaic-test-token-1a2b3c", "cfast": "cfast-test-token-4d5e6f"}


def load_clients():
    """The ``telecom_snaic_cfast/clients`` package, imported without Odoo.

    It is loaded under its own name (not ``clients`` nor ``odoo.addons...``)
    so it cannot clash with other modules of the test session.
    """
    if CLIENTS_MODULE in sys.modules:
        return sys.modules[CLIENTS_MODULE]
    init = CLIENTS_DIR / "__init__.py"
    spec = importlib.util.spec_from_file_location(CLIENTS_MODULE, str(init),
                                                  submodule_search_locations=[str(CLIENTS_DIR)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[CLIENTS_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[CLIENTS_MODULE]
        raise
    return module


class SimProcess(object):
    """One simulator process serving SNAIC and CFAST on free loopback ports."""

    def __init__(self, tokens=None, pidfile=None, python=None):
        self.tokens = dict(TEST_TOKENS if tokens is None else tokens)
        self.pidfile = pidfile
        self.python = python or sys.executable
        self.proc = None
        self.urls = {}
        self.stderr = None

    def start(self, timeout=15):
        """Start it and wait for the two "listening on" lines."""
        cmd = [self.python, str(SIM_SCRIPT), "--host", "127.0.0.1", "--snaic-port", "0",
               "--cfast-port", "0", "--seed", str(SEED)]
        if self.tokens.get("snaic"):
            cmd += ["--token-snaic", self.tokens["snaic"]]
        if self.tokens.get("cfast"):
            cmd += ["--token-cfast", self.tokens["cfast"]]
        if self.pidfile:
            cmd += ["--pidfile", str(self.pidfile)]
        # stderr to a file: a pipe nobody reads could fill up and block the server
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr)
        deadline = time.time() + timeout
        fd = self.proc.stdout.fileno()
        pending = b""
        while len(self.urls) < 2:
            remaining = deadline - time.time()
            if remaining <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("the simulator did not start: %s" % self.read_stderr())
            # Unbuffered reads on the descriptor: a buffered readline could
            # swallow both lines while select() waits for more.
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                line = line.decode("utf-8").strip()
                if " listening on " in line:
                    name, url = line.split(" listening on ", 1)
                    self.urls[name.lower()] = url
        return self

    def read_stderr(self):
        if self.stderr is None:
            return ""
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL if it does not stop in time. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        if self.proc.stdout:
            self.proc.stdout.close()
        return self.proc.returncode

    # -- helpers for tests -------------------------------------------------

    def url(self, system):
        return self.urls[system]

    def headers(self, system, **extra):
        headers = {"Authorization": "Bearer %s" % self.tokens[system]}
        headers.update(extra)
        return headers

    def api(self, system, method, path, token=None, timeout=10, **kwargs):
        """Call the simulated API of ``system`` with its token (or ``token``)."""
        headers = kwargs.pop("headers", {})
        auth = {"Authorization": "Bearer %s" % (self.tokens[system] if token is None else token)}
        auth.update(headers)
        return requests.request(method, self.urls[system] + path, headers=auth, timeout=timeout, **kwargs)

    def sim_get(self, system, what):
        response = requests.get(self.urls[system] + "/_sim/" + what, timeout=10)
        response.raise_for_status()
        return response.json()

    def sim_post(self, system, what, payload=None):
        response = requests.post(self.urls[system] + "/_sim/" + what, json=payload or {}, timeout=10)
        response.raise_for_status()
        return response.json()

    def faults(self, system, **config):
        """Replace the fault configuration of ``system``."""
        return self.sim_post(system, "faults", config)

    def reset(self):
        for system in self.urls:
            self.sim_post(system, "reset")


@pytest.fixture(scope="module")
def sim_server():
    """A simulator process for the test module, stopped at its end."""
    server = SimProcess().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sim(sim_server):
    """The module's simulator, reset before the test."""
    sim_server.reset()
    return sim_server
