//! The validated register: the types every later stage works with.
//!
//! These types are also the single source of the JSON Schema (`gpdata schema`), so the schema
//! cannot drift from what the loader accepts; a round-trip test holds the loader to it.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::choice::choice;
use super::facts::Fact;
use crate::source::Span;

choice! {
    /// Why the data leaves the practice.
    Purpose, "purpose" {
        /// Care of the individual patient.
        DirectCare = "direct-care" => "direct care",
        /// Anything else: planning, commissioning, research, audit, payment.
        Secondary = "secondary" => "secondary use (not direct care)",
        /// One flow that carries both.
        Mixed = "mixed" => "both direct care and secondary use",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not recorded",
    }
}

choice! {
    /// How identifiable the data is when it leaves.
    DataForm, "data form" {
        /// Names, NHS numbers, addresses or dates of birth.
        Identifiable = "identifiable" => "identifiable",
        /// Identifiers replaced by a pseudonym that can be reversed by someone.
        Pseudonymised = "pseudonymised" => "pseudonymised",
        /// Irreversibly stripped of identifiers (ICO standard).
        Anonymised = "anonymised" => "anonymised",
        /// Counts and totals only.
        Aggregate = "aggregate" => "aggregate counts",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not recorded",
    }
}

choice! {
    /// The UK GDPR Article 6 lawful basis.
    Article6, "Article 6 basis" {
        /// 6(1)(a).
        Consent = "consent" => "consent (Article 6(1)(a))",
        /// 6(1)(b).
        Contract = "contract" => "contract with the data subject (Article 6(1)(b))",
        /// 6(1)(c).
        LegalObligation = "legal-obligation" => "legal obligation (Article 6(1)(c))",
        /// 6(1)(d).
        VitalInterests = "vital-interests" => "vital interests (Article 6(1)(d))",
        /// 6(1)(e).
        PublicTask = "public-task" => "public task (Article 6(1)(e))",
        /// 6(1)(ea), added by the Data (Use and Access) Act 2025.
        RecognisedLegitimateInterests = "recognised-legitimate-interests" => "recognised legitimate interests (Article 6(1)(ea))",
        /// 6(1)(f).
        LegitimateInterests = "legitimate-interests" => "legitimate interests (Article 6(1)(f))",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not stated",
    }
}

choice! {
    /// The UK GDPR Article 9 condition for health data.
    Article9, "Article 9 condition" {
        /// 9(2)(a).
        ExplicitConsent = "explicit-consent" => "explicit consent (Article 9(2)(a))",
        /// 9(2)(b).
        EmploymentSocialSecurity = "employment-social-security" => "employment and social security law (Article 9(2)(b))",
        /// 9(2)(c).
        VitalInterests = "vital-interests" => "vital interests (Article 9(2)(c))",
        /// 9(2)(f).
        LegalClaims = "legal-claims" => "legal claims (Article 9(2)(f))",
        /// 9(2)(g).
        SubstantialPublicInterest = "substantial-public-interest" => "substantial public interest (Article 9(2)(g))",
        /// 9(2)(h).
        HealthOrSocialCare = "health-or-social-care" => "health or social care (Article 9(2)(h))",
        /// 9(2)(i).
        PublicHealth = "public-health" => "public health (Article 9(2)(i))",
        /// 9(2)(j).
        Research = "research" => "archiving, research or statistics (Article 9(2)(j))",
        /// Anonymised or aggregate data is not special category data.
        NotApplicable = "not-applicable" => "not needed (no special category data)",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not stated",
    }
}

choice! {
    /// The common-law duty of confidentiality basis.
    Confidentiality, "confidentiality basis" {
        /// Reasonable expectation within the direct care team.
        ImpliedConsent = "implied-consent" => "implied consent (direct care)",
        /// The patient agreed in terms.
        ExplicitConsent = "explicit-consent" => "explicit consent",
        /// Section 251 NHS Act 2006 support on CAG advice (COPI Regulations 2 and 5).
        Section251 = "section-251" => "section 251 support (NHS Act 2006)",
        /// A statutory gateway, such as a direction and Data Provision Notice.
        Statutory = "statutory" => "a statutory requirement",
        /// COPI Regulation 3 (communicable disease and public health).
        CopiRegulation3 = "copi-regulation-3" => "COPI Regulation 3 (public health)",
        /// Overriding public interest, decided case by case.
        PublicInterest = "public-interest" => "overriding public interest",
        /// Anonymised or aggregate data falls outside the duty.
        NotConfidential = "not-confidential" => "not confidential (anonymised or aggregate)",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not stated",
    }
}

choice! {
    /// The Data Protection Act 2018 Schedule 1 condition that goes with an Article 9(2)(b), (g),
    /// (h), (i) or (j) condition (DPA 2018 section 10).
    Schedule1, "Schedule 1 condition" {
        /// Part 1, paragraph 1.
        EmploymentSocialSecurity = "employment-social-security" => "employment, social security and social protection (DPA 2018 Schedule 1 paragraph 1)",
        /// Part 1, paragraph 2.
        HealthOrSocialCare = "health-or-social-care" => "health or social care purposes (DPA 2018 Schedule 1 paragraph 2)",
        /// Part 1, paragraph 3.
        PublicHealth = "public-health" => "public health (DPA 2018 Schedule 1 paragraph 3)",
        /// Part 1, paragraph 4.
        Research = "research" => "archiving, research and statistics (DPA 2018 Schedule 1 paragraph 4)",
        /// Part 2, paragraph 6.
        StatutoryPurposes = "statutory-purposes" => "statutory and government purposes (DPA 2018 Schedule 1 paragraph 6)",
        /// Part 2, paragraph 10.
        PreventingCrime = "preventing-crime" => "preventing or detecting unlawful acts (DPA 2018 Schedule 1 paragraph 10)",
        /// Part 2, paragraph 18.
        Safeguarding = "safeguarding" => "safeguarding of children and of individuals at risk (DPA 2018 Schedule 1 paragraph 18)",
        /// Article 9(2)(a), (c) or (f), or no special category data: no Schedule 1 condition is needed.
        NotNeeded = "not-needed" => "none needed",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not stated",
    }
}

choice! {
    /// The ICB's part in a flow.
    IcbRole, "ICB role" {
        /// The ICB decides why and how the data is used.
        Controller = "controller" => "controller",
        /// The ICB decides with others.
        JointController = "joint-controller" => "joint controller",
        /// The ICB processes the data for another controller.
        Processor = "processor" => "processor",
        /// The ICB commissions or arranges the flow but does not receive the data.
        Commissioner = "commissioner" => "commissioner (arranges the flow without receiving the data)",
        /// A national or third-party flow the ICB has no part in.
        None = "none" => "not involved",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// Where a flow stands: proposed to the practice, flowing, or stopped.
    Stage, "stage" {
        /// The practice is asked to start it; no data flows yet (e.g. onboarding to a platform).
        Proposed = "proposed" => "proposed, not yet flowing",
        /// Data flows.
        Live = "live" => "live",
        /// Data no longer flows.
        Stopped = "stopped" => "stopped",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// Whether a data protection impact assessment covers the flow.
    Dpia, "DPIA status" {
        /// The practice holds a copy.
        Held = "held" => "held by the practice",
        /// There is none, or the practice has not seen one.
        NotHeld = "not-held" => "not held",
        /// The practice has asked for it.
        Requested = "requested" => "requested",
        /// The processing does not need one (UK GDPR Article 35).
        NotNeeded = "not-needed" => "not needed",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// The recipient's latest Data Security and Protection Toolkit status.
    Dspt, "DSPT status" {
        /// Standards Exceeded.
        Exceeded = "exceeded" => "Standards Exceeded",
        /// Standards Met.
        Met = "met" => "Standards Met",
        /// Approaching Standards.
        Approaching = "approaching" => "Approaching Standards",
        /// Standards Not Met.
        NotMet = "not-met" => "Standards Not Met",
        /// No assessment published.
        NotPublished = "not-published" => "not published",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// Who else the recipient lets have or use the data.
    OnwardAccess, "onward access" {
        /// Nobody.
        None = "none" => "no onward disclosure",
        /// Other NHS and care bodies.
        Nhs = "nhs" => "other NHS and care bodies",
        /// Researchers (academic or charitable).
        Research = "research" => "researchers",
        /// Commercial organisations.
        Commercial = "commercial" => "commercial organisations",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// What medicines optimisation software's prompts are for.
    Prompts, "prompt purpose" {
        /// Cheaper alternatives, formulary switches, prescribing targets.
        Savings = "savings" => "savings and formulary switches",
        /// Medication safety alerts (interactions, monitoring, high-risk combinations).
        Safety = "safety" => "patient safety alerts",
        /// Both kinds.
        Mixed = "mixed" => "both savings and safety prompts",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// Yes, no, or not known.
    YesNo, "yes or no" {
        /// Yes.
        Yes = "yes" => "yes",
        /// No.
        No = "no" => "no",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// What, if anything, obliges the practice to share.
    Obligation, "obligation" {
        /// A statute, direction and Data Provision Notice, court order or legal duty.
        Statutory = "statutory" => "required by statute",
        /// The GMS/PMS/APMS contract, its regulations, or a directed enhanced service.
        Contractual = "contractual" => "required by the practice's contract",
        /// A locally commissioned service (LES/LIS) the practice signed up to.
        LocallyCommissioned = "locally-commissioned" => "required by a locally commissioned service the practice signed",
        /// A professional duty, such as safeguarding.
        Professional = "professional" => "a professional duty",
        /// The practice chose to share and may stop.
        Voluntary = "voluntary" => "voluntary",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not established",
    }
}

impl Obligation {
    /// True where stopping the flow would breach a statute, a contract or a professional duty.
    pub fn is_binding(self) -> bool {
        matches!(
            self,
            Obligation::Statutory
                | Obligation::Contractual
                | Obligation::LocallyCommissioned
                | Obligation::Professional
        )
    }
}

choice! {
    /// Where the data sharing agreement stands.
    AgreementStatus, "agreement status" {
        /// Signed and in force.
        Active = "active" => "active",
        /// The practice has been asked to sign and has not.
        Proposed = "proposed" => "proposed, not signed",
        /// Past its end date.
        Expired = "expired" => "expired",
        /// Ended by either side.
        Ended = "ended" => "ended",
        /// Data flows with no agreement on file.
        None = "none" => "no agreement on file",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// How an opt-out is handled for a flow.
    OptOutHandling, "opt-out handling" {
        /// Opted-out patients are excluded.
        Applied = "applied" => "applied",
        /// Opted-out patients are included.
        NotApplied = "not-applied" => "not applied",
        /// The opt-out does not cover this flow.
        NotApplicable = "not-applicable" => "not applicable",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

choice! {
    /// The technical route the data takes.
    Mechanism, "mechanism" {
        /// GP Extraction Service (national extracts under a DPN).
        Gpes = "gpes" => "GP Extraction Service",
        /// NHS Spine services (Summary Care Record, EPS).
        Spine = "spine" => "NHS Spine",
        /// GP Connect Access Record (others read the record).
        GpConnectAccess = "gp-connect-access" => "GP Connect Access Record",
        /// GP Connect Update Record (others write coded entries in).
        GpConnectUpdateRecord = "gp-connect-update-record" => "GP Connect Update Record",
        /// GP Connect Appointment Management (NHS 111 and hub booking).
        GpConnectAppointments = "gp-connect-appointments" => "GP Connect Appointment Management",
        /// A local shared care record.
        SharedCareRecord = "shared-care-record" => "shared care record",
        /// Clinical system record sharing (e.g. SystmOne sharing out/in).
        ClinicalSystemSharing = "clinical-system-sharing" => "clinical system record sharing",
        /// Software or an agent that extracts data for a third party.
        ThirdPartyExtract = "third-party-extract" => "third-party extract",
        /// Analysis run inside the clinical system supplier (e.g. OpenSAFELY).
        InSituAnalytics = "in-situ-analytics" => "analysis inside the clinical system",
        /// Prescribing decision support embedded by the ICB.
        MedicinesOptimisationSoftware = "medicines-optimisation-software" => "medicines optimisation software",
        /// Message Exchange for Social Care and Health, ITK, or Docman-style transfer.
        Mesh = "mesh" => "MESH or document transfer",
        /// Secure email (NHSmail).
        Email = "email" => "secure email",
        /// Forms, letters or manual searches by staff.
        Manual = "manual" => "manual disclosure",
        /// Anything else; say what in the notes.
        Other = "other" => "another route",
        /// Not yet established.
        #[default]
        Unknown = "unknown" => "not known",
    }
}

/// A practice data-flow register (format version 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "gpdata register", deny_unknown_fields)]
pub struct Register {
    /// Format version; must be 1.
    pub register: u32,
    /// When the register was last reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub reviewed: Option<Date>,
    /// The practice that holds the data (the data controller).
    pub practice: Practice,
    /// The Integrated Care Board the letter goes to.
    pub icb: Icb,
    /// Every flow of patient data that leaves the practice.
    #[serde(default)]
    pub flows: Vec<Flow>,
}

/// The practice: letterhead and signature facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Practice {
    /// The practice's name as it appears on its letterhead.
    pub name: String,
    /// ODS code: one letter and five digits, e.g. B82005.
    #[schemars(with = "super::shapes::PracticeCode")]
    pub ods_code: String,
    /// Postal address, one line per item, postcode last (one line with commas is split at them).
    #[schemars(with = "super::shapes::Address")]
    pub address: Vec<String>,
    /// Email address for replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Telephone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Registered patients (lets letters say how many people a flow touches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_size: Option<u32>,
    /// Who holds the practice's contract, which decides how letters speak for it.
    #[serde(default)]
    pub contractor: Contractor,
    /// The contract holder's own name when it is not the practice's (a company or a named
    /// partnership), e.g. "Westbourne Health Ltd".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// How many of the practice's patients have registered each opt-out, so letters can say how
    /// many a flow that ignores one overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_outs: Option<PracticeOptOuts>,
    /// The Local Medical Committee, copied into letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lmc: Option<String>,
    /// The practice's own Data Protection Officer, copied into letters (often a different person
    /// from the ICB's, even where the ICB provides the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpo: Option<String>,
    /// Who signs letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatory: Option<Person>,
}

choice! {
    /// Who holds the practice's contract.
    Contractor, "contractor" {
        /// A partnership of GPs (and sometimes others).
        Partnership = "partnership" => "a partnership",
        /// One GP alone.
        SingleHanded = "single-handed" => "a single-handed contractor",
        /// A company, such as an APMS provider.
        Company = "company" => "a company",
        /// Not stated.
        #[default]
        Unknown = "unknown" => "not stated",
    }
}

/// How many of the practice's patients have registered each opt-out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PracticeOptOuts {
    /// Patients with a National Data Opt-out (NHS England publishes the count by GP practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national: Option<u32>,
    /// Patients with a Type 1 objection recorded in the practice's clinical system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_1: Option<u32>,
    /// The day the counts are for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub as_of: Option<Date>,
    /// Where the counts come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A named person who signs letters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Person {
    /// Full name as signed, e.g. "Dr Amina Patel".
    pub name: String,
    /// Role under the name, e.g. "Senior Partner, on behalf of the partners".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// Who the letter is addressed to at the ICB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Addressee {
    /// Title without full stops: Dr, Mr, Mrs, Ms, Mx, Prof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Full name; with a name the letter closes "Yours sincerely", without "Yours faithfully".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Surname for the salutation ("Dear Dr Okafor"), when the name's last word is not it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// Role, e.g. "Chief Clinical Information Officer".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// The Integrated Care Board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Icb {
    /// Full name, e.g. "NHS Humber and North Yorkshire Integrated Care Board".
    pub name: String,
    /// ODS code: 3 characters (ICBs of July 2022) or 5 (ICBs created 1 April 2026).
    #[schemars(with = "super::shapes::IcbCode")]
    pub ods_code: String,
    /// Where the ODS code is written in the register.
    #[serde(skip)]
    #[schemars(skip)]
    pub code_span: Span,
    /// The person or role the letter is addressed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressee: Option<Addressee>,
    /// Postal address, one line per item (one line with commas is split at them).
    #[schemars(with = "super::shapes::Address")]
    pub address: Vec<String>,
    /// Email address the letter is also sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Who receives copies (e.g. the ICB Data Protection Officer, the LMC).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "super::shapes::Lines")]
    pub cc: Vec<String>,
}

/// One flow of patient data out of the practice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Flow {
    /// Short id, unique in the register: lower-case letters, digits and hyphens.
    #[schemars(with = "super::shapes::FlowId")]
    pub id: String,
    /// The catalogue entry this flow is, when it is a national or listed flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::shapes::FlowId>")]
    pub catalogue: Option<String>,
    /// What the flow is called.
    pub name: String,
    /// Who receives the data (the controller on the other side).
    pub recipient: String,
    /// Processors acting for the recipient.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "super::shapes::Lines")]
    pub processors: Vec<String>,
    /// The platform the data lands on, e.g. "NHS Federated Data Platform".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The ICB's part in the flow.
    #[serde(default)]
    pub icb_role: IcbRole,
    /// Direct care, secondary use, or both.
    #[serde(default)]
    pub purpose: Purpose,
    /// How identifiable the data is.
    #[serde(default)]
    pub data: DataForm,
    /// The legal basis claimed for the flow.
    #[serde(default)]
    pub legal_basis: LegalBasis,
    /// What obliges the practice to share, if anything.
    #[serde(default)]
    pub obligation: Obligation,
    /// The statute, direction or contract clause that makes the flow obligatory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation_reference: Option<String>,
    /// Whether data flows yet.
    #[serde(default)]
    pub stage: Stage,
    /// The data sharing agreement.
    #[serde(default)]
    pub agreement: Agreement,
    /// The data protection impact assessment.
    #[serde(default)]
    pub dpia: Dpia,
    /// The recipient's Data Security and Protection Toolkit status.
    #[serde(default)]
    pub dspt: Dspt,
    /// Who else gets or uses the data.
    #[serde(default)]
    pub onward_access: OnwardAccess,
    /// How long the recipient keeps the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// How opt-outs are honoured.
    #[serde(default)]
    pub opt_outs: OptOuts,
    /// The technical route.
    #[serde(default)]
    pub mechanism: Mechanism,
    /// For medicines optimisation software: what its prompts are for.
    #[serde(default)]
    pub prompts: Prompts,
    /// Whether another organisation can write into the practice's records through the flow.
    #[serde(default)]
    pub writes_to_record: YesNo,
    /// Anything else a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Where the flow's mapping starts in the register.
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    /// Where each fact was written in the register; a fact left out has no span.
    #[serde(skip)]
    #[schemars(skip)]
    pub spans: BTreeMap<Fact, Span>,
    /// Facts gpdata works out from the written ones (see [`Derived`]).
    #[serde(skip)]
    #[schemars(skip)]
    pub derived: Derived,
}

/// Facts about a flow that gpdata works out at load time rather than reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Derived {
    /// The agreement's counterparty has the ODS code of an ICB abolished by the audit date.
    pub counterparty_abolished: bool,
    /// The catalogue entry the flow is, and how gpdata knows.
    pub entry: Option<Recognised>,
    /// Facts taken from the catalogue entry the flow names, because the register does not state
    /// them (or states `unknown`).
    pub inherited: Vec<super::facts::Fact>,
    /// Why gpdata does not take a flow recorded as voluntary at its word, when it does not.
    pub doubt: Option<Doubt>,
    /// Facts taken from replies in the practice's correspondence record, because neither the
    /// register nor the catalogue states them.
    pub from_record: Vec<FromRecord>,
}

/// A fact a reply established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromRecord {
    /// The fact.
    pub fact: super::facts::Fact,
    /// The reply's date.
    pub date: jiff::civil::Date,
    /// The record file, and where in it the fact is written.
    pub file: String,
    /// Where in the record.
    pub span: Span,
}

/// A catalogue entry a flow was matched to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// The entry's id.
    pub entry: String,
    /// How.
    pub by: MatchedBy,
}

/// How gpdata matched a flow to a catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The register names the entry (`catalogue: ID`).
    Reference,
    /// Only that entry uses the flow's mechanism (GP Connect Update Record, say): certain.
    Mechanism,
    /// The flow's name matches one of the entry's names: probable.
    Name,
}

/// Why a flow recorded as voluntary might not be: gpdata then never advises stopping it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// Its `obligation_reference` cites something that would oblige the practice.
    Reference(String),
    /// A catalogue entry it names or looks like says a statute or the contract requires it.
    Catalogue {
        /// The entry's id.
        entry: String,
        /// What the entry says obliges the practice.
        obligation: Obligation,
    },
    /// Every catalogue entry that uses its mechanism is required by statute or contract.
    Mechanism(Mechanism),
}

impl Flow {
    /// True only for a flow recorded as voluntary that nothing gpdata knows contradicts: the only
    /// flows a policy may advise withdrawing, freezing or switching off.
    pub fn known_voluntary(&self) -> bool {
        self.obligation == Obligation::Voluntary && self.derived.doubt.is_none()
    }
}

/// The legal basis of a flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LegalBasis {
    /// UK GDPR Article 6 lawful basis.
    #[serde(default)]
    pub article_6: Article6,
    /// UK GDPR Article 9 condition.
    #[serde(default)]
    pub article_9: Article9,
    /// DPA 2018 Schedule 1 condition.
    #[serde(default)]
    pub schedule_1: Schedule1,
    /// Common-law duty of confidentiality basis.
    #[serde(default)]
    pub confidentiality: Confidentiality,
    /// The direction, DPN, CAG reference or other citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The data sharing agreement behind a flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Agreement {
    /// Whether an agreement is in force.
    #[serde(default)]
    pub status: AgreementStatus,
    /// The agreement's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// When the practice signed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub signed: Option<Date>,
    /// When it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub expires: Option<Date>,
    /// The other party to the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::shapes::Party>")]
    pub counterparty: Option<Counterparty>,
}

/// The other party to an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Counterparty {
    /// Organisation name.
    pub name: String,
    /// ODS code, if known (lets gpdata spot ICBs abolished in April 2026).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ods_code: Option<String>,
}

/// Opt-out handling for a flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OptOuts {
    /// The National Data Opt-out.
    #[serde(default)]
    pub national: OptOutHandling,
    /// The Type 1 (GP) opt-out.
    #[serde(default)]
    pub type_1: OptOutHandling,
}
