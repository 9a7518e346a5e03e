//! The letters after the first: what the correspondence record says has been asked and
//! answered (for the follow-up), the notices to bodies other than the ICB, and the questions
//! each letter puts, as the record keeps them.

use serde::Serialize;

use crate::dates;
use crate::policy::{Decision, Outcome};
use crate::record::{AnswerStatus, Asked, Record, StockReply};
use crate::register::{Choice, Flow, IcbRole, Register};

/// The id of the enquiry's general request: the list of every flow the ICB manages.
pub const LIST_ID: &str = "list";

/// The general request as the record keeps it.
pub const LIST_TEXT: &str = "A written list of every flow of the practice's patient data that the ICB manages, commissions or arranges, with each flow's purpose, legal basis (UK GDPR Articles 6 and 9, DPA 2018 Schedule 1, common law and any section 251 support), what makes it obligatory, the ICB's role, processors and platforms with their Data Security and Protection Toolkit status, any use of the ICB's Federated Data Platform instance, retention and onward access, opt-out handling, and the DPIA and agreement that cover it.";

/// The bodies other than the ICB that the practice writes to about flows it withdraws from:
/// one notice for each, naming its flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeGroup {
    /// To whom: the agreement's other party, or the flow's recipient.
    pub to: String,
    /// The flows' ids, in register order.
    pub flows: Vec<String>,
}

impl NoticeGroup {
    /// The id the notice's file and reference are named by: its first flow's (a validated id,
    /// so no register text reaches a file name).
    pub fn key(&self) -> &str {
        self.flows.first().map_or("notice", String::as_str)
    }
}

/// Who a withdrawn flow's notice goes to.
fn counterparty(flow: &Flow) -> String {
    flow.agreement
        .counterparty
        .as_ref()
        .map_or_else(|| flow.recipient.clone(), |c| c.name.clone())
}

/// The notices a register's decisions call for: every withdrawn flow the ICB has no part in,
/// grouped by the body it goes to.
pub fn notice_groups(register: &Register, decisions: &[Decision]) -> Vec<NoticeGroup> {
    let mut groups: Vec<NoticeGroup> = Vec::new();
    for (flow, decision) in register.flows.iter().zip(decisions) {
        if decision.outcome != Outcome::Withdraw || flow.icb_role != IcbRole::None {
            continue;
        }
        let to = counterparty(flow);
        match groups.iter_mut().find(|g| g.to == to) {
            Some(group) => group.flows.push(flow.id.clone()),
            None => groups.push(NoticeGroup {
                to,
                flows: vec![flow.id.clone()],
            }),
        }
    }
    groups
}

/// One question as a follow-up shows it.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    /// Its id.
    pub id: String,
    /// The question.
    pub text: String,
    /// `answered`, `partly-answered`, `declined`, `redirected` or `not-answered`; `new` for a
    /// question not asked before.
    pub status: &'static str,
    /// The status in words: "partly answered".
    pub status_phrase: &'static str,
    /// What the reply said about it.
    pub summary: String,
    /// The reply's date, "9 June 2026", when one dealt with it.
    pub reply_date: String,
    /// For a redirected question: to whom.
    pub redirected_to: String,
}

/// A flow's questions in a follow-up.
#[derive(Debug, Clone, Serialize)]
pub struct FlowQuestions {
    /// The flow's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its recipient.
    pub recipient: String,
    /// The practice's position, "Permission withdrawn".
    pub decision_title: &'static str,
    /// Its questions.
    pub questions: Vec<QuestionView>,
}

/// A reply, as a follow-up mentions it.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyView {
    /// "9 June 2026".
    pub date: String,
    /// Who sent it.
    pub from: String,
    /// The letter it answered.
    pub replying_to: String,
    /// Set when it was a known standard reply: `limited-icb-role` or `other`.
    pub stock: String,
}

/// What the record says, for the follow-up.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SequenceView {
    /// True when the practice has a record with at least one letter to the ICB.
    pub recorded: bool,
    /// The first letter to the ICB: "14 May 2026" and its reference.
    pub first_date: String,
    /// Its reference.
    pub first_reference: String,
    /// The latest letter to the ICB, when there has been more than one.
    pub last_date: String,
    /// Its reference.
    pub last_reference: String,
    /// Every reply received from the ICB.
    pub replies: Vec<ReplyView>,
    /// Their dates in words: "9 June 2026 and 1 July 2026".
    pub reply_dates: String,
    /// True when a reply was the ICB's standard reply about its "limited role".
    pub limited_role_reply: bool,
    /// True when the register has the ICB's risk stratification flow, whose controllers NHS
    /// England names (the answer to the "limited role" reply mentions it then).
    pub has_risk_stratification: bool,
    /// True when a flow feeds the ICB's own Federated Data Platform instance.
    pub has_fdp: bool,
    /// Where the general request for the list of flows stands.
    pub list: Option<QuestionView>,
    /// Questions answered in full, by flow.
    pub answered: Vec<FlowQuestions>,
    /// Questions the ICB referred to another body, by flow.
    pub redirected: Vec<FlowQuestions>,
    /// Questions still open (not answered, partly answered, declined), and new ones, by flow.
    pub open: Vec<FlowQuestions>,
    /// How many questions the letters asked, and how many are answered and open.
    pub asked_count: usize,
    /// Answered in full.
    pub answered_count: usize,
    /// Still open.
    pub open_count: usize,
}

fn view_of(id: &str, text: &str, state: Option<&crate::record::QuestionState>) -> QuestionView {
    let status = state.map_or(AnswerStatus::NotAnswered, |s| s.status());
    let answer = state.and_then(|s| s.answer);
    QuestionView {
        id: id.to_string(),
        text: text.to_string(),
        status: status.as_str(),
        status_phrase: status.phrase(),
        // Letters put their own full stop after a summary.
        summary: answer
            .and_then(|(a, _)| a.summary.as_deref())
            .map(|s| s.trim_end_matches(['.', ' ']).to_string())
            .unwrap_or_default(),
        reply_date: answer.map(|(_, r)| dates::long(r.date)).unwrap_or_default(),
        redirected_to: answer
            .and_then(|(a, _)| a.redirected_to.clone())
            .unwrap_or_default(),
    }
}

/// Files `question` under its flow in `groups`, keeping register order of flows.
fn file_under(
    groups: &mut Vec<FlowQuestions>,
    register: &Register,
    decisions: &[Decision],
    question: QuestionView,
) {
    let flow_id = question
        .id
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    if let Some(group) = groups.iter_mut().find(|g| g.id == flow_id) {
        group.questions.push(question);
        return;
    }
    let position = register.flows.iter().position(|f| f.id == flow_id);
    let (name, recipient, decision_title) = match position {
        Some(i) => (
            register.flows[i].name.clone(),
            register.flows[i].recipient.clone(),
            super::context::decision_title(decisions[i].outcome),
        ),
        // A question about a flow since removed from the register keeps its id as its name.
        None => (flow_id.clone(), String::new(), ""),
    };
    groups.push(FlowQuestions {
        id: flow_id,
        name,
        recipient,
        decision_title,
        questions: vec![question],
    });
    let order = |g: &FlowQuestions| {
        register
            .flows
            .iter()
            .position(|f| f.id == g.id)
            .unwrap_or(usize::MAX)
    };
    groups.sort_by_key(order);
}

/// The follow-up's view of the record: what was asked, what is answered, what is open, and the
/// questions the decisions raise now that no letter has asked yet.
pub fn sequence_view(
    record: Option<&Record>,
    register: &Register,
    decisions: &[Decision],
) -> SequenceView {
    let Some(record) = record else {
        return SequenceView::default();
    };
    let letters: Vec<_> = record.icb_letters().collect();
    let (Some(first), Some(last)) = (letters.first(), letters.last()) else {
        return SequenceView::default();
    };
    let states = record.questions();
    let entry_is = |id: &str| {
        register
            .flows
            .iter()
            .any(|f| f.derived.entry.as_ref().is_some_and(|e| e.entry == id))
    };
    let mut view = SequenceView {
        recorded: true,
        has_risk_stratification: entry_is("risk-stratification"),
        has_fdp: entry_is("icb-fdp-instance")
            || register.flows.iter().any(|f| {
                f.platform
                    .as_deref()
                    .is_some_and(|p| p.to_lowercase().contains("federated data platform"))
            }),
        first_date: dates::long(first.date),
        first_reference: first.reference.clone(),
        last_date: if letters.len() > 1 {
            dates::long(last.date)
        } else {
            String::new()
        },
        last_reference: if letters.len() > 1 {
            last.reference.clone()
        } else {
            String::new()
        },
        ..SequenceView::default()
    };
    let references: Vec<&str> = letters.iter().map(|l| l.reference.as_str()).collect();
    for reply in record
        .replies()
        .filter(|r| references.contains(&r.answers_letter.as_str()))
    {
        view.limited_role_reply |= reply.stock == Some(StockReply::LimitedIcbRole);
        view.replies.push(ReplyView {
            date: dates::long(reply.date),
            from: reply.from.clone(),
            replying_to: reply.answers_letter.clone(),
            stock: reply
                .stock
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
        });
    }
    let dates: Vec<String> = view.replies.iter().map(|r| r.date.clone()).collect();
    view.reply_dates = crate::english::and_list(&dates);
    for state in &states {
        let question = view_of(&state.asked.id, &state.asked.text, Some(state));
        view.asked_count += 1;
        if state.asked.id == LIST_ID {
            if state.is_open() {
                view.open_count += 1;
            } else if state.status() == AnswerStatus::Answered {
                view.answered_count += 1;
            }
            view.list = Some(question);
            continue;
        }
        match state.status() {
            AnswerStatus::Answered => {
                view.answered_count += 1;
                file_under(&mut view.answered, register, decisions, question);
            }
            AnswerStatus::Redirected => {
                file_under(&mut view.redirected, register, decisions, question);
            }
            _ => {
                view.open_count += 1;
                file_under(&mut view.open, register, decisions, question);
            }
        }
    }
    // Questions today's decisions raise about flows the ICB manages that no letter has asked.
    for (flow, decision) in register.flows.iter().zip(decisions) {
        if flow.icb_role == IcbRole::None {
            continue;
        }
        for q in &decision.questions {
            if states.iter().any(|s| s.asked.id == q.id) {
                continue;
            }
            let question = QuestionView {
                id: q.id.clone(),
                text: q.text.clone(),
                status: "new",
                status_phrase: "not asked before",
                summary: String::new(),
                reply_date: String::new(),
                redirected_to: String::new(),
            };
            view.open_count += 1;
            file_under(&mut view.open, register, decisions, question);
        }
    }
    view
}

/// The questions a letter of this kind puts to the ICB, as the record keeps them: the enquiry's
/// general request and its questions about flows the ICB manages; a follow-up's open and new
/// questions (or, with no record, the same as the enquiry's).
pub fn asked_by(
    kind: super::templates::LetterKind,
    sequence: &SequenceView,
    register: &Register,
    decisions: &[Decision],
) -> Vec<Asked> {
    use super::templates::LetterKind;
    let enquiry = || {
        let mut asked = vec![Asked {
            id: LIST_ID.into(),
            text: LIST_TEXT.into(),
        }];
        for (flow, decision) in register.flows.iter().zip(decisions) {
            if flow.icb_role != IcbRole::None {
                asked.extend(decision.questions.iter().map(|q| Asked {
                    id: q.id.clone(),
                    text: q.text.clone(),
                }));
            }
        }
        asked
    };
    match kind {
        LetterKind::Enquiry => enquiry(),
        LetterKind::FollowUp if !sequence.recorded => enquiry(),
        LetterKind::FollowUp => {
            let mut asked = Vec::new();
            if let Some(list) = sequence.list.as_ref().filter(|l| l.status != "answered") {
                asked.push(Asked {
                    id: list.id.clone(),
                    text: list.text.clone(),
                });
            }
            for group in &sequence.open {
                asked.extend(group.questions.iter().map(|q| Asked {
                    id: q.id.clone(),
                    text: q.text.clone(),
                }));
            }
            asked
        }
        LetterKind::Notice | LetterKind::Actions => Vec::new(),
    }
}

/// The reference a letter gets when none is given: the enquiry is ODS/DSA/1; a follow-up the
/// next number after the ICB letters in the record (ODS/DSA/2 with no record), or the number of
/// a follow-up already recorded on the same day, so writing it again does not count it twice; a
/// notice ODS/NOTICE/FLOW.
pub fn default_reference(
    ods: &str,
    kind: super::templates::LetterKind,
    date: jiff::civil::Date,
    record: Option<&Record>,
    notice: Option<&NoticeGroup>,
) -> String {
    use super::templates::LetterKind;
    match kind {
        LetterKind::Enquiry => format!("{ods}/DSA/1"),
        LetterKind::FollowUp => {
            let letters: Vec<_> = record
                .map(|r| r.icb_letters().collect())
                .unwrap_or_default();
            let same_day = letters
                .iter()
                .rev()
                .find(|l| l.kind == crate::record::SentKind::FollowUp && l.date == date);
            match same_day {
                Some(letter) => letter.reference.clone(),
                None => format!("{ods}/DSA/{}", letters.len().max(1) + 1),
            }
        }
        LetterKind::Notice => format!("{ods}/NOTICE/{}", notice.map_or("all", NoticeGroup::key)),
        LetterKind::Actions => format!("{ods}/ACTIONS"),
    }
}

/// The correspondence record's entry for a letter that is sent (none for the action sheet,
/// which stays in the practice).
pub fn sent(
    register: &Register,
    letter: &crate::letter::Letter,
    options: &crate::letter::LetterOptions,
    notice: Option<&NoticeGroup>,
) -> Option<crate::record::Sent> {
    use crate::letter::templates::LetterKind;
    use crate::record::SentKind;
    let kind = match options.kind {
        LetterKind::Enquiry => SentKind::Enquiry,
        LetterKind::FollowUp => SentKind::FollowUp,
        LetterKind::Notice => SentKind::Notice,
        LetterKind::Actions => return None,
    };
    let icb = &register.icb;
    let to = match notice {
        Some(n) => n.to.clone(),
        None => match icb.addressee.as_ref().and_then(|a| a.role.clone()) {
            Some(role) => format!("{} ({role})", icb.name),
            None => icb.name.clone(),
        },
    };
    Some(crate::record::Sent {
        kind,
        date: options.date,
        reference: letter.frame.our_ref.clone(),
        to,
        reply_by: options
            .date
            .checked_add(jiff::Span::new().days(i64::from(options.reply_days)))
            .ok(),
        flows: notice.map(|n| n.flows.clone()).unwrap_or_default(),
        asked: letter.asked.clone(),
        span: Default::default(),
    })
}
