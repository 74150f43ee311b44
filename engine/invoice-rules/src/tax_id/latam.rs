//! Latin American tax ids: Chile RUT (mod 11, K), Colombia NIT (DIAN prime
//! weights), Mexico RFC (soft: format, date and check digit reported but not
//! enforced) and Argentina CUIT/CUIL (mod 11).

use super::{TaxId, TaxIdError, TaxIdKind};
use crate::text::{all_digits, compact_upper, digit};

/// The Chilean RUT verifier ("0"–"9" or "K") for a body number.
pub fn rut_verifier(body: u32) -> char {
    let mut sum = 0;
    let mut factor = 2;
    let mut n = body;
    while n > 0 {
        sum += (n % 10) * factor;
        n /= 10;
        factor = if factor == 7 { 2 } else { factor + 1 };
    }
    match 11 - sum % 11 {
        11 => '0',
        10 => 'K',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

/// Validates a Chilean RUT/RUN (`12.345.678-5`, `60803000K`); the value is
/// the body without leading zeros followed by the verifier.
pub fn validate_rut(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::ClRut;
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if !c.is_ascii() {
        return Err(TaxIdError::format(kind, "unexpected non-ASCII character"));
    }
    let (body, dv) = c.split_at(c.len() - 1);
    let dv = dv.chars().next().unwrap_or(' ');
    if !(dv.is_ascii_digit() || dv == 'K') {
        return Err(TaxIdError::format(kind, "verifier must be a digit or K"));
    }
    let body = body.trim_start_matches('0');
    if !all_digits(body) {
        return Err(TaxIdError::format(
            kind,
            "expected digits before the verifier",
        ));
    }
    if !(6..=8).contains(&body.len()) {
        return Err(TaxIdError::Length {
            kind,
            expected: "7 to 9",
            found: body.len() + 1,
        });
    }
    let expected = rut_verifier(body.parse().unwrap_or(0));
    if expected != dv {
        return Err(TaxIdError::Control {
            kind,
            what: "digit",
            expected: expected.to_string(),
            found: dv.to_string(),
        });
    }
    Ok(TaxId::new(kind, format!("{body}{dv}"), "CL", true))
}

/// The Colombian NIT check digit (DIAN weights 3, 7, 13, 17, 19, … from the
/// right) for a body of up to 15 digits.
pub fn nit_check_digit(body: &str) -> u32 {
    const W: [u32; 15] = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
    let sum: u32 = body.bytes().rev().zip(W).map(|(b, w)| digit(b) * w).sum();
    match sum % 11 {
        r @ (0 | 1) => r,
        r => 11 - r,
    }
}

/// Validates a Colombian NIT written with its check digit (`890.903.938-8`,
/// `8909039388`); the check digit is always the last digit.
pub fn validate_nit(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::CoNit;
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if !all_digits(&c) {
        return Err(TaxIdError::format(kind, "expected only digits"));
    }
    if !(7..=11).contains(&c.len()) {
        return Err(TaxIdError::Length {
            kind,
            expected: "7 to 11",
            found: c.len(),
        });
    }
    let (body, dv) = c.split_at(c.len() - 1);
    let expected = nit_check_digit(body);
    let found = digit(dv.as_bytes()[0]);
    if expected != found {
        return Err(TaxIdError::Control {
            kind,
            what: "digit",
            expected: expected.to_string(),
            found: found.to_string(),
        });
    }
    Ok(TaxId::new(kind, c, "CO", true))
}

/// Prefixes AFIP issues: persons 20, 23, 24, 25, 26, 27; companies 30, 33, 34.
const CUIT_PREFIXES: [&str; 9] = ["20", "23", "24", "25", "26", "27", "30", "33", "34"];

/// Validates an Argentine CUIT/CUIL (`20-12345678-6`): 11 digits, a known
/// type prefix and the mod-11 check digit.
pub fn validate_cuit(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::ArCuit;
    let c = compact_upper(s);
    if c.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if !all_digits(&c) {
        return Err(TaxIdError::format(kind, "expected only digits"));
    }
    if c.len() != 11 {
        return Err(TaxIdError::Length {
            kind,
            expected: "11",
            found: c.len(),
        });
    }
    if !CUIT_PREFIXES.contains(&&c[..2]) {
        return Err(TaxIdError::format(
            kind,
            format!("unknown type prefix {}", &c[..2]),
        ));
    }
    const W: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = c.bytes().zip(W).map(|(b, w)| digit(b) * w).sum();
    let expected = match 11 - sum % 11 {
        11 => 0,
        // AFIP never issues these: it changes the prefix to 23/33 instead.
        10 => {
            return Err(TaxIdError::format(
                kind,
                "check digit would be 10, never issued",
            ))
        }
        d => d,
    };
    let found = digit(c.as_bytes()[10]);
    if expected != found {
        return Err(TaxIdError::Control {
            kind,
            what: "digit",
            expected: expected.to_string(),
            found: found.to_string(),
        });
    }
    Ok(TaxId::new(kind, c, "AR", true))
}

/// Value of an RFC character in the SAT check-digit alphabet.
fn rfc_value(c: char) -> Option<u32> {
    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ";
    ALPHABET.chars().position(|a| a == c).map(|p| p as u32)
}

/// The SAT check character for the first 11 (company) or 12 (person)
/// characters of an RFC.
pub fn rfc_check_char(base: &[char]) -> char {
    // Company RFCs are padded with a leading space to 12 characters.
    let padded: Vec<char> = if base.len() == 11 {
        std::iter::once(' ').chain(base.iter().copied()).collect()
    } else {
        base.to_vec()
    };
    let sum: u32 = padded
        .iter()
        .enumerate()
        .map(|(i, &c)| rfc_value(c).unwrap_or(0) * (13 - i as u32))
        .sum();
    match 11 - sum % 11 {
        11 => '0',
        10 => 'A',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

/// Soft-validates a Mexican RFC: 3 (company) or 4 (person) letters, a valid
/// YYMMDD date and a 3-character homoclave. The check digit is computed and
/// reported in `checked`, not enforced, because homoclaves on real
/// documents sometimes fail it and the RFC is still the one SAT issued.
pub fn validate_rfc(s: &str) -> Result<TaxId, TaxIdError> {
    let kind = TaxIdKind::MxRfc;
    let c = compact_upper(s);
    let chars: Vec<char> = c.chars().collect();
    if chars.is_empty() {
        return Err(TaxIdError::Empty { kind });
    }
    if chars.len() != 12 && chars.len() != 13 {
        return Err(TaxIdError::Length {
            kind,
            expected: "12 or 13",
            found: chars.len(),
        });
    }
    let n_letters = chars.len() - 9;
    let (letters, rest) = chars.split_at(n_letters);
    if !letters
        .iter()
        .all(|&c| c.is_ascii_uppercase() || c == 'Ñ' || c == '&')
    {
        return Err(TaxIdError::format(
            kind,
            format!("expected {n_letters} leading letters"),
        ));
    }
    let (date, homoclave) = rest.split_at(6);
    if !date.iter().all(char::is_ascii_digit) {
        return Err(TaxIdError::format(
            kind,
            "expected a YYMMDD date after the letters",
        ));
    }
    let d = |i: usize| date[i].to_digit(10).unwrap_or(0);
    let month = d(2) * 10 + d(3);
    let day = d(4) * 10 + d(5);
    // The century is unknown, so 29 February is always allowed.
    let max_day = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 29,
        _ => 0,
    };
    if day == 0 || day > max_day {
        return Err(TaxIdError::format(
            kind,
            "the date part is not a calendar date",
        ));
    }
    if !homoclave.iter().all(char::is_ascii_alphanumeric) {
        return Err(TaxIdError::format(
            kind,
            "homoclave must be 3 letters or digits",
        ));
    }
    let expected = rfc_check_char(&chars[..chars.len() - 1]);
    let checked = expected == chars[chars.len() - 1];
    Ok(TaxId::new(kind, c, "MX", checked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rut_good() {
        let cases = [
            ("11.111.111-1", "111111111"),
            ("12.345.678-5", "123456785"),
            ("76.086.428-5", "760864285"),
            ("5.126.663-3", "51266633"),
            ("96790240-3", "967902403"),
            ("60.803.000-K", "60803000K"),
            ("60803000k", "60803000K"),
            ("1.000.005-k", "1000005K"),
            ("10000013-K", "10000013K"),
            ("99500410-0", "995004100"),
            ("07.654.321-6", "76543216"),
            ("14 569 484-1", "145694841"),
        ];
        for (input, want) in cases {
            let id = validate_rut(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.country, "CL");
        }
    }

    #[test]
    fn rut_bad() {
        let cases = [
            ("12.345.678-K", "RUT control digit should be 5, found K"),
            ("12.345.678-4", "RUT control digit should be 5, found 4"),
            ("60.803.000-0", "RUT control digit should be K, found 0"),
            ("11.111.111-2", "RUT control digit should be 1, found 2"),
            ("99500410-K", "RUT control digit should be 0, found K"),
            (
                "123.456.789-0",
                "RUT should have 7 to 9 characters, found 10",
            ),
            ("12.345-6", "RUT should have 7 to 9 characters, found 6"),
            (
                "12.345.678-X",
                "RUT format is invalid: verifier must be a digit or K",
            ),
            (
                "12.3A5.678-5",
                "RUT format is invalid: expected digits before the verifier",
            ),
            ("", "RUT is empty"),
            ("76.086.428-6", "RUT control digit should be 5, found 6"),
        ];
        for (input, msg) in cases {
            let e = validate_rut(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn nit_good() {
        let cases = [
            ("890.903.938-8", "8909039388"), // Bancolombia
            ("899.999.068-1", "8999990681"), // Ecopetrol
            ("800197268-4", "8001972684"),   // DIAN
            ("860034313-7", "8600343137"),
            ("900 123 456 8", "9001234568"),
            ("830053105-3", "8300531053"),
            ("860002964-4", "8600029644"),
            ("1020304050-8", "10203040508"),
            ("79.123.456-0", "791234560"),
            ("800220154-1", "8002201541"),
            ("890900608-9", "8909006089"),
            ("52123456-2", "521234562"),
        ];
        for (input, want) in cases {
            let id = validate_nit(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.country, "CO");
        }
    }

    #[test]
    fn nit_bad() {
        let cases = [
            ("890.903.938-7", "NIT control digit should be 8, found 7"),
            ("899.999.068-0", "NIT control digit should be 1, found 0"),
            ("800197268-5", "NIT control digit should be 4, found 5"),
            ("900123456-9", "NIT control digit should be 8, found 9"),
            ("123456", "NIT should have 7 to 11 characters, found 6"),
            (
                "123456789012",
                "NIT should have 7 to 11 characters, found 12",
            ),
            (
                "89O.903.938-8",
                "NIT format is invalid: expected only digits",
            ),
            ("", "NIT is empty"),
            ("860034313-1", "NIT control digit should be 7, found 1"),
            ("52123456-3", "NIT control digit should be 2, found 3"),
        ];
        for (input, msg) in cases {
            let e = validate_nit(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn cuit_good() {
        let cases = [
            ("20-12345678-6", "20123456786"),
            ("27-12345678-0", "27123456780"),
            ("30-50001091-2", "30500010912"),
            ("30712345671", "30712345671"),
            ("33-69999999-2", "33699999992"),
            ("20 45678901 4", "20456789014"),
            ("27.99999999.4", "27999999994"),
            ("34-60000000-6", "34600000006"),
            ("24-00000001-5", "24000000015"),
            ("30-00000000-7", "30000000007"),
        ];
        for (input, want) in cases {
            let id = validate_cuit(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.country, "AR");
        }
    }

    #[test]
    fn cuit_bad() {
        let cases = [
            ("20-12345678-5", "CUIT control digit should be 6, found 5"),
            ("27-12345678-1", "CUIT control digit should be 0, found 1"),
            ("30-50001091-3", "CUIT control digit should be 2, found 3"),
            (
                "21-12345678-6",
                "CUIT format is invalid: unknown type prefix 21",
            ),
            (
                "99-12345678-6",
                "CUIT format is invalid: unknown type prefix 99",
            ),
            (
                "23-30111222-0",
                "CUIT format is invalid: check digit would be 10, never issued",
            ),
            ("20-1234567-6", "CUIT should have 11 characters, found 10"),
            ("20-123456789-6", "CUIT should have 11 characters, found 12"),
            (
                "20-1234S678-6",
                "CUIT format is invalid: expected only digits",
            ),
            ("", "CUIT is empty"),
        ];
        for (input, msg) in cases {
            let e = validate_cuit(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }

    #[test]
    fn rfc_good() {
        let cases = [
            ("SAT970701NN3", "SAT970701NN3", true),
            ("sat-970701-nn3", "SAT970701NN3", true),
            ("ABC680524P73", "ABC680524P73", true),
            ("IBM 860618 4U4", "IBM8606184U4", true),
            ("GODE561231GR8", "GODE561231GR8", true),
            ("VECJ880326XX1", "VECJ880326XX1", true),
            ("CAÑ990101AB1", "CAÑ990101AB1", true),
            ("ñaño800101ab3", "ÑAÑO800101AB3", true),
            ("A&B850101AA8", "A&B850101AA8", true),
            ("GOMJ000229AB6", "GOMJ000229AB6", true),
            // Generic RFCs and a wrong check digit: accepted, not checked.
            ("XAXX010101000", "XAXX010101000", false),
            ("XEXX010101000", "XEXX010101000", true),
            ("GODE561231GR5", "GODE561231GR5", false),
        ];
        for (input, want, checked) in cases {
            let id = validate_rfc(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.value, want);
            assert_eq!(id.checked, checked, "{input}");
        }
    }

    #[test]
    fn rfc_bad() {
        let cases = [
            (
                "GODE561331GR8",
                "RFC format is invalid: the date part is not a calendar date",
            ),
            (
                "GODE560230GR8",
                "RFC format is invalid: the date part is not a calendar date",
            ),
            (
                "GODE560100GR8",
                "RFC format is invalid: the date part is not a calendar date",
            ),
            (
                "GOD3561231GR8",
                "RFC format is invalid: expected 4 leading letters",
            ),
            (
                "1BC680524P73",
                "RFC format is invalid: expected 3 leading letters",
            ),
            (
                "ABC68O524P73",
                "RFC format is invalid: expected a YYMMDD date after the letters",
            ),
            (
                "ABC680524P7",
                "RFC should have 12 or 13 characters, found 11",
            ),
            (
                "GODEX561231GR8",
                "RFC should have 12 or 13 characters, found 14",
            ),
            (
                "ABC680524P7*",
                "RFC format is invalid: homoclave must be 3 letters or digits",
            ),
            ("", "RFC is empty"),
        ];
        for (input, msg) in cases {
            let e = validate_rfc(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }
}
