//! Receipt and invoice words, to choose between the model's two best
//! readings of an uncertain letter: `lnvoice` becomes `Invoice` because the
//! second-best reading of `l` is `I` and of `l` in `lce` is `i`, and
//! `Invoice` is a known word while `lnvoice` is not. A word is changed only
//! by the model's own alternatives, and only when exactly one choice of them
//! makes a listed word.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The embedded word list (`data/receipt_words.txt`).
const WORDS: &str = include_str!("../data/receipt_words.txt");

/// At most this many letters of a word are swapped for their alternatives.
const MAX_SWAPS: usize = 2;

fn words() -> &'static HashSet<String> {
    static WORDS_SET: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS_SET.get_or_init(|| {
        WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// The word without the punctuation around it, lowercased: what is looked up.
fn core(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Whether `word` (punctuation around it aside, any case) is a listed word.
pub fn is_known(word: &str) -> bool {
    words().contains(&core(word))
}

/// `word` with some of its letters replaced by their second-best readings
/// (`alternatives`: char index in `word`, reading) when exactly one such
/// choice of at most [`MAX_SWAPS`] makes a listed word out of an unlisted
/// one; `None` otherwise. Only letters and digits are swapped, only for
/// letters, and the new letters take the word's case.
pub fn known_reading(word: &str, alternatives: &[(usize, String)]) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    if core(word).chars().filter(|c| c.is_alphabetic()).count() < 2 || is_known(word) {
        return None;
    }
    let swaps: Vec<(usize, char)> = alternatives
        .iter()
        .filter_map(|(i, alt)| {
            let mut it = alt.chars();
            let (a, None) = (it.next()?, it.next()) else {
                return None;
            };
            let original = *chars.get(*i)?;
            (original.is_alphanumeric() && a.is_alphabetic()).then_some((*i, a))
        })
        .collect();
    let mut found: Option<String> = None;
    let n = swaps.len();
    // Every non-empty subset of at most MAX_SWAPS swaps, by bit mask.
    for mask in 1u32..(1u32 << n.min(16)) {
        if mask.count_ones() as usize > MAX_SWAPS {
            continue;
        }
        let mut candidate = chars.clone();
        for (bit, &(i, a)) in swaps.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                candidate[i] = cased_like(&chars, i, a);
            }
        }
        let candidate: String = candidate.into_iter().collect();
        if is_known(&candidate) {
            match &found {
                Some(f) if *f != candidate => return None,
                _ => found = Some(candidate),
            }
        }
    }
    found
}

/// `letter` in the case the word around index `i` is printed in: capitals
/// when its other letters all are; otherwise lowercase, except the word's
/// first letter, which keeps the case the model read it in (`ltem` → `Item`).
fn cased_like(chars: &[char], i: usize, letter: char) -> char {
    let others: Vec<char> = chars
        .iter()
        .enumerate()
        .filter(|&(j, c)| j != i && c.is_alphabetic())
        .map(|(_, &c)| c)
        .collect();
    let first_letter = chars.iter().position(|c| c.is_alphanumeric()) == Some(i);
    if !others.is_empty() && others.iter().all(|c| c.is_uppercase()) {
        letter.to_uppercase().next().unwrap_or(letter)
    } else if first_letter {
        letter
    } else {
        letter.to_lowercase().next().unwrap_or(letter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alts(list: &[(usize, &str)]) -> Vec<(usize, String)> {
        list.iter().map(|&(i, a)| (i, a.to_string())).collect()
    }

    #[test]
    fn the_models_second_reading_makes_a_known_word() {
        assert_eq!(
            known_reading("lnvolce", &alts(&[(0, "I"), (1, "m"), (4, "i")])).as_deref(),
            Some("Invoice")
        );
        assert_eq!(
            known_reading("aty", &alts(&[(0, "Q")])).as_deref(),
            Some("Qty")
        );
        assert_eq!(
            known_reading("Tlme:", &alts(&[(1, "I")])).as_deref(),
            Some("Time:")
        );
        assert_eq!(
            known_reading("(RH)", &alts(&[(2, "M")])).as_deref(),
            Some("(RM)")
        );
        assert_eq!(
            known_reading("(lnclusive", &alts(&[(1, "I")])).as_deref(),
            Some("(Inclusive")
        );
        assert_eq!(known_reading("N0:", &alts(&[(1, "O")])), None, "one letter");
        assert_eq!(
            known_reading("RECEIFT", &alts(&[(5, "p")])).as_deref(),
            Some("RECEIPT")
        );
    }

    #[test]
    fn known_words_and_ambiguous_or_foreign_choices_stay() {
        assert_eq!(known_reading("Total", &alts(&[(2, "l")])), None);
        // Punctuation is never swapped for a letter (`D%` is no `ON`).
        assert_eq!(known_reading("D%", &alts(&[(0, "O"), (1, "N")])), None);
        // No alternative makes a listed word.
        assert_eq!(known_reading("Yanda", &alts(&[(0, "V")])), None);
        // Two different listed words (`Ref`, `Net`): no choice.
        assert_eq!(known_reading("Ret", &alts(&[(0, "N"), (2, "f")])), None);
    }
}
