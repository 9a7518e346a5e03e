//! Command-line conventions a user of cargo, git or ripgrep expects (usability review,
//! section 3): help as a list, a man page, standard input and output as `-`, `--quiet` and
//! `--color` on every command, and output paths that cannot silently go wrong.

mod common;

use std::fs;
use std::io::Write;
use std::process::Stdio;

use common::*;

/// Runs gpdata with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gpdata"))
        .args(args)
        .current_dir(root())
        .env("GPDATA_DATE", DATE)
        .env("NO_COLOR", "1")
        .env_remove("GPDATA_OUTPUT")
        .env_remove("GPDATA_FORMAT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn riverside() -> Vec<u8> {
    fs::read(path("registers/riverside.yaml")).unwrap()
}

#[test]
fn help_lists_the_main_commands_one_per_line() {
    let out = gpdata().arg("--help").output().unwrap();
    let text = stdout(&out);
    for command in ["check", "audit", "explain", "letter"] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("gpdata {command} "))),
            "no line for {command}:\n{text}"
        );
    }
}

#[test]
fn man_pages_are_roff_for_gpdata_and_each_command() {
    let top = gpdata().arg("man").output().unwrap();
    assert!(top.status.success());
    let page = stdout(&top);
    assert!(
        page.starts_with(".ie") || page.contains(".TH gpdata"),
        "{page}"
    );
    assert!(page.contains("letter"), "the page lists the commands");
    let letter = gpdata().args(["man", "letter"]).output().unwrap();
    assert!(
        stdout(&letter).contains(".TH gpdata-letter"),
        "{}",
        stdout(&letter)
    );
    assert!(
        stdout(&letter).contains("previous"),
        "the page has the options"
    );
    let wrong = gpdata().args(["man", "leter"]).output().unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("did you mean `letter`?"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = gpdata().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(stdout(&out).contains("letter"), "{shell}");
    }
}

#[test]
fn a_register_can_come_from_standard_input() {
    let check = with_stdin(&["check", "-"], &riverside());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stdout(&check).contains("<stdin>:"), "{}", stdout(&check));

    let audit = with_stdin(&["audit", "--format", "csv", "-"], &riverside());
    assert_eq!(audit.status.code(), Some(0), "{}", stderr(&audit));
    assert!(stdout(&audit).contains("B82005,Riverside Medical Centre"));

    let explain = with_stdin(&["explain", "-", "icb-phm"], &riverside());
    assert!(
        stdout(&explain).contains("Flow `icb-phm`"),
        "{}",
        stdout(&explain)
    );

    let broken = with_stdin(
        &["check", "--format", "short", "-"],
        b"register: 1\npractice: [",
    );
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).starts_with("<stdin>:"),
        "{}",
        stdout(&broken)
    );

    let twice = gpdata().args(["check", "-", "-"]).output().unwrap();
    assert_eq!(twice.status.code(), Some(2));
}

#[test]
fn one_letter_can_go_to_standard_output() {
    let txt = with_stdin(&["letter", "--format", "txt", "-o", "-", "-"], &riverside());
    assert_eq!(txt.status.code(), Some(0), "{}", stderr(&txt));
    assert!(stdout(&txt).starts_with("Riverside Medical Centre"));
    // Piped, a PDF is allowed: it is going to a file or a program.
    let pdf = with_stdin(&["letter", "-o", "-", "-"], &riverside());
    assert_eq!(pdf.status.code(), Some(0), "{}", stderr(&pdf));
    assert!(pdf.stdout.starts_with(b"%PDF-"));
    let several = gpdata()
        .args(["letter", "-o", "-", "registers"])
        .output()
        .unwrap();
    assert_eq!(several.status.code(), Some(2));
    assert!(stderr(&several).contains("standard output"));
}

#[test]
fn output_paths_that_cannot_work_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        gpdata()
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let registers = path("registers");
    let riverside = path("registers/riverside.yaml");
    let (registers, riverside) = (registers.to_str().unwrap(), riverside.to_str().unwrap());

    let several = run(&["letter", "-o", "x.pdf", registers]);
    assert_eq!(several.status.code(), Some(2));
    assert!(
        stderr(&several).contains("names one file"),
        "{}",
        stderr(&several)
    );

    let mismatch = run(&["letter", "-o", "z.md", "--format", "pdf", riverside]);
    assert_eq!(mismatch.status.code(), Some(2));
    assert!(stderr(&mismatch).contains("ends in .md, but --format is pdf"));

    let word = run(&["letter", "-o", "letter.docx", riverside]);
    assert_eq!(word.status.code(), Some(2));
    assert!(
        fs::read_dir(tmp.path()).unwrap().next().is_none(),
        "nothing written"
    );

    // The ending alone chooses the format.
    let md = run(&["letter", "-o", "z.md", riverside]);
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    let text = fs::read_to_string(tmp.path().join("z.md")).unwrap();
    assert!(!text.starts_with("%PDF"), "a Markdown file holds Markdown");
}

#[test]
fn a_follow_up_cannot_precede_the_letter_it_follows() {
    let out = gpdata()
        .args([
            "letter",
            "--kind",
            "follow-up",
            "--date",
            "2026-12-01",
            "--previous-date",
            "2027-01-01",
            "registers/riverside.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is after this letter's date"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn upper_case_yaml_endings_are_found_in_folders() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("Riverside.YAML"), riverside()).unwrap();
    fs::write(
        tmp.path().join("Fellside.Yml"),
        fs::read(path("registers/fellside.yaml")).unwrap(),
    )
    .unwrap();
    let out = gpdata().arg("check").arg(tmp.path()).output().unwrap();
    assert!(
        stdout(&out).contains("2 registers checked"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn quiet_leaves_only_errors_on_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("letters");
    let runs: Vec<Vec<String>> = vec![
        vec!["check".into(), "registers".into()],
        vec!["audit".into(), "registers".into()],
        vec![
            "letter".into(),
            "registers".into(),
            "-o".into(),
            out_dir.to_string_lossy().into_owned(),
        ],
        vec![
            "explain".into(),
            "registers/riverside.yaml".into(),
            "icb-phm".into(),
        ],
    ];
    for args in &runs {
        let out = gpdata().arg("-q").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?} wrote notes under -q");
        if args[0] == "check" {
            assert_eq!(stdout(&out), "", "check -q printed warnings");
        }
        // The option is global: it may come after the command too.
        let after = gpdata().args(args).arg("--quiet").output().unwrap();
        assert_eq!(after.status.code(), Some(0));
    }
    assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 3);
    let broken = gpdata()
        .args(["-q", "check", "tests/fixtures/diagnostics/unknown-key.yaml"])
        .output()
        .unwrap();
    assert!(
        stdout(&broken).contains("error[unknown-key]"),
        "errors still print"
    );
}

#[test]
fn color_always_colours_diagnostics_on_every_command_and_never_does_not() {
    let policy = "tests/fixtures/repro/withdraw-unknown.yaml";
    let runs: &[&[&str]] = &[
        &["check", "tests/fixtures/diagnostics/unknown-key.yaml"],
        &["audit", "--policy", policy, "registers/riverside.yaml"],
        &[
            "explain",
            "--policy",
            policy,
            "registers/riverside.yaml",
            "icb-phm",
        ],
        &["policy", "check", policy],
    ];
    for args in runs {
        let coloured = gpdata()
            .args(*args)
            .args(["--color", "always"])
            .output()
            .unwrap();
        let mut all = coloured.stdout.clone();
        all.extend(&coloured.stderr);
        assert!(
            all.contains(&0x1b),
            "{args:?} --color always gave no colour"
        );
        let plain = gpdata()
            .args(*args)
            .args(["--color", "never"])
            .output()
            .unwrap();
        assert!(
            !plain.stdout.contains(&0x1b) && !plain.stderr.contains(&0x1b),
            "{args:?} --color never gave colour"
        );
    }
}

#[test]
fn explain_has_json_for_programs() {
    let out = gpdata()
        .args(["explain", "--format", "json", "registers/riverside.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], 1);
    let flows = doc["flows"].as_array().unwrap();
    assert!(flows.len() > 20);
    let gdppr = flows.iter().find(|f| f["id"] == "gdppr").unwrap();
    assert_eq!(gdppr["catalogue"]["entry"], "gdppr");
    assert_eq!(gdppr["catalogue"]["matched_by"], "reference");
    assert_eq!(gdppr["known_voluntary"], false);
    assert!(gdppr["not_voluntary_because"].as_str().unwrap().len() > 10);
    assert!(gdppr["matches"].as_array().is_some());
    let phm = flows.iter().find(|f| f["id"] == "icb-phm").unwrap();
    assert!(phm["line"].as_u64().unwrap() > 1);
    assert_eq!(phm["known_voluntary"], true);
    assert!(phm["not_voluntary_because"].is_null());
}

/// `init`'s placeholders are warned about by `check` and stop `letter`, so they never reach a
/// letter silently.
#[test]
fn init_placeholders_never_reach_a_letter() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.yaml");
    let init = gpdata()
        .args(["init", "--practice", "B82005", "--icb", "QOQ"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", stderr(&init));
    let check = gpdata().arg("check").arg(&file).output().unwrap();
    assert!(stdout(&check).contains("warning[placeholder-text]"));
    let out_dir = tmp.path().join("out");
    let letter = gpdata()
        .arg("letter")
        .arg(&file)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(letter.status.code(), Some(1));
    assert!(
        stderr(&letter).contains("error[placeholder-text]"),
        "{}",
        stderr(&letter)
    );
    assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 0);
}
