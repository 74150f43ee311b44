//! EU VAT numbers (VIES formats) plus UK and Northern Ireland, with the
//! national check-digit algorithms of the countries whose algorithm is
//! public and stable (AT, BE, DE, DK, ES, FI, FR, HR, IT, LU, NL, PL, PT,
//! SE, SK). Other countries are checked for format only and report
//! `checked: false`.

use super::{spain, TaxId, TaxIdError, TaxIdKind};
use crate::text::{all_digits, compact_upper, digit, iso7064_mod11_10_valid, luhn_valid};

const KIND: TaxIdKind = TaxIdKind::EuVat;

/// Validates a VAT number written with its country prefix (`ESB12345674`,
/// `DE 136 695 976`, `el123456783`); `GR` is accepted for Greece and
/// normalized to `EL`, the prefix VIES uses.
pub fn validate_eu_vat(s: &str) -> Result<TaxId, TaxIdError> {
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    if !c.is_ascii() {
        return Err(TaxIdError::format(KIND, "unexpected non-ASCII character"));
    }
    if c.len() < 4 || !c.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic) {
        return Err(TaxIdError::format(
            KIND,
            "expected a two-letter country prefix",
        ));
    }
    let (prefix, number) = c.split_at(2);
    let prefix = if prefix == "GR" { "EL" } else { prefix };
    // Old 9-digit Belgian numbers gained a leading 0 in 2007.
    let padded;
    let number = if prefix == "BE" && number.len() == 9 {
        padded = format!("0{number}");
        padded.as_str()
    } else {
        number
    };
    if !number
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'*')
    {
        return Err(TaxIdError::format(KIND, "unexpected character"));
    }
    let checked = check_country(prefix, number)?;
    let country = if prefix == "EL" { "GR" } else { prefix };
    Ok(TaxId::new(
        KIND,
        format!("{prefix}{number}"),
        country,
        checked,
    ))
}

fn length(expected: &'static str, found: usize) -> TaxIdError {
    TaxIdError::Length {
        kind: KIND,
        expected,
        found,
    }
}

fn control(what: &'static str, expected: impl ToString, found: impl ToString) -> TaxIdError {
    TaxIdError::Control {
        kind: KIND,
        what,
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

/// Requires `n` to be all digits with one of the allowed lengths.
fn digits_of(n: &str, lens: &[usize], expected: &'static str) -> Result<(), TaxIdError> {
    if !lens.contains(&n.len()) {
        return Err(length(expected, n.len()));
    }
    if !all_digits(n) {
        return Err(TaxIdError::format(
            KIND,
            "expected only digits after the prefix",
        ));
    }
    Ok(())
}

fn last_digit(n: &str) -> u32 {
    digit(*n.as_bytes().last().unwrap_or(&b'0'))
}

fn weighted(n: &str, weights: &[u32]) -> u32 {
    n.bytes().zip(weights).map(|(b, w)| digit(b) * w).sum()
}

/// Checks the number part for a country; Ok(true) when a checksum was
/// verified, Ok(false) when only the format was.
fn check_country(prefix: &str, n: &str) -> Result<bool, TaxIdError> {
    match prefix {
        "AT" => {
            let Some(d) = n.strip_prefix('U') else {
                return Err(TaxIdError::format(KIND, "Austrian numbers start with U"));
            };
            digits_of(d, &[8], "ATU + 8")?;
            let mut sum = 0;
            for (i, b) in d.bytes().take(7).enumerate() {
                let x = digit(b) * if i % 2 == 0 { 1 } else { 2 };
                sum += x / 10 + x % 10;
            }
            let expected = (10 - (sum + 4) % 10) % 10;
            ok_if(expected == last_digit(d), "digit", expected, last_digit(d))
        }
        "BE" => {
            digits_of(n, &[10], "BE + 10")?;
            if !matches!(n.as_bytes()[0], b'0' | b'1') {
                return Err(TaxIdError::format(
                    KIND,
                    "Belgian numbers start with 0 or 1",
                ));
            }
            let body: u32 = n[..8].parse().unwrap_or(0);
            let expected = 97 - body % 97;
            let found: u32 = n[8..].parse().unwrap_or(0);
            ok_if(
                expected == found,
                "digits",
                format!("{expected:02}"),
                &n[8..],
            )
        }
        "BG" => digits_of(n, &[9, 10], "BG + 9 or 10").map(|_| false),
        "CY" => {
            if n.len() != 9 {
                return Err(length("CY + 9", n.len()));
            }
            if !all_digits(&n[..8]) || !n.as_bytes()[8].is_ascii_alphabetic() {
                return Err(TaxIdError::format(
                    KIND,
                    "Cypriot numbers are 8 digits + letter",
                ));
            }
            Ok(false)
        }
        "CZ" => digits_of(n, &[8, 9, 10], "CZ + 8 to 10").map(|_| false),
        "DE" => {
            digits_of(n, &[9], "DE + 9")?;
            let valid = iso7064_mod11_10_valid(n);
            ok_if(valid, "digit", expected_mod11_10(n), last_digit(n))
        }
        "DK" => {
            digits_of(n, &[8], "DK + 8")?;
            let sum = weighted(n, &[2, 7, 6, 5, 4, 3, 2, 1]);
            let partial = weighted(&n[..7], &[2, 7, 6, 5, 4, 3, 2]);
            let expected = (11 - partial % 11) % 11;
            ok_if(sum.is_multiple_of(11), "digit", expected, last_digit(n))
        }
        "EE" => digits_of(n, &[9], "EE + 9").map(|_| false),
        "EL" => digits_of(n, &[9], "EL + 9").map(|_| false),
        "ES" => {
            let id = spain::validate_spanish_id(n).map_err(|e| match e {
                TaxIdError::Control {
                    what,
                    expected,
                    found,
                    ..
                } => control(what, expected, found),
                TaxIdError::Length { found, .. } => length("ES + 9", found),
                TaxIdError::Format { reason, .. } => TaxIdError::format(KIND, reason),
                other => other,
            })?;
            // The Spanish validators pad short DNIs; only accept the VAT
            // number when it was already written in full.
            if id.value != n {
                return Err(length("ES + 9", n.len()));
            }
            Ok(true)
        }
        "FI" => {
            digits_of(n, &[8], "FI + 8")?;
            let r = weighted(&n[..7], &[7, 9, 10, 5, 8, 4, 2]) % 11;
            if r == 1 {
                return Err(TaxIdError::format(
                    KIND,
                    "Finnish checksum remainder 1 is never issued",
                ));
            }
            let expected = if r == 0 { 0 } else { 11 - r };
            ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
        }
        "FR" => {
            if n.len() != 11 {
                return Err(length("FR + 11", n.len()));
            }
            let (key, siren) = n.split_at(2);
            if !all_digits(siren) {
                return Err(TaxIdError::format(KIND, "French SIREN must be 9 digits"));
            }
            if !all_digits(key) {
                // Alphanumeric keys use an unpublished scheme: format only.
                if key.contains(['I', 'O']) {
                    return Err(TaxIdError::format(KIND, "French key cannot contain I or O"));
                }
                return Ok(false);
            }
            let siren: u64 = siren.parse().unwrap_or(0);
            let expected = (12 + 3 * (siren % 97)) % 97;
            ok_if(
                key.parse::<u64>() == Ok(expected),
                "digits",
                format!("{expected:02}"),
                key,
            )
        }
        "HR" => {
            digits_of(n, &[11], "HR + 11")?;
            ok_if(
                iso7064_mod11_10_valid(n),
                "digit",
                expected_mod11_10(n),
                last_digit(n),
            )
        }
        "HU" => digits_of(n, &[8], "HU + 8").map(|_| false),
        "IE" => {
            let b = n.as_bytes();
            let modern = (8..=9).contains(&b.len())
                && all_digits(&n[..7])
                && b[7..].iter().all(u8::is_ascii_uppercase);
            let old = b.len() == 8
                && b[0].is_ascii_digit()
                && (b[1].is_ascii_uppercase() || b[1] == b'+' || b[1] == b'*')
                && all_digits(&n[2..7])
                && b[7].is_ascii_uppercase();
            if modern || old {
                Ok(false)
            } else {
                Err(TaxIdError::format(
                    KIND,
                    "Irish numbers are 7 digits + 1 or 2 letters",
                ))
            }
        }
        "IT" => {
            digits_of(n, &[11], "IT + 11")?;
            ok_if(luhn_valid(n), "digit", expected_luhn(n), last_digit(n))
        }
        "LT" => digits_of(n, &[9, 12], "LT + 9 or 12").map(|_| false),
        "LU" => {
            digits_of(n, &[8], "LU + 8")?;
            let expected = n[..6].parse::<u32>().unwrap_or(0) % 89;
            ok_if(
                n[6..].parse::<u32>() == Ok(expected),
                "digits",
                format!("{expected:02}"),
                &n[6..],
            )
        }
        "LV" => digits_of(n, &[11], "LV + 11").map(|_| false),
        "MT" => digits_of(n, &[8], "MT + 8").map(|_| false),
        "NL" => {
            if n.len() != 12 {
                return Err(length("NL + 12", n.len()));
            }
            if !all_digits(&n[..9]) || n.as_bytes()[9] != b'B' || !all_digits(&n[10..]) {
                return Err(TaxIdError::format(
                    KIND,
                    "Dutch numbers are 9 digits + B + 2 digits",
                ));
            }
            // Companies use the 11-test on the first nine digits; numbers
            // issued to sole traders since 2020 use ISO 7064 mod 97 over
            // "NL" + number, as IBANs do.
            let eleven = {
                let s = weighted(&n[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) as i64
                    - i64::from(digit(n.as_bytes()[8]));
                s % 11 == 0
            };
            let ninety_seven = crate::iban::mod97(&format!("NL{n}")) == 1;
            if eleven || ninety_seven {
                Ok(true)
            } else {
                Err(TaxIdError::format(
                    KIND,
                    "Dutch checksum (11-test and mod 97) fails",
                ))
            }
        }
        "PL" => {
            digits_of(n, &[10], "PL + 10")?;
            let r = weighted(n, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
            if r == 10 {
                return Err(TaxIdError::format(
                    KIND,
                    "Polish checksum 10 is never issued",
                ));
            }
            ok_if(r == last_digit(n), "digit", r, last_digit(n))
        }
        "PT" => {
            digits_of(n, &[9], "PT + 9")?;
            let expected = match 11 - weighted(n, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 {
                x if x > 9 => 0,
                x => x,
            };
            ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
        }
        "RO" => digits_of(n, &[2, 3, 4, 5, 6, 7, 8, 9, 10], "RO + 2 to 10").map(|_| false),
        "SE" => {
            digits_of(n, &[12], "SE + 12")?;
            if &n[10..] != "01" {
                return Err(TaxIdError::format(KIND, "Swedish numbers end in 01"));
            }
            let body = &n[..10];
            ok_if(
                luhn_valid(body),
                "digit",
                expected_luhn(body),
                last_digit(body),
            )
        }
        "SI" => digits_of(n, &[8], "SI + 8").map(|_| false),
        "SK" => {
            digits_of(n, &[10], "SK + 10")?;
            let v: u64 = n.parse().unwrap_or(1);
            if v.is_multiple_of(11) {
                Ok(true)
            } else {
                Err(TaxIdError::format(
                    KIND,
                    "Slovak numbers are divisible by 11",
                ))
            }
        }
        "GB" | "XI" => {
            let b = n.as_bytes();
            let gov =
                b.len() == 5 && (n.starts_with("GD") || n.starts_with("HA")) && all_digits(&n[2..]);
            if gov || ((b.len() == 9 || b.len() == 12) && all_digits(n)) {
                Ok(false)
            } else {
                Err(length("GB + 9 or 12", n.len()))
            }
        }
        other => Err(TaxIdError::UnknownCountry(other.to_string())),
    }
}

fn ok_if(
    valid: bool,
    what: &'static str,
    expected: impl ToString,
    found: impl ToString,
) -> Result<bool, TaxIdError> {
    if valid {
        Ok(true)
    } else {
        Err(control(what, expected, found))
    }
}

/// The check digit ISO 7064 MOD 11,10 gives for a body (last digit ignored).
fn expected_mod11_10(n: &str) -> u32 {
    let body = &n[..n.len() - 1];
    (0..10)
        .find(|d| iso7064_mod11_10_valid(&format!("{body}{d}")))
        .unwrap_or(0)
}

/// The Luhn check digit for a body (last digit ignored).
fn expected_luhn(n: &str) -> u32 {
    let body = &n[..n.len() - 1];
    (0..10)
        .find(|d| luhn_valid(&format!("{body}{d}")))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_good() {
        let cases = [
            ("ESB12345674", "ESB12345674", true),
            ("es 12345678-z", "ES12345678Z", true),
            ("ESX1234567L", "ESX1234567L", true),
            ("DE136695976", "DE136695976", true),
            ("DE 129 273 398", "DE129273398", true),
            ("FR40303265045", "FR40303265045", true),
            ("FR 83 404 833 048", "FR83404833048", true),
            ("FRXX303265045", "FRXX303265045", false),
            ("IT00743110157", "IT00743110157", true),
            ("IT 07643520567", "IT07643520567", true),
            ("PT501964843", "PT501964843", true),
            ("PT 500 100 144", "PT500100144", true),
            ("NL004495445B01", "NL004495445B01", true),
            ("NL000099998B57", "NL000099998B57", true),
            ("BE0411905847", "BE0411905847", true),
            ("BE 0403.170.701", "BE0403170701", true),
            ("BE776091951", "BE0776091951", true),
            ("ATU13585627", "ATU13585627", true),
            ("DK13585628", "DK13585628", true),
            ("FI20774740", "FI20774740", true),
            ("LU15027442", "LU15027442", true),
            ("PL8567346215", "PL8567346215", true),
            ("SE556188840401", "SE556188840401", true),
            ("HR33392005961", "HR33392005961", true),
            ("SK2020291174", "SK2020291174", true),
            ("EL123456789", "EL123456789", false),
            ("GR123456789", "EL123456789", false),
            ("IE6388047V", "IE6388047V", false),
            ("IE1234567WA", "IE1234567WA", false),
            ("GB123456789", "GB123456789", false),
            ("CZ12345678", "CZ12345678", false),
            ("CY12345678L", "CY12345678L", false),
        ];
        for (input, want, checked) in cases {
            let id = validate_eu_vat(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want, "{input}");
            assert_eq!(id.checked, checked, "{input}");
            assert_eq!(id.kind, TaxIdKind::EuVat);
        }
        assert_eq!(validate_eu_vat("EL123456789").unwrap().country, "GR");
    }

    #[test]
    fn vat_bad() {
        let cases = [
            (
                "ESB12345675",
                "VAT number control digit should be 4, found 5",
            ),
            (
                "ES12345678X",
                "VAT number control letter should be Z, found X",
            ),
            (
                "ES1234567L",
                "VAT number should have ES + 9 characters, found 8",
            ),
            (
                "DE136695977",
                "VAT number control digit should be 6, found 7",
            ),
            (
                "DE12345678",
                "VAT number should have DE + 9 characters, found 8",
            ),
            (
                "FR41303265045",
                "VAT number control digits should be 40, found 41",
            ),
            (
                "IT00743110158",
                "VAT number control digit should be 7, found 8",
            ),
            (
                "PT501964844",
                "VAT number control digit should be 3, found 4",
            ),
            (
                "NL004495446B01",
                "VAT number format is invalid: Dutch checksum (11-test and mod 97) fails",
            ),
            (
                "NL004495445X01",
                "VAT number format is invalid: Dutch numbers are 9 digits + B + 2 digits",
            ),
            (
                "BE0411905848",
                "VAT number control digits should be 47, found 48",
            ),
            (
                "BE2411905847",
                "VAT number format is invalid: Belgian numbers start with 0 or 1",
            ),
            (
                "AT13585627",
                "VAT number format is invalid: Austrian numbers start with U",
            ),
            (
                "ATU13585628",
                "VAT number control digit should be 7, found 8",
            ),
            (
                "DK13585629",
                "VAT number control digit should be 8, found 9",
            ),
            (
                "LU15027443",
                "VAT number control digits should be 42, found 43",
            ),
            (
                "PL1234567890",
                "VAT number format is invalid: Polish checksum 10 is never issued",
            ),
            (
                "PL8567346216",
                "VAT number control digit should be 5, found 6",
            ),
            (
                "SE556188840402",
                "VAT number format is invalid: Swedish numbers end in 01",
            ),
            ("XX123456789", "unknown VAT country prefix XX"),
            (
                "12345678Z",
                "VAT number format is invalid: expected a two-letter country prefix",
            ),
            ("", "VAT number is empty"),
            (
                "DE13669597A",
                "VAT number format is invalid: expected only digits after the prefix",
            ),
        ];
        for (input, msg) in cases {
            let e = validate_eu_vat(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }
}
