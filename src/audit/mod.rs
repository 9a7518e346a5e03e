//! Audits: the decisions for each register, gathered over a run of many registers, and the
//! views printed from them (per-flow, per-practice, per-flow-id) as table, CSV or JSON.

pub mod csv;
pub mod json;
pub mod table;
pub mod xlsx;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::discover::Input;
use crate::policy::{self, Decision, Outcome, Policy};
use crate::register::{FACTS, Flow, Register};
use crate::validate::Env;
use crate::workers::Workers;

/// One flow's row in an audit: the facts people scan for, and the decision.
#[derive(Debug, Clone, Serialize)]
pub struct FlowRow {
    /// Flow id.
    pub id: String,
    /// Flow name.
    pub name: String,
    /// Recipient.
    pub recipient: String,
    /// The facts the register's facts table gives a column, in table order.
    #[serde(flatten)]
    pub facts: Columns,
    /// The decision and its trail.
    #[serde(flatten)]
    pub decision: Decision,
}

/// Named fact columns of an audit row, written out in order (CSV columns, JSON keys).
#[derive(Debug, Clone, Default)]
pub struct Columns(pub Vec<(&'static str, String)>);

impl Serialize for Columns {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The names of the fact columns, in order.
pub fn fact_columns() -> impl Iterator<Item = &'static str> {
    FACTS.iter().filter_map(|d| d.column)
}

impl FlowRow {
    /// The row for `flow` and its decision.
    pub fn new(flow: &Flow, decision: Decision) -> Self {
        let facts = FACTS
            .iter()
            .filter_map(|d| d.column.map(|c| (c, flow.get(d.fact).cell())))
            .collect();
        FlowRow {
            id: flow.id.clone(),
            name: flow.name.clone(),
            recipient: flow.recipient.clone(),
            facts: Columns(facts),
            decision,
        }
    }

    /// The value in fact column `name` (empty if there is no such column).
    pub fn column(&self, name: &str) -> &str {
        self.facts
            .0
            .iter()
            .find(|(c, _)| *c == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Name and ODS code of an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Org {
    /// Name.
    pub name: String,
    /// ODS code.
    pub ods_code: String,
}

/// The audit of one register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterAudit {
    /// The register file.
    pub file: String,
    /// The practice.
    pub practice: Org,
    /// The ICB.
    pub icb: Org,
    /// Flows per outcome, every outcome present (zero or more).
    pub counts: BTreeMap<&'static str, usize>,
    /// One row per flow, in register order.
    pub flows: Vec<FlowRow>,
    /// Warnings found while loading (not part of JSON output; printed separately).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// Audits a register already loaded.
pub fn audit_register(
    file: &str,
    register: &Register,
    policy: &Policy,
    today: Date,
) -> RegisterAudit {
    let decisions = policy::evaluate(policy, register, today);
    let flows: Vec<FlowRow> = register
        .flows
        .iter()
        .zip(decisions)
        .map(|(f, d)| FlowRow::new(f, d))
        .collect();
    let mut counts: BTreeMap<&'static str, usize> =
        Outcome::ALL.iter().map(|o| (o.as_str(), 0)).collect();
    for row in &flows {
        *counts.entry(row.decision.outcome.as_str()).or_default() += 1;
    }
    RegisterAudit {
        file: file.to_string(),
        practice: Org {
            name: register.practice.name.clone(),
            ods_code: register.practice.ods_code.clone(),
        },
        icb: Org {
            name: register.icb.name.clone(),
            ods_code: register.icb.ods_code.clone(),
        },
        counts,
        flows,
        warnings: Vec::new(),
    }
}

/// What happened to one input of a run.
#[derive(Debug)]
pub enum Item {
    /// The register loaded and was audited.
    Audited(Box<RegisterAudit>),
    /// The register had errors and was skipped.
    Skipped {
        /// The file.
        file: String,
        /// Its diagnostics (errors and warnings).
        diags: Vec<Diagnostic>,
    },
}

/// Loads and audits each input, in input order, handing results to `sink` as they are ready.
/// Work is done in parallel in small batches so memory stays flat however many files there are.
pub fn run(
    inputs: &[Input],
    policy: &Policy,
    env: &Env,
    workers: &Workers,
    sink: impl FnMut(Item),
) {
    workers.each(
        inputs,
        |input| {
            let loaded = input.load(env);
            match loaded.register {
                Some(register) => {
                    let mut audit = audit_register(&loaded.name, &register, policy, env.today);
                    audit.warnings = loaded.diags;
                    Item::Audited(Box::new(audit))
                }
                None => Item::Skipped {
                    file: loaded.name,
                    diags: loaded.diags,
                },
            }
        },
        sink,
    );
}

/// Which rows an audit lists: every flow, one row per practice, or each flow id across
/// practices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// One row per flow of every register.
    Flows,
    /// One row per practice, with counts by decision.
    Practices,
    /// One row per flow id, with counts by decision across practices.
    FlowIds,
}

impl View {
    /// The word used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Flows => "flows",
            View::Practices => "practices",
            View::FlowIds => "flow-ids",
        }
    }
}

/// A register's errors in one line for a spreadsheet cell: the first few, each with its line
/// and column, and how many more.
pub fn errors_in_brief(diags: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    let mut parts: Vec<String> = errors
        .iter()
        .take(3)
        .map(|d| match d.span {
            Some(s) => format!(
                "line {}, column {}: {} ({})",
                s.line,
                s.column,
                d.message,
                d.code.as_str()
            ),
            None => format!("{} ({})", d.message, d.code.as_str()),
        })
        .collect();
    if errors.len() > 3 {
        parts.push(format!("and {} more", errors.len() - 3));
    }
    crate::source::printable(&parts.join("; ")).into_owned()
}

/// How often each flow id got each outcome across practices.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FlowIdSummary {
    /// Practices whose register has this flow id.
    pub practices: usize,
    /// Practices per outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
}

/// Totals gathered over a run, for summaries and the unused-rule warning.
#[derive(Debug, Default)]
pub struct Totals {
    /// Registers audited.
    pub audited: usize,
    /// Registers skipped for errors.
    pub skipped: Vec<String>,
    /// Flow ids across practices.
    pub flow_ids: BTreeMap<String, FlowIdSummary>,
    /// Matches per rule id.
    pub rule_hits: BTreeMap<String, usize>,
    /// Flows per outcome over all registers.
    pub outcomes: BTreeMap<&'static str, usize>,
}

impl Totals {
    /// Adds one item.
    pub fn add(&mut self, item: &Item) {
        match item {
            Item::Audited(audit) => {
                self.audited += 1;
                for row in &audit.flows {
                    let summary = self.flow_ids.entry(row.id.clone()).or_default();
                    summary.practices += 1;
                    *summary
                        .outcomes
                        .entry(row.decision.outcome.as_str())
                        .or_default() += 1;
                    *self
                        .outcomes
                        .entry(row.decision.outcome.as_str())
                        .or_default() += 1;
                    for m in &row.decision.matches {
                        *self.rule_hits.entry(m.rule.clone()).or_default() += 1;
                    }
                }
            }
            Item::Skipped { file, .. } => self.skipped.push(file.clone()),
        }
    }

    /// The ids of rules that matched nothing in the whole run.
    pub fn unused_rules<'p>(&self, policy: &'p Policy) -> Vec<&'p str> {
        policy
            .rules
            .iter()
            .filter(|r| !self.rule_hits.contains_key(&r.id))
            .map(|r| r.id.as_str())
            .collect()
    }
}
