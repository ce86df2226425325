# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The comparison of a drift audit, in plain Python (no ORM): what the ERP
recorded against what the system lists, both read at once beforehand (one
SQL query, every page of the list), matched through dicts keyed by our
per-option reference. 10,000 options cost some tens of milliseconds here;
nothing is called or queried per option.

Both sides are read over the audited period widened by ``SKEW`` on each
side: the ERP dates an option when it saved the answer, the system when it
applied it, on two clocks. A pair belongs to the period of its ERP date;
an option that only the system has, to the period of its own date.
"""
from collections import defaultdict, namedtuple
from datetime import timedelta

# The clock skew tolerated between the ERP and a system.
SKEW = timedelta(hours=1)

# What the ERP says of one option of one apply request.
ACTIVE = "active"            # applied, never cancelled
CANCELLED = "cancelled"      # applied, then cancelled (a reversal, done)
CANCELLING = "cancelling"    # applied, its cancellation is under way
IN_FLIGHT = "in_flight"      # being sent, or outcome unknown: not yet known
NEVER = "never"              # withdrawn, in error: never applied
SUPERSEDED = "superseded"    # lost, and applied again by a repush

# The request states of each status, for the SQL reading them.
IN_FLIGHT_STATES = ("pending", "sent", "unknown", "waiting")
NEVER_STATES = ("withdrawn", "error", "void")

ErpOption = namedtuple("ErpOption", [
    "reference",     # our per-option reference ("%s-%s" % (request, option))
    "request_id", "update_id", "line_id", "option_id",
    "product_code", "quantity",
    "applied_at",    # the request's date_done (naive UTC), or None
    "status",        # one of the statuses above
    "request_state",
])

# One difference: ``kind`` (missing_remote, unknown_local, mismatch),
# ``reason`` (which sentence tells it), the ERP option and the system's
# option (a dict of the client's list), either may be None.
Drift = namedtuple("Drift", ["kind", "reason", "erp", "remote"])

# The reasons, each with its own sentence (telecom_sync_audit.py).
MISSING = "missing"                      # nothing there at all
CANCELLED_REMOTE = "cancelled_remote"    # cancelled there, not in the ERP
FOREIGN = "foreign"                      # no reference of ours
UNKNOWN_REFERENCE = "unknown_reference"  # a reference none of our requests has
NEVER_APPLIED = "never_applied"          # ours, but recorded as never applied
DUPLICATE = "duplicate"                  # ours, held twice
DIFFERENT = "different"                  # product or quantity differ
CANCELLED_LOCAL = "cancelled_local"      # cancelled in the ERP, active there

QUANTITY_TOLERANCE = 0.005


def erp_status(request_state, cancel_state, superseded):
    """The status of an option of an apply request in ``request_state``,
    whose cancellation (if any) is in ``cancel_state`` and which a repush
    applied again (``superseded``)."""
    if request_state in IN_FLIGHT_STATES:
        return IN_FLIGHT
    if request_state != "done":
        return NEVER
    if superseded:
        return SUPERSEDED
    if cancel_state == "done":
        return CANCELLED
    if cancel_state in IN_FLIGHT_STATES:
        return CANCELLING
    # No cancellation, or one that failed or had nothing to cancel.
    return ACTIVE


def _within(moment, start, end):
    return moment is not None and start <= moment < end


def _differs(erp, remote):
    return (erp.product_code or "") != (remote.get("product_code") or "") or \
        abs((erp.quantity or 0.0) - (remote.get("quantity") or 0.0)) > \
        QUANTITY_TOLERANCE


def compare(erp_options, remote_options, start, end):
    """The differences between ``erp_options`` (ErpOption, read over the
    widened period) and ``remote_options`` (the client's items, read over
    the widened period) for the period [start, end) (naive UTC), and the
    counts of the period: returns (drifts, counts).

    * ``missing_remote``: the ERP says applied (done, no done cancellation,
      not applied again by a repush) and the system has nothing active with
      its reference (cancelled there counts as nothing);
    * ``unknown_local``: the system has an active option whose reference is
      none of ours, or ours but recorded as never applied (withdrawn, error),
      or a second active option with the same reference of ours;
    * ``mismatch``: both have it but the product code or the quantity
      differ, or the ERP cancelled it and the system still has it active.

    Options whose request is still in flight are never drift."""
    remote_by_ref = defaultdict(list)
    for remote in remote_options:
        if remote.get("reference"):
            remote_by_ref[remote["reference"]].append(remote)
    erp_by_ref = {}
    drifts = []
    counts = {"local_count": 0, "local_cancelled_count": 0,
              "remote_count": 0, "remote_cancelled_count": 0}
    for erp in erp_options:
        erp_by_ref[erp.reference] = erp
        if erp.status in (IN_FLIGHT, NEVER, SUPERSEDED) or \
                not _within(erp.applied_at, start, end):
            continue
        counts["local_count"] += 1
        if erp.status == CANCELLED:
            counts["local_cancelled_count"] += 1
        held = remote_by_ref.get(erp.reference, [])
        active = [remote for remote in held if not remote.get("cancelled")]
        if erp.status == ACTIVE and not active:
            drifts.append(Drift("missing_remote",
                                CANCELLED_REMOTE if held else MISSING,
                                erp, held[0] if held else None))
            continue
        if erp.status == CANCELLED and active:
            drifts.append(Drift("mismatch", CANCELLED_LOCAL, erp, active[0]))
        elif active and _differs(erp, active[0]):
            drifts.append(Drift("mismatch", DIFFERENT, erp, active[0]))
        drifts.extend(Drift("unknown_local", DUPLICATE, erp, remote)
                      for remote in active[1:])
    for remote in remote_options:
        if not _within(remote.get("applied_at"), start, end):
            continue
        counts["remote_count"] += 1
        if remote.get("cancelled"):
            counts["remote_cancelled_count"] += 1
            continue
        reference = remote.get("reference")
        erp = erp_by_ref.get(reference) if reference else None
        if not reference:
            drifts.append(Drift("unknown_local", FOREIGN, None, remote))
        elif erp is None:
            drifts.append(Drift("unknown_local", UNKNOWN_REFERENCE, None,
                                remote))
        elif erp.status == NEVER:
            drifts.append(Drift("unknown_local", NEVER_APPLIED, erp, remote))
        # Else the ERP's side told it (or it is in flight, or the pair
        # belongs to the period of its ERP date).
    return drifts, counts
