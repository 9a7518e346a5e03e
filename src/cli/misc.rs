//! The small commands: `policy show|check`, `templates list|show`, `init`.

use std::path::Path;

use crate::diag::{self, DiagFormat};
use crate::policy;

use super::{Exit, PolicyCommand, TemplatesCommand, error, print, stdout_is_terminal};

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
                    path.display(),
                    crate::source::io_reason(&e)
                ));
                Exit::Usage
            }
        },
        PolicyCommand::Check { file, format } => {
            let (policy, diags) = policy::load_path(&file);
            print(&match format {
                DiagFormat::Human => diag::render_human(&diags, stdout_is_terminal()),
                DiagFormat::Short => diag::render_short(&diags),
                DiagFormat::Json => diag::render_json(&diags),
            });
            match policy {
                Some(p) => {
                    if format == DiagFormat::Human {
                        print(&format!(
                            "policy `{}` ({} rules): no errors\n",
                            p.id,
                            p.rules.len()
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
            for (name, about) in crate::letter::templates::BUILTIN_LIST {
                print(&format!("{name:<12} {about}\n"));
            }
            Exit::Ok
        }
        TemplatesCommand::Show { name } => match crate::letter::templates::builtin(&name) {
            Some(text) => {
                print(text);
                Exit::Ok
            }
            None => {
                let names: Vec<&str> = crate::letter::templates::BUILTIN_LIST
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                error(&format!(
                    "there is no built-in template `{name}`; the templates are {}",
                    crate::suggest::and_list(&names)
                ));
                Exit::Usage
            }
        },
    }
}

/// The commented starting register written by `gpdata init`.
const STARTER: &str = include_str!("starter.yaml");

pub(super) fn init(file: &Path) -> Exit {
    use std::io::Write;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file);
    match created {
        Ok(mut f) => match f.write_all(STARTER.as_bytes()) {
            Ok(()) => {
                print(&format!(
                    "wrote {}; fill it in, then run `gpdata check {}`\n",
                    file.display(),
                    file.display()
                ));
                Exit::Ok
            }
            Err(e) => {
                let _ = std::fs::remove_file(file);
                error(&format!(
                    "cannot write `{}`: {}",
                    file.display(),
                    crate::source::io_reason(&e)
                ));
                Exit::Usage
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            error(&format!(
                "`{}` already exists; choose another name",
                file.display()
            ));
            Exit::Usage
        }
        Err(e) => {
            error(&format!(
                "cannot write `{}`: {}",
                file.display(),
                crate::source::io_reason(&e)
            ));
            Exit::Usage
        }
    }
}
