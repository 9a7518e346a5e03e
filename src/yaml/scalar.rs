//! What a YAML scalar means: the YAML 1.2 core schema, with only `true` and `false` (in three
//! spellings each) as booleans, so `NO`, `yes` and `off` stay text (the "Norway problem").

use std::borrow::Cow;

use granit_parser::{ScalarStyle, Tag};

use super::Value;

/// The value of a scalar with `text` (after escapes), written in `style`, with its tag.
pub fn resolve(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let plain = matches!(style, ScalarStyle::Plain);
    if let Some(tag) = tag {
        // `!!str` and the bare `!` keep the text whatever it looks like.
        if forces_text(tag) {
            return Value::Str(text.into_owned());
        }
        let typed = match core_name(tag) {
            Some("null") => Some(Value::Null),
            Some("bool") => bool_of(&text).map(Value::Bool),
            Some("int") => int_of(&text).map(Value::Int),
            Some("float") => float_of(&text)
                .or_else(|| int_of(&text).map(|i| i as f64))
                .map(Value::Float),
            _ => None,
        };
        if let Some(value) = typed {
            return value;
        }
    }
    if !plain {
        return Value::Str(text.into_owned());
    }
    // Most scalars in a register are words; only these can start a null, boolean or number.
    let first = text.as_bytes().first().copied().unwrap_or(b'~');
    if !matches!(
        first,
        b'0'..=b'9'
            | b'+'
            | b'-'
            | b'.'
            | b'~'
            | b'n'
            | b'N'
            | b't'
            | b'T'
            | b'f'
            | b'F'
            | b' '
            | b'\t'
    ) {
        return Value::Str(text.into_owned());
    }
    if matches!(&*text, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = bool_of(&text) {
        return Value::Bool(b);
    }
    if let Some(i) = int_of(&text) {
        return Value::Int(i);
    }
    if let Some(f) = float_of(&text) {
        return Value::Float(f);
    }
    Value::Str(text.into_owned())
}

/// The suffix of a YAML core-schema tag (`tag:yaml.org,2002:int` → `int`), or `None` for any
/// other tag.
fn core_name(tag: &Tag) -> Option<&str> {
    (tag.handle() == "tag:yaml.org,2002:").then(|| tag.suffix())
}

/// `!!str`, or the non-specific `!` that makes a plain scalar text.
fn forces_text(tag: &Tag) -> bool {
    core_name(tag) == Some("str") || (tag.handle() == "!" && tag.suffix().is_empty())
}

fn bool_of(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A YAML 1.2 integer: decimal with an optional sign, `0x` hexadecimal or `0o` octal; `None`
/// when it is not one or does not fit in 64 bits (it is then read as text or a float).
fn int_of(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return digits(oct, 8);
    }
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let magnitude = digits(body, 10)?;
    Some(if negative { -magnitude } else { magnitude })
}

fn digits(text: &str, radix: u32) -> Option<i64> {
    if text.is_empty() || !text.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i64::from_str_radix(text, radix).ok()
}

/// A YAML 1.2 float: `1.5`, `-.5`, `2e3`, `.inf`, `.nan` and their capitalised spellings.
fn float_of(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if body.len() == t.len() => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        Some(f) => all_digits(whole) && all_digits(f) && !(whole.is_empty() && f.is_empty()),
        None => !whole.is_empty() && all_digits(whole),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    // A plain integer is an int, not a float.
    if !mantissa_ok || !exponent_ok || (fraction.is_none() && exponent.is_none()) {
        return None;
    }
    t.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Value {
        resolve(Cow::Borrowed(text), ScalarStyle::Plain, None)
    }

    #[test]
    fn plain_scalars_take_their_core_schema_types() {
        assert_eq!(plain(""), Value::Null);
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("NULL"), Value::Null);
        assert_eq!(plain("true"), Value::Bool(true));
        assert_eq!(plain("FALSE"), Value::Bool(false));
        assert_eq!(plain("42"), Value::Int(42));
        assert_eq!(plain("-7"), Value::Int(-7));
        assert_eq!(plain("0x1F"), Value::Int(31));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("1.5"), Value::Float(1.5));
        assert_eq!(plain("2e3"), Value::Float(2000.0));
        assert_eq!(plain("-.inf"), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(plain(".nan"), Value::Float(f) if f.is_nan()));
    }

    #[test]
    fn the_norway_problem_and_other_lookalikes_stay_text() {
        for text in [
            "NO",
            "yes",
            "off",
            "on",
            "y",
            "2026-04-01",
            "1.2.3",
            "0x",
            "1e",
            ".",
            "+",
            "9999999999999999999999",
        ] {
            assert!(
                matches!(plain(text), Value::Str(_) | Value::Float(_)),
                "{text}"
            );
        }
        assert_eq!(plain("NO"), Value::Str("NO".into()));
        assert_eq!(plain("2026-04-01"), Value::Str("2026-04-01".into()));
    }

    #[test]
    fn quoted_scalars_are_always_text() {
        let quoted = resolve(Cow::Borrowed("true"), ScalarStyle::DoubleQuoted, None);
        assert_eq!(quoted, Value::Str("true".into()));
        let empty = resolve(Cow::Borrowed(""), ScalarStyle::SingleQuoted, None);
        assert_eq!(empty, Value::Str(String::new()));
    }
}
