//! `gpdata letter`: one letter per register, written atomically, in parallel for folders.
//!
//! Where letters go is settled before any register is read ([`Target::choose`]), so a command
//! line that cannot work (`-o x.pdf` for a folder of registers, `-o z.md --format pdf`) is
//! refused before anything is written.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::ToSpan;

use crate::diag::{self, Code, Diagnostic};
use crate::discover::{self, Input};
use crate::english::plural;
use crate::letter::sequence::{self, NoticeGroup};
use crate::letter::templates::LetterKind;
use crate::letter::{Extras, LetterOptions, Renderer, templates, text};
use crate::output::{folder_of, write_atomic};
use crate::pdf::{self, PdfOptions};
use crate::policy::{self, Policy};
use crate::source::display_path;

use super::args::{LetterArgs, LetterFormat};
use super::{
    Exit, eprint, eprint_diagnostics, error, load_policy, note, quiet, stderr_is_terminal,
};

/// Where the letters of a run go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Standard output (`-o -`): one letter.
    Stdout,
    /// One named file (`-o B82005.pdf`): one letter.
    File(PathBuf),
    /// A folder, each letter named from its practice's ODS code.
    Folder(PathBuf),
}

/// Endings of documents gpdata does not write; `-o letter.docx` is a mistake, not a folder.
const FOREIGN_DOCUMENTS: &[&str] = &["doc", "docx", "odt", "rtf", "htm", "html", "xps"];

impl Target {
    /// The target and format for `output` and `format` as given, for `inputs` registers; an
    /// explanation when they cannot work together.
    fn choose(
        output: Option<&Path>,
        format: Option<LetterFormat>,
        inputs: usize,
        kind: LetterKind,
    ) -> Result<(Target, LetterFormat), String> {
        // A register may call for several notices, one per body: they need a folder.
        let names_a_file = |o: &Path| {
            o.as_os_str() == "-"
                || o.extension()
                    .and_then(|e| e.to_str())
                    .and_then(LetterFormat::of_extension)
                    .is_some()
        };
        if kind == LetterKind::Notice && output.is_some_and(names_a_file) {
            return Err("notices are one letter per body the practice writes to, so they need a folder: give one with -o (e.g. `-o notices`)".into());
        }
        let Some(output) = output else {
            return Ok((
                Target::Folder(PathBuf::from(".")),
                format.unwrap_or(LetterFormat::Pdf),
            ));
        };
        let shown = display_path(output);
        if output.as_os_str() == "-" {
            if inputs != 1 {
                return Err(format!(
                    "`-o -` writes one letter to standard output, but this run has {}; name a folder with -o instead",
                    plural(inputs, "register", "registers")
                ));
            }
            let format = format.unwrap_or(LetterFormat::Pdf);
            if format == LetterFormat::Pdf && std::io::stdout().is_terminal() {
                return Err("a PDF written to the terminal would show as gibberish; send it to a file (`-o - > letter.pdf`) or use --format txt".into());
            }
            return Ok((Target::Stdout, format));
        }
        let ext = output
            .extension()
            .and_then(|e| e.to_str())
            .filter(|_| !output.is_dir());
        if let Some(ext) = ext
            && FOREIGN_DOCUMENTS
                .iter()
                .any(|d| ext.eq_ignore_ascii_case(d))
        {
            return Err(format!(
                "gpdata cannot write a .{ext} file; name the letter .pdf, .md or .txt (`-o {}`), or give a folder",
                display_path(&output.with_extension("pdf"))
            ));
        }
        match ext.and_then(LetterFormat::of_extension) {
            Some(named) => {
                if inputs != 1 {
                    return Err(format!(
                        "`-o {shown}` names one file, but this run has {} and so that many letters; name a folder instead (e.g. `-o letters`)",
                        plural(inputs, "register", "registers")
                    ));
                }
                if let Some(asked) = format
                    && asked != named
                {
                    return Err(format!(
                        "`{shown}` ends in .{}, but --format is {}; name the file .{} or leave --format out",
                        named.extension(),
                        asked.extension(),
                        asked.extension()
                    ));
                }
                Ok((Target::File(output.to_path_buf()), named))
            }
            None => Ok((
                Target::Folder(output.to_path_buf()),
                format.unwrap_or(LetterFormat::Pdf),
            )),
        }
    }

    /// The folder letters are written in (and temporary files made in), if any.
    fn folder(&self) -> Option<&Path> {
        match self {
            Target::Stdout => None,
            Target::File(file) => Some(folder_of(file)),
            Target::Folder(dir) => Some(dir),
        }
    }
}

/// What happened to one letter (named apart from [`policy::Outcome`], a rule's decision about a
/// flow).
enum LetterResult {
    /// Written to this file, with a warning when it could not be added to the record.
    Written(PathBuf, Option<String>),
    /// Written to standard output.
    Printed,
    /// Nothing to write, or written with a warning to give: the reason.
    Nothing(String),
    /// Not written, for these reasons.
    Skipped(Vec<Diagnostic>),
}

/// The run's counts, and the summary and exit code they give.
#[derive(Debug, Default)]
struct Tally {
    written: usize,
    invalid: usize,
    unwritable: usize,
}

impl Tally {
    fn add(&mut self, outcome: &LetterResult) {
        match outcome {
            LetterResult::Written(..) | LetterResult::Printed => self.written += 1,
            LetterResult::Nothing(_) => {}
            LetterResult::Skipped(diags) if diags.iter().any(|d| d.code == Code::CannotWrite) => {
                self.unwritable += 1;
            }
            LetterResult::Skipped(_) => self.invalid += 1,
        }
    }

    fn summary(&self, target: &Target) -> String {
        let mut summary = format!("{} written", plural(self.written, "letter", "letters"));
        if let Target::Folder(dir) = target {
            summary.push_str(&format!(" to {}", display_path(dir)));
        }
        if self.invalid > 0 {
            summary.push_str(&format!(
                "; {} skipped for errors (run `gpdata check` on {})",
                plural(self.invalid, "register", "registers"),
                if self.invalid == 1 { "it" } else { "them" }
            ));
        }
        if self.unwritable > 0 {
            summary.push_str(&format!(
                "; {} could not be written (run the command again once the folder is fixed)",
                plural(self.unwritable, "letter", "letters")
            ));
        }
        summary.push('\n');
        summary
    }

    fn exit(&self) -> Exit {
        if self.unwritable > 0 {
            // The registers were fine; the system failed, which is what exit code 2 reports.
            Exit::CannotRun
        } else if self.invalid > 0 {
            Exit::InputErrors
        } else {
            Exit::Ok
        }
    }
}

/// The options a run's letters share, checked; an explanation when they do not make sense.
fn letter_options(args: &LetterArgs, today: jiff::civil::Date) -> Result<LetterOptions, String> {
    if let Some(previous) = args.previous_date
        && previous > today
    {
        return Err(format!(
            "the first letter's date (--previous-date {previous}) is after this letter's date ({today}); a follow-up comes after the letter it follows"
        ));
    }
    if today
        .checked_add(i32::from(args.reply_days).days())
        .is_err()
    {
        return Err(format!(
            "a reply {} days after {today} falls past the last date gpdata can write (9999-12-31)",
            args.reply_days
        ));
    }
    Ok(LetterOptions {
        kind: args.kind,
        date: today,
        reply_days: args.reply_days,
        reference: args.reference.clone(),
        previous_date: args.previous_date,
        previous_reference: args.previous_ref.clone(),
        omit_supplier_names: args.omit_supplier_names,
    })
}

pub(super) fn run(args: &LetterArgs) -> Exit {
    let Some(policy) = load_policy(&args.policy) else {
        return Exit::InputErrors;
    };
    let Some(renderer) = renderer(args) else {
        return Exit::InputErrors;
    };
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let env = crate::validate::Env {
        today: args.date.today(),
        catalogue,
    };
    let options = match letter_options(args, env.today) {
        Ok(o) => o,
        Err(message) => {
            error(&message);
            return Exit::CannotRun;
        }
    };
    let inputs = match discover::expand(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => {
            error(&message);
            return Exit::CannotRun;
        }
    };
    let (target, format) =
        match Target::choose(args.output.as_deref(), args.format, inputs.len(), args.kind) {
            Ok(chosen) => chosen,
            Err(message) => {
                error(&message);
                return Exit::CannotRun;
            }
        };
    let _lock = match open_target(&target) {
        Ok(lock) => lock,
        Err(exit) => return exit,
    };
    let job = Job {
        renderer: &renderer,
        policy: &policy,
        options: &options,
        format,
        pdf: PdfOptions {
            tagged: !args.untagged,
            pdfa: args.pdfa,
        },
        target: &target,
        env,
        claimed: Mutex::new(HashSet::new()),
        record: !args.no_record,
    };
    write_all(args, &job, &inputs)
}

/// The letter templates, compiled; their errors printed when they have any.
fn renderer(args: &LetterArgs) -> Option<Renderer> {
    let sources = match templates::resolve(args.templates.as_deref()) {
        Ok(s) => s,
        Err(d) => {
            eprint_diagnostics(&[*d]);
            return None;
        }
    };
    let renderer = match Renderer::new(sources) {
        Ok(r) => r,
        Err(d) => {
            eprint_diagnostics(&[*d]);
            error("the templates have errors; no letters were written");
            return None;
        }
    };
    Some(renderer)
}

/// Makes the output folder and locks it against another run; the lock holds until dropped.
fn open_target(target: &Target) -> Result<Option<crate::output::FolderLock>, Exit> {
    if let Target::Folder(dir) = &target
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        let reason = match std::fs::symlink_metadata(dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                "it is a link to a folder that does not exist".to_string()
            }
            Ok(meta) if !meta.is_dir() => "a file of that name is in the way".to_string(),
            _ => crate::files::io_reason(&e),
        };
        error(&format!(
            "cannot create the output folder `{}`: {reason}",
            display_path(dir)
        ));
        return Err(Exit::CannotRun);
    }
    Ok(match target.folder().map(crate::output::lock_folder) {
        None => None,
        Some(Ok(lock)) => {
            if let Some(lock) = &lock
                && lock.swept > 0
            {
                note(&format!(
                    "note: removed {} left in `{}` by an interrupted run\n",
                    plural(
                        lock.swept,
                        "unfinished temporary file",
                        "unfinished temporary files"
                    ),
                    display_path(target.folder().unwrap_or(Path::new(".")))
                ));
            }
            lock
        }
        Some(Err(e)) => {
            error(&e.to_string());
            return Err(Exit::CannotRun);
        }
    })
}

/// Writes every register's letters (on the run's workers, with a progress bar on a terminal)
/// and says what was written and what was not.
fn write_all(args: &LetterArgs, job: &Job, inputs: &[Input]) -> Exit {
    let progress = (inputs.len() > 1 && !args.no_progress && !quiet() && stderr_is_terminal())
        .then(|| {
            let bar = indicatif::ProgressBar::new(inputs.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} letters {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
    let Some(workers) = args.jobs.workers(inputs.len()) else {
        return Exit::CannotRun;
    };
    let one = |input: &Input| {
        let r = job.one(input);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        r
    };
    let mut tally = Tally::default();
    let say = |text: &str| match &progress {
        Some(bar) => bar.suspend(|| eprint(text)),
        None => eprint(text),
    };
    workers.each(inputs, one, |outcomes| {
        for outcome in outcomes {
            tally.add(&outcome);
            match outcome {
                LetterResult::Written(path, warning) => {
                    if inputs.len() == 1 {
                        note(&format!("wrote {}\n", display_path(&path)));
                    }
                    match warning {
                        Some(note) if note.starts_with("note: ") && !quiet() => {
                            say(&format!("{note}\n"));
                        }
                        Some(warning) => say(&format!("{warning}\n")),
                        None => {}
                    }
                }
                LetterResult::Printed => {}
                LetterResult::Nothing(reason) => {
                    if !quiet() {
                        say(&format!("note: {reason}\n"));
                    }
                }
                LetterResult::Skipped(diags) => {
                    let shown: Vec<Diagnostic> =
                        diags.into_iter().filter(Diagnostic::is_error).collect();
                    say(&diag::render_short(&shown));
                }
            }
        }
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if inputs.len() > 1 || tally.invalid + tally.unwritable > 0 {
        note(&tally.summary(job.target));
    }
    tally.exit()
}

struct Job<'a> {
    renderer: &'a Renderer,
    policy: &'a Policy,
    options: &'a LetterOptions,
    format: LetterFormat,
    pdf: PdfOptions,
    target: &'a Target,
    env: crate::validate::Env<'a>,
    claimed: Mutex<HashSet<String>>,
    /// Add each letter sent to the practice's correspondence record.
    record: bool,
}

/// One letter to write from a register: a notice names its body.
struct Planned {
    notice: Option<NoticeGroup>,
    /// The file name inside a folder target.
    name: String,
}

impl Job<'_> {
    /// Writes every letter one register calls for: one, or for notices one per body.
    fn one(&self, input: &Input) -> Vec<LetterResult> {
        let mut loaded = input.load(&self.env);
        let Some(register) = loaded.register.take() else {
            return vec![LetterResult::Skipped(loaded.diags)];
        };
        // `init`'s placeholder would be printed as written: a letter is not written with it.
        let placeholders: Vec<Diagnostic> = loaded
            .diags
            .iter()
            .filter(|d| d.code == Code::PlaceholderText)
            .cloned()
            .map(|mut d| {
                d.severity = diag::Severity::Error;
                d.message = format!("{}; no letter was written, as it would print it", d.message);
                d
            })
            .collect();
        if !placeholders.is_empty() {
            return vec![LetterResult::Skipped(placeholders)];
        }
        let fail = |code: Code, message: String, help: &str| {
            LetterResult::Skipped(vec![
                Diagnostic::error(code, message)
                    .with_file_name(&loaded.name)
                    .with_help(help),
            ])
        };
        let record = loaded.record.as_ref();
        let kind = self.options.kind;
        if kind == LetterKind::FollowUp
            && self.options.previous_date.is_none()
            && record.is_none_or(|r| r.icb_letters().next().is_none())
        {
            return vec![fail(
                Code::MissingField,
                "a follow-up cites the first letter, but the practice's correspondence record has no letter to the ICB".into(),
                "give the first letter's date with --previous-date (and --previous-ref), or write the enquiry with gpdata, which records it",
            )];
        }
        let decisions = policy::evaluate(self.policy, &register, self.env.today);
        // The file names come from the validated ODS code and flow ids only, so no register
        // text can steer where a letter is written.
        let ods = &register.practice.ods_code;
        let ext = self.format.extension();
        let planned: Vec<Planned> = match kind {
            LetterKind::Notice => sequence::notice_groups(&register, &decisions)
                .into_iter()
                .map(|group| Planned {
                    name: format!("{ods}-notice-{}.{ext}", group.key()),
                    notice: Some(group),
                })
                .collect(),
            _ => vec![Planned {
                notice: None,
                name: format!("{ods}-{}.{ext}", kind.as_str()),
            }],
        };
        if planned.is_empty() {
            return vec![LetterResult::Nothing(format!(
                "{}: no flow the practice withdraws from is run by a body other than the ICB, so no notice is needed",
                loaded.name
            ))];
        }
        planned
            .into_iter()
            .map(|plan| self.write_one(&loaded, &register, &decisions, plan, input))
            .collect()
    }

    fn write_one(
        &self,
        loaded: &crate::validate::Loaded,
        register: &crate::register::Register,
        decisions: &[policy::Decision],
        plan: Planned,
        input: &Input,
    ) -> LetterResult {
        let fail = |code: Code, message: String, help: &str| {
            LetterResult::Skipped(vec![
                Diagnostic::error(code, message)
                    .with_file_name(&loaded.name)
                    .with_help(help),
            ])
        };
        let ods = &register.practice.ods_code;
        let file = match self.target {
            Target::Stdout => None,
            Target::File(file) => Some(file.clone()),
            Target::Folder(dir) => {
                let claimed = self
                    .claimed
                    .lock()
                    .map(|mut set| set.insert(plan.name.clone()));
                if matches!(claimed, Ok(false)) {
                    return fail(
                        Code::DuplicatePractice,
                        format!(
                            "another register in this run is also for practice {ods}; its letter would overwrite that one"
                        ),
                        "remove the duplicate register, or write the two letters to different folders",
                    );
                }
                Some(dir.join(&plan.name))
            }
        };
        let extras = Extras {
            record: loaded.record.as_ref(),
            notice: plan.notice.as_ref(),
        };
        let letter = match self.renderer.render_with(
            register,
            decisions,
            self.policy,
            self.env.catalogue,
            self.options,
            extras,
        ) {
            Ok(l) => l,
            Err(d) => return LetterResult::Skipped(vec![*d]),
        };
        let bytes = match self.format {
            LetterFormat::Pdf => match pdf::render(&letter, self.pdf) {
                Ok(b) => b,
                Err(e) => {
                    return fail(
                        Code::CannotWrite,
                        format!("{e}"),
                        "this is a defect in gpdata; please report it with the register",
                    );
                }
            },
            LetterFormat::Md => text::to_markdown(&letter).into_bytes(),
            LetterFormat::Txt => text::to_text(&letter).into_bytes(),
        };
        let written = match &file {
            None => {
                let mut out = std::io::stdout().lock();
                match out.write_all(&bytes).and_then(|()| out.flush()) {
                    Ok(()) => LetterResult::Printed,
                    Err(e) => {
                        return fail(
                            Code::CannotWrite,
                            format!(
                                "cannot write the letter to standard output: {}",
                                crate::files::io_reason(&e)
                            ),
                            "check where standard output goes (a closed pipe or a full disk)",
                        );
                    }
                }
            }
            Some(file) => match write_atomic(file, &bytes) {
                Ok(()) => LetterResult::Written(file.clone(), None),
                Err(e) => {
                    return fail(
                        Code::CannotWrite,
                        format!(
                            "cannot write `{}`: {}",
                            display_path(file),
                            crate::files::io_reason(&e)
                        ),
                        "check the output folder is writable and has space, then run again",
                    );
                }
            },
        };
        let note = self.record_letter(register, &letter, plan.notice.as_ref(), input);
        match (written, note) {
            (LetterResult::Written(path, _), note) => LetterResult::Written(path, note),
            (LetterResult::Printed, Some(note)) => {
                LetterResult::Nothing(note.trim_start_matches("note: ").to_string())
            }
            (other, _) => other,
        }
    }

    /// Adds a letter sent to the practice's correspondence record; a warning to print when it
    /// could not be added.
    fn record_letter(
        &self,
        register: &crate::register::Register,
        letter: &crate::letter::Letter,
        notice: Option<&NoticeGroup>,
        input: &Input,
    ) -> Option<String> {
        let Input::File(register_path) = input else {
            return None;
        };
        if !self.record {
            return None;
        }
        let sent = sequence::sent(register, letter, self.options, notice)?;
        let path = crate::record::path_for(register_path);
        match crate::record::write::add_letter(
            &path,
            &register.practice.ods_code,
            &register.practice.name,
            &sent,
        ) {
            Ok(()) => None,
            // Writing an already-sent letter again (to look at it, or from a sample) is normal.
            Err(e @ crate::record::write::WriteError::AlreadySent { .. }) => {
                Some(format!("note: {e}"))
            }
            Err(e) => Some(format!(
                "gpdata: warning: the letter was written, but not added to `{}`: {e}",
                display_path(&path)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_file_is_for_one_letter_and_its_ending_sets_the_format() {
        let choose = |o: &str, f, n| Target::choose(Some(Path::new(o)), f, n, LetterKind::Enquiry);
        assert_eq!(
            choose("x.md", None, 1),
            Ok((Target::File("x.md".into()), LetterFormat::Md))
        );
        assert_eq!(
            choose("X.PDF", None, 1),
            Ok((Target::File("X.PDF".into()), LetterFormat::Pdf))
        );
        assert!(
            choose("x.pdf", None, 3)
                .unwrap_err()
                .contains("names one file")
        );
        assert!(
            choose("z.md", Some(LetterFormat::Pdf), 1)
                .unwrap_err()
                .contains("ends in .md, but --format is pdf")
        );
        assert!(choose("x.docx", None, 1).unwrap_err().contains(".docx"));
        assert_eq!(
            choose("letters", Some(LetterFormat::Txt), 5),
            Ok((Target::Folder("letters".into()), LetterFormat::Txt))
        );
        assert!(
            choose("-", None, 2)
                .unwrap_err()
                .contains("standard output")
        );
        let notice = |o: &str| Target::choose(Some(Path::new(o)), None, 1, LetterKind::Notice);
        assert!(notice("n.pdf").unwrap_err().contains("need a folder"));
        assert!(notice("-").unwrap_err().contains("need a folder"));
        assert!(notice("notices").is_ok());
    }
}
