# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

EXTERNAL_ID_FIELDS = ("snaic_id", "cfast_id")


class TelecomExternalIdMixin(models.AbstractModel):
    """The SNAIC and CFAST IDs of a record (line, site or customer).

    They say where a paid top-up lands: the sync looks them up by the
    record's key (``_telecom_external_key``: phone number, site code,
    customer reference) and stores them. Users read them; only Telecom
    Managers may write them, and a changed key drops them, so that they are
    looked up again before the next push."""

    _name = "telecom.external.id.mixin"
    _description = "SNAIC/CFAST IDs"
    _telecom_external_key = None

    snaic_id = fields.Char(string="SNAIC ID", copy=False, index=True)
    cfast_id = fields.Char(string="CFAST ID", copy=False, index=True)

    @api.model
    def _telecom_check_external_ids(self, vals):
        if not set(EXTERNAL_ID_FIELDS) & set(vals or {}):
            return
        if self.env.uid == SUPERUSER_ID or self.env.user.has_group(
                "telecom_parc.group_telecom_manager"):
            return
        raise AccessError(_(
            "Only Telecom Managers can change the SNAIC and CFAST IDs: they "
            "say where the top-ups are applied. Leave them empty, the sync "
            "looks them up."))

    @api.model
    def create(self, vals):
        self._telecom_check_external_ids(vals)
        return super(TelecomExternalIdMixin, self).create(vals)

    @api.multi
    def write(self, vals):
        self._telecom_check_external_ids(vals)
        key = self._telecom_external_key
        if not key or key not in vals or \
                set(EXTERNAL_ID_FIELDS) & set(vals):
            return super(TelecomExternalIdMixin, self).write(vals)
        before = {record.id: record[key] for record in self}
        res = super(TelecomExternalIdMixin, self).write(vals)
        changed = self.filtered(lambda r: r[key] != before[r.id] and (
            r.snaic_id or r.cfast_id))
        if changed:
            # Through the ORM's write below the check: the user may not
            # write the IDs, but their change of the key empties them.
            super(TelecomExternalIdMixin, changed).write(
                dict.fromkeys(EXTERNAL_ID_FIELDS, False))
        return res
