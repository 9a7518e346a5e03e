//! The register: format v1, loading from YAML with precise diagnostics, and warnings.

pub(crate) mod choice;
pub mod facts;
mod load;
mod model;
mod shapes;

pub use choice::Choice;
pub use facts::{FACTS, Fact, FactDef};
pub use load::{Blocks, Layout, is_flow_id, read_fact, read_flow_with, set_fact};
pub use model::*;

use crate::reader::FileDiagnostics;
use crate::yaml::Node;

/// Reads a register from its YAML tree, reporting every problem to `ctx`; `None` when errors
/// make it unusable. What the catalogue knows is applied later (`crate::validate`).
pub fn read(ctx: &mut FileDiagnostics, root: &Node) -> Option<Register> {
    load::read(ctx, root)
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
    name_and_recipient_unless_catalogued(&mut schema);
    let mut text = serde_json::to_string_pretty(&schema).expect("schema serialises");
    text.push('\n');
    text
}

/// A flow that names a catalogue entry takes its name and recipient from it, so the schema
/// asks for them only when `catalogue` is absent or `none`, as `check` does.
fn name_and_recipient_unless_catalogued(schema: &mut schemars::Schema) {
    let from_table: Vec<&str> = FACTS
        .iter()
        .filter(|d| d.required.is_some() && d.fact != Fact::Id)
        .map(|d| d.path)
        .collect();
    let Some(serde_json::Value::Object(flow)) = schema.pointer_mut("/$defs/Flow") else {
        return;
    };
    if let Some(serde_json::Value::Array(required)) = flow.get_mut("required") {
        required.retain(|r| !r.as_str().is_some_and(|r| from_table.contains(&r)));
    }
    flow.insert(
        "anyOf".into(),
        serde_json::json!([
            {"required": ["catalogue"], "properties": {"catalogue": {"not": {"const": "none"}}}},
            {"required": from_table},
        ]),
    );
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
