//! Repairs of look-alike glyphs that OCR cannot tell apart but Spanish
//! context can: the degree sign for the ordinal indicator in `nº 12, 4º`,
//! `a` for `ª` in a door number after a floor, capital `I` for `l` in the
//! article `El`, and the spaces OCR puts inside `S.L.`.
//!
//! Only what a Spanish name or address cannot mean otherwise is changed: a
//! degree sign after a number is never a temperature in an address, and
//! `EI` is not a Spanish word.

use crate::accents::{restore_spanish_accents, split_glued_names};

/// Restores ordinal indicators, the article `El`, glued names
/// ([`split_glued_names`]) and dropped accents ([`restore_spanish_accents`])
/// in a Spanish name or address line, keeping
/// everything else (spacing included) as it is.
pub fn repair_spanish_text(text: &str) -> String {
    let tokens: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        let mut t = degree_to_ordinal(token);
        if t == "EI" && tokens.get(i + 1).is_some_and(|n| starts_upper(n)) {
            t = "El".to_string();
        }
        if out.last().is_some_and(|prev| is_floor(prev)) {
            t = door_ordinal(&t);
        }
        out.push(t);
    }
    restore_spanish_accents(&split_glued_names(&mark_read_twice(&out.join(" "))))
}

/// `ñn` → `ñ`, `íi` → `í`: the model sometimes reads a marked letter and
/// then the plain letter again (`Españna`, `Martíin`); no Spanish word holds
/// either pair.
fn mark_read_twice(text: &str) -> String {
    text.replace("ñn", "ñ")
        .replace("ÑN", "Ñ")
        .replace("íi", "í")
        .replace("ÍI", "Í")
}

/// A company name whose legal form OCR broke with spaces (`S. L.`,
/// `S.L. U.`, `S. A.`) with the form closed up again (`S.L.`, `S.L.U.`,
/// `S.A.`), and a form whose faint `S` OCR lost (`, .A.` → `, S.A.`).
/// Forms written without dots, or already whole, stay as printed.
pub fn canonical_legal_form(name: &str) -> String {
    let mut tokens: Vec<&str> = name.split_whitespace().collect();
    let lost_s = tokens.len() >= 2
        && tokens
            .last()
            .is_some_and(|t| matches!(*t, ".A." | ".L." | ".L.U." | ".A.U." | ".C." | ".Coop."));
    let restored;
    if lost_s {
        restored = format!("S{}", tokens.pop().expect("checked above"));
        tokens.push(&restored);
    }
    let is_form_piece = |t: &&&str| {
        let b = t.as_bytes();
        b.len() >= 2
            && b.len().is_multiple_of(2)
            && b.chunks(2)
                .all(|p| matches!(p[0], b'S' | b'L' | b'A' | b'U') && p[1] == b'.')
    };
    let run = tokens.iter().rev().take_while(is_form_piece).count();
    let head = tokens.len() - run;
    if run < 2 || head == 0 || !tokens[head].starts_with('S') {
        return tokens.join(" ");
    }
    format!("{} {}", tokens[..head].join(" "), tokens[head..].concat())
}

/// A company name with the spaces OCR puts inside parentheses taken out
/// (`MOTOR ( SUNGAI RENGIT )` → `MOTOR (SUNGAI RENGIT)`) and a lone `8`
/// between two words in capitals read as the `&` it looks like
/// (`STATIONERY 8 BOOKS` → `STATIONERY & BOOKS`).
pub fn repair_company_name(name: &str) -> String {
    let tidy = name.replace("( ", "(").replace(" )", ")");
    let words: Vec<&str> = tidy.split(' ').collect();
    let caps_word = |w: Option<&&str>| {
        w.is_some_and(|w| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !w.chars().any(char::is_lowercase)
        })
    };
    words
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let between = i > 0 && caps_word(words.get(i - 1)) && caps_word(words.get(i + 1));
            if w == "8" && between {
                "&"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An amount whose glued `€` OCR read as `E` or `e` (`87,85E`, `-163,16E`),
/// with the euro sign back; `None` for any other word. Only a number with
/// two decimals qualifies, so codes like `12E` or `1.5e` stay.
pub fn euro_sign_lookalike(word: &str) -> Option<String> {
    let body = word.strip_suffix(['E', 'e'])?;
    let digits = body.strip_prefix('-').unwrap_or(body);
    let b = digits.as_bytes();
    let decimals = b.len() >= 4
        && b[b.len() - 2..].iter().all(u8::is_ascii_digit)
        && matches!(b[b.len() - 3], b'.' | b',')
        && b[0].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b','));
    decimals.then(|| format!("{body}€"))
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// `n°`, `N°12`, `4°`, `4°,` → the ordinal indicator `º`.
fn degree_to_ordinal(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_number = i > 0 && chars[i - 1].is_ascii_digit();
        let after_n = i == 1 && matches!(chars[0], 'n' | 'N');
        if c == '°' && (after_number || after_n) {
            out.push('º');
        } else {
            out.push(c);
        }
    }
    out
}

/// One or two ASCII digits: the number of a floor or a door.
pub(crate) fn is_floor_or_door_number(n: &str) -> bool {
    !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit())
}

/// A floor like `4º`, `12º,` or, before its degree sign is repaired, `4°`.
pub(crate) fn is_floor(token: &str) -> bool {
    let t = token.trim_end_matches(',');
    t.strip_suffix(['º', '°'])
        .is_some_and(is_floor_or_door_number)
}

/// The door after a floor: `3a` or `3a,` → `3ª`.
fn door_ordinal(token: &str) -> String {
    let (body, comma) = match token.strip_suffix(',') {
        Some(b) => (b, ","),
        None => (token, ""),
    };
    match body.strip_suffix('a') {
        Some(n) if is_floor_or_door_number(n) => format!("{n}ª{comma}"),
        _ => token.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_signs_after_numbers_become_ordinals() {
        assert_eq!(
            repair_spanish_text("Calle de Goya, n° 109, 4° A"),
            "Calle de Goya, nº 109, 4º A"
        );
        assert_eq!(
            repair_spanish_text("Ronda Sagasta, n°139"),
            "Ronda Sagasta, nº139"
        );
        assert_eq!(repair_spanish_text("Nº 3, 1° izda."), "Nº 3, 1º izda.");
        // A lone degree sign or one after a word is left alone.
        assert_eq!(repair_spanish_text("Grado ° 5"), "Grado ° 5");
        assert_eq!(repair_spanish_text("Plaza°"), "Plaza°");
    }

    #[test]
    fn an_enye_read_twice_is_one() {
        assert_eq!(
            repair_spanish_text("Calle de Españna, 118"),
            "Calle de España, 118"
        );
        assert_eq!(repair_spanish_text("AVDA. ESPAÑNA"), "AVDA. ESPAÑA");
        assert_eq!(repair_spanish_text("Logroño, Annual"), "Logroño, Annual");
    }

    #[test]
    fn door_letter_after_a_floor() {
        assert_eq!(
            repair_spanish_text("Plaza Real, 71, 4° 4a, 08221"),
            "Plaza Real, 71, 4º 4ª, 08221"
        );
        assert_eq!(repair_spanish_text("Mayor 3, 2º 1a"), "Mayor 3, 2º 1ª");
        // Not after a floor: a house number with a letter stays.
        assert_eq!(repair_spanish_text("Calle Mayor, 3a"), "Calle Mayor, 3a");
        assert_eq!(repair_spanish_text("2º bajo"), "2º bajo");
    }

    #[test]
    fn company_name_spacing_and_ampersand() {
        assert_eq!(
            repair_company_name("S.H.H. MOTOR ( SUNGAI RENGIT ) SDN. BHD."),
            "S.H.H. MOTOR (SUNGAI RENGIT) SDN. BHD."
        );
        assert_eq!(
            repair_company_name("TEO HENG STATIONERY 8 BOOKS"),
            "TEO HENG STATIONERY & BOOKS"
        );
        // A number in a name, or an 8 not between capital words, stays.
        assert_eq!(repair_company_name("99 SPEED MART"), "99 SPEED MART");
        assert_eq!(repair_company_name("Bar 8 Hermanos"), "Bar 8 Hermanos");
        assert_eq!(repair_company_name("CAFE 8"), "CAFE 8");
    }

    #[test]
    fn euro_sign_read_as_e() {
        assert_eq!(euro_sign_lookalike("87,85E").as_deref(), Some("87,85€"));
        assert_eq!(euro_sign_lookalike("-163,16E").as_deref(), Some("-163,16€"));
        assert_eq!(
            euro_sign_lookalike("1.234,56e").as_deref(),
            Some("1.234,56€")
        );
        for other in ["12E", "1.5e", "ABE", "E", "12,50", "3,1E", ",50E"] {
            assert_eq!(euro_sign_lookalike(other), None, "{other}");
        }
    }

    #[test]
    fn article_el_before_a_name() {
        assert_eq!(
            repair_spanish_text("Restaurante EI Mirador"),
            "Restaurante El Mirador"
        );
        assert_eq!(
            repair_spanish_text("Bricolaje EI Olivo SL"),
            "Bricolaje El Olivo SL"
        );
        // `EI` not followed by a name, or inside a word, stays.
        assert_eq!(repair_spanish_text("Código EI"), "Código EI");
        assert_eq!(repair_spanish_text("EI 123"), "EI 123");
        assert_eq!(repair_spanish_text("REINA"), "REINA");
    }

    #[test]
    fn legal_forms_lose_ocr_spaces() {
        assert_eq!(
            canonical_legal_form("Papelería Santos, S. L."),
            "Papelería Santos, S.L."
        );
        assert_eq!(
            canonical_legal_form("Papelería Marín, S. L.U."),
            "Papelería Marín, S.L.U."
        );
        assert_eq!(
            canonical_legal_form("Librería La Alameda, S. A."),
            "Librería La Alameda, S.A."
        );
        assert_eq!(
            canonical_legal_form("Traducciones Sevilla, .A."),
            "Traducciones Sevilla, S.A."
        );
        assert_eq!(canonical_legal_form(".A."), ".A.");
        assert_eq!(
            canonical_legal_form("Talleres Hermanos S.L."),
            "Talleres Hermanos S.L."
        );
        assert_eq!(
            canonical_legal_form("Comercial Soler SL"),
            "Comercial Soler SL"
        );
        assert_eq!(
            canonical_legal_form("Suministros Cáceres, S.A"),
            "Suministros Cáceres, S.A"
        );
        // Not a legal form: a name ending in initials of a person stays.
        assert_eq!(canonical_legal_form("Juan Pérez"), "Juan Pérez");
        assert_eq!(canonical_legal_form("S. L."), "S. L.");
        assert_eq!(canonical_legal_form("ASL"), "ASL");
    }
}
