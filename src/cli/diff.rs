//! `gpdata diff`: which decisions changed between two registers (or two folders, paired by
//! practice), or for one register between two dates or policies, and why: the facts that
//! changed and the rules that decided.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::csv::inert;
use crate::discover::{self, Input};
use crate::english::plural;
use crate::policy::{self, Decision, Policy};
use crate::register::{FACTS, Flow, Register};

use super::args::{DiffArgs, PolicyArg, StatusFormat};
use super::{Exit, eprint, error, load_policy, print};

/// One flow whose decision changed, or that came or went.
#[derive(Debug, Clone, Serialize)]
struct Change {
    practice: String,
    flow: String,
    name: String,
    /// The decision before, or `absent`.
    before: &'static str,
    /// The decision after, or `absent`.
    after: &'static str,
    before_rule: String,
    after_rule: String,
    /// The facts that changed: `path: old → new`.
    facts: Vec<String>,
}

/// One side of the comparison, loaded and decided.
struct Side {
    /// By practice ODS code: file, register, decisions.
    practices: BTreeMap<String, (String, Register, Vec<Decision>)>,
    skipped: Vec<String>,
}

fn load_side(
    path: &std::path::Path,
    policy: &Policy,
    env: &crate::validate::Env,
) -> Result<Side, String> {
    let inputs = discover::expand(std::slice::from_ref(&path.to_path_buf()))?;
    let mut side = Side {
        practices: BTreeMap::new(),
        skipped: Vec::new(),
    };
    for input in &inputs {
        let loaded = Input::load(input, env);
        match loaded.register {
            Some(register) => {
                let decisions = policy::evaluate(policy, &register, env.today);
                side.practices.insert(
                    register.practice.ods_code.clone(),
                    (loaded.name, register, decisions),
                );
            }
            None => {
                let errors: Vec<_> = loaded.diags.into_iter().filter(|d| d.is_error()).collect();
                eprint(&crate::diag::render_short(&errors));
                side.skipped.push(loaded.name);
            }
        }
    }
    Ok(side)
}

/// The facts of a flow that differ between two versions of it.
fn changed_facts(old: &Flow, new: &Flow) -> Vec<String> {
    FACTS
        .iter()
        .filter(|d| d.column.is_some() || d.is_written())
        .filter_map(|d| {
            let (a, b) = (old.get(d.fact).display(), new.get(d.fact).display());
            (a != b).then(|| format!("{}: {a} -> {b}", d.path))
        })
        .collect()
}

fn changes(old: &Side, new: &Side) -> (Vec<Change>, Vec<String>) {
    let mut out = Vec::new();
    let mut unpaired = Vec::new();
    let practices: std::collections::BTreeSet<&String> =
        old.practices.keys().chain(new.practices.keys()).collect();
    for ods in practices {
        let (Some((_, old_reg, old_dec)), Some((_, new_reg, new_dec))) =
            (old.practices.get(ods), new.practices.get(ods))
        else {
            let side = if old.practices.contains_key(ods) {
                "OLD"
            } else {
                "NEW"
            };
            unpaired.push(format!("practice {ods} is only in {side}"));
            continue;
        };
        let find = |reg: &'_ Register, decisions: &'_ [Decision], id: &str| {
            reg.flows
                .iter()
                .zip(decisions)
                .find(|(f, _)| f.id == id)
                .map(|(f, d)| (f.clone(), d.clone()))
        };
        let mut ids: Vec<&str> = old_reg.flows.iter().map(|f| f.id.as_str()).collect();
        for f in &new_reg.flows {
            if !ids.contains(&f.id.as_str()) {
                ids.push(&f.id);
            }
        }
        for id in ids {
            let before = find(old_reg, old_dec, id);
            let after = find(new_reg, new_dec, id);
            let change = match (&before, &after) {
                (Some((of, od)), Some((nf, nd))) if od.outcome != nd.outcome => Change {
                    practice: ods.clone(),
                    flow: id.to_string(),
                    name: nf.name.clone(),
                    before: od.outcome.as_str(),
                    after: nd.outcome.as_str(),
                    before_rule: od.decided_by.clone().unwrap_or_default(),
                    after_rule: nd.decided_by.clone().unwrap_or_default(),
                    facts: changed_facts(of, nf),
                },
                (Some((of, od)), None) => Change {
                    practice: ods.clone(),
                    flow: id.to_string(),
                    name: of.name.clone(),
                    before: od.outcome.as_str(),
                    after: "absent",
                    before_rule: od.decided_by.clone().unwrap_or_default(),
                    after_rule: String::new(),
                    facts: Vec::new(),
                },
                (None, Some((nf, nd))) => Change {
                    practice: ods.clone(),
                    flow: id.to_string(),
                    name: nf.name.clone(),
                    before: "absent",
                    after: nd.outcome.as_str(),
                    before_rule: String::new(),
                    after_rule: nd.decided_by.clone().unwrap_or_default(),
                    facts: Vec::new(),
                },
                _ => continue,
            };
            out.push(change);
        }
    }
    (out, unpaired)
}

pub(super) fn run(args: &DiffArgs) -> Exit {
    let Some(new_policy) = load_policy(&args.policy) else {
        return Exit::InputErrors;
    };
    let old_policy = match &args.old_policy {
        Some(path) => match load_policy(&PolicyArg {
            policy: Some(path.clone()),
        }) {
            Some(p) => p,
            None => return Exit::InputErrors,
        },
        None => new_policy.clone(),
    };
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let today = args.date.today();
    let new_env = crate::validate::Env { today, catalogue };
    let old_env = crate::validate::Env {
        today: args.old_date.unwrap_or(today),
        catalogue,
    };
    let new_path = args.new.clone().unwrap_or_else(|| args.old.clone());
    let (old, new) = match (
        load_side(&args.old, &old_policy, &old_env),
        load_side(&new_path, &new_policy, &new_env),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(message), _) | (_, Err(message)) => {
            error(&message);
            return Exit::CannotRun;
        }
    };
    let (changes, unpaired) = changes(&old, &new);
    let label = |env: &crate::validate::Env, policy: &Policy| {
        format!("{} under {} {}", env.today, policy.id, policy.version)
    };
    let text = match args.format {
        StatusFormat::Table => {
            let mut out = format!(
                "before: {}, {}\nafter:  {}, {}\n\n",
                crate::source::display_path(&args.old),
                label(&old_env, &old_policy),
                crate::source::display_path(&new_path),
                label(&new_env, &new_policy)
            );
            if changes.is_empty() {
                out.push_str("No decision changed.\n");
            } else {
                let rows: Vec<Vec<String>> = changes
                    .iter()
                    .map(|c| {
                        let why = if !c.facts.is_empty() {
                            c.facts.join("; ")
                        } else if c.before == "absent" {
                            "flow added".to_string()
                        } else if c.after == "absent" {
                            "flow removed".to_string()
                        } else {
                            format!("rule {} -> {}", c.before_rule, c.after_rule)
                        };
                        vec![
                            c.practice.clone(),
                            c.flow.clone(),
                            c.before.to_string(),
                            c.after.to_string(),
                            why,
                        ]
                    })
                    .collect();
                out.push_str(&crate::audit::table::grid(
                    &["PRACTICE", "FLOW", "BEFORE", "AFTER", "WHY"],
                    &rows,
                    &[8, 30, 12, 12, 80],
                ));
                out.push_str(&format!(
                    "\n{} changed.\n",
                    plural(changes.len(), "decision", "decisions")
                ));
            }
            for line in &unpaired {
                out.push_str(&format!("note: {line}\n"));
            }
            out
        }
        StatusFormat::Csv => {
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new());
            let _ = writer.write_record([
                "practice_ods_code",
                "flow_id",
                "flow_name",
                "before",
                "after",
                "before_rule",
                "after_rule",
                "changed_facts",
            ]);
            for c in &changes {
                let row = [
                    c.practice.clone(),
                    c.flow.clone(),
                    c.name.clone(),
                    c.before.to_string(),
                    c.after.to_string(),
                    c.before_rule.clone(),
                    c.after_rule.clone(),
                    c.facts.join("\n"),
                ];
                let _ = writer.write_record(row.iter().map(|c| inert(c).into_owned()));
            }
            let mut out = String::from("\u{feff}");
            out.push_str(&String::from_utf8_lossy(
                &writer.into_inner().unwrap_or_default(),
            ));
            out
        }
        StatusFormat::Json => {
            let document = serde_json::json!({
                "format": 1,
                "before": {"path": crate::source::display_path(&args.old), "date": old_env.today.to_string(), "policy": {"id": old_policy.id, "version": old_policy.version}},
                "after": {"path": crate::source::display_path(&new_path), "date": new_env.today.to_string(), "policy": {"id": new_policy.id, "version": new_policy.version}},
                "changes": changes,
                "unpaired": unpaired,
            });
            let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
            out.push('\n');
            out
        }
    };
    print(&text);
    if !old.skipped.is_empty() || !new.skipped.is_empty() {
        return Exit::InputErrors;
    }
    Exit::Ok
}
