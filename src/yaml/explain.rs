//! What went wrong in a YAML file, in words a practice manager can act on: the parser's
//! messages are recognised and rewritten for the mistakes people make by hand (a tab, a missing
//! or unquoted colon, a key indented to the wrong place), and each limit is named.

use std::sync::Arc;

use granit_parser::ScanError;

use super::build::{Limit, Stop};
use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::source::{SourceFile, Span};

/// The diagnostic for a tree that could not be built.
pub(super) fn stop_error(file: &Arc<SourceFile>, stop: &Stop) -> Diagnostic {
    match stop {
        Stop::Scan(error) => scan_error(file, error),
        Stop::Limit(limit, span) => limit_error(file, *limit, *span),
        Stop::UnknownAlias(span) => Diagnostic::error(
            Code::YamlSyntax,
            "YAML syntax: this `*alias` refers to an `&anchor` that is not defined above it",
        )
        .at(file, *span)
        .with_help("define the anchor (`&name`) before the alias, or write the value out in full"),
        Stop::RecursiveAlias(span) => Diagnostic::error(
            Code::YamlSyntax,
            "YAML syntax: this `*alias` is inside the value its `&anchor` names, so it would repeat for ever",
        )
        .at(file, *span)
        .with_help("write the value out in full instead of referring to itself"),
        Stop::DuplicateKey(key, span) => Diagnostic::error(
            Code::DuplicateKey,
            format!("the key `{key}` appears twice in the same mapping"),
        )
        .at(file, *span)
        .with_help("each key may appear once in a mapping; merge the two entries or delete one"),
        Stop::BadMerge(span) => Diagnostic::error(
            Code::YamlSyntax,
            "YAML syntax: `<<:` merges a mapping (`<<: *defaults`), but this is not one",
        )
        .at(file, *span)
        .with_help("point `<<:` at an `&anchor` on a mapping, or write the keys out"),
    }
}

fn scan_error(file: &Arc<SourceFile>, error: &ScanError) -> Diagnostic {
    let text = error.info();
    let lower = text.to_lowercase();
    let marker = error.marker();
    let span = if marker.line() > 0 {
        file.line_span(marker.line() as u32, marker.col() as u32 + 1)
    } else {
        file.span_at(0, 0)
    };
    let (code, message, help) = if lower.contains("depth") || lower.contains("recursion") {
        (
            Code::YamlLimit,
            format!(
                "the YAML is nested more than {} levels deep",
                limits::MAX_DEPTH
            ),
            "a register needs about five levels of nesting; check for runaway brackets or indentation",
        )
    } else if lower.contains("anchor") || lower.contains("alias") {
        (
            Code::YamlSyntax,
            "YAML syntax: this `*alias` refers to an `&anchor` that is not defined above it"
                .to_string(),
            "define the anchor (`&name`) before the alias, or write the value out in full",
        )
    } else if lower.contains("tab") {
        // The parser reports the scalar before the tab; point at the tab itself.
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

/// A limit passed, named by what was exceeded.
fn limit_error(file: &Arc<SourceFile>, limit: Limit, span: Span) -> Diagnostic {
    let (code, message, help) = match limit {
        Limit::Depth => (
            Code::YamlLimit,
            format!("the YAML is nested more than {} levels deep", limits::MAX_DEPTH),
            "a register needs about five levels of nesting; check for runaway brackets or indentation".to_string(),
        ),
        Limit::Aliases => (
            Code::YamlLimit,
            format!("the YAML uses more than {} `*aliases`", limits::MAX_ALIASES),
            "write the values out plainly instead of using `&anchors` and `*aliases`".to_string(),
        ),
        Limit::Replayed => (
            Code::YamlLimit,
            format!(
                "the YAML's `*aliases` expand to more than {} values, far more than any register",
                limits::MAX_REPLAYED_EVENTS
            ),
            "write the values out plainly instead of using `&anchors` and `*aliases`".to_string(),
        ),
        // So many values in a file within the size limit means a very long list: most likely
        // flows, which is what the practice manager can act on.
        Limit::Nodes => {
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

/// The parser's messages may end with "at line X column Y"; we show the place separately.
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
