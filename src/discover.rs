//! Finding register files: paths given on the command line, folders searched for YAML.
//!
//! Folders are searched recursively for `*.yaml` and `*.yml`, skipping hidden entries and not
//! descending into symlinked folders (which could loop); symlinked files are read as the files
//! they point to. A folder whose name ends in `.yaml` is searched like any folder; anything else
//! with such a name is an input, and the loader reports a pipe, socket or device without opening
//! it. Results are sorted so every run processes files in the same order.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::source::display_path;
use crate::source::io_reason;

/// One input: a file to read, or a path that could not be used (with the reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file to load.
    File(PathBuf),
    /// A path that does not exist or cannot be listed.
    Missing(PathBuf, String),
}

/// The `unreadable-file` error for a path that could not be used.
pub fn missing(path: &Path, reason: &str) -> Diagnostic {
    let name = display_path(path);
    Diagnostic::error(
        Code::UnreadableFile,
        format!("cannot read `{name}`: {reason}"),
    )
    .with_file_name(&name)
    .with_help("check the path; folders are searched for *.yaml and *.yml files")
}

/// True for file names that look like YAML.
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Expands the given paths into inputs, in a stable order; folders contribute their YAML files.
pub fn expand(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found, &mut out);
                found.sort();
                out.extend(found.into_iter().map(Input::File));
            }
            Ok(_) => out.push(Input::File(path.clone())),
            Err(e) => out.push(Input::Missing(path.clone(), io_reason(&e))),
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<Input>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Input::Missing(dir.to_path_buf(), io_reason(&e)));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if hidden {
            continue;
        }
        if kind.is_dir() {
            walk(&path, found, problems);
        } else if is_yaml(&path) {
            // Not skipped quietly whatever it is: the loader reads a file or a symlink to one,
            // and reports a pipe, socket, device or symlinked folder (`source::read_source`).
            found.push(path);
        }
    }
}
