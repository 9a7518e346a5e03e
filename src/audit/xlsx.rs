//! The audit as an Excel workbook (`audit --format xlsx -o FILE`): a sheet per view (practices
//! with counts, every flow, flow ids across practices, registers with errors) and one saying
//! what the workbook is. Header rows are frozen and filtered, columns sized to their content,
//! dates stored as dates, and every text cell stored as text, so no cell can run as a formula.
//! The same run gives the same bytes: the workbook's creation date is the audit date.

use jiff::civil::Date;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::diag::Diagnostic;
use crate::policy::{Outcome, Policy};

use super::{RegisterAudit, Totals};

/// Excel's limit on a cell's text.
const MAX_CELL: usize = 32_767;

/// One cell.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Date(Date),
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn number(n: usize) -> Cell {
    Cell::Number(n as f64)
}

/// The workbook's rows, gathered over a run.
#[derive(Debug, Default)]
pub struct Collector {
    practices: Vec<Vec<Cell>>,
    flows: Vec<Vec<Cell>>,
    skipped: Vec<Vec<Cell>>,
    skipped_files: usize,
}

fn practice_headers() -> Vec<String> {
    super::csv::practice_headers()
}

impl Collector {
    /// Adds one register's rows.
    pub fn register(&mut self, audit: &RegisterAudit) {
        let mut row = vec![
            text(&audit.practice.ods_code),
            text(&audit.practice.name),
            text(&audit.icb.ods_code),
            text(&audit.icb.name),
            text("audited"),
            number(audit.flows.len()),
        ];
        row.extend(
            Outcome::ALL
                .iter()
                .map(|o| number(audit.counts[o.as_str()])),
        );
        row.extend([number(audit.warnings.len()), text(""), text(&audit.file)]);
        self.practices.push(row);
        for flow in &audit.flows {
            let d = &flow.decision;
            let mut row = vec![
                text(&audit.practice.ods_code),
                text(&audit.practice.name),
                text(&audit.icb.ods_code),
                text(&flow.id),
                text(&flow.name),
                text(&flow.recipient),
            ];
            row.extend(flow.facts.0.iter().map(|(column, value)| {
                // Date columns hold dates, so Excel sorts and filters them as dates.
                match crate::dates::parse(value) {
                    Ok(date) if column.contains("signed") || column.contains("expires") => {
                        Cell::Date(date)
                    }
                    _ => text(value),
                }
            }));
            let rules: Vec<&str> = d.matches.iter().map(|m| m.rule.as_str()).collect();
            let questions: Vec<&str> = d.questions.iter().map(|q| q.text.as_str()).collect();
            row.extend([
                text(d.outcome.as_str()),
                text(d.decided_by.as_deref().unwrap_or("")),
                text(&rules.join(" ")),
                text(if d.capped { "yes" } else { "no" }),
                text(&questions.join("\n")),
                text(&audit.file),
            ]);
            self.flows.push(row);
        }
    }

    /// Adds a register that had errors: a row in the practices sheet, and a row per error in
    /// the skipped sheet.
    pub fn skipped(&mut self, file: &str, diags: &[Diagnostic]) {
        self.skipped_files += 1;
        let mut row = vec![text(""), text(""), text(""), text(""), text("skipped")];
        row.resize(practice_headers().len(), text(""));
        let n = row.len();
        row[n - 2] = text(&super::errors_in_brief(diags));
        row[n - 1] = text(file);
        self.practices.push(row);
        for d in diags.iter().filter(|d| d.is_error()) {
            self.skipped.push(vec![
                text(file),
                number(d.span.map_or(0, |s| s.line as usize)),
                number(d.span.map_or(0, |s| s.column as usize)),
                text(d.code.as_str()),
                text(&crate::source::printable(&d.message)),
                text(&crate::source::printable(d.help.as_deref().unwrap_or(""))),
            ]);
        }
    }

    /// The workbook's bytes.
    pub fn finish(
        self,
        totals: &Totals,
        policy: &Policy,
        date: Date,
    ) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let day =
            ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
        book.set_properties(
            &DocProperties::new()
                .set_title("gpdata audit")
                .set_author("gpdata")
                .set_creation_datetime(&day),
        );
        let bold = Format::new().set_bold();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");

        let about = book.add_worksheet();
        about.set_name("About")?;
        let lines: [(&str, Cell); 7] = [
            ("Audit date", Cell::Date(date)),
            ("Policy", text(&format!("{} ({})", policy.title, policy.id))),
            ("Policy version", text(&policy.version)),
            ("Registers audited", number(totals.audited)),
            ("Registers with errors", number(self.skipped_files)),
            (
                "Sheets",
                text(
                    "Practices: counts by decision, one row per practice (registers with errors say so). Flows: every flow with its facts and decision. Flow ids: each flow id across practices. Skipped: every error in the registers left out.",
                ),
            ),
            (
                "Made by",
                text(&format!("gpdata {}", env!("CARGO_PKG_VERSION"))),
            ),
        ];
        for (i, (label, value)) in lines.iter().enumerate() {
            about.write_string_with_format(i as u32, 0, *label, &bold)?;
            put(about, i as u32, 1, value, &date_format)?;
        }
        about.set_column_width(0, 24)?;
        about.set_column_width(1, 90)?;

        let flow_headers: Vec<String> = super::csv::headers()
            .iter()
            .map(|h| h.to_string())
            .collect();
        sheet(
            &mut book,
            "Practices",
            &practice_headers(),
            &self.practices,
            &bold,
            &date_format,
        )?;
        sheet(
            &mut book,
            "Flows",
            &flow_headers,
            &self.flows,
            &bold,
            &date_format,
        )?;
        let ids: Vec<Vec<Cell>> = totals
            .flow_ids
            .iter()
            .map(|(id, s)| {
                let mut row = vec![text(id), number(s.practices)];
                row.extend(
                    Outcome::ALL
                        .iter()
                        .map(|o| number(s.outcomes.get(o.as_str()).copied().unwrap_or(0))),
                );
                row
            })
            .collect();
        sheet(
            &mut book,
            "Flow ids",
            &super::csv::flow_id_headers(),
            &ids,
            &bold,
            &date_format,
        )?;
        let skipped_headers: Vec<String> = ["file", "line", "column", "code", "message", "help"]
            .map(String::from)
            .to_vec();
        sheet(
            &mut book,
            "Skipped",
            &skipped_headers,
            &self.skipped,
            &bold,
            &date_format,
        )?;
        book.save_to_buffer()
    }
}

fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    date_format: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) if s.is_empty() => {}
        Cell::Text(s) => {
            let s: String = if s.chars().count() > MAX_CELL {
                s.chars().take(MAX_CELL - 1).chain(['…']).collect()
            } else {
                s.clone()
            };
            ws.write_string(row, col, s)?;
        }
        Cell::Number(n) => {
            ws.write_number(row, col, *n)?;
        }
        Cell::Date(d) => {
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, &day, date_format)?;
        }
    }
    Ok(())
}

/// A sheet of `rows` under `headers`: header frozen and filtered, columns sized to content.
fn sheet(
    book: &mut Workbook,
    name: &str,
    headers: &[String],
    rows: &[Vec<Cell>],
    bold: &Format,
    date_format: &Format,
) -> Result<(), XlsxError> {
    let ws = book.add_worksheet();
    ws.set_name(name)?;
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h.as_str(), bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            put(ws, r as u32 + 1, c as u16, cell, date_format)?;
            let width = match cell {
                Cell::Text(s) => s.lines().map(|l| l.chars().count()).max().unwrap_or(0),
                Cell::Number(_) => 6,
                Cell::Date(_) => 10,
            };
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(width);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(
        0,
        0,
        rows.len() as u32,
        headers.len().saturating_sub(1) as u16,
    )?;
    Ok(())
}
