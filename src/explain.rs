//! Plain-English explanations of decisions, for `gpdata explain`.

use std::fmt::Write as _;

use crate::catalogue::Catalogue;
use crate::english::plural;
use crate::policy::{Decision, Outcome, Policy};
use crate::register::Choice;
use crate::register::Flow;

/// The headline verb phrase for an outcome.
pub fn outcome_phrase(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::SwitchOff => "switch it off",
        Outcome::Withdraw => "withdraw permission",
        Outcome::Freeze => "do not sign (freeze)",
        Outcome::Query => "ask the ICB before deciding (query)",
        Outcome::Retain => "keep it (retain)",
        Outcome::Unclassified => "no rule decided it (unclassified)",
    }
}

/// The rules that would match on another date, as a paragraph (empty when none).
fn not_in_force(decision: &Decision) -> String {
    let mut out = String::new();
    for rule in &decision.not_in_force {
        let _ = writeln!(
            out,
            "\nRule `{}` (action {}) would also match, but it applies only {}; on this date it does not.",
            rule.rule,
            rule.action.as_str(),
            rule.when
        );
    }
    out
}

/// Explains one flow's decision; `file` names the register for the line references.
pub fn explain(
    file: &str,
    flow: &Flow,
    decision: &Decision,
    policy: &Policy,
    catalogue: &Catalogue,
) -> String {
    let mut out = String::new();
    let line = flow.span_of(crate::register::Fact::Id).line;
    let _ = writeln!(out, "Flow `{}`: {} ({file}:{line})", flow.id, flow.name);
    let _ = writeln!(out, "Recipient: {}", flow.recipient);
    let _ = write!(out, "Decision: {}", outcome_phrase(decision.outcome));
    match &decision.decided_by {
        Some(rule) => {
            let _ = writeln!(out, ", decided by rule `{rule}` of policy {}.", policy.id);
        }
        None => {
            let _ = writeln!(out, ".");
        }
    }
    let dormant = not_in_force(decision);
    if decision.matches.is_empty() {
        out.push_str(&dormant);
        let _ = writeln!(
            out,
            "\nNo rule of policy {} matched this flow, so gpdata cannot advise on it. It is listed \
             as unclassified in audits and in the letter's annex. Check its facts with `gpdata check`, \
             or add a rule that covers it.",
            policy.id
        );
        return out;
    }
    let _ = writeln!(
        out,
        "\n{} matched, in policy order:",
        plural(decision.matches.len(), "rule", "rules")
    );
    for (i, m) in decision.matches.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}. {} (rule `{}`, action {})",
            i + 1,
            m.title,
            m.rule,
            m.action.as_str()
        );
        let _ = writeln!(out, "   {}", m.rationale);
        if m.applied != m.action {
            let _ = writeln!(
                out,
                "   The rule asks to {}, but {}. gpdata only advises stopping a flow known to be \
                 voluntary, so it asks instead.",
                m.action.phrase(),
                crate::validate::why_not_voluntary(flow, catalogue)
            );
        }
        if !m.facts.is_empty() {
            let _ = writeln!(out, "   It relied on:");
            for fact in &m.facts {
                match (&fact.from_catalogue, &fact.from_record) {
                    (_, Some(record)) => {
                        let _ = writeln!(
                            out,
                            "   - {} is {} (from the reply of {}; {}:{}:{})",
                            fact.field,
                            fact.value,
                            crate::dates::long(record.reply),
                            record.file,
                            fact.line,
                            fact.column
                        );
                    }
                    (Some(entry), None) => {
                        let _ = writeln!(
                            out,
                            "   - {} is {} (from catalogue entry `{entry}`; {file}:{}:{})",
                            fact.field, fact.value, fact.line, fact.column
                        );
                    }
                    (None, None) => {
                        let _ = writeln!(
                            out,
                            "   - {} is {} ({file}:{}:{})",
                            fact.field, fact.value, fact.line, fact.column
                        );
                    }
                }
            }
        }
        if let Some(cites) = &m.cites {
            let _ = writeln!(out, "   Guidance: {cites}");
        }
    }
    if decision.matches.len() > 1 {
        let _ = writeln!(
            out,
            "\nWhen several rules match, the strongest action wins: switch-off, withdraw, freeze, query, retain."
        );
    }
    out.push_str(&dormant);
    if !decision.questions.is_empty() {
        let _ = writeln!(out, "\nQuestions this puts to the ICB:");
        for q in decision.questions.iter().map(|q| &q.text) {
            let _ = writeln!(out, "- {q}");
        }
    }
    out
}

/// How a flow was matched to its catalogue entry, for JSON.
#[derive(serde::Serialize)]
struct CatalogueMatch<'a> {
    entry: &'a str,
    matched_by: &'static str,
}

/// One flow's explanation, for JSON: its audit row (facts and decision), where it is, what the
/// catalogue supplied, and why gpdata would not advise stopping it if it would not.
#[derive(serde::Serialize)]
struct Explained<'a> {
    #[serde(flatten)]
    row: crate::audit::FlowRow,
    line: u32,
    catalogue: Option<CatalogueMatch<'a>>,
    inherited: Vec<&'static str>,
    known_voluntary: bool,
    not_voluntary_because: Option<String>,
}

/// The explanations of `decided` flows as one JSON document (`format` 1, documented in the
/// README), for programs.
pub fn json(
    file: &str,
    decided: &[(&Flow, Decision)],
    policy: &Policy,
    catalogue: &Catalogue,
    today: jiff::civil::Date,
) -> String {
    use crate::register::MatchedBy;
    let flows: Vec<Explained> = decided
        .iter()
        .map(|(flow, decision)| Explained {
            row: crate::audit::FlowRow::new(flow, decision.clone()),
            line: flow.span_of(crate::register::Fact::Id).line,
            catalogue: flow.derived.entry.as_ref().map(|r| CatalogueMatch {
                entry: &r.entry,
                matched_by: match r.by {
                    MatchedBy::Reference => "reference",
                    MatchedBy::Mechanism => "mechanism",
                    MatchedBy::Name => "name",
                },
            }),
            inherited: flow
                .derived
                .inherited
                .iter()
                .map(|f| f.def().path)
                .collect(),
            known_voluntary: flow.known_voluntary(),
            not_voluntary_because: (!flow.known_voluntary())
                .then(|| crate::validate::why_not_voluntary(flow, catalogue)),
        })
        .collect();
    let document = serde_json::json!({
        "format": 1,
        "file": file,
        "date": today.to_string(),
        "policy": {"id": policy.id, "version": policy.version},
        "flows": flows,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("explanations serialise");
    text.push('\n');
    text
}
