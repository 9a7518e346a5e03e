//! The data a letter template sees, built from the register and its audit.
//!
//! Field names here are the template language: they are documented in the README and used by
//! LMCs' own templates, so they change only with care.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::dates;
use crate::policy::{Decision, Outcome, Policy};
use crate::record::Record;
use crate::register::{Choice, Flow, IcbRole, OptOutHandling, Register};

use super::actions::{ActionsView, actions_view};
use super::sequence::{self, NoticeGroup, SequenceView};
use super::templates::LetterKind;

/// Options that shape a letter beyond the register.
#[derive(Debug, Clone)]
pub struct LetterOptions {
    /// Which letter.
    pub kind: LetterKind,
    /// The letter's date.
    pub date: Date,
    /// Days the ICB has to reply.
    pub reply_days: u16,
    /// Our reference (default ODSCODE/DSA/1 or /2).
    pub reference: Option<String>,
    /// For a follow-up: the first letter's date (default: from the correspondence record).
    pub previous_date: Option<Date>,
    /// For a follow-up: the first letter's reference (default: from the record, or
    /// ODSCODE/DSA/1).
    pub previous_reference: Option<String>,
    /// Leave processors' and platforms' names out of the letter (some LMCs advise naming no
    /// company in a letter of this kind).
    pub omit_supplier_names: bool,
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
    obligation_phrase: &'static str,
    agreement: String,
    agreement_reference: String,
    counterparty: String,
    decision: &'static str,
    decision_title: &'static str,
    rule: String,
    rule_title: String,
    rationale: String,
    questions: Vec<String>,
    icb_manages: bool,
    runs_it: String,
    opt_out_note: String,
    catalogue: String,
}

/// A flow a notice is about.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeFlow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Who receives the data.
    pub recipient: String,
    /// Its purpose in words.
    pub purpose: &'static str,
    /// What leaves, in words.
    pub data: &'static str,
    /// The agreement's reference, or empty.
    pub agreement_reference: String,
    /// How leaving works, and any notice period, when the catalogue knows.
    pub leaving: String,
}

/// The notice being written: to whom, and about which flows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoticeView {
    /// To whom.
    pub to: String,
    /// The flows.
    pub flows: Vec<NoticeFlow>,
}

/// The letter-specific values.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    /// `enquiry`, `follow-up`, `notice` or `actions`.
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
    /// True when processors and platforms are left unnamed.
    pub omit_supplier_names: bool,
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
    asked: Vec<FlowView>,
    elsewhere: Vec<FlowView>,
    flows: Vec<FlowView>,
    sequence: SequenceView,
    notice: NoticeView,
    actions: ActionsView,
}

impl Context {
    /// What the record tells a follow-up.
    pub fn sequence(&self) -> &SequenceView {
        &self.sequence
    }

    /// The reference the letter carries.
    pub fn reference(&self) -> &str {
        &self.letter.reference
    }
}

/// The heading under which a letter or annex lists a decision.
pub fn decision_title(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::SwitchOff => "Switched off",
        Outcome::Withdraw => "Permission withdrawn",
        Outcome::Freeze => "Not signed while the action continues",
        Outcome::Query => "Questions before deciding",
        Outcome::Retain => "Continues",
        Outcome::Unclassified => "Not yet classified",
    }
}

/// What one letter is written from beyond the register and its decisions: the practice's
/// correspondence record, and for a notice the body and flows it is for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    /// The correspondence record.
    pub record: Option<&'a Record>,
    /// For a notice: to whom, about which flows.
    pub notice: Option<&'a NoticeGroup>,
}

/// Builds the template context.
pub fn build(
    register: &Register,
    decisions: &[Decision],
    policy: &Policy,
    catalogue: &Catalogue,
    options: &LetterOptions,
    extras: Extras,
) -> Context {
    let views: Vec<FlowView> = register
        .flows
        .iter()
        .zip(decisions)
        .map(|(f, d)| view(f, d, register, catalogue, options))
        .collect();
    let of = |outcome: Outcome| -> Vec<FlowView> {
        views
            .iter()
            .filter(|v| v.decision == outcome.as_str())
            .cloned()
            .collect()
    };
    // Questions go to whoever runs the flow: the ICB unless gpdata knows it has no part in it.
    let asked = views
        .iter()
        .filter(|v| v.icb_manages && !v.questions.is_empty())
        .cloned()
        .collect();
    let elsewhere = views
        .iter()
        .filter(|v| {
            !v.icb_manages
                && (!v.questions.is_empty()
                    || matches!(v.decision, "switch-off" | "withdraw" | "freeze"))
        })
        .cloned()
        .collect();
    let ods = &register.practice.ods_code;
    let reply_by = options
        .date
        .checked_add(i32::from(options.reply_days).days())
        .unwrap_or(options.date);
    let sequence = if options.kind == LetterKind::FollowUp {
        sequence::sequence_view(extras.record, register, decisions)
    } else {
        SequenceView::default()
    };
    let reference = options.reference.clone().unwrap_or_else(|| {
        sequence::default_reference(
            ods,
            options.kind,
            options.date,
            extras.record,
            extras.notice,
        )
    });
    let letter = LetterView {
        kind: options.kind.as_str(),
        date: dates::long(options.date),
        iso_date: options.date.to_string(),
        reference,
        reply_by: dates::long(reply_by),
        reply_days: options.reply_days,
        previous_date: options
            .previous_date
            .map(dates::long)
            .unwrap_or_else(|| sequence.first_date.clone()),
        previous_reference: options
            .previous_reference
            .clone()
            .or_else(|| Some(sequence.first_reference.clone()).filter(|r| !r.is_empty()))
            .unwrap_or_else(|| format!("{ods}/DSA/1")),
        omit_supplier_names: options.omit_supplier_names,
    };
    let notice = extras
        .notice
        .map(|group| notice_view(group, register, catalogue))
        .unwrap_or_default();
    let actions = if options.kind == LetterKind::Actions {
        actions_view(
            register,
            decisions,
            catalogue,
            &sequence::notice_groups(register, decisions),
        )
    } else {
        ActionsView::default()
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
        asked,
        elsewhere,
        flows: views,
        sequence,
        notice,
        actions,
    }
}

/// The notice's view of its flows.
fn notice_view(group: &NoticeGroup, register: &Register, catalogue: &Catalogue) -> NoticeView {
    let flows = group
        .flows
        .iter()
        .filter_map(|id| register.flows.iter().find(|f| &f.id == id))
        .map(|f| NoticeFlow {
            id: f.id.clone(),
            name: f.name.clone(),
            recipient: f.recipient.clone(),
            purpose: f.purpose.phrase(),
            data: f.data.phrase(),
            agreement_reference: f.agreement.reference.clone().unwrap_or_default(),
            leaving: f
                .derived
                .entry
                .as_ref()
                .and_then(|e| catalogue.entry(&e.entry))
                .and_then(|e| e.leaving.clone())
                .unwrap_or_default(),
        })
        .collect();
    NoticeView {
        to: group.to.clone(),
        flows,
    }
}

fn view(
    flow: &Flow,
    decision: &Decision,
    register: &Register,
    catalogue: &Catalogue,
    options: &LetterOptions,
) -> FlowView {
    let decisive = decision
        .decided_by
        .as_ref()
        .and_then(|id| decision.matches.iter().find(|m| &m.rule == id));
    let agreement_reference = flow.agreement.reference.clone().unwrap_or_default();
    let agreement = match &flow.agreement.reference {
        Some(r) => format!("{r} ({})", flow.agreement.status.phrase()),
        None => flow.agreement.status.phrase().to_string(),
    };
    let counterparty = flow
        .agreement
        .counterparty
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let entry = flow
        .derived
        .entry
        .as_ref()
        .and_then(|e| catalogue.entry(&e.entry));
    let runs_it = entry
        .and_then(|e| e.write_to.clone())
        .unwrap_or_else(|| flow.recipient.clone());
    let (processors, platform) = if options.omit_supplier_names {
        (String::new(), String::new())
    } else {
        (
            flow.processors.join(", "),
            flow.platform.clone().unwrap_or_default(),
        )
    };
    FlowView {
        id: flow.id.clone(),
        name: flow.name.clone(),
        recipient: flow.recipient.clone(),
        processors,
        platform,
        purpose: flow.purpose.phrase(),
        obligation: flow.obligation.as_str(),
        obligation_phrase: flow.obligation.phrase(),
        agreement,
        agreement_reference,
        counterparty,
        decision: decision.outcome.as_str(),
        decision_title: decision_title(decision.outcome),
        rule: decision.decided_by.clone().unwrap_or_else(|| "none".into()),
        rule_title: decisive.map(|m| m.title.clone()).unwrap_or_default(),
        rationale: decisive.map(|m| m.rationale.clone()).unwrap_or_default(),
        questions: decision.questions.iter().map(|q| q.text.clone()).collect(),
        icb_manages: flow.icb_role != IcbRole::None,
        runs_it,
        opt_out_note: opt_out_note(flow, register),
        catalogue: flow
            .derived
            .entry
            .as_ref()
            .map(|e| e.entry.clone())
            .unwrap_or_default(),
    }
}

/// What an opt-out a flow does not honour means in patients, from the practice's own counts:
/// "It does not apply the National Data Opt-out, which 812 of the practice's patients have
/// registered (as at 1 November 2026)." Empty when the flow honours both or the counts are
/// not recorded.
fn opt_out_note(flow: &Flow, register: &Register) -> String {
    let Some(counts) = &register.practice.opt_outs else {
        return String::new();
    };
    let as_of = counts
        .as_of
        .map(|d| format!(" (as at {})", dates::long(d)))
        .unwrap_or_default();
    let mut parts = Vec::new();
    if flow.opt_outs.national == OptOutHandling::NotApplied
        && let Some(n) = counts.national
    {
        parts.push(format!(
            "the National Data Opt-out, which {} of the practice's patients have registered",
            thousands(u64::from(n))
        ));
    }
    if flow.opt_outs.type_1 == OptOutHandling::NotApplied
        && let Some(n) = counts.type_1
    {
        parts.push(format!(
            "the Type 1 opt-out, which {} of the practice's patients have registered with the practice",
            thousands(u64::from(n))
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        "It does not apply {}{as_of}.",
        crate::english::and_list(&parts)
    )
}

/// A whole number with thousands separators: 9800 → "9,800".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_with_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(9800), "9,800");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
