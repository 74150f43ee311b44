//! Accents OCR drops from Spanish words (`Libreria` for `Librería`, `Alvarez`
//! for `Álvarez`): the recognition model often ranks `í` second to `i`.
//!
//! A word is restored only when its plain spelling is no Spanish word and
//! belongs to exactly one accented word of the table (`data/es_accents.txt`,
//! built by `data/build_es_accents.py` from a public-domain word list plus
//! common names and places), so `pena`/`peña` or `mas`/`más` are never
//! touched. Words in capitals stay as printed: Spanish capitals often go
//! without accents.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Every accented word, one per line, `#` comments; `=` marks a word whose
/// plain spelling is another word too (recognized, never restored).
const TABLE: &str = include_str!("../data/es_accents.txt");

/// The table's words, without comments.
fn words() -> impl Iterator<Item = &'static str> {
    TABLE
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Plain spelling → accented word, for the words that can be restored.
fn table() -> &'static HashMap<String, &'static str> {
    static MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        words()
            .filter(|w| !w.starts_with('='))
            .map(|w| (plain(w), w))
            .collect()
    })
}

/// Every accented word of the table.
fn known() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| words().map(|w| w.trim_start_matches('=')).collect())
}

/// The word without accents, diaeresis or tilde.
fn plain(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            _ => c,
        })
        .collect()
}

/// `text` with the accents restored in every lowercase or capitalized word
/// the table knows; everything else, spacing and punctuation included, as
/// it was.
pub fn restore_spanish_accents(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        out.push(c);
    }
    flush(&mut word, &mut out);
    out
}

fn flush(word: &mut String, out: &mut String) {
    if !word.is_empty() {
        out.push_str(&restore_word(word).unwrap_or_else(|| word.clone()));
        word.clear();
    }
}

/// The accented spelling of one word (`Libreria` → `Librería`, `alamos` →
/// `álamos`), or `None` to keep it.
fn restore_word(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    // Lowercase or capitalized only; capitals and mixed case stay.
    if !rest.chars().all(char::is_lowercase) || word.chars().count() < 3 {
        return None;
    }
    let lower = word.to_lowercase();
    let accented = if plain(&lower) == lower {
        lookup(&lower)?
    } else {
        swap_accent(&lower)?
    };
    Some(if first.is_uppercase() {
        let mut c = accented.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        accented
    })
}

/// An accented word the table lacks: the word its plain spelling restores
/// to (`ibánez` → `ibáñez`, a tilde lost), else, when OCR put the accent on
/// the wrong vowel (`ferreteréa` → `ferretería`: `í` and `é` look alike in
/// small print), the table's word that moving it gives.
fn swap_accent(lower: &str) -> Option<String> {
    const ACCENTED: [char; 5] = ['á', 'é', 'í', 'ó', 'ú'];
    if known().contains(lower) {
        return None;
    }
    let t = table();
    // Its plain spelling belongs to one word (`ibánez` → `ibáñez`).
    if let Some(w) = t.get(&plain(lower)) {
        return Some((*w).to_string());
    }
    let chars: Vec<char> = lower.chars().collect();
    let at = chars.iter().position(|c| ACCENTED.contains(c))?;
    ACCENTED.iter().find_map(|&v| {
        let mut c = chars.clone();
        c[at] = v;
        let candidate: String = c.into_iter().collect();
        t.get(&plain(&candidate))
            .is_some_and(|w| *w == candidate)
            .then_some(candidate)
    })
}

/// The table's word, or a plural in `-s` of one ending in an unstressed
/// vowel (`alamos` → `álamos`). Plurals in `-es` move the accent, and a
/// stressed final vowel would turn names into rare words (`Carlos` is no
/// plural of `carló`), so neither is guessed.
fn lookup(lower: &str) -> Option<String> {
    let t = table();
    if let Some(w) = t.get(lower) {
        return Some((*w).to_string());
    }
    let stem = lower.strip_suffix('s')?;
    let singular = t.get(stem)?;
    singular
        .ends_with(['a', 'e', 'i', 'o', 'u'])
        .then(|| format!("{singular}s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_accents_come_back() {
        assert_eq!(
            restore_spanish_accents("Ferreteria Alvarez, S.L."),
            "Ferretería Álvarez, S.L."
        );
        assert_eq!(
            restore_spanish_accents("Plaza Andalucia, 159, 05002 Avila"),
            "Plaza Andalucía, 159, 05002 Ávila"
        );
        assert_eq!(
            restore_spanish_accents("Calle de los Alamos, 67"),
            "Calle de los Álamos, 67"
        );
        assert_eq!(
            restore_spanish_accents("Vitoria-Gasteiz (Alava)"),
            "Vitoria-Gasteiz (Álava)"
        );
        assert_eq!(restore_spanish_accents("A Coruna"), "A Coruña");
        // An accent on the wrong vowel.
        assert_eq!(
            restore_spanish_accents("Ferreteréa Ibáñez"),
            "Ferretería Ibáñez"
        );
        assert_eq!(restore_spanish_accents("Blasco Ibánez"), "Blasco Ibáñez");
    }

    #[test]
    fn words_that_exist_plain_capitals_and_accented_words_stay() {
        // `pena` and `mas` are words of their own.
        assert_eq!(restore_spanish_accents("Pena mas"), "Pena mas");
        // Capitals often go without accents on purpose.
        assert_eq!(
            restore_spanish_accents("LIBRERIA ALVAREZ"),
            "LIBRERIA ALVAREZ"
        );
        assert_eq!(restore_spanish_accents("Librería"), "Librería");
        // A real word keeps its accent where it is (`colín` is a word too).
        assert_eq!(restore_spanish_accents("Plaza Colón"), "Plaza Colón");
        assert_eq!(
            restore_spanish_accents("Calle Mayor 3, 2º B"),
            "Calle Mayor 3, 2º B"
        );
        // Plurals in -es move the accent: not guessed.
        assert_eq!(restore_spanish_accents("distribuciones"), "distribuciones");
        assert_eq!(restore_spanish_accents("Carlos"), "Carlos");
        assert_eq!(restore_spanish_accents(""), "");
    }
}
