//! `gpdata templates list|show`: the built-in letter templates, to read or to copy and change.

use crate::letter::templates;

use super::args::TemplatesCommand;
use super::{Exit, error, print};

/// Runs `gpdata templates list` or `gpdata templates show`.
pub(super) fn run(command: TemplatesCommand) -> Exit {
    match command {
        TemplatesCommand::List => {
            for b in templates::BUILTIN {
                print(&format!("{:<12} {}\n", b.name, b.about));
            }
            Exit::Ok
        }
        TemplatesCommand::Show { name } => match templates::builtin(&name) {
            Some(b) => {
                print(b.text);
                Exit::Ok
            }
            None => {
                let names: Vec<&str> = templates::BUILTIN.iter().map(|b| b.name).collect();
                error(&format!(
                    "there is no built-in template `{name}`; the templates are {}",
                    crate::english::and_list(&names)
                ));
                Exit::CannotRun
            }
        },
    }
}
