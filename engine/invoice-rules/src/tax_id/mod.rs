//! Tax identifiers: Spanish NIF/NIE/CIF, EU and UK VAT numbers, the Latin
//! American ids (Chile RUT, Colombia NIT, Mexico RFC, Argentina CUIT) and
//! the Swiss UID, Indian GSTIN and US EIN.

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod eu_vat;
pub mod latam;
pub mod other;
pub mod spain;

pub use eu_vat::{validate_eu_vat, vat_id_shape, vat_prefixes};
pub use latam::{validate_cuit, validate_nit, validate_rfc, validate_rut};
pub use other::{validate_ch_uid, validate_ein, validate_gstin};
pub use spain::{validate_cif, validate_nie, validate_nif, validate_spanish_id};

/// Which kind of tax identifier a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxIdKind {
    /// Spanish NIF of a person: DNI number, or K/L/M special NIF.
    EsNif,
    /// Spanish NIE (foreigners): X/Y/Z + 7 digits + letter.
    EsNie,
    /// Spanish CIF / NIF of a legal entity: letter + 7 digits + control.
    EsCif,
    /// EU (and UK) VAT number with its country prefix.
    EuVat,
    /// Chilean RUT / RUN.
    ClRut,
    /// Colombian NIT.
    CoNit,
    /// Mexican RFC.
    MxRfc,
    /// Argentine CUIT / CUIL.
    ArCuit,
    /// Swiss UID (`CHE-123.456.789`), also the Swiss VAT number.
    ChUid,
    /// Indian GSTIN.
    InGstin,
    /// US Employer Identification Number.
    UsEin,
}

impl TaxIdKind {
    /// The name people use for this id, as used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            TaxIdKind::EsNif => "NIF",
            TaxIdKind::EsNie => "NIE",
            TaxIdKind::EsCif => "CIF",
            TaxIdKind::EuVat => "VAT number",
            TaxIdKind::ClRut => "RUT",
            TaxIdKind::CoNit => "NIT",
            TaxIdKind::MxRfc => "RFC",
            TaxIdKind::ArCuit => "CUIT",
            TaxIdKind::ChUid => "UID",
            TaxIdKind::InGstin => "GSTIN",
            TaxIdKind::UsEin => "EIN",
        }
    }
}

impl fmt::Display for TaxIdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A validated tax identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TaxId {
    /// What kind of id this is.
    pub kind: TaxIdKind,
    /// Normalized value: uppercase, no separators; EU VAT numbers keep their
    /// country prefix, national ids do not.
    pub value: String,
    /// ISO 3166 alpha-2 country of the id (`EL` VAT numbers report `GR`).
    pub country: String,
    /// True when a control digit/letter was verified; false when only the
    /// format could be checked (several VAT countries, RFC with a mismatching
    /// or unknown check digit).
    pub checked: bool,
}

impl TaxId {
    pub(crate) fn new(kind: TaxIdKind, value: String, country: &str, checked: bool) -> Self {
        TaxId {
            kind,
            value,
            country: country.to_string(),
            checked,
        }
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Why a string is not a valid tax id of the requested kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxIdError {
    /// Nothing left after normalization.
    #[error("{kind} is empty")]
    Empty {
        /// The id kind being validated.
        kind: TaxIdKind,
    },
    /// Wrong number of characters.
    #[error("{kind} should have {expected} characters, found {found}")]
    Length {
        /// The id kind being validated.
        kind: TaxIdKind,
        /// Human description of the allowed lengths.
        expected: &'static str,
        /// Characters found after normalization.
        found: usize,
    },
    /// Characters or structure not allowed for this kind.
    #[error("{kind} format is invalid: {reason}")]
    Format {
        /// The id kind being validated.
        kind: TaxIdKind,
        /// What is wrong.
        reason: String,
    },
    /// The control character does not match the computed one.
    #[error("{kind} control {what} should be {expected}, found {found}")]
    Control {
        /// The id kind being validated.
        kind: TaxIdKind,
        /// "letter", "digit", "digits" or "character".
        what: &'static str,
        /// The control the checksum gives.
        expected: String,
        /// The control present in the input.
        found: String,
    },
    /// VAT prefix that is not an EU (or UK) country.
    #[error("unknown VAT country prefix {0}")]
    UnknownCountry(String),
}

impl TaxIdError {
    pub(crate) fn format(kind: TaxIdKind, reason: impl Into<String>) -> Self {
        TaxIdError::Format {
            kind,
            reason: reason.into(),
        }
    }
}

/// Finds which tax id a string is, trying the kinds from the most to the
/// least specific so that a pure-digit string is only claimed by a kind whose
/// checksum it passes.
///
/// Order: Spanish NIF/NIE/CIF (the main market; they carry letters), EU VAT
/// with a country prefix, Swiss UID, Indian GSTIN, Mexican RFC (letters +
/// date), Argentine CUIT (11 digits with a known prefix), then Chilean RUT
/// and Colombian NIT — for
/// these two a 7–8 digit body prefers RUT and a 9–10 digit body prefers NIT,
/// matching how the numbers are issued.
pub fn detect_tax_id(s: &str) -> Option<TaxId> {
    let compact = crate::text::compact_upper(s);
    if compact.len() < 6 || compact.len() > 20 {
        return None;
    }
    // "2024-03-14" is a date, not a RUT that happens to pass mod 11.
    if crate::date::parse_date(s, crate::date::DateOrder::DayFirst).is_ok() {
        return None;
    }
    if let Ok(id) = validate_spanish_id(s) {
        // A bare ES-prefixed string reads as a VAT number, which is what a
        // document means when it writes the prefix.
        if compact.starts_with("ES") {
            if let Ok(v) = validate_eu_vat(s) {
                return Some(v);
            }
        }
        return Some(id);
    }
    if let Ok(v) = validate_eu_vat(s) {
        return Some(v);
    }
    if let Ok(v) = validate_ch_uid(s) {
        return Some(v);
    }
    if let Ok(v) = validate_gstin(s) {
        return Some(v);
    }
    if let Ok(v) = validate_rfc(s) {
        return Some(v);
    }
    if let Ok(v) = validate_cuit(s) {
        return Some(v);
    }
    // RUT and NIT are plain digits plus a verifier: only claim them when the
    // writer separated the verifier (or it is a K), otherwise any number
    // passes one time in eleven.
    if !verifier_is_marked(s) {
        return None;
    }
    let body_len = compact.len() - 1;
    if (7..=8).contains(&body_len) {
        if let Ok(v) = validate_rut(s) {
            return Some(v);
        }
    }
    if (6..=10).contains(&body_len) && compact.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = validate_nit(s) {
            return Some(v);
        }
    }
    None
}

/// True when the last character is a K or follows a dash, as in
/// `12.345.678-5` — the way RUT and NIT verifiers are written.
fn verifier_is_marked(s: &str) -> bool {
    let t = s.trim();
    let mut rev = t.chars().rev();
    match rev.next() {
        Some('k' | 'K') => true,
        Some(c) if c.is_ascii_digit() => rev.find(|c| !c.is_whitespace()) == Some('-'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<TaxIdKind> {
        detect_tax_id(s).map(|t| t.kind)
    }

    #[test]
    fn detects_each_kind() {
        assert_eq!(kind("12345678Z"), Some(TaxIdKind::EsNif));
        assert_eq!(kind("x1234567l"), Some(TaxIdKind::EsNie));
        assert_eq!(kind("B-12345674"), Some(TaxIdKind::EsCif));
        assert_eq!(kind("ES B12345674"), Some(TaxIdKind::EuVat));
        assert_eq!(kind("DE136695976"), Some(TaxIdKind::EuVat));
        assert_eq!(kind("GODE561231GR8"), Some(TaxIdKind::MxRfc));
        assert_eq!(kind("20-12345678-6"), Some(TaxIdKind::ArCuit));
        assert_eq!(kind("12.345.678-5"), Some(TaxIdKind::ClRut));
        assert_eq!(kind("7.654.321-6"), Some(TaxIdKind::ClRut));
        assert_eq!(kind("60.803.000-K"), Some(TaxIdKind::ClRut));
        assert_eq!(kind("890.903.938-8"), Some(TaxIdKind::CoNit));
        assert_eq!(kind("CHE-116.281.710 MWST"), Some(TaxIdKind::ChUid));
        assert_eq!(kind("27AAPFU0939F1ZV"), Some(TaxIdKind::InGstin));
        assert_eq!(kind("GB 980 7806 84"), Some(TaxIdKind::EuVat));
    }

    #[test]
    fn rejects_non_ids() {
        for s in [
            "",
            "hello",
            "12345678A",
            "B12345675",
            "DE136695977",
            "123456",
            "2024-03-14",
            "14-03-2024",
            "2024-03-15",
            "total 12,50",
            "890.903.938-7",
            // Shaped like an EIN, but as often a phone (`91-2345678`):
            // EINs are only read after their label (`validate_ein`).
            "12-3456789",
        ] {
            assert_eq!(detect_tax_id(s), None, "{s}");
        }
    }

    #[test]
    fn detect_normalizes_value() {
        let id = detect_tax_id("es-b 1234567-4").unwrap();
        assert_eq!(id.value, "ESB12345674");
        assert_eq!(id.country, "ES");
        let id = detect_tax_id(" 12 345 678-z ").unwrap();
        assert_eq!(id.value, "12345678Z");
    }

    #[test]
    fn error_messages_name_the_problem() {
        let e = validate_nif("12345678X").unwrap_err();
        assert_eq!(e.to_string(), "NIF control letter should be Z, found X");
    }

    #[test]
    fn tax_id_serializes() {
        let id = validate_nif("12345678z").unwrap();
        let j = serde_json::to_string(&id).unwrap();
        assert_eq!(
            j,
            r#"{"kind":"es_nif","value":"12345678Z","country":"ES","checked":true}"#
        );
    }
}
