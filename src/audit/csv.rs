//! CSV output for spreadsheets: UTF-8 with a byte-order mark (so Excel reads £ and é), a header
//! row, RFC 4180 quoting, one row per flow of every audited register.

use super::RegisterAudit;

/// The column headers, in order (documented in the README).
pub const HEADERS: [&str; 18] = [
    "practice_ods_code",
    "practice_name",
    "icb_ods_code",
    "flow_id",
    "flow_name",
    "recipient",
    "purpose",
    "data",
    "obligation",
    "agreement_status",
    "national_opt_out",
    "type_1_opt_out",
    "decision",
    "decided_by",
    "matched_rules",
    "capped",
    "questions",
    "file",
];

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
        inner.write_record(HEADERS)?;
        Ok(Writer { inner })
    }

    /// Writes every flow of one register.
    pub fn register(&mut self, audit: &RegisterAudit) -> std::io::Result<()> {
        for row in &audit.flows {
            let d = &row.decision;
            let rules: Vec<&str> = d.matches.iter().map(|m| m.rule.as_str()).collect();
            self.inner.write_record([
                audit.practice.ods_code.as_str(),
                &audit.practice.name,
                &audit.icb.ods_code,
                &row.id,
                &row.name,
                &row.recipient,
                row.purpose,
                row.data,
                row.obligation,
                row.agreement,
                row.national_opt_out,
                row.type_1_opt_out,
                d.outcome.as_str(),
                d.decided_by.as_deref().unwrap_or(""),
                &rules.join(" "),
                if d.capped { "yes" } else { "no" },
                &d.questions.join("\n"),
                &audit.file,
            ])?;
        }
        Ok(())
    }

    /// Flushes the output.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
