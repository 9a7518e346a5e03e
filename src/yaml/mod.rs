//! Parsing YAML into a tree of nodes that remember where they came from.
//!
//! granit-parser (the pure-Rust parser under serde-saphyr) turns the text into events, and
//! [`build`] makes them a tree of [`Node`]s with spans, with limits against alias bombs and
//! deep nesting. Rather than deserialising straight into the register types, which would stop
//! at the first problem, [`crate::reader`] walks the tree, so one pass reports every mistake in a
//! file. [`explain`] turns a parse failure into a message a practice manager can act on.

mod build;
mod explain;
mod scalar;
mod simple;

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
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
    /// `true` or `false` (only those spellings, in lower, title or upper case).
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction or an exponent.
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

/// Parses one YAML document into a spanned tree, or explains why it cannot.
pub fn parse(file: &Arc<SourceFile>) -> Result<Node, Box<Diagnostic>> {
    // A lone CR ends a line for YAML, so it ends a comment too: `# note\rkey: value` has a key.
    if file
        .text
        .split(['\n', '\r'])
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
    let mut documents = match build::documents(&file.text) {
        Ok(documents) => documents,
        Err(stop) => return Err(Box::new(explain::stop_error(file, &stop))),
    };
    match documents.len() {
        0 => Err(Box::new(
            Diagnostic::error(
                Code::EmptyFile,
                "the file holds no YAML document, only `---`",
            )
            .at(file, file.span_at(0, 0))
            .with_help("a register is a mapping that starts with `register: 1`"),
        )),
        1 => Ok(documents.remove(0)),
        n => Err(Box::new(
            Diagnostic::error(
                Code::MultipleDocuments,
                format!("the file holds {n} YAML documents; a register is one document"),
            )
            .at(file, documents[1].span)
            .with_label("a second document starts here")
            .with_help("keep one register per file and remove the extra `---` separators"),
        )),
    }
}

/// Where the simple reader and the general parser read `text` differently, described; `None`
/// when they agree or the simple reader leaves the text to the parser. For tests and fuzzing,
/// which hold the fast path to the general one.
#[doc(hidden)]
pub fn simple_reader_difference(text: &str) -> Option<String> {
    let simple = simple::documents(text)?;
    match build::documents_by_parser(text) {
        Ok(general) if general == simple => None,
        Ok(general) => Some(format!("simple: {simple:?}\ngeneral: {general:?}")),
        Err(stop) => Some(format!(
            "simple read {simple:?}\nwhere the general parser stops: {stop:?}"
        )),
    }
}

/// Whether the simple reader reads `text` itself (rather than leaving it to the parser).
#[doc(hidden)]
pub fn simple_reader_reads(text: &str) -> bool {
    simple::documents(text).is_some()
}

#[cfg(test)]
mod empty_file_tests {
    use super::*;

    fn parsed(text: &str) -> Result<Node, Box<Diagnostic>> {
        parse(&SourceFile::new("t.yaml", text.to_string()))
    }

    #[test]
    fn only_comments_and_blank_lines_are_an_empty_file() {
        for text in [
            "",
            "\n\n",
            "# a note\n  # another\n",
            "# a\r\n# b\r\n",
            "# a\r# b\r",
        ] {
            let refused = parsed(text).expect_err(text);
            assert_eq!(refused.code, Code::EmptyFile, "{text:?}");
        }
    }

    #[test]
    fn a_key_after_a_comment_ended_by_a_lone_cr_is_read() {
        // Found by fuzzing: the whole text was taken for one comment line and refused as empty.
        let node = parsed("# a note\r  key: value").expect("reads");
        let Value::Map(entries) = &node.value else {
            panic!("a mapping");
        };
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0.value, Value::Str("key".into()));
    }
}
