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

/// Joins words as English: "a", "a and b", "a, b and c".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(|s| s.as_ref()).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

/// Joins words as English alternatives: "a or b", "a, b or c".
pub fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(|s| s.as_ref()).collect();
            format!("{} or {}", head.join(", "), last.as_ref())
        }
    }
}

/// "1 register", "3 registers".
pub fn plural(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
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

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(or_list(&["a", "b"]), "a or b");
        assert_eq!(plural(1, "flow", "flows"), "1 flow");
        assert_eq!(plural(0, "flow", "flows"), "0 flows");
    }
}
