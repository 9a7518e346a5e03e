//! gpdata reads YAML with its own tree builder over granit-parser's events (`src/yaml/`). This
//! checks it against a reference: serde-saphyr, the crate built on the same parser, read
//! through its `Spanned` values as gpdata did before. On every YAML input the project has (the
//! samples, every fixture and bad input, the fuzz seeds and kept regressions, the catalogue and
//! policy, synthetic registers, and the local fuzz corpus when present) both must give the same
//! tree with the same places, or both refuse the input.

mod common;
#[path = "support/synth.rs"]
mod synth;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gpdata::source::SourceFile;
use gpdata::yaml::{Node, Value};
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

/// The reference reading: serde-saphyr's spanned values, as gpdata read them up to
/// December 2026.
mod reference {
    use super::*;

    pub struct RawNode(pub Spanned<RawValue>);

    pub enum RawValue {
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
        fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
            Ok(RawValue::Float(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
            Ok(RawValue::Str(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
            Ok(RawValue::Str(v))
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
        budget.max_depth = gpdata::limits::MAX_DEPTH;
        budget.max_aliases = gpdata::limits::MAX_ALIASES;
        budget.max_nodes = gpdata::limits::MAX_NODES;
        budget.max_events = gpdata::limits::MAX_EVENTS;
        budget.enforce_alias_anchor_ratio = false;
        let mut options = Options::default();
        options.budget = Some(budget);
        options.strict_booleans = true;
        options.duplicate_keys = DuplicateKeyPolicy::Error;
        options.with_snippet = false;
        options.alias_limits.max_total_replayed_events = gpdata::limits::MAX_REPLAYED_EVENTS;
        options
    }

    /// The documents of `file`, or the line the reference stopped at.
    pub fn read(file: &SourceFile) -> Result<Vec<Node>, u32> {
        match serde_saphyr::from_multiple_with_options::<Option<RawNode>>(&file.text, options()) {
            Ok(docs) => Ok(docs
                .into_iter()
                .flatten()
                .map(|n| convert(file, n))
                .collect()),
            Err(e) => Err(e.location().map_or(0, |l| l.line() as u32)),
        }
    }

    fn convert(file: &SourceFile, raw: RawNode) -> Node {
        let loc = raw.0.referenced;
        let sp = loc.span();
        let span = match (sp.byte_offset(), sp.byte_len()) {
            (Some(offset), Some(len)) => file.span_at(offset as usize, len as usize),
            _ => file.line_span(loc.line() as u32, loc.column() as u32),
        };
        let value = match raw.0.value {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Int(i) => Value::Int(i),
            RawValue::Float(f) => Value::Float(f),
            RawValue::Str(s) => Value::Str(s),
            RawValue::Seq(items) => {
                Value::Seq(items.into_iter().map(|n| convert(file, n)).collect())
            }
            RawValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (convert(file, k), convert(file, v)))
                    .collect(),
            ),
        };
        Node { value, span }
    }
}

/// The first place two trees differ, as a path and a reason.
fn difference(ours: &Node, theirs: &Node, at: &str) -> Option<String> {
    if ours.span != theirs.span {
        return Some(format!("{at}: span {:?} vs {:?}", ours.span, theirs.span));
    }
    match (&ours.value, &theirs.value) {
        (Value::Seq(a), Value::Seq(b)) => {
            if a.len() != b.len() {
                return Some(format!("{at}: {} items vs {}", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| difference(x, y, &format!("{at}[{i}]")))
        }
        (Value::Map(a), Value::Map(b)) => {
            if a.len() != b.len() {
                return Some(format!("{at}: {} entries vs {}", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, ((ka, va), (kb, vb)))| {
                    difference(ka, kb, &format!("{at}{{key {i}}}"))
                        .or_else(|| difference(va, vb, &format!("{at}.{i}")))
                })
        }
        (Value::Float(a), Value::Float(b)) if a.is_nan() && b.is_nan() => None,
        (a, b) if a == b => None,
        (a, b) => Some(format!("{at}: {a:?} vs {b:?}")),
    }
}

/// Every YAML input the project keeps, and the local fuzz corpus if it has been run here.
fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = Vec::new();
    let roots = [
        "registers",
        "catalogue",
        "policies",
        "tests/fixtures",
        "tests/bad-inputs",
        "tests/fuzz-regressions/register",
        "tests/fuzz-regressions/policy",
        "fuzz/seeds/register",
        "fuzz/seeds/policy",
        "fuzz/corpus/register",
        "fuzz/corpus/policy",
    ];
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_none_or(|e| e != "tsv" && e != "md") {
                out.push(path);
            }
        }
    }
    for root in roots {
        walk(&common::path(root), &mut files);
    }
    files.sort();
    let mut inputs: Vec<(String, String)> = files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            Some((
                p.display().to_string(),
                text.trim_start_matches('\u{feff}').to_string(),
            ))
        })
        .collect();
    for seed in 0..40 {
        inputs.push((
            format!("synth {seed}"),
            synth::register(seed, seed as usize),
        ));
    }
    inputs
}

#[test]
fn the_tree_reader_agrees_with_serde_saphyr_on_every_input() {
    let mut compared = 0;
    let mut differences = Vec::new();
    for (name, text) in corpus() {
        let file: Arc<SourceFile> = SourceFile::new(name.clone(), text);
        if file.text.trim().is_empty() {
            continue;
        }
        let theirs = reference::read(&file);
        let ours = gpdata::yaml::parse(&file);
        compared += 1;
        let verdict = match (&ours, &theirs) {
            (Ok(node), Ok(docs)) if docs.len() == 1 => difference(node, &docs[0], "root"),
            (Err(d), Ok(docs)) if docs.len() != 1 => {
                // Both refuse: no document, or several.
                (!matches!(d.code.as_str(), "empty-file" | "multiple-documents"))
                    .then(|| format!("{} for {} documents", d.code.as_str(), docs.len()))
            }
            (Ok(_), Ok(docs)) => Some(format!("one document vs {}", docs.len())),
            // Both refuse. Where is checked by the bad-input corpus (tests/bad-inputs): our
            // messages deliberately point at the mistake (the line missing its colon, the tab)
            // rather than where the parser noticed it.
            (Err(_), Err(_)) => None,
            (Err(d), Ok(_)) => Some(format!(
                "we refuse ({}: {}), it reads",
                d.code.as_str(),
                d.message
            )),
            (Ok(_), Err(line)) => Some(format!("we read, it refuses at line {line}")),
        };
        if let Some(why) = verdict {
            differences.push(format!("{name}: {why}"));
        }
    }
    assert!(compared > 100, "only {compared} inputs");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// Small edits of an input that lead a line-by-line reader astray if it is careless: the
/// characters YAML gives meaning to, put in at a spread of places, and each line cut short.
fn edits(text: &str) -> Vec<String> {
    const INSERTS: [&str; 22] = [
        ":", ": ", " #", "#", "-", "- ", "'", "''", "\"", "\\", "[", "]", "{", "}", ",", "\r",
        "\r\n", "\n", "\n  ", "\t", "&a ", "|",
    ];
    let cuts: Vec<usize> = (0..text.len())
        .step_by((text.len() / 40).max(1))
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let mut out = Vec::new();
    for (n, &at) in cuts.iter().enumerate() {
        let insert = INSERTS[n % INSERTS.len()];
        out.push(format!("{}{insert}{}", &text[..at], &text[at..]));
        let next = text[at..].chars().next().map_or(0, char::len_utf8);
        out.push(format!("{}{}", &text[..at], &text[at + next..]));
    }
    let mut offset = 0;
    let lines = text.split_inclusive('\n').count();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        // Forty lines, spread over the file, are enough; every line of a long one is slow.
        if n % (lines / 40).max(1) != 0 {
            offset += line.len();
            continue;
        }
        let half = (0..=line.len() / 2)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        out.push(format!(
            "{}{}{}",
            &text[..offset + half],
            if offset % 3 == 0 { "\n" } else { "" },
            &text[offset + line.len()..]
        ));
        offset += line.len();
    }
    out
}

/// The simple reader (the fast path for plain block YAML) gives exactly the general parser's
/// tree and places wherever it reads a text, on every input and on edits of each.
#[test]
fn the_simple_reader_agrees_with_the_general_parser() {
    let mut read = 0;
    let mut compared = 0;
    let mut differences = Vec::new();
    for (name, text) in corpus() {
        for (i, variant) in std::iter::once(text.clone())
            .chain(edits(&text))
            .enumerate()
        {
            compared += 1;
            if gpdata::yaml::simple_reader_reads(&variant) {
                read += 1;
            }
            if let Some(why) = gpdata::yaml::simple_reader_difference(&variant) {
                // The first few in full; the count says how widespread.
                if differences.len() < 3 {
                    differences.push(format!("{name} (edit {i}): {why}\n--- text:\n{variant}"));
                } else {
                    differences.push(String::new());
                }
            }
        }
    }
    assert!(
        read > 1000,
        "the simple reader read only {read} of {compared}"
    );
    assert!(
        differences.is_empty(),
        "{} of {compared} differ; the first:\n{}",
        differences.len(),
        differences[..differences.len().min(3)].join("\n\n")
    );
}

/// Every shipped register and every generated one is read by the simple reader: a change that
/// sent them to the general parser would keep them correct but lose the speed silently.
#[test]
fn the_simple_reader_reads_the_shipped_and_generated_registers() {
    let mut missed = Vec::new();
    for (name, text) in corpus() {
        let shipped = name.contains("/registers/") || name.starts_with("synth ");
        if shipped && !gpdata::yaml::simple_reader_reads(&text) {
            missed.push(name);
        }
    }
    assert!(missed.is_empty(), "left to the general parser: {missed:?}");
}
