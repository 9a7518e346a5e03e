//! `gpdata import`: registers from a spreadsheet of data sharing agreements.

use std::path::PathBuf;

use crate::diag::{self, Code, Diagnostic};
use crate::import;
use crate::source::display_path;

use super::args::ImportArgs;
use super::{Exit, eprint_diagnostics, error, note};

pub(super) fn run(args: &ImportArgs) -> Exit {
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let file = display_path(&args.file);
    let sheet = match import::read_sheet(&args.file, args.sheet.as_deref()) {
        Ok(sheet) => sheet,
        Err(reason) => {
            eprint_diagnostics(&[Diagnostic::error(
                Code::UnreadableFile,
                format!("cannot read `{file}` as a spreadsheet: {reason}"),
            )
            .with_file_name(&file)
            .with_help("save it as .xlsx, .ods or .csv and try again")]);
            return Exit::InputErrors;
        }
    };
    let mut diags = Vec::new();
    let rows = import::read_rows(&file, &sheet, catalogue, &mut diags);
    let registers = import::registers(
        &file,
        &sheet,
        &rows,
        import::Defaults {
            practice: args.practice.as_deref(),
            icb: args.icb.as_deref(),
        },
        catalogue,
        args.date.today(),
        &mut diags,
    );
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
    if !registers.is_empty()
        && let Err(e) = std::fs::create_dir_all(&dir)
    {
        error(&format!(
            "cannot create the folder `{}`: {}",
            display_path(&dir),
            crate::files::io_reason(&e)
        ));
        return Exit::CannotRun;
    }
    let mut written = Vec::new();
    for (code, text) in &registers {
        let path = dir.join(format!("{code}.yaml"));
        if path.exists() {
            diags.push(
                Diagnostic::error(
                    Code::CannotWrite,
                    format!(
                        "`{}` already exists; it was not overwritten",
                        display_path(&path)
                    ),
                )
                .with_file_name(&display_path(&path))
                .with_help("move it, or import into another folder with -o"),
            );
            continue;
        }
        match crate::output::write_atomic(&path, text.as_bytes()) {
            Ok(()) => written.push(path),
            Err(e) => diags.push(
                Diagnostic::error(
                    Code::CannotWrite,
                    format!(
                        "cannot write `{}`: {}",
                        display_path(&path),
                        crate::files::io_reason(&e)
                    ),
                )
                .with_file_name(&display_path(&path)),
            ),
        }
    }
    if !written.is_empty() {
        let schema = dir.join("gpdata.schema.json");
        if !schema.exists() {
            let _ = crate::output::write_atomic(&schema, crate::register::schema().as_bytes());
        }
    }
    if !diags.is_empty() {
        super::eprint(&diag::render_short(&super::shown(&diags)));
    }
    let rows_read = rows.len();
    note(&format!(
        "read {rows_read} {} from {file}; wrote {} {}{}\n",
        if rows_read == 1 {
            "agreement"
        } else {
            "agreements"
        },
        written.len(),
        if written.len() == 1 {
            "register"
        } else {
            "registers"
        },
        if written.is_empty() {
            String::new()
        } else {
            format!(
                " to {}; replace each `CHANGE ME:` line, then run `gpdata check {}`",
                display_path(&dir),
                display_path(&dir)
            )
        }
    ));
    if diags.iter().any(Diagnostic::is_error) {
        Exit::InputErrors
    } else {
        Exit::Ok
    }
}
