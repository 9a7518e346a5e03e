//! Turning a YAML tree into a [`Register`], reporting every error on the way.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diag::Code;
use crate::limits::MAX_FLOWS;
use crate::ods;
use crate::reader::{FileDiagnostics, MapReader};
use crate::source::Span;
use crate::yaml::{Node, Value as Yaml};

use super::facts::{FACTS, Fact, FactDef, Kind, Value};
use super::model::*;

const TOP: &[&str] = &["register", "reviewed", "practice", "icb", "flows"];
const PRACTICE: &[&str] = &[
    "name",
    "ods_code",
    "address",
    "email",
    "phone",
    "list_size",
    "contractor",
    "provider",
    "opt_outs",
    "lmc",
    "dpo",
    "signatory",
];
const PERSON: &[&str] = &["name", "role"];
const ADDRESSEE: &[&str] = &["title", "name", "surname", "role"];
const PRACTICE_OPT_OUTS: &[&str] = &["national", "type_1", "as_of", "source"];
const ICB: &[&str] = &["name", "ods_code", "addressee", "address", "email", "cc"];
const COUNTERPARTY: &[&str] = &["name", "ods_code"];

/// Reads a register from its tree. Returns `None` when errors make it unusable; the diagnostics
/// are in `ctx` either way.
pub fn read(ctx: &mut FileDiagnostics, root: &Node) -> Option<Register> {
    let Some(mut top) = ctx.map(root, "", TOP) else {
        if root.value != Yaml::Null {
            return None;
        }
        ctx.report(
            Code::EmptyFile,
            root.span,
            "the file holds no register".into(),
            Some("a register is a mapping that starts with `register: 1`".into()),
        );
        return None;
    };
    let version = read_version(ctx, &mut top);
    let reviewed = top.get("reviewed").and_then(|n| ctx.date(n, "reviewed"));
    let practice = top
        .require(
            ctx,
            "practice",
            "add a `practice:` block with name, ods_code and address",
        )
        .and_then(|n| read_practice(ctx, n));
    let icb = top
        .require(
            ctx,
            "icb",
            "add an `icb:` block with name, ods_code and address",
        )
        .and_then(|n| read_icb(ctx, n));
    let flows = match top.get("flows") {
        Some(node) => read_flows(ctx, node),
        None => Vec::new(),
    };
    top.finish(ctx);
    if ctx.has_errors() {
        return None;
    }
    Some(Register {
        register: version?,
        reviewed,
        practice: practice?,
        icb: icb?,
        flows,
    })
}

fn read_version(ctx: &mut FileDiagnostics, top: &mut MapReader) -> Option<u32> {
    let node = top.require(
        ctx,
        "register",
        "start the file with `register: 1` (the format version)",
    )?;
    match node.value {
        Yaml::Int(1) => Some(1),
        _ => {
            ctx.report(
                Code::UnsupportedVersion,
                node.span,
                "this gpdata reads register format 1 only".into(),
                Some("write `register: 1`; a newer format needs a newer gpdata".into()),
            );
            None
        }
    }
}

fn optional_text(
    ctx: &mut FileDiagnostics,
    map: &mut MapReader,
    key: &str,
    field: &str,
) -> Option<String> {
    map.get(key).and_then(|n| ctx.text(n, field))
}

fn read_address(
    ctx: &mut FileDiagnostics,
    map: &mut MapReader,
    field: &str,
) -> Option<Vec<String>> {
    let node = map.require(
        ctx,
        "address",
        "give the postal address as a list of lines, postcode last: [1 River Lane, Hull, HU1 1AA]",
    )?;
    let mut lines = ctx.text_list(node, field);
    // One line is how an address is written in an email signature: split it where a letter's
    // address block would break, so both ways print the same.
    // A list is kept as written, even a list of one line with commas in it.
    if let (Yaml::Str(_), [one]) = (&node.value, lines.as_slice()) {
        let parts: Vec<String> = one
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if !parts.is_empty() {
            lines = parts;
        }
    }
    if lines.is_empty() && !ctx.has_errors() {
        ctx.report(
            Code::MissingField,
            node.span,
            format!("`{field}` has no lines"),
            Some("give the postal address as a list of lines, postcode last".into()),
        );
        return None;
    }
    Some(lines)
}

fn read_practice(ctx: &mut FileDiagnostics, node: &Node) -> Option<Practice> {
    let mut map = ctx.map(node, "practice", PRACTICE)?;
    let name = map.require_text(
        ctx,
        "name",
        "practice.name",
        "give the practice's name as on its letterhead",
    );
    let ods_code = map.require_text(
        ctx,
        "ods_code",
        "practice.ods_code",
        "give the practice's ODS code, e.g. B82005",
    );
    if let Some((code, span)) = &ods_code
        && !ods::is_practice_code(code)
    {
        let upper = code.to_uppercase();
        let unquoted = crate::reader::in_curly_quotes(code).map(str::to_uppercase);
        let help = if let Some(inner) = unquoted.filter(|c| ods::is_practice_code(c)) {
            format!("remove the curly quotes: {inner}")
        } else if ods::is_practice_code(&upper) {
            format!("write it in capitals: {upper}")
        } else {
            "a GP practice code is one letter and five digits, e.g. B82005".to_string()
        };
        ctx.report(
            Code::InvalidOdsCode,
            *span,
            format!("`{code}` is not a GP practice ODS code"),
            Some(help),
        );
    }
    let address = read_address(ctx, &mut map, "practice.address");
    let email = optional_text(ctx, &mut map, "email", "practice.email");
    let phone = optional_text(ctx, &mut map, "phone", "practice.phone");
    let list_size = map
        .get("list_size")
        .and_then(|n| ctx.count(n, "practice.list_size"));
    let contractor = map
        .get("contractor")
        .and_then(|n| ctx.choice(n, "practice.contractor"))
        .unwrap_or_default();
    let provider = optional_text(ctx, &mut map, "provider", "practice.provider");
    let opt_outs = map
        .get("opt_outs")
        .and_then(|n| read_practice_opt_outs(ctx, n));
    let lmc = optional_text(ctx, &mut map, "lmc", "practice.lmc");
    let dpo = optional_text(ctx, &mut map, "dpo", "practice.dpo");
    let signatory = map.get("signatory").and_then(|n| read_person(ctx, n));
    map.finish(ctx);
    Some(Practice {
        name: name?.0,
        ods_code: ods_code?.0,
        address: address?,
        email,
        phone,
        list_size,
        contractor,
        provider,
        opt_outs,
        lmc,
        dpo,
        signatory,
    })
}

fn read_practice_opt_outs(ctx: &mut FileDiagnostics, node: &Node) -> Option<PracticeOptOuts> {
    let mut map = ctx.map(node, "practice.opt_outs", PRACTICE_OPT_OUTS)?;
    let national = map
        .get("national")
        .and_then(|n| ctx.count(n, "practice.opt_outs.national"));
    let type_1 = map
        .get("type_1")
        .and_then(|n| ctx.count(n, "practice.opt_outs.type_1"));
    let as_of = map
        .get("as_of")
        .and_then(|n| ctx.date(n, "practice.opt_outs.as_of"));
    let source = optional_text(ctx, &mut map, "source", "practice.opt_outs.source");
    map.finish(ctx);
    Some(PracticeOptOuts {
        national,
        type_1,
        as_of,
        source,
    })
}

fn read_person(ctx: &mut FileDiagnostics, node: &Node) -> Option<Person> {
    let mut map = ctx.map(node, "practice.signatory", PERSON)?;
    let name = map.require_text(
        ctx,
        "name",
        "practice.signatory.name",
        "give the name of the person who signs, e.g. Dr Amina Patel",
    );
    let role = optional_text(ctx, &mut map, "role", "practice.signatory.role");
    map.finish(ctx);
    Some(Person {
        name: name?.0,
        role,
    })
}

fn read_icb(ctx: &mut FileDiagnostics, node: &Node) -> Option<Icb> {
    let mut map = ctx.map(node, "icb", ICB)?;
    let name = map.require_text(
        ctx,
        "name",
        "icb.name",
        "give the ICB's full name, e.g. NHS Humber and North Yorkshire Integrated Care Board",
    );
    let ods_code = map.require_text(
        ctx,
        "ods_code",
        "icb.ods_code",
        "give the ICB's ODS code, e.g. QOQ or Z9B2Z",
    );
    let code_span = ods_code.as_ref().map(|(_, span)| *span).unwrap_or_default();
    if let Some((code, span)) = &ods_code {
        check_icb_code(ctx, code, *span);
    }
    let addressee = map.get("addressee").and_then(|n| read_addressee(ctx, n));
    let address = read_address(ctx, &mut map, "icb.address");
    let email = optional_text(ctx, &mut map, "email", "icb.email");
    let cc = map
        .get("cc")
        .map(|n| ctx.text_list(n, "icb.cc"))
        .unwrap_or_default();
    map.finish(ctx);
    Some(Icb {
        name: name?.0,
        ods_code: ods_code?.0,
        code_span,
        addressee,
        address: address?,
        email,
        cc,
    })
}

fn check_icb_code(ctx: &mut FileDiagnostics, code: &str, span: Span) -> bool {
    if ods::is_icb_code(code) {
        return true;
    }
    let upper = code.to_uppercase();
    let help = if ods::is_icb_code(&upper) {
        format!("write it in capitals: {upper}")
    } else {
        "ICB codes have 3 characters starting with Q (e.g. QOQ) or, for ICBs created on 1 April 2026, 5 characters (e.g. Z9B2Z)".to_string()
    };
    ctx.report(
        Code::InvalidOdsCode,
        span,
        format!("`{code}` is not an ICB ODS code"),
        Some(help),
    );
    false
}

fn read_addressee(ctx: &mut FileDiagnostics, node: &Node) -> Option<Addressee> {
    let mut map = ctx.map(node, "icb.addressee", ADDRESSEE)?;
    let title = optional_text(ctx, &mut map, "title", "icb.addressee.title")
        .map(|t| t.trim_end_matches('.').trim_end().to_string())
        .filter(|t| !t.is_empty()); // "." alone is no title, not an empty one
    let name = optional_text(ctx, &mut map, "name", "icb.addressee.name");
    let surname = optional_text(ctx, &mut map, "surname", "icb.addressee.surname");
    let role = optional_text(ctx, &mut map, "role", "icb.addressee.role");
    if name.is_none() && role.is_none() {
        ctx.report(
            Code::MissingField,
            node.span,
            "`icb.addressee` needs a `name`, a `role`, or both".into(),
            Some("e.g. `addressee: {role: Chief Clinical Information Officer}`".into()),
        );
    }
    map.finish(ctx);
    Some(Addressee {
        title,
        name,
        surname,
        role,
    })
}

fn read_flows(ctx: &mut FileDiagnostics, node: &Node) -> Vec<Flow> {
    let items = match &node.value {
        Yaml::Seq(items) => items,
        Yaml::Null => return Vec::new(),
        _ => {
            ctx.report(
                Code::WrongType,
                node.span,
                format!("`flows` should be a list, but it is {}", node.value.kind()),
                Some("write each flow as a list item starting with `- id: …`".into()),
            );
            return Vec::new();
        }
    };
    if items.len() > MAX_FLOWS {
        ctx.report(
            Code::TooManyFlows,
            node.span,
            format!(
                "the register lists {} flows; the limit is {MAX_FLOWS}",
                items.len()
            ),
            Some("split the register, or check it was not generated by mistake".into()),
        );
        return Vec::new();
    }
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut flows = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if let Some(flow) = read_flow(ctx, item, index) {
            let id_span = flow.span_of(Fact::Id);
            if let Some(first) = seen.get(&flow.id) {
                ctx.report(
                    Code::DuplicateFlowId,
                    id_span,
                    format!(
                        "flow id `{}` is already used by the flow at line {}",
                        flow.id, first.line
                    ),
                    Some("give each flow its own id, e.g. add a suffix: `-2`".into()),
                );
            } else {
                seen.insert(flow.id.clone(), id_span);
            }
            flows.push(flow);
        }
    }
    flows
}

/// True for ids made of lower-case letters, digits and single hyphens.
pub fn is_flow_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

fn suggested_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(64).collect()
}

/// The keys a flow-shaped mapping and each of its blocks may hold: the written facts of the
/// facts table, less any the format leaves out, plus keys of its own (a catalogue entry's
/// sources and notes).
#[derive(Debug)]
pub struct Layout {
    /// Keys of the mapping itself, in table order (a block's name where it first appears).
    top: Vec<&'static str>,
    /// Each block's name and keys.
    blocks: Vec<(&'static str, Vec<&'static str>)>,
    /// Facts this format does not have.
    skip: Vec<Fact>,
}

/// The blocks of a flow-shaped mapping being read (`legal_basis`, `agreement`, `opt_outs`),
/// each open for reading when it is present and a mapping.
pub type Blocks<'n> = Vec<(&'static str, Option<MapReader<'n>>)>;

impl Layout {
    /// The layout of the written facts, without `skip`, with `extra` keys added at the top level
    /// and `extra_in` keys added inside blocks (`(block, key)`).
    pub fn new(
        skip: &[Fact],
        extra: &[&'static str],
        extra_in: &[(&'static str, &'static str)],
    ) -> Layout {
        let mut layout = Layout {
            top: Vec::new(),
            blocks: Vec::new(),
            skip: skip.to_vec(),
        };
        let facts = FACTS
            .iter()
            .filter(|d| d.is_written() && !skip.contains(&d.fact))
            .map(|d| (d.block(), d.key()));
        for (block, key) in facts.chain(extra_in.iter().copied()) {
            let top = if block.is_empty() { key } else { block };
            if !layout.top.contains(&top) {
                layout.top.push(top);
            }
            if !block.is_empty() {
                match layout.blocks.iter_mut().find(|(b, _)| *b == block) {
                    Some((_, keys)) => keys.push(key),
                    None => layout.blocks.push((block, vec![key])),
                }
            }
        }
        layout.top.extend(extra.iter().copied());
        layout
    }
}

/// The layout of a register's flows.
fn register_layout() -> &'static Layout {
    static LAYOUT: OnceLock<Layout> = OnceLock::new();
    LAYOUT.get_or_init(|| Layout::new(&[], &[], &[]))
}

fn read_flow(ctx: &mut FileDiagnostics, node: &Node, index: usize) -> Option<Flow> {
    let label = format!("flow {}", index + 1);
    read_flow_with(ctx, node, &label, register_layout(), |_, _, _| {})
}

/// Reads a flow-shaped mapping laid out as `layout`, reporting every problem. `extra` reads the
/// layout's own keys from the mapping and its blocks before unread keys are reported. Facts a
/// flow may take from a catalogue entry (its name and recipient) are only required when the
/// mapping names no entry. `None` when the mapping has no usable id.
pub fn read_flow_with<'n>(
    ctx: &mut FileDiagnostics,
    node: &'n Node,
    label: &str,
    layout: &'n Layout,
    extra: impl FnOnce(&mut FileDiagnostics, &mut MapReader<'n>, &mut Blocks<'n>),
) -> Option<Flow> {
    let mut map = ctx.map(node, label, &layout.top)?;
    let mut flow = Flow {
        span: map.span,
        ..Flow::default()
    };
    // The id comes first so that every later message can name the flow by it.
    let id = read_id(ctx, &mut map, label, &mut flow);
    let prefix = id.clone().unwrap_or_else(|| label.to_string());
    if let Some(id) = &id {
        map.name_as(format!("flow `{id}`"));
    }
    // `catalogue: none` says the flow is in no catalogue, so it must be written out in full.
    let names_entry = !layout.skip.contains(&Fact::Catalogue)
        && map
            .peek("catalogue")
            .is_some_and(|n| !matches!(&n.value, Yaml::Str(s) if s.trim() == "none"));
    let mut blocks: Blocks = layout
        .blocks
        .iter()
        .map(|(block, keys)| {
            let reader = map
                .get(block)
                .and_then(|n| ctx.map(n, &format!("{prefix}.{block}"), keys));
            (*block, reader)
        })
        .collect();
    let facts = FACTS
        .iter()
        .filter(|d| d.is_written() && d.fact != Fact::Id && !layout.skip.contains(&d.fact));
    let mut field = String::with_capacity(prefix.len() + 40);
    for def in facts {
        let reader = match def.block() {
            "" => Some(&mut map),
            block => blocks
                .iter_mut()
                .find(|(b, _)| *b == block)
                .and_then(|(_, r)| r.as_mut()),
        };
        let Some(reader) = reader else { continue };
        // One buffer for every field name: formatting a name per fact was a tenth of a check.
        field.clear();
        field.push_str(&prefix);
        field.push('.');
        field.push_str(def.path);
        if let Some(help) = def.required.filter(|_| !names_entry) {
            if let Some((text, span)) = reader.require_text(ctx, def.key(), &field, help) {
                flow.spans.insert(def.fact, span);
                write(&mut flow, def, Value::Text(Some(text)));
            }
            continue;
        }
        let span = reader.key_span(def.key());
        let Some(node) = reader.get(def.key()) else {
            if let Some(span) = span {
                flow.spans.insert(def.fact, span);
            }
            continue;
        };
        let (value, span) = match def.kind {
            Kind::Party => match read_counterparty(ctx, node, &field) {
                Some((party, span)) => (Some(Value::Party(Some(party))), span),
                None => (None, node.span),
            },
            _ => (read_value(ctx, node, def.kind, &field), node.span),
        };
        flow.spans.insert(def.fact, span);
        if let Some(value) = value {
            write(&mut flow, def, value);
        }
    }
    if let (Some(s), Some(e)) = (flow.agreement.signed, flow.agreement.expires)
        && e < s
    {
        ctx.report(
            Code::ExpiryBeforeSigning,
            flow.span_of(Fact::AgreementExpires),
            format!("the agreement expires ({e}) before it was signed ({s})"),
            Some("check both dates; one of them is probably mistyped".into()),
        );
    }
    extra(ctx, &mut map, &mut blocks);
    for (_, reader) in blocks {
        if let Some(reader) = reader {
            reader.finish(ctx);
        }
    }
    map.finish(ctx);
    id.map(|_| flow)
}

fn write(flow: &mut Flow, def: &FactDef, value: Value) {
    if let Some(set) = def.set {
        set(flow, value);
    }
}

/// Reads the flow's id and checks its shape; `None` when it is missing or empty.
fn read_id(
    ctx: &mut FileDiagnostics,
    map: &mut MapReader,
    label: &str,
    flow: &mut Flow,
) -> Option<String> {
    let def = Fact::Id.def();
    let help = def.required.unwrap_or_default();
    let (id, span) = map.require_text(ctx, def.key(), &format!("{label}.id"), help)?;
    flow.spans.insert(Fact::Id, span);
    if !is_flow_id(&id) {
        let suggestion = suggested_id(&id);
        let help = if is_flow_id(&suggestion) {
            format!("use lower-case letters, digits and hyphens, e.g. `{suggestion}`")
        } else {
            "use lower-case letters, digits and hyphens, e.g. `icb-phm`".to_string()
        };
        ctx.report(
            Code::InvalidFlowId,
            span,
            format!("flow id `{id}` has characters an id cannot use"),
            Some(help),
        );
    }
    flow.id = id.clone();
    Some(id)
}

/// Reads one fact's value written at `node` (for facts stated outside a register, such as a
/// reply that establishes one); `None`, with a diagnostic, when it is not a valid value.
pub fn read_fact(
    ctx: &mut FileDiagnostics,
    node: &Node,
    def: &FactDef,
    field: &str,
) -> Option<Value> {
    match def.kind {
        Kind::Party => read_counterparty(ctx, node, field).map(|(p, _)| Value::Party(Some(p))),
        kind => read_value(ctx, node, kind, field),
    }
}

/// Sets one fact of `flow` to `value`.
pub fn set_fact(flow: &mut Flow, def: &FactDef, value: Value) {
    write(flow, def, value);
}

/// Reads one fact's value by its kind; `None` (with a diagnostic) when it is not valid.
fn read_value(ctx: &mut FileDiagnostics, node: &Node, kind: Kind, field: &str) -> Option<Value> {
    match kind {
        Kind::Words { words, noun, .. } => ctx.word(node, field, words, noun).map(Value::Word),
        Kind::Date => ctx.date(node, field).map(|d| Value::Date(Some(d))),
        Kind::Text => ctx.text(node, field).map(|t| Value::Text(Some(t))),
        Kind::List => Some(Value::List(ctx.text_list(node, field))),
        Kind::Party | Kind::Derived => None,
    }
}

/// Reads an organisation written as a bare name or as `{name, ods_code}`; the span is the ODS
/// code's when there is one, since that is what abolished-ICB warnings point at.
fn read_counterparty(
    ctx: &mut FileDiagnostics,
    node: &Node,
    field: &str,
) -> Option<(Counterparty, Span)> {
    // A bare name is the common case: `counterparty: NHS Sussex ICB`.
    if let Yaml::Str(_) = node.value {
        return ctx.text(node, field).map(|name| {
            (
                Counterparty {
                    name,
                    ods_code: None,
                },
                node.span,
            )
        });
    }
    let mut map = ctx.map(node, field, COUNTERPARTY)?;
    let name = map.require_text(
        ctx,
        "name",
        &format!("{field}.name"),
        "name the organisation the agreement is with",
    );
    let code_node = map.get("ods_code");
    let ods_code = code_node.and_then(|n| ctx.text(n, &format!("{field}.ods_code")));
    map.finish(ctx);
    Some((
        Counterparty {
            name: name?.0,
            ods_code,
        },
        code_node.map_or(node.span, |n| n.span),
    ))
}
