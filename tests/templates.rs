//! Custom templates (reliability review, defect 11): an include works whatever order the
//! templates load in, a runaway template is stopped by a size and a time bound with a message
//! naming the template, and a template path that is not a regular file is an error, never
//! silently replaced by the built-in template.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::*;
use gpdata::letter::templates::{self, LetterKind};

fn letter_with_templates(dir: &Path, out: &Path) -> std::process::Output {
    gpdata()
        .args(["letter", "registers/riverside.yaml", "--format", "txt"])
        .arg("--templates")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_template_may_include_one_loaded_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("templates");
    fs::create_dir(&dir).unwrap();
    // enquiry.md is loaded before follow-up.md; it includes follow-up.md all the same.
    fs::write(
        dir.join("enquiry.md"),
        "# Subject\n\nBefore. {% include \"follow-up.md\" %}\n",
    )
    .unwrap();
    fs::write(dir.join("follow-up.md"), "Included from follow-up.\n").unwrap();
    let out = letter_with_templates(&dir, &tmp.path().join("l.txt"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(tmp.path().join("l.txt")).unwrap();
    assert!(text.contains("Before. Included from follow-up."), "{text}");
}

#[test]
fn a_template_that_writes_without_end_is_stopped_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("templates");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("enquiry.md"),
        "# Subject\n\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}Many words in a loop. {% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("out");
    let out = letter_with_templates(&dir, &out_dir);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[template-error]"), "{err}");
    assert!(err.contains("more than 16 MB"), "{err}");
    assert!(err.contains("enquiry.md"), "{err}");
    assert!(!out_dir.exists() || fs::read_dir(&out_dir).unwrap().next().is_none());
}

/// The time bound, with a short limit so the test is quick: a template that loops without
/// writing anything never reaches the size bound, and is abandoned when its time is up; the
/// next letter of the run fails at once with the same reason.
#[test]
fn a_template_that_loops_without_writing_is_abandoned_when_its_time_is_up() {
    let sources = vec![templates::TemplateSource {
        name: "enquiry.md".into(),
        origin: "lmc/enquiry.md".into(),
        text: "# S\n\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}".into(),
    }];
    let renderer = gpdata::letter::render::Renderer::new(sources)
        .unwrap()
        .with_time_limit(Duration::from_millis(300));
    let loaded = gpdata::validate::load_path(&path("registers/riverside.yaml"), date());
    let register = loaded.register.unwrap();
    let policy = gpdata::policy::builtin();
    let decisions: Vec<_> = register
        .flows
        .iter()
        .map(|f| gpdata::policy::decide(&policy, f, date()))
        .collect();
    let catalogue = gpdata::catalogue::Catalogue::builtin();
    let options = gpdata::letter::LetterOptions {
        kind: LetterKind::Enquiry,
        date: date(),
        reply_days: 28,
        reference: None,
        previous_date: None,
        previous_reference: None,
        omit_supplier_names: false,
    };
    for attempt in 0..2 {
        let started = std::time::Instant::now();
        let error = renderer
            .render(&register, &decisions, &policy, catalogue, &options)
            .expect_err("the render is stopped");
        assert!(
            error.message.contains("took more than"),
            "{}",
            error.message
        );
        assert_eq!(error.file_display(), "lmc/enquiry.md");
        if attempt == 1 {
            assert!(started.elapsed() < Duration::from_millis(100));
        }
    }
}

/// What stands at a template's path in the non-regular-file test.
#[derive(Debug, Clone, Copy)]
enum Odd {
    Folder,
    #[cfg(unix)]
    DanglingLink,
    #[cfg(unix)]
    LinkToDevice,
}

impl Odd {
    fn make(self, at: &Path) {
        match self {
            Odd::Folder => fs::create_dir(at).unwrap(),
            #[cfg(unix)]
            Odd::DanglingLink => std::os::unix::fs::symlink("/nonexistent/enquiry.md", at).unwrap(),
            #[cfg(unix)]
            Odd::LinkToDevice => std::os::unix::fs::symlink("/dev/zero", at).unwrap(),
        }
    }
}

#[test]
fn a_template_path_that_is_not_a_regular_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("templates");
    fs::create_dir(&dir).unwrap();
    let target = dir.join("enquiry.md");
    let cases = [
        Odd::Folder,
        #[cfg(unix)]
        Odd::DanglingLink,
        #[cfg(unix)]
        Odd::LinkToDevice,
    ];
    for odd in cases {
        let _ = fs::remove_dir(&target);
        let _ = fs::remove_file(&target);
        odd.make(&target);
        let out_dir = tmp.path().join("out");
        let out = letter_with_templates(&dir, &out_dir);
        let err = stderr(&out);
        assert_ne!(out.status.code(), Some(0), "{odd:?}: {err}");
        assert!(err.contains("enquiry.md"), "{odd:?}: {err}");
        assert!(!out_dir.join("B82005-enquiry.txt").exists(), "{odd:?}");
    }
}
