//! The town and province after a Spanish postcode, put back when OCR
//! misread them: `29004 Maliaga` → `29004 Málaga`, `07010 Palma (lles
//! Ballears)` → `07010 Palma (Illes Balears)`, `12001 Castellón de laPlana`
//! → `12001 Castellón de la Plana`.
//!
//! A postcode's first two digits are its province's INE code, so a name is
//! compared only with the names of that province (`data/es_places.txt`:
//! each province and its larger towns). It is replaced when exactly one of
//! them is nearest and close enough (one edit in a name of four to seven
//! letters, two from eight), ignoring accents, case, spaces and hyphens.
//! A name the list does not know stays as read: small towns are not guessed.

use std::sync::OnceLock;

use crate::text::{closest_listed, in_case_of};

/// `code|province names|towns` lines, names separated by `;`, `#` comments.
const PLACES: &str = include_str!("../data/es_places.txt");

/// One province: its names and its towns, as written.
struct Province {
    code: u8,
    names: Vec<&'static str>,
    towns: Vec<&'static str>,
}

fn provinces() -> &'static [Province] {
    static PROVINCES: OnceLock<Vec<Province>> = OnceLock::new();
    PROVINCES.get_or_init(|| {
        PLACES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut parts = l.split('|');
                let code = parts.next()?.parse().ok()?;
                let names = parts.next()?.split(';').collect();
                let towns = parts.next()?.split(';').collect();
                Some(Province { code, names, towns })
            })
            .collect()
    })
}

/// Byte range of the last five-digit postcode of a known province.
fn postcode(text: &str) -> Option<(usize, usize, &'static Province)> {
    let bytes = text.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let alone_before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if i - start == 5 && alone_before {
            let code: u8 = text[start..start + 2].parse().ok()?;
            if let Some(p) = provinces().iter().find(|p| p.code == code) {
                found = Some((start, i, p));
            }
        }
    }
    found
}

/// `text` (an address) with the town and the bracketed province after its
/// postcode replaced by the listed names they stand for (see the module).
pub fn repair_place_names(text: &str) -> String {
    let Some((_, code_end, province)) = postcode(text) else {
        return text.to_string();
    };
    let rest = &text[code_end..];
    // The town runs to a bracket, a comma or the end.
    let town_end = rest.find(['(', ',']).unwrap_or(rest.len());
    let town_read = rest[..town_end].trim_matches(|c: char| !c.is_alphanumeric());
    let mut out = text[..code_end].to_string();
    let mut tail = &rest[town_end..];
    match closest_listed(town_read, &province.towns) {
        Some(town) if !town_read.is_empty() => {
            out.push(' ');
            out.push_str(&in_case_of(town, town_read));
            if tail.starts_with('(') {
                out.push(' ');
            }
        }
        _ => {
            out.push_str(&rest[..town_end]);
        }
    }
    if let Some(inner) = tail.strip_prefix('(') {
        let close = inner.find(')').unwrap_or(inner.len());
        let read = inner[..close].trim();
        if let Some(name) = closest_listed(read, &province.names) {
            out.push('(');
            out.push_str(&in_case_of(name, read));
            tail = &inner[close..];
        }
    }
    out.push_str(tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misread_towns_and_provinces_are_put_back() {
        let cases = [
            (
                "C/ de Goya, 62, 29004 Maliaga",
                "C/ de Goya, 62, 29004 Málaga",
            ),
            (
                "Calle de Andalucía, nº 214, 07010 Palma (lles Ballears)",
                "Calle de Andalucía, nº 214, 07010 Palma (Illes Balears)",
            ),
            (
                "Ronda Alcalá, 116, 07002 Pallma (Iles Balears)",
                "Ronda Alcalá, 116, 07002 Palma (Illes Balears)",
            ),
            (
                "Plaza Sagasta, 160, 15004 A Coruia",
                "Plaza Sagasta, 160, 15004 A Coruña",
            ),
            (
                "C/ de Colón, 36, 28805 Álcali de Henares (Madrid)",
                "C/ de Colón, 36, 28805 Alcalá de Henares (Madrid)",
            ),
            (
                "Calle de España, 92, 12001 Castellón de laPlana (Castellin)",
                "Calle de España, 92, 12001 Castellón de la Plana (Castellón)",
            ),
            (
                "Calle Real, 206, 08225 ; Terrassa (Barcelona)",
                "Calle Real, 206, 08225 Terrassa (Barcelona)",
            ),
            (
                "C/ Mayor, 51, 01007 Vitoria-Gasteiz(Álava)",
                "C/ Mayor, 51, 01007 Vitoria-Gasteiz (Álava)",
            ),
            ("CALLE MAYOR 3, 28013 MADRlD", "CALLE MAYOR 3, 28013 MADRID"),
        ];
        for (read, want) in cases {
            assert_eq!(repair_place_names(read), want, "{read}");
        }
    }

    #[test]
    fn unknown_or_far_names_stay_as_read() {
        let cases = [
            // A small town the list does not hold.
            "Calle Real 3, 28791 Soto del Real",
            // Printed right, with or without accents or brackets.
            "Calle Mayor 1, 28013 Madrid",
            "Plaza España 2, 46001 València",
            "Av. del Puerto 4, 29601 MARBELLA (MÁLAGA)",
            // No postcode, a postcode of no province, a longer number.
            "Calle Mayor 1, Madrid",
            "Calle Mayor 1, 99001 Maliaga",
            "Pedido 2024123456 Maliaga",
            // Too short to tell, or too far from any town of the province.
            "Calle Luna 5, 29001 Mla",
            "Calle Luna 5, 29001 Torrox",
        ];
        for read in cases {
            assert_eq!(repair_place_names(read), read, "{read}");
        }
    }

    #[test]
    fn every_province_of_spain_is_listed_once() {
        let codes: Vec<u8> = provinces().iter().map(|p| p.code).collect();
        assert_eq!(codes, (1..=52).collect::<Vec<u8>>());
        assert!(provinces()
            .iter()
            .all(|p| !p.names.is_empty() && !p.towns.is_empty()));
    }
}
