//! ODS codes: the shapes of practice and ICB codes. Which ICBs exist, and when, is data
//! (`catalogue/icbs.yaml`, read by [`crate::catalogue::icbs`]).

/// True for a GP practice code: one capital letter and five digits (e.g. B82005).
pub fn is_practice_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// True for an ICB code: 3 characters starting with Q (July 2022 ICBs) or 5 capital letters and
/// digits (ICBs created 1 April 2026, e.g. Z9B2Z).
pub fn is_icb_code(code: &str) -> bool {
    let b = code.as_bytes();
    let alnum = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    (b.len() == 3 && b[0] == b'Q' && b.iter().all(alnum)) || (b.len() == 5 && b.iter().all(alnum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practice_codes_are_a_letter_and_five_digits() {
        assert!(is_practice_code("B82005"));
        assert!(!is_practice_code("b82005"));
        assert!(!is_practice_code("B8200"));
        assert!(!is_practice_code("82005B"));
        assert!(!is_practice_code("../../x"));
    }

    #[test]
    fn icb_codes_have_three_or_five_characters() {
        assert!(is_icb_code("QOQ"));
        assert!(is_icb_code("Z9B2Z"));
        assert!(!is_icb_code("XOQ"));
        assert!(!is_icb_code("QOQQ"));
        assert!(!is_icb_code("qoq"));
    }
}
