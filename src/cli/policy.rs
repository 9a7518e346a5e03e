//! `gpdata policy show|check`: print the built-in policy or a policy file, or check one.

use crate::diag::{self, DiagFormat};
use crate::policy;
use crate::source::display_path;

use super::args::PolicyCommand;
use super::{Exit, error, human_diagnostics, print};

/// Runs `gpdata policy show` or `gpdata policy check`.
pub(super) fn run(command: PolicyCommand) -> Exit {
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
