//! Integrated Care Boards as data: every ICB with its ODS code, the days it existed, and where an
//! abolished ICB's practices and agreements went. A new wave of mergers is a data change.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::diag::Code;
use crate::ods;
use crate::reader::FileDiagnostics;
use crate::yaml::{Node, Value};

use super::entry::Source;

/// One ICB.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Icb {
    /// ODS code: 3 characters (July 2022 ICBs) or 5 (April 2026 onwards).
    pub code: String,
    /// Full name, "NHS … Integrated Care Board".
    pub name: String,
    /// ONS code, when a source gives it.
    pub ons: Option<String>,
    /// The first day it existed.
    pub from: Date,
    /// The last day it existed, for an abolished ICB.
    pub to: Option<Date>,
    /// Where an abolished ICB's practices went.
    pub successors: Vec<Successor>,
    /// What is uncertain about the entry.
    pub disputed: Vec<String>,
    /// The sources behind it.
    pub sources: Vec<Source>,
}

/// An ICB that took over all or part of an abolished one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Successor {
    /// Its ODS code.
    pub code: String,
    /// `all`, or the area that went to it.
    pub area: String,
}

impl Icb {
    /// True when the ICB no longer existed on `day`.
    pub fn abolished_by(&self, day: Date) -> bool {
        self.to.is_some_and(|to| day > to)
    }

    /// The day after its last day: when it was abolished.
    pub fn abolished_on(&self) -> Option<Date> {
        self.to.and_then(|to| to.tomorrow().ok())
    }
}

/// Every ICB gpdata knows, in file order.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Icbs {
    /// The ICBs.
    pub all: Vec<Icb>,
    /// What the data says it does not know (e.g. a merger wave not yet confirmed).
    pub notes: Option<String>,
}

impl Icbs {
    /// The ICB with this code.
    pub fn get(&self, code: &str) -> Option<&Icb> {
        self.all.iter().find(|i| i.code == code)
    }

    /// The ICB with this code if it was abolished by `day`.
    pub fn abolished(&self, code: &str, day: Date) -> Option<&Icb> {
        self.get(code).filter(|i| i.abolished_by(day))
    }

    /// The successors of an abolished ICB in words: "NHS Central East Integrated Care Board
    /// (S1Y5D)", or each area with its successor.
    pub fn successors_in_words(&self, icb: &Icb) -> String {
        let named = |code: &str| match self.get(code) {
            Some(s) => format!("{} ({code})", s.name),
            None => code.to_string(),
        };
        match icb.successors.as_slice() {
            [one] if one.area == "all" => named(&one.code),
            many => {
                let parts: Vec<String> = many
                    .iter()
                    .map(|s| format!("{} for {}", named(&s.code), s.area))
                    .collect();
                crate::english::and_list(&parts)
            }
        }
    }

    /// Adds `other`'s ICBs; an ICB with a code already known replaces it (an LMC updating an
    /// ICB for a merger wave this gpdata does not know yet).
    pub fn extend(&mut self, other: Icbs) {
        for icb in other.all {
            match self.all.iter_mut().find(|i| i.code == icb.code) {
                Some(known) => *known = icb,
                None => self.all.push(icb),
            }
        }
        if other.notes.is_some() {
            self.notes = other.notes;
        }
    }
}

/// Reads an ICB file (`icbs: 1`), reporting every problem.
pub fn read(ctx: &mut FileDiagnostics, root: &Node) -> Option<Icbs> {
    let mut top = ctx.map(
        root,
        "ICB file",
        &["icbs", "checked", "notes", "entries", "sources"],
    )?;
    let version = top.require(
        ctx,
        "icbs",
        "start the file with `icbs: 1` (the format version)",
    );
    if let Some(v) = version
        && v.value != Value::Int(1)
    {
        ctx.report(
            Code::UnsupportedVersion,
            v.span,
            "this gpdata reads ICB file format 1 only".into(),
            Some("write `icbs: 1`".into()),
        );
    }
    if let Some(n) = top.get("checked") {
        ctx.date(n, "checked");
    }
    let notes = top.get("notes").and_then(|n| ctx.text(n, "notes"));
    let sources = match top.get("sources") {
        Some(n) => read_sources(ctx, n),
        None => BTreeMap::new(),
    };
    let mut all = Vec::new();
    let entries = top.require(ctx, "entries", "add an `entries:` list of ICBs");
    if let Some(node) = entries {
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(icb) = read_icb(ctx, item, i, &sources) {
                        all.push((icb, item.span));
                    }
                }
            }
            _ => ctx.report(
                Code::WrongType,
                node.span,
                format!(
                    "`entries` should be a list, but it is {}",
                    node.value.kind()
                ),
                None,
            ),
        }
    }
    top.finish(ctx);
    for (i, (icb, span)) in all.iter().enumerate() {
        if all[..i].iter().any(|(other, _)| other.code == icb.code) {
            ctx.report(
                Code::DuplicateEntry,
                *span,
                format!("the ICB `{}` is listed twice", icb.code),
                Some("keep one entry per ICB".into()),
            );
        }
    }
    Some(Icbs {
        all: all.into_iter().map(|(icb, _)| icb).collect(),
        notes,
    })
}

fn read_sources(ctx: &mut FileDiagnostics, node: &Node) -> BTreeMap<String, Source> {
    let mut out = BTreeMap::new();
    let Value::Map(entries) = &node.value else {
        ctx.report(
            Code::WrongType,
            node.span,
            "`sources` should be a mapping of keys to sources".into(),
            Some("e.g. `s1: {title: …, url: …, checked: 2026-12-01}`".into()),
        );
        return out;
    };
    for (key, value) in entries {
        let Value::Str(name) = &key.value else {
            continue;
        };
        let field = format!("sources.{name}");
        let Some(mut map) = ctx.map(value, &field, &["title", "url", "checked"]) else {
            continue;
        };
        let title = map.require_text(
            ctx,
            "title",
            &format!("{field}.title"),
            "say what the page is",
        );
        let url = map.require_text(
            ctx,
            "url",
            &format!("{field}.url"),
            "give the page's address",
        );
        let checked = map
            .require(ctx, "checked", "give the day it was read, YYYY-MM-DD")
            .and_then(|n| ctx.date(n, &format!("{field}.checked")));
        map.finish(ctx);
        if let (Some((title, _)), Some((url, _)), Some(checked)) = (title, url, checked) {
            out.insert(
                name.clone(),
                Source {
                    title,
                    url,
                    checked,
                    supports: Vec::new(),
                },
            );
        }
    }
    out
}

const ICB_KEYS: &[&str] = &[
    "code",
    "name",
    "ons",
    "from",
    "to",
    "successors",
    "disputed",
    "sources",
];

fn read_icb(
    ctx: &mut FileDiagnostics,
    node: &Node,
    index: usize,
    sources: &BTreeMap<String, Source>,
) -> Option<Icb> {
    let label = format!("entries[{}]", index + 1);
    let mut map = ctx.map(node, &label, ICB_KEYS)?;
    let code = map.require_text(
        ctx,
        "code",
        &format!("{label}.code"),
        "give the ICB's ODS code",
    );
    if let Some((code, span)) = &code
        && !ods::is_icb_code(code)
    {
        ctx.report(
            Code::InvalidOdsCode,
            *span,
            format!("`{code}` is not an ICB ODS code"),
            Some(
                "ICB codes have 3 characters starting with Q, or 5 capital letters and digits"
                    .into(),
            ),
        );
    }
    let name = map.require_text(
        ctx,
        "name",
        &format!("{label}.name"),
        "give the ICB's full name",
    );
    let ons = map
        .get("ons")
        .and_then(|n| ctx.text(n, &format!("{label}.ons")));
    let from = map
        .require(
            ctx,
            "from",
            "give the first day the ICB existed, YYYY-MM-DD",
        )
        .and_then(|n| ctx.date(n, &format!("{label}.from")));
    let to = map
        .get("to")
        .and_then(|n| ctx.date(n, &format!("{label}.to")));
    let mut successors = Vec::new();
    if let Some(n) = map.get("successors") {
        if let Value::Seq(items) = &n.value {
            for (i, item) in items.iter().enumerate() {
                let field = format!("{label}.successors[{}]", i + 1);
                if let Some(mut m) = ctx.map(item, &field, &["code", "area"]) {
                    let code = m.require_text(
                        ctx,
                        "code",
                        &format!("{field}.code"),
                        "give the successor's ODS code",
                    );
                    let area = m.require_text(
                        ctx,
                        "area",
                        &format!("{field}.area"),
                        "write `all`, or the area that went to this ICB",
                    );
                    m.finish(ctx);
                    if let (Some((code, _)), Some((area, _))) = (code, area) {
                        successors.push(Successor { code, area });
                    }
                }
            }
        } else {
            ctx.report(
                Code::WrongType,
                n.span,
                format!("`{label}.successors` should be a list"),
                None,
            );
        }
    }
    if to.is_some() && successors.is_empty() {
        ctx.report(
            Code::MissingField,
            map.span,
            format!("`{label}` has a last day but no successors"),
            Some("list where its practices went: `successors: [{code: …, area: all}]`".into()),
        );
    }
    let disputed = map
        .get("disputed")
        .map(|n| ctx.text_list(n, &format!("{label}.disputed")))
        .unwrap_or_default();
    let mut cited = Vec::new();
    if let Some(n) = map.get("sources") {
        for key in ctx.text_list(n, &format!("{label}.sources")) {
            match sources.get(&key) {
                Some(s) => cited.push(s.clone()),
                None => ctx.report(
                    Code::InvalidValue,
                    n.span,
                    format!("`{key}` is not a key of the file's `sources`"),
                    Some("add it to `sources:` at the end of the file, or correct the key".into()),
                ),
            }
        }
    }
    if cited.is_empty() {
        ctx.report(
            Code::MissingField,
            map.span,
            format!("`{label}` names no source"),
            Some("add `sources: [key]` naming sources listed at the end of the file".into()),
        );
    }
    map.finish(ctx);
    Some(Icb {
        code: code?.0,
        name: name?.0,
        ons,
        from: from?,
        to,
        successors,
        disputed,
        sources: cited,
    })
}
