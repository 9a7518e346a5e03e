//! The facts a register records about each flow, declared once.
//!
//! Every stage that names a flow fact reads this table: the loader (which keys a flow may have,
//! how each value is read, where it was written), the linter (which `unknown`s are gaps), the
//! policy language (which paths a rule may test and with which operators), the audit views and
//! CSV/JSON columns, the catalogue (which facts an entry can state and a register inherit) and
//! the JSON Schema's descriptions. Adding a fact is one [`FactDef`] here plus the field it fills
//! in [`Flow`].

use jiff::civil::Date;

use super::choice::Choice;
use super::model::*;

/// A fact about a flow, named by its place in the register.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Fact {
    /// `id`.
    Id,
    /// `catalogue`.
    Catalogue,
    /// `name`.
    Name,
    /// `recipient`.
    Recipient,
    /// `processors`.
    Processors,
    /// `platform`.
    Platform,
    /// `icb_role`.
    IcbRole,
    /// `purpose`.
    Purpose,
    /// `data`.
    Data,
    /// `legal_basis.article_6`.
    Article6,
    /// `legal_basis.article_9`.
    Article9,
    /// `legal_basis.schedule_1`.
    Schedule1,
    /// `legal_basis.confidentiality`.
    Confidentiality,
    /// `legal_basis.reference`.
    LegalReference,
    /// `obligation`.
    Obligation,
    /// `obligation_reference`.
    ObligationReference,
    /// `obligation_settled` (worked out, never written).
    ObligationSettled,
    /// `stage`.
    Stage,
    /// `agreement.status`.
    AgreementStatus,
    /// `agreement.reference`.
    AgreementReference,
    /// `agreement.signed`.
    AgreementSigned,
    /// `agreement.expires`.
    AgreementExpires,
    /// `agreement.counterparty`.
    Counterparty,
    /// `agreement.counterparty_abolished` (worked out, never written).
    CounterpartyAbolished,
    /// `dpia`.
    Dpia,
    /// `dspt`.
    Dspt,
    /// `onward_access`.
    OnwardAccess,
    /// `retention`.
    Retention,
    /// `opt_outs.national`.
    NationalOptOut,
    /// `opt_outs.type_1`.
    Type1OptOut,
    /// `mechanism`.
    Mechanism,
    /// `prompts`.
    Prompts,
    /// `writes_to_record`.
    WritesToRecord,
    /// `notes`.
    Notes,
}

/// What kind of value a fact holds, which decides how it is read and which policy operators fit.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One of a fixed set of words; `noun` names the set in messages ("purpose").
    Words {
        /// Every allowed word.
        words: &'static [&'static str],
        /// What the set is called in messages.
        noun: &'static str,
        /// Each word in plain English, in the same order (the web page's choices).
        phrases: &'static [&'static str],
    },
    /// A date written YYYY-MM-DD.
    Date,
    /// One line of text.
    Text,
    /// A list of text (a single line is a one-item list).
    List,
    /// An organisation: a name, or a mapping of `name` and `ods_code`.
    Party,
    /// True or false, worked out by gpdata from other facts.
    Derived,
}

impl Kind {
    const fn words<C: Choice>() -> Kind {
        Kind::Words {
            words: C::WORDS,
            noun: C::NOUN,
            phrases: C::PHRASES,
        }
    }
}

/// A fact's value as read from a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An enumeration word.
    Word(&'static str),
    /// A date, if recorded.
    Date(Option<Date>),
    /// Text, if recorded.
    Text(Option<String>),
    /// A list of text (empty when not recorded).
    List(Vec<String>),
    /// An organisation, if recorded.
    Party(Option<Counterparty>),
    /// A worked-out truth value.
    Bool(bool),
}

impl Value {
    /// The value as a person reads it in an explanation or a table cell.
    pub fn display(&self) -> String {
        match self {
            Value::Word(w) => (*w).to_string(),
            Value::Date(Some(d)) => d.to_string(),
            Value::Text(Some(t)) => t.clone(),
            Value::List(items) if !items.is_empty() => items.join(", "),
            Value::Party(Some(p)) => match &p.ods_code {
                Some(code) => format!("{} ({code})", p.name),
                None => p.name.clone(),
            },
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Date(None) | Value::Text(None) | Value::List(_) | Value::Party(None) => {
                "(not recorded)".to_string()
            }
        }
    }

    /// The value as a spreadsheet cell: as [`Value::display`], but empty when not recorded.
    pub fn cell(&self) -> String {
        match self {
            Value::Date(None) | Value::Text(None) | Value::Party(None) => String::new(),
            Value::List(items) if items.is_empty() => String::new(),
            other => other.display(),
        }
    }

    /// The value as text a policy's `contains` and `present` tests look at, if recorded.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Text(t) => t.clone(),
            Value::List(items) => (!items.is_empty()).then(|| items.join(", ")),
            Value::Party(p) => p.as_ref().map(|p| p.name.clone()),
            _ => None,
        }
    }

    /// True when the value says nothing: an `unknown` word, or text, a date or a list not given.
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Word(w) => *w == "unknown",
            Value::Date(d) => d.is_none(),
            Value::Text(t) => t.is_none(),
            Value::List(items) => items.is_empty(),
            Value::Party(p) => p.is_none(),
            Value::Bool(_) => false,
        }
    }

    fn choice<C: Choice + Default>(&self) -> C {
        match self {
            Value::Word(w) => C::from_word(w).unwrap_or_default(),
            _ => C::default(),
        }
    }

    fn date(self) -> Option<Date> {
        match self {
            Value::Date(d) => d,
            _ => None,
        }
    }

    fn into_text(self) -> Option<String> {
        match self {
            Value::Text(t) => t,
            _ => None,
        }
    }
}

/// One fact: where it is written, what it holds, what it means, and how to read and write it.
#[derive(Clone, Copy)]
pub struct FactDef {
    /// Which fact.
    pub fact: Fact,
    /// The dotted path in a flow (`agreement.status`); also the name policies test it by.
    pub path: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// What it means, in a sentence (the schema's description and `gpdata policy fields`).
    pub about: &'static str,
    /// Its column in audit CSV and JSON output, when it has one.
    pub column: Option<&'static str>,
    /// When the loader cannot do without it: the help for a `missing-field` error.
    pub required: Option<&'static str>,
    /// Whether leaving it `unknown` is a gap worth an `unknown-fact` warning for this flow.
    pub gap: fn(&Flow) -> bool,
    /// Where a diagnostic or explanation points when the fact itself was not written.
    pub falls_back_to: Option<Fact>,
    /// Reads the fact from a flow.
    pub get: fn(&Flow) -> Value,
    /// Writes the fact into a flow; `None` for worked-out facts.
    pub set: Option<fn(&mut Flow, Value)>,
}

impl std::fmt::Debug for FactDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FactDef").field("path", &self.path).finish()
    }
}

impl FactDef {
    /// The block the fact sits in (`agreement`), or `""` for a key of the flow itself.
    pub fn block(&self) -> &'static str {
        self.dot().map_or("", |dot| &self.path[..dot])
    }

    /// The key the fact is written under inside its block (`status`).
    pub fn key(&self) -> &'static str {
        self.dot().map_or(self.path, |dot| &self.path[dot + 1..])
    }

    /// Where the path's last `.` is. A byte scan: these are asked for every fact of every flow
    /// read, and `rsplit_once`'s general searcher cost a bulk `check` several per cent.
    fn dot(&self) -> Option<usize> {
        self.path.bytes().rposition(|b| b == b'.')
    }

    /// True for facts the register states (as opposed to ones gpdata works out).
    pub fn is_written(&self) -> bool {
        self.set.is_some()
    }
}

/// A fact with no column, not required, not a gap and no fallback: the common case.
const fn def(
    fact: Fact,
    path: &'static str,
    kind: Kind,
    about: &'static str,
    get: fn(&Flow) -> Value,
    set: fn(&mut Flow, Value),
) -> FactDef {
    FactDef {
        fact,
        path,
        kind,
        about,
        column: None,
        required: None,
        gap: never,
        falls_back_to: None,
        get,
        set: Some(set),
    }
}

const fn column(mut d: FactDef, name: &'static str) -> FactDef {
    d.column = Some(name);
    d
}

const fn gap(mut d: FactDef) -> FactDef {
    d.gap = always;
    d
}

/// Like [`gap`], but only for flows where `when` holds.
const fn gap_when(mut d: FactDef, when: fn(&Flow) -> bool) -> FactDef {
    d.gap = when;
    d
}

fn never(_: &Flow) -> bool {
    false
}

fn always(_: &Flow) -> bool {
    true
}

const fn required(mut d: FactDef, help: &'static str) -> FactDef {
    d.required = Some(help);
    d
}

const fn falls_back(mut d: FactDef, to: Fact) -> FactDef {
    d.falls_back_to = Some(to);
    d
}

/// Every flow fact, in the order a flow is written in a register.
pub const FACTS: &[FactDef] = &[
    required(
        def(
            Fact::Id,
            "id",
            Kind::Text,
            "Short id, unique in the register: lower-case letters, digits and hyphens.",
            |f| Value::Text(Some(f.id.clone())),
            |f, v| f.id = v.into_text().unwrap_or_default(),
        ),
        "give the flow a short id such as `icb-phm`",
    ),
    def(
        Fact::Catalogue,
        "catalogue",
        Kind::Text,
        "The id of the gpdata catalogue entry this flow is (`gpdata catalogue list`); the flow then takes every fact it does not state from the entry.",
        |f| Value::Text(f.catalogue.clone()),
        |f, v| f.catalogue = v.into_text(),
    ),
    required(
        def(
            Fact::Name,
            "name",
            Kind::Text,
            "What the flow is called.",
            |f| Value::Text(Some(f.name.clone())),
            |f, v| f.name = v.into_text().unwrap_or_default(),
        ),
        "say what the flow is, e.g. Population health management extract",
    ),
    required(
        def(
            Fact::Recipient,
            "recipient",
            Kind::Text,
            "Who receives the data (the controller on the other side).",
            |f| Value::Text(Some(f.recipient.clone())),
            |f, v| f.recipient = v.into_text().unwrap_or_default(),
        ),
        "name the organisation that receives the data",
    ),
    def(
        Fact::Processors,
        "processors",
        Kind::List,
        "Processors acting for the recipient.",
        |f| Value::List(f.processors.clone()),
        |f, v| {
            if let Value::List(items) = v {
                f.processors = items;
            }
        },
    ),
    def(
        Fact::Platform,
        "platform",
        Kind::Text,
        "The platform the data lands on, e.g. NHS Federated Data Platform.",
        |f| Value::Text(f.platform.clone()),
        |f, v| f.platform = v.into_text(),
    ),
    column(
        def(
            Fact::IcbRole,
            "icb_role",
            Kind::words::<IcbRole>(),
            "The ICB's part in the flow: controller, joint controller, processor, commissioner (arranges it without receiving the data), or none (a national or third-party flow).",
            |f| Value::Word(f.icb_role.as_str()),
            |f, v| f.icb_role = v.choice(),
        ),
        "icb_role",
    ),
    gap(column(
        def(
            Fact::Purpose,
            "purpose",
            Kind::words::<Purpose>(),
            "Direct care (care of the individual patient), secondary use (planning, commissioning, research, audit, payment), or both.",
            |f| Value::Word(f.purpose.as_str()),
            |f, v| f.purpose = v.choice(),
        ),
        "purpose",
    )),
    gap(column(
        def(
            Fact::Data,
            "data",
            Kind::words::<DataForm>(),
            "How identifiable the data is when it leaves the practice.",
            |f| Value::Word(f.data.as_str()),
            |f, v| f.data = v.choice(),
        ),
        "data",
    )),
    gap(def(
        Fact::Article6,
        "legal_basis.article_6",
        Kind::words::<Article6>(),
        "The UK GDPR Article 6 lawful basis.",
        |f| Value::Word(f.legal_basis.article_6.as_str()),
        |f, v| f.legal_basis.article_6 = v.choice(),
    )),
    gap(def(
        Fact::Article9,
        "legal_basis.article_9",
        Kind::words::<Article9>(),
        "The UK GDPR Article 9 condition for health data.",
        |f| Value::Word(f.legal_basis.article_9.as_str()),
        |f, v| f.legal_basis.article_9 = v.choice(),
    )),
    falls_back(
        def(
            Fact::Schedule1,
            "legal_basis.schedule_1",
            Kind::words::<Schedule1>(),
            "The Data Protection Act 2018 Schedule 1 condition that Article 9(2)(b), (g), (h), (i) and (j) need (DPA 2018 section 10).",
            |f| Value::Word(f.legal_basis.schedule_1.as_str()),
            |f, v| f.legal_basis.schedule_1 = v.choice(),
        ),
        Fact::Article9,
    ),
    gap(def(
        Fact::Confidentiality,
        "legal_basis.confidentiality",
        Kind::words::<Confidentiality>(),
        "The basis under the common-law duty of confidentiality.",
        |f| Value::Word(f.legal_basis.confidentiality.as_str()),
        |f, v| f.legal_basis.confidentiality = v.choice(),
    )),
    falls_back(
        def(
            Fact::LegalReference,
            "legal_basis.reference",
            Kind::Text,
            "The direction, Data Provision Notice, CAG reference or other citation for the legal basis.",
            |f| Value::Text(f.legal_basis.reference.clone()),
            |f, v| f.legal_basis.reference = v.into_text(),
        ),
        Fact::Article6,
    ),
    gap(column(
        def(
            Fact::Obligation,
            "obligation",
            Kind::words::<Obligation>(),
            "What, if anything, obliges the practice to share: statute, its contract, a local scheme it signed, a professional duty, or nothing (voluntary).",
            |f| Value::Word(f.obligation.as_str()),
            |f, v| f.obligation = v.choice(),
        ),
        "obligation",
    )),
    falls_back(
        def(
            Fact::ObligationReference,
            "obligation_reference",
            Kind::Text,
            "The statute, direction or contract clause that makes the flow obligatory.",
            |f| Value::Text(f.obligation_reference.clone()),
            |f, v| f.obligation_reference = v.into_text(),
        ),
        Fact::Obligation,
    ),
    FactDef {
        fact: Fact::ObligationSettled,
        path: "obligation_settled",
        kind: Kind::Derived,
        about: "Worked out: a statute, the contract, a local scheme or a professional duty requires the flow and the register (or its catalogue entry) cites which. The law then settles its legal basis, opt-outs and agreement, so they are not questions for the ICB.",
        column: None,
        required: None,
        gap: never,
        falls_back_to: Some(Fact::ObligationReference),
        get: |f| Value::Bool(f.obligation.is_binding() && f.obligation_reference.is_some()),
        set: None,
    },
    column(
        def(
            Fact::Stage,
            "stage",
            Kind::words::<Stage>(),
            "Whether data flows yet: proposed (the practice is asked to start it, e.g. onboarding to a platform), live, or stopped.",
            |f| Value::Word(f.stage.as_str()),
            |f, v| f.stage = v.choice(),
        ),
        "stage",
    ),
    gap(column(
        def(
            Fact::AgreementStatus,
            "agreement.status",
            Kind::words::<AgreementStatus>(),
            "Whether a data sharing agreement is in force.",
            |f| Value::Word(f.agreement.status.as_str()),
            |f, v| f.agreement.status = v.choice(),
        ),
        "agreement_status",
    )),
    falls_back(
        def(
            Fact::AgreementReference,
            "agreement.reference",
            Kind::Text,
            "The agreement's reference.",
            |f| Value::Text(f.agreement.reference.clone()),
            |f, v| f.agreement.reference = v.into_text(),
        ),
        Fact::AgreementStatus,
    ),
    column(
        falls_back(
            def(
                Fact::AgreementSigned,
                "agreement.signed",
                Kind::Date,
                "When the practice signed the agreement.",
                |f| Value::Date(f.agreement.signed),
                |f, v| f.agreement.signed = v.date(),
            ),
            Fact::AgreementStatus,
        ),
        "agreement_signed",
    ),
    column(
        falls_back(
            def(
                Fact::AgreementExpires,
                "agreement.expires",
                Kind::Date,
                "When the agreement ends.",
                |f| Value::Date(f.agreement.expires),
                |f, v| f.agreement.expires = v.date(),
            ),
            Fact::AgreementStatus,
        ),
        "agreement_expires",
    ),
    falls_back(
        def(
            Fact::Counterparty,
            "agreement.counterparty",
            Kind::Party,
            "The other party to the agreement: a name, or `{name, ods_code}` (the ODS code lets gpdata spot abolished ICBs).",
            |f| Value::Party(f.agreement.counterparty.clone()),
            |f, v| {
                if let Value::Party(p) = v {
                    f.agreement.counterparty = p;
                }
            },
        ),
        Fact::AgreementStatus,
    ),
    FactDef {
        fact: Fact::CounterpartyAbolished,
        path: "agreement.counterparty_abolished",
        kind: Kind::Derived,
        about: "Worked out: the agreement's counterparty has the ODS code of an ICB abolished by the audit date.",
        column: None,
        required: None,
        gap: never,
        falls_back_to: Some(Fact::Counterparty),
        get: |f| Value::Bool(f.derived.counterparty_abolished),
        set: None,
    },
    column(
        def(
            Fact::Dpia,
            "dpia",
            Kind::words::<Dpia>(),
            "Whether the practice holds the data protection impact assessment that covers the flow.",
            |f| Value::Word(f.dpia.as_str()),
            |f, v| f.dpia = v.choice(),
        ),
        "dpia",
    ),
    column(
        def(
            Fact::Dspt,
            "dspt",
            Kind::words::<Dspt>(),
            "The recipient's latest Data Security and Protection Toolkit status.",
            |f| Value::Word(f.dspt.as_str()),
            |f, v| f.dspt = v.choice(),
        ),
        "dspt",
    ),
    column(
        def(
            Fact::OnwardAccess,
            "onward_access",
            Kind::words::<OnwardAccess>(),
            "Who else the recipient lets have or use the data: nobody, other NHS and care bodies, researchers, or commercial organisations (the widest that applies).",
            |f| Value::Word(f.onward_access.as_str()),
            |f, v| f.onward_access = v.choice(),
        ),
        "onward_access",
    ),
    def(
        Fact::Retention,
        "retention",
        Kind::Text,
        "How long the recipient keeps the data.",
        |f| Value::Text(f.retention.clone()),
        |f, v| f.retention = v.into_text(),
    ),
    gap(column(
        def(
            Fact::NationalOptOut,
            "opt_outs.national",
            Kind::words::<OptOutHandling>(),
            "How the National Data Opt-out is handled for the flow.",
            |f| Value::Word(f.opt_outs.national.as_str()),
            |f, v| f.opt_outs.national = v.choice(),
        ),
        "national_opt_out",
    )),
    falls_back(
        gap(column(
            def(
                Fact::Type1OptOut,
                "opt_outs.type_1",
                Kind::words::<OptOutHandling>(),
                "How the Type 1 (GP) opt-out is handled for the flow.",
                |f| Value::Word(f.opt_outs.type_1.as_str()),
                |f, v| f.opt_outs.type_1 = v.choice(),
            ),
            "type_1_opt_out",
        )),
        Fact::NationalOptOut,
    ),
    gap(def(
        Fact::Mechanism,
        "mechanism",
        Kind::words::<Mechanism>(),
        "The technical route the data takes.",
        |f| Value::Word(f.mechanism.as_str()),
        |f, v| f.mechanism = v.choice(),
    )),
    gap_when(
        def(
            Fact::Prompts,
            "prompts",
            Kind::words::<Prompts>(),
            "For medicines optimisation software: whether its prompts serve savings (formulary switches, targets), patient safety, or both. A tool for patient safety alone is asked about, not switched off.",
            |f| Value::Word(f.prompts.as_str()),
            |f, v| f.prompts = v.choice(),
        ),
        |f| f.mechanism == Mechanism::MedicinesOptimisationSoftware,
    ),
    def(
        Fact::WritesToRecord,
        "writes_to_record",
        Kind::words::<YesNo>(),
        "Whether another organisation can write entries into the practice's records through the flow (e.g. a community unit sharing a SystmOne record).",
        |f| Value::Word(f.writes_to_record.as_str()),
        |f, v| f.writes_to_record = v.choice(),
    ),
    def(
        Fact::Notes,
        "notes",
        Kind::Text,
        "Anything else a reader should know.",
        |f| Value::Text(f.notes.clone()),
        |f, v| f.notes = v.into_text(),
    ),
];

/// The definition of `fact`.
pub fn def_of(fact: Fact) -> &'static FactDef {
    FACTS
        .iter()
        .find(|d| d.fact == fact)
        .expect("every fact has a definition")
}

/// The fact written at `path`, if any.
pub fn by_path(path: &str) -> Option<&'static FactDef> {
    FACTS.iter().find(|d| d.path == path)
}

impl Fact {
    /// Its definition.
    pub fn def(self) -> &'static FactDef {
        def_of(self)
    }

    /// Its dotted path.
    pub fn path(self) -> &'static str {
        self.def().path
    }
}

impl Flow {
    /// The value of `fact` for this flow.
    pub fn get(&self, fact: Fact) -> Value {
        (fact.def().get)(self)
    }

    /// Where the register states `fact`, or the nearest place that stands for it (its fallback,
    /// then the flow's id): absent facts still get a line a person can go to.
    pub fn span_of(&self, fact: Fact) -> crate::source::Span {
        let mut at = Some(fact);
        while let Some(f) = at {
            if let Some(span) = self.spans.get(&f) {
                return *span;
            }
            // A fact taken from the catalogue stands where the register names the entry.
            if self.derived.inherited.contains(&f)
                && let Some(span) = self.spans.get(&Fact::Catalogue)
            {
                return *span;
            }
            at = f.def().falls_back_to;
        }
        self.spans.get(&Fact::Id).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_has_one_definition_and_paths_are_unique() {
        for (i, d) in FACTS.iter().enumerate() {
            assert_eq!(def_of(d.fact).path, d.path);
            assert!(
                FACTS[i + 1..]
                    .iter()
                    .all(|e| e.path != d.path && e.fact != d.fact),
                "{} is declared twice",
                d.path
            );
        }
    }

    #[test]
    fn a_path_splits_into_its_block_and_key() {
        assert_eq!(
            by_path("agreement.status").map(|d| (d.block(), d.key())),
            Some(("agreement", "status"))
        );
        assert_eq!(
            by_path("mechanism").map(|d| (d.block(), d.key())),
            Some(("", "mechanism"))
        );
        for d in FACTS {
            let joined = if d.block().is_empty() {
                d.key().to_string()
            } else {
                format!("{}.{}", d.block(), d.key())
            };
            assert_eq!(joined, d.path);
            assert!(!d.key().contains('.'), "{}", d.path);
        }
    }

    #[test]
    fn fallbacks_never_loop() {
        for d in FACTS {
            let mut seen = vec![d.fact];
            let mut at = d.falls_back_to;
            while let Some(f) = at {
                assert!(!seen.contains(&f), "{} falls back in a loop", d.path);
                seen.push(f);
                at = f.def().falls_back_to;
            }
        }
    }
}
