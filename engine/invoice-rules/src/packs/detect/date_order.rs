//! Whether numeric dates are day-first or month-first. Day-first is the
//! rule everywhere the packs cover but in the United States, so month-first
//! needs evidence: a date that only reads month-first (`03/25/2024`),
//! dates written `March 14, 2024`, or a document from a month-first
//! country with nothing contradicting it.

use super::{saturation, Decision};
use crate::date::DateOrder;
use crate::packs::{month_in_any, Country};

/// A date that reads one way only (`25/03/2024`) is proof.
const PROOF: f32 = 3.0;

/// `March 14` or `14 March`: how the writer orders words, a hint for
/// numbers.
const WORDS: f32 = 1.0;

/// The prior for day-first, the rule in every covered country but the US.
const DAY_FIRST_PRIOR: f32 = 0.5;

/// Evidence that counts for half a certainty.
const HALF_EVIDENCE: f32 = 2.0;

/// The date order of `text`; `None` when it holds no date at all.
/// `country`, when known (from [`super::detect_country`]), lets a
/// month-first country's ambiguous dates (`03/04/2024`) count for
/// month-first in proportion to how sure the country is; dates that can
/// only be read one way always win.
pub fn detect_date_order(
    text: &str,
    country: Option<Decision<Country>>,
) -> Option<Decision<DateOrder>> {
    let (mut day, mut month) = (DAY_FIRST_PRIOR, 0f32);
    let mut ambiguous = 0f32;
    let mut seen = false;
    for (a, b) in numeric_dates(text) {
        seen = true;
        match (a > 12, b > 12) {
            (true, false) => day += PROOF,
            (false, true) => month += PROOF,
            (false, false) if a != b => ambiguous += 1.0,
            _ => {}
        }
    }
    let (d, m) = word_dates(text);
    seen |= d + m > 0;
    day += WORDS * d as f32;
    month += WORDS * m as f32;
    if !seen {
        return None;
    }
    let month_first_country = country.filter(|c| {
        c.value
            .info()
            .is_some_and(|i| i.date_orders.first() == Some(&DateOrder::MonthFirst))
    });
    if let Some(c) = month_first_country {
        month += ambiguous.min(3.0) * c.confidence;
    }
    let total = day + month;
    let (value, best) = if month > day {
        (DateOrder::MonthFirst, month)
    } else {
        (DateOrder::DayFirst, day)
    };
    Some(Decision::new(
        value,
        best / total * saturation(total, HALF_EVIDENCE),
    ))
}

/// The first two fields of each numeric date `a/b/yyyy`, `a.b.yy`,
/// `a-b-yyyy` (same separator twice, year of two or four digits); ISO
/// `yyyy-mm-dd` dates say nothing about the order and are skipped.
fn numeric_dates(text: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        let token = token.trim_matches(|c: char| !c.is_ascii_digit());
        let Some(sep) = token.chars().find(|c| matches!(c, '/' | '.' | '-')) else {
            continue;
        };
        let parts: Vec<&str> = token.split(sep).collect();
        let [a, b, y] = parts[..] else { continue };
        let digits = |s: &str, lens: &[usize]| {
            lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !(digits(a, &[1, 2]) && digits(b, &[1, 2]) && digits(y, &[2, 4])) {
            continue;
        }
        let (a, b): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
        if (1..=31).contains(&a) && (1..=31).contains(&b) {
            out.push((a, b));
        }
    }
    out
}

/// Counts of dates written with a month name after the day (`14 March`,
/// `14. März`, `14 de marzo`) and before it (`March 14`).
fn word_dates(text: &str) -> (usize, usize) {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '-' | '/'))
        .filter(|w| !w.is_empty())
        .collect();
    let is_day = |w: &str| {
        // Ordinal endings: `14th`, `1st`, `2nd`, `3rd`, `1º`, `1er`.
        let w = w.trim_end_matches(['.', 'o', 'º', 't', 'h', 's', 'n', 'd', 'r', 'e']);
        w.len() <= 2 && w.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
    };
    let (mut day_first, mut month_first) = (0, 0);
    for (i, w) in words.iter().enumerate() {
        // Long names only: `mar`, `set`, `out` are words too.
        if w.len() < 3 || month_in_any(w).is_none() || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| words[j]);
        let before = match before {
            Some("de" | "del") => i.checked_sub(2).map(|j| words[j]),
            b => b,
        };
        if before.is_some_and(is_day) {
            day_first += 1;
        } else if words.get(i + 1).is_some_and(|w| is_day(w)) {
            month_first += 1;
        }
    }
    (day_first, month_first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::*;

    fn order(text: &str, country: Option<Decision<Country>>) -> (DateOrder, f32) {
        let d = detect_date_order(text, country).unwrap_or_else(|| panic!("{text:?}"));
        (d.value, d.confidence)
    }

    #[test]
    fn impossible_readings_are_proof() {
        let (o, c) = order("Invoice date: 03/25/2024\nDue: 04/24/2024", None);
        assert_eq!(o, MonthFirst);
        assert!(c > 0.8, "{c}");
        let (o, c) = order("Fecha: 25/03/2024", None);
        assert_eq!(o, DayFirst);
        assert!(c > 0.7, "{c}");
        assert_eq!(order("Datum: 25.03.24", None).0, DayFirst);
    }

    #[test]
    fn ambiguous_dates_default_to_day_first_weakly() {
        let (o, c) = order("Date: 03/04/2024", None);
        assert_eq!(o, DayFirst);
        assert!(c < 0.3, "{c}");
    }

    #[test]
    fn us_evidence_tips_ambiguous_dates() {
        let us = Some(Decision::new(Country::US, 0.9));
        let (o, _) = order("Date: 03/04/2024\nShip date: 03/06/2024", us);
        assert_eq!(o, MonthFirst);
        // A date that only reads day-first wins over the country.
        assert_eq!(order("Date: 25/04/2024 03/04/2024", us).0, DayFirst);
        // A day-first country adds nothing.
        let de = Some(Decision::new(Country::DE, 0.9));
        assert_eq!(order("Datum: 03/04/2024", de).0, DayFirst);
    }

    #[test]
    fn month_names_show_the_habit() {
        assert_eq!(order("Invoice date: March 14, 2024", None).0, MonthFirst);
        assert_eq!(order("Date: 14 March 2024", None).0, DayFirst);
        assert_eq!(order("Rechnungsdatum: 14. März 2024", None).0, DayFirst);
        assert_eq!(order("14 de marzo de 2024", None).0, DayFirst);
    }

    #[test]
    fn no_dates_no_decision() {
        assert_eq!(detect_date_order("Total 12,50 €", None), None);
        assert_eq!(detect_date_order("2024-03-14", None), None);
        assert_eq!(detect_date_order("", None), None);
    }
}
