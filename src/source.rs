//! Source text and places in it: the file a diagnostic points into, spans, and a line index.

use std::sync::Arc;

/// Text safe to print on a terminal: every control character (an escape sequence's ESC, a
/// bell, a line break in a file name) is shown as `\u{1b}` instead of acting on the terminal or
/// forging a line of output.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A path as it may be printed: control characters (an escape sequence, a line break in a file
/// name) are written as `\u{..}`, so a file name can never steer the terminal or forge a line.
pub fn display_path(path: &std::path::Path) -> String {
    printable(&path.to_string_lossy()).into_owned()
}

/// One input file held in memory, with a display name for messages.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in messages (the path as the user gave it).
    pub name: String,
    /// The file's text, without any UTF-8 byte-order mark.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A place in a source file: 1-based line and column (in characters) and the byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset of the start in the file's text.
    pub offset: usize,
    /// Length in bytes (at least 1 where the file is not empty).
    pub len: usize,
}

impl SourceFile {
    /// Wraps text already in memory (tests, embedded policies, standard input).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// The span covering `len` bytes from byte `offset`, with its line and column.
    pub fn span_at(&self, offset: usize, len: usize) -> Span {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_index];
        let column = self.text[start..floor_char(&self.text, offset)]
            .chars()
            .count()
            + 1;
        Span {
            line: line_index as u32 + 1,
            column: column as u32,
            offset,
            len,
        }
    }

    /// The span of a whole line's content (for diagnostics that know only a line).
    pub fn line_span(&self, line: u32, column: u32) -> Span {
        let index = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[index];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let offset = self.text[start..end]
            .char_indices()
            .nth(column.max(1) as usize - 1)
            .map_or(end, |(i, _)| start + i);
        Span {
            line: index as u32 + 1,
            column: column.max(1),
            offset,
            len: if offset < end { 1 } else { 0 },
        }
    }
}

impl SourceFile {
    /// The whole lines a byte range touches: the first line's number and their byte range, so a
    /// diagnostic shows its own lines without the renderer walking the whole file.
    pub fn lines_of(&self, range: std::ops::Range<usize>) -> (usize, std::ops::Range<usize>) {
        let line_of = |offset: usize| match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let first = line_of(range.start.min(self.text.len()));
        let last = line_of(range.end.max(range.start).min(self.text.len()));
        let start = self.line_starts[first];
        let end = self
            .line_starts
            .get(last + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1).max(start));
        (first + 1, start..end.max(range.end.min(self.text.len())))
    }

    /// The byte range a span covers, widened to whole characters and to at least one
    /// character where the text has one, so it can always be sliced and underlined.
    pub fn char_range(&self, span: Span) -> std::ops::Range<usize> {
        let text = self.text.as_str();
        let start = floor_char(text, span.offset.min(text.len()));
        let mut end = ceil_char(text, span.offset.saturating_add(span.len).min(text.len()));
        if end == start {
            end = text[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8());
        }
        start..end
    }
}

fn ceil_char(text: &str, mut offset: usize) -> usize {
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

fn floor_char(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_deep_in_a_long_file_gives_only_its_own_line() {
        let text: String = (1..=20_000).map(|i| format!("key{i}: {i}\n")).collect();
        let file = SourceFile::new("long.yaml", text.clone());
        let offset = text.find("key19999:").unwrap();
        let (line, range) = file.lines_of(offset..offset + 3);
        assert_eq!(line, 19_999);
        assert_eq!(&text[range], "key19999: 19999");
    }
}
