//! `gpdata letter`: one letter per register, written atomically, in parallel for folders.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::{self, Code, Diagnostic};
use crate::discover::{self, Input};
use crate::letter::{LetterOptions, Renderer, templates, text};
use crate::output::{folder_of, write_atomic};
use crate::pdf::{self, PdfOptions};
use crate::policy::{self, Policy};
use crate::suggest::plural;

use super::{Exit, LetterArgs, LetterFormat, eprint, error, load_policy, stderr_is_terminal};
use crate::source::display_path;

/// What happened to one register.
enum Outcome {
    Written(PathBuf),
    Skipped(Vec<Diagnostic>),
}

pub(super) fn run(args: &LetterArgs) -> Exit {
    let Some(policy) = load_policy(&args.policy) else {
        return Exit::InputErrors;
    };
    let sources = match templates::resolve(args.templates.as_deref()) {
        Ok(s) => s,
        Err(d) => {
            eprint(&diag::render_human(&[*d], stderr_is_terminal()));
            return Exit::InputErrors;
        }
    };
    let renderer = match Renderer::new(sources) {
        Ok(r) => r,
        Err(d) => {
            eprint(&diag::render_human(&[*d], stderr_is_terminal()));
            error("the templates have errors; no letters were written");
            return Exit::InputErrors;
        }
    };
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let env = crate::validate::Env {
        today: args.date.today(),
        catalogue,
    };
    let today = env.today;
    let inputs = discover::expand(&args.paths);
    if inputs.is_empty() {
        error("no registers found (looked for *.yaml and *.yml files)");
        return Exit::Usage;
    }
    let ext = args.format.extension();
    // One register may go to a named file; otherwise -o is a folder (created if needed).
    let single_file = match &args.output {
        Some(p) if inputs.len() == 1 && !p.is_dir() && p.extension().is_some() => Some(p.clone()),
        _ => None,
    };
    let folder = match (&single_file, &args.output) {
        (Some(_), _) => None,
        (None, Some(dir)) => Some(dir.clone()),
        (None, None) => Some(PathBuf::from(".")),
    };
    if let Some(dir) = &folder
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        error(&format!(
            "cannot create the output folder `{}`: {}",
            display_path(dir),
            crate::source::io_reason(&e)
        ));
        return Exit::Usage;
    }
    // The folder the letters go into, where the temporary files are made too.
    let lock_dir = folder
        .as_deref()
        .or_else(|| single_file.as_deref().map(folder_of))
        .unwrap_or(Path::new("."));
    let _lock = match crate::output::lock_folder(lock_dir) {
        Ok(lock) => {
            if let Some(lock) = &lock
                && lock.swept > 0
            {
                eprint(&format!(
                    "note: removed {} left in `{}` by an interrupted run\n",
                    plural(
                        lock.swept,
                        "unfinished temporary file",
                        "unfinished temporary files"
                    ),
                    display_path(lock_dir)
                ));
            }
            lock
        }
        Err(e) => {
            error(&e.to_string());
            return Exit::Usage;
        }
    };
    let options = LetterOptions {
        kind: args.kind,
        date: today,
        reply_days: args.reply_days,
        reference: args.reference.clone(),
        previous_date: args.previous_date,
        previous_reference: args.previous_ref.clone(),
        omit_supplier_names: args.omit_supplier_names,
    };
    let pdf_options = PdfOptions {
        tagged: !args.untagged,
        pdfa: args.pdfa,
    };
    let job = Job {
        renderer: &renderer,
        policy: &policy,
        options: &options,
        format: args.format,
        pdf: pdf_options,
        single_file: single_file.as_deref(),
        folder: folder.as_deref(),
        ext,
        env,
        claimed: Mutex::new(HashSet::new()),
    };
    let progress = (inputs.len() > 1 && !args.no_progress && stderr_is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} letters {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let Some(workers) = args.jobs.workers(inputs.len()) else {
        return Exit::Usage;
    };
    let one = |input: &Input| {
        let r = job.one(input);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        r
    };
    let (mut written, mut skipped, mut unwritable) = (0usize, 0usize, 0usize);
    workers.each(&inputs, one, |r| match r {
        Outcome::Written(path) => {
            written += 1;
            if inputs.len() == 1 {
                eprint(&format!("wrote {}\n", display_path(&path)));
            }
        }
        Outcome::Skipped(diags) => {
            skipped += 1;
            if diags.iter().any(|d| d.code == Code::CannotWrite) {
                unwritable += 1;
            }
            let shown: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            let text = diag::render_short(&shown);
            match &progress {
                Some(bar) => bar.suspend(|| eprint(&text)),
                None => eprint(&text),
            }
        }
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if inputs.len() > 1 || skipped > 0 {
        let mut summary = format!("{} written", plural(written, "letter", "letters"));
        if let Some(dir) = &folder {
            summary.push_str(&format!(" to {}", display_path(dir)));
        }
        let invalid = skipped - unwritable;
        if invalid > 0 {
            summary.push_str(&format!(
                "; {} skipped for errors (run `gpdata check` on {})",
                plural(invalid, "register", "registers"),
                if invalid == 1 { "it" } else { "them" }
            ));
        }
        if unwritable > 0 {
            summary.push_str(&format!(
                "; {} could not be written (run the command again once the folder is fixed)",
                plural(unwritable, "letter", "letters")
            ));
        }
        eprint(&format!("{summary}\n"));
    }
    if unwritable > 0 {
        // The registers were fine; the system failed, which is what exit code 2 reports.
        Exit::Usage
    } else if skipped > 0 {
        Exit::InputErrors
    } else {
        Exit::Ok
    }
}

struct Job<'a> {
    renderer: &'a Renderer,
    policy: &'a Policy,
    options: &'a LetterOptions,
    format: LetterFormat,
    pdf: PdfOptions,
    single_file: Option<&'a Path>,
    folder: Option<&'a Path>,
    ext: &'static str,
    env: crate::validate::Env<'a>,
    claimed: Mutex<HashSet<String>>,
}

impl Job<'_> {
    fn one(&self, input: &Input) -> Outcome {
        let path = match input {
            Input::File(p) => p,
            Input::Missing(p, reason) => {
                return Outcome::Skipped(vec![discover::missing(p, reason)]);
            }
        };
        let loaded = crate::validate::load_path_with(path, &self.env);
        let Some(register) = loaded.register else {
            return Outcome::Skipped(loaded.diags);
        };
        let fail = |code: Code, message: String, help: &str| {
            Outcome::Skipped(vec![
                Diagnostic::error(code, message)
                    .with_file_name(&loaded.name)
                    .with_help(help),
            ])
        };
        // The file name comes from the validated ODS code only, so no register text can steer
        // where the letter is written.
        let ods = &register.practice.ods_code;
        let target = match self.single_file {
            Some(file) => file.to_path_buf(),
            None => {
                let name = format!("{ods}-{}.{}", self.options.kind.as_str(), self.ext);
                let claimed = self.claimed.lock().map(|mut set| set.insert(name.clone()));
                if matches!(claimed, Ok(false)) {
                    return fail(
                        Code::DuplicatePractice,
                        format!(
                            "another register in this run is also for practice {ods}; its letter would overwrite that one"
                        ),
                        "remove the duplicate register, or write the two letters to different folders",
                    );
                }
                self.folder.unwrap_or(Path::new(".")).join(name)
            }
        };
        let decisions = policy::evaluate(self.policy, &register, self.env.today);
        let letter = match self.renderer.render(
            &register,
            &decisions,
            self.policy,
            self.env.catalogue,
            self.options,
        ) {
            Ok(l) => l,
            Err(d) => return Outcome::Skipped(vec![*d]),
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
        match write_atomic(&target, &bytes) {
            Ok(()) => Outcome::Written(target),
            Err(e) => fail(
                Code::CannotWrite,
                format!(
                    "cannot write `{}`: {}",
                    display_path(&target),
                    crate::source::io_reason(&e)
                ),
                "check the output folder is writable and has space, then run again",
            ),
        }
    }
}
