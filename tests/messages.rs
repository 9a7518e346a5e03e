//! The mistakes practice managers make when they edit a register by hand (usability review,
//! section 5), each put into a copy of the Riverside sample: every one gives a message at the
//! line of the mistake whose help holds the corrected text, so it can be fixed from the
//! message alone.

mod common;

use std::fs;

use common::*;
use gpdata::diag::Diagnostic;

fn riverside() -> String {
    fs::read_to_string(path("registers/riverside.yaml")).unwrap()
}

/// The Riverside register with the first `from` (after `after`, when given) replaced by `to`.
fn edited(after: &str, from: &str, to: &str) -> String {
    let text = riverside();
    let start = text.find(after).expect("anchor text is in riverside.yaml");
    let at = start
        + text[start..]
            .find(from)
            .expect("text to replace follows the anchor");
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    gpdata::validate::load(gpdata::source::SourceFile::new("r.yaml", text), date()).diags
}

/// The 1-based line and column of the first `needle` in `text` at or after `after`.
fn place_of(text: &str, after: &str, needle: &str) -> (u32, u32) {
    let start = text.find(after).unwrap();
    let at = start + text[start..].find(needle).unwrap();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() as u32 + 1;
    let column = text[line_start..at].chars().count() as u32 + 1;
    (line, column)
}

/// One mistake and what its message must say.
struct Mistake {
    what: &'static str,
    /// Where in the sample the edit is made (text before it), and the edit.
    after: &'static str,
    from: &'static str,
    to: &'static str,
    code: &'static str,
    /// The text the caret must start at, found after `after` in the edited register.
    at: &'static str,
    /// Words the message must hold.
    message: &'static [&'static str],
    /// Words the help must hold: the fix, written out.
    help: &'static [&'static str],
}

const MISTAKES: &[Mistake] = &[
    Mistake {
        what: "1. a misspelt key",
        after: "  - id: icb-phm",
        from: "    recipient:",
        to: "    recipent:",
        code: "unknown-key",
        at: "recipent",
        message: &["`recipent`", "flow `icb-phm`"],
        help: &["`recipient`"],
    },
    Mistake {
        what: "2. a misspelt word",
        after: "  - id: icb-phm",
        from: "obligation: voluntary",
        to: "obligation: volantary",
        code: "invalid-value",
        at: "volantary",
        message: &["`volantary`", "obligation"],
        help: &["`voluntary`"],
    },
    Mistake {
        what: "3. a date written day first",
        after: "  - id: icb-phm",
        from: "signed: 2023-04-01",
        to: "signed: 14/05/2026",
        code: "invalid-date",
        at: "14/05/2026",
        message: &["`14/05/2026`"],
        help: &["2026-05-14", "14 May 2026"],
    },
    Mistake {
        what: "3b. a date written out",
        after: "  - id: icb-phm",
        from: "expires: 2027-03-31",
        to: "expires: 31 March 2027",
        code: "invalid-date",
        at: "31 March",
        message: &["`31 March 2027`"],
        help: &["2027-03-31"],
    },
    Mistake {
        what: "3c. a date with a day past 12",
        after: "  - id: icb-phm",
        from: "signed: 2023-04-01",
        to: "signed: 28/10/2026",
        code: "invalid-date",
        at: "28/10/2026",
        message: &["`28/10/2026`"],
        help: &["2026-10-28"],
    },
    Mistake {
        what: "4. an ODS code in lower case",
        after: "practice:",
        from: "ods_code: B82005",
        to: "ods_code: b82005",
        code: "invalid-ods-code",
        at: "b82005",
        message: &["`b82005`"],
        help: &["B82005"],
    },
    Mistake {
        what: "5. a tab before a key",
        after: "  - id: icb-phm",
        from: "    purpose: secondary",
        to: "\tpurpose: secondary",
        code: "yaml-syntax",
        at: "\tpurpose",
        message: &["tab"],
        help: &["spaces"],
    },
    Mistake {
        what: "6. a key with no colon",
        after: "  - id: icb-phm",
        from: "    purpose: secondary",
        to: "    purpose secondary",
        code: "yaml-syntax",
        at: "purpose secondary",
        message: &["no colon"],
        help: &["`purpose: secondary`"],
    },
    Mistake {
        what: "7. a list where named fields belong",
        after: "  - id: icb-phm",
        from: "    opt_outs: {national: not-applied, type_1: applied}",
        to: "    opt_outs:\n      - national: not-applied\n      - type_1: applied",
        code: "wrong-type",
        at: "- national",
        message: &["`icb-phm.opt_outs`", "mapping", "list"],
        help: &["remove the leading `- `"],
    },
    Mistake {
        what: "9. a colon inside a value not in quotes",
        after: "  - id: icb-phm",
        from: "    name: Population health management extract",
        to: "    name: Risk stratification: case finding for frailty",
        code: "yaml-syntax",
        at: "Risk stratification",
        message: &["`name`", "colon"],
        help: &["name: \"Risk stratification: case finding for frailty\""],
    },
    Mistake {
        what: "10. Word's curly quotes around text",
        after: "signatory:",
        from: "role: \"Senior Partner, on behalf of the partners\"",
        to: "role: “Senior Partner, on behalf of the partners”",
        code: "smart-quotes",
        at: "“Senior",
        message: &["`practice.signatory.role`", "curly quotes"],
        help: &["\"Senior Partner, on behalf of the partners\""],
    },
    Mistake {
        what: "10b. curly quotes around an ODS code",
        after: "practice:",
        from: "ods_code: B82005",
        to: "ods_code: ‘B82005’",
        code: "invalid-ods-code",
        at: "‘B82005’",
        message: &["`‘B82005’`"],
        help: &["curly quotes", "B82005"],
    },
    Mistake {
        what: "10c. curly quotes around a word",
        after: "  - id: icb-phm",
        from: "{national: not-applied, type_1: applied}",
        to: "{national: “not-applied”, type_1: applied}",
        code: "invalid-value",
        at: "“not-applied”",
        message: &["`“not-applied”`"],
        help: &["`not-applied`"],
    },
    Mistake {
        what: "a key indented under a line that has a value",
        after: "practice:",
        from: "  ods_code: B82005",
        to: "    ods_code: B82005",
        code: "yaml-syntax",
        at: "ods_code",
        message: &["`ods_code`", "`name`"],
        help: &["`ods_code:`", "2 spaces in, not 4"],
    },
    Mistake {
        what: "a key indented to line up with nothing",
        after: "practice:",
        from: "  ods_code: B82005",
        to: " ods_code: B82005",
        code: "yaml-syntax",
        at: "ods_code",
        message: &["`ods_code`", "1 space"],
        help: &["`name:` above starts 2 spaces in"],
    },
    Mistake {
        what: "flows written as named blocks, not a list",
        after: "flows:",
        from: "  - id: icb-phm\n",
        to: "  icb-phm:\n    id: icb-phm\n",
        code: "yaml-syntax",
        at: "icb-phm:",
        message: &["list", "`- `"],
        help: &["`  - id: icb-phm`"],
    },
];

#[test]
fn each_mistake_is_named_at_its_line_with_the_fix_written_out() {
    for m in MISTAKES {
        let text = edited(m.after, m.from, m.to);
        let diags = diagnostics(&text);
        let d = diags
            .iter()
            .find(|d| d.code.as_str() == m.code)
            .unwrap_or_else(|| panic!("{}: no {} among {diags:#?}", m.what, m.code));
        let span = d.span.unwrap_or_else(|| panic!("{}: no place", m.what));
        assert_eq!(
            (span.line, span.column),
            place_of(&text, m.after, m.at),
            "{}: the caret is not at `{}`: {d:#?}",
            m.what,
            m.at.escape_debug()
        );
        for word in m.message {
            assert!(
                d.message.contains(word),
                "{}: message lacks {word}: {d:#?}",
                m.what
            );
        }
        let help = d.help.as_deref().unwrap_or_default();
        for word in m.help {
            assert!(help.contains(word), "{}: help lacks {word}: {d:#?}", m.what);
        }
    }
}

/// Mistake 8: a duplicate flow id is reported in the same pass as the file's other errors, so
/// fixing them does not uncover it afterwards.
#[test]
fn a_duplicate_id_is_reported_beside_other_errors() {
    let text = riverside()
        .replacen("ods_code: B82005", "ods_code: b82005", 1)
        .replacen("    obligation: voluntary", "    obligation: volantary", 1)
        .replacen("  - id: research-network-searches", "  - id: icb-phm", 1);
    let codes: Vec<&str> = diagnostics(&text)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    for code in ["invalid-ods-code", "invalid-value", "duplicate-flow-id"] {
        assert!(codes.contains(&code), "{code} not reported: {codes:?}");
    }
}

/// The help reaches the practice manager: `check` prints it under the caret.
#[test]
fn check_prints_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("riverside.yaml");
    fs::write(
        &file,
        edited(
            "  - id: icb-phm",
            "signed: 2023-04-01",
            "signed: 14/05/2026",
        ),
    )
    .unwrap();
    let out = gpdata().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("help: write it year-month-day: 2026-05-14"),
        "{text}"
    );
    assert!(text.contains("signed: 14/05/2026"), "{text}");
}
