//! `gpdata catalogue list|show|icbs`: what gpdata knows of national flows and ICBs.

use std::fmt::Write as _;

use serde::Serialize;

use crate::audit::table::grid;
use crate::catalogue::{Catalogue, Entry, Source};
use crate::dates;
use crate::register::Choice;

use super::args::{CatalogueCommand, CatalogueFormat};
use super::{Exit, error, print};

pub(super) fn run(command: &CatalogueCommand) -> Exit {
    match command {
        CatalogueCommand::List { format, catalogue } => {
            let Some(catalogue) = catalogue.load() else {
                return Exit::InputErrors;
            };
            match format {
                CatalogueFormat::Table => print(&table(catalogue)),
                CatalogueFormat::Json => print(&json(catalogue.entries.iter())),
            }
            Exit::Ok
        }
        CatalogueCommand::Show {
            id,
            format,
            catalogue,
        } => {
            let Some(catalogue) = catalogue.load() else {
                return Exit::InputErrors;
            };
            let Some(entry) = catalogue.entry(id) else {
                let hint = match catalogue.nearest(id) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => "; `gpdata catalogue list` shows them".to_string(),
                };
                error(&format!("there is no catalogue entry `{id}`{hint}"));
                return Exit::CannotRun;
            };
            match format {
                CatalogueFormat::Table => print(&show(entry)),
                CatalogueFormat::Json => print(&json(std::iter::once(entry))),
            }
            Exit::Ok
        }
        CatalogueCommand::Icbs { catalogue, date } => {
            let Some(catalogue) = catalogue.load() else {
                return Exit::InputErrors;
            };
            print(&icbs(catalogue, date.today()));
            Exit::Ok
        }
    }
}

fn table(catalogue: &Catalogue) -> String {
    let rows: Vec<Vec<String>> = catalogue
        .entries
        .iter()
        .map(|e| {
            vec![
                e.id().to_string(),
                e.flow.obligation.as_str().to_string(),
                e.applies_to.as_str().to_string(),
                e.status.as_str().to_string(),
                e.name().to_string(),
            ]
        })
        .collect();
    let mut out = grid(
        &["ID", "OBLIGATION", "APPLIES TO", "STATUS", "NAME"],
        &rows,
        &[28, 20, 14, 8, 70],
    );
    let _ = writeln!(
        out,
        "\n{} entries. `gpdata catalogue show ID` prints one with its sources; a register flow refers to one with `catalogue: ID`.",
        catalogue.entries.len()
    );
    out
}

fn show(e: &Entry) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "{label:<22}{value}");
        }
    };
    let f = &e.flow;
    line("Entry", e.id());
    line("Name", e.name());
    line("Also known as", &e.also_known_as.join("; "));
    line("Status", e.status.phrase());
    line("Applies to", e.applies_to.phrase());
    line("Recipient", &f.recipient);
    line("Controller", e.controller.as_deref().unwrap_or_default());
    line("ICB's role", f.icb_role.phrase());
    line("Mechanism", f.mechanism.phrase());
    line("How", e.mechanism_detail.as_deref().unwrap_or_default());
    line("Purpose", f.purpose.phrase());
    line("What for", e.purpose_detail.as_deref().unwrap_or_default());
    line("Data", f.data.phrase());
    line("Which data", e.data_detail.as_deref().unwrap_or_default());
    line("Article 6", f.legal_basis.article_6.phrase());
    line("Article 9", f.legal_basis.article_9.phrase());
    line("Schedule 1 (DPA 2018)", f.legal_basis.schedule_1.phrase());
    line("Confidentiality", f.legal_basis.confidentiality.phrase());
    line(
        "Legal reference",
        f.legal_basis.reference.as_deref().unwrap_or_default(),
    );
    line("Obligation", f.obligation.phrase());
    line(
        "Obliged by",
        f.obligation_reference.as_deref().unwrap_or_default(),
    );
    let when = match (e.from, e.until) {
        (Some(a), Some(b)) => format!("from {} until {}", dates::long(a), dates::long(b)),
        (Some(a), None) => format!("from {}", dates::long(a)),
        (None, Some(b)) => format!("until {}", dates::long(b)),
        (None, None) => String::new(),
    };
    line("In force", &when);
    line("National Data Opt-out", f.opt_outs.national.phrase());
    line("  why", e.national_note.as_deref().unwrap_or_default());
    line("Type 1 opt-out", f.opt_outs.type_1.phrase());
    line("  why", e.type_1_note.as_deref().unwrap_or_default());
    line("In EMIS Web", e.emis.as_deref().unwrap_or_default());
    line("Leaving", e.leaving.as_deref().unwrap_or_default());
    line("In SystmOne", e.systmone.as_deref().unwrap_or_default());
    line("Write to", e.write_to.as_deref().unwrap_or_default());
    if !e.disputed.is_empty() {
        let _ = writeln!(out, "\nUncertain or disputed:");
        for d in &e.disputed {
            let _ = writeln!(out, "- {d}");
        }
    }
    let _ = writeln!(out, "\nSources:");
    for s in &e.sources {
        let _ = writeln!(
            out,
            "- {} <{}>, read {}{}",
            s.title,
            s.url,
            dates::long(s.checked),
            if s.supports.is_empty() {
                String::new()
            } else {
                format!(" (for {})", s.supports.join(", "))
            }
        );
    }
    let _ = writeln!(out, "\nFrom {}.", e.origin);
    out
}

/// One entry as `--format json` writes it.
#[derive(Serialize)]
struct EntryJson<'a> {
    id: &'a str,
    name: &'a str,
    also_known_as: &'a [String],
    status: &'static str,
    applies_to: &'static str,
    recipient: &'a str,
    controller: Option<&'a str>,
    icb_role: &'static str,
    mechanism: &'static str,
    purpose: &'static str,
    data: &'static str,
    article_6: &'static str,
    article_9: &'static str,
    schedule_1: &'static str,
    confidentiality: &'static str,
    legal_reference: Option<&'a str>,
    obligation: &'static str,
    obligation_reference: Option<&'a str>,
    from: Option<String>,
    until: Option<String>,
    national_opt_out: &'static str,
    national_opt_out_note: Option<&'a str>,
    type_1_opt_out: &'static str,
    type_1_opt_out_note: Option<&'a str>,
    emis: Option<&'a str>,
    leaving: Option<&'a str>,
    systmone: Option<&'a str>,
    write_to: Option<&'a str>,
    disputed: &'a [String],
    sources: Vec<SourceJson<'a>>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    title: &'a str,
    url: &'a str,
    checked: String,
    supports: &'a [String],
}

fn json<'a>(entries: impl Iterator<Item = &'a Entry>) -> String {
    let items: Vec<EntryJson> = entries
        .map(|e| {
            let f = &e.flow;
            let source = |s: &'a Source| SourceJson {
                title: &s.title,
                url: &s.url,
                checked: s.checked.to_string(),
                supports: &s.supports,
            };
            EntryJson {
                id: e.id(),
                name: e.name(),
                also_known_as: &e.also_known_as,
                status: e.status.as_str(),
                applies_to: e.applies_to.as_str(),
                recipient: &f.recipient,
                controller: e.controller.as_deref(),
                icb_role: f.icb_role.as_str(),
                mechanism: f.mechanism.as_str(),
                purpose: f.purpose.as_str(),
                data: f.data.as_str(),
                article_6: f.legal_basis.article_6.as_str(),
                article_9: f.legal_basis.article_9.as_str(),
                schedule_1: f.legal_basis.schedule_1.as_str(),
                confidentiality: f.legal_basis.confidentiality.as_str(),
                legal_reference: f.legal_basis.reference.as_deref(),
                obligation: f.obligation.as_str(),
                obligation_reference: f.obligation_reference.as_deref(),
                from: e.from.map(|d| d.to_string()),
                until: e.until.map(|d| d.to_string()),
                national_opt_out: f.opt_outs.national.as_str(),
                national_opt_out_note: e.national_note.as_deref(),
                type_1_opt_out: f.opt_outs.type_1.as_str(),
                type_1_opt_out_note: e.type_1_note.as_deref(),
                emis: e.emis.as_deref(),
                leaving: e.leaving.as_deref(),
                systmone: e.systmone.as_deref(),
                write_to: e.write_to.as_deref(),
                disputed: &e.disputed,
                sources: e.sources.iter().map(source).collect(),
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).expect("entries serialise");
    text.push('\n');
    text
}

fn icbs(catalogue: &Catalogue, today: jiff::civil::Date) -> String {
    let icbs = &catalogue.icbs;
    let rows: Vec<Vec<String>> = icbs
        .all
        .iter()
        .map(|i| {
            let status = if i.abolished_by(today) {
                format!("abolished; now {}", icbs.successors_in_words(i))
            } else if i.from > today {
                format!("from {}", dates::long(i.from))
            } else {
                "current".to_string()
            };
            vec![i.code.clone(), i.name.clone(), status]
        })
        .collect();
    let mut out = grid(&["CODE", "NAME", "STATUS"], &rows, &[6, 80, 120]);
    let current = icbs
        .all
        .iter()
        .filter(|i| !i.abolished_by(today) && i.from <= today)
        .count();
    let _ = writeln!(
        out,
        "\n{current} ICBs in existence on {}.",
        dates::long(today)
    );
    if let Some(notes) = &icbs.notes {
        let _ = writeln!(out, "\n{notes}");
    }
    out
}
