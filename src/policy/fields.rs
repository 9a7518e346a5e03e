//! The policy language's vocabulary: the register's facts table seen from a rule's `when:`.
//!
//! A condition naming a path that is not a fact is an `unknown-field-path` error with a
//! suggestion; each kind of fact takes its own operators, and a word not allowed for the fact is
//! an `invalid-value` error.

use crate::register::facts::{self, FACTS, FactDef, Kind};

/// The operators a fact accepts, by what it holds.
#[derive(Debug, Clone, Copy)]
pub enum Operand {
    /// Words: a word, a list of words, or `{not: [...]}`.
    Words(&'static [&'static str]),
    /// Dates: `before`, `on-or-after`, `present`.
    Date,
    /// Text, lists and organisations: `contains`, `present`.
    Text,
    /// Worked-out truth values: `true` or `false`.
    Bool,
}

impl Operand {
    /// The operand kind of a fact.
    pub fn of(def: &FactDef) -> Operand {
        match def.kind {
            Kind::Words { words, .. } => Operand::Words(words),
            Kind::Date => Operand::Date,
            Kind::Text | Kind::List | Kind::Party => Operand::Text,
            Kind::Derived => Operand::Bool,
        }
    }

    /// What a condition on such a fact may say, for help lines.
    pub fn usage(self) -> &'static str {
        match self {
            Operand::Words(_) => "a word, a list of words, or `{not: [words]}`",
            Operand::Date => {
                "`{before: today}`, `{on-or-after: today+28}`, `{before: 2026-04-01}` or `{present: true}`"
            }
            Operand::Text => "`{contains: [words]}` or `{present: true}`",
            Operand::Bool => "true or false",
        }
    }
}

/// The fact a condition names by `path`, if there is one.
pub fn field(path: &str) -> Option<&'static FactDef> {
    facts::by_path(path)
}

/// Every path a condition may name.
pub fn paths() -> impl Iterator<Item = &'static str> {
    FACTS.iter().map(|d| d.path)
}
