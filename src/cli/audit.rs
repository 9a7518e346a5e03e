//! `gpdata audit`: decisions per flow, per practice and per flow id.

use crate::audit::{self, Item, Totals, table};
use crate::diag;
use crate::discover;
use crate::suggest::plural;
use std::io::Write;

use super::args::{AuditArgs, AuditFormat, AuditView};
use super::{Exit, eprint, error, load_policy, note, print};

pub(super) fn run(args: &AuditArgs) -> Exit {
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
    let date = env.today.to_string();
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
    let several = inputs.len() > 1;
    let view = args
        .view
        .unwrap_or(if several && args.format == AuditFormat::Table {
            AuditView::Practices
        } else {
            AuditView::Flows
        });
    let policy_label = format!("{} {}", policy.id, policy.version);
    let mut totals = Totals::default();
    let mut warned = 0usize;
    let mut practice_rows: Vec<Vec<String>> = Vec::new();
    let stdout = || std::io::BufWriter::new(std::io::stdout());
    let mut csv = None;
    let mut json = None;
    let opened = match args.format {
        AuditFormat::Csv => audit::csv::Writer::new(stdout()).map(|w| csv = Some(w)),
        AuditFormat::Json => {
            audit::json::Writer::new(stdout(), &policy, &date).map(|w| json = Some(w))
        }
        AuditFormat::Table => Ok(()),
    };
    if opened.is_err() {
        return Exit::Ok; // standard output closed before anything was written
    }
    audit::run(&inputs, &policy, &env, &workers, |item| {
        totals.add(&item);
        match &item {
            Item::Skipped { diags, .. } => {
                eprint(&diag::render_short(diags));
            }
            Item::Audited(a) => {
                if !a.warnings.is_empty() {
                    warned += 1;
                }
                let _ = match (args.format, view) {
                    (AuditFormat::Csv, _) => csv.as_mut().map_or(Ok(()), |w| w.register(a)),
                    (AuditFormat::Json, _) => json.as_mut().map_or(Ok(()), |w| w.register(a)),
                    (AuditFormat::Table, AuditView::Flows) => {
                        print(&table::flows(a, &policy_label, &date));
                        print("\n");
                        Ok(())
                    }
                    (AuditFormat::Table, _) => {
                        practice_rows.push(table::practice_row(a));
                        Ok(())
                    }
                };
            }
        }
    });
    let unused = if several {
        totals.unused_rules(&policy)
    } else {
        Vec::new()
    };
    match args.format {
        AuditFormat::Csv => {
            if let Some(w) = csv {
                let _ = w.finish();
            }
        }
        AuditFormat::Json => {
            if let Some(w) = json {
                let _ = w.finish(&totals, &unused);
            }
        }
        AuditFormat::Table => {
            if view == AuditView::Practices {
                print(&table::grid(
                    &table::PRACTICE_HEADERS,
                    &practice_rows,
                    &[8, 40, 5],
                ));
                print("\n");
            }
            if view == AuditView::FlowIds || (view == AuditView::Practices && several) {
                print(&table::flow_ids(&totals));
                print("\n");
            }
            if several || !totals.skipped.is_empty() {
                print(&table::closing(&totals, &unused));
            }
        }
    }
    if args.format != AuditFormat::Table {
        // Machine-readable output stays clean; the summary goes to standard error.
        let mut err = std::io::stderr().lock();
        if !totals.skipped.is_empty() {
            let _ = writeln!(
                err,
                "gpdata: {} of {} registers have errors and were skipped",
                totals.skipped.len(),
                totals.skipped.len() + totals.audited
            );
        }
        if !unused.is_empty() && !super::quiet() {
            let _ = writeln!(
                err,
                "warning[unused-rule]: no flow matched {}",
                unused.join(", ")
            );
        }
    }
    if warned > 0 {
        note(&format!(
            "note: {} warnings; run `gpdata check` to see them\n",
            plural(warned, "register has", "registers have")
        ));
    }
    if totals.skipped.is_empty() {
        Exit::Ok
    } else {
        Exit::InputErrors
    }
}
