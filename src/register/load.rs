//! Turning a YAML tree into a [`Register`], reporting every error on the way.

use std::collections::{BTreeMap, HashMap};

use crate::diag::Code;
use crate::limits::MAX_FLOWS;
use crate::ods;
use crate::reader::{Choice, Ctx, MapReader};
use crate::source::Span;
use crate::yaml::{Node, Value};

use super::model::*;

const TOP: &[&str] = &["register", "reviewed", "practice", "icb", "flows"];
const PRACTICE: &[&str] = &[
    "name",
    "ods_code",
    "address",
    "email",
    "phone",
    "list_size",
    "lmc",
    "signatory",
];
const PERSON: &[&str] = &["name", "role"];
const ADDRESSEE: &[&str] = &["title", "name", "role"];
const ICB: &[&str] = &["name", "ods_code", "addressee", "address", "email", "cc"];
const FLOW: &[&str] = &[
    "id",
    "name",
    "recipient",
    "processors",
    "platform",
    "purpose",
    "data",
    "legal_basis",
    "obligation",
    "obligation_reference",
    "agreement",
    "opt_outs",
    "mechanism",
    "notes",
];
const LEGAL_BASIS: &[&str] = &["article_6", "article_9", "confidentiality", "reference"];
const AGREEMENT: &[&str] = &["status", "reference", "signed", "expires", "counterparty"];
const COUNTERPARTY: &[&str] = &["name", "ods_code"];
const OPT_OUTS: &[&str] = &["national", "type_1"];

/// Reads a register from its tree. Returns `None` when errors make it unusable; the diagnostics
/// are in `ctx` either way.
pub fn read(ctx: &mut Ctx, root: &Node) -> Option<Register> {
    let Some(mut top) = ctx.map(root, "", TOP) else {
        if root.value != Value::Null {
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

fn read_version(ctx: &mut Ctx, top: &mut MapReader) -> Option<u32> {
    let node = top.require(
        ctx,
        "register",
        "start the file with `register: 1` (the format version)",
    )?;
    match node.value {
        Value::Int(1) => Some(1),
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

fn optional_text(ctx: &mut Ctx, map: &mut MapReader, key: &str, field: &str) -> Option<String> {
    map.get(key).and_then(|n| ctx.text(n, field))
}

fn read_address(ctx: &mut Ctx, map: &mut MapReader, field: &str) -> Option<Vec<String>> {
    let node = map.require(
        ctx,
        "address",
        "give the postal address as a list of lines, postcode last: [1 River Lane, Hull, HU1 1AA]",
    )?;
    let lines = ctx.text_list(node, field);
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

fn read_practice(ctx: &mut Ctx, node: &Node) -> Option<Practice> {
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
        let help = if ods::is_practice_code(&upper) {
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
    let lmc = optional_text(ctx, &mut map, "lmc", "practice.lmc");
    let signatory = map.get("signatory").and_then(|n| read_person(ctx, n));
    map.finish(ctx);
    Some(Practice {
        name: name?.0,
        ods_code: ods_code?.0,
        address: address?,
        email,
        phone,
        list_size,
        lmc,
        signatory,
    })
}

fn read_person(ctx: &mut Ctx, node: &Node) -> Option<Person> {
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

fn read_icb(ctx: &mut Ctx, node: &Node) -> Option<Icb> {
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
        addressee,
        address: address?,
        email,
        cc,
    })
}

fn check_icb_code(ctx: &mut Ctx, code: &str, span: Span) -> bool {
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

fn read_addressee(ctx: &mut Ctx, node: &Node) -> Option<Addressee> {
    let mut map = ctx.map(node, "icb.addressee", ADDRESSEE)?;
    let title = optional_text(ctx, &mut map, "title", "icb.addressee.title")
        .map(|t| t.trim_end_matches('.').trim_end().to_string())
        .filter(|t| !t.is_empty()); // "." alone is no title, not an empty one
    let name = optional_text(ctx, &mut map, "name", "icb.addressee.name");
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
    Some(Addressee { title, name, role })
}

fn read_flows(ctx: &mut Ctx, node: &Node) -> Vec<Flow> {
    let items = match &node.value {
        Value::Seq(items) => items,
        Value::Null => return Vec::new(),
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
            let id_span = flow.spans["id"];
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

fn read_flow(ctx: &mut Ctx, node: &Node, index: usize) -> Option<Flow> {
    let label = format!("flows[{}]", index + 1);
    let mut map = ctx.map(node, &label, FLOW)?;
    let mut spans: BTreeMap<&'static str, Span> = BTreeMap::new();
    let id = map.require_text(
        ctx,
        "id",
        &format!("{label}.id"),
        "give the flow a short id such as `icb-phm`",
    );
    if let Some((id, span)) = &id {
        spans.insert("id", *span);
        if !is_flow_id(id) {
            let suggestion = suggested_id(id);
            let help = if is_flow_id(&suggestion) {
                format!("use lower-case letters, digits and hyphens, e.g. `{suggestion}`")
            } else {
                "use lower-case letters, digits and hyphens, e.g. `icb-phm`".to_string()
            };
            ctx.report(
                Code::InvalidFlowId,
                *span,
                format!("flow id `{id}` has characters an id cannot use"),
                Some(help),
            );
        }
    }
    let field = |key: &str| match &id {
        Some((id, _)) => format!("{id}.{key}"),
        None => format!("{label}.{key}"),
    };
    let name = map.require_text(
        ctx,
        "name",
        &field("name"),
        "say what the flow is, e.g. Population health management extract",
    );
    let recipient = map.require_text(
        ctx,
        "recipient",
        &field("recipient"),
        "name the organisation that receives the data",
    );
    let processors = map
        .get("processors")
        .map(|n| ctx.text_list(n, &field("processors")))
        .unwrap_or_default();
    let platform = optional_text(ctx, &mut map, "platform", &field("platform"));
    let purpose = fact(ctx, &mut map, &mut spans, "purpose", &field("purpose"));
    let data = fact(ctx, &mut map, &mut spans, "data", &field("data"));
    let obligation = fact(
        ctx,
        &mut map,
        &mut spans,
        "obligation",
        &field("obligation"),
    );
    let obligation_reference = optional_text(
        ctx,
        &mut map,
        "obligation_reference",
        &field("obligation_reference"),
    );
    if let Some(span) = map.key_span("obligation_reference") {
        spans.insert("obligation_reference", span);
    }
    let mechanism = fact(ctx, &mut map, &mut spans, "mechanism", &field("mechanism"));
    let legal_basis = match map.get("legal_basis") {
        Some(n) => read_legal_basis(ctx, n, &mut spans, &field("legal_basis")),
        None => LegalBasis::default(),
    };
    let agreement = match map.get("agreement") {
        Some(n) => read_agreement(ctx, n, &mut spans, &field("agreement")),
        None => Agreement::default(),
    };
    let opt_outs = match map.get("opt_outs") {
        Some(n) => read_opt_outs(ctx, n, &mut spans, &field("opt_outs")),
        None => OptOuts::default(),
    };
    let notes = optional_text(ctx, &mut map, "notes", &field("notes"));
    spans.insert("flow", map.span);
    map.finish(ctx);
    Some(Flow {
        id: id?.0,
        name: name?.0,
        recipient: recipient?.0,
        processors,
        platform,
        purpose,
        data,
        legal_basis,
        obligation,
        obligation_reference,
        agreement,
        opt_outs,
        mechanism,
        notes,
        spans,
    })
}

/// Reads an enumerated fact, remembering where it was written; absent means `unknown`.
fn fact<C: Choice + Default>(
    ctx: &mut Ctx,
    map: &mut MapReader,
    spans: &mut BTreeMap<&'static str, Span>,
    key: &'static str,
    field: &str,
) -> C {
    fact_at(ctx, map, spans, key, key, field)
}

fn fact_at<C: Choice + Default>(
    ctx: &mut Ctx,
    map: &mut MapReader,
    spans: &mut BTreeMap<&'static str, Span>,
    key: &str,
    path: &'static str,
    field: &str,
) -> C {
    match map.get(key) {
        Some(node) => {
            spans.insert(path, node.span);
            ctx.choice(node, field).unwrap_or_default()
        }
        None => C::default(),
    }
}

fn read_legal_basis(
    ctx: &mut Ctx,
    node: &Node,
    spans: &mut BTreeMap<&'static str, Span>,
    field: &str,
) -> LegalBasis {
    let Some(mut map) = ctx.map(node, field, LEGAL_BASIS) else {
        return LegalBasis::default();
    };
    let f = |k: &str| format!("{field}.{k}");
    let basis = LegalBasis {
        article_6: fact_at(
            ctx,
            &mut map,
            spans,
            "article_6",
            "legal_basis.article_6",
            &f("article_6"),
        ),
        article_9: fact_at(
            ctx,
            &mut map,
            spans,
            "article_9",
            "legal_basis.article_9",
            &f("article_9"),
        ),
        confidentiality: fact_at(
            ctx,
            &mut map,
            spans,
            "confidentiality",
            "legal_basis.confidentiality",
            &f("confidentiality"),
        ),
        reference: optional_text(ctx, &mut map, "reference", &f("reference")),
    };
    map.finish(ctx);
    basis
}

fn read_agreement(
    ctx: &mut Ctx,
    node: &Node,
    spans: &mut BTreeMap<&'static str, Span>,
    field: &str,
) -> Agreement {
    let Some(mut map) = ctx.map(node, field, AGREEMENT) else {
        return Agreement::default();
    };
    let f = |k: &str| format!("{field}.{k}");
    let status = fact_at(
        ctx,
        &mut map,
        spans,
        "status",
        "agreement.status",
        &f("status"),
    );
    let reference = optional_text(ctx, &mut map, "reference", &f("reference"));
    let mut date = |ctx: &mut Ctx, key: &str, path: &'static str| {
        let node = map.get(key)?;
        spans.insert(path, node.span);
        ctx.date(node, &f(key))
    };
    let signed = date(ctx, "signed", "agreement.signed");
    let expires = date(ctx, "expires", "agreement.expires");
    if let (Some(s), Some(e)) = (signed, expires)
        && e < s
    {
        ctx.report(
            Code::ExpiryBeforeSigning,
            spans["agreement.expires"],
            format!("the agreement expires ({e}) before it was signed ({s})"),
            Some("check both dates; one of them is probably mistyped".into()),
        );
    }
    let counterparty = map
        .get("counterparty")
        .and_then(|n| read_counterparty(ctx, n, spans, &f("counterparty")));
    map.finish(ctx);
    Agreement {
        status,
        reference,
        signed,
        expires,
        counterparty,
    }
}

fn read_counterparty(
    ctx: &mut Ctx,
    node: &Node,
    spans: &mut BTreeMap<&'static str, Span>,
    field: &str,
) -> Option<Counterparty> {
    // A bare name is the common case: `counterparty: NHS Sussex ICB`.
    if let Value::Str(_) = node.value {
        return ctx.text(node, field).map(|name| Counterparty {
            name,
            ods_code: None,
        });
    }
    let mut map = ctx.map(node, field, COUNTERPARTY)?;
    let name = map.require_text(
        ctx,
        "name",
        &format!("{field}.name"),
        "name the organisation the agreement is with",
    );
    let ods_code = match map.get("ods_code") {
        Some(n) => {
            let code = ctx.text(n, &format!("{field}.ods_code"));
            spans.insert("agreement.counterparty", n.span);
            code
        }
        None => None,
    };
    map.finish(ctx);
    Some(Counterparty {
        name: name?.0,
        ods_code,
    })
}

fn read_opt_outs(
    ctx: &mut Ctx,
    node: &Node,
    spans: &mut BTreeMap<&'static str, Span>,
    field: &str,
) -> OptOuts {
    let Some(mut map) = ctx.map(node, field, OPT_OUTS) else {
        return OptOuts::default();
    };
    let opt_outs = OptOuts {
        national: fact_at(
            ctx,
            &mut map,
            spans,
            "national",
            "opt_outs.national",
            &format!("{field}.national"),
        ),
        type_1: fact_at(
            ctx,
            &mut map,
            spans,
            "type_1",
            "opt_outs.type_1",
            &format!("{field}.type_1"),
        ),
    };
    map.finish(ctx);
    opt_outs
}
