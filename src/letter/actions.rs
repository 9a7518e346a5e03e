//! The practice's own action sheet (`letter --kind actions`): what to switch off, withdraw or
//! not sign, and where in EMIS Web or SystmOne when the catalogue knows; the notices to send;
//! the National Data Opt-out checks on disclosures the practice makes; privacy notice changes;
//! new data sharing requests; and coded entries that arrive through Update Record.

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::policy::{Decision, Outcome};
use crate::register::facts::Value;
use crate::register::{DataForm, Fact, Flow, Obligation, OptOutHandling, Purpose, Register, YesNo};

use super::context::decision_title;
use super::sequence::NoticeGroup;

/// The NHS England page that says every practice needs a procedure for disclosures the
/// National Data Opt-out applies to.
pub const NDOO_GP_SOURCE: &str = "NHS Digital, National data opt-out: information for GP practices, https://digital.nhs.uk/services/national-data-opt-out-programme/information-for-gp-practices";

/// The BMA page asking practices to forward new data sharing requests to it.
pub const FORWARD_SOURCE: &str = "BMA, BMA urges GPs to withhold patient data (May 2026), https://www.bma.org.uk/news-and-opinion/bma-urges-gps-to-withhold-patient-data";

/// The BMA's advice on coded entries arriving through GP Connect Update Record.
pub const UPDATE_RECORD_SOURCE: &str = "BMA, GP Connect (updated 19 December 2025), https://www.bma.org.uk/our-campaigns/gp-campaigns/england/gp-connect";

/// One flow on the action sheet.
#[derive(Debug, Clone, Serialize)]
pub struct ActionFlow {
    /// Its name.
    pub name: String,
    /// Who receives it.
    pub recipient: String,
    /// The practice's position: "Switched off".
    pub decision_title: &'static str,
    /// What to do, in a sentence.
    pub what: String,
    /// Where in EMIS Web, when the catalogue knows.
    pub emis: String,
    /// Where in SystmOne, when the catalogue knows.
    pub systmone: String,
    /// How leaving works, and any notice period, when the catalogue knows.
    pub leaving: String,
    /// The agreement's reference.
    pub agreement: String,
}

/// A notice to send.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeItem {
    /// To whom.
    pub to: String,
    /// The flows it covers, by name.
    pub flows: String,
    /// The file `letter --kind notice` writes it to (PDF).
    pub file: String,
    /// Whom the catalogue says to write to, when it knows.
    pub write_to: String,
}

/// Everything on the action sheet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionsView {
    /// Flows to switch off or withdraw from, with where.
    pub stop: Vec<ActionFlow>,
    /// Agreements and platforms not to sign.
    pub do_not_sign: Vec<ActionFlow>,
    /// Notices to send to bodies other than the ICB.
    pub notices: Vec<NoticeItem>,
    /// Disclosures the practice makes where it should check the National Data Opt-out.
    pub opt_out_checks: Vec<ActionFlow>,
    /// Flows to take out of, or mark as stopped in, the privacy notice.
    pub privacy_notice: Vec<String>,
    /// True when the practice receives GP Connect Update Record entries.
    pub update_record: bool,
    /// How many flows await the ICB's answers.
    pub awaiting_answers: usize,
    /// The sources behind the general items.
    pub ndoo_source: &'static str,
    /// The BMA's request to forward new requests.
    pub forward_source: &'static str,
    /// The BMA's Update Record advice.
    pub update_record_source: &'static str,
}

fn unknown_or(text: Option<&String>) -> String {
    text.map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && !t.starts_with("unknown") && !t.starts_with("Not applicable"))
        .unwrap_or_default()
}

fn action_flow(
    flow: &Flow,
    decision: &Decision,
    catalogue: &Catalogue,
    what: String,
) -> ActionFlow {
    let entry = flow
        .derived
        .entry
        .as_ref()
        .and_then(|e| catalogue.entry(&e.entry));
    ActionFlow {
        name: flow.name.clone(),
        recipient: flow.recipient.clone(),
        decision_title: decision_title(decision.outcome),
        what,
        emis: unknown_or(entry.and_then(|e| e.emis.as_ref())),
        systmone: unknown_or(entry.and_then(|e| e.systmone.as_ref())),
        leaving: entry.and_then(|e| e.leaving.clone()).unwrap_or_default(),
        agreement: flow.agreement.reference.clone().unwrap_or_default(),
    }
}

/// What the practice should do about each flow, from its decisions.
pub fn actions_view(
    register: &Register,
    decisions: &[Decision],
    catalogue: &Catalogue,
    notices: &[NoticeGroup],
) -> ActionsView {
    let mut view = ActionsView {
        ndoo_source: NDOO_GP_SOURCE,
        forward_source: FORWARD_SOURCE,
        update_record_source: UPDATE_RECORD_SOURCE,
        ..ActionsView::default()
    };
    for (flow, decision) in register.flows.iter().zip(decisions) {
        match decision.outcome {
            Outcome::SwitchOff => {
                let what = if flow.writes_to_record == YesNo::Yes {
                    "Remove its permission to write into the practice's records in the clinical system's sharing settings; reading for direct care can continue.".to_string()
                } else {
                    "Switch it off in the clinical system, or disregard its prompts if it cannot be switched off.".to_string()
                };
                view.stop.push(action_flow(flow, decision, catalogue, what));
                view.privacy_notice.push(flow.name.clone());
            }
            Outcome::Withdraw => {
                let what = if flow.icb_role == crate::register::IcbRole::None {
                    "Stop it in the clinical system where it is set up there, and send the notice below."
                } else {
                    "Stop it in the clinical system where it is set up there; the letter to the ICB withdraws permission."
                };
                view.stop
                    .push(action_flow(flow, decision, catalogue, what.to_string()));
                view.privacy_notice.push(flow.name.clone());
            }
            Outcome::Freeze => {
                let what = match &flow.agreement.reference {
                    Some(r) => format!("Do not sign {r}, or join the platform, while the collective action continues."),
                    None => "Do not sign its agreement, or join the platform, while the collective action continues.".to_string(),
                };
                view.do_not_sign
                    .push(action_flow(flow, decision, catalogue, what));
            }
            Outcome::Query | Outcome::Unclassified => view.awaiting_answers += 1,
            Outcome::Retain => {}
        }
        if needs_opt_out_check(flow, decision) {
            let recorded = match flow.opt_outs.national {
                OptOutHandling::NotApplied => "records that it is not applied",
                _ => "does not record whether it is applied",
            };
            let what = format!(
                "Check with the practice's DPO whether the National Data Opt-out applies to this disclosure and, if it does, that the search or report behind it removes patients who have registered one. The register {recorded}."
            );
            view.opt_out_checks
                .push(action_flow(flow, decision, catalogue, what));
        }
        if flow
            .derived
            .entry
            .as_ref()
            .is_some_and(|e| e.entry == "gp-connect-update-record")
            || flow.mechanism == crate::register::Mechanism::GpConnectUpdateRecord
        {
            view.update_record = true;
        }
    }
    for group in notices {
        let flows: Vec<&Flow> = group
            .flows
            .iter()
            .filter_map(|id| register.flows.iter().find(|f| &f.id == id))
            .collect();
        let names: Vec<String> = flows.iter().map(|f| f.name.clone()).collect();
        let write_to = flows
            .iter()
            .filter_map(|f| f.derived.entry.as_ref())
            .filter_map(|e| catalogue.entry(&e.entry))
            .find_map(|e| e.write_to.clone())
            .unwrap_or_default();
        view.notices.push(NoticeItem {
            to: group.to.clone(),
            flows: crate::english::and_list(&names),
            file: format!("{}-notice-{}.pdf", register.practice.ods_code, group.key()),
            write_to,
        });
    }
    view
}

/// A disclosure of confidential patient information for purposes beyond care that the practice
/// keeps making, where the register does not record the National Data Opt-out as applied and no
/// law requires the disclosure (the opt-out does not apply where the law does).
fn needs_opt_out_check(flow: &Flow, decision: &Decision) -> bool {
    matches!(flow.purpose, Purpose::Secondary | Purpose::Mixed)
        && matches!(flow.data, DataForm::Identifiable | DataForm::Pseudonymised)
        && matches!(
            flow.opt_outs.national,
            OptOutHandling::NotApplied | OptOutHandling::Unknown
        )
        && flow.obligation != Obligation::Statutory
        // Where the law or the contract settles the flow and says which, its opt-outs are
        // settled too (the policy puts no opt-out question about it either).
        && flow.get(Fact::ObligationSettled) != Value::Bool(true)
        && !decision.outcome.stops_flow()
        && flow.mechanism != crate::register::Mechanism::Gpes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Choice;

    #[test]
    fn catalogue_text_that_says_unknown_is_left_out() {
        assert_eq!(unknown_or(Some(&"unknown; no source".to_string())), "");
        assert_eq!(unknown_or(Some(&"Not applicable.".to_string())), "");
        assert_eq!(
            unknown_or(Some(&"Organisation Preferences".to_string())),
            "Organisation Preferences"
        );
        assert_eq!(unknown_or(None), "");
    }

    #[test]
    fn the_choice_words_used_here_exist() {
        assert_eq!(OptOutHandling::NotApplied.as_str(), "not-applied");
    }
}
