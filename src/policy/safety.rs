//! The engine's safety invariant: no decision may withdraw, freeze or switch off a flow that a
//! statute, a contract or a professional duty requires. The collective action never asks a
//! practice to breach its contract, so this is enforced in the engine, not left to policies.
//!
//! At load time a rule whose action stops a flow, and whose condition does not rule out every
//! binding obligation, draws an `unsafe-rule` warning; at evaluation time its action is capped
//! to `query` for binding flows (see [`super::eval`]).

use crate::diag::Code;
use crate::reader::Ctx;
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

fn binding() -> Set {
    Obligation::ALL
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_binding())
        .fold(0, |set, (i, _)| set | 1 << i)
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

/// True when the condition could match a flow with a binding obligation.
pub fn may_match_binding(condition: &Condition) -> bool {
    possible(condition) & binding() != 0
}

/// Warns about every rule that could stop a binding flow.
pub fn warn_unsafe_rules(ctx: &mut Ctx, policy: &Policy) {
    for rule in &policy.rules {
        if rule.action.stops_flow() && may_match_binding(&rule.when) {
            ctx.report(
                Code::UnsafeRule,
                rule.span,
                format!(
                    "rule `{}` could apply `{}` to a flow that a statute, contract or professional duty requires",
                    rule.id,
                    rule.action.as_str()
                ),
                Some(
                    "add `obligation: [voluntary, unknown]` to its `when:`; until then gpdata caps it to `query` for statutory, contractual, locally commissioned and professional flows"
                        .to_string(),
                ),
            );
        }
    }
}
