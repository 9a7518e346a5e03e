//! CSV output for spreadsheets: UTF-8 with a byte-order mark (so Excel reads £ and é), a header
//! row, RFC 4180 quoting, CRLF line ends. One row per flow of every register, or per practice,
//! or per flow id across practices (`--view`). A register with errors is a row of its own, never
//! silently missing. A cell a spreadsheet would read as a formula starts with `'` (see
//! [`inert`]).

use std::borrow::Cow;

use crate::diag::Diagnostic;
use crate::policy::Outcome;

use super::{RegisterAudit, Totals, View, errors_in_brief};

/// The columns before the facts: who the row is about.
const LEADING: [&str; 6] = [
    "practice_ods_code",
    "practice_name",
    "icb_ods_code",
    "flow_id",
    "flow_name",
    "recipient",
];

/// The columns after the facts: the decision and where the row came from.
const TRAILING: [&str; 6] = [
    "decision",
    "decided_by",
    "matched_rules",
    "capped",
    "questions",
    "file",
];

/// The column headers of the flows view, in order (documented in the README): who, the facts
/// table's columns, then the decision.
pub fn headers() -> Vec<&'static str> {
    LEADING
        .into_iter()
        .chain(super::fact_columns())
        .chain(TRAILING)
        .collect()
}

/// The column headers of the practices view.
pub fn practice_headers() -> Vec<String> {
    let mut h: Vec<String> = [
        "practice_ods_code",
        "practice_name",
        "icb_ods_code",
        "icb_name",
        "status",
        "flows",
    ]
    .map(String::from)
    .to_vec();
    h.extend(Outcome::ALL.iter().map(|o| o.as_str().replace('-', "_")));
    h.extend(["warnings", "errors", "file"].map(String::from));
    h
}

/// The column headers of the flow-ids view.
pub fn flow_id_headers() -> Vec<String> {
    let mut h: Vec<String> = ["flow_id", "practices"].map(String::from).to_vec();
    h.extend(Outcome::ALL.iter().map(|o| o.as_str().replace('-', "_")));
    h
}

/// The cell `text` as a spreadsheet will show it and never run it: Excel, LibreOffice and
/// Google Sheets treat a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) as a formula, so an LMC opening a CSV built from other people's registers
/// could run `=HYPERLINK(...)`. Such a cell is written with a leading `'`, which the spreadsheet
/// hides and which tells a reader of the raw file that the text was neutralised.
pub fn inert(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A CSV writer over any output, starting with the BOM and header row.
pub struct Writer<W: std::io::Write> {
    inner: csv::Writer<W>,
    view: View,
}

impl<W: std::io::Write> Writer<W> {
    /// Starts the file for `view`.
    pub fn new(mut out: W, view: View) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        match view {
            View::Flows => inner.write_record(headers())?,
            View::Practices => inner.write_record(practice_headers())?,
            View::FlowIds => inner.write_record(flow_id_headers())?,
        }
        Ok(Writer { inner, view })
    }

    fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
        self.inner
            .write_record(cells.into_iter().map(|c| inert(c).into_owned()))?;
        Ok(())
    }

    /// Writes one register's rows (flows view) or row (practices view).
    pub fn register(&mut self, audit: &RegisterAudit) -> std::io::Result<()> {
        match self.view {
            View::Flows => {
                for row in &audit.flows {
                    let d = &row.decision;
                    let rules: Vec<&str> = d.matches.iter().map(|m| m.rule.as_str()).collect();
                    let questions: Vec<&str> =
                        d.questions.iter().map(|q| q.text.as_str()).collect();
                    let (questions, rules) = (questions.join("\n"), rules.join(" "));
                    let mut record: Vec<&str> = vec![
                        &audit.practice.ods_code,
                        &audit.practice.name,
                        &audit.icb.ods_code,
                        &row.id,
                        &row.name,
                        &row.recipient,
                    ];
                    record.extend(row.facts.0.iter().map(|(_, v)| v.as_str()));
                    record.extend([
                        d.outcome.as_str(),
                        d.decided_by.as_deref().unwrap_or(""),
                        &rules,
                        if d.capped { "yes" } else { "no" },
                        &questions,
                        &audit.file,
                    ]);
                    self.row(record)?;
                }
                Ok(())
            }
            View::Practices => {
                let counts: Vec<String> = Outcome::ALL
                    .iter()
                    .map(|o| audit.counts[o.as_str()].to_string())
                    .collect();
                let flows = audit.flows.len().to_string();
                let warnings = audit.warnings.len().to_string();
                let mut record: Vec<&str> = vec![
                    &audit.practice.ods_code,
                    &audit.practice.name,
                    &audit.icb.ods_code,
                    &audit.icb.name,
                    "audited",
                    &flows,
                ];
                record.extend(counts.iter().map(String::as_str));
                record.extend([warnings.as_str(), "", &audit.file]);
                self.row(record)
            }
            View::FlowIds => Ok(()),
        }
    }

    /// Writes a register that had errors: a row that says so, with its errors, so it is never
    /// silently missing from the spreadsheet.
    pub fn skipped(&mut self, file: &str, diags: &[Diagnostic]) -> std::io::Result<()> {
        let errors = errors_in_brief(diags);
        match self.view {
            View::Flows => {
                let mut record = vec![""; headers().len()];
                let n = record.len();
                record[n - 6] = "skipped";
                record[n - 2] = &errors;
                record[n - 1] = file;
                self.row(record)
            }
            View::Practices => {
                let mut record = vec![""; practice_headers().len()];
                let n = record.len();
                record[4] = "skipped";
                record[n - 2] = &errors;
                record[n - 1] = file;
                self.row(record)
            }
            View::FlowIds => Ok(()),
        }
    }

    /// Writes what only the whole run knows (the flow-ids view), flushes, and hands back the
    /// output.
    pub fn finish_into(mut self, totals: &Totals) -> std::io::Result<W> {
        if self.view == View::FlowIds {
            for (id, s) in &totals.flow_ids {
                let counts: Vec<String> = Outcome::ALL
                    .iter()
                    .map(|o| s.outcomes.get(o.as_str()).copied().unwrap_or(0).to_string())
                    .collect();
                let practices = s.practices.to_string();
                let mut record: Vec<&str> = vec![id, &practices];
                record.extend(counts.iter().map(String::as_str));
                self.row(record)?;
            }
        }
        self.inner.flush()?;
        self.inner
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formula_openers_are_neutralised_and_other_text_is_kept() {
        for formula in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(inert(formula), format!("'{formula}"));
        }
        for plain in ["Riverside", "£12", "'quoted", "", "a=b", " =x"] {
            assert_eq!(inert(plain), plain);
        }
    }
}
