# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

# strftime directives of a language's date format, as Excel's number format.
EXCEL_DATE_PARTS = (("%d", "dd"), ("%m", "mm"), ("%Y", "yyyy"), ("%y", "yy"),
                    ("%b", "mmm"), ("%B", "mmmm"))
# Negative quantities and amounts (a reversal) in red, with their sign.
NUMBER_FORMAT = "#,##0.00;[Red]-#,##0.00"


class TelecomOneOffReportXlsx(models.AbstractModel):
    """The one-off options analysis as a spreadsheet for the accountant:
    one row per option, with names (customer, site, parc, line, option),
    never technical ids."""

    _name = "report.telecom_recharge.one_off_report_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "One-off Options Spreadsheet"

    @api.model
    def _get_objs_for_report(self, docids, data):
        """The rows selected (Print menu), or those of the domain sent by
        the export dialog (a domain rather than thousands of ids in the
        URL), read with the user's rights."""
        if not docids and data and data.get("domain") is not None:
            domain = data["domain"]
            if not isinstance(domain, list):
                raise UserError(_(
                    "The one-off options export needs a list of criteria."))
            return self.env["telecom.one.off.report"].search(domain)
        return super(TelecomOneOffReportXlsx, self)._get_objs_for_report(
            docids, data)

    @api.model
    def _telecom_columns(self):
        """(title, width, value of a row, kind) of each column."""
        report = self.env["telecom.one.off.report"]
        states = dict(report._fields["state"]._description_selection(
            self.env))
        kinds = dict(report._fields["kind"]._description_selection(
            self.env))
        return [
            (_("Date"), 12, lambda r: r.date, "date"),
            (_("Customer"), 28, lambda r: r.partner_id.display_name, "text"),
            (_("Site"), 28, lambda r: r.site_id.display_name, "text"),
            (_("Parc"), 26, lambda r: r.parc_id.display_name, "text"),
            (_("Phone Number"), 16, lambda r: r.line_id.phone_national,
             "text"),
            (_("Line ID"), 16, lambda r: r.line_id.name, "text"),
            (_("One-off Option"), 40, lambda r: r.product_id.display_name,
             "text"),
            (_("Quantity"), 10, lambda r: r.quantity, "number"),
            (_("Unit Price"), 12, lambda r: r.price_unit, "money"),
            (_("Amount"), 12, lambda r: r.amount, "money"),
            (_("Currency"), 9, lambda r: r.currency_id.name, "text"),
            (_("Deployment"), 14, lambda r: r.deployment_id.name, "text"),
            (_("Status"), 12, lambda r: states.get(r.state, ""), "text"),
            (_("Kind"), 12, lambda r: kinds.get(r.kind, ""), "text"),
            (_("Reversal Of"), 14, lambda r: r.reversed_deployment_id.name,
             "text"),
        ]

    @api.model
    def _telecom_date_format(self):
        lang = self.env["res.lang"]._lang_get(
            self.env.lang or "en_US") or self.env["res.lang"]._lang_get(
                "en_US")
        excel = lang.date_format if lang else "%Y-%m-%d"
        for directive, part in EXCEL_DATE_PARTS:
            excel = excel.replace(directive, part)
        return excel

    @api.model
    def generate_xlsx_report(self, workbook, data, rows):
        sheet = workbook.add_worksheet(_("One-off Options"))
        bold = workbook.add_format({"bold": True})
        formats = {
            "text": None,
            "number": workbook.add_format({"num_format": NUMBER_FORMAT}),
            "money": workbook.add_format({"num_format": NUMBER_FORMAT}),
            "date": workbook.add_format(
                {"num_format": self._telecom_date_format()}),
        }
        total_format = workbook.add_format(
            {"bold": True, "num_format": NUMBER_FORMAT})
        columns = self._telecom_columns()
        for col, (title, width, _value, _kind) in enumerate(columns):
            sheet.set_column(col, col, width)
            # Odoo 11's _() takes any addon's translation of the same
            # English text: with the accounting installed, "Date" is
            # account's "Date " in French. No stray spaces in a header.
            sheet.write(0, col, title.strip(), bold)
        sheet.freeze_panes(1, 0)
        totals = {}
        for row_index, row in enumerate(rows, start=1):
            for col, (_title, _width, value, kind) in enumerate(columns):
                cell = value(row)
                if kind == "date":
                    if cell:
                        sheet.write_datetime(
                            row_index, col, fields.Date.from_string(cell),
                            formats["date"])
                elif kind in ("number", "money"):
                    sheet.write_number(row_index, col, cell or 0.0,
                                       formats[kind])
                else:
                    sheet.write_string(row_index, col, cell or "")
            totals["quantity"] = totals.get("quantity", 0.0) + row.quantity
            totals["amount"] = totals.get("amount", 0.0) + row.amount
        if rows:
            last = len(rows) + 1
            titles = [column[0] for column in columns]
            sheet.write(last, 0, _("Total"), bold)
            sheet.write_number(last, titles.index(_("Quantity")),
                               totals["quantity"], total_format)
            # Amounts of several currencies do not add up.
            if len(rows.mapped("currency_id")) == 1:
                sheet.write_number(last, titles.index(_("Amount")),
                                   totals["amount"], total_format)
            sheet.autofilter(0, 0, len(rows), len(columns) - 1)
