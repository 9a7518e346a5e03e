//! The register: format v1, loading from YAML with precise diagnostics, and warnings.

mod choice;
pub mod facts;
mod lint;
mod load;
mod model;

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

pub use choice::Choice;
pub use facts::{FACTS, Fact, FactDef};
pub use load::is_flow_id;
pub use model::*;

use crate::diag::{self, Diagnostic};
use crate::reader::Ctx;
use crate::source::{self, SourceFile};
use crate::yaml;

/// The result of loading one register file: the register when it has no errors, and every
/// diagnostic found (errors and warnings), sorted by position.
#[derive(Debug)]
pub struct Loaded {
    /// The file's name as given.
    pub name: String,
    /// The file, when it could be read.
    pub file: Option<Arc<SourceFile>>,
    /// The register, when the file had no errors.
    pub register: Option<Register>,
    /// Every diagnostic, sorted by position.
    pub diags: Vec<Diagnostic>,
}

impl Loaded {
    /// True when the file had at least one error.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// Loads and validates the register at `path`, judging dates against `today`.
pub fn load_path(path: &Path, today: Date) -> Loaded {
    match source::read_source(path) {
        Ok(file) => load(file, today),
        Err(d) => Loaded {
            name: path.display().to_string(),
            file: None,
            register: None,
            diags: vec![*d],
        },
    }
}

/// Validates a register held in memory.
pub fn load(file: Arc<SourceFile>, today: Date) -> Loaded {
    let mut ctx = Ctx::new(file.clone());
    let register = match yaml::parse(&file) {
        Ok(root) => load::read(&mut ctx, &root).map(|mut r| {
            load::derive(&mut r, today);
            r
        }),
        Err(d) => {
            ctx.diags.push(*d);
            None
        }
    };
    if let Some(register) = &register {
        lint::lint(&mut ctx, register, today);
    }
    let mut diags = ctx.diags;
    diag::sort(&mut diags);
    Loaded {
        name: file.name.clone(),
        file: Some(file),
        register,
        diags,
    }
}

/// The JSON Schema of the register format, generated from the types above, with each flow
/// fact described by its entry in the facts table.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(Register);
    for def in FACTS.iter().filter(|d| d.is_written()) {
        if let Some(pointer) = property_pointer(&schema, def.path)
            && let Some(serde_json::Value::Object(property)) = schema.pointer_mut(&pointer)
        {
            property.insert("description".into(), def.about.into());
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("schema serialises");
    text.push('\n');
    text
}

/// The JSON pointer to the flow property at a dotted `path`, following `$ref`s into blocks.
fn property_pointer(schema: &schemars::Schema, path: &str) -> Option<String> {
    let mut owner = "Flow".to_string();
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let pointer = format!("/$defs/{owner}/properties/{key}");
        if keys.peek().is_none() {
            return Some(pointer);
        }
        owner = referenced(schema.pointer(&pointer)?)?;
    }
    None
}

/// The definition a property refers to, directly or through `anyOf`/`allOf`.
fn referenced(property: &serde_json::Value) -> Option<String> {
    if let Some(r) = property.get("$ref").and_then(|r| r.as_str()) {
        return r.rsplit('/').next().map(str::to_string);
    }
    ["anyOf", "allOf", "oneOf"]
        .iter()
        .filter_map(|k| property.get(*k)?.as_array())
        .flatten()
        .find_map(referenced)
}
