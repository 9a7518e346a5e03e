//! Parsing YAML into a tree of nodes that remember where they came from.
//!
//! serde-saphyr does the parsing (pure Rust, panic-free, with budgets against alias bombs and
//! deep nesting). Rather than deserialising straight into the register types, which would stop
//! at the first problem, we read a generic tree of [`Node`]s with spans and let
//! [`crate::reader`] walk it, so one pass reports every mistake in a file.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::source::{SourceFile, Span};

/// A YAML value with the span of the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it is in the file.
    pub span: Span,
}

/// A YAML value; scalars keep the type YAML 1.2 gives them (with strict booleans).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false` (only those spellings).
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Any other scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short noun for messages: "a list", "text", "a number".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping (key: value pairs)",
        }
    }
}

/// Raw tree as deserialised, before spans are converted to ours.
struct RawNode(Spanned<RawValue>);

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<RawNode>),
    Map(Vec<(RawNode, RawNode)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<RawValue>::deserialize(d).map(RawNode)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<RawValue, E> {
        Err(E::custom("binary values are not supported"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<RawNode>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<RawNode>()? {
            let value = map.next_value::<RawNode>()?;
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = limits::MAX_DEPTH;
    budget.max_aliases = limits::MAX_ALIASES;
    budget.max_nodes = limits::MAX_NODES;
    budget.max_total_scalar_bytes = limits::MAX_FILE_BYTES as usize * 2;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    // Aliases replay events; a register that uses anchors legitimately replays a few hundred.
    options.alias_limits.max_total_replayed_events = limits::MAX_REPLAYED_EVENTS;
    options
}

/// Parses one YAML document into a spanned tree, or explains why it cannot.
pub fn parse(file: &Arc<SourceFile>) -> Result<Node, Box<Diagnostic>> {
    if file.text.trim().is_empty()
        || file
            .text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(Box::new(
            Diagnostic::error(Code::EmptyFile, "the file is empty")
                .at(file, file.span_at(0, 0))
                .with_help(
                    "start from `gpdata init` or copy a register from the registers/ folder",
                ),
        ));
    }
    // saphyr's error positions come with its own message; we classify it and re-wrap it so every
    // parse failure carries one of our codes.
    let docs: Vec<Option<RawNode>> =
        match serde_saphyr::from_multiple_with_options::<Option<RawNode>>(&file.text, options()) {
            Ok(docs) => docs,
            Err(error) => return Err(Box::new(convert_error(file, &error))),
        };
    let mut docs: Vec<RawNode> = docs.into_iter().flatten().collect();
    match docs.len() {
        0 => Err(Box::new(
            Diagnostic::error(
                Code::EmptyFile,
                "the file holds no YAML document, only `---`",
            )
            .at(file, file.span_at(0, 0))
            .with_help("a register is a mapping that starts with `register: 1`"),
        )),
        1 => Ok(convert(file, docs.remove(0))),
        n => {
            let second = convert(file, docs.remove(1));
            Err(Box::new(
                Diagnostic::error(
                    Code::MultipleDocuments,
                    format!("the file holds {n} YAML documents; a register is one document"),
                )
                .at(file, second.span)
                .with_label("a second document starts here")
                .with_help("keep one register per file and remove the extra `---` separators"),
            ))
        }
    }
}

fn convert(file: &SourceFile, raw: RawNode) -> Node {
    let span = span_of(file, &raw.0);
    let value = match raw.0.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => Value::Seq(items.into_iter().map(|n| convert(file, n)).collect()),
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(file, k), convert(file, v)))
                .collect(),
        ),
    };
    Node { value, span }
}

fn span_of<T>(file: &SourceFile, spanned: &Spanned<T>) -> Span {
    let loc = spanned.referenced;
    let sp = loc.span();
    match (sp.byte_offset(), sp.byte_len()) {
        (Some(offset), Some(len)) => file.span_at(offset as usize, len as usize),
        _ => file.line_span(loc.line() as u32, loc.column() as u32),
    }
}

fn convert_error(file: &Arc<SourceFile>, error: &serde_saphyr::Error) -> Diagnostic {
    let text = error.to_string();
    let lower = text.to_lowercase();

    let span = error
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| file.line_span(l.line() as u32, l.column() as u32))
        .unwrap_or_else(|| file.span_at(0, 0));
    let (code, message, help) = if matches!(error, serde_saphyr::Error::UnknownAnchor { .. }) {
        (
            Code::YamlSyntax,
            "YAML syntax: this `*alias` refers to an `&anchor` that is not defined above it"
                .to_string(),
            "define the anchor (`&name`) before the alias, or write the value out in full",
        )
    } else if lower.contains("duplicate") {
        let key = text
            .split("duplicate mapping key:")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .map(str::trim)
            .unwrap_or("?");
        (
            Code::DuplicateKey,
            format!("the key `{key}` appears twice in the same mapping"),
            "each key may appear once in a mapping; merge the two entries or delete one",
        )
    } else if lower.contains("depth") || lower.contains("recursion") {
        (
            Code::YamlLimit,
            format!(
                "the YAML is nested more than {} levels deep",
                limits::MAX_DEPTH
            ),
            "a register needs about five levels of nesting; check for runaway brackets or indentation",
        )
    } else if lower.contains("budget")
        || lower.contains("alias")
        || lower.contains("replay")
        || lower.contains("limit")
    {
        (
            Code::YamlLimit,
            "the YAML expands to more values than any register holds (too many aliases or nodes)"
                .to_string(),
            "write the values out plainly instead of using `&anchors` and `*aliases`",
        )
    } else if lower.contains("tab") {
        (
            Code::YamlSyntax,
            first_line_without_location(&text),
            "YAML indentation must use spaces, not tabs; replace the tab with spaces",
        )
    } else {
        (
            Code::YamlSyntax,
            first_line_without_location(&text),
            "check indentation (spaces only, children indented under their parent), colons after keys, and that quotes are closed",
        )
    };
    Diagnostic::error(code, message)
        .at(file, span)
        .with_help(help)
}

/// saphyr's messages sometimes end with "at line X column Y"; we show the place separately.
fn first_line_without_location(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    let line = match line.find(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    let mut message = line.trim_end_matches(['.', ':']).to_string();
    if message.is_empty() {
        message = "the YAML could not be parsed".into();
    }
    format!("YAML syntax: {message}")
}
