//! Loading a register for use: read it ([`crate::register`]), apply what the catalogue knows
//! ([`resolve`]: inherited facts, contradictions, doubts about "voluntary"), work out the derived
//! facts, and lint it for gaps and contradictions. Every later stage works on what this returns.

mod from_record;
mod lint;
mod resolve;

use crate::files;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use crate::catalogue::Catalogue;
use crate::diag::{self, Diagnostic};
use crate::reader::{self, FileDiagnostics};
use crate::record::{self, Record};
use crate::register::{self, Register};
use crate::source::SourceFile;
use crate::source::display_path;

pub use lint::PLACEHOLDER;
pub use resolve::why_not_voluntary;

/// What a register is judged against: the audit date and gpdata's knowledge.
#[derive(Debug, Clone, Copy)]
pub struct Env<'c> {
    /// "Today": the day dates are judged against.
    pub today: Date,
    /// The catalogue of flows and ICBs.
    pub catalogue: &'c Catalogue,
}

impl Env<'static> {
    /// The built-in catalogue, judging dates as of `today`.
    pub fn builtin(today: Date) -> Env<'static> {
        Env {
            today,
            catalogue: Catalogue::builtin(),
        }
    }
}

/// The result of loading one register file: the register when it has no errors, and every
/// diagnostic found (errors and warnings), sorted by position.
#[derive(Debug)]
pub struct Loaded {
    /// The file's name as given.
    pub name: String,
    /// The register, when the file had no errors.
    pub register: Option<Register>,
    /// The practice's correspondence record, when it has one (beside the register) and it has
    /// no errors.
    pub record: Option<Record>,
    /// Every diagnostic (the register's and its record's), sorted by file and position.
    pub diags: Vec<Diagnostic>,
}

impl Loaded {
    /// True when the file had at least one error.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// Loads the register at `path` against the built-in catalogue, judging dates as of `today`.
pub fn load_path(path: &Path, today: Date) -> Loaded {
    load_path_with(path, &Env::builtin(today))
}

/// Loads the register at `path` against `env`, with its correspondence record
/// (`NAME.record.yaml` beside it) when there is one.
pub fn load_path_with(path: &Path, env: &Env) -> Loaded {
    let record_path = record::path_for(path);
    let record = match std::fs::symlink_metadata(&record_path) {
        Ok(_) => Some(files::read_source(&record_path)),
        Err(_) => None,
    };
    match files::read_source(path) {
        Ok(file) => load_with_record(file, record, env),
        Err(d) => Loaded {
            name: display_path(path),
            register: None,
            record: None,
            diags: vec![*d],
        },
    }
}

/// Loads a register held in memory against the built-in catalogue.
pub fn load(file: Arc<SourceFile>, today: Date) -> Loaded {
    load_with(file, &Env::builtin(today))
}

/// Loads a register held in memory against `env`.
pub fn load_with(file: Arc<SourceFile>, env: &Env) -> Loaded {
    load_with_record(file, None, env)
}

/// Loads a register held in memory, with its record (read, or why it could not be), against
/// `env`. Facts a reply establishes fill what neither the register nor the catalogue states.
pub fn load_with_record(
    file: Arc<SourceFile>,
    record_file: Option<Result<Arc<SourceFile>, Box<Diagnostic>>>,
    env: &Env,
) -> Loaded {
    let mut record_diags = Vec::new();
    let record = match record_file {
        None => None,
        Some(Err(d)) => {
            record_diags.push(*d);
            None
        }
        Some(Ok(record_file)) => {
            let (record, diags) = record::read(record_file.clone());
            record_diags.extend(diags);
            record.map(|r| (r, record_file))
        }
    };
    let name = file.name.clone();
    let (register, mut diags) = reader::load_file(file, register::read, |ctx, register| {
        resolve::resolve(ctx, register, env);
        if let Some((record, record_file)) = &record {
            let mut record_ctx = FileDiagnostics::new(record_file.clone());
            from_record::apply(&mut record_ctx, register, record);
            record_diags.extend(record_ctx.diags);
        }
        derive(register, env);
        lint::lint(ctx, register, env);
    });
    diag::sort(&mut record_diags);
    diags.extend(record_diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    Loaded {
        name,
        register: register.filter(|_| ok),
        record: record.map(|(r, _)| r).filter(|_| ok),
        diags,
    }
}

/// Works out the facts gpdata derives rather than reads.
fn derive(register: &mut Register, env: &Env) {
    for flow in &mut register.flows {
        flow.derived.counterparty_abolished = flow
            .agreement
            .counterparty
            .as_ref()
            .and_then(|c| c.ods_code.as_deref())
            .is_some_and(|code| env.catalogue.icbs.abolished(code, env.today).is_some());
    }
}
