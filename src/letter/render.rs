//! Rendering a letter: template context → Tera → Markdown → blocks, plus the frame.

use std::sync::Arc;

use crate::catalogue::Catalogue;
use crate::diag::{Code, Diagnostic};
use crate::policy::{Decision, Policy};
use crate::register::{Contractor, Register};

use super::blocks;
use super::context::{self, LetterOptions};
use super::model::{Block, Frame, Letter, Meta, plain};
use super::templates::{TemplateSource, as_source};

/// Writes register text into the template's Markdown so it prints exactly as written and can
/// never change the letter's structure: characters that mean something in Markdown are escaped
/// (`&` too, so an entity such as `&amp;` stays as typed), a character that would start a list,
/// a heading underline or a numbered item at the start of a line is escaped, and a line break
/// or other control character becomes a space, so text cannot start a new block.
fn escape_markdown(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(text.len() + 8);
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            if !buf.ends_with(' ') {
                buf.push(' ');
            }
            continue;
        }
        let starts_block = at_start && matches!(c, '-' | '+' | '=');
        let ends_number = c.is_ascii_digit()
            && matches!(chars.peek(), Some('.' | ')'))
            && buf.chars().all(|b| b.is_ascii_digit() || b == ' ');
        if starts_block
            || matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!'
            )
        {
            buf.push('\\');
        }
        buf.push(c);
        if ends_number && let Some(p) = chars.next() {
            buf.push('\\');
            buf.push(p);
        }
        at_start = false;
    }
    out.write_all(buf.as_bytes())
}

/// The line a template writes where the letter's signature goes: what follows is the annex,
/// printed after the signature.
pub const ANNEX_MARKER: &str = "<!-- annex -->";

/// A loaded set of templates, ready to render many letters (build once per run).
pub struct Renderer {
    tera: tera::Tera,
    sources: Vec<TemplateSource>,
}

impl Renderer {
    /// Compiles the templates; a syntax error becomes a `template-error` diagnostic with its
    /// file, line and column.
    pub fn new(sources: Vec<TemplateSource>) -> Result<Renderer, Box<Diagnostic>> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".md"]);
        tera.set_escape_fn(escape_markdown);
        tera.register_filter("thousands", |n: i64, _: tera::Kwargs, _: &tera::State| {
            let sign = if n < 0 { "-" } else { "" };
            format!("{sign}{}", context::thousands(n.unsigned_abs()))
        });
        for t in &sources {
            if let Err(e) = tera.add_raw_template(&t.name, &t.text) {
                return Err(Box::new(template_error(&sources, &e)));
            }
        }
        Ok(Renderer { tera, sources })
    }

    /// Renders one letter.
    pub fn render(
        &self,
        register: &Register,
        decisions: &[Decision],
        policy: &Policy,
        catalogue: &Catalogue,
        options: &LetterOptions,
    ) -> Result<Letter, Box<Diagnostic>> {
        let context = context::build(register, decisions, policy, catalogue, options);
        let ctx = tera::Context::from_serialize(&context)
            .map_err(|e| Box::new(template_error(&self.sources, &e)))?;
        let name = format!("{}.md", options.kind.as_str());
        let rendered = self
            .tera
            .render(&name, &ctx)
            .map_err(|e| Box::new(template_error(&self.sources, &e)))?;
        let (markdown, annex_markdown) = match rendered.split_once(ANNEX_MARKER) {
            Some((body, annex)) => (body.trim_end().to_string(), annex.trim().to_string()),
            None => (rendered, String::new()),
        };
        let mut body = blocks::parse(&markdown);
        let annex = blocks::parse(&annex_markdown);
        let subject = match body.first() {
            Some(Block::Heading(1, inline)) => {
                let s = plain(inline);
                body.remove(0);
                s
            }
            _ => String::new(),
        };
        let frame = frame(register, options);
        let meta = Meta {
            title: printable(&format!(
                "{}: {} ({})",
                if subject.is_empty() {
                    "Letter to the ICB"
                } else {
                    &subject
                },
                register.practice.name,
                register.practice.ods_code
            )),
            author: printable(&register.practice.name),
            subject: printable(&subject),
            date: options.date,
        };
        Ok(Letter {
            meta,
            frame,
            subject,
            body,
            annex,
            markdown,
            annex_markdown,
        })
    }
}

fn template_error(sources: &[TemplateSource], error: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let (message, place) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            (
                report.message().to_string(),
                Some((
                    report.filename().to_string(),
                    span.range.start,
                    span.range.len(),
                )),
            )
        }
        _ => {
            let mut text = error.to_string();
            let mut source = error.source();
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            (text, None)
        }
    };
    let help = "fix the template, or compare it with `gpdata templates show NAME`";
    let located = place.and_then(|(file, offset, len)| {
        let t = sources.iter().find(|t| t.name == file)?;
        let source: Arc<crate::source::SourceFile> = as_source(t);
        let span = source.span_at(offset, len.max(1));
        Some(
            Diagnostic::error(Code::TemplateError, format!("template: {message}"))
                .at(&source, span),
        )
    });
    located
        .unwrap_or_else(|| {
            Diagnostic::error(Code::TemplateError, format!("template: {message}"))
                .with_file_name("templates")
        })
        .with_help(help)
}

/// Text for document metadata: control characters (which would make the XMP invalid) become
/// spaces, and runs of spaces one.
fn printable(text: &str) -> String {
    text.split(|c: char| c.is_control())
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Titles that may start a written name ("Dr Helen Okafor") and are not part of the surname.
const TITLES: &[&str] = &[
    "dr",
    "mr",
    "mrs",
    "ms",
    "mx",
    "miss",
    "prof",
    "professor",
    "sir",
    "dame",
    "rev",
    "lord",
    "lady",
];

/// The surname in a written name: the last word that is neither a title nor letters after the
/// name ("Dr Helen Okafor FRCP MBE" → "Okafor").
pub fn surname_of(name: &str) -> Option<&str> {
    name.split_whitespace()
        .map(|w| w.trim_end_matches(','))
        .filter(|w| !TITLES.contains(&w.trim_end_matches('.').to_lowercase().as_str()))
        .rfind(|w| !is_post_nominal(w))
}

/// Letters after a name: all capitals (FRCP, MBE, MRCGP), or with digits or full stops.
fn is_post_nominal(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    (letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()))
        || word.chars().any(|c| c.is_ascii_digit())
        || (word.contains('.') && word.len() > 2)
}

fn frame(register: &Register, options: &LetterOptions) -> Frame {
    let p = &register.practice;
    let i = &register.icb;
    let mut practice_lines = p.address.clone();
    if let Some(phone) = &p.phone {
        practice_lines.push(format!("Telephone {phone}"));
    }
    if let Some(email) = &p.email {
        practice_lines.push(email.clone());
    }
    practice_lines.push(format!("ODS code {}", p.ods_code));

    let addressee = i.addressee.as_ref();
    let named = addressee.and_then(|a| a.name.as_ref());
    let title = addressee.and_then(|a| a.title.as_deref());
    let mut recipient_lines = Vec::new();
    if let Some(name) = named {
        recipient_lines.push(match title {
            Some(t) if !name.starts_with(t) => format!("{t} {name}"),
            _ => name.clone(),
        });
    }
    if let Some(role) = addressee.and_then(|a| a.role.as_ref()) {
        recipient_lines.push(role.clone());
    }
    recipient_lines.push(i.name.clone());
    recipient_lines.extend(i.address.iter().cloned());

    let (salutation, closing) = match named {
        Some(name) => {
            let surname = addressee
                .and_then(|a| a.surname.as_deref())
                .or_else(|| surname_of(name));
            let who = match (title, surname) {
                (Some(t), Some(s)) => format!("{t} {s}"),
                _ => name.clone(),
            };
            (format!("Dear {who}"), "Yours sincerely")
        }
        None => ("Dear Sir or Madam".to_string(), "Yours faithfully"),
    };
    let signatory = p.signatory.as_ref().map_or_else(
        || match p.contractor {
            Contractor::Partnership => format!("The partners, {}", p.name),
            _ => p.name.clone(),
        },
        |s| s.name.clone(),
    );
    let mut signatory_lines = Vec::new();
    if let Some(role) = p.signatory.as_ref().and_then(|s| s.role.clone()) {
        signatory_lines.push(role);
    }
    signatory_lines.push(format!("{} ({})", p.name, p.ods_code));
    let mut cc = i.cc.clone();
    for extra in [&p.dpo, &p.lmc].into_iter().flatten() {
        if !cc.iter().any(|c| c == extra) {
            cc.push(extra.clone());
        }
    }
    let reference = options.reference_for(&p.ods_code);
    Frame {
        practice_name: p.name.clone(),
        practice_lines,
        recipient_lines,
        date: crate::dates::long(options.date),
        our_ref: reference,
        salutation,
        closing: closing.to_string(),
        signatory,
        signatory_lines,
        cc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_surname_skips_titles_and_letters_after_the_name() {
        assert_eq!(surname_of("Dr Helen Okafor FRCP MBE"), Some("Okafor"));
        assert_eq!(surname_of("Helen Okafor"), Some("Okafor"));
        assert_eq!(surname_of("Prof. Ann de la Cruz, MD"), Some("Cruz"));
        assert_eq!(surname_of("FRCP"), None);
    }

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        escape_markdown(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn register_text_cannot_start_a_block_or_decode_an_entity() {
        assert_eq!(escaped("CPRD\n- SCR"), "CPRD - SCR");
        assert_eq!(escaped("- item"), "\\- item");
        assert_eq!(escaped("1. first"), "1\\. first");
        assert_eq!(escaped("Tom &amp; Jerry"), "Tom \\&amp; Jerry");
        assert_eq!(escaped("a\r\n\r\nb"), "a b");
        assert_eq!(escaped("NHS 111"), "NHS 111");
    }
}
