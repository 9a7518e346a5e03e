//! CSV output for spreadsheets: UTF-8 with a byte-order mark (so Excel reads £ and é), a header
//! row, RFC 4180 quoting, one row per flow of every audited register. A cell a spreadsheet
//! would read as a formula starts with `'` (see [`inert`]).

use std::borrow::Cow;

use super::RegisterAudit;

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

/// The column headers, in order (documented in the README): who, the facts table's columns,
/// then the decision.
pub fn headers() -> Vec<&'static str> {
    LEADING
        .into_iter()
        .chain(super::fact_columns())
        .chain(TRAILING)
        .collect()
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
}

impl<W: std::io::Write> Writer<W> {
    /// Starts the file.
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        inner.write_record(headers())?;
        Ok(Writer { inner })
    }

    /// Writes every flow of one register.
    pub fn register(&mut self, audit: &RegisterAudit) -> std::io::Result<()> {
        for row in &audit.flows {
            let d = &row.decision;
            let rules: Vec<&str> = d.matches.iter().map(|m| m.rule.as_str()).collect();
            let mut record: Vec<&str> = vec![
                &audit.practice.ods_code,
                &audit.practice.name,
                &audit.icb.ods_code,
                &row.id,
                &row.name,
                &row.recipient,
            ];
            record.extend(row.facts.0.iter().map(|(_, v)| v.as_str()));
            let questions: Vec<&str> = d.questions.iter().map(|q| q.text.as_str()).collect();
            let questions = questions.join("\n");
            let rules = rules.join(" ");
            record.extend([
                d.outcome.as_str(),
                d.decided_by.as_deref().unwrap_or(""),
                &rules,
                if d.capped { "yes" } else { "no" },
                &questions,
                &audit.file,
            ]);
            self.inner
                .write_record(record.into_iter().map(|c| inert(c).into_owned()))?;
        }
        Ok(())
    }

    /// Flushes the output.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
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
