//! The letter templates: built into the binary, replaceable by name from a folder.
//!
//! A template folder given with `--templates DIR` may hold `enquiry.md`, `follow-up.md`
//! or both; a file found there replaces the
//! built-in template of the same name, the others stay built in. Only those names are ever read,
//! so a template name can never reach outside the folder.

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::source::{SourceFile, io_reason, read_source};

/// The built-in templates: (name, what it is).
pub const BUILTIN_LIST: &[(&str, &str)] = &[
    ("enquiry", "the first letter to the ICB"),
    (
        "follow-up",
        "the letter chasing what the ICB has not answered",
    ),
];

const ENQUIRY: &str = include_str!("../../templates/enquiry.md");
const FOLLOW_UP: &str = include_str!("../../templates/follow-up.md");

/// The text of a built-in template.
pub fn builtin(name: &str) -> Option<&'static str> {
    match name {
        "enquiry" => Some(ENQUIRY),
        "follow-up" => Some(FOLLOW_UP),
        _ => None,
    }
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
    let mut out = Vec::new();
    for (name, _) in BUILTIN_LIST {
        let file_name = format!("{name}.md");
        let custom = dir.map(|d| d.join(&file_name)).filter(|p| p.is_file());
        let (origin, text) = match custom {
            Some(path) => {
                let file = read_source(&path)?;
                (file.name.clone(), file.text.clone())
            }
            None => (
                format!("{file_name} (built in)"),
                builtin(name).unwrap_or_default().to_string(),
            ),
        };
        out.push(TemplateSource {
            name: file_name,
            origin,
            text,
        });
    }
    if let Some(dir) = dir
        && let Err(e) = std::fs::read_dir(dir)
    {
        return Err(Box::new(
            Diagnostic::error(
                Code::UnreadableFile,
                format!(
                    "cannot read the templates folder `{}`: {}",
                    dir.display(),
                    io_reason(&e)
                ),
            )
            .with_file_name(&dir.display().to_string())
            .with_help("give a folder holding enquiry.md and/or follow-up.md"),
        ));
    }
    Ok(out)
}

/// Wraps a template's text as a source file for diagnostics.
pub fn as_source(t: &TemplateSource) -> std::sync::Arc<SourceFile> {
    SourceFile::new(t.origin.clone(), t.text.clone())
}
