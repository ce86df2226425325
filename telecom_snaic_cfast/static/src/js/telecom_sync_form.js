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
        var mine = false;
        var settled = false;
        _.each(notifications, function (notification) {
            var channel = notification[0];
            var message = notification[1] || {};
            if (_.isArray(channel) && channel[1] === CHANNEL) {
                mine = mine || _.contains(message.deployment_ids || [], record.res_id);
                settled = settled || _.contains(message.settled_ids || [], record.res_id);
            }
        });
        if (mine) {
            this._telecomSyncReload(settled);
        }
    },
    /**
     * Reload the record; when the push has ended (nothing left to send),
     * say what was sent.
     *
     * @private
     * @param {Boolean} settled the push of this deployment has ended
     */
    _telecomSyncReload: function (settled) {
        var self = this;
        return this.reload().then(function () {
            var after = self.model.get(self.handle).data;
            if (!settled || !after.sync_result) {
                return;
            }
            if (after.sync_error_count) {
                self.do_warn('SNAIC / CFAST', after.sync_result);
            } else {
                self.do_notify('SNAIC / CFAST', after.sync_result);
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
