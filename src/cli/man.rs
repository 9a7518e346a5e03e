//! `gpdata man`: manual pages generated from the command-line definition.

use super::{Exit, error, print};

/// The manual page of gpdata, or of one of its commands, as roff.
pub(super) fn run(command: Option<&str>) -> Exit {
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
                let hint = crate::suggest::did_you_mean(name, names.iter().copied())
                    .unwrap_or_else(|| {
                        format!("the commands are {}", crate::english::and_list(&names))
                    });
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
