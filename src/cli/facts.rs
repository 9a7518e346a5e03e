//! `gpdata facts`: the register's facts table, as text or as Markdown for docs/facts.md.

use super::args::FactsFormat;

/// The facts table as `gpdata facts` prints it.
pub(super) fn render(format: FactsFormat) -> String {
    use crate::register::facts::{FACTS, Kind};
    let values = |kind: Kind| match kind {
        Kind::Words { words, .. } => words.join(" | "),
        Kind::Date => "a date, YYYY-MM-DD".to_string(),
        Kind::Text => "text".to_string(),
        Kind::List => "a list of text".to_string(),
        Kind::Party => "a name, or {name, ods_code}".to_string(),
        Kind::Derived => "true or false, worked out by gpdata".to_string(),
    };
    let mut out = String::new();
    match format {
        FactsFormat::Markdown => {
            out.push_str("| fact | values | meaning |\n|---|---|---|\n");
            for d in FACTS {
                out.push_str(&format!(
                    "| `{}` | {} | {} |\n",
                    d.path,
                    values(d.kind).replace('|', "\\|"),
                    d.about
                ));
            }
        }
        FactsFormat::Table => {
            for d in FACTS {
                out.push_str(&format!(
                    "{}\n  values: {}\n  {}\n\n",
                    d.path,
                    values(d.kind),
                    d.about
                ));
            }
        }
    }
    out
}
