//! Capitals OCR lost in Spanish names and addresses (`Prieto & jiménez`,
//! `Ronda San vicente Mártir`, `23003 jaén`): every word of a proper name
//! starts with a capital except its particles (`de`, `la`, `y`, `e`), so a
//! lowercase word where a name goes is a misread.

/// Words written in lowercase inside Spanish (and Catalan) names.
const PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "el", "y", "e", "i", "a", "en", "da", "do", "dos", "das",
    "van", "von", "di", "du", "le", "of", "and", "the", "para", "por", "con", "sin", "al",
];

/// Lowercase words an address prints (`local 3`, `bajo`, `izda.`), never
/// capitalized by position.
const ADDRESS_WORDS: &[&str] = &[
    "local", "bajo", "planta", "piso", "puerta", "izda", "izq", "izqda", "dcha", "esc", "escalera",
    "portal", "bloque", "nave", "km", "s/n", "sn", "entlo", "ático", "atico", "centro", "ctro",
];

/// The word's letters (trailing punctuation aside), when it is one
/// lowercase word that is no particle.
fn lowercase_word(token: &str) -> Option<&str> {
    let core = token.trim_end_matches([',', '.', ';', ':', ')']);
    // Single letters are abbreviations (`n`, `s/n`), not words.
    let is_word = core.chars().count() >= 2
        && core.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
        && !PARTICLES.contains(&core);
    is_word.then_some(core)
}

/// `token` with its first letter in capitals.
pub(crate) fn capitalize(token: &str) -> String {
    let mut chars = token.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A word that starts with a capital letter.
fn is_capitalized(token: &str) -> bool {
    token
        .trim_start_matches(['(', '"'])
        .starts_with(char::is_uppercase)
}

/// A person's or company's name with every word but the particles
/// capitalized (`Papelería vidal, S.A.` → `Papelería Vidal, S.A.`).
pub fn spanish_name_case(name: &str) -> String {
    name.split(' ')
        .map(|t| match lowercase_word(t) {
            Some(_) => capitalize(t),
            None => t.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An address with the capitals a position demands: its first word, the
/// town after a postcode, a word between two capitalized ones (`San vicente
/// Mártir`). Address words (`local`, `bajo`) stay lowercase.
pub fn spanish_address_case(address: &str) -> String {
    let tokens: Vec<&str> = address.split(' ').collect();
    let is_postcode = |t: &str| t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::with_capacity(tokens.len());
    for (i, &t) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| tokens[p]);
        let next = tokens.get(i + 1).copied();
        let fix = lowercase_word(t).is_some_and(|core| {
            let between_names = prev.is_some_and(|p| is_capitalized(p) && !p.ends_with(','))
                && next.is_some_and(is_capitalized);
            !ADDRESS_WORDS.contains(&core)
                && (i == 0 || prev.is_some_and(is_postcode) || between_names)
        });
        out.push(if fix { capitalize(t) } else { t.to_string() });
    }
    let joined = out.join(" ");
    // `c/` is the abbreviation of `calle`: a capital when it opens the address.
    match joined.strip_prefix("c/") {
        Some(rest) => format!("C/{rest}"),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_their_capitals_back() {
        assert_eq!(
            spanish_name_case("Prieto & jiménez Asesores, S.L.U."),
            "Prieto & Jiménez Asesores, S.L.U."
        );
        assert_eq!(
            spanish_name_case("Frutas y Verduras La cigüeña"),
            "Frutas y Verduras La Cigüeña"
        );
        assert_eq!(
            spanish_name_case("Comercial Álvarez e Hijos de la Vega"),
            "Comercial Álvarez e Hijos de la Vega"
        );
        // Mixed case is a brand's own spelling.
        assert_eq!(spanish_name_case("eDreams Viajes"), "eDreams Viajes");
    }

    #[test]
    fn addresses_get_the_capitals_their_positions_demand() {
        assert_eq!(
            spanish_address_case("Ronda San vicente Mártir, 150"),
            "Ronda San Vicente Mártir, 150"
        );
        assert_eq!(
            spanish_address_case("Paseo Reyes Católicos, 73, bajo, 23003 jaén"),
            "Paseo Reyes Católicos, 73, bajo, 23003 Jaén"
        );
        assert_eq!(
            spanish_address_case("calle del Ejército, 12"),
            "Calle del Ejército, 12"
        );
        assert_eq!(
            spanish_address_case("c/ de Cervantes, 157"),
            "C/ de Cervantes, 157"
        );
        // Address words and particles stay lowercase.
        assert_eq!(
            spanish_address_case("Calle Mayor, 3, local 2, bajo"),
            "Calle Mayor, 3, local 2, bajo"
        );
        assert_eq!(
            spanish_address_case("Calle de la Paz, 4º izda."),
            "Calle de la Paz, 4º izda."
        );
    }
}
