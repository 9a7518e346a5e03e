//! JSON output: one document for the whole run, written register by register so memory stays
//! flat. The shape is documented in the README and versioned by its `format` field.

use std::io::Write;

use serde::Serialize;

use crate::policy::Policy;

use super::{RegisterAudit, Totals};

/// Writes the JSON document incrementally.
pub struct Writer<W: Write> {
    out: W,
    first: bool,
}

#[derive(Serialize)]
struct Skipped<'a> {
    file: &'a str,
}

impl<W: Write> Writer<W> {
    /// Writes the opening: format version, date and policy.
    pub fn new(mut out: W, policy: &Policy, date: &str) -> std::io::Result<Self> {
        writeln!(out, "{{")?;
        writeln!(out, "  \"format\": 2,")?;
        writeln!(out, "  \"date\": {},", serde_json::to_string(date)?)?;
        writeln!(
            out,
            "  \"policy\": {{\"id\": {}, \"version\": {}}},",
            serde_json::to_string(&policy.id)?,
            serde_json::to_string(&policy.version)?
        )?;
        write!(out, "  \"registers\": [")?;
        Ok(Writer { out, first: true })
    }

    /// Writes one register's audit.
    pub fn register(&mut self, audit: &RegisterAudit) -> std::io::Result<()> {
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        let text = serde_json::to_string_pretty(audit)?;
        let indented = text.replace('\n', "\n    ");
        write!(self.out, "{sep}    {indented}")?;
        Ok(())
    }

    /// Writes the skipped files, the per-flow-id view and unused rules, and closes.
    pub fn finish(mut self, totals: &Totals, unused: &[&str]) -> std::io::Result<()> {
        let close = if self.first { "]" } else { "\n  ]" };
        writeln!(self.out, "{close},")?;
        let skipped: Vec<Skipped> = totals.skipped.iter().map(|f| Skipped { file: f }).collect();
        writeln!(
            self.out,
            "  \"skipped\": {},",
            serde_json::to_string(&skipped)?
        )?;
        let ids = serde_json::to_string_pretty(&totals.flow_ids)?.replace('\n', "\n  ");
        writeln!(self.out, "  \"flow_ids\": {ids},")?;
        writeln!(
            self.out,
            "  \"unused_rules\": {}",
            serde_json::to_string(unused)?
        )?;
        writeln!(self.out, "}}")?;
        self.out.flush()
    }
}
