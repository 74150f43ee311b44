//! Money amounts as printed on invoices and tickets: `1.234,56`,
//! `1,234.56`, `1 234,56`, `EUR 12.00`, `€12`, `RM 9.90`, `-12,50`,
//! `12,50-`, `(12.50)`. Values are exact decimals (no binary floating point)
//! so totals can be compared to the cent.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::locale::Locale;

/// Most digits an amount may have; keeps every operation inside i128.
const MAX_DIGITS: usize = 24;

/// An exact decimal number: `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// `mantissa × 10^-scale`; `Decimal::new(123456, 2)` is 1234.56 (scale
    /// at most 30, so rescaling stays inside i128).
    pub fn new(mantissa: i128, scale: u32) -> Decimal {
        Decimal { mantissa, scale }
    }

    /// An amount in minor units (cents): `from_minor(1250)` is 12.50.
    pub fn from_minor(minor: i64) -> Decimal {
        Decimal::new(i128::from(minor), 2)
    }

    /// The unscaled integer.
    pub fn mantissa(self) -> i128 {
        self.mantissa
    }

    /// Digits after the decimal point.
    pub fn scale(self) -> u32 {
        self.scale
    }

    /// True below zero.
    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// True when zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Absolute value.
    pub fn abs(self) -> Decimal {
        Decimal::new(self.mantissa.abs(), self.scale)
    }

    /// Same value with `scale` digits after the point, rounding half away
    /// from zero when digits are dropped (the commercial rule).
    pub fn round_dp(self, scale: u32) -> Decimal {
        match scale.cmp(&self.scale) {
            Ordering::Equal => self,
            Ordering::Greater => Decimal::new(self.mantissa * pow10(scale - self.scale), scale),
            Ordering::Less => {
                let div = pow10(self.scale - scale);
                let q = self.mantissa / div;
                let r = self.mantissa % div;
                let q = if r.abs() * 2 >= div {
                    q + self.mantissa.signum()
                } else {
                    q
                };
                Decimal::new(q, scale)
            }
        }
    }

    /// `rate` percent of this amount, to the cent (`561.05` at `7` → `39.27`).
    pub fn percent(self, rate: Decimal) -> Decimal {
        let product = self * rate;
        Decimal::new(product.mantissa, product.scale + 2).round_dp(2)
    }

    /// Value in minor units (cents), rounded half away from zero.
    pub fn to_minor_units(self) -> i128 {
        self.round_dp(2).mantissa
    }

    /// Both values at the larger scale, for exact comparison and arithmetic.
    fn aligned(self, other: Decimal) -> (i128, i128, u32) {
        let scale = self.scale.max(other.scale);
        (
            self.round_dp(scale).mantissa,
            other.round_dp(scale).mantissa,
            scale,
        )
    }

    /// True when the two values differ by at most `tolerance` (e.g. 0.01 for
    /// the cent tolerance of invoice arithmetic).
    pub fn approx_eq(self, other: Decimal, tolerance: Decimal) -> bool {
        (self - other).abs() <= tolerance.abs()
    }
}

fn pow10(n: u32) -> i128 {
    10i128.pow(n)
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b, _) = self.aligned(*other);
        a.cmp(&b)
    }
}

impl Add for Decimal {
    type Output = Decimal;
    fn add(self, rhs: Decimal) -> Decimal {
        let (a, b, scale) = self.aligned(rhs);
        Decimal::new(a + b, scale)
    }
}

impl Sub for Decimal {
    type Output = Decimal;
    fn sub(self, rhs: Decimal) -> Decimal {
        let (a, b, scale) = self.aligned(rhs);
        Decimal::new(a - b, scale)
    }
}

impl Mul for Decimal {
    type Output = Decimal;
    fn mul(self, rhs: Decimal) -> Decimal {
        Decimal::new(self.mantissa * rhs.mantissa, self.scale + rhs.scale)
    }
}

impl Neg for Decimal {
    type Output = Decimal;
    fn neg(self) -> Decimal {
        Decimal::new(-self.mantissa, self.scale)
    }
}

impl std::iter::Sum for Decimal {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Decimal {
        iter.fold(Decimal::ZERO, |a, b| a + b)
    }
}

/// Prints with a dot and at least two decimals (`1234.56`, `12.00`,
/// `-0.50`); extra decimals are kept only when they are not zeros
/// (`1.459`), so no information is lost.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = *self;
        while d.scale > 2 && d.mantissa % 10 == 0 {
            d = Decimal::new(d.mantissa / 10, d.scale - 1);
        }
        let d = if d.scale < 2 { d.round_dp(2) } else { d };
        let digits = d.mantissa.unsigned_abs().to_string();
        let scale = d.scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        let sign = if d.mantissa < 0 { "-" } else { "" };
        write!(f, "{sign}{int}.{frac}")
    }
}

/// Parses the plain form Display prints: optional `-`, digits, optional
/// `.` and digits.
impl FromStr for Decimal {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Decimal, AmountError> {
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() && frac.is_empty() || !ok(int) || !ok(frac) {
            return Err(AmountError::Unrecognized(s.to_string()));
        }
        if int.len() + frac.len() > MAX_DIGITS {
            return Err(AmountError::TooManyDigits);
        }
        let m: i128 = format!("{int}{frac}").parse().unwrap_or(0);
        Ok(Decimal::new(if neg { -m } else { m }, frac.len() as u32))
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A parsed money amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// The signed value.
    pub value: Decimal,
    /// ISO 4217 code when a symbol or code was written next to the number
    /// (`$` alone reads as USD; callers in peso countries should override
    /// it from context).
    pub currency: Option<String>,
    /// True when the decimal separator could have been a thousands separator
    /// (`1.234`, `1,234`) and the locale hint or default decided it.
    pub ambiguous: bool,
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// Why a string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Empty input.
    #[error("amount is empty")]
    Empty,
    /// No digit at all.
    #[error("amount has no digits")]
    NoDigits,
    /// Text around the number that is neither a sign nor a currency.
    #[error("unexpected text {0:?} around the amount")]
    UnexpectedText(String),
    /// Separators that do not group thousands consistently.
    #[error("inconsistent digit grouping in {0:?}")]
    Grouping(String),
    /// A minus and parentheses or two currencies that disagree.
    #[error("conflicting {0} in the amount")]
    Conflict(&'static str),
    /// More digits than an invoice amount can have.
    #[error("amount has too many digits")]
    TooManyDigits,
    /// Not the plain `-1234.56` form.
    #[error("{0:?} is not a plain decimal number")]
    Unrecognized(String),
}

/// Currency symbols and codes, uppercased, and their ISO 4217 codes.
#[rustfmt::skip]
const CURRENCIES: &[(&str, &str)] = &[
    ("€", "EUR"), ("EUR", "EUR"), ("EURO", "EUR"), ("EUROS", "EUR"), ("EUROS.", "EUR"),
    ("$", "USD"), ("US$", "USD"), ("U$S", "USD"), ("USD", "USD"), ("USD$", "USD"),
    ("£", "GBP"), ("GBP", "GBP"), ("¥", "JPY"), ("JPY", "JPY"), ("₹", "INR"), ("INR", "INR"),
    ("RM", "MYR"), ("MYR", "MYR"), ("MX$", "MXN"), ("MXN", "MXN"), ("AR$", "ARS"),
    ("ARS", "ARS"), ("CLP$", "CLP"), ("CLP", "CLP"), ("COL$", "COP"), ("COP$", "COP"),
    ("COP", "COP"), ("S/", "PEN"), ("S/.", "PEN"), ("PEN", "PEN"), ("R$", "BRL"),
    ("BRL", "BRL"), ("CA$", "CAD"), ("C$", "CAD"), ("CAD", "CAD"), ("A$", "AUD"),
    ("AU$", "AUD"), ("AUD", "AUD"), ("S$", "SGD"), ("SGD", "SGD"), ("HK$", "HKD"),
    ("HKD", "HKD"), ("NZ$", "NZD"), ("NZD", "NZD"), ("CHF", "CHF"), ("UYU", "UYU"),
    ("BOB", "BOB"), ("PYG", "PYG"), ("VES", "VES"), ("DOP", "DOP"), ("GTQ", "GTQ"),
    ("CRC", "CRC"), ("₡", "CRC"), ("HNL", "HNL"), ("NIO", "NIO"), ("PAB", "PAB"),
    ("SEK", "SEK"), ("NOK", "NOK"), ("DKK", "DKK"), ("PLN", "PLN"), ("ZŁ", "PLN"),
    ("CZK", "CZK"), ("HUF", "HUF"), ("RON", "RON"), ("BGN", "BGN"), ("TRY", "TRY"),
    ("₺", "TRY"), ("MAD", "MAD"), ("CNY", "CNY"), ("RMB", "CNY"), ("IDR", "IDR"),
    ("RP", "IDR"), ("THB", "THB"), ("฿", "THB"), ("PHP", "PHP"), ("₱", "PHP"),
    ("ZAR", "ZAR"),
];

/// The ISO code for a currency symbol or code, in any case.
pub fn currency_code(token: &str) -> Option<&'static str> {
    let up = token.trim().to_uppercase();
    CURRENCIES.iter().find(|(t, _)| *t == up).map(|&(_, c)| c)
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '\u{2212}' | '\u{2013}')
}

/// Grouping characters that are never a decimal separator.
fn is_space_group(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '\u{2019}'
    )
}

/// What the text before or after the number says.
#[derive(Default)]
struct Affix {
    minus: bool,
    paren: bool,
    currency: Option<&'static str>,
}

fn parse_affix(text: &str, is_prefix: bool) -> Result<Affix, AmountError> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut a = Affix::default();
    let (mut lo, mut hi) = (0, chars.len());
    loop {
        let before = (lo, hi);
        for at_start in [true, false] {
            if lo >= hi {
                break;
            }
            let c = if at_start { chars[lo] } else { chars[hi - 1] };
            let sign = if is_minus(c) {
                a.minus = true;
                true
            } else if c == '+' {
                true
            } else if (c == '(' && is_prefix) || (c == ')' && !is_prefix) {
                a.paren = true;
                true
            } else {
                false
            };
            if sign {
                if at_start {
                    lo += 1;
                } else {
                    hi -= 1;
                }
            }
        }
        if (lo, hi) == before {
            break;
        }
    }
    if lo < hi {
        let token: String = chars[lo..hi].iter().collect();
        a.currency = Some(
            currency_code(&token).ok_or_else(|| AmountError::UnexpectedText(text.trim().into()))?,
        );
    }
    Ok(a)
}

/// Parses an amount. The decimal separator is read from the pattern: the
/// last of two different separators, or a single separator not followed by
/// exactly three digits. `1.234` / `1,234` are ambiguous: `EsEs` reads the
/// dot as thousands and the comma as decimals, `EnUs` the reverse, and
/// `Auto` reads either as thousands (three-decimal prices are rare on
/// invoices, thousands are common). The result has `ambiguous: true`.
pub fn parse_amount(s: &str, locale: Locale) -> Result<Amount, AmountError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    let first = t
        .find(|c: char| c.is_ascii_digit())
        .ok_or(AmountError::NoDigits)?;
    let last = t.rfind(|c: char| c.is_ascii_digit()).unwrap_or(first) + 1;
    let mut start = first;
    // ",50" or "€.50": a leading separator is a decimal point.
    let head = &t[..first];
    if (head.ends_with('.') || head.ends_with(','))
        && !head[..head.len() - 1].ends_with(|c: char| c.is_ascii_digit())
    {
        start -= 1;
    }
    let pre = parse_affix(&t[..start], true)?;
    let post = parse_affix(&t[last..], false)?;
    if pre.paren != post.paren {
        return Err(AmountError::UnexpectedText(
            if pre.paren { "(" } else { ")" }.into(),
        ));
    }
    if pre.minus && post.minus {
        return Err(AmountError::Conflict("signs"));
    }
    let currency = match (pre.currency, post.currency) {
        (Some(a), Some(b)) if a != b => return Err(AmountError::Conflict("currencies")),
        (a, b) => a.or(b),
    };
    let (value, ambiguous) = parse_body(&t[start..last], locale)?;
    let negative = pre.minus || post.minus || pre.paren;
    Ok(Amount {
        value: if negative { -value } else { value },
        currency: currency.map(str::to_string),
        ambiguous,
    })
}

/// Parses the digits-and-separators core of an amount.
fn parse_body(body: &str, locale: Locale) -> Result<(Decimal, bool), AmountError> {
    let grouping = || AmountError::Grouping(body.to_string());
    // Split into digit groups and the separator before each group.
    let mut groups: Vec<String> = vec![String::new()];
    let mut seps: Vec<char> = Vec::new();
    let mut prev_sep = false;
    for c in body.chars() {
        if c.is_ascii_digit() {
            if let Some(g) = groups.last_mut() {
                g.push(c);
            }
            prev_sep = false;
        } else if c == '.' || c == ',' || is_space_group(c) {
            if prev_sep {
                // "1 .234" or "1..5": only one separator between groups.
                return Err(grouping());
            }
            seps.push(if is_space_group(c) { ' ' } else { c });
            groups.push(String::new());
            prev_sep = true;
        } else {
            return Err(AmountError::UnexpectedText(c.to_string()));
        }
    }
    if groups.iter().map(String::len).sum::<usize>() > MAX_DIGITS {
        return Err(AmountError::TooManyDigits);
    }
    if groups[0].is_empty() {
        // Leading decimal separator (".50").
        groups[0].push('0');
    }
    let puncts: Vec<(usize, char)> = seps
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != ' ')
        .map(|(i, c)| (i, *c))
        .collect();
    let mut ambiguous = false;
    // Index into `seps` of the decimal separator, if any.
    let decimal: Option<usize> = match puncts.as_slice() {
        [] => None,
        [.., (last_i, last_c)] if puncts.iter().any(|(_, c)| c != last_c) => {
            // Two kinds: the last is the decimal one and must appear once.
            if puncts.iter().filter(|(_, c)| c == last_c).count() > 1 {
                return Err(grouping());
            }
            Some(*last_i)
        }
        [(i, c)] => {
            let frac_len = groups[i + 1].len();
            let int_groups = &groups[..=*i];
            let last_sep = *i == seps.len() - 1;
            if !last_sep {
                // "1,234 567": a separator before a space group groups too.
                None
            } else if frac_len != 3 {
                Some(*i)
            } else if int_groups.len() > 1 || groups[0] == "0" || groups[0].len() > 3 {
                // Spaces already group the thousands, "0,125" has no
                // thousands, and "1234.567" cannot be grouped: decimal.
                Some(*i)
            } else {
                ambiguous = true;
                match (locale, c) {
                    (Locale::EsEs, ',') | (Locale::EnUs, '.') => Some(*i),
                    _ => None,
                }
            }
        }
        _ => None, // one kind, repeated: thousands
    };
    let int_end = decimal.map_or(groups.len(), |d| d + 1);
    let int_groups = &groups[..int_end];
    if int_groups.len() > 1
        && (int_groups[0].len() > 3 || int_groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err(grouping());
    }
    if decimal.is_some_and(|d| d + 1 != seps.len()) {
        // Something after the decimal separator's group.
        return Err(grouping());
    }
    let int: String = int_groups.concat();
    let frac: &str = decimal.map_or("", |d| groups[d + 1].as_str());
    if decimal.is_some() && frac.is_empty() {
        return Err(grouping());
    }
    let mantissa: i128 = format!("{int}{frac}").parse().map_err(|_| grouping())?;
    Ok((Decimal::new(mantissa, frac.len() as u32), ambiguous))
}

/// An amount found in running text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountMatch {
    /// Byte offset where the match starts (including sign and currency).
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// The parsed amount.
    pub amount: Amount,
}

/// Finds every amount candidate in `text` with its byte span. Numbers that
/// are parts of dates (`14/03/2024`), times, percentages, ranges or
/// identifiers (`B12345674`) are skipped; bare integers are returned, so the
/// caller filters by currency, decimals or label.
pub fn find_amounts(text: &str, locale: Locale) -> Vec<AmountMatch> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let digit_at = |i: usize| at(i).is_some_and(|c| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !digit_at(i) {
            i += 1;
            continue;
        }
        // The digit run: digits, and separators directly followed by a digit.
        let run_start = i;
        let mut j = i;
        let mut group_len = 0;
        while j < n {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                group_len += 1;
                j += 1;
            } else if ((c == '.' || c == ',' || c == '\'') && digit_at(j + 1))
                || (is_space_group(c) && group_len <= 3 && space_group_follows(&chars, j + 1))
            {
                group_len = 0;
                j += 1;
            } else {
                break;
            }
        }
        let run_end = j;
        i = run_end;
        if !context_ok(&chars, run_start, run_end) {
            continue;
        }
        let (s, e) = extend_span(&chars, run_start, run_end);
        if let Ok(amount) = parse_amount(&text[byte(s)..byte(e)], locale) {
            out.push(AmountMatch {
                start: byte(s),
                end: byte(e),
                amount,
            });
        }
    }
    out
}

/// After a space, a group of exactly three digits followed by a decimal
/// separator and one or two digits: "1 234,56". Plain integers separated by
/// spaces ("2 125") are more often two numbers than one.
fn space_group_follows(chars: &[(usize, char)], k: usize) -> bool {
    let d = |i: usize| chars.get(i).is_some_and(|&(_, c)| c.is_ascii_digit());
    if !(d(k) && d(k + 1) && d(k + 2)) {
        return false;
    }
    let after = chars.get(k + 3).map(|&(_, c)| c);
    match after {
        Some(' ' | '\u{a0}' | '\u{202f}' | '\u{2009}') => space_group_follows(chars, k + 4),
        Some('.' | ',') => d(k + 4) && !(d(k + 5) && d(k + 6)),
        _ => false,
    }
}

/// The non-space, non-digit characters touching position `i` on the left.
fn word_left(chars: &[(usize, char)], i: usize) -> String {
    let mut k = i;
    while k > 0 && !chars[k - 1].1.is_whitespace() && !chars[k - 1].1.is_ascii_digit() {
        k -= 1;
    }
    chars[k..i].iter().map(|&(_, c)| c).collect()
}

/// The non-space, non-digit characters starting at position `i`.
fn word_right(chars: &[(usize, char)], i: usize) -> String {
    let mut k = i;
    while k < chars.len() && !chars[k].1.is_whitespace() && !chars[k].1.is_ascii_digit() {
        k += 1;
    }
    chars[i..k].iter().map(|&(_, c)| c).collect()
}

/// Length in chars of the longest currency token ending `w` ("Total:€").
/// A letter code is a whole word: the `ars` of `mars 2024` is no peso.
fn currency_suffix(w: &str) -> Option<usize> {
    let cs: Vec<char> = w.chars().collect();
    (0..cs.len())
        .filter(|&k| k == 0 || !(cs[k - 1].is_alphabetic() && cs[k].is_alphabetic()))
        .map(|k| cs[k..].iter().collect::<String>())
        .find(|t| currency_code(t).is_some())
        .map(|t| t.chars().count())
}

/// Length in chars of the longest currency token starting `w` ("€."), a
/// letter code again a whole word.
fn currency_prefix(w: &str) -> Option<usize> {
    let cs: Vec<char> = w.chars().collect();
    (1..=cs.len())
        .rev()
        .filter(|&k| k == cs.len() || !(cs[k - 1].is_alphabetic() && cs[k].is_alphabetic()))
        .map(|k| cs[..k].iter().collect::<String>())
        .find(|t| currency_code(t).is_some())
        .map(|t| t.chars().count())
}

/// Rejects digit runs that belong to dates, times, percentages, ranges or
/// identifiers.
fn context_ok(chars: &[(usize, char)], s: usize, e: usize) -> bool {
    let c = |i: usize| chars.get(i).map(|&(_, c)| c);
    let alnum = |i: usize| c(i).is_some_and(char::is_alphanumeric);
    let left = word_left(chars, s);
    if let Some(p) = left.chars().last() {
        if currency_suffix(&left).is_none() {
            let before = if s >= 2 { c(s - 2) } else { None };
            let glued = left.chars().count() == 1 && before.is_some_and(|b| b.is_ascii_digit());
            if p.is_alphabetic() || matches!(p, '#' | '%' | '°' | 'º' | '@' | '_') {
                return false;
            }
            if matches!(p, '/' | ':' | '.' | ',') && glued {
                return false;
            }
            // "14-03", "B-1234", "Ref/12": part of a date, range or code.
            if (is_minus(p) || p == '/') && s >= 2 && alnum(s - 2) {
                return false;
            }
        }
    }
    // `21 %`: a rate written with a space before its sign is no amount.
    let mut k = e;
    while k < e + 2 && c(k).is_some_and(|ch| ch == ' ' || ch == '\u{a0}' || ch == '\u{202f}') {
        k += 1;
    }
    if k > e && c(k) == Some('%') {
        return false;
    }
    let right = word_right(chars, e);
    if let Some(nx) = right.chars().next() {
        if currency_prefix(&right).is_none() {
            let glued = right.chars().count() == 1 && c(e + 1).is_some_and(|d| d.is_ascii_digit());
            if nx.is_alphabetic() || matches!(nx, '%' | '°' | 'º' | '@' | '_') {
                return false;
            }
            if glued && (matches!(nx, '/' | ':' | '.' | ',') || is_minus(nx)) {
                return false;
            }
        }
    }
    true
}

/// Widens a digit run over an adjacent sign, currency token and brackets.
fn extend_span(chars: &[(usize, char)], s: usize, e: usize) -> (usize, usize) {
    let c = |i: usize| chars[i].1;
    let is_space = |ch: char| ch == ' ' || ch == '\u{a0}';
    let n = chars.len();
    let mut start = s;
    // Leading decimal separator (",50").
    if start > 0
        && matches!(c(start - 1), '.' | ',')
        && (start < 2 || !c(start - 2).is_ascii_digit())
    {
        start -= 1;
    }
    // Left: [(] [-] [currency] [spaces] [-] number
    let mut k = start;
    if k > 0 && is_minus(c(k - 1)) {
        k -= 1;
    }
    let mut k2 = k;
    while k2 > 0 && is_space(c(k2 - 1)) {
        k2 -= 1;
    }
    if let Some(len) = currency_suffix(&word_left(chars, k2)) {
        k = k2 - len;
        if k > 0 && is_minus(c(k - 1)) {
            k -= 1;
        }
    }
    let paren = k > 0 && c(k - 1) == '(';
    if paren {
        k -= 1;
    }
    start = k;
    // Right: number [spaces] [currency] [-] [)]
    let mut end = e;
    let mut k = end;
    while k < n && is_space(c(k)) {
        k += 1;
    }
    if let Some(len) = currency_prefix(&word_right(chars, k)) {
        end = k + len;
    }
    if end < n
        && is_minus(c(end))
        && !chars
            .get(end + 1)
            .is_some_and(|&(_, ch)| ch.is_alphanumeric())
    {
        end += 1;
    }
    if paren {
        if end < n && c(end) == ')' {
            end += 1;
        } else {
            start += 1;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, locale: Locale) -> (String, Option<String>, bool) {
        let a = parse_amount(s, locale).unwrap_or_else(|e| panic!("{s}: {e}"));
        (a.value.to_string(), a.currency, a.ambiguous)
    }

    #[test]
    fn amounts_good() {
        use Locale::*;
        let cases: &[(&str, Locale, &str, Option<&str>, bool)] = &[
            ("1.234,56", Auto, "1234.56", None, false),
            ("1,234.56", Auto, "1234.56", None, false),
            ("1234,56 €", Auto, "1234.56", Some("EUR"), false),
            ("EUR 12.00", Auto, "12.00", Some("EUR"), false),
            ("€12", Auto, "12.00", Some("EUR"), false),
            ("12.00 EUR", Auto, "12.00", Some("EUR"), false),
            ("12.00EUR", Auto, "12.00", Some("EUR"), false),
            ("RM 9.90", Auto, "9.90", Some("MYR"), false),
            ("RM9.90", Auto, "9.90", Some("MYR"), false),
            ("$1,234", Auto, "1234.00", Some("USD"), true),
            ("-12,50", Auto, "-12.50", None, false),
            ("12,50-", Auto, "-12.50", None, false),
            ("(12.50)", Auto, "-12.50", None, false),
            ("($ 1,234.00)", Auto, "-1234.00", Some("USD"), false),
            ("1 234,56", Auto, "1234.56", None, false),
            ("1\u{a0}234,56 €", Auto, "1234.56", Some("EUR"), false),
            ("1'234.50 CHF", Auto, "1234.50", Some("CHF"), false),
            ("1234", Auto, "1234.00", None, false),
            ("0", Auto, "0.00", None, false),
            ("1.234.567,89", Auto, "1234567.89", None, false),
            ("1,234,567.89", Auto, "1234567.89", None, false),
            ("1.234.567", Auto, "1234567.00", None, false),
            ("12,5", Auto, "12.50", None, false),
            ("0,125", Auto, "0.125", None, false),
            ("1234.567", Auto, "1234.567", None, false),
            (",50", Auto, "0.50", None, false),
            ("€.99", Auto, "0.99", Some("EUR"), false),
            ("-€12", Auto, "-12.00", Some("EUR"), false),
            ("€ -12,00", Auto, "-12.00", Some("EUR"), false),
            ("− 3,00 €", Auto, "-3.00", Some("EUR"), false),
            ("+5.00", Auto, "5.00", None, false),
            ("12,50 euros", Auto, "12.50", Some("EUR"), false),
            ("£7.5", Auto, "7.50", Some("GBP"), false),
            ("MX$ 1,500.00", Auto, "1500.00", Some("MXN"), false),
            ("S/ 25.90", Auto, "25.90", Some("PEN"), false),
            ("usd 3", Auto, "3.00", Some("USD"), false),
            ("1.459 €", Auto, "1459.00", Some("EUR"), true),
            // The locale decides the ambiguous single separator.
            ("1.234", EsEs, "1234.00", None, true),
            ("1.234", EnUs, "1.234", None, true),
            ("1,234", EsEs, "1.234", None, true),
            ("1,234", EnUs, "1234.00", None, true),
            ("1.234", Auto, "1234.00", None, true),
            // Unambiguous patterns ignore the locale.
            ("1.234,56", EnUs, "1234.56", None, false),
            ("12,50", EnUs, "12.50", None, false),
            ("12.50", EsEs, "12.50", None, false),
        ];
        for &(input, locale, value, currency, ambiguous) in cases {
            let got = p(input, locale);
            assert_eq!(
                got,
                (value.to_string(), currency.map(str::to_string), ambiguous),
                "{input}"
            );
        }
    }

    #[test]
    fn amounts_bad() {
        let cases: &[(&str, AmountError)] = &[
            ("", AmountError::Empty),
            ("EUR", AmountError::NoDigits),
            ("1.23.45", AmountError::Grouping("1.23.45".into())),
            ("1,234,56", AmountError::Grouping("1,234,56".into())),
            ("1.234,567.89", AmountError::Grouping("1.234,567.89".into())),
            ("12..50", AmountError::Grouping("12..50".into())),
            ("12345.678,90", AmountError::Grouping("12345.678,90".into())),
            ("-12,50-", AmountError::Conflict("signs")),
            ("€12 USD", AmountError::Conflict("currencies")),
            ("(12.50", AmountError::UnexpectedText("(".into())),
            ("Total 12,50", AmountError::UnexpectedText("Total".into())),
            ("12,50 kg", AmountError::UnexpectedText("kg".into())),
            ("12a50", AmountError::UnexpectedText("a".into())),
            ("1234567890123456789012345", AmountError::TooManyDigits),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_amount(input, Locale::Auto).as_ref(),
                Err(want),
                "{input}"
            );
        }
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let a: Decimal = "0.10".parse().unwrap();
        let b: Decimal = "0.20".parse().unwrap();
        assert_eq!((a + b).to_string(), "0.30");
        assert_eq!(a + b, "0.3".parse().unwrap());
        let base: Decimal = "100.00".parse().unwrap();
        let rate: Decimal = "0.21".parse().unwrap();
        assert_eq!((base * rate).round_dp(2).to_string(), "21.00");
        let irpf: Decimal = "7".parse().unwrap();
        assert_eq!(
            "561.05"
                .parse::<Decimal>()
                .unwrap()
                .percent(irpf)
                .to_string(),
            "39.27"
        );
        assert_eq!(
            "-0.50"
                .parse::<Decimal>()
                .unwrap()
                .percent(irpf)
                .to_string(),
            "-0.04"
        );
        let total: Decimal = [base, base * rate].into_iter().sum();
        assert_eq!(total.to_string(), "121.00");
        assert!(Decimal::new(12101, 2).approx_eq(total, Decimal::new(1, 2)));
        assert!(!Decimal::new(12102, 2).approx_eq(total, Decimal::new(1, 2)));
        assert_eq!(Decimal::new(1005, 3).round_dp(2), Decimal::new(101, 2));
        assert_eq!(Decimal::new(-1005, 3).round_dp(2), Decimal::new(-101, 2));
        assert_eq!(Decimal::new(-1234, 3).round_dp(2).to_string(), "-1.23");
        assert_eq!(Decimal::new(5, 2).to_string(), "0.05");
        assert_eq!(Decimal::new(-5, 2).to_string(), "-0.05");
        assert_eq!(Decimal::new(14590, 4).to_string(), "1.459");
        assert_eq!(Decimal::new(12, 0).to_string(), "12.00");
        assert_eq!(Decimal::from_minor(1250).to_minor_units(), 1250);
        assert_eq!(Decimal::new(1999, 3).to_minor_units(), 200);
        assert!(Decimal::new(-1, 0).is_negative());
        assert!(Decimal::ZERO.is_zero());
        assert!("1.2.3".parse::<Decimal>().is_err());
        assert!("".parse::<Decimal>().is_err());
        assert!("-".parse::<Decimal>().is_err());
    }

    #[test]
    fn amount_serializes_value_as_string() {
        let a = parse_amount("1.234,56 €", Locale::Auto).unwrap();
        let j = serde_json::to_string(&a).unwrap();
        assert_eq!(
            j,
            r#"{"value":"1234.56","currency":"EUR","ambiguous":false}"#
        );
        let back: Amount = serde_json::from_str(&j).unwrap();
        assert_eq!(back, a);
    }

    fn found(text: &str) -> Vec<(String, String)> {
        find_amounts(text, Locale::Auto)
            .into_iter()
            .map(|m| (text[m.start..m.end].to_string(), m.amount.value.to_string()))
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn finds_amounts_with_spans() {
        let t = "Base imponible: 1.234,56 €\nIVA 21%: 259,26 €\nTOTAL: 1.493,82€";
        assert_eq!(
            found(t),
            vec![
                pair("1.234,56 €", "1234.56"),
                pair("259,26 €", "259.26"),
                pair("1.493,82€", "1493.82"),
            ]
        );
        let t = "TOTAL RM9.90 CASH RM 10.00 CHANGE (0.10)";
        assert_eq!(
            found(t),
            vec![
                pair("RM9.90", "9.90"),
                pair("RM 10.00", "10.00"),
                pair("(0.10)", "-0.10")
            ]
        );
        let t = "Abono 12,50- descuento -3,00 EUR";
        assert_eq!(
            found(t),
            vec![pair("12,50-", "-12.50"), pair("-3,00 EUR", "-3.00")]
        );
    }

    #[test]
    fn scanner_skips_dates_ids_and_rates() {
        let t = "Fecha 14/03/2024 10:30 NIF B12345674 IVA 21% ES9121000418450200051332 2024-03-14 Total:12,50";
        assert_eq!(found(t), vec![pair("12,50", "12.50")]);
        let t = "Fecha 14.03.2024";
        assert_eq!(found(t), vec![]);
        let t = "Total 1 234,56 € qty 2 125";
        assert_eq!(
            found(t),
            vec![
                pair("1 234,56 €", "1234.56"),
                pair("2", "2.00"),
                pair("125", "125.00")
            ]
        );
        let t = "pagado con tarjeta: 25,00.";
        assert_eq!(found(t), vec![pair("25,00", "25.00")]);
    }
}
