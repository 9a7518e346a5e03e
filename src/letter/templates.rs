//! The letter kinds and their templates: built into the binary, replaceable by name from a
//! folder.
//!
//! A template folder given with `--templates DIR` may hold any of the built-in templates' file
//! names (`enquiry.md`, `follow-up.md`, `notice.md`, `actions.md`); a file found there replaces
//! the built-in template of the same name, the others stay built in. Only those names are ever
//! read, so a template name can never reach outside the folder.

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::files::{io_reason, read_source};
use crate::source::SourceFile;
use crate::source::display_path;

/// Which letter to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum LetterKind {
    /// The first letter to the ICB.
    Enquiry,
    /// The chaser: cites the first letter and restates what is unanswered.
    FollowUp,
    /// A notice to a body other than the ICB that runs a flow the practice withdraws from: one
    /// per body.
    Notice,
    /// The practice's own list of what to do (not for posting).
    Actions,
}

/// One built-in letter: its kind, name (file and template name without `.md`), what it is, and
/// its template.
pub struct Builtin {
    /// The kind.
    pub kind: LetterKind,
    /// The name used in file names and template names.
    pub name: &'static str,
    /// What it is, for `gpdata templates list`.
    pub about: &'static str,
    /// The template text.
    pub text: &'static str,
}

/// Every built-in letter, in the order `gpdata templates list` prints them.
pub const BUILTIN: &[Builtin] = &[
    Builtin {
        kind: LetterKind::Enquiry,
        name: "enquiry",
        about: "the first letter to the ICB",
        text: include_str!("../../templates/enquiry.md"),
    },
    Builtin {
        kind: LetterKind::FollowUp,
        name: "follow-up",
        about: "the letter chasing what the ICB has not answered",
        text: include_str!("../../templates/follow-up.md"),
    },
    Builtin {
        kind: LetterKind::Notice,
        name: "notice",
        about: "a notice of withdrawal to a body other than the ICB, one per body",
        text: include_str!("../../templates/notice.md"),
    },
    Builtin {
        kind: LetterKind::Actions,
        name: "actions",
        about: "the practice's own list of what to do and where (not for posting)",
        text: include_str!("../../templates/actions.md"),
    },
];

impl LetterKind {
    /// Its built-in letter.
    pub fn builtin(self) -> &'static Builtin {
        BUILTIN
            .iter()
            .find(|b| b.kind == self)
            .expect("every kind has a built-in template")
    }

    /// The name used in file names and template names.
    pub fn as_str(self) -> &'static str {
        self.builtin().name
    }

    /// True for letters that go to the ICB (and so ask it questions and await its reply).
    pub fn to_icb(self) -> bool {
        matches!(self, LetterKind::Enquiry | LetterKind::FollowUp)
    }

    /// True for what is posted to someone and so goes in the correspondence record.
    pub fn is_sent(self) -> bool {
        !matches!(self, LetterKind::Actions)
    }
}

/// The built-in template called `name`.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.name == name)
}

/// One template's source: its file name for messages and its text.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// The name Tera knows it by (`enquiry.md`).
    pub name: String,
    /// Where it came from, for messages (`lmc/enquiry.md` or `enquiry.md (built in)`).
    pub origin: String,
    /// The text.
    pub text: String,
}

/// The full set of templates to use: built-in ones, each replaced by `dir/NAME.md` if present.
pub fn resolve(dir: Option<&Path>) -> Result<Vec<TemplateSource>, Box<Diagnostic>> {
    if let Some(dir) = dir
        && let Err(e) = std::fs::read_dir(dir)
    {
        return Err(Box::new(
            Diagnostic::error(
                Code::UnreadableFile,
                format!(
                    "cannot read the templates folder `{}`: {}",
                    display_path(dir),
                    io_reason(&e)
                ),
            )
            .with_file_name(&display_path(dir))
            .with_help(
                "give a folder holding any of enquiry.md, follow-up.md, notice.md and actions.md",
            ),
        ));
    }
    let mut out = Vec::new();
    for builtin in BUILTIN {
        let file_name = format!("{}.md", builtin.name);
        // Anything at that name (a pipe, a dangling link, a folder) is the user's template and
        // must be read or refused with a message, never skipped for the built-in one.
        let custom = dir
            .map(|d| d.join(&file_name))
            .filter(|p| p.symlink_metadata().is_ok());
        let (origin, text) = match custom {
            Some(path) => {
                let file = read_source(&path)?;
                (file.name.clone(), file.text.clone())
            }
            None => (format!("{file_name} (built in)"), builtin.text.to_string()),
        };
        out.push(TemplateSource {
            name: file_name,
            origin,
            text,
        });
    }
    Ok(out)
}

/// Wraps a template's text as a source file for diagnostics.
pub fn as_source(t: &TemplateSource) -> std::sync::Arc<SourceFile> {
    SourceFile::new(t.origin.clone(), t.text.clone())
}
