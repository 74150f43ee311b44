//! Accents OCR drops from Spanish words (`Libreria` for `Librería`, `Alvarez`
//! for `Álvarez`: the recognition model often ranks `í` second to `i`), or
//! puts on the wrong vowel (`Ferreteréa`), or loses from an `ñ` (`Ibánez`).
//!
//! The lexicon (`data/es_words.txt`, built by `data/build_es_words.py` from
//! a public-domain word list plus common names and places) decides, and
//! only when it leaves no choice: a word is changed when its plain spelling
//! is no word of its own (nor the plural of one) and leads to exactly one
//! word, so `pena`/`peña`, `mas`/`más` or `cortes`/`cortés` are not
//! touched — except a capitalized word that is also one of the hand-listed
//! names (`data/es_names.txt`), which in a name or an address is the name
//! (`Pena` → `Peña`, `Plaza Colon` → `Plaza Colón`). Words in capitals
//! stay as printed: Spanish capitals often go without accents. Misread
//! letters are not guessed here: the list lacks most plurals and proper
//! names, so "one letter away" would turn `Madrid` into `Madriz` and
//! `Hermanos` into `Hermano` (towns after a postcode are the exception, see
//! `spanish_places`).

use std::sync::OnceLock;

use crate::spanish_case::capitalize;
use crate::text::{fold as plain, map_words};

/// Every word, lowercase, one per line, `plain word` when its accents make
/// it differ from its plain spelling, sorted by the plain spelling; `#`
/// comments.
const WORDS: &str = include_str!("../data/es_words.txt");

/// `(plain spelling, word)` rows in the file's order, split once per
/// process (or warm component instance): a few milliseconds, no map.
pub(crate) fn lexicon() -> &'static [(&'static str, &'static str)] {
    static ROWS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    ROWS.get_or_init(|| {
        WORDS
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.split_once(' ').unwrap_or((l, l)))
            .collect()
    })
}

/// The words spelled `plain` once accents are dropped (binary search).
fn forms(plain: &str) -> &'static [(&'static str, &'static str)] {
    let rows = lexicon();
    let start = rows.partition_point(|&(p, _)| p < plain);
    let end = start + rows[start..].partition_point(|&(p, _)| p == plain);
    &rows[start..end]
}

/// True when `word` (spelled `plain` without accents) is in the lexicon.
pub(crate) fn is_plain_word(plain: &str, word: &str) -> bool {
    forms(plain).iter().any(|&(_, w)| w == word)
}

/// The one word `plain` can stand for when it is no word itself.
fn restorable(plain: &str) -> Option<&'static str> {
    match forms(plain) {
        [(_, one)] if *one != plain => Some(one),
        _ => None,
    }
}

/// The hand-written names beside the word list (surnames, given names,
/// places): a capitalized word spelled like one of them is that name.
const NAMES: &str = include_str!("../data/es_names.txt");

/// `(plain spelling, name)` of every listed name, folded once per process
/// rather than on every capitalized word.
fn names() -> &'static [(String, &'static str)] {
    static FOLDED: OnceLock<Vec<(String, &'static str)>> = OnceLock::new();
    FOLDED.get_or_init(|| {
        NAMES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| (plain(l), l))
            .collect()
    })
}

/// True when `word` is a word of the lexicon in any accenting, the plural of
/// one, or a listed name.
pub(crate) fn is_known_word(word: &str) -> bool {
    let p = plain(word);
    !forms(&p).is_empty() || plural_of_a_word(&p) || is_listed_name(&p)
}

/// True when `plain` (folded) spells one of the hand-listed names.
pub(crate) fn is_listed_name(plain: &str) -> bool {
    names().iter().any(|(folded, _)| folded == plain)
}

/// `text` with two capitalized words OCR glued together split again when one
/// of them is a listed name (`NuriaVazquez` → `Nuria Vazquez`); brands
/// written in camel case (`CaixaBank`) name no listed name and stay.
pub fn split_glued_names(text: &str) -> String {
    text.split(' ')
        .map(|token| split_glued_name(token).unwrap_or_else(|| token.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn split_glued_name(token: &str) -> Option<String> {
    let core = token.trim_end_matches([',', '.', ';', ')']);
    let chars: Vec<char> = core.chars().collect();
    let capitals: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_uppercase())
        .collect();
    let [0, at] = capitals.as_slice() else {
        return None;
    };
    let (first, second): (String, String) =
        (chars[..*at].iter().collect(), chars[*at..].iter().collect());
    let word_like = |w: &str| w.chars().count() >= 3 && w.chars().skip(1).all(char::is_lowercase);
    if !word_like(&first) || !word_like(&second) {
        return None;
    }
    let listed = |w: &str| is_listed_name(&plain(w));
    (listed(&first) || listed(&second)).then(|| format!("{first} {second}{}", &token[core.len()..]))
}

/// `text` with every lowercase or capitalized word the lexicon can repair
/// repaired; everything else, spacing and punctuation included, as it was.
pub fn restore_spanish_accents(text: &str) -> String {
    let mut prev = String::new();
    map_words(text, |word| {
        let fixed = proper_name(word, &prev).or_else(|| restore_word(word));
        prev = word.to_string();
        fixed
    })
}

/// A capitalized word that is both a common word and, with its accent or
/// tilde, a listed name (`Pena` → `Peña`, `Colon` → `Colón`): in a name or
/// an address the name is meant, unless an article makes it a noun (`las
/// Cortes`).
fn proper_name(word: &str, prev: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    if !first.is_uppercase() || !chars.all(char::is_lowercase) {
        return None;
    }
    if matches!(
        prev.to_lowercase().as_str(),
        "el" | "la" | "los" | "las" | "lo"
    ) {
        return None;
    }
    let lower = word.to_lowercase();
    let p = plain(&lower);
    if p != lower || !is_plain_word(&p, &p) {
        return None;
    }
    let mut matches = names()
        .iter()
        .filter(|(folded, name)| *name != lower && *folded == p);
    let (_, one) = matches.next()?;
    matches.next().is_none().then(|| capitalize(one))
}

/// The lexicon's spelling of one word, in the word's case, or `None` to
/// keep it.
fn restore_word(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    // Lowercase or capitalized only; capitals and mixed case stay.
    if !rest.chars().all(char::is_lowercase) || word.chars().count() < 3 {
        return None;
    }
    let lower = word.to_lowercase();
    let p = plain(&lower);
    if is_plain_word(&p, &lower) || plural_of_a_word(&p) {
        return None;
    }
    let fixed = if p == lower {
        lookup(&p)?
    } else {
        // Accented, but not as any word is: its plain spelling's one word
        // (`ibánez` → `ibáñez`), or the accent moved to where a word has it.
        restorable(&p)
            .map(str::to_string)
            .or_else(|| swap_accent(&lower))?
    };
    Some(if first.is_uppercase() {
        capitalize(&fixed)
    } else {
        fixed
    })
}

/// A plural (`-s`, `-es`) of a word written without accents (`cortes`,
/// `reyes`): the list holds few plurals, so it is a word too.
pub(crate) fn plural_of_a_word(plain: &str) -> bool {
    let plain_word = |stem: &str| is_plain_word(stem, stem);
    plain.strip_suffix('s').is_some_and(plain_word)
        || plain.strip_suffix("es").is_some_and(plain_word)
}

/// The accent moved to the vowel where the one word with it has it
/// (`ferreteréa` → `ferretería`: `í` and `é` look alike in small print).
fn swap_accent(lower: &str) -> Option<String> {
    const ACCENTED: [char; 5] = ['á', 'é', 'í', 'ó', 'ú'];
    let chars: Vec<char> = lower.chars().collect();
    let at = chars.iter().position(|c| ACCENTED.contains(c))?;
    let mut found = ACCENTED.iter().filter_map(|&v| {
        let mut c = chars.clone();
        c[at] = v;
        let candidate: String = c.into_iter().collect();
        (restorable(&plain(&candidate)) == Some(candidate.as_str())).then_some(candidate)
    });
    let one = found.next()?;
    found.next().is_none().then_some(one)
}

/// A restorable word, or a plural in `-s` of one ending in an unstressed
/// vowel (`alamos` → `álamos`). Plurals in `-es` move the accent, and a
/// stressed final vowel would turn names into rare words (`Carlos` is no
/// plural of `carló`), so neither is guessed.
fn lookup(plain: &str) -> Option<String> {
    if let Some(w) = restorable(plain) {
        return Some(w.to_string());
    }
    let stem = plain.strip_suffix('s')?;
    let singular = restorable(stem)?;
    singular
        .ends_with(['a', 'e', 'i', 'o', 'u'])
        .then(|| format!("{singular}s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_names_split_only_at_a_listed_name() {
        assert_eq!(
            split_glued_names("NuriaVazquez Domínguez"),
            "Nuria Vazquez Domínguez"
        );
        assert_eq!(split_glued_names("GarcíaLópez,"), "García López,");
        assert_eq!(split_glued_names("CaixaBank"), "CaixaBank");
        assert_eq!(split_glued_names("McDonald SL"), "McDonald SL");
        assert_eq!(split_glued_names("ABC Vazquez"), "ABC Vazquez");
    }

    #[test]
    fn the_lexicon_is_sorted_by_plain_spelling() {
        let rows = lexicon();
        assert!(rows.len() > 80_000);
        assert!(rows.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(rows.iter().all(|&(p, w)| plain(w) == p));
    }

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
        // An accent on the wrong vowel, a tilde lost.
        assert_eq!(
            restore_spanish_accents("Ferreteréa Ibáñez"),
            "Ferretería Ibáñez"
        );
        assert_eq!(restore_spanish_accents("Blasco Ibánez"), "Blasco Ibáñez");
    }

    #[test]
    fn a_capitalized_word_that_is_also_a_listed_name_is_the_name() {
        assert_eq!(
            restore_spanish_accents("Guerrero & Pena Asesores"),
            "Guerrero & Peña Asesores"
        );
        assert_eq!(
            restore_spanish_accents("Plaza Colon, 160"),
            "Plaza Colón, 160"
        );
        assert_eq!(restore_spanish_accents("Lucia Diez"), "Lucía Díez");
        // After an article it is the noun; lowercase it is the word.
        assert_eq!(restore_spanish_accents("la Pena"), "la Pena");
        assert_eq!(restore_spanish_accents("sin pena"), "sin pena");
    }

    #[test]
    fn words_that_exist_plain_capitals_and_accented_words_stay() {
        // `pena` and `mas` are words of their own.
        assert_eq!(restore_spanish_accents("pena mas"), "pena mas");
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
        // Plurals of words written without accents.
        assert_eq!(
            restore_spanish_accents("Cortes Reyes Flores"),
            "Cortes Reyes Flores"
        );
        assert_eq!(restore_spanish_accents(""), "");
    }
}
