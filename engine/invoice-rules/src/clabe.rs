//! Mexican CLABE (Clave Bancaria Estandarizada): 18 digits = bank (3) +
//! plaza (3) + account (11) + control digit (weights 3, 7, 1 mod 10).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{all_digits, compact_upper, digit};

/// A validated CLABE.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Clabe {
    /// The 18 digits.
    pub value: String,
}

impl Clabe {
    /// The 3-digit bank code (Banxico institution number).
    pub fn bank_code(&self) -> &str {
        self.value.get(..3).unwrap_or("")
    }

    /// The 3-digit plaza (city) code.
    pub fn plaza_code(&self) -> &str {
        self.value.get(3..6).unwrap_or("")
    }

    /// The 11-digit account number.
    pub fn account(&self) -> &str {
        self.value.get(6..17).unwrap_or("")
    }

    /// Short name of the bank for the best-known codes, to show beside the
    /// value; `None` for others (the list changes, the checksum does not).
    pub fn bank_name(&self) -> Option<&'static str> {
        Some(match self.bank_code() {
            "002" => "BANAMEX",
            "012" => "BBVA MEXICO",
            "014" => "SANTANDER",
            "021" => "HSBC",
            "030" => "BAJIO",
            "036" => "INBURSA",
            "044" => "SCOTIABANK",
            "058" => "BANREGIO",
            "072" => "BANORTE",
            "127" => "AZTECA",
            "137" => "BANCOPPEL",
            "646" => "STP",
            _ => return None,
        })
    }
}

impl fmt::Display for Clabe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Why a string is not a valid CLABE.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClabeError {
    /// Not 18 characters after normalization.
    #[error("CLABE should have 18 digits, found {0}")]
    Length(usize),
    /// A non-digit character.
    #[error("CLABE should contain only digits")]
    NotDigits,
    /// The control digit does not match.
    #[error("CLABE control digit should be {expected}, found {found}")]
    Control {
        /// Computed control digit.
        expected: u32,
        /// Control digit present.
        found: u32,
    },
}

/// The CLABE control digit for its first 17 digits.
pub fn clabe_control(first17: &str) -> u32 {
    const W: [u32; 3] = [3, 7, 1];
    let sum: u32 = first17
        .bytes()
        .enumerate()
        .map(|(i, b)| (digit(b) * W[i % 3]) % 10)
        .sum();
    (10 - sum % 10) % 10
}

/// Validates a CLABE written with or without spaces/dashes.
pub fn validate_clabe(s: &str) -> Result<Clabe, ClabeError> {
    let c = compact_upper(s);
    if c.chars().count() != 18 {
        return Err(ClabeError::Length(c.chars().count()));
    }
    if !all_digits(&c) {
        return Err(ClabeError::NotDigits);
    }
    let expected = clabe_control(&c[..17]);
    let found = digit(c.as_bytes()[17]);
    if expected != found {
        return Err(ClabeError::Control { expected, found });
    }
    Ok(Clabe { value: c })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clabe_good() {
        let cases = [
            "002010077777777771",
            "012 180 00123456789 9",
            "014180655000000002",
            "072-580-00123456789-5",
            "137180000000000000",
            "646180000000000009",
            "032180009876543211",
            "021180000000000019",
            "044180999999999992",
            "127180123456789011",
            "002180000000000009",
            "014180000000000000",
        ];
        for g in cases {
            let c = validate_clabe(g).unwrap_or_else(|e| panic!("{g}: {e}"));
            assert_eq!(c.value.len(), 18);
        }
        let c = validate_clabe("002010077777777771").unwrap();
        assert_eq!(c.bank_code(), "002");
        assert_eq!(c.plaza_code(), "010");
        assert_eq!(c.account(), "07777777777");
        assert_eq!(c.bank_name(), Some("BANAMEX"));
        assert_eq!(
            validate_clabe("032180009876543211").unwrap().bank_name(),
            None
        );
    }

    #[test]
    fn clabe_bad() {
        let cases = [
            (
                "002010077777777772",
                "CLABE control digit should be 1, found 2",
            ),
            (
                "002010077777777770",
                "CLABE control digit should be 1, found 0",
            ),
            (
                "012180001234567898",
                "CLABE control digit should be 9, found 8",
            ),
            (
                "014180655000000001",
                "CLABE control digit should be 2, found 1",
            ),
            (
                "646180000000000000",
                "CLABE control digit should be 9, found 0",
            ),
            ("00201007777777777", "CLABE should have 18 digits, found 17"),
            (
                "0020100777777777711",
                "CLABE should have 18 digits, found 19",
            ),
            ("", "CLABE should have 18 digits, found 0"),
            ("00201007777777777A", "CLABE should contain only digits"),
            ("O02010077777777771", "CLABE should contain only digits"),
            (
                "002010077777777717",
                "CLABE control digit should be 3, found 7",
            ),
        ];
        for (input, msg) in cases {
            let e = validate_clabe(input).expect_err(input);
            assert_eq!(e.to_string(), msg, "{input}");
        }
    }
}
