"""Options of both pytest runs of `make test` (scripts/test.sh passes its extra
arguments to the addon run, pytest-odoo, and to the root tests run): an option
defined here, at the root, is known to both.

    bash scripts/test.sh --scale 1000 -k hardening

``--scale N``: lines per hardening scenario (tests/test_hardening_*.py); the
environment variable ``TELECOM_SCALE`` does the same. The addon tests ignore it.
"""


def pytest_addoption(parser):
    parser.addoption(
        "--scale", type=int, default=None, metavar="N",
        help="lines per hardening scenario (default: small, for CI; the "
             "README's figures are at 1000); or TELECOM_SCALE=N")

