//! `gpdata audit`: decisions per flow, per practice and per flow id, as a table, CSV, JSON or
//! an Excel workbook.

use std::io::Write;

use crate::audit::{self, Item, Totals, View, table};
use crate::diag::{self, Diagnostic};
use crate::discover;
use crate::english::plural;
use crate::source::display_path;

use super::args::{AuditArgs, AuditFormat, AuditView};
use super::{Exit, eprint, error, load_policy, note, print};

/// Where machine-readable output goes: standard output, or a file written atomically at the end.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(Vec<u8>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(bytes) => bytes.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(_) => Ok(()),
        }
    }
}

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
    if args.format == AuditFormat::Xlsx && args.output.is_none() {
        error("an Excel workbook is a file: give its name with -o, e.g. `-o area.xlsx`");
        return Exit::CannotRun;
    }
    if args.format == AuditFormat::Table && args.output.is_some() {
        error("the table is for the terminal; for a file use --format csv, json or xlsx with -o");
        return Exit::CannotRun;
    }
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
    let data_view = match view {
        AuditView::Flows => View::Flows,
        AuditView::Practices => View::Practices,
        AuditView::FlowIds => View::FlowIds,
    };
    let policy_label = format!("{} {}", policy.id, policy.version);
    let mut totals = Totals::default();
    let mut warned = 0usize;
    let mut practice_rows: Vec<Vec<String>> = Vec::new();
    let mut skipped: Vec<(String, Vec<Diagnostic>)> = Vec::new();
    let sink = || match &args.output {
        Some(_) => Sink::File(Vec::new()),
        None => Sink::Stdout(std::io::BufWriter::new(std::io::stdout())),
    };
    let mut csv = None;
    let mut json = None;
    let mut xlsx = None;
    let opened = match args.format {
        AuditFormat::Csv => audit::csv::Writer::new(sink(), data_view).map(|w| csv = Some(w)),
        AuditFormat::Json => {
            audit::json::Writer::new(sink(), &policy, &date, data_view).map(|w| json = Some(w))
        }
        AuditFormat::Xlsx => {
            xlsx = Some(audit::xlsx::Collector::default());
            Ok(())
        }
        AuditFormat::Table => Ok(()),
    };
    if opened.is_err() {
        return Exit::Ok; // standard output closed before anything was written
    }
    audit::run(&inputs, &policy, &env, &workers, |item| {
        totals.add(&item);
        match &item {
            Item::Skipped { file, diags } => {
                eprint(&diag::render_short(diags));
                let _ = match args.format {
                    AuditFormat::Csv => csv.as_mut().map_or(Ok(()), |w| w.skipped(file, diags)),
                    AuditFormat::Xlsx => {
                        if let Some(x) = xlsx.as_mut() {
                            x.skipped(file, diags);
                        }
                        Ok(())
                    }
                    _ => Ok(()),
                };
                skipped.push((file.clone(), diags.clone()));
            }
            Item::Audited(a) => {
                if !a.warnings.is_empty() {
                    warned += 1;
                }
                let _ = match (args.format, view) {
                    (AuditFormat::Csv, _) => csv.as_mut().map_or(Ok(()), |w| w.register(a)),
                    (AuditFormat::Json, _) => json.as_mut().map_or(Ok(()), |w| w.register(a)),
                    (AuditFormat::Xlsx, _) => {
                        if let Some(x) = xlsx.as_mut() {
                            x.register(a);
                        }
                        Ok(())
                    }
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
    let finished: Option<Result<Vec<u8>, String>> = match args.format {
        AuditFormat::Csv => csv.map(|w| finish_sink(w.finish_into(&totals))),
        AuditFormat::Json => json.map(|w| finish_sink(w.finish_into(&totals, &skipped, &unused))),
        AuditFormat::Xlsx => xlsx.map(|x| {
            x.finish(&totals, &policy, env.today)
                .map_err(|e| format!("the workbook could not be made: {e}"))
        }),
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
            None
        }
    };
    if let (Some(result), Some(path)) = (finished, &args.output) {
        match result.and_then(|bytes| {
            crate::output::write_atomic(path, &bytes).map_err(|e| {
                format!(
                    "cannot write `{}`: {}",
                    display_path(path),
                    crate::files::io_reason(&e)
                )
            })
        }) {
            Ok(()) => note(&format!("wrote {}\n", display_path(path))),
            Err(message) => {
                error(&message);
                return Exit::CannotRun;
            }
        }
    }
    if args.format != AuditFormat::Table {
        // Machine-readable output stays clean; the summary goes to standard error.
        let mut err = std::io::stderr().lock();
        if !totals.skipped.is_empty() {
            let _ = writeln!(
                err,
                "gpdata: {} of {} registers have errors and were skipped (they are listed in the output)",
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

/// The bytes a writer left in memory (for `-o`); nothing for standard output.
fn finish_sink(result: std::io::Result<Sink>) -> Result<Vec<u8>, String> {
    match result {
        Ok(Sink::File(bytes)) => Ok(bytes),
        Ok(Sink::Stdout(_)) => Ok(Vec::new()),
        Err(e) => Err(format!("the output could not be written: {e}")),
    }
}
