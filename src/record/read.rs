//! Reading a correspondence record with the same diagnostics as a register: every mistake with
//! its line and column, what is wrong and how to fix it.

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::english;
use crate::reader::{self, FileDiagnostics, MapReader};
use crate::register::facts::{self, FACTS};
use crate::register::read_fact;
use crate::source::SourceFile;
use crate::suggest;
use crate::yaml::{Node, Value};

use super::*;

const TOP: &[&str] = &["record", "practice", "entries"];
const LETTER: &[&str] = &[
    "letter",
    "date",
    "reference",
    "to",
    "reply_by",
    "flows",
    "asked",
];
const REPLY: &[&str] = &["reply", "from", "replying_to", "stock", "answers"];
const ASKED: &[&str] = &["id", "text"];
const ANSWER: &[&str] = &[
    "question",
    "status",
    "summary",
    "redirected_to",
    "flow",
    "establishes",
];

/// Reads a record file; `None` when it has errors. Every diagnostic is returned either way.
pub fn read(file: Arc<SourceFile>) -> (Option<Record>, Vec<Diagnostic>) {
    reader::load_file(file, read_record, |ctx, record| cross_check(ctx, record))
}

fn read_record(ctx: &mut FileDiagnostics, root: &Node) -> Option<Record> {
    let mut top = ctx.map(root, "", TOP)?;
    if let Some(node) = top.require(ctx, "record", "start the file with `record: 1`") {
        match &node.value {
            Value::Int(1) => {}
            _ => ctx.report(
                Code::UnsupportedVersion,
                node.span,
                format!(
                    "this gpdata reads record format {FORMAT}, not `{}`",
                    ctx.file.text[node.span.offset..node.span.offset + node.span.len].trim()
                ),
                Some("write `record: 1`".into()),
            ),
        }
    }
    let practice = top.require_text(
        ctx,
        "practice",
        "practice",
        "name the practice by its ODS code: `practice: B82005`",
    );
    let mut entries = Vec::new();
    if let Some(node) = top.get("entries") {
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(entry) = read_entry(ctx, item, i + 1) {
                        entries.push(entry);
                    }
                }
            }
            _ => ctx.wrong_type(
                node,
                "entries",
                "a list",
                Some("list each letter and reply with `- `".into()),
            ),
        }
    }
    top.finish(ctx);
    let (practice, practice_span) = practice?;
    Some(Record {
        practice,
        entries,
        file: ctx.file.name.clone(),
        practice_span,
    })
}

fn read_entry(ctx: &mut FileDiagnostics, node: &Node, n: usize) -> Option<Entry> {
    let Value::Map(pairs) = &node.value else {
        ctx.wrong_type(
            node,
            &format!("entry {n}"),
            "a mapping (key: value pairs)",
            None,
        );
        return None;
    };
    let has = |key: &str| pairs.iter().any(|(k, _)| k.value == Value::Str(key.into()));
    match (has("letter"), has("reply")) {
        (true, false) => read_letter(ctx, node, n).map(Entry::Letter),
        (false, true) => read_reply(ctx, node, n).map(Entry::Reply),
        (both, _) => {
            ctx.report(
                Code::MissingField,
                node.span,
                if both {
                    format!("entry {n} is both a `letter:` and a `reply:`")
                } else {
                    format!("entry {n} is neither a `letter:` nor a `reply:`")
                },
                Some(
                    "start a letter with `letter: enquiry` (or follow-up, notice) and a reply with `reply: DATE`"
                        .into(),
                ),
            );
            None
        }
    }
}

fn read_letter(ctx: &mut FileDiagnostics, node: &Node, n: usize) -> Option<Sent> {
    let label = format!("entry {n}");
    let mut map = ctx.map(node, &label, LETTER)?;
    let kind = map
        .get("letter")
        .and_then(|k| ctx.choice::<SentKind>(k, &format!("{label}.letter")));
    let reference = map
        .require_text(
            ctx,
            "reference",
            &format!("{label}.reference"),
            "give the letter's reference, e.g. B82005/DSA/1",
        )
        .map(|(r, _)| r);
    if let Some(reference) = &reference {
        map.name_as(format!("letter `{reference}`"));
    }
    let name = reference.clone().unwrap_or(label);
    let date = map
        .require(
            ctx,
            "date",
            "give the date the letter was sent, e.g. 2026-05-14",
        )
        .and_then(|d| ctx.date(d, &format!("{name}.date")));
    let to = map
        .require_text(
            ctx,
            "to",
            &format!("{name}.to"),
            "name whom the letter went to",
        )
        .map(|(t, _)| t);
    let reply_by = map
        .get("reply_by")
        .and_then(|d| ctx.date(d, &format!("{name}.reply_by")));
    let flows = map
        .get("flows")
        .map(|f| ctx.text_list(f, &format!("{name}.flows")))
        .unwrap_or_default();
    let mut asked = Vec::new();
    if let Some(list) = map.get("asked") {
        match &list.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let field = format!("{name}.asked[{}]", i + 1);
                    let Some(mut q) = ctx.map(item, &field, ASKED) else {
                        continue;
                    };
                    let id = q.require_text(
                        ctx,
                        "id",
                        &format!("{field}.id"),
                        "give the question's id, e.g. icb-phm/query-legal-basis-unknown",
                    );
                    let text = q.require_text(
                        ctx,
                        "text",
                        &format!("{field}.text"),
                        "give the question as the letter put it",
                    );
                    q.finish(ctx);
                    if let (Some((id, _)), Some((text, _))) = (id, text) {
                        asked.push(Asked { id, text });
                    }
                }
            }
            _ => ctx.wrong_type(list, &format!("{name}.asked"), "a list", None),
        }
    }
    map.finish(ctx);
    Some(Sent {
        kind: kind?,
        date: date?,
        reference: reference?,
        to: to?,
        reply_by,
        flows,
        asked,
        span: node.span,
    })
}

fn read_reply(ctx: &mut FileDiagnostics, node: &Node, n: usize) -> Option<Reply> {
    let label = format!("entry {n}");
    let mut map = ctx.map(node, &label, REPLY)?;
    let date = map
        .get("reply")
        .and_then(|d| ctx.date(d, &format!("{label}.reply")));
    if let Some(date) = date {
        map.name_as(format!("the reply of {date}"));
    }
    let name = date.map_or(label, |d| format!("reply {d}"));
    let from = map
        .require_text(
            ctx,
            "from",
            &format!("{name}.from"),
            "name who sent the reply, e.g. NHS Humber and North Yorkshire ICB",
        )
        .map(|(f, _)| f);
    let replying_to = map
        .require_text(
            ctx,
            "replying_to",
            &format!("{name}.replying_to"),
            "give the reference of the letter it answers, e.g. B82005/DSA/1",
        )
        .map(|(r, _)| r);
    let stock = map
        .get("stock")
        .and_then(|s| ctx.choice::<StockReply>(s, &format!("{name}.stock")));
    let mut answers = Vec::new();
    if let Some(list) = map.get("answers") {
        match &list.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(a) = read_answer(ctx, item, &format!("{name}.answers[{}]", i + 1)) {
                        answers.push(a);
                    }
                }
            }
            _ => ctx.wrong_type(list, &format!("{name}.answers"), "a list", None),
        }
    }
    map.finish(ctx);
    Some(Reply {
        date: date?,
        from: from?,
        answers_letter: replying_to?,
        stock,
        answers,
        span: node.span,
    })
}

fn read_answer(ctx: &mut FileDiagnostics, node: &Node, field: &str) -> Option<Answer> {
    let mut map: MapReader = ctx.map(node, field, ANSWER)?;
    let question = map
        .require_text(
            ctx,
            "question",
            &format!("{field}.question"),
            "give the id of the question answered, e.g. icb-phm/query-legal-basis-unknown",
        )
        .map(|(q, _)| q);
    if let Some(q) = &question {
        map.name_as(format!("the answer to `{q}`"));
    }
    let status = map
        .require(ctx, "status", "say how it was answered: answered, partly-answered, declined, redirected or not-answered")
        .and_then(|s| ctx.choice::<AnswerStatus>(s, &format!("{field}.status")));
    let summary = map
        .get("summary")
        .and_then(|s| ctx.text(s, &format!("{field}.summary")));
    let redirected_to = map
        .get("redirected_to")
        .and_then(|s| ctx.text(s, &format!("{field}.redirected_to")));
    let flow = map
        .get("flow")
        .and_then(|s| ctx.text(s, &format!("{field}.flow")));
    let mut establishes = Vec::new();
    if let Some(facts_node) = map.get("establishes") {
        match &facts_node.value {
            Value::Map(pairs) => {
                for (key, value) in pairs {
                    let Value::Str(path) = &key.value else {
                        ctx.wrong_type(key, &format!("{field}.establishes"), "a fact's path", None);
                        continue;
                    };
                    match facts::by_path(path).filter(|d| d.is_written() && d.set.is_some()) {
                        Some(def) => {
                            if let Some(v) =
                                read_fact(ctx, value, def, &format!("{field}.establishes.{path}"))
                            {
                                establishes.push((def.fact, v, value.span));
                            }
                        }
                        None => {
                            let paths = FACTS.iter().filter(|d| d.is_written()).map(|d| d.path);
                            let help = suggest::did_you_mean(path, paths).unwrap_or_else(|| {
                                "use a fact's path as `gpdata facts` lists it, e.g. `legal_basis.article_6`".into()
                            });
                            ctx.report(
                                Code::UnknownKey,
                                key.span,
                                format!("`{path}` is not a fact a register records"),
                                Some(help),
                            );
                        }
                    }
                }
            }
            Value::Null => {}
            _ => ctx.wrong_type(
                facts_node,
                &format!("{field}.establishes"),
                "a mapping of facts (`legal_basis.article_6: public-task`)",
                None,
            ),
        }
    }
    map.finish(ctx);
    let question = question?;
    // An answer to the general list question says which flow a fact is about with `flow:`.
    if !establishes.is_empty() && flow.is_none() && !question.contains('/') {
        ctx.report(
            Code::MissingField,
            node.span,
            format!("the answer to `{question}` establishes facts but does not say which flow they are about"),
            Some("add `flow: ID` naming the flow the facts belong to".into()),
        );
        return None;
    }
    let flow = flow.or_else(|| {
        question
            .split('/')
            .next()
            .map(str::to_string)
            .filter(|_| question.contains('/'))
    });
    Some(Answer {
        question,
        status: status?,
        summary,
        redirected_to,
        flow,
        establishes,
        span: node.span,
    })
}

/// Checks across entries: replies answer letters in the record, questions were asked, and each
/// reference is used once.
fn cross_check(ctx: &mut FileDiagnostics, record: &Record) {
    let references: Vec<&str> = record.letters().map(|l| l.reference.as_str()).collect();
    for (i, letter) in record.letters().enumerate() {
        if references[..i].contains(&letter.reference.as_str()) {
            ctx.report(
                Code::DuplicateReference,
                letter.span,
                format!(
                    "two letters in the record have the reference `{}`",
                    letter.reference
                ),
                Some(
                    "give each letter its own reference (gpdata numbers them ODS/DSA/1, /2, …)"
                        .into(),
                ),
            );
        }
    }
    let asked: Vec<&str> = record
        .letters()
        .flat_map(|l| l.asked.iter().map(|a| a.id.as_str()))
        .collect();
    for reply in record.replies() {
        match record.letter(&reply.answers_letter) {
            None => {
                let help = match suggest::closest(&reply.answers_letter, references.iter().copied())
                {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if references.is_empty() => {
                        "record the letter first (gpdata adds each letter it writes)".into()
                    }
                    None => format!(
                        "the record's letters are {}",
                        english::and_list(&references)
                    ),
                };
                ctx.report(
                    Code::UnknownLetter,
                    reply.span,
                    format!(
                        "the reply of {} answers `{}`, which no letter in the record has",
                        reply.date, reply.answers_letter
                    ),
                    Some(help),
                );
            }
            Some(letter) if reply.date < letter.date => ctx.report(
                Code::UnknownLetter,
                reply.span,
                format!(
                    "the reply of {} is dated before the letter it answers ({}, {})",
                    reply.date, letter.reference, letter.date
                ),
                Some("check the two dates".into()),
            ),
            Some(_) => {}
        }
        for answer in &reply.answers {
            if !asked.contains(&answer.question.as_str()) {
                let help = suggest::did_you_mean(&answer.question, asked.iter().copied())
                    .unwrap_or_else(|| "use an id from a letter's `asked:` list".into());
                ctx.report(
                    Code::UnknownQuestion,
                    answer.span,
                    format!(
                        "the reply of {} answers `{}`, which no letter in the record asked",
                        reply.date, answer.question
                    ),
                    Some(help),
                );
            }
        }
    }
}
