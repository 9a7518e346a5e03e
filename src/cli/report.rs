//! `gpdata report`: the area report as one HTML file.

use crate::audit::{self, Item, Totals};
use crate::diag;
use crate::discover;
use crate::report::{self, Area};
use crate::source::display_path;

use super::args::ReportArgs;
use super::{Exit, eprint, error, load_policy, note};

pub(super) fn run(args: &ReportArgs) -> Exit {
    let Some(policy) = load_policy(&args.policy) else {
        return Exit::InputErrors;
    };
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
            error(&message);
            return Exit::CannotRun;
        }
    };
    let Some(workers) = args.jobs.workers(inputs.len()) else {
        return Exit::CannotRun;
    };
    let mut totals = Totals::default();
    let mut area = Area::default();
    audit::run(&inputs, &policy, &env, &workers, |item| {
        totals.add(&item);
        match &item {
            Item::Audited(a) => area.register(a),
            Item::Skipped { file, diags } => {
                eprint(&diag::render_short(diags));
                area.skipped(file, diags);
            }
        }
    });
    let html = report::html(&area, &totals, &policy, env.today, &args.title);
    if let Err(e) = crate::output::write_atomic(&args.output, html.as_bytes()) {
        error(&format!(
            "cannot write `{}`: {}",
            display_path(&args.output),
            crate::files::io_reason(&e)
        ));
        return Exit::CannotRun;
    }
    note(&format!("wrote {}\n", display_path(&args.output)));
    if totals.skipped.is_empty() {
        Exit::Ok
    } else {
        Exit::InputErrors
    }
}
