//! The sequence over months: letters recorded as they are written, replies recorded by hand,
//! a follow-up that restates only what is open, notices to the bodies that run withdrawn flows,
//! the practice's action sheet, `status`, `diff`, and rules in force on dates.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// A folder holding a copy of the Riverside register, with no record.
fn practice() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let register = tmp.path().join("riverside.yaml");
    fs::copy(path("registers/riverside.yaml"), &register).unwrap();
    (tmp, register)
}

/// gpdata as the tests run it, but recording letters.
fn recording() -> assert_cmd::Command {
    let mut cmd = gpdata();
    cmd.env_remove("GPDATA_NO_RECORD");
    cmd
}

fn letter(register: &Path, kind: &str, date: &str, out: &Path) -> std::process::Output {
    recording()
        .args([
            "letter", "--kind", kind, "--date", date, "--format", "txt", "-o",
        ])
        .arg(out)
        .arg(register)
        .output()
        .unwrap()
}

fn record_of(register: &Path) -> String {
    fs::read_to_string(register.with_file_name("riverside.record.yaml")).unwrap()
}

#[test]
fn writing_a_letter_records_it_once_and_keeps_the_history() {
    let (tmp, register) = practice();
    let out = tmp.path().join("out");
    let first = letter(&register, "enquiry", "2026-05-14", &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let record = record_of(&register);
    assert!(record.starts_with("# Correspondence record for Riverside Medical Centre (B82005)."));
    assert!(
        record
            .contains("  - letter: enquiry\n    date: 2026-05-14\n    reference: \"B82005/DSA/1\"")
    );
    assert!(record.contains("      - id: \"list\""));
    assert!(record.contains("      - id: \"icb-phm/withdraw-voluntary-secondary\""));
    // The record it wrote checks clean.
    let check = gpdata().arg("check").arg(&register).output().unwrap();
    assert!(
        !stdout(&check).contains("record.yaml"),
        "{}",
        stdout(&check)
    );

    // Written again the same day (the PDF after a text draft): the entry is replaced.
    let again = letter(&register, "enquiry", "2026-05-14", &out);
    assert!(again.status.success());
    assert_eq!(record_of(&register), record);

    // Written again on another day: the record keeps the letter actually sent, and says so.
    let later = letter(&register, "enquiry", "2026-07-01", &out);
    assert!(later.status.success(), "the letter itself is written");
    assert!(
        stderr(&later).contains("already has B82005/DSA/1, sent on 2026-05-14"),
        "{}",
        stderr(&later)
    );
    assert_eq!(record_of(&register), record);

    // --no-record writes a draft and leaves the record alone.
    let draft = gpdata()
        .args([
            "letter",
            "--date",
            "2026-07-02",
            "--format",
            "txt",
            "--reference",
            "DRAFT",
            "-o",
        ])
        .arg(&out)
        .arg(&register)
        .output()
        .unwrap();
    assert!(draft.status.success());
    assert_eq!(record_of(&register), record);
}

/// The Riverside record shipped in `registers/`: an enquiry, and a partial standard reply.
#[test]
fn the_follow_up_restates_only_what_is_open_and_answers_the_standard_reply() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("follow-up.txt");
    let run = gpdata()
        .args([
            "letter",
            "registers/riverside.yaml",
            "--kind",
            "follow-up",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let text = fs::read_to_string(&out).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The first letter comes from the record, with no --previous-date.
    assert!(
        flat.contains(
            "I refer to the practice's letter of 14 May 2026 (our reference B82005/DSA/1)"
        )
    );
    assert!(flat.contains("Thank you for your reply of 9 June 2026."));
    assert!(flat.contains("2 have been answered in full"), "{flat}");
    // The standard reply is answered from public sources, listed after the signature.
    assert!(
        flat.contains(
            "Your reply describes the ICB's role in the practice's data flows as limited."
        )
    );
    assert!(flat.contains(
        "https://htn.co.uk/2026/05/27/nhs-england-updates-gp-it-operating-model-requirements/"
    ));
    // Declined: asked again; partly answered: restated with what was said.
    assert!(flat.contains("declined to provide the list"));
    assert!(flat.contains("answered this in part: States that the ICB relies on public task"));
    // Answered: acknowledged, not asked again.
    assert!(flat.contains("What the practice has received"));
    assert!(!flat.contains("Please send the data protection impact assessment that covers Population health management extract"));
    // Redirected: named, not asked again.
    assert!(flat.contains("Prescribing Services Ltd, which runs Eclipse Live"));
    assert!(!flat.contains("Please confirm that patients with a Type 1 objection recorded by the practice are excluded from Eclipse Live"));
}

#[test]
fn a_follow_up_with_nothing_to_follow_is_refused_with_the_way_forward() {
    let (tmp, register) = practice();
    let run = letter(
        &register,
        "follow-up",
        "2026-06-20",
        &tmp.path().join("out"),
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("--previous-date"), "{}", stderr(&run));
    // With the date given, it is written as before, restating every question.
    let given = gpdata()
        .args([
            "letter",
            "--kind",
            "follow-up",
            "--previous-date",
            "2026-05-14",
            "--format",
            "txt",
            "-o",
        ])
        .arg(tmp.path().join("given.txt"))
        .arg(&register)
        .output()
        .unwrap();
    assert!(given.status.success(), "{}", stderr(&given));
}

#[test]
fn a_fact_a_reply_establishes_is_used_and_explained() {
    let (tmp, register) = practice();
    fs::write(
        register.with_file_name("riverside.record.yaml"),
        "record: 1\npractice: B82005\nentries:\n  - letter: enquiry\n    date: 2026-05-14\n    reference: B82005/DSA/1\n    to: NHS Humber and North Yorkshire ICB\n    asked:\n      - {id: risk-stratification/query-national-opt-out-section-251, text: Q}\n  - reply: 2026-06-09\n    from: The ICB\n    replying_to: B82005/DSA/1\n    answers:\n      - question: risk-stratification/query-national-opt-out-section-251\n        status: answered\n        establishes:\n          opt_outs.national: applied\n",
    )
    .unwrap();
    let audit = gpdata()
        .args(["audit", "--format", "json"])
        .arg(&register)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let flow = json["registers"][0]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "risk-stratification")
        .unwrap();
    assert_eq!(flow["national_opt_out"], "applied");
    let asked: Vec<&str> = flow["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert!(!asked.contains(&"risk-stratification/query-national-opt-out-section-251"));
    drop(tmp);
}

#[test]
fn notices_go_one_per_body_and_are_recorded() {
    let (tmp, register) = practice();
    let out = tmp.path().join("notices");
    let run = letter(&register, "notice", "2026-06-01", &out);
    assert!(run.status.success(), "{}", stderr(&run));
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["B82005-notice-researchone.txt"]);
    let text = fs::read_to_string(out.join(&names[0])).unwrap();
    assert!(text.contains("ResearchOne (TPP with University of Leeds)\n"));
    assert!(
        text.contains("removed from\nResearchOne within 7 days")
            || text.contains("ResearchOne within 7 days")
    );
    assert!(text.contains("Our ref: B82005/NOTICE/researchone"));
    let record = record_of(&register);
    assert!(record.contains("  - letter: notice\n"));
    assert!(record.contains("    flows: [\"researchone\"]"));
    // A notice needs a folder.
    let file = letter(&register, "notice", "2026-06-01", &tmp.path().join("n.pdf"));
    assert_eq!(file.status.code(), Some(2));
}

#[test]
fn the_action_sheet_says_what_to_do_and_where() {
    let run = gpdata()
        .args([
            "letter",
            "registers/riverside.yaml",
            "--kind",
            "actions",
            "--format",
            "txt",
            "-o",
            "-",
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stdout(&run);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("What the practice does next about its data flows"));
    assert!(flat.contains("In SystmOne: Organisation Preferences screen"));
    assert!(flat.contains("B82005-notice-researchone.pdf"));
    assert!(flat.contains("Forward each request to the BMA"));
    assert!(flat.contains("Entries through GP Connect Update Record"));
    assert!(flat.contains("National Data Opt-out checks"));
    // Not a letter: no greeting and no signature.
    assert!(!text.contains("Dear "), "{text}");
    assert!(!text.contains("Yours "), "{text}");
}

#[test]
fn status_shows_what_was_sent_answered_and_overdue() {
    let one = gpdata()
        .args(["status", "registers/riverside.yaml", "--date", "2026-11-21"])
        .output()
        .unwrap();
    assert!(one.status.success(), "{}", stderr(&one));
    let text = stdout(&one);
    assert!(
        text.contains("2026-05-14  enquiry  B82005/DSA/1  2026-06-11  replied 2026-06-09"),
        "{text}"
    );
    assert!(text.contains("22 questions to the ICB: 2 answered, 1 partly answered, 1 declined, 1 redirected, 17 not answered."), "{text}");

    // An LMC's folder: one row per practice, and the roll-up by ICB.
    let csv = gpdata()
        .args(["status", "registers", "--format", "csv"])
        .output()
        .unwrap();
    let text = stdout(&csv);
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let riverside = rows.iter().find(|r| &r[0] == "B82005").unwrap();
    assert_eq!(&riverside[4], "yes");
    assert_eq!(&riverside[10], "2026-06-09");

    // A letter with no reply past its date is overdue.
    let (tmp, register) = practice();
    let sent = letter(&register, "enquiry", "2026-05-14", &tmp.path().join("out"));
    assert!(sent.status.success());
    let json = gpdata()
        .args(["status", "--format", "json", "--date", "2026-07-01"])
        .arg(&register)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["format"], 1);
    assert_eq!(doc["practices"][0]["overdue"], true);
    assert_eq!(doc["icbs"]["QOQ"]["overdue"], 1);
}

#[test]
fn diff_reports_changed_decisions_and_why() {
    let same = gpdata()
        .args(["diff", "registers", "registers"])
        .output()
        .unwrap();
    assert!(
        stdout(&same).contains("No decision changed."),
        "{}",
        stdout(&same)
    );

    // The June action switched off medicines optimisation software.
    let dates = gpdata()
        .args([
            "diff",
            "registers/riverside.yaml",
            "--old-date",
            "2026-05-15",
            "--date",
            "2026-06-15",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&dates.stdout).unwrap();
    let changes = doc["changes"].as_array().unwrap();
    let optimiserx = changes.iter().find(|c| c["flow"] == "optimiserx").unwrap();
    assert_eq!(optimiserx["before"], "query");
    assert_eq!(optimiserx["after"], "switch-off");
    assert_eq!(
        optimiserx["after_rule"],
        "switch-off-medicines-optimisation"
    );

    // A changed fact is named as the reason.
    let (tmp, register) = practice();
    let text = fs::read_to_string(&register).unwrap();
    let edited = tmp.path().join("edited.yaml");
    fs::write(&edited, text.replacen("    obligation: voluntary\n    stage: live\n    agreement:\n      status: active\n      reference: HNY-DSA-0042", "    obligation: contractual\n    obligation_reference: Local enhanced service, clause 4\n    stage: live\n    agreement:\n      status: active\n      reference: HNY-DSA-0042", 1)).unwrap();
    let facts = gpdata()
        .args(["diff"])
        .arg(&register)
        .arg(&edited)
        .output()
        .unwrap();
    let out = stdout(&facts);
    assert!(out.contains("icb-phm"), "{out}");
    assert!(
        out.contains("obligation: voluntary -> contractual"),
        "{out}"
    );
}

#[test]
fn a_rule_applies_only_on_the_days_it_is_in_force() {
    let may = gpdata()
        .args([
            "explain",
            "registers/riverside.yaml",
            "optimiserx",
            "--date",
            "2026-05-15",
        ])
        .output()
        .unwrap();
    let text = stdout(&may);
    assert!(
        text.contains("would also match, but it applies only from 1 June 2026"),
        "{text}"
    );
    let bad = tempfile::tempdir().unwrap();
    let policy = bad.path().join("p.yaml");
    fs::write(&policy, "policy: p\ntitle: T\nversion: '1'\nrules:\n  - {id: r, title: T, when: {purpose: secondary}, action: query, rationale: R, in_force: {from: 2026-06-01, until: 2026-05-01}}\n").unwrap();
    let check = gpdata()
        .args(["policy", "check"])
        .arg(&policy)
        .output()
        .unwrap();
    assert!(
        stdout(&check).contains("would end (2026-05-01) before it starts"),
        "{}",
        stdout(&check)
    );
}
