//! For LMCs: the audit as an Excel workbook and as CSV views, registers imported from
//! spreadsheets, and the area report as one HTML file.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use common::*;

/// The three samples, a broken register, and a practice whose flow name is a formula.
fn area() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("area");
    fs::create_dir(&dir).unwrap();
    for name in ["riverside", "westbourne", "fellside"] {
        fs::copy(
            path(&format!("registers/{name}.yaml")),
            dir.join(format!("{name}.yaml")),
        )
        .unwrap();
    }
    fs::write(dir.join("broken.yaml"), "register: 1\npractice: [\n").unwrap();
    fs::copy(
        path("tests/fixtures/repro/csv-formula.yaml"),
        dir.join("formula.yaml"),
    )
    .unwrap();
    (tmp, dir)
}

fn workbook(path: &Path) -> calamine::Xlsx<std::io::BufReader<fs::File>> {
    calamine::open_workbook(path).unwrap()
}

#[test]
fn the_workbook_has_a_sheet_per_view_with_text_never_a_formula() {
    let (tmp, dir) = area();
    let file = tmp.path().join("area.xlsx");
    let run = gpdata()
        .args(["audit", "--format", "xlsx", "-o"])
        .arg(&file)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "the broken register: {}",
        stderr(&run)
    );
    let mut book = workbook(&file);
    assert_eq!(
        book.sheet_names(),
        ["About", "Practices", "Flows", "Flow ids", "Skipped"]
    );

    let practices = book.worksheet_range("Practices").unwrap();
    let header: Vec<String> = practices
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "practice_ods_code");
    assert!(header.contains(&"withdraw".to_string()));
    let skipped = practices
        .rows()
        .find(|r| r[4] == Data::String("skipped".into()))
        .expect("the broken register has a row");
    assert!(skipped.last().unwrap().to_string().ends_with("broken.yaml"));
    let riverside = practices
        .rows()
        .find(|r| r[0] == Data::String("B82005".into()))
        .unwrap();
    assert!(matches!(riverside[5], Data::Float(_)), "counts are numbers");

    let flows = book.worksheet_range("Flows").unwrap();
    let header: Vec<String> = flows
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let signed = header.iter().position(|h| h == "agreement_signed").unwrap();
    let phm = flows
        .rows()
        .find(|r| r[3] == Data::String("icb-phm".into()))
        .unwrap();
    assert!(
        matches!(phm[signed], Data::DateTime(_)),
        "dates are dates: {:?}",
        phm[signed]
    );
    let formula = flows
        .rows()
        .find(|r| r[4].to_string().starts_with("=HYPERLINK"))
        .expect("the formula-like name is kept as written");
    assert!(matches!(formula[4], Data::String(_)));
    let formulas = book.worksheet_formula("Flows").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );

    let errors = book.worksheet_range("Skipped").unwrap();
    assert!(
        errors
            .rows()
            .any(|r| r[3] == Data::String("yaml-syntax".into()))
    );

    // The same inputs and date give the same bytes.
    let again = tmp.path().join("again.xlsx");
    gpdata()
        .args(["audit", "--format", "xlsx", "-o"])
        .arg(&again)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(fs::read(&file).unwrap(), fs::read(&again).unwrap());

    // A workbook is a file.
    let bare = gpdata()
        .args(["audit", "--format", "xlsx"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(bare.status.code(), Some(2));
}

#[test]
fn csv_honours_the_view_and_lists_registers_with_errors() {
    let (_tmp, dir) = area();
    let csv_of = |view: &str| -> Vec<csv::StringRecord> {
        let run = gpdata()
            .args(["audit", "--format", "csv", "--view", view])
            .arg(&dir)
            .output()
            .unwrap();
        let text = stdout(&run);
        csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let practices = csv_of("practices");
    assert_eq!(practices.len(), 5, "four practices and the broken register");
    let broken = practices.iter().find(|r| &r[4] == "skipped").unwrap();
    assert!(broken[13].contains("line 2"), "{:?}", broken);
    let ids = csv_of("flow-ids");
    assert!(ids.iter().any(|r| &r[0] == "gdppr" && &r[1] == "3"));
    let flows = csv_of("flows");
    assert!(flows.iter().any(|r| r.iter().any(|c| c == "skipped")));
    assert!(flows.iter().all(|r| r.iter().all(|c| !c.starts_with('='))));

    let json = gpdata()
        .args(["audit", "--format", "json", "--view", "practices"])
        .arg(&dir)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["view"], "practices");
    assert!(doc["registers"][0].get("flows").unwrap().is_number());
    assert_eq!(doc["skipped"][0]["errors"][0]["code"], "yaml-syntax");
}

fn check_clean(dir: &Path) {
    let check = gpdata()
        .args(["check", "--format", "short"])
        .arg(dir)
        .output()
        .unwrap();
    let text = stdout(&check);
    assert!(!text.contains("error["), "{text}");
}

#[test]
fn a_checklist_csv_becomes_registers_with_every_unread_cell_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("registers");
    let run = gpdata()
        .args([
            "import",
            "tests/fixtures/import/checklist.csv",
            "--icb",
            "QOQ",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&run);
    // The row with no practice is an error; the others are imported.
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("checklist.csv [row 6]: error[missing-field]"),
        "{err}"
    );
    assert!(
        err.contains("checklist.csv [G3]: warning[import-value]: gpdata cannot read `GDPR`"),
        "{err}"
    );
    assert!(
        err.contains("[M1]: warning[import-unknown-column]"),
        "{err}"
    );
    let riverside = fs::read_to_string(out.join("B82005.yaml")).unwrap();
    assert!(
        riverside.contains("    catalogue: cprd"),
        "recognised by name"
    );
    assert!(riverside.contains("agreement: {status: active, reference: \"HNY-DSA-0042\", signed: 2023-04-01, expires: 2027-03-31}"));
    assert!(riverside.contains("# tests/fixtures/import/checklist.csv, row 2"));
    let other = fs::read_to_string(out.join("C84001.yaml")).unwrap();
    assert!(other.contains("Status (from the spreadsheet): See email"));
    assert!(!other.contains("dpia:"), "an unread DPIA is left unknown");
    check_clean(&out);
    // Importing again never overwrites.
    let again = gpdata()
        .args([
            "import",
            "tests/fixtures/import/checklist.csv",
            "--icb",
            "QOQ",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(stderr(&again).contains("already exists; it was not overwritten"));
}

#[test]
fn an_xlsx_with_real_dates_imports_and_a_missing_column_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("dsas.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("DSAs").unwrap();
    for (c, h) in [
        "DSA name",
        "Shared with",
        "Care or secondary",
        "Status",
        "Date signed",
        "DPIA",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 5, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_string(1, 0, "Population health management")
        .unwrap();
    sheet.write_string(1, 1, "NHS Example ICB").unwrap();
    sheet.write_string(1, 2, "Secondary").unwrap();
    sheet.write_string(1, 3, "Active").unwrap();
    sheet
        .write_datetime_with_format(1, 4, &date, &format)
        .unwrap();
    sheet.write_string(1, 5, "Yes").unwrap();
    book.save(&file).unwrap();
    let out = tmp.path().join("out");
    let run = gpdata()
        .args([
            "import",
            "--practice",
            "B82005",
            "--icb",
            "QOQ",
            "--sheet",
            "dsas",
            "-o",
        ])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = fs::read_to_string(out.join("B82005.yaml")).unwrap();
    assert!(text.contains("signed: 2024-05-01"), "{text}");
    assert!(
        text.contains("purpose: secondary") && text.contains("dpia: held"),
        "{text}"
    );
    check_clean(&out);

    let missing = gpdata()
        .args([
            "import",
            "tests/fixtures/import/no-organisation.csv",
            "--practice",
            "B82005",
            "-o",
        ])
        .arg(tmp.path().join("none"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("error[import-column]"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn the_area_report_is_one_self_contained_accessible_file() {
    let (tmp, dir) = area();
    let file = tmp.path().join("area.html");
    let run = gpdata()
        .args(["report", "-o"])
        .arg(&file)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "the broken register: {}",
        stderr(&run)
    );
    let html = fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en-GB\">"));
    for needle in [
        "Decisions across the area",
        "Riverside Medical Centre (B82005)",
        "Flows most often withdrawn, frozen or switched off",
        "What most needs chasing",
        "Registers with errors",
        "broken.yaml",
        "<svg role=\"img\"",
        "@page { size: A4",
    ] {
        assert!(html.contains(needle), "no {needle}");
    }
    // Nothing is fetched: no remote address, no script, no external style.
    for remote in [
        "http://", "https://", "<script", " src=", "url(", "@import", "<link",
    ] {
        assert!(!html.contains(remote), "{remote}");
    }
    // Register text is text: a practice name with markup characters prints escaped.
    assert!(html.contains("=1+1 Practice"));
    // Same inputs, same file.
    let again = tmp.path().join("again.html");
    gpdata()
        .args(["report", "-o"])
        .arg(&again)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(html, fs::read_to_string(&again).unwrap());
}

/// The README's import table lists every header `import` recognises.
#[test]
fn the_readme_lists_every_import_header() {
    let readme = fs::read_to_string(path("README.md")).unwrap();
    for (_, headers) in gpdata::import::COLUMNS {
        for header in *headers {
            assert!(
                readme.contains(&format!("`{header}`")),
                "{header} is not in the README"
            );
        }
    }
}
