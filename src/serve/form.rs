//! The web page's forms: which fields a flow and a practice have (from the facts table), what
//! each holds in the file now, which diagnostics belong beside which field, and the edits a
//! posted form asks for.

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::register::facts::Kind;
use crate::register::{FACTS, FactDef};
use crate::yaml::{Node, Value};

use super::edit::{self, Edit, NewValue, Place};
use super::http::Form;

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// One of a fixed set of words.
    Choice(&'static [&'static str], &'static [&'static str]),
    /// A date, written YYYY-MM-DD.
    Date,
    /// One line of text.
    Line,
    /// Several lines of text (notes).
    Paragraph,
    /// A list, one item per line.
    List,
    /// A whole number.
    Number,
    /// The id of a catalogue entry (its choices come from the catalogue in use).
    Catalogue,
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The dotted path (`agreement.status`); also the form field's name.
    pub path: String,
    /// The label.
    pub label: String,
    /// What it means.
    pub about: &'static str,
    /// How it is edited.
    pub control: Control,
}

impl Field {
    /// The HTML id of its control (`f-agreement-status`).
    pub fn id(&self) -> String {
        format!("f-{}", self.path.replace('.', "-"))
    }

    /// The HTML id of its messages (`e-agreement-status`).
    pub fn error_id(&self) -> String {
        format!("e-{}", self.path.replace('.', "-"))
    }

    fn keys(&self) -> Vec<String> {
        self.path.split('.').map(String::from).collect()
    }
}

/// The fields of a flow's form: every fact a register states, but its id (the page's address).
pub fn flow_fields() -> Vec<Field> {
    FACTS
        .iter()
        .filter(|d| d.is_written() && d.path != "id")
        .filter_map(|d| {
            let control = match d.kind {
                Kind::Words { words, phrases, .. } => Control::Choice(words, phrases),
                Kind::Date => Control::Date,
                Kind::Text if d.path == "notes" => Control::Paragraph,
                Kind::Text if d.path == "catalogue" => Control::Catalogue,
                Kind::Text | Kind::Party => Control::Line,
                Kind::List => Control::List,
                Kind::Derived => return None,
            };
            Some(Field {
                path: d.path.to_string(),
                label: label_of(d),
                about: d.about,
                control,
            })
        })
        .collect()
}

/// The fields of the practice's form: who writes, and to whom.
pub fn practice_fields() -> Vec<Field> {
    let field = |path: &str, label: &str, about: &'static str, control: Control| Field {
        path: path.to_string(),
        label: label.to_string(),
        about,
        control,
    };
    vec![
        field(
            "practice.name",
            "Practice name",
            "As on the practice's letterhead.",
            Control::Line,
        ),
        field(
            "practice.ods_code",
            "Practice ODS code",
            "One letter and five digits, e.g. B82005.",
            Control::Line,
        ),
        field(
            "practice.address",
            "Practice address",
            "One line of the address per line.",
            Control::List,
        ),
        field(
            "practice.email",
            "Practice email",
            "Where the ICB should reply.",
            Control::Line,
        ),
        field("practice.phone", "Practice phone", "", Control::Line),
        field(
            "practice.list_size",
            "List size",
            "Registered patients, a whole number.",
            Control::Number,
        ),
        field(
            "practice.contractor",
            "The practice is",
            "How the letter speaks for it: a partnership's partners, a single-handed GP, or a company's directors.",
            Control::Choice(
                <crate::register::Contractor as crate::register::Choice>::WORDS,
                <crate::register::Contractor as crate::register::Choice>::PHRASES,
            ),
        ),
        field(
            "practice.opt_outs.national",
            "Patients with a National Data Opt-out",
            "The count NHS England publishes for the practice (the letter quotes it).",
            Control::Number,
        ),
        field(
            "practice.opt_outs.type_1",
            "Patients with a Type 1 opt-out",
            "From a search of the practice's own records.",
            Control::Number,
        ),
        field(
            "practice.opt_outs.as_of",
            "Opt-out counts as of",
            "YYYY-MM-DD.",
            Control::Date,
        ),
        field(
            "practice.opt_outs.source",
            "Where the counts come from",
            "e.g. NHS England's National Data Opt-out publication for the month, and the search run.",
            Control::Paragraph,
        ),
        field(
            "practice.lmc",
            "Local Medical Committee",
            "The LMC the practice belongs to.",
            Control::Line,
        ),
        field(
            "practice.dpo",
            "Data protection officer",
            "Who the practice's DPO is.",
            Control::Line,
        ),
        field(
            "practice.signatory.name",
            "Who signs the letter",
            "A partner or the practice manager.",
            Control::Line,
        ),
        field(
            "practice.signatory.role",
            "Their role",
            "e.g. Senior Partner, on behalf of the partners.",
            Control::Line,
        ),
        field(
            "icb.ods_code",
            "ICB ODS code",
            "e.g. QOQ (`gpdata catalogue icbs` lists them).",
            Control::Line,
        ),
        field(
            "icb.name",
            "ICB name",
            "Filled from gpdata's ICB list when left empty.",
            Control::Line,
        ),
        field(
            "icb.addressee.role",
            "Write to (role)",
            "e.g. Chief Clinical Information Officer.",
            Control::Line,
        ),
        field(
            "icb.address",
            "ICB address",
            "One line per line.",
            Control::List,
        ),
        field(
            "reviewed",
            "Register last reviewed",
            "The date the practice last checked the register, YYYY-MM-DD.",
            Control::Date,
        ),
    ]
}

/// A label from a fact's path: `agreement.expires` → "Agreement: expires".
fn label_of(def: &FactDef) -> String {
    let words = |s: &str| {
        s.split('_')
            .map(|w| match w {
                "icb" => "ICB",
                "dpia" => "DPIA",
                "dspt" => "DSPT",
                "ods" => "ODS",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let capital = |s: String| {
        let mut chars = s.chars();
        match chars.next() {
            Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
            None => s,
        }
    };
    let text = match def.path.split_once('.') {
        Some((block, key)) => format!("{}: {}", capital(words(block)), words(key)),
        None => capital(words(def.path)),
    };
    text.replace("article 6", "Article 6")
        .replace("article 9", "Article 9")
        .replace("schedule 1", "Schedule 1")
        .replace("type 1", "Type 1")
        .replace("Opt outs", "Opt-outs")
}

/// What a field holds in the file now, as its control shows it ("" when not written); and
/// false when the file writes it in a shape the form cannot show (a mapping for a party).
pub fn current(text: &str, place: &Node, field: &Field) -> (String, bool) {
    match edit::lookup(place, &field.keys()) {
        None => (String::new(), true),
        Some((_, node)) => match &node.value {
            Value::Null => (String::new(), true),
            Value::Str(s) => (s.clone(), true),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => (
                text[node.span.offset..node.span.offset + node.span.len].to_string(),
                true,
            ),
            Value::Seq(items) => {
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| match &i.value {
                        Value::Str(s) => s.clone(),
                        _ => text[i.span.offset..i.span.offset + i.span.len].to_string(),
                    })
                    .collect();
                (
                    lines.join("\n"),
                    items
                        .iter()
                        .all(|i| !matches!(i.value, Value::Seq(_) | Value::Map(_))),
                )
            }
            Value::Map(_) => (String::new(), false),
        },
    }
}

/// The edits that make the file hold what the form says, for the fields it changed.
pub fn edits(
    text: &str,
    place_node: &Node,
    place: &Place,
    fields: &[Field],
    form: &Form,
) -> Vec<Edit> {
    let order: Vec<&'static str> = FACTS.iter().map(|d| d.key()).collect();
    let mut out = Vec::new();
    for field in fields {
        let Some(posted) = form.get(&field.path) else {
            continue;
        };
        let (now, editable) = current(text, place_node, field);
        if !editable {
            continue;
        }
        let posted = posted.replace("\r\n", "\n");
        let value = match field.control {
            Control::List => {
                let items: Vec<String> = posted
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect();
                if items.join("\n") == now {
                    continue;
                }
                if items.is_empty() {
                    NewValue::Absent
                } else {
                    NewValue::List(items)
                }
            }
            _ => {
                let typed = match field.control {
                    // A paragraph is one value: line breaks are read as spaces anyway.
                    Control::Paragraph => posted.split_whitespace().collect::<Vec<_>>().join(" "),
                    _ => posted.trim().to_string(),
                };
                if typed == now
                    || (field.control == Control::Paragraph
                        && typed == now.split_whitespace().collect::<Vec<_>>().join(" "))
                {
                    continue;
                }
                if typed.is_empty() {
                    NewValue::Absent
                } else if field.control == Control::Number {
                    typed
                        .parse::<i64>()
                        .map_or(NewValue::Text(typed), NewValue::Number)
                } else {
                    NewValue::Text(typed)
                }
            }
        };
        out.push(Edit {
            place: place.clone(),
            path: field.keys(),
            value,
            order: order.clone(),
        });
    }
    out
}

/// Diagnostics sorted to the field they are about (by where they point in the file); the rest
/// (inside `within`, or anywhere when `within` is `None`) under the empty key.
pub fn by_field<'d>(
    text: &str,
    place: Option<&Node>,
    fields: &[Field],
    diags: &'d [Diagnostic],
    within: Option<std::ops::Range<usize>>,
) -> BTreeMap<String, Vec<&'d Diagnostic>> {
    let ranges: Vec<(String, std::ops::Range<usize>)> = match place {
        None => Vec::new(),
        Some(place) => fields
            .iter()
            .filter_map(|f| {
                let (k, v) = edit::lookup(place, &f.keys())?;
                Some((f.path.clone(), edit::entry_range(text, k, v)))
            })
            .collect(),
    };
    let mut out: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        let at = d.span.map(|s| s.offset);
        let field = at
            .and_then(|at| {
                ranges
                    .iter()
                    .filter(|(_, r)| r.start <= at && at < r.end.max(r.start + 1))
                    .min_by_key(|(_, r)| r.end - r.start)
                    .map(|(p, _)| p.clone())
            })
            .or_else(|| {
                // A fact that is not written cannot be pointed at; its message names it.
                let named: Vec<&Field> = fields
                    .iter()
                    .filter(|f| d.message.contains(&format!("`{}`", f.path)))
                    .collect();
                (named.len() == 1).then(|| named[0].path.clone())
            });
        match field {
            Some(path) => out.entry(path).or_default().push(d),
            None => {
                let inside = match (&within, at) {
                    (None, _) => true,
                    (Some(r), Some(at)) => r.contains(&at),
                    (Some(_), None) => false,
                };
                if inside {
                    out.entry(String::new()).or_default().push(d);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_fact_but_the_id_has_a_field() {
        let fields = flow_fields();
        assert!(fields.iter().any(|f| f.path == "legal_basis.article_6"
            && matches!(f.control, Control::Choice(words, phrases) if words.len() == phrases.len())));
        assert!(
            fields
                .iter()
                .all(|f| f.path != "id" && f.path != "obligation_settled")
        );
        assert_eq!(
            fields
                .iter()
                .find(|f| f.path == "agreement.expires")
                .map(Field::id),
            Some("f-agreement-expires".to_string())
        );
    }

    #[test]
    fn labels_read_as_words() {
        let def = FACTS
            .iter()
            .find(|d| d.path == "agreement.expires")
            .unwrap();
        assert_eq!(label_of(def), "Agreement: expires");
        let def = FACTS.iter().find(|d| d.path == "icb_role").unwrap();
        assert_eq!(label_of(def), "ICB role");
    }
}
