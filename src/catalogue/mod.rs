//! What gpdata knows of its own: a cited catalogue of the national and contractual flows every
//! English practice shares, and the ICBs with their merger history.
//!
//! Both are YAML files in `catalogue/` embedded in the binary and read with the same diagnostics
//! as registers. An LMC can add its area's local flows and ICB changes with `--catalogue DIR`
//! (`DIR/flows.yaml`, `DIR/icbs.yaml`); a local entry can add to the national ones but never
//! replace one, so no local file can relabel a statutory flow as voluntary.

pub mod entry;
pub mod icbs;

use crate::files;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::diag::{self, Code, Diagnostic};
use crate::reader::{self, FileDiagnostics};
use crate::register::{MatchedBy, Mechanism, Purpose};
use crate::source::SourceFile;
use crate::source::display_path;
use crate::suggest;
use crate::yaml::{Node, Value};

pub use entry::{Entry, EntryStatus, Scope, Source};
pub use icbs::{Icb, Icbs};

/// The built-in flows file.
pub const FLOWS_TEXT: &str = include_str!("../../catalogue/flows.yaml");
/// The built-in ICB file.
pub const ICBS_TEXT: &str = include_str!("../../catalogue/icbs.yaml");
/// The two files above as read, stored as JSON (`catalogue/built-in.json`): reading it takes a
/// fraction of a millisecond, where reading the YAML with its checks took a quarter of a single
/// letter's time. A test keeps it equal to what the YAML gives.
pub const COMPILED: &str = include_str!("../../catalogue/built-in.json");

/// Everything gpdata knows: catalogue entries and ICBs.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Catalogue {
    /// Entries, national first, then any local ones.
    pub entries: Vec<Entry>,
    /// ICBs.
    pub icbs: Icbs,
}

impl Catalogue {
    /// The catalogue built into gpdata, read once from its compiled form. Its validity and its
    /// equality with the YAML are tested, so a failure here is a bug.
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            serde_json::from_str(COMPILED).unwrap_or_else(|e| {
                panic!("internal error: catalogue/built-in.json does not read: {e}")
            })
        })
    }

    /// The built-in catalogue read from its YAML files, with every diagnostic: the source of
    /// `catalogue/built-in.json`.
    pub fn from_yaml() -> (Option<Catalogue>, Vec<Diagnostic>) {
        let (flows, mut diags) = read_flows(SourceFile::new(
            "catalogue/flows.yaml (built in)",
            FLOWS_TEXT,
        ));
        let (icbs, more) = read_icbs(SourceFile::new("catalogue/icbs.yaml (built in)", ICBS_TEXT));
        diags.extend(more);
        let catalogue = match (flows, icbs) {
            (Some(entries), Some(icbs)) if !diags.iter().any(Diagnostic::is_error) => {
                Some(Catalogue { entries, icbs })
            }
            _ => None,
        };
        (catalogue, diags)
    }

    /// The catalogue as `catalogue/built-in.json` holds it.
    pub fn to_compiled(&self) -> String {
        let mut text = serde_json::to_string(self).expect("the catalogue serialises");
        text.push('\n');
        text
    }

    /// The built-in catalogue with a local folder's entries and ICBs added. Every diagnostic is
    /// returned; the catalogue only when there are no errors.
    pub fn with_local(dir: &Path) -> (Option<Catalogue>, Vec<Diagnostic>) {
        let mut catalogue = Catalogue::builtin().clone();
        let mut diags = Vec::new();
        let flows = dir.join("flows.yaml");
        let icbs = dir.join("icbs.yaml");
        if !dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    Code::UnreadableFile,
                    format!(
                        "the catalogue folder `{}` is not a folder",
                        display_path(dir)
                    ),
                )
                .with_file_name(&display_path(dir))
                .with_help("give a folder holding flows.yaml and/or icbs.yaml"),
            );
            return (None, diags);
        }
        if !flows.exists() && !icbs.exists() {
            diags.push(
                Diagnostic::error(
                    Code::UnreadableFile,
                    format!("the catalogue folder `{}` holds neither flows.yaml nor icbs.yaml", display_path(dir)),
                )
                .with_file_name(&display_path(dir))
                .with_help("put the area's local flows in flows.yaml (same format as `gpdata catalogue show --source`) and ICB changes in icbs.yaml"),
            );
            return (None, diags);
        }
        if flows.exists() {
            match files::read_source(&flows) {
                Ok(file) => {
                    let (entries, more) = read_flows(file.clone());
                    diags.extend(more);
                    for entry in entries.unwrap_or_default() {
                        if catalogue.entry(entry.id()).is_some() {
                            diags.push(
                                Diagnostic::error(
                                    Code::DuplicateEntry,
                                    format!(
                                        "the local entry `{}` has the id of an entry gpdata already has",
                                        entry.id()
                                    ),
                                )
                                .at(&file, entry.flow.span_of(crate::register::Fact::Id))
                                .with_help("give the local entry its own id; a local file adds flows but cannot change a national one"),
                            );
                        } else {
                            catalogue.entries.push(entry);
                        }
                    }
                }
                Err(d) => diags.push(*d),
            }
        }
        if icbs.exists() {
            match files::read_source(&icbs) {
                Ok(file) => {
                    let (local, more) = read_icbs(file);
                    diags.extend(more);
                    if let Some(local) = local {
                        catalogue.icbs.extend(local);
                    }
                }
                Err(d) => diags.push(*d),
            }
        }
        diag::sort(&mut diags);
        let ok = !diags.iter().any(Diagnostic::is_error);
        (ok.then_some(catalogue), diags)
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id() == id)
    }

    /// The entry id nearest to a mistyped `id`, for "did you mean".
    pub fn nearest(&self, id: &str) -> Option<&str> {
        suggest::closest(id, self.entries.iter().map(Entry::id))
    }

    /// The entry a flow that does not name one most plausibly is, and how sure gpdata is.
    ///
    /// A mechanism only one entry uses (and that is not a general route such as email) is
    /// certain; otherwise a name or other name of the entry appearing in the flow's name, as
    /// whole words, is probable, with the recipient breaking ties.
    pub fn recognise(
        &self,
        name: &str,
        recipient: &str,
        mechanism: Mechanism,
    ) -> Option<(&Entry, MatchedBy)> {
        if is_specific(mechanism) {
            let mut using = self
                .entries
                .iter()
                .filter(|e| e.flow.mechanism == mechanism);
            if let (Some(only), None) = (using.next(), using.next()) {
                return Some((only, MatchedBy::Mechanism));
            }
        }
        let name = words(name);
        // The longest of an entry's names found in the flow's name, in words.
        let longest = |e: &Entry| {
            e.name_words
                .iter()
                .filter(|n| has_run(&name, n))
                .map(Vec::len)
                .max()
        };
        let mut named: Vec<(&Entry, usize)> = self
            .entries
            .iter()
            .filter_map(|e| longest(e).map(|n| (e, n)))
            .collect();
        if named.len() > 1 {
            let recipient = words(recipient);
            let same_recipient = |e: &Entry| {
                has_run(&recipient, &e.recipient_words) || has_run(&e.recipient_words, &recipient)
            };
            if named.iter().any(|(e, _)| same_recipient(e)) {
                named.retain(|(e, _)| same_recipient(e));
            }
            // The longest matching name is the most specific ("GP Connect Update Record" over
            // "GP Connect"); ties keep catalogue order.
            named.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        }
        named.first().map(|(e, _)| (*e, MatchedBy::Name))
    }

    /// The entries that use `mechanism`.
    pub fn using(&self, mechanism: Mechanism) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.flow.mechanism == mechanism)
    }

    /// The national entries every practice has (for `gpdata init`).
    pub fn every_practice(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| e.applies_to == Scope::EveryPractice && e.status == EntryStatus::Live)
    }
}

/// True for mechanisms that identify a flow (one national capability), as opposed to general
/// routes many flows share.
fn is_specific(mechanism: Mechanism) -> bool {
    matches!(
        mechanism,
        Mechanism::GpConnectAccess
            | Mechanism::GpConnectUpdateRecord
            | Mechanism::GpConnectAppointments
            | Mechanism::InSituAnalytics
    )
}

/// True when `needle` appears in `hay` as whole words, ignoring case and punctuation.
pub fn contains_words(hay: &str, needle: &str) -> bool {
    has_run(&words(hay), &words(needle))
}

/// Text as lower-case words, punctuation dropped.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when `needle` (non-empty) is a run of consecutive words of `hay`.
fn has_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Reads a flows file (`catalogue: 1`, `entries:`).
pub fn read_flows(file: Arc<SourceFile>) -> (Option<Vec<Entry>>, Vec<Diagnostic>) {
    reader::load_file(file, read_entries, |_, _| {})
}

/// Reads the `entries` of a flows file's tree.
fn read_entries(ctx: &mut FileDiagnostics, root: &Node) -> Option<Vec<Entry>> {
    let mut top = ctx.map(root, "catalogue file", &["catalogue", "entries"])?;
    if let Some(v) = top.require(
        ctx,
        "catalogue",
        "start the file with `catalogue: 1` (the format version)",
    ) && v.value != Value::Int(1)
    {
        ctx.report(
            Code::UnsupportedVersion,
            v.span,
            "this gpdata reads catalogue format 1 only".into(),
            Some("write `catalogue: 1`".into()),
        );
    }
    let mut entries: Vec<Entry> = Vec::new();
    if let Some(node) = top.require(ctx, "entries", "add an `entries:` list") {
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(e) = entry::read(ctx, item, i) else {
                        continue;
                    };
                    if entries.iter().any(|other| other.id() == e.id()) {
                        ctx.report(
                            Code::DuplicateEntry,
                            e.flow.span_of(crate::register::Fact::Id),
                            format!("the entry id `{}` is used twice", e.id()),
                            Some("give each entry its own id".into()),
                        );
                    }
                    entries.push(e);
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
    Some(entries)
}

/// Reads an ICB file.
pub fn read_icbs(file: Arc<SourceFile>) -> (Option<Icbs>, Vec<Diagnostic>) {
    reader::load_file(file, icbs::read, |_, _| {})
}

impl Entry {
    /// True for direct care entries.
    pub fn is_direct_care(&self) -> bool {
        self.flow.purpose == Purpose::DirectCare
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_match_and_parts_of_words_do_not() {
        assert!(contains_words("QOF and CQRS extract", "cqrs"));
        assert!(contains_words("GP Connect: Update Record", "Update Record"));
        assert!(!contains_words("SCRIPT switch", "SCR"));
        assert!(!contains_words("anything", ""));
    }
}

#[cfg(test)]
mod builtin_tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_loads_without_a_diagnostic() {
        let (flows, diags) = read_flows(SourceFile::new("flows.yaml", FLOWS_TEXT));
        assert!(diags.is_empty(), "{}", diag::render_short(&diags));
        assert!(flows.unwrap().len() >= 30);
        let (icbs, diags) = read_icbs(SourceFile::new("icbs.yaml", ICBS_TEXT));
        assert!(diags.is_empty(), "{}", diag::render_short(&diags));
        assert!(icbs.unwrap().all.len() >= 48);
    }
}
