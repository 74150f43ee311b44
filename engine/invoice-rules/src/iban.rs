//! IBAN (ISO 13616): country lengths from the SWIFT IBAN registry, the
//! ISO 7064 mod-97 check, and the Spanish CCC control digits inside ES
//! IBANs (a wrong CCC is a typo the mod-97 check misses one time in 97).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{all_digits, compact_upper, digit};

/// IBAN length per country, SWIFT IBAN registry (release of December 2024,
/// including Honduras and Yemen).
#[rustfmt::skip]
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22),
    ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20),
    ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22),
    ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HN", 28), ("HR", 21),
    ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30),
    ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20),
    ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
    ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23),
    ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22),
    ("RU", 33), ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24),
    ("SM", 27), ("SO", 23), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26),
    ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
];

/// The registered IBAN length for a country code, if it uses IBANs.
pub fn iban_length(country: &str) -> Option<usize> {
    LENGTHS.iter().find(|(c, _)| *c == country).map(|&(_, n)| n)
}

/// A validated IBAN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Iban {
    /// Electronic form: uppercase, no spaces (`ES9121000418450200051332`).
    pub value: String,
    /// ISO 3166 alpha-2 country code.
    pub country: String,
}

impl Iban {
    /// The two check digits.
    pub fn check_digits(&self) -> &str {
        self.value.get(2..4).unwrap_or("")
    }

    /// The national account number (BBAN).
    pub fn bban(&self) -> &str {
        self.value.get(4..).unwrap_or("")
    }

    /// Print form: groups of four separated by spaces.
    pub fn formatted(&self) -> String {
        let mut out = String::with_capacity(self.value.len() + self.value.len() / 4);
        for (i, c) in self.value.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Why a string is not a valid IBAN or CCC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Nothing left after normalization.
    #[error("IBAN is empty")]
    Empty,
    /// A character other than A–Z or 0–9.
    #[error("IBAN contains an invalid character {0:?}")]
    InvalidCharacter(char),
    /// Does not start with a country code and two check digits.
    #[error("IBAN should start with a country code and two check digits")]
    BadPrefix,
    /// The country does not use IBANs.
    #[error("{0} is not a country in the IBAN registry")]
    UnknownCountry(String),
    /// Wrong length for the country.
    #[error("{country} IBAN should have {expected} characters, found {found}")]
    Length {
        /// Country code.
        country: String,
        /// Registered length.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// The mod-97 check fails.
    #[error("IBAN check digits should be {expected}, found {found}")]
    Checksum {
        /// Check digits the rest of the IBAN gives.
        expected: String,
        /// Check digits present.
        found: String,
    },
    /// A Spanish CCC that is not 20 digits.
    #[error("CCC should have 20 digits, found {0} characters")]
    CccFormat(usize),
    /// The Spanish CCC control digits do not match.
    #[error("CCC control digits should be {expected}, found {found}")]
    CccControl {
        /// Control digits computed from bank, branch and account.
        expected: String,
        /// Control digits present.
        found: String,
    },
}

/// ISO 7064 mod 97 of an alphanumeric string, letters counting as 10–35;
/// computed digit by digit so any length fits in a u32.
pub(crate) fn mod97(s: &str) -> u32 {
    let mut r: u32 = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            r = (r * 10 + digit(b)) % 97;
        } else if b.is_ascii_uppercase() {
            r = (r * 100 + u32::from(b - b'A') + 10) % 97;
        }
    }
    r
}

/// Validates an IBAN in print or electronic form (`ES91 2100 0418 4502 0005
/// 1332`, `iban es91...`): registry length, mod 97, and the CCC control
/// digits for Spain.
pub fn validate_iban(s: &str) -> Result<Iban, IbanError> {
    let mut c = compact_upper(s);
    if let Some(rest) = c.strip_prefix("IBAN") {
        c = rest.trim_start_matches(':').to_string();
    }
    if c.is_empty() {
        return Err(IbanError::Empty);
    }
    if let Some(bad) = c.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(IbanError::InvalidCharacter(bad));
    }
    let b = c.as_bytes();
    if b.len() < 4
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
    {
        return Err(IbanError::BadPrefix);
    }
    let country = &c[..2];
    let expected_len =
        iban_length(country).ok_or_else(|| IbanError::UnknownCountry(country.to_string()))?;
    if c.len() != expected_len {
        return Err(IbanError::Length {
            country: country.to_string(),
            expected: expected_len,
            found: c.len(),
        });
    }
    let rearranged = format!("{}{}00", &c[4..], country);
    let expected = 98 - mod97(&rearranged);
    if mod97(&format!("{}{}", &c[4..], &c[..4])) != 1 {
        return Err(IbanError::Checksum {
            expected: format!("{expected:02}"),
            found: c[2..4].to_string(),
        });
    }
    if country == "ES" {
        validate_ccc(&c[4..])?;
    }
    Ok(Iban {
        country: country.to_string(),
        value: c,
    })
}

/// One CCC control digit over ten digits (weights 1, 2, 4, 8, 5, 10, 9, 7,
/// 3, 6; 11 becomes 0 and 10 becomes 1).
fn ccc_digit(ten: &str) -> u32 {
    const W: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    let sum: u32 = ten.bytes().zip(W).map(|(b, w)| digit(b) * w).sum();
    match 11 - sum % 11 {
        11 => 0,
        10 => 1,
        d => d,
    }
}

/// Validates a Spanish CCC (bank 4 + branch 4 + control 2 + account 10) and
/// returns it as 20 digits.
pub fn validate_ccc(s: &str) -> Result<String, IbanError> {
    let c = compact_upper(s);
    if c.len() != 20 || !all_digits(&c) {
        return Err(IbanError::CccFormat(c.chars().count()));
    }
    let first = ccc_digit(&format!("00{}", &c[..8]));
    let second = ccc_digit(&c[10..]);
    let expected = format!("{first}{second}");
    if expected != c[8..10] {
        return Err(IbanError::CccControl {
            expected,
            found: c[8..10].to_string(),
        });
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_complete() {
        for w in LENGTHS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
        assert_eq!(LENGTHS.len(), 89);
        assert_eq!(iban_length("ES"), Some(24));
        assert_eq!(iban_length("NO"), Some(15));
        assert_eq!(iban_length("LC"), Some(32));
        assert_eq!(iban_length("US"), None);
    }

    #[test]
    fn iban_good() {
        let cases = [
            ("ES9121000418450200051332", "ES"),
            ("ES91 2100 0418 4502 0005 1332", "ES"),
            ("es91-2100-0418-4502-0005-1332", "ES"),
            ("IBAN: ES70 0049 1500 0105 1234 5678", "ES"),
            ("ES8001822370440201234567", "ES"),
            ("ES5220381234650000000001", "ES"),
            ("GB82WEST12345698765432", "GB"),
            ("GB82 WEST 1234 5698 7654 32", "GB"),
            ("DE89370400440532013000", "DE"),
            ("FR1420041010050500013M02606", "FR"),
            ("NL91ABNA0417164300", "NL"),
            ("BE68539007547034", "BE"),
            ("IT60X0542811101000000123456", "IT"),
            ("PT50000201231234567890154", "PT"),
            ("CH9300762011623852957", "CH"),
            ("NO9386011117947", "NO"),
            ("MT84MALT011000012345MTLCAST001S", "MT"),
            ("LC55HEMM000100010012001200023015", "LC"),
            ("BR1800360305000010009795493C1", "BR"),
            ("AT611904300234573201", "AT"),
            ("SA0380000000608010167519", "SA"),
        ];
        for (input, country) in cases {
            let iban = validate_iban(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(iban.country, country);
            assert!(!iban.value.contains(' '));
        }
        let iban = validate_iban("es9121000418450200051332").unwrap();
        assert_eq!(iban.formatted(), "ES91 2100 0418 4502 0005 1332");
        assert_eq!(iban.check_digits(), "91");
        assert_eq!(iban.bban(), "21000418450200051332");
    }

    #[test]
    fn iban_bad() {
        let cases = [
            (
                "ES9121000418450200051333",
                "IBAN check digits should be 64, found 91",
            ),
            (
                "ES9221000418450200051332",
                "IBAN check digits should be 91, found 92",
            ),
            (
                "GB82WEST12345698765431",
                "IBAN check digits should be 12, found 82",
            ),
            (
                "DE89370400440532013001",
                "IBAN check digits should be 62, found 89",
            ),
            (
                "DE8937040044053201300",
                "DE IBAN should have 22 characters, found 21",
            ),
            (
                "ES91210004184502000513321",
                "ES IBAN should have 24 characters, found 25",
            ),
            (
                "US12345678901234567890",
                "US is not a country in the IBAN registry",
            ),
            (
                "1291210004184502000513",
                "IBAN should start with a country code and two check digits",
            ),
            (
                "ESX121000418450200051332",
                "IBAN should start with a country code and two check digits",
            ),
            (
                "ES91 2100 0418 4502 0005 133Ñ",
                "IBAN contains an invalid character 'Ñ'",
            ),
            ("", "IBAN is empty"),
            // Mod 97 passes but the CCC inside is wrong (control 46 for 45,
            // re-keyed check digits).
            (
                "ES2921000418460200051332",
                "CCC control digits should be 45, found 46",
            ),
        ];
        for (input, msg) in cases {
            let e = validate_iban(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn ccc_good_and_bad() {
        let good = [
            "2100 0418 45 0200051332",
            "0049-1500-01-0512345678",
            "01822370440201234567",
            "20381234650000000001",
            "00810001109999999999",
            "00000000000000000000",
            "0075 0001 84 0600000001",
            "2085-5555-86-1234567890",
            "1465.0100.93.9123456789",
            "01280010960100012345",
            "30580990232710123456",
            "02388100861234000000",
        ];
        for g in good {
            assert!(validate_ccc(g).is_ok(), "{g}");
        }
        assert_eq!(
            validate_ccc("2100 0418 46 0200051332")
                .unwrap_err()
                .to_string(),
            "CCC control digits should be 45, found 46"
        );
        assert_eq!(
            validate_ccc("21000418450200051333")
                .unwrap_err()
                .to_string(),
            "CCC control digits should be 41, found 45"
        );
        let bad_controls = [
            ("00750001850600000001", "84"),
            ("20855555681234567890", "86"),
            ("14650100399123456789", "93"),
            ("01280010000100012345", "96"),
            ("30580990322710123456", "23"),
            ("02388100871234000000", "86"),
        ];
        for (input, expected) in bad_controls {
            match validate_ccc(input) {
                Err(IbanError::CccControl { expected: e, .. }) => {
                    assert_eq!(e, expected, "{input}")
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        assert_eq!(validate_ccc("").unwrap_err(), IbanError::CccFormat(0));
        assert_eq!(
            validate_ccc("2100041845020005133").unwrap_err(),
            IbanError::CccFormat(19)
        );
        assert_eq!(
            validate_ccc("2100041845020005133A").unwrap_err(),
            IbanError::CccFormat(20)
        );
    }

    #[test]
    fn mod97_matches_reference() {
        assert_eq!(mod97("3214282912345698765432161182"), 1);
        assert_eq!(mod97("21000418450200051332142891"), 1);
    }
}
