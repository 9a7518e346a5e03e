//! `gpdata serve`: a web page on the practice manager's own computer for keeping registers.
//!
//! One process, one user: a small synchronous HTTP server bound to 127.0.0.1 answers one request
//! at a time, and every page is rendered on the server from the files as they are on disk, so
//! the files stay the only truth. A form saves by editing the file's text ([`edit`]), changing
//! only the values that changed; the page carries a hash of the file it showed, and a file
//! changed meanwhile is not overwritten. The safety rules (loopback only, Host and Origin
//! checked, a per-run token on every change, file names never taken as paths, a strict
//! Content-Security-Policy) are in [`http`] and [`Server::handle`].

pub mod edit;
pub mod form;
pub mod http;
mod pages;

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use tiny_http::{Method, Request};

use crate::audit::{self, Item, Totals};
use crate::catalogue::Catalogue;
use crate::letter::templates::LetterKind;
use crate::letter::{Extras, LetterOptions, Renderer, templates};
use crate::policy::{self, Policy};
use crate::report::Area;
use crate::source::SourceFile;
use crate::validate::{Env, Loaded};

use edit::{Edit, Place};
use http::{Form, Reply};

/// How the server was started.
pub struct Options {
    /// The folder of registers.
    pub folder: PathBuf,
    /// The port (0: any free one).
    pub port: u16,
    /// Where to listen; 127.0.0.1 unless the user asked otherwise.
    pub address: Option<IpAddr>,
    /// The policy the audit applies.
    pub policy: Policy,
    /// What gpdata knows.
    pub catalogue: &'static Catalogue,
    /// "Today", when fixed by --date; otherwise each request uses the day it is made.
    pub date: Option<Date>,
}

/// The running server's state.
pub struct Server {
    folder: PathBuf,
    policy: Policy,
    catalogue: &'static Catalogue,
    date: Option<Date>,
    token: String,
    port: u16,
    renderer: Renderer,
}

/// Starts the server and answers requests until the process is stopped. Returns why it could
/// not start.
pub fn run(options: Options) -> Result<(), String> {
    let folder = std::fs::canonicalize(&options.folder).map_err(|e| {
        format!(
            "cannot open the folder `{}`: {}",
            crate::source::display_path(&options.folder),
            crate::files::io_reason(&e)
        )
    })?;
    if !folder.is_dir() {
        return Err(format!(
            "`{}` is not a folder; give the folder that holds the registers",
            crate::source::display_path(&options.folder)
        ));
    }
    let address = options.address.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let listener = tiny_http::Server::http(SocketAddr::new(address, options.port)).map_err(|e| {
        format!(
            "cannot listen on {address} port {}: {e}; another program may be using it (try --port 0 for any free port)",
            options.port
        )
    })?;
    let port = listener
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("the server has no network address")?;
    let renderer = templates::resolve(None)
        .and_then(Renderer::new)
        .map_err(|d| d.message.clone())?;
    let server = Server {
        folder,
        policy: options.policy,
        catalogue: options.catalogue,
        date: options.date,
        token: http::new_token()?,
        port,
        renderer,
    };
    let shown = if address.is_loopback() {
        "127.0.0.1".to_string()
    } else {
        address.to_string()
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "gpdata is serving {} at http://{shown}:{port}/ (open it in your browser; Ctrl+C stops it)",
        crate::source::display_path(&options.folder)
    );
    if !address.is_loopback() {
        let _ = writeln!(
            out,
            "warning: listening on {address}: other computers that can reach it can read and change these registers"
        );
    }
    let _ = out.flush();
    drop(out);
    for request in listener.incoming_requests() {
        server.handle(request);
    }
    Ok(())
}

impl Server {
    /// Answers one request.
    fn handle(&self, mut request: Request) {
        if let Some(refusal) = http::refuse_foreign(&request, self.port) {
            return refusal.send(request);
        }
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let query = Form::parse(query.as_bytes());
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let method = request.method().clone();
        let reply = if method == Method::Post {
            match http::read_form(&mut request) {
                Err(reply) => reply,
                Ok(form) => match form.get("token") {
                    Some(t) if http::same_secret(t, &self.token) => self.post(&segments, &form),
                    _ => Reply::text(
                        403,
                        "gpdata: refused: the form did not come from this page (reload the page and try again)",
                    ),
                },
            }
        } else if method == Method::Get || method == Method::Head {
            self.get(&segments, &query)
        } else {
            Reply::text(405, "gpdata: this page only reads and posts forms")
        };
        reply.send(request);
    }

    fn get(&self, segments: &[&str], query: &Form) -> Reply {
        match segments {
            [] => self.home(None),
            ["static", "app.css"] => Reply {
                status: 200,
                content_type: "text/css; charset=utf-8",
                body: pages::CSS.as_bytes().to_vec(),
                headers: Vec::new(),
            },
            ["static", "app.js"] => Reply {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: pages::JS.as_bytes().to_vec(),
                headers: Vec::new(),
            },
            ["area.csv"] => self.area_csv(),
            ["letters.zip"] => self.letters_zip(),
            ["r", file] => {
                let notice = match (query.get("sent"), query.get("removed")) {
                    (Some(date), _) => Some(format!(
                        "The letter is recorded as sent on {date}, in the correspondence record beside the register."
                    )),
                    (_, Some(id)) => {
                        Some(format!("The flow `{id}` was removed from the register."))
                    }
                    _ => None,
                };
                self.with_file(file, |f| self.register_page(f, notice.as_deref()))
            }
            ["r", file, "letter"] => {
                self.with_file(file, |f| self.letter_preview(f, &Wanted::from_form(query)))
            }
            ["r", file, "letter.pdf"] => {
                self.with_file(file, |f| self.letter_pdf(f, &Wanted::from_form(query)))
            }
            ["r", file, "practice"] => {
                self.with_file(file, |f| self.practice_page(f, None, query.has("saved")))
            }
            ["r", file, "flow", id] => {
                self.with_file(file, |f| self.flow_page(f, id, None, query.has("saved")))
            }
            _ => self.not_found(),
        }
    }

    fn post(&self, segments: &[&str], form: &Form) -> Reply {
        match segments {
            ["new"] => self.new_register(form),
            ["r", file, "flows"] => self.with_file(file, |f| self.add_flow(f, form)),
            ["r", file, "sent"] => self.with_file(file, |f| self.record_sent(f, form)),
            ["r", file, "reply"] => self.with_file(file, |f| self.record_reply(f, form)),
            ["r", file, "check"] => self.with_file(file, |f| self.live_check(f, form)),
            ["r", file, "practice"] => self.with_file(file, |f| self.save_practice(f, form)),
            ["r", file, "flow", id] => self.with_file(file, |f| self.save_flow(f, id, form)),
            ["r", file, "flow", id, "delete"] => {
                self.with_file(file, |f| self.delete_flow(f, id, form))
            }
            _ => self.not_found(),
        }
    }

    fn not_found(&self) -> Reply {
        Reply::html(
            404,
            pages::layout(
                "Not found",
                &[],
                "<h1>Page not found</h1><p>That page does not exist. <a href=\"/\">Go to the list of registers</a>.</p>",
            ),
        )
    }

    fn today(&self) -> Date {
        self.date.unwrap_or_else(crate::dates::today)
    }

    fn env(&self) -> Env<'static> {
        Env {
            today: self.today(),
            catalogue: self.catalogue,
        }
    }

    /// The register files in the folder, by name, sorted. Only these names are ever opened:
    /// a name from a request is looked up here, never joined to the folder as a path.
    fn register_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.folder)
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| {
                        let p = Path::new(n);
                        crate::discover::is_yaml(p) && !crate::record::is_record_file(p)
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn with_file(&self, name: &str, then: impl FnOnce(&Opened) -> Reply) -> Reply {
        if !self.register_files().iter().any(|n| n == name) {
            return self.not_found();
        }
        match Opened::read(name, self.folder.join(name)) {
            Ok(opened) => then(&opened),
            Err(why) => Reply::html(
                500,
                pages::layout(
                    "Cannot read",
                    &[],
                    &format!(
                        "<h1>Cannot read {}</h1><p>{}</p>",
                        pages::esc(name),
                        pages::esc(&why)
                    ),
                ),
            ),
        }
    }

    fn load(&self, opened: &Opened) -> Loaded {
        crate::validate::load_path_with(&opened.path, &self.env())
    }

    fn load_text(&self, opened: &Opened, text: &str) -> Loaded {
        let file = SourceFile::new(opened.name.clone(), text.to_string());
        crate::validate::load_with(file, &self.env())
    }

    // ---- pages -------------------------------------------------------------------------------

    fn home(&self, new_error: Option<(&str, &Form)>) -> Reply {
        let env = self.env();
        let files = self.register_files();
        // An LMC's folder holds hundreds of registers: they are read on every core.
        let loaded: Vec<(String, Loaded)> = files
            .par_iter()
            .map(|n| {
                let path = self.folder.join(n);
                (n.clone(), crate::validate::load_path_with(&path, &env))
            })
            .collect();
        let mut totals = Totals::default();
        let mut area = Area::default();
        for (name, l) in &loaded {
            let item = match &l.register {
                Some(register) => Item::Audited(Box::new(audit::audit_register(
                    name,
                    register,
                    &self.policy,
                    env.today,
                ))),
                None => Item::Skipped {
                    file: name.clone(),
                    diags: l.diags.clone(),
                },
            };
            totals.add(&item);
            match &item {
                Item::Audited(a) => area.register(a),
                Item::Skipped { file, diags } => area.skipped(file, diags),
            }
        }
        let body = pages::home(
            &self.folder_name(),
            &loaded,
            &area,
            &totals,
            &self.token,
            new_error,
        );
        Reply::html(
            if new_error.is_some() { 400 } else { 200 },
            pages::layout("Registers", &[], &body),
        )
    }

    fn folder_name(&self) -> String {
        self.folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| crate::source::display_path(&self.folder))
    }

    fn register_page(&self, opened: &Opened, notice: Option<&str>) -> Reply {
        let loaded = self.load(opened);
        let audit = loaded.register.as_ref().map(|r| {
            let decisions = policy::evaluate(&self.policy, r, self.today());
            (r, decisions)
        });
        let body = pages::register(
            opened,
            &loaded,
            audit.as_ref().map(|(r, d)| (*r, d.as_slice())),
            self.catalogue,
            &self.token,
            self.today(),
            notice,
        );
        let title = loaded
            .register
            .as_ref()
            .map_or(opened.name.clone(), |r| r.practice.name.clone());
        Reply::html(200, pages::layout(&title, &[(&opened.name, None)], &body))
    }

    fn practice_page(&self, opened: &Opened, message: Option<(u16, &str)>, saved: bool) -> Reply {
        let loaded = self.load(opened);
        let root = parse_tree(&opened.text);
        let body = pages::practice(
            self.catalogue,
            opened,
            root.as_ref(),
            &loaded,
            &self.token,
            status(message, saved),
        );
        Reply::html(
            message.map_or(200, |m| m.0),
            pages::layout(
                "Practice and ICB",
                &[(
                    &opened.name,
                    Some(format!("/r/{}", pages::url(&opened.name))),
                )],
                &body,
            ),
        )
    }

    fn flow_page(
        &self,
        opened: &Opened,
        id: &str,
        message: Option<(u16, &str)>,
        saved: bool,
    ) -> Reply {
        let root = parse_tree(&opened.text);
        let Some(item) = root.as_ref().and_then(|r| edit::find_flow(r, id)) else {
            return self.not_found();
        };
        let loaded = self.load(opened);
        let explanation = loaded.register.as_ref().and_then(|r| {
            let flow = r.flows.iter().find(|f| f.id == id)?;
            let decisions = policy::evaluate(&self.policy, r, self.today());
            let index = r.flows.iter().position(|f| f.id == id)?;
            let text = crate::explain::explain(
                &opened.name,
                flow,
                &decisions[index],
                &self.policy,
                self.catalogue,
            );
            Some((flow, decisions[index].outcome, text))
        });
        let body = pages::flow(
            self.catalogue,
            opened,
            (id, item),
            &loaded,
            explanation.as_ref().map(|(f, o, t)| (*f, *o, t.as_str())),
            &self.token,
            status(message, saved),
        );
        Reply::html(
            message.map_or(200, |m| m.0),
            pages::layout(
                id,
                &[(
                    &opened.name,
                    Some(format!("/r/{}", pages::url(&opened.name))),
                )],
                &body,
            ),
        )
    }

    fn letter(&self, opened: &Opened, wanted: &Wanted) -> Result<Written, Reply> {
        let kind = wanted.kind;
        let loaded = self.load(opened);
        let Some(register) = loaded.register else {
            return Err(self.refused(
                opened,
                Some("The register has errors (listed below); fix them to write the letter."),
            ));
        };
        if let Some(d) = loaded
            .diags
            .iter()
            .find(|d| d.code == crate::diag::Code::PlaceholderText)
        {
            let message = format!(
                "The register still has text from `gpdata init` to replace ({}); the letter would print it.",
                d.message
            );
            return Err(self.refused(opened, Some(&message)));
        }
        if kind == LetterKind::FollowUp
            && loaded
                .record
                .as_ref()
                .is_none_or(|r| r.icb_letters().next().is_none())
        {
            return Err(self.refused(
                opened,
                Some("A follow-up cites the first letter: record the enquiry as sent first."),
            ));
        }
        let decisions = policy::evaluate(&self.policy, &register, self.today());
        let notice = match (kind, &wanted.notice) {
            (LetterKind::Notice, Some(key)) => {
                let found = crate::letter::sequence::notice_groups(&register, &decisions)
                    .into_iter()
                    .find(|g| g.key() == key);
                match found {
                    Some(group) => Some(group),
                    None => {
                        return Err(self.refused(
                            opened,
                            Some("The register no longer calls for that notice; the page lists the notices it does."),
                        ));
                    }
                }
            }
            (LetterKind::Notice, None) => return Err(self.not_found()),
            _ => None,
        };
        let options = LetterOptions {
            kind,
            date: self.today(),
            reply_days: 28,
            reference: None,
            previous_date: None,
            previous_reference: None,
            omit_supplier_names: false,
        };
        let extras = Extras {
            record: loaded.record.as_ref(),
            notice: notice.as_ref(),
        };
        match self.renderer.render_with(
            &register,
            &decisions,
            &self.policy,
            self.catalogue,
            &options,
            extras,
        ) {
            Ok(letter) => {
                let ods = &register.practice.ods_code;
                let file_name = match &notice {
                    Some(group) => format!("{ods}-notice-{}.pdf", group.key()),
                    None => format!("{ods}-{}.pdf", kind.as_str()),
                };
                Ok(Written {
                    letter,
                    file_name,
                    register,
                    options,
                    notice,
                })
            }
            Err(d) => Err(Reply::html(
                500,
                pages::layout(
                    "Letter",
                    &[],
                    &format!(
                        "<h1>The letter could not be written</h1><p>{}</p>",
                        pages::esc(&d.message)
                    ),
                ),
            )),
        }
    }

    fn letter_preview(&self, opened: &Opened, wanted: &Wanted) -> Reply {
        match self.letter(opened, wanted) {
            Err(reply) => reply,
            Ok(written) => {
                let body = pages::letter(opened, &written.letter, &wanted.query());
                Reply::html(
                    200,
                    pages::layout(
                        "Letter",
                        &[(
                            &opened.name,
                            Some(format!("/r/{}", pages::url(&opened.name))),
                        )],
                        &body,
                    ),
                )
            }
        }
    }

    fn letter_pdf(&self, opened: &Opened, wanted: &Wanted) -> Reply {
        match self.letter(opened, wanted) {
            Err(reply) => reply,
            Ok(Written {
                letter, file_name, ..
            }) => {
                let name = file_name;
                match crate::pdf::render(
                    &letter,
                    crate::pdf::PdfOptions {
                        tagged: true,
                        pdfa: false,
                    },
                ) {
                    Ok(bytes) => Reply::download("application/pdf", &name, bytes),
                    Err(e) => Reply::text(500, &format!("gpdata: the PDF could not be made: {e}")),
                }
            }
        }
    }

    fn area_csv(&self) -> Reply {
        let inputs: Vec<crate::discover::Input> = self
            .register_files()
            .into_iter()
            .map(|n| crate::discover::Input::File(self.folder.join(n)))
            .collect();
        let env = self.env();
        let Ok(workers) = crate::workers::Workers::new(Some(1), inputs.len()) else {
            return Reply::text(500, "gpdata: cannot start the audit");
        };
        let mut totals = Totals::default();
        let Ok(mut writer) = audit::csv::Writer::new(Vec::new(), audit::View::Flows) else {
            return Reply::text(500, "gpdata: the CSV could not be written");
        };
        let mut failed = false;
        audit::run(&inputs, &self.policy, &env, &workers, |item| {
            totals.add(&item);
            let written = match &item {
                Item::Audited(a) => writer.register(a),
                Item::Skipped { file, diags } => writer.skipped(file, diags),
            };
            failed |= written.is_err();
        });
        match writer.finish_into(&totals) {
            Ok(out) if !failed => Reply::download("text/csv; charset=utf-8", "area.csv", out),
            _ => Reply::text(500, "gpdata: the CSV could not be written"),
        }
    }

    fn letters_zip(&self) -> Reply {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        let mut readme = String::from("Enquiry letters written by gpdata serve.\n");
        for name in self.register_files() {
            let Ok(opened) = Opened::read(&name, self.folder.join(&name)) else {
                continue;
            };
            match self.letter(&opened, &Wanted::enquiry()) {
                Err(_) => readme.push_str(&format!(
                    "{name}: no letter (the register has errors or text to replace)\n"
                )),
                Ok(Written {
                    letter,
                    file_name: pdf_name,
                    ..
                }) => {
                    match crate::pdf::render(
                        &letter,
                        crate::pdf::PdfOptions {
                            tagged: true,
                            pdfa: false,
                        },
                    ) {
                        Ok(pdf) => {
                            if zip.start_file(pdf_name.as_str(), stored).is_err()
                                || zip.write_all(&pdf).is_err()
                            {
                                return Reply::text(500, "gpdata: the zip file could not be made");
                            }
                            readme.push_str(&format!("{name}: {pdf_name}\n"));
                        }
                        Err(e) => readme.push_str(&format!("{name}: no letter ({e})\n")),
                    }
                }
            }
        }
        if zip.start_file("README.txt", stored).is_err()
            || zip.write_all(readme.as_bytes()).is_err()
        {
            return Reply::text(500, "gpdata: the zip file could not be made");
        }
        match zip.finish() {
            Ok(cursor) => Reply::download("application/zip", "letters.zip", cursor.into_inner()),
            Err(_) => Reply::text(500, "gpdata: the zip file could not be made"),
        }
    }

    // ---- changes -----------------------------------------------------------------------------

    fn new_register(&self, form: &Form) -> Reply {
        let ods = form.get("ods_code").unwrap_or("");
        let icb = form.get("icb").unwrap_or("");
        let name = form.get("practice_name").unwrap_or("").trim();
        let text = match crate::cli::init::starting_register(self.catalogue, ods, icb, self.today())
        {
            Ok(text) => text,
            Err(message) => return self.home(Some((&message, form))),
        };
        let file = format!("{}.yaml", ods.trim().to_lowercase());
        if self
            .register_files()
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&file))
            || self.folder.join(&file).exists()
        {
            return self.home(Some((
                &format!("a register `{file}` is already in this folder; open it from the list"),
                form,
            )));
        }
        let text = if name.is_empty() {
            text
        } else {
            match edit::apply(
                &text,
                &[Edit {
                    place: Place::Top,
                    path: vec!["practice".into(), "name".into()],
                    value: edit::NewValue::Text(name.to_string()),
                    order: Vec::new(),
                }],
            ) {
                Ok(t) => t,
                Err(e) => return self.home(Some((&e.to_string(), form))),
            }
        };
        let path = self.folder.join(&file);
        if let Err(e) = crate::output::write_atomic(&path, text.as_bytes()) {
            return self.home(Some((
                &format!("cannot write `{file}`: {}", crate::files::io_reason(&e)),
                form,
            )));
        }
        let _ = crate::cli::init::write_schema(&self.folder.join("gpdata.schema.json"));
        Reply::redirect(&format!("/r/{}", pages::url(&file)))
    }

    /// Refuses a change to a file that is no longer what the page showed.
    fn stale(&self, opened: &Opened, form: &Form) -> bool {
        form.get("version").is_some_and(|v| v != opened.version)
    }

    fn save(&self, opened: &Opened, text: &str) -> Result<(), String> {
        if let Some(why) = &opened.unwritable {
            return Err(why.clone());
        }
        // Read the file again just before writing: a change made since this request began wins.
        if std::fs::read(&opened.path).ok().as_deref() != Some(opened.raw.as_slice()) {
            return Err("the file changed on disk while saving; nothing was written".into());
        }
        crate::output::write_atomic(&opened.path, &opened.bytes_of(text)).map_err(|e| {
            format!(
                "cannot save `{}`: {}",
                opened.name,
                crate::files::io_reason(&e)
            )
        })
    }

    fn save_flow(&self, opened: &Opened, id: &str, form: &Form) -> Reply {
        if self.stale(opened, form) {
            return self.flow_page(opened, id, Some((409, CONFLICT)), false);
        }
        let Some(root) = parse_tree(&opened.text) else {
            return self.flow_page(
                opened,
                id,
                Some((
                    409,
                    "The file cannot be read as it stands; fix the error shown in a text editor.",
                )),
                false,
            );
        };
        let Some(item) = edit::find_flow(&root, id) else {
            return self.not_found();
        };
        let edits = form::edits(
            &opened.text,
            item,
            &Place::Flow(id.to_string()),
            &form::flow_fields(),
            form,
        );
        self.apply_and_save(
            opened,
            &edits,
            |s, o, m| s.flow_page(o, id, m, false),
            &format!(
                "/r/{}/flow/{}?saved",
                pages::url(&opened.name),
                pages::url(id)
            ),
        )
    }

    fn save_practice(&self, opened: &Opened, form: &Form) -> Reply {
        if self.stale(opened, form) {
            return self.practice_page(opened, Some((409, CONFLICT)), false);
        }
        let Some(root) = parse_tree(&opened.text) else {
            return self.practice_page(
                opened,
                Some((
                    409,
                    "The file cannot be read as it stands; fix the error shown in a text editor.",
                )),
                false,
            );
        };
        let edits = form::edits(
            &opened.text,
            &root,
            &Place::Top,
            &form::practice_fields(),
            form,
        );
        self.apply_and_save(
            opened,
            &edits,
            |s, o, m| s.practice_page(o, m, false),
            &format!("/r/{}/practice?saved", pages::url(&opened.name)),
        )
    }

    fn apply_and_save(
        &self,
        opened: &Opened,
        edits: &[Edit],
        page: impl Fn(&Server, &Opened, Option<(u16, &str)>) -> Reply,
        then: &str,
    ) -> Reply {
        if edits.is_empty() {
            return Reply::redirect(then);
        }
        let text = match edit::apply(&opened.text, edits) {
            Ok(t) => t,
            Err(e) => return page(self, opened, Some((409, &e.to_string()))),
        };
        match self.save(opened, &text) {
            Ok(()) => Reply::redirect(then),
            Err(message) => page(self, opened, Some((409, &message))),
        }
    }

    fn add_flow(&self, opened: &Opened, form: &Form) -> Reply {
        let id = form.get("id").unwrap_or("").trim().to_string();
        let catalogue = form.get("catalogue").unwrap_or("").trim().to_string();
        let name = form.get("name").unwrap_or("").trim().to_string();
        let id = if id.is_empty() { catalogue.clone() } else { id };
        let problem = if id.is_empty() {
            Some("give the new flow a short id (lower-case letters, digits and hyphens), or choose it from the catalogue".to_string())
        } else if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            Some(format!(
                "`{id}` cannot be a flow id: use lower-case letters, digits and hyphens, e.g. icb-phm"
            ))
        } else if parse_tree(&opened.text).is_some_and(|r| edit::find_flow(&r, &id).is_some()) {
            Some(format!("the register already has a flow `{id}`"))
        } else if !catalogue.is_empty() && self.catalogue.entry(&catalogue).is_none() {
            Some(format!("`{catalogue}` is not in gpdata's catalogue"))
        } else {
            None
        };
        if let Some(problem) = problem {
            return self.refused(opened, Some(&problem));
        }
        let mut fields = vec![("id", id.clone())];
        if !catalogue.is_empty() {
            fields.push(("catalogue", catalogue));
        }
        if !name.is_empty() {
            fields.push(("name", name));
        }
        let text = match edit::add_flow(&opened.text, &fields) {
            Ok(t) => t,
            Err(e) => return self.refused(opened, Some(&e.to_string())),
        };
        match self.save(opened, &text) {
            Ok(()) => Reply::redirect(&format!(
                "/r/{}/flow/{}",
                pages::url(&opened.name),
                pages::url(&id)
            )),
            Err(message) => self.refused(opened, Some(&message)),
        }
    }

    fn delete_flow(&self, opened: &Opened, id: &str, form: &Form) -> Reply {
        if self.stale(opened, form) {
            return self.flow_page(opened, id, Some((409, CONFLICT)), false);
        }
        let text = match edit::remove_flow(&opened.text, id) {
            Ok(t) => t,
            Err(e) => return self.flow_page(opened, id, Some((409, &e.to_string())), false),
        };
        match self.save(opened, &text) {
            Ok(()) => Reply::redirect(&format!(
                "/r/{}?removed={}",
                pages::url(&opened.name),
                pages::url(id)
            )),
            Err(message) => self.flow_page(opened, id, Some((409, &message)), false),
        }
    }

    /// The diagnostics the form's values would give, without saving: the page's live check.
    fn live_check(&self, opened: &Opened, form: &Form) -> Reply {
        let (place, fields) = match form.get("flow") {
            Some(id) => (Place::Flow(id.to_string()), form::flow_fields()),
            None => (Place::Top, form::practice_fields()),
        };
        let Some(root) = parse_tree(&opened.text) else {
            return json_reply(
                &serde_json::json!({"fields": {}, "other": ["The file cannot be read as it stands."], "count": 1}),
            );
        };
        let node = match &place {
            Place::Flow(id) => edit::find_flow(&root, id),
            Place::Top => Some(&root),
        };
        let Some(node) = node else {
            return json_reply(&serde_json::json!({"fields": {}, "other": [STALE], "count": 1}));
        };
        let edits = form::edits(&opened.text, node, &place, &fields, form);
        let text = match edit::apply(&opened.text, &edits) {
            Ok(t) => t,
            Err(e) => {
                return json_reply(
                    &serde_json::json!({"fields": {}, "other": [e.to_string()], "count": 1}),
                );
            }
        };
        let loaded = self.load_text(opened, &text);
        let new_root = parse_tree(&text);
        let new_node = new_root.as_ref().and_then(|r| match &place {
            Place::Flow(id) => edit::find_flow(r, id),
            Place::Top => Some(r),
        });
        let within = match (&place, new_node) {
            (Place::Flow(_), Some(n)) => Some(n.span.offset..edit::end_of(&text, n)),
            _ => None,
        };
        let sorted = form::by_field(&text, new_node, &fields, &loaded.diags, within);
        let mut by_field = serde_json::Map::new();
        let mut other = Vec::new();
        let mut count = 0;
        for (path, diags) in sorted {
            let messages: Vec<serde_json::Value> =
                diags.iter().map(|d| pages::diag_json(d)).collect();
            count += messages.len();
            if path.is_empty() {
                other.extend(messages);
            } else {
                by_field.insert(path, serde_json::Value::Array(messages));
            }
        }
        json_reply(&serde_json::json!({"fields": by_field, "other": other, "count": count}))
    }

    fn record_sent(&self, opened: &Opened, form: &Form) -> Reply {
        let date = match form.get("date").map(str::trim) {
            Some(d) if !d.is_empty() => match crate::dates::parse(d) {
                Ok(date) => date,
                Err(e) => return self.refused(opened, Some(&format!("The date sent: {e}"))),
            },
            _ => self.today(),
        };
        let wanted = Wanted::from_form(form);
        let sent = match self.letter(opened, &wanted) {
            Err(reply) => return reply,
            Ok(mut written) => {
                written.options.date = date;
                // The letter as it was on the day it was sent: its reference and questions.
                let Some(sent) = crate::letter::sequence::sent(
                    &written.register,
                    &written.letter,
                    &written.options,
                    written.notice.as_ref(),
                ) else {
                    return self.not_found();
                };
                (sent, written.register)
            }
        };
        let (sent, register) = sent;
        let path = crate::record::path_for(&opened.path);
        match crate::record::write::add_letter(
            &path,
            &register.practice.ods_code,
            &register.practice.name,
            &sent,
        ) {
            Ok(()) => Reply::redirect(&format!(
                "/r/{}?sent={}",
                pages::url(&opened.name),
                sent.date
            )),
            Err(e) => self.refused(opened, Some(&e.to_string())),
        }
    }
}

impl Server {
    fn record_reply(&self, opened: &Opened, form: &Form) -> Reply {
        use crate::record::{Answer, AnswerStatus, StockReply};
        use crate::register::Choice;
        let loaded = self.load(opened);
        let Some(record) = loaded.record else {
            return self.refused(
                opened,
                Some("The practice has no correspondence record yet: record the letter as sent first."),
            );
        };
        let reference = form.get("letter").unwrap_or("");
        let Some(letter) = record.icb_letters().find(|l| l.reference == reference) else {
            return self.refused(opened, Some(STALE_RECORD));
        };
        let date = match crate::dates::parse(form.get("date").unwrap_or("").trim()) {
            Ok(d) => d,
            Err(e) => {
                return self.refused(opened, Some(&format!("The date of the reply: {e}")));
            }
        };
        if date < letter.date {
            return self.refused(
                opened,
                Some(&format!(
                    "The reply is dated before the letter it answers ({}).",
                    letter.date
                )),
            );
        }
        let from = form.get("from").unwrap_or("").trim();
        if from.is_empty() {
            return self.refused(opened, Some("Say who the reply is from."));
        }
        let stock = form.get("stock").and_then(StockReply::from_word);
        let mut answers = Vec::new();
        for q in &letter.asked {
            let status = form
                .get(&format!("status:{}", q.id))
                .and_then(AnswerStatus::from_word)
                .unwrap_or_default();
            let text = |key: &str| {
                form.get(&format!("{key}:{}", q.id))
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            };
            let summary = text("summary");
            let redirected_to = text("to");
            if status == AnswerStatus::NotAnswered && summary.is_none() {
                continue;
            }
            answers.push(Answer {
                question: q.id.clone(),
                status,
                summary,
                redirected_to,
                flow: None,
                establishes: Vec::new(),
                span: Default::default(),
            });
        }
        let reply = crate::record::Reply {
            date,
            from: from.to_string(),
            answers_letter: letter.reference.clone(),
            stock,
            answers,
            span: Default::default(),
        };
        let path = crate::record::path_for(&opened.path);
        match crate::record::write::add_reply(&path, &reply) {
            Ok(()) => Reply::redirect(&format!("/r/{}?replied", pages::url(&opened.name))),
            Err(e) => self.refused(opened, Some(&e.to_string())),
        }
    }
}

impl Server {
    /// The register's page with why a form or a letter was not acted on (status 400).
    fn refused(&self, opened: &Opened, why: Option<&str>) -> Reply {
        let mut reply = self.register_page(opened, why);
        reply.status = 400;
        reply
    }
}

const STALE_RECORD: &str = "The correspondence record no longer has that letter; reload the page.";

const CONFLICT: &str = "The file was changed on disk after this page was opened (by another program or another browser tab), so nothing was saved. The page now shows the file as it is; make your change again.";

const STALE: &str = "The file no longer has this flow; reload the page.";

/// The letter a page or form asks for: `kind=follow-up`, `kind=actions` or
/// `kind=notice&notice=FLOW` (the notice about that flow and the others going to the same body);
/// anything else is the enquiry.
pub struct Wanted {
    kind: LetterKind,
    /// For a notice: the id of its first flow.
    notice: Option<String>,
}

impl Wanted {
    fn enquiry() -> Wanted {
        Wanted {
            kind: LetterKind::Enquiry,
            notice: None,
        }
    }

    fn from_form(form: &Form) -> Wanted {
        let kind = match form.get("kind") {
            Some("follow-up") => LetterKind::FollowUp,
            Some("actions") => LetterKind::Actions,
            Some("notice") => LetterKind::Notice,
            // The "letter sent" list names a notice as `notice:FLOW`.
            Some(k) if k.starts_with("notice:") => {
                return Wanted {
                    kind: LetterKind::Notice,
                    notice: Some(k["notice:".len()..].to_string()),
                };
            }
            _ => LetterKind::Enquiry,
        };
        Wanted {
            kind,
            notice: form.get("notice").map(String::from),
        }
    }

    /// The query that asks for this letter again (for the preview's download link).
    fn query(&self) -> String {
        match &self.notice {
            Some(key) if self.kind == LetterKind::Notice => {
                format!("?kind=notice&notice={}", pages::url(key))
            }
            _ if self.kind == LetterKind::Enquiry => String::new(),
            _ => format!("?kind={}", self.kind.as_str()),
        }
    }
}

/// A letter written for the page: what it says, its file name, and what it was written from.
struct Written {
    letter: crate::letter::Letter,
    file_name: String,
    register: crate::register::Register,
    options: LetterOptions,
    notice: Option<crate::letter::sequence::NoticeGroup>,
}

fn status<'a>(message: Option<(u16, &'a str)>, saved: bool) -> pages::Status<'a> {
    match (message, saved) {
        (Some((_, m)), _) => pages::Status::Refused(m),
        (None, true) => pages::Status::Saved,
        (None, false) => pages::Status::Quiet,
    }
}

/// A register file as one request found it.
pub struct Opened {
    /// Its file name in the folder.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
    /// Its text (without a byte-order mark; line ends as written).
    pub text: String,
    /// A hash of its bytes, carried by forms to notice changes made meanwhile.
    pub version: String,
    /// Its bytes as read, to notice a change just before writing.
    raw: Vec<u8>,
    /// It starts with a UTF-8 byte-order mark (as Notepad may save), kept when saving.
    bom: bool,
    /// Its lines end in CR LF (as Windows editors write), kept for lines the page adds.
    crlf: bool,
    /// Why the page must not write it, when it must not (not UTF-8: rewriting it would change
    /// every byte).
    unwritable: Option<String>,
}

impl Opened {
    /// Reads a register file, up to gpdata's size limit for inputs.
    fn read(name: &str, path: PathBuf) -> Result<Opened, String> {
        let size = std::fs::metadata(&path)
            .map_err(|e| crate::files::io_reason(&e))?
            .len();
        if size > crate::limits::MAX_FILE_BYTES {
            return Err(format!(
                "the file is {size} bytes, more than gpdata reads ({} MB)",
                crate::limits::MAX_FILE_BYTES / (1024 * 1024)
            ));
        }
        let raw = std::fs::read(&path).map_err(|e| crate::files::io_reason(&e))?;
        let bom = raw.starts_with(b"\xEF\xBB\xBF");
        let body = if bom { &raw[3..] } else { &raw[..] };
        let (text, unwritable) = match std::str::from_utf8(body) {
            Ok(t) => (t.to_string(), None),
            Err(_) => (
                String::from_utf8_lossy(body).into_owned(),
                Some("the file is not saved as UTF-8 text, so the page cannot change it without rewriting all of it; save it as UTF-8 in a text editor first".to_string()),
            ),
        };
        let crlf = text.contains("\r\n");
        Ok(Opened {
            name: name.to_string(),
            path,
            version: version_of(&raw),
            text,
            raw,
            bom,
            crlf,
            unwritable,
        })
    }

    /// The bytes to write for `text`: the file's own byte-order mark and line ends kept.
    fn bytes_of(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        if self.crlf {
            // Only the lines the page added end in a bare LF.
            let mut previous = '\0';
            for c in text.chars() {
                if c == '\n' && previous != '\r' {
                    out.push(b'\r');
                }
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                previous = c;
            }
        } else {
            out.extend_from_slice(text.as_bytes());
        }
        out
    }
}

/// A short, stable hash of a file's bytes (FNV-1a, 64 bits): only to notice a change, not a
/// secret.
fn version_of(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}-{}", bytes.len())
}

fn parse_tree(text: &str) -> Option<crate::yaml::Node> {
    let file: Arc<SourceFile> = SourceFile::new("register", text.to_string());
    crate::yaml::parse(&file).ok()
}

fn json_reply(value: &serde_json::Value) -> Reply {
    Reply {
        status: 200,
        content_type: "application/json",
        body: value.to_string().into_bytes(),
        headers: Vec::new(),
    }
}
