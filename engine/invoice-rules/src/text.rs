//! Small text helpers shared by the parsers.

/// Levenshtein distance over Unicode scalar values (unit cost insert/delete/substitute).
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Removes the separators people and OCR put inside identifiers (spaces,
/// dots, dashes, slashes, underscores) and uppercases the rest, so every
/// validator compares one canonical form.
pub(crate) fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !is_id_separator(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Characters that only separate groups inside an identifier.
pub(crate) fn is_id_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '-' | '/' | '_' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}'
        )
}

/// A name reduced to what OCR cannot get wrong by spacing or accents: its
/// letters and digits, folded ([`fold`]).
pub(crate) fn squash(name: &str) -> Vec<char> {
    fold(name).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The listed name `read` stands for: itself when listed, else the one
/// nearest name when close enough; `None` when unknown or ambiguous.
pub(crate) fn closest_listed(read: &str, listed: &[&'static str]) -> Option<&'static str> {
    let key = squash(read);
    if key.len() < 4 {
        return None;
    }
    let allowed = if key.len() >= 8 { 2 } else { 1 };
    let name = nearest_unique(&key, listed.iter().map(|&n| (squash(n), n)), |_| allowed)?;
    // A name read right (accents and all) stays the spelling printed.
    let exact = listed
        .iter()
        .copied()
        .find(|n| n.to_lowercase() == read.to_lowercase());
    Some(exact.unwrap_or(name))
}

/// The one candidate `(key, item)` whose key is nearest to `read`, within
/// the `allowed` edits of that key; `None` when none is that close or two
/// different keys are equally near (items with one key, such as the
/// spellings `Valencia` and `València` of one squashed name, are no tie).
pub(crate) fn nearest_unique<K: AsRef<[char]>, T>(
    read: &[char],
    candidates: impl IntoIterator<Item = (K, T)>,
    allowed: impl Fn(&[char]) -> usize,
) -> Option<T> {
    let mut best: Option<(usize, K, T)> = None;
    let mut tied = false;
    for (key, item) in candidates {
        let k = key.as_ref();
        let max = allowed(k);
        if k.len().abs_diff(read.len()) > max {
            continue;
        }
        let d = levenshtein(read, k);
        if d > max {
            continue;
        }
        match &best {
            Some((b, best_key, _)) if d == *b => tied |= best_key.as_ref() != k,
            Some((b, _, _)) if d > *b => {}
            _ => {
                best = Some((d, key, item));
                tied = false;
            }
        }
    }
    let (_, _, item) = best?;
    (!tied).then_some(item)
}

/// Whether `read` is printed in capitals: three quarters of its letters or
/// more (a misread `l` in `MADRlD` does not make it lowercase print).
pub(crate) fn in_capitals(read: &str) -> bool {
    let letters: Vec<char> = read.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    letters.len() > 1 && upper * 4 >= letters.len() * 3
}

/// `name` in the case the print used: capitals stay capitals
/// ([`in_capitals`]), anything else takes `name` as listed.
pub(crate) fn in_case_of(name: &str, read: &str) -> String {
    if in_capitals(read) {
        name.to_uppercase()
    } else {
        name.to_string()
    }
}

/// `text` with each run of letters passed to `fix` (in order, so `fix` may
/// remember the words before) and replaced by what it returns; everything
/// else, spacing and punctuation included, kept as it was.
pub(crate) fn map_words(text: &str, mut fix: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut word = String::new();
    let mut flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(fix(word).as_deref().unwrap_or(word));
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Folds the accented Latin letters of Spanish, Portuguese, French,
/// Italian, Dutch and German to ASCII lowercase so month names and keywords match with or
/// without accents and in any case.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            // Ligatures and ß fold to two letters, as they are typed.
            let pair = match l {
                'ß' => Some("ss"),
                'œ' => Some("oe"),
                'æ' => Some("ae"),
                _ => None,
            };
            if let Some(p) = pair {
                out.push_str(p);
                continue;
            }
            let f = match l {
                'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                'ý' | 'ÿ' => 'y',
                'ø' => 'o',
                'å' => 'a',
                other => other,
            };
            out.push(f);
        }
    }
    out
}

/// `s` without an ASCII `prefix` matched in any case; safe on any UTF-8.
pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Value of an ASCII digit.
pub(crate) fn digit(b: u8) -> u32 {
    u32::from(b - b'0')
}

/// True when every byte is an ASCII digit (and there is at least one).
pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Luhn (mod 10) check over a string of ASCII digits, check digit last.
pub(crate) fn luhn_valid(s: &str) -> bool {
    let mut sum = 0;
    for (i, b) in s.bytes().rev().enumerate() {
        let mut d = digit(b);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// ISO 7064 MOD 11,10 check over ASCII digits, check digit last (German
/// USt-IdNr, Croatian OIB).
pub(crate) fn iso7064_mod11_10_valid(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (body, check) = bytes.split_at(bytes.len() - 1);
    let mut product = 10;
    for &b in body {
        let mut sum = (digit(b) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    let mut expected = 11 - product;
    if expected == 10 {
        expected = 0;
    }
    expected == digit(check[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_strips_separators_and_uppercases() {
        assert_eq!(compact_upper(" es-b 12.345/674 "), "ESB12345674");
    }

    #[test]
    fn fold_removes_accents() {
        assert_eq!(fold("MIÉRCOLES Año Çà"), "miercoles ano ca");
    }

    #[test]
    fn luhn_and_mod11_10() {
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(iso7064_mod11_10_valid("136695976"));
        assert!(!iso7064_mod11_10_valid("136695977"));
    }
}
