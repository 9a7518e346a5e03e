//! Changing one value of a register file without touching the rest of its text.
//!
//! The web page saves a form by turning each changed field into an [`Edit`] and applying it to
//! the file's text: a value that is written is replaced where it stands; a new one is added as
//! one line after its neighbour in the facts table's order; a cleared one loses its line. Every
//! comment, blank line and other value keeps its bytes. After each change the text is parsed
//! again and the value read back; a change that would not read back as the person typed it is
//! refused rather than saved.

use std::sync::Arc;

use crate::source::SourceFile;
use crate::yaml::{self, Node, Value};

/// What a field should hold after the edit.
#[derive(Debug, Clone, PartialEq)]
pub enum NewValue {
    /// Not written at all (the field was cleared).
    Absent,
    /// Text, or a word from a fixed set, or a date.
    Text(String),
    /// A whole number (written without quotes).
    Number(i64),
    /// A list of text.
    List(Vec<String>),
}

/// Which mapping an edit is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The flow with this id.
    Flow(String),
    /// The top of the register (`practice.name` is the path `practice`, `name`).
    Top,
}

/// One change: a value at a dotted path inside a place.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// Where the mapping is.
    pub place: Place,
    /// The keys from that mapping down to the value (`["agreement", "status"]`).
    pub path: Vec<String>,
    /// The new value.
    pub value: NewValue,
    /// The keys of the innermost mapping in the order they are best written, so a new key
    /// goes after the last one before it that the file has.
    pub order: Vec<&'static str>,
}

/// Why a change could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The file no longer parses, or lacks the place the form was for.
    #[error("{0}")]
    Stale(String),
    /// The file is written in a way this editor does not change safely.
    #[error("{0}")]
    Layout(String),
}

/// Applies `edits` in turn to `text`, returning the new text.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut text = text.to_string();
    for edit in edits {
        text = apply_one(&text, edit)?;
        check_reads_back(&text, edit)?;
    }
    Ok(text)
}

/// Adds a flow (`id:` then the given keys, in order) at the end of the register's flows.
pub fn add_flow(text: &str, fields: &[(&str, String)]) -> Result<String, EditError> {
    let root = parse(text)?;
    let flows = entry(&root, "flows").map(|(_, v)| v);
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}: {}", scalar(v)))
        .collect();
    let Some(flows) = flows else {
        let mut out = text.to_string();
        ensure_newline(&mut out);
        out.push_str("flows:\n");
        push_block_item(&mut out, "  ", &body);
        return Ok(out);
    };
    match &flows.value {
        Value::Seq(items) if !is_flow_style(text, flows) && !items.is_empty() => {
            let first = &items[0];
            let start = first.span.offset;
            let line = line_start(text, start);
            // The item's own prefix (`  - ` or `  - {`) decides the new item's indent.
            let dash = text[line..start].find('-').map_or(2, |d| d);
            let indent = " ".repeat(dash);
            let mut at = after_line(text, end_of(text, flows));
            let mut out = text.to_string();
            // When only comments follow the list (a starter's "Local flows" notes), the new
            // flow goes after them, where those notes say local flows go.
            if out[at..]
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
            {
                ensure_newline(&mut out);
                at = out.len();
            }
            let mut item = String::new();
            push_block_item(&mut item, &indent, &body);
            Ok(splice(&out, at..at, &item))
        }
        Value::Seq(items) if is_flow_style(text, flows) && items.is_empty() => {
            // `flows: []`: the list becomes a block list under its key.
            let range = flows.span.offset..end_of(text, flows);
            let mut item = String::from("\n");
            push_block_item(&mut item, "  ", &body);
            let item = item.trim_end_matches('\n').to_string();
            Ok(splice(text, range, &item))
        }
        Value::Null => {
            let (key, _) = entry(&root, "flows").ok_or_else(stale)?;
            let at = after_line(text, key.span.offset + key.span.len);
            let mut item = String::new();
            push_block_item(&mut item, "  ", &body);
            Ok(splice(text, at..at, &item))
        }
        _ => Err(EditError::Layout(
            "the register's `flows:` list is written on one line; add the flow in a text editor"
                .into(),
        )),
    }
}

/// Removes the flow with `id`: its list item's lines (or its one-line item) go.
pub fn remove_flow(text: &str, id: &str) -> Result<String, EditError> {
    let root = parse(text)?;
    let flows = entry(&root, "flows").map(|(_, v)| v).ok_or_else(stale)?;
    let Value::Seq(items) = &flows.value else {
        return Err(stale());
    };
    let index = items
        .iter()
        .position(|item| flow_id(item) == Some(id))
        .ok_or_else(stale)?;
    if is_flow_style(text, flows) {
        return Err(EditError::Layout(
            "the register's `flows:` list is written on one line; remove the flow in a text editor"
                .into(),
        ));
    }
    let item = &items[index];
    let start = line_start(text, item.span.offset);
    let end = after_line(text, end_of(text, item));
    Ok(splice(text, start..end, ""))
}

/// The id of a flow item.
pub fn flow_id(item: &Node) -> Option<&str> {
    match entry(item, "id") {
        Some((
            _,
            Node {
                value: Value::Str(s),
                ..
            },
        )) => Some(s),
        _ => None,
    }
}

/// The flow item with `id`.
pub fn find_flow<'n>(root: &'n Node, id: &str) -> Option<&'n Node> {
    match &entry(root, "flows")?.1.value {
        Value::Seq(items) => items.iter().find(|item| flow_id(item) == Some(id)),
        _ => None,
    }
}

/// The key and value nodes of `key` in a mapping node.
pub fn entry<'n>(map: &'n Node, key: &str) -> Option<(&'n Node, &'n Node)> {
    match &map.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

/// The key and value nodes at `path` below `map`.
pub fn lookup<'n>(map: &'n Node, path: &[String]) -> Option<(&'n Node, &'n Node)> {
    let (first, rest) = path.split_first()?;
    let (k, v) = entry(map, first)?;
    if rest.is_empty() {
        Some((k, v))
    } else {
        lookup(v, rest)
    }
}

/// The byte range a key and its value cover, from the key to the end of the value.
pub fn entry_range(text: &str, key: &Node, value: &Node) -> std::ops::Range<usize> {
    key.span.offset..end_of(text, value).max(key.span.offset + key.span.len)
}

fn apply_one(text: &str, edit: &Edit) -> Result<String, EditError> {
    let root = parse(text)?;
    let place = match &edit.place {
        Place::Top => &root,
        Place::Flow(id) => find_flow(&root, id).ok_or_else(stale)?,
    };
    // Walk down as far as the file goes; what is missing below is added.
    let mut map = place;
    let mut depth = 0;
    while depth + 1 < edit.path.len() {
        match entry(map, &edit.path[depth]) {
            Some((_, v)) if matches!(v.value, Value::Map(_)) => {
                map = v;
                depth += 1;
            }
            Some((k, v)) if v.value == Value::Null => {
                // `agreement:` with nothing under it: the rest goes under that key.
                if edit.value == NewValue::Absent {
                    return Ok(text.to_string());
                }
                let indent = indent_of(text, k) + 2;
                let new = nested(&edit.path[depth + 1..], &edit.value, indent);
                let at = k.span.offset + k.span.len;
                let colon = text[at..].find(':').map_or(at, |c| at + c + 1);
                let end = end_of(text, v).max(colon);
                return Ok(splice(text, colon..end, &new));
            }
            Some(_) => {
                return Err(EditError::Layout(format!(
                    "`{}` is not written as a block of keys; change it in a text editor",
                    edit.path[..=depth].join(".")
                )));
            }
            None => break,
        }
    }
    let key = &edit.path[depth];
    let rest = &edit.path[depth..];
    match entry(map, key) {
        Some((k, v)) if rest.len() == 1 => replace(text, map, k, v, &edit.value),
        Some(_) => Err(stale()),
        None if edit.value == NewValue::Absent => Ok(text.to_string()),
        None => insert(text, map, rest, &edit.value, &edit.order),
    }
}

/// Replaces (or removes) the value of an existing key.
fn replace(
    text: &str,
    map: &Node,
    key: &Node,
    value: &Node,
    new: &NewValue,
) -> Result<String, EditError> {
    let flow_map = is_flow_style(text, map);
    if *new == NewValue::Absent {
        if flow_map {
            return Ok(remove_in_flow_map(text, key, value));
        }
        let start = line_start(text, key.span.offset);
        if !text[start..key.span.offset].trim().is_empty() {
            return Err(EditError::Layout(format!(
                "`{}` begins its list item; clear it in a text editor",
                key_text(key)
            )));
        }
        let end = after_line(text, end_of(text, value));
        return Ok(splice(text, start..end, ""));
    }
    let new_text = match new {
        NewValue::List(items) if !flow_map && !is_flow_style(text, value) => {
            if let Value::Seq(old) = &value.value
                && !old.is_empty()
            {
                // A block list keeps its layout: its items are rewritten in place.
                let start = line_start(text, old[0].span.offset);
                let dash = text[start..old[0].span.offset].to_string();
                let end = after_line(text, end_of(text, value));
                let mut lines = String::new();
                for item in items {
                    lines.push_str(&dash);
                    lines.push_str(&scalar(item));
                    lines.push('\n');
                }
                return Ok(splice(text, start..end, &lines));
            }
            render(new)
        }
        _ => render(new),
    };
    let at = key.span.offset + key.span.len;
    let colon = text[at..].find(':').map_or(at, |c| at + c + 1);
    if value.value == Value::Null && value.span.len == 0 {
        // `key:` with nothing after it: the value goes after the colon.
        return Ok(splice(text, colon..colon, &format!(" {new_text}")));
    }
    let between = text.get(colon..value.span.offset).unwrap_or("");
    if between.trim_start().starts_with(['|', '>']) {
        // A folded or literal block: its indicator goes with its lines.
        let range = colon..end_of(text, value);
        return Ok(splice(text, range, &format!(" {new_text}")));
    }
    Ok(splice(
        text,
        value.span.offset..end_of(text, value),
        &new_text,
    ))
}

/// Adds a key that is not written (with any blocks above it that are missing too).
fn insert(
    text: &str,
    map: &Node,
    path: &[String],
    value: &NewValue,
    order: &[&'static str],
) -> Result<String, EditError> {
    let Value::Map(entries) = &map.value else {
        return Err(stale());
    };
    if is_flow_style(text, map) {
        // `{id: x, catalogue: y}` gains `, key: value` before its closing brace.
        let end = end_of(text, map);
        let close = end - 1;
        let new = flow_pair(path, value);
        let sep = if entries.is_empty() { "" } else { ", " };
        return Ok(splice(text, close..close, &format!("{sep}{new}")));
    }
    let Some((first_key, _)) = entries.first() else {
        return Err(stale());
    };
    let indent = first_key.span.column as usize - 1;
    // After the last key that comes before this one in the preferred order (else after the
    // first key, the flow's id); a key the order does not name goes last.
    let rank = |k: &Node| match &k.value {
        Value::Str(s) => order.iter().position(|o| o == s),
        _ => None,
    };
    let after = match order.iter().position(|o| *o == path[0]) {
        Some(mine) => entries
            .iter()
            .rfind(|(k, _)| rank(k).is_some_and(|r| r < mine))
            .unwrap_or(&entries[0]),
        None => &entries[entries.len() - 1],
    };
    let anchor = after_line(text, end_of(text, &after.1));
    let pad = " ".repeat(indent);
    let body = nested(&path[1..], value, indent + 2);
    let mut line = format!("{pad}{}:{body}", path[0]);
    if !line.ends_with('\n') {
        line.push('\n');
    }
    let mut out = text.to_string();
    if anchor == out.len() && !out.ends_with('\n') {
        out.push('\n');
        let at = out.len();
        return Ok(splice(&out, at..at, &line));
    }
    Ok(splice(&out, anchor..anchor, &line))
}

/// The text after `key:` for a value at `path` below it, at `indent` for nested lines.
fn nested(path: &[String], value: &NewValue, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match path.split_first() {
        None => match value {
            NewValue::List(items) if !items.is_empty() => {
                let mut out = String::from("\n");
                for item in items {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
                out
            }
            other => format!(" {}\n", render(other)),
        },
        Some((key, rest)) => format!("\n{pad}{key}:{}", nested(rest, value, indent + 2)),
    }
}

/// `key: value` (or `key: {inner: value}`) for a one-line mapping.
fn flow_pair(path: &[String], value: &NewValue) -> String {
    match path.split_first() {
        Some((key, [])) => format!("{key}: {}", render(value)),
        Some((key, rest)) => format!("{key}: {{{}}}", flow_pair(rest, value)),
        None => render(value),
    }
}

fn remove_in_flow_map(text: &str, key: &Node, value: &Node) -> String {
    let start = key.span.offset;
    let end = end_of(text, value);
    // Take the comma after the pair, or else the one before it.
    let after = &text[end..];
    let trailing = after.len() - after.trim_start().len();
    if after.trim_start().starts_with(',') {
        let comma = end + trailing + 1;
        let spaces = text[comma..].len() - text[comma..].trim_start_matches(' ').len();
        return splice(text, start..comma + spaces, "");
    }
    let before = text[..start].trim_end();
    if before.ends_with(',') {
        return splice(text, before.len() - 1..end, "");
    }
    splice(text, start..end, "")
}

/// A value as YAML text on one line.
fn render(value: &NewValue) -> String {
    match value {
        NewValue::Absent => "unknown".into(),
        NewValue::Text(t) => scalar(t),
        NewValue::Number(n) => n.to_string(),
        NewValue::List(items) => {
            let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Text as a YAML scalar: plain when it reads back as the same text, else double-quoted.
pub fn scalar(text: &str) -> String {
    if plain_is_safe(text) {
        text.to_string()
    } else {
        crate::record::write::quote(text)
    }
}

fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // YAML 1.1 readers (older editors and tools) take these for true and false.
    let yaml11_bool = ["y", "n", "yes", "no", "on", "off"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(text));
    if yaml11_bool
        || text.trim() != text
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.chars().any(|c| c.is_control() || ",[]{}".contains(c))
    {
        return false;
    }
    // Words YAML reads as something else (true, null, 12, 1e3) are quoted.
    let file = SourceFile::new("value", format!("k: {text}\n"));
    matches!(yaml::parse(&file), Ok(root)
        if matches!(entry(&root, "k"), Some((_, Node { value: Value::Str(s), .. })) if s == text))
}

/// Checks that the edited value reads back as intended.
fn check_reads_back(text: &str, edit: &Edit) -> Result<(), EditError> {
    let root = parse(text)?;
    let place = match &edit.place {
        Place::Top => Some(&root),
        Place::Flow(id) => find_flow(&root, id),
    };
    let found = place.and_then(|p| lookup(p, &edit.path)).map(|(_, v)| v);
    let ok = match (&edit.value, found) {
        (NewValue::Absent, None) => true,
        (NewValue::Absent, Some(v)) => v.value == Value::Null,
        (NewValue::Text(t), Some(v)) => matches!(&v.value, Value::Str(s) if s == t),
        (NewValue::Number(n), Some(v)) => v.value == Value::Int(*n),
        (NewValue::List(items), Some(v)) => match &v.value {
            Value::Seq(got) => {
                got.len() == items.len()
                    && got
                        .iter()
                        .zip(items)
                        .all(|(g, i)| matches!(&g.value, Value::Str(s) if s == i))
            }
            Value::Null => items.is_empty(),
            _ => false,
        },
        (_, None) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(EditError::Layout(format!(
            "`{}` could not be saved so that it reads back as typed; nothing was written (please report this, with the register)",
            edit.path.join(".")
        )))
    }
}

fn parse(text: &str) -> Result<Node, EditError> {
    let file: Arc<SourceFile> = SourceFile::new("register", text.to_string());
    yaml::parse(&file).map_err(|d| {
        EditError::Stale(format!(
            "the file cannot be read as it stands ({}); fix it first",
            d.message
        ))
    })
}

fn stale() -> EditError {
    EditError::Stale(
        "the file no longer has what this page was showing; reload the page to see it as it is now"
            .into(),
    )
}

/// Where a node's text ends: the end of its last scalar, or past the bracket that closes a
/// one-line list or mapping.
pub fn end_of(text: &str, node: &Node) -> usize {
    let inner = match &node.value {
        Value::Seq(items) => items.last().map(|i| end_of(text, i)),
        Value::Map(entries) => entries.last().map(|(_, v)| end_of(text, v)),
        _ => None,
    };
    let mut own = node.span.offset + node.span.len;
    if !matches!(node.value, Value::Seq(_) | Value::Map(_)) {
        // A folded or literal block's span runs on to the next key's indent; its text ends
        // with its last non-blank character.
        own = node.span.offset + text[node.span.offset..own].trim_end().len();
    }
    let end = inner.unwrap_or(own).max(own);
    if is_flow_style(text, node) {
        let close = if matches!(node.value, Value::Seq(_)) {
            ']'
        } else {
            '}'
        };
        // The closing bracket is the first one after the last item (comments cannot come
        // between them on the line, and nested brackets are inside the items).
        let from = if inner.is_some() {
            end
        } else {
            node.span.offset + 1
        };
        if let Some(i) = text[from..].find(close) {
            return from + i + 1;
        }
    }
    end
}

fn is_flow_style(text: &str, node: &Node) -> bool {
    matches!(node.value, Value::Seq(_) | Value::Map(_))
        && matches!(text.as_bytes().get(node.span.offset), Some(b'[' | b'{'))
}

fn key_text(key: &Node) -> String {
    match &key.value {
        Value::Str(s) => s.clone(),
        _ => String::new(),
    }
}

fn indent_of(text: &str, key: &Node) -> usize {
    key.span.offset - line_start(text, key.span.offset)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The offset just after the line break that ends the line `offset` is on (or the end of the
/// text); an offset already at a line start stays.
fn after_line(text: &str, offset: usize) -> usize {
    if offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\n') {
        return offset;
    }
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

fn ensure_newline(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

fn push_block_item(out: &mut String, indent: &str, body: &[String]) {
    for (i, line) in body.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{indent}{lead}{line}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTER: &str = "\
# A comment that must stay.
register: 1
practice:
  name: Old Name   # trailing comment
  ods_code: B82005
flows:
  - {id: gdppr, catalogue: gdppr}
  - id: local
    name: A local flow
    purpose: secondry
    agreement:
      status: active
    notes: >-
      Folded text
      over two lines.
    data: identifiable

  # A comment between flows.
  - id: last
    name: Last
";

    fn edit(place: Place, path: &str, value: NewValue) -> Edit {
        Edit {
            place,
            path: path.split('.').map(String::from).collect(),
            value,
            order: vec![
                "id",
                "catalogue",
                "name",
                "purpose",
                "data",
                "agreement",
                "notes",
            ],
        }
    }

    fn flow(id: &str) -> Place {
        Place::Flow(id.into())
    }

    #[test]
    fn a_changed_word_changes_only_its_own_text() {
        let out = apply(
            REGISTER,
            &[edit(
                flow("local"),
                "purpose",
                NewValue::Text("secondary".into()),
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            REGISTER.replace("purpose: secondry", "purpose: secondary")
        );
    }

    #[test]
    fn text_that_yaml_would_misread_is_quoted() {
        let out = apply(
            REGISTER,
            &[edit(
                Place::Top,
                "practice.name",
                NewValue::Text("Dr Smith: Surgery".into()),
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            REGISTER.replace("name: Old Name", "name: \"Dr Smith: Surgery\"")
        );
        for tricky in [
            "yes", "true", "123", "null", "- dash", "#hash", " pad", "a #b",
        ] {
            let out = apply(
                REGISTER,
                &[edit(flow("last"), "name", NewValue::Text(tricky.into()))],
            )
            .unwrap();
            assert!(out.contains(&format!("name: {}", crate::record::write::quote(tricky))));
        }
    }

    #[test]
    fn a_new_key_goes_after_its_neighbour_in_the_preferred_order() {
        let out = apply(
            REGISTER,
            &[edit(
                flow("last"),
                "purpose",
                NewValue::Text("direct-care".into()),
            )],
        )
        .unwrap();
        assert!(out.ends_with("  - id: last\n    name: Last\n    purpose: direct-care\n"));
        let out = apply(
            REGISTER,
            &[edit(
                flow("local"),
                "agreement.expires",
                NewValue::Text("2027-03-31".into()),
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            REGISTER.replace(
                "      status: active\n",
                "      status: active\n      expires: 2027-03-31\n"
            )
        );
    }

    #[test]
    fn a_missing_block_is_added_with_its_key() {
        let out = apply(
            REGISTER,
            &[edit(
                flow("last"),
                "agreement.status",
                NewValue::Text("none".into()),
            )],
        )
        .unwrap();
        assert!(out.ends_with("    name: Last\n    agreement:\n      status: none\n"));
    }

    #[test]
    fn a_one_line_flow_gains_a_pair_on_its_line() {
        let out = apply(
            REGISTER,
            &[
                edit(flow("gdppr"), "purpose", NewValue::Text("secondary".into())),
                edit(
                    flow("gdppr"),
                    "agreement.status",
                    NewValue::Text("none".into()),
                ),
            ],
        )
        .unwrap();
        assert!(out.contains(
            "  - {id: gdppr, catalogue: gdppr, purpose: secondary, agreement: {status: none}}\n"
        ));
        let back = apply(&out, &[edit(flow("gdppr"), "purpose", NewValue::Absent)]).unwrap();
        assert!(back.contains("  - {id: gdppr, catalogue: gdppr, agreement: {status: none}}\n"));
    }

    #[test]
    fn a_cleared_value_loses_its_lines_only() {
        let out = apply(REGISTER, &[edit(flow("local"), "notes", NewValue::Absent)]).unwrap();
        assert_eq!(
            out,
            REGISTER.replace(
                "    notes: >-\n      Folded text\n      over two lines.\n",
                ""
            )
        );
    }

    #[test]
    fn a_folded_block_is_replaced_by_one_line() {
        let out = apply(
            REGISTER,
            &[edit(
                flow("local"),
                "notes",
                NewValue::Text("Short.".into()),
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            REGISTER.replace(
                "    notes: >-\n      Folded text\n      over two lines.\n",
                "    notes: Short.\n"
            )
        );
    }

    #[test]
    fn flows_are_added_and_removed_whole() {
        let out = add_flow(
            REGISTER,
            &[("id", "new-one".into()), ("name", "New one".into())],
        )
        .unwrap();
        assert!(out.ends_with("    name: Last\n  - id: new-one\n    name: New one\n"));
        let out = remove_flow(&out, "local").unwrap();
        assert!(!out.contains("A local flow"));
        assert!(out.contains("  # A comment between flows.\n  - id: last\n"));
        let out = remove_flow(&out, "gdppr").unwrap();
        assert!(out.starts_with("# A comment that must stay.\n"));
        assert!(out.contains("flows:\n\n  # A comment between flows.\n"));
    }

    #[test]
    fn numbers_and_lists_are_written_as_such() {
        let out = apply(
            REGISTER,
            &[
                edit(Place::Top, "practice.list_size", NewValue::Number(9800)),
                edit(
                    flow("last"),
                    "processors",
                    NewValue::List(vec!["A CSU".into(), "B, Ltd".into()]),
                ),
            ],
        )
        .unwrap();
        assert!(out.contains("  ods_code: B82005\n  list_size: 9800\n"));
        assert!(out.ends_with("    processors:\n      - A CSU\n      - \"B, Ltd\"\n"));
    }

    #[test]
    fn a_stale_page_is_refused() {
        let err = apply(
            REGISTER,
            &[edit(flow("gone"), "name", NewValue::Text("x".into()))],
        )
        .unwrap_err();
        assert!(matches!(err, EditError::Stale(_)));
    }
}
