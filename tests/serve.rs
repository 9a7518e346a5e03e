//! `gpdata serve` over plain HTTP, without a browser: the safety rules (Host, Origin, token,
//! paths, headers), saving that changes only what changed, a file changed meanwhile, and the
//! downloads. The browser journeys are in tests/browser.rs.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use gpdata::serve::edit::{self, Edit, NewValue, Place};

/// A running server on a copy of the sample registers; killed on drop.
struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().expect("temporary folder");
        for entry in std::fs::read_dir(common::path("registers")).expect("registers folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                std::fs::copy(&path, dir.path().join(path.file_name().expect("name")))
                    .expect("copy");
            }
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_gpdata"))
            .arg("serve")
            .arg(dir.path())
            .args(["--port", "0"])
            .env("GPDATA_DATE", common::DATE)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("gpdata serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("first line");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, port, dir }
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).expect("register file")
    }

    /// Sends a raw request (so the Host and Origin can be anything) and returns the status
    /// line's code, the headers and the body.
    fn raw(&self, request: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.write_all(request.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read");
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of headers");
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let status = head[9..12].parse().expect("status");
        (status, head, bytes[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.raw(&format!(
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        ))
    }

    fn page(&self, path: &str) -> String {
        let (status, _, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}");
        String::from_utf8(body).expect("UTF-8 page")
    }

    fn post(&self, path: &str, form: &[(&str, &str)], extra: &str) -> (u16, String, Vec<u8>) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.raw(&format!(
            "POST {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            self.port,
            body.len()
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of a hidden input on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("hidden input") + marker.len();
    page[start..].split('"').next().expect("value").to_string()
}

#[test]
fn the_page_answers_only_this_computer_by_its_address() {
    let server = Server::start();
    let (status, head, _) = server.get("/");
    assert_eq!(status, 200);
    let csp = head
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("content-security-policy:")
        })
        .expect("a CSP header");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("http"),
        "{csp}"
    );
    assert!(head.contains("X-Content-Type-Options: nosniff"));
    // Not `no-referrer`: under it Chromium posts forms with `Origin: null`, which is refused.
    assert!(head.contains("Referrer-Policy: same-origin"), "{head}");
    // A web site whose name points at 127.0.0.1 (DNS rebinding) is refused.
    let (status, _, _) = server.raw(&format!(
        "GET / HTTP/1.1\r\nHost: attacker.example:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(status, 403);
    let (status, _, _) = server.raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 400);
    let (status, _, _) = server.raw(&format!(
        "GET / HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(status, 200);
}

#[test]
fn changes_need_the_pages_token_and_origin() {
    let server = Server::start();
    let before = server.file("riverside.yaml");
    let page = server.page("/r/riverside.yaml/flow/icb-phm");
    let token = hidden(&page, "token");
    let version = hidden(&page, "version");
    let path = "/r/riverside.yaml/flow/icb-phm";
    let change = [("version", version.as_str()), ("name", "Changed")];
    // No token, a wrong token, and the right token from another site: all refused.
    assert_eq!(server.post(path, &change, "").0, 403);
    let wrong = [("token", "0000"), change[0], change[1]];
    assert_eq!(server.post(path, &wrong, "").0, 403);
    let right = [("token", token.as_str()), change[0], change[1]];
    let evil = "Origin: http://attacker.example\r\n";
    assert_eq!(server.post(path, &right, evil).0, 403);
    let cross = "Sec-Fetch-Site: cross-site\r\n";
    assert_eq!(server.post(path, &right, cross).0, 403);
    assert_eq!(server.file("riverside.yaml"), before);
    // The page's own form, from the page's own origin, is saved.
    let own = format!("Origin: http://127.0.0.1:{}\r\n", server.port);
    let (status, head, _) = server.post(path, &right, &own);
    assert_eq!(status, 303, "{head}");
    assert_eq!(
        server.file("riverside.yaml"),
        before.replacen(
            "name: Population health management extract",
            "name: Changed",
            1
        )
    );
}

#[test]
fn no_file_outside_the_folders_registers_can_be_reached() {
    let server = Server::start();
    std::fs::write(server.dir.path().join("notes.txt"), "private").expect("write");
    for path in [
        "/r/..%2F..%2Fetc%2Fpasswd",
        "/r/%2Fetc%2Fpasswd",
        "/r/notes.txt",
        "/r/riverside.record.yaml",
        "/r/../riverside.yaml",
        "/r/missing.yaml",
        "/r/riverside.yaml/flow/no-such-flow",
        "/static/../Cargo.toml",
    ] {
        let (status, _, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("root:"), "{path}");
    }
}

#[test]
fn saving_a_form_changes_only_the_values_changed() {
    let server = Server::start();
    let before = server.file("riverside.yaml");
    let page = server.page("/r/riverside.yaml/flow/icb-phm");
    let token = hidden(&page, "token");
    let version = hidden(&page, "version");
    // The whole form as the browser sends it, with two values changed.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = page.as_str();
    while let Some(i) = rest.find(" name=\"") {
        rest = &rest[i + 7..];
        let name = rest.split('"').next().expect("name").to_string();
        if gpdata::serve::form::flow_fields()
            .iter()
            .any(|f| f.path == name)
        {
            fields.push((name, String::new()));
        }
    }
    let form: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(n, _)| {
            ![
                "token",
                "version",
                "flow",
                "catalogue",
                "id",
                "name",
                "date",
            ]
            .contains(&n.as_str())
        })
        .map(|(n, _)| {
            let value = match n.as_str() {
                "purpose" => "direct-care".to_string(),
                "agreement.expires" => "2027-01-31".to_string(),
                other => current(&before, other),
            };
            (n, value)
        })
        .collect();
    let mut pairs: Vec<(&str, &str)> = vec![("token", &token), ("version", &version)];
    pairs.extend(form.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let (status, head, _) = server.post("/r/riverside.yaml/flow/icb-phm", &pairs, "");
    assert_eq!(status, 303, "{head}");
    let after = server.file("riverside.yaml");
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        vec![
            ("    purpose: secondary", "    purpose: direct-care"),
            ("      expires: 2027-03-31", "      expires: 2027-01-31"),
        ]
    );
    assert_eq!(before.lines().count(), after.lines().count());
}

/// The value of the flow icb-phm's field as the page shows it, read from the file's text.
fn current(text: &str, path: &str) -> String {
    let file = gpdata::source::SourceFile::new("r", text.to_string());
    let root = gpdata::yaml::parse(&file).expect("parses");
    let item = edit::find_flow(&root, "icb-phm").expect("flow");
    let field = gpdata::serve::form::flow_fields()
        .into_iter()
        .find(|f| f.path == path)
        .expect("field");
    gpdata::serve::form::current(text, item, &field).0
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let server = Server::start();
    let page = server.page("/r/riverside.yaml/flow/icb-phm");
    let token = hidden(&page, "token");
    let version = hidden(&page, "version");
    let path = server.dir.path().join("riverside.yaml");
    let mut changed = server.file("riverside.yaml");
    changed.push_str("# edited in a text editor meanwhile\n");
    std::fs::write(&path, &changed).expect("write");
    let (status, _, body) = server.post(
        "/r/riverside.yaml/flow/icb-phm",
        &[("token", &token), ("version", &version), ("name", "Mine")],
        "",
    );
    assert_eq!(status, 409);
    assert!(String::from_utf8_lossy(&body).contains("id=\"conflict\""));
    assert_eq!(server.file("riverside.yaml"), changed);
}

#[test]
fn the_live_check_says_which_field_is_wrong() {
    let server = Server::start();
    let before = server.file("riverside.yaml");
    let page = server.page("/r/riverside.yaml/flow/icb-phm");
    let token = hidden(&page, "token");
    let (status, _, body) = server.post(
        "/r/riverside.yaml/check",
        &[
            ("token", &token),
            ("flow", "icb-phm"),
            ("purpose", "secondry"),
            ("agreement.expires", "2027-13-01"),
        ],
        "",
    );
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(json["fields"]["purpose"][0]["code"], "invalid-value");
    assert!(
        json["fields"]["purpose"][0]["help"]
            .as_str()
            .unwrap_or("")
            .contains("secondary")
    );
    assert_eq!(
        json["fields"]["agreement.expires"][0]["code"],
        "invalid-date"
    );
    // Checking saves nothing.
    assert_eq!(server.file("riverside.yaml"), before);
}

#[test]
fn a_register_is_started_flows_added_and_removed() {
    let server = Server::start();
    let page = server.page("/");
    let token = hidden(&page, "token");
    let (status, _, body) = server.post(
        "/new",
        &[
            ("token", &token),
            ("ods_code", "X1"),
            ("practice_name", "T"),
            ("icb", "QOQ"),
        ],
        "",
    );
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("is not a GP practice ODS code"));
    let (status, head, _) = server.post(
        "/new",
        &[
            ("token", &token),
            ("ods_code", "y01234"),
            ("practice_name", "Test Surgery: Main Site"),
            ("icb", "qoq"),
        ],
        "",
    );
    assert_eq!(status, 303);
    assert!(head.contains("Location: /r/y01234.yaml"), "{head}");
    let text = server.file("y01234.yaml");
    assert!(
        text.contains("  name: \"Test Surgery: Main Site\"\n"),
        "{text}"
    );
    assert!(text.contains("ods_code: Y01234"));
    let (status, _, _) = server.post(
        "/r/y01234.yaml/flows",
        &[
            ("token", &token),
            ("catalogue", ""),
            ("id", "icb-phm"),
            ("name", "Population health management"),
        ],
        "",
    );
    assert_eq!(status, 303);
    let text = server.file("y01234.yaml");
    assert!(
        text.ends_with("  - id: icb-phm\n    name: Population health management\n"),
        "{text}"
    );
    let page = server.page("/r/y01234.yaml/flow/icb-phm");
    let version = hidden(&page, "version");
    let (status, _, _) = server.post(
        "/r/y01234.yaml/flow/icb-phm/delete",
        &[("token", &token), ("version", &version)],
        "",
    );
    assert_eq!(status, 303);
    assert!(!server.file("y01234.yaml").contains("  - id: icb-phm\n"));
}

#[test]
fn the_letter_the_audit_csv_and_every_letter_download() {
    let server = Server::start();
    let (status, head, pdf) = server.get("/r/riverside.yaml/letter.pdf");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: application/pdf"));
    assert!(head.contains("filename=\"B82005-enquiry.pdf\""));
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
    assert!(doc.get_pages().len() >= 2);
    // The same letter as `gpdata letter` writes for the same day.
    let out = common::gpdata()
        .args([
            "letter",
            "registers/riverside.yaml",
            "-o",
            "-",
            "--format",
            "pdf",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.stdout, pdf);
    let (_, head, csv) = server.get("/area.csv");
    assert!(head.contains("text/csv"));
    let csv = String::from_utf8_lossy(&csv);
    assert!(csv.contains("B82005") && csv.contains("P81742"));
    let (_, head, zip) = server.get("/letters.zip");
    assert!(head.contains("application/zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("entry name").into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "B82005-enquiry.pdf",
            "E85124-enquiry.pdf",
            "P81742-enquiry.pdf",
            "README.txt"
        ]
    );
    let mut first = Vec::new();
    archive
        .by_name("B82005-enquiry.pdf")
        .expect("entry")
        .read_to_end(&mut first)
        .expect("read");
    assert_eq!(first, pdf);
}

#[test]
fn recording_the_letter_as_sent_adds_it_to_the_record() {
    let server = Server::start();
    let record = server.dir.path().join("fellside.record.yaml");
    assert!(!record.exists());
    let page = server.page("/r/fellside.yaml");
    let token = hidden(&page, "token");
    let (status, head, _) = server.post(
        "/r/fellside.yaml/sent",
        &[("token", &token), ("date", "2026-11-20")],
        "",
    );
    assert_eq!(status, 303, "{head}");
    let text = std::fs::read_to_string(&record).expect("record written");
    assert!(
        text.contains("  - letter: enquiry\n    date: 2026-11-20\n"),
        "{text}"
    );
    assert!(server.page("/r/fellside.yaml").contains("id=\"record\""));
    assert!(Path::new(&record).exists());
}

/// Every field, across the flows of every sample register (each flow takes a quarter of the
/// fields in turn, so every field meets every shape of flow: one-line, block, with blocks), set
/// to a value and cleared again: the file still reads, the value reads back, and nothing
/// before that flow changes.
#[test]
fn every_field_of_every_sample_flow_can_be_set_and_cleared_in_place() {
    let fields = gpdata::serve::form::flow_fields();
    for name in ["riverside.yaml", "fellside.yaml", "westbourne.yaml"] {
        let text = std::fs::read_to_string(common::path("registers").join(name)).expect("read");
        let file = gpdata::source::SourceFile::new(name, text.clone());
        let root = gpdata::yaml::parse(&file).expect("parses");
        let Some((
            _,
            gpdata::yaml::Node {
                value: gpdata::yaml::Value::Seq(items),
                ..
            },
        )) = edit::entry(&root, "flows")
        else {
            panic!("{name} has flows");
        };
        for (k, item) in items.iter().enumerate() {
            let id = edit::flow_id(item).expect("id").to_string();
            let first_line = text[..item.span.offset].lines().count();
            for (_, field) in fields.iter().enumerate().filter(|(i, _)| (i + k) % 4 == 0) {
                let value = match field.control {
                    gpdata::serve::form::Control::Choice(words, _) => {
                        NewValue::Text(words[0].into())
                    }
                    gpdata::serve::form::Control::Date => NewValue::Text("2027-02-28".into()),
                    gpdata::serve::form::Control::List => NewValue::List(vec!["One: two".into()]),
                    _ => NewValue::Text("Some text, with # and: colons".into()),
                };
                let set = Edit {
                    place: Place::Flow(id.clone()),
                    path: field.path.split('.').map(String::from).collect(),
                    value,
                    order: gpdata::register::FACTS.iter().map(|d| d.key()).collect(),
                };
                let changed = match edit::apply(&text, std::slice::from_ref(&set)) {
                    Ok(t) => t,
                    // A party written as a block of keys is left to a text editor.
                    Err(edit::EditError::Layout(_)) => continue,
                    Err(e) => panic!("{name} {id} {}: {e}", field.path),
                };
                // Lines before the flow are untouched.
                let head: Vec<&str> = text.lines().take(first_line.saturating_sub(1)).collect();
                let new_head: Vec<&str> =
                    changed.lines().take(first_line.saturating_sub(1)).collect();
                assert_eq!(head, new_head, "{name} {id} {}", field.path);
                let cleared = Edit {
                    value: NewValue::Absent,
                    ..set
                };
                edit::apply(&changed, &[cleared])
                    .unwrap_or_else(|e| panic!("{name} {id} {} cleared: {e}", field.path));
            }
        }
    }
}

#[test]
fn the_icbs_reply_is_recorded_question_by_question() {
    let server = Server::start();
    std::fs::copy(
        common::path("registers/riverside.record.yaml"),
        server.dir.path().join("riverside.record.yaml"),
    )
    .expect("copy the record");
    let before =
        std::fs::read_to_string(server.dir.path().join("riverside.record.yaml")).expect("record");
    let page = server.page("/r/riverside.yaml");
    assert!(page.contains("id=\"record-reply\""));
    assert!(page.contains("name=\"status:icb-phm/query-dpia-not-held\""));
    let token = hidden(&page, "token");
    let form = [
        ("token", token.as_str()),
        ("letter", "B82005/DSA/1"),
        ("date", "2026-07-01"),
        ("from", "NHS Humber and North Yorkshire ICB: \"IG team\""),
        ("stock", ""),
        ("status:list", "answered"),
        ("summary:list", "Sends the list\nof flows"),
        ("status:icb-phm/query-dpia-not-held", "redirected"),
        ("to:icb-phm/query-dpia-not-held", "NECS"),
        ("status:eclipse-live/query-mixed-purpose", "not-answered"),
    ];
    let (status, head, _) = server.post("/r/riverside.yaml/reply", &form, "");
    assert_eq!(status, 303, "{head}");
    let after =
        std::fs::read_to_string(server.dir.path().join("riverside.record.yaml")).expect("record");
    assert!(after.starts_with(&before));
    assert_eq!(
        &after[before.len()..],
        "  - reply: 2026-07-01\n    from: \"NHS Humber and North Yorkshire ICB: \\\"IG team\\\"\"\n    replying_to: \"B82005/DSA/1\"\n    answers:\n      - question: \"list\"\n        status: answered\n        summary: \"Sends the list of flows\"\n      - question: \"icb-phm/query-dpia-not-held\"\n        status: redirected\n        redirected_to: \"NECS\"\n"
    );
    // A reply dated before its letter is refused, and nothing is written.
    let early = [form[0], form[1], ("date", "2026-05-01"), form[3]];
    let (status, _, body) = server.post("/r/riverside.yaml/reply", &early, "");
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("dated before the letter"));
    let again =
        std::fs::read_to_string(server.dir.path().join("riverside.record.yaml")).expect("record");
    assert_eq!(again, after);
}

/// A register saved by a Windows editor (a byte-order mark, CR LF line ends) keeps both when the
/// page changes one value and adds another: only those lines differ.
#[test]
fn a_windows_file_keeps_its_byte_order_mark_and_line_ends() {
    let server = Server::start();
    let original = server.file("riverside.yaml");
    let windows = format!("\u{feff}{}", original.replace('\n', "\r\n"));
    let path = server.dir.path().join("riverside.yaml");
    std::fs::write(&path, &windows).expect("write");
    let page = server.page("/r/riverside.yaml/flow/icb-phm");
    let token = hidden(&page, "token");
    let version = hidden(&page, "version");
    let (status, head, _) = server.post(
        "/r/riverside.yaml/flow/icb-phm",
        &[
            ("token", &token),
            ("version", &version),
            ("purpose", "direct-care"),
            ("platform", "NHS Federated Data Platform"),
        ],
        "",
    );
    assert_eq!(status, 303, "{head}");
    let saved = std::fs::read_to_string(&path).expect("read");
    assert!(saved.starts_with('\u{feff}'), "the byte-order mark is kept");
    assert!(
        saved
            .match_indices('\n')
            .all(|(i, _)| saved.as_bytes()[i - 1] == b'\r'),
        "every line ends in CR LF"
    );
    let expected = windows
        .replacen("    purpose: secondary\r\n", "    purpose: direct-care\r\n", 1)
        .replacen(
            "    processors: [North of England Commissioning Support]\r\n    icb_role: controller\r\n",
            "    processors: [North of England Commissioning Support]\r\n    platform: NHS Federated Data Platform\r\n    icb_role: controller\r\n",
            1,
        );
    assert_ne!(expected, windows);
    assert_eq!(saved, expected);
}

/// A file that is not UTF-8 is shown but never rewritten: saving would change every byte.
#[test]
fn a_file_not_in_utf8_is_not_rewritten() {
    let server = Server::start();
    let path = server.dir.path().join("riverside.yaml");
    let mut bytes = std::fs::read(&path).expect("read");
    // "Caf\xe9" in Latin-1 in the opening comment, as an old editor might save it.
    let at = bytes
        .windows(9)
        .position(|w| w == b"fictional")
        .expect("the opening comment");
    bytes.splice(at..at, b"Caf\xe9 ".iter().copied());
    std::fs::write(&path, &bytes).expect("write");
    let page = server.page("/r/riverside.yaml/flow/icb-phm");
    let token = hidden(&page, "token");
    let version = hidden(&page, "version");
    let (status, _, body) = server.post(
        "/r/riverside.yaml/flow/icb-phm",
        &[
            ("token", &token),
            ("version", &version),
            ("purpose", "direct-care"),
        ],
        "",
    );
    assert_eq!(status, 409);
    assert!(String::from_utf8_lossy(&body).contains("not saved as UTF-8"));
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

/// A notice to a body other than the ICB is listed, previewed, downloaded as the same PDF
/// `gpdata letter --kind notice` writes, and recorded as sent with its flows.
#[test]
fn notices_are_listed_written_and_recorded() {
    let server = Server::start();
    let page = server.page("/r/westbourne.yaml");
    assert!(page.contains("<li data-notice=\"cprd\">"), "{page}");
    assert!(page.contains("<li data-notice=\"qresearch\">"));
    assert!(server.page("/r/fellside.yaml").contains("none is needed"));
    let preview = server.page("/r/westbourne.yaml/letter?kind=notice&notice=cprd");
    assert!(preview.contains("letter.pdf?kind=notice&amp;notice=cprd"));
    let (status, head, pdf) = server.get("/r/westbourne.yaml/letter.pdf?kind=notice&notice=cprd");
    assert_eq!(status, 200);
    assert!(
        head.contains("filename=\"E85124-notice-cprd.pdf\""),
        "{head}"
    );
    let dir = tempfile::tempdir().expect("folder");
    common::gpdata()
        .args([
            "letter",
            "registers/westbourne.yaml",
            "--kind",
            "notice",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read(dir.path().join("E85124-notice-cprd.pdf")).expect("CLI notice"),
        pdf
    );
    let (status, _, _) = server.get("/r/westbourne.yaml/letter?kind=notice&notice=no-such-flow");
    assert_eq!(status, 400);
    let token = hidden(&page, "token");
    let (status, head, _) = server.post(
        "/r/westbourne.yaml/sent",
        &[
            ("token", &token),
            ("kind", "notice:cprd"),
            ("date", "2026-11-21"),
        ],
        "",
    );
    assert_eq!(status, 303, "{head}");
    let record = std::fs::read_to_string(server.dir.path().join("westbourne.record.yaml"))
        .expect("record written");
    assert!(
        record.contains("  - letter: notice\n    date: 2026-11-21\n"),
        "{record}"
    );
    assert!(record.contains("    flows: [\"cprd\"]\n"), "{record}");
}

/// The whole first-time journey without a text editor: start a register, replace what the
/// starter leaves to fill in through the practice form, and the letter can be written.
#[test]
fn a_new_register_reaches_a_letter_through_the_forms_alone() {
    let server = Server::start();
    let token = hidden(&server.page("/"), "token");
    let (status, _, _) = server.post(
        "/new",
        &[
            ("token", &token),
            ("ods_code", "Y01234"),
            ("practice_name", "Test Surgery"),
            ("icb", "QOQ"),
        ],
        "",
    );
    assert_eq!(status, 303);
    // Until the starter's placeholders are replaced, no letter is written.
    let (status, _, body) = server.get("/r/y01234.yaml/letter.pdf");
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("text from `gpdata init` to replace"));
    let register = server.page("/r/y01234.yaml");
    assert!(
        register.contains("href=\"/r/y01234.yaml/practice\">Fix it</a>"),
        "placeholders link to the practice form"
    );
    let page = server.page("/r/y01234.yaml/practice");
    assert!(page.contains("id=\"f-practice-contractor\""));
    let version = hidden(&page, "version");
    let (status, head, _) = server.post(
        "/r/y01234.yaml/practice",
        &[
            ("token", &token),
            ("version", &version),
            ("practice.address", "1 High Street\r\nTestville\r\nTE1 1ST"),
            ("practice.signatory.name", "Dr Jo Test"),
            ("practice.contractor", "partnership"),
            ("practice.opt_outs.national", "412"),
            ("icb.address", "ICB House\r\nTE2 2ST"),
        ],
        "",
    );
    assert_eq!(status, 303, "{head}");
    let text = server.file("y01234.yaml");
    assert!(!text.contains("  - \"CHANGE ME"), "{text}");
    assert!(text.contains("  address:                        # one line per item, postcode last\n    - 1 High Street\n    - Testville\n    - TE1 1ST\n"), "{text}");
    assert!(text.contains("    national: 412\n"), "{text}");
    let (status, head, pdf) = server.get("/r/y01234.yaml/letter.pdf");
    assert_eq!(status, 200, "{head}");
    assert!(pdf.starts_with(b"%PDF-"));
}
