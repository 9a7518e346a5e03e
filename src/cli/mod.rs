//! The command line: dispatch to one module per subcommand (arguments in [`args`]), and the
//! few ways a command talks to the terminal. Every subcommand returns an [`Exit`] code.

mod args;
mod audit;
mod catalogue;
mod check;
mod diff;
mod explain;
mod facts;
mod import;
pub(crate) mod init;
mod letter;
mod man;
mod policy;
mod report;
mod serve;
mod status;
mod templates;

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use clap::Parser;

use crate::diag::{self, Diagnostic};
use crate::source::display_path;

pub use args::LetterFormat;
use args::{Args, Command, PolicyArg};

/// The process exit codes, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked (warnings are allowed).
    Ok = 0,
    /// At least one input had errors; the other inputs were still processed.
    InputErrors = 1,
    /// The command could not run: the command line was wrong, or the system failed (a folder
    /// that cannot be written, an internal error).
    CannotRun = 2,
}

/// How this run talks to the terminal, from the global options.
#[derive(Debug, Clone, Copy)]
struct Ui {
    quiet: bool,
    color_stdout: bool,
    color_stderr: bool,
}

static UI: OnceLock<Ui> = OnceLock::new();

fn ui() -> Ui {
    *UI.get_or_init(|| Ui {
        quiet: false,
        color_stdout: false,
        color_stderr: false,
    })
}

/// Parses the command line and runs the command; returns the process exit code.
pub fn run() -> i32 {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => Exit::CannotRun as i32,
            };
        }
    };
    let _ = UI.set(Ui {
        quiet: args.ui.quiet,
        color_stdout: args.ui.color.enabled(std::io::stdout().is_terminal()),
        color_stderr: args.ui.color.enabled(std::io::stderr().is_terminal()),
    });
    let exit = match args.command {
        Command::Check(a) => check::run(&a),
        Command::Audit(a) => audit::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Letter(a) => letter::run(&a),
        Command::Status(a) => status::run(&a),
        Command::Import(a) => import::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Policy { command } => policy::run(command),
        Command::Templates { command } => templates::run(command),
        Command::Catalogue { command } => catalogue::run(&command),
        Command::Facts { format } => {
            print(&facts::render(format));
            Exit::Ok
        }
        Command::Schema => {
            print(&crate::register::schema());
            Exit::Ok
        }
        Command::Init(a) => init::run(&a),
        Command::Completions { shell } => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "gpdata", &mut std::io::stdout());
            Exit::Ok
        }
        Command::Man { command } => man::run(command.as_deref()),
    };
    exit as i32
}

/// Writes to standard output, ignoring a closed pipe (e.g. `gpdata audit … | head`).
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes to standard error.
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

/// Writes a note (a summary, "wrote …", a hint) to standard error, unless `--quiet`.
pub fn note(text: &str) {
    if !ui().quiet {
        eprint(text);
    }
}

/// True under `--quiet`.
fn quiet() -> bool {
    ui().quiet
}

/// Prints an operational error (`gpdata: error: …`) to standard error.
pub fn error(message: &str) {
    eprint(&format!("gpdata: error: {message}\n"));
}

/// The diagnostics `--quiet` lets through: errors only when quiet, every one otherwise.
fn shown(diags: &[Diagnostic]) -> Vec<Diagnostic> {
    diags
        .iter()
        .filter(|d| !ui().quiet || d.is_error())
        .cloned()
        .collect()
}

/// Prints diagnostics for people to standard error, coloured as `--color` says.
fn eprint_diagnostics(diags: &[Diagnostic]) {
    let shown = shown(diags);
    if !shown.is_empty() {
        eprint(&diag::render_human(&shown, ui().color_stderr));
    }
}

/// Diagnostics for people, as printed to standard output, coloured as `--color` says.
fn human_diagnostics(diags: &[Diagnostic]) -> String {
    diag::render_human(&shown(diags), ui().color_stdout)
}

/// Loads the policy named on the command line, or the built-in one; prints its diagnostics to
/// standard error. `None` when it has errors.
fn load_policy(arg: &PolicyArg) -> Option<crate::policy::Policy> {
    let Some(path) = &arg.policy else {
        return Some(crate::policy::builtin());
    };
    let (policy, diags) = crate::policy::load_path(path);
    eprint_diagnostics(&diags);
    if policy.is_none() {
        error(&format!(
            "the policy `{}` has errors; nothing was audited",
            display_path(path)
        ));
    }
    policy
}

fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
