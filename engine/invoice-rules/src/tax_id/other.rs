//! Tax ids outside the EU VAT system that invoices in the packs' countries
//! carry: the Swiss UID (its VAT number with an `MWST`/`TVA`/`IVA`
//! suffix), the Indian GSTIN and the US EIN.

use super::{TaxId, TaxIdError, TaxIdKind};
use crate::text::{all_digits, compact_upper, digit};

/// Validates a Swiss UID (`CHE-116.281.710`, `CHE116281710 MWST`):
/// `CHE` + 8 digits + a mod 11 check digit. The VAT suffix (`MWST`,
/// `TVA`, `IVA`, `TPV`) and the register suffix `HR` are accepted and
/// dropped.
pub fn validate_ch_uid(s: &str) -> Result<TaxId, TaxIdError> {
    const KIND: TaxIdKind = TaxIdKind::ChUid;
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    let Some(rest) = c.strip_prefix("CHE") else {
        return Err(TaxIdError::format(KIND, "Swiss UIDs start with CHE"));
    };
    let n = ["MWST", "TVA", "IVA", "TPV", "HR"]
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
        .unwrap_or(rest);
    if n.len() != 9 {
        return Err(TaxIdError::Length {
            kind: KIND,
            expected: "CHE + 9",
            found: n.len(),
        });
    }
    if !all_digits(n) {
        return Err(TaxIdError::format(KIND, "expected only digits after CHE"));
    }
    let sum: u32 = n
        .bytes()
        .zip([5, 4, 3, 2, 7, 6, 5, 4])
        .map(|(b, w)| digit(b) * w)
        .sum();
    let expected = match 11 - sum % 11 {
        10 => {
            return Err(TaxIdError::format(
                KIND,
                "Swiss checksum 10 is never issued",
            ))
        }
        11 => 0,
        d => d,
    };
    let found = digit(n.as_bytes()[8]);
    if expected != found {
        return Err(TaxIdError::Control {
            kind: KIND,
            what: "digit",
            expected: expected.to_string(),
            found: found.to_string(),
        });
    }
    Ok(TaxId::new(KIND, format!("CHE{n}"), "CH", true))
}

/// Validates an Indian GSTIN (`27AAPFU0939F1ZV`): state code (01–38, 97,
/// 99), the holder's PAN (5 letters, 4 digits, letter), entity number,
/// `Z` (or another letter for special registrations) and a base-36
/// check character.
pub fn validate_gstin(s: &str) -> Result<TaxId, TaxIdError> {
    const KIND: TaxIdKind = TaxIdKind::InGstin;
    const BASE36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    if !c.is_ascii() {
        return Err(TaxIdError::format(KIND, "unexpected non-ASCII character"));
    }
    if c.len() != 15 {
        return Err(TaxIdError::Length {
            kind: KIND,
            expected: "15",
            found: c.len(),
        });
    }
    let b = c.as_bytes();
    let state: u32 = c[..2].parse().unwrap_or(0);
    let pan = b[2..7].iter().all(u8::is_ascii_uppercase)
        && all_digits(&c[7..11])
        && b[11].is_ascii_uppercase();
    if !all_digits(&c[..2]) || !((1..=38).contains(&state) || state == 97 || state == 99) {
        return Err(TaxIdError::format(KIND, "GSTIN starts with a state code"));
    }
    if !pan || !b[12].is_ascii_alphanumeric() || !b[13].is_ascii_uppercase() {
        return Err(TaxIdError::format(
            KIND,
            "GSTIN holds a PAN, an entity digit and Z",
        ));
    }
    let value = |ch: u8| BASE36.iter().position(|&x| x == ch).unwrap_or(0) as u32;
    let sum: u32 = b[..14]
        .iter()
        .enumerate()
        .map(|(i, &ch)| {
            let p = value(ch) * if i % 2 == 0 { 1 } else { 2 };
            p / 36 + p % 36
        })
        .sum();
    let expected = char::from(BASE36[((36 - sum % 36) % 36) as usize]);
    let found = char::from(b[14]);
    if expected != found {
        return Err(TaxIdError::Control {
            kind: KIND,
            what: "character",
            expected: expected.to_string(),
            found: found.to_string(),
        });
    }
    Ok(TaxId::new(KIND, c, "IN", true))
}

/// Campus prefixes the IRS assigns EINs from; others are never issued.
#[rustfmt::skip]
const EIN_PREFIXES: &[u8] = &[
    1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27, 30, 31, 32, 33,
    34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 50, 51, 52, 53, 54, 55, 56, 57, 58,
    59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 71, 72, 73, 74, 75, 76, 77, 80, 81, 82, 83, 84, 85, 86,
    87, 88, 90, 91, 92, 93, 94, 95, 98, 99,
];

/// Validates a US EIN (`12-3456789`): nine digits with an issued campus
/// prefix. EINs have no check digit, so `checked` is false, and
/// [`super::detect_tax_id`] does not claim them: call this after an `EIN`
/// or `Tax ID` label only.
pub fn validate_ein(s: &str) -> Result<TaxId, TaxIdError> {
    const KIND: TaxIdKind = TaxIdKind::UsEin;
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind: KIND });
    }
    if c.len() != 9 {
        return Err(TaxIdError::Length {
            kind: KIND,
            expected: "9",
            found: c.len(),
        });
    }
    if !all_digits(&c) {
        return Err(TaxIdError::format(KIND, "expected only digits"));
    }
    let prefix: u8 = c[..2].parse().unwrap_or(0);
    if !EIN_PREFIXES.contains(&prefix) {
        return Err(TaxIdError::format(KIND, "prefix is not an IRS campus code"));
    }
    // Normalized like every other id: no separators (`279864021`).
    Ok(TaxId::new(KIND, c, "US", false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swiss_uid() {
        for (s, want) in [
            ("CHE-116.281.710", "CHE116281710"),
            ("CHE-107.787.577 IVA", "CHE107787577"),
            ("che 107 787 577 mwst", "CHE107787577"),
            ("CHE-107.787.577 TVA", "CHE107787577"),
        ] {
            let id = validate_ch_uid(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.country, "CH");
            assert!(id.checked);
        }
        let bad = [
            ("CHE-107.787.578", "UID control digit should be 7, found 8"),
            (
                "CHE-107.787.57",
                "UID should have CHE + 9 characters, found 8",
            ),
            (
                "DE136695976",
                "UID format is invalid: Swiss UIDs start with CHE",
            ),
        ];
        for (s, msg) in bad {
            assert_eq!(validate_ch_uid(s).unwrap_err().to_string(), msg, "{s}");
        }
    }

    #[test]
    fn gstin() {
        let id = validate_gstin("27AAPFU0939F1ZV").unwrap();
        assert_eq!(
            (id.value.as_str(), id.country.as_str(), id.checked),
            ("27AAPFU0939F1ZV", "IN", true)
        );
        assert!(validate_gstin("27 aapfu 0939 f1zv").is_ok());
        let bad = [
            (
                "27AAPFU0939F1Z5",
                "GSTIN control character should be V, found 5",
            ),
            (
                "77AAPFU0939F1ZV",
                "GSTIN format is invalid: GSTIN starts with a state code",
            ),
            (
                "27AAPF10939F1ZV",
                "GSTIN format is invalid: GSTIN holds a PAN, an entity digit and Z",
            ),
            (
                "27AAPFU0939F1Z",
                "GSTIN should have 15 characters, found 14",
            ),
        ];
        for (s, msg) in bad {
            assert_eq!(validate_gstin(s).unwrap_err().to_string(), msg, "{s}");
        }
    }

    #[test]
    fn ein() {
        let id = validate_ein("12-3456789").unwrap();
        assert_eq!(
            (id.value.as_str(), id.country.as_str(), id.checked),
            ("123456789", "US", false)
        );
        assert_eq!(validate_ein("123456789").unwrap().value, "123456789");
        let bad = [
            (
                "07-3456789",
                "EIN format is invalid: prefix is not an IRS campus code",
            ),
            ("12-345678", "EIN should have 9 characters, found 8"),
            ("12-34567A9", "EIN format is invalid: expected only digits"),
        ];
        for (s, msg) in bad {
            assert_eq!(validate_ein(s).unwrap_err().to_string(), msg, "{s}");
        }
    }
}
