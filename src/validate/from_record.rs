//! Facts a reply establishes: recorded in the practice's correspondence record (`establishes:`
//! under an answer), they fill what neither the register nor the catalogue states, and `explain`
//! shows the reply they came from. Where the register says otherwise, the register stands and
//! the record is warned about.

use crate::diag::Code;
use crate::reader::FileDiagnostics;
use crate::record::Record;
use crate::register::{FromRecord, Register, set_fact};

/// Applies `record` to `register`, reporting to `ctx` (the record's file).
pub fn apply(ctx: &mut FileDiagnostics, register: &mut Register, record: &Record) {
    if record.practice != register.practice.ods_code {
        ctx.report(
            Code::RecordMismatch,
            record.practice_span,
            format!(
                "this record is for practice {}, but its register is for {}",
                record.practice, register.practice.ods_code
            ),
            Some("a register's record has its name with `.record.yaml`; check the two files belong together".into()),
        );
        return;
    }
    let mut replies: Vec<_> = record.replies().collect();
    // Later replies win: an ICB may correct what it said.
    replies.sort_by_key(|r| r.date);
    for reply in replies {
        for answer in &reply.answers {
            let Some(flow_id) = &answer.flow else {
                continue;
            };
            if answer.establishes.is_empty() {
                continue;
            }
            let Some(flow) = register.flows.iter_mut().find(|f| &f.id == flow_id) else {
                ctx.report(
                    Code::UnknownQuestion,
                    answer.span,
                    format!("the reply of {} establishes facts about flow `{flow_id}`, which the register does not have", reply.date),
                    Some("check the flow's id, or remove `establishes:` if the flow has gone".into()),
                );
                continue;
            };
            for (fact, value, span) in &answer.establishes {
                let def = fact.def();
                let current = flow.get(*fact);
                let from_record = flow.derived.from_record.iter().any(|r| r.fact == *fact);
                if current.is_unknown() || from_record {
                    set_fact(flow, def, value.clone());
                    flow.derived.from_record.retain(|r| r.fact != *fact);
                    flow.derived.from_record.push(FromRecord {
                        fact: *fact,
                        date: reply.date,
                        file: record.file.clone(),
                        span: *span,
                    });
                } else if current != *value {
                    let source = if flow.derived.inherited.contains(fact) {
                        "the catalogue"
                    } else {
                        "the register"
                    };
                    ctx.report(
                        Code::DiffersFromRecord,
                        *span,
                        format!(
                            "the reply of {} says flow `{}` has `{}` `{}`, but {source} says `{}`",
                            reply.date,
                            flow.id,
                            def.path,
                            value.display(),
                            current.display()
                        ),
                        Some(format!("{source} stands; if the reply is right, change the register, otherwise remove `{}` from `establishes:`", def.path)),
                    );
                }
            }
        }
    }
}
