//! Nothing is lost or half-written: interrupted bulk runs, read-only and full disks, unreadable
//! inputs, concurrent runs, and names or paths that try to escape the output folder.

mod common;
#[path = "support/synth.rs"]
mod synth;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;

/// The files directly in `dir`, by name (hidden ones included).
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Writes `count` synthetic registers into a new folder `dir/registers`.
fn synthetic_registers(dir: &Path, count: usize) -> PathBuf {
    let folder = dir.join("registers");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..count {
        let text = synth::register(11, i);
        fs::write(folder.join(format!("practice-{i:03}.yaml")), text).unwrap();
    }
    folder
}

fn letter_cmd(input: &Path, out: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gpdata"));
    hermetic(&mut cmd)
        .args(["letter", "--no-progress", "-j", "2", "-o"])
        .arg(out)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// SIGKILL a bulk run at seeded random moments, again and again: every PDF present is always
/// byte-identical to the letter an uninterrupted run writes (so it is complete and valid),
/// and one more run completes the set and removes the killed runs' temporary files.
#[test]
fn killed_bulk_runs_leave_only_complete_letters_and_a_rerun_completes_the_set() {
    let tmp = tempfile::tempdir().unwrap();
    let input = synthetic_registers(tmp.path(), 40);
    let reference = tmp.path().join("reference");
    let status = letter_cmd(&input, &reference).status().unwrap();
    assert!(status.success());
    let expected = names_in(&reference);
    assert_eq!(expected.len(), 40);
    // The reference letters parse as PDF, so byte-equality below means "valid", too.
    for name in &expected {
        let bytes = fs::read(reference.join(name)).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).expect("a reference letter parses");
        assert!(!doc.get_pages().is_empty());
    }

    let out = tmp.path().join("out");
    let mut rng = synth::Rng::new(20261121);
    let mut kills = 0;
    for _ in 0..8 {
        let mut child = letter_cmd(&input, &out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(10 + rng.below(900) as u64));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL: no chance to clean up
            kills += 1;
        }
        child.wait().unwrap();
        for name in names_in(&out) {
            if name.ends_with(".pdf") {
                let got = fs::read(out.join(&name)).unwrap();
                let want = fs::read(reference.join(&name)).unwrap();
                assert!(got == want, "{name} differs from the uninterrupted letter");
            } else {
                assert!(
                    name.starts_with(".gpdata-") && name.ends_with(".part"),
                    "unexpected file {name}"
                );
            }
        }
    }
    assert!(
        kills >= 3,
        "only {kills} runs were interrupted; the test proved little"
    );

    let rerun = letter_cmd(&input, &out).output().unwrap();
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert_eq!(
        names_in(&out),
        expected,
        "the re-run completes the set, nothing else"
    );
    for name in &expected {
        assert_eq!(
            fs::read(out.join(name)).unwrap(),
            fs::read(reference.join(name)).unwrap()
        );
    }
}

/// A file-size limit makes every write fail part-way, as a full disk does: a clear
/// `cannot-write` error for each letter, exit code 2, and no file of any kind left behind.
#[test]
fn a_full_disk_gives_cannot_write_exit_2_and_no_partial_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    // Files stop at 20 KiB, well short of a letter.
    let run = gpdata_with_file_limit(
        20,
        &[
            "letter".as_ref(),
            "registers/".as_ref(),
            "--no-progress".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("error[cannot-write]").count(), 3, "{err}");
    assert!(err.contains("3 letters could not be written"), "{err}");
    assert_eq!(names_in(&out), Vec::<String>::new());
}

/// A folder nobody may write to: a chmod 555 folder, or (when the tests run as root, who may
/// write anywhere) a sysfs folder, which refuses even root.
fn unwritable_folder(tmp: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp.join("read-only");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(dir.join("probe"), b"x").is_err() {
        return Some(dir);
    }
    let sys = PathBuf::from("/sys/kernel");
    (sys.is_dir() && fs::write(sys.join("gpdata-probe"), b"x").is_err()).then_some(sys)
}

#[test]
fn a_read_only_output_folder_gives_cannot_write_exit_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = unwritable_folder(tmp.path()).expect("an unwritable folder to test with");
    let before = names_in(&dir);
    let out = gpdata()
        .args(["letter", "registers/riverside.yaml", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error[cannot-write]"), "{err}");
    assert!(err.contains("permission denied"), "{err}");
    assert_eq!(names_in(&dir), before);
}

#[test]
fn unreadable_inputs_are_reported_and_the_rest_still_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::copy(
        path("registers/riverside.yaml"),
        input.join("riverside.yaml"),
    )
    .unwrap();
    // A folder named like a register is searched (it holds nothing); a named pipe would block
    // a reader for ever, so it is reported without being opened.
    fs::create_dir(input.join("folder.yaml")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(input.join("pipe.yaml"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::os::unix::fs::symlink(tmp.path().join("gone.yaml"), input.join("dangling.yaml")).unwrap();
    let mut expected_errors = 2;
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = input.join("locked.yaml");
        fs::copy(path("registers/westbourne.yaml"), &locked).unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&locked).is_err() {
            expected_errors += 1; // not root: permissions apply
        } else {
            fs::remove_file(&locked).unwrap();
        }
    }
    let out_dir = tmp.path().join("out");
    let out = gpdata()
        .args(["letter", "--no-progress", "-o"])
        .arg(&out_dir)
        .arg(&input)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("pipe.yaml` is not a regular file"), "{err}");
    assert_eq!(
        err.matches("error[unreadable-file]").count(),
        expected_errors,
        "{err}"
    );
    assert_eq!(names_in(&out_dir), vec!["B82005-enquiry.pdf".to_string()]);
}

#[test]
fn a_second_run_on_the_same_folder_is_refused_while_the_first_holds_it() {
    let tmp = tempfile::tempdir().unwrap();
    let held = fs::File::open(tmp.path()).unwrap();
    held.try_lock().expect("the test takes the folder first");
    let out = gpdata()
        .args(["letter", "registers/riverside.yaml", "-o"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("another `gpdata letter` run is writing to"));
    assert!(names_in(tmp.path()).is_empty());
    drop(held);
    let out = gpdata()
        .args(["letter", "registers/riverside.yaml", "-o"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Saves `text` as the register `file` and writes its letter into `out_dir`.
fn letter_from_text(text: &str, file: &Path, out_dir: &Path) -> std::process::Output {
    fs::write(file, text).unwrap();
    gpdata()
        .args(["letter", "-o"])
        .arg(out_dir)
        .arg(file)
        .output()
        .unwrap()
}

/// Register text never chooses a path: a practice name full of `../`, NUL and reserved device
/// names still gives `ODSCODE-kind.pdf` inside the output folder, and nothing outside it.
#[test]
fn register_text_cannot_steer_where_a_letter_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = fs::read_to_string(path("tests/fixtures/diagnostics/clean.yaml")).unwrap();
    let hostile = clean
        .replace(
            "  name: Test Surgery",
            "  name: \"../../../tmp/evil\\0/CON/NUL.pdf\"",
        )
        .replace("  - id: test-flow", "  - id: con");
    let out_dir = tmp.path().join("deep/out");
    let out = letter_from_text(&hostile, &tmp.path().join("hostile.yaml"), &out_dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names_in(&out_dir), vec!["A12345-enquiry.pdf".to_string()]);
    assert_eq!(names_in(&tmp.path().join("deep")), vec!["out".to_string()]);
    assert_eq!(
        names_in(tmp.path()),
        vec!["deep".to_string(), "hostile.yaml".to_string()]
    );
}

#[test]
fn codes_and_kinds_shaped_like_paths_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = fs::read_to_string(path("tests/fixtures/diagnostics/clean.yaml")).unwrap();
    for code in [
        "../A1234",
        "A1234/",
        "A12\\u00003",
        "CON",
        "NUL",
        "..",
        "A12345/..",
    ] {
        let text = clean.replace("  ods_code: A12345", &format!("  ods_code: \"{code}\""));
        let out_dir = tmp.path().join("out");
        let out = letter_from_text(&text, &tmp.path().join("r.yaml"), &out_dir);
        assert_eq!(out.status.code(), Some(1), "{code}");
        assert!(stderr(&out).contains("error[invalid-ods-code]"), "{code}");
        assert!(names_in(&out_dir).is_empty(), "{code}");
    }
    // The letter kind names the template; only the built-in names are accepted.
    for kind in ["../../etc/passwd", "enquiry/../../x", "enquiry.md"] {
        let out = gpdata()
            .args(["letter", "registers/riverside.yaml", "--kind", kind, "-o"])
            .arg(tmp.path().join("kinds"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{kind:?}");
        assert!(!tmp.path().join("kinds").exists());
    }
}

/// A custom template can only include the templates gpdata loaded, never a file by path.
#[test]
fn templates_cannot_read_outside_their_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret.md");
    fs::write(&secret, "TOP SECRET").unwrap();
    let templates = tmp.path().join("templates");
    fs::create_dir(&templates).unwrap();
    for include in ["../secret.md", "/etc/passwd", secret.to_str().unwrap()] {
        fs::write(
            templates.join("enquiry.md"),
            format!("# Subject\n\n{{% include \"{include}\" %}}\n"),
        )
        .unwrap();
        let out_dir = tmp.path().join("out");
        let out = gpdata()
            .args(["letter", "registers/riverside.yaml", "--format", "txt"])
            .arg("--templates")
            .arg(&templates)
            .arg("-o")
            .arg(&out_dir)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{include}: {err}");
        assert!(err.contains("error[template-error]"), "{include}: {err}");
        assert!(
            !err.contains("TOP SECRET") && !err.contains("root:"),
            "{err}"
        );
        assert!(names_in(&out_dir).is_empty(), "{include}");
    }
}

/// Symlinks: a symlinked register file is read; a symlinked folder inside an input folder is
/// not descended into (a loop cannot hang a run); an output folder that is a symlink is used
/// as the folder it points to.
#[test]
fn symlinks_behave_as_documented() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    symlink(path("registers/riverside.yaml"), input.join("linked.yaml")).unwrap();
    symlink(&input, input.join("loop")).unwrap();
    symlink(path("registers"), input.join("elsewhere")).unwrap();
    let real_out = tmp.path().join("real-out");
    fs::create_dir(&real_out).unwrap();
    symlink(&real_out, tmp.path().join("out")).unwrap();
    let out = gpdata()
        .args(["letter", "--no-progress", "-o"])
        .arg(tmp.path().join("out"))
        .arg(&input)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names_in(&real_out), vec!["B82005-enquiry.pdf".to_string()]);
}
