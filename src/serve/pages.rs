//! The web page's HTML: plain server-rendered pages in the manner of NHS and GOV.UK services
//! (one column, large labels, hints under labels, errors beside the field they concern).

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::catalogue::Catalogue;
use crate::diag::Diagnostic;
use crate::policy::{Decision, Outcome};
use crate::register::{Choice, Flow, Register};
use crate::report::Area;
use crate::validate::Loaded;
use crate::yaml::Node;

use super::Opened;
use super::edit;
use super::form::{self, Control, Field};
use super::http::Form;

/// The page's stylesheet.
pub const CSS: &str = include_str!("app.css");
/// The page's one script: the live check and the confirmation before removing a flow.
pub const JS: &str = include_str!("app.js");

pub use crate::report::esc;

/// What must be escaped in a path segment: everything but letters, digits and `-._~` and the
/// few marks file names commonly hold.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'+')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file name or id as a path segment of an address.
pub fn url(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

/// A whole page: header, breadcrumbs (text, link), and the main content.
pub fn layout(title: &str, crumbs: &[(&str, Option<String>)], main: &str) -> String {
    let mut nav = String::from("<a href=\"/\">Registers</a>");
    for (text, link) in crumbs {
        match link {
            Some(href) => {
                let _ = write!(nav, " › <a href=\"{}\">{}</a>", esc(href), esc(text));
            }
            None => {
                let _ = write!(nav, " › <span aria-current=\"page\">{}</span>", esc(text));
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} – gpdata</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to main content</a>\n<header class=\"top\"><span class=\"brand\">gpdata</span> <span class=\"tag\">the practice's data flows, on this computer only</span></header>\n<nav class=\"crumbs\" aria-label=\"Breadcrumb\">{nav}</nav>\n<main id=\"main\">\n{main}\n</main>\n<footer class=\"foot\">gpdata {} · the files in the folder are the record; this page only reads and edits them.</footer>\n</body>\n</html>\n",
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn token_input(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"token\" value=\"{}\">",
        esc(token)
    )
}

/// A diagnostic for the live check's JSON.
pub fn diag_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": if d.is_error() { "error" } else { "warning" },
        "code": d.code.as_str(),
        "message": d.message,
        "help": d.help,
    })
}

fn diag_item(d: &Diagnostic, link: Option<String>) -> String {
    let class = if d.is_error() { "error" } else { "warning" };
    let mut out = format!(
        "<li class=\"{class}\" data-code=\"{}\"><strong>{}</strong> {}",
        d.code.as_str(),
        if d.is_error() { "Error:" } else { "Warning:" },
        esc(&d.message)
    );
    if let Some(span) = d.span {
        let _ = write!(out, " <span class=\"where\">(line {})</span>", span.line);
    }
    if let Some(help) = &d.help {
        let _ = write!(out, "<br><span class=\"help\">{}</span>", esc(help));
    }
    if let Some(link) = link {
        let _ = write!(out, " <a href=\"{}\">Fix it</a>", esc(&link));
    }
    out.push_str("</li>");
    out
}

// ---- home -----------------------------------------------------------------------------------

/// The folder's page: its registers, a form to start one, and the area at a glance.
pub fn home(
    folder: &str,
    loaded: &[(String, Loaded)],
    area: &Area,
    totals: &crate::audit::Totals,
    token: &str,
    new_error: Option<(&str, &Form)>,
) -> String {
    let mut out = format!("<h1>Registers in {}</h1>\n", esc(folder));
    if loaded.is_empty() {
        out.push_str("<p>There is no register in this folder yet. Start one below.</p>\n");
    } else {
        out.push_str("<table id=\"registers\">\n<caption>Each register in the folder</caption>\n<thead><tr><th scope=\"col\">Practice</th><th scope=\"col\">File</th><th scope=\"col\">Flows</th><th scope=\"col\">Problems</th></tr></thead>\n<tbody>\n");
        for (name, l) in loaded {
            let errors = l.diags.iter().filter(|d| d.is_error()).count();
            let warnings = l.diags.len() - errors;
            let practice = l.register.as_ref().map_or_else(
                || "(cannot be read until its errors are fixed)".to_string(),
                |r| format!("{} ({})", r.practice.name, r.practice.ods_code),
            );
            let flows = l
                .register
                .as_ref()
                .map_or(String::from("–"), |r| r.flows.len().to_string());
            let problems = match (errors, warnings) {
                (0, 0) => "<td>None</td>".to_string(),
                (0, w) => format!("<td class=\"warnings\">{w} {}</td>", plural(w, "warning")),
                (e, w) => format!(
                    "<td class=\"errors\">{e} {}{}</td>",
                    plural(e, "error"),
                    if w > 0 {
                        format!(", {w} {}", plural(w, "warning"))
                    } else {
                        String::new()
                    }
                ),
            };
            let _ = writeln!(
                out,
                "<tr data-file=\"{}\"><th scope=\"row\"><a class=\"open\" href=\"/r/{}\">{}</a></th><td>{}</td><td class=\"n\">{flows}</td>{problems}</tr>",
                esc(name),
                url(name),
                esc(&practice),
                esc(name)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    out.push_str("<h2 id=\"start\">Start a register</h2>\n<p>gpdata writes a register with every national flow a practice has already listed, from its catalogue. You then confirm each one and add your local flows.</p>\n");
    let (message, ods, name, icb) = match new_error {
        Some((m, f)) => (
            Some(m),
            f.get("ods_code").unwrap_or(""),
            f.get("practice_name").unwrap_or(""),
            f.get("icb").unwrap_or(""),
        ),
        None => (None, "", "", ""),
    };
    let _ = write!(
        out,
        "<form id=\"new-register\" method=\"post\" action=\"/new\" novalidate>{}",
        token_input(token)
    );
    if let Some(m) = message {
        let _ = write!(
            out,
            "<p class=\"field-error\" role=\"alert\" id=\"new-error\">{}</p>",
            esc(m)
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"field\"><label for=\"new-ods\">Practice ODS code</label><p class=\"hint\" id=\"h-new-ods\">One letter and five digits, e.g. B82005.</p><input id=\"new-ods\" name=\"ods_code\" class=\"short\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"h-new-ods\" value=\"{}\"></div>\
         <div class=\"field\"><label for=\"new-name\">Practice name</label><p class=\"hint\" id=\"h-new-name\">As on the practice's letterhead.</p><input id=\"new-name\" name=\"practice_name\" aria-describedby=\"h-new-name\" value=\"{}\"></div>\
         <div class=\"field\"><label for=\"new-icb\">ICB ODS code</label><p class=\"hint\" id=\"h-new-icb\">The practice's integrated care board, e.g. QOQ for Humber and North Yorkshire.</p><input id=\"new-icb\" name=\"icb\" class=\"short\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"h-new-icb\" value=\"{}\"></div>\
         <button id=\"new-submit\" type=\"submit\">Start the register</button></form>",
        esc(ods),
        esc(name),
        esc(icb)
    );

    out.push_str("<section id=\"area\" aria-labelledby=\"area-heading\">\n<h2 id=\"area-heading\">The area at a glance</h2>\n");
    let _ = writeln!(
        out,
        "<p>{} of {} {} audited. <a id=\"area-csv\" href=\"/area.csv\" download>Download the area's audit (CSV)</a> · <a id=\"all-letters\" href=\"/letters.zip\" download>Download every letter (zip of PDFs)</a></p>",
        area.practices(),
        loaded.len(),
        if loaded.len() == 1 {
            "register"
        } else {
            "registers"
        }
    );
    out.push_str(&crate::report::sections(area, totals));
    out.push_str("</section>\n");
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

// ---- register -------------------------------------------------------------------------------

/// A register's page: its problems, the audit, the letter, and a form to add a flow.
pub fn register(
    opened: &Opened,
    loaded: &Loaded,
    audit: Option<(&Register, &[Decision])>,
    catalogue: &Catalogue,
    token: &str,
    today: Date,
    notice: Option<&str>,
) -> String {
    let file = url(&opened.name);
    let mut out = String::new();
    let title = audit.map_or(opened.name.clone(), |(r, _)| r.practice.name.clone());
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    if let Some(n) = notice {
        let _ = writeln!(
            out,
            "<div class=\"notice\" role=\"alert\" id=\"notice\"><p>{}</p></div>",
            esc(n)
        );
    }
    if let Some((r, decisions)) = audit {
        let count = |o: Outcome| decisions.iter().filter(|d| d.outcome == o).count();
        let _ = writeln!(
            out,
            "<p class=\"lead\" id=\"summary\">{} {}: {}. <a href=\"#audit-heading\">See the audit</a> · <a href=\"#letter-heading\">The letter</a></p>",
            r.flows.len(),
            plural(r.flows.len(), "flow"),
            esc(&crate::audit::table::outcome_sentence(count))
        );
    }
    if let Some((r, _)) = audit {
        let _ = writeln!(
            out,
            "<p class=\"meta\">{} · ODS {} · ICB: {} ({}) · file {} · <a href=\"/r/{file}/practice\">Edit the practice and ICB details</a></p>",
            esc(&r.practice.name),
            esc(&r.practice.ods_code),
            esc(&r.icb.name),
            esc(&r.icb.ods_code),
            esc(&opened.name)
        );
    } else {
        let _ = writeln!(
            out,
            "<p class=\"meta\">File {} · <a href=\"/r/{file}/practice\">Edit the practice and ICB details</a></p>",
            esc(&opened.name)
        );
    }

    // Problems, each linked to the flow it is in.
    let root = super::parse_tree(&opened.text);
    let flow_ranges: Vec<(String, std::ops::Range<usize>)> = root
        .as_ref()
        .and_then(|r| edit::entry(r, "flows"))
        .and_then(|(_, v)| match &v.value {
            crate::yaml::Value::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|i| {
                        let id = edit::flow_id(i)?.to_string();
                        Some((id, i.span.offset..edit::end_of(&opened.text, i)))
                    })
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    let errors = loaded.diags.iter().filter(|d| d.is_error()).count();
    let _ = writeln!(
        out,
        "<h2 id=\"problems\">Problems</h2>\n<p>{}</p>",
        match (errors, loaded.diags.len() - errors) {
            (0, 0) => "gpdata found no problem in this register.".to_string(),
            (0, w) => format!(
                "{w} {} (the audit and letter can still be written).",
                plural(w, "warning")
            ),
            (e, _) => format!(
                "{e} {} to fix before the audit and the letter can be written.",
                plural(e, "error")
            ),
        }
    );
    out.push_str("<ul id=\"diagnostics\" class=\"diagnostics\">");
    let flows_start = root
        .as_ref()
        .and_then(|r| edit::entry(r, "flows"))
        .map(|(k, _)| k.span.offset);
    for d in &loaded.diags {
        let link = d.span.and_then(|s| {
            flow_ranges
                .iter()
                .find(|(_, r)| r.contains(&s.offset))
                .map(|(id, _)| format!("/r/{file}/flow/{}", url(id)))
                // Before the flows: the practice's and ICB's details.
                .or_else(|| {
                    flows_start
                        .is_some_and(|f| s.offset < f)
                        .then(|| format!("/r/{file}/practice"))
                })
        });
        out.push_str(&diag_item(d, link));
    }
    out.push_str("</ul>\n");

    // The audit.
    out.push_str("<h2 id=\"audit-heading\">The audit</h2>\n");
    match audit {
        Some((r, decisions)) => {
            out.push_str("<p>What the policy advises for each flow. Open a flow to change its facts or to read why.</p>\n<table id=\"audit\">\n<caption>Each flow and the advice for it</caption>\n<thead><tr><th scope=\"col\">Flow</th><th scope=\"col\">Recipient</th><th scope=\"col\">Advice</th><th scope=\"col\">Rule</th><th scope=\"col\"><span class=\"visually-hidden\">Edit</span></th></tr></thead>\n<tbody>\n");
            for (flow, d) in r.flows.iter().zip(decisions) {
                let _ = writeln!(
                    out,
                    "<tr data-flow=\"{}\"><th scope=\"row\">{}<br><span class=\"id\">{}</span></th><td>{}</td><td class=\"decision d-{}\">{}</td><td>{}</td><td><a class=\"edit\" href=\"/r/{file}/flow/{}\">Open<span class=\"visually-hidden\"> {}</span></a></td></tr>",
                    esc(&flow.id),
                    esc(&flow.name),
                    esc(&flow.id),
                    esc(&flow.recipient),
                    d.outcome.as_str(),
                    d.outcome.as_str(),
                    esc(d.decided_by.as_deref().unwrap_or("")),
                    url(&flow.id),
                    esc(&flow.name)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        None => {
            out.push_str("<p>The audit needs a register without errors. The flows as written:</p>\n<ul id=\"flows-list\">");
            for (id, _) in &flow_ranges {
                let _ = write!(
                    out,
                    "<li><a class=\"edit\" href=\"/r/{file}/flow/{}\">{}</a></li>",
                    url(id),
                    esc(id)
                );
            }
            out.push_str("</ul>\n");
        }
    }

    // The letters and the record.
    let _ = writeln!(
        out,
        "<h2 id=\"letter-heading\">Letters</h2>\n<p><strong>The enquiry to the ICB</strong>, the first letter of the sequence: it asks for the list of every flow the ICB manages and puts this register's questions. <a id=\"letter-preview\" href=\"/r/{file}/letter\">Preview it</a> · <a id=\"letter-pdf\" href=\"/r/{file}/letter.pdf\" download>Download it (PDF)</a></p>"
    );
    let asked = loaded
        .record
        .as_ref()
        .is_some_and(|r| r.icb_letters().next().is_some());
    if asked {
        let _ = writeln!(
            out,
            "<p><strong>The follow-up</strong>, once the reply date has passed or the reply leaves questions open: it cites the first letter and restates only what is still open. <a id=\"followup-preview\" href=\"/r/{file}/letter?kind=follow-up\">Preview it</a> · <a id=\"followup-pdf\" href=\"/r/{file}/letter.pdf?kind=follow-up\" download>Download it (PDF)</a></p>"
        );
    }
    let notices = audit
        .map(|(r, d)| crate::letter::sequence::notice_groups(r, d))
        .unwrap_or_default();
    if notices.is_empty() {
        out.push_str("<p><strong>Notices</strong>: none is needed; no flow the practice withdraws from is run by a body other than the ICB.</p>\n");
    } else {
        out.push_str("<p><strong>Notices</strong> to the bodies other than the ICB that run flows the practice withdraws from, one to each body:</p>\n<ul id=\"notices\">");
        for group in &notices {
            let key = url(group.key());
            let _ = write!(
                out,
                "<li data-notice=\"{}\">To {}, about {}: <a href=\"/r/{file}/letter?kind=notice&amp;notice={key}\">Preview it</a> · <a href=\"/r/{file}/letter.pdf?kind=notice&amp;notice={key}\" download>Download it (PDF)</a></li>",
                esc(group.key()),
                esc(&group.to),
                esc(&group.flows.join(", "))
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p><strong>The practice's action sheet</strong> (not for posting): what to switch off, withdraw from or not sign, and where. <a id=\"actions-preview\" href=\"/r/{file}/letter?kind=actions\">Preview it</a> · <a id=\"actions-pdf\" href=\"/r/{file}/letter.pdf?kind=actions\" download>Download it (PDF)</a></p>"
    );
    if let Some(record) = &loaded.record {
        let letters: Vec<String> = record
            .letters()
            .map(|l| format!("{} {} ({})", l.kind.as_str(), esc(&l.reference), l.date))
            .collect();
        let open = record.questions().iter().filter(|q| q.is_open()).count();
        let _ = writeln!(
            out,
            "<p class=\"meta\" id=\"record\">The correspondence record has {} {}: {}. {open} {} still open.</p>",
            letters.len(),
            plural(letters.len(), "letter"),
            if letters.is_empty() {
                "none".to_string()
            } else {
                letters.join("; ")
            },
            if open == 1 {
                "question is"
            } else {
                "questions are"
            }
        );
    }
    let _ = write!(
        out,
        "<form id=\"record-sent\" method=\"post\" action=\"/r/{file}/sent\">{}<div class=\"field\"><label for=\"sent-kind\">Letter sent</label><select id=\"sent-kind\" name=\"kind\"><option value=\"enquiry\">The enquiry</option>{}</select></div><div class=\"field\"><label for=\"sent-date\">Date it was sent</label><p class=\"hint\" id=\"h-sent-date\">YYYY-MM-DD. The letter is recorded with this date, its reference and every question it asks, in the correspondence record beside the register.</p><input id=\"sent-date\" name=\"date\" class=\"short\" aria-describedby=\"h-sent-date\" value=\"{today}\"></div><button id=\"sent-submit\" type=\"submit\" class=\"secondary\">Record that the letter was sent</button></form>",
        token_input(token),
        {
            let mut options = String::new();
            if asked {
                options.push_str("<option value=\"follow-up\">The follow-up</option>");
            }
            for group in &notices {
                let _ = write!(
                    options,
                    "<option value=\"notice:{}\">The notice to {}</option>",
                    esc(group.key()),
                    esc(&group.to)
                );
            }
            options
        }
    );
    out.push('\n');
    if let Some(record) = &loaded.record {
        reply_form(&mut out, &file, record, token, today);
    }

    // Adding a flow.
    let _ = write!(
        out,
        "<h2 id=\"add-heading\">Add a flow</h2>\n<form id=\"add-flow\" method=\"post\" action=\"/r/{file}/flows\">{}<div class=\"field\"><label for=\"add-catalogue\">From gpdata's catalogue</label><p class=\"hint\" id=\"h-add-catalogue\">A national flow gpdata knows takes its facts, with sources, from the catalogue.</p><select id=\"add-catalogue\" name=\"catalogue\" aria-describedby=\"h-add-catalogue\"><option value=\"\">A local flow (not in the catalogue)</option>",
        token_input(token)
    );
    catalogue_options(&mut out, catalogue, "");
    out.push_str("</select></div><div class=\"field\"><label for=\"add-id\">Short id</label><p class=\"hint\" id=\"h-add-id\">Lower-case letters, digits and hyphens, e.g. icb-phm. Left empty for a catalogue flow, the catalogue's id is used.</p><input id=\"add-id\" name=\"id\" class=\"short\" spellcheck=\"false\" aria-describedby=\"h-add-id\"></div><div class=\"field\"><label for=\"add-name\">Name (for a local flow)</label><input id=\"add-name\" name=\"name\"></div><button id=\"add-submit\" type=\"submit\" class=\"secondary\">Add the flow</button></form>\n");
    out
}

/// The form to record the ICB's reply to its latest letter: for each question that letter
/// asked, how the reply dealt with it.
fn reply_form(
    out: &mut String,
    file: &str,
    record: &crate::record::Record,
    token: &str,
    today: Date,
) {
    use crate::record::{AnswerStatus, StockReply};
    let Some(letter) = record.icb_letters().last() else {
        return;
    };
    let _ = write!(
        out,
        "<h2 id=\"reply-heading\">Record the ICB's reply</h2>\n<p>To the letter {} of {}. For each question, say how the reply dealt with it; the follow-up letter then restates only what is still open.</p>\n<form id=\"record-reply\" method=\"post\" action=\"/r/{file}/reply\">{}<input type=\"hidden\" name=\"letter\" value=\"{}\">",
        esc(&letter.reference),
        letter.date,
        token_input(token),
        esc(&letter.reference)
    );
    let _ = write!(
        out,
        "<div class=\"field\"><label for=\"reply-date\">Date of the reply</label><p class=\"hint\" id=\"h-reply-date\">YYYY-MM-DD</p><input id=\"reply-date\" name=\"date\" class=\"short\" aria-describedby=\"h-reply-date\" value=\"{today}\"></div>\
         <div class=\"field\"><label for=\"reply-from\">From</label><p class=\"hint\" id=\"h-reply-from\">Who signed it, e.g. the ICB's Head of Information Governance.</p><input id=\"reply-from\" name=\"from\" aria-describedby=\"h-reply-from\"></div>\
         <div class=\"field\"><label for=\"reply-stock\">Was it a standard reply?</label><select id=\"reply-stock\" name=\"stock\"><option value=\"\">No, a reply written for this letter</option>"
    );
    for (w, p) in StockReply::WORDS.iter().zip(StockReply::PHRASES) {
        let _ = write!(out, "<option value=\"{}\">Yes: {}</option>", esc(w), esc(p));
    }
    out.push_str("</select></div>\n");
    for (i, q) in letter.asked.iter().enumerate() {
        let _ = write!(
            out,
            "<fieldset class=\"question\"><legend>Question {}</legend><p>{}</p><div class=\"field\"><label for=\"q{i}-status\">How the reply dealt with it</label><select id=\"q{i}-status\" name=\"status:{}\">",
            i + 1,
            esc(&q.text),
            esc(&q.id)
        );
        for (w, p) in AnswerStatus::WORDS.iter().zip(AnswerStatus::PHRASES) {
            let selected = if *w == "not-answered" {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<option value=\"{}\"{selected}>{}</option>",
                esc(w),
                esc(p)
            );
        }
        let _ = writeln!(
            out,
            "</select></div><div class=\"field\"><label for=\"q{i}-summary\">What it said, in a line</label><input id=\"q{i}-summary\" name=\"summary:{}\"></div><div class=\"field\"><label for=\"q{i}-to\">If redirected: to whom</label><input id=\"q{i}-to\" name=\"to:{}\"></div></fieldset>",
            esc(&q.id),
            esc(&q.id)
        );
    }
    out.push_str("<button id=\"reply-submit\" type=\"submit\" class=\"secondary\">Record the reply</button></form>\n");
}

/// An option for each catalogue entry, by name, with its id; `selected` is marked.
fn catalogue_options(out: &mut String, catalogue: &Catalogue, selected: &str) {
    let mut entries: Vec<_> = catalogue.entries.iter().collect();
    entries.sort_by(|a, b| a.flow.name.cmp(&b.flow.name));
    for e in entries {
        let _ = write!(
            out,
            "<option value=\"{}\"{}>{} ({})</option>",
            esc(&e.flow.id),
            if e.flow.id == selected {
                " selected"
            } else {
                ""
            },
            esc(&e.flow.name),
            esc(&e.flow.id)
        );
    }
}

// ---- forms ----------------------------------------------------------------------------------

fn field_html(
    out: &mut String,
    catalogue: &Catalogue,
    field: &Field,
    value: &str,
    editable: bool,
    inherited: Option<String>,
    diags: &[&Diagnostic],
) {
    let id = field.id();
    let hint_id = format!("h-{}", &id[2..]);
    let error_id = field.error_id();
    let mut hint = field.about.to_string();
    if let Some(inherited) = inherited
        && value.is_empty()
    {
        let _ = write!(
            hint,
            " Left empty, the catalogue's value holds: {inherited}."
        );
    }
    let _ = write!(
        out,
        "<div class=\"field{}\"><label for=\"{id}\">{}</label>",
        if diags.iter().any(|d| d.is_error()) {
            " has-error"
        } else {
            ""
        },
        esc(&field.label)
    );
    if !hint.trim().is_empty() {
        let _ = write!(out, "<p class=\"hint\" id=\"{hint_id}\">{}</p>", esc(&hint));
    }
    let _ = write!(
        out,
        "<div class=\"field-error\" id=\"{error_id}\" aria-live=\"polite\">"
    );
    for d in diags {
        let _ = write!(
            out,
            "<p class=\"{}\">{}{}</p>",
            if d.is_error() { "error" } else { "warning" },
            esc(&d.message),
            d.help
                .as_ref()
                .map_or(String::new(), |h| format!(" ({})", esc(h)))
        );
    }
    out.push_str("</div>");
    let described = format!("{hint_id} {error_id}");
    let name = esc(&field.path);
    if !editable {
        let _ = write!(
            out,
            "<p class=\"readonly\" id=\"{id}\">Written in the file in a form this page cannot change (a block of keys); change it in a text editor.</p></div>"
        );
        return;
    }
    match field.control {
        Control::Choice(words, phrases) => {
            let _ = write!(
                out,
                "<select id=\"{id}\" name=\"{name}\" aria-describedby=\"{described}\"><option value=\"\"{}>Not stated</option>",
                if value.is_empty() { " selected" } else { "" }
            );
            if !value.is_empty() && !words.contains(&value) {
                let _ = write!(
                    out,
                    "<option value=\"{}\" selected>{} (not allowed)</option>",
                    esc(value),
                    esc(value)
                );
            }
            for (w, p) in words.iter().zip(phrases.iter()) {
                let shown = if w == p || p.is_empty() {
                    (*w).to_string()
                } else {
                    format!("{w} — {p}")
                };
                let _ = write!(
                    out,
                    "<option value=\"{}\"{}>{}</option>",
                    esc(w),
                    if *w == value { " selected" } else { "" },
                    esc(&shown)
                );
            }
            out.push_str("</select>");
        }
        Control::Catalogue => {
            let _ = write!(
                out,
                "<select id=\"{id}\" name=\"{name}\" aria-describedby=\"{described}\"><option value=\"\"{}>None: a local flow</option>",
                if value.is_empty() { " selected" } else { "" }
            );
            if !value.is_empty() && catalogue.entry(value).is_none() {
                let _ = write!(
                    out,
                    "<option value=\"{}\" selected>{} (not in the catalogue)</option>",
                    esc(value),
                    esc(value)
                );
            }
            catalogue_options(out, catalogue, value);
            out.push_str("</select>");
        }
        Control::Paragraph | Control::List => {
            let _ = write!(
                out,
                "<textarea id=\"{id}\" name=\"{name}\" rows=\"{}\" aria-describedby=\"{described}\">{}</textarea>",
                if field.control == Control::List { 3 } else { 4 },
                esc(value)
            );
        }
        Control::Date | Control::Number => {
            let _ = write!(
                out,
                "<input id=\"{id}\" name=\"{name}\" class=\"short\" inputmode=\"numeric\" spellcheck=\"false\" aria-describedby=\"{described}\" value=\"{}\">",
                esc(value)
            );
        }
        Control::Line => {
            let _ = write!(
                out,
                "<input id=\"{id}\" name=\"{name}\" aria-describedby=\"{described}\" value=\"{}\">",
                esc(value)
            );
        }
    }
    out.push_str("</div>\n");
}

/// What became of the last change, shown above a form.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// Nothing to say.
    Quiet,
    /// The change was saved.
    Saved,
    /// Nothing was saved, for this reason.
    Refused(&'a str),
}

fn message_html(out: &mut String, status: Status<'_>) {
    let (message, saved) = match status {
        Status::Quiet => (None, false),
        Status::Saved => (None, true),
        Status::Refused(m) => (Some(m), false),
    };
    if let Some(m) = message {
        let _ = writeln!(
            out,
            "<div class=\"notice\" id=\"conflict\" role=\"alert\"><p>{}</p></div>",
            esc(m)
        );
    } else if saved {
        out.push_str("<div class=\"saved\" id=\"saved\" role=\"status\"><p>Saved to the register file.</p></div>\n");
    }
}

/// A flow's page: its form, and why the policy decides as it does.
pub fn flow(
    catalogue: &Catalogue,
    opened: &Opened,
    (id, item): (&str, &Node),
    loaded: &Loaded,
    explained: Option<(&Flow, Outcome, &str)>,
    token: &str,
    status: Status<'_>,
) -> String {
    let file = url(&opened.name);
    let fields = form::flow_fields();
    let mut out = String::new();
    let written_name = match edit::entry(item, "name") {
        Some((
            _,
            Node {
                value: crate::yaml::Value::Str(n),
                ..
            },
        )) => n.clone(),
        _ => id.to_string(),
    };
    let title = explained.map_or(written_name, |(f, _, _)| f.name.clone());
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    if let Some((_, outcome, _)) = explained {
        let _ = writeln!(
            out,
            "<p class=\"meta\">Flow <code>{}</code> · advice: <strong class=\"decision d-{}\">{}</strong> · <a href=\"#explanation\">why</a></p>",
            esc(id),
            outcome.as_str(),
            outcome.as_str()
        );
    }
    message_html(&mut out, status);
    let within = Some(item.span.offset..edit::end_of(&opened.text, item));
    let sorted = form::by_field(&opened.text, Some(item), &fields, &loaded.diags, within);
    let _ = write!(
        out,
        "<p id=\"live-status\" class=\"live\" role=\"status\" aria-live=\"polite\"></p>\n<form id=\"flow-form\" method=\"post\" action=\"/r/{file}/flow/{}\" data-check=\"/r/{file}/check\" novalidate>{}<input type=\"hidden\" name=\"version\" value=\"{}\"><input type=\"hidden\" name=\"flow\" value=\"{}\">\n",
        url(id),
        token_input(token),
        esc(&opened.version),
        esc(id)
    );
    if let Some(other) = sorted.get("") {
        out.push_str("<ul id=\"flow-diagnostics\" class=\"diagnostics\">");
        for d in other {
            out.push_str(&diag_item(d, None));
        }
        out.push_str("</ul>\n");
    }
    let catalogued = explained.and_then(|(f, _, _)| f.catalogue.as_ref().map(|_| f));
    let mut block = "";
    for field in &fields {
        let this_block = field.path.rsplit_once('.').map_or("", |(b, _)| b);
        if this_block != block {
            if !block.is_empty() {
                out.push_str("</fieldset>\n");
            }
            if !this_block.is_empty() {
                let _ = write!(
                    out,
                    "<fieldset><legend>{}</legend>",
                    esc(&this_block.replace('_', " "))
                );
            }
            block = this_block;
        }
        let (value, editable) = form::current(&opened.text, item, field);
        let inherited = catalogued.and_then(|f| {
            let def = crate::register::FACTS
                .iter()
                .find(|d| d.path == field.path)?;
            let value = (def.get)(f);
            (!value.is_unknown()).then(|| value.display())
        });
        let diags: Vec<&Diagnostic> = sorted.get(&field.path).cloned().unwrap_or_default();
        field_html(
            &mut out, catalogue, field, &value, editable, inherited, &diags,
        );
    }
    if !block.is_empty() {
        out.push_str("</fieldset>\n");
    }
    out.push_str("<button id=\"save\" type=\"submit\">Save</button>\n</form>\n");
    let _ = writeln!(
        out,
        "<form id=\"delete-flow\" method=\"post\" action=\"/r/{file}/flow/{}/delete\">{}<input type=\"hidden\" name=\"version\" value=\"{}\"><button id=\"delete\" type=\"submit\" class=\"warning\">Remove this flow from the register</button></form>",
        url(id),
        token_input(token),
        esc(&opened.version)
    );
    out.push_str("<section id=\"explanation\" aria-labelledby=\"explanation-heading\"><h2 id=\"explanation-heading\">Why this advice</h2>");
    match explained {
        Some((_, _, text)) => {
            let _ = write!(out, "<pre class=\"explain\">{}</pre>", esc(text));
        }
        None => out.push_str(
            "<p>The explanation needs a register without errors; fix the errors shown first.</p>",
        ),
    }
    out.push_str("</section>\n");
    out
}

/// The practice and ICB details page.
pub fn practice(
    catalogue: &Catalogue,
    opened: &Opened,
    root: Option<&Node>,
    loaded: &Loaded,
    token: &str,
    status: Status<'_>,
) -> String {
    let file = url(&opened.name);
    let fields = form::practice_fields();
    let mut out = String::from(
        "<h1>The practice and its ICB</h1>\n<p>Who the letter is from and to whom it is written.</p>\n",
    );
    message_html(&mut out, status);
    let Some(root) = root else {
        out.push_str("<p class=\"notice\">The file cannot be read as it stands; its error is shown on the register's page.</p>");
        return out;
    };
    // Flows' problems belong on their own pages: only those outside the flows are shown here.
    let flows_start = edit::entry(root, "flows").map(|(k, _)| k.span.offset);
    let outside: Vec<Diagnostic> = loaded
        .diags
        .iter()
        .filter(|d| match (d.span, flows_start) {
            (Some(s), Some(f)) => s.offset < f,
            _ => true,
        })
        .cloned()
        .collect();
    let sorted = form::by_field(&opened.text, Some(root), &fields, &outside, None);
    let _ = write!(
        out,
        "<p id=\"live-status\" class=\"live\" role=\"status\" aria-live=\"polite\"></p>\n<form id=\"practice-form\" method=\"post\" action=\"/r/{file}/practice\" data-check=\"/r/{file}/check\" novalidate>{}<input type=\"hidden\" name=\"version\" value=\"{}\">\n",
        token_input(token),
        esc(&opened.version)
    );
    if let Some(other) = sorted.get("") {
        out.push_str("<ul id=\"practice-diagnostics\" class=\"diagnostics\">");
        for d in other {
            out.push_str(&diag_item(d, None));
        }
        out.push_str("</ul>\n");
    }
    for field in &fields {
        let (value, editable) = form::current(&opened.text, root, field);
        let diags: Vec<&Diagnostic> = sorted.get(&field.path).cloned().unwrap_or_default();
        field_html(&mut out, catalogue, field, &value, editable, None, &diags);
    }
    out.push_str("<button id=\"save\" type=\"submit\">Save</button>\n</form>\n");
    out
}

/// The letter as a web page.
pub fn letter(opened: &Opened, letter: &crate::letter::Letter, query: &str) -> String {
    let file = url(&opened.name);
    let markdown = crate::letter::text::to_markdown(letter);
    // Register text is the practice's own, but never markup: raw HTML in it is shown as text.
    let parser = pulldown_cmark::Parser::new(&markdown).map(|event| match event {
        pulldown_cmark::Event::Html(t) | pulldown_cmark::Event::InlineHtml(t) => {
            pulldown_cmark::Event::Text(t)
        }
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    format!(
        "<p class=\"meta\">A preview of the letter as of today. <a href=\"/r/{file}/letter.pdf{}\" download>Download it as a PDF</a> to print and sign.</p>\n<article id=\"letter\" class=\"letter\">\n{html}</article>\n",
        esc(query)
    )
}
