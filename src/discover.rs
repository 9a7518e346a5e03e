//! Finding register files: paths given on the command line, folders searched for YAML.
//!
//! Folders are searched recursively for `*.yaml` and `*.yml`, skipping hidden entries and not
//! descending into symlinked folders (which could loop); symlinked files are read as the files
//! they point to. A folder whose name ends in `.yaml` is searched like any folder; anything else
//! with such a name is an input, and the loader reports a pipe, socket or device without opening
//! it. Results are sorted so every run processes files in the same order. `-` is standard
//! input.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::files::{self, io_reason};
use crate::source::display_path;
use crate::validate::{self, Env, Loaded};

/// One input: a file to read, standard input, or a path that could not be used (with the
/// reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file to load.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A path that does not exist or cannot be listed.
    Missing(PathBuf, String),
}

impl Input {
    /// Loads the register this input holds against `env`; a missing path is a register with
    /// one error.
    pub fn load(&self, env: &Env) -> Loaded {
        let failed = |name: String, d: Diagnostic| Loaded {
            name,
            register: None,
            record: None,
            diags: vec![d],
        };
        match self {
            Input::File(path) if crate::record::is_record_file(path) => {
                let register = path.with_file_name(
                    path.file_name()
                        .map(|n| n.to_string_lossy().replace(".record.", "."))
                        .unwrap_or_default(),
                );
                failed(
                    display_path(path),
                    Diagnostic::error(
                        Code::UnreadableFile,
                        format!(
                            "`{}` is a correspondence record; gpdata reads it with its register",
                            display_path(path)
                        ),
                    )
                    .with_file_name(&display_path(path))
                    .with_help(format!(
                        "name the register instead: {}",
                        display_path(&register)
                    )),
                )
            }
            Input::File(path) => validate::load_path_with(path, env),
            Input::Stdin => match files::read_stdin() {
                Ok(file) => validate::load_with(file, env),
                Err(d) => failed(files::STDIN_NAME.to_string(), *d),
            },
            Input::Missing(path, reason) => failed(display_path(path), missing(path, reason)),
        }
    }
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

/// True for file names that look like YAML, in any case (`.yaml`, `.YML`: Windows and some
/// scanners write capitals).
pub fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Expands the given paths into inputs, in a stable order; folders contribute their YAML files.
/// An error when nothing is found, or standard input is named twice.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if out.contains(&Input::Stdin) {
                return Err(
                    "`-` (standard input) is named twice; a register can be read from it once"
                        .into(),
                );
            }
            out.push(Input::Stdin);
            continue;
        }
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
    if out.is_empty() {
        return Err("no registers found (looked for .yaml and .yml files)".into());
    }
    Ok(out)
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
        } else if is_yaml(&path) && !crate::record::is_record_file(&path) {
            // Not skipped quietly whatever it is: the loader reads a file or a symlink to one,
            // and reports a pipe, socket, device or symlinked folder (`files::read_source`).
            found.push(path);
        }
    }
}
