//! The correspondence record: the letters a practice has sent about its data flows and the
//! replies it has received, one file beside each register (`riverside.yaml` →
//! `riverside.record.yaml`), in plain YAML a practice manager can read, edit and compare.
//!
//! gpdata adds each letter it writes ([`write`]); the practice adds replies by hand, saying for
//! each question whether it was answered, and may record a fact an answer establishes, which the
//! audit then uses ([`crate::validate`]). `gpdata status` and the follow-up letter read it.

mod read;
pub mod write;

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use crate::register::choice::choice;
use crate::register::facts::{Fact, Value};
use crate::source::Span;

pub use read::read;

/// The record format version this gpdata reads and writes.
pub const FORMAT: u32 = 1;

/// The record file that goes with a register: the same name with `.record.yaml`.
pub fn path_for(register: &Path) -> PathBuf {
    let stem = register
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    register.with_file_name(format!("{stem}.record.yaml"))
}

/// True for a record's file name (`*.record.yaml` or `.yml`, any case): folders searched for
/// registers leave these out.
pub fn is_record_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .is_some_and(|n| n.ends_with(".record.yaml") || n.ends_with(".record.yml"))
}

choice! {
    /// What was sent.
    SentKind, "letter kind" {
        /// The first letter to the ICB.
        Enquiry = "enquiry" => "enquiry",
        /// A letter chasing what the ICB has not answered.
        FollowUp = "follow-up" => "follow-up",
        /// A notice to the body that runs a flow the practice withdraws from.
        #[default]
        Notice = "notice" => "notice",
    }
}

choice! {
    /// How a reply dealt with one question.
    AnswerStatus, "answer" {
        /// Answered in full.
        Answered = "answered" => "answered",
        /// Answered in part.
        PartlyAnswered = "partly-answered" => "partly answered",
        /// Refused.
        Declined = "declined" => "declined",
        /// Sent to another body to answer.
        Redirected = "redirected" => "redirected to another body",
        /// Not dealt with.
        #[default]
        NotAnswered = "not-answered" => "not answered",
    }
}

choice! {
    /// A standard reply an ICB sends that the follow-up answers with public sources.
    StockReply, "stock reply" {
        /// The reply that opens "As you note" and has a heading "The limited ICB role" (North
        /// West LMCs, collective action page, 2026).
        LimitedIcbRole = "limited-icb-role" => "the ICB's standard reply about its limited role",
        /// Some other standard text.
        #[default]
        Other = "other" => "a standard reply",
    }
}

/// A question a letter asked, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asked {
    /// `list` (the list of every flow), or `FLOW/RULE` for a question about one flow.
    pub id: String,
    /// The question as the letter put it.
    pub text: String,
}

/// A letter the practice sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sent {
    /// What kind of letter.
    pub kind: SentKind,
    /// Its date.
    pub date: Date,
    /// Its reference (the record's key for it).
    pub reference: String,
    /// To whom.
    pub to: String,
    /// When a reply was asked for.
    pub reply_by: Option<Date>,
    /// For a notice: the flows it is about.
    pub flows: Vec<String>,
    /// What it asked.
    pub asked: Vec<Asked>,
    /// Where it is in the record.
    #[serde(skip)]
    pub span: Span,
}

/// What a reply said about one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The question's id.
    pub question: String,
    /// How it was dealt with.
    pub status: AnswerStatus,
    /// What the reply said, in a line.
    pub summary: Option<String>,
    /// For a redirected question: the body it was sent to.
    pub redirected_to: Option<String>,
    /// The flow the answer is about: the question's, or the one named for the general list.
    pub flow: Option<String>,
    /// Facts the answer establishes about the question's flow: (fact, value, where written).
    #[serde(skip)]
    pub establishes: Vec<(Fact, Value, Span)>,
    /// Where it is in the record.
    #[serde(skip)]
    pub span: Span,
}

/// A reply the practice received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    /// Its date.
    pub date: Date,
    /// Who sent it.
    pub from: String,
    /// The reference of the letter it answers.
    pub answers_letter: String,
    /// Set when the reply is a known standard text.
    pub stock: Option<StockReply>,
    /// Each question it dealt with.
    pub answers: Vec<Answer>,
    /// Where it is in the record.
    #[serde(skip)]
    pub span: Span,
}

/// One entry: a letter sent or a reply received.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Entry {
    /// A letter sent.
    Letter(Sent),
    /// A reply received.
    Reply(Reply),
}

/// A practice's correspondence record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The practice's ODS code.
    pub practice: String,
    /// Letters and replies, in file order.
    pub entries: Vec<Entry>,
    /// The file's name, for messages.
    #[serde(skip)]
    pub file: String,
    /// Where the practice's code is written.
    #[serde(skip)]
    pub practice_span: Span,
}

/// Where a question stands after every reply in the record.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionState<'r> {
    /// The question as first asked.
    pub asked: &'r Asked,
    /// The letter that first asked it.
    pub letter: &'r Sent,
    /// The latest answer to it, and the reply it came in.
    pub answer: Option<(&'r Answer, &'r Reply)>,
}

impl QuestionState<'_> {
    /// How it was last dealt with (`not-answered` when no reply has dealt with it).
    pub fn status(&self) -> AnswerStatus {
        self.answer
            .map_or(AnswerStatus::NotAnswered, |(a, _)| a.status)
    }

    /// True when it still needs an answer: not answered, partly answered or declined.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status(),
            AnswerStatus::NotAnswered | AnswerStatus::PartlyAnswered | AnswerStatus::Declined
        )
    }
}

impl Record {
    /// An empty record for a practice.
    pub fn new(practice: &str) -> Record {
        Record {
            practice: practice.to_string(),
            entries: Vec::new(),
            file: String::new(),
            practice_span: Span::default(),
        }
    }

    /// Every letter sent, in file order.
    pub fn letters(&self) -> impl Iterator<Item = &Sent> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Letter(l) => Some(l),
            Entry::Reply(_) => None,
        })
    }

    /// Every reply received, in file order.
    pub fn replies(&self) -> impl Iterator<Item = &Reply> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Reply(r) => Some(r),
            Entry::Letter(_) => None,
        })
    }

    /// The letters to the ICB (enquiries and follow-ups), in file order.
    pub fn icb_letters(&self) -> impl Iterator<Item = &Sent> {
        self.letters()
            .filter(|l| matches!(l.kind, SentKind::Enquiry | SentKind::FollowUp))
    }

    /// The letter with this reference.
    pub fn letter(&self, reference: &str) -> Option<&Sent> {
        self.letters().find(|l| l.reference == reference)
    }

    /// The replies to the letter with this reference, in file order.
    pub fn replies_to<'a>(&'a self, reference: &'a str) -> impl Iterator<Item = &'a Reply> {
        self.replies()
            .filter(move |r| r.answers_letter == reference)
    }

    /// Every question the ICB letters asked, once each (as first asked), with where it stands:
    /// the latest answer in any reply, by reply date then file order.
    pub fn questions(&self) -> Vec<QuestionState<'_>> {
        let mut states: Vec<QuestionState> = Vec::new();
        for letter in self.icb_letters() {
            for asked in &letter.asked {
                if !states.iter().any(|s| s.asked.id == asked.id) {
                    states.push(QuestionState {
                        asked,
                        letter,
                        answer: None,
                    });
                }
            }
        }
        let mut replies: Vec<&Reply> = self.replies().collect();
        replies.sort_by_key(|r| r.date);
        for reply in replies {
            for answer in &reply.answers {
                if let Some(state) = states.iter_mut().find(|s| s.asked.id == answer.question) {
                    state.answer = Some((answer, reply));
                }
            }
        }
        states
    }

    /// The replies that are a known standard text.
    pub fn stock_replies(&self) -> impl Iterator<Item = (&Reply, StockReply)> {
        self.replies().filter_map(|r| r.stock.map(|s| (r, s)))
    }
}
