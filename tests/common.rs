//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the crate root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// The fixed date every test uses, so outputs are reproducible.
pub const DATE: &str = "2026-11-21";

/// Sets up `cmd` to run gpdata as every test does: from the crate root, with a fixed date, no
/// colour, and none of the settings a developer's own environment might hold, so a test's
/// output depends only on its arguments.
pub fn hermetic(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.current_dir(root())
        .env("GPDATA_DATE", DATE)
        .env("NO_COLOR", "1")
        // Letters written from the shipped registers must not add to their records; tests of
        // recording remove this.
        .env("GPDATA_NO_RECORD", "1")
        .env_remove("GPDATA_POLICY")
        .env_remove("GPDATA_TEMPLATES")
        .env_remove("GPDATA_OUTPUT")
        .env_remove("GPDATA_FORMAT")
}

/// The gpdata binary, set up by [`hermetic`].
pub fn gpdata() -> assert_cmd::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gpdata"));
    hermetic(&mut cmd);
    assert_cmd::Command::from_std(cmd)
}

/// Runs gpdata (as [`gpdata`] does) with files capped at `kib` KiB by `ulimit -f`, so a write
/// fails part-way as on a full disk, even for root. SIGXFSZ keeps its default (kill), as in a
/// user's shell: gpdata itself must turn it into an error.
pub fn gpdata_with_file_limit(kib: u32, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c")
        .arg(format!("ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("gpdata"))
        .args(args);
    hermetic(&mut cmd).output().expect("bash runs")
}

/// Standard output of a finished command as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error of a finished command as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The date as a jiff date.
pub fn date() -> jiff::civil::Date {
    DATE.parse().expect("valid date")
}
