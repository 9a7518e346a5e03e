//! Rendering a letter: template context → Tera → Markdown → blocks, plus the frame.

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::policy::{Decision, Policy};
use crate::register::Register;

use super::blocks;
use super::context::{self, LetterOptions};
use super::model::{Block, Frame, Letter, Meta, plain};
use super::templates::{TemplateSource, as_source};

/// Characters that mean something in Markdown, escaped wherever register text is inserted so a
/// flow called `*urgent* | test` prints as written and cannot break a table.
fn escape_markdown(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            buf.push('\\');
        }
        buf.push(c);
    }
    out.write_all(buf.as_bytes())
}

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
        options: &LetterOptions,
    ) -> Result<Letter, Box<Diagnostic>> {
        let context = context::build(register, decisions, policy, options);
        let ctx = tera::Context::from_serialize(&context)
            .map_err(|e| Box::new(template_error(&self.sources, &e)))?;
        let name = format!("{}.md", options.kind);
        let markdown = self
            .tera
            .render(&name, &ctx)
            .map_err(|e| Box::new(template_error(&self.sources, &e)))?;
        let mut body = blocks::parse(&markdown);
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
            title: format!(
                "{}: {} ({})",
                if subject.is_empty() {
                    "Letter to the ICB"
                } else {
                    &subject
                },
                register.practice.name,
                register.practice.ods_code
            ),
            author: register.practice.name.clone(),
            subject: subject.clone(),
            date: options.date,
        };
        Ok(Letter {
            meta,
            frame,
            subject,
            body,
            markdown,
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
    let mut recipient_lines = Vec::new();
    if let Some(name) = named {
        let title = addressee.and_then(|a| a.title.as_deref());
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

    let (salutation, closing) = match (named, addressee.and_then(|a| a.title.as_deref())) {
        (Some(name), title) => {
            let surname = name.split_whitespace().last().unwrap_or(name);
            let who = match title {
                Some(t) => format!("{t} {surname}"),
                None => name.clone(),
            };
            (format!("Dear {who}"), "Yours sincerely")
        }
        (None, _) => ("Dear Sir or Madam".to_string(), "Yours faithfully"),
    };
    let signatory = p
        .signatory
        .as_ref()
        .map_or_else(|| format!("The partners, {}", p.name), |s| s.name.clone());
    let mut signatory_lines = Vec::new();
    if let Some(role) = p.signatory.as_ref().and_then(|s| s.role.clone()) {
        signatory_lines.push(role);
    }
    signatory_lines.push(format!("{} ({})", p.name, p.ods_code));
    let mut cc = i.cc.clone();
    if let Some(lmc) = &p.lmc
        && !cc.iter().any(|c| c == lmc)
    {
        cc.push(lmc.clone());
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
