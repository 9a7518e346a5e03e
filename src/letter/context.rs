//! The data a letter template sees, built from the register and its audit.
//!
//! Field names here are the template language: they are documented in the README and used by
//! LMCs' own templates, so they change only with care.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::dates;
use crate::policy::{Decision, Outcome, Policy};
use crate::register::Choice;
use crate::register::{Flow, Register};

/// Options that shape a letter beyond the register.
#[derive(Debug, Clone)]
pub struct LetterOptions {
    /// `enquiry` or `follow-up`.
    pub kind: &'static str,
    /// The letter's date.
    pub date: Date,
    /// Days the ICB has to reply.
    pub reply_days: u16,
    /// Our reference (default ODSCODE/DSA/1 or /2).
    pub reference: Option<String>,
    /// For a follow-up: the first letter's date.
    pub previous_date: Option<Date>,
    /// For a follow-up: the first letter's reference.
    pub previous_reference: Option<String>,
}

/// One flow as a template sees it.
#[derive(Debug, Clone, Serialize)]
pub struct FlowView {
    id: String,
    name: String,
    recipient: String,
    processors: String,
    platform: String,
    purpose: &'static str,
    obligation: &'static str,
    agreement: String,
    decision: &'static str,
    rule: String,
    rule_title: String,
    rationale: String,
    questions: Vec<String>,
}

/// The letter-specific values.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    /// `enquiry` or `follow-up`.
    pub kind: &'static str,
    /// "14 May 2026".
    pub date: String,
    /// 2026-05-14.
    pub iso_date: String,
    /// Our reference.
    pub reference: String,
    /// The reply deadline, "11 June 2026".
    pub reply_by: String,
    /// Days allowed.
    pub reply_days: u16,
    /// The first letter's date, for follow-ups.
    pub previous_date: String,
    /// The first letter's reference, for follow-ups.
    pub previous_reference: String,
}

/// Everything a template can use.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    practice: serde_json::Value,
    icb: serde_json::Value,
    letter: LetterView,
    policy: serde_json::Value,
    counts: serde_json::Value,
    switch_off: Vec<FlowView>,
    withdraw: Vec<FlowView>,
    freeze: Vec<FlowView>,
    query: Vec<FlowView>,
    retain: Vec<FlowView>,
    unclassified: Vec<FlowView>,
    flows: Vec<FlowView>,
}

/// The reference used when none is given: ODSCODE/DSA/1 for the enquiry, /2 for a follow-up.
pub fn default_reference(ods_code: &str, kind: &str) -> String {
    let n = if kind == "enquiry" { 1 } else { 2 };
    format!("{ods_code}/DSA/{n}")
}

impl LetterOptions {
    /// This letter's reference: the one given, or the default for the practice and kind.
    pub fn reference_for(&self, ods_code: &str) -> String {
        self.reference
            .clone()
            .unwrap_or_else(|| default_reference(ods_code, self.kind))
    }
}

/// Builds the template context.
pub fn build(
    register: &Register,
    decisions: &[Decision],
    policy: &Policy,
    options: &LetterOptions,
) -> Context {
    let views: Vec<FlowView> = register
        .flows
        .iter()
        .zip(decisions)
        .map(|(f, d)| view(f, d))
        .collect();
    let of = |outcome: Outcome| -> Vec<FlowView> {
        views
            .iter()
            .filter(|v| v.decision == outcome.as_str())
            .cloned()
            .collect()
    };
    let ods = &register.practice.ods_code;
    let reply_by = options
        .date
        .checked_add(i32::from(options.reply_days).days())
        .unwrap_or(options.date);
    let letter = LetterView {
        kind: options.kind,
        date: dates::long(options.date),
        iso_date: options.date.to_string(),
        reference: options.reference_for(ods),
        reply_by: dates::long(reply_by),
        reply_days: options.reply_days,
        previous_date: options.previous_date.map(dates::long).unwrap_or_default(),
        previous_reference: options
            .previous_reference
            .clone()
            .unwrap_or_else(|| default_reference(ods, "enquiry")),
    };
    let mut counts = serde_json::Map::new();
    for outcome in Outcome::ALL {
        let n = decisions.iter().filter(|d| d.outcome == outcome).count();
        counts.insert(outcome.as_str().replace('-', "_"), n.into());
    }
    counts.insert("total".into(), decisions.len().into());
    Context {
        practice: serde_json::to_value(&register.practice).unwrap_or_default(),
        icb: serde_json::to_value(&register.icb).unwrap_or_default(),
        letter,
        policy: serde_json::json!({"id": policy.id, "title": policy.title, "version": policy.version}),
        counts: counts.into(),
        switch_off: of(Outcome::SwitchOff),
        withdraw: of(Outcome::Withdraw),
        freeze: of(Outcome::Freeze),
        query: of(Outcome::Query),
        retain: of(Outcome::Retain),
        unclassified: of(Outcome::Unclassified),
        flows: views,
    }
}

fn view(flow: &Flow, decision: &Decision) -> FlowView {
    let decisive = decision
        .decided_by
        .as_ref()
        .and_then(|id| decision.matches.iter().find(|m| &m.rule == id));
    let agreement = match (&flow.agreement.reference, flow.agreement.status.as_str()) {
        (Some(r), status) => format!("{r} ({status})"),
        (None, status) => status.to_string(),
    };
    FlowView {
        id: flow.id.clone(),
        name: flow.name.clone(),
        recipient: flow.recipient.clone(),
        processors: flow.processors.join(", "),
        platform: flow.platform.clone().unwrap_or_default(),
        purpose: flow.purpose.phrase(),
        obligation: flow.obligation.as_str(),
        agreement,
        decision: decision.outcome.as_str(),
        rule: decision.decided_by.clone().unwrap_or_else(|| "none".into()),
        rule_title: decisive.map(|m| m.title.clone()).unwrap_or_default(),
        rationale: decisive.map(|m| m.rationale.clone()).unwrap_or_default(),
        questions: decision.questions.clone(),
    }
}
