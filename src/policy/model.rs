//! The policy types: ordered rules of conditions and actions.

use serde::Serialize;

use crate::register::{Choice, Fact};
use crate::source::Span;

/// What the practice should do about a flow, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Turn off software or a function (e.g. medicines optimisation software).
    SwitchOff,
    /// Withdraw permission for an existing voluntary flow.
    Withdraw,
    /// Do not sign a new agreement.
    Freeze,
    /// Ask the ICB for facts before deciding.
    Query,
    /// Keep the flow.
    Retain,
}

impl Choice for Action {
    const ALL: &'static [Self] = &[
        Action::SwitchOff,
        Action::Withdraw,
        Action::Freeze,
        Action::Query,
        Action::Retain,
    ];
    const WORDS: &'static [&'static str] = &["switch-off", "withdraw", "freeze", "query", "retain"];
    const PHRASES: &'static [&'static str] = &[
        "switch off the software",
        "withdraw permission",
        "do not sign up",
        "ask the ICB",
        "keep the flow",
    ];
    const NOUN: &'static str = "action";
    fn as_str(self) -> &'static str {
        match self {
            Action::SwitchOff => "switch-off",
            Action::Withdraw => "withdraw",
            Action::Freeze => "freeze",
            Action::Query => "query",
            Action::Retain => "retain",
        }
    }
}

impl Action {
    /// True for the actions that stop data flowing; never allowed on a binding flow.
    pub fn stops_flow(self) -> bool {
        matches!(self, Action::SwitchOff | Action::Withdraw | Action::Freeze)
    }

    /// The action as a verb phrase for sentences.
    pub fn phrase(self) -> &'static str {
        match self {
            Action::SwitchOff => "switch off",
            Action::Withdraw => "withdraw permission",
            Action::Freeze => "freeze sign-up",
            Action::Query => "query with the ICB",
            Action::Retain => "retain",
        }
    }
}

/// A policy: an id, a title, a version and ordered rules.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Short id, e.g. `gpc-2026`.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// The policy's own version.
    pub version: String,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// The file the policy came from (`(built in)` for the default).
    pub source: String,
}

/// One rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id, unique in the policy.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// When the rule applies.
    pub when: Condition,
    /// What it advises.
    pub action: Action,
    /// Why, in a sentence or two.
    pub rationale: String,
    /// The guidance it follows.
    pub cites: Option<String>,
    /// Questions for the ICB; `{recipient}`, `{name}` and `{id}` are filled in per flow.
    pub ask: Vec<String>,
    /// The days the rule applies: an audit dated outside them does not use it.
    pub in_force: InForce,
    /// Where the rule starts in the policy file.
    pub span: Span,
}

/// The days a rule applies, from and until (inclusive); either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InForce {
    /// The first day.
    pub from: Option<jiff::civil::Date>,
    /// The last day.
    pub until: Option<jiff::civil::Date>,
}

impl InForce {
    /// True on `day`.
    pub fn covers(&self, day: jiff::civil::Date) -> bool {
        self.from.is_none_or(|f| day >= f) && self.until.is_none_or(|u| day <= u)
    }

    /// "from 1 June 2026", "until 31 March 2027", "from … until …", or "" when always.
    pub fn describe(&self) -> String {
        match (self.from, self.until) {
            (Some(f), Some(u)) => format!(
                "from {} until {}",
                crate::dates::long(f),
                crate::dates::long(u)
            ),
            (Some(f), None) => format!("from {}", crate::dates::long(f)),
            (None, Some(u)) => format!("until {}", crate::dates::long(u)),
            (None, None) => String::new(),
        }
    }
}

/// A condition over a flow's facts.
#[derive(Debug, Clone)]
pub enum Condition {
    /// Every part holds (also what several keys in one mapping mean).
    All(Vec<Condition>),
    /// At least one part holds.
    Any(Vec<Condition>),
    /// The part does not hold.
    Not(Box<Condition>),
    /// A test on one fact.
    Test {
        /// The fact tested.
        fact: Fact,
        /// The test.
        test: Test,
    },
}

/// A test on one field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The word is one of these (a single word is a one-item list).
    OneOf(Vec<&'static str>),
    /// The word is none of these.
    NoneOf(Vec<&'static str>),
    /// The date is recorded and falls before the reference day.
    Before(DateRef),
    /// The date is recorded and falls on or after the reference day.
    OnOrAfter(DateRef),
    /// The date or text is recorded (`true`) or not (`false`).
    Present(bool),
    /// The text contains one of these, ignoring case.
    Contains(Vec<String>),
    /// The derived truth value equals this.
    Is(bool),
}

/// A day a date is compared with: a fixed date, or the audit date plus or minus some days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRef {
    /// A calendar date.
    Fixed(jiff::civil::Date),
    /// The audit date moved by this many days.
    Today(i32),
}
