//! `gpdata init FILE --practice ODS --icb CODE`: a starting register that already lists, by
//! catalogue reference, every national flow every practice has, with the JSON Schema its first
//! line points to written beside it.

use std::fmt::Write as _;
use std::path::Path;

use jiff::civil::Date;

use crate::catalogue::{Catalogue, Entry, Scope};
use crate::ods;
use crate::output::{folder_of, write_atomic};
use crate::validate::PLACEHOLDER;

use super::args::InitArgs;
use super::{Exit, error, note};
use crate::source::display_path;

/// The schema's file name, written beside the register.
const SCHEMA_FILE: &str = "gpdata.schema.json";

pub(super) fn run(args: &InitArgs) -> Exit {
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let today = args.date.today();
    let text = match starting_register(catalogue, &args.practice, &args.icb, today) {
        Ok(text) => text,
        Err(message) => {
            error(&message);
            return Exit::CannotRun;
        }
    };
    if args.file.exists() {
        error(&format!(
            "`{}` already exists; choose another name",
            display_path(&args.file)
        ));
        return Exit::CannotRun;
    }
    if let Err(e) = write_atomic(&args.file, text.as_bytes()) {
        error(&format!(
            "cannot write `{}`: {}",
            display_path(&args.file),
            crate::files::io_reason(&e)
        ));
        return Exit::CannotRun;
    }
    let schema = folder_of(&args.file).join(SCHEMA_FILE);
    match write_schema(&schema) {
        Ok(true) => note(&format!("wrote {}\n", display_path(&schema))),
        Ok(false) => {}
        Err(e) => {
            error(&format!(
                "cannot write `{}`: {}",
                display_path(&schema),
                crate::files::io_reason(&e)
            ));
            return Exit::CannotRun;
        }
    }
    note(&format!(
        "wrote {}; replace each `{PLACEHOLDER}` line, confirm the flows, add your local ones, then run `gpdata check {}`\n",
        display_path(&args.file),
        display_path(&args.file)
    ));
    Exit::Ok
}

/// The text of a starting register for the practice and ICB codes as typed, or why they cannot
/// be used (`gpdata init` and the web page's "start a register" both come here).
pub(crate) fn starting_register(
    catalogue: &Catalogue,
    practice: &str,
    icb: &str,
    today: Date,
) -> Result<String, String> {
    let typed = practice;
    let practice = practice.trim().to_uppercase();
    if !ods::is_practice_code(&practice) {
        return Err(format!(
            "`{typed}` is not a GP practice ODS code; it is one letter and five digits, e.g. B82005"
        ));
    }
    let code = icb.trim().to_uppercase();
    let Some(found) = catalogue.icbs.get(&code) else {
        return Err(format!(
            "`{icb}` is not the code of an ICB gpdata knows; `gpdata catalogue icbs` lists them"
        ));
    };
    if found.abolished_by(today) {
        return Err(format!(
            "{} ({code}) was abolished; use its successor: {}",
            found.name,
            catalogue.icbs.successors_in_words(found)
        ));
    }
    Ok(starter(catalogue, &practice, &found.name, &code, today))
}

/// Writes the schema unless a file of that name exists that is not a gpdata schema; true when
/// it was written.
pub(crate) fn write_schema(path: &Path) -> std::io::Result<bool> {
    let schema = crate::register::schema();
    if let Ok(existing) = std::fs::read_to_string(path) {
        if existing == schema {
            return Ok(false);
        }
        if !existing.contains("\"title\": \"gpdata register\"") {
            return Ok(false);
        }
    }
    write_atomic(path, schema.as_bytes())?;
    Ok(true)
}

/// The register text.
fn starter(
    catalogue: &Catalogue,
    practice: &str,
    icb_name: &str,
    icb_code: &str,
    today: Date,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# yaml-language-server: $schema={SCHEMA_FILE}
# gpdata register for practice {practice}, started with `gpdata init` on {today}.
#
# 1. Replace every `{PLACEHOLDER}` line below (`gpdata check` warns about each one left).
# 2. The national flows are listed by catalogue reference: gpdata fills in their facts, with
#    sources (`gpdata catalogue show ID`). Read each comment, and record what the practice's
#    own settings say where it asks (a fact you state overrides the catalogue's, with a warning
#    if they differ). Delete a flow only if it really does not apply to the practice.
# 3. Add the flows only some practices have, and your local ones, at the end.
# Facts left out count as `unknown`: the audit turns them into questions.

register: 1
reviewed: {today}

practice:
  name: \"{PLACEHOLDER} the practice's name as on its letterhead\"
  ods_code: {practice}
  address:                        # one line per item, postcode last
    - \"{PLACEHOLDER} first line of the address\"
    - \"{PLACEHOLDER} postcode\"
  contractor: unknown             # partnership | single-handed | company: how letters speak for it
  # email: practice.name@nhs.net  # where the ICB should reply
  # list_size: 8000               # registered patients
  # lmc: Your LMC                 # copied into letters
  # dpo: The practice's Data Protection Officer
  # opt_outs: {{national: 0, type_1: 0, as_of: {today}, source: NHS England National Data Opt-Out publication; practice search for Type 1}}
  signatory:
    name: \"{PLACEHOLDER} the name of the person who signs\"
    role: Senior Partner, on behalf of the partners

icb:
  name: {icb_name}
  ods_code: {icb_code}
  addressee:                      # with a name the letter closes \"Yours sincerely\"
    role: Chief Clinical Information Officer
    # title: Dr
    # name: Jane Smith
  address:
    - \"{PLACEHOLDER} the ICB's postal address\"
  cc: [ICB Data Protection Officer]

flows:
  # --- National flows every practice has ----------------------------------------------------
"
    );
    for entry in catalogue.every_practice() {
        flow(&mut out, entry);
    }
    out.push_str(
        "  # --- National flows only some practices have -----------------------------------------
  # Uncomment the ones the practice takes part in (`gpdata catalogue show ID` says what each is).
",
    );
    for entry in catalogue
        .entries
        .iter()
        .filter(|e| e.applies_to == Scope::Participating)
    {
        let _ = writeln!(
            out,
            "  # - {{id: {}, catalogue: {}}}   # {}, {}",
            entry.id(),
            entry.id(),
            entry.name(),
            entry.flow.obligation.phrase()
        );
    }
    out.push_str(LOCAL_EXAMPLE);
    out
}

fn flow(out: &mut String, entry: &Entry) {
    let _ = writeln!(out, "  - id: {}\n    catalogue: {}", entry.id(), entry.id());
    let obligation = match entry.flow.obligation_reference.as_deref() {
        Some(r) if entry.is_binding() => format!(
            "{} ({})",
            entry.flow.obligation.phrase(),
            clip(first_clause(r), 90)
        ),
        _ => entry.flow.obligation.phrase().to_string(),
    };
    comment(out, &format!("{}: {obligation}.", entry.name()));
    for (system, place) in [("EMIS Web", &entry.emis), ("SystmOne", &entry.systmone)] {
        if let Some(place) = place.as_deref().filter(|p| !p.starts_with("unknown")) {
            comment(out, &format!("In {system}: {}", clip(place, 160)));
        }
    }
    if !entry.disputed.is_empty() {
        comment(
            out,
            &format!(
                "The catalogue marks {} as uncertain: see `gpdata catalogue show {}`.",
                if entry.disputed.len() == 1 {
                    "one fact".to_string()
                } else {
                    format!("{} facts", entry.disputed.len())
                },
                entry.id()
            ),
        );
    }
    out.push('\n');
}

/// Writes `text` as comment lines wrapped at about 96 columns.
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("    #");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 96 && line.len() > 5 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("    #");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The text up to the first full stop or semicolon.
fn first_clause(text: &str) -> &str {
    let end = text
        .find(". ")
        .or_else(|| text.find("; "))
        .unwrap_or(text.len());
    text[..end].trim_end_matches('.')
}

/// At most `max` characters, cut at a word and marked with "…".
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

const LOCAL_EXAMPLE: &str = "
  # --- Local flows ------------------------------------------------------------------------------
  # Each flow the ICB, the practice's suppliers or anyone else receives under a local agreement.
  # Written out in full, for example:
  #
  # - id: icb-phm                   # short id: lower-case letters, digits, hyphens
  #   name: Population health management extract
  #   recipient: NHS Example ICB    # who receives the data
  #   icb_role: controller          # controller | joint-controller | processor | commissioner | none
  #   processors: [Example CSU]     # who processes it for them
  #   platform: NHS Federated Data Platform
  #   purpose: secondary            # direct-care | secondary | mixed
  #   data: pseudonymised           # identifiable | pseudonymised | anonymised | aggregate
  #   legal_basis:
  #     article_6: public-task      # what the agreement claims; leave out what it does not say
  #     article_9: health-or-social-care
  #     schedule_1: health-or-social-care   # the DPA 2018 Schedule 1 condition
  #     confidentiality: unknown    # e.g. section-251 only with a CAG reference that covers this use
  #   obligation: voluntary         # statutory | contractual | locally-commissioned | professional | voluntary
  #   stage: live                   # proposed (asked to join, nothing flows yet) | live | stopped
  #   agreement: {status: active, reference: EX-DSA-001, signed: 2023-04-01, expires: 2027-03-31,
  #               counterparty: {name: NHS Example ICB, ods_code: QXX}}
  #   dpia: held                    # held | not-held | requested | not-needed
  #   dspt: met                     # the recipient's Data Security and Protection Toolkit status
  #   onward_access: nhs            # none | nhs | research | commercial
  #   opt_outs: {national: not-applied, type_1: applied}
  #   mechanism: third-party-extract
  #   notes: Anything else a reader should know.
";
