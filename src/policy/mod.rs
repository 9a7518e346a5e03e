//! The rules engine: policy files, the built-in `gpc-2026` policy, and evaluation.

mod eval;
pub mod fields;
mod load;
mod model;
pub mod safety;

use crate::files;
use std::path::Path;

pub use eval::Question;
pub use eval::{Decision, FactUse, Match, Outcome, decide, evaluate};
pub use model::*;

use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// The text of the built-in policy, as `gpdata policy show` prints it.
pub const BUILTIN_TEXT: &str = include_str!("../../policies/gpc-2026.yaml");

/// The name the built-in policy is reported under.
pub const BUILTIN_NAME: &str = "gpc-2026 (built in)";

/// The built-in `gpc-2026` policy. Its validity is tested, so a failure here is a bug.
pub fn builtin() -> Policy {
    let (policy, diags) = load::load(SourceFile::new(BUILTIN_NAME, BUILTIN_TEXT));
    match policy {
        Some(policy) if diags.is_empty() => policy,
        _ => panic!("internal error: the built-in policy is invalid: {diags:?}"),
    }
}

/// Loads a policy file: the policy when it has no errors, and every diagnostic.
pub fn load_path(path: &Path) -> (Option<Policy>, Vec<Diagnostic>) {
    match files::read_source(path) {
        Ok(file) => load::load(file),
        Err(d) => (None, vec![*d]),
    }
}

/// Loads a policy held in memory.
pub fn load_text(name: &str, text: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    load::load(SourceFile::new(name, text))
}
