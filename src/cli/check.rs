//! `gpdata check`: validate registers and report every diagnostic.

use crate::diag::{self, DiagFormat, Diagnostic, Severity};
use crate::discover::{self, Input};
use crate::suggest::plural;

use super::{CheckArgs, Exit, print, stdout_is_terminal};

pub(super) fn run(args: &CheckArgs) -> Exit {
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let env = crate::validate::Env {
        today: args.date.today(),
        catalogue,
    };
    let inputs = discover::expand(&args.paths);
    if inputs.is_empty() {
        super::error("no registers found (looked for *.yaml and *.yml files)");
        return Exit::Usage;
    }
    let Some(workers) = args.jobs.workers(inputs.len()) else {
        return Exit::Usage;
    };
    let color = args.color.enabled(stdout_is_terminal());
    let (mut with_errors, mut with_warnings) = (0, 0);
    let mut json = diag::JsonArray::default();
    let load = |input: &Input| match input {
        Input::File(path) => crate::validate::load_path_with(path, &env).diags,
        Input::Missing(path, reason) => vec![discover::missing(path, reason)],
    };
    // Printed as each batch is done, in input order: a long bulk run shows progress and holds
    // one batch of diagnostics at most, in every format.
    workers.each(&inputs, load, |diags| {
        let errors = diags.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            with_errors += 1;
        } else if !diags.is_empty() {
            with_warnings += 1;
        }
        let shown: Vec<Diagnostic> = diags
            .into_iter()
            .filter(|d| !args.quiet || d.severity == Severity::Error)
            .collect();
        print(&match args.format {
            DiagFormat::Human => diag::render_human(&shown, color),
            DiagFormat::Short => diag::render_short(&shown),
            DiagFormat::Json => json.items(&shown),
        });
    });
    if args.format == DiagFormat::Json {
        print(&json.finish());
    } else if args.format == DiagFormat::Human {
        print(&summary(inputs.len(), with_errors, with_warnings));
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
