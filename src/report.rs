//! The area report (`gpdata report PATH... -o area.html`): one self-contained HTML file an LMC
//! can email. The area's decisions, each practice's, the flows most often withdrawn or queried,
//! the facts most often unknown, and the registers with errors; charts are inline SVG with the
//! same figures in tables beside them, so a screen reader and a printer get everything. No
//! script, no remote resource.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use crate::audit::{RegisterAudit, Totals, errors_in_brief, fact_columns};
use crate::diag::Diagnostic;
use crate::policy::{Outcome, Policy};

/// What the report is made from.
#[derive(Debug, Default)]
pub struct Area {
    practices: Vec<Practice>,
    skipped: Vec<(String, String)>,
    /// Unknown facts: column → (flows, practices).
    unknowns: BTreeMap<&'static str, (usize, usize)>,
    flows: usize,
}

#[derive(Debug)]
struct Practice {
    ods: String,
    name: String,
    icb: String,
    counts: BTreeMap<&'static str, usize>,
    flows: usize,
}

impl Area {
    /// Adds one audited register.
    pub fn register(&mut self, audit: &RegisterAudit) {
        self.flows += audit.flows.len();
        let mut seen: Vec<&'static str> = Vec::new();
        for row in &audit.flows {
            for (column, value) in &row.facts.0 {
                if value == "unknown" {
                    let entry = self.unknowns.entry(column).or_default();
                    entry.0 += 1;
                    if !seen.contains(column) {
                        seen.push(column);
                        entry.1 += 1;
                    }
                }
            }
        }
        self.practices.push(Practice {
            ods: audit.practice.ods_code.clone(),
            name: audit.practice.name.clone(),
            icb: format!("{} ({})", audit.icb.name, audit.icb.ods_code),
            counts: audit.counts.clone(),
            flows: audit.flows.len(),
        });
    }

    /// Adds a register that had errors.
    pub fn skipped(&mut self, file: &str, diags: &[Diagnostic]) {
        self.skipped
            .push((file.to_string(), errors_in_brief(diags)));
    }
}

/// Text made safe for HTML (element text and quoted attribute values).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// The colour each decision is drawn in (the tables carry the same figures in words).
fn colour(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::SwitchOff => "#7f2704",
        Outcome::Withdraw => "#d94801",
        Outcome::Freeze => "#fd8d3c",
        Outcome::Query => "#fdd0a2",
        Outcome::Retain => "#74c476",
        Outcome::Unclassified => "#bdbdbd",
    }
}

/// A horizontal bar chart of the area's decisions, as SVG.
fn decisions_chart(counts: &BTreeMap<&'static str, usize>, id: &str) -> String {
    let max = counts.values().copied().max().unwrap_or(0).max(1);
    let (width, bar, gap, label) = (640.0, 22.0, 8.0, 120.0);
    let height = Outcome::ALL.len() as f64 * (bar + gap);
    let mut svg = format!(
        "<svg role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {width} {height}\" width=\"100%\"><title id=\"{id}-title\">Flows by decision across the area</title>"
    );
    for (i, outcome) in Outcome::ALL.iter().enumerate() {
        let n = counts.get(outcome.as_str()).copied().unwrap_or(0);
        let y = i as f64 * (bar + gap);
        let w = (width - label - 60.0) * n as f64 / max as f64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\">{}</text><rect x=\"{label}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\">{n}</text>",
            y + bar * 0.7,
            outcome.as_str(),
            colour(*outcome),
            label + w + 6.0,
            y + bar * 0.7
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One practice's decisions as a stacked bar, as SVG.
fn practice_bar(p: &Practice) -> String {
    let width = 240.0;
    let mut x = 0.0;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {width} 14\" width=\"{width}\" height=\"14\">",
        esc(&format!(
            "{}: {}",
            p.name,
            crate::audit::table::outcome_sentence(|o| p.counts[o.as_str()])
        ))
    );
    for outcome in Outcome::ALL {
        let n = p.counts.get(outcome.as_str()).copied().unwrap_or(0);
        if n == 0 || p.flows == 0 {
            continue;
        }
        let w = width * n as f64 / p.flows as f64;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"14\" fill=\"{}\"/>",
            colour(outcome)
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "
body { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; color: #111; margin: 2em auto; max-width: 60em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 0.6em 0; width: 100%; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; border: 1px solid #666; }
.meta { color: #444; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
";

/// The report's HTML.
pub fn html(area: &Area, totals: &Totals, policy: &Policy, date: Date, title: &str) -> String {
    let mut out = String::new();
    let practices = area.practices.len();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p class=\"meta\">{} {} audited on {} under {} (policy {}, version {}); {} flows. Made by gpdata {}.</p>\n",
        esc(title),
        esc(title),
        practices,
        if practices == 1 {
            "practice"
        } else {
            "practices"
        },
        crate::dates::long(date),
        esc(&policy.title),
        esc(&policy.id),
        esc(&policy.version),
        area.flows,
        env!("CARGO_PKG_VERSION"),
    );
    if !area.skipped.is_empty() {
        let _ = writeln!(
            out,
            "<p><strong>{} {} errors and {} left out</strong>; they are listed at the end.</p>",
            area.skipped.len(),
            if area.skipped.len() == 1 {
                "register has"
            } else {
                "registers have"
            },
            if area.skipped.len() == 1 { "is" } else { "are" },
        );
    }
    out.push_str(&sections(area, totals));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

impl Area {
    /// How many practices were audited.
    pub fn practices(&self) -> usize {
        self.practices.len()
    }
}

/// The report's sections (decisions, practices, flows most often stopped and queried, unknown
/// facts, registers with errors), for the report file and for `gpdata serve`'s area page.
pub fn sections(area: &Area, totals: &Totals) -> String {
    let mut out = String::new();
    out.push_str(
        "<section aria-labelledby=\"area\">\n<h2 id=\"area\">Decisions across the area</h2>\n",
    );
    let _ = writeln!(out, "{}", decisions_chart(&totals.outcomes, "decisions"));
    out.push_str("<p class=\"legend\" aria-hidden=\"true\">");
    for outcome in Outcome::ALL {
        let _ = write!(
            out,
            "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#666\"/></svg> {}</span>",
            colour(outcome),
            outcome.as_str()
        );
    }
    out.push_str("</p>\n<table>\n<caption>Flows by decision</caption>\n<thead><tr><th scope=\"col\">Decision</th><th scope=\"col\">Flows</th><th scope=\"col\">Practices with at least one</th></tr></thead>\n<tbody>\n");
    for outcome in Outcome::ALL {
        let n = totals.outcomes.get(outcome.as_str()).copied().unwrap_or(0);
        let with = area
            .practices
            .iter()
            .filter(|p| p.counts.get(outcome.as_str()).copied().unwrap_or(0) > 0)
            .count();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{n}</td><td class=\"n\">{with}</td></tr>",
            outcome.as_str()
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    out.push_str("<section aria-labelledby=\"practices\">\n<h2 id=\"practices\">Practices</h2>\n<table id=\"area-practices\">\n<caption>Each practice's flows by decision</caption>\n<thead><tr><th scope=\"col\">Practice</th><th scope=\"col\">ICB</th><th scope=\"col\">Flows</th>");
    for outcome in Outcome::ALL {
        let _ = write!(out, "<th scope=\"col\">{}</th>", outcome.as_str());
    }
    out.push_str("<th scope=\"col\">Chart</th></tr></thead>\n<tbody>\n");
    for p in &area.practices {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{} ({})</th><td>{}</td><td class=\"n\">{}</td>",
            esc(&p.name),
            esc(&p.ods),
            esc(&p.icb),
            p.flows
        );
        for outcome in Outcome::ALL {
            let _ = write!(
                out,
                "<td class=\"n\">{}</td>",
                p.counts.get(outcome.as_str()).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(out, "<td>{}</td></tr>", practice_bar(p));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    let ranked = |pick: &dyn Fn(&BTreeMap<&'static str, usize>) -> usize| {
        let mut ids: Vec<(&String, usize, usize)> = totals
            .flow_ids
            .iter()
            .map(|(id, s)| (id, pick(&s.outcomes), s.practices))
            .filter(|(_, n, _)| *n > 0)
            .collect();
        ids.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        ids.truncate(15);
        ids
    };
    let stopped = ranked(&|o| {
        ["switch-off", "withdraw", "freeze"]
            .iter()
            .map(|k| o.get(k).copied().unwrap_or(0))
            .sum()
    });
    let queried = ranked(&|o| o.get("query").copied().unwrap_or(0));
    for (id, heading, rows, what) in [
        (
            "stopped",
            "Flows most often withdrawn, frozen or switched off",
            &stopped,
            "Practices stopping it",
        ),
        (
            "queried",
            "Flows most often queried",
            &queried,
            "Practices querying it",
        ),
    ] {
        let _ = write!(
            out,
            "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{heading}</h2>\n"
        );
        if rows.is_empty() {
            out.push_str("<p>None.</p>\n</section>\n");
            continue;
        }
        let _ = write!(
            out,
            "<table id=\"area-{id}\">\n<thead><tr><th scope=\"col\">Flow id</th><th scope=\"col\">{what}</th><th scope=\"col\">Practices with the flow</th></tr></thead>\n<tbody>\n"
        );
        for (flow, n, of) in rows.iter() {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"n\">{n}</td><td class=\"n\">{of}</td></tr>",
                esc(flow)
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }

    out.push_str("<section aria-labelledby=\"unknowns\">\n<h2 id=\"unknowns\">What most needs chasing</h2>\n<p>Facts recorded as unknown: each becomes a question for the ICB or a gap for the practice to fill.</p>\n");
    let mut unknowns: Vec<(&&'static str, &(usize, usize))> = area.unknowns.iter().collect();
    unknowns.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    if unknowns.is_empty() {
        out.push_str("<p>No fact is recorded as unknown.</p>\n");
    } else {
        out.push_str("<table>\n<thead><tr><th scope=\"col\">Fact</th><th scope=\"col\">Flows where it is unknown</th><th scope=\"col\">Practices</th></tr></thead>\n<tbody>\n");
        for (column, (flows, practices)) in unknowns {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"n\">{flows}</td><td class=\"n\">{practices}</td></tr>",
                esc(column)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
    debug_assert!(fact_columns().count() > 0);

    out.push_str(
        "<section aria-labelledby=\"errors\">\n<h2 id=\"errors\">Registers with errors</h2>\n",
    );
    if area.skipped.is_empty() {
        out.push_str("<p>None: every register was audited.</p>\n");
    } else {
        out.push_str("<p>These registers were left out of everything above. Run <code>gpdata check</code> on each.</p>\n<table>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Errors</th></tr></thead>\n<tbody>\n");
        for (file, errors) in &area.skipped {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                esc(file),
                esc(errors)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
