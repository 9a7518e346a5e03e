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
    budget.max_events = limits::MAX_EVENTS;
    // The alias cap and the replay cap stop "billion laughs"; the ratio heuristic would also
    // refuse a legitimate register that reuses one `&legal_basis` a hundred times.
    budget.enforce_alias_anchor_ratio = false;
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
    } else if let serde_saphyr::Error::Budget { breach, .. } = error {
        return budget_error(file, breach, span);
    } else if lower.contains("alias") || lower.contains("replay") {
        (
            Code::YamlLimit,
            format!(
                "the YAML's `*aliases` expand to more than {} values, far more than any register",
                limits::MAX_REPLAYED_EVENTS
            ),
            "write the values out plainly instead of using `&anchors` and `*aliases`",
        )
    } else if lower.contains("tab") {
        // saphyr reports the scalar before the tab; point at the tab itself.
        let at = file.text[span.offset..]
            .find('\t')
            .map_or(span, |i| file.span_at(span.offset + i, 1));
        return Diagnostic::error(
            Code::YamlSyntax,
            "YAML syntax: a tab is used to indent this line",
        )
        .at(file, at)
        .with_help("YAML indentation must use spaces, not tabs; replace the tab with spaces");
    } else if lower.contains("mapping values are not allowed")
        || lower.contains("expected ':'")
        || lower.contains("could not find expected ':'")
    {
        return colon_error(file, span);
    } else if lower.contains("while parsing a flow") {
        (
            Code::YamlSyntax,
            "YAML syntax: a list in `[ ]` or a mapping in `{ }` is not closed, or holds text that needs quotes".to_string(),
            "put any item holding a comma, `{`, `}`, `[`, `]` or `: ` in double quotes, e.g. `ask: [\"Please confirm {name}, today.\"]`; or write the list one item per line, each starting with `- `",
        )
    } else if lower.contains("did not find expected key") {
        return indent_error(file, span);
    } else if lower.contains("did not find expected '-'") {
        return Diagnostic::error(
            Code::YamlSyntax,
            "YAML syntax: this line is inside a list, but does not start with `- `",
        )
        .at(file, line_text_span(file, span))
        .with_help(
            "each item of a list starts with a hyphen and a space, e.g. `  - id: icb-phm`; a line that is not an item must be indented less than the list",
        );
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

/// A budget breach, named by what was exceeded.
fn budget_error(
    file: &Arc<SourceFile>,
    breach: &serde_saphyr::budget::BudgetBreach,
    span: Span,
) -> Diagnostic {
    use serde_saphyr::budget::BudgetBreach as B;
    let (code, message, help) = match breach {
        B::Depth { .. } => (
            Code::YamlLimit,
            format!("the YAML is nested more than {} levels deep", limits::MAX_DEPTH),
            "a register needs about five levels of nesting; check for runaway brackets or indentation".to_string(),
        ),
        B::Aliases { .. } | B::Anchors { .. } => (
            Code::YamlLimit,
            format!("the YAML uses more than {} `*aliases` or `&anchors`", limits::MAX_ALIASES),
            "write the values out plainly instead of using `&anchors` and `*aliases`".to_string(),
        ),
        // So many values in a file within the size limit means a very long list: most likely
        // flows, which is what the practice manager can act on.
        B::Events { .. } | B::Nodes { .. } => {
            let flows = file
                .text
                .lines()
                .filter(|l| {
                    let l = l.trim_start();
                    l.starts_with("- id:") || l.starts_with("- {id:") || l.starts_with("- { id:")
                })
                .count();
            if flows > limits::MAX_FLOWS {
                (
                    Code::TooManyFlows,
                    format!(
                        "the register lists about {flows} flows; the limit is {}",
                        limits::MAX_FLOWS
                    ),
                    "split the register, or check it was not generated by mistake".to_string(),
                )
            } else {
                (
                    Code::YamlLimit,
                    format!(
                        "the YAML holds more than {} values, far more than any register",
                        limits::MAX_NODES
                    ),
                    "check the file was not generated or joined by mistake".to_string(),
                )
            }
        }
        other => (
            Code::YamlLimit,
            format!("the YAML exceeds one of gpdata's limits on input ({other:?})"),
            "check the file was not generated by mistake; a register is a few hundred lines".to_string(),
        ),
    };
    Diagnostic::error(code, message)
        .at(file, span)
        .with_help(help)
}

/// "1 space", "4 spaces".
fn spaces(n: usize) -> String {
    if n == 1 {
        "1 space".to_string()
    } else {
        format!("{n} spaces")
    }
}

/// The span of the text of the line holding `span`, without its indentation.
fn line_text_span(file: &SourceFile, span: Span) -> Span {
    let start = file.text[..span.offset].rfind('\n').map_or(0, |i| i + 1);
    let line = file.text[start..].split('\n').next().unwrap_or_default();
    let lead = line.len() - line.trim_start().len();
    file.span_at(start + lead, line.trim().len().max(1))
}

/// "did not find expected key": a key indented so that it lines up with no key above it.
fn indent_error(file: &Arc<SourceFile>, span: Span) -> Diagnostic {
    let start = file.text[..span.offset].rfind('\n').map_or(0, |i| i + 1);
    let line = file.text[start..].split('\n').next().unwrap_or_default();
    let lead = line.len() - line.trim_start().len();
    if let Some(item) = line.trim_start().strip_prefix("- ") {
        return Diagnostic::error(
            Code::YamlSyntax,
            "YAML syntax: this line starts with `- `, which begins a list item, among keys that are not a list",
        )
        .at(file, file.span_at(start + lead, 1))
        .with_help(format!("remove the `- `: `{}`", item.trim()));
    }
    let key = line
        .trim_start()
        .split(':')
        .next()
        .unwrap_or_default()
        .trim();
    // The nearest key above that is indented more than this one: the block it was meant for.
    let sibling = file.text[..start]
        .trim_end_matches('\n')
        .rsplit('\n')
        .map(|l| (l.len() - l.trim_start().len(), l.trim()))
        .find(|(indent, t)| *indent > lead && !t.is_empty() && !t.starts_with('#'));
    let help = match sibling {
        Some((indent, text)) => {
            let above = text
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap_or_default();
            format!(
                "line `{key}:` up with the keys it belongs with: `{above}:` above starts {} in, this line {}",
                spaces(indent),
                spaces(lead)
            )
        }
        None => "indent each key by the same number of spaces as the keys beside it".to_string(),
    };
    Diagnostic::error(
        Code::YamlSyntax,
        format!(
            "YAML syntax: `{key}` is indented {}, which lines it up with no key above it",
            spaces(lead)
        ),
    )
    .at(file, line_text_span(file, span))
    .with_help(help)
}

/// "mapping values are not allowed here" and its kin, explained for the two mistakes that cause
/// them: a value with `: ` in it that is not in quotes, and a key with no colon after it.
fn colon_error(file: &Arc<SourceFile>, span: Span) -> Diagnostic {
    let line_start = file.text[..span.offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = file.text[span.offset..]
        .find('\n')
        .map_or(file.text.len(), |i| span.offset + i);
    let line = &file.text[line_start..line_end];
    let first_colon = line.find(':').map(|i| line_start + i);
    match first_colon {
        // The colon complained of comes after the line's own key: the value holds ": ".
        Some(first) if first < span.offset => {
            let key = line[..first - line_start].trim().trim_start_matches("- ");
            Diagnostic::error(
                Code::YamlSyntax,
                format!(
                    "YAML syntax: the value of `{key}` contains a colon followed by a space, which YAML reads as the start of another key"
                ),
            )
            .at(file, {
                let value = &line[first - line_start + 1..];
                let lead = value.len() - value.trim_start().len();
                file.span_at(first + 1 + lead, value.trim().len().max(1))
            })
            .with_help(format!(
                "put the whole value in quotes: {key}: \"{}\"",
                line[first - line_start + 1..].trim()
            ))
        }
        // The line's own key is indented under a line that already has a value.
        Some(first) if first == span.offset && line[first - line_start..].starts_with(": ") => {
            let key = line.trim_start().split(':').next().unwrap_or_default();
            let above = file.text[..line_start]
                .trim_end_matches('\n')
                .rsplit('\n')
                .map(str::trim_end)
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .unwrap_or_default();
            let above_key = above.trim_start().split(':').next().unwrap_or_default();
            let lead = line.len() - line.trim_start().len();
            let above_lead = above.len() - above.trim_start().len();
            Diagnostic::error(
                Code::YamlSyntax,
                format!(
                    "YAML syntax: `{key}` is indented further than `{above_key}` on the line above, so YAML reads it as part of that value"
                ),
            )
            .at(file, file.span_at(line_start + lead, key.len().max(1)))
            .with_help(format!(
                "start `{key}:` exactly under `{above_key}:` ({} in, not {lead})",
                spaces(above_lead)
            ))
        }
        // Otherwise a line above it holds a key with no colon.
        _ => {
            let above = file.text[..line_start]
                .trim_end_matches('\n')
                .rsplit('\n')
                .map(|l| (l, l.trim()))
                .find(|(_, t)| !t.is_empty() && !t.starts_with('#'));
            let (at, text) = match above {
                Some((l, t)) if !t.contains(':') => {
                    let offset = l.as_ptr() as usize - file.text.as_ptr() as usize;
                    (
                        file.span_at(offset + (l.len() - l.trim_start().len()), t.len()),
                        t,
                    )
                }
                _ => {
                    let lead = line.len() - line.trim_start().len();
                    let trimmed = line.trim();
                    (
                        file.span_at(line_start + lead, trimmed.len().max(1)),
                        trimmed,
                    )
                }
            };
            let example = match text.split_once(' ') {
                Some((k, v)) if !k.is_empty() && !v.trim().is_empty() => {
                    format!("`{}: {}`", k.trim_start_matches("- "), v.trim())
                }
                _ => "`purpose: secondary`".to_string(),
            };
            Diagnostic::error(
                Code::YamlSyntax,
                "YAML syntax: this line has no colon after its key".to_string(),
            )
            .at(file, at)
            .with_help(format!(
                "write the key, a colon and a space, then the value: {example}"
            ))
        }
    }
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
