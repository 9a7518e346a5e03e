//! The built-in policy, rule by rule: a flow that fires each rule and a near miss that does
//! not; and the engine's invariant as a property test.

mod common;

use common::*;
use gpdata::policy::{self, Outcome};
use gpdata::register::{self, Register};
use gpdata::source::SourceFile;
use proptest::prelude::*;

const BASE: &str = "register: 1
practice: {name: P, ods_code: A12345, address: [X]}
icb: {name: I, ods_code: QOQ, address: [Y]}
flows:
";

fn register_with(flow: &str) -> Register {
    let text = format!("{BASE}  - {{id: f, name: F, recipient: R, {flow}}}\n");
    let loaded = register::load(SourceFile::new("t.yaml", text), date());
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
        "mechanism: medicines-optimisation-software, obligation: voluntary",
        "mechanism: medicines-optimisation-software, obligation: locally-commissioned",
    ),
    (
        "switch-off-voluntary-update-record",
        "mechanism: gp-connect-update-record, obligation: voluntary",
        "mechanism: gp-connect-update-record, obligation: contractual",
    ),
    (
        "withdraw-voluntary-secondary",
        "purpose: secondary, obligation: voluntary, agreement: {status: active}",
        "purpose: secondary, obligation: voluntary, agreement: {status: proposed}",
    ),
    (
        "freeze-new-voluntary-agreement",
        "agreement: {status: proposed}, obligation: voluntary",
        "agreement: {status: proposed}, obligation: statutory",
    ),
    (
        "freeze-resigning-after-merger",
        "agreement: {status: active, counterparty: {name: NWL, ods_code: QRV}}, obligation: voluntary",
        "agreement: {status: active, counterparty: {name: HNY, ods_code: QOQ}}, obligation: voluntary",
    ),
    (
        "query-medicines-optimisation-les",
        "mechanism: medicines-optimisation-software, obligation: locally-commissioned",
        "mechanism: medicines-optimisation-software, obligation: voluntary",
    ),
    (
        "query-update-record-obligation",
        "mechanism: gp-connect-update-record, obligation: unknown",
        "mechanism: gp-connect-update-record, obligation: contractual",
    ),
    (
        "query-mixed-purpose",
        "purpose: mixed",
        "purpose: secondary",
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
        "purpose: secondary, legal_basis: {article_6: public-task, article_9: unknown, confidentiality: statutory}",
        "purpose: secondary, legal_basis: {article_6: public-task, article_9: research, confidentiality: statutory}",
    ),
    (
        "query-doubtful-article-6",
        "purpose: secondary, legal_basis: {article_6: legitimate-interests}",
        "purpose: secondary, legal_basis: {article_6: public-task}",
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
        "retain-gp-connect-contract",
        "mechanism: gp-connect-access, obligation: contractual",
        "mechanism: gp-connect-access, obligation: voluntary",
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

    /// The invariant: whatever the facts, the built-in policy never stops a binding flow.
    #[test]
    fn no_decision_stops_a_binding_flow(
        purpose in word(&["direct-care", "secondary", "mixed", "unknown"]),
        obligation in word(&["statutory", "contractual", "locally-commissioned", "professional"]),
        mechanism in word(&["gpes", "gp-connect-update-record", "medicines-optimisation-software", "third-party-extract", "unknown"]),
        status in word(&["active", "proposed", "expired", "ended", "none", "unknown"]),
        conf in word(&["implied-consent", "explicit-consent", "section-251", "unknown"]),
        national in word(&["applied", "not-applied", "unknown"]),
    ) {
        let flow = format!("purpose: {purpose}, obligation: {obligation}, mechanism: {mechanism}, agreement: {{status: {status}, counterparty: {{name: X, ods_code: QRV}}}}, legal_basis: {{confidentiality: {conf}}}, opt_outs: {{national: {national}}}");
        let r = register_with(&flow);
        let d = policy::decide(&policy::builtin(), &r.flows[0], date());
        prop_assert!(!d.outcome.stops_flow(), "{flow} -> {:?}", d.outcome);
    }

    /// Decisions do not depend on the order of flows in the register.
    #[test]
    fn decisions_are_independent_of_flow_order(seed in 0usize..1000) {
        let text = std::fs::read_to_string(path("registers/westbourne.yaml")).unwrap();
        let r = register::load(SourceFile::new("w.yaml", text), date()).register.unwrap();
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
        let r = register::load(SourceFile::new("r.yaml", text), date())
            .register
            .unwrap();
        let json = serde_json::to_string_pretty(&r).unwrap();
        let back = register::load(SourceFile::new("r.json", json), date())
            .register
            .unwrap();
        let strip = |mut r: Register| {
            for f in &mut r.flows {
                f.spans.clear();
                f.span = Default::default();
            }
            r
        };
        assert_eq!(strip(r), strip(back), "{name}");
    }
}

/// Every `field=value` pair of the register's enumerations that none of `registers` uses.
fn unused_values(registers: &[Register]) -> Vec<String> {
    use gpdata::register::Choice;
    use gpdata::register::*;
    fn all<T: Choice>(field: &str) -> Vec<String> {
        T::ALL
            .iter()
            .map(|v| format!("{field}={}", v.as_str()))
            .collect()
    }
    let mut seen = std::collections::HashSet::new();
    for f in registers.iter().flat_map(|r| &r.flows) {
        for (field, word) in [
            ("purpose", f.purpose.as_str()),
            ("data", f.data.as_str()),
            ("obligation", f.obligation.as_str()),
            ("mechanism", f.mechanism.as_str()),
            ("status", f.agreement.status.as_str()),
            ("national", f.opt_outs.national.as_str()),
            ("type_1", f.opt_outs.type_1.as_str()),
            ("article_6", f.legal_basis.article_6.as_str()),
            ("article_9", f.legal_basis.article_9.as_str()),
            ("confidentiality", f.legal_basis.confidentiality.as_str()),
        ] {
            seen.insert(format!("{field}={word}"));
        }
    }
    [
        all::<Purpose>("purpose"),
        all::<DataForm>("data"),
        all::<Obligation>("obligation"),
        all::<Mechanism>("mechanism"),
        all::<AgreementStatus>("status"),
        all::<OptOutHandling>("national"),
        all::<OptOutHandling>("type_1"),
        all::<Article6>("article_6"),
        all::<Article9>("article_9"),
        all::<Confidentiality>("confidentiality"),
    ]
    .concat()
    .into_iter()
    .filter(|pair| !seen.contains(pair))
    .collect()
}

#[test]
fn sample_registers_use_every_enumeration_value() {
    let registers: Vec<Register> = ["riverside", "westbourne", "fellside"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(path(&format!("registers/{name}.yaml"))).unwrap();
            register::load(SourceFile::new("r.yaml", text), date())
                .register
                .unwrap()
        })
        .collect();
    let missing = unused_values(&registers);
    assert!(missing.is_empty(), "sample registers never use {missing:?}");
}

/// The benchmark's synthetic registers are valid, 30 to 60 flows long, and a handful of them
/// use every value of every enumeration, so benchmarks exercise every rule class.
#[test]
fn synthetic_registers_are_valid_varied_and_cover_every_value() {
    let mut registers = Vec::new();
    for index in 0..8 {
        let text = gpdata::synth::register(2026, index);
        let loaded = register::load(SourceFile::new(format!("synth-{index}.yaml"), text), date());
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
