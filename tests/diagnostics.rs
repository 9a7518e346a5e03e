//! Every diagnostic code is documented, and has a fixture that triggers it.

mod common;

use std::fs;

use common::*;
use gpdata::diag::{Code, Diagnostic};

fn register_codes(path: &std::path::Path) -> Vec<Diagnostic> {
    gpdata::validate::load_path(path, date()).diags
}

fn codes_of(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn every_code_is_documented() {
    let docs = fs::read_to_string(path("docs/diagnostics.md")).unwrap();
    for code in Code::ALL {
        assert!(
            docs.contains(&format!("## {}\n", code.as_str())),
            "{} is not documented",
            code.as_str()
        );
        assert!(
            docs.contains(&format!("[`{}`]", code.as_str())),
            "{} is missing from the table",
            code.as_str()
        );
    }
}

/// The codes in a command's `severity[code]` lines.
fn codes_in(text: &str) -> Vec<String> {
    text.split('[')
        .skip(1)
        .filter_map(|rest| rest.split_once(']').map(|(code, _)| code.to_string()))
        .collect()
}

/// Produces the diagnostics for a code's fixture, building the fixture where it cannot be a file.
fn trigger(code: Code, tmp: &std::path::Path) -> Vec<String> {
    let name = code.as_str();
    let register_fixture = path(&format!("tests/fixtures/diagnostics/{name}.yaml"));
    let policy_fixture = path(&format!("tests/fixtures/policies/{name}.yaml"));
    let own = |diags: Vec<Diagnostic>| codes_of(&diags).into_iter().map(String::from).collect();
    if register_fixture.exists() {
        return own(register_codes(&register_fixture));
    }
    if policy_fixture.exists() {
        return own(gpdata::policy::load_path(&policy_fixture).1);
    }
    match code {
        Code::UnreadableFile => own(register_codes(&tmp.join("does-not-exist.yaml"))),
        Code::FileTooLarge => {
            let p = tmp.join("big.yaml");
            fs::write(&p, vec![b'#'; 11 * 1024 * 1024]).unwrap();
            own(register_codes(&p))
        }
        Code::InvalidEncoding => {
            let p = tmp.join("utf16.yaml");
            fs::write(&p, b"\xff\xfer\x00e\x00g\x00").unwrap();
            own(register_codes(&p))
        }
        Code::TooManyFlows => {
            let base = fs::read_to_string(path("tests/fixtures/diagnostics/clean.yaml")).unwrap();
            let mut text = base.split("flows:").next().unwrap().to_string() + "flows:\n";
            for i in 0..2001 {
                text.push_str(&format!("  - {{id: f{i}, name: F, recipient: R}}\n"));
            }
            let p = tmp.join("many.yaml");
            fs::write(&p, text).unwrap();
            own(register_codes(&p))
        }
        Code::UnusedRule => {
            let out = gpdata()
                .args([
                    "audit",
                    "registers/",
                    "--policy",
                    "tests/fixtures/policies/never-matches.yaml",
                ])
                .output()
                .unwrap();
            let text = stdout(&out) + &stderr(&out);
            if text.contains("warning[unused-rule]") {
                vec![name.to_string()]
            } else {
                vec![]
            }
        }
        Code::TemplateError => {
            let out = gpdata()
                .args([
                    "letter",
                    "registers/riverside.yaml",
                    "--format",
                    "txt",
                    "--templates",
                ])
                .arg(path("tests/fixtures/templates/template-error"))
                .arg("-o")
                .arg(tmp)
                .output()
                .unwrap();
            let text = stderr(&out);
            assert!(
                text.contains("enquiry.md:1:"),
                "template errors carry file:line: {text}"
            );
            if text.contains("[template-error]") {
                vec![name.to_string()]
            } else {
                vec![]
            }
        }
        Code::CannotWrite => {
            let out_dir = tmp.join("cannot-write");
            let out = gpdata_with_file_limit(
                4,
                &[
                    "letter".as_ref(),
                    "registers/riverside.yaml".as_ref(),
                    "-o".as_ref(),
                    out_dir.as_os_str(),
                ],
            );
            codes_in(&stderr(&out))
        }
        Code::DuplicatePractice => {
            let dir = tmp.join("duplicate-practice");
            fs::create_dir_all(&dir).unwrap();
            for copy in ["riverside.yaml", "riverside-old.yaml"] {
                fs::copy(path("registers/riverside.yaml"), dir.join(copy)).unwrap();
            }
            let out = gpdata()
                .args(["letter", "--format", "txt", "-o"])
                .arg(tmp.join("duplicate-out"))
                .arg(&dir)
                .output()
                .unwrap();
            codes_in(&stderr(&out))
        }
        Code::DuplicateEntry => {
            let dir = tmp.join("catalogue");
            fs::create_dir_all(&dir).unwrap();
            fs::write(
                dir.join("flows.yaml"),
                "catalogue: 1\nentries:\n  - id: gdppr\n    name: A local copy\n    recipient: R\n    sources: [{title: T, url: https://example.org, checked: 2026-01-01}]\n",
            )
            .unwrap();
            own(gpdata::catalogue::Catalogue::with_local(&dir).1)
        }
        Code::ImportColumn | Code::ImportUnknownColumn | Code::ImportValue => {
            let sheet = match code {
                Code::ImportColumn => "tests/fixtures/import/no-organisation.csv",
                _ => "tests/fixtures/import/checklist.csv",
            };
            let out = gpdata()
                .args(["import", sheet, "--icb", "QOQ", "-o"])
                .arg(tmp.join(format!("import-{name}")))
                .output()
                .unwrap();
            codes_in(&stderr(&out))
        }
        other => panic!("no fixture for {}", other.as_str()),
    }
}

#[test]
fn every_code_has_a_fixture_that_triggers_it() {
    let tmp = tempfile::tempdir().unwrap();
    for code in Code::ALL {
        let found = trigger(*code, tmp.path());
        assert!(
            found.iter().any(|c| c == code.as_str()),
            "fixture for {} gave {found:?}",
            code.as_str()
        );
    }
}

#[test]
fn clean_fixtures_are_clean() {
    assert!(register_codes(&path("tests/fixtures/diagnostics/clean.yaml")).is_empty());
    let (policy, diags) = gpdata::policy::load_path(&path("tests/fixtures/policies/clean.yaml"));
    assert!(policy.is_some() && diags.is_empty(), "{diags:?}");
}

#[test]
fn diagnostics_point_at_the_offending_text() {
    let diags = register_codes(&path("tests/fixtures/diagnostics/invalid-value.yaml"));
    let d = diags.iter().find(|d| d.code == Code::InvalidValue).unwrap();
    let span = d.span.unwrap();
    assert_eq!((span.line, span.column), (16, 14));
    assert_eq!(d.help.as_deref(), Some("did you mean `secondary`?"));
}
