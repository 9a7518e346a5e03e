//! A reader for the plain block YAML registers are written in, several times faster than the
//! general parser (which spends most of a `check` reading YAML).
//!
//! It reads block mappings and lists, one-line scalars (plain, single-quoted, and double-quoted
//! without escapes), one-line flow lists and mappings of scalars, and the literal and folded
//! block scalars (`|`, `|-`, `>`, `>-`) long text is written in, and feeds the same
//! [`Builder`] the general parser feeds, with the same spans. The moment it meets anything else
//! (an anchor, a tag, a block scalar with an indentation indicator or more-indented lines, a
//! plain or quoted scalar over two lines, a tab, an indentless list,
//! `---`, a mistake of any kind) it gives up, and the general parser reads the file from the
//! start: so it never decides what a file means on its own, and every message about a broken file
//! still comes from the general parser. Tests hold it to the general parser's reading on every
//! YAML file in the project, on generated registers and on the fuzz corpus
//! (`tests/yaml_oracle.rs`, `fuzz/checks.rs`).

use std::borrow::Cow;

use granit_parser::ScalarStyle;

use super::Node;
use super::build::Builder;
use crate::source::Span;

/// The general parser is needed (the reason does not matter: it reads the file again).
struct GiveUp;

type Step<T = ()> = Result<T, GiveUp>;

/// Reads `text`, or `None` where the general parser must.
pub(super) fn documents(text: &str) -> Option<Vec<Node>> {
    let ascii = plain_text(text)?;
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        ascii,
        line: 0,
        line_start: 0,
        last_column: (0, 1),
        stack: Vec::new(),
        pending: None,
        block: None,
        rooted: false,
        builder: Builder::new(),
    };
    reader.read().ok()?;
    Some(reader.builder.finish())
}

/// Whether every character is one the simple reader may pass on as it is: printable, with LF
/// or CR LF line ends, no tab and no byte-order mark. `Some(true)` when the text is ASCII.
fn plain_text(text: &str) -> Option<bool> {
    let bytes = text.as_bytes();
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' | 0x20..=0x7e => {}
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            0x80.. => ascii = false,
            _ => return None,
        }
    }
    // Outside ASCII, YAML's printable set, less the characters some parsers take as line
    // breaks (NEL, the Unicode separators) and the byte-order mark.
    let printable = |c: char| {
        c.is_ascii()
            || matches!(c as u32, 0xA0..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x10000..)
                && !matches!(c, '\u{2028}' | '\u{2029}')
    };
    (ascii || text.chars().all(printable)).then_some(ascii)
}

/// A block collection being read, by the column its keys or dashes stand in.
#[derive(Clone, Copy)]
struct Block {
    map: bool,
    indent: usize,
}

/// A key read with nothing after its colon: its value is on the lines below, or it is empty.
struct Pending {
    /// The indent of the mapping the key is in.
    indent: usize,
    /// Where an empty value is placed (the colon, as the general parser places it).
    colon: Span,
}

/// A literal (`|`) or folded (`>`) block scalar whose lines are being read.
struct BlockScalar {
    folded: bool,
    /// `|` and `>` end with one line break; `|-` and `>-` with none.
    clip: bool,
    /// The indent of the collection holding it: a line indented no further ends it.
    parent: usize,
    /// The indent of its text, from its first line.
    indent: Option<usize>,
    /// Its lines' text without the indent; `None` for an empty line.
    lines: Vec<Option<(usize, usize)>>,
    /// Where its text starts (the general parser's span starts there, not at the `|`).
    first: Option<Span>,
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    ascii: bool,
    /// The 1-based number of the line being read, and the offset it starts at.
    line: u32,
    line_start: usize,
    /// The last offset a column was counted for on this line, and its column, so a long line
    /// of non-ASCII text is counted once, not from its start for every value.
    last_column: (usize, u32),
    stack: Vec<Block>,
    pending: Option<Pending>,
    block: Option<BlockScalar>,
    /// The document's top-level node has started.
    rooted: bool,
    builder: Builder,
}

/// Characters that cannot start a plain scalar here (YAML's indicators); `-` followed by
/// something other than a space is allowed by YAML and taken here (negative numbers).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Longest key read here; YAML limits a key on one line to 1,024 characters.
const MAX_KEY: usize = 1_000;

impl Reader<'_> {
    fn read(&mut self) -> Step {
        self.builder.document();
        let len = self.bytes.len();
        let mut start = 0;
        while start < len {
            let newline = memchr(b'\n', &self.bytes[start..]).map_or(len, |i| start + i);
            let mut end = newline;
            if end > start && self.bytes[end - 1] == b'\r' {
                end -= 1;
            }
            self.line += 1;
            self.line_start = start;
            self.last_column = (start, 1);
            self.line_of(start, end)?;
            start = newline + 1;
        }
        self.end_block(self.bytes.len())?;
        if let Some(pending) = self.pending.take() {
            self.empty(pending.colon)?;
        }
        while self.stack.pop().is_some() {
            self.builder.end().map_err(|_| GiveUp)?;
        }
        // A text of nothing but comments is refused before this reader is asked.
        if self.rooted { Ok(()) } else { Err(GiveUp) }
    }

    /// One line, from its first byte to its end (without the line break).
    fn line_of(&mut self, start: usize, end: usize) -> Step {
        let b = self.bytes;
        let indent = b[start..end].iter().take_while(|&&c| c == b' ').count();
        let at = start + indent;
        if self.block.is_some() {
            if self.block_line(indent, at, end)? {
                return Ok(());
            }
            // The first line indented no further than its collection ends the scalar there.
            self.end_block(at)?;
        }
        if at == end || b[at] == b'#' {
            return Ok(());
        }
        if indent == 0
            && (b[at..end].starts_with(b"---") || b[at..end].starts_with(b"...") || b[at] == b'%')
        {
            return Err(GiveUp);
        }
        if let Some(pending) = self.pending.take() {
            if indent > pending.indent {
                // A block scalar's header on a line of its own is left to the parser.
                if matches!(b[at], b'|' | b'>') {
                    return Err(GiveUp);
                }
                return self.node(at, end, true);
            }
            self.empty(pending.colon)?;
        }
        while let Some(top) = self.stack.last() {
            if top.indent <= indent {
                break;
            }
            self.stack.pop();
            self.builder.end().map_err(|_| GiveUp)?;
        }
        match self.stack.last().copied() {
            None if !self.rooted => {
                self.rooted = true;
                self.node(at, end, false)
            }
            Some(top) if top.indent == indent => {
                if top.map == self.dash(at, end) {
                    // A list item among keys, or a key among list items (or an indentless list,
                    // which the general parser places differently).
                    return Err(GiveUp);
                }
                if top.map {
                    self.key_value(at, end)
                } else {
                    self.items(at, end)
                }
            }
            // Deeper than the collection without a key waiting (a scalar carried on to this
            // line, or a mistake), or a second top-level node.
            _ => Err(GiveUp),
        }
    }

    /// A node starting at `at`: a list, a mapping, or (as a key's value, `scalar_ok`) a scalar.
    fn node(&mut self, at: usize, end: usize, scalar_ok: bool) -> Step {
        if self.dash(at, end) {
            self.stack.push(Block {
                map: false,
                indent: at - self.line_start,
            });
            let span = self.span(at, 0);
            self.builder.start(false, 0, span).map_err(|_| GiveUp)?;
            self.items(at, end)
        } else if self.key_colon(at, end).is_some() {
            self.stack.push(Block {
                map: true,
                indent: at - self.line_start,
            });
            let span = self.span(at, 0);
            self.builder.start(true, 0, span).map_err(|_| GiveUp)?;
            self.key_value(at, end)
        } else if scalar_ok {
            self.value(at, end)
        } else {
            Err(GiveUp)
        }
    }

    /// `- ` at `at`.
    fn dash(&self, at: usize, end: usize) -> bool {
        self.bytes[at] == b'-' && (at + 1 == end || self.bytes[at + 1] == b' ')
    }

    /// A list item at the dash `at`, and any list or mapping that opens on the same line.
    fn items(&mut self, at: usize, end: usize) -> Step {
        let after = self.skip_spaces(at + 1, end);
        // An item whose value is on the lines below, or a comment first: left to the parser.
        if after == end || self.bytes[after] == b'#' {
            return Err(GiveUp);
        }
        self.node(after, end, true)
    }

    /// Where a key's colon is, if the line from `at` is a plain `key:` followed by a space or the
    /// end of the line.
    fn key_colon(&self, at: usize, end: usize) -> Option<usize> {
        let b = self.bytes;
        if is_indicator(b[at]) {
            return None;
        }
        let last = end.min(at + MAX_KEY);
        (at + 1..last).find_map(|i| match b[i] {
            b':' if i + 1 == end || b[i + 1] == b' ' => Some(Some(i)),
            b'#' if b[i - 1] == b' ' => Some(None),
            _ => None,
        })?
    }

    /// `key: value` at `at`, in the mapping on top of the stack.
    fn key_value(&mut self, at: usize, end: usize) -> Step {
        let colon = self.key_colon(at, end).ok_or(GiveUp)?;
        // `key :` is a key with a space in it to some readers; not worth the doubt.
        if self.bytes[colon - 1] == b' ' {
            return Err(GiveUp);
        }
        self.scalar(at, colon, ScalarStyle::Plain)?;
        let after = self.skip_spaces(colon + 1, end);
        if after == end || self.bytes[after] == b'#' {
            let indent = self.stack.last().map_or(0, |top| top.indent);
            self.pending = Some(Pending {
                indent,
                colon: self.span(colon, 0),
            });
            return Ok(());
        }
        self.value(after, end)
    }

    /// A scalar or a one-line flow collection at `at`, then nothing but a comment.
    fn value(&mut self, at: usize, end: usize) -> Step {
        let b = self.bytes;
        let after = match b[at] {
            b'"' | b'\'' => self.quoted(at, end)?,
            b'[' | b'{' => self.flow(at, end)?,
            b'|' | b'>' => self.block_header(at, end)?,
            b'-' if at + 1 < end && b[at + 1] != b' ' => self.plain(at, end)?,
            c if is_indicator(c) => return Err(GiveUp),
            _ => self.plain(at, end)?,
        };
        self.rest(after, end)
    }

    /// The header of a block scalar (`|`, `|-`, `>` or `>-`, alone on the rest of its line);
    /// its text follows on the lines below.
    fn block_header(&mut self, at: usize, end: usize) -> Step<usize> {
        let b = self.bytes;
        let strip = b.get(at + 1) == Some(&b'-') && at + 1 < end;
        let after = at + 1 + usize::from(strip);
        // An indentation indicator, `+` or a comment after the header: left to the parser.
        if self.skip_spaces(after, end) != end {
            return Err(GiveUp);
        }
        self.block = Some(BlockScalar {
            folded: b[at] == b'>',
            clip: !strip,
            parent: self.stack.last().map_or(0, |top| top.indent),
            indent: None,
            lines: Vec::new(),
            first: None,
        });
        Ok(end)
    }

    /// A line while a block scalar is open: whether it belongs to the scalar.
    fn block_line(&mut self, indent: usize, at: usize, end: usize) -> Step<bool> {
        let span = self.span(at, 0);
        let Some(block) = self.block.as_mut() else {
            return Ok(false);
        };
        if at == end {
            match block.indent {
                // Spaces past the text's indent are text; empty lines before the first are
                // placed in ways not worth copying.
                Some(text) if indent <= text => {
                    block.lines.push(None);
                    return Ok(true);
                }
                _ => return Err(GiveUp),
            }
        }
        if indent <= block.parent {
            return Ok(false);
        }
        let text = *block.indent.get_or_insert(indent);
        // Less indented than the first line (a mistake), more indented in a folded scalar (kept
        // unfolded), or trailing spaces (kept as text): left to the parser.
        if indent < text || (block.folded && indent > text) || self.bytes[end - 1] == b' ' {
            return Err(GiveUp);
        }
        block.first.get_or_insert(span);
        block.lines.push(Some((self.line_start + text, end)));
        Ok(true)
    }

    /// Ends the open block scalar, if any, at `stop` (where the general parser ends its span: the
    /// first character of the line after it, or the end of the text).
    fn end_block(&mut self, stop: usize) -> Step {
        let Some(mut block) = self.block.take() else {
            return Ok(());
        };
        let first = block.first.ok_or(GiveUp)?;
        while block.lines.last() == Some(&None) {
            block.lines.pop();
        }
        let mut text = String::new();
        let mut empties = 0;
        for (i, line) in block.lines.iter().enumerate() {
            match line {
                None if block.folded => empties += 1,
                None => text.push('\n'),
                Some((from, to)) => {
                    if block.folded && i > 0 {
                        if empties == 0 {
                            text.push(' ');
                        }
                        text.extend(std::iter::repeat_n('\n', empties));
                        empties = 0;
                    } else if i > 0 && !block.folded {
                        text.push('\n');
                    }
                    text.push_str(&self.text[*from..*to]);
                }
            }
        }
        if block.clip {
            text.push('\n');
        }
        let style = if block.folded {
            ScalarStyle::Folded
        } else {
            ScalarStyle::Literal
        };
        let span = Span {
            len: stop - first.offset,
            ..first
        };
        self.builder
            .scalar(Cow::Owned(text), style, 0, None, span)
            .map_err(|_| GiveUp)
    }

    /// A plain scalar in a block, from `at` to a comment or the end of the line; where its text
    /// ends.
    fn plain(&mut self, at: usize, end: usize) -> Step<usize> {
        let b = self.bytes;
        let mut stop = end;
        for i in at + 1..end {
            match b[i] {
                // `key: a: b`, or `a:` ending the line: a mapping where a scalar was expected.
                b':' if i + 1 == end || b[i + 1] == b' ' => return Err(GiveUp),
                b'#' if b[i - 1] == b' ' => {
                    stop = i;
                    break;
                }
                _ => {}
            }
        }
        let trimmed = at + self.text[at..stop].trim_end_matches(' ').len();
        self.scalar(at, trimmed, ScalarStyle::Plain)?;
        Ok(trimmed)
    }

    /// A quoted scalar closed on its own line; where it ends.
    fn quoted(&mut self, at: usize, end: usize) -> Step<usize> {
        let b = self.bytes;
        let quote = b[at];
        let mut i = at + 1;
        let mut doubled = false;
        loop {
            match b[i..end].iter().position(|&c| c == quote || c == b'\\') {
                None => return Err(GiveUp),
                Some(n) => i += n,
            }
            if b[i] == b'\\' {
                if quote == b'"' {
                    return Err(GiveUp);
                }
                i += 1;
            } else if quote == b'\'' && b.get(i + 1) == Some(&b'\'') && i + 1 < end {
                doubled = true;
                i += 2;
            } else {
                break;
            }
        }
        let inner = &self.text[at + 1..i];
        let text = if doubled {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        };
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        let span = self.span(at, i + 1 - at);
        self.builder
            .scalar(text, style, 0, None, span)
            .map_err(|_| GiveUp)?;
        Ok(i + 1)
    }

    /// A flow list `[a, b]` or mapping `{k: v}` of scalars, closed on the same line; where it ends.
    fn flow(&mut self, at: usize, end: usize) -> Step<usize> {
        let b = self.bytes;
        let map = b[at] == b'{';
        let close = if map { b'}' } else { b']' };
        let span = self.span(at, 1);
        self.builder.start(map, 0, span).map_err(|_| GiveUp)?;
        let mut i = self.skip_spaces(at + 1, end);
        if i < end && b[i] == close {
            self.builder.end().map_err(|_| GiveUp)?;
            return Ok(i + 1);
        }
        loop {
            if map {
                i = self.flow_scalar(i, end, true)?;
                if !(i + 1 < end && b[i] == b':' && b[i + 1] == b' ') {
                    return Err(GiveUp);
                }
                i = self.skip_spaces(i + 1, end);
            }
            i = self.flow_scalar(i, end, false)?;
            i = self.skip_spaces(i, end);
            match b.get(i) {
                Some(&c) if i < end && c == close => break,
                Some(b',') if i < end => {
                    i = self.skip_spaces(i + 1, end);
                    // A trailing comma, or another comma: left to the parser.
                    if i >= end || b[i] == close || b[i] == b',' {
                        return Err(GiveUp);
                    }
                }
                _ => return Err(GiveUp),
            }
        }
        self.builder.end().map_err(|_| GiveUp)?;
        Ok(i + 1)
    }

    /// A scalar inside a flow collection (a key when `key`); where it ends.
    fn flow_scalar(&mut self, at: usize, end: usize, key: bool) -> Step<usize> {
        let b = self.bytes;
        if at >= end {
            return Err(GiveUp);
        }
        if !key && (b[at] == b'"' || b[at] == b'\'') {
            return self.quoted(at, end);
        }
        if is_indicator(b[at]) {
            return Err(GiveUp);
        }
        let mut i = at;
        while i < end {
            match b[i] {
                b',' | b'[' | b']' | b'{' | b'}' => break,
                // A key's colon ends a key; anywhere else a colon or `#` is left to the parser.
                b':' if key => break,
                b':' | b'#' => return Err(GiveUp),
                _ => i += 1,
            }
        }
        let trimmed = at + self.text[at..i].trim_end_matches(' ').len();
        // An empty item (`{a: }`) is a null to the parser, with its own placing.
        if trimmed == at || key && trimmed != i {
            return Err(GiveUp);
        }
        self.scalar(at, trimmed, ScalarStyle::Plain)?;
        Ok(i)
    }

    /// After a value: spaces, then the end of the line or a comment.
    fn rest(&self, at: usize, end: usize) -> Step {
        let after = self.skip_spaces(at, end);
        if after == end || (after > at && self.bytes[after] == b'#') {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// A plain scalar from `start` to `end`.
    fn scalar(&mut self, start: usize, end: usize, style: ScalarStyle) -> Step {
        let span = self.span(start, end - start);
        let text = Cow::Borrowed(&self.text[start..end]);
        self.builder
            .scalar(text, style, 0, None, span)
            .map_err(|_| GiveUp)
    }

    /// A key's empty value.
    fn empty(&mut self, colon: Span) -> Step {
        self.builder
            .scalar(Cow::Borrowed("~"), ScalarStyle::Plain, 0, None, colon)
            .map_err(|_| GiveUp)
    }

    /// The span of `len` bytes at `offset` on the current line.
    fn span(&mut self, offset: usize, len: usize) -> Span {
        let column = if self.ascii {
            (offset - self.line_start) as u32 + 1
        } else {
            let (from, column) = match self.last_column {
                (from, column) if from <= offset => (from, column),
                _ => (self.line_start, 1),
            };
            let column = column + self.text[from..offset].chars().count() as u32;
            self.last_column = (offset, column);
            column
        };
        Span {
            line: self.line,
            column,
            offset,
            len,
        }
    }
}

/// The first `needle` in `haystack`.
fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}
