//! Rendering a letter: template context → Tera → Markdown → blocks, plus the frame.

use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::catalogue::Catalogue;
use crate::diag::{Code, Diagnostic};
use crate::limits::{MAX_LETTER_BYTES, MAX_TEMPLATE_SECONDS};
use crate::policy::{Decision, Policy};
use crate::register::{Contractor, Register};

use super::blocks;
use super::context::{self, Extras, LetterOptions};
use super::model::{Block, Frame, Letter, Meta, plain};
use super::templates::{LetterKind, TemplateSource, as_source};

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
    tera: Arc<tera::Tera>,
    sources: Vec<TemplateSource>,
    /// Why a render was stopped, once one has been: the templates are the same for every
    /// letter of the run, so every later letter fails at once with the same message instead of
    /// waiting out the time limit again.
    stopped: OnceLock<String>,
    /// How long one letter may take (`MAX_TEMPLATE_SECONDS`, shorter in tests).
    time_limit: Duration,
}

/// Where a template writes one letter: refuses to grow past `MAX_LETTER_BYTES` or to go on
/// after the deadline, so a runaway template stops with a reason instead of exhausting memory.
struct Bounded {
    text: Vec<u8>,
    deadline: Instant,
    limit: Duration,
    stop: Option<String>,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > MAX_LETTER_BYTES {
            self.stop = Some(format!(
                "the template wrote more than {} MB for one letter; the largest register makes about 3 MB, so a loop in the template is probably running away",
                MAX_LETTER_BYTES / (1024 * 1024)
            ));
        } else if Instant::now() > self.deadline {
            self.stop = Some(overran(self.limit));
        }
        if self.stop.is_some() {
            return Err(std::io::Error::other("letter limit reached"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn overran(limit: Duration) -> String {
    format!(
        "the template took more than {} seconds to write one letter; a letter takes milliseconds, so a loop in the template is probably running away",
        limit.as_secs_f32()
    )
}

impl Renderer {
    /// Compiles the templates; a syntax error becomes a `template-error` diagnostic with its
    /// file, line and column. All are added before any is compiled, so any template may
    /// include any other whatever their order.
    pub fn new(sources: Vec<TemplateSource>) -> Result<Renderer, Box<Diagnostic>> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".md"]);
        tera.set_escape_fn(escape_markdown);
        tera.register_filter("thousands", |n: i64, _: tera::Kwargs, _: &tera::State| {
            let sign = if n < 0 { "-" } else { "" };
            format!("{sign}{}", context::thousands(n.unsigned_abs()))
        });
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        {
            return Err(Box::new(template_error(&sources, &e)));
        }
        Ok(Renderer {
            tera: Arc::new(tera),
            sources,
            stopped: OnceLock::new(),
            time_limit: Duration::from_secs(MAX_TEMPLATE_SECONDS),
        })
    }

    /// The same renderer with another time limit per letter.
    pub fn with_time_limit(mut self, limit: Duration) -> Renderer {
        self.time_limit = limit;
        self
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
        self.render_with(
            register,
            decisions,
            policy,
            catalogue,
            options,
            Extras::default(),
        )
    }

    /// Renders one letter with what it needs beyond the register: the correspondence record,
    /// and for a notice the body it goes to.
    pub fn render_with(
        &self,
        register: &Register,
        decisions: &[Decision],
        policy: &Policy,
        catalogue: &Catalogue,
        options: &LetterOptions,
        extras: Extras,
    ) -> Result<Letter, Box<Diagnostic>> {
        let masked;
        let decisions = if options.omit_supplier_names {
            masked = without_platform_names(register, decisions);
            &masked[..]
        } else {
            decisions
        };
        let context = context::build(register, decisions, policy, catalogue, options, extras);
        let reference = context.reference().to_string();
        let asked =
            super::sequence::asked_by(options.kind, context.sequence(), register, decisions);
        let ctx = tera::Context::from_serialize(&context)
            .map_err(|e| Box::new(template_error(&self.sources, &e)))?;
        let name = format!("{}.md", options.kind.as_str());
        let rendered = self.run_template(name, ctx)?;
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
        let frame = frame(register, options, &reference, extras);
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
            asked,
        })
    }
}

impl Renderer {
    /// Runs the template `name` on its own thread, so a template that never finishes is
    /// abandoned after `MAX_TEMPLATE_SECONDS` (the thread ends with the process) and reported,
    /// instead of hanging the run.
    fn run_template(&self, name: String, ctx: tera::Context) -> Result<String, Box<Diagnostic>> {
        if let Some(reason) = self.stopped.get() {
            return Err(Box::new(stopped_error(&self.sources, &name, reason)));
        }
        let limit = self.time_limit;
        let tera = Arc::clone(&self.tera);
        let (send, receive) = channel();
        let thread_name = name.clone();
        let spawned = std::thread::Builder::new()
            .name("template".into())
            .stack_size(crate::limits::WORKER_STACK)
            .spawn(move || {
                let mut out = Bounded {
                    text: Vec::with_capacity(64 * 1024),
                    deadline: Instant::now() + limit,
                    limit,
                    stop: None,
                };
                let result = tera.render_to(&thread_name, &ctx, &mut out);
                let _ = send.send(match (result, out.stop) {
                    (_, Some(reason)) => Err(Err(reason)),
                    (Err(e), None) => Err(Ok(e)),
                    (Ok(()), None) => Ok(out.text),
                });
            });
        if let Err(e) = spawned {
            return Err(Box::new(
                Diagnostic::error(
                    Code::TemplateError,
                    format!("cannot start a thread to write the letter: {e}"),
                )
                .with_file_name("templates"),
            ));
        }
        let outcome = match receive.recv_timeout(limit + Duration::from_secs(1)) {
            Ok(outcome) => outcome,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                Err(Err(overran(limit)))
            }
        };
        match outcome {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Box::new(stopped_error(
                    &self.sources,
                    &name,
                    "the template wrote text that is not UTF-8",
                ))
            }),
            Err(Ok(e)) => Err(Box::new(template_error(&self.sources, &e))),
            Err(Err(reason)) => {
                let reason = self.stopped.get_or_init(|| reason);
                Err(Box::new(stopped_error(&self.sources, &name, reason)))
            }
        }
    }
}

/// A render stopped by a limit, reported against the template file.
fn stopped_error(sources: &[TemplateSource], name: &str, reason: &str) -> Diagnostic {
    let origin = sources
        .iter()
        .find(|t| t.name == name)
        .map_or(name, |t| t.origin.as_str());
    Diagnostic::error(Code::TemplateError, format!("template: {reason}"))
        .with_file_name(origin)
        .with_help("look for a loop in the template that runs over a very large `range`, or loops nested inside each other")
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

fn frame(register: &Register, options: &LetterOptions, reference: &str, extras: Extras) -> Frame {
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
    let base = Frame {
        practice_name: p.name.clone(),
        practice_lines,
        recipient_lines: Vec::new(),
        date: crate::dates::long(options.date),
        our_ref: reference.to_string(),
        salutation: String::new(),
        closing: String::new(),
        signatory,
        signatory_lines,
        cc: Vec::new(),
    };
    match options.kind {
        // The practice's own sheet: no addressee, greeting or signature.
        LetterKind::Actions => Frame {
            signatory: String::new(),
            signatory_lines: Vec::new(),
            ..base
        },
        // To the body that runs the flow; the ICB and the practice's DPO get copies.
        LetterKind::Notice => {
            let mut cc = vec![i.name.clone()];
            cc.extend(p.dpo.iter().cloned());
            Frame {
                recipient_lines: extras
                    .notice
                    .map(|n| vec![n.to.clone()])
                    .unwrap_or_default(),
                salutation: "Dear Sir or Madam".into(),
                closing: "Yours faithfully".into(),
                cc,
                ..base
            }
        }
        LetterKind::Enquiry | LetterKind::FollowUp => {
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
            let mut cc = i.cc.clone();
            for extra in [&p.dpo, &p.lmc].into_iter().flatten() {
                if !cc.iter().any(|c| c == extra) {
                    cc.push(extra.clone());
                }
            }
            Frame {
                recipient_lines,
                salutation,
                closing: closing.to_string(),
                cc,
                ..base
            }
        }
    }
}

/// The decisions with each flow's platform named generically in its questions, for
/// `--omit-supplier-names`: a policy's `{platform}` is filled before the letter's options are
/// known. Done before the letter is built, so the letter and the record's copy of its questions
/// say the same.
fn without_platform_names(register: &Register, decisions: &[Decision]) -> Vec<Decision> {
    register
        .flows
        .iter()
        .zip(decisions)
        .map(|(flow, decision)| {
            let mut decision = decision.clone();
            if let Some(platform) = flow.platform.as_deref().filter(|p| !p.trim().is_empty()) {
                for question in &mut decision.questions {
                    question.text = question.text.replace(platform, "the platform");
                }
            }
            decision
        })
        .collect()
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
