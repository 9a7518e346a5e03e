//! The JSON Schema an editor reads and `gpdata check` agree: a register one accepts, the other
//! accepts, and a register whose shape `check` refuses, the schema refuses too. Checked with a
//! real JSON Schema validator (boon), as an editor's language server would.

mod common;

use std::fs;

use common::*;

/// The codes of the mistakes a schema can see: a field of the wrong shape, pattern or word.
/// Others (a duplicate id, an unknown ICB, a date in the future) need gpdata's own knowledge.
const SHAPE_CODES: &[&str] = &[
    "invalid-ods-code",
    "invalid-flow-id",
    "wrong-type",
    "unknown-key",
    "missing-field",
    "invalid-value",
    "invalid-date",
];

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Self {
        let schema: serde_json::Value =
            serde_json::from_str(&gpdata::register::schema()).expect("the schema is JSON");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        // An editor checks `format: date`; so must this test, or invalid-date would pass here.
        compiler.enable_format_assertions();
        let url = "file:///gpdata.schema.json";
        compiler.add_resource(url, schema).expect("schema added");
        let index = compiler
            .compile(url, &mut schemas)
            .expect("the schema compiles");
        Validator { schemas, index }
    }

    /// Whether the schema accepts the register `text`; `None` when it is not YAML a JSON
    /// validator could be given (a syntax error, several documents).
    fn accepts(&self, text: &str) -> Option<bool> {
        self.verdict(text).map(|v| v.is_ok())
    }

    /// The schema's verdict on `text`, with the validator's reasons when it refuses.
    fn verdict(&self, text: &str) -> Option<Result<(), String>> {
        let value: serde_json::Value = serde_saphyr::from_str(text).ok()?;
        Some(
            self.schemas
                .validate(&value, self.index)
                .map_err(|e| format!("{e:#}")),
        )
    }
}

/// The codes of the errors `check` finds in the register `text`.
fn error_codes(text: &str) -> Vec<&'static str> {
    gpdata::validate::load(gpdata::source::SourceFile::new("r.yaml", text), date())
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect()
}

fn riverside() -> String {
    fs::read_to_string(path("registers/riverside.yaml")).unwrap()
}

fn edited(from: &str, to: &str) -> String {
    let text = riverside();
    assert!(text.contains(from), "riverside.yaml has no `{from}`");
    text.replacen(from, to, 1)
}

#[test]
fn the_schema_accepts_every_shipped_register() {
    let v = Validator::new();
    for entry in fs::read_dir(path("registers")).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_some_and(|e| e == "yaml") && !gpdata::record::is_record_file(&file) {
            let text = fs::read_to_string(&file).unwrap();
            assert_eq!(v.verdict(&text), Some(Ok(())), "{}", file.display());
        }
    }
}

/// Every diagnostics fixture: when `check` finds a shape mistake, the schema refuses the file;
/// when `check` finds no error at all, the schema accepts it.
#[test]
fn the_schema_and_check_agree_on_every_fixture() {
    let v = Validator::new();
    let mut compared = 0;
    for entry in fs::read_dir(path("tests/fixtures/diagnostics")).unwrap() {
        let file = entry.unwrap().path();
        let text = fs::read_to_string(&file).unwrap();
        let Some(accepted) = v.accepts(&text) else {
            continue;
        };
        let codes = error_codes(&text);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if codes.is_empty() {
            assert!(
                accepted,
                "{name}: check accepts it, the schema does not: {:?}",
                v.verdict(&text)
            );
            compared += 1;
        } else if codes.iter().any(|c| SHAPE_CODES.contains(c)) {
            assert!(
                !accepted,
                "{name}: check finds {codes:?}, the schema accepts it"
            );
            compared += 1;
        }
    }
    assert!(compared >= 20, "only {compared} fixtures compared");
}

#[test]
fn forms_check_accepts_are_accepted_by_the_schema() {
    let v = Validator::new();
    let cases = [
        (
            "address on one line",
            edited(
                "  address:\n    - 1 River Lane\n    - Kingston upon Hull\n    - HU1 1AA\n",
                "  address: 1 River Lane, Kingston upon Hull, HU1 1AA\n",
            ),
        ),
        (
            "a bare counterparty name",
            edited(
                "counterparty: {name: NHS Humber and North Yorkshire ICB, ods_code: QOQ}",
                "counterparty: NHS Humber and North Yorkshire ICB",
            ),
        ),
        (
            "one processor as text",
            edited(
                "processors: [North of England Commissioning Support]",
                "processors: North of England Commissioning Support",
            ),
        ),
        (
            "a 2026 ICB code",
            edited("  ods_code: QOQ", "  ods_code: Z9B2Z"),
        ),
    ];
    for (what, text) in cases {
        let codes = error_codes(&text);
        assert!(
            !codes.iter().any(|c| SHAPE_CODES.contains(c)),
            "{what}: check refuses it: {codes:?}"
        );
        assert_eq!(
            v.accepts(&text),
            Some(true),
            "{what}: the schema refuses it"
        );
    }
}

#[test]
fn shapes_check_refuses_are_refused_by_the_schema() {
    let v = Validator::new();
    let cases = [
        (
            "a lower-case practice code",
            edited("  ods_code: B82005", "  ods_code: b82005"),
        ),
        (
            "a practice code too short",
            edited("  ods_code: B82005", "  ods_code: B8200"),
        ),
        (
            "an ICB code of four",
            edited("  ods_code: QOQ", "  ods_code: QOQA"),
        ),
        (
            "a flow id in capitals",
            edited("  - id: icb-phm", "  - id: ICB-PHM"),
        ),
        (
            "a flow id with a space",
            edited("  - id: icb-phm", "  - id: icb phm"),
        ),
        (
            "an empty address",
            edited(
                "  address:\n    - 1 River Lane\n    - Kingston upon Hull\n    - HU1 1AA\n",
                "  address: []\n",
            ),
        ),
        (
            "a date written the UK way",
            edited("signed: 2023-04-01", "signed: 01/04/2023"),
        ),
        (
            "a misspelt word",
            edited("purpose: secondary", "purpose: secondry"),
        ),
        (
            "a flow in no catalogue with no name",
            edited("catalogue: gdppr}", "catalogue: none}"),
        ),
    ];
    for (what, text) in cases {
        let codes = error_codes(&text);
        assert!(
            codes.iter().any(|c| SHAPE_CODES.contains(c)),
            "{what}: check accepts it: {codes:?}"
        );
        assert_eq!(
            v.accepts(&text),
            Some(false),
            "{what}: the schema accepts it"
        );
    }
}
