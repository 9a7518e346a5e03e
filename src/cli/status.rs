//! `gpdata status`: where each practice's letters stand.

use std::io::Write;

use crate::audit::csv::inert;
use crate::discover;
use crate::english::plural;
use crate::status::{self, PracticeStatus};

use super::args::{StatusArgs, StatusFormat};
use super::{Exit, eprint, error, print};

pub(super) fn run(args: &StatusArgs) -> Exit {
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let env = crate::validate::Env {
        today: args.date.today(),
        catalogue,
    };
    let inputs = match discover::expand(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => {
            error(&message);
            return Exit::CannotRun;
        }
    };
    let Some(workers) = args.jobs.workers(inputs.len()) else {
        return Exit::CannotRun;
    };
    let mut practices: Vec<PracticeStatus> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    workers.each(
        &inputs,
        |input| {
            let loaded = input.load(&env);
            match &loaded.register {
                Some(register) => Ok(status::practice_status(
                    &loaded.name,
                    register,
                    loaded.record.as_ref(),
                    env.today,
                )),
                None => Err((loaded.name, loaded.diags)),
            }
        },
        |result| match result {
            Ok(p) => practices.push(p),
            Err((name, diags)) => {
                let errors: Vec<_> = diags.into_iter().filter(|d| d.is_error()).collect();
                eprint(&crate::diag::render_short(&errors));
                skipped.push(name);
            }
        },
    );
    let text = match args.format {
        StatusFormat::Table if practices.len() == 1 => one_practice(&practices[0], env.today),
        StatusFormat::Table => table(&practices),
        StatusFormat::Csv => csv(&practices),
        StatusFormat::Json => json(&practices, &skipped, env.today),
    };
    print(&text);
    if !skipped.is_empty() {
        eprint(&format!(
            "gpdata: {} of {} {} errors and {} left out: {}. Run `gpdata check` on {}.\n",
            skipped.len(),
            skipped.len() + practices.len(),
            if skipped.len() == 1 {
                "register has"
            } else {
                "registers have"
            },
            if skipped.len() == 1 { "was" } else { "were" },
            skipped.join(", "),
            if skipped.len() == 1 { "it" } else { "them" }
        ));
        return Exit::InputErrors;
    }
    Exit::Ok
}

fn one_practice(p: &PracticeStatus, today: jiff::civil::Date) -> String {
    let mut out = format!(
        "{} ({}), {} ({})\nstatus on {today}\n\n",
        p.name, p.ods_code, p.icb_name, p.icb_ods_code
    );
    if !p.recorded {
        out.push_str(&format!(
            "No correspondence record: no letter has been recorded. `gpdata letter {}` writes the enquiry and records it.\n",
            p.file
        ));
        return out;
    }
    let rows: Vec<Vec<String>> = p
        .letters
        .iter()
        .map(|l| {
            vec![
                l.date.to_string(),
                l.kind.to_string(),
                l.reference.clone(),
                l.reply_by.map(|d| d.to_string()).unwrap_or_default(),
                match (l.replied, l.overdue) {
                    (Some(d), _) => format!("replied {d}"),
                    (None, true) => "OVERDUE".to_string(),
                    (None, false) => "awaiting reply".to_string(),
                },
                l.to.clone(),
            ]
        })
        .collect();
    out.push_str(&crate::audit::table::grid(
        &["DATE", "LETTER", "REFERENCE", "REPLY BY", "STATE", "TO"],
        &rows,
        &[],
    ));
    let q = &p.questions;
    let n = |k: &str| q.get(k).copied().unwrap_or(0);
    out.push_str(&format!(
        "\n{} to the ICB: {} answered, {} partly answered, {} declined, {} redirected, {} not answered.\n",
        plural(p.asked(), "question", "questions"),
        n("answered"),
        n("partly-answered"),
        n("declined"),
        n("redirected"),
        n("not-answered"),
    ));
    match (p.reply_due, p.overdue) {
        (Some(due), true) => out.push_str(&format!(
            "The ICB's reply was due on {due} and has not been recorded: time for a follow-up (`gpdata letter --kind follow-up`).\n"
        )),
        (Some(due), false) => out.push_str(&format!("The ICB's reply is due by {due}.\n")),
        (None, _) if !p.open.is_empty() => out.push_str(
            "Questions are still open: `gpdata letter --kind follow-up` restates only those.\n",
        ),
        (None, _) => {}
    }
    out
}

fn table(practices: &[PracticeStatus]) -> String {
    let rows: Vec<Vec<String>> = practices
        .iter()
        .map(|p| {
            let first = p.icb_letters().next();
            let replied = p.icb_letters().filter_map(|l| l.replied).max();
            vec![
                p.ods_code.clone(),
                p.name.clone(),
                p.icb_ods_code.clone(),
                first
                    .map(|l| l.date.to_string())
                    .unwrap_or_else(|| "-".into()),
                replied.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                p.reply_due.map(|d| d.to_string()).unwrap_or_default(),
                if p.overdue {
                    "yes".into()
                } else {
                    String::new()
                },
                p.asked().to_string(),
                p.questions
                    .get("answered")
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
                p.open.len().to_string(),
            ]
        })
        .collect();
    let mut out = crate::audit::table::grid(
        &[
            "PRACTICE", "NAME", "ICB", "WROTE", "REPLIED", "DUE", "OVERDUE", "ASKED", "ANSWERED",
            "OPEN",
        ],
        &rows,
        &[8, 32, 5],
    );
    out.push('\n');
    let icbs = status::by_icb(practices);
    let rows: Vec<Vec<String>> = icbs
        .iter()
        .map(|(code, i)| {
            vec![
                code.clone(),
                i.name.clone(),
                i.practices.to_string(),
                i.written.to_string(),
                i.replied.to_string(),
                i.overdue.to_string(),
                i.open_questions.to_string(),
            ]
        })
        .collect();
    out.push_str(&crate::audit::table::grid(
        &[
            "ICB",
            "NAME",
            "PRACTICES",
            "WRITTEN",
            "REPLIED",
            "OVERDUE",
            "OPEN QUESTIONS",
        ],
        &rows,
        &[5, 40],
    ));
    let written = practices
        .iter()
        .filter(|p| p.icb_letters().next().is_some())
        .count();
    let overdue = practices.iter().filter(|p| p.overdue).count();
    out.push_str(&format!(
        "\n{} have written to their ICB; {} {} overdue replies.\n",
        plural(written, "practice", "practices"),
        overdue,
        if overdue == 1 {
            "is waiting on"
        } else {
            "are waiting on"
        },
    ));
    out
}

/// The columns of `status --format csv`, one row per practice.
const CSV_HEADERS: [&str; 19] = [
    "practice_ods_code",
    "practice_name",
    "icb_ods_code",
    "icb_name",
    "recorded",
    "letters_to_icb",
    "first_letter",
    "last_letter",
    "last_reference",
    "reply_due",
    "last_reply",
    "overdue",
    "questions",
    "answered",
    "partly_answered",
    "declined",
    "redirected",
    "not_answered",
    "notices",
];

fn csv(practices: &[PracticeStatus]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(CSV_HEADERS.iter().chain(["file"].iter()));
    for p in practices {
        let icb: Vec<_> = p.icb_letters().collect();
        let n = |k: &str| p.questions.get(k).copied().unwrap_or(0).to_string();
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let row = [
            p.ods_code.clone(),
            p.name.clone(),
            p.icb_ods_code.clone(),
            p.icb_name.clone(),
            if p.recorded { "yes" } else { "no" }.to_string(),
            icb.len().to_string(),
            date(icb.first().map(|l| l.date)),
            date(icb.last().map(|l| l.date)),
            icb.last().map(|l| l.reference.clone()).unwrap_or_default(),
            date(p.reply_due),
            date(icb.iter().filter_map(|l| l.replied).max()),
            if p.overdue { "yes" } else { "no" }.to_string(),
            p.asked().to_string(),
            n("answered"),
            n("partly-answered"),
            n("declined"),
            n("redirected"),
            n("not-answered"),
            p.letters
                .iter()
                .filter(|l| l.kind == "notice")
                .count()
                .to_string(),
            p.file.clone(),
        ];
        let _ = writer.write_record(row.iter().map(|c| inert(c).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

fn json(practices: &[PracticeStatus], skipped: &[String], today: jiff::civil::Date) -> String {
    let document = serde_json::json!({
        "format": 1,
        "date": today.to_string(),
        "practices": practices,
        "icbs": status::by_icb(practices),
        "skipped": skipped,
    });
    let mut out = Vec::new();
    let _ = serde_json::to_writer_pretty(&mut out, &document);
    let _ = writeln!(out);
    String::from_utf8_lossy(&out).into_owned()
}
