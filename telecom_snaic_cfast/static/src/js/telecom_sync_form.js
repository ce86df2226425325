odoo.define('telecom_snaic_cfast.telecom_sync_form', function (require) {
"use strict";
/**
 * The deployment's form follows the push to SNAIC and CFAST live: the jobs
 * tell the web client over Odoo's bus which deployments changed
 * (telecom.sync.request._telecom_notify_deployments, channel
 * "telecom.sync"), and the form showing one of them reloads it, then says
 * what was sent when the push ends ("2 MAJ sent").
 */
var bus = require('bus.bus').bus;
var FormController = require('web.FormController');
var FormView = require('web.FormView');
var viewRegistry = require('web.view_registry');

var CHANNEL = 'telecom.sync';
var SETTLED = ['applied', 'error', 'unknown', 'none'];

var TelecomSyncFormController = FormController.extend({
    init: function () {
        this._super.apply(this, arguments);
        bus.on('notification', this, this._onTelecomSyncNotification);
    },
    destroy: function () {
        bus.off('notification', this, this._onTelecomSyncNotification);
        this._super.apply(this, arguments);
    },
    /**
     * @private
     * @param {Array} notifications [[channel, message], ...]
     */
    _onTelecomSyncNotification: function (notifications) {
        var record = this.model.get(this.handle);
        if (!record || !record.res_id ||
                this.model.isDirty(this.handle)) {
            return;
        }
        var mine = _.some(notifications, function (notification) {
            var channel = notification[0];
            var message = notification[1] || {};
            return _.isArray(channel) && channel[1] === CHANNEL &&
                _.contains(message.deployment_ids || [], record.res_id);
        });
        if (mine) {
            this._telecomSyncReload(record.data);
        }
    },
    /**
     * Reload the record; when the push has ended since the last state
     * shown, say what was sent.
     *
     * @private
     * @param {Object} before the record's values shown until now
     */
    _telecomSyncReload: function (before) {
        var self = this;
        return this.reload().then(function () {
            var after = self.model.get(self.handle).data;
            var settled = _.contains(SETTLED, after.snaic_sync_state) &&
                _.contains(SETTLED, after.cfast_sync_state);
            if (settled && after.sync_result &&
                    after.sync_result !== before.sync_result) {
                if (after.sync_error_count) {
                    self.do_warn('SNAIC / CFAST', after.sync_result);
                } else {
                    self.do_notify('SNAIC / CFAST', after.sync_result);
                }
            }
        });
    },
});

var TelecomSyncFormView = FormView.extend({
    config: _.extend({}, FormView.prototype.config, {
        Controller: TelecomSyncFormController,
    }),
});

viewRegistry.add('telecom_sync_form', TelecomSyncFormView);

return {
    TelecomSyncFormController: TelecomSyncFormController,
    TelecomSyncFormView: TelecomSyncFormView,
};
});
