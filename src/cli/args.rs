//! The command line's arguments: clap derive definitions, whose doc comments are the help text.
//! Options every command shares (`--color`, `--quiet`) are global; the rest belong to one
//! command each.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::diag::DiagFormat;
use crate::letter::templates::LetterKind;
use crate::source::display_path;

use super::error;

/// Check, audit and write to your ICB about the patient data flows that leave your practice.
///
/// Keep one register (a YAML file) per practice listing every flow of patient data, then:
///
///   gpdata init --practice B82005 --icb QOQ   start a register with every national flow listed
///   gpdata check REGISTER...                  find mistakes, with the line and the fix
///   gpdata audit REGISTER...                  decide, flow by flow, what the practice should do
///   gpdata explain REGISTER [FLOW]            say in plain English why a flow got its decision
///   gpdata letter REGISTER...                 write the letter to the ICB as an A4 PDF
///
/// A REGISTER may be a file, a folder (searched for .yaml and .yml files) or - (standard input).
///
/// Exit codes: 0 success (warnings allowed); 1 some input had errors (the others were still
/// processed); 2 the command could not run (a wrong option, or a folder that cannot be written).
#[derive(Debug, Parser)]
#[command(
    name = "gpdata",
    version,
    about,
    long_about,
    verbatim_doc_comment,
    max_term_width = 100
)]
pub struct Args {
    #[command(subcommand)]
    pub(super) command: Command,
    #[command(flatten)]
    pub(super) ui: UiArgs,
}

/// How every command talks to the terminal.
#[derive(Debug, clap::Args)]
pub(super) struct UiArgs {
    /// When to colour diagnostics: `auto` colours on a terminal unless NO_COLOR is set or TERM
    /// is `dumb`; `always` colours even when NO_COLOR is set.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub(super) color: ColorChoice,
    /// Print errors only: no warnings, notes, progress bar or "wrote" lines.
    #[arg(long, short, global = true)]
    pub(super) quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
    /// Show where each practice's letters stand: what was sent when, the replies, what is
    /// overdue and which questions are still open.
    ///
    /// Reads each register's correspondence record (NAME.record.yaml beside it). Several
    /// registers give one row per practice and a roll-up per ICB.
    Status(StatusArgs),
    /// Compare decisions: two registers (or folders), or one register under two dates or
    /// policies, showing which decisions changed and why.
    Diff(DiffArgs),
    /// Write the area report: one HTML file an LMC can email, with the area's decisions, each
    /// practice's, the flows most often withdrawn or queried, what most needs chasing and the
    /// registers with errors.
    Report(ReportArgs),
    /// Turn a spreadsheet of data sharing agreements (xlsx, ods or CSV) into registers, one per
    /// practice.
    ///
    /// The first row names the columns; gpdata reads the agreement's name and organisation (both
    /// needed), and the practice's ODS code and name, the ICB code, purpose, direct care or
    /// secondary, legal basis, obligation, DPIA, status, date signed, expiry date, reference and
    /// notes (the README lists every header it recognises). A cell it cannot read is left
    /// unknown, with a warning naming its sheet, row and column.
    Import(ImportArgs),
    /// Open a web page on this computer to keep the registers in a folder: forms for every
    /// fact with mistakes shown as you type, the audit and its reasons, the letter to preview
    /// and download, and (for an LMC) the whole area at a glance.
    ///
    /// The page is served at http://127.0.0.1:PORT/ and only this computer can open it. Every
    /// change is saved to the register file at once, changing only the value you changed.
    /// Press Ctrl+C to stop.
    Serve(ServeArgs),
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
    ///
    /// For bash: `gpdata completions bash > ~/.local/share/bash-completion/completions/gpdata`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man`: `gpdata man > gpdata.1; man ./gpdata.1`.
    ///
    /// With a command's name, prints that command's page (`gpdata man letter` is
    /// gpdata-letter(1)).
    Man {
        /// A command, for its own page.
        command: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum PolicyCommand {
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
pub(super) enum FactsFormat {
    /// For the terminal.
    Table,
    /// A Markdown table.
    Markdown,
}

/// How catalogue entries are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum CatalogueFormat {
    /// For people.
    Table,
    /// JSON.
    Json,
}

#[derive(Debug, Subcommand)]
pub(super) enum CatalogueCommand {
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
pub(super) struct InitArgs {
    /// Where to write it (refuses to overwrite an existing file).
    #[arg(default_value = "register.yaml")]
    pub(super) file: PathBuf,
    /// The practice's ODS code (one letter and five digits, e.g. B82005).
    #[arg(long, value_name = "ODS")]
    pub(super) practice: String,
    /// The ICB's ODS code (e.g. QOQ or Z9B2Z; `gpdata catalogue icbs` lists them); its name
    /// comes from gpdata's ICB list.
    #[arg(long, value_name = "CODE")]
    pub(super) icb: String,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
    #[command(flatten)]
    pub(super) date: DateArg,
}

#[derive(Debug, Subcommand)]
pub(super) enum TemplatesCommand {
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
pub(super) struct DateArg {
    /// Treat this day as today (YYYY-MM-DD), for reproducible audits and letters.
    #[arg(long, env = "GPDATA_DATE", value_parser = parse_date)]
    pub(super) date: Option<Date>,
}

impl DateArg {
    pub(super) fn today(&self) -> Date {
        self.date.unwrap_or_else(crate::dates::today)
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
    crate::dates::parse(text)
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream that is (or is not) a terminal. `auto` follows NO_COLOR
    /// (no-color.org: set and not empty), TERM=dumb (a terminal that cannot show colour) and
    /// CLICOLOR_FORCE (set and not 0: colour even when piped).
    pub(super) fn enabled(self, terminal: bool) -> bool {
        self.enabled_with(terminal, |name| std::env::var_os(name))
    }

    /// [`ColorChoice::enabled`] with the environment given, so it can be tested.
    fn enabled_with(
        self,
        terminal: bool,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> bool {
        let is = |name: &str, test: &dyn Fn(&std::ffi::OsStr) -> bool| {
            env(name).is_some_and(|v| test(&v))
        };
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if is("NO_COLOR", &|v| !v.is_empty()) => false,
            ColorChoice::Auto if is("CLICOLOR_FORCE", &|v| !v.is_empty() && v != "0") => true,
            ColorChoice::Auto => terminal && !is("TERM", &|v| v == "dumb"),
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human", env = "GPDATA_FORMAT")]
    pub(super) format: DiagFormat,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) jobs: JobsArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
pub(super) struct JobsArg {
    /// Registers worked on at once in bulk runs (default: one per core).
    #[arg(long, short, env = "GPDATA_JOBS", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(super) jobs: Option<u16>,
}

impl JobsArg {
    /// The worker threads for `inputs` registers, or a usage error.
    pub(super) fn workers(&self, inputs: usize) -> Option<crate::workers::Workers> {
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
pub(super) enum AuditFormat {
    /// An aligned table for the terminal.
    Table,
    /// Comma-separated values (UTF-8 with BOM, RFC 4180) for Excel.
    Csv,
    /// JSON (documented in the README).
    Json,
    /// An Excel workbook with a sheet per view (needs -o FILE.xlsx).
    Xlsx,
}

/// Which audit view to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum AuditView {
    /// One row per flow.
    Flows,
    /// One row per practice, with counts by decision.
    Practices,
    /// One row per flow id, across practices.
    FlowIds,
}

/// Where gpdata's knowledge of national flows and ICBs comes from.
#[derive(Debug, clap::Args)]
pub(super) struct CatalogueArg {
    /// A folder with an area's own catalogue entries (flows.yaml) and ICB changes (icbs.yaml),
    /// added to the built-in catalogue.
    #[arg(long, value_name = "DIR", env = "GPDATA_CATALOGUE")]
    pub(super) catalogue: Option<PathBuf>,
}

impl CatalogueArg {
    /// The catalogue to use; prints its diagnostics and returns `None` when a local one has
    /// errors. A local catalogue lives as long as the process.
    pub(super) fn load(&self) -> Option<&'static crate::catalogue::Catalogue> {
        let Some(dir) = &self.catalogue else {
            return Some(crate::catalogue::Catalogue::builtin());
        };
        let (catalogue, diags) = crate::catalogue::Catalogue::with_local(dir);
        if !diags.is_empty() {
            super::eprint_diagnostics(&diags);
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
pub(super) struct PolicyArg {
    /// A policy file to use instead of the built-in `gpc-2026`.
    #[arg(long, env = "GPDATA_POLICY")]
    pub(super) policy: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(super) struct AuditArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub(super) format: AuditFormat,
    /// What to list: `flows` (every flow), `practices` (counts per practice) or `flow-ids`
    /// (each flow id across practices). Default: for the table, flows for one register and
    /// practices and flow ids for several; for CSV and JSON, flows. The xlsx workbook has all.
    #[arg(long, value_enum)]
    pub(super) view: Option<AuditView>,
    /// Write to this file instead of standard output (an xlsx workbook needs one).
    #[arg(short, long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
    #[command(flatten)]
    pub(super) policy: PolicyArg,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) jobs: JobsArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
pub(super) struct ExplainArgs {
    /// The register file, or `-` for standard input.
    pub(super) file: PathBuf,
    /// The flow to explain; every flow when left out.
    pub(super) flow: Option<String>,
    /// `text` for people; `json` for programs (documented in the README).
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: ExplainFormat,
    #[command(flatten)]
    pub(super) policy: PolicyArg,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

/// How `gpdata explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ExplainFormat {
    /// Plain English.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE", default_value = "report.html")]
    pub(super) output: PathBuf,
    /// The report's title.
    #[arg(long, default_value = "Data sharing across the area")]
    pub(super) title: String,
    #[command(flatten)]
    pub(super) policy: PolicyArg,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) jobs: JobsArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// The folder of registers to open.
    #[arg(default_value = ".", value_name = "FOLDER")]
    pub(super) folder: PathBuf,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8765)]
    pub(super) port: u16,
    /// Listen on this address instead of 127.0.0.1. Other computers that can reach it could
    /// then read and change the registers: only for a trusted network.
    #[arg(long, value_name = "IP")]
    pub(super) address: Option<std::net::IpAddr>,
    #[command(flatten)]
    pub(super) policy: PolicyArg,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
pub(super) struct ImportArgs {
    /// The spreadsheet: .xlsx, .xlsm, .ods, .xls or .csv.
    pub(super) file: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long)]
    pub(super) sheet: Option<String>,
    /// The practice's ODS code, for a sheet of one practice's agreements with no practice column.
    #[arg(long, value_name = "ODS")]
    pub(super) practice: Option<String>,
    /// The ICB's ODS code, when the sheet has no ICB column.
    #[arg(long, value_name = "CODE")]
    pub(super) icb: Option<String>,
    /// The folder to write the registers in (default: the current folder); existing files are
    /// never overwritten.
    #[arg(short, long, value_name = "DIR")]
    pub(super) output: Option<PathBuf>,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
    #[command(flatten)]
    pub(super) date: DateArg,
}

/// How status is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum StatusFormat {
    /// For the terminal.
    Table,
    /// One row per practice, for Excel.
    Csv,
    /// JSON (documented in the README).
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct StatusArgs {
    /// Register files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub(super) format: StatusFormat,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) jobs: JobsArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

#[derive(Debug, clap::Args)]
pub(super) struct DiffArgs {
    /// The register or folder before.
    #[arg(value_name = "OLD")]
    pub(super) old: PathBuf,
    /// The register or folder after (default: OLD again, to compare dates or policies).
    #[arg(value_name = "NEW")]
    pub(super) new: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub(super) format: StatusFormat,
    /// The policy to judge OLD by (default: the same as NEW's).
    #[arg(long, value_name = "FILE")]
    pub(super) old_policy: Option<PathBuf>,
    /// The day to judge OLD as of (default: the same as NEW's).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(super) old_date: Option<Date>,
    #[command(flatten)]
    pub(super) policy: PolicyArg,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
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
    /// The format a file name's ending asks for, in any case (`.PDF` too).
    pub fn of_extension(ext: &str) -> Option<LetterFormat> {
        [LetterFormat::Pdf, LetterFormat::Md, LetterFormat::Txt]
            .into_iter()
            .find(|f| ext.eq_ignore_ascii_case(f.extension()))
    }

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
pub(super) struct LetterArgs {
    /// Register files or folders, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// Where to write: a folder (any number of registers; created if needed, files named
    /// ODSCODE-KIND.EXT, e.g. B82005-enquiry.pdf), a file ending in .pdf, .md or .txt (one
    /// register; its ending chooses the format), or `-` for standard output (one register).
    /// Default: the current folder.
    #[arg(short, long, value_name = "PATH", env = "GPDATA_OUTPUT")]
    pub(super) output: Option<PathBuf>,
    /// Which letter.
    #[arg(long, value_enum, default_value = "enquiry")]
    pub(super) kind: LetterKind,
    /// Output format (default: from the output file's ending, otherwise pdf).
    #[arg(long, value_enum)]
    pub(super) format: Option<LetterFormat>,
    /// Days the ICB has to reply, counted from the letter date.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u16).range(1..=365))]
    pub(super) reply_days: u16,
    /// Our reference for this letter. Default: ODSCODE/DSA/1 (enquiry) or ODSCODE/DSA/2.
    #[arg(long)]
    pub(super) reference: Option<String>,
    /// For a follow-up: the date of the first letter (YYYY-MM-DD), on or before this
    /// letter's date. Default: from the practice's correspondence record.
    #[arg(long, value_parser = parse_date)]
    pub(super) previous_date: Option<Date>,
    /// For a follow-up: the reference of the first letter. Default: ODSCODE/DSA/1.
    #[arg(long)]
    pub(super) previous_ref: Option<String>,
    /// A folder of templates that replace the built-in ones by name.
    #[arg(long, value_name = "DIR", env = "GPDATA_TEMPLATES")]
    pub(super) templates: Option<PathBuf>,
    /// Write an untagged PDF (smallest file, not accessible to screen readers).
    #[arg(long, conflicts_with = "pdfa")]
    pub(super) untagged: bool,
    /// Write PDF/A-2b (archival); checked by krilla's validator.
    #[arg(long)]
    pub(super) pdfa: bool,
    /// Leave the names of processors and platforms (companies such as software suppliers) out
    /// of the letter.
    #[arg(long, env = "GPDATA_OMIT_SUPPLIER_NAMES")]
    pub(super) omit_supplier_names: bool,
    #[command(flatten)]
    pub(super) jobs: JobsArg,
    /// Do not show a progress bar.
    #[arg(long)]
    pub(super) no_progress: bool,
    /// Do not add the letters to the practices' correspondence records (NAME.record.yaml
    /// beside each register), for a draft.
    #[arg(
        long,
        env = "GPDATA_NO_RECORD",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub(super) no_record: bool,
    #[command(flatten)]
    pub(super) policy: PolicyArg,
    #[command(flatten)]
    pub(super) date: DateArg,
    #[command(flatten)]
    pub(super) catalogue: CatalogueArg,
}

#[cfg(test)]
mod tests {
    use super::ColorChoice;
    use std::ffi::OsString;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn colour_follows_the_terminal_and_the_conventions() {
        let auto =
            |terminal, vars: &[(&str, &str)]| ColorChoice::Auto.enabled_with(terminal, env(vars));
        assert!(auto(true, &[("TERM", "xterm-256color")]));
        assert!(!auto(false, &[("TERM", "xterm-256color")]));
        assert!(!auto(true, &[("TERM", "dumb")]));
        assert!(!auto(true, &[("NO_COLOR", "1")]));
        assert!(
            auto(true, &[("NO_COLOR", "")]),
            "an empty NO_COLOR is unset"
        );
        assert!(auto(false, &[("CLICOLOR_FORCE", "1")]));
        assert!(!auto(false, &[("CLICOLOR_FORCE", "0")]));
        assert!(!auto(false, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
        assert!(ColorChoice::Always.enabled_with(false, env(&[("NO_COLOR", "1")])));
        assert!(!ColorChoice::Never.enabled_with(true, env(&[])));
    }
}
