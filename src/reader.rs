//! Reading typed values out of a spanned YAML tree while collecting every diagnostic.
//!
//! Registers and policies share this: each mapping is read through a [`MapReader`] that knows
//! which keys the format defines, so leftovers become `unknown-key` errors with a suggestion, and
//! every wrong type or value is reported at its own line and column instead of stopping at the
//! first one.

use std::sync::Arc;

use jiff::civil::Date;

use crate::diag::{Code, Diagnostic};
use crate::english;
use crate::register::Choice;
use crate::source::{SourceFile, Span};
use crate::suggest;
use crate::yaml::{self, Node, Value};

/// The skeleton every gpdata file is loaded by: parse `file` as YAML, `read` the typed value
/// from its tree, then `check` what only the whole value shows. Diagnostics come back sorted by
/// position; the value only when none of them is an error, so a caller never acts on a file that
/// was half understood.
pub fn load_file<T>(
    file: Arc<SourceFile>,
    read: impl FnOnce(&mut FileDiagnostics, &Node) -> Option<T>,
    check: impl FnOnce(&mut FileDiagnostics, &mut T),
) -> (Option<T>, Vec<Diagnostic>) {
    let mut ctx = FileDiagnostics::new(file.clone());
    let mut value = match yaml::parse(&file) {
        Ok(root) => read(&mut ctx, &root),
        Err(d) => {
            ctx.diags.push(*d);
            None
        }
    };
    if let Some(value) = &mut value {
        check(&mut ctx, value);
    }
    let mut diags = ctx.diags;
    crate::diag::sort(&mut diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (value.filter(|_| ok), diags)
}

/// Collects diagnostics for one file while its tree is read. The readers of registers,
/// policies, records and the catalogue take it as `ctx`, the file they are reading in.
pub struct FileDiagnostics {
    /// The file being read.
    pub file: Arc<SourceFile>,
    /// Everything found so far.
    pub diags: Vec<Diagnostic>,
}

impl FileDiagnostics {
    /// Starts reading `file`.
    pub fn new(file: Arc<SourceFile>) -> Self {
        FileDiagnostics {
            file,
            diags: Vec::new(),
        }
    }

    /// Records a diagnostic at `span`.
    pub fn report(&mut self, code: Code, span: Span, message: String, help: Option<String>) {
        let d = Diagnostic::new(code, message)
            .at(&self.file, span)
            .with_help_opt(help);
        self.diags.push(d);
    }

    /// True once any error has been recorded.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// Reports `wrong-type`: `field` should be `expected` but holds something else.
    pub fn wrong_type(&mut self, node: &Node, field: &str, expected: &str, help: Option<String>) {
        let found = node.value.kind();
        if field.is_empty() {
            let help =
                "a register is a mapping of fields (`register: 1`, `practice:`, `icb:`, `flows:`)";
            self.report(
                Code::WrongType,
                node.span,
                format!("the file should be {expected}, but it is {found}"),
                Some(help.to_string()),
            );
            return;
        }
        let help = help.or_else(|| match (&node.value, expected) {
            (Value::Bool(_) | Value::Float(_), "text") => {
                Some("put the value in quotes so YAML reads it as text".to_string())
            }
            (Value::Str(_) | Value::Map(_), "a list") => Some(format!(
                "write `{field}` as a list, one item per line starting with `- `, or as [a, b]"
            )),
            (Value::Seq(_), "a mapping (key: value pairs)") => Some(format!(
                "`{field}` holds named fields (`key: value`), not a list; remove the leading `- `"
            )),
            _ => None,
        });
        self.report(
            Code::WrongType,
            node.span,
            format!("`{field}` should be {expected}, but it is {found}"),
            help,
        );
    }

    /// Opens a mapping for reading; reports `wrong-type` and returns `None` if it is not one.
    pub fn map<'n>(
        &mut self,
        node: &'n Node,
        field: &str,
        known: &'n [&'static str],
    ) -> Option<MapReader<'n>> {
        match &node.value {
            Value::Map(entries) => Some(MapReader {
                span: node.span,
                entries,
                used: vec![false; entries.len()],
                known,
                field: field.to_string(),
                name: None,
            }),
            Value::Null => None,
            _ => {
                self.wrong_type(node, field, "a mapping (key: value pairs)", None);
                None
            }
        }
    }

    /// Reads text; whole numbers are accepted and written back as digits. Every text gpdata
    /// reads is one line: a line break (from `|`, a quoted `\n`, or a blank line inside a
    /// plain scalar) is read as a space, so register text can never add a line, a bullet or a
    /// heading to a letter.
    pub fn text(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) if s.trim().is_empty() => None,
            Value::Str(s) => {
                let text = one_line(s);
                if let Some(inner) = in_curly_quotes(&text) {
                    self.report(
                        Code::SmartQuotes,
                        node.span,
                        format!("`{field}` is wrapped in curly quotes (“ ” or ‘ ’), which would be printed as part of it"),
                        Some(format!(
                            "remove them, or use straight quotes: \"{inner}\" (word processors put curly quotes in when text is pasted)"
                        )),
                    );
                }
                self.check_glyphs(node, field, &text);
                Some(text)
            }
            // A number where text belongs (`reference: 0042`, `name: 1.5`) is kept as typed,
            // not as the number YAML reads it as (`42`).
            Value::Int(_) | Value::Float(_) => Some(self.as_typed(node)),
            Value::Null => None,
            _ => {
                self.wrong_type(node, field, "text", None);
                None
            }
        }
    }

    /// Warns when `text` holds characters the letter's font lacks (an emoji, Chinese script),
    /// naming each, so they are not found as `?` in a posted letter.
    fn check_glyphs(&mut self, node: &Node, field: &str, text: &str) {
        if text.is_ascii() {
            return;
        }
        let mut missing: Vec<char> = text
            .chars()
            .filter(|&c| !crate::pdf::fonts::can_draw(c))
            .collect();
        if missing.is_empty() {
            return;
        }
        missing.dedup();
        let shown: Vec<String> = missing
            .iter()
            .take(5)
            .map(|c| format!("{c} (U+{:04X})", *c as u32))
            .collect();
        let more = missing.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        self.report(
            Code::MissingGlyph,
            node.span,
            format!(
                "`{field}` has characters the letter's font cannot draw: {}{more}",
                shown.join(", ")
            ),
            Some("replace them with words or remove them; a PDF letter prints each as `?` (text and CSV output keep them)".into()),
        );
    }

    /// A scalar's text as written in the file; for a value copied by an alias (whose place is
    /// the `*alias`), the value itself.
    fn as_typed(&self, node: &Node) -> String {
        let written = self
            .file
            .text
            .get(node.span.offset..node.span.offset + node.span.len)
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.starts_with('*'));
        match (written, &node.value) {
            (Some(text), _) => text.to_string(),
            (None, Value::Int(i)) => i.to_string(),
            (None, Value::Float(f)) => f.to_string(),
            (None, _) => String::new(),
        }
    }

    /// Reads a list of text; a single line of text is taken as a one-item list.
    pub fn text_list(&mut self, node: &Node, field: &str) -> Vec<String> {
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.text(item, &format!("{field}[{}]", i + 1)))
                .collect(),
            Value::Null => Vec::new(),
            Value::Str(_) | Value::Int(_) => self.text(node, field).into_iter().collect(),
            _ => {
                self.wrong_type(node, field, "a list", None);
                Vec::new()
            }
        }
    }

    /// Reads a non-negative whole number.
    pub fn count(&mut self, node: &Node, field: &str) -> Option<u32> {
        match &node.value {
            Value::Int(i) if (0..=i64::from(u32::MAX)).contains(i) => Some(*i as u32),
            Value::Null => None,
            Value::Str(s) if s.replace(',', "").parse::<u32>().is_ok() => {
                self.wrong_type(
                    node,
                    field,
                    "a whole number",
                    Some(format!(
                        "write it without commas or quotes: {}",
                        s.replace(',', "")
                    )),
                );
                None
            }
            _ => {
                self.wrong_type(node, field, "a whole number of 0 or more", None);
                None
            }
        }
    }

    /// Reads a `YYYY-MM-DD` date.
    pub fn date(&mut self, node: &Node, field: &str) -> Option<Date> {
        let text = match &node.value {
            Value::Null => return None,
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            _ => {
                self.wrong_type(node, field, "a date written YYYY-MM-DD", None);
                return None;
            }
        };
        match crate::dates::parse(&text) {
            Ok(date) => Some(date),
            Err(reason) => {
                let help = match crate::dates::guess(&text) {
                    Some(meant) => {
                        // 04/05/2026 is 4 May in the UK and 5 April in the US: say which is meant.
                        let swappable = text
                            .chars()
                            .all(|c| c.is_ascii_digit() || "/-. ".contains(c))
                            && meant.day() <= 12
                            && meant.day() != meant.month();
                        format!(
                            "write it year-month-day: {meant} (that is {}{})",
                            crate::dates::long(meant),
                            if swappable {
                                ", reading the day first as in the UK"
                            } else {
                                ""
                            }
                        )
                    }
                    None => "write dates as year-month-day, e.g. 2026-05-14".to_string(),
                };
                self.report(
                    Code::InvalidDate,
                    node.span,
                    format!("`{field}`: {reason}"),
                    Some(help),
                );
                None
            }
        }
    }

    /// Reads one of an enumeration's words, with "did you mean" for near misses.
    pub fn choice<C: Choice>(&mut self, node: &Node, field: &str) -> Option<C> {
        self.word(node, field, C::WORDS, C::NOUN)
            .and_then(C::from_word)
    }

    /// Reads one of `words` (a set called `noun` in messages), with "did you mean" for near
    /// misses.
    pub fn word(
        &mut self,
        node: &Node,
        field: &str,
        words: &'static [&'static str],
        noun: &str,
    ) -> Option<&'static str> {
        // Borrowed where it can be: nearly every word read is text, and nearly every one valid.
        let word: std::borrow::Cow<str> = match &node.value {
            Value::Null => return None,
            Value::Str(s) => s.trim().into(),
            Value::Bool(b) => b.to_string().into(),
            Value::Int(i) => i.to_string().into(),
            _ => {
                let help = format!("use one of: {}", english::or_list(words));
                self.wrong_type(node, field, "one word", Some(help));
                return None;
            }
        };
        if let Some(found) = words.iter().find(|w| **w == word) {
            return Some(found);
        }
        if let Some(inner) = in_curly_quotes(&word)
            && let Some(found) = words.iter().find(|w| **w == inner)
        {
            self.report(
                Code::InvalidValue,
                node.span,
                format!("`{word}` is wrapped in curly quotes (“ ” or ‘ ’)"),
                Some(format!("remove the quotes: `{found}`")),
            );
            return None;
        }
        let help = suggest::did_you_mean(&word, words.iter().copied())
            .unwrap_or_else(|| format!("use one of: {}", english::or_list(words)));
        self.report(
            Code::InvalidValue,
            node.span,
            format!("`{word}` is not a valid {noun}"),
            Some(help),
        );
        None
    }
}

/// A mapping being read; remembers which keys were consumed so the rest can be reported.
pub struct MapReader<'n> {
    /// The span of the whole mapping.
    pub span: Span,
    entries: &'n [(Node, Node)],
    used: Vec<bool>,
    known: &'n [&'static str],
    field: String,
    /// How messages name this mapping, when the caller knows better than its field.
    name: Option<String>,
}

impl<'n> MapReader<'n> {
    /// The value under `key`, if present and not null; marks the key as known.
    pub fn get(&mut self, key: &str) -> Option<&'n Node> {
        debug_assert!(self.known.contains(&key), "{key} missing from known keys");
        let mut found = None;
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if matches!(&k.value, Value::Str(s) if s == key) {
                self.used[i] = true;
                if found.is_none() && v.value != Value::Null {
                    found = Some(v);
                }
            }
        }
        found
    }

    /// The value under `key`, if present and not null, without marking it read.
    pub fn peek(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, v)| matches!(&k.value, Value::Str(s) if s == key) && v.value != Value::Null)
            .map(|(_, v)| v)
    }

    /// The value under `key`, or a `missing-field` error pointing at the mapping.
    pub fn require(
        &mut self,
        ctx: &mut FileDiagnostics,
        key: &str,
        help: &str,
    ) -> Option<&'n Node> {
        let node = self.get(key);
        if node.is_none() {
            // A misspelt key is the likelier mistake than a forgotten one: say so once, at the
            // misspelling, instead of a missing-field error here and an unknown key later.
            if let Some(i) = self.misspelling_of(key) {
                self.used[i] = true;
                let misspelt = &self.entries[i].0;
                ctx.report(
                    Code::UnknownKey,
                    misspelt.span,
                    format!(
                        "unknown key `{}` {}, and the required field `{key}` is missing",
                        key_name(misspelt),
                        self.place()
                    ),
                    Some(format!("did you mean `{key}`?")),
                );
                return None;
            }
            let message = match &self.name {
                Some(name) => format!("{name} is missing its required field `{key}`"),
                None if self.field.is_empty() => format!("missing required field `{key}`"),
                None => format!("`{}` is missing its required field `{key}`", self.field),
            };
            ctx.report(
                Code::MissingField,
                self.key_span(key).unwrap_or(self.span_head(ctx)),
                message,
                Some(help.to_string()),
            );
        }
        node
    }

    /// Required text under `key`: `missing-field` when absent, or when present but empty.
    pub fn require_text(
        &mut self,
        ctx: &mut FileDiagnostics,
        key: &str,
        field: &str,
        help: &str,
    ) -> Option<(String, Span)> {
        let node = self.require(ctx, key, help)?;
        let text = ctx.text(node, field);
        if text.is_none() && matches!(node.value, Value::Str(_)) {
            ctx.report(
                Code::MissingField,
                node.span,
                format!("`{field}` is empty"),
                Some(help.into()),
            );
        }
        text.map(|t| (t, node.span))
    }

    /// The span of `key` itself, when it is present (even with an empty value).
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(k, _)| k.span)
    }

    /// A short span at the start of the mapping, for "missing field" carets.
    fn span_head(&self, ctx: &FileDiagnostics) -> Span {
        let first_key = self.entries.first().map(|(k, _)| k.span);
        match first_key {
            Some(span) => span,
            None => ctx.file.span_at(self.span.offset, self.span.len.min(1)),
        }
    }

    /// The unused key that looks like a misspelling of `key`, if there is one.
    fn misspelling_of(&self, key: &str) -> Option<usize> {
        self.entries.iter().enumerate().position(|(i, (k, _))| {
            !self.used[i]
                && matches!(&k.value, Value::Str(s)
                    if !self.known.contains(&s.as_str())
                        && suggest::closest(s, self.known.iter().copied()) == Some(key))
        })
    }

    /// Names this mapping in messages as `name` (e.g. "flow `icb-phm`"), once a caller has
    /// read what a practice manager knows it by.
    pub fn name_as(&mut self, name: String) {
        self.name = Some(name);
    }

    /// Where this mapping is, for messages: "at the top level" or "in `practice`".
    fn place(&self) -> String {
        if let Some(name) = &self.name {
            format!("in {name}")
        } else if self.field.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in `{}`", self.field)
        }
    }

    /// Reports every key that was never asked for, suggesting the nearest known key.
    pub fn finish(self, ctx: &mut FileDiagnostics) {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let name = key_name(key);
            let place = self.place();
            let help =
                suggest::did_you_mean(&name, self.known.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "the keys allowed here are {}",
                        english::and_list(
                            &self
                                .known
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                        )
                    )
                });
            ctx.report(
                Code::UnknownKey,
                key.span,
                format!("unknown key `{name}` {place}"),
                Some(help),
            );
        }
    }
}

/// The text inside a word processor's curly quotes, when the whole value is wrapped in them.
pub fn in_curly_quotes(text: &str) -> Option<&str> {
    let inner = text
        .strip_prefix(['“', '‘', '„'])?
        .strip_suffix(['”', '’', '“'])?;
    (!inner.trim().is_empty()).then_some(inner)
}

/// Text as one line: every line break (and the spaces around it) becomes one space, a tab a
/// space, and other control characters (a bell or an escape sequence pasted in) are dropped, as
/// they have no meaning in a register and would act on a terminal that prints them.
fn one_line(text: &str) -> String {
    let text = text.trim();
    let breaks = ['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'];
    if !text.chars().any(|c| c.is_control() || breaks.contains(&c)) {
        return text.to_string();
    }
    text.split(breaks)
        .map(|line| {
            line.chars()
                .filter_map(|c| match c {
                    '\t' => Some(' '),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect::<String>()
        })
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A mapping key as written, for messages.
fn key_name(key: &Node) -> String {
    match &key.value {
        Value::Str(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("({})", other.kind()),
    }
}
