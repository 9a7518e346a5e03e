//! The real binary, run as a user would: exit codes, output formats, golden outputs.

mod common;
#[path = "support/synth.rs"]
mod synth;

use std::fs;

use common::*;

const SAMPLES: [&str; 3] = ["riverside", "westbourne", "fellside"];

#[test]
fn sample_registers_have_no_errors() {
    let out = gpdata().args(["check", "registers/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("3 registers checked"));
}

#[test]
fn check_reports_errors_with_exit_code_1_and_carries_on() {
    let out = gpdata()
        .args([
            "check",
            "--format",
            "short",
            "tests/fixtures/diagnostics/invalid-value.yaml",
            "registers/riverside.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("tests/fixtures/diagnostics/invalid-value.yaml:16:14: error[invalid-value]: `secondry` is not a valid purpose (help: did you mean `secondary`?)"), "{text}");
    assert!(
        text.contains("registers/riverside.yaml:"),
        "the second file was still checked"
    );
}

#[test]
fn check_human_output_has_a_snippet_and_summary() {
    let out = gpdata()
        .args(["check", "tests/fixtures/diagnostics/unknown-key.yaml"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("error[unknown-key]: unknown key `purpse` in flow `test-flow`"),
        "{text}"
    );
    assert!(
        text.contains("purpse: secondary") && text.contains("^^^^^^"),
        "{text}"
    );
    assert!(text.contains("did you mean `purpose`?"));
    assert!(text.contains("1 register checked: 1 of 1 has errors"));
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
}

/// The human format as a whole, for the shipped registers (warnings with their snippets and
/// help) and a register with several kinds of error: any change to what a practice manager reads
/// shows up as a snapshot difference.
#[test]
fn check_human_output_is_as_a_practice_manager_reads_it() {
    let out = gpdata().args(["check", "registers"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("check_registers_human", stdout(&out));
    let out = gpdata()
        .args([
            "check",
            "tests/fixtures/diagnostics/unknown-key.yaml",
            "tests/fixtures/diagnostics/invalid-date.yaml",
            "tests/fixtures/diagnostics/invalid-value.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("check_errors_human", stdout(&out));
}

#[test]
fn check_json_is_a_versioned_list_of_diagnostics() {
    let out = gpdata()
        .args([
            "check",
            "--format",
            "json",
            "tests/fixtures/diagnostics/duplicate-flow-id.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["format"], 1);
    let first = &document["diagnostics"][0];
    for key in [
        "file", "line", "column", "severity", "code", "message", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["code"], "duplicate-flow-id");
    assert_eq!(first["line"], 23);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(gpdata().output().unwrap().status.code(), Some(2));
    assert_eq!(
        gpdata().args(["check"]).output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        gpdata()
            .args(["audit", "--date", "2026-13-01", "registers/"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gpdata().args(["--version"]).output().unwrap().status.code(),
        Some(0)
    );
}

#[test]
fn missing_paths_are_errors_but_others_are_checked() {
    let out = gpdata()
        .args([
            "check",
            "--format",
            "short",
            "no/such.yaml",
            "registers/fellside.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no/such.yaml: error[unreadable-file]"));
}

#[test]
fn schema_matches_the_shipped_file() {
    let out = gpdata().arg("schema").output().unwrap();
    let shipped = fs::read_to_string(path("gpdata.schema.json")).unwrap();
    assert_eq!(
        stdout(&out),
        shipped,
        "run `gpdata schema > gpdata.schema.json`"
    );
}

#[test]
fn audit_outputs_match_golden_files() {
    let table = gpdata()
        .args(["audit", "registers/riverside.yaml"])
        .output()
        .unwrap();
    assert_eq!(table.status.code(), Some(0));
    insta::assert_snapshot!("audit_riverside_table", stdout(&table));
    let several = gpdata().args(["audit", "registers/"]).output().unwrap();
    insta::assert_snapshot!("audit_all_table", stdout(&several));
    let csv = gpdata()
        .args(["audit", "registers/", "--format", "csv"])
        .output()
        .unwrap();
    let text = stdout(&csv);
    assert!(
        text.starts_with('\u{feff}'),
        "CSV starts with a BOM for Excel"
    );
    assert!(text.contains("\r\n"), "CSV uses CRLF line ends");
    insta::assert_snapshot!("audit_all_csv", text);
    let json = gpdata()
        .args(["audit", "registers/", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    insta::assert_json_snapshot!("audit_all_json", value);
}

#[test]
fn audit_skips_broken_registers_and_says_so() {
    let out = gpdata()
        .args([
            "audit",
            "registers/riverside.yaml",
            "tests/fixtures/diagnostics/invalid-value.yaml",
            "--view",
            "practices",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("1 of 2 registers have errors and were skipped"));
    assert!(stderr(&out).contains("error[invalid-value]"));
}

#[test]
fn explain_matches_golden_file() {
    let out = gpdata()
        .args(["explain", "registers/riverside.yaml", "icb-phm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("explain_riverside_icb_phm", stdout(&out));
    let missing = gpdata()
        .args(["explain", "registers/riverside.yaml", "icb-phn"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("did you mean `icb-phm`?"));
}

#[test]
fn letters_match_golden_text() {
    let tmp = tempfile::tempdir().unwrap();
    for name in SAMPLES {
        for (kind, extra) in [
            ("enquiry", vec![]),
            ("follow-up", vec!["--previous-date", "2026-05-14"]),
        ] {
            let out = gpdata()
                .args([
                    "letter",
                    &format!("registers/{name}.yaml"),
                    "--format",
                    "txt",
                    "--kind",
                    kind,
                ])
                .args(extra)
                .arg("-o")
                .arg(tmp.path())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let written = fs::read_dir(tmp.path()).unwrap().flatten().find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .ends_with(&format!("-{kind}.txt"))
                    && fs::read_to_string(e.path())
                        .unwrap()
                        .contains(name_of(name))
            });
            let text = fs::read_to_string(written.expect("letter written").path()).unwrap();
            insta::assert_snapshot!(format!("letter_{name}_{kind}"), text);
        }
    }
}

fn name_of(sample: &str) -> &'static str {
    match sample {
        "riverside" => "Riverside Medical Centre",
        "westbourne" => "Westbourne Green Surgery",
        _ => "Fellside Health Centre",
    }
}

#[test]
fn letters_are_named_after_the_ods_code() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gpdata()
        .args(["letter", "registers/", "--untagged", "-o"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "B82005-enquiry.pdf",
            "E85124-enquiry.pdf",
            "P81742-enquiry.pdf"
        ]
    );
    assert!(stderr(&out).contains("3 letters written"));
}

#[test]
fn bulk_letters_skip_a_broken_register_and_write_the_rest() {
    let inputs = tempfile::tempdir().unwrap();
    let outputs = tempfile::tempdir().unwrap();
    fs::copy(
        path("registers/riverside.yaml"),
        inputs.path().join("a.yaml"),
    )
    .unwrap();
    fs::copy(
        path("tests/fixtures/diagnostics/wrong-type.yaml"),
        inputs.path().join("b.yaml"),
    )
    .unwrap();
    fs::copy(
        path("registers/fellside.yaml"),
        inputs.path().join("c.yaml"),
    )
    .unwrap();
    let out = gpdata()
        .arg("letter")
        .arg(inputs.path())
        .arg("-o")
        .arg(outputs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let written: Vec<_> = fs::read_dir(outputs.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    let err = stderr(&out);
    assert!(
        err.contains("error[wrong-type]")
            && err.contains("2 letters written")
            && err.contains("1 register skipped"),
        "{err}"
    );
}

#[test]
fn templates_can_be_replaced_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gpdata()
        .args([
            "letter",
            "registers/riverside.yaml",
            "--format",
            "txt",
            "--templates",
            "tests/fixtures/templates/custom",
            "-o",
        ])
        .arg(tmp.path().join("letter.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(tmp.path().join("letter.txt")).unwrap();
    assert!(text.contains("A custom body from the LMC."));
    assert!(text.contains("Letter for Riverside Medical Centre"));
    let shown = gpdata()
        .args(["templates", "show", "enquiry"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&shown),
        fs::read_to_string(path("templates/enquiry.md")).unwrap()
    );
}

#[test]
fn policy_show_prints_the_builtin_policy_which_checks_clean() {
    let out = gpdata().args(["policy", "show"]).output().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.yaml");
    fs::write(&file, out.stdout).unwrap();
    let check = gpdata()
        .args(["policy", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn a_custom_policy_changes_the_audit() {
    let out = gpdata()
        .args([
            "audit",
            "registers/riverside.yaml",
            "--format",
            "json",
            "--policy",
            "tests/fixtures/policies/clean.yaml",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["policy"]["id"], "test");
    // The test policy withdraws the five voluntary secondary-use flows and leaves the rest unclassified.
    assert_eq!(v["registers"][0]["counts"]["unclassified"], 27);
    assert_eq!(v["registers"][0]["counts"]["withdraw"], 5);
}

#[test]
fn bulk_output_is_the_same_whatever_the_number_of_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let mut text = synth::register(7, i);
        if i % 20 == 5 {
            text = text.replacen("purpose: ", "purpose: secondry-", 1); // an invalid value
        }
        fs::write(tmp.path().join(format!("p{i:03}.yaml")), text).unwrap();
    }
    let runs: &[&[&str]] = &[
        &["check", "--format", "human"],
        &["check", "--format", "short"],
        &["check", "--format", "json"],
        &["audit", "--format", "csv"],
        &["audit", "--format", "json"],
        &["audit", "--format", "table"],
    ];
    for args in runs {
        let run = |jobs: &str| {
            gpdata()
                .args(*args)
                .args(["--jobs", jobs])
                .arg(tmp.path())
                .output()
                .unwrap()
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(
            one.status.code(),
            Some(1),
            "{args:?}: broken registers give exit 1"
        );
        assert!(
            one.stdout == two.stdout,
            "{args:?}: stdout differs with -j 2"
        );
        assert_eq!(stderr(&one), stderr(&two), "{args:?}");
        if args.contains(&"json") {
            let value: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
            assert!(value.is_array() || value.is_object(), "{args:?}");
        }
    }
}

/// Every question the audit raises about any flow, whatever its decision, is in the enquiry
/// letter: questions for flows the ICB manages are put to it, the rest are listed with the body
/// that runs them.
#[test]
fn every_question_in_the_audit_is_in_the_letter() {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for name in ["riverside", "westbourne", "fellside"] {
        let register = format!("registers/{name}.yaml");
        let out = gpdata()
            .args(["audit", &register, "--format", "json"])
            .output()
            .unwrap();
        let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let letter = tmp.path().join("letter.txt");
        gpdata()
            .args(["letter", &register, "--format", "txt", "-o"])
            .arg(&letter)
            .assert()
            .success();
        let text = squash(&fs::read_to_string(&letter).unwrap());
        let mut asked = 0;
        for flow in audit["registers"][0]["flows"].as_array().unwrap() {
            for q in flow["questions"].as_array().unwrap() {
                let q = squash(q["text"].as_str().unwrap());
                assert!(text.contains(&q), "{name}: the letter lacks {q:?}");
                asked += 1;
            }
        }
        assert!(asked > 5, "{name}: only {asked} questions");
    }
}

#[test]
fn the_facts_page_matches_the_facts_table() {
    let out = gpdata()
        .args(["facts", "--format", "markdown"])
        .output()
        .unwrap();
    let page = fs::read_to_string(path("docs/facts.md")).unwrap();
    assert!(
        page.ends_with(&stdout(&out)),
        "run: gpdata facts --format markdown, and paste it at the end of docs/facts.md"
    );
}

/// The register example in the README loads without errors, so what it teaches is true.
#[test]
fn the_readme_register_example_is_a_valid_register() {
    let readme = fs::read_to_string(path("README.md")).unwrap();
    let section = readme
        .split("## The register (format v1)")
        .nth(1)
        .expect("the README has a register section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the register section has a YAML example");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("example.yaml");
    fs::write(&file, example).unwrap();
    let out = gpdata()
        .args(["check", "--format", "short"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// The policy example in the README is a valid policy.
#[test]
fn the_readme_policy_example_is_a_valid_policy() {
    let readme = fs::read_to_string(path("README.md")).unwrap();
    let section = readme
        .split("## The policy language")
        .nth(1)
        .expect("the README has a policy section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the policy section has a YAML example");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("policy.yaml");
    fs::write(&file, example).unwrap();
    let out = gpdata()
        .args(["policy", "check", "--format", "short"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("error["), "{}", stdout(&out));
}

/// The LMC commands in the README are clean on the samples: every built-in rule is used by
/// some sample flow, so no `unused-rule` warning greets a newcomer.
#[test]
fn every_builtin_rule_decides_some_sample_flow() {
    let out = gpdata()
        .args(["audit", "registers/", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("unused-rule"), "{}", stderr(&out));
}

/// A number written where text belongs is kept as typed: `reference: 0042` is not 42, and a
/// practice called `1.50` is not 1.5.
#[test]
fn numbers_where_text_belongs_are_kept_as_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.yaml");
    fs::write(
        &file,
        "register: 1\npractice: {name: 1.50, ods_code: B82005, address: [1 Lane, Town, AB1 2CD]}\n\
         icb: {name: NHS Humber and North Yorkshire ICB, ods_code: QOQ, address: [House, HU1 1AA]}\n\
         flows:\n  - {id: a, name: A flow, recipient: R, purpose: secondary, obligation: voluntary,\n     \
         agreement: {status: active, reference: 0042}}\n",
    )
    .unwrap();
    let out = gpdata()
        .args(["audit", "--format", "csv"])
        .arg(&file)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("B82005,1.50,"), "{text}");
    assert!(text.contains("(agreement 0042)"), "{text}");
}

/// `--omit-supplier-names` leaves processors and platforms out of the letter: the ICB's FDP
/// instance is named in a flow's description and a question without it, and in neither with it.
#[test]
fn omit_supplier_names_leaves_the_platform_out_of_the_flow_descriptions() {
    let letter = |extra: &[&str]| {
        let out = gpdata()
            .args([
                "letter",
                "registers/riverside.yaml",
                "--format",
                "md",
                "-o",
                "-",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        stdout(&out)
    };
    let described = "NHS Humber and North Yorkshire ICB, on NHS Federated Data Platform (Humber and North Yorkshire ICB instance)";
    assert!(letter(&[]).contains(described));
    let without = letter(&["--omit-supplier-names"]);
    assert!(!without.contains(described), "{without}");
    assert!(
        without.contains("NHS Humber and North Yorkshire ICB; proposed agreement HNY-DSA-FDP-01")
    );
    // Nor does the platform's name reach a question through the policy's `{platform}`.
    assert!(
        !without.contains("NHS Federated Data Platform (Humber and North Yorkshire ICB instance)"),
        "{without}"
    );
    assert!(without.contains("already held in the platform, under which agreement"));
}
