/* Copyright 2026 Telecom Parc contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
odoo.define("telecom_parc.telecom_list_renderer", function (require) {
    "use strict";

    var basic_fields = require("web.basic_fields");
    var field_registry = require("web.field_registry");
    var field_utils = require("web.field_utils");
    var ListController = require("web.ListController");
    var ListRenderer = require("web.ListRenderer");

    /**
     * A quantity of GB or of units: "2", not "2,00", when it is whole;
     * a fraction keeps the field's digits.
     */
    var TelecomQuantity = basic_fields.FieldFloat.extend({
        _formatValue: function (value) {
            if (typeof value === "number" && value % 1 === 0) {
                return field_utils.format.float(
                    value, this.field, {digits: [16, 0]});
            }
            return this._super.apply(this, arguments);
        },
    });
    field_registry.add("telecom_quantity", TelecomQuantity);
    // The same in a list's total row, which formats by widget name.
    field_utils.format.telecom_quantity = function (value, field, options) {
        if (typeof value === "number" && value % 1 === 0) {
            return field_utils.format.float(value, field, _.extend(
                {}, options, {digits: [16, 0]}));
        }
        return field_utils.format.float(value, field, options);
    };

    /**
     * The currency of the records of a list (or of its open groups) for
     * the monetary field ``field``, when they all have the same one.
     */
    function listCurrencyId(state, field) {
        var currencyField = field.currency_field || "currency_id";
        var found = {};
        (function walk(dataPoint) {
            _.each(dataPoint.data || [], function (item) {
                if (item.type === "list") {
                    walk(item);
                } else if (item.data && item.data[currencyField]) {
                    found[item.data[currencyField].res_id] = true;
                }
            });
        })(state);
        var ids = _.keys(found);
        return ids.length === 1 ? parseInt(ids[0], 10) : false;
    }

    ListController.include({
        /**
         * Archive / Unarchive write the records: the Action menu offers
         * them only to users who may edit the list's records (Odoo 11
         * offers them whenever the model has an "active" field, and the
         * accountant's click then fails on the access rights).
         *
         * @override
         */
        init: function () {
            this._super.apply(this, arguments);
            if (!this.activeActions.edit) {
                this.archiveEnabled = false;
            }
        },
    });

    ListRenderer.include({
        /**
         * A column whose field has class="o_telecom_nowrap" keeps its
         * value on one line: a number "07 00 00 00 90" cut over three
         * lines in a narrow list is hard to read.
         *
         * @override
         */
        _renderBodyCell: function (record, node) {
            var $td = this._super.apply(this, arguments);
            if (/\bo_telecom_nowrap\b/.test(node.attrs.class || "")) {
                $td.addClass("o_telecom_nowrap").css("white-space", "nowrap");
            }
            return $td;
        },

        /**
         * The totals of monetary columns (sum="...") with their currency
         * ("3,00 €"), which Odoo 11 leaves out.
         *
         * @override
         */
        _renderAggregateCells: function (aggregateValues) {
            var self = this;
            var $cells = this._super.apply(this, arguments);
            _.each(this.columns, function (column, index) {
                var name = column.attrs.name;
                var field = self.state.fields[name];
                if (!(name in aggregateValues) || !field ||
                        field.type !== "monetary" || column.attrs.widget) {
                    return;
                }
                var currencyId = listCurrencyId(self.state, field);
                if (currencyId) {
                    $cells[index].html(field_utils.format.monetary(
                        aggregateValues[name].value, field,
                        {escape: true, currency_id: currencyId}));
                }
            });
            return $cells;
        },
        /**
         * In the telecom lists, a column shows its field's help as the
         * header's tooltip (Odoo 11 shows tooltips in debug mode only), so
         * that short headers such as "⚙" or "#" explain themselves.
         *
         * @override
         */
        _renderHeaderCell: function (node) {
            var $th = this._super.apply(this, arguments);
            var field = this.state.fields[node.attrs.name];
            if ((this.state.model || "").indexOf("telecom.") === 0 &&
                    field && field.help && !$th.attr("title")) {
                $th.attr("title", field.help);
            }
            return $th;
        },
        /**
         * The lines grouped by parc: the server's group label already says
         * the number of lines ("Mobile / Actif Telecom (4 line(s)) ⚙️ 2"),
         * so the count the web client adds is left out.
         *
         * @override
         */
        _renderGroupRow: function (group, groupLevel) {
            var $tr = this._super.apply(this, arguments);
            var groupBy = this.state.groupedBy[groupLevel] || "";
            if (this.state.model === "telecom.line" &&
                    groupBy.split(":")[0] === "parc_id" &&
                    typeof group.value === "string" && group.value) {
                var $th = $tr.children(".o_group_name");
                var $arrow = $th.children("span.fa").first().detach();
                $th.text(group.value).prepend($arrow);
            }
            return $tr;
        },
    });

    return TelecomQuantity;
});
