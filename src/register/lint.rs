//! Warnings about a register that loaded: gaps and contradictions a careful reviewer would flag.
//! None of these stop the register being audited or a letter being written.

use jiff::civil::Date;

use crate::diag::Code;
use crate::ods;
use crate::reader::Ctx;
use crate::suggest;

use super::choice::Choice;
use super::facts::{FACTS, Fact};
use super::model::*;

/// Adds every warning for `register` to `ctx`, judging dates against `today`.
pub fn lint(ctx: &mut Ctx, register: &Register, today: Date) {
    if register.flows.is_empty() {
        let span = ctx.file.span_at(0, 0);
        ctx.report(
            Code::NoFlows,
            span,
            "the register lists no flows".into(),
            Some("add a `flows:` list; the letter still asks the ICB for its list".into()),
        );
    }
    if let Some(reviewed) = register.reviewed
        && reviewed > today
    {
        let span = ctx.file.span_at(0, 0);
        ctx.report(
            Code::FutureDate,
            span,
            format!(
                "the register says it was reviewed on {reviewed}, which is after today ({today})"
            ),
            Some("check the `reviewed:` date".into()),
        );
    }
    if let Some(icb) = ods::abolished(&register.icb.ods_code, today) {
        let span = ctx.file.span_at(0, 0);
        ctx.report(
            Code::AbolishedIcb,
            span,
            format!(
                "the ICB `{}` (NHS {} ICB) was abolished on 1 April 2026",
                icb.code, icb.name
            ),
            Some(format!(
                "address the letter to the successor: {}",
                icb.successor
            )),
        );
    }
    for flow in &register.flows {
        lint_flow(ctx, flow, today);
    }
}

fn lint_flow(ctx: &mut Ctx, flow: &Flow, today: Date) {
    let id_span = flow.span_of(Fact::Id);
    let at = |fact: Fact| flow.span_of(fact);
    let secondary = matches!(flow.purpose, Purpose::Secondary | Purpose::Mixed);
    let type_1_unstated = secondary
        && flow.data == DataForm::Identifiable
        && flow.opt_outs.type_1 == OptOutHandling::Unknown;

    // `type-1-unstated` says more than a gap would, so the gap is not listed twice.
    let unknown: Vec<String> = FACTS
        .iter()
        .filter(|d| d.gap && flow.get(d.fact).is_unknown())
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
                suggest::and_list(&unknown)
            ),
            Some(
                "the audit treats missing facts as questions for the ICB; fill them in when you know them"
                    .into(),
            ),
        );
    }

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
                suggest::or_list(
                    &OptOutHandling::words()
                        .iter()
                        .filter(|w| **w != "unknown")
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                )
            )),
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
        && let Some(icb) = ods::abolished(code, today)
    {
        ctx.report(
            Code::AbolishedIcb,
            at(Fact::Counterparty),
            format!(
                "flow `{}`: the agreement is with NHS {} ICB ({code}), abolished on 1 April 2026",
                flow.id, icb.name
            ),
            Some(format!(
                "the agreement must be re-papered with the successor, {}; the audit will query it",
                icb.successor
            )),
        );
    }
}
