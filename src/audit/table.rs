//! Aligned plain-text tables for the terminal.

use std::fmt::Write as _;

use crate::english::{and_list, plural};
use crate::policy::Outcome;

use super::{FlowIdSummary, RegisterAudit, Totals};

/// Lays out rows under headers, each column as wide as its widest cell (capped at `max`).
pub fn grid(headers: &[&str], rows: &[Vec<String>], max: &[usize]) -> String {
    let cell = |text: &str, width: usize| -> String {
        let count = text.chars().count();
        if count > width {
            let cut: String = text.chars().take(width.saturating_sub(1)).collect();
            format!("{cut}…")
        } else {
            text.to_string()
        }
    };
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            let widest = rows
                .iter()
                .map(|r| r[c].chars().count())
                .chain([headers[c].len()])
                .max()
                .unwrap_or(0);
            widest.min(max.get(c).copied().unwrap_or(usize::MAX))
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: Vec<String>| {
        let mut text = String::new();
        for (c, value) in cells.iter().enumerate() {
            let value = cell(value, widths[c]);
            if c + 1 == cells.len() {
                text.push_str(&value);
            } else {
                let pad = widths[c] - value.chars().count();
                let _ = write!(text, "{value}{}  ", " ".repeat(pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
    out
}

/// "3 withdraw, 2 query and 10 retain" from outcome counts, skipping zeros.
pub fn outcome_sentence(counts: impl Fn(Outcome) -> usize) -> String {
    let parts: Vec<String> = Outcome::ALL
        .iter()
        .filter(|o| counts(**o) > 0)
        .map(|o| format!("{} {}", counts(*o), o.as_str()))
        .collect();
    if parts.is_empty() {
        "no flows".to_string()
    } else {
        and_list(&parts)
    }
}

/// The per-flow table for one register.
pub fn flows(audit: &RegisterAudit, policy: &str, date: &str) -> String {
    let mut out = format!(
        "{} ({}), {} ({})\npolicy {policy}, audit date {date}\n\n",
        audit.practice.name, audit.practice.ods_code, audit.icb.name, audit.icb.ods_code
    );
    let rows: Vec<Vec<String>> = audit
        .flows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.decision.outcome.as_str().to_string(),
                r.column("purpose").to_string(),
                r.column("obligation").to_string(),
                r.name.clone(),
                r.decision
                    .decided_by
                    .clone()
                    .unwrap_or_else(|| "(no rule matched)".into()),
            ]
        })
        .collect();
    out.push_str(&grid(
        &[
            "FLOW",
            "DECISION",
            "PURPOSE",
            "OBLIGATION",
            "NAME",
            "DECIDED BY",
        ],
        &rows,
        &[28, 12, 11, 20, 44, 40],
    ));
    let _ = writeln!(
        out,
        "\n{}: {}.",
        plural(audit.flows.len(), "flow", "flows"),
        outcome_sentence(|o| audit.counts.get(o.as_str()).copied().unwrap_or(0))
    );
    let _ = writeln!(out, "Run `gpdata explain {} FLOW` to see why.", audit.file);
    out
}

/// One summary row per practice.
pub fn practice_row(audit: &RegisterAudit) -> Vec<String> {
    let mut row = vec![
        audit.practice.ods_code.clone(),
        audit.practice.name.clone(),
        audit.icb.ods_code.clone(),
        audit.flows.len().to_string(),
    ];
    row.extend(
        Outcome::ALL
            .iter()
            .map(|o| audit.counts[o.as_str()].to_string()),
    );
    row
}

/// Headers matching [`practice_row`].
pub const PRACTICE_HEADERS: [&str; 10] = [
    "PRACTICE",
    "NAME",
    "ICB",
    "FLOWS",
    "SWITCH-OFF",
    "WITHDRAW",
    "FREEZE",
    "QUERY",
    "RETAIN",
    "UNCLASSIFIED",
];

/// The per-flow-id view across practices: "icb-phm: withdraw in 41 of 52 practices".
pub fn flow_ids(totals: &Totals) -> String {
    let rows: Vec<Vec<String>> = totals
        .flow_ids
        .iter()
        .map(|(id, s)| {
            vec![
                id.clone(),
                s.practices.to_string(),
                headline(s, totals.audited),
            ]
        })
        .collect();
    grid(&["FLOW ID", "PRACTICES", "DECISIONS"], &rows, &[32, 9, 80])
}

/// "withdraw in 41 of 52 practices, query in 11".
pub fn headline(summary: &FlowIdSummary, practices: usize) -> String {
    let mut parts: Vec<(&str, usize)> = summary.outcomes.iter().map(|(o, n)| (*o, *n)).collect();
    parts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut text = Vec::new();
    for (i, (outcome, n)) in parts.iter().enumerate() {
        if i == 0 {
            text.push(format!("{outcome} in {n} of {practices} practices"));
        } else {
            text.push(format!("{outcome} in {n}"));
        }
    }
    text.join(", ")
}

/// The closing lines of a multi-register run.
pub fn closing(totals: &Totals, unused: &[&str]) -> String {
    let mut out = String::new();
    let total = totals.audited + totals.skipped.len();
    let _ = writeln!(
        out,
        "{} audited: {}.",
        plural(totals.audited, "register", "registers"),
        outcome_sentence(|o| totals.outcomes.get(o.as_str()).copied().unwrap_or(0))
    );
    if !totals.skipped.is_empty() {
        let _ = writeln!(
            out,
            "{} of {total} registers have errors and were skipped: {}. Run `gpdata check` on them.",
            totals.skipped.len(),
            and_list(&totals.skipped)
        );
    }
    if !unused.is_empty() {
        let names: Vec<String> = unused.iter().map(|r| format!("`{r}`")).collect();
        let _ = writeln!(
            out,
            "warning[unused-rule]: {} matched no flow in this run: {}.",
            plural(unused.len(), "rule", "rules"),
            and_list(&names)
        );
    }
    out
}
