//! The small commands: `policy show|check`, `templates list|show`.

use crate::diag::{self, DiagFormat};
use crate::policy;

use super::args::{FactsFormat, PolicyCommand, TemplatesCommand};
use super::{Exit, error, human_diagnostics, print};
use crate::source::display_path;

pub(super) fn policy(command: PolicyCommand) -> Exit {
    match command {
        PolicyCommand::Show { policy: None } => {
            print(policy::BUILTIN_TEXT);
            Exit::Ok
        }
        PolicyCommand::Show { policy: Some(path) } => match std::fs::read_to_string(&path) {
            Ok(text) => {
                print(&text);
                Exit::Ok
            }
            Err(e) => {
                error(&format!(
                    "cannot read `{}`: {}",
                    display_path(&path),
                    crate::files::io_reason(&e)
                ));
                Exit::CannotRun
            }
        },
        PolicyCommand::Check { file, format } => {
            let (policy, diags) = policy::load_path(&file);
            print(&match format {
                DiagFormat::Human => human_diagnostics(&diags),
                DiagFormat::Short => diag::render_short(&diags),
                DiagFormat::Json => diag::render_json(&diags),
            });
            match policy {
                Some(p) => {
                    if format == DiagFormat::Human {
                        let rules = match p.rules.len() {
                            1 => "1 rule".to_string(),
                            n => format!("{n} rules"),
                        };
                        let warnings = match diags.len() {
                            0 => String::new(),
                            1 => ", 1 warning".to_string(),
                            n => format!(", {n} warnings"),
                        };
                        print(&format!(
                            "policy `{}` ({rules}): no errors{warnings}\n",
                            p.id
                        ));
                    }
                    Exit::Ok
                }
                None => Exit::InputErrors,
            }
        }
    }
}

pub(super) fn templates(command: TemplatesCommand) -> Exit {
    match command {
        TemplatesCommand::List => {
            for b in crate::letter::templates::BUILTIN {
                print(&format!("{:<12} {}\n", b.name, b.about));
            }
            Exit::Ok
        }
        TemplatesCommand::Show { name } => match crate::letter::templates::builtin(&name) {
            Some(b) => {
                print(b.text);
                Exit::Ok
            }
            None => {
                let names: Vec<&str> = crate::letter::templates::BUILTIN
                    .iter()
                    .map(|b| b.name)
                    .collect();
                error(&format!(
                    "there is no built-in template `{name}`; the templates are {}",
                    crate::english::and_list(&names)
                ));
                Exit::CannotRun
            }
        },
    }
}

/// The facts table as `gpdata facts` prints it.
pub(super) fn facts(format: FactsFormat) -> String {
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

/// The manual page of gpdata, or of one of its commands, as roff.
pub(super) fn man(command: Option<&str>) -> Exit {
    let top = <super::Args as clap::CommandFactory>::command();
    let page = match command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            // The page of `gpdata letter` is gpdata-letter(1), as git and cargo name theirs.
            Some(sub) => sub.clone().name(format!("gpdata-{name}")),
            None => {
                let names: Vec<&str> = top
                    .get_subcommands()
                    .map(clap::Command::get_name)
                    .filter(|n| *n != "help")
                    .collect();
                let hint = match crate::suggest::closest(name, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("the commands are {}", crate::english::and_list(&names)),
                };
                error(&format!("gpdata has no command `{name}`; {hint}"));
                return Exit::CannotRun;
            }
        },
    };
    let mut out = Vec::new();
    match clap_mangen::Man::new(page).render(&mut out) {
        Ok(()) => {
            print(&String::from_utf8_lossy(&out));
            Exit::Ok
        }
        Err(e) => {
            error(&format!("cannot write the manual page: {e}"));
            Exit::CannotRun
        }
    }
}
