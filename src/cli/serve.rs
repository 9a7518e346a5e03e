//! `gpdata serve`: the local web page.

use super::args::ServeArgs;
use super::{Exit, error, load_policy};

pub(super) fn run(args: &ServeArgs) -> Exit {
    let Some(policy) = load_policy(&args.policy) else {
        return Exit::InputErrors;
    };
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let options = crate::serve::Options {
        folder: args.folder.clone(),
        port: args.port,
        address: args.address,
        policy,
        catalogue,
        date: args.date.date,
    };
    match crate::serve::run(options) {
        Ok(()) => Exit::Ok,
        Err(message) => {
            error(&message);
            Exit::CannotRun
        }
    }
}
