//! Real-browser tests of `gpdata serve`: headless Chromium, driven through ChromeDriver, walks
//! the journeys a practice manager or an LMC officer takes on the local web page, against the
//! page contract (the ids and classes the pages promise).
//!
//! Each test copies the sample registers into a fresh folder, starts `gpdata serve` on it and
//! opens its own browser, so the tests share nothing. They run one at a time: a Chromium each in
//! parallel on a two-core CI machine makes the waits flaky.
//!
//! Without ChromeDriver (`/usr/bin/chromedriver`, or `CHROMEDRIVER`) each test says it was
//! skipped and passes, unless `GPDATA_BROWSER_TESTS=1` (set by CI), when that is a failure.
//! Run: `GPDATA_BROWSER_TESTS=1 cargo test --test browser`. Screenshots of the pages visited are
//! left in `target/screenshots/` for a person to look at; a failing test leaves
//! `failed-NAME.png` there too.

mod common;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::Duration;

use serde_json::json;
use webdriver::Browser;

/// The sample register most journeys use, and what the tests know about it.
const RIVERSIDE: &str = "riverside.yaml";
const RIVERSIDE_NAME: &str = "Riverside Medical Centre";
const RIVERSIDE_ODS: &str = "B82005";

/// The decisions the audit can reach, as the page writes them.
const DECISIONS: [&str; 5] = ["withdraw", "freeze", "switch-off", "query", "retain"];

/// Serialises the tests (see the module comment).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A running `gpdata serve` on a copy of the sample registers; killed on drop.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    base: String,
    /// The folder served; removed on drop.
    dir: tempfile::TempDir,
    /// Everything the server wrote to standard error, shown when a test fails.
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `gpdata serve DIR --port 0` and waits for the first line of standard output,
    /// which names the address.
    fn start(dir: tempfile::TempDir) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gpdata"))
            .arg("serve")
            .arg(dir.path())
            .args(["--port", "0"])
            // Inside the copy: whatever the server might write by mistake lands there, never
            // in the repository.
            .current_dir(dir.path())
            .env("GPDATA_DATE", common::DATE)
            .env("NO_COLOR", "1")
            // The page records letters as `gpdata letter` does; the copies may be written to.
            .env_remove("GPDATA_NO_RECORD")
            .env_remove("GPDATA_POLICY")
            .env_remove("GPDATA_TEMPLATES")
            .env_remove("GPDATA_OUTPUT")
            .env_remove("GPDATA_FORMAT")
            .env_remove("GPDATA_CATALOGUE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpdata serve starts");

        // Both pipes are read to the end on their own threads: a server whose pipe filled up
        // would block on its next log line.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = err_pipe.read(&mut chunk) {
                let text = String::from_utf8_lossy(&chunk[..n]).into_owned();
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&text);
            }
        });
        let out_pipe = child.stdout.take().expect("stdout is piped");
        let (first_line, first) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(out_pipe).lines();
            let _ = first_line.send(lines.next());
            for _ in lines {}
        });

        let line = match first.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "gpdata serve printed no first line ({other:?}); its stderr:\n{}",
                    stderr.lock().unwrap_or_else(|e| e.into_inner())
                );
            }
        };
        let Some(port) = port_in(&line) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the first line of gpdata serve names no http://127.0.0.1:PORT/ address: {line:?}"
            );
        };
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir,
            stderr,
        }
    }

    /// The absolute URL of a path on the server.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A file in the served folder.
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A file in the served folder, as text.
    fn read(&self, name: &str) -> String {
        let path = self.file(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Our own server only, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
            if !log.is_empty() {
                eprintln!("--- gpdata serve's stderr ---\n{log}");
            }
        }
    }
}

/// The port in a line such as `... at http://127.0.0.1:40123/ (...)`.
fn port_in(line: &str) -> Option<u16> {
    const PREFIX: &str = "http://127.0.0.1:";
    let rest = &line[line.find(PREFIX)? + PREFIX.len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    if !rest[end..].starts_with('/') {
        return None;
    }
    rest[..end].parse().ok()
}

/// One test's world: the server, the browser, and the lock that keeps tests apart. Fields drop
/// in order: the browser closes before the server stops.
struct Journey {
    name: &'static str,
    browser: Browser,
    server: Server,
    _turn: MutexGuard<'static, ()>,
}

impl Journey {
    /// Sets up a journey on a copy of the sample registers, after `prepare` has changed the
    /// copy (before the server reads it); `None` when the browser is absent and the test is
    /// skipped.
    fn start(name: &'static str, prepare: impl FnOnce(&Path)) -> Option<Journey> {
        if !browser_available(name) {
            return None;
        }
        // A test that failed while holding the lock poisons it; the next test still runs.
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().expect("a register folder is created");
        copy_registers(dir.path());
        prepare(dir.path());
        let server = Server::start(dir);
        let browser = Browser::start();
        Some(Journey {
            name,
            browser,
            server,
            _turn: turn,
        })
    }

    /// Opens a path on the server.
    fn open(&self, path: &str) {
        self.browser.goto(&self.server.url(path));
    }

    /// Saves a screenshot as `target/screenshots/NAME.png`.
    fn shot(&self, name: &str) {
        self.browser
            .screenshot(&screenshots().join(format!("{name}.png")));
    }
}

impl Drop for Journey {
    fn drop(&mut self) {
        // A picture of the page a failure happened on is usually the quickest diagnosis.
        if std::thread::panicking() {
            let path = screenshots().join(format!("failed-{}.png", self.name));
            let url = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.browser.screenshot(&path);
                self.browser.url()
            }));
            if let Ok(url) = url {
                eprintln!(
                    "{}: failed on {url}; screenshot {}",
                    self.name,
                    path.display()
                );
            }
        }
    }
}

/// Whether ChromeDriver is there. If not, the test is skipped, said on standard error directly
/// (the test harness hides `eprintln!` of passing tests), or it fails when CI asks for the
/// browser tests with `GPDATA_BROWSER_TESTS=1`.
fn browser_available(test: &str) -> bool {
    let driver = webdriver::chromedriver_path();
    if driver.exists() {
        return true;
    }
    assert!(
        std::env::var("GPDATA_BROWSER_TESTS").as_deref() != Ok("1"),
        "GPDATA_BROWSER_TESTS=1 but there is no ChromeDriver at {} (install chromium and \
         chromium-driver, or set CHROMEDRIVER)",
        driver.display()
    );
    let _ = writeln!(
        std::io::stderr(),
        "browser test {test} skipped: no ChromeDriver at {} (set GPDATA_BROWSER_TESTS=1 to make this a failure)",
        driver.display()
    );
    false
}

/// `target/screenshots/`, next to the binary under test (so `CARGO_TARGET_DIR` is followed).
fn screenshots() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_gpdata"));
    bin.parent()
        .and_then(Path::parent)
        .expect("the binary is in target/PROFILE/")
        .join("screenshots")
}

/// Copies every register and correspondence record of `registers/` into `dir`.
fn copy_registers(dir: &Path) {
    let source = common::path("registers");
    for entry in std::fs::read_dir(&source).expect("registers/ is readable") {
        let path = entry.expect("registers/ lists").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let to = dir.join(path.file_name().expect("a file name"));
            std::fs::copy(&path, &to).unwrap_or_else(|e| panic!("copying {}: {e}", path.display()));
        }
    }
}

/// The registers in a folder (not their correspondence records), by file name.
fn register_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the register folder is readable")
        .map(|e| {
            e.expect("the folder lists")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".yaml") && !n.ends_with(".record.yaml"))
        .collect();
    names.sort();
    names
}

/// The practice's name in a register's text: the first `name:` indented one level (under
/// `practice:`, which comes before `icb:` and the flows in every sample).
fn practice_name(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("  name: "))
        .expect("the register names its practice")
        .trim()
        .to_owned()
}

/// The first flow written out with a `purpose:` line: its id and the line's index.
fn first_flow_with_purpose(text: &str) -> (String, usize) {
    let mut flow = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(id) = trimmed.strip_prefix("- id: ") {
            flow = Some(id.trim().to_owned());
        } else if trimmed.starts_with("purpose:") {
            let id = flow.expect("a purpose: line belongs to a flow");
            return (id, i);
        }
    }
    panic!("no flow has a purpose: line");
}

/// An HTTP client that returns 4xx and 5xx responses instead of failing on them.
fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Fetches a URL: status, Content-Type and body.
fn get(url: &str) -> (u16, String, Vec<u8>) {
    let mut response = http()
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response
        .body_mut()
        .with_config()
        .limit(100 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("reading GET {url}: {e}"));
    (status, content_type, body)
}

/// Journey a: a practice manager starts a register from the home page, and the file the page
/// writes is one `gpdata check` reads.
#[test]
fn create_a_register() {
    let Some(j) = Journey::start("create_a_register", |_| {}) else {
        return;
    };
    let b = &j.browser;
    j.open("/");
    j.shot("home");
    b.fill("#new-ods", "Y01234");
    b.fill("#new-name", "Test Surgery");
    b.fill("#new-icb", "QOQ");
    b.click_css("#new-submit");

    let url = b.wait_url("the new register's page", |u| u.ends_with("/r/y01234.yaml"));
    assert_eq!(url, j.server.url("/r/y01234.yaml"));
    let h1 = b.content(&b.find("h1"));
    assert!(
        h1.contains("Test Surgery"),
        "the new register's <h1> is {h1:?}"
    );
    j.shot("register-new");

    let file = j.server.file("y01234.yaml");
    assert!(file.is_file(), "the page did not write {}", file.display());
    let out = common::gpdata()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .expect("gpdata check runs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "gpdata check on the new register exited {code:?}:\n{}",
        common::stderr(&out)
    );
    let report: serde_json::Value =
        serde_json::from_str(&common::stdout(&out)).unwrap_or_else(|e| {
            panic!(
                "gpdata check printed no JSON ({e}):\n{}",
                common::stdout(&out)
            )
        });
    // The file's shape is gpdata's own doing, so nothing about reading it may be wrong; what
    // the practice has yet to fill in (warnings, even errors about missing facts) may be.
    let unreadable = [
        "unreadable-file",
        "invalid-encoding",
        "empty-file",
        "multiple-documents",
        "yaml-syntax",
        "yaml-limit",
        "duplicate-key",
        "unknown-key",
        "wrong-type",
    ];
    let diagnostics = report["diagnostics"]
        .as_array()
        .expect("check's JSON lists diagnostics");
    let bad: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| unreadable.contains(&c)))
        .collect();
    assert!(
        bad.is_empty(),
        "the register the page wrote does not read cleanly: {bad:#?}\n--- file ---\n{}",
        j.server.read("y01234.yaml")
    );
}

/// Journey b: a misspelt purpose is shown beside its control, the live check clears it once
/// the right word is chosen, and saving rewrites that one line and nothing else.
#[test]
fn fix_a_mistake() {
    let mut flow = String::new();
    let Some(j) = Journey::start("fix_a_mistake", |dir| {
        let path = dir.join(RIVERSIDE);
        let text = std::fs::read_to_string(&path).expect("the copy reads");
        let (id, line) = first_flow_with_purpose(&text);
        flow = id;
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let (key, _) = lines[line]
            .split_once("purpose:")
            .expect("the purpose line");
        lines[line] = format!("{key}purpose: secondry");
        std::fs::write(&path, lines.join("\n") + "\n").expect("the copy is edited");
    }) else {
        return;
    };
    let b = &j.browser;
    let before = j.server.read(RIVERSIDE);
    j.open(&format!("/r/{RIVERSIDE}/flow/{flow}"));
    let error = b.content(&b.find("#e-purpose"));
    assert!(
        !error.is_empty(),
        "#e-purpose says nothing about `purpose: secondry`"
    );
    b.scroll_to("#f-purpose");
    j.shot("flow-with-error");

    b.select("#f-purpose", "secondary");
    b.wait_for("the live check to clear #e-purpose", || {
        b.content(&b.find("#e-purpose")).is_empty().then_some(())
    });
    // The status may say it is checking for a moment; it settles on a count.
    b.wait_for(
        "#live-status to say \"No problems\" or \"N problems\"",
        || {
            let status = b.content(&b.find("#live-status"));
            let count = status
                .strip_suffix(" problems")
                .or_else(|| status.strip_suffix(" problem"));
            (status == "No problems" || count.is_some_and(|n| n.parse::<u32>().is_ok()))
                .then_some(())
        },
    );

    b.click_css("#save");
    b.wait_shown("#saved");
    let url = b.url();
    assert!(
        url.starts_with(&j.server.url(&format!("/r/{RIVERSIDE}/flow/{flow}"))),
        "after saving the browser is at {url}, not back on the flow's page"
    );
    j.shot("flow-saved");

    let after = j.server.read(RIVERSIDE);
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    assert_eq!(
        old.len(),
        new.len(),
        "saving changed the number of lines:\n{after}"
    );
    assert_eq!(
        before.ends_with('\n'),
        after.ends_with('\n'),
        "saving changed the final newline"
    );
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    assert_eq!(
        changed.len(),
        1,
        "saving changed lines {changed:?}, not only the purpose line"
    );
    let i = changed[0];
    assert_eq!(
        new[i],
        old[i].replace("purpose: secondry", "purpose: secondary"),
        "line {} was {:?}",
        i + 1,
        old[i]
    );
}

/// Journey c: the register page's audit gives every flow a decision, and each flow's page
/// explains its decision.
#[test]
fn the_audit() {
    let Some(j) = Journey::start("the_audit", |_| {}) else {
        return;
    };
    let b = &j.browser;
    j.open(&format!("/r/{RIVERSIDE}"));
    j.shot("register");
    let h1 = b.content(&b.find("h1"));
    assert!(h1.contains(RIVERSIDE_NAME), "the register's <h1> is {h1:?}");

    // The sample has warnings: each is listed with its kind and code.
    let diagnostics = b.find("ul#diagnostics");
    let items = b.find_all_in(&diagnostics, "li");
    assert!(
        !items.is_empty(),
        "ul#diagnostics lists none of {RIVERSIDE}'s warnings"
    );
    for li in &items {
        let class = b.attribute(li, "class").unwrap_or_default();
        let code = b.attribute(li, "data-code").unwrap_or_default();
        assert!(
            class
                .split_whitespace()
                .any(|c| c == "error" || c == "warning"),
            "a diagnostic's li has the class {class:?}, not error or warning"
        );
        assert!(!code.is_empty(), "a diagnostic's li has no data-code");
    }

    let rows = b.find_all("table#audit tr[data-flow]");
    assert!(!rows.is_empty(), "table#audit has no tr[data-flow] rows");
    let mut decisions = Vec::new();
    for row in &rows {
        let flow = b.attribute(row, "data-flow").unwrap_or_default();
        let decision = b.content(&b.find_in(row, "td.decision"));
        assert!(
            DECISIONS.contains(&decision.as_str()),
            "flow {flow}'s td.decision is {decision:?}, not one of {DECISIONS:?}"
        );
        decisions.push(decision);
    }
    assert!(
        decisions.iter().any(|d| d == "withdraw"),
        "no flow of {RIVERSIDE} is to be withdrawn: {decisions:?}"
    );

    let first = &rows[0];
    let flow = b
        .attribute(first, "data-flow")
        .expect("the row names its flow");
    b.click(&b.find_in(first, "a.edit"));
    let target = j.server.url(&format!("/r/{RIVERSIDE}/flow/{flow}"));
    b.wait_url("the first flow's page", |u| u == target);
    let explanation = b.content(&b.wait_find("section#explanation"));
    assert!(
        !explanation.is_empty(),
        "section#explanation of {flow} is empty"
    );
    j.shot("flow");
}

/// Journey d: the enquiry letter downloads as a PDF, and its HTML preview is the practice's.
#[test]
fn download_a_pdf() {
    let Some(j) = Journey::start("download_a_pdf", |_| {}) else {
        return;
    };
    let b = &j.browser;
    j.open(&format!("/r/{RIVERSIDE}"));
    b.click_css("#letter-pdf");

    let downloads = b.downloads.path().to_owned();
    let pdf = b.wait_for("the letter to finish downloading", || {
        let names: Vec<PathBuf> = std::fs::read_dir(&downloads)
            .expect("the download folder lists")
            .map(|e| e.expect("a download entry").path())
            .collect();
        // Chromium writes NAME.crdownload and renames it when done.
        if names
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "crdownload"))
        {
            return None;
        }
        names
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "pdf"))
    });
    assert_eq!(
        pdf.file_name().and_then(|n| n.to_str()),
        Some(format!("{RIVERSIDE_ODS}-enquiry.pdf").as_str()),
        "the download's name is not ODS-enquiry.pdf"
    );
    let bytes = std::fs::read(&pdf).expect("the downloaded letter reads");
    assert!(bytes.starts_with(b"%PDF-"), "the download is not a PDF");
    let doc = lopdf::Document::load_mem(&bytes).expect("lopdf reads the downloaded letter");
    let pages = doc.get_pages().len();
    assert!(
        pages >= 2,
        "the letter has {pages} page(s), expected at least 2"
    );

    b.click_css("#letter-preview");
    let target = j.server.url(&format!("/r/{RIVERSIDE}/letter"));
    b.wait_url("the letter preview", |u| u == target);
    let letter = b.content(&b.wait_find("article#letter"));
    assert!(
        letter.contains(RIVERSIDE_NAME),
        "article#letter does not name {RIVERSIDE_NAME}:\n{letter}"
    );
    j.shot("letter-preview");
}

/// Journey e: the LMC's view of the area on the home page, its CSV and every letter at once.
#[test]
fn the_lmc_view() {
    let Some(j) = Journey::start("the_lmc_view", |_| {}) else {
        return;
    };
    let b = &j.browser;
    j.open("/");
    let registers = register_files(j.server.dir.path());
    let folder = j.server.dir.path().file_name().expect("a folder name");
    let h1 = b.content(&b.find("h1"));
    assert_eq!(h1, format!("Registers in {}", folder.to_string_lossy()));

    // The list of registers: one row each, linked to its page.
    for file in &registers {
        let link = b.find(&format!("table#registers tr[data-file=\"{file}\"] a.open"));
        let href = b.property(&link, "href");
        assert_eq!(
            href.as_str(),
            Some(j.server.url(&format!("/r/{file}")).as_str())
        );
    }

    // The area table: a row per register (header rows have no td), each naming its practice.
    let rows = b
        .execute(
            "return [...document.querySelectorAll('table#area-practices tr')]\
                 .filter(r => r.querySelector('td')).map(r => r.textContent);",
            json!([]),
        )
        .as_array()
        .expect("the script returns the rows")
        .iter()
        .map(|r| r.as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        rows.len(),
        registers.len(),
        "table#area-practices has {} rows with cells for {} registers: {rows:#?}",
        rows.len(),
        registers.len()
    );
    for file in &registers {
        let name = practice_name(&j.server.read(file));
        assert!(
            rows.iter().any(|r| r.contains(&name)),
            "no row of table#area-practices names {name} ({file})"
        );
    }
    b.scroll_to("table#area-practices");
    j.shot("area");

    let csv_url = b.property(&b.find("a#area-csv"), "href");
    let csv_url = csv_url.as_str().expect("a#area-csv has an href");
    let (status, content_type, body) = get(csv_url);
    assert_eq!(status, 200, "GET {csv_url}");
    assert!(
        content_type.starts_with("text/csv"),
        "{csv_url} is {content_type:?}, not text/csv"
    );
    let csv = String::from_utf8(body).expect("the CSV is UTF-8");
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.contains(','),
        "the CSV's first line is not a header row: {header:?}"
    );
    assert!(
        lines.next().is_some(),
        "the CSV has a header and no rows:\n{csv}"
    );

    let zip_url = b.property(&b.find("a#all-letters"), "href");
    let zip_url = zip_url.as_str().expect("a#all-letters has an href");
    let (status, content_type, body) = get(zip_url);
    assert_eq!(status, 200, "GET {zip_url}");
    assert!(
        content_type.starts_with("application/zip"),
        "{zip_url} is {content_type:?}, not application/zip"
    );
    assert!(body.starts_with(b"PK"), "{zip_url} is not a zip file");

    // Last, so a missing piece does not hide the checks above.
    b.find("section#area svg");
    // The samples have flows withdrawn and flows queried: both tables have rows.
    b.find("section#area table#area-stopped tbody tr");
    b.find("section#area table#area-queried tbody tr");
}

/// Journey f: a file changed by another program after the page was opened is not overwritten;
/// the page says why.
#[test]
fn a_changed_file_is_not_overwritten() {
    let Some(j) = Journey::start("a_changed_file_is_not_overwritten", |_| {}) else {
        return;
    };
    let b = &j.browser;
    let (flow, _) = first_flow_with_purpose(&j.server.read(RIVERSIDE));
    j.open(&format!("/r/{RIVERSIDE}/flow/{flow}"));
    b.find("#flow-form");

    let path = j.server.file(RIVERSIDE);
    let mut text = j.server.read(RIVERSIDE);
    text.push_str("# changed by another program while the page was open\n");
    std::fs::write(&path, &text).expect("the register is changed on disk");

    b.fill("#f-name", "A new name typed in the browser");
    b.click_css("#save");
    let conflict = b.wait_shown("#conflict");
    assert!(
        !b.content(&conflict).is_empty(),
        "#conflict explains nothing"
    );
    if let Some(status) = b.page_status() {
        assert_eq!(status, 409, "the conflict page's status");
    }
    j.shot("flow-conflict");
    assert_eq!(
        j.server.read(RIVERSIDE),
        text,
        "the page overwrote a file changed on disk"
    );
}

/// Journey g: a script in the page cannot change a register without the form's token (as a
/// forged request from another page could not either).
#[test]
fn no_change_without_the_token() {
    let Some(j) = Journey::start("no_change_without_the_token", |_| {}) else {
        return;
    };
    let b = &j.browser;
    let before = j.server.read(RIVERSIDE);
    let (flow, _) = first_flow_with_purpose(&before);
    let action = format!("/r/{RIVERSIDE}/flow/{flow}");
    j.open(&action);
    b.find("#flow-form");

    // `fetch` resolves to the final response after redirects; `ok` and `status` are enough.
    let post = |body: &str| {
        let script = format!(
            "const done = arguments[arguments.length - 1];\
             const form = document.getElementById('flow-form');\
             const body = {body};\
             fetch(arguments[0], {{method: 'POST', body}})\
               .then(r => done(r.status), e => done('fetch failed: ' + e));"
        );
        b.execute_async(&script, json!([action]))
    };

    let status = post("new URLSearchParams({name: 'x'})");
    assert_eq!(status, json!(403), "a POST with only a name and no token");
    assert_eq!(
        j.server.read(RIVERSIDE),
        before,
        "a POST without the token changed the file"
    );

    // The whole form, as the page would send it, less the token.
    let status = post(
        "(() => { const p = new URLSearchParams(new FormData(form));\
                  p.delete('token'); p.set('name', 'x'); return p; })()",
    );
    assert_eq!(status, json!(403), "the page's own form without its token");
    assert_eq!(
        j.server.read(RIVERSIDE),
        before,
        "a POST without the token changed the file"
    );

    // The same with the token is accepted, so the refusals above were for the token alone.
    let status = post(
        "(() => { const p = new URLSearchParams(new FormData(form));\
                  p.set('name', 'x'); return p; })()",
    );
    assert_eq!(status, json!(200), "the page's own form with its token");
    assert_ne!(
        j.server.read(RIVERSIDE),
        before,
        "the form with its token saved nothing"
    );
}

/// Readable at 200 % zoom: a 1280-pixel screen at 200 % lays pages out 640 CSS pixels wide, and
/// no page may then need scrolling sideways (WCAG 2.2, 1.4.10 Reflow); and every control on
/// every page has a label tied to it.
#[test]
fn the_pages_reflow_at_200_percent_zoom() {
    let Some(j) = Journey::start("the_pages_reflow_at_200_percent_zoom", |_| {}) else {
        return;
    };
    let b = &j.browser;
    b.resize(640, 900);
    for (path, name) in [
        ("/".to_string(), "zoom-home"),
        (format!("/r/{RIVERSIDE}"), "zoom-register"),
        (format!("/r/{RIVERSIDE}/flow/icb-phm"), "zoom-flow"),
        (format!("/r/{RIVERSIDE}/practice"), "zoom-practice"),
        (format!("/r/{RIVERSIDE}/letter"), "zoom-letter"),
    ] {
        j.open(&path);
        b.wait_find("main");
        let sizes = b.execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            json!([]),
        );
        let (scroll, client) = (sizes[0].as_u64(), sizes[1].as_u64());
        j.shot(name);
        assert!(
            scroll <= client,
            "{path} is {scroll:?} CSS pixels wide in a {client:?}-pixel window: it needs sideways scrolling"
        );
        let unlabelled = b.execute(
            "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')).filter(function (c) { return !c.id || !document.querySelector('label[for=\"' + c.id + '\"]'); }).map(function (c) { return c.name; });",
            json!([]),
        );
        assert_eq!(unlabelled, json!([]), "{path}: controls without a label");
    }
}
