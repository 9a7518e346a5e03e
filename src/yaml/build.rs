//! Building the spanned tree from the YAML parser's events, with the limits that keep hostile
//! input cheap: nesting depth, aliases, nodes, and the nodes aliases copy ("billion laughs").

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::{Node, Value, scalar};
use crate::limits;
use crate::source::Span;

/// Why the tree could not be built.
#[derive(Debug)]
pub(super) enum Stop {
    /// The parser's own error.
    Scan(ScanError),
    /// A limit was passed at `Span`.
    Limit(Limit, Span),
    /// `*name` with no `&name` before it.
    UnknownAlias(Span),
    /// `*name` inside the node `&name` is on.
    RecursiveAlias(Span),
    /// The key (its text) appears twice in one mapping; the span is the second one.
    DuplicateKey(String, Span),
    /// `<<:` given something other than a mapping or a list of mappings.
    BadMerge(Span),
}

/// Which limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    /// `limits::MAX_DEPTH`.
    Depth,
    /// `limits::MAX_ALIASES`.
    Aliases,
    /// `limits::MAX_NODES`.
    Nodes,
    /// `limits::MAX_REPLAYED_EVENTS`.
    Replayed,
}

/// A collection being read.
enum Frame {
    Seq {
        span: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        span: Span,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        /// The key read, waiting for its value.
        key: Option<Node>,
        /// The next value is a `<<` merge.
        merging: bool,
        merges: Vec<Node>,
        /// The hash of every scalar key, once the mapping is big enough for a set to pay.
        seen: Option<HashSet<u64>>,
    },
}

/// Mappings with more keys than this keep a set of them for the duplicate check.
const SCAN_KEYS: usize = 16;

pub(super) struct Builder {
    stack: Vec<Frame>,
    /// Complete anchored nodes of the current document, by the parser's anchor id.
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    nodes: usize,
    aliases: usize,
    replayed: usize,
    /// Hashes keys for the duplicate check; random, so no file can be written to collide.
    keys: RandomState,
}

/// Reads every document of `text` into a tree (empty documents are left out).
pub(super) fn documents(text: &str) -> Result<Vec<Node>, Stop> {
    // Nearly every register is plain block YAML, which the simple reader reads several times
    // faster; anything else it leaves to the general parser, from the start.
    match super::simple::documents(text) {
        Some(documents) => Ok(documents),
        None => documents_by_parser(text),
    }
}

/// The documents as the general parser reads them.
pub(super) fn documents_by_parser(text: &str) -> Result<Vec<Node>, Stop> {
    let mut builder = Builder::new();
    // The parser counts a lone CR as a line break, as YAML does; the rest of gpdata (the line
    // index diagnostics are shown with, editors on Windows and Linux) counts LF. Only a text with
    // a lone CR needs its lines counted again; others keep the parser's.
    let mut lines = LoneCr::index(text);
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(Stop::Scan)?;
        let mut span = span_of(&span);
        if let Some(lines) = &mut lines {
            (span.line, span.column) = lines.place(text, span.offset);
        }
        builder.event(event, span)?;
    }
    Ok(builder.finish())
}

/// Where the LF line breaks are, for a text that also has a CR not followed by LF, and the last
/// place found (events come in order, so each column is counted on from the one before, never
/// from the start of a long line again).
struct LoneCr {
    breaks: Vec<usize>,
    /// Byte offset, line and column of the last place found.
    last: (usize, u32, u32),
}

impl LoneCr {
    fn index(text: &str) -> Option<LoneCr> {
        let bytes = text.as_bytes();
        let lone = bytes
            .iter()
            .enumerate()
            .any(|(i, b)| *b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        lone.then(|| LoneCr {
            breaks: text.match_indices('\n').map(|(i, _)| i).collect(),
            last: (0, 1, 1),
        })
    }

    /// The 1-based line and column (in characters) of a byte offset, counting LF only.
    fn place(&mut self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.breaks.partition_point(|&nl| nl < offset);
        let line_start = if line == 0 {
            0
        } else {
            self.breaks[line - 1] + 1
        };
        let (last_offset, last_line, last_column) = self.last;
        let column = if last_line as usize == line + 1 && last_offset <= offset {
            last_column + chars(text, last_offset, offset)
        } else {
            1 + chars(text, line_start, offset)
        };
        self.last = (offset, line as u32 + 1, column);
        (line as u32 + 1, column)
    }
}

/// How many characters lie between two byte offsets (rounded to character boundaries).
fn chars(text: &str, from: usize, to: usize) -> u32 {
    text.get(from..to)
        .or_else(|| {
            text.get(from..)
                .map(|t| &t[..t.floor_char_boundary(to - from)])
        })
        .map_or(0, |t| t.chars().count() as u32)
}

/// Our span of the parser's: 1-based line and column (in characters), byte offset and length.
fn span_of(span: &granit_parser::Span) -> Span {
    let offset = span.start.byte_offset().unwrap_or(span.start.index());
    let end = span.end.byte_offset().unwrap_or(span.end.index());
    Span {
        line: span.start.line() as u32,
        column: span.start.col() as u32 + 1,
        offset,
        len: end.saturating_sub(offset),
    }
}

impl Builder {
    pub(super) fn new() -> Builder {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::new(),
            documents: Vec::new(),
            nodes: 0,
            aliases: 0,
            replayed: 0,
            keys: RandomState::new(),
        }
    }

    /// The documents read, once the text has ended.
    pub(super) fn finish(self) -> Vec<Node> {
        self.documents
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Stop> {
        match event {
            Event::DocumentStart(..) => self.document(),
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), span)?;
            }
            Event::SequenceStart(_, anchor, _) => self.start(false, anchor, span)?,
            Event::MappingStart(_, anchor, _) => self.start(true, anchor, span)?,
            Event::SequenceEnd | Event::MappingEnd => self.end()?,
            Event::Alias(id) => self.alias(id, span)?,
            Event::UnresolvedAlias(_) => return Err(Stop::UnknownAlias(span)),
            _ => {}
        }
        Ok(())
    }

    /// A document starts: anchors of the one before are forgotten.
    pub(super) fn document(&mut self) {
        self.anchors.clear();
    }

    /// A scalar, with its anchor id (0 for none) and tag.
    pub(super) fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Stop> {
        self.count(1, span)?;
        if let Some(Frame::Map {
            key: None, merging, ..
        }) = self.stack.last_mut()
            && matches!(style, ScalarStyle::Plain)
            && text == "<<"
            && tag.is_none()
        {
            *merging = true;
            return Ok(());
        }
        let node = Node {
            value: scalar::resolve(text, style, tag),
            span,
        };
        self.anchor(anchor, &node);
        self.add(node)
    }

    /// A mapping (`map`) or a sequence starts at `span`.
    pub(super) fn start(&mut self, map: bool, anchor: usize, span: Span) -> Result<(), Stop> {
        self.open(span)?;
        self.stack.push(if map {
            Frame::Map {
                span,
                anchor,
                entries: Vec::new(),
                key: None,
                merging: false,
                merges: Vec::new(),
                seen: None,
            }
        } else {
            Frame::Seq {
                span,
                anchor,
                items: Vec::new(),
            }
        });
        Ok(())
    }

    /// The innermost mapping or sequence ends.
    pub(super) fn end(&mut self) -> Result<(), Stop> {
        let (node, anchor) = match self.stack.pop() {
            Some(Frame::Seq {
                span,
                anchor,
                items,
            }) => (
                Node {
                    value: Value::Seq(items),
                    span,
                },
                anchor,
            ),
            Some(Frame::Map {
                span,
                anchor,
                entries,
                merges,
                ..
            }) => (
                Node {
                    value: Value::Map(merged(entries, merges)?),
                    span,
                },
                anchor,
            ),
            // The parser pairs every end with its start.
            None => return Ok(()),
        };
        self.anchor(anchor, &node);
        self.add(node)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), Stop> {
        self.aliases += 1;
        if self.aliases > limits::MAX_ALIASES {
            return Err(Stop::Limit(Limit::Aliases, span));
        }
        let Some(target) = self.anchors.get(&id) else {
            let open = self.stack.iter().any(|f| match f {
                Frame::Seq { anchor, .. } | Frame::Map { anchor, .. } => *anchor == id,
            });
            return Err(if open {
                Stop::RecursiveAlias(span)
            } else {
                Stop::UnknownAlias(span)
            });
        };
        // Counted before anything is copied, so an alias bomb stops at once.
        let size = size(target);
        self.replayed += size;
        if self.replayed > limits::MAX_REPLAYED_EVENTS {
            return Err(Stop::Limit(Limit::Replayed, span));
        }
        // Every node of the copy is placed at the alias, as serde-saphyr places
        // replayed values: a message about it then names the flow that uses it.
        let mut node = target.clone();
        relocate(&mut node, span);
        self.count(size, span)?;
        self.add(node)
    }

    fn count(&mut self, nodes: usize, span: Span) -> Result<(), Stop> {
        self.nodes += nodes;
        if self.nodes > limits::MAX_NODES {
            return Err(Stop::Limit(Limit::Nodes, span));
        }
        Ok(())
    }

    fn open(&mut self, span: Span) -> Result<(), Stop> {
        if self.stack.len() >= limits::MAX_DEPTH {
            return Err(Stop::Limit(Limit::Depth, span));
        }
        self.count(1, span)
    }

    fn anchor(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    /// Puts a complete node where it belongs: a document, a list item, a key or a value.
    fn add(&mut self, node: Node) -> Result<(), Stop> {
        match self.stack.last_mut() {
            None => {
                // An empty document (`---` alone, or `~`) holds nothing.
                if node.value != Value::Null {
                    self.documents.push(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key,
                merging,
                merges,
                seen,
                ..
            }) => {
                if *merging {
                    *merging = false;
                    merges.push(node);
                } else if let Some(k) = key.take() {
                    entries.push((k, node));
                } else {
                    if is_scalar_key(&node.value) {
                        // Small mappings are scanned; big ones keep a set of their keys' hashes.
                        let repeated = match seen {
                            Some(set) => is_repeat(set, &self.keys, entries, &node.value),
                            None => entries.iter().any(|(k, _)| k.value == node.value),
                        };
                        if repeated {
                            return Err(Stop::DuplicateKey(key_text(&node.value), node.span));
                        }
                        if seen.is_none() && entries.len() >= SCAN_KEYS {
                            let mut set = key_hashes(&self.keys, entries);
                            set.insert(key_hash(&self.keys, &node.value));
                            *seen = Some(set);
                        }
                    }
                    *key = Some(node);
                }
            }
        }
        Ok(())
    }
}

/// Scalar keys other than floats are checked for repeats (a float is never equal to itself if
/// it is NaN, and no register uses one as a key); keys that are not scalars never repeat here.
fn is_scalar_key(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::Null
    )
}

/// A scalar key's hash for the duplicate check, of its type and text, so `1` and `"1"` are
/// different keys.
fn key_hash(keys: &RandomState, value: &Value) -> u64 {
    match value {
        Value::Str(s) => keys.hash_one((b's', s.as_str())),
        Value::Int(i) => keys.hash_one((b'i', i)),
        Value::Bool(b) => keys.hash_one((b'b', b)),
        Value::Null | Value::Float(_) | Value::Seq(_) | Value::Map(_) => keys.hash_one(b'n'),
    }
}

/// The hashes of `entries`' scalar keys.
fn key_hashes(keys: &RandomState, entries: &[(Node, Node)]) -> HashSet<u64> {
    entries
        .iter()
        .filter(|(k, _)| is_scalar_key(&k.value))
        .map(|(k, _)| key_hash(keys, &k.value))
        .collect()
}

/// True when the scalar `key` is already a key of `entries`, whose keys' hashes are `seen`;
/// its hash is added to `seen`. A hash seen before is confirmed against the keys themselves,
/// so a collision never counts as a repeat.
fn is_repeat(
    seen: &mut HashSet<u64>,
    keys: &RandomState,
    entries: &[(Node, Node)],
    key: &Value,
) -> bool {
    !seen.insert(key_hash(keys, key)) && entries.iter().any(|(k, _)| k.value == *key)
}

/// A repeated key as the message about it shows it.
fn key_text(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null | Value::Float(_) | Value::Seq(_) | Value::Map(_) => String::new(),
    }
}

/// The mapping's entries with its `<<` merges added: keys written in the mapping win, and an
/// earlier merge wins over a later one.
fn merged(mut entries: Vec<(Node, Node)>, merges: Vec<Node>) -> Result<Vec<(Node, Node)>, Stop> {
    if merges.is_empty() {
        return Ok(entries);
    }
    let mut sources = Vec::new();
    for merge in merges {
        match merge.value {
            Value::Map(map) => sources.push(map),
            Value::Seq(items) => {
                for item in items {
                    match item.value {
                        Value::Map(map) => sources.push(map),
                        _ => return Err(Stop::BadMerge(item.span)),
                    }
                }
            }
            _ => return Err(Stop::BadMerge(merge.span)),
        }
    }
    let keys = RandomState::new();
    let mut seen = key_hashes(&keys, &entries);
    for source in sources {
        for (key, value) in source {
            let fresh =
                !is_scalar_key(&key.value) || !is_repeat(&mut seen, &keys, &entries, &key.value);
            if fresh {
                entries.push((key, value));
            }
        }
    }
    Ok(entries)
}

/// Places a node and everything in it at `span`.
fn relocate(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| relocate(n, span)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            relocate(k, span);
            relocate(v, span);
        }),
        _ => {}
    }
}

/// How many nodes a tree holds.
fn size(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(size).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| size(k) + size(v)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod lone_cr_tests {
    use super::*;

    #[test]
    fn a_lone_cr_does_not_count_as_a_line_where_gpdata_shows_lines() {
        let text = "a: 1\r\rb: 2\nc: 3\r\nd: 4\n";
        let docs = documents(text).expect("reads");
        let Value::Map(entries) = &docs[0].value else {
            panic!("a mapping");
        };
        let lines: Vec<u32> = entries.iter().map(|(k, _)| k.span.line).collect();
        // LF counted only: `a` and `b` on line 1, `c` on 2, `d` on 3 (CR LF is one break).
        assert_eq!(lines, [1, 1, 2, 3]);
        let columns: Vec<u32> = entries.iter().map(|(k, _)| k.span.column).collect();
        // `b` is the seventh character of its LF-ended line (after `a: 1` and two CRs).
        assert_eq!(columns, [1, 7, 1, 1]);
        // Without a lone CR the parser's own count stands.
        let docs = documents("a: 1\r\nb: 2\n").expect("reads");
        let Value::Map(entries) = &docs[0].value else {
            panic!("a mapping");
        };
        assert_eq!(entries[1].0.span.line, 2);
    }
}

#[cfg(test)]
mod duplicate_key_tests {
    use super::*;

    /// A mapping of `n` keys `k0` … with `extra` lines added at its end.
    fn mapping(n: usize, extra: &str) -> String {
        let mut text: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str(extra);
        text
    }

    fn repeated(result: Result<Vec<Node>, Stop>) -> Option<(String, u32)> {
        match result {
            Err(Stop::DuplicateKey(key, span)) => Some((key, span.line)),
            _ => None,
        }
    }

    #[test]
    fn a_repeated_key_is_found_in_small_and_big_mappings_by_both_readers() {
        // Below, at and well past the size where the check switches from a scan to a set.
        for n in [3, SCAN_KEYS - 1, SCAN_KEYS, SCAN_KEYS + 1, 5 * SCAN_KEYS] {
            let text = mapping(n, "k2: again\n");
            let line = n as u32 + 1;
            assert_eq!(
                repeated(documents(&text)),
                Some(("k2".into(), line)),
                "{n} keys"
            );
            let by_parser = repeated(documents_by_parser(&text));
            assert_eq!(
                by_parser,
                Some(("k2".into(), line)),
                "{n} keys, general parser"
            );
            // The last key repeated, and a repeat of a repeat's neighbour.
            let last = format!("k{}", n - 1);
            let text = mapping(n, &format!("{last}: again\n"));
            assert_eq!(repeated(documents(&text)), Some((last, line)), "{n} keys");
            // No repeat: the mapping reads, every key in order.
            let docs = documents(&mapping(n, "")).expect("reads");
            let Value::Map(entries) = &docs[0].value else {
                panic!("a mapping");
            };
            assert_eq!(entries.len(), n);
        }
    }

    #[test]
    fn keys_of_different_types_are_different_keys_however_big_the_mapping() {
        for n in [2, 5 * SCAN_KEYS] {
            let text = mapping(
                n,
                "1: number\n\"1\": text\ntrue: yes\n\"true\": text\n~: none\n",
            );
            let docs = documents(&text).expect("reads");
            let Value::Map(entries) = &docs[0].value else {
                panic!("a mapping");
            };
            assert_eq!(entries.len(), n + 5, "{n} keys");
            let text = mapping(n, "1: number\n0x1: the same number\n");
            assert!(repeated(documents(&text)).is_some(), "{n} keys");
        }
    }

    #[test]
    fn keys_written_in_a_mapping_win_over_merged_ones() {
        let base: String = (0..3 * SCAN_KEYS)
            .map(|i| format!("  k{i}: base\n"))
            .collect();
        let text = format!("base: &b\n{base}top:\n  <<: *b\n  k1: own\n  extra: own\n");
        let docs = documents(&text).expect("reads");
        let Value::Map(top) = &docs[0].value else {
            panic!("a mapping");
        };
        let Value::Map(entries) = &top[1].1.value else {
            panic!("a mapping");
        };
        assert_eq!(entries.len(), 3 * SCAN_KEYS + 1);
        let k1: Vec<&Value> = entries
            .iter()
            .filter(|(k, _)| k.value == Value::Str("k1".into()))
            .map(|(_, v)| &v.value)
            .collect();
        assert_eq!(k1, [&Value::Str("own".into())]);
    }
}
