//! The register fields a policy condition can test, and how to read each one from a flow.
//!
//! This table is the policy language's vocabulary: a condition naming a path not listed here is
//! an `unknown-field-path` error with a suggestion, and a value not allowed for the field is an
//! `invalid-value` error.

use jiff::civil::Date;

use crate::ods;
use crate::reader::Choice;
use crate::register::*;

/// What kind of value a field holds, which decides the operators it accepts.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One of a fixed set of words.
    Words(fn() -> Vec<&'static str>),
    /// A date that may be absent.
    Date,
    /// Free text that may be absent.
    Text,
    /// True or false, derived by gpdata.
    Bool,
}

/// One testable field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The dotted path used in policies, e.g. `agreement.status`.
    pub path: &'static str,
    /// Its kind.
    pub kind: Kind,
    /// What it means, for `gpdata policy show` readers and the README.
    pub doc: &'static str,
}

/// Every field a condition may name.
pub const FIELDS: &[Field] = &[
    Field {
        path: "purpose",
        kind: Kind::Words(Purpose::words),
        doc: "direct care, secondary use, or both",
    },
    Field {
        path: "data",
        kind: Kind::Words(DataForm::words),
        doc: "how identifiable the data is",
    },
    Field {
        path: "obligation",
        kind: Kind::Words(Obligation::words),
        doc: "what obliges the practice to share",
    },
    Field {
        path: "mechanism",
        kind: Kind::Words(Mechanism::words),
        doc: "the technical route",
    },
    Field {
        path: "legal_basis.article_6",
        kind: Kind::Words(Article6::words),
        doc: "UK GDPR Article 6 basis",
    },
    Field {
        path: "legal_basis.article_9",
        kind: Kind::Words(Article9::words),
        doc: "UK GDPR Article 9 condition",
    },
    Field {
        path: "legal_basis.confidentiality",
        kind: Kind::Words(Confidentiality::words),
        doc: "common-law confidentiality basis",
    },
    Field {
        path: "agreement.status",
        kind: Kind::Words(AgreementStatus::words),
        doc: "where the agreement stands",
    },
    Field {
        path: "opt_outs.national",
        kind: Kind::Words(OptOutHandling::words),
        doc: "National Data Opt-out handling",
    },
    Field {
        path: "opt_outs.type_1",
        kind: Kind::Words(OptOutHandling::words),
        doc: "Type 1 opt-out handling",
    },
    Field {
        path: "agreement.signed",
        kind: Kind::Date,
        doc: "when the agreement was signed",
    },
    Field {
        path: "agreement.expires",
        kind: Kind::Date,
        doc: "when the agreement ends",
    },
    Field {
        path: "agreement.counterparty_abolished",
        kind: Kind::Bool,
        doc: "the agreement's counterparty is an ICB abolished on 1 April 2026 (needs `counterparty.ods_code`)",
    },
    Field {
        path: "recipient",
        kind: Kind::Text,
        doc: "who receives the data",
    },
    Field {
        path: "processors",
        kind: Kind::Text,
        doc: "processors, joined with commas",
    },
    Field {
        path: "platform",
        kind: Kind::Text,
        doc: "the platform the data lands on",
    },
    Field {
        path: "name",
        kind: Kind::Text,
        doc: "the flow's name",
    },
    Field {
        path: "obligation_reference",
        kind: Kind::Text,
        doc: "the statute or clause cited as the obligation",
    },
    Field {
        path: "legal_basis.reference",
        kind: Kind::Text,
        doc: "the legal basis citation",
    },
    Field {
        path: "agreement.reference",
        kind: Kind::Text,
        doc: "the agreement's reference",
    },
];

/// The field with this path.
pub fn field(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
}

/// A fact read from a flow for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// An enumeration word.
    Word(&'static str),
    /// A date, if recorded.
    Date(Option<Date>),
    /// Text, if recorded.
    Text(Option<String>),
    /// A derived truth value.
    Bool(bool),
}

impl Fact {
    /// The fact as written in an explanation.
    pub fn display(&self) -> String {
        match self {
            Fact::Word(w) => (*w).to_string(),
            Fact::Date(Some(d)) => d.to_string(),
            Fact::Date(None) | Fact::Text(None) => "(not recorded)".to_string(),
            Fact::Text(Some(t)) => t.clone(),
            Fact::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        }
    }
}

/// Reads the fact at `path` from `flow`, judging derived facts as of `today`.
pub fn read(flow: &Flow, path: &str, today: Date) -> Fact {
    let a = &flow.agreement;
    match path {
        "purpose" => Fact::Word(flow.purpose.as_str()),
        "data" => Fact::Word(flow.data.as_str()),
        "obligation" => Fact::Word(flow.obligation.as_str()),
        "mechanism" => Fact::Word(flow.mechanism.as_str()),
        "legal_basis.article_6" => Fact::Word(flow.legal_basis.article_6.as_str()),
        "legal_basis.article_9" => Fact::Word(flow.legal_basis.article_9.as_str()),
        "legal_basis.confidentiality" => Fact::Word(flow.legal_basis.confidentiality.as_str()),
        "agreement.status" => Fact::Word(a.status.as_str()),
        "opt_outs.national" => Fact::Word(flow.opt_outs.national.as_str()),
        "opt_outs.type_1" => Fact::Word(flow.opt_outs.type_1.as_str()),
        "agreement.signed" => Fact::Date(a.signed),
        "agreement.expires" => Fact::Date(a.expires),
        "agreement.counterparty_abolished" => Fact::Bool(
            a.counterparty
                .as_ref()
                .and_then(|c| c.ods_code.as_deref())
                .is_some_and(|code| ods::abolished(code, today).is_some()),
        ),
        "recipient" => Fact::Text(Some(flow.recipient.clone())),
        "processors" => {
            Fact::Text((!flow.processors.is_empty()).then(|| flow.processors.join(", ")))
        }
        "platform" => Fact::Text(flow.platform.clone()),
        "name" => Fact::Text(Some(flow.name.clone())),
        "obligation_reference" => Fact::Text(flow.obligation_reference.clone()),
        "legal_basis.reference" => Fact::Text(flow.legal_basis.reference.clone()),
        "agreement.reference" => Fact::Text(a.reference.clone()),
        other => unreachable!("policy loader admitted unknown field path {other}"),
    }
}

/// Where in the register a fact was written: the span recorded for the path, falling back to
/// the enclosing block and then the flow itself (absent facts have no span of their own).
pub fn span_path(path: &str) -> &str {
    match path {
        "agreement.counterparty_abolished" => "agreement.counterparty",
        "processors" | "platform" | "name" | "recipient" | "notes" => "flow",
        "legal_basis.reference" => "legal_basis.article_6",
        "agreement.reference" => "agreement.status",
        other => other,
    }
}
