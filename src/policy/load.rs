//! Reading a policy file, validated like a register: codes, positions and suggestions.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::english;
use crate::reader::{self, FileDiagnostics};
use crate::register::FactDef;
use crate::source::SourceFile;
use crate::suggest;
use crate::yaml::{Node, Value};

use super::eval::PLACEHOLDERS;
use super::fields::{self, Operand};
use super::model::*;
use super::safety;

const TOP: &[&str] = &["policy", "title", "version", "rules"];
const RULE: &[&str] = &[
    "id",
    "title",
    "when",
    "action",
    "rationale",
    "cites",
    "ask",
    "in_force",
];
const COMBINATORS: [&str; 3] = ["all", "any", "not"];

/// Parses and validates a policy; `None` when it has errors. Warnings are returned either way.
pub fn load(file: Arc<SourceFile>) -> (Option<Policy>, Vec<Diagnostic>) {
    reader::load_file(file, read, |ctx, policy| {
        safety::warn_unsafe_rules(ctx, policy)
    })
}

fn read(ctx: &mut FileDiagnostics, root: &Node) -> Option<Policy> {
    let mut top = ctx.map(root, "policy file", TOP)?;
    let id = top
        .require_text(
            ctx,
            "policy",
            "policy",
            "start the file with `policy: my-lmc-2026` (the policy's id)",
        )
        .map(|(id, _)| id);
    let title = top
        .get("title")
        .and_then(|n| ctx.text(n, "title"))
        .unwrap_or_default();
    let version = top
        .get("version")
        .and_then(|n| ctx.text(n, "version"))
        .unwrap_or_default();
    let rules = match top.require(ctx, "rules", "add a `rules:` list") {
        Some(node) => read_rules(ctx, node),
        None => Vec::new(),
    };
    top.finish(ctx);
    let id = id?;
    Some(Policy {
        title: if title.is_empty() { id.clone() } else { title },
        id,
        version,
        rules,
        source: ctx.file.name.clone(),
    })
}

fn read_rules(ctx: &mut FileDiagnostics, node: &Node) -> Vec<Rule> {
    let Value::Seq(items) = &node.value else {
        ctx.report(
            Code::WrongType,
            node.span,
            format!("`rules` should be a list, but it is {}", node.value.kind()),
            Some("write each rule as a list item starting with `- id: …`".into()),
        );
        return Vec::new();
    };
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut rules = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(rule) = read_rule(ctx, item, i) else {
            continue;
        };
        if let Some(line) = seen.get(&rule.id) {
            ctx.report(
                Code::DuplicateRuleId,
                rule.span,
                format!(
                    "rule id `{}` is already used by the rule at line {line}",
                    rule.id
                ),
                Some("give each rule its own id".into()),
            );
        } else {
            seen.insert(rule.id.clone(), rule.span.line);
        }
        rules.push(rule);
    }
    rules
}

fn read_rule(ctx: &mut FileDiagnostics, node: &Node, index: usize) -> Option<Rule> {
    let label = format!("rules[{}]", index + 1);
    let mut map = ctx.map(node, &label, RULE)?;
    let id = map.require_text(
        ctx,
        "id",
        &format!("{label}.id"),
        "give the rule a short id, e.g. `withdraw-voluntary-secondary`",
    );
    let span = id.as_ref().map_or(map.span, |(_, span)| *span);
    let title = map.require_text(
        ctx,
        "title",
        &format!("{label}.title"),
        "give the rule a title a practice manager will understand",
    );
    let when = map
        .require(
            ctx,
            "when",
            "add `when:` with the facts the rule matches, e.g. `{purpose: secondary}`",
        )
        .and_then(|n| condition(ctx, n));
    let action = map
        .require(
            ctx,
            "action",
            "add `action:` (switch-off, withdraw, freeze, query or retain)",
        )
        .and_then(|n| ctx.choice::<Action>(n, &format!("{label}.action")));
    let rationale = map.require_text(
        ctx,
        "rationale",
        &format!("{label}.rationale"),
        "say why in a sentence; explanations and letters quote it",
    );
    if let Some(node) = map.get("rationale") {
        check_placeholders(ctx, node);
    }
    let cites = map
        .get("cites")
        .and_then(|n| ctx.text(n, &format!("{label}.cites")));
    let ask = map
        .get("ask")
        .map(|n| {
            check_placeholders(ctx, n);
            ctx.text_list(n, &format!("{label}.ask"))
        })
        .unwrap_or_default();
    let in_force = map
        .get("in_force")
        .and_then(|n| read_in_force(ctx, n, &label));
    map.finish(ctx);
    Some(Rule {
        id: id?.0,
        title: title?.0,
        when: when?,
        action: action?,
        rationale: rationale?.0,
        cites,
        ask,
        in_force: in_force.unwrap_or_default(),
        span,
    })
}

/// `in_force: {from: DATE, until: DATE}`: the days a rule applies (either end may be left out).
fn read_in_force(ctx: &mut FileDiagnostics, node: &Node, label: &str) -> Option<InForce> {
    let mut map = ctx.map(node, &format!("{label}.in_force"), &["from", "until"])?;
    let from = map
        .get("from")
        .and_then(|n| ctx.date(n, &format!("{label}.in_force.from")));
    let until_node = map.get("until");
    let until = until_node.and_then(|n| ctx.date(n, &format!("{label}.in_force.until")));
    map.finish(ctx);
    if let (Some(f), Some(u), Some(n)) = (from, until, until_node)
        && u < f
    {
        ctx.report(
            Code::InvalidDate,
            n.span,
            format!("`{label}.in_force`: the rule would end ({u}) before it starts ({f})"),
            Some("check the two dates".into()),
        );
        return None;
    }
    Some(InForce { from, until })
}

/// Reports every `{word}` in a rule's text (or list of texts) that is not a placeholder gpdata
/// fills, so a misspelt one cannot reach a letter as written.
fn check_placeholders(ctx: &mut FileDiagnostics, node: &Node) {
    let texts: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    for item in texts {
        let Value::Str(text) = &item.value else {
            continue;
        };
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let name = &after[..close];
            if !PLACEHOLDERS.contains(&name) {
                let help = match suggest::closest(name, PLACEHOLDERS.iter().copied()) {
                    Some(best) => format!("did you mean `{{{best}}}`?"),
                    None => format!(
                        "the placeholders are {}",
                        english::and_list(
                            &PLACEHOLDERS
                                .iter()
                                .map(|p| format!("`{{{p}}}`"))
                                .collect::<Vec<_>>()
                        )
                    ),
                };
                ctx.report(
                    Code::InvalidValue,
                    item.span,
                    format!("`{{{name}}}` is not a placeholder gpdata fills in"),
                    Some(help),
                );
            }
            rest = &after[close + 1..];
        }
    }
}

/// Reads a condition mapping: each key is a field path or `all`/`any`/`not`; several keys all
/// have to hold.
fn condition(ctx: &mut FileDiagnostics, node: &Node) -> Option<Condition> {
    let Value::Map(entries) = &node.value else {
        ctx.report(
            Code::WrongType,
            node.span,
            format!(
                "a condition should be a mapping of field: value, but it is {}",
                node.value.kind()
            ),
            Some("e.g. `when: {purpose: secondary, obligation: voluntary}`".into()),
        );
        return None;
    };
    if entries.is_empty() {
        ctx.report(
            Code::MissingField,
            node.span,
            "the condition is empty".into(),
            Some("name at least one fact, e.g. `{purpose: secondary}`".into()),
        );
        return None;
    }
    let mut parts = Vec::new();
    let mut ok = true;
    for (key, value) in entries {
        let Value::Str(name) = &key.value else {
            ctx.report(
                Code::WrongType,
                key.span,
                "a condition key should be a field path".into(),
                None,
            );
            ok = false;
            continue;
        };
        let part = match name.as_str() {
            "all" | "any" => list_of_conditions(ctx, value, name).map(|c| {
                if name == "all" {
                    Condition::All(c)
                } else {
                    Condition::Any(c)
                }
            }),
            "not" => condition(ctx, value).map(|c| Condition::Not(Box::new(c))),
            path => match fields::field(path) {
                Some(field) => test(ctx, field, value).map(|test| Condition::Test {
                    fact: field.fact,
                    test,
                }),
                None => {
                    let candidates = fields::paths().chain(COMBINATORS);
                    let help = suggest::did_you_mean(path, candidates).unwrap_or_else(|| {
                        "see `gpdata policy show` or the README for the fields a rule can test"
                            .into()
                    });
                    ctx.report(
                        Code::UnknownFieldPath,
                        key.span,
                        format!("`{path}` is not a register field a rule can test"),
                        Some(help),
                    );
                    None
                }
            },
        };
        match part {
            Some(p) => parts.push(p),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    Some(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Condition::All(parts)
    })
}

fn list_of_conditions(
    ctx: &mut FileDiagnostics,
    node: &Node,
    name: &str,
) -> Option<Vec<Condition>> {
    let Value::Seq(items) = &node.value else {
        ctx.report(
            Code::WrongType,
            node.span,
            format!(
                "`{name}` should be a list of conditions, but it is {}",
                node.value.kind()
            ),
            Some(format!(
                "write `{name}:` followed by items starting with `- `"
            )),
        );
        return None;
    };
    let parts: Vec<Option<Condition>> = items.iter().map(|i| condition(ctx, i)).collect();
    parts.into_iter().collect()
}

fn test(ctx: &mut FileDiagnostics, field: &'static FactDef, node: &Node) -> Option<Test> {
    let operand = Operand::of(field);
    match (operand, &node.value) {
        (Operand::Words(words), Value::Map(entries))
            if entries.len() == 1 && is_key(&entries[0].0, "not") =>
        {
            words_list(ctx, field, words, &entries[0].1).map(Test::NoneOf)
        }
        (Operand::Words(words), Value::Str(_) | Value::Seq(_)) => {
            words_list(ctx, field, words, node).map(Test::OneOf)
        }
        (Operand::Bool, Value::Bool(b)) => Some(Test::Is(*b)),
        (Operand::Date | Operand::Text, Value::Map(entries)) if entries.len() == 1 => {
            let (op, arg) = (&entries[0].0, &entries[0].1);
            let op_name = match &op.value {
                Value::Str(s) => s.as_str(),
                _ => "",
            };
            match (operand, op_name) {
                (_, "present") => match arg.value {
                    Value::Bool(b) => Some(Test::Present(b)),
                    _ => bad_operand(ctx, arg, "`present` takes true or false"),
                },
                (Operand::Date, "before") => date_ref(ctx, arg).map(Test::Before),
                (Operand::Date, "on-or-after") => date_ref(ctx, arg).map(Test::OnOrAfter),
                (Operand::Text, "contains") => {
                    let words = ctx.text_list(arg, "contains");
                    if words.is_empty() {
                        bad_operand(ctx, arg, "`contains` takes text or a list of texts")
                    } else {
                        Some(Test::Contains(
                            words.into_iter().map(|w| w.to_lowercase()).collect(),
                        ))
                    }
                }
                _ => bad_operator(ctx, op, field, op_name),
            }
        }
        _ => bad_operator(ctx, node, field, ""),
    }
}

fn is_key(node: &Node, name: &str) -> bool {
    matches!(&node.value, Value::Str(s) if s == name)
}

fn bad_operator(
    ctx: &mut FileDiagnostics,
    node: &Node,
    field: &FactDef,
    name: &str,
) -> Option<Test> {
    let what = if name.is_empty() {
        "this test".to_string()
    } else {
        format!("`{name}`")
    };
    ctx.report(
        Code::InvalidOperator,
        node.span,
        format!("{what} does not fit the field `{}`", field.path),
        Some(format!(
            "`{}` takes {}",
            field.path,
            Operand::of(field).usage()
        )),
    );
    None
}

fn bad_operand(ctx: &mut FileDiagnostics, node: &Node, help: &str) -> Option<Test> {
    ctx.report(
        Code::InvalidOperator,
        node.span,
        "this operator's value does not fit".into(),
        Some(help.into()),
    );
    None
}

fn words_list(
    ctx: &mut FileDiagnostics,
    field: &FactDef,
    allowed: &'static [&'static str],
    node: &Node,
) -> Option<Vec<&'static str>> {
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let word = match &item.value {
            Value::Str(s) => s.as_str(),
            _ => {
                ctx.report(
                    Code::WrongType,
                    item.span,
                    format!("values of `{}` are words", field.path),
                    None,
                );
                ok = false;
                continue;
            }
        };
        match allowed.iter().find(|w| **w == word) {
            Some(w) => out.push(*w),
            None => {
                let help =
                    suggest::did_you_mean(word, allowed.iter().copied()).unwrap_or_else(|| {
                        format!("`{}` takes {}", field.path, english::or_list(allowed))
                    });
                ctx.report(
                    Code::InvalidValue,
                    item.span,
                    format!("`{word}` is not a value of `{}`", field.path),
                    Some(help),
                );
                ok = false;
            }
        }
    }
    if out.is_empty() && ok {
        ctx.report(
            Code::MissingField,
            node.span,
            "the list of values is empty".into(),
            None,
        );
        return None;
    }
    ok.then_some(out)
}

fn date_ref(ctx: &mut FileDiagnostics, node: &Node) -> Option<DateRef> {
    let text = match &node.value {
        Value::Str(s) => s.trim().to_string(),
        _ => String::new(),
    };
    if let Some(rest) = text.strip_prefix("today") {
        let rest = rest.trim();
        if rest.is_empty() {
            return Some(DateRef::Today(0));
        }
        let days = rest
            .strip_suffix('d')
            .unwrap_or(rest)
            .replace(' ', "")
            .parse::<i32>()
            .ok()
            .filter(|d| d.abs() <= 3660);
        if let Some(days) = days {
            return Some(DateRef::Today(days));
        }
    } else if let Ok(date) = crate::dates::parse(&text) {
        return Some(DateRef::Fixed(date));
    }
    ctx.report(
        Code::InvalidDate,
        node.span,
        format!(
            "`{}` is not a date or `today`",
            if text.is_empty() {
                node.value.kind().to_string()
            } else {
                text
            }
        ),
        Some("write `today`, `today+28`, `today-90` or a date such as 2026-04-01".into()),
    );
    None
}
