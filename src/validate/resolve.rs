//! Applying the catalogue to a register.
//!
//! A flow that names an entry (`catalogue: ID`) takes every fact it does not state from it; one
//! that records as voluntary what the entry says a statute or the contract requires is an error.
//! A flow that names no entry but is plainly one (its mechanism belongs to one national flow
//! only) is held to the same rule; one that probably is one (by name) is told which, and if it
//! is recorded as voluntary gpdata marks its obligation as doubtful. So is a flow recorded as
//! voluntary that cites a statute or clause as its obligation. A doubtful flow is never advised
//! to stop, whatever the policy says (see [`crate::policy::safety`]).

use crate::catalogue::{Catalogue, Entry, EntryStatus, Source};
use crate::diag::Code;
use crate::reader::FileDiagnostics;
use crate::register::facts::{Fact, Kind};
use crate::register::{
    Choice, Doubt, Flow, MatchedBy, Mechanism, Obligation, Recognised, Register,
};

use super::Env;

/// The `catalogue:` value that says a flow is not one of the catalogue's, so it is not matched
/// by name (a match by mechanism still holds: that is certain).
pub const NOT_LISTED: &str = "none";

/// Applies the catalogue to every flow of `register`.
pub fn resolve(ctx: &mut FileDiagnostics, register: &mut Register, env: &Env) {
    for flow in &mut register.flows {
        resolve_flow(ctx, flow, env.catalogue);
    }
}

fn resolve_flow(ctx: &mut FileDiagnostics, flow: &mut Flow, catalogue: &Catalogue) {
    match flow.catalogue.clone() {
        Some(id) if id != NOT_LISTED => match catalogue.entry(&id) {
            Some(entry) => {
                check_named(ctx, flow, entry);
                inherit(flow, entry);
                inactive(ctx, flow, entry);
                flow.derived.entry = Some(Recognised {
                    entry: id,
                    by: MatchedBy::Reference,
                });
            }
            None => {
                let help = match catalogue.nearest(&id) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "`gpdata catalogue list` shows the entries; write `catalogue: {NOT_LISTED}` for a flow that is not one of them"
                    ),
                };
                ctx.report(
                    Code::UnknownCatalogueEntry,
                    flow.span_of(Fact::Catalogue),
                    format!("flow `{}`: `{id}` is not a catalogue entry", flow.id),
                    Some(help),
                );
            }
        },
        listed => {
            let recognised = catalogue
                .recognise(&flow.name, &flow.recipient, flow.mechanism)
                .filter(|(_, by)| *by == MatchedBy::Mechanism || listed.is_none());
            match recognised {
                Some((entry, by)) => {
                    let assumed = assume(flow, entry);
                    check_recognised(ctx, flow, entry, by, &assumed);
                    inactive(ctx, flow, entry);
                    flow.derived.entry = Some(Recognised {
                        entry: entry.id().to_string(),
                        by,
                    });
                }
                None if listed.is_none() => doubt_by_mechanism(ctx, flow, catalogue),
                None => {}
            }
        }
    }
    doubt_by_reference(ctx, flow, catalogue);
}

/// A flow that names its entry: a recorded obligation that is not binding where the entry's is
/// an error; any other recorded word that differs is a warning.
fn check_named(ctx: &mut FileDiagnostics, flow: &mut Flow, entry: &Entry) {
    for fact in &entry.stated {
        let def = fact.def();
        if !matches!(def.kind, Kind::Words { .. }) || !flow.spans.contains_key(fact) {
            continue;
        }
        let (ours, theirs) = (flow.get(*fact), entry.flow.get(*fact));
        if ours.is_unknown() || ours == theirs {
            continue;
        }
        if *fact == Fact::Obligation && entry.is_binding() && !flow.obligation.is_binding() {
            contradiction(ctx, flow, entry, "names");
            continue;
        }
        let source = cite(entry.source_for(def.path));
        ctx.report(
            Code::DiffersFromCatalogue,
            flow.span_of(*fact),
            format!(
                "flow `{}` says {} is `{}`, but catalogue entry `{}` says `{}`",
                flow.id,
                def.path,
                ours.display(),
                entry.id(),
                theirs.display()
            ),
            Some(format!(
                "if the catalogue is right, remove `{}` so the flow takes its value; if this practice's arrangement really differs, keep it and say why in `notes`{source}",
                def.key()
            )),
        );
    }
}

/// A flow that names no entry but was recognised as one.
fn check_recognised(
    ctx: &mut FileDiagnostics,
    flow: &mut Flow,
    entry: &Entry,
    by: MatchedBy,
    assumed: &[Fact],
) {
    let voluntary_but_binding = entry.is_binding() && flow.obligation == Obligation::Voluntary;
    if voluntary_but_binding {
        flow.derived.doubt = Some(Doubt::Catalogue {
            entry: entry.id().to_string(),
            obligation: entry.flow.obligation,
        });
        if by == MatchedBy::Mechanism {
            contradiction(ctx, flow, entry, "uses the mechanism of");
            return;
        }
    }
    let how = match by {
        MatchedBy::Mechanism => format!("uses {}, which is", flow.mechanism.phrase()),
        _ => "looks like".to_string(),
    };
    let mut message = format!(
        "flow `{}` {how} catalogue entry `{}` ({})",
        flow.id,
        entry.id(),
        entry.name()
    );
    let mut help = format!(
        "if it is that flow, add `catalogue: {}` so it takes the catalogue's sourced facts (`gpdata catalogue show {}`)",
        entry.id(),
        entry.id()
    );
    if voluntary_but_binding {
        message.push_str(&format!(
            ", which is {}, but it is recorded as voluntary; gpdata will not advise stopping it until that is settled",
            entry.flow.obligation.phrase()
        ));
        help.push_str(" and remove `obligation:`");
    } else if assumed.contains(&Fact::Obligation) {
        message.push_str(&format!(", which is {}", entry.flow.obligation.phrase()));
    }
    if !assumed.is_empty() {
        let paths: Vec<String> = assumed.iter().map(|f| format!("`{}`", f.path())).collect();
        message.push_str(&format!(
            "; gpdata has taken its {} where the flow leaves them unknown",
            crate::english::and_list(&paths)
        ));
    }
    help.push_str(&format!(
        "; if it is a different arrangement, write `catalogue: {NOT_LISTED}`{}",
        cite(entry.source_for("obligation"))
    ));
    ctx.report(
        Code::CatalogueMatch,
        flow.span_of(Fact::Name),
        message,
        Some(help),
    );
}

/// The error for a flow recorded as voluntary where its catalogue entry is binding.
fn contradiction(ctx: &mut FileDiagnostics, flow: &Flow, entry: &Entry, relation: &str) {
    let since = entry
        .from
        .map(|d| format!(" since {}", crate::dates::long(d)))
        .unwrap_or_default();
    let reference = entry
        .flow
        .obligation_reference
        .as_deref()
        .map(|r| format!(" ({})", first_sentence(r)))
        .unwrap_or_default();
    let at = if flow.spans.contains_key(&Fact::Obligation) {
        flow.span_of(Fact::Obligation)
    } else {
        flow.span_of(Fact::Mechanism)
    };
    ctx.report(
        Code::ContradictsCatalogue,
        at,
        format!(
            "flow `{}` is recorded as voluntary, but it {relation} catalogue entry `{}` ({}), which is {}{since}{reference}",
            flow.id,
            entry.id(),
            entry.name(),
            entry.flow.obligation.phrase()
        ),
        Some(format!(
            "stopping it would breach {}; remove `obligation:` so the flow takes the catalogue's, or write `obligation: {}`{}",
            match entry.flow.obligation {
                Obligation::Statutory => "the law",
                Obligation::Professional => "a professional duty",
                _ => "the practice's contract",
            },
            entry.flow.obligation.as_str(),
            cite(entry.source_for("obligation"))
        )),
    );
}

/// Fills in every fact the entry states and the flow does not (or states as `unknown`).
fn inherit(flow: &mut Flow, entry: &Entry) {
    for fact in &entry.stated {
        let ours = flow.get(*fact);
        if flow.spans.contains_key(fact) && !ours.is_unknown() {
            continue;
        }
        take(flow, entry, *fact);
    }
}

/// Sets `fact` from the entry and records where it came from; false when it does not fit what
/// the flow already says (a Schedule 1 condition belongs with its own Article 9 condition).
fn take(flow: &mut Flow, entry: &Entry, fact: Fact) -> bool {
    if fact == Fact::Schedule1 && flow.legal_basis.article_9 != entry.flow.legal_basis.article_9 {
        return false;
    }
    let Some(set) = fact.def().set else {
        return false;
    };
    set(flow, entry.flow.get(fact));
    flow.derived.inherited.push(fact);
    true
}

/// For a flow recognised as an entry without naming it: takes the entry's facts where the flow
/// leaves them unknown, except its name, recipient, processors and platform (the register's
/// own words), and except a voluntary obligation, which is never assumed: only a binding one
/// is, because assuming it can only make the advice safer.
fn assume(flow: &mut Flow, entry: &Entry) -> Vec<Fact> {
    let mut assumed = Vec::new();
    for fact in &entry.stated {
        let never = matches!(
            fact,
            Fact::Name | Fact::Recipient | Fact::Processors | Fact::Platform
        );
        let obligation = matches!(fact, Fact::Obligation | Fact::ObligationReference);
        if never || (obligation && !entry.is_binding()) {
            continue;
        }
        if obligation && flow.obligation != Obligation::Unknown {
            continue;
        }
        if !flow.get(*fact).is_unknown() {
            continue;
        }
        if take(flow, entry, *fact) {
            assumed.push(*fact);
        }
    }
    assumed
}

/// A warning for a flow whose entry is dormant or has ended.
fn inactive(ctx: &mut FileDiagnostics, flow: &Flow, entry: &Entry) {
    if !matches!(entry.status, EntryStatus::Dormant | EntryStatus::Ended) {
        return;
    }
    ctx.report(
        Code::InactiveFlow,
        flow.span_of(Fact::Name),
        format!(
            "flow `{}`: catalogue entry `{}` ({}) is {}",
            flow.id,
            entry.id(),
            entry.name(),
            entry.status.phrase()
        ),
        Some(format!(
            "see `gpdata catalogue show {}`; if no data flows, write `stage: stopped` or remove the flow",
            entry.id()
        )),
    );
}

/// A flow recorded as voluntary whose mechanism only binding national flows use (every GPES
/// extract gpdata knows runs under a direction or the contract).
fn doubt_by_mechanism(ctx: &mut FileDiagnostics, flow: &mut Flow, catalogue: &Catalogue) {
    // Only a national route says something about the flow; email or "other" says nothing.
    let national = matches!(flow.mechanism, Mechanism::Gpes | Mechanism::Spine);
    if flow.obligation != Obligation::Voluntary || !national {
        return;
    }
    let using: Vec<&Entry> = catalogue.using(flow.mechanism).collect();
    if using.is_empty() || !using.iter().all(|e| e.is_binding()) {
        return;
    }
    flow.derived.doubt = Some(Doubt::Mechanism(flow.mechanism));
    let ids: Vec<String> = using.iter().map(|e| format!("`{}`", e.id())).collect();
    ctx.report(
        Code::CatalogueMatch,
        flow.span_of(Fact::Mechanism),
        format!(
            "flow `{}` is recorded as voluntary, but every {} flow gpdata knows is required by statute or the contract; gpdata will not advise stopping it until that is settled",
            flow.id,
            flow.mechanism.phrase()
        ),
        Some(format!(
            "name its catalogue entry with `catalogue:` ({}), or check the obligation",
            crate::english::or_list(&ids)
        )),
    );
}

/// A flow recorded as voluntary that cites something obliging the practice.
fn doubt_by_reference(ctx: &mut FileDiagnostics, flow: &mut Flow, catalogue: &Catalogue) {
    // Only a reference the register itself wrote: one taken from a catalogue entry goes with
    // the entry's obligation, and a contradiction of that is reported on its own.
    if flow.obligation != Obligation::Voluntary
        || flow.derived.doubt.is_some()
        || !flow.spans.contains_key(&Fact::ObligationReference)
    {
        return;
    }
    let Some(reference) = flow.obligation_reference.clone() else {
        return;
    };
    // A voluntary entry's own words about what the practice opted into, copied into the flow,
    // are not a claim that anything obliges it.
    let entrys = flow
        .derived
        .entry
        .as_ref()
        .and_then(|e| catalogue.entry(&e.entry))
        .filter(|e| !e.is_binding())
        .and_then(|e| e.flow.obligation_reference.as_deref());
    if says_nothing_obliges(&reference) || entrys == Some(reference.as_str()) {
        return;
    }
    flow.derived.doubt = Some(Doubt::Reference(reference.clone()));
    ctx.report(
        Code::VoluntaryWithReference,
        flow.span_of(Fact::ObligationReference),
        format!(
            "flow `{}` is recorded as voluntary but cites \"{reference}\" as what obliges the practice; gpdata will not advise stopping it until that is settled",
            flow.id
        ),
        Some(
            "a voluntary flow has no obligation to cite: if the reference is right, set `obligation` to `statutory`, `contractual` or `locally-commissioned`; if the flow is voluntary, remove `obligation_reference`"
                .into(),
        ),
    );
}

/// True for an `obligation_reference` that says there is none ("none", "no obligation").
fn says_nothing_obliges(reference: &str) -> bool {
    let lower = reference.trim().to_lowercase();
    [
        "none",
        "n/a",
        "no obligation",
        "not required",
        "voluntary",
        "nothing",
    ]
    .iter()
    .any(|w| {
        lower == *w || lower.starts_with(&format!("{w} ")) || lower.starts_with(&format!("{w};"))
    })
}

/// " (source: TITLE, URL, read DATE)" for help lines.
fn cite(source: Option<&Source>) -> String {
    match source {
        Some(s) => format!(
            " (source: {}, {}, read {})",
            s.title,
            s.url,
            crate::dates::long(s.checked)
        ),
        None => String::new(),
    }
}

/// The first sentence of a long reference, for one-line messages.
fn first_sentence(text: &str) -> &str {
    let end = text
        .find(". ")
        .or_else(|| text.find("; "))
        .unwrap_or(text.len());
    text[..end].trim_end_matches('.')
}

/// Why a flow may not be stopped although a rule asks to, in a clause for explanations: "it is
/// required by statute", "it is recorded as voluntary, but …".
pub fn why_not_voluntary(flow: &Flow, catalogue: &Catalogue) -> String {
    let entry_name = |id: &str| {
        catalogue
            .entry(id)
            .map(|e| format!("`{id}` ({})", e.name()))
            .unwrap_or_else(|| format!("`{id}`"))
    };
    match (&flow.derived.doubt, flow.obligation) {
        (Some(Doubt::Catalogue { entry, obligation }), _) => format!(
            "it is recorded as voluntary, but the catalogue entry it matches, {}, says it is {}",
            entry_name(entry),
            obligation.phrase()
        ),
        (Some(Doubt::Reference(r)), _) => {
            format!("it is recorded as voluntary, but its obligation_reference cites \"{r}\"")
        }
        (Some(Doubt::Mechanism(m)), _) => format!(
            "it is recorded as voluntary, but every {} flow gpdata knows is required by statute or the contract",
            m.phrase()
        ),
        (None, Obligation::Unknown) => {
            "nobody has recorded whether a statute or contract requires it".to_string()
        }
        (None, obligation) => format!("it is {}", obligation.phrase()),
    }
}
