//! The command line: argument definitions (clap derive; doc comments are the help text) and
//! dispatch to one module per subcommand. Every subcommand returns an [`Exit`] code.

mod audit;
mod catalogue;
mod check;
mod explain;
mod init;
mod letter;
mod misc;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::diag::DiagFormat;
use crate::letter::templates::LetterKind;
use crate::source::display_path;

/// The process exit codes, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked (warnings are allowed).
    Ok = 0,
    /// At least one input had errors; the other inputs were still processed.
    InputErrors = 1,
    /// The command line was wrong, or the system failed (I/O, an internal error).
    Usage = 2,
}

/// Check, audit and write to your ICB about the patient data flows that leave your practice.
///
/// Keep one register (a YAML file) per practice listing every flow of patient data. Then:
///   gpdata check  REGISTER...   find mistakes in registers
///   gpdata audit  REGISTER...   decide, flow by flow, what the practice should do
///   gpdata explain REGISTER ID  say in plain English why a flow got its decision
///   gpdata letter REGISTER...   write the enquiry letter to the ICB as a PDF
///
/// Exit codes: 0 success (warnings allowed), 1 some input had errors (the others were still
/// processed), 2 usage or system error.
#[derive(Debug, Parser)]
#[command(name = "gpdata", version, about, long_about, max_term_width = 100)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check registers for mistakes and gaps, with the line and column of each.
    ///
    /// PATH may be register files or folders (searched for *.yaml and *.yml). Errors must be
    /// fixed before a register can be audited; warnings point at gaps and contradictions.
    Check(CheckArgs),
    /// Decide, flow by flow, what each practice should do: withdraw, freeze, switch off,
    /// query or retain.
    ///
    /// One register gives a table of its flows; several give a summary per practice and a view
    /// of each flow id across practices.
    Audit(AuditArgs),
    /// Explain in plain English which rules decided a flow, and on which facts.
    Explain(ExplainArgs),
    /// Write the letter to the ICB (PDF by default) for one register or a whole folder.
    Letter(Box<LetterArgs>),
    /// Print or check policies (the rules the audit applies).
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// List or print the letter templates, to copy and adapt.
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// List or print what gpdata knows of national flows and ICBs, with sources.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Print the JSON Schema of the register format (for editor autocompletion).
    Schema,
    /// List every fact a register records about a flow: its path, its values and what it means.
    Facts {
        /// `markdown` prints the table kept in docs/facts.md.
        #[arg(long, value_enum, default_value = "table")]
        format: FactsFormat,
    },
    /// Write a starting register with every national flow already listed.
    ///
    /// With --practice and --icb, the register names the practice and its ICB and lists, by
    /// catalogue reference, every national flow every practice has, with comments saying what
    /// to confirm. The JSON Schema its first line points to is written beside it.
    Init(InitArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Print a policy: the built-in `gpc-2026` by default, so an LMC can copy and edit it.
    Show {
        /// A policy file to print instead of the built-in one.
        #[arg(long)]
        policy: Option<PathBuf>,
    },
    /// Check a policy file for mistakes.
    Check {
        /// The policy file.
        file: PathBuf,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        format: DiagFormat,
    },
}

/// How `gpdata facts` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FactsFormat {
    /// For the terminal.
    Table,
    /// A Markdown table.
    Markdown,
}

/// How catalogue entries are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CatalogueFormat {
    /// For people.
    Table,
    /// JSON.
    Json,
}

#[derive(Debug, Subcommand)]
enum CatalogueCommand {
    /// List every catalogue entry: id, obligation, who has it, status and name.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: CatalogueFormat,
        #[command(flatten)]
        catalogue: CatalogueArg,
    },
    /// Print one entry with every fact, why each opt-out applies or not, and its sources.
    Show {
        /// The entry's id (see `gpdata catalogue list`).
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: CatalogueFormat,
        #[command(flatten)]
        catalogue: CatalogueArg,
    },
    /// List the ICBs gpdata knows, with abolished ones and their successors.
    Icbs {
        #[command(flatten)]
        catalogue: CatalogueArg,
        #[command(flatten)]
        date: DateArg,
    },
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    /// Where to write it (refuses to overwrite an existing file).
    #[arg(default_value = "register.yaml")]
    file: PathBuf,
    /// The practice's ODS code (one letter and five digits, e.g. B82005).
    #[arg(long, value_name = "ODS")]
    practice: String,
    /// The ICB's ODS code (e.g. QOQ or Z9B2Z; `gpdata catalogue icbs` lists them); its name
    /// comes from gpdata's ICB list.
    #[arg(long, value_name = "CODE")]
    icb: String,
    #[command(flatten)]
    catalogue: CatalogueArg,
    #[command(flatten)]
    date: DateArg,
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// List the built-in templates.
    List,
    /// Print one template (e.g. `enquiry`), to copy into your own templates folder.
    Show {
        /// The template's name.
        name: String,
    },
}

/// Options shared by the commands that judge dates ("today").
#[derive(Debug, clap::Args)]
struct DateArg {
    /// Treat this day as today (YYYY-MM-DD), for reproducible audits and letters.
    #[arg(long, env = "GPDATA_DATE", value_parser = parse_date)]
    date: Option<Date>,
}

impl DateArg {
    fn today(&self) -> Date {
        self.date.unwrap_or_else(crate::dates::today)
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
    crate::dates::parse(text)
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    fn enabled(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human", env = "GPDATA_FORMAT")]
    format: DiagFormat,
    /// Show errors only, not warnings.
    #[arg(long, short)]
    quiet: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    #[command(flatten)]
    date: DateArg,
    #[command(flatten)]
    jobs: JobsArg,
    #[command(flatten)]
    catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
struct JobsArg {
    /// Registers worked on at once in bulk runs (default: one per core).
    #[arg(long, short, env = "GPDATA_JOBS", value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
}

impl JobsArg {
    /// The worker threads for `inputs` registers, or a usage error.
    fn workers(&self, inputs: usize) -> Option<crate::workers::Workers> {
        match crate::workers::Workers::new(self.jobs.map(usize::from), inputs) {
            Ok(w) => Some(w),
            Err(e) => {
                error(&e.to_string());
                None
            }
        }
    }
}

/// How audit results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuditFormat {
    /// An aligned table for the terminal.
    Table,
    /// Comma-separated values (UTF-8 with BOM, RFC 4180) for Excel.
    Csv,
    /// JSON (documented in the README).
    Json,
}

/// Which audit view to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuditView {
    /// One row per flow.
    Flows,
    /// One row per practice, with counts by decision.
    Practices,
    /// One row per flow id, across practices.
    FlowIds,
}

/// Where gpdata's knowledge of national flows and ICBs comes from.
#[derive(Debug, clap::Args)]
struct CatalogueArg {
    /// A folder with an area's own catalogue entries (flows.yaml) and ICB changes (icbs.yaml),
    /// added to the built-in catalogue.
    #[arg(long, value_name = "DIR", env = "GPDATA_CATALOGUE")]
    catalogue: Option<PathBuf>,
}

impl CatalogueArg {
    /// The catalogue to use; prints its diagnostics and returns `None` when a local one has
    /// errors. A local catalogue lives as long as the process.
    fn load(&self) -> Option<&'static crate::catalogue::Catalogue> {
        let Some(dir) = &self.catalogue else {
            return Some(crate::catalogue::Catalogue::builtin());
        };
        let (catalogue, diags) = crate::catalogue::Catalogue::with_local(dir);
        if !diags.is_empty() {
            eprint(&crate::diag::render_human(&diags, stderr_is_terminal()));
        }
        match catalogue {
            Some(c) => Some(Box::leak(Box::new(c))),
            None => {
                error(&format!(
                    "the catalogue in `{}` has errors; nothing was done",
                    display_path(dir)
                ));
                None
            }
        }
    }
}

#[derive(Debug, clap::Args)]
struct PolicyArg {
    /// A policy file to use instead of the built-in `gpc-2026`.
    #[arg(long, env = "GPDATA_POLICY")]
    policy: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: AuditFormat,
    /// What to list: `flows` (every flow), `practices` (counts per practice) or `flow-ids`
    /// (each flow id across practices). Default: flows for one register, practices and
    /// flow ids for several; CSV always lists flows unless told otherwise.
    #[arg(long, value_enum)]
    view: Option<AuditView>,
    #[command(flatten)]
    policy: PolicyArg,
    #[command(flatten)]
    date: DateArg,
    /// When to use colour.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    #[command(flatten)]
    jobs: JobsArg,
    #[command(flatten)]
    catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
struct ExplainArgs {
    /// The register file.
    file: PathBuf,
    /// The flow to explain; every flow when left out.
    flow: Option<String>,
    #[command(flatten)]
    policy: PolicyArg,
    #[command(flatten)]
    date: DateArg,
    #[command(flatten)]
    catalogue: CatalogueArg,
}

/// The letter's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LetterFormat {
    /// A typeset A4 PDF.
    Pdf,
    /// Markdown (for an email body or further editing).
    Md,
    /// Plain text.
    Txt,
}

impl LetterFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            LetterFormat::Pdf => "pdf",
            LetterFormat::Md => "md",
            LetterFormat::Txt => "txt",
        }
    }
}

#[derive(Debug, clap::Args)]
struct LetterArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output file (one register) or folder (any number). Default: the current folder, with
    /// files named ODSCODE-KIND.EXT, e.g. B82005-enquiry.pdf.
    #[arg(short, long, value_name = "PATH", env = "GPDATA_OUTPUT")]
    output: Option<PathBuf>,
    /// Which letter.
    #[arg(long, value_enum, default_value = "enquiry")]
    kind: LetterKind,
    /// Output format.
    #[arg(long, value_enum, default_value = "pdf")]
    format: LetterFormat,
    /// Days the ICB has to reply, counted from the letter date.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u16).range(1..=365))]
    reply_days: u16,
    /// Our reference for this letter. Default: ODSCODE/DSA/1 (enquiry) or ODSCODE/DSA/2.
    #[arg(long)]
    reference: Option<String>,
    /// For a follow-up: the date of the first letter (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date, required_if_eq("kind", "follow-up"))]
    previous_date: Option<Date>,
    /// For a follow-up: the reference of the first letter. Default: ODSCODE/DSA/1.
    #[arg(long)]
    previous_ref: Option<String>,
    /// A folder of templates that replace the built-in ones by name.
    #[arg(long, value_name = "DIR", env = "GPDATA_TEMPLATES")]
    templates: Option<PathBuf>,
    /// Write an untagged PDF (smallest file, not accessible to screen readers).
    #[arg(long, conflicts_with = "pdfa")]
    untagged: bool,
    /// Write PDF/A-2b (archival); checked by krilla's validator.
    #[arg(long)]
    pdfa: bool,
    /// Leave the names of processors and platforms (companies such as software suppliers) out
    /// of the letter.
    #[arg(long, env = "GPDATA_OMIT_SUPPLIER_NAMES")]
    omit_supplier_names: bool,
    #[command(flatten)]
    jobs: JobsArg,
    /// Do not show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    policy: PolicyArg,
    #[command(flatten)]
    date: DateArg,
    #[command(flatten)]
    catalogue: CatalogueArg,
}

/// Parses the command line and runs the command; returns the process exit code.
pub fn run() -> i32 {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => Exit::Usage as i32,
            };
        }
    };
    let exit = match args.command {
        Command::Check(a) => check::run(&a),
        Command::Audit(a) => audit::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Letter(a) => letter::run(&a),
        Command::Policy { command } => misc::policy(command),
        Command::Templates { command } => misc::templates(command),
        Command::Catalogue { command } => catalogue::run(&command),
        Command::Facts { format } => {
            print(&misc::facts(format));
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

/// Prints an operational error (`gpdata: error: …`) to standard error.
pub fn error(message: &str) {
    eprint(&format!("gpdata: error: {message}\n"));
}

/// Loads the policy named on the command line, or the built-in one; prints its diagnostics to
/// standard error. `None` when it has errors.
fn load_policy(arg: &PolicyArg) -> Option<crate::policy::Policy> {
    let Some(path) = &arg.policy else {
        return Some(crate::policy::builtin());
    };
    let (policy, diags) = crate::policy::load_path(path);
    if !diags.is_empty() {
        eprint(&crate::diag::render_human(&diags, stderr_is_terminal()));
    }
    if policy.is_none() {
        error(&format!(
            "the policy `{}` has errors; nothing was audited",
            display_path(path)
        ));
    }
    policy
}

fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
