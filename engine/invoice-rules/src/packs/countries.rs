//! The countries the packs cover: currency, VAT-id prefix, phone code,
//! postcode shape, how numbers and dates are written. One table, shared by
//! every language written in a country (Switzerland is in three packs).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Lang;
use crate::date::DateOrder;
use crate::locale::Locale;

/// An ISO 3166-1 alpha-2 country code, uppercase.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

#[allow(missing_docs)]
impl Country {
    pub const ES: Country = Country(*b"ES");
    pub const MX: Country = Country(*b"MX");
    pub const AR: Country = Country(*b"AR");
    pub const CO: Country = Country(*b"CO");
    pub const CL: Country = Country(*b"CL");
    pub const PE: Country = Country(*b"PE");
    pub const GB: Country = Country(*b"GB");
    pub const IE: Country = Country(*b"IE");
    pub const US: Country = Country(*b"US");
    pub const CA: Country = Country(*b"CA");
    pub const AU: Country = Country(*b"AU");
    pub const NZ: Country = Country(*b"NZ");
    pub const IN: Country = Country(*b"IN");
    pub const SG: Country = Country(*b"SG");
    pub const MY: Country = Country(*b"MY");
    pub const DE: Country = Country(*b"DE");
    pub const AT: Country = Country(*b"AT");
    pub const CH: Country = Country(*b"CH");
    pub const LI: Country = Country(*b"LI");
    pub const LU: Country = Country(*b"LU");
    pub const FR: Country = Country(*b"FR");
    pub const BE: Country = Country(*b"BE");
    pub const MC: Country = Country(*b"MC");
    pub const NL: Country = Country(*b"NL");
    pub const IT: Country = Country(*b"IT");
    pub const SM: Country = Country(*b"SM");
    pub const PT: Country = Country(*b"PT");
    pub const BR: Country = Country(*b"BR");
}

impl Country {
    /// A country from its alpha-2 code in any case (`EL`, the VAT prefix
    /// of Greece, reads as `GR`); `None` unless two ASCII letters.
    pub fn new(code: &str) -> Option<Country> {
        let b = code.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let c = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
        Some(Country(if &c == b"EL" { *b"GR" } else { c }))
    }

    /// The code (`DE`).
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// What the covered-country table knows about it.
    pub fn info(self) -> Option<&'static CountryInfo> {
        country_info(self)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.code())
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Country, D::Error> {
        let s = String::deserialize(d)?;
        Country::new(&s).ok_or_else(|| serde::de::Error::custom("expected an ISO alpha-2 code"))
    }
}

/// How a country writes amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberFormat {
    /// `1.234,56` (Spain, Germany, Italy, Netherlands...).
    CommaDecimal,
    /// `1,234.56` (English-speaking countries, Mexico, Malaysia).
    DotDecimal,
    /// `1 234,56`, space or thin space between thousands (France,
    /// Portugal, Belgium often).
    SpaceComma,
    /// `1'234.56` (Switzerland, Liechtenstein).
    Apostrophe,
}

impl NumberFormat {
    /// The decimal separator.
    pub fn decimal_separator(self) -> char {
        match self {
            NumberFormat::CommaDecimal | NumberFormat::SpaceComma => ',',
            NumberFormat::DotDecimal | NumberFormat::Apostrophe => '.',
        }
    }

    /// The usual thousands separator.
    pub fn group_separator(self) -> char {
        match self {
            NumberFormat::CommaDecimal => '.',
            NumberFormat::DotDecimal => ',',
            NumberFormat::SpaceComma => '\u{202f}',
            NumberFormat::Apostrophe => '\'',
        }
    }

    /// The amount parsers' locale for this format: they read spaces and
    /// apostrophes as grouping already, so only the decimal separator
    /// matters.
    pub fn locale(self) -> Locale {
        match self.decimal_separator() {
            ',' => Locale::EsEs,
            _ => Locale::EnUs,
        }
    }
}

/// What Grace knows about a country.
#[derive(Debug)]
pub struct CountryInfo {
    /// The country.
    pub country: Country,
    /// ISO 4217 currency.
    pub currency: &'static str,
    /// Prefix of its VAT ids (`EL` for Greece, `CHE` for Switzerland);
    /// `None` where there is no prefixed VAT id.
    pub vat_prefix: Option<&'static str>,
    /// International calling code without `+`.
    pub phone_code: &'static str,
    /// Whether a token is shaped like one of its postcodes.
    pub postcode: fn(&str) -> bool,
    /// How amounts are written, the most common first.
    pub number_formats: &'static [NumberFormat],
    /// How numeric dates are written, the most common first.
    pub date_orders: &'static [DateOrder],
    /// Languages invoices are written in, the most common first.
    pub langs: &'static [Lang],
}

use DateOrder::{DayFirst as D, MonthFirst as M};
use Lang as L;
use NumberFormat::{Apostrophe as Ap, CommaDecimal as Cd, DotDecimal as Dd, SpaceComma as Sc};

#[rustfmt::skip]
const COUNTRIES: &[CountryInfo] = &[
    info(Country::ES, "EUR", Some("ES"), "34", five_digits, &[Cd], &[D], &[L::Es]),
    info(Country::MX, "MXN", None, "52", five_digits, &[Dd], &[D], &[L::Es]),
    info(Country::AR, "ARS", None, "54", argentina, &[Cd], &[D], &[L::Es]),
    info(Country::CO, "COP", None, "57", six_digits, &[Cd, Dd], &[D], &[L::Es]),
    info(Country::CL, "CLP", None, "56", seven_digits, &[Cd], &[D], &[L::Es]),
    info(Country::PE, "PEN", None, "51", five_digits, &[Dd], &[D], &[L::Es]),
    info(Country::GB, "GBP", Some("GB"), "44", united_kingdom, &[Dd], &[D], &[L::En]),
    info(Country::IE, "EUR", Some("IE"), "353", eircode, &[Dd], &[D], &[L::En]),
    info(Country::US, "USD", None, "1", zip, &[Dd], &[M, D], &[L::En, L::Es]),
    info(Country::CA, "CAD", None, "1", canada, &[Dd, Sc], &[D, M], &[L::En, L::Fr]),
    info(Country::AU, "AUD", None, "61", four_digits, &[Dd], &[D], &[L::En]),
    info(Country::NZ, "NZD", None, "64", four_digits, &[Dd], &[D], &[L::En]),
    info(Country::IN, "INR", None, "91", six_digits, &[Dd], &[D], &[L::En]),
    info(Country::SG, "SGD", None, "65", six_digits, &[Dd], &[D], &[L::En]),
    info(Country::MY, "MYR", None, "60", five_digits, &[Dd], &[D], &[L::En]),
    info(Country::DE, "EUR", Some("DE"), "49", five_digits, &[Cd], &[D], &[L::De]),
    info(Country::AT, "EUR", Some("AT"), "43", four_digits, &[Cd, Sc], &[D], &[L::De]),
    info(Country::CH, "CHF", Some("CHE"), "41", four_digits, &[Ap, Dd], &[D], &[L::De, L::Fr, L::It]),
    info(Country::LI, "CHF", None, "423", liechtenstein, &[Ap, Dd], &[D], &[L::De]),
    info(Country::LU, "EUR", Some("LU"), "352", four_digits, &[Cd, Sc], &[D], &[L::Fr, L::De]),
    info(Country::FR, "EUR", Some("FR"), "33", five_digits, &[Sc, Cd], &[D], &[L::Fr]),
    info(Country::BE, "EUR", Some("BE"), "32", four_digits, &[Cd, Sc], &[D], &[L::Nl, L::Fr, L::De]),
    info(Country::MC, "EUR", Some("FR"), "377", monaco, &[Sc, Cd], &[D], &[L::Fr]),
    info(Country::NL, "EUR", Some("NL"), "31", netherlands, &[Cd], &[D], &[L::Nl]),
    info(Country::IT, "EUR", Some("IT"), "39", five_digits, &[Cd], &[D], &[L::It]),
    info(Country::SM, "EUR", None, "378", san_marino, &[Cd], &[D], &[L::It]),
    info(Country::PT, "EUR", Some("PT"), "351", portugal, &[Sc, Cd], &[D], &[L::Pt]),
    info(Country::BR, "BRL", None, "55", brazil, &[Cd], &[D], &[L::Pt]),
];

#[allow(clippy::too_many_arguments)]
const fn info(
    country: Country,
    currency: &'static str,
    vat_prefix: Option<&'static str>,
    phone_code: &'static str,
    postcode: fn(&str) -> bool,
    number_formats: &'static [NumberFormat],
    date_orders: &'static [DateOrder],
    langs: &'static [Lang],
) -> CountryInfo {
    CountryInfo {
        country,
        currency,
        vat_prefix,
        phone_code,
        postcode,
        number_formats,
        date_orders,
        langs,
    }
}

/// What the packs know about a country; `None` for countries no pack
/// covers.
pub fn country_info(country: Country) -> Option<&'static CountryInfo> {
    COUNTRIES.iter().find(|c| c.country == country)
}

/// Every covered country.
pub fn covered_countries() -> impl Iterator<Item = &'static CountryInfo> {
    COUNTRIES.iter()
}

/// `token` without a country prefix people write before postcodes
/// (`D-10115`, `F-75001`, `L-1234`, `CH-8001`).
fn strip_country_prefix(token: &str) -> &str {
    match token.split_once('-') {
        Some((p, rest))
            if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            rest
        }
        _ => token,
    }
}

fn n_digits(token: &str, n: usize) -> bool {
    let t = strip_country_prefix(token);
    t.len() == n && t.bytes().all(|b| b.is_ascii_digit())
}

fn four_digits(t: &str) -> bool {
    n_digits(t, 4) && !strip_country_prefix(t).starts_with('0')
}

fn five_digits(t: &str) -> bool {
    n_digits(t, 5)
}

fn six_digits(t: &str) -> bool {
    n_digits(t, 6)
}

fn seven_digits(t: &str) -> bool {
    n_digits(t, 7)
}

/// US ZIP: `12345` or ZIP+4 `12345-6789`.
fn zip(t: &str) -> bool {
    match t.split_once('-') {
        Some((a, b)) => n_digits(a, 5) && n_digits(b, 4),
        None => n_digits(t, 5),
    }
}

/// `1234`, or the CPA `C1425ABC`.
fn argentina(t: &str) -> bool {
    let b = t.as_bytes();
    four_digits(t)
        || (b.len() == 8
            && b[0].is_ascii_uppercase()
            && b[1..5].iter().all(u8::is_ascii_digit)
            && b[5..].iter().all(u8::is_ascii_uppercase))
}

/// `1234 AB` or `1234AB` (the two letters may be a separate token: the
/// four digits alone also count).
fn netherlands(t: &str) -> bool {
    let t = strip_country_prefix(t).replace(' ', "");
    let b = t.as_bytes();
    let digits = b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) && b[0] != b'0';
    digits && (b.len() == 4 || (b.len() == 6 && b[4..].iter().all(u8::is_ascii_alphabetic)))
}

/// `1234-567`.
fn portugal(t: &str) -> bool {
    matches!(t.split_once('-'), Some((a, b)) if n_digits(a, 4) && n_digits(b, 3))
}

/// `12345-678`.
fn brazil(t: &str) -> bool {
    matches!(t.split_once('-'), Some((a, b)) if n_digits(a, 5) && n_digits(b, 3))
}

fn monaco(t: &str) -> bool {
    n_digits(t, 5) && strip_country_prefix(t).starts_with("980")
}

fn san_marino(t: &str) -> bool {
    n_digits(t, 5) && strip_country_prefix(t).starts_with("4789")
}

fn liechtenstein(t: &str) -> bool {
    four_digits(t) && matches!(&strip_country_prefix(t)[..3], "948" | "949")
}

/// Outward code (`SW1A`, `M1`, `EC2V`) and inward code (`1AA`), with or
/// without the space.
fn united_kingdom(t: &str) -> bool {
    let t: String = t.chars().filter(|c| *c != ' ').collect();
    let b = t.as_bytes();
    if !(5..=7).contains(&b.len()) {
        return false;
    }
    let (out, inw) = b.split_at(b.len() - 3);
    out[0].is_ascii_uppercase()
        && out.iter().all(u8::is_ascii_alphanumeric)
        && out.iter().any(u8::is_ascii_digit)
        && inw[0].is_ascii_digit()
        && inw[1..].iter().all(u8::is_ascii_uppercase)
}

/// Eircode: routing key `D02` + four characters.
fn eircode(t: &str) -> bool {
    let t: String = t.chars().filter(|c| *c != ' ').collect();
    let b = t.as_bytes();
    b.len() == 7
        && b[0].is_ascii_uppercase()
        && (b[1..3].iter().all(u8::is_ascii_digit) || &b[1..3] == b"6W")
        && b[3..].iter().all(u8::is_ascii_alphanumeric)
}

/// `K1A 0B1`: letter digit letter, digit letter digit.
fn canada(t: &str) -> bool {
    let t: String = t.chars().filter(|c| *c != ' ').collect();
    let b = t.as_bytes();
    b.len() == 6
        && b.iter().enumerate().all(|(i, c)| {
            if i % 2 == 0 {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes() {
        let ok = |c: Country, t: &str| (c.info().unwrap().postcode)(t);
        assert!(ok(Country::DE, "10115"));
        assert!(ok(Country::DE, "D-10115"));
        assert!(!ok(Country::DE, "1011"));
        assert!(ok(Country::AT, "1010"));
        assert!(ok(Country::CH, "CH-8001"));
        assert!(ok(Country::NL, "1012 AB"));
        assert!(ok(Country::NL, "1012AB"));
        assert!(!ok(Country::NL, "0123AB"));
        assert!(ok(Country::PT, "1000-001"));
        assert!(!ok(Country::PT, "1000"));
        assert!(ok(Country::GB, "SW1A 1AA"));
        assert!(ok(Country::GB, "M1 1AE"));
        assert!(!ok(Country::GB, "12345"));
        assert!(ok(Country::IE, "D02 X285"));
        assert!(ok(Country::US, "94105-1234"));
        assert!(ok(Country::CA, "K1A 0B1"));
        assert!(ok(Country::BR, "01310-100"));
        assert!(ok(Country::AR, "C1425ABC"));
        assert!(ok(Country::MC, "98000"));
        assert!(ok(Country::LI, "9490"));
        assert!(!ok(Country::LI, "8001"));
    }

    #[test]
    fn codes_and_formats() {
        assert_eq!(Country::new("el"), Some(Country::new("GR").unwrap()));
        assert_eq!(Country::new("de"), Some(Country::DE));
        assert_eq!(Country::new("D"), None);
        assert_eq!(serde_json::to_string(&Country::FR).unwrap(), "\"FR\"");
        assert_eq!(NumberFormat::SpaceComma.locale(), Locale::EsEs);
        assert_eq!(NumberFormat::Apostrophe.locale(), Locale::EnUs);
        for c in covered_countries() {
            assert!(
                !c.number_formats.is_empty() && !c.date_orders.is_empty(),
                "{}",
                c.country
            );
        }
        assert_eq!(
            Country::US.info().unwrap().date_orders[0],
            DateOrder::MonthFirst
        );
    }
}
