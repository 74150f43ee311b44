//! Validators and parsers for invoice fields: tax ids, IBAN, amounts, dates.
//!
//! Every validator normalizes its input first (OCR and people write ids with
//! spaces, dots, dashes, lowercase letters and country prefixes) and returns a
//! typed value or an error that names the problem, so the extractor can both
//! normalize a field and explain why a candidate was rejected. Everything is
//! pure, allocation-light `std` code so it runs unchanged inside the
//! `invoice-fields` WebAssembly component.

#![warn(missing_docs)]

pub mod accents;
pub mod amount;
pub mod clabe;
pub mod company_words;
pub mod contact;
pub mod date;
pub mod iban;
pub mod locale;
pub mod malaysia;
pub mod packs;
pub mod spanish_address;
pub mod spanish_case;
pub mod spanish_places;
pub mod spanish_streets;
pub mod tax_id;

pub mod lookalike;
mod text;

pub use accents::restore_spanish_accents;
pub use amount::{find_amounts, parse_amount, Amount, AmountError, AmountMatch, Decimal};
pub use clabe::{validate_clabe, Clabe, ClabeError};
pub use company_words::repair_company_words;
pub use contact::{normalize_phone, validate_email, ContactError, Phone};
pub use date::{find_dates, parse_date, respace_month_name, Date, DateError, DateMatch, DateOrder};
pub use iban::{validate_ccc, validate_iban, Iban, IbanError};
pub use locale::{guess_locale, locale_scores, Locale, LocaleScores};
pub use lookalike::{
    canonical_legal_form, euro_sign_lookalike, repair_company_name, repair_spanish_text,
};
pub use malaysia::{repair_malaysian_address, repair_malaysian_company_name};
pub use packs::{
    decide_language, detect_country, detect_date_order, detect_language, detect_number_format,
    Country, CountryEvidence, Decision, FieldKind, Lang, NumberFormat, Pack,
};
pub use spanish_address::repair_spanish_address;
pub use spanish_case::{spanish_address_case, spanish_name_case};
pub use spanish_places::repair_place_names;
pub use spanish_streets::repair_street_name;
pub use tax_id::{
    detect_tax_id, validate_ch_uid, validate_ein, validate_gstin, vat_id_shape, TaxId, TaxIdError,
    TaxIdKind,
};
pub use text::levenshtein;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every parser must return, never panic, on any slice of messy OCR
    /// text: a panic inside the component traps the whole call.
    #[test]
    fn no_parser_panics_on_arbitrary_slices() {
        let samples = [
            "FACTURA Nº 2024/001 — 14 de marzo de 2024 NIF: B-12345674 Ñandú S.L.\nIVA 21% 1.234,56 € (12,50)- ES91 2100 0418 4502 0005 1332",
            "TOTAL RM9.90 14MAR24 03/14/2024 +34 (0) 912-345-678 info@ejemplo.es € .5 ,,.. --(( ))",
            "ÑÑÑ 1º ª ° ¥₹₡ 12'345.67 1\u{a0}234,56 − 3,00 \u{202f}99 X1234567L 60.803.000-K 20-12345678-6",
        ];
        let mut calls = 0;
        for text in samples {
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            for (a, &s) in bounds.iter().enumerate() {
                for &e in bounds[a..].iter().take(40) {
                    let t = &text[s..e];
                    let _ = detect_tax_id(t);
                    let _ = validate_iban(t);
                    let _ = validate_ccc(t);
                    let _ = validate_clabe(t);
                    let _ = validate_email(t);
                    let _ = normalize_phone(t, Some("ES"));
                    let _ = normalize_phone(t, Some("AR"));
                    let _ = normalize_phone(t, Some("MX"));
                    let _ = parse_amount(t, Locale::Auto);
                    let _ = parse_date(t, DateOrder::DayFirst);
                    let _ = tax_id::validate_rfc(t);
                    let _ = tax_id::validate_nit(t);
                    let _ = tax_id::validate_cuit(t);
                    let _ = tax_id::validate_eu_vat(t);
                    let _ = tax_id::validate_nif(t);
                    let _ = tax_id::validate_nie(t);
                    let _ = tax_id::validate_cif(t);
                    let _ = tax_id::validate_rut(t);
                    let _ = validate_ch_uid(t);
                    let _ = validate_gstin(t);
                    let _ = validate_ein(t);
                    let _ = detect_number_format(t);
                    let _ = detect_date_order(t, None);
                    let _ = decide_language(t);
                    let _ = detect_country(t, CountryEvidence::default());
                    calls += 1;
                }
            }
            let _ = find_amounts(text, Locale::EsEs);
            let _ = find_dates(text, DateOrder::MonthFirst);
            let _ = guess_locale(text);
        }
        assert!(calls > 1000);
    }
}
