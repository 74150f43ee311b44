//! Words of a Spanish company name that OCR misread by one letter, put back
//! from the lexicon: `Traduccieones` → `Traducciones`, `Aimentarias` →
//! `Alimentarias`, and the trade at the head of a name whose `í` OCR lost
//! (`Ferretera Díaz` → `Ferretería Díaz`).
//!
//! A company name is mostly common words (the trade, `Distribuciones`,
//! `Asesores`) around a surname or a place, so a long word that is no word
//! at all, nor the plural of one, is a misread when exactly one word (or its
//! plural) is one edit away. Short words are never guessed (`Madrid` is one
//! letter from `Madriz`), nor are listed names, capitals or words that are
//! words already; see [`crate::accents`] for the accents OCR drops.

use crate::accents::{is_listed_name, is_plain_word, lexicon, plural_of_a_word};
use crate::spanish_case::capitalize;
use crate::text::{fold as plain, levenshtein, map_words};

/// Words shorter than this are left as read: short words have too many
/// neighbours, and the list lacks many short names.
const MIN_GUESSED_LETTERS: usize = 9;

/// `name` with misread long words ([`misread_word`]) and a trade read
/// without its `í` at the head of the name ([`trade_at_head`]) repaired;
/// everything else, spacing and punctuation included, as it was.
pub fn repair_company_words(name: &str) -> String {
    let mut at_head = true;
    map_words(name, |word| {
        let fixed = at_head
            .then(|| trade_at_head(word))
            .flatten()
            .or_else(|| misread_word(word));
        at_head = false;
        fixed
    })
}

/// A capitalized word ending in `-era` whose trade in `-ería` is a word
/// (`Ferretera` → `Ferretería`, `Librera` → `Librería`): at the head of a
/// company name the shop is meant, and OCR loses the small `í` there.
fn trade_at_head(word: &str) -> Option<String> {
    let mut chars = word.chars();
    if !chars.next()?.is_uppercase() || !chars.all(char::is_lowercase) {
        return None;
    }
    let stem = plain(word).strip_suffix("era")?.to_string();
    let trade = format!("{stem}ería");
    is_plain_word(&plain(&trade), &trade).then(|| capitalize(&trade))
}

/// The one word (or `-s`/`-es` plural of one) a long lowercase or
/// capitalized non-word is one edit away from, in the word's case.
fn misread_word(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    if !chars.all(char::is_lowercase) || word.chars().count() < MIN_GUESSED_LETTERS {
        return None;
    }
    let lower = word.to_lowercase();
    let p = plain(&lower);
    if is_plain_word(&p, &lower) || plural_of_a_word(&p) || is_listed_name(&p) {
        return None;
    }
    let target: Vec<char> = p.chars().collect();
    let mut found: Option<String> = None;
    for &(row_plain, row_word) in lexicon() {
        let len = row_plain.chars().count();
        if len + 3 < target.len() || len > target.len() + 1 {
            continue;
        }
        // One edit leaves the first letter, or the second, or shifts one
        // onto the other: a cheap test that skips most of the list.
        let mut head = row_plain.chars();
        let (r0, r1) = (head.next(), head.next());
        let (t0, t1) = (target.first().copied(), target.get(1).copied());
        if r0 != t0 && r1 != t1 && r1 != t0 && r0 != t1 {
            continue;
        }
        for (form_plain, form) in spellings(row_plain, row_word) {
            let form_chars: Vec<char> = form_plain.chars().collect();
            // Endings are inflection (`comercial`/`comerciar`, gender,
            // number), which the list holds only in part: only a misread
            // inside the word is guessed.
            if form_chars.len().abs_diff(target.len()) > 1
                || form_chars[form_chars.len().saturating_sub(3)..]
                    != target[target.len().saturating_sub(3)..]
            {
                continue;
            }
            match levenshtein(&form_chars, &target) {
                // A plural the list does not hold: a word after all.
                0 => return None,
                1 => {}
                _ => continue,
            }
            match &found {
                Some(one) if *one != form => return None,
                _ => found = Some(form),
            }
        }
    }
    let fixed = found?;
    Some(if first.is_uppercase() {
        capitalize(&fixed)
    } else {
        fixed
    })
}

/// A lexicon word, its feminine when it ends in `-o`, and its plurals, each
/// as `(plain spelling, spelling)`: `-s` after a vowel, `-es` after a consonant, where a stressed last
/// syllable loses its accent (`traducción` → `traducciones`).
fn spellings(row_plain: &str, row_word: &str) -> Vec<(String, String)> {
    let mut out = vec![(row_plain.to_string(), row_word.to_string())];
    if let (Some(p), Some(w)) = (row_plain.strip_suffix('o'), row_word.strip_suffix('o')) {
        // The list holds adjectives in the masculine only.
        out.push((format!("{p}a"), format!("{w}a")));
        out.push((format!("{p}as"), format!("{w}as")));
    }
    if row_plain.ends_with(['a', 'e', 'i', 'o', 'u']) {
        out.push((format!("{row_plain}s"), format!("{row_word}s")));
    } else if row_plain.ends_with(['n', 'r', 'l', 'd', 'z', 's']) {
        let plural_plain = format!(
            "{}es",
            row_plain
                .strip_suffix('z')
                .map_or(row_plain.to_string(), |s| format!("{s}c"))
        );
        let stressed_last = row_word
            .chars()
            .rev()
            .take(3)
            .any(|c| matches!(c, 'á' | 'é' | 'í' | 'ó' | 'ú'));
        let plural = if stressed_last {
            plural_plain.clone()
        } else {
            format!(
                "{}es",
                row_word
                    .strip_suffix('z')
                    .map_or(row_word.to_string(), |s| format!("{s}c"))
            )
        };
        out.push((plural_plain, plural));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_word_one_letter_off_is_the_word() {
        assert_eq!(
            repair_company_words("Traduccieones Sevilla, S.A."),
            "Traducciones Sevilla, S.A."
        );
        assert_eq!(
            repair_company_words("Distribuciones Aimentarias Norte SL"),
            "Distribuciones Alimentarias Norte SL"
        );
        assert_eq!(repair_company_words("construciones"), "construcciones");
    }

    #[test]
    fn the_trade_at_the_head_of_a_name_gets_its_i_back() {
        assert_eq!(
            repair_company_words("Ferretera Díaz, S.L."),
            "Ferretería Díaz, S.L."
        );
        assert_eq!(repair_company_words("Librera Sol SL"), "Librería Sol SL");
        // Not at the head: an adjective (`Comercial Ferretera`).
        assert_eq!(
            repair_company_words("Comercial Ferretera SA"),
            "Comercial Ferretera SA"
        );
        // No trade in -ería: stays.
        assert_eq!(
            repair_company_words("Constructora Ebro SL"),
            "Constructora Ebro SL"
        );
    }

    #[test]
    fn words_names_short_words_capitals_and_plurals_stay() {
        for name in [
            "Comercial Ferretera SA",
            "Industrial Ebro",
            "Hermanos Madriz SL",
            "Asesorías Gómez",
            "Distribuciones Echeverría",
            "TRADUCCIEONES SEVILLA",
            "Madriz Traducciones",
            "Construcciones Vázquez",
            "Instalaciones Eléctricas",
            "Gutiérrez",
        ] {
            assert_eq!(repair_company_words(name), name);
        }
    }
}
