//! ODS codes: the shapes of practice and ICB codes, and the ICBs abolished on 1 April 2026.

use jiff::civil::{Date, date};

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

/// The day twelve ICBs were abolished and six created.
pub const MERGER_DAY: Date = date(2026, 4, 1);

/// An ICB abolished on 1 April 2026 and where its practices went.
#[derive(Debug, Clone, Copy)]
pub struct AbolishedIcb {
    /// Its ODS code.
    pub code: &'static str,
    /// Its name, without the "NHS" prefix and "Integrated Care Board" suffix.
    pub name: &'static str,
    /// The successor ICB or ICBs, in words.
    pub successor: &'static str,
}

/// The ICBs abolished on 1 April 2026 (NHSBSA and ODS change summaries).
pub const ABOLISHED: &[AbolishedIcb] = &[
    AbolishedIcb {
        code: "QHG",
        name: "Bedfordshire, Luton and Milton Keynes",
        successor: "NHS Central East ICB (S1Y5D)",
    },
    AbolishedIcb {
        code: "QU9",
        name: "Buckinghamshire, Oxfordshire and Berkshire West",
        successor: "NHS Thames Valley ICB (S0E4D)",
    },
    AbolishedIcb {
        code: "QUE",
        name: "Cambridgeshire and Peterborough",
        successor: "NHS Central East ICB (S1Y5D)",
    },
    AbolishedIcb {
        code: "QNQ",
        name: "Frimley",
        successor: "NHS Thames Valley ICB (S0E4D), NHS Surrey and Sussex ICB (S9B9J) or NHS Hampshire and Isle of Wight ICB (QRL), by area",
    },
    AbolishedIcb {
        code: "QM7",
        name: "Hertfordshire and West Essex",
        successor: "NHS Central East ICB (S1Y5D) or NHS Essex ICB (D7T5G), by area",
    },
    AbolishedIcb {
        code: "QH8",
        name: "Mid and South Essex",
        successor: "NHS Essex ICB (D7T5G)",
    },
    AbolishedIcb {
        code: "QMM",
        name: "Norfolk and Waveney",
        successor: "NHS Norfolk and Suffolk ICB (T6Y0W)",
    },
    AbolishedIcb {
        code: "QMJ",
        name: "North Central London",
        successor: "NHS West and North London ICB (Z9B2Z)",
    },
    AbolishedIcb {
        code: "QRV",
        name: "North West London",
        successor: "NHS West and North London ICB (Z9B2Z)",
    },
    AbolishedIcb {
        code: "QJG",
        name: "Suffolk and North East Essex",
        successor: "NHS Norfolk and Suffolk ICB (T6Y0W) or NHS Essex ICB (D7T5G), by area",
    },
    AbolishedIcb {
        code: "QXU",
        name: "Surrey Heartlands",
        successor: "NHS Surrey and Sussex ICB (S9B9J)",
    },
    AbolishedIcb {
        code: "QNX",
        name: "Sussex",
        successor: "NHS Surrey and Sussex ICB (S9B9J)",
    },
];

/// The abolished ICB with this code, if `on` is on or after the merger day.
pub fn abolished(code: &str, on: Date) -> Option<&'static AbolishedIcb> {
    if on < MERGER_DAY {
        return None;
    }
    ABOLISHED.iter().find(|icb| icb.code == code)
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

    #[test]
    fn abolition_depends_on_the_date() {
        assert!(abolished("QRV", date(2026, 3, 31)).is_none());
        assert_eq!(
            abolished("QRV", date(2026, 4, 1)).unwrap().name,
            "North West London"
        );
        assert!(abolished("QOQ", date(2026, 6, 1)).is_none());
    }
}
