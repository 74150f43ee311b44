//! Contact details: email addresses and phone numbers normalized to E.164
//! for Spain and Latin America (plus NANP and a generic international form).

use serde::{Deserialize, Serialize};

use crate::text::strip_prefix_ci;

/// Why an email or phone number is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    /// The email address is malformed.
    #[error("invalid email: {0}")]
    Email(&'static str),
    /// The phone number contains characters other than digits and separators.
    #[error("phone number contains an invalid character {0:?}")]
    PhoneCharacter(char),
    /// A national number was given and no default country to read it with.
    #[error("phone number has no country code and no default country was given")]
    MissingCountry,
    /// The default country is not one this crate knows the numbering of.
    #[error("unsupported phone country {0}")]
    UnsupportedCountry(String),
    /// Wrong number of digits, or a leading digit the country never uses.
    #[error("{country} phone number should have {expected} digits, found {found}")]
    PhoneLength {
        /// Country code (ISO alpha-2) or `+` + calling code when unknown.
        country: String,
        /// Allowed national-number lengths.
        expected: &'static str,
        /// Digits in the national number found.
        found: usize,
    },
    /// The national number starts with a digit the country never issues.
    #[error("{country} phone number cannot start with {first}")]
    PhonePrefix {
        /// Country code (ISO alpha-2).
        country: String,
        /// The leading digit found.
        first: char,
    },
}

/// Validates and normalizes an email address: trims, drops `mailto:` and
/// surrounding `<>` or trailing punctuation OCR picks up, lowercases the
/// domain (the local part is case-sensitive in principle, so it is kept).
pub fn validate_email(s: &str) -> Result<String, ContactError> {
    let mut t = s.trim();
    if let Some(rest) = strip_prefix_ci(t, "mailto:") {
        t = rest;
    }
    let t = t
        .trim_start_matches('<')
        .trim_end_matches(['>', '.', ',', ';', ':'])
        .trim();
    if t.is_empty() {
        return Err(ContactError::Email("empty"));
    }
    if !t.is_ascii() {
        return Err(ContactError::Email("non-ASCII character"));
    }
    let mut parts = t.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ContactError::Email("expected exactly one @"));
    };
    if local.is_empty() || local.len() > 64 {
        return Err(ContactError::Email(
            "local part must have 1 to 64 characters",
        ));
    }
    if !local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b))
    {
        return Err(ContactError::Email("invalid character in local part"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(ContactError::Email("misplaced dot in local part"));
    }
    let domain = domain.to_ascii_lowercase();
    if domain.len() > 253 {
        return Err(ContactError::Email("domain too long"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(ContactError::Email("domain needs a dot"));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(ContactError::Email("empty or too long domain label"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(ContactError::Email("invalid domain label"));
        }
    }
    let tld = labels[labels.len() - 1];
    if tld.len() < 2 || !(tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--")) {
        return Err(ContactError::Email("invalid top-level domain"));
    }
    Ok(format!("{local}@{domain}"))
}

/// A phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone {
    /// `+` + country calling code + national significant number.
    pub e164: String,
    /// ISO alpha-2 country when the calling code is one this crate knows.
    pub country: Option<String>,
    /// The national significant number (no trunk prefix).
    pub national: String,
}

/// Numbering plan facts needed to normalize a country's numbers.
struct Plan {
    iso: &'static str,
    code: &'static str,
    /// Allowed lengths of the national significant number.
    lengths: &'static [usize],
    expected: &'static str,
    /// Leading digits a national significant number may start with.
    first: &'static str,
    /// Whether national dialling adds a leading 0 that E.164 drops.
    trunk_zero: bool,
}

const PLANS: &[Plan] = &[
    plan("ES", "34", &[9], "9", "6789", false),
    plan("MX", "52", &[10], "10", "123456789", false),
    plan("AR", "54", &[10, 11], "10", "123456789", true),
    plan("CL", "56", &[9], "9", "23456789", false),
    plan("CO", "57", &[10], "10", "36", false),
    plan("PE", "51", &[8, 9], "8 or 9", "123456789", true),
    plan("EC", "593", &[8, 9], "8 or 9", "234579", true),
    plan("VE", "58", &[10], "10", "24589", true),
    plan("UY", "598", &[8], "8", "249", true),
    plan("PY", "595", &[7, 8, 9], "7 to 9", "2345679", true),
    plan("BO", "591", &[8], "8", "234567", false),
    plan("CR", "506", &[8], "8", "245678", false),
    plan("PA", "507", &[7, 8], "7 or 8", "2345678", false),
    plan("GT", "502", &[8], "8", "234567", false),
    plan("SV", "503", &[8], "8", "2679", false),
    plan("HN", "504", &[8], "8", "23789", false),
    plan("NI", "505", &[8], "8", "2578", false),
    plan("CU", "53", &[8], "8", "2345678", false),
    plan("BR", "55", &[10, 11], "10 or 11", "123456789", true),
    plan("US", "1", &[10], "10", "23456789", false),
    plan("PT", "351", &[9], "9", "2389", false),
];

const fn plan(
    iso: &'static str,
    code: &'static str,
    lengths: &'static [usize],
    expected: &'static str,
    first: &'static str,
    trunk_zero: bool,
) -> Plan {
    Plan {
        iso,
        code,
        lengths,
        expected,
        first,
        trunk_zero,
    }
}

/// Countries that share the NANP +1 code with the US.
const NANP: [&str; 4] = ["US", "CA", "DO", "PR"];

fn plan_for_iso(iso: &str) -> Option<&'static Plan> {
    let iso = if NANP.contains(&iso) { "US" } else { iso };
    PLANS.iter().find(|p| p.iso == iso)
}

/// Normalizes a phone number to E.164. International numbers (`+52 1 55
/// 1234 5678`, `0034 912 345 678`) carry their country; national numbers
/// (`912 34 56 78`, `(011) 15-1234-5678`) are read with `default_country`
/// (ISO alpha-2), dropping trunk prefixes (`0`, Mexico's `01`/`044`/`045`,
/// Argentina's mobile `15`).
pub fn normalize_phone(s: &str, default_country: Option<&str>) -> Result<Phone, ContactError> {
    let mut t = s.trim();
    if let Some(rest) = strip_prefix_ci(t, "tel:") {
        t = rest.trim_start();
    }
    // "+44 (0)20 ..." — the bracketed trunk zero is not dialled from abroad.
    let t = t.replace("(0)", "");
    let mut digits = String::new();
    let mut plus = false;
    for c in t.chars() {
        match c {
            '0'..='9' => digits.push(c),
            // A plus is only meaningful before the first digit, as in
            // "(+34) 93 ...".
            '+' if digits.is_empty() && !plus => plus = true,
            ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}' => {}
            other => return Err(ContactError::PhoneCharacter(other)),
        }
    }
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    match international {
        Some(rest) => international_number(rest, default_country),
        None => {
            let iso = default_country.ok_or(ContactError::MissingCountry)?;
            let iso = iso.to_ascii_uppercase();
            let plan =
                plan_for_iso(&iso).ok_or_else(|| ContactError::UnsupportedCountry(iso.clone()))?;
            let national = national_number(plan, &digits);
            finish(plan, &national, &iso)
        }
    }
}

fn international_number(rest: &str, default_country: Option<&str>) -> Result<Phone, ContactError> {
    // Calling codes are prefix-free, so at most one known plan matches.
    let plan = PLANS
        .iter()
        .filter(|p| rest.starts_with(p.code))
        .max_by_key(|p| p.code.len());
    let Some(plan) = plan else {
        if !(8..=15).contains(&rest.len()) {
            return Err(ContactError::PhoneLength {
                country: "international".to_string(),
                expected: "8 to 15",
                found: rest.len(),
            });
        }
        return Ok(Phone {
            e164: format!("+{rest}"),
            country: None,
            national: String::new(),
        });
    };
    let mut national = rest[plan.code.len()..].to_string();
    if plan.trunk_zero && national.starts_with('0') {
        // Some people write the trunk zero after the country code.
        national.remove(0);
    }
    if plan.iso == "MX" && national.len() == 11 && national.starts_with('1') {
        // The mobile "1" after +52 was retired in 2019.
        national.remove(0);
    }
    let iso = match default_country.map(str::to_ascii_uppercase) {
        Some(d) if plan.iso == "US" && NANP.contains(&d.as_str()) => d,
        _ => plan.iso.to_string(),
    };
    finish(plan, &national, &iso)
}

/// Strips national dialling prefixes to get the national significant number.
fn national_number(plan: &Plan, digits: &str) -> String {
    let mut n = digits.to_string();
    match plan.iso {
        "MX" => {
            for p in ["044", "045", "01"] {
                if n.len() == 10 + p.len() && n.starts_with(p) {
                    n = n[p.len()..].to_string();
                    break;
                }
            }
        }
        "AR" => {
            if let Some(rest) = n.strip_prefix('0') {
                n = rest.to_string();
            }
            // Mobiles are dialled area + 15 + number; E.164 writes 9 +
            // area + number.
            if n.len() == 12 {
                for area in 2..=4 {
                    if &n[area..area + 2] == "15" {
                        n = format!("9{}{}", &n[..area], &n[area + 2..]);
                        break;
                    }
                }
            }
        }
        "US" => {
            if n.len() == 11 && n.starts_with('1') {
                n.remove(0);
            }
        }
        _ => {
            if plan.trunk_zero && n.starts_with('0') {
                n.remove(0);
            }
        }
    }
    n
}

fn finish(plan: &Plan, national: &str, iso: &str) -> Result<Phone, ContactError> {
    let len_ok = plan.lengths.contains(&national.len());
    // Argentine 11-digit numbers are only mobiles in the 9 + 10 form.
    let ar_ok = plan.iso != "AR" || national.len() == 10 || national.starts_with('9');
    if !len_ok || !ar_ok {
        return Err(ContactError::PhoneLength {
            country: iso.to_string(),
            expected: plan.expected,
            found: national.len(),
        });
    }
    let first = national.chars().next().unwrap_or('0');
    if !plan.first.contains(first) {
        return Err(ContactError::PhonePrefix {
            country: iso.to_string(),
            first,
        });
    }
    Ok(Phone {
        e164: format!("+{}{}", plan.code, national),
        country: Some(iso.to_string()),
        national: national.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_good() {
        let cases = [
            ("info@empresa.es", "info@empresa.es"),
            ("  Facturas@Empresa.ES ", "Facturas@empresa.es"),
            ("mailto:pagos@example.com", "pagos@example.com"),
            ("<ventas@tienda.com.mx>", "ventas@tienda.com.mx"),
            (
                "john.doe+invoices@mail.example.co.uk",
                "john.doe+invoices@mail.example.co.uk",
            ),
            ("a@b.co", "a@b.co"),
            ("contacto@mi-empresa.cl.", "contacto@mi-empresa.cl"),
            ("user_name@sub.domain.org,", "user_name@sub.domain.org"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("1234@123.com", "1234@123.com"),
            ("x@xn--espaa-rta.es", "x@xn--espaa-rta.es"),
        ];
        for (input, want) in cases {
            assert_eq!(validate_email(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn email_bad() {
        let cases = [
            ("", "invalid email: empty"),
            ("infoempresa.es", "invalid email: expected exactly one @"),
            ("a@b@c.com", "invalid email: expected exactly one @"),
            (
                "@empresa.es",
                "invalid email: local part must have 1 to 64 characters",
            ),
            (
                ".info@empresa.es",
                "invalid email: misplaced dot in local part",
            ),
            (
                "in..fo@empresa.es",
                "invalid email: misplaced dot in local part",
            ),
            ("info@empresa", "invalid email: domain needs a dot"),
            (
                "info@empresa..es",
                "invalid email: empty or too long domain label",
            ),
            ("info@-empresa.es", "invalid email: invalid domain label"),
            ("info@empresa.e", "invalid email: invalid top-level domain"),
            (
                "info@empresa.123",
                "invalid email: invalid top-level domain",
            ),
            (
                "in fo@empresa.es",
                "invalid email: invalid character in local part",
            ),
            ("añil@empresa.es", "invalid email: non-ASCII character"),
            ("info@empresa_sl.es", "invalid email: invalid domain label"),
        ];
        for (input, msg) in cases {
            let e = validate_email(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    fn e164(s: &str, country: Option<&str>) -> String {
        normalize_phone(s, country)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .e164
    }

    #[test]
    fn phone_good() {
        let cases = [
            ("+34 912 345 678", None, "+34912345678"),
            ("0034 912345678", None, "+34912345678"),
            ("912 34 56 78", Some("ES"), "+34912345678"),
            ("612-345-678", Some("es"), "+34612345678"),
            ("tel:+34.600.000.000", None, "+34600000000"),
            ("(+34) 93 123 45 67", None, "+34931234567"),
            ("+52 1 55 1234 5678", None, "+525512345678"),
            ("+52 55 1234 5678", None, "+525512345678"),
            ("044 55 1234 5678", Some("MX"), "+525512345678"),
            ("01 55 1234 5678", Some("MX"), "+525512345678"),
            ("55 1234 5678", Some("MX"), "+525512345678"),
            ("+54 9 11 1234-5678", None, "+5491112345678"),
            ("011 15-1234-5678", Some("AR"), "+5491112345678"),
            ("011 4321-1234", Some("AR"), "+541143211234"),
            ("+56 9 8765 4321", None, "+56987654321"),
            ("(2) 2345 6789", Some("CL"), "+56223456789"),
            ("+57 300 123 4567", None, "+573001234567"),
            ("601 234 5678", Some("CO"), "+576012345678"),
            ("+51 987 654 321", None, "+51987654321"),
            ("(01) 234-5678", Some("PE"), "+5112345678"),
            ("+593 99 123 4567", None, "+593991234567"),
            ("099 123 456", Some("UY"), "+59899123456"),
            ("+1 (415) 555-2671", None, "+14155552671"),
            ("1-415-555-2671", Some("US"), "+14155552671"),
            ("+44 (0)20 7946 0958", None, "+442079460958"),
            ("+49 30 123456", None, "+4930123456"),
        ];
        for (input, country, want) in cases {
            assert_eq!(e164(input, country), want, "{input}");
        }
        let p = normalize_phone("+34 912 345 678", None).unwrap();
        assert_eq!(p.country.as_deref(), Some("ES"));
        assert_eq!(p.national, "912345678");
        let p = normalize_phone("+1 809 555 1234", Some("DO")).unwrap();
        assert_eq!(p.country.as_deref(), Some("DO"));
        assert_eq!(
            normalize_phone("+44 20 7946 0958", None).unwrap().country,
            None
        );
    }

    #[test]
    fn phone_bad() {
        let cases = [
            (
                "912 345 678",
                None,
                "phone number has no country code and no default country was given",
            ),
            (
                "+34 912 345 67",
                None,
                "ES phone number should have 9 digits, found 8",
            ),
            (
                "+34 912 345 6789",
                None,
                "ES phone number should have 9 digits, found 10",
            ),
            (
                "+34 512 345 678",
                None,
                "ES phone number cannot start with 5",
            ),
            (
                "512 345 678",
                Some("ES"),
                "ES phone number cannot start with 5",
            ),
            (
                "+52 55 1234 567",
                None,
                "MX phone number should have 10 digits, found 9",
            ),
            (
                "+57 200 123 4567",
                None,
                "CO phone number cannot start with 2",
            ),
            (
                "+56 9 8765 432",
                None,
                "CL phone number should have 9 digits, found 8",
            ),
            ("912 345 678", Some("ZZ"), "unsupported phone country ZZ"),
            (
                "91 234 5678 ext 2",
                Some("ES"),
                "phone number contains an invalid character 'e'",
            ),
            (
                "+34 91O 345 678",
                None,
                "phone number contains an invalid character 'O'",
            ),
            (
                "+999 12",
                None,
                "international phone number should have 8 to 15 digits, found 5",
            ),
            (
                "",
                Some("ES"),
                "ES phone number should have 9 digits, found 0",
            ),
        ];
        for (input, country, msg) in cases {
            let e = normalize_phone(input, country).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }
}
