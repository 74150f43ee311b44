//! How a document writes amounts, from the numbers themselves: which
//! separator is followed by exactly two digits (the decimal one), which
//! separates groups of three (thousands). Amounts with thousands groups
//! weigh more: they show both separators, and they are the totals.

use super::{saturation, Decision};
use crate::packs::NumberFormat;

/// Evidence, in weighted numbers, that counts for half a certainty.
const HALF_EVIDENCE: f32 = 2.0;

/// How sure a format is when only its decimal separator was seen: the
/// grouping is then the usual one, not a certainty.
const UNSEEN_GROUPING: f32 = 0.75;

/// The separators one number shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumberShape {
    /// `,` or `.` when followed by exactly two digits; `None` for a
    /// thousands-grouped integer (`1.234.567`, `12'000`).
    pub decimal: Option<char>,
    /// The thousands separator (`.`, `,`, `'`, or `' '` for any space).
    pub group: Option<char>,
    /// Thousands separators in the number.
    pub groups: usize,
}

/// Spaces that group thousands (normal, no-break, thin, narrow no-break).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}')
}

fn is_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '\'' | '\u{2019}') || is_space(c)
}

/// The shapes of the numbers in `text` that show a separator's role.
/// Numbers that show none (`1.234` could be either, `14.03.2024` is a
/// date, `12` has no separator) are left out.
pub(crate) fn number_shapes(text: &str) -> Vec<NumberShape> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || glued_before(&chars, i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < chars.len() {
            let c = chars[end];
            if c.is_ascii_digit() {
                end += 1;
            } else if is_separator(c) && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
                // A space only groups when exactly three digits follow.
                if is_space(c) && !three_digits_then_end(&chars, end + 1) {
                    break;
                }
                end += 1;
            } else {
                break;
            }
        }
        if !glued_after(&chars, end) {
            let token: String = chars[start..end].iter().collect();
            out.extend(shape(&token));
        }
        i = end.max(start + 1);
        // Skip the rest of a glued run (`14.03.2024/15`, `2024-03-14`).
        while i < chars.len() && (chars[i].is_ascii_digit() || glued_before(&chars, i)) {
            i += 1;
        }
    }
    out
}

/// Whether the digit at `i` continues an id, code or date rather than
/// starting an amount: letters right before it (`B12345674`, but not a
/// currency as in `RM9.90` or the `x` of `2x`), or `/`, `:`, `_`, or a dash
/// after a letter or digit (`2024-03`; a dash after a space is a minus).
fn glued_before(chars: &[char], i: usize) -> bool {
    let Some(&c) = i.checked_sub(1).and_then(|p| chars.get(p)) else {
        return false;
    };
    match c {
        '/' | ':' | '_' => true,
        '-' => i >= 2 && chars[i - 2].is_alphanumeric(),
        c if c.is_alphabetic() => {
            let run: String = chars[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            !(run.eq_ignore_ascii_case("x") || crate::amount::currency_code(&run).is_some())
        }
        _ => false,
    }
}

/// Whether what follows a number at `end` makes it part of an id, code or
/// date: letters other than a currency, or `/`, `:`, `_`, `-` before a
/// digit.
fn glued_after(chars: &[char], end: usize) -> bool {
    let Some(&c) = chars.get(end) else {
        return false;
    };
    match c {
        '/' | ':' | '_' | '-' => chars.get(end + 1).is_some_and(char::is_ascii_digit),
        c if c.is_alphabetic() => {
            let run: String = chars[end..]
                .iter()
                .take_while(|c| c.is_alphabetic())
                .collect();
            crate::amount::currency_code(&run).is_none()
        }
        _ => false,
    }
}

fn three_digits_then_end(chars: &[char], at: usize) -> bool {
    (0..3).all(|k| chars.get(at + k).is_some_and(char::is_ascii_digit))
        && !chars.get(at + 3).is_some_and(char::is_ascii_digit)
}

/// The shape of one digit-and-separator token.
fn shape(token: &str) -> Option<NumberShape> {
    let norm = |c: char| {
        if is_space(c) {
            ' '
        } else if c == '\u{2019}' {
            '\''
        } else {
            c
        }
    };
    let seps: Vec<(usize, char)> = token
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .map(|(i, c)| (i, norm(c)))
        .collect();
    let &(last_pos, last) = seps.last()?;
    let after = token[last_pos..].chars().skip(1).count();
    let (decimal, group_seps, int_part) = if after == 2 && matches!(last, '.' | ',') {
        (Some(last), &seps[..seps.len() - 1], &token[..last_pos])
    } else if after == 3 {
        (None, &seps[..], token)
    } else {
        return None;
    };
    let group = group_seps.first().map(|&(_, c)| c);
    if group_seps
        .iter()
        .any(|&(_, c)| Some(c) != group || Some(c) == decimal)
    {
        return None;
    }
    let parts: Vec<&str> = int_part.split(|c: char| !c.is_ascii_digit()).collect();
    let grouped = parts.len() == 1
        || (!parts[0].is_empty() && parts[0].len() <= 3 && parts[1..].iter().all(|p| p.len() == 3));
    // Indian grouping: lakhs and crores in pairs, the last group of three
    // (`1,23,45,678.00`).
    let lakh = parts.len() > 2
        && group == Some(',')
        && (1..=2).contains(&parts[0].len())
        && parts[1..parts.len() - 1].iter().all(|p| p.len() == 2)
        && parts[parts.len() - 1].len() == 3;
    let grouped = grouped || lakh;
    if !grouped {
        return None;
    }
    // `1.234` and `1,234` are a decimal with three places as often as a
    // grouped thousand; two groups (`1.234.567`) or an apostrophe are not.
    if decimal.is_none() && group_seps.len() < 2 && !matches!(group, Some('\'') | Some(' ')) {
        return None;
    }
    Some(NumberShape {
        decimal,
        group,
        groups: group_seps.len(),
    })
}

/// The number format `text` writes its amounts in; `None` when no number
/// shows it. The confidence combines how clearly one decimal separator
/// won, how many numbers showed it, and whether the thousands separator
/// was seen too (without it, `12,50` is comma-decimal but could be
/// `1.234,56` or `1 234,56`).
pub fn detect_number_format(text: &str) -> Option<Decision<NumberFormat>> {
    // Weighted evidence: comma decimal, dot decimal, and the groupings
    // seen under each.
    let (mut comma, mut dot) = (0f32, 0f32);
    let (mut dot_group, mut space_group, mut comma_group, mut apostrophe) =
        (0f32, 0f32, 0f32, 0f32);
    for s in number_shapes(text) {
        let w = 1.0 + s.groups as f32;
        let decimal = s.decimal.or(match s.group {
            Some('.') => Some(','),
            Some(',') | Some('\'') => Some('.'),
            _ => None,
        });
        match decimal {
            Some(',') => comma += w,
            Some('.') => dot += w,
            _ => {}
        }
        match s.group {
            Some('.') => dot_group += w,
            Some(' ') if decimal == Some(',') => space_group += w,
            Some(',') => comma_group += w,
            Some('\'') => apostrophe += w,
            _ => {}
        }
    }
    let total = comma + dot;
    if total == 0.0 {
        return None;
    }
    let (format, family, seen) = if comma >= dot {
        let f = if space_group > dot_group {
            NumberFormat::SpaceComma
        } else {
            NumberFormat::CommaDecimal
        };
        (f, comma, (dot_group, space_group))
    } else {
        let f = if apostrophe > comma_group {
            NumberFormat::Apostrophe
        } else {
            NumberFormat::DotDecimal
        };
        (f, dot, (comma_group, apostrophe))
    };
    let grouping = match seen {
        (0.0, 0.0) => UNSEEN_GROUPING,
        (a, b) => a.max(b) / (a + b),
    };
    let confidence = family / total * saturation(family, HALF_EVIDENCE) * grouping;
    Some(Decision::new(format, confidence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberFormat::*;

    fn format(text: &str) -> (NumberFormat, f32) {
        let d = detect_number_format(text).unwrap_or_else(|| panic!("{text:?}"));
        (d.value, d.confidence)
    }

    #[test]
    fn each_format() {
        let (f, c) = format("Netto 1.234,56 €\nMwSt 234,57 €\nGesamt 1.469,13 €");
        assert_eq!(f, CommaDecimal);
        assert!(c > 0.8, "{c}");
        let (f, c) = format("Subtotal 1,234.56\nTax 98.76\nTotal $1,333.32");
        assert_eq!(f, DotDecimal);
        assert!(c > 0.8, "{c}");
        let (f, c) = format("Total HT 1 234,56 €\nTVA 246,91 €\nTotal TTC 1\u{202f}481,47 €");
        assert_eq!(f, SpaceComma);
        assert!(c > 0.8, "{c}");
        let (f, c) = format("Total CHF 1'234.50\nMWST 8.1% 99.99\nTotal 1'334.49");
        assert_eq!(f, Apostrophe);
        assert!(c > 0.8, "{c}");
    }

    #[test]
    fn decimals_without_groups_are_less_sure() {
        let (f, c) = format("12,50\n3,99\n16,49");
        assert_eq!(f, CommaDecimal);
        assert!((0.4..0.8).contains(&c), "{c}");
        let (f, _) = format("RM9.90 CASH 10.00 CHANGE 0.10");
        assert_eq!(f, DotDecimal);
        assert_eq!(format("EUR12,50 -3,00").0, CommaDecimal);
    }

    #[test]
    fn grouped_integers_count() {
        assert_eq!(format("1.234.567 Pesos").0, CommaDecimal);
        assert_eq!(format("1,234,567 units").0, DotDecimal);
        assert_eq!(format("CHF 12'000").0, Apostrophe);
        assert_eq!(format("Total ₹1,23,456.00").0, DotDecimal);
    }

    #[test]
    fn the_big_amounts_decide() {
        // A stray `10.30` (a time) against one grouped total.
        assert_eq!(format("10.30 Uhr\nSumme 1.234,56").0, CommaDecimal);
    }

    #[test]
    fn dates_ids_and_phones_are_not_amounts() {
        for t in [
            "14.03.2024",
            "14.03.24",
            "2024-03-14",
            "1.234",
            "ES91 2100 0418 4502 0005 1332",
            "+34 912 345 678",
            "B12345674",
            "10:30",
            "12-3456789",
            "",
        ] {
            assert_eq!(detect_number_format(t), None, "{t}");
        }
    }

    #[test]
    fn shapes() {
        let s = number_shapes("1.234,56 y 12,50 y 1 234,56 y 1'234.56");
        let d: Vec<_> = s.iter().map(|s| (s.decimal, s.group, s.groups)).collect();
        assert_eq!(
            d,
            [
                (Some(','), Some('.'), 1),
                (Some(','), None, 0),
                (Some(','), Some(' '), 1),
                (Some('.'), Some('\''), 1)
            ]
        );
    }
}
