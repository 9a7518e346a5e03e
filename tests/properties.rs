//! Property tests over generated registers: every enumeration value, text that YAML finds awkward
//! (`NO`, `~`, `# not a comment`, `key: value`, quotes, £, Welsh and Greek letters), optional
//! fields present or absent, and flows in any order.
//!
//! - a valid register written out as YAML or JSON loads back as the same register;
//! - audit decisions are the same on every run and whatever the order of the flows;
//! - no decision of the built-in policy stops a flow not known to be voluntary;
//! - the same register gives byte-identical letters, whatever was rendered before it.

mod common;

use std::sync::Arc;

use gpdata::letter::templates::LetterKind;
use gpdata::letter::{LetterOptions, Renderer, templates};
use gpdata::pdf::{self, PdfOptions};
use gpdata::policy::{self, Outcome};
use gpdata::register::Choice;
use gpdata::register::*;
use gpdata::source::SourceFile;
use gpdata::validate;
use jiff::civil::Date;
use proptest::prelude::*;
use proptest::sample::select;

use common::date;

/// Any value of an enumeration, `unknown` included.
fn choice<C: Choice + Clone + std::fmt::Debug + 'static>() -> impl Strategy<Value = C> {
    select(C::ALL.to_vec())
}

/// Text as a practice manager might type it, including words and characters that a careless
/// YAML writer or reader would turn into something else. Trimmed and non-empty, as the loader
/// keeps text.
fn text() -> impl Strategy<Value = String> {
    let awkward = select(vec![
        "NO",
        "yes",
        "off",
        "~",
        "null",
        "true",
        "1.0",
        "0x1F",
        "2026-04-01",
        "-",
        "?",
        "*ref",
        "&anchor",
        "!tag",
        "%YAML",
        "@",
        "`",
        "# not a comment",
        "key: value",
        "a #b",
        "[x]",
        "{y}",
        "'single'",
        "\"double\"",
        "back\\slash",
        "£12,000",
        "Ysbyty Gwynedd ŵŷ",
        "Ελλάδα",
        "naïve café",
        "— – …",
        // A tab is read as a space (one-line text never keeps control characters), so it
        // cannot round-trip; the letter-structure property below covers it.
        "semi;colon | pipe",
    ])
    .prop_map(str::to_string);
    let words = "[A-Za-z0-9£é’ ,.()/&'-]{1,40}";
    prop_oneof![awkward, words]
        .prop_map(|s| s.trim().to_string())
        .prop_filter("text is non-empty", |s| !s.is_empty())
}

fn some_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn texts(max: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(text(), 0..=max)
}

fn day() -> impl Strategy<Value = Date> {
    (2015i16..=2030, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d))
}

fn practice_code() -> impl Strategy<Value = String> {
    "[A-Z][0-9]{5}"
}

fn icb_code() -> impl Strategy<Value = String> {
    // Includes the codes of ICBs abolished in April 2026, which are valid (with a warning).
    prop_oneof![
        "Q[A-Z0-9]{2}",
        "[A-Z0-9]{5}",
        select(vec!["QOQ", "QHG", "QE1"]).prop_map(String::from)
    ]
}

fn agreement() -> impl Strategy<Value = Agreement> {
    (
        choice::<AgreementStatus>(),
        some_text(),
        proptest::option::of(day()),
        proptest::option::of(0i32..3000),
        proptest::option::of((text(), proptest::option::of(icb_code()))),
    )
        .prop_map(|(status, reference, signed, days, counterparty)| {
            // An agreement cannot expire before it was signed (an error, so not a valid register).
            let expires = days.map(|n| {
                signed
                    .unwrap_or(jiff::civil::date(2020, 1, 1))
                    .checked_add(jiff::Span::new().days(n))
                    .expect("a date within range")
            });
            Agreement {
                status,
                reference,
                signed,
                expires,
                counterparty: counterparty.map(|(name, ods_code)| Counterparty { name, ods_code }),
            }
        })
}

fn flow() -> impl Strategy<Value = Flow> {
    let facts = (
        choice::<Purpose>(),
        choice::<DataForm>(),
        (
            choice::<Article6>(),
            choice::<Article9>(),
            choice::<Schedule1>(),
            choice::<Confidentiality>(),
            some_text(),
        ),
        choice::<Obligation>(),
        some_text(),
        agreement(),
        (choice::<OptOutHandling>(), choice::<OptOutHandling>()),
        choice::<Mechanism>(),
    );
    let more = (
        choice::<IcbRole>(),
        choice::<Stage>(),
        choice::<Dpia>(),
        choice::<Dspt>(),
        choice::<OnwardAccess>(),
        some_text(),
        choice::<Prompts>(),
        choice::<YesNo>(),
    );
    (
        text(),
        text(),
        texts(3),
        some_text(),
        facts,
        more,
        some_text(),
    )
        .prop_map(
            |(name, recipient, processors, platform, facts, more, notes)| {
                let (
                    icb_role,
                    stage,
                    dpia,
                    dspt,
                    onward_access,
                    retention,
                    prompts,
                    writes_to_record,
                ) = more;
                let (
                    purpose,
                    data,
                    (article_6, article_9, schedule_1, confidentiality, reference),
                    obligation,
                    obligation_reference,
                    agreement,
                    (national, type_1),
                    mechanism,
                ) = facts;
                // A flow whose mechanism only one national flow uses is that flow, which no
                // register may record as voluntary (gpdata refuses it), so such flows keep a
                // binding obligation.
                let specific = matches!(
                    mechanism,
                    Mechanism::GpConnectAccess
                        | Mechanism::GpConnectUpdateRecord
                        | Mechanism::GpConnectAppointments
                        | Mechanism::InSituAnalytics
                );
                let obligation = if specific && !obligation.is_binding() {
                    Obligation::Contractual
                } else {
                    obligation
                };
                Flow {
                    id: String::new(), // numbered once the register is assembled
                    name,
                    recipient,
                    processors,
                    platform,
                    purpose,
                    data,
                    legal_basis: LegalBasis {
                        article_6,
                        article_9,
                        schedule_1,
                        confidentiality,
                        reference,
                    },
                    icb_role,
                    stage,
                    dpia,
                    dspt,
                    onward_access,
                    retention,
                    prompts,
                    writes_to_record,
                    obligation,
                    obligation_reference,
                    agreement,
                    opt_outs: OptOuts { national, type_1 },
                    mechanism,
                    notes,
                    ..Flow::default()
                }
            },
        )
}

fn practice() -> impl Strategy<Value = Practice> {
    (
        text(),
        practice_code(),
        proptest::collection::vec(text(), 1..=5),
        some_text(),
        some_text(),
        proptest::option::of(1u32..100_000),
        (
            choice::<Contractor>(),
            some_text(),
            proptest::option::of((
                proptest::option::of(0u32..5_000),
                proptest::option::of(0u32..5_000),
                proptest::option::of(day()),
                some_text(),
            )),
        ),
        (some_text(), some_text()),
        proptest::option::of((text(), some_text())),
    )
        .prop_map(
            |(
                name,
                ods_code,
                address,
                email,
                phone,
                list_size,
                (contractor, provider, opt_outs),
                (lmc, dpo),
                signatory,
            )| Practice {
                name,
                ods_code,
                address,
                email,
                phone,
                list_size,
                contractor,
                provider,
                opt_outs: opt_outs.map(|(national, type_1, as_of, source)| PracticeOptOuts {
                    national,
                    type_1,
                    as_of,
                    source,
                }),
                lmc,
                dpo,
                signatory: signatory.map(|(name, role)| Person { name, role }),
            },
        )
}

fn icb() -> impl Strategy<Value = Icb> {
    (
        text(),
        icb_code(),
        // An addressee needs a name, a role, or both.
        proptest::option::of((some_text(), some_text(), some_text(), some_text())).prop_filter(
            "an addressee is named",
            |a| {
                a.as_ref()
                    .is_none_or(|(_, name, _, role)| name.is_some() || role.is_some())
            },
        ),
        proptest::collection::vec(text(), 1..=5),
        some_text(),
        texts(3),
    )
        .prop_map(|(name, ods_code, addressee, address, email, cc)| Icb {
            name,
            ods_code,
            addressee: addressee.map(|(title, name, surname, role)| Addressee {
                // Titles are kept without full stops ("Dr." is read as "Dr").
                title: title
                    .map(|t| t.trim_end_matches('.').trim_end().to_string())
                    .filter(|t| !t.is_empty()),
                name,
                surname,
                role,
            }),
            address,
            email,
            cc,
            code_span: Default::default(),
        })
}

/// A valid register with 1 to `max_flows` flows.
fn a_register(max_flows: usize) -> impl Strategy<Value = Register> {
    (
        proptest::option::of(day()),
        practice(),
        icb(),
        proptest::collection::vec(flow(), 1..=max_flows),
    )
        .prop_map(|(reviewed, practice, icb, mut flows)| {
            for (i, f) in flows.iter_mut().enumerate() {
                f.id = format!("flow-{i}");
            }
            Register {
                register: 1,
                reviewed,
                practice,
                icb,
                flows,
            }
        })
}

/// Loads register text, failing the property with the diagnostics if it has errors.
fn load(name: &str, text: String) -> Result<Register, TestCaseError> {
    let loaded = validate::load(SourceFile::new(name, text.clone()), date());
    match loaded.register {
        Some(r) if !loaded.has_errors() => Ok(r),
        _ => Err(TestCaseError::fail(format!(
            "{name} did not load:\n{}\n--- text ---\n{text}",
            gpdata::diag::render_short(&loaded.diags)
        ))),
    }
}

/// The register's content without where it was written or what gpdata worked out from it.
fn without_spans(mut r: Register) -> Register {
    use gpdata::register::facts::{Kind, Value};
    r.icb.code_span = Default::default();
    for f in &mut r.flows {
        // Facts taken from a catalogue entry the flow was recognised as go back to the
        // `unknown` they were.
        for fact in f.derived.inherited.clone() {
            let def = fact.def();
            let blank = match def.kind {
                Kind::Words { .. } => Value::Word("unknown"),
                Kind::Text => Value::Text(None),
                Kind::List => Value::List(Vec::new()),
                Kind::Date => Value::Date(None),
                Kind::Party => Value::Party(None),
                Kind::Derived => continue,
            };
            if let Some(set) = def.set {
                set(f, blank);
            }
        }
        f.spans.clear();
        f.span = Default::default();
        f.derived = Default::default();
    }
    r
}

/// (flow id, outcome) pairs sorted by id: a decision list that ignores flow order.
fn outcomes(r: &Register) -> Vec<(String, Outcome)> {
    let mut v: Vec<_> = policy::evaluate(&policy::builtin(), r, date())
        .into_iter()
        .map(|d| (d.flow, d.outcome))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Written out as YAML (block style, with whatever quoting the writer picks) and as JSON
    /// (which is YAML too), a valid register loads back as the same register.
    #[test]
    fn any_valid_register_round_trips_through_the_loader(r in a_register(6)) {
        let yaml = serde_saphyr::to_string(&r).expect("a register serialises");
        prop_assert_eq!(&without_spans(load("r.yaml", yaml)?), &r);
        let json = serde_json::to_string_pretty(&r).expect("a register serialises");
        prop_assert_eq!(&without_spans(load("r.json", json)?), &r);
    }

    /// The same register gives the same decisions on every run, whatever order its flows are
    /// listed in, and no decision stops a binding flow.
    #[test]
    fn audit_decisions_are_deterministic_order_free_and_safe(
        (r, shuffled) in a_register(12).prop_flat_map(|r| {
            let flows = Just(r.flows.clone()).prop_shuffle();
            (Just(r), flows)
        })
    ) {
        let first = outcomes(&r);
        prop_assert_eq!(&first, &outcomes(&r));
        let reordered = Register { flows: shuffled, ..r.clone() };
        prop_assert_eq!(&first, &outcomes(&reordered));
        for d in policy::evaluate(&policy::builtin(), &r, date()) {
            let flow = r.flows.iter().find(|f| f.id == d.flow).expect("decision names a flow");
            prop_assert!(
                flow.known_voluntary() || !d.outcome.stops_flow(),
                "{} ({:?}) was given {:?}", flow.id, flow.obligation, d.outcome
            );
        }
    }
}

/// One renderer with the built-in templates, shared by the letter property's cases.
fn renderer() -> Arc<Renderer> {
    static RENDERER: std::sync::OnceLock<Arc<Renderer>> = std::sync::OnceLock::new();
    RENDERER
        .get_or_init(|| {
            let sources = templates::resolve(None).expect("built-in templates");
            Arc::new(Renderer::new(sources).expect("built-in templates compile"))
        })
        .clone()
}

fn letter_pdf(r: &Register, options: PdfOptions) -> Vec<u8> {
    let policy = policy::builtin();
    let decisions = policy::evaluate(&policy, r, date());
    let letter_options = LetterOptions {
        kind: LetterKind::Enquiry,
        date: date(),
        reply_days: 28,
        reference: None,
        previous_date: None,
        previous_reference: None,
        omit_supplier_names: false,
    };
    let letter = renderer()
        .render(
            r,
            &decisions,
            &policy,
            gpdata::catalogue::Catalogue::builtin(),
            &letter_options,
        )
        .expect("a valid register renders");
    pdf::render(&letter, options).expect("a valid letter becomes a PDF")
}

proptest! {
    // Each case typesets three letters; a few dozen cases cover the layout paths.
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A letter is byte-identical when rendered again, after another practice's letter, and in
    /// another thread: nothing in the PDF depends on what the process did before.
    #[test]
    fn letters_are_byte_identical_across_runs(r in a_register(8), other in a_register(3), tagged in any::<bool>()) {
        let options = PdfOptions { tagged, pdfa: false };
        let first = letter_pdf(&r, options);
        let _ = letter_pdf(&other, options);
        let again = letter_pdf(&r, options);
        prop_assert!(first == again, "the second rendering differs");
        let threaded = {
            let r = r.clone();
            std::thread::Builder::new()
                .stack_size(gpdata::limits::WORKER_STACK)
                .spawn(move || letter_pdf(&r, options))
                .expect("a thread starts")
                .join()
                .expect("the thread finishes")
        };
        prop_assert!(first == threaded, "the rendering in another thread differs");
    }
}

/// The shape of a letter without its words: each block's kind, each list's items and each
/// table's rows and columns, before and after the signature.
fn shape(letter: &gpdata::letter::Letter) -> Vec<String> {
    use gpdata::letter::model::Block;
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for b in blocks {
            match b {
                Block::Heading(level, _) => out.push(format!("h{level}")),
                Block::Paragraph(_) => out.push("p".into()),
                Block::List { start, items } => {
                    out.push(format!("list({start:?}, {})", items.len()));
                    for item in items {
                        out.push("item".into());
                        walk(item, out);
                    }
                }
                Block::Table { header, rows } => {
                    let widths: Vec<usize> = rows.iter().map(Vec::len).collect();
                    out.push(format!("table({}, {widths:?})", header.len()));
                }
            }
        }
    }
    let mut out = vec![format!("subject: {}", !letter.subject.is_empty())];
    walk(&letter.body, &mut out);
    out.push("signature".into());
    walk(&letter.annex, &mut out);
    out
}

/// Text that would change a Markdown document's structure if it were pasted in unescaped.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = select(vec![
        "\n- Summary Care Record (NHS England)",
        "\n\n# A heading",
        "\n1. numbered",
        "1. numbered",
        "- bullet",
        "+ plus",
        "* star",
        "a | b | c",
        "\n===\n",
        "\n---\n",
        "Tom &amp; Jerry &nbsp; &copy;",
        "<b>bold</b> <!-- annex -->",
        "**strong** _em_ `code` ~~gone~~",
        "[link](https://example.org) ![img](x.png)",
        "> quoted",
        "    indented code",
        "back\\slash",
        "{{ practice.name }} {% if true %}x{% endif %}",
        "\r\nWindows\r\n",
        "tab\there",
        "line\u{2028}separator",
        "NUL\u{0}bell\u{7}",
        "```\nfenced\n```",
        "Ysbyty Gwynedd ŵŷ £12,000",
    ]);
    proptest::collection::vec(pieces, 1..4).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// No register text can change a letter's structure: the sample register with hostile text
    /// in every field a letter prints gives a letter of the same shape as with plain words, for
    /// the same decisions.
    #[test]
    fn no_register_text_changes_the_letters_structure(evil in hostile(), kind in select(vec![LetterKind::Enquiry, LetterKind::FollowUp])) {
        let text = std::fs::read_to_string(common::path("registers/westbourne.yaml")).unwrap();
        let base = validate::load(SourceFile::new("w.yaml", text), date()).register.unwrap();
        let policy = policy::builtin();
        let decisions = policy::evaluate(&policy, &base, date());
        let with = |words: &str| {
            let mut r = base.clone();
            r.practice.name = words.to_string();
            r.practice.address = vec![words.to_string(), "W2 5XW".into()];
            r.practice.provider = Some(words.to_string());
            r.icb.name = words.to_string();
            r.icb.address = vec![words.to_string()];
            for f in &mut r.flows {
                f.name = words.to_string();
                f.recipient = words.to_string();
                f.platform = f.platform.as_ref().map(|_| words.to_string());
                f.processors = f.processors.iter().map(|_| words.to_string()).collect();
                f.agreement.reference = f.agreement.reference.as_ref().map(|_| words.to_string());
                if let Some(c) = &mut f.agreement.counterparty {
                    c.name = words.to_string();
                }
                f.obligation_reference = f.obligation_reference.as_ref().map(|_| words.to_string());
            }
            let options = LetterOptions {
                kind,
                date: date(),
                reply_days: 28,
                reference: None,
                previous_date: Some(jiff::civil::date(2026, 5, 14)),
                previous_reference: None,
                omit_supplier_names: false,
            };
            renderer()
                .render(&r, &decisions, &policy, gpdata::catalogue::Catalogue::builtin(), &options)
                .expect("the letter renders")
        };
        let plain = with("plain words");
        let hostile = with(&evil);
        prop_assert_eq!(shape(&plain), shape(&hostile), "text {:?}", evil);
    }
}
