//! Canonical forms of the XML's numbers, dates and ids, done on strings so
//! amounts stay exact (no trip through f64) and compare with `==`.

/// Canonical form of a plain decimal (`-12.5`, `+0003.10`, `7`): no plus
/// sign, no leading zeros, trailing zeros removed down to `min_frac` fraction
/// digits, no minus on zero. `None` for anything else (exponents, commas,
/// empty, several dots).
pub fn normalize_decimal(s: &str, min_frac: usize) -> Option<String> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < min_frac {
        frac.push('0');
    }
    let zero = int.is_empty() && frac.bytes().all(|b| b == b'0');
    let mut out = String::with_capacity(int.len() + frac.len() + 3);
    if negative && !zero {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    Some(out)
}

/// Canonical amount: at least two fraction digits (`"1234.50"`).
pub fn normalize_amount(s: &str) -> Option<String> {
    normalize_decimal(s, 2)
}

/// A CII date (`udt:DateTimeString`) as `yyyy-mm-dd`. Only format `102`
/// (`yyyymmdd`, also assumed when the attribute is missing) is a calendar
/// day; `610` (month) and `616` (week) give `None`.
pub fn cii_date(text: &str, format: Option<&str>) -> Option<String> {
    if !matches!(format.map(str::trim), None | Some("102")) {
        return None;
    }
    let t = text.trim();
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    checked_date(&t[0..4], &t[4..6], &t[6..8])
}

/// A UBL `xsd:date` (`yyyy-mm-dd`, maybe with a zone suffix) as `yyyy-mm-dd`.
pub fn iso_date(text: &str) -> Option<String> {
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let ok = |r: &str| r.bytes().all(|c| c.is_ascii_digit());
    let (y, m, d) = (t.get(0..4)?, t.get(5..7)?, t.get(8..10)?);
    if !(ok(y) && ok(m) && ok(d)) {
        return None;
    }
    checked_date(y, m, d)
}

fn checked_date(y: &str, m: &str, d: &str) -> Option<String> {
    let year: u32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days {
        return None;
    }
    Some(format!("{y}-{m}-{d}"))
}

/// An id people write with spaces (VAT id, IBAN, BIC): whitespace removed,
/// upper case.
pub fn compact_id(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(normalize_amount("1234.5").as_deref(), Some("1234.50"));
        assert_eq!(normalize_amount("50").as_deref(), Some("50.00"));
        assert_eq!(normalize_amount(" -8.79 ").as_deref(), Some("-8.79"));
        assert_eq!(normalize_amount("+0003.1000").as_deref(), Some("3.10"));
        assert_eq!(normalize_amount("-0.00").as_deref(), Some("0.00"));
        assert_eq!(normalize_amount(".5").as_deref(), Some("0.50"));
        assert_eq!(normalize_amount("2.").as_deref(), Some("2.00"));
        assert_eq!(normalize_amount("0.0049").as_deref(), Some("0.0049"));
        assert_eq!(normalize_decimal("19.00", 0).as_deref(), Some("19"));
        assert_eq!(normalize_decimal("7.50", 0).as_deref(), Some("7.5"));
        assert_eq!(normalize_decimal("0", 0).as_deref(), Some("0"));
        for bad in ["", "-", ".", "1e3", "1,50", "1.2.3", "abc", "--1", " "] {
            assert_eq!(normalize_amount(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            cii_date("20240305", Some("102")).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(cii_date("20240229", None).as_deref(), Some("2024-02-29"));
        assert_eq!(cii_date("20230229", Some("102")), None);
        assert_eq!(cii_date("202403", Some("610")), None);
        assert_eq!(cii_date("2024-03-05", Some("102")), None);
        assert_eq!(iso_date("2018-03-05").as_deref(), Some("2018-03-05"));
        assert_eq!(iso_date("2018-03-05+01:00").as_deref(), Some("2018-03-05"));
        assert_eq!(iso_date("2018-13-05"), None);
        assert_eq!(iso_date("2018-3-5"), None);
        assert_eq!(iso_date("ä018-03-05"), None);
    }

    #[test]
    fn ids() {
        assert_eq!(compact_id(" de 1234 5678\n9 "), "DE123456789");
    }
}
