//! The engine's safety invariant: a decision may withdraw, freeze or switch off only a flow known
//! to be voluntary. The collective action never asks a practice to breach its contract or the
//! law, and a register can be wrong, so a flow whose obligation is binding, unrecorded, or
//! recorded as voluntary against what gpdata knows (its catalogue entry, its own
//! `obligation_reference`) is asked about instead. This is enforced in the engine, not left to
//! policies.
//!
//! At load time a rule whose action stops a flow, and whose condition does not limit it to
//! `obligation: voluntary`, draws an `unsafe-rule` warning; at evaluation time its action is
//! capped to `query` for every flow not known to be voluntary (see [`super::eval`]).

use crate::diag::Code;
use crate::reader::FileDiagnostics;
use crate::register::{Choice, Fact, Obligation};

use super::model::{Condition, Policy, Test};

/// A set of obligation values, one bit per `Obligation::ALL` entry.
type Set = u32;

const EVERY: Set = (1 << Obligation::ALL.len()) - 1;

fn bit(word: &str) -> Set {
    Obligation::ALL
        .iter()
        .position(|o| o.as_str() == word)
        .map_or(0, |i| 1 << i)
}

fn not_voluntary() -> Set {
    EVERY & !bit(Obligation::Voluntary.as_str())
}

/// The obligation values a flow could have and still satisfy `condition` (an over-estimate).
fn possible(condition: &Condition) -> Set {
    match condition {
        Condition::All(parts) => parts.iter().fold(EVERY, |set, p| set & possible(p)),
        Condition::Any(parts) => parts.iter().fold(0, |set, p| set | possible(p)),
        Condition::Not(inner) => match inner.as_ref() {
            Condition::Test {
                fact: Fact::Obligation,
                ..
            } => EVERY & !possible(inner),
            _ => EVERY,
        },
        Condition::Test {
            fact: Fact::Obligation,
            test,
        } => match test {
            Test::OneOf(words) => words.iter().fold(0, |set, w| set | bit(w)),
            Test::NoneOf(words) => EVERY & !words.iter().fold(0, |set, w| set | bit(w)),
            _ => EVERY,
        },
        Condition::Test { .. } => EVERY,
    }
}

/// True when the condition could match a flow whose obligation is anything but voluntary.
pub fn may_match_not_voluntary(condition: &Condition) -> bool {
    possible(condition) & not_voluntary() != 0
}

/// Warns about every rule that could stop a binding flow.
pub fn warn_unsafe_rules(ctx: &mut FileDiagnostics, policy: &Policy) {
    for rule in &policy.rules {
        if rule.action.stops_flow() && may_match_not_voluntary(&rule.when) {
            ctx.report(
                Code::UnsafeRule,
                rule.span,
                format!(
                    "rule `{}` could apply `{}` to a flow that is not known to be voluntary",
                    rule.id,
                    rule.action.as_str()
                ),
                Some(
                    "add `obligation: voluntary` to its `when:`; gpdata caps it to `query` for every flow whose obligation is binding, unrecorded or doubtful either way"
                        .to_string(),
                ),
            );
        }
    }
}
