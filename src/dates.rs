//! Dates: parsing `YYYY-MM-DD`, "today", and the UK long form used in letters ("14 May 2026").

use jiff::civil::Date;

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return Err(format!("`{text}` is not a date written YYYY-MM-DD"));
    }
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a real calendar date"))
}

/// Today's date in the machine's time zone.
pub fn today() -> Date {
    jiff::Zoned::now().date()
}

/// "14 May 2026": day without ordinal, month in words, year (UK formal letter style).
pub fn long(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month() as usize - 1],
        date.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(parse("2026-05-14").unwrap(), jiff::civil::date(2026, 5, 14));
        assert!(
            parse("2026-02-30")
                .unwrap_err()
                .contains("real calendar date")
        );
        assert!(parse("14/05/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse("2026-5-4").is_err());
    }

    #[test]
    fn long_form_is_uk_style() {
        assert_eq!(long(jiff::civil::date(2026, 5, 1)), "1 May 2026");
        assert_eq!(long(jiff::civil::date(2026, 11, 21)), "21 November 2026");
    }
}
