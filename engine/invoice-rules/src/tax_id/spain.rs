//! Spanish tax ids: NIF of persons (DNI and K/L/M), NIE and CIF.
//!
//! The DNI/NIE control letter is `TRWAGMYFPDXBNJZSQVHLCKE[number % 23]`; the
//! CIF control is computed from the seven digits (odd positions doubled) and
//! written as a digit or a letter depending on the entity type.

use super::{TaxId, TaxIdError, TaxIdKind};
use crate::text::{all_digits, compact_upper, digit};

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
const CIF_LETTERS: &[u8; 10] = b"JABCDEFGHI";

/// Entity letters whose CIF control must be a letter (public bodies,
/// churches, foreign entities, non-resident establishments).
const CIF_LETTER_CONTROL: &str = "NPQRSW";
/// Entity letters whose CIF control must be a digit (SA, SL, CB, AIE).
const CIF_DIGIT_CONTROL: &str = "ABEH";
/// Every first letter a CIF may have.
const CIF_ENTITY_LETTERS: &str = "ABCDEFGHJNPQRSUVW";

/// Normalizes and drops a leading `ES` VAT prefix from an 11-character id.
fn normalize(s: &str) -> String {
    let c = compact_upper(s);
    if c.len() == 11 && c.starts_with("ES") {
        c[2..].to_string()
    } else {
        c
    }
}

/// The DNI control letter for a number.
pub fn dni_letter(number: u32) -> char {
    char::from(DNI_LETTERS[(number % 23) as usize])
}

/// The CIF control value 0–9 for its seven digits.
pub fn cif_control(digits7: &str) -> u32 {
    let mut sum = 0;
    for (i, b) in digits7.bytes().enumerate() {
        let d = digit(b);
        if i % 2 == 0 {
            let x = d * 2;
            sum += x / 10 + x % 10;
        } else {
            sum += d;
        }
    }
    (10 - sum % 10) % 10
}

fn check_letter(kind: TaxIdKind, number: u32, found: char) -> Result<(), TaxIdError> {
    let expected = dni_letter(number);
    if expected == found {
        Ok(())
    } else {
        Err(TaxIdError::Control {
            kind,
            what: "letter",
            expected: expected.to_string(),
            found: found.to_string(),
        })
    }
}

/// Validates a Spanish NIF of a person: a DNI (up to 8 digits, zero-padded,
/// plus letter) or a K/L/M special NIF.
pub fn validate_nif(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::EsNif;
    let c = normalize(s);
    let Some(last) = c.chars().last() else {
        return Err(TaxIdError::Empty { kind });
    };
    if !last.is_ascii_alphabetic() {
        return Err(TaxIdError::format(
            kind,
            "should end with the control letter",
        ));
    }
    let body = &c[..c.len() - 1];
    if let Some(rest) = body.strip_prefix(['K', 'L', 'M']) {
        // Special NIFs (minors, non-residents, foreigners without NIE): the
        // letter is computed on the seven digits alone.
        if rest.len() != 7 {
            return Err(TaxIdError::Length {
                kind,
                expected: "9",
                found: c.len(),
            });
        }
        if !all_digits(rest) {
            return Err(TaxIdError::format(kind, "expected 7 digits after K/L/M"));
        }
        check_letter(kind, rest.parse().unwrap_or(0), last)?;
        return Ok(TaxId::new(kind, c, "ES", true));
    }
    if body.is_empty() || body.len() > 8 {
        return Err(TaxIdError::Length {
            kind,
            expected: "9",
            found: c.len(),
        });
    }
    if !all_digits(body) {
        return Err(TaxIdError::format(
            kind,
            "expected digits before the letter",
        ));
    }
    // DNIs are often written without their leading zeros.
    if body.len() < 7 {
        return Err(TaxIdError::Length {
            kind,
            expected: "9",
            found: c.len(),
        });
    }
    let number: u32 = body.parse().unwrap_or(0);
    check_letter(kind, number, last)?;
    Ok(TaxId::new(kind, format!("{number:08}{last}"), "ES", true))
}

/// Validates a Spanish NIE: X, Y or Z (worth 0, 1, 2) + 7 digits + letter.
pub fn validate_nie(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::EsNie;
    let mut c = normalize(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if !c.is_ascii() {
        return Err(TaxIdError::format(kind, "unexpected non-ASCII character"));
    }
    // Older NIEs were printed with eight digits, the first a padding zero.
    if c.len() == 10 && c.as_bytes()[1] == b'0' {
        c.remove(1);
    }
    if c.len() != 9 {
        return Err(TaxIdError::Length {
            kind,
            expected: "9",
            found: c.len(),
        });
    }
    let prefix = match c.as_bytes()[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => return Err(TaxIdError::format(kind, "should start with X, Y or Z")),
    };
    let digits = &c[1..8];
    if !all_digits(digits) {
        return Err(TaxIdError::format(
            kind,
            "expected 7 digits after the prefix",
        ));
    }
    let last = char::from(c.as_bytes()[8]);
    if !last.is_ascii_alphabetic() {
        return Err(TaxIdError::format(
            kind,
            "should end with the control letter",
        ));
    }
    let number = prefix * 10_000_000 + digits.parse::<u32>().unwrap_or(0);
    check_letter(kind, number, last)?;
    Ok(TaxId::new(kind, c, "ES", true))
}

/// Validates a Spanish CIF (NIF of a legal entity), enforcing a letter
/// control for N, P, Q, R, S, W and a digit control for A, B, E, H.
pub fn validate_cif(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::EsCif;
    let c = normalize(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if !c.is_ascii() {
        return Err(TaxIdError::format(kind, "unexpected non-ASCII character"));
    }
    if c.len() != 9 {
        return Err(TaxIdError::Length {
            kind,
            expected: "9",
            found: c.len(),
        });
    }
    let entity = char::from(c.as_bytes()[0]);
    if !CIF_ENTITY_LETTERS.contains(entity) {
        return Err(TaxIdError::format(
            kind,
            format!("{entity} is not a CIF entity letter"),
        ));
    }
    let digits = &c[1..8];
    if !all_digits(digits) {
        return Err(TaxIdError::format(
            kind,
            "expected 7 digits after the entity letter",
        ));
    }
    let found = char::from(c.as_bytes()[8]);
    let value = cif_control(digits);
    let as_digit = char::from_digit(value, 10).unwrap_or('0');
    let as_letter = char::from(CIF_LETTERS[value as usize]);
    let (ok, what, expected) = if CIF_LETTER_CONTROL.contains(entity) {
        (found == as_letter, "letter", as_letter.to_string())
    } else if CIF_DIGIT_CONTROL.contains(entity) {
        (found == as_digit, "digit", as_digit.to_string())
    } else {
        (
            found == as_digit || found == as_letter,
            "character",
            format!("{as_digit} or {as_letter}"),
        )
    };
    if !ok {
        return Err(TaxIdError::Control {
            kind,
            what,
            expected,
            found: found.to_string(),
        });
    }
    Ok(TaxId::new(kind, c, "ES", true))
}

/// Validates any Spanish tax id, choosing NIF, NIE or CIF by the first
/// character, so the error is the one of the kind the input looks like.
pub fn validate_spanish_id(s: &str) -> Result<TaxId, TaxIdError> {
    let c = normalize(s);
    match c.bytes().next() {
        None => Err(TaxIdError::Empty {
            kind: TaxIdKind::EsNif,
        }),
        Some(b'X' | b'Y' | b'Z') => validate_nie(&c),
        Some(b'K' | b'L' | b'M') => validate_nif(&c),
        Some(b) if b.is_ascii_digit() => validate_nif(&c),
        Some(_) => validate_cif(&c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nif_good() {
        let cases = [
            ("12345678Z", "12345678Z"),
            ("12345678z", "12345678Z"),
            ("00000000T", "00000000T"),
            ("99999999R", "99999999R"),
            ("00000001R", "00000001R"),
            ("45678901-G", "45678901G"),
            ("71.234.567 W", "71234567W"),
            ("3141592E", "03141592E"),
            ("3.141.592-e", "03141592E"),
            ("ES 87654321X", "87654321X"),
            ("11111111H", "11111111H"),
            ("K1234567L", "K1234567L"),
            ("l-1234567-l", "L1234567L"),
            ("M1234567L", "M1234567L"),
        ];
        for (input, want) in cases {
            let id = validate_nif(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.kind, TaxIdKind::EsNif);
            assert!(id.checked);
        }
    }

    #[test]
    fn nif_bad() {
        let cases = [
            ("12345678X", "NIF control letter should be Z, found X"),
            ("00000000R", "NIF control letter should be T, found R"),
            ("123456789Z", "NIF should have 9 characters, found 10"),
            ("123456Z", "NIF should have 9 characters, found 7"),
            (
                "12345678",
                "NIF format is invalid: should end with the control letter",
            ),
            (
                "1234A678Z",
                "NIF format is invalid: expected digits before the letter",
            ),
            ("", "NIF is empty"),
            ("K123456L", "NIF should have 9 characters, found 8"),
            ("K1234567A", "NIF control letter should be L, found A"),
            ("12345678I", "NIF control letter should be Z, found I"),
            ("99999999T", "NIF control letter should be R, found T"),
            (
                "12345678Ñ",
                "NIF format is invalid: should end with the control letter",
            ),
        ];
        for (input, msg) in cases {
            let e = validate_nif(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn nie_good() {
        let cases = [
            ("X1234567L", "X1234567L"),
            ("x1234567l", "X1234567L"),
            ("Y1234567X", "Y1234567X"),
            ("Z1234567R", "Z1234567R"),
            ("X0000000T", "X0000000T"),
            ("Y-7654321-G", "Y7654321G"),
            ("Z 9999999 H", "Z9999999H"),
            ("X.5555555.C", "X5555555C"),
            ("X01234567L", "X1234567L"),
            ("ESX1234567L", "X1234567L"),
        ];
        for (input, want) in cases {
            let id = validate_nie(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.kind, TaxIdKind::EsNie);
        }
    }

    #[test]
    fn nie_bad() {
        let cases = [
            ("X1234567X", "NIE control letter should be L, found X"),
            ("Y1234567L", "NIE control letter should be X, found L"),
            ("Z1234567L", "NIE control letter should be R, found L"),
            (
                "W1234567L",
                "NIE format is invalid: should start with X, Y or Z",
            ),
            ("X123456L", "NIE should have 9 characters, found 8"),
            ("X12345678L", "NIE should have 9 characters, found 10"),
            (
                "X12345A7L",
                "NIE format is invalid: expected 7 digits after the prefix",
            ),
            (
                "X12345678",
                "NIE format is invalid: should end with the control letter",
            ),
            ("", "NIE is empty"),
            (
                "XÑ23456L",
                "NIE format is invalid: unexpected non-ASCII character",
            ),
            ("X0000000R", "NIE control letter should be T, found R"),
        ];
        for (input, msg) in cases {
            let e = validate_nie(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn cif_good() {
        let cases = [
            ("B12345674", "B12345674"),
            ("b-1234567-4", "B12345674"),
            ("A28015865", "A28015865"), // Telefónica
            ("A08663619", "A08663619"), // CaixaBank
            ("Q2826000H", "Q2826000H"), // letter control (public body)
            ("P2800000H", "P2800000H"),
            ("S2800000H", "S2800000H"),
            ("N0012345E", "N0012345E"),
            ("W0012345E", "W0012345E"),
            ("R5800001I", "R5800001I"),
            ("E00000000", "E00000000"),
            ("H11111119", "H11111119"),
            // Either control type allowed for G, J, U, V, C, D, F.
            ("G87654323", "G87654323"),
            ("G8765432C", "G8765432C"),
            ("J99999997", "J99999997"),
            ("J9999999G", "J9999999G"),
            ("U5555555A", "U5555555A"),
            ("V12345005", "V12345005"),
            ("C1234560I", "C1234560I"),
            ("D70000005", "D70000005"),
            ("F3000000D", "F3000000D"),
            ("ES B-12.345.674", "B12345674"),
        ];
        for (input, want) in cases {
            let id = validate_cif(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.kind, TaxIdKind::EsCif);
        }
    }

    #[test]
    fn cif_bad() {
        let cases = [
            ("B12345675", "CIF control digit should be 4, found 5"),
            ("B1234567D", "CIF control digit should be 4, found D"),
            ("A2801586E", "CIF control digit should be 5, found E"),
            ("Q28260008", "CIF control letter should be H, found 8"),
            ("P28000008", "CIF control letter should be H, found 8"),
            (
                "G87654324",
                "CIF control character should be 3 or C, found 4",
            ),
            (
                "I12345674",
                "CIF format is invalid: I is not a CIF entity letter",
            ),
            ("B1234567", "CIF should have 9 characters, found 8"),
            ("B123456744", "CIF should have 9 characters, found 10"),
            (
                "B12E45674",
                "CIF format is invalid: expected 7 digits after the entity letter",
            ),
            ("", "CIF is empty"),
            (
                "Z12345674",
                "CIF format is invalid: Z is not a CIF entity letter",
            ),
            (
                "BÑ234567",
                "CIF format is invalid: unexpected non-ASCII character",
            ),
        ];
        for (input, msg) in cases {
            let e = validate_cif(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn spanish_id_dispatches() {
        assert_eq!(
            validate_spanish_id("12345678Z").unwrap().kind,
            TaxIdKind::EsNif
        );
        assert_eq!(
            validate_spanish_id("Y1234567X").unwrap().kind,
            TaxIdKind::EsNie
        );
        assert_eq!(
            validate_spanish_id("L1234567L").unwrap().kind,
            TaxIdKind::EsNif
        );
        assert_eq!(
            validate_spanish_id("B12345674").unwrap().kind,
            TaxIdKind::EsCif
        );
        assert!(matches!(
            validate_spanish_id("X1234567X"),
            Err(TaxIdError::Control {
                kind: TaxIdKind::EsNie,
                ..
            })
        ));
        assert!(validate_spanish_id("").is_err());
    }
}
