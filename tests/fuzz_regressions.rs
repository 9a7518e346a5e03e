//! Every input kept from fuzzing (`tests/fuzz-regressions/<target>/`) re-checked with the very
//! assertions its fuzz target makes (`fuzz/checks.rs`), so a fixed crash stays fixed.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn each_input(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("regression folder exists") {
        let path = entry.expect("readable entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable input");
        eprintln!("{target}: {}", path.display());
        check(&bytes);
        count += 1;
    }
    count
}

#[test]
fn register_inputs() {
    assert!(each_input("register", checks::register) > 0);
}

#[test]
fn policy_inputs() {
    each_input("policy", checks::policy);
}

#[test]
fn letter_inputs() {
    each_input("letter", checks::letter);
}

#[test]
fn template_inputs() {
    each_input("template", checks::template);
}

/// The first fuzz finding, through the binary: a byte-order mark inside a flow sequence made
/// `check` panic while underlining a span that ended inside the three-byte character.
#[test]
fn bom_inside_a_document_is_a_located_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.yaml");
    std::fs::write(&path, "practice: [\u{feff}]\n").unwrap();
    let out = common::gpdata().arg("check").arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("error[yaml-syntax]"), "{report}");
    assert!(report.contains("bom.yaml:1:12"), "{report}");
}

mod common;
