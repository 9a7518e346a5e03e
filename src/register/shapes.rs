//! Schema-only shapes: how a field may be written, where the loader accepts more than its Rust
//! type says (one line for a list, a bare name for a counterparty) or checks a pattern. Each
//! shape states the same rule `check` enforces, so an editor and `check` agree.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A practice ODS code (the rule of [`crate::ods::is_practice_code`]).
pub struct PracticeCode;

impl JsonSchema for PracticeCode {
    fn schema_name() -> Cow<'static, str> {
        "PracticeCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[A-Z][0-9]{5}$",
            "description": "The practice's ODS code: one capital letter and five digits, e.g. B82005."
        })
    }
}

/// An ICB ODS code (the rule of [`crate::ods::is_icb_code`]).
pub struct IcbCode;

impl JsonSchema for IcbCode {
    fn schema_name() -> Cow<'static, str> {
        "IcbCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(Q[A-Z0-9]{2}|[A-Z0-9]{5})$",
            "description": "The ICB's ODS code: Q and two capitals or digits (ICBs of July 2022, e.g. QOQ), or five capitals and digits (ICBs created 1 April 2026). `gpdata catalogue icbs` lists them."
        })
    }
}

/// A flow id, or a catalogue entry's id (the rule of [`crate::register::is_flow_id`]).
pub struct FlowId;

impl JsonSchema for FlowId {
    fn schema_name() -> Cow<'static, str> {
        "FlowId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            "maxLength": 64,
            "description": "Lower-case letters, digits and single hyphens, e.g. icb-phm."
        })
    }
}

/// Lines of text: a list, or one line (read as a list of one).
pub struct Lines;

impl JsonSchema for Lines {
    fn schema_name() -> Cow<'static, str> {
        "Lines".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "string"}
            ]
        })
    }
}

/// A postal address: a list of lines, or one line with commas between its parts.
pub struct Address;

impl JsonSchema for Address {
    fn schema_name() -> Cow<'static, str> {
        "Address".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
                {"type": "string", "minLength": 1}
            ],
            "description": "Postal address, one line per item, postcode last; or one line with commas between the parts, e.g. `1 River Lane, Hull, HU1 1AA`."
        })
    }
}

/// The other party to an agreement: its name alone, or a name and ODS code.
pub struct Party;

impl JsonSchema for Party {
    fn schema_name() -> Cow<'static, str> {
        "Party".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let full = generator.subschema_for::<super::Counterparty>();
        json_schema!({
            "anyOf": [{"type": "string"}, full]
        })
    }
}
