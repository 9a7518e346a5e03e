//! The bad-input corpus (`tests/bad-inputs/`, listed in `EXPECTED.tsv`, plus generated cases too
//! big or too repetitive to commit). Every case must give exactly one error, with its code, at
//! its line and column, exit code 1 from both `check` and `letter`, and `letter` must leave the
//! output folder empty: no letter, no temporary file.

mod common;

use std::fs;
use std::path::Path;

use common::*;

struct Case {
    name: String,
    bytes: Vec<u8>,
    code: String,
    /// Line and column; `None` for a problem with the whole file (reported as 0:0 in JSON).
    place: Option<(u64, u64)>,
}

fn committed_cases() -> Vec<Case> {
    let dir = path("tests/bad-inputs");
    let manifest = fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let (l, c) = fields[2].split_once(':').unwrap();
            Case {
                name: fields[0].to_string(),
                bytes: fs::read(dir.join(fields[0])).unwrap(),
                code: fields[1].to_string(),
                place: Some((l.parse().unwrap(), c.parse().unwrap())),
            }
        })
        .collect()
}

fn generated_cases() -> Vec<Case> {
    let clean = fs::read_to_string(path("tests/fixtures/diagnostics/clean.yaml")).unwrap();
    let (head, flow) = clean.split_once("flows:\n").unwrap();
    let many_flows: String = (0..=gpdata::limits::MAX_FLOWS)
        .map(|i| flow.replace("id: test-flow", &format!("id: flow-{i}")))
        .collect();
    // "Billion laughs": each level names the one before ten times.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".into()
        } else {
            format!("l{}", i - 1)
        };
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    let case = |name: &str, bytes: Vec<u8>, code: &str, place: Option<(u64, u64)>| Case {
        name: name.into(),
        bytes,
        code: code.into(),
        place,
    };
    vec![
        case(
            "alias-bomb.yaml",
            bomb.into_bytes(),
            "yaml-limit",
            Some((5, 45)),
        ),
        case(
            "deep-sequence.yaml",
            format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            "yaml-limit",
            // The scanner reads ahead of the parser, so the column is past the 25th bracket.
            Some((1, 259)),
        ),
        case(
            "deep-mapping.yaml",
            format!("a: {}1{}", "{b: ".repeat(10_000), "}".repeat(10_000)).into_bytes(),
            "yaml-limit",
            Some((1, 96)),
        ),
        case(
            "too-many-flows.yaml",
            format!("{head}flows:\n{many_flows}").into_bytes(),
            "too-many-flows",
            Some((13, 3)),
        ),
        case(
            "fifty-megabytes.yaml",
            vec![b'a'; 50 * 1024 * 1024],
            "file-too-large",
            None,
        ),
        case(
            "random-bytes.yaml",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
                .collect(),
            "invalid-encoding",
            Some((1, 2)),
        ),
    ]
}

/// Every file under `dir`, hidden ones included (a left-over `.part` file is a failure too).
fn files_under(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() {
                files_under(&p)
            } else {
                vec![p.display().to_string()]
            }
        })
        .collect()
}

fn assert_case(case: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(&case.name);
    fs::write(&file, &case.bytes).unwrap();

    let out = gpdata()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    if out.status.code() != Some(1) {
        return Err(format!("check exit {:?}, not 1", out.status.code()));
    }
    let document: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("check --format json is not JSON: {e}"))?;
    if document["format"] != 1 {
        return Err(format!(
            "check --format json has format {}",
            document["format"]
        ));
    }
    let errors: Vec<&serde_json::Value> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    let [error] = errors.as_slice() else {
        return Err(format!("expected one error, got {errors:#?}"));
    };
    let (line, column) = case.place.unwrap_or((0, 0));
    let got = (
        error["code"].as_str().unwrap_or(""),
        error["line"].as_u64().unwrap_or(u64::MAX),
        error["column"].as_u64().unwrap_or(u64::MAX),
    );
    if got != (case.code.as_str(), line, column) {
        return Err(format!(
            "expected {} at {line}:{column}, got {}:{}:{} ({})",
            case.code, got.0, got.1, got.2, error["message"]
        ));
    }

    let letters = tmp.path().join("letters");
    let out = gpdata()
        .args(["letter", "--no-progress", "-o"])
        .arg(&letters)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = stderr(&out);
    if out.status.code() != Some(1) {
        return Err(format!(
            "letter exit {:?}, not 1: {stderr}",
            out.status.code()
        ));
    }
    if !stderr.contains(&format!("error[{}]", case.code)) {
        return Err(format!("letter did not report {}: {stderr}", case.code));
    }
    let written = files_under(&letters);
    if !written.is_empty() {
        return Err(format!("letter wrote {written:?}"));
    }
    Ok(())
}

#[test]
fn every_bad_input_gives_its_one_error_at_its_place_and_writes_nothing() {
    let cases: Vec<Case> = committed_cases()
        .into_iter()
        .chain(generated_cases())
        .collect();
    assert!(
        cases.len() >= 40,
        "the corpus has only {} cases",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            assert_case(case)
                .err()
                .map(|e| format!("{}: {e}", case.name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every committed file is listed in the manifest, so a new case cannot be added unchecked.
#[test]
fn every_committed_case_is_in_the_manifest() {
    let listed: Vec<String> = committed_cases().into_iter().map(|c| c.name).collect();
    for entry in fs::read_dir(path("tests/bad-inputs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") {
            assert!(listed.contains(&name), "{name} is not in EXPECTED.tsv");
        }
    }
}
