/* Copyright 2026 Telecom Parc contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
odoo.define("telecom_recharge.telecom_live_char", function (require) {
    "use strict";

    var basic_fields = require("web.basic_fields");
    var field_registry = require("web.field_registry");

    /**
     * A text field that tells the form its value while the user types
     * (300 ms after the last key), not only when the field is left: the
     * onchanges that depend on it (the Recharge DATA preview) follow the
     * input without Tab or a click elsewhere.
     */
    var TelecomLiveChar = basic_fields.FieldChar.extend({
        DEBOUNCE: 300,
    });

    field_registry.add("telecom_live_char", TelecomLiveChar);

    return TelecomLiveChar;
});
