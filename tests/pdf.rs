//! The PDF, checked by parsing the produced file: text, pages, fonts, metadata, determinism.

mod common;

use std::fs;

use common::*;

fn letter(args: &[&str], out: &std::path::Path) {
    let result = gpdata()
        .arg("letter")
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
}

/// Text as a PDF reader extracts it, through the fonts' ToUnicode maps (pdf-extract); structure
/// is checked with lopdf. `.ci/run` checks every sample letter with poppler's pdftotext and qpdf
/// as well.
fn text_of(file: &std::path::Path) -> String {
    let bytes = fs::read(file).unwrap();
    pdf_extract::extract_text_from_mem(&bytes).expect("the PDF's text extracts")
}

#[test]
fn the_pdf_parses_and_its_text_extracts_with_unicode() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("u.pdf");
    letter(&["tests/fixtures/unicode.yaml"], &file);
    let doc = lopdf::Document::load(&file).unwrap();
    let text = text_of(&file);
    for needle in [
        "£450",
        "’",
        "“Savings”",
        "–",
        "Café",
        "Tŷ Ŵylan Surgery",
        "Dear Ms Clarke",
        "Yours sincerely",
        "Page 1 of",
    ] {
        assert!(
            text.contains(needle),
            "missing {needle:?} in extracted text"
        );
    }
    // Every font is embedded (FontFile2) so no system fonts are needed to read it.
    let fonts: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"FontFile2"))
        .collect();
    assert!(!fonts.is_empty(), "embedded TrueType fonts");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .unwrap();
    let info = doc.get_dictionary(info).unwrap();
    assert!(info.has(b"Title") && info.has(b"Author") && info.has(b"CreationDate"));
}

#[test]
fn sample_letters_are_a4_with_page_numbers_and_an_annex() {
    let tmp = tempfile::tempdir().unwrap();
    letter(&["registers/"], tmp.path());
    for entry in fs::read_dir(tmp.path()).unwrap().flatten() {
        let doc = lopdf::Document::load(entry.path()).unwrap();
        let pages = doc.get_pages();
        let n = pages.len();
        assert!((2..=8).contains(&n), "{n} pages");
        let text = text_of(&entry.path());
        assert!(
            text.contains(&format!("Page {n} of {n}")),
            "last page number"
        );
        assert!(text.contains("Annex: the practice"), "annex present");
        for (_, id) in pages {
            let page = doc.get_dictionary(id).unwrap();
            let mediabox = page.get(b"MediaBox").unwrap().as_array().unwrap();
            let w = mediabox[2].as_float().unwrap();
            assert!((w - 595.276).abs() < 0.01, "A4 width");
        }
    }
}

#[test]
fn every_withdrawn_frozen_switched_off_and_queried_flow_appears() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.txt");
    letter(&["registers/riverside.yaml", "--format", "txt"], &file);
    let text = fs::read_to_string(&file).unwrap();
    let audit = gpdata()
        .args(["audit", "registers/riverside.yaml", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    for flow in v["registers"][0]["flows"].as_array().unwrap() {
        let name = flow["name"].as_str().unwrap();
        // Names are wrapped in the text output; compare with whitespace folded.
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(folded.contains(name), "{name} missing from the letter");
    }
}

#[test]
fn letters_are_byte_identical_alone_in_a_batch_and_in_parallel() {
    let alone = tempfile::tempdir().unwrap();
    let batch = tempfile::tempdir().unwrap();
    let serial = tempfile::tempdir().unwrap();
    letter(
        &["registers/westbourne.yaml"],
        &alone.path().join("E85124-enquiry.pdf"),
    );
    letter(&["registers/", "-j", "2"], batch.path());
    letter(&["registers/", "-j", "1"], serial.path());
    let a = fs::read(alone.path().join("E85124-enquiry.pdf")).unwrap();
    assert_eq!(
        a,
        fs::read(batch.path().join("E85124-enquiry.pdf")).unwrap()
    );
    for name in [
        "B82005-enquiry.pdf",
        "E85124-enquiry.pdf",
        "P81742-enquiry.pdf",
    ] {
        assert_eq!(
            fs::read(batch.path().join(name)).unwrap(),
            fs::read(serial.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn pdfa_and_untagged_variants_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    letter(
        &["registers/fellside.yaml", "--pdfa"],
        &tmp.path().join("a.pdf"),
    );
    letter(
        &["registers/fellside.yaml", "--untagged"],
        &tmp.path().join("u.pdf"),
    );
    letter(&["registers/fellside.yaml"], &tmp.path().join("t.pdf"));
    let a = fs::read(tmp.path().join("a.pdf")).unwrap();
    let u = fs::read(tmp.path().join("u.pdf")).unwrap();
    let t = fs::read(tmp.path().join("t.pdf")).unwrap();
    assert!(
        String::from_utf8_lossy(&a).contains("pdfaid:part"),
        "PDF/A identification in XMP"
    );
    assert!(
        String::from_utf8_lossy(&t).contains("/StructTreeRoot"),
        "tagged by default"
    );
    assert!(
        !String::from_utf8_lossy(&u).contains("/StructTreeRoot"),
        "untagged on request"
    );
    assert!(u.len() < t.len());
}

#[test]
fn a_table_header_taller_than_a_page_overflows_instead_of_looping() {
    // Regression: a custom template's header taller than a page made the row placer start new
    // pages for ever.
    let dir = tempfile::tempdir().unwrap();
    let words = "word ".repeat(3000);
    fs::write(
        dir.path().join("enquiry.md"),
        format!("# Subject\n\n| {words} | B |\n|---|---|\n| one | two |\n"),
    )
    .unwrap();
    let out = gpdata()
        .args([
            "letter",
            "registers/riverside.yaml",
            "--untagged",
            "--templates",
        ])
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("x.pdf"))
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(text_of(&dir.path().join("x.pdf")).contains("two"));
}
