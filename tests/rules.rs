//! The built-in policy, rule by rule: a flow that fires each rule and a near miss that does
//! not; and the engine's invariant as a property test.

mod common;
#[path = "support/synth.rs"]
mod synth;

use common::*;
use gpdata::policy::{self, Outcome};
use gpdata::register::Register;
use gpdata::source::SourceFile;
use gpdata::validate;
use proptest::prelude::*;

const BASE: &str = "register: 1
practice: {name: P, ods_code: A12345, address: [X]}
icb: {name: I, ods_code: QOQ, address: [Y]}
flows:
";

fn register_with(flow: &str) -> Register {
    let text = format!("{BASE}  - {{id: f, name: F, recipient: R, {flow}}}\n");
    let loaded = validate::load(SourceFile::new("t.yaml", text), date());
    loaded
        .register
        .unwrap_or_else(|| panic!("{flow}: {:?}", loaded.diags))
}

fn matched(flow: &str) -> Vec<String> {
    let r = register_with(flow);
    policy::decide(&policy::builtin(), &r.flows[0], date())
        .matches
        .into_iter()
        .map(|m| m.rule)
        .collect()
}

/// (rule, a flow that fires it, a near miss that does not).
const CASES: &[(&str, &str, &str)] = &[
    (
        "switch-off-medicines-optimisation",
        "mechanism: medicines-optimisation-software, obligation: voluntary, prompts: mixed",
        "mechanism: medicines-optimisation-software, obligation: voluntary, prompts: safety",
    ),
    (
        "switch-off-voluntary-write-access",
        "writes_to_record: yes, obligation: voluntary, mechanism: clinical-system-sharing",
        "writes_to_record: yes, obligation: contractual, mechanism: clinical-system-sharing",
    ),
    (
        "withdraw-voluntary-secondary",
        "purpose: secondary, obligation: voluntary, agreement: {status: active}",
        "purpose: secondary, obligation: voluntary, agreement: {status: proposed}",
    ),
    (
        "freeze-new-secondary-use",
        "agreement: {status: proposed}, obligation: voluntary, purpose: secondary",
        "agreement: {status: proposed}, obligation: voluntary, purpose: direct-care",
    ),
    (
        "freeze-new-local-platform",
        "stage: proposed, obligation: voluntary, platform: NHS Federated Data Platform (ICB instance)",
        "stage: proposed, obligation: voluntary, platform: EMIS Web",
    ),
    (
        "query-new-direct-care-agreement",
        "purpose: direct-care, agreement: {status: proposed}",
        "purpose: direct-care, agreement: {status: active}",
    ),
    (
        "query-medicines-optimisation-safety",
        "mechanism: medicines-optimisation-software, obligation: voluntary, prompts: safety",
        "mechanism: medicines-optimisation-software, obligation: voluntary, prompts: savings",
    ),
    (
        "query-medicines-optimisation-les",
        "mechanism: medicines-optimisation-software, obligation: locally-commissioned",
        "mechanism: medicines-optimisation-software, obligation: voluntary",
    ),
    (
        "query-write-access",
        "writes_to_record: yes, obligation: unknown",
        "writes_to_record: no, obligation: unknown",
    ),
    (
        "query-voluntary-counts-only",
        "purpose: secondary, obligation: voluntary, data: aggregate",
        "purpose: secondary, obligation: voluntary, data: pseudonymised",
    ),
    (
        "query-mixed-purpose",
        "purpose: mixed",
        "purpose: mixed, obligation: statutory, obligation_reference: A direction",
    ),
    (
        "query-unknown-purpose",
        "purpose: unknown",
        "purpose: direct-care",
    ),
    (
        "query-unknown-obligation",
        "purpose: secondary, obligation: unknown",
        "purpose: direct-care, obligation: unknown",
    ),
    (
        "query-legal-basis-unknown",
        "purpose: secondary, legal_basis: {article_6: public-task, article_9: research, confidentiality: statutory}",
        "purpose: secondary, legal_basis: {article_6: public-task, article_9: research, schedule_1: research, confidentiality: statutory}",
    ),
    (
        "query-doubtful-article-6",
        "legal_basis: {article_6: recognised-legitimate-interests}",
        "legal_basis: {article_6: legitimate-interests}",
    ),
    (
        "query-implied-consent-for-secondary-use",
        "purpose: secondary, legal_basis: {confidentiality: implied-consent}",
        "purpose: direct-care, legal_basis: {confidentiality: implied-consent}",
    ),
    (
        "query-national-opt-out-section-251",
        "legal_basis: {confidentiality: section-251}, opt_outs: {national: not-applied}",
        "legal_basis: {confidentiality: section-251}, opt_outs: {national: applied}",
    ),
    (
        "query-national-opt-out-unknown",
        "purpose: secondary, obligation: voluntary, opt_outs: {national: unknown}",
        "purpose: secondary, obligation: statutory, opt_outs: {national: unknown}",
    ),
    (
        "query-type-1-not-honoured",
        "purpose: secondary, data: identifiable, opt_outs: {type_1: not-applied}",
        "purpose: secondary, data: aggregate, opt_outs: {type_1: not-applied}",
    ),
    (
        "query-expired-agreement",
        "agreement: {status: active, expires: 2026-01-01}",
        "agreement: {status: active, expires: 2027-01-01}",
    ),
    (
        "query-agreement-with-abolished-icb",
        "agreement: {counterparty: {name: Sussex, ods_code: QNX}}",
        "agreement: {counterparty: {name: Sussex}}",
    ),
    (
        "query-no-agreement",
        "purpose: secondary, obligation: voluntary, agreement: {status: none}",
        "purpose: secondary, obligation: statutory, agreement: {status: none}",
    ),
    (
        "query-ended-agreement",
        "purpose: secondary, agreement: {status: ended}",
        "purpose: direct-care, agreement: {status: ended}",
    ),
    (
        "query-dpia-not-held",
        "dpia: not-held, agreement: {status: active}",
        "dpia: held, agreement: {status: active}",
    ),
    ("query-dspt-not-met", "dspt: not-met", "dspt: met"),
    (
        "query-commercial-onward-access",
        "onward_access: commercial",
        "onward_access: research",
    ),
    (
        "retain-gp-connect-contract",
        "mechanism: gp-connect-access, obligation: contractual",
        "mechanism: gpes, obligation: contractual",
    ),
    (
        "retain-direct-care",
        "purpose: direct-care",
        "purpose: mixed",
    ),
    (
        "retain-statutory",
        "obligation: statutory",
        "obligation: contractual",
    ),
    (
        "retain-contractual",
        "obligation: locally-commissioned",
        "obligation: professional",
    ),
    (
        "retain-patient-request",
        "legal_basis: {confidentiality: explicit-consent}, obligation: voluntary, agreement: {status: none}",
        "legal_basis: {confidentiality: explicit-consent}, obligation: voluntary, agreement: {status: active}",
    ),
    (
        "retain-individual-disclosure",
        "legal_basis: {confidentiality: public-interest}, mechanism: manual, agreement: {status: none}",
        "legal_basis: {confidentiality: public-interest}, mechanism: third-party-extract, agreement: {status: none}",
    ),
    (
        "retain-consented-study",
        "legal_basis: {confidentiality: explicit-consent}, obligation: voluntary, agreement: {status: active}, purpose: secondary",
        "legal_basis: {confidentiality: explicit-consent}, obligation: voluntary, agreement: {status: none}, purpose: secondary",
    ),
    (
        "retain-professional-duty",
        "obligation: professional",
        "obligation: statutory",
    ),
];

#[test]
fn every_builtin_rule_fires_and_has_a_near_miss() {
    let policy = policy::builtin();
    for rule in &policy.rules {
        let case = CASES.iter().find(|(id, _, _)| *id == rule.id);
        let (_, fires, misses) =
            case.unwrap_or_else(|| panic!("no test case for rule {}", rule.id));
        assert!(
            matched(fires).contains(&rule.id),
            "{} should fire on {{{fires}}}",
            rule.id
        );
        assert!(
            !matched(misses).contains(&rule.id),
            "{} should not fire on {{{misses}}}",
            rule.id
        );
    }
    assert_eq!(
        CASES.len(),
        policy.rules.len(),
        "a case names a rule that no longer exists"
    );
}

#[test]
fn a_flow_no_rule_matches_is_unclassified() {
    let (p, _) = policy::load_text(
        "p.yaml",
        "policy: p\nrules:\n  - {id: r, title: T, when: {purpose: mixed}, action: query, rationale: R}\n",
    );
    let r = register_with("purpose: secondary");
    let d = policy::decide(&p.unwrap(), &r.flows[0], date());
    assert_eq!(d.outcome, Outcome::Unclassified);
}

#[test]
fn a_custom_rule_cannot_stop_a_statutory_flow() {
    let (p, diags) = policy::load_text(
        "p.yaml",
        "policy: p\nrules:\n  - {id: r, title: T, when: {purpose: secondary}, action: withdraw, rationale: R}\n",
    );
    assert!(diags.iter().any(|d| d.code.as_str() == "unsafe-rule"));
    let r = register_with("purpose: secondary, obligation: statutory");
    let d = policy::decide(&p.unwrap(), &r.flows[0], date());
    assert_eq!(d.outcome, Outcome::Query);
    assert!(d.capped);
}

fn word<'a>(words: &'a [&'static str]) -> impl Strategy<Value = &'static str> + 'a {
    proptest::sample::select(words.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The invariant: whatever the facts, the built-in policy never stops a flow that is not
    /// known to be voluntary: binding, unrecorded, or recorded as voluntary against its own
    /// obligation_reference or a national route only binding flows use.
    #[test]
    fn no_decision_stops_a_flow_not_known_voluntary(
        obligation in word(&[
            "obligation: statutory",
            "obligation: contractual",
            "obligation: locally-commissioned",
            "obligation: professional",
            "obligation: unknown",
            "purpose: secondary",
            "obligation: voluntary, obligation_reference: GMS contract Schedule 3",
            "obligation: voluntary, mechanism: gpes",
        ]),
        purpose in word(&["direct-care", "secondary", "mixed", "unknown"]),
        mechanism in word(&["gpes", "medicines-optimisation-software", "third-party-extract", "clinical-system-sharing", "unknown"]),
        status in word(&["active", "proposed", "expired", "ended", "none", "unknown"]),
        conf in word(&["implied-consent", "explicit-consent", "section-251", "unknown"]),
        national in word(&["applied", "not-applied", "unknown"]),
        extra in word(&["stage: proposed", "writes_to_record: yes", "prompts: savings", "platform: NHS Federated Data Platform", "dpia: not-held"]),
    ) {
        // The obligation's own line may name a mechanism; the flow's other mechanism is then left out.
        let mechanism = if obligation.contains("mechanism") { String::new() } else { format!("mechanism: {mechanism}, ") };
        let purpose = if obligation.starts_with("purpose") { String::new() } else { format!("purpose: {purpose}, ") };
        let flow = format!("{obligation}, {purpose}{mechanism}{extra}, agreement: {{status: {status}, counterparty: {{name: X, ods_code: QRV}}}}, legal_basis: {{confidentiality: {conf}}}, opt_outs: {{national: {national}}}");
        let r = register_with(&flow);
        let d = policy::decide(&policy::builtin(), &r.flows[0], date());
        prop_assert!(!d.outcome.stops_flow(), "{flow} -> {:?}", d.outcome);
    }

    /// Decisions do not depend on the order of flows in the register.
    #[test]
    fn decisions_are_independent_of_flow_order(seed in 0usize..1000) {
        let text = std::fs::read_to_string(path("registers/westbourne.yaml")).unwrap();
        let r = validate::load(SourceFile::new("w.yaml", text), date()).register.unwrap();
        let mut shuffled = r.clone();
        let n = shuffled.flows.len();
        shuffled.flows.rotate_left(seed % n);
        shuffled.flows.swap(0, (seed * 7) % n);
        let p = policy::builtin();
        let by_id = |reg: &Register| {
            let mut v: Vec<(String, Outcome)> = policy::evaluate(&p, reg, date()).into_iter().map(|d| (d.flow, d.outcome)).collect();
            v.sort();
            v
        };
        prop_assert_eq!(by_id(&r), by_id(&shuffled));
    }
}

#[test]
fn sample_registers_round_trip_through_the_loader() {
    // JSON is YAML: writing a register out with serde and reading it back must give the same
    // register, which holds the loader to the schema's field names.
    for name in ["riverside", "westbourne", "fellside"] {
        let text = std::fs::read_to_string(path(&format!("registers/{name}.yaml"))).unwrap();
        let r = validate::load(SourceFile::new("r.yaml", text), date())
            .register
            .unwrap();
        let json = serde_json::to_string_pretty(&r).unwrap();
        let back = validate::load(SourceFile::new("r.json", json), date())
            .register
            .unwrap();
        let strip = |mut r: Register| {
            r.icb.code_span = Default::default();
            for f in &mut r.flows {
                f.spans.clear();
                f.span = Default::default();
                // Facts a flow took from its catalogue entry are written out, so they read back
                // as stated: the values must agree, where they came from need not.
                f.derived.inherited.clear();
            }
            r
        };
        assert_eq!(strip(r), strip(back), "{name}");
    }
}

/// Every `path=value` pair of the flow facts' enumerations that none of `registers` uses
/// (values taken from a catalogue entry count, and so does `unknown` where a fact is left out).
fn unused_values(registers: &[Register]) -> Vec<String> {
    use gpdata::register::facts::{FACTS, Kind};
    let mut seen = std::collections::HashSet::new();
    for f in registers.iter().flat_map(|r| &r.flows) {
        for d in FACTS {
            if let Kind::Words { .. } = d.kind {
                seen.insert(format!("{}={}", d.path, f.get(d.fact).display()));
            }
        }
    }
    FACTS
        .iter()
        .filter_map(|d| match d.kind {
            Kind::Words { words, .. } => Some(words.iter().map(move |w| format!("{}={w}", d.path))),
            _ => None,
        })
        .flatten()
        .filter(|pair| !seen.contains(pair))
        .collect()
}

#[test]
fn sample_registers_use_every_enumeration_value() {
    let registers: Vec<Register> = ["riverside", "westbourne", "fellside"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(path(&format!("registers/{name}.yaml"))).unwrap();
            validate::load(SourceFile::new("r.yaml", text), date())
                .register
                .unwrap()
        })
        .collect();
    let missing = unused_values(&registers);
    assert!(missing.is_empty(), "sample registers never use {missing:?}");
}

#[test]
fn the_same_seed_gives_the_same_synthetic_register() {
    assert_eq!(synth::register(7, 3), synth::register(7, 3));
    assert_ne!(synth::register(7, 3), synth::register(7, 4));
    assert_ne!(synth::register(7, 3), synth::register(8, 3));
}

/// The benchmark's synthetic registers are valid, 30 to 60 flows long, and a handful of them
/// use every value of every enumeration, so benchmarks exercise every rule class.
#[test]
fn synthetic_registers_are_valid_varied_and_cover_every_value() {
    let mut registers = Vec::new();
    for index in 0..8 {
        let text = synth::register(2026, index);
        let loaded = validate::load(SourceFile::new(format!("synth-{index}.yaml"), text), date());
        let errors: Vec<_> = loaded.diags.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "synthetic register {index}: {errors:#?}");
        let r = loaded.register.unwrap();
        assert!(
            (30..=60).contains(&r.flows.len()),
            "{} flows",
            r.flows.len()
        );
        registers.push(r);
    }
    let names: std::collections::HashSet<_> =
        registers.iter().map(|r| r.practice.name.clone()).collect();
    assert!(names.len() > 4, "practice names barely vary: {names:?}");
    let missing = unused_values(&registers);
    assert!(
        missing.is_empty(),
        "synthetic registers never use {missing:?}"
    );
}

#[test]
fn a_rule_with_an_empty_title_is_an_error_not_silently_dropped() {
    let (policy, diags) = policy::load_text(
        "p.yaml",
        "policy: p\nrules:\n  - {id: a, title: \"\", when: {purpose: mixed}, action: query, rationale: R}\n",
    );
    assert!(policy.is_none());
    let d = diags
        .iter()
        .find(|d| d.code.as_str() == "missing-field")
        .expect("missing-field");
    assert_eq!(d.message, "`rules[1].title` is empty");
}

/// The decision and questions for one flow under the built-in policy.
fn decide(flow: &str) -> gpdata::policy::Decision {
    let r = register_with(flow);
    policy::decide(&policy::builtin(), &r.flows[0], date())
}

// Each rule change of December 2026, named after the guidance it follows (review/domain.md).

#[test]
fn update_record_recorded_as_voluntary_is_refused_never_switched_off_bma_gp_connect_dec_2025() {
    let text = format!(
        "{BASE}  - {{id: f, name: F, recipient: R, mechanism: gp-connect-update-record, obligation: voluntary}}\n"
    );
    let loaded = validate::load(SourceFile::new("t.yaml", text), date());
    assert!(loaded.register.is_none());
    assert!(
        loaded
            .diags
            .iter()
            .any(|d| d.code.as_str() == "contradicts-catalogue")
    );
}

#[test]
fn a_medicines_safety_tool_is_queried_not_switched_off_bma_focus_on_mo_software_june_2026() {
    let safety = decide(
        "mechanism: medicines-optimisation-software, obligation: voluntary, prompts: safety",
    );
    assert_eq!(safety.outcome, Outcome::Query);
    let savings = decide(
        "mechanism: medicines-optimisation-software, obligation: voluntary, prompts: savings",
    );
    assert_eq!(savings.outcome, Outcome::SwitchOff);
}

#[test]
fn an_agreement_with_an_abolished_icb_is_queried_not_frozen_nhs_act_2006_s14z28() {
    let d = decide(
        "purpose: direct-care, obligation: voluntary, agreement: {status: active, counterparty: {name: NWL, ods_code: QRV}}",
    );
    assert_eq!(d.outcome, Outcome::Query);
    assert_eq!(
        d.decided_by.as_deref(),
        Some("query-agreement-with-abolished-icb")
    );
    assert!(
        d.matches.iter().all(
            |m| m.rationale.contains("14Z28") || m.rule != "query-agreement-with-abolished-icb"
        )
    );
}

#[test]
fn a_new_direct_care_agreement_is_queried_not_frozen_bma_how_to_take_part_may_2026() {
    let d = decide("purpose: direct-care, obligation: voluntary, agreement: {status: proposed}");
    assert_eq!(d.outcome, Outcome::Query);
    let secondary =
        decide("purpose: secondary, obligation: voluntary, agreement: {status: proposed}");
    assert_eq!(secondary.outcome, Outcome::Freeze);
}

#[test]
fn onboarding_to_an_icb_fdp_instance_is_frozen_without_an_agreement_bma_2024_menu_item_4() {
    let text = format!(
        "{BASE}  - {{id: f, name: FDP onboarding, recipient: NHS Example ICB, purpose: unknown, obligation: voluntary, platform: NHS Federated Data Platform, agreement: {{status: none}}}}\n"
    );
    let r = validate::load(SourceFile::new("t.yaml", text), date())
        .register
        .unwrap();
    let d = policy::decide(&policy::builtin(), &r.flows[0], date());
    assert_eq!(d.outcome, Outcome::Freeze, "{:?}", d.matches);
}

#[test]
fn a_flow_the_law_requires_with_its_reference_raises_no_gap_questions_ndoo_operational_policy() {
    let d = decide(
        "purpose: mixed, obligation: statutory, obligation_reference: Health Protection (Notification) Regulations 2010, data: identifiable, opt_outs: {national: unknown, type_1: unknown}",
    );
    assert_eq!(d.outcome, Outcome::Retain);
    assert!(d.questions.is_empty(), "{:?}", d.questions);
    let retain = d
        .matches
        .iter()
        .find(|m| m.rule == "retain-statutory")
        .unwrap();
    assert!(
        retain
            .rationale
            .contains("Health Protection (Notification) Regulations 2010"),
        "retain-statutory quotes the flow's own reference: {}",
        retain.rationale
    );
}

#[test]
fn legitimate_interests_are_queried_for_nhs_bodies_not_charities_uk_gdpr_article_6_1() {
    let r = |recipient: &str| {
        let text = format!(
            "{BASE}  - {{id: f, name: F, recipient: {recipient}, purpose: secondary, legal_basis: {{article_6: legitimate-interests}}}}\n"
        );
        let r = validate::load(SourceFile::new("t.yaml", text), date())
            .register
            .unwrap();
        policy::decide(&policy::builtin(), &r.flows[0], date())
            .matches
            .into_iter()
            .map(|m| m.rule)
            .collect::<Vec<_>>()
    };
    assert!(r("NHS Example ICB").contains(&"query-doubtful-article-6".to_string()));
    assert!(!r("Asthma Research Charity").contains(&"query-doubtful-article-6".to_string()));
    let ea =
        decide("purpose: direct-care, legal_basis: {article_6: recognised-legitimate-interests}");
    assert!(
        ea.matches
            .iter()
            .any(|m| m.rule == "query-doubtful-article-6")
    );
}

#[test]
fn a_consented_study_with_an_active_agreement_is_kept_not_unclassified() {
    let d = decide(
        "purpose: secondary, obligation: voluntary, legal_basis: {article_6: consent, article_9: explicit-consent, schedule_1: not-needed, confidentiality: explicit-consent}, agreement: {status: active}, opt_outs: {national: not-applicable, type_1: not-applicable}",
    );
    assert_eq!(d.outcome, Outcome::Retain, "{:?}", d.matches);
    assert_eq!(d.decided_by.as_deref(), Some("retain-consented-study"));
}

#[test]
fn write_access_by_another_organisation_is_queried_or_switched_off_llr_lmc_2026() {
    let unknown =
        decide("writes_to_record: yes, mechanism: clinical-system-sharing, purpose: direct-care");
    assert_eq!(unknown.outcome, Outcome::Query);
    let voluntary = decide(
        "writes_to_record: yes, mechanism: clinical-system-sharing, purpose: direct-care, obligation: voluntary",
    );
    assert_eq!(voluntary.outcome, Outcome::SwitchOff);
}
