//! Synthetic registers for benchmarks and tests: valid, varied and realistic, the same text for
//! the same seed.
//!
//! Each register has 30 to 60 flows drawn from archetypes of the real flows a practice has
//! (national collections, GP Connect, shared care records, ICB software, research, requests),
//! with names, recipients, dates and references varied. Across a handful of registers every
//! value of every enumeration is used: each flow takes one field from a rotation through all of
//! that field's values, so the rules engine sees every combination class, not only the common
//! ones.

//!
//! Shared by the tests, the benchmarks and `examples/synth.rs` with `#[path]`, as
//! `fuzz/checks.rs` is: it is test support, not part of gpdata's library.

#![allow(dead_code)]

use std::fmt::Write;

use gpdata::register::Choice;
use gpdata::register::{
    AgreementStatus, Article6, Article9, Confidentiality, DataForm, Dpia, Dspt, IcbRole, Mechanism,
    Obligation, OnwardAccess, OptOutHandling, Prompts, Purpose, Schedule1, Stage, YesNo,
};

/// A small deterministic generator (SplitMix64): the same seed gives the same registers on
/// every machine, which a benchmark needs and a cryptographic generator would not add to.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One kind of real flow: what it is and its usual facts.
struct Archetype {
    id: &'static str,
    name: &'static str,
    recipients: &'static [&'static str],
    purpose: Purpose,
    data: DataForm,
    article_6: Article6,
    article_9: Article9,
    confidentiality: Confidentiality,
    obligation: Obligation,
    status: AgreementStatus,
    mechanism: Mechanism,
}

macro_rules! archetypes {
    ($( $id:literal, $name:literal, [$($r:literal),+], $p:ident, $d:ident, $a6:ident, $a9:ident,
        $c:ident, $o:ident, $s:ident, $m:ident; )*) => {
        &[$(Archetype {
            id: $id,
            name: $name,
            recipients: &[$($r),+],
            purpose: Purpose::$p,
            data: DataForm::$d,
            article_6: Article6::$a6,
            article_9: Article9::$a9,
            confidentiality: Confidentiality::$c,
            obligation: Obligation::$o,
            status: AgreementStatus::$s,
            mechanism: Mechanism::$m,
        },)*]
    };
}

const ARCHETYPES: &[Archetype] = archetypes![
    "gpes-qof", "QOF payment extract", ["NHS England"],
        Secondary, Aggregate, LegalObligation, HealthOrSocialCare, Statutory, Contractual, None, Gpes;
    "diabetes-audit", "National Diabetes Audit extract", ["NHS England"],
        Secondary, Identifiable, LegalObligation, HealthOrSocialCare, Statutory, Statutory, None, Gpes;
    "gpdpr", "General practice data for planning and research", ["NHS England"],
        Secondary, Pseudonymised, LegalObligation, HealthOrSocialCare, Statutory, Statutory, None, Gpes;
    "appointments-data", "GP appointments data", ["NHS England"],
        Secondary, Pseudonymised, LegalObligation, HealthOrSocialCare, Statutory, Statutory, None, Gpes;
    "summary-care-record", "Summary Care Record", ["NHS England"],
        DirectCare, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Contractual, None, Spine;
    "gp2gp", "GP2GP record transfer", ["the receiving practice"],
        DirectCare, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Contractual, None, Spine;
    "gp-connect-access", "GP Connect Access Record", ["NHS 111", "the local hospital trust"],
        DirectCare, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Contractual, Active, GpConnectAccess;
    "gp-connect-appointments", "GP Connect appointment booking", ["NHS 111"],
        DirectCare, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Contractual, Active, GpConnectAppointments;
    "update-record-pharmacy", "Pharmacy First consultation write-back", ["community pharmacies"],
        DirectCare, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Contractual, Active, GpConnectUpdateRecord;
    "community-write-access", "Community unit entries into the shared record", ["the community trust"],
        DirectCare, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Voluntary, Proposed, ClinicalSystemSharing;
    "shared-care-record", "Shared care record", ["the integrated care system"],
        Mixed, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Voluntary, Active, SharedCareRecord;
    "population-health", "Population health management extract", ["the ICB", "the ICB's analytics supplier"],
        Secondary, Pseudonymised, PublicTask, HealthOrSocialCare, Section251, Voluntary, Active, ThirdPartyExtract;
    "risk-stratification", "Risk stratification", ["the ICB"],
        Mixed, Pseudonymised, PublicTask, HealthOrSocialCare, Section251, Voluntary, Expired, ThirdPartyExtract;
    "medicines-optimisation", "ICB medicines optimisation software", ["the ICB medicines team"],
        Secondary, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, Voluntary, Active, MedicinesOptimisationSoftware;
    "in-situ-search", "Searches run inside the clinical system", ["the primary care network"],
        Mixed, Identifiable, PublicTask, HealthOrSocialCare, ImpliedConsent, LocallyCommissioned, Active, InSituAnalytics;
    "research-extract", "University cohort study extract", ["a university research group"],
        Secondary, Pseudonymised, PublicTask, Research, Section251, Voluntary, Proposed, ThirdPartyExtract;
    "trial-recruitment", "Clinical trial recruitment searches", ["a research network"],
        Secondary, Identifiable, PublicTask, Research, ExplicitConsent, Voluntary, Active, InSituAnalytics;
    "safeguarding", "Safeguarding referrals", ["the local authority"],
        DirectCare, Identifiable, LegalObligation, SubstantialPublicInterest, PublicInterest, Professional, None, Email;
    "insurance-reports", "Insurance medical reports", ["insurers on request"],
        Secondary, Identifiable, Consent, ExplicitConsent, ExplicitConsent, Voluntary, None, Manual;
    "solicitor-requests", "Solicitors' requests for records", ["solicitors on request"],
        Secondary, Identifiable, Consent, LegalClaims, ExplicitConsent, Voluntary, None, Mesh;
    "fit-notes", "Fit note anonymous extract", ["NHS England for DWP"],
        Secondary, Anonymised, LegalObligation, NotApplicable, NotConfidential, Statutory, None, Gpes;
    "dwp-requests", "Benefit claim evidence", ["the Department for Work and Pensions"],
        Secondary, Identifiable, LegalObligation, EmploymentSocialSecurity, Statutory, Statutory, None, Manual;
    "covid-vaccine-events", "Vaccination events", ["the regional vaccination service"],
        DirectCare, Identifiable, PublicTask, PublicHealth, CopiRegulation3, Contractual, Ended, Other;
    "emergency-disclosure", "Emergency disclosures to ambulance crews", ["the ambulance trust"],
        DirectCare, Identifiable, VitalInterests, VitalInterests, PublicInterest, Professional, None, Manual;
    "patient-app", "Patient-facing app record access", ["an app supplier"],
        DirectCare, Identifiable, Contract, HealthOrSocialCare, ExplicitConsent, Voluntary, Active, ClinicalSystemSharing;
    "benchmarking", "Practice benchmarking dashboard", ["a commercial analytics company"],
        Secondary, Aggregate, LegitimateInterests, NotApplicable, NotConfidential, Voluntary, Unknown, ThirdPartyExtract;
    "service-evaluation", "Service evaluation for the PCN", ["the primary care network"],
        Secondary, Pseudonymised, RecognisedLegitimateInterests, HealthOrSocialCare, Section251, LocallyCommissioned, Active, Unknown;
    "legacy-extract", "Legacy extract nobody can explain", ["unknown recipient"],
        Unknown, Unknown, Unknown, Unknown, Unknown, Unknown, Unknown, Unknown;
];

const PLACES: &[&str] = &[
    "Riverside",
    "Westbourne",
    "Fellside",
    "Ashgrove",
    "Beacon",
    "Castlegate",
    "Millbrook",
    "Northgate",
    "Oakfield",
    "Priory",
    "Queensway",
    "Rosemount",
    "St Anne’s",
    "Thornbury",
    "Valley",
    "Willowbank",
    "Yewtree",
    "Brynmawr",
    "Çelik Road",
    "Dunmore",
];
const KINDS: &[&str] = &[
    "Medical Centre",
    "Surgery",
    "Health Centre",
    "Family Practice",
    "Group Practice",
];
const TOWNS: &[(&str, &str)] = &[
    ("Kingston upon Hull", "HU"),
    ("Leeds", "LS"),
    ("Preston", "PR"),
    ("Bristol", "BS"),
    ("Norwich", "NR"),
    ("Exeter", "EX"),
    ("Carlisle", "CA"),
    ("Leicester", "LE"),
];
const ICBS: &[(&str, &str)] = &[
    (
        "NHS Humber and North Yorkshire Integrated Care Board",
        "QOQ",
    ),
    (
        "NHS Lancashire and South Cumbria Integrated Care Board",
        "QE1",
    ),
    ("NHS West Yorkshire Integrated Care Board", "QWO"),
    (
        "NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board",
        "QUY",
    ),
    (
        "NHS Cornwall and the Isles of Scilly Integrated Care Board",
        "QT6",
    ),
    ("NHS Devon Integrated Care Board", "QJK"),
];
const PEOPLE: &[&str] = &[
    "Dr Amina Patel",
    "Dr Rhys Owen",
    "Dr Siobhán Kelly",
    "Dr Tomasz Nowak",
    "Dr Grace Mensah",
    "Dr Oliver Hughes",
    "Dr Zoë Clarke",
    "Dr Farhan Iqbal",
];

/// Every value of `T`, rotated by `i`, so consecutive flows walk through them all.
fn rotate<T: Choice>(i: usize) -> T {
    T::ALL[i % T::ALL.len()]
}

/// A YAML double-quoted scalar (register text may hold colons, quotes and apostrophes).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The register with number `index` of a set generated from `seed`: valid YAML in format v1.
pub fn register(seed: u64, index: usize) -> String {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let place = rng.pick(PLACES);
    let kind = rng.pick(KINDS);
    let (town, postcode) = rng.pick(TOWNS);
    let (icb, icb_code) = rng.pick(ICBS);
    let signatory = rng.pick(PEOPLE);
    let practice_code = format!(
        "{}{:05}",
        (b'A' + (index / 100_000 % 26) as u8) as char,
        index % 100_000
    );
    let mut out = String::with_capacity(24 * 1024);
    let _ = writeln!(
        out,
        "# Synthetic register {index} (seed {seed}), made by gpdata's bench tools."
    );
    let _ = writeln!(
        out,
        "register: 1\nreviewed: 2026-{:02}-{:02}",
        1 + rng.below(10),
        1 + rng.below(28)
    );
    let _ = writeln!(
        out,
        "practice:\n  name: {}",
        quoted(&format!("{place} {kind}"))
    );
    let _ = writeln!(out, "  ods_code: {practice_code}");
    let _ = writeln!(
        out,
        "  address:\n    - {} {place} Road\n    - {town}\n    - {postcode}{} {}AB",
        1 + rng.below(200),
        1 + rng.below(20),
        1 + rng.below(9)
    );
    let _ = writeln!(
        out,
        "  email: {}.practice@nhs.net",
        practice_code.to_lowercase()
    );
    let _ = writeln!(out, "  list_size: {}", 2_000 + rng.below(28_000));
    let _ = writeln!(out, "  lmc: {town} LMC");
    let _ = writeln!(
        out,
        "  signatory:\n    name: {}\n    role: Senior Partner",
        quoted(signatory)
    );
    let _ = writeln!(out, "icb:\n  name: {}\n  ods_code: {icb_code}", quoted(icb));
    let _ = writeln!(
        out,
        "  addressee:\n    role: Chief Executive\n  address:\n    - ICB Headquarters\n    - {town}"
    );
    let _ = writeln!(
        out,
        "  cc:\n    - ICB Data Protection Officer\n    - {town} LMC"
    );
    out.push_str("flows:\n");
    let count = 30 + rng.below(31);
    for i in 0..count {
        flow(&mut out, &mut rng, index * 61 + i, i);
    }
    out
}

/// Appends one flow: an archetype with one field rotated through all its values.
fn flow(out: &mut String, rng: &mut Rng, serial: usize, i: usize) {
    let a = rng.pick(ARCHETYPES);
    let mut purpose = a.purpose;
    let mut data = a.data;
    let mut article_6 = a.article_6;
    let mut article_9 = a.article_9;
    let mut confidentiality = a.confidentiality;
    let mut obligation = a.obligation;
    let mut status = a.status;
    let mut mechanism = a.mechanism;
    let mut national: OptOutHandling = rng
        .pick(&[OptOutHandling::Applied, OptOutHandling::NotApplicable])
        .to_owned();
    let mut type_1 = national;
    let mut schedule_1 = Schedule1::Unknown;
    let mut icb_role = IcbRole::Unknown;
    let mut stage = Stage::Unknown;
    let mut dpia = Dpia::Unknown;
    let mut dspt = Dspt::Unknown;
    let mut onward = OnwardAccess::Unknown;
    let mut prompts = Prompts::Unknown;
    let mut writes = YesNo::Unknown;
    // One field per flow walks through every value, so every value appears across a register set.
    let (slot, turn) = (serial % 18, serial / 18);
    match slot {
        0 => purpose = rotate(turn),
        1 => data = rotate(turn),
        2 => article_6 = rotate(turn),
        3 => article_9 = rotate(turn),
        4 => confidentiality = rotate(turn),
        5 => obligation = rotate(turn),
        6 => status = rotate(turn),
        7 => mechanism = rotate(turn),
        8 => national = rotate(turn),
        9 => type_1 = rotate(turn),
        10 => schedule_1 = rotate(turn),
        11 => icb_role = rotate(turn),
        12 => stage = rotate(turn),
        13 => dpia = rotate(turn),
        14 => dspt = rotate(turn),
        15 => onward = rotate(turn),
        16 => prompts = rotate(turn),
        _ => writes = rotate(turn),
    }
    // A mechanism that only one national flow uses makes the flow that flow, which no register
    // may call voluntary (gpdata refuses it), so such flows keep a binding obligation.
    if matches!(
        mechanism,
        Mechanism::GpConnectAccess
            | Mechanism::GpConnectUpdateRecord
            | Mechanism::GpConnectAppointments
            | Mechanism::InSituAnalytics
    ) && !obligation.is_binding()
    {
        obligation = Obligation::Contractual;
    }
    let recipient = rng.pick(a.recipients);
    let _ = writeln!(out, "  - id: {}-{}", a.id, i + 1);
    let _ = writeln!(
        out,
        "    name: {}",
        quoted(&format!("{} ({})", a.name, i + 1))
    );
    let _ = writeln!(out, "    recipient: {}", quoted(recipient));
    if rng.below(3) == 0 {
        let _ = writeln!(out, "    processors: [{}]", quoted("Example Analytics Ltd"));
    }
    let _ = writeln!(
        out,
        "    purpose: {}\n    data: {}",
        purpose.as_str(),
        data.as_str()
    );
    let _ = writeln!(
        out,
        "    legal_basis:\n      article_6: {}\n      article_9: {}\n      schedule_1: {}\n      confidentiality: {}",
        article_6.as_str(),
        article_9.as_str(),
        schedule_1.as_str(),
        confidentiality.as_str()
    );
    if rng.below(2) == 0 {
        let _ = writeln!(
            out,
            "      reference: {}",
            quoted("Direction and Data Provision Notice, 2024")
        );
    }
    let _ = writeln!(out, "    obligation: {}", obligation.as_str());
    if obligation.is_binding() {
        let _ = writeln!(
            out,
            "    obligation_reference: {}",
            quoted("GMS Contract Regulations 2015, Schedule 3")
        );
    }
    let _ = writeln!(out, "    agreement:\n      status: {}", status.as_str());
    if matches!(
        status,
        AgreementStatus::Active | AgreementStatus::Expired | AgreementStatus::Ended
    ) {
        let year = 2019 + rng.below(6);
        let _ = writeln!(out, "      reference: DSA-{year}-{:03}", rng.below(1000));
        let _ = writeln!(
            out,
            "      signed: {year}-{:02}-{:02}",
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let _ = writeln!(out, "      expires: {}-03-31", year + 3);
        let _ = writeln!(
            out,
            "      counterparty:\n        name: {}",
            quoted(recipient)
        );
    }
    let _ = writeln!(
        out,
        "    opt_outs: {{national: {}, type_1: {}}}",
        national.as_str(),
        type_1.as_str()
    );
    let _ = writeln!(out, "    mechanism: {}", mechanism.as_str());
    let _ = writeln!(
        out,
        "    icb_role: {}\n    stage: {}\n    dpia: {}\n    dspt: {}\n    onward_access: {}\n    prompts: {}\n    writes_to_record: {}",
        icb_role.as_str(),
        stage.as_str(),
        dpia.as_str(),
        dspt.as_str(),
        onward.as_str(),
        prompts.as_str(),
        writes.as_str()
    );
    if rng.below(4) == 0 {
        let _ = writeln!(
            out,
            "    notes: {}",
            quoted(
                "Reviewed at the practice meeting; the partners asked for the agreement “in full”."
            )
        );
    }
    out.push('\n');
}
