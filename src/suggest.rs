//! "Did you mean …?" suggestions by edit distance.

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let normalised = lower.replace([' ', '_'], "-");
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let near = candidates
        .iter()
        .filter_map(|&c| {
            let d = strsim::damerau_levenshtein(&normalised, &c.replace('_', "-"))
                .min(strsim::damerau_levenshtein(&lower, c));
            // Allow roughly one edit per three characters, and always at least two.
            let limit = (c.chars().count() / 3).max(2);
            (d <= limit).then_some((d, c))
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c);
    // A shortened key (`ods` for `ods_code`) is far in edits but plainly meant.
    near.or_else(|| {
        let mut prefixed = candidates.iter().copied().filter(|c| {
            normalised.len() >= 3 && c.replace('_', "-").starts_with(&format!("{normalised}-"))
        });
        match (prefixed.next(), prefixed.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    })
}

/// "did you mean `best`?" for the candidate closest to `word`, when one is close enough; the
/// one wording every "did you mean" help line uses.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|best| format!("did you mean `{best}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let values = ["direct-care", "secondary", "mixed", "unknown"];
        assert_eq!(closest("secondry", values), Some("secondary"));
        assert_eq!(closest("direct care", values), Some("direct-care"));
        assert_eq!(closest("Direct_Care", values), Some("direct-care"));
        assert_eq!(closest("banana", values), None);
    }
}
