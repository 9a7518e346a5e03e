//! Dates: parsing `YYYY-MM-DD`, "today", and the UK long form used in letters ("14 May 2026").

use jiff::civil::Date;

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

/// The date a person most likely meant by a date written another way: `14/05/2026`,
/// `14-05-2026` and `14.05.2026` (day first, as in the UK), `31 March 2027`, `31st Mar 2027`,
/// `March 31, 2027`, or `2027-3-31`. `None` when it is not recognisably a date.
pub fn guess(text: &str) -> Option<Date> {
    let text = text.trim().trim_end_matches('.');
    let numbers: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    if numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let n: Vec<i32> = numbers.iter().filter_map(|n| n.parse().ok()).collect();
        let (year, month, day) = if numbers[0].len() == 4 {
            (n[0], n[1], n[2])
        } else {
            let year = if numbers[2].len() == 2 {
                2000 + n[2]
            } else {
                n[2]
            };
            (year, n[1], n[0])
        };
        return jiff::civil::Date::new(year as i16, month as i8, day as i8).ok();
    }
    // Words: "31 March 2027", "31st Mar 2027", "March 31, 2027".
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() != 3 {
        return None;
    }
    let month = |w: &str| {
        MONTHS
            .iter()
            .position(|m| w.len() >= 3 && m.to_lowercase().starts_with(w))
            .map(|i| i as i8 + 1)
    };
    let day = |w: &str| {
        w.trim_end_matches(|c: char| c.is_alphabetic())
            .parse::<i8>()
            .ok()
    };
    let year = words[2].parse::<i16>().ok()?;
    let (d, m) = match (day(&words[0]), month(&words[1])) {
        (Some(d), Some(m)) => (d, m),
        _ => (day(&words[1])?, month(&words[0])?),
    };
    jiff::civil::Date::new(year, m, d).ok()
}

/// Today's date in the machine's time zone.
pub fn today() -> Date {
    jiff::Zoned::now().date()
}

/// "14 May 2026": day without ordinal, month in words, year (UK formal letter style).
pub fn long(date: Date) -> String {
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
    fn dates_written_other_ways_are_recognised_day_first() {
        let d = |y, m, d| Some(jiff::civil::date(y, m, d));
        assert_eq!(guess("14/05/2026"), d(2026, 5, 14));
        assert_eq!(guess("4/5/26"), d(2026, 5, 4));
        assert_eq!(guess("31 March 2027"), d(2027, 3, 31));
        assert_eq!(guess("31st Mar 2027"), d(2027, 3, 31));
        assert_eq!(guess("March 31, 2027"), d(2027, 3, 31));
        assert_eq!(guess("2027-3-31"), d(2027, 3, 31));
        assert_eq!(guess("31/02/2027"), None);
        assert_eq!(guess("soon"), None);
    }

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
