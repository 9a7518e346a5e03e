//! What each fuzz target asserts, shared with `tests/fuzz_regressions.rs` so that every input
//! the fuzzers ever found is re-checked by `cargo test` with exactly the same properties.

#![allow(dead_code)] // each fuzz target uses one of these checks

use std::sync::OnceLock;

use gpdata::letter::templates::LetterKind;
use gpdata::letter::{LetterOptions, Renderer, templates};
use gpdata::pdf::PdfOptions;
use gpdata::policy::{Decision, Policy};
use gpdata::register::Register;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 21)
}

fn builtin_policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(gpdata::policy::builtin)
}

fn builtin_renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| {
        Renderer::new(templates::resolve(None).expect("built-in templates"))
            .expect("built-in templates compile")
    })
}

/// A sample register and its decisions under the built-in policy.
fn sample() -> &'static (Register, Vec<Decision>) {
    static SAMPLE: OnceLock<(Register, Vec<Decision>)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let text = include_str!("../registers/westbourne.yaml");
        let file = gpdata::source::SourceFile::new("westbourne.yaml", text);
        let register = gpdata::validate::load(file, today())
            .register
            .expect("the sample register loads");
        let decisions = gpdata::policy::evaluate(builtin_policy(), &register, today());
        (register, decisions)
    })
}

fn options(kind: LetterKind) -> LetterOptions {
    LetterOptions {
        kind,
        date: today(),
        reply_days: 28,
        reference: None,
        previous_date: Some(jiff::civil::date(2026, 5, 14)),
        previous_reference: None,
        omit_supplier_names: false,
    }
}

/// Register bytes: loading never panics, the simple YAML reader (where it reads the text at
/// all) reads what the general parser does, a register is returned exactly when there are no
/// errors, and every diagnostic renders (its span lies on character boundaries in the text).
pub fn register(data: &[u8]) {
    let Ok(file) = gpdata::files::decode("fuzz.yaml", data.to_vec()) else {
        return;
    };
    if let Some(difference) = gpdata::yaml::simple_reader_difference(&file.text) {
        panic!("the simple YAML reader and the general parser differ:\n{difference}");
    }
    let loaded = gpdata::validate::load(file, today());
    assert_eq!(loaded.register.is_some(), !loaded.has_errors());
    let _ = gpdata::diag::render_human(&loaded.diags, true);
    let _ = gpdata::diag::render_short(&loaded.diags);
    let _ = gpdata::diag::render_json(&loaded.diags);
}

/// Policy text: loading never panics, and a policy that loads decides every sample flow.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (policy, diags) = gpdata::policy::load_text("fuzz.yaml", text);
    assert_eq!(
        policy.is_some(),
        !diags.iter().any(gpdata::diag::Diagnostic::is_error)
    );
    let _ = gpdata::diag::render_human(&diags, false);
    if let Some(policy) = policy {
        let (register, _) = sample();
        let decisions = gpdata::policy::evaluate(&policy, register, today());
        assert_eq!(decisions.len(), register.flows.len());
    }
}

/// Register bytes all the way to PDF: a register that loads without errors always gives
/// both kinds of letter, as text, Markdown and PDF (tagged and not), never a refusal.
pub fn letter(data: &[u8]) {
    let Ok(file) = gpdata::files::decode("fuzz.yaml", data.to_vec()) else {
        return;
    };
    let Some(register) = gpdata::validate::load(file, today()).register else {
        return;
    };
    let decisions = gpdata::policy::evaluate(builtin_policy(), &register, today());
    for (kind, tagged) in [(LetterKind::Enquiry, true), (LetterKind::FollowUp, false)] {
        let letter = builtin_renderer()
            .render(
                &register,
                &decisions,
                builtin_policy(),
                gpdata::catalogue::Catalogue::builtin(),
                &options(kind),
            )
            .unwrap_or_else(|d| panic!("a valid register failed to render: {d:?}"));
        let _ = gpdata::letter::text::to_text(&letter);
        let _ = gpdata::letter::text::to_markdown(&letter);
        let pdf = gpdata::pdf::render(
            &letter,
            PdfOptions {
                tagged,
                pdfa: false,
            },
        )
        .unwrap_or_else(|e| panic!("a valid register gave no PDF: {e}"));
        assert!(pdf.starts_with(b"%PDF-"));
    }
}

/// Template text as a custom `enquiry.md`: template errors are reported, not panics, and a
/// template that renders always typesets to a tagged PDF.
pub fn template(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = templates::resolve(None).expect("built-in templates");
    sources[0].text = text.to_string();
    let Ok(renderer) = Renderer::new(sources) else {
        return;
    };
    let (register, decisions) = sample();
    let Ok(letter) = renderer.render(
        register,
        decisions,
        builtin_policy(),
        gpdata::catalogue::Catalogue::builtin(),
        &options(LetterKind::Enquiry),
    ) else {
        return;
    };
    let pdf = gpdata::pdf::render(
        &letter,
        PdfOptions {
            tagged: true,
            pdfa: false,
        },
    )
    .unwrap_or_else(|e| panic!("a rendered template gave no PDF: {e}"));
    assert!(pdf.starts_with(b"%PDF-"));
}
