//! Evaluating a policy against a register: one decision per flow, with the trail of rules and
//! facts that produced it.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::register::facts::Value;
use crate::register::{Fact, Flow, Register};

use super::model::*;

/// The outcome for one flow: an action, or `unclassified` when no rule matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// See [`Action::SwitchOff`].
    SwitchOff,
    /// See [`Action::Withdraw`].
    Withdraw,
    /// See [`Action::Freeze`].
    Freeze,
    /// See [`Action::Query`].
    Query,
    /// See [`Action::Retain`].
    Retain,
    /// No rule matched: a finding of its own, never silently dropped.
    Unclassified,
}

impl Outcome {
    /// Every outcome, strongest first.
    pub const ALL: [Outcome; 6] = [
        Outcome::SwitchOff,
        Outcome::Withdraw,
        Outcome::Freeze,
        Outcome::Query,
        Outcome::Retain,
        Outcome::Unclassified,
    ];

    /// The kebab-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::SwitchOff => "switch-off",
            Outcome::Withdraw => "withdraw",
            Outcome::Freeze => "freeze",
            Outcome::Query => "query",
            Outcome::Retain => "retain",
            Outcome::Unclassified => "unclassified",
        }
    }

    /// True for outcomes that stop data flowing.
    pub fn stops_flow(self) -> bool {
        matches!(
            self,
            Outcome::SwitchOff | Outcome::Withdraw | Outcome::Freeze
        )
    }
}

impl From<Action> for Outcome {
    fn from(action: Action) -> Self {
        match action {
            Action::SwitchOff => Outcome::SwitchOff,
            Action::Withdraw => Outcome::Withdraw,
            Action::Freeze => Outcome::Freeze,
            Action::Query => Outcome::Query,
            Action::Retain => Outcome::Retain,
        }
    }
}

/// A fact a rule relied on, and where the register states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactUse {
    /// The field path.
    pub field: &'static str,
    /// The value as written (or "(not recorded)").
    pub value: String,
    /// 1-based line in the register (0 when the fact is absent and the flow has no line).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The catalogue entry the value came from, when the register does not state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_catalogue: Option<String>,
    /// The correspondence record the value came from (a reply established it), when neither
    /// the register nor the catalogue states it; `line` and `column` are then the record's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_record: Option<RecordSource>,
}

/// The reply a fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordSource {
    /// The record file.
    pub file: String,
    /// The reply's date.
    pub reply: Date,
}

/// One rule that matched a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The rule's id.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// The action the rule asked for.
    pub action: Action,
    /// The action applied after the safety cap (differs only for binding flows).
    pub applied: Action,
    /// Why.
    pub rationale: String,
    /// The guidance cited.
    pub cites: Option<String>,
    /// The facts the rule relied on.
    pub facts: Vec<FactUse>,
}

/// A question a rule puts about a flow, with the id a reply record answers it by:
/// `FLOW/RULE`, and `FLOW/RULE/2` for a rule's second question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// `FLOW/RULE` (or `FLOW/RULE/N`): stable while the flow and the rule keep their ids.
    pub id: String,
    /// The question as the letter puts it.
    pub text: String,
}

/// The decision for one flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The flow's id.
    pub flow: String,
    /// What the practice should do.
    pub outcome: Outcome,
    /// The rule that set the outcome (the first matching rule with the strongest action).
    pub decided_by: Option<String>,
    /// Every matching rule, in policy order.
    pub matches: Vec<Match>,
    /// Questions for the ICB, from every matching rule, without repeats.
    pub questions: Vec<Question>,
    /// Set when the safety cap lowered a rule's action.
    pub capped: bool,
    /// Rules whose `when:` holds but that are not in force on the audit date, with when they
    /// are: the decision may change on another date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_in_force: Vec<NotInForce>,
}

/// A rule that would match on another date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotInForce {
    /// The rule's id.
    pub rule: String,
    /// Its action.
    pub action: Action,
    /// When it applies, in words.
    pub when: String,
}

/// Decides every flow of `register` under `policy`, judging dates as of `today`.
pub fn evaluate(policy: &Policy, register: &Register, today: Date) -> Vec<Decision> {
    register
        .flows
        .iter()
        .map(|flow| decide(policy, flow, today))
        .collect()
}

/// Decides one flow.
pub fn decide(policy: &Policy, flow: &Flow, today: Date) -> Decision {
    let mut matches = Vec::new();
    let mut questions: Vec<Question> = Vec::new();
    let mut not_in_force = Vec::new();
    for rule in &policy.rules {
        let mut tested = Vec::new();
        if !holds(&rule.when, flow, today, &mut tested) {
            continue;
        }
        if !rule.in_force.covers(today) {
            not_in_force.push(NotInForce {
                rule: rule.id.clone(),
                action: rule.action,
                when: rule.in_force.describe(),
            });
            continue;
        }
        // The invariant: only a flow known to be voluntary may be advised to stop; a binding,
        // unrecorded or doubtful obligation turns the advice into a question.
        let applied = if rule.action.stops_flow() && !flow.known_voluntary() {
            Action::Query
        } else {
            rule.action
        };
        for (n, question) in rule.ask.iter().enumerate() {
            let text = fill(question, flow);
            if !questions.iter().any(|q| q.text == text) {
                let id = match n {
                    0 => format!("{}/{}", flow.id, rule.id),
                    n => format!("{}/{}/{}", flow.id, rule.id, n + 1),
                };
                questions.push(Question { id, text });
            }
        }
        // What a fact's use says is worked out only for rules that apply: most do not.
        let mut facts: Vec<FactUse> = tested.into_iter().map(|f| fact_use(f, flow)).collect();
        facts.sort_by_key(|f| (f.line, f.column));
        facts.dedup();
        matches.push(Match {
            rule: rule.id.clone(),
            title: rule.title.clone(),
            action: rule.action,
            applied,
            rationale: fill(&rule.rationale, flow),
            cites: rule.cites.clone(),
            facts,
        });
    }
    let decisive = matches.iter().min_by_key(|m| m.applied);
    Decision {
        flow: flow.id.clone(),
        outcome: decisive.map_or(Outcome::Unclassified, |m| m.applied.into()),
        decided_by: decisive.map(|m| m.rule.clone()),
        capped: matches.iter().any(|m| m.applied != m.action),
        matches,
        questions,
        not_in_force,
    }
}

/// The placeholders a rule's `ask` and `rationale` may use, each filled from the flow.
pub const PLACEHOLDERS: &[&str] = &[
    "recipient",
    "name",
    "id",
    "platform",
    "agreement",
    "obligation_reference",
];

fn placeholder(name: &str, flow: &Flow) -> Option<String> {
    Some(match name {
        "recipient" => flow.recipient.clone(),
        "name" => flow.name.clone(),
        "id" => flow.id.clone(),
        "platform" => flow
            .platform
            .clone()
            .unwrap_or_else(|| "the platform".into()),
        "agreement" => match &flow.agreement.reference {
            Some(r) => format!("agreement {r}"),
            None => "no agreement reference on file".into(),
        },
        "obligation_reference" => flow
            .obligation_reference
            .as_deref()
            .map(|r| r.trim_end_matches('.').to_string())
            .unwrap_or_else(|| "the register cites no reference".into()),
        _ => return None,
    })
}

/// Fills `{placeholders}` from the flow in one pass, so text brought in from the register is
/// never itself read as a placeholder.
fn fill(template: &str, flow: &Flow) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| placeholder(&after[..close], flow).map(|value| (close, value)))
        {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `condition` holds for `flow`, with the facts it tested (those of the branch that
/// held, for `any`) added to `facts`.
fn holds(condition: &Condition, flow: &Flow, today: Date, facts: &mut Vec<Fact>) -> bool {
    match condition {
        Condition::All(parts) => parts.iter().all(|p| holds(p, flow, today, facts)),
        Condition::Any(parts) => {
            // Keep only the facts of the branch that held, so explanations stay to the point.
            for part in parts {
                let mut branch = Vec::new();
                if holds(part, flow, today, &mut branch) {
                    facts.extend(branch);
                    return true;
                }
            }
            false
        }
        Condition::Not(inner) => !holds(inner, flow, today, facts),
        Condition::Test { fact, test } => {
            facts.push(*fact);
            passes(test, &flow.get(*fact), today)
        }
    }
}

/// What a rule's explanation says of `fact`: its value, where it is written, and whether the
/// catalogue or a reply supplied it.
fn fact_use(fact: Fact, flow: &Flow) -> FactUse {
    let recorded = flow.derived.from_record.iter().find(|r| r.fact == fact);
    let span = recorded.map_or_else(|| flow.span_of(fact), |r| r.span);
    let from_catalogue = flow
        .derived
        .inherited
        .contains(&fact)
        .then(|| flow.derived.entry.as_ref().map(|e| e.entry.clone()))
        .flatten();
    FactUse {
        field: fact.path(),
        value: flow.get(fact).display(),
        line: span.line,
        column: span.column,
        from_catalogue,
        from_record: recorded.map(|r| RecordSource {
            file: r.file.clone(),
            reply: r.date,
        }),
    }
}

fn resolve(day: DateRef, today: Date) -> Date {
    match day {
        DateRef::Fixed(d) => d,
        DateRef::Today(days) => today.checked_add(days.days()).unwrap_or(today),
    }
}

fn passes(test: &Test, value: &Value, today: Date) -> bool {
    match (test, value) {
        (Test::OneOf(words), Value::Word(w)) => words.contains(w),
        (Test::NoneOf(words), Value::Word(w)) => !words.contains(w),
        (Test::Before(day), Value::Date(Some(d))) => *d < resolve(*day, today),
        (Test::OnOrAfter(day), Value::Date(Some(d))) => *d >= resolve(*day, today),
        (Test::Present(want), Value::Date(d)) => d.is_some() == *want,
        (Test::Present(want), v) => v.text().is_some() == *want,
        (Test::Contains(needles), v) => v.text().is_some_and(|t| {
            let hay = t.to_lowercase();
            needles.iter().any(|n| hay.contains(n.as_str()))
        }),
        (Test::Is(want), Value::Bool(b)) => b == want,
        _ => false,
    }
}
