//! A Spanish street address as OCR reads it, put back the way it is written:
//! `Calle Mayor, n 12, 4% 1a, 28001Madrid` → `Calle Mayor, nº 12, 4º 1ª,
//! 28001 Madrid`.
//!
//! The small ordinal marks of `nº`, `4º` and `1ª` are the glyphs OCR loses
//! most (dropped, or read as `°`, `%`, `Ω`, `=`, `'`, `e`, `8`), and the thin
//! gaps after a comma, after `º` and after a postcode are the spaces it
//! drops. Only positions an address cannot mean otherwise are changed: a
//! number between the street number and a door is a floor, a lone `n`
//! before a number is `nº`.

use crate::lookalike::{is_floor, is_floor_or_door_number, repair_spanish_text};
use crate::spanish_case::spanish_address_case;
use crate::spanish_places::repair_place_names;
use crate::spanish_streets::repair_street_name;

/// Glyphs OCR reads for the ordinal mark `º` after a floor number or `n`.
const MARK_LOOKALIKES: &[char] = &['º', '°', 'Ω', '%', '=', '\'', '"', '#', 'e', 'o'];

/// Door words after a floor (`4º izda.`).
const DOOR_WORDS: &[&str] = &[
    "izda.", "izq.", "izqda.", "dcha.", "dcha", "izda", "centro", "ctro.",
];

/// Repairs a Spanish address: spacing, the marks of `nº`, floor and door,
/// then [`repair_spanish_text`] (ordinals, `El`, accents), the capitals of
/// [`spanish_address_case`], the town and province of
/// [`repair_place_names`] and the street name of [`repair_street_name`].
pub fn repair_spanish_address(text: &str) -> String {
    let spaced = restore_spaces(text);
    let tokens: Vec<&str> = spaced.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for (i, &t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).copied();
        let prev = i.checked_sub(1).map(|p| tokens[p]);
        let fixed = number_sign(t, next)
            .or_else(|| floor(t, prev, next))
            .or_else(|| glued_floor(t, next))
            .or_else(|| door_after_floor(t, out.last().map(String::as_str)))
            .or_else(|| (i == 0).then(|| calle_abbreviation(t, next)).flatten())
            .or_else(|| period_for_comma(t, next))
            .or_else(|| local_word(t, next))
            .or_else(|| digit_in_word(t));
        out.push(fixed.unwrap_or_else(|| t.to_string()));
    }
    repair_street_name(&repair_place_names(&spanish_address_case(
        &repair_spanish_text(&out.join(" ")),
    )))
}

/// Abbreviations an address writes with a period (`Avda.`, `Pza.`).
const ABBREVIATIONS: &[&str] = &[
    "avda", "av", "avd", "pza", "pl", "ctra", "c", "cl", "po", "ps", "pso", "urb", "pol", "ind",
    "edif", "esc", "blq", "km", "dcha", "izda", "izq", "izqda", "ctro", "s", "sta", "sto", "dr",
    "dra", "gral", "pje", "trav", "rda", "bº", "nº",
];

/// A street number and a floor OCR glued at the comma (or the comma read
/// as a period), the floor's `º` read as a digit or a look-alike
/// (`125,42 4a` for `125, 4º 4ª`, `148,48 izda.`, `80.5% 28`): `125, 4º`.
fn glued_floor(t: &str, next: Option<&str>) -> Option<String> {
    let (number, floor) = t.split_once([',', '.'])?;
    let mut chars = floor.chars();
    let (Some(digit), Some(mark), None) = (chars.next(), chars.next(), chars.next()) else {
        return None;
    };
    let ok = !number.is_empty()
        && number.bytes().all(|c| c.is_ascii_digit())
        && digit.is_ascii_digit()
        && (matches!(mark, '2' | '8' | '9' | 'º') || MARK_LOOKALIKES.contains(&mark))
        && next.is_some_and(is_door);
    ok.then(|| format!("{number}, {digit}º"))
}

/// `C de Goya` with the slash of `C/` lost: `C/ de Goya`.
fn calle_abbreviation(t: &str, next: Option<&str>) -> Option<String> {
    (t == "C" && next.is_some_and(|n| matches!(n, "de" | "del" | "la" | "los" | "las")))
        .then(|| "C/".to_string())
}

/// A comma OCR read as a period before a number or a `local`/`bajo`
/// (`Gran Poder. 187`, `8. local 5`), where no abbreviation explains it.
fn period_for_comma(t: &str, next: Option<&str>) -> Option<String> {
    let body = t.strip_suffix('.')?;
    let next = next?;
    let before_number = next.starts_with(|c: char| c.is_ascii_digit());
    let before_word = matches!(next, "local" | "bajo" | "planta" | "piso");
    let abbreviation = ABBREVIATIONS.contains(&body.to_lowercase().as_str());
    let word = body.chars().count() >= 2 && body.chars().all(char::is_alphabetic);
    let number = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit());
    let comma = (word && before_number && !abbreviation) || (number && before_word);
    comma.then(|| format!("{body},"))
}

/// `local` (a shop's unit) misread or glued to its number: `Ilocal 9`,
/// `lcal 1`, `local12` → `local 9`, `local 1`, `local 12`.
fn local_word(t: &str, next: Option<&str>) -> Option<String> {
    if let Some(n) = t.strip_prefix("local") {
        let digits = n.trim_end_matches(',');
        return (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("local {n}"));
    }
    let misread = matches!(
        t,
        "Ilocal" | "ilocal" | "lcal" | "1ocal" | "iocal" | "locai"
    );
    (misread && next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())))
        .then(|| "local".to_string())
}

/// A word with one letter OCR read as a digit: `0` for `O`, `1` for `l`
/// (`0urense`, `A1icante`), `6` for `ó` between lowercase letters (the
/// accent reads as the six's stem: `Cat6licos`).
fn digit_in_word(t: &str) -> Option<String> {
    let core = t.trim_end_matches([',', '.', ')']);
    let tail = &t[core.len()..];
    let digits: Vec<(usize, char)> = core
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .collect();
    let letters = core.chars().filter(|c| c.is_alphabetic()).count();
    let [(at, d)] = digits.as_slice() else {
        return None;
    };
    if letters < 3 || letters + 1 != core.chars().count() || !matches!(d, '0' | '1' | '6') {
        return None;
    }
    let between_lowercase = core[..*at].chars().last().is_some_and(char::is_lowercase)
        && core[at + 1..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase);
    let letter = match (d, *at == 0) {
        ('0', true) => 'O',
        ('0', false) => 'o',
        ('6', _) if between_lowercase => 'ó',
        ('6', _) => return None,
        _ => 'l',
    };
    // A capital `l` would be `I`: the `1` must follow a letter.
    if *d == '1' && *at == 0 {
        return None;
    }
    Some(format!("{}{letter}{}{tail}", &core[..*at], &core[at + 1..]))
}

/// Puts back the spaces OCR drops: after `C/` (`C/de Goya`), after a comma
/// before a word or a floor (`110,2º D`), after `º` (`4ºdcha.`, `nº139`),
/// between a postcode and its town (`28001Madrid`).
fn restore_spaces(text: &str) -> String {
    // `C/de Goya`: the street type keeps its space.
    let text = match text.strip_prefix("C/") {
        Some(rest) if rest.starts_with(char::is_alphabetic) => format!("C/ {rest}"),
        _ => text.to_string(),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        let Some(&n) = chars.get(i + 1) else { break };
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let space = match c {
            ',' => {
                n.is_alphabetic()
                    || (n.is_ascii_digit() && (!prev_digit || floor_follows(&chars[i + 1..])))
            }
            'º' | 'ª' | '°' => n.is_alphanumeric(),
            _ => c.is_ascii_digit() && n.is_uppercase() && postcode_ends_at(&chars, i),
        };
        if space {
            out.push(' ');
        }
    }
    out
}

/// `2º`, `12º` at the start of `rest`.
fn floor_follows(rest: &[char]) -> bool {
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&digits) && matches!(rest.get(digits), Some('º' | '°'))
}

/// Five digits ending at `i`, not part of a longer number, that can be a
/// Spanish postcode (province 01–52).
fn postcode_ends_at(chars: &[char], i: usize) -> bool {
    if i < 4 || (i >= 5 && chars[i - 5].is_ascii_digit()) {
        return false;
    }
    let code: String = chars[i - 4..=i].iter().collect();
    code.chars().all(|c| c.is_ascii_digit()) && matches!(code[..2].parse::<u8>(), Ok(1..=52))
}

/// `n`, `n%`, `nΩ`, `n'`, `n8`, `n9` before a number → `nº`.
fn number_sign(t: &str, next: Option<&str>) -> Option<String> {
    if !next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) {
        return None;
    }
    let mut chars = t.chars();
    let n = chars.next().filter(|c| matches!(c, 'n' | 'N'))?;
    let mark: Vec<char> = chars.collect();
    let is_mark = match mark.as_slice() {
        [] => true,
        [m] => *m != 'º' && (MARK_LOOKALIKES.contains(m) || matches!(m, '8' | '9')),
        _ => false,
    };
    is_mark.then(|| format!("{n}º"))
}

/// Glyphs OCR reads for the `ª` of a door number.
const DOOR_MARK_LOOKALIKES: &[char] = &['a', 'ª', '#', '%'];

/// A door: `1a`, `1ª`, `3#`, `38` (its `ª` read as an `8`), `B`, `izda.`,
/// or a bare number closed by a comma (`1,`, its `ª` lost).
fn is_door(t: &str) -> bool {
    let bare = t.strip_suffix(',').is_some_and(is_floor_or_door_number);
    let t = t.trim_end_matches(',');
    let letter = t.len() == 1 && t.bytes().all(|b| (b'A'..=b'H').contains(&b));
    let numbered = t
        .strip_suffix(DOOR_MARK_LOOKALIKES)
        .is_some_and(is_floor_or_door_number);
    bare || letter || numbered || door_eight(t) || DOOR_WORDS.contains(&t.to_lowercase().as_str())
}

/// A one-digit door whose `ª` OCR read as an `8` (`38` for `3ª`).
fn door_eight(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 2 && b[0].is_ascii_digit() && b[1] == b'8'
}

/// A floor number between the street number (`125,`) and a door, with its
/// mark lost or misread (`4`, `4%`, `8e`, `7=`) → `4º`.
fn floor(t: &str, prev: Option<&str>, next: Option<&str>) -> Option<String> {
    let after_number = prev.is_some_and(|p| {
        p.strip_suffix(',')
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
    });
    if !after_number || !next.is_some_and(is_door) {
        return None;
    }
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let mark: Vec<char> = t[digits.len()..].chars().collect();
    let misread = match mark.as_slice() {
        [] => true,
        [m] => *m != 'º' && MARK_LOOKALIKES.contains(m),
        _ => false,
    };
    (is_floor_or_door_number(&digits) && misread).then(|| format!("{digits}º"))
}

/// A door number after a floor with its `ª` misread or lost: `3#`, `2%`,
/// `38`, `1,` → `3ª`, `2ª`, `3ª`, `1ª,`.
fn door_after_floor(t: &str, prev: Option<&str>) -> Option<String> {
    // A repaired glued floor arrives as one piece (`112, 1º`).
    let prev_is_floor = prev
        .and_then(|p| p.split(' ').next_back())
        .is_some_and(is_floor);
    let (body, comma) = match t.strip_suffix(',') {
        Some(b) => (b, ","),
        None => (t, ""),
    };
    let eight = door_eight(body);
    let n = match body.strip_suffix(['#', '%']) {
        Some(n) => n,
        None if eight => &body[..1],
        // A bare number is a door only when a comma closes it.
        None if !comma.is_empty() => body,
        None => return None,
    };
    (prev_is_floor && is_floor_or_door_number(n)).then(|| format!("{n}ª{comma}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_door_marks_come_back() {
        for (read, printed) in [
            (
                "Avda. Mayor, 219, 5 2a, 01013 Vitoria",
                "Avda. Mayor, 219, 5º 2ª, 01013 Vitoria",
            ),
            (
                "Calle de Alcalá, 115, 8e 4a, 02006 Albacete",
                "Calle de Alcalá, 115, 8º 4ª, 02006 Albacete",
            ),
            (
                "Paseo Paz, 32, 5% 2a, 45006 Toledo",
                "Paseo Paz, 32, 5º 2ª, 45006 Toledo",
            ),
            (
                "C/ de Castilla, 207, 7= D, 46014 Valencia",
                "C/ de Castilla, 207, 7º D, 46014 Valencia",
            ),
            (
                "Travesía de Sagasta, 133, 2% 3#, 22002 Huesca",
                "Travesía de Sagasta, 133, 2º 3ª, 22002 Huesca",
            ),
            (
                "C/ de Goya, 62, 4 dcha., 29011 Málaga",
                "C/ de Goya, 62, 4º dcha., 29011 Málaga",
            ),
            (
                "Ronda San Vicente, 150, 8Ω A, 18013 Granada",
                "Ronda San Vicente, 150, 8º A, 18013 Granada",
            ),
            (
                "C/ de la Peña, 81, 5% 1, 28805 Alcalá",
                "C/ de la Peña, 81, 5º 1ª, 28805 Alcalá",
            ),
            (
                "C/ de Blasco Ibáñez, 59, 4º 2%, 07010 Palma",
                "C/ de Blasco Ibáñez, 59, 4º 2ª, 07010 Palma",
            ),
            (
                "C/ del Carmen, 112, 1º 38, 11001 Cádiz",
                "C/ del Carmen, 112, 1º 3ª, 11001 Cádiz",
            ),
            (
                "Calle de Sagasta, 34, lcal 1, 14006 Córdoba",
                "Calle de Sagasta, 34, local 1, 14006 Córdoba",
            ),
            (
                "Plaza Mayor, 160, local12, 29602",
                "Plaza Mayor, 160, local 12, 29602",
            ),
            (
                "Begoña, nº 151, Ilocal 9, 11406",
                "Begoña, nº 151, local 9, 11406",
            ),
            (
                "Calle de Ramón y Cajal, 110,2° D, 17002 Girona",
                "Calle de Ramón y Cajal, 110, 2º D, 17002 Girona",
            ),
        ] {
            assert_eq!(repair_spanish_address(read), printed, "{read}");
        }
    }

    #[test]
    fn a_glued_floor_and_a_door_read_with_an_eight_come_back() {
        assert_eq!(
            repair_spanish_address("C/ del Carmen, 112,19 38, 11001 Cádiz"),
            "C/ del Carmen, 112, 1º 3ª, 11001 Cádiz"
        );
    }

    #[test]
    fn number_sign_comes_back() {
        assert_eq!(
            repair_spanish_address("C/ de Galicia, n 127, bajo"),
            "C/ de Galicia, nº 127, bajo"
        );
        assert_eq!(
            repair_spanish_address("Plaza Colón, n% 2"),
            "Plaza Colón, nº 2"
        );
        assert_eq!(repair_spanish_address("C/ Real, nΩ 45"), "C/ Real, nº 45");
        assert_eq!(
            repair_spanish_address("Calle Castilla, n' 42"),
            "Calle Castilla, nº 42"
        );
        assert_eq!(
            repair_spanish_address("C/ del Príncipe, n8 188"),
            "C/ del Príncipe, nº 188"
        );
        assert_eq!(
            repair_spanish_address("C/ de Bravo Murillo, n9 199, local 12"),
            "C/ de Bravo Murillo, nº 199, local 12"
        );
    }

    #[test]
    fn dropped_spaces_come_back() {
        assert_eq!(
            repair_spanish_address("Calle de Castilla, 90,2º dcha., 10001 Cáceres"),
            "Calle de Castilla, 90, 2º dcha., 10001 Cáceres"
        );
        assert_eq!(
            repair_spanish_address("Paseo Real, 9, 4ºdcha."),
            "Paseo Real, 9, 4º dcha."
        );
        assert_eq!(
            repair_spanish_address("Ronda Sagasta, nº139"),
            "Ronda Sagasta, nº 139"
        );
        assert_eq!(
            repair_spanish_address("Ronda Galicia, nº 159, 10005Cáceres"),
            "Ronda Galicia, nº 159, 10005 Cáceres"
        );
        assert_eq!(
            repair_spanish_address("Plaza Mayor, 160,local 12"),
            "Plaza Mayor, 160, local 12"
        );
    }

    #[test]
    fn glued_floors_slashes_periods_and_digits_for_letters() {
        for (read, printed) in [
            (
                "Plaza Goya, 125,42 4a, 13003 Ciudad",
                "Plaza Goya, 125, 4º 4ª, 13003 Ciudad",
            ),
            (
                "Paseo Industria, 148,48 izda., 28072 Madrid",
                "Paseo Industria, 148, 4º izda., 28072 Madrid",
            ),
            (
                "C/ Gran Vía, nº 80.5% 28, 32005 Ourense",
                "C/ Gran Vía, nº 80, 5º 2ª, 32005 Ourense",
            ),
            ("C/de Goya, 62", "C/ de Goya, 62"),
            ("C de Menéndez Pelayo, 113", "C/ de Menéndez Pelayo, 113"),
            (
                "C/ de Jesús del Gran Poder. 187, local 1",
                "C/ de Jesús del Gran Poder, 187, local 1",
            ),
            (
                "Ronda España, 8. local 5, 45002 Toledo",
                "Ronda España, 8, local 5, 45002 Toledo",
            ),
            (
                "Plaza Estación, 82, 03012 A1icante",
                "Plaza Estación, 82, 03012 Alicante",
            ),
            (
                "Avda. Núñez de Balboa, 213, 32004 0urense",
                "Avda. Núñez de Balboa, 213, 32004 Ourense",
            ),
            (
                "Paseo Reyes Cat6licos, 73, bajo, 23003 Jaén",
                "Paseo Reyes Católicos, 73, bajo, 23003 Jaén",
            ),
        ] {
            assert_eq!(repair_spanish_address(read), printed, "{read}");
        }
        // Abbreviations keep their period; codes keep their digits.
        assert_eq!(repair_spanish_address("Avda. 3 de Mayo"), "Avda. 3 de Mayo");
        assert_eq!(repair_spanish_address("Local B6a"), "Local B6a");
        assert_eq!(
            repair_spanish_address("Pol. Ind. 2, nave B12"),
            "Pol. Ind. 2, nave B12"
        );
        assert_eq!(repair_spanish_address("Calle 10, 2"), "Calle 10, 2");
    }

    #[test]
    fn what_an_address_can_mean_otherwise_stays() {
        // A house number with a letter, not after a street number.
        assert_eq!(
            repair_spanish_address("Calle Mayor, 2 B"),
            "Calle Mayor, 2 B"
        );
        // A decimal comma and a long number glued to a word.
        assert_eq!(repair_spanish_address("Km 1,5"), "Km 1,5");
        assert_eq!(repair_spanish_address("REF 123456ABC"), "REF 123456ABC");
        // `n` not before a number, and a floor already marked.
        assert_eq!(repair_spanish_address("Calle n Sur"), "Calle n Sur");
        assert_eq!(repair_spanish_address("Mayor, 3, 2º B"), "Mayor, 3, 2º B");
        assert_eq!(
            repair_spanish_address("Calle de la Peña, 57"),
            "Calle de la Peña, 57"
        );
    }
}
