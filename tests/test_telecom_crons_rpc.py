"""The telecom scheduled actions over XML-RPC, as the demo's Telecom Manager
(not an administrator): they read them, set how often they run, switch them
off and on, and run one now; every other scheduled action is refused, and so
is changing what a telecom one runs. Read back as ``admin``."""
import xmlrpc.client

import pytest

TELECOM_CRON = "telecom_snaic_cfast.ir_cron_sync_reconcile"
OTHER_CRON = "base.autovacuum_job"
SCHEDULE = ["interval_number", "interval_type", "active"]


@pytest.fixture(scope="module")
def crons(rpc):
    admin, manager = rpc("admin", "admin"), rpc("manager", "manager")
    ids = {name: admin.call("ir.model.data", "xmlid_to_res_id", name)
           for name in (TELECOM_CRON, OTHER_CRON)}
    saved = {name: admin.call("ir.cron", "read", [cron_id], SCHEDULE)[0]
             for name, cron_id in ids.items()}
    yield admin, manager, ids
    for name, cron_id in ids.items():
        admin.call("ir.cron", "write", [cron_id],
                   {key: saved[name][key] for key in SCHEDULE})


# Odoo's XML-RPC fault code of an AccessError (odoo.service.wsgi_server).
ACCESS_ERROR = 4


def refused(call):
    """``call()`` raises an access refusal (not a server error)."""
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call()
    assert fault.value.faultCode == ACCESS_ERROR, fault.value.faultString[-2000:]
    return fault.value.faultString


def test_manager_lists_only_the_telecom_crons(crons):
    admin, manager, ids = crons
    listed = manager.call("ir.cron", "search_read", [], fields=["name", "model_name"],
                          context={"active_test": False})
    assert ids[TELECOM_CRON] in [c["id"] for c in listed]
    assert ids[OTHER_CRON] not in [c["id"] for c in listed]
    assert all(c["model_name"].startswith("telecom.") for c in listed), listed
    refused(lambda: manager.call("ir.cron", "read", [ids[OTHER_CRON]], ["name"]))


def test_manager_sets_the_schedule_and_runs_it_now(crons):
    admin, manager, ids = crons
    cron_id = ids[TELECOM_CRON]
    manager.call("ir.cron", "write", [cron_id],
                 {"interval_number": 7, "interval_type": "minutes", "active": False})
    stored = admin.call("ir.cron", "read", [cron_id], SCHEDULE)[0]
    assert (stored["interval_number"], stored["interval_type"], stored["active"]) == \
        (7, "minutes", False)
    manager.call("ir.cron", "write", [cron_id], {"active": True})
    assert manager.call("ir.cron", "method_direct_trigger", [cron_id]) is True


def test_manager_cannot_touch_another_cron(crons):
    admin, manager, ids = crons
    other = ids[OTHER_CRON]
    before = admin.call("ir.cron", "read", [other], SCHEDULE)[0]
    refused(lambda: manager.call("ir.cron", "write", [other], {"interval_number": 99}))
    refused(lambda: manager.call("ir.cron", "method_direct_trigger", [other]))
    refused(lambda: manager.call("ir.cron", "unlink", [ids[TELECOM_CRON]]))
    assert admin.call("ir.cron", "read", [other], SCHEDULE)[0] == before


def test_manager_cannot_change_what_a_telecom_cron_runs(crons):
    admin, manager, ids = crons
    cron_id = ids[TELECOM_CRON]
    before = admin.call("ir.cron", "read", [cron_id], ["code", "user_id", "ir_actions_server_id"])[0]
    other_action = admin.call("ir.cron", "read", [ids[OTHER_CRON]],
                              ["ir_actions_server_id"])[0]["ir_actions_server_id"][0]
    refused(lambda: manager.call("ir.cron", "write", [cron_id], {"code": "model.browse()"}))
    refused(lambda: manager.call("ir.cron", "write", [cron_id],
                                 {"ir_actions_server_id": other_action}))
    refused(lambda: manager.call("ir.cron", "write", [cron_id], {"user_id": manager.uid}))
    assert admin.call("ir.cron", "read", [cron_id],
                      ["code", "user_id", "ir_actions_server_id"])[0] == before
