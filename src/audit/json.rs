//! JSON output: one document for the whole run, written register by register so memory stays
//! flat. The shape is documented in the README and versioned by its `format` field; `view`
//! says which rows `registers` holds.

use std::io::Write;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::policy::Policy;

use super::{Org, RegisterAudit, Totals, View};

/// Writes the JSON document incrementally.
pub struct Writer<W: Write> {
    out: W,
    first: bool,
    view: View,
}

/// A register with errors, and the errors.
#[derive(Serialize)]
struct Skipped<'a> {
    file: &'a str,
    errors: Vec<SkippedError<'a>>,
}

#[derive(Serialize)]
struct SkippedError<'a> {
    code: &'static str,
    line: u32,
    column: u32,
    message: &'a str,
    help: Option<&'a str>,
}

/// A practice's counts, for the practices view.
#[derive(Serialize)]
struct PracticeCounts<'a> {
    file: &'a str,
    practice: &'a Org,
    icb: &'a Org,
    counts: &'a std::collections::BTreeMap<&'static str, usize>,
    flows: usize,
    warnings: usize,
}

impl<W: Write> Writer<W> {
    /// Writes the opening: format version, view, date and policy.
    pub fn new(mut out: W, policy: &Policy, date: &str, view: View) -> std::io::Result<Self> {
        writeln!(out, "{{")?;
        writeln!(out, "  \"format\": 2,")?;
        writeln!(out, "  \"view\": \"{}\",", view.as_str())?;
        writeln!(out, "  \"date\": {},", serde_json::to_string(date)?)?;
        writeln!(
            out,
            "  \"policy\": {{\"id\": {}, \"version\": {}}},",
            serde_json::to_string(&policy.id)?,
            serde_json::to_string(&policy.version)?
        )?;
        write!(out, "  \"registers\": [")?;
        Ok(Writer {
            out,
            first: true,
            view,
        })
    }

    /// Writes one register's audit (its flows, or its counts, as the view says).
    pub fn register(&mut self, audit: &RegisterAudit) -> std::io::Result<()> {
        let text = match self.view {
            View::Flows => serde_json::to_string_pretty(audit)?,
            View::Practices => serde_json::to_string_pretty(&PracticeCounts {
                file: &audit.file,
                practice: &audit.practice,
                icb: &audit.icb,
                counts: &audit.counts,
                flows: audit.flows.len(),
                warnings: audit.warnings.len(),
            })?,
            View::FlowIds => return Ok(()),
        };
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        let indented = text.replace('\n', "\n    ");
        write!(self.out, "{sep}    {indented}")?;
        Ok(())
    }

    /// Writes the skipped registers with their errors, the per-flow-id view and unused rules,
    /// closes, and hands back the output.
    pub fn finish_into(
        mut self,
        totals: &Totals,
        skipped: &[(String, Vec<Diagnostic>)],
        unused: &[&str],
    ) -> std::io::Result<W> {
        let close = if self.first { "]" } else { "\n  ]" };
        writeln!(self.out, "{close},")?;
        let skipped: Vec<Skipped> = skipped
            .iter()
            .map(|(file, diags)| Skipped {
                file,
                errors: diags
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| SkippedError {
                        code: d.code.as_str(),
                        line: d.span.map_or(0, |s| s.line),
                        column: d.span.map_or(0, |s| s.column),
                        message: &d.message,
                        help: d.help.as_deref(),
                    })
                    .collect(),
            })
            .collect();
        let skipped = serde_json::to_string_pretty(&skipped)?.replace('\n', "\n  ");
        writeln!(self.out, "  \"skipped\": {skipped},")?;
        let ids = serde_json::to_string_pretty(&totals.flow_ids)?.replace('\n', "\n  ");
        writeln!(self.out, "  \"flow_ids\": {ids},")?;
        writeln!(
            self.out,
            "  \"unused_rules\": {}",
            serde_json::to_string(unused)?
        )?;
        writeln!(self.out, "}}")?;
        self.out.flush()?;
        Ok(self.out)
    }
}
