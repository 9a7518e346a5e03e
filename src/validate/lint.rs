//! Warnings about a register that loaded: gaps and contradictions a careful reviewer would flag.
//! None of these stop the register being audited or a letter being written.

use crate::diag::Code;
use crate::english;
use crate::ods;
use crate::reader::FileDiagnostics;
use crate::register::facts::{FACTS, Fact};
use crate::register::*;

use super::Env;

/// The mark `gpdata init` puts on text the practice must replace.
pub const PLACEHOLDER: &str = "CHANGE ME:";

/// Adds every warning for `register` to `ctx`.
pub fn lint(ctx: &mut FileDiagnostics, register: &Register, env: &Env) {
    let today = env.today;
    placeholders(ctx);
    if register.flows.is_empty() {
        let span = ctx.file.span_at(0, 0);
        ctx.report(
            Code::NoFlows,
            span,
            "the register lists no flows".into(),
            Some("add a `flows:` list; the letter still asks the ICB for its list".into()),
        );
    }
    // The `reviewed:` line, for the caret; the register does not keep its span.
    let reviewed_at = ctx
        .file
        .text
        .match_indices("reviewed:")
        .find(|(i, _)| *i == 0 || ctx.file.text.as_bytes()[i - 1] == b'\n')
        .map_or(ctx.file.span_at(0, 0), |(i, k)| {
            ctx.file.span_at(i, k.len())
        });
    if let Some(reviewed) = register.reviewed
        && reviewed > today
    {
        let span = reviewed_at;
        ctx.report(
            Code::FutureDate,
            span,
            format!(
                "the register says it was reviewed on {reviewed}, which is after today ({today})"
            ),
            Some("check the `reviewed:` date".into()),
        );
    }
    if let Some(reviewed) = register.reviewed
        && today
            .checked_sub(jiff::ToSpan::years(1))
            .is_ok_and(|year_ago| reviewed < year_ago)
    {
        let span = reviewed_at;
        ctx.report(
            Code::StaleReview,
            span,
            format!(
                "the register says it was last reviewed on {reviewed}, more than a year before today ({today})"
            ),
            Some("bring each flow up to date with the practice's DPO, then set `reviewed:` to the date of that review".into()),
        );
    }
    lint_icb(ctx, &register.icb, env);
    for flow in &register.flows {
        lint_flow(ctx, flow, env);
    }
}

/// Every value that still holds `gpdata init`'s placeholder (comments do not count).
fn placeholders(ctx: &mut FileDiagnostics) {
    let file = ctx.file.clone();
    for (at, _) in file.text.match_indices(PLACEHOLDER) {
        let line_start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
        if file.text[line_start..at].contains('#') {
            continue;
        }
        ctx.report(
            Code::PlaceholderText,
            file.span_at(at, PLACEHOLDER.len()),
            "this is `gpdata init`'s placeholder, not the practice's own text".into(),
            Some(
                "replace the whole value with the real text; letters would print it as written"
                    .into(),
            ),
        );
    }
}

/// The register's ICB: abolished by the audit date, or not an ICB gpdata knows.
fn lint_icb(ctx: &mut FileDiagnostics, icb: &Icb, env: &Env) {
    let icbs = &env.catalogue.icbs;
    let code = icb.ods_code.as_str();
    if let Some(gone) = icbs.abolished(code, env.today) {
        ctx.report(
            Code::AbolishedIcb,
            icb.code_span,
            format!(
                "the ICB `{code}` ({}) was abolished on {}",
                gone.name,
                abolished_on(gone)
            ),
            Some(format!(
                "address the letter to the successor: {}",
                icbs.successors_in_words(gone)
            )),
        );
    } else if ods::is_icb_code(code) && icbs.get(code).is_none() {
        ctx.report(
            Code::UnknownIcb,
            icb.code_span,
            format!("`{code}` is not the code of any ICB gpdata knows"),
            Some("check the ICB's ODS code (`gpdata catalogue icbs` lists them); a 5-character code may be a sub-ICB location (a former CCG) rather than the ICB; an ICB created after this gpdata was released can be added with `--catalogue DIR` (DIR/icbs.yaml)".into()),
        );
    }
}

fn abolished_on(icb: &crate::catalogue::Icb) -> String {
    icb.abolished_on()
        .map(crate::dates::long)
        .unwrap_or_else(|| "an unknown date".into())
}

/// Every check of one flow, in turn.
fn lint_flow(ctx: &mut FileDiagnostics, flow: &Flow, env: &Env) {
    gaps(ctx, flow);
    direct_care_opt_out(ctx, flow);
    agreement(ctx, flow, env);
    schedule_1(ctx, flow);
}

/// Facts the practice could record but has not: one `unknown-fact` for them all, and the
/// Type 1 handling of identifiable data for secondary use on its own, as it says more.
fn gaps(ctx: &mut FileDiagnostics, flow: &Flow) {
    let id_span = flow.span_of(Fact::Id);
    let at = |fact: Fact| flow.span_of(fact);
    // What a named catalogue entry does not know either is a national gap (its entry says why),
    // not one the practice can fill: only the practice's own unknowns are reported.
    let named = flow
        .derived
        .entry
        .as_ref()
        .is_some_and(|e| e.by == MatchedBy::Reference);
    let practices_gap = |fact: Fact| !named || flow.spans.contains_key(&fact);
    let secondary = matches!(flow.purpose, Purpose::Secondary | Purpose::Mixed);
    let type_1_unstated = secondary
        && flow.data == DataForm::Identifiable
        && flow.opt_outs.type_1 == OptOutHandling::Unknown
        && practices_gap(Fact::Type1OptOut);

    // `type-1-unstated` says more than a gap would, so the gap is not listed twice.
    let unknown: Vec<String> = FACTS
        .iter()
        .filter(|d| (d.gap)(flow) && flow.get(d.fact).is_unknown() && practices_gap(d.fact))
        .filter(|d| !(type_1_unstated && d.fact == Fact::Type1OptOut))
        .map(|d| format!("`{}`", d.path))
        .collect();
    if !unknown.is_empty() {
        let verb = if unknown.len() == 1 { "is" } else { "are" };
        ctx.report(
            Code::UnknownFact,
            id_span,
            format!(
                "flow `{}`: {} {verb} unknown or not recorded",
                flow.id,
                english::and_list(&unknown)
            ),
            Some(
                "the audit treats missing facts as questions for the ICB; fill them in when you know them"
                    .into(),
            ),
        );
    }

    if type_1_unstated {
        ctx.report(
            Code::Type1Unstated,
            at(Fact::Type1OptOut),
            format!(
                "flow `{}` sends identifiable data for {} but does not say how Type 1 opt-outs are handled",
                flow.id,
                flow.purpose.phrase()
            ),
            Some(format!(
                "set `opt_outs.type_1` to {}",
                english::or_list(
                    &OptOutHandling::words()
                        .iter()
                        .filter(|w| **w != "unknown")
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                )
            )),
        );
    }
}

/// The National Data Opt-out said to apply to direct care, which it does not cover.
fn direct_care_opt_out(ctx: &mut FileDiagnostics, flow: &Flow) {
    let at = |fact: Fact| flow.span_of(fact);
    if flow.purpose == Purpose::DirectCare && flow.opt_outs.national == OptOutHandling::Applied {
        ctx.report(
            Code::DirectCareOptOut,
            at(Fact::NationalOptOut),
            format!(
                "flow `{}` is for direct care, but says the National Data Opt-out is applied",
                flow.id
            ),
            Some("the National Data Opt-out covers research and planning, not individual care; use `not-applicable`, or check the purpose".into()),
        );
    }
}

/// The agreement's status against its dates, its other party and the flow's obligation.
fn agreement(ctx: &mut FileDiagnostics, flow: &Flow, env: &Env) {
    let today = env.today;
    let at = |fact: Fact| flow.span_of(fact);
    if flow.agreement.status == AgreementStatus::Active
        && let Some(expires) = flow.agreement.expires
        && expires < today
    {
        ctx.report(
            Code::ExpiredButActive,
            at(Fact::AgreementExpires),
            format!(
                "flow `{}`: the agreement is marked active but expired on {expires}",
                flow.id
            ),
            Some(
                "mark it `expired` if data no longer flows under it, or record the renewal date"
                    .into(),
            ),
        );
    }
    if flow.agreement.status == AgreementStatus::Proposed && flow.agreement.signed.is_some() {
        ctx.report(
            Code::ProposedButSigned,
            at(Fact::AgreementSigned),
            format!(
                "flow `{}`: the agreement is marked proposed but has a signed date",
                flow.id
            ),
            Some("if the practice signed it, set `status: active`; if not, remove `signed`".into()),
        );
    }
    if let Some(signed) = flow.agreement.signed
        && signed > today
    {
        ctx.report(
            Code::FutureDate,
            at(Fact::AgreementSigned),
            format!(
                "flow `{}`: the agreement's signed date {signed} is after today ({today})",
                flow.id
            ),
            Some("check the `signed:` date".into()),
        );
    }
    if let Some(code) = flow
        .agreement
        .counterparty
        .as_ref()
        .and_then(|c| c.ods_code.as_deref())
        && let Some(icb) = env.catalogue.icbs.abolished(code, today)
    {
        ctx.report(
            Code::AbolishedIcb,
            at(Fact::Counterparty),
            format!(
                "flow `{}`: the agreement is with {} ({code}), abolished on {}",
                flow.id,
                icb.name,
                abolished_on(icb)
            ),
            Some(format!(
                "nothing needs re-signing: a transfer scheme under NHS Act 2006 section 14Z28 moved the abolished ICB's rights and liabilities to its successor ({}); the audit asks the ICB to confirm which body now holds the agreement",
                env.catalogue.icbs.successors_in_words(icb)
            )),
        );
    }
    if flow.obligation == Obligation::Statutory
        && flow.agreement.status == AgreementStatus::Proposed
    {
        ctx.report(
            Code::NoticeNotAgreement,
            at(Fact::AgreementStatus),
            format!(
                "flow `{}` is required by statute but recorded as an agreement awaiting signature",
                flow.id
            ),
            Some("a direction or Data Provision Notice is not an agreement the practice signs or can refuse; set `agreement.status: none`".into()),
        );
    }
}

/// The DPA 2018 Schedule 1 condition must fit the Article 9 condition (DPA 2018 section 10):
/// 9(2)(b), (h), (i) and (j) need Part 1 paragraphs 1 to 4, and 9(2)(g) a Part 2 condition.
fn schedule_1(ctx: &mut FileDiagnostics, flow: &Flow) {
    let basis = &flow.legal_basis;
    let expected: &[Schedule1] = match basis.article_9 {
        Article9::EmploymentSocialSecurity => &[Schedule1::EmploymentSocialSecurity],
        Article9::HealthOrSocialCare => &[Schedule1::HealthOrSocialCare],
        Article9::PublicHealth => &[Schedule1::PublicHealth],
        Article9::Research => &[Schedule1::Research],
        Article9::SubstantialPublicInterest => &[
            Schedule1::StatutoryPurposes,
            Schedule1::PreventingCrime,
            Schedule1::Safeguarding,
        ],
        Article9::ExplicitConsent
        | Article9::VitalInterests
        | Article9::LegalClaims
        | Article9::NotApplicable => &[Schedule1::NotNeeded],
        Article9::Unknown => return,
    };
    if basis.schedule_1 == Schedule1::Unknown || expected.contains(&basis.schedule_1) {
        return;
    }
    let words: Vec<String> = expected
        .iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect();
    ctx.report(
        Code::Schedule1Mismatch,
        flow.span_of(Fact::Schedule1),
        format!(
            "flow `{}`: the Schedule 1 condition `{}` does not go with Article 9 condition `{}`",
            flow.id,
            basis.schedule_1.as_str(),
            basis.article_9.as_str()
        ),
        Some(format!(
            "Data Protection Act 2018 section 10 pairs {} with {}",
            basis.article_9.phrase(),
            english::or_list(&words)
        )),
    );
}
