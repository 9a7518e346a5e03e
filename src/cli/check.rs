//! `gpdata check`: validate registers and report every diagnostic.

use crate::diag::{self, DiagFormat};
use crate::discover::{self, Input};
use crate::english::plural;

use super::args::CheckArgs;
use super::{Exit, human_diagnostics, print, quiet, shown};

pub(super) fn run(args: &CheckArgs) -> Exit {
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let env = crate::validate::Env {
        today: args.date.today(),
        catalogue,
    };
    let inputs = match discover::expand(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => {
            super::error(&message);
            return Exit::CannotRun;
        }
    };
    let Some(workers) = args.jobs.workers(inputs.len()) else {
        return Exit::CannotRun;
    };
    let (mut with_errors, mut with_warnings) = (0, 0);
    let mut json = diag::JsonArray::default();
    // Each register's diagnostics are rendered on the worker that loaded it (rendering a bulk
    // run's warnings costs as much as loading them) and printed as each batch is done, in input
    // order: a long bulk run shows progress and holds one batch of text at most.
    let load = |input: &Input| {
        let diags = input.load(&env).diags;
        let text = match args.format {
            DiagFormat::Human => human_diagnostics(&diags),
            DiagFormat::Short => diag::render_short(&shown(&diags)),
            DiagFormat::Json => diag::json_items(&shown(&diags)),
        };
        let errors = diags.iter().any(|d| d.is_error());
        (errors, !diags.is_empty(), text)
    };
    workers.each(&inputs, load, |(errors, any, text)| {
        if errors {
            with_errors += 1;
        } else if any {
            with_warnings += 1;
        }
        print(&match args.format {
            DiagFormat::Json => json.push(&text),
            DiagFormat::Human | DiagFormat::Short => text,
        });
    });
    match args.format {
        DiagFormat::Json => print(&json.finish()),
        DiagFormat::Human if !quiet() => print(&summary(inputs.len(), with_errors, with_warnings)),
        DiagFormat::Human | DiagFormat::Short => {}
    }
    if with_errors > 0 {
        Exit::InputErrors
    } else {
        Exit::Ok
    }
}

fn summary(total: usize, errors: usize, warnings: usize) -> String {
    let registers = plural(total, "register", "registers");
    if errors == 0 && warnings == 0 {
        return format!("{registers} checked: no problems found\n");
    }
    let mut parts = Vec::new();
    if errors > 0 {
        let verb = if errors == 1 { "has" } else { "have" };
        parts.push(format!("{errors} of {total} {verb} errors"));
    }
    if warnings > 0 {
        let verb = if warnings == 1 { "has" } else { "have" };
        parts.push(format!("{warnings} {verb} warnings only"));
    }
    format!("{registers} checked: {}\n", parts.join("; "))
}
