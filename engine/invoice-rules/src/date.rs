//! Dates as printed on invoices: `14/03/2024`, `14-03-24`, `14.03.2024`,
//! `2024-03-14`, `2024/03/14`, `14 de marzo de 2024`, `14 MAR 2024`,
//! `14-Mar-2024`, `14MAR24`, `March 14, 2024`, `14 March 2024`, with the
//! month names of every language pack in any case, with or without accents.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::fold;

/// Two-digit years below this are 20xx, the rest 19xx (00–69 → 2000–2069).
const PIVOT: u32 = 70;

/// How to read numeric dates whose first two fields could be day or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `03/04/2024` is 3 April (Spain, Latin America, Europe, Malaysia).
    #[default]
    DayFirst,
    /// `03/04/2024` is 4 March (United States).
    MonthFirst,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Year, 1900–2099.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
}

impl Date {
    /// A checked date: rejects 31/02, 29/02 of non-leap years, month 13.
    pub fn new(year: u32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1900..=2099).contains(&year) {
            return Err(DateError::YearOutOfRange(year));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::InvalidDate { year, month, day });
        }
        Ok(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// ISO 8601 form `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let s = String::deserialize(deserializer)?;
        parse_date(&s, DateOrder::DayFirst).map_err(serde::de::Error::custom)
    }
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Empty input.
    #[error("date is empty")]
    Empty,
    /// No supported date pattern.
    #[error("{0:?} is not a recognized date")]
    Unrecognized(String),
    /// The pattern matched but the day does not exist.
    #[error("{year:04}-{month:02}-{day:02} is not a calendar date")]
    InvalidDate {
        /// Year read.
        year: u32,
        /// Month read.
        month: u32,
        /// Day read.
        day: u32,
    },
    /// Year outside 1900–2099.
    #[error("year {0} is out of range")]
    YearOutOfRange(u32),
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in a month of a year (0 for an invalid month).
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Expands a year as written: two digits pivot at 70, four are kept.
pub fn expand_year(digits: &str) -> Option<u32> {
    let y: u32 = digits.parse().ok()?;
    match digits.len() {
        2 if y < PIVOT => Some(2000 + y),
        2 => Some(1900 + y),
        4 => Some(y),
        _ => None,
    }
}

/// Weekday names skipped before a date ("jueves, 14 de marzo").
#[rustfmt::skip]
const WEEKDAYS: &[&str] = &[
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo", "lun", "mie",
    "jue", "vie", "sab", "dom", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
    "sun",
];

/// The month number for a name or abbreviation in any case/accents, in
/// any language a pack knows ([`crate::packs`] holds the names).
pub fn month_from_name(name: &str) -> Option<u8> {
    crate::packs::month_in_any(name.trim().trim_end_matches('.'))
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Num(String),
    Word(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// Whitespace separates this token from the previous one.
    gap: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut gap = false;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        let (kind, end) = if c.is_ascii_digit() || c.is_alphabetic() {
            let digit = c.is_ascii_digit();
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let same = if digit {
                    d.is_ascii_digit()
                } else {
                    d.is_alphabetic()
                };
                if !same {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            let s = &text[i..end];
            if digit {
                (Kind::Num(s.to_string()), end)
            } else {
                (Kind::Word(fold(s)), end)
            }
        } else {
            (Kind::Punct(c), i + c.len_utf8())
        };
        out.push(Token {
            kind,
            start: i,
            end,
            gap,
        });
        gap = false;
    }
    split_year_glued_to_time(&mut out);
    out
}

/// OCR glues a receipt's year to the time after it (`05 Mar201818:24`):
/// a six-digit number after a month name and before `:mm` is a year and an
/// hour, so it becomes two tokens.
fn split_year_glued_to_time(toks: &mut Vec<Token>) {
    let mut i = 1;
    while i + 2 < toks.len() {
        let glued = match (
            &toks[i - 1].kind,
            &toks[i].kind,
            &toks[i + 1].kind,
            &toks[i + 2].kind,
        ) {
            (Kind::Word(m), Kind::Num(n), Kind::Punct(':'), Kind::Num(mm))
                if month_from_name(m).is_some()
                    && n.len() == 6
                    && n[4..].parse::<u32>().is_ok_and(|h| h < 24)
                    && mm.len() == 2
                    && !toks[i + 1].gap
                    && !toks[i + 2].gap =>
            {
                Some(n.clone())
            }
            _ => None,
        };
        if let Some(n) = glued {
            let start = toks[i].start;
            toks[i].kind = Kind::Num(n[..4].to_string());
            toks[i].end = start + 4;
            toks.insert(
                i + 1,
                Token {
                    kind: Kind::Num(n[4..].to_string()),
                    start: start + 4,
                    end: start + 6,
                    gap: true,
                },
            );
        }
        i += 1;
    }
}

/// The outcome of trying a pattern at a token.
enum Try {
    /// A date ending before token index `.1`.
    Date(Date, usize),
    /// The shape matched but the date does not exist.
    Invalid(DateError),
    No,
}

fn num(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.kind) {
        Some(Kind::Num(n)) => Some(n),
        _ => None,
    }
}

fn punct(t: Option<&Token>) -> Option<char> {
    match t.map(|t| &t.kind) {
        Some(Kind::Punct(c)) => Some(*c),
        _ => None,
    }
}

fn word(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.kind) {
        Some(Kind::Word(w)) => Some(w),
        _ => None,
    }
}

/// True when token `i` is glued (no whitespace) to the one before it.
fn tight(toks: &[Token], i: usize) -> bool {
    toks.get(i).is_some_and(|t| !t.gap)
}

fn build(year: u32, month: u32, day: u32, end: usize) -> Try {
    match Date::new(year, month, day) {
        Ok(d) => Try::Date(d, end),
        Err(e) => Try::Invalid(e),
    }
}

/// `d/m/y`, `d-m-yy`, `d.m.yyyy`, `yyyy-mm-dd`, `yyyy/mm/dd`.
fn try_numeric(toks: &[Token], i: usize, order: DateOrder) -> Try {
    let (Some(a), Some(p1), Some(b), Some(p2), Some(c)) = (
        num(toks.get(i)),
        punct(toks.get(i + 1)),
        num(toks.get(i + 2)),
        punct(toks.get(i + 3)),
        num(toks.get(i + 4)),
    ) else {
        return Try::No;
    };
    // OCR reads one dot of `25.03.2022` as a comma: a dot and a comma pass
    // when a four-digit year follows.
    let dot_comma = matches!((p1, p2), ('.', ',') | (',', '.')) && c.len() == 4;
    let same = p1 == p2 && matches!(p1, '/' | '-' | '.');
    if !(same || dot_comma) || (1..5).any(|k| !tight(toks, i + k)) {
        return Try::No;
    }
    // Not part of a longer dotted/slashed number ("1.14.03.2024", "14/03/2024/5").
    if i >= 2
        && tight(toks, i)
        && matches!(punct(toks.get(i - 1)), Some('/' | '-' | '.'))
        && num(toks.get(i - 2)).is_some()
        && tight(toks, i - 1)
    {
        return Try::No;
    }
    if tight(toks, i + 5)
        && matches!(punct(toks.get(i + 5)), Some('/' | '-' | '.' | ','))
        && tight(toks, i + 6)
        && num(toks.get(i + 6)).is_some()
    {
        return Try::No;
    }
    if tight(toks, i + 5) && num(toks.get(i + 5)).is_some() {
        return Try::No;
    }
    let val = |s: &str| s.parse::<u32>().unwrap_or(0);
    let end = i + 5;
    if a.len() == 4 {
        if b.len() > 2 || c.len() > 2 {
            return Try::No;
        }
        return build(val(a), val(b), val(c), end);
    }
    if a.len() > 2 || b.len() > 2 {
        return Try::No;
    }
    let Some(year) = expand_year(c) else {
        return Try::No;
    };
    let (x, y) = (val(a), val(b));
    let (day, month) = match order {
        DateOrder::DayFirst => (x, y),
        DateOrder::MonthFirst => (y, x),
    };
    match build(year, month, day, end) {
        // Only one reading exists: 03/14/2024 is 14 March whatever the order.
        Try::Invalid(e) => match build(year, day, month, end) {
            d @ Try::Date(..) if day <= 12 => d,
            _ => Try::Invalid(e),
        },
        other => other,
    }
}

/// Skips separators and filler words between the parts of a textual date.
fn skip_fillers(toks: &[Token], mut k: usize) -> usize {
    let mut skipped = 0;
    while skipped < 4 {
        let filler = match &toks.get(k).map(|t| &t.kind) {
            Some(Kind::Punct(c)) => matches!(c, '-' | '/' | '.' | ','),
            Some(Kind::Word(w)) => matches!(w.as_str(), "de" | "del" | "of" | "the"),
            _ => false,
        };
        if !filler {
            break;
        }
        k += 1;
        skipped += 1;
    }
    k
}

/// Reads a day number with an optional ordinal suffix (`14th`, `1º`).
fn day_at(toks: &[Token], k: usize) -> Option<(u32, usize)> {
    let n = num(toks.get(k))?;
    if n.len() > 2 {
        return None;
    }
    let day = n.parse().ok()?;
    let mut next = k + 1;
    if tight(toks, next) {
        let suffix = matches!(
            word(toks.get(next)),
            Some("st" | "nd" | "rd" | "th" | "o" | "º" | "er")
        ) || matches!(punct(toks.get(next)), Some('°' | 'ª'));
        if suffix {
            next += 1;
        }
    }
    Some((day, next))
}

/// Reads a month name, with an optional abbreviation dot.
fn month_at(toks: &[Token], k: usize) -> Option<(u32, usize)> {
    let m = month_from_name(word(toks.get(k))?)?;
    let mut next = k + 1;
    if tight(toks, next) && punct(toks.get(next)) == Some('.') {
        next += 1;
    }
    Some((u32::from(m), next))
}

/// Reads a 2- or 4-digit year not followed by a time (`10:30`).
fn year_at(toks: &[Token], k: usize) -> Option<(u32, usize)> {
    let n = num(toks.get(k))?;
    if tight(toks, k + 1)
        && matches!(punct(toks.get(k + 1)), Some(':' | '/' | '-'))
        && num(toks.get(k + 2)).is_some()
    {
        return None;
    }
    Some((expand_year(n)?, k + 1))
}

/// `14 de marzo de 2024`, `14 MAR 2024`, `14-Mar-24`, `14MAR2024`, `14. März 2024`.
fn try_day_month_year(toks: &[Token], i: usize) -> Try {
    if i > 0 && tight(toks, i) && num(toks.get(i - 1)).is_some() {
        return Try::No;
    }
    let Some((day, k)) = day_at(toks, i) else {
        return Try::No;
    };
    let Some((month, k)) = month_at(toks, skip_fillers(toks, k)) else {
        return Try::No;
    };
    let Some((year, k)) = year_at(toks, skip_fillers(toks, k)) else {
        return Try::No;
    };
    build(year, month, day, k)
}

/// `March 14, 2024`, `Mar 14 2024`, `MAR-14-2024`.
fn try_month_day_year(toks: &[Token], i: usize) -> Try {
    let Some((month, k)) = month_at(toks, i) else {
        return Try::No;
    };
    let Some((day, k)) = day_at(toks, skip_fillers(toks, k)) else {
        return Try::No;
    };
    let Some((year, k)) = year_at(toks, skip_fillers(toks, k)) else {
        return Try::No;
    };
    build(year, month, day, k)
}

fn try_at(toks: &[Token], i: usize, order: DateOrder) -> Try {
    let mut invalid = None;
    for attempt in [
        try_numeric(toks, i, order),
        try_day_month_year(toks, i),
        try_month_day_year(toks, i),
    ] {
        match attempt {
            d @ Try::Date(..) => return d,
            Try::Invalid(e) => invalid = invalid.or(Some(e)),
            Try::No => {}
        }
    }
    invalid.map_or(Try::No, Try::Invalid)
}

/// Parses a whole string as one date (a leading weekday and a trailing
/// period are allowed) and returns it; `order` decides `03/04/2024`.
pub fn parse_date(s: &str, order: DateOrder) -> Result<Date, DateError> {
    let toks = tokenize(s);
    if toks.is_empty() {
        return Err(DateError::Empty);
    }
    let mut i = 0;
    if word(toks.first()).is_some_and(|w| WEEKDAYS.contains(&w)) {
        i = 1;
        while matches!(punct(toks.get(i)), Some(',' | '.')) {
            i += 1;
        }
    }
    match try_at(&toks, i, order) {
        Try::Date(d, end) => {
            let rest_ok = toks[end..]
                .iter()
                .all(|t| matches!(t.kind, Kind::Punct('.' | ',')));
            if rest_ok {
                Ok(d)
            } else {
                Err(DateError::Unrecognized(s.trim().to_string()))
            }
        }
        Try::Invalid(e) => Err(e),
        Try::No => Err(DateError::Unrecognized(s.trim().to_string())),
    }
}

/// A date found in running text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMatch {
    /// Byte offset where the date starts.
    pub start: usize,
    /// Byte offset just past the date.
    pub end: usize,
    /// The date.
    pub date: Date,
}

/// A date's text with the spaces OCR lost around a month name put back:
/// `05Mar2018` and `12Mar 2018` read `05 Mar 2018`, `12 Mar 2018`. Other
/// separators stay as they were (`05-Mar-2018`, `5/3/2018`).
pub fn respace_month_name(text: &str) -> String {
    let toks = tokenize(text);
    let month = |t: &Token| matches!(&t.kind, Kind::Word(w) if month_from_name(w).is_some());
    let number = |t: &Token| matches!(t.kind, Kind::Num(_));
    let mut out = String::with_capacity(text.len() + 2);
    let mut prev: Option<&Token> = None;
    for t in &toks {
        if let Some(p) = prev {
            let between = &text[p.end..t.start];
            let glued = between.is_empty() && ((month(p) && number(t)) || (number(p) && month(t)));
            out.push_str(if glued { " " } else { between });
        } else {
            out.push_str(&text[..t.start]);
        }
        out.push_str(&text[t.start..t.end]);
        prev = Some(t);
    }
    out.push_str(prev.map_or(text, |p| &text[p.end..]));
    out
}

/// Finds every valid date in `text` with its byte span; impossible dates
/// (31/02/2024) and numbers that only look like dates are skipped.
pub fn find_dates(text: &str, order: DateOrder) -> Vec<DateMatch> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Try::Date(date, end) = try_at(&toks, i, order) {
            out.push(DateMatch {
                start: toks[i].start,
                end: toks[end - 1].end,
                date,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str, order: DateOrder) -> String {
        parse_date(s, order)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .iso()
    }

    #[test]
    fn dates_good() {
        use DateOrder::*;
        let cases = [
            ("14/03/2024", DayFirst, "2024-03-14"),
            ("14-03-24", DayFirst, "2024-03-14"),
            ("14.03.2024", DayFirst, "2024-03-14"),
            ("1/3/2024", DayFirst, "2024-03-01"),
            ("03/04/2024", DayFirst, "2024-04-03"),
            ("03/04/2024", MonthFirst, "2024-03-04"),
            ("03/14/2024", DayFirst, "2024-03-14"),
            ("14/03/2024", MonthFirst, "2024-03-14"),
            ("2024-03-14", DayFirst, "2024-03-14"),
            ("2024-03-14", MonthFirst, "2024-03-14"),
            ("2024/03/14", DayFirst, "2024-03-14"),
            ("2024.3.4", DayFirst, "2024-03-04"),
            ("14 de marzo de 2024", DayFirst, "2024-03-14"),
            ("14 DE MARZO DE 2024", DayFirst, "2024-03-14"),
            ("1 de septiembre del 2023", DayFirst, "2023-09-01"),
            ("5 setiembre 2023", DayFirst, "2023-09-05"),
            ("14 MAR 2024", DayFirst, "2024-03-14"),
            ("14-Mar-2024", DayFirst, "2024-03-14"),
            ("14-mar-24", DayFirst, "2024-03-14"),
            ("14MAR2024", DayFirst, "2024-03-14"),
            ("14 Sept. 2024", DayFirst, "2024-09-14"),
            ("14 sept 2024", DayFirst, "2024-09-14"),
            ("14 set 2024", DayFirst, "2024-09-14"),
            ("3 ene 2025", DayFirst, "2025-01-03"),
            ("31 dic. 1999", DayFirst, "1999-12-31"),
            ("March 14, 2024", DayFirst, "2024-03-14"),
            ("Mar 14 2024", DayFirst, "2024-03-14"),
            ("march 1st, 2024", DayFirst, "2024-03-01"),
            ("14 March 2024", DayFirst, "2024-03-14"),
            ("14th of March 2024", DayFirst, "2024-03-14"),
            ("Thursday, 14 March 2024", DayFirst, "2024-03-14"),
            ("miércoles, 13 de marzo de 2024", DayFirst, "2024-03-13"),
            ("29/02/2024", DayFirst, "2024-02-29"),
            ("29/02/2000", DayFirst, "2000-02-29"),
            ("01/01/69", DayFirst, "2069-01-01"),
            ("01/01/70", DayFirst, "1970-01-01"),
            ("31/12/00", DayFirst, "2000-12-31"),
            ("14. März 2024", DayFirst, "2024-03-14"),
            ("14 marz 2024", DayFirst, "2024-03-14"),
            ("1 Dez 2023", DayFirst, "2023-12-01"),
            ("1º de mayo de 2024", DayFirst, "2024-05-01"),
            ("  14/03/2024. ", DayFirst, "2024-03-14"),
            ("Ago 5, 2024", DayFirst, "2024-08-05"),
        ];
        for (input, order, want) in cases {
            assert_eq!(iso(input, order), want, "{input}");
        }
    }

    #[test]
    fn dates_bad() {
        let inv = |y, m, d| DateError::InvalidDate {
            year: y,
            month: m,
            day: d,
        };
        let cases = [
            ("31/02/2024", inv(2024, 2, 31)),
            ("29/02/2023", inv(2023, 2, 29)),
            ("29/02/1900", inv(1900, 2, 29)),
            ("31/04/2024", inv(2024, 4, 31)),
            ("00/03/2024", inv(2024, 3, 0)),
            ("13/13/2024", inv(2024, 13, 13)),
            ("2024-02-30", inv(2024, 2, 30)),
            ("2024-13-01", inv(2024, 13, 1)),
            ("32 de marzo de 2024", inv(2024, 3, 32)),
            ("February 30, 2024", inv(2024, 2, 30)),
            ("14/03/1850", DateError::YearOutOfRange(1850)),
            ("", DateError::Empty),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input, DateOrder::DayFirst), Err(want), "{input}");
        }
        for input in [
            "14/03",
            "14/03/202",
            "14/03-2024",
            "marzo 2024",
            "14 foo 2024",
            "hello",
            "14/03/2024 extra",
            "12,50",
            "1.234,56",
        ] {
            assert!(
                matches!(
                    parse_date(input, DateOrder::DayFirst),
                    Err(DateError::Unrecognized(_))
                ),
                "{input}"
            );
        }
    }

    #[test]
    fn a_dot_read_as_a_comma_before_the_year() {
        let d = |s: &str| parse_date(s, DateOrder::DayFirst).map(|d| d.iso());
        assert_eq!(d("25.03,2022").as_deref(), Ok("2022-03-25"));
        assert_eq!(d("25,03.2022").as_deref(), Ok("2022-03-25"));
        // Not without a four-digit year: `12.03,50` is no date.
        assert!(d("12.03,50").is_err());
        assert!(find_dates("1.234,56 €", DateOrder::DayFirst).is_empty());
    }

    #[test]
    fn month_name_glued_to_numbers_gets_its_spaces_back() {
        assert_eq!(respace_month_name("05Mar2018"), "05 Mar 2018");
        assert_eq!(respace_month_name("12Mar 2018"), "12 Mar 2018");
        assert_eq!(
            respace_month_name("14 de marzo de 2024"),
            "14 de marzo de 2024"
        );
        assert_eq!(respace_month_name("05-Mar-2018"), "05-Mar-2018");
        assert_eq!(respace_month_name("5/3/2018"), "5/3/2018");
        assert_eq!(respace_month_name("Mar.2018"), "Mar.2018");
    }

    #[test]
    fn month_names() {
        assert_eq!(month_from_name("SEPT."), Some(9));
        assert_eq!(month_from_name("Diciembre"), Some(12));
        assert_eq!(month_from_name("März"), Some(3));
        assert_eq!(month_from_name("Setiembre"), Some(9));
        assert_eq!(month_from_name("smarch"), None);
        assert_eq!(expand_year("24"), Some(2024));
        assert_eq!(expand_year("99"), Some(1999));
        assert_eq!(expand_year("2024"), Some(2024));
        assert_eq!(expand_year("202"), None);
    }

    fn found(text: &str, order: DateOrder) -> Vec<(String, String)> {
        find_dates(text, order)
            .into_iter()
            .map(|m| (text[m.start..m.end].to_string(), m.date.iso()))
            .collect()
    }

    #[test]
    fn finds_dates_with_spans() {
        let t = "FACTURA 2024-001 Fecha: 14/03/2024 Vencimiento: 14 de abril de 2024\nPedido 31/02/2024 ref 1.234,56";
        let pairs = found(t, DateOrder::DayFirst);
        assert_eq!(
            pairs,
            vec![
                ("14/03/2024".to_string(), "2024-03-14".to_string()),
                ("14 de abril de 2024".to_string(), "2024-04-14".to_string()),
            ]
        );
        let t = "Invoice date: March 14, 2024 Due: 04/13/2024 10:30";
        assert_eq!(
            found(t, DateOrder::MonthFirst),
            vec![
                ("March 14, 2024".to_string(), "2024-03-14".to_string()),
                ("04/13/2024".to_string(), "2024-04-13".to_string()),
            ]
        );
        let t = "DATE:14MAR24 TIME 10:30 1.14.03.2024 14/03/2024/5";
        assert_eq!(
            found(t, DateOrder::DayFirst),
            vec![("14MAR24".to_string(), "2024-03-14".to_string())]
        );
        // A year OCR glued to the time after it ends at the year.
        assert_eq!(
            found("05 Mar201818:24 10Mar201818:24", DateOrder::DayFirst),
            vec![
                ("05 Mar2018".to_string(), "2018-03-05".to_string()),
                ("10Mar2018".to_string(), "2018-03-10".to_string()),
            ]
        );
        // Not a year + hour: no month before it, or no minutes after it.
        assert!(found("Ref 201818:24", DateOrder::DayFirst).is_empty());
        assert!(found("05 Mar 201899", DateOrder::DayFirst).is_empty());
        // The spans are byte offsets, also after multi-byte characters.
        let t = "Año fiscal — 1 de julio de 2024";
        let m = &find_dates(t, DateOrder::DayFirst)[0];
        assert_eq!(&t[m.start..m.end], "1 de julio de 2024");
    }

    #[test]
    fn date_serializes_as_iso() {
        let d = Date::new(2024, 3, 14).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-03-14\"");
        let back: Date = serde_json::from_str("\"2024-03-14\"").unwrap();
        assert_eq!(back, d);
        assert!(Date::new(2024, 3, 14).unwrap() < Date::new(2024, 4, 1).unwrap());
    }
}
