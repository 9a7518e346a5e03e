//! The catalogue: every entry cited, and the guards that keep a mislabelled register from ever
//! becoming advice to stop a flow that a statute or the contract requires.

mod common;

use common::*;
use gpdata::catalogue::Catalogue;
use gpdata::policy::{self, Outcome};
use gpdata::register::{Fact, MatchedBy, Obligation};
use gpdata::source::SourceFile;
use gpdata::validate::{self, Loaded};

const BASE: &str = "register: 1
practice: {name: P, ods_code: A12345, address: [X]}
icb: {name: I, ods_code: QOQ, address: [Y]}
flows:
";

fn load_flows(flows: &[String]) -> Loaded {
    let mut text = BASE.to_string();
    for f in flows {
        text.push_str(&format!("  - {{{f}}}\n"));
    }
    validate::load(SourceFile::new("t.yaml", text), date())
}

fn codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded.diags.iter().map(|d| d.code.as_str()).collect()
}

/// The built-in policy, read once.
fn builtin() -> &'static policy::Policy {
    static POLICY: std::sync::OnceLock<policy::Policy> = std::sync::OnceLock::new();
    POLICY.get_or_init(policy::builtin)
}

/// The outcome of every flow, or the register's errors.
fn outcomes(loaded: &Loaded) -> Result<Vec<Outcome>, String> {
    match &loaded.register {
        Some(r) => Ok(policy::evaluate(builtin(), r, date())
            .into_iter()
            .map(|d| d.outcome)
            .collect()),
        None => Err(gpdata::diag::render_short(&loaded.diags)),
    }
}

/// The catalogue's YAML is valid, and `catalogue/built-in.json` (what the binary reads) is
/// exactly what the YAML gives. After editing the YAML, run
/// `GPDATA_UPDATE_CATALOGUE=1 cargo test --test catalogue` to write it again.
#[test]
fn the_compiled_catalogue_is_what_the_yaml_says() {
    let (catalogue, diags) = Catalogue::from_yaml();
    let catalogue = catalogue.unwrap_or_else(|| {
        panic!(
            "the built-in catalogue has errors:\n{}",
            gpdata::diag::render_short(&diags)
        )
    });
    assert!(
        diags.is_empty(),
        "the built-in catalogue has warnings:\n{}",
        gpdata::diag::render_short(&diags)
    );
    let compiled = catalogue.to_compiled();
    let file = path("catalogue/built-in.json");
    if std::env::var_os("GPDATA_UPDATE_CATALOGUE").is_some() {
        std::fs::write(&file, &compiled).unwrap();
    }
    let stored = std::fs::read_to_string(&file).unwrap();
    assert!(
        stored == compiled,
        "catalogue/built-in.json is out of date; run GPDATA_UPDATE_CATALOGUE=1 cargo test --test catalogue"
    );
    // What the binary reads back is the catalogue itself.
    assert!(
        Catalogue::builtin().to_compiled() == compiled,
        "the binary's catalogue differs from catalogue/built-in.json; rebuild"
    );
}

#[test]
fn the_catalogue_has_at_least_thirty_entries_each_with_a_checked_source() {
    let catalogue = Catalogue::builtin();
    assert!(catalogue.entries.len() >= 30, "{}", catalogue.entries.len());
    for entry in &catalogue.entries {
        assert!(!entry.sources.is_empty(), "{} has no source", entry.id());
        for s in &entry.sources {
            assert!(
                s.url.starts_with("http://") || s.url.starts_with("https://"),
                "{}: {}",
                entry.id(),
                s.url
            );
            let real_today = jiff::Zoned::now().date();
            assert!(
                s.checked <= real_today && s.checked.year() >= 2026,
                "{}: checked {}",
                entry.id(),
                s.checked
            );
        }
        assert!(
            entry.flow.obligation != Obligation::Unknown || !entry.disputed.is_empty(),
            "{}: an unknown obligation must say why under `disputed`",
            entry.id()
        );
    }
    for icb in &catalogue.icbs.all {
        assert!(!icb.sources.is_empty(), "ICB {} has no source", icb.code);
    }
}

#[test]
fn the_catalogue_covers_the_national_flows_the_issue_names() {
    let catalogue = Catalogue::builtin();
    for id in [
        "gpes-qof-cqrs",
        "national-diabetes-audit",
        "learning-disabilities-data",
        "cvdprevent",
        "gdppr",
        "gp-data-consented-research",
        "gpdpr",
        "gp-appointments-data",
        "opensafely",
        "emed3-fit-notes",
        "nims",
        "cloud-based-telephony-data",
        "online-consultation-data",
        "summary-care-record",
        "eps",
        "e-referral-service",
        "gp2gp",
        "pds",
        "nhs-app-online-access",
        "gp-connect-access-record",
        "gp-connect-update-record",
        "gp-connect-appointments",
        "nhs-screening",
        "notifiable-diseases",
        "cqc-access",
        "cprd",
        "qresearch",
        "researchone",
        "opcrd",
        "research-network-searches",
    ] {
        assert!(catalogue.entry(id).is_some(), "no entry {id}");
    }
}

/// Every binding entry, however a register mislabels it, is never advised to stop: naming the
/// entry and calling it voluntary is an error, and a flow that only looks like it (by name, with
/// its recipient) is never stopped whatever its recorded obligation and agreement.
#[test]
fn no_binding_catalogue_flow_is_ever_advised_to_stop() {
    let catalogue = Catalogue::builtin();
    let mut checked = 0;
    for entry in catalogue.entries.iter().filter(|e| e.is_binding()) {
        let id = entry.id();
        // Named and left alone: inherits the binding obligation.
        let named = load_flows(&[format!("id: f, catalogue: {id}")]);
        let decided = outcomes(&named).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(!decided[0].stops_flow(), "{id} named: {:?}", decided[0]);
        assert_eq!(
            named.register.as_ref().unwrap().flows[0].obligation,
            entry.flow.obligation
        );
        // Named and called voluntary: an error citing the source.
        let contradicted = load_flows(&[format!("id: f, catalogue: {id}, obligation: voluntary")]);
        assert!(
            codes(&contradicted).contains(&"contradicts-catalogue"),
            "{id}: {:?}",
            codes(&contradicted)
        );
        let message = contradicted
            .diags
            .iter()
            .find(|d| d.code.as_str() == "contradicts-catalogue")
            .unwrap();
        assert!(
            message.help.as_deref().unwrap_or("").contains("source:"),
            "{id}: {message:?}"
        );
        // Looked like, by each of its names, under every mislabel.
        for name in entry.names() {
            for obligation in ["obligation: voluntary, ", "obligation: unknown, ", ""] {
                for status in ["active", "proposed", "none"] {
                    for purpose in ["secondary", "unknown"] {
                        let flow = format!(
                            "id: f, name: \"{}\", recipient: \"{}\", {obligation}purpose: {purpose}, agreement: {{status: {status}}}",
                            name.replace('"', "'"),
                            entry.flow.recipient.replace('"', "'")
                        );
                        let loaded = load_flows(std::slice::from_ref(&flow));
                        match outcomes(&loaded) {
                            Ok(o) => assert!(!o[0].stops_flow(), "{id}: {flow} -> {:?}", o[0]),
                            Err(e) => {
                                assert!(e.contains("contradicts-catalogue"), "{id}: {flow}: {e}")
                            }
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

/// The issue's new-user register: national flows recorded the way many practices think of
/// them. None may be advised to stop, and `check` must say which fact is wrong and why.
#[test]
fn national_flows_recorded_as_practices_think_of_them_get_no_stopping_advice() {
    let certain = load_flows(&[
        "id: update-record, name: Pharmacy updates to our records, recipient: Community pharmacies, mechanism: gp-connect-update-record, obligation: voluntary, purpose: direct-care".into(),
        "id: nhs-111, name: NHS 111 booking, recipient: NHS 111, mechanism: gp-connect-appointments, obligation: voluntary, agreement: {status: proposed}".into(),
    ]);
    let errors: Vec<_> = certain.diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 2, "{:#?}", certain.diags);
    for e in errors {
        assert_eq!(e.code.as_str(), "contradicts-catalogue");
        assert!(
            e.message.contains("required by the practice's contract"),
            "{}",
            e.message
        );
    }

    let probable = load_flows(&[
        "id: qof, name: QOF extraction, recipient: NHS England, mechanism: gpes, obligation: voluntary, purpose: secondary, agreement: {status: active}".into(),
        "id: gdppr, name: GDPPR, recipient: NHS England, purpose: secondary, agreement: {status: proposed, reference: DPN renewal}".into(),
        "id: cbt, name: Cloud Based Telephony Data Collection, recipient: NHS England, obligation: voluntary, purpose: secondary, agreement: {status: active}".into(),
        "id: opensafely, name: OpenSAFELY, recipient: NHS England, obligation: voluntary, purpose: secondary, agreement: {status: proposed}".into(),
        "id: scr, name: Summary Care Record, recipient: NHS England, obligation: voluntary, purpose: mixed, agreement: {status: active}".into(),
        "id: nda, name: National Diabetes Audit, recipient: NHS England, obligation: voluntary, purpose: secondary, agreement: {status: active}".into(),
        "id: extract, name: Practice extract, recipient: NHS England, mechanism: gpes, obligation: voluntary, purpose: secondary, agreement: {status: active}".into(),
        "id: cited, name: Local audit, recipient: NHS England, obligation: voluntary, obligation_reference: GMS Contract Regulations 2015, purpose: secondary, agreement: {status: active}".into(),
    ]);
    let decided = outcomes(&probable).expect("the register loads");
    assert!(decided.iter().all(|o| !o.stops_flow()), "{decided:?}");
    let register = probable.register.as_ref().unwrap();
    for flow in &register.flows {
        assert!(!flow.known_voluntary(), "{} is taken as voluntary", flow.id);
    }
    // Every one of them is named in a warning that says what to change.
    for flow in &register.flows {
        assert!(
            probable
                .diags
                .iter()
                .any(|d| d.message.contains(&format!("`{}`", flow.id))),
            "no warning names {}",
            flow.id
        );
    }
}

#[test]
fn a_flow_naming_an_entry_takes_its_facts_and_explain_says_where_they_came_from() {
    let loaded = load_flows(&["id: gdppr, catalogue: gdppr".into()]);
    let r = loaded.register.as_ref().expect("loads");
    let flow = &r.flows[0];
    assert_eq!(flow.obligation, Obligation::Statutory);
    assert!(!flow.name.is_empty());
    assert!(flow.derived.inherited.contains(&Fact::Obligation));
    assert_eq!(
        flow.derived.entry.as_ref().map(|e| e.by),
        Some(MatchedBy::Reference)
    );
    let d = policy::decide(builtin(), flow, date());
    assert_eq!(d.outcome, Outcome::Retain);
    let obligation = d
        .matches
        .iter()
        .flat_map(|m| &m.facts)
        .find(|f| f.field == "obligation")
        .expect("a rule used the obligation");
    assert_eq!(obligation.from_catalogue.as_deref(), Some("gdppr"));
}

#[test]
fn a_mistyped_entry_is_an_error_with_a_suggestion() {
    let loaded = load_flows(&["id: f, catalogue: gdpr".into()]);
    let d = loaded.diags.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(d.code.as_str(), "unknown-catalogue-entry");
    assert_eq!(d.help.as_deref(), Some("did you mean `gdppr`?"));
}

#[test]
fn catalogue_none_stops_a_match_by_name_but_not_by_mechanism() {
    let by_name = load_flows(&[
        "id: f, name: QOF pilot, recipient: University of X, catalogue: none, obligation: voluntary, purpose: secondary".into(),
    ]);
    assert!(
        !codes(&by_name).contains(&"catalogue-match"),
        "{:?}",
        codes(&by_name)
    );
    assert!(by_name.register.unwrap().flows[0].known_voluntary());
    let by_mechanism = load_flows(&[
        "id: f, name: Pharmacy writes, recipient: P, catalogue: none, mechanism: gp-connect-update-record, obligation: voluntary".into(),
    ]);
    assert!(codes(&by_mechanism).contains(&"contradicts-catalogue"));
}

#[test]
fn a_dpn_recorded_as_an_agreement_to_sign_is_warned_about() {
    let loaded = load_flows(&["id: gdppr, catalogue: gdppr, agreement: {status: proposed}".into()]);
    assert!(
        codes(&loaded).contains(&"notice-not-agreement"),
        "{:?}",
        codes(&loaded)
    );
    let decided = outcomes(&loaded).unwrap();
    assert_eq!(decided, vec![Outcome::Retain]);
}

#[test]
fn an_abolished_icb_is_named_with_its_successor_from_the_icb_data() {
    let text =
        BASE.replace("ods_code: QOQ", "ods_code: QRV") + "  - {id: f, name: F, recipient: R}\n";
    let loaded = validate::load(SourceFile::new("t.yaml", text), date());
    let d = loaded
        .diags
        .iter()
        .find(|d| d.code.as_str() == "abolished-icb")
        .expect("abolished-icb");
    assert!(d.message.contains("1 April 2026"), "{}", d.message);
    assert!(d.help.as_deref().unwrap().contains("Z9B2Z"), "{:?}", d.help);
    assert_eq!(d.span.unwrap().line, 3, "the caret is on the ICB's code");
}

#[test]
fn an_icb_code_gpdata_does_not_know_is_warned_about() {
    let text =
        BASE.replace("ods_code: QOQ", "ods_code: D4U1Y") + "  - {id: f, name: F, recipient: R}\n";
    let loaded = validate::load(SourceFile::new("t.yaml", text), date());
    assert!(
        codes(&loaded).contains(&"unknown-icb"),
        "{:?}",
        codes(&loaded)
    );
}

#[test]
fn a_local_catalogue_adds_entries_and_icbs_but_cannot_replace_a_national_entry() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |id: &str| {
        format!(
            "catalogue: 1
entries:
  - id: {id}
    name: Our shared care record
    recipient: Local partners
    purpose: direct-care
    obligation: voluntary
    applies_to: area
    sources:
      - {{title: LMC page, url: https://example.org/lmc, checked: 2026-11-01}}
"
        )
    };
    std::fs::write(dir.path().join("flows.yaml"), entry("local-care-record")).unwrap();
    std::fs::write(
        dir.path().join("icbs.yaml"),
        "icbs: 1
entries:
  - {code: Q99, name: NHS Test Integrated Care Board, from: 2022-07-01, sources: [s1]}
sources:
  s1: {title: A page, url: https://example.org/icb, checked: 2026-11-01}
",
    )
    .unwrap();
    let (catalogue, diags) = Catalogue::with_local(dir.path());
    assert!(diags.is_empty(), "{diags:?}");
    let catalogue = catalogue.unwrap();
    assert!(catalogue.entry("local-care-record").is_some());
    assert!(catalogue.entry("gdppr").is_some());
    assert!(catalogue.icbs.get("Q99").is_some());

    std::fs::write(dir.path().join("flows.yaml"), entry("gdppr")).unwrap();
    let (catalogue, diags) = Catalogue::with_local(dir.path());
    assert!(catalogue.is_none());
    assert_eq!(diags[0].code.as_str(), "duplicate-entry");

    // The CLI takes the folder on every command.
    std::fs::write(dir.path().join("flows.yaml"), entry("local-care-record")).unwrap();
    let register = dir.path().join("r.yaml");
    std::fs::write(
        &register,
        format!("{BASE}  - {{id: f, catalogue: local-care-record}}\n"),
    )
    .unwrap();
    gpdata()
        .args(["check", "--catalogue"])
        .arg(dir.path())
        .arg(&register)
        .assert()
        .success();
    gpdata().arg("check").arg(&register).assert().code(1);
}

#[test]
fn init_writes_every_national_flow_by_reference_and_the_schema_its_first_line_names() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("practice.yaml");
    gpdata()
        .args(["init", "--practice", "b82005", "--icb", "QOQ"])
        .arg(&register)
        .assert()
        .success();
    let text = std::fs::read_to_string(&register).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=gpdata.schema.json\n"));
    let schema = std::fs::read_to_string(dir.path().join("gpdata.schema.json")).unwrap();
    assert_eq!(schema, gpdata::register::schema());
    assert!(text.contains("ods_code: B82005"));
    assert!(text.contains("NHS Humber and North Yorkshire Integrated Care Board"));
    for entry in Catalogue::builtin().every_practice() {
        assert!(
            text.contains(&format!("catalogue: {}\n", entry.id())),
            "{} missing",
            entry.id()
        );
    }
    // It passes check (placeholders are warnings, never errors), and says what to replace.
    let out = gpdata()
        .args(["check", "--format", "short"])
        .arg(&register)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[placeholder-text]"));
    // Every national flow it lists is kept.
    let out = gpdata()
        .args(["audit", "--format", "json"])
        .arg(&register)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for flow in json["registers"][0]["flows"].as_array().unwrap() {
        assert_eq!(flow["outcome"], "retain", "{}", flow["id"]);
    }
    // It never overwrites, and refuses an abolished ICB, naming the successor.
    gpdata()
        .args(["init", "--practice", "B82005", "--icb", "QOQ"])
        .arg(&register)
        .assert()
        .code(2);
    let out = gpdata()
        .args(["init", "--practice", "B82005", "--icb", "QRV"])
        .arg(dir.path().join("other.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Z9B2Z"), "{}", stderr(&out));
}

#[test]
fn catalogue_list_show_and_icbs_print_what_gpdata_knows() {
    let out = gpdata().args(["catalogue", "list"]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("gp-connect-update-record"));
    let out = gpdata()
        .args(["catalogue", "show", "gp-connect-update-record"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("required by the practice's contract"),
        "{text}"
    );
    assert!(text.contains("Sources:\n- "), "{text}");
    let out = gpdata()
        .args(["catalogue", "list", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.as_array().unwrap().len() >= 30);
    let out = gpdata()
        .args(["catalogue", "show", "gdpr"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `gdppr`?"));
    let out = gpdata().args(["catalogue", "icbs"]).output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("QRV") && text.contains("abolished; now"),
        "{text}"
    );
}
