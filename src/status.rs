//! Where each practice's correspondence stands (`gpdata status`): what was sent when, whether
//! it was answered, what is overdue, and which questions are still open; over a folder, the
//! same per practice and a roll-up per ICB for the LMC.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::record::{AnswerStatus, Record, SentKind};
use crate::register::{Choice, Register};

/// One letter sent, and what came of it.
#[derive(Debug, Clone, Serialize)]
pub struct LetterStatus {
    /// `enquiry`, `follow-up` or `notice`.
    pub kind: &'static str,
    /// When it was sent.
    pub date: Date,
    /// Its reference.
    pub reference: String,
    /// To whom.
    pub to: String,
    /// When a reply was asked for.
    pub reply_by: Option<Date>,
    /// The first reply to it, if any.
    pub replied: Option<Date>,
    /// True when the reply date has passed with no reply.
    pub overdue: bool,
}

/// A question still open.
#[derive(Debug, Clone, Serialize)]
pub struct OpenQuestion {
    /// Its id.
    pub id: String,
    /// `not-answered`, `partly-answered` or `declined`.
    pub status: &'static str,
}

/// One practice's correspondence.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeStatus {
    /// The register file.
    pub file: String,
    /// The practice's ODS code.
    pub ods_code: String,
    /// Its name.
    pub name: String,
    /// Its ICB's ODS code.
    pub icb_ods_code: String,
    /// Its ICB's name.
    pub icb_name: String,
    /// True when the practice has a correspondence record.
    pub recorded: bool,
    /// Every letter sent, in record order.
    pub letters: Vec<LetterStatus>,
    /// Questions the ICB letters asked, by how they stand (every status present).
    pub questions: BTreeMap<&'static str, usize>,
    /// The questions still open.
    pub open: Vec<OpenQuestion>,
    /// When the latest letter to the ICB asked for a reply by, if it has none yet.
    pub reply_due: Option<Date>,
    /// True when the latest letter to the ICB is past its reply date with no reply.
    pub overdue: bool,
}

impl PracticeStatus {
    /// The letters to the ICB.
    pub fn icb_letters(&self) -> impl Iterator<Item = &LetterStatus> {
        self.letters.iter().filter(|l| l.kind != "notice")
    }

    /// How many questions in all.
    pub fn asked(&self) -> usize {
        self.questions.values().sum()
    }
}

/// The status of one practice as of `today`.
pub fn practice_status(
    file: &str,
    register: &Register,
    record: Option<&Record>,
    today: Date,
) -> PracticeStatus {
    let mut questions: BTreeMap<&'static str, usize> =
        AnswerStatus::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    let mut status = PracticeStatus {
        file: file.to_string(),
        ods_code: register.practice.ods_code.clone(),
        name: register.practice.name.clone(),
        icb_ods_code: register.icb.ods_code.clone(),
        icb_name: register.icb.name.clone(),
        recorded: record.is_some(),
        letters: Vec::new(),
        questions: BTreeMap::new(),
        open: Vec::new(),
        reply_due: None,
        overdue: false,
    };
    let Some(record) = record else {
        status.questions = questions;
        return status;
    };
    for letter in record.letters() {
        let replied = record.replies_to(&letter.reference).map(|r| r.date).min();
        status.letters.push(LetterStatus {
            kind: letter.kind.as_str(),
            date: letter.date,
            reference: letter.reference.clone(),
            to: letter.to.clone(),
            reply_by: letter.reply_by,
            replied,
            overdue: replied.is_none() && letter.reply_by.is_some_and(|by| by < today),
        });
    }
    if let Some(last) = status
        .letters
        .iter()
        .rev()
        .find(|l| l.kind != SentKind::Notice.as_str())
        && last.replied.is_none()
    {
        status.reply_due = last.reply_by;
        status.overdue = last.overdue;
    }
    for state in record.questions() {
        *questions.entry(state.status().as_str()).or_default() += 1;
        if state.is_open() {
            status.open.push(OpenQuestion {
                id: state.asked.id.clone(),
                status: state.status().as_str(),
            });
        }
    }
    status.questions = questions;
    status
}

/// An ICB's practices in the roll-up.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IcbRollUp {
    /// Its name.
    pub name: String,
    /// Practices in the run with this ICB.
    pub practices: usize,
    /// Practices that have written to it.
    pub written: usize,
    /// Practices it has replied to.
    pub replied: usize,
    /// Practices whose latest letter to it is past its reply date with no reply.
    pub overdue: usize,
    /// Questions still open across its practices.
    pub open_questions: usize,
}

/// The roll-up by ICB code, for an LMC.
pub fn by_icb(practices: &[PracticeStatus]) -> BTreeMap<String, IcbRollUp> {
    let mut out: BTreeMap<String, IcbRollUp> = BTreeMap::new();
    for p in practices {
        let icb = out.entry(p.icb_ods_code.clone()).or_default();
        icb.name.clone_from(&p.icb_name);
        icb.practices += 1;
        if p.icb_letters().next().is_some() {
            icb.written += 1;
        }
        if p.icb_letters().any(|l| l.replied.is_some()) {
            icb.replied += 1;
        }
        if p.overdue {
            icb.overdue += 1;
        }
        icb.open_questions += p.open.len();
    }
    out
}
