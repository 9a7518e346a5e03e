//! Diagnostics about the user's files (registers, policies, templates): codes, severities,
//! locations, and the three renderers (human, short, JSON).

use std::fmt::Write as _;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use crate::source::{SourceFile, Span, printable};

/// How serious a diagnostic is: errors stop a register being used, warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file cannot be used until this is fixed.
    Error,
    /// Worth fixing; the file is still used.
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// Every diagnostic code gpdata can emit. Codes are stable: tools may match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $(#[doc = $summary] $variant,)* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity this code always has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    // Reading files.
    UnreadableFile = "unreadable-file", Error, "The file could not be opened or read.";
    FileTooLarge = "file-too-large", Error, "The file is larger than the 10 MiB limit.";
    InvalidEncoding = "invalid-encoding", Error, "The file is not UTF-8 text.";
    EmptyFile = "empty-file", Error, "The file holds no YAML document.";
    MultipleDocuments = "multiple-documents", Error, "The file holds more than one YAML document.";
    YamlSyntax = "yaml-syntax", Error, "The file is not well-formed YAML.";
    YamlLimit = "yaml-limit", Error, "The YAML is nested too deeply or uses too many aliases.";
    DuplicateKey = "duplicate-key", Error, "A key appears twice in the same mapping.";
    // Shape of the document.
    UnknownKey = "unknown-key", Error, "A key that the format does not define.";
    MissingField = "missing-field", Error, "A required field is absent or empty.";
    WrongType = "wrong-type", Error, "A value has the wrong type (e.g. a list where a mapping belongs).";
    InvalidValue = "invalid-value", Error, "A value is not one of the allowed words.";
    InvalidDate = "invalid-date", Error, "A date is not a real date written YYYY-MM-DD.";
    UnsupportedVersion = "unsupported-version", Error, "The `register:` or `policy:` format version is not one this gpdata reads.";
    // Register facts.
    InvalidOdsCode = "invalid-ods-code", Error, "An ODS code does not have the shape of a practice or ICB code.";
    InvalidFlowId = "invalid-flow-id", Error, "A flow id is not lower-case letters, digits and hyphens.";
    DuplicateFlowId = "duplicate-flow-id", Error, "Two flows in one register share an id.";
    TooManyFlows = "too-many-flows", Error, "The register lists more flows than the documented limit.";
    ExpiryBeforeSigning = "expiry-before-signing", Error, "An agreement expires before it was signed.";
    UnknownFact = "unknown-fact", Warning, "A fact the audit uses is missing or `unknown`.";
    NoFlows = "no-flows", Warning, "The register lists no flows.";
    DirectCareOptOut = "direct-care-opt-out", Warning, "A direct-care flow claims the National Data Opt-out is applied.";
    ExpiredButActive = "expired-but-active", Warning, "An agreement marked active has passed its expiry date.";
    Type1Unstated = "type-1-unstated", Warning, "A secondary-use flow of identifiable data does not say how Type 1 opt-outs are handled.";
    ProposedButSigned = "proposed-but-signed", Warning, "An agreement marked proposed has a signed date.";
    AbolishedIcb = "abolished-icb", Warning, "An ICB named in the register was abolished on 1 April 2026.";
    FutureDate = "future-date", Warning, "A signing or review date lies in the future.";
    StaleReview = "stale-review", Warning, "The register was last reviewed more than a year ago.";
    UnknownIcb = "unknown-icb", Warning, "An ICB code has the right shape but is not the code of any ICB gpdata knows.";
    Schedule1Mismatch = "schedule-1-mismatch", Warning, "The DPA 2018 Schedule 1 condition does not go with the Article 9 condition, or one that needs it is missing.";
    VoluntaryWithReference = "voluntary-with-reference", Warning, "A flow marked voluntary cites a statute, direction or contract clause as its obligation.";
    SmartQuotes = "smart-quotes", Warning, "A value is wrapped in a word processor's curly quotes, which YAML keeps as part of the text.";
    MissingGlyph = "missing-glyph", Warning, "Text holds characters the letter's font cannot draw, which a PDF letter would print as `?`.";
    PlaceholderText = "placeholder-text", Warning, "Text `gpdata init` wrote for you to replace is still in the register.";
    NoticeNotAgreement = "notice-not-agreement", Warning, "A flow required by statute is recorded as an agreement awaiting signature.";
    // The catalogue.
    UnknownCatalogueEntry = "unknown-catalogue-entry", Error, "A flow names a catalogue entry that does not exist.";
    ContradictsCatalogue = "contradicts-catalogue", Error, "A flow records as voluntary what its catalogue entry says a statute or the contract requires.";
    DiffersFromCatalogue = "differs-from-catalogue", Warning, "A flow records a fact differently from its catalogue entry.";
    CatalogueMatch = "catalogue-match", Warning, "A flow that names no catalogue entry looks like one.";
    InactiveFlow = "inactive-flow", Warning, "The catalogue says the flow is dormant or has ended.";
    DuplicateEntry = "duplicate-entry", Error, "Two catalogue or ICB entries share an id, or a local entry has the id of a national one.";
    ImportColumn = "import-column", Error, "A spreadsheet to import lacks a column gpdata needs (the agreement's name, the organisation).";
    ImportUnknownColumn = "import-unknown-column", Warning, "A spreadsheet to import has a column gpdata does not read.";
    ImportValue = "import-value", Warning, "A spreadsheet cell gpdata cannot read as the fact its column holds; the register says unknown.";
    RecordMismatch = "record-mismatch", Error, "A correspondence record is for a different practice than its register.";
    DuplicateReference = "duplicate-reference", Warning, "Two letters in a correspondence record have the same reference.";
    UnknownLetter = "unknown-letter", Warning, "A reply answers a letter the record does not have, or is dated before it.";
    UnknownQuestion = "unknown-question", Warning, "A reply answers a question no letter in the record asked.";
    DiffersFromRecord = "differs-from-record", Warning, "A reply establishes a fact the register or catalogue states differently.";
    // Policies.
    UnknownFieldPath = "unknown-field-path", Error, "A policy condition names a register field that does not exist.";
    InvalidOperator = "invalid-operator", Error, "A policy condition uses an operator that does not exist or does not fit the field.";
    DuplicateRuleId = "duplicate-rule-id", Error, "Two rules in one policy share an id.";
    UnsafeRule = "unsafe-rule", Warning, "A rule could withdraw, freeze or switch off a statutory or contractual flow; the engine will cap it to `query`.";
    UnusedRule = "unused-rule", Warning, "A policy rule matched no flow in the whole run.";
    // Templates.
    TemplateError = "template-error", Error, "A letter template has a syntax error or fails to render.";
    // Writing letters.
    CannotWrite = "cannot-write", Error, "A letter could not be written (read-only folder, disk full, or the PDF could not be made).";
    DuplicatePractice = "duplicate-practice", Error, "Two registers in one run are for the same practice, so their letters would share a file name.";
}

/// One finding about one file, with everything needed to show it to a person or a tool.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning (always `code.severity()`).
    pub severity: Severity,
    /// What is wrong, as a sentence.
    pub message: String,
    /// Where: the file, and the place in it when known.
    pub file: Option<Arc<SourceFile>>,
    /// The file's name when the file itself could not be read.
    pub file_name: Option<String>,
    /// The place in the file.
    pub span: Option<Span>,
    /// The label under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the severity its code always has.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            file: None,
            file_name: None,
            span: None,
            label: None,
            help: None,
        }
    }

    /// An error-level diagnostic (the code must be an error code).
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.severity(), Severity::Error, "{code:?} is not an error");
        Self::new(code, message)
    }

    /// Places the diagnostic in a file.
    pub fn at(mut self, file: &Arc<SourceFile>, span: Span) -> Self {
        self.file_name = Some(file.name.clone());
        self.file = Some(file.clone());
        self.span = Some(span);
        self
    }

    /// Names the file without a place in it.
    pub fn with_file_name(mut self, name: &str) -> Self {
        self.file_name = Some(name.to_string());
        self
    }

    /// Adds the label shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line only when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help.or(self.help);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file name shown in messages, or `-` when there is none.
    pub fn file_display(&self) -> &str {
        self.file_name.as_deref().unwrap_or("-")
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagFormat {
    /// rustc-style, with the source line and a caret.
    Human,
    /// One `file:line:col: severity[code]: message` line each.
    Short,
    /// A JSON array of objects.
    Json,
}

/// Renders diagnostics for people, with a source snippet; `color` adds ANSI styling.
pub fn render_human(diags: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = printable(&d.message);
        let title = level.primary_title(message.as_ref()).id(d.code.as_str());
        let label = d.label.as_deref().map(printable);
        let path = d.file.as_ref().map(|f| printable(&f.name));
        let mut group = match (&d.file, d.span) {
            (Some(file), Some(span)) => {
                // Only the lines the span touches go to the renderer, which otherwise walks the
                // whole file for every diagnostic (quadratic in a file full of mistakes).
                let range = file.char_range(span);
                let (line, lines) = file.lines_of(range.clone());
                let mut annotation = AnnotationKind::Primary
                    .span(range.start - lines.start..range.end - lines.start);
                if let Some(label) = &label {
                    annotation = annotation.label(label.as_ref());
                }
                title.element(
                    Snippet::source(&file.text[lines])
                        .line_start(line)
                        .path(path.as_deref().unwrap_or_default())
                        .annotation(annotation),
                )
            }
            _ => {
                title.element(Level::NOTE.message(format!("in `{}`", printable(d.file_display()))))
            }
        };
        let help = d.help.as_deref().map(printable);
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(help.as_ref()));
        }
        let group = [group];
        let _ = writeln!(out, "{}\n", renderer.render(&group));
    }
    out
}

/// Renders one line per diagnostic: `file:line:col: severity[code]: message (help: …)`, or
/// `file: severity[code]: …` for a diagnostic about the whole file.
pub fn render_short(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        // A diagnostic about the whole file (unreadable, too large) has no line to name.
        let name = printable(d.file_display());
        let place = match d.span {
            Some(s) => format!("{name}:{}:{}", s.line, s.column),
            None => name.to_string(),
        };
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = write!(
            out,
            "{place}: {severity}[{}]: {}",
            d.code.as_str(),
            printable(&d.message)
        );
        if let Some(help) = &d.help {
            let _ = write!(out, " (help: {})", printable(help));
        }
        out.push('\n');
    }
    out
}

/// The JSON form of a diagnostic; field names are a documented, stable interface.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let (line, column) = d.span.map_or((0, 0), |s| (s.line, s.column));
        JsonDiagnostic {
            file: d.file_display(),
            line,
            column,
            severity: d.severity,
            code: d.code.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
        }
    }
}

/// The version of the JSON diagnostics document, raised when a field changes meaning or goes.
pub const JSON_FORMAT: u32 = 1;

/// Renders diagnostics as one JSON document: `{"format": 1, "diagnostics": [...]}`.
pub fn render_json(diags: &[Diagnostic]) -> String {
    let mut json = JsonArray::default();
    let mut text = json.push(&json_items(diags));
    text.push_str(&json.finish());
    text
}

/// One register's diagnostics as items of [`JsonArray`]'s list, indented and separated as in
/// [`render_json`]. Pure, so a bulk run renders them on its worker threads.
pub fn json_items(diags: &[Diagnostic]) -> String {
    let mut text = String::new();
    for (n, d) in diags.iter().enumerate() {
        if n > 0 {
            text.push_str(",\n");
        }
        let item =
            serde_json::to_string_pretty(&JsonDiagnostic::from(d)).expect("diagnostics serialise");
        for (i, line) in item.lines().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str("    ");
            text.push_str(line);
        }
    }
    text
}

/// Writes the same document as [`render_json`] a piece at a time, so a bulk run can print
/// each register's diagnostics as they come instead of holding them all.
#[derive(Debug, Default)]
pub struct JsonArray {
    opened: bool,
    started: bool,
}

impl JsonArray {
    fn opening(&mut self) -> String {
        if self.opened {
            return String::new();
        }
        self.opened = true;
        format!("{{\n  \"format\": {JSON_FORMAT},\n  \"diagnostics\": [")
    }

    /// The text that adds `items` (from [`json_items`]) to the document; the document's
    /// opening comes with the first call.
    pub fn push(&mut self, items: &str) -> String {
        let mut text = self.opening();
        if !items.is_empty() {
            text.push_str(if self.started { ",\n" } else { "\n" });
            self.started = true;
            text.push_str(items);
        }
        text
    }

    /// The text that closes the document.
    pub fn finish(mut self) -> String {
        let mut text = self.opening();
        text.push_str(if self.started { "\n  ]\n}\n" } else { "]\n}\n" });
        text
    }
}

/// Sorts diagnostics by file and position so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.file_display().to_string(),
                d.span.map_or(0, |s| s.offset),
                d.code,
            )
        };
        key(a).cmp(&key(b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_json_array_is_the_same_text_as_the_whole_one() {
        let d = |line| {
            Diagnostic::error(Code::InvalidValue, format!("bad \"value\" on {line}"))
                .with_file_name("r.yaml")
                .with_help("did you mean `secondary`?")
        };
        let all = vec![d(1), d(2), d(3)];
        for split in 0..=all.len() {
            let mut json = JsonArray::default();
            let mut text = json.push(&json_items(&all[..split]));
            text.push_str(&json.push(&json_items(&[])));
            text.push_str(&json.push(&json_items(&all[split..])));
            text.push_str(&json.finish());
            assert_eq!(text, render_json(&all), "split at {split}");
        }
        assert_eq!(JsonArray::default().finish(), render_json(&[]));
        // The whole document is JSON, with every diagnostic in order.
        let parsed: serde_json::Value = serde_json::from_str(&render_json(&all)).unwrap();
        let messages: Vec<&str> = parsed["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["message"].as_str().unwrap())
            .collect();
        assert_eq!(
            messages,
            [
                "bad \"value\" on 1",
                "bad \"value\" on 2",
                "bad \"value\" on 3"
            ]
        );
        let empty: serde_json::Value = serde_json::from_str(&render_json(&[])).unwrap();
        assert_eq!(empty["diagnostics"], serde_json::json!([]));
    }
}
