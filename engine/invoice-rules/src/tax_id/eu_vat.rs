//! EU VAT numbers (VIES formats) plus UK and Northern Ireland, each
//! country's format and check-digit algorithm one small function in a
//! table. Every country has a checksum; only French alphanumeric keys,
//! Czech 9-digit birth numbers and UK government numbers are checked for
//! format only and report `checked: false`.

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

/// A VAT number whose shape is right for its country but whose control
/// digits are not (`checked: false`): printed after a VAT label it is the
/// document's VAT id, misprinted or made up, and the checksum validation
/// says so. Anything else that fails is `None`.
pub fn vat_id_shape(s: &str) -> Option<TaxId> {
    match validate_eu_vat(s) {
        Ok(id) => Some(id),
        Err(TaxIdError::Control { .. }) => {
            let c = compact_upper(s);
            let (prefix, number) = c.split_at(2);
            let prefix = if prefix == "GR" { "EL" } else { prefix };
            let country = if prefix == "EL" { "GR" } else { prefix };
            Some(TaxId::new(
                KIND,
                format!("{prefix}{number}"),
                country,
                false,
            ))
        }
        Err(_) => None,
    }
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

/// One country's rule over the number part (prefix removed): Ok(true)
/// when a checksum was verified, Ok(false) when only the format could be.
type Rule = fn(&str) -> Result<bool, TaxIdError>;

/// Every VAT prefix and its rule: the 27 member states (Greece as `EL`),
/// the United Kingdom and Northern Ireland (`XI`).
#[rustfmt::skip]
const RULES: &[(&str, Rule)] = &[
    ("AT", austria), ("BE", belgium), ("BG", bulgaria), ("CY", cyprus), ("CZ", czechia),
    ("DE", germany), ("DK", denmark), ("EE", estonia), ("EL", greece), ("ES", spain),
    ("FI", finland), ("FR", france), ("HR", croatia), ("HU", hungary), ("IE", ireland),
    ("IT", italy), ("LT", lithuania), ("LU", luxembourg), ("LV", latvia), ("MT", malta),
    ("NL", netherlands), ("PL", poland), ("PT", portugal), ("RO", romania), ("SE", sweden),
    ("SI", slovenia), ("SK", slovakia), ("GB", united_kingdom), ("XI", united_kingdom),
];

/// The VAT prefixes this module validates (`EL`, not `GR`, for Greece).
pub fn vat_prefixes() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|&(p, _)| p)
}

fn check_country(prefix: &str, n: &str) -> Result<bool, TaxIdError> {
    match RULES.iter().find(|&&(p, _)| p == prefix) {
        Some((_, rule)) => rule(n),
        None => Err(TaxIdError::UnknownCountry(prefix.to_string())),
    }
}

/// Sum of digit × weight mod `m` is zero (Estonia, Hungary, Malta...).
fn weighted_is_multiple(n: &str, weights: &[u32], m: u32) -> bool {
    weighted(n, weights).is_multiple_of(m)
}

fn austria(n: &str) -> Result<bool, TaxIdError> {
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

fn belgium(n: &str) -> Result<bool, TaxIdError> {
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

/// Legal entities have 9 digits; people (EGN), foreigners (LNC) and
/// others have 10, each with its own weights: any of the three may hold.
fn bulgaria(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[9, 10], "BG + 9 or 10")?;
    let last = last_digit(n);
    if n.len() == 9 {
        let mut check = weighted(&n[..8], &[1, 2, 3, 4, 5, 6, 7, 8]) % 11;
        if check == 10 {
            check = weighted(&n[..8], &[3, 4, 5, 6, 7, 8, 9, 10]) % 11;
        }
        return ok_if(check % 10 == last, "digit", check % 10, last);
    }
    let person = weighted(n, &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10 == last;
    let foreigner = weighted(n, &[21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10 == last;
    let other = match 11 - weighted(n, &[4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11 {
        11 => 0,
        c => c,
    } == last;
    if person || foreigner || other {
        Ok(true)
    } else {
        Err(TaxIdError::format(KIND, "Bulgarian checksum fails"))
    }
}

fn cyprus(n: &str) -> Result<bool, TaxIdError> {
    if n.len() != 9 {
        return Err(length("CY + 9", n.len()));
    }
    if !all_digits(&n[..8]) || !n.as_bytes()[8].is_ascii_alphabetic() {
        return Err(TaxIdError::format(
            KIND,
            "Cypriot numbers are 8 digits + letter",
        ));
    }
    // Digits in odd places are recoded before the letter is taken mod 26.
    const ODD: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
    let sum: u32 = n[..8]
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if i % 2 == 0 {
                ODD[digit(b) as usize]
            } else {
                digit(b)
            }
        })
        .sum();
    let expected = char::from(b'A' + (sum % 26) as u8);
    let found = char::from(n.as_bytes()[8]);
    ok_if(expected == found, "letter", expected, found)
}

/// 8 digits for companies (mod 11); 9 or 10 for people, whose 10-digit
/// birth numbers are divisible by 11 (9-digit ones predate the check).
fn czechia(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[8, 9, 10], "CZ + 8 to 10")?;
    match n.len() {
        8 => {
            let check = (11 - weighted(&n[..7], &[8, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            let expected = if check == 0 { 1 } else { check % 10 };
            ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
        }
        10 => {
            let v: u64 = n.parse().unwrap_or(1);
            let head: u64 = n[..9].parse().unwrap_or(0);
            if v.is_multiple_of(11) || (head % 11 == 10 && n.ends_with('0')) {
                Ok(true)
            } else {
                Err(TaxIdError::format(
                    KIND,
                    "Czech birth numbers are divisible by 11",
                ))
            }
        }
        _ => Ok(false),
    }
}

fn germany(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[9], "DE + 9")?;
    let valid = iso7064_mod11_10_valid(n);
    ok_if(valid, "digit", expected_mod11_10(n), last_digit(n))
}

fn denmark(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[8], "DK + 8")?;
    let partial = weighted(&n[..7], &[2, 7, 6, 5, 4, 3, 2]);
    let expected = (11 - partial % 11) % 11;
    let valid = weighted_is_multiple(n, &[2, 7, 6, 5, 4, 3, 2, 1], 11);
    ok_if(valid, "digit", expected, last_digit(n))
}

fn estonia(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[9], "EE + 9")?;
    let expected = (10 - weighted(&n[..8], &[3, 7, 1, 3, 7, 1, 3, 7]) % 10) % 10;
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

fn greece(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[9], "EL + 9")?;
    let doubled = n[..8].bytes().fold(0, |acc, b| acc * 2 + digit(b));
    let expected = doubled * 2 % 11 % 10;
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

fn spain(n: &str) -> Result<bool, TaxIdError> {
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

fn finland(n: &str) -> Result<bool, TaxIdError> {
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

fn france(n: &str) -> Result<bool, TaxIdError> {
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

fn croatia(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[11], "HR + 11")?;
    ok_if(
        iso7064_mod11_10_valid(n),
        "digit",
        expected_mod11_10(n),
        last_digit(n),
    )
}

fn hungary(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[8], "HU + 8")?;
    let expected = (10 - weighted(&n[..7], &[9, 7, 3, 1, 9, 7, 3]) % 10) % 10;
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

/// 7 digits + check letter (+ a second letter since 2013), or the old
/// form with a letter, `+` or `*` second (`8Z49289F`), which is read as
/// the new form with its characters moved.
fn ireland(n: &str) -> Result<bool, TaxIdError> {
    const LETTERS: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";
    let b = n.as_bytes();
    let modern = (8..=9).contains(&b.len())
        && all_digits(&n[..7])
        && b[7..].iter().all(u8::is_ascii_uppercase);
    let old = b.len() == 8
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_uppercase() || b[1] == b'+' || b[1] == b'*')
        && all_digits(&n[2..7])
        && b[7].is_ascii_uppercase();
    if !(modern || old) {
        return Err(TaxIdError::format(
            KIND,
            "Irish numbers are 7 digits + 1 or 2 letters",
        ));
    }
    let (digits, check, extra) = if modern {
        (n[..7].to_string(), b[7], b.get(8).copied())
    } else {
        (format!("0{}{}", &n[2..7], char::from(b[0])), b[7], None)
    };
    let extra = extra.map_or(0, |e| {
        LETTERS.iter().position(|&l| l == e).unwrap_or(23) as u32
    });
    let sum = weighted(&digits, &[8, 7, 6, 5, 4, 3, 2]) + 9 * extra;
    let expected = char::from(LETTERS[(sum % 23) as usize]);
    ok_if(
        expected == char::from(check),
        "letter",
        expected,
        char::from(check),
    )
}

fn italy(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[11], "IT + 11")?;
    ok_if(luhn_valid(n), "digit", expected_luhn(n), last_digit(n))
}

/// 9 digits (companies, 8th digit 1) or 12 (temporary taxpayers, 11th
/// digit 1): mod 11 with a second weighting when the first gives 10.
fn lithuania(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[9, 12], "LT + 9 or 12")?;
    let body = &n[..n.len() - 1];
    let weights = |shift: usize| -> Vec<u32> {
        (0..body.len())
            .map(|i| 1 + ((i + shift) % 9) as u32)
            .collect()
    };
    let mut check = weighted(body, &weights(0)) % 11;
    if check == 10 {
        check = weighted(body, &weights(2)) % 11;
    }
    let expected = check % 10;
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

fn luxembourg(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[8], "LU + 8")?;
    let expected = n[..6].parse::<u32>().unwrap_or(0) % 89;
    ok_if(
        n[6..].parse::<u32>() == Ok(expected),
        "digits",
        format!("{expected:02}"),
        &n[6..],
    )
}

/// Companies (first digit above 3) use mod 11 = 3; people use their
/// personal code, whose last digit is a mod 11 check.
fn latvia(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[11], "LV + 11")?;
    if n.as_bytes()[0] > b'3' {
        if weighted(n, &[9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3 {
            return Ok(true);
        }
        return Err(TaxIdError::format(KIND, "Latvian checksum fails"));
    }
    let expected = (1 + weighted(&n[..10], &[10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10;
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

fn malta(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[8], "MT + 8")?;
    if weighted_is_multiple(n, &[3, 4, 6, 7, 8, 9, 10, 1], 37) {
        Ok(true)
    } else {
        Err(TaxIdError::format(KIND, "Maltese checksum fails"))
    }
}

fn netherlands(n: &str) -> Result<bool, TaxIdError> {
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
        let s =
            weighted(&n[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) as i64 - i64::from(digit(n.as_bytes()[8]));
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

fn poland(n: &str) -> Result<bool, TaxIdError> {
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

fn portugal(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[9], "PT + 9")?;
    let expected = match 11 - weighted(n, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 {
        x if x > 9 => 0,
        x => x,
    };
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

/// 2 to 10 digits, weighted from the right.
fn romania(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[2, 3, 4, 5, 6, 7, 8, 9, 10], "RO + 2 to 10")?;
    let body = format!("{:0>9}", &n[..n.len() - 1]);
    let expected = 10 * weighted(&body, &[7, 5, 3, 2, 1, 7, 5, 3, 2]) % 11 % 10;
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

fn sweden(n: &str) -> Result<bool, TaxIdError> {
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

fn slovenia(n: &str) -> Result<bool, TaxIdError> {
    digits_of(n, &[8], "SI + 8")?;
    let expected = match 11 - weighted(&n[..7], &[8, 7, 6, 5, 4, 3, 2]) % 11 {
        11 => {
            return Err(TaxIdError::format(
                KIND,
                "Slovenian checksum 11 is never issued",
            ))
        }
        10 => 0,
        c => c,
    };
    ok_if(expected == last_digit(n), "digit", expected, last_digit(n))
}

fn slovakia(n: &str) -> Result<bool, TaxIdError> {
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

/// 9 digits (12 with a branch suffix) whose weighted sum is 0 mod 97, or
/// 42 mod 97 for numbers issued since 2010 (the "9755" rule); government
/// departments (`GD`) and health authorities (`HA`) are format only.
fn united_kingdom(n: &str) -> Result<bool, TaxIdError> {
    let b = n.as_bytes();
    if b.len() == 5 && all_digits(&n[2..]) {
        let num: u32 = n[2..].parse().unwrap_or(0);
        return match &n[..2] {
            "GD" if num < 500 => Ok(false),
            "HA" if num >= 500 => Ok(false),
            _ => Err(TaxIdError::format(
                KIND,
                "UK government numbers are GD000-GD499 or HA500-HA999",
            )),
        };
    }
    digits_of(n, &[9, 12], "GB + 9 or 12")?;
    let r = weighted(&n[..9], &[8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97;
    if r == 0 || r == 42 {
        Ok(true)
    } else {
        Err(TaxIdError::format(
            KIND,
            "UK checksum (mod 97 and 9755) fails",
        ))
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
            ("EL094259216", "EL094259216", true),
            ("GR094259216", "EL094259216", true),
            ("IE6388047V", "IE6388047V", true),
            ("IE 6433435F", "IE6433435F", true),
            ("IE6433435OA", "IE6433435OA", true),
            ("IE8Z49289F", "IE8Z49289F", true),
            ("IE8D79739I", "IE8D79739I", true),
            ("GB980780684", "GB980780684", true),
            ("GB 999 9999 73", "GB999999973", true),
            ("GB100000034", "GB100000034", true),
            ("GB980780684001", "GB980780684001", true),
            ("XI980780684", "XI980780684", true),
            ("GBGD001", "GBGD001", false),
            ("GBHA500", "GBHA500", false),
            ("BG175074752", "BG175074752", true),
            ("BG7523169263", "BG7523169263", true),
            ("CY10259033P", "CY10259033P", true),
            ("CZ25123891", "CZ25123891", true),
            ("CZ7103192745", "CZ7103192745", true),
            ("CZ640903926", "CZ640903926", false),
            ("EE100931558", "EE100931558", true),
            ("HU12892312", "HU12892312", true),
            ("LT119511515", "LT119511515", true),
            ("LT100001919017", "LT100001919017", true),
            ("LV40003521600", "LV40003521600", true),
            ("LV16117519997", "LV16117519997", true),
            ("MT11679112", "MT11679112", true),
            ("RO18547290", "RO18547290", true),
            ("SI50223054", "SI50223054", true),
        ];
        for (input, want, checked) in cases {
            let id = validate_eu_vat(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want, "{input}");
            assert_eq!(id.checked, checked, "{input}");
            assert_eq!(id.kind, TaxIdKind::EuVat);
        }
        assert_eq!(validate_eu_vat("EL094259216").unwrap().country, "GR");
        assert_eq!(vat_prefixes().count(), 29);
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
            ("FI20774741", "VAT number control digit should be 0, found 1"),
            (
                "HR33392005962",
                "VAT number control digit should be 1, found 2",
            ),
            (
                "SE556188840501",
                "VAT number control digit should be 4, found 5",
            ),
            (
                "SK2020291175",
                "VAT number format is invalid: Slovak numbers are divisible by 11",
            ),
            (
                "EL123456781",
                "VAT number control digit should be 3, found 1",
            ),
            (
                "IE6433435E",
                "VAT number control letter should be F, found E",
            ),
            (
                "GB802311781",
                "VAT number format is invalid: UK checksum (mod 97 and 9755) fails",
            ),
            (
                "GBGD500",
                "VAT number format is invalid: UK government numbers are GD000-GD499 or HA500-HA999",
            ),
            ("BG175074751", "VAT number control digit should be 2, found 1"),
            (
                "CY10259033Z",
                "VAT number control letter should be P, found Z",
            ),
            ("CZ25123890", "VAT number control digit should be 1, found 0"),
            ("EE100594103", "VAT number control digit should be 2, found 3"),
            ("HU12892313", "VAT number control digit should be 2, found 3"),
            (
                "LT100001919018",
                "VAT number control digit should be 7, found 8",
            ),
            (
                "LV40003521601",
                "VAT number format is invalid: Latvian checksum fails",
            ),
            (
                "MT11679113",
                "VAT number format is invalid: Maltese checksum fails",
            ),
            ("RO18547291", "VAT number control digit should be 0, found 1"),
            ("SI50223055", "VAT number control digit should be 4, found 5"),
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
