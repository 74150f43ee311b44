//! The name of a Spanish street put back when OCR misread it: `Calle de
//! Ramny Cajal, 209` → `Calle de Ramón y Cajal, 209`, `C/ deMenendezPelayo`
//! → `C/ de Menéndez Pelayo`.
//!
//! Spanish towns name their streets after the same saints, writers,
//! scientists, kings and regions, so a list of the common ones
//! (`data/es_streets.txt`) recognizes most of them. The name between the
//! street type and the first comma, without its connector (`de`, `del`,
//! ...: a town writes `Plaza Goya` or `Plaza de Goya`, and either is kept),
//! is compared with the list ignoring accents, case, spaces and punctuation. Spelled the same, it takes the
//! list's spacing and accents. A name holding a word that is no word or
//! name at all (`Ramny`, `hiaez`) is a misread, and takes the one nearest
//! listed name within a quarter of that name's letters (at most three edits). A
//! name of real words that the list lacks (`Santa Marta` beside the listed
//! `Santa María`) stays as read.

use std::sync::OnceLock;

use crate::accents::is_known_word;
use crate::text::{nearest_unique, squash};

/// One listed street name per line, `#` comments.
const STREETS: &str = include_str!("../data/es_streets.txt");

/// Street types an address starts with, as printed.
const STREET_TYPES: &[&str] = &[
    "Calle",
    "C/",
    "C/.",
    "Cl.",
    "Avenida",
    "Avda.",
    "Av.",
    "Plaza",
    "Pza.",
    "Pl.",
    "Paseo",
    "Pº",
    "Ronda",
    "Travesía",
    "Camino",
    "Carretera",
    "Ctra.",
    "Pasaje",
    "Glorieta",
    "Rambla",
    "Vía",
    "Urbanización",
];

/// Edits allowed between a misread name and a listed one, per letter.
const LETTERS_PER_EDIT: usize = 4;
/// At most this many edits, however long the name.
const MAX_EDITS: usize = 3;

/// `(folded, as written)` of every listed street without its connector
/// ([`split_connector`]), folded once per process.
fn streets() -> &'static [(Vec<char>, &'static str)] {
    static FOLDED: OnceLock<Vec<(Vec<char>, &'static str)>> = OnceLock::new();
    FOLDED.get_or_init(|| {
        STREETS
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let core = split_connector(l).1;
                (squash(core), core)
            })
            .collect()
    })
}

/// Connectors between a street type and its name, longest first.
const CONNECTORS: &[&str] = &["de las ", "de los ", "de la ", "del ", "de "];

/// A street name split into its connector as it should be written (`de `,
/// `del `, ...; empty without one) and the name proper. A `de` OCR glued
/// to the name (`deMenendez`) is a connector too.
fn split_connector(name: &str) -> (&'static str, &str) {
    for connector in CONNECTORS {
        if let Some(head) = name.get(..connector.len()) {
            if head.eq_ignore_ascii_case(connector) {
                return (connector, &name[connector.len()..]);
            }
        }
    }
    if let Some(rest) = name.strip_prefix("de") {
        if rest.starts_with(char::is_uppercase) {
            return ("de ", rest);
        }
    }
    ("", name)
}

/// `address` with the street name after its type replaced by the listed
/// name it stands for; any other address as it was.
pub fn repair_street_name(address: &str) -> String {
    let Some((name_at, name_end)) = street_name_span(address) else {
        return address.to_string();
    };
    let name = &address[name_at..name_end];
    let (connector, core) = split_connector(name);
    match listed_street(core) {
        Some(listed) if format!("{connector}{listed}") != name => format!(
            "{}{connector}{listed}{}",
            &address[..name_at],
            &address[name_end..]
        ),
        _ => address.to_string(),
    }
}

/// Byte range of the name between a leading street type and the first
/// comma, when the address has both.
fn street_name_span(address: &str) -> Option<(usize, usize)> {
    let street_type = STREET_TYPES
        .iter()
        .filter(|t| {
            // A whole word: `Callejón` is not `Calle`.
            address.strip_prefix(**t).is_some_and(|rest| {
                t.ends_with(['/', '.', 'º']) || rest.starts_with(char::is_whitespace)
            })
        })
        .max_by_key(|t| t.len())?;
    let rest = &address[street_type.len()..];
    let start = street_type.len() + (rest.len() - rest.trim_start().len());
    let end = start + address[start..].find(',')?;
    (end > start).then_some((start, end))
}

/// The listed street (without connector) `name` (without connector) stands
/// for, if exactly one.
fn listed_street(name: &str) -> Option<&'static str> {
    let read = squash(name);
    if read.len() < 4 {
        return None;
    }
    let misread = name
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .any(|w| !is_known_word(w));
    // Within a quarter of the listed name's letters, for a misread name.
    let allowed = |listed: &[char]| {
        if misread {
            (listed.len() / LETTERS_PER_EDIT).min(MAX_EDITS)
        } else {
            0
        }
    };
    nearest_unique(&read, streets().iter().map(|(f, w)| (f, *w)), allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misread_listed_street_is_put_back() {
        assert_eq!(
            repair_street_name("Calle de Ramny Cajal, 209, 1º A, 29004 Málaga"),
            "Calle de Ramón y Cajal, 209, 1º A, 29004 Málaga"
        );
        assert_eq!(
            repair_street_name("C/ de Blasco hiaez, 59, 4º 2ª, 07010 Palma"),
            "C/ de Blasco Ibáñez, 59, 4º 2ª, 07010 Palma"
        );
        assert_eq!(
            repair_street_name("C/ deMenendezPelayo, nº 51, bajo"),
            "C/ de Menéndez Pelayo, nº 51, bajo"
        );
        assert_eq!(
            repair_street_name("Avda. de la Constitucion, 3"),
            "Avda. de la Constitución, 3"
        );
        // The connector stays as printed, with or without one.
        assert_eq!(
            repair_street_name("Plaza Ramny Cajal, 183"),
            "Plaza Ramón y Cajal, 183"
        );
        assert_eq!(
            repair_street_name("Ronda del Marques de Larios, 219"),
            "Ronda del Marqués de Larios, 219"
        );
    }

    #[test]
    fn real_names_unlisted_streets_and_other_text_stay() {
        for address in [
            // Real words, one letter from a listed name: another street.
            "Calle de Santa Marta, 4, 28001 Madrid",
            // Not listed, nothing near.
            "Calle de Fray Luis de León, 12, 37008 Salamanca",
            // Listed and written as listed.
            "Avenida Diagonal, 640, 08017 Barcelona",
            "Plaza Ramón y Cajal, nº 183, local 4",
            "Paseo Príncipe de Vergara, 19, 11002 Cádiz",
            "Avenida Núñez de Balboa, 214",
            // No street type, or no comma after the name.
            "de Ramny Cajal, 209",
            "Calle de Ramny Cajal 209",
            "Calle , 3",
            "Callejón de Ramny, 2",
            "",
        ] {
            assert_eq!(repair_street_name(address), address);
        }
    }
}
