//! A small client for ChromeDriver's W3C WebDriver HTTP API, enough for the browser tests of
//! `gpdata serve` (tests/browser.rs): it starts ChromeDriver, opens one headless Chromium
//! session, and offers the few commands a test needs plus waits that poll instead of sleeping.
//!
//! Written here rather than taken from a crate: the WebDriver crates pull in an async runtime,
//! and the handful of JSON commands below is all the tests use.
//!
//! Test support, shared with `#[path]` (as tests/support/synth.rs is), not part of gpdata.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a wait polls before it fails: long enough for a page's live check (debounced
/// ~250 ms) on a busy two-core CI machine, short enough that a broken page fails quickly.
pub const WAIT: Duration = Duration::from_secs(5);

/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(50);

/// The key W3C WebDriver uses for an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where ChromeDriver is: `CHROMEDRIVER` if set, otherwise Debian's `/usr/bin/chromedriver`.
pub fn chromedriver_path() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from)
}

/// Where Chromium is: `CHROMIUM` if set, otherwise Debian's `/usr/bin/chromium` when present
/// (otherwise ChromeDriver looks for a browser itself).
fn chromium_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    debian.exists().then_some(debian)
}

/// An error from a WebDriver command: the W3C error code (`no such element`, ...) and message.
#[derive(Debug, Clone)]
pub struct WebDriverError {
    /// The W3C error code, e.g. `no such element`; `http` when the request itself failed.
    pub error: String,
    /// ChromeDriver's message.
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // ChromeDriver's messages carry a long stack after the first line; the first is enough.
        let first = self.message.lines().next().unwrap_or("");
        write!(f, "{}: {first}", self.error)
    }
}

/// The result of a WebDriver command.
pub type WdResult<T> = Result<T, WebDriverError>;

/// A running ChromeDriver with one browser session. Dropping it ends the session and kills
/// ChromeDriver (which closes the browser).
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    /// The folder Chromium saves downloads into.
    pub downloads: tempfile::TempDir,
    /// Chromium's profile, so sessions running one after another share nothing.
    profile: tempfile::TempDir,
}

/// A reference to an element of the current page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(String);

impl Browser {
    /// Starts ChromeDriver on a free port and opens a headless Chromium session that saves
    /// downloads to [`Browser::downloads`] without asking.
    pub fn start() -> Browser {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            // WebDriver reports errors as 4xx/5xx with a JSON body; read it instead of failing.
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let port = free_port();
        let driver = Command::new(chromedriver_path())
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ChromeDriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let downloads = tempfile::tempdir().expect("a download folder is created");
        let profile = tempfile::tempdir().expect("a browser profile folder is created");
        // A browser with no session yet: `Drop` kills ChromeDriver if anything below fails.
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            agent,
            downloads,
            profile,
        };
        browser.wait_until_ready();
        browser.session = browser.new_session();
        browser
    }

    /// Polls ChromeDriver's `/status` until it says it is ready (it takes a moment to listen).
    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self
                .driver
                .try_wait()
                .expect("ChromeDriver's state is read")
            {
                panic!("ChromeDriver exited before it was ready: {status}");
            }
            let ready = self
                .agent
                .get(format!("{}/status", self.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "ChromeDriver did not become ready in 20 s"
            );
            std::thread::sleep(POLL);
        }
    }

    /// Opens the session: headless Chromium, no sandbox (CI runs as root), a fixed window size
    /// so screenshots are comparable, and downloads saved without a prompt.
    fn new_session(&self) -> String {
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1280,1000",
                format!("--user-data-dir={}", self.profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": self.downloads.path().to_str().expect("a UTF-8 temp path"),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            },
        });
        if let Some(binary) = chromium_path() {
            options["binary"] = json!(binary.to_str().expect("a UTF-8 Chromium path"));
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": options,
                }
            }
        });
        let value = self
            .request("POST", &format!("{}/session", self.base), Some(&caps))
            .unwrap_or_else(|e| panic!("a Chromium session opens: {e}"));
        value["sessionId"]
            .as_str()
            .expect("the new session has an id")
            .to_owned()
    }

    /// Sends one command and returns its `value`, or the WebDriver error it reported.
    fn request(&self, method: &str, url: &str, body: Option<&Value>) -> WdResult<Value> {
        let http_error = |e: ureq::Error| WebDriverError {
            error: "http".to_owned(),
            message: format!("{method} {url}: {e}"),
        };
        let mut response = match method {
            "GET" => self.agent.get(url).call(),
            "DELETE" => self.agent.delete(url).call(),
            _ => self
                .agent
                .post(url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or(&json!({})).to_string()),
        }
        .map_err(http_error)?;
        let status = response.status().as_u16();
        // Screenshots of a long page are several MB of base64; ureq's default cap is 10 MB.
        let text = response
            .body_mut()
            .with_config()
            .limit(100 * 1024 * 1024)
            .read_to_string()
            .map_err(http_error)?;
        let json: Value = serde_json::from_str(&text).map_err(|e| WebDriverError {
            error: "http".to_owned(),
            message: format!("{method} {url}: status {status}, not JSON ({e}): {text}"),
        })?;
        let value = json.get("value").cloned().unwrap_or(Value::Null);
        if status >= 400 || value.get("error").is_some_and(Value::is_string) {
            return Err(WebDriverError {
                error: value["error"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_owned(),
                message: value["message"].as_str().unwrap_or("").to_owned(),
            });
        }
        Ok(value)
    }

    /// A command on this session: `path` is after `/session/ID`.
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> WdResult<Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        self.request(method, &url, body.as_ref())
    }

    /// Resizes the window (its outer size, in CSS pixels at 100 % zoom).
    pub fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .unwrap_or_else(|e| panic!("the browser window resizes to {width}x{height}: {e}"));
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })))
            .unwrap_or_else(|e| panic!("the browser opens {url}: {e}"));
    }

    /// The address of the current page.
    pub fn url(&self) -> String {
        let value = self
            .cmd("GET", "/url", None)
            .unwrap_or_else(|e| panic!("the current URL is read: {e}"));
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The current page's HTML as the browser now has it.
    pub fn source(&self) -> String {
        let value = self
            .cmd("GET", "/source", None)
            .unwrap_or_else(|e| panic!("the page source is read: {e}"));
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The first element matching a CSS selector, or `None`.
    pub fn try_find(&self, css: &str) -> WdResult<Option<Element>> {
        match self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        ) {
            Ok(value) => Ok(Some(element_of(&value))),
            Err(e) if e.error == "no such element" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The first element matching a CSS selector; fails the test if there is none.
    pub fn find(&self, css: &str) -> Element {
        match self.try_find(css) {
            Ok(Some(el)) => el,
            Ok(None) => panic!("no element matches `{css}`: {}", self.describe_page()),
            Err(e) => panic!("finding `{css}` failed: {e}"),
        }
    }

    /// Every element matching a CSS selector, in document order.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let value = self
            .cmd(
                "POST",
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .unwrap_or_else(|e| panic!("finding all `{css}` failed: {e}"));
        value
            .as_array()
            .map(|els| els.iter().map(element_of).collect())
            .unwrap_or_default()
    }

    /// Every element matching a CSS selector inside `parent`.
    pub fn find_all_in(&self, parent: &Element, css: &str) -> Vec<Element> {
        let value = self
            .cmd(
                "POST",
                &format!("/element/{}/elements", parent.0),
                Some(json!({ "using": "css selector", "value": css })),
            )
            .unwrap_or_else(|e| panic!("finding `{css}` inside an element failed: {e}"));
        value
            .as_array()
            .map(|els| els.iter().map(element_of).collect())
            .unwrap_or_default()
    }

    /// The first element matching a CSS selector inside `parent`.
    pub fn find_in(&self, parent: &Element, css: &str) -> Element {
        self.find_all_in(parent, css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element inside the given one matches `{css}`"))
    }

    /// Clicks an element as a user would (scrolled into view; fails if something covers it).
    pub fn click(&self, el: &Element) {
        self.cmd("POST", &format!("/element/{}/click", el.0), Some(json!({})))
            .unwrap_or_else(|e| panic!("click failed: {e}"));
    }

    /// Clicks the element a CSS selector finds.
    pub fn click_css(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{}/click", el.0), Some(json!({})))
            .unwrap_or_else(|e| panic!("clicking `{css}` failed: {e}"));
    }

    /// Empties an input or textarea.
    pub fn clear(&self, el: &Element) {
        self.cmd("POST", &format!("/element/{}/clear", el.0), Some(json!({})))
            .unwrap_or_else(|e| panic!("clear failed: {e}"));
    }

    /// Types `text` into an element, as key presses.
    pub fn send_keys(&self, el: &Element, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        )
        .unwrap_or_else(|e| panic!("typing {text:?} failed: {e}"));
    }

    /// Empties the field a CSS selector finds and types `text` into it.
    pub fn fill(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.clear(&el);
        self.send_keys(&el, text);
    }

    /// Chooses the option whose value is `value` in the `<select>` a CSS selector finds, by
    /// clicking it as a user would (which fires `input` and `change`).
    pub fn select(&self, select_css: &str, value: &str) {
        let select = self.find(select_css);
        let options = self.find_all_in(&select, "option");
        let option = options
            .into_iter()
            .find(|o| self.property(o, "value").as_str() == Some(value))
            .unwrap_or_else(|| panic!("`{select_css}` has no option with the value {value:?}"));
        self.click(&option);
    }

    /// The element's rendered text (what a user sees; empty when it is hidden).
    pub fn text(&self, el: &Element) -> String {
        let value = self
            .cmd("GET", &format!("/element/{}/text", el.0), None)
            .unwrap_or_else(|e| panic!("reading an element's text failed: {e}"));
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The text the element holds in the document, hidden or not, trimmed.
    pub fn content(&self, el: &Element) -> String {
        self.property(el, "textContent")
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    /// An HTML attribute as written, or `None` when absent.
    pub fn attribute(&self, el: &Element, name: &str) -> Option<String> {
        let value = self
            .cmd("GET", &format!("/element/{}/attribute/{name}", el.0), None)
            .unwrap_or_else(|e| panic!("reading the attribute {name} failed: {e}"));
        value.as_str().map(str::to_owned)
    }

    /// A DOM property (e.g. `value`, or `href` as an absolute URL).
    pub fn property(&self, el: &Element, name: &str) -> Value {
        self.cmd("GET", &format!("/element/{}/property/{name}", el.0), None)
            .unwrap_or_else(|e| panic!("reading the property {name} failed: {e}"))
    }

    /// Whether the element is shown to the user.
    pub fn displayed(&self, el: &Element) -> bool {
        self.try_displayed(el)
            .unwrap_or_else(|e| panic!("reading whether an element is shown failed: {e}"))
    }

    /// Whether the element is shown, or the error (e.g. `stale element reference` when the
    /// page it was on has been left).
    fn try_displayed(&self, el: &Element) -> WdResult<bool> {
        let value = self.cmd("GET", &format!("/element/{}/displayed", el.0), None)?;
        Ok(value.as_bool().unwrap_or(false))
    }

    /// Runs a script in the page (its body; `arguments` are `args`) and returns its result.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .unwrap_or_else(|e| panic!("the script failed: {e}\n{script}"))
    }

    /// Runs a script that reports its result by calling its last argument (a callback); for
    /// anything that waits on a promise, such as `fetch`.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
        .unwrap_or_else(|e| panic!("the async script failed: {e}\n{script}"))
    }

    /// Scrolls the page so the element a CSS selector finds is mid-window, with what is around
    /// it (for a screenshot of something below the fold).
    pub fn scroll_to(&self, css: &str) {
        let el = self.find(css);
        self.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            json!([{ ELEMENT_KEY: el.0 }]),
        );
    }

    /// The HTTP status of the response the current page was loaded from (Chromium's
    /// `PerformanceNavigationTiming.responseStatus`), or `None` when the browser does not say.
    pub fn page_status(&self) -> Option<u64> {
        self.execute(
            "const nav = performance.getEntriesByType('navigation')[0];\
             return nav && nav.responseStatus ? nav.responseStatus : null;",
            json!([]),
        )
        .as_u64()
    }

    /// Saves a PNG screenshot of the window to `path`, creating its folder.
    pub fn screenshot(&self, path: &Path) {
        let value = self
            .cmd("GET", "/screenshot", None)
            .unwrap_or_else(|e| panic!("screenshot failed: {e}"));
        let png = base64_decode(value.as_str().expect("the screenshot is base64 text"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the screenshot folder is created");
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Polls `check` until it gives `Some`, for up to [`WAIT`]; fails the test with `what`
    /// (and the page's address) if it never does.
    pub fn wait_for<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(found) = check() {
                return found;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {WAIT:?} waiting for {what}\n{}",
                    self.describe_page()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Where the browser is, for a failure message: the address, the HTTP status and the start
    /// of the page's text (an error page from the server says what went wrong). Never fails.
    pub fn describe_page(&self) -> String {
        let url = self.cmd("GET", "/url", None).ok();
        let script = "const nav = performance.getEntriesByType('navigation')[0];\
                      return [nav ? nav.responseStatus : null,\
                              document.body ? document.body.innerText.slice(0, 400) : ''];";
        let page = self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        );
        let (status, text) = match &page {
            Ok(v) => (v[0].to_string(), v[1].as_str().unwrap_or("").to_owned()),
            Err(e) => ("?".to_owned(), format!("(unreadable: {e})")),
        };
        format!(
            "page {} (status {status}) says:\n{text}",
            url.as_ref().and_then(Value::as_str).unwrap_or("?")
        )
    }

    /// Waits until an element matching `css` exists, and returns it.
    pub fn wait_find(&self, css: &str) -> Element {
        self.wait_for(&format!("`{css}` to appear"), || {
            self.try_find(css).ok().flatten()
        })
    }

    /// Waits until an element matching `css` exists and is shown, and returns it. Errors count
    /// as "not yet": a click that submits a form leaves the old page while this looks.
    pub fn wait_shown(&self, css: &str) -> Element {
        self.wait_for(&format!("`{css}` to be shown"), || {
            let el = self.try_find(css).ok().flatten()?;
            self.try_displayed(&el).ok()?.then_some(el)
        })
    }

    /// Waits until the page's address satisfies `ok` (e.g. after a click that navigates), and
    /// returns it.
    pub fn wait_url(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_for(what, || {
            let url = self.url();
            ok(&url).then_some(url)
        })
    }

    /// Ends the session; ChromeDriver closes the browser.
    fn quit(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            // Best effort: ChromeDriver is killed next anyway.
            let _ = self.request("DELETE", &url, None);
            self.session.clear();
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.quit();
        // Kill and reap our own ChromeDriver only (by its handle, never by name).
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The element reference in a find command's result.
fn element_of(value: &Value) -> Element {
    Element(
        value[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element reference: {value}"))
            .to_owned(),
    )
}

/// A port nothing listens on now. Another process could take it before ChromeDriver does; on a
/// test machine that is rare enough, and ChromeDriver then exits, which the start-up reports.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port is free");
    listener.local_addr().expect("the port is known").port()
}

/// Decodes standard base64 (ChromeDriver's screenshots); no crate for one small function.
fn base64_decode(text: &str) -> Vec<u8> {
    fn sextet(c: u8) -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {:?}", char::from(c)),
        }
    }
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= sextet(c) << (18 - 6 * i);
        }
        let [_, a, b, c] = acc.to_be_bytes();
        out.extend_from_slice(&[a, b, c][..chunk.len() - 1]);
    }
    out
}
