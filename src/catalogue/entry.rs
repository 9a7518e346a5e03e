//! One catalogue entry: the facts of a national or listed flow, as a register would state them,
//! with the notes and public sources that back them.

use std::sync::OnceLock;

use jiff::civil::Date;

use crate::diag::Code;
use crate::reader::{FileDiagnostics, MapReader};
use crate::register::choice::choice;
use crate::register::facts::{FACTS, Fact};
use crate::register::{Blocks, Flow, Layout, read_flow_with};
use crate::suggest;
use crate::yaml::{Node, Value};

choice! {
    /// Whether a flow still runs.
    EntryStatus, "entry status" {
        /// Data flows.
        Live = "live" => "live",
        /// Set up in law but not running (e.g. a collection paused indefinitely).
        Dormant = "dormant" => "dormant (set up but not running)",
        /// No longer a flow from practices.
        Ended = "ended" => "ended",
        /// Not known.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// Which practices have the flow.
    Scope, "scope" {
        /// Every GMS, PMS and APMS practice in England.
        EveryPractice = "every-practice" => "every practice",
        /// Practices that signed up to a service, scheme or study.
        Participating = "participating" => "practices that take part",
        /// Practices in one area (an LMC's local entry).
        Area = "area" => "practices in the area",
        /// Not known.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

/// A public source an entry relies on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// What it is, e.g. "NHS England, GP Connect Update Record FAQs".
    pub title: String,
    /// Its address.
    pub url: String,
    /// The day it was read.
    pub checked: Date,
    /// The entry's keys it backs.
    pub supports: Vec<String>,
}

/// One catalogue entry.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The facts the entry states, read as a flow's (its id is the entry's id).
    pub flow: Flow,
    /// The facts the entry states with a value other than `unknown`: what a flow that refers to
    /// the entry inherits.
    pub stated: Vec<Fact>,
    /// Other names practices use for the flow.
    pub also_known_as: Vec<String>,
    /// Whether it still runs.
    pub status: EntryStatus,
    /// Which practices have it.
    pub applies_to: Scope,
    /// Who controls the data once received, and on what footing.
    pub controller: Option<String>,
    /// How the data moves.
    pub mechanism_detail: Option<String>,
    /// What it is for, in a sentence or two.
    pub purpose_detail: Option<String>,
    /// What data leaves, in a sentence.
    pub data_detail: Option<String>,
    /// When the obligation (or the flow) starts, if known.
    pub from: Option<Date>,
    /// When it ends, if a source gives an end.
    pub until: Option<Date>,
    /// Why the National Data Opt-out does or does not apply.
    pub national_note: Option<String>,
    /// Why the Type 1 opt-out does or does not apply.
    pub type_1_note: Option<String>,
    /// Where an EMIS Web practice sees or controls it.
    pub emis: Option<String>,
    /// Where a SystmOne practice sees or controls it.
    pub systmone: Option<String>,
    /// How a practice leaves it, and any notice period, as the sources give them.
    #[serde(default)]
    pub leaving: Option<String>,
    /// Whom to write to about it.
    pub write_to: Option<String>,
    /// Facts that are uncertain or disputed, and why.
    pub disputed: Vec<String>,
    /// The public sources behind it.
    pub sources: Vec<Source>,
    /// The file it came from, for messages ("catalogue/flows.yaml (built in)").
    pub origin: String,
    /// Each of its names as lower-case words, worked out once for matching flows by name.
    pub name_words: Vec<Vec<String>>,
    /// Its recipient as lower-case words.
    pub recipient_words: Vec<String>,
}

impl Entry {
    /// Its id.
    pub fn id(&self) -> &str {
        &self.flow.id
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.flow.name
    }

    /// True when a statute, the contract, a local scheme or a professional duty requires it.
    pub fn is_binding(&self) -> bool {
        self.flow.obligation.is_binding()
    }

    /// The first source that backs `key` (a fact path or entry key), or else the first source.
    pub fn source_for(&self, key: &str) -> Option<&Source> {
        self.sources
            .iter()
            .find(|s| s.supports.iter().any(|k| k == key))
            .or_else(|| self.sources.first())
    }

    /// Every name the entry answers to: its name and its other names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name()).chain(self.also_known_as.iter().map(String::as_str))
    }
}

/// Keys of an entry beyond a flow's facts.
const EXTRA: &[&str] = &[
    "also_known_as",
    "status",
    "applies_to",
    "controller",
    "mechanism_detail",
    "purpose_detail",
    "data_detail",
    "in_force",
    "manage",
    "write_to",
    "disputed",
    "sources",
];

/// Keys of an entry's blocks beyond a flow's facts.
const EXTRA_IN: &[(&str, &str)] = &[("opt_outs", "national_note"), ("opt_outs", "type_1_note")];

/// Flow facts an entry does not state: they belong to one practice's arrangement.
const PRACTICE_ONLY: &[Fact] = &[
    Fact::Catalogue,
    Fact::Stage,
    Fact::AgreementReference,
    Fact::AgreementSigned,
    Fact::AgreementExpires,
    Fact::Counterparty,
    Fact::Dpia,
    Fact::Dspt,
    Fact::Retention,
    Fact::Notes,
];

fn layout() -> &'static Layout {
    static LAYOUT: OnceLock<Layout> = OnceLock::new();
    LAYOUT.get_or_init(|| Layout::new(PRACTICE_ONLY, EXTRA, EXTRA_IN))
}

/// The keys a source's `supports` may name: the entry's own keys and its facts' paths.
fn supportable() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys: Vec<&'static str> = EXTRA.to_vec();
        keys.extend(["opt_outs.national_note", "opt_outs.type_1_note"]);
        for d in FACTS.iter().filter(|d| d.is_written()) {
            if PRACTICE_ONLY.contains(&d.fact) {
                continue;
            }
            keys.push(d.path);
            if !d.block().is_empty() && !keys.contains(&d.block()) {
                keys.push(d.block());
            }
        }
        keys
    })
}

/// Reads one entry, reporting every problem.
pub fn read(ctx: &mut FileDiagnostics, node: &Node, index: usize) -> Option<Entry> {
    let label = format!("entries[{}]", index + 1);
    let mut extra = Extra::default();
    let flow = read_flow_with(ctx, node, &label, layout(), |ctx, map, blocks| {
        extra = read_extra(ctx, map, blocks, &label);
    })?;
    let stated = FACTS
        .iter()
        .filter(|d| d.is_written() && flow.spans.contains_key(&d.fact))
        .filter(|d| !flow.get(d.fact).is_unknown())
        .map(|d| d.fact)
        .filter(|f| *f != Fact::Id)
        .collect();
    if extra.sources.is_empty() && extra.sources_ok {
        ctx.report(
            Code::MissingField,
            flow.span_of(Fact::Id),
            format!("catalogue entry `{}` names no source", flow.id),
            Some(
                "add `sources:` with the title, url and checked date of each public page the entry relies on"
                    .into(),
            ),
        );
    }
    let name_words = std::iter::once(flow.name.as_str())
        .chain(extra.also_known_as.iter().map(String::as_str))
        .map(super::words)
        .filter(|w| !w.is_empty())
        .collect();
    let recipient_words = super::words(&flow.recipient);
    Some(Entry {
        name_words,
        recipient_words,
        flow,
        stated,
        also_known_as: extra.also_known_as,
        status: extra.status,
        applies_to: extra.applies_to,
        controller: extra.controller,
        mechanism_detail: extra.mechanism_detail,
        purpose_detail: extra.purpose_detail,
        data_detail: extra.data_detail,
        from: extra.from,
        until: extra.until,
        national_note: extra.national_note,
        type_1_note: extra.type_1_note,
        emis: extra.emis,
        leaving: extra.leaving,
        systmone: extra.systmone,
        write_to: extra.write_to,
        disputed: extra.disputed,
        sources: extra.sources,
        origin: ctx.file.name.clone(),
    })
}

#[derive(Default)]
struct Extra {
    also_known_as: Vec<String>,
    status: EntryStatus,
    applies_to: Scope,
    controller: Option<String>,
    mechanism_detail: Option<String>,
    purpose_detail: Option<String>,
    data_detail: Option<String>,
    from: Option<Date>,
    until: Option<Date>,
    national_note: Option<String>,
    type_1_note: Option<String>,
    emis: Option<String>,
    leaving: Option<String>,
    systmone: Option<String>,
    write_to: Option<String>,
    disputed: Vec<String>,
    sources: Vec<Source>,
    /// False when `sources` was written wrongly (already reported), so "no source" is not said
    /// twice.
    sources_ok: bool,
}

fn read_extra(
    ctx: &mut FileDiagnostics,
    map: &mut MapReader,
    blocks: &mut Blocks,
    label: &str,
) -> Extra {
    let field = |key: &str| format!("{label}.{key}");
    let text = |ctx: &mut FileDiagnostics, map: &mut MapReader, key: &str| {
        map.get(key).and_then(|n| ctx.text(n, &field(key)))
    };
    let mut extra = Extra {
        controller: text(ctx, map, "controller"),
        mechanism_detail: text(ctx, map, "mechanism_detail"),
        purpose_detail: text(ctx, map, "purpose_detail"),
        data_detail: text(ctx, map, "data_detail"),
        write_to: text(ctx, map, "write_to"),
        sources_ok: true,
        ..Extra::default()
    };
    if let Some(n) = map.get("also_known_as") {
        extra.also_known_as = ctx.text_list(n, &field("also_known_as"));
    }
    if let Some(n) = map.get("disputed") {
        extra.disputed = ctx.text_list(n, &field("disputed"));
    }
    if let Some(n) = map.get("status") {
        extra.status = ctx.choice(n, &field("status")).unwrap_or_default();
    }
    if let Some(n) = map.get("applies_to") {
        extra.applies_to = ctx.choice(n, &field("applies_to")).unwrap_or_default();
    }
    if let Some(n) = map.get("in_force")
        && let Some(mut m) = ctx.map(n, &field("in_force"), &["from", "until"])
    {
        extra.from = m
            .get("from")
            .and_then(|n| ctx.date(n, &field("in_force.from")));
        extra.until = m
            .get("until")
            .and_then(|n| ctx.date(n, &field("in_force.until")));
        m.finish(ctx);
    }
    if let Some(n) = map.get("manage")
        && let Some(mut m) = ctx.map(n, &field("manage"), &["emis", "systmone", "leaving"])
    {
        extra.emis = m
            .get("emis")
            .and_then(|n| ctx.text(n, &field("manage.emis")));
        extra.systmone = m
            .get("systmone")
            .and_then(|n| ctx.text(n, &field("manage.systmone")));
        extra.leaving = m
            .get("leaving")
            .and_then(|n| ctx.text(n, &field("manage.leaving")));
        m.finish(ctx);
    }
    if let Some((_, Some(opt_outs))) = blocks.iter_mut().find(|(b, _)| *b == "opt_outs") {
        extra.national_note = opt_outs
            .get("national_note")
            .and_then(|n| ctx.text(n, &field("opt_outs.national_note")));
        extra.type_1_note = opt_outs
            .get("type_1_note")
            .and_then(|n| ctx.text(n, &field("opt_outs.type_1_note")));
    }
    if let Some(node) = map.get("sources") {
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(source) =
                        read_source(ctx, item, &field(&format!("sources[{}]", i + 1)))
                    {
                        extra.sources.push(source);
                    }
                }
            }
            _ => {
                ctx.report(
                    Code::WrongType,
                    node.span,
                    format!("`{}` should be a list, but it is {}", field("sources"), node.value.kind()),
                    Some("write each source as a list item: `- {title: …, url: …, checked: YYYY-MM-DD}`".into()),
                );
                extra.sources_ok = false;
            }
        }
    }
    extra
}

fn read_source(ctx: &mut FileDiagnostics, node: &Node, field: &str) -> Option<Source> {
    let mut map = ctx.map(node, field, &["title", "url", "checked", "supports"])?;
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
    if let Some((url, span)) = &url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        ctx.report(
            Code::InvalidValue,
            *span,
            format!("`{url}` is not a web address"),
            Some("give the address the page was read at, starting https://".into()),
        );
    }
    let checked = map
        .require(
            ctx,
            "checked",
            "give the day the source was read, YYYY-MM-DD",
        )
        .and_then(|n| ctx.date(n, &format!("{field}.checked")));
    let mut supports = Vec::new();
    if let Some(n) = map.get("supports") {
        for (i, key) in ctx
            .text_list(n, &format!("{field}.supports"))
            .into_iter()
            .enumerate()
        {
            if supportable().contains(&key.as_str()) {
                supports.push(key);
                continue;
            }
            let at = match &n.value {
                Value::Seq(items) => items.get(i).map_or(n.span, |item| item.span),
                _ => n.span,
            };
            let help =
                suggest::did_you_mean(&key, supportable().iter().copied()).unwrap_or_else(|| {
                    "name a key of the entry, such as `obligation` or `opt_outs.national`".into()
                });
            ctx.report(
                Code::InvalidValue,
                at,
                format!("`{key}` is not a key of a catalogue entry"),
                Some(help),
            );
        }
    }
    map.finish(ctx);
    Some(Source {
        title: title?.0,
        url: url?.0,
        checked: checked?,
        supports,
    })
}
