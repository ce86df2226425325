/* Copyright 2026 Telecom Parc contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
odoo.define('telecom_recharge.form_readonly_after', function (require) {
"use strict";

/**
 * A form button with the class o_telecom_readonly_after (the deployment's
 * Finish) leaves the form in read mode: Odoo 11 saves the record before
 * the button's action and keeps the form in edit mode, although the
 * action (here: the deployment done) is the end of the editing.
 */
var FormController = require('web.FormController');

FormController.include({
    _callButtonAction: function (attrs, record) {
        var self = this;
        var def = this._super.apply(this, arguments);
        if (!/(^|\s)o_telecom_readonly_after(\s|$)/.test(attrs.class || '')) {
            return def;
        }
        return def.then(function (result) {
            if (self.mode !== 'edit') {
                return result;
            }
            return self._setMode('readonly').then(function () {
                return result;
            });
        });
    },
});

});
