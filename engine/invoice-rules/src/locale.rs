//! Locale hints: which language and number format a document uses, guessed
//! from keywords and from how its amounts are written.

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// Locale hint for parsing: `es-ES` (comma decimals, day-first dates),
/// `en-US` (dot decimals) or `auto` (decide from the text or the pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    /// Spanish (Spain): `1.234,56`, `14/03/2024`.
    #[serde(rename = "es-ES")]
    EsEs,
    /// English (US): `1,234.56`.
    #[serde(rename = "en-US")]
    EnUs,
    /// Decide from evidence; with none, parsers fall back to their defaults.
    #[default]
    #[serde(rename = "auto")]
    Auto,
}

impl Locale {
    /// Parses an option value (`es-ES`, `es`, `en-US`, `en`, `auto`, any case).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        match t.as_str() {
            "auto" | "" => Some(Locale::Auto),
            _ if t == "es" || t.starts_with("es-") => Some(Locale::EsEs),
            _ if t == "en" || t.starts_with("en-") => Some(Locale::EnUs),
            _ => None,
        }
    }

    /// The BCP 47 tag of the locale (`auto` for Auto).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::EsEs => "es-ES",
            Locale::EnUs => "en-US",
            Locale::Auto => "auto",
        }
    }

    /// Replaces `Auto` by the locale guessed from `text`; explicit locales
    /// are kept, since the caller knows better than the heuristics.
    pub fn resolve(self, text: &str) -> Locale {
        match self {
            Locale::Auto => guess_locale(text),
            other => other,
        }
    }

    /// The decimal separator this locale writes (`None` for Auto).
    pub fn decimal_separator(self) -> Option<char> {
        match self {
            Locale::EsEs => Some(','),
            Locale::EnUs => Some('.'),
            Locale::Auto => None,
        }
    }
}

/// The evidence `guess_locale` weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LocaleScores {
    /// Spanish keyword hits.
    pub es_keywords: u32,
    /// English keyword hits.
    pub en_keywords: u32,
    /// Numbers written with a decimal comma (`12,50`, `1.234,56`).
    pub comma_decimals: u32,
    /// Numbers written with a decimal point (`12.50`, `1,234.56`).
    pub dot_decimals: u32,
}

/// Spanish invoice vocabulary (accent-folded, lowercase); multi-word
/// phrases count like single words.
#[rustfmt::skip]
const ES_WORDS: &[&str] = &[
    "factura", "fra", "iva", "igic", "irpf", "total a pagar", "importe", "fecha", "base imponible",
    "cif", "nif", "vencimiento", "cliente", "euros", "forma de pago", "cantidad", "precio",
    "descuento", "recargo", "simplificada", "rectificativa", "gracias", "efectivo", "cambio",
    "tarjeta", "domicilio", "direccion", "telefono", "concepto", "unidades", "cuota",
];

/// English invoice vocabulary.
#[rustfmt::skip]
const EN_WORDS: &[&str] = &[
    "invoice", "tax", "amount due", "date", "total due", "bill to", "balance", "qty", "quantity",
    "price", "description", "thank you", "cash", "change", "receipt", "gst", "vat", "subtotal",
    "due date", "payment", "amount", "rounding", "item",
];

/// Counts keyword and number-format evidence for Spanish vs English.
pub fn locale_scores(text: &str) -> LocaleScores {
    let folded = fold(text);
    // Pad with spaces and turn punctuation into spaces so every keyword can
    // be matched as " word " with word boundaries.
    let mut words = String::with_capacity(folded.len() + 2);
    words.push(' ');
    for c in folded.chars() {
        words.push(if c.is_alphanumeric() { c } else { ' ' });
    }
    words.push(' ');
    let words = collapse_spaces(&words);
    let count = |list: &[&str]| -> u32 {
        list.iter()
            .map(|w| words.matches(&format!(" {w} ")).count() as u32)
            .sum()
    };
    let mut scores = LocaleScores {
        es_keywords: count(ES_WORDS),
        en_keywords: count(EN_WORDS),
        ..LocaleScores::default()
    };
    count_decimal_styles(text, &mut scores);
    scores
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let sp = c == ' ';
        if !(sp && last_space) {
            out.push(c);
        }
        last_space = sp;
    }
    out
}

/// Counts numbers whose decimal separator shows (a separator followed by
/// exactly two digits, other separators grouping thousands): the clearest
/// sign of which separator is the decimal one. The shapes come from the
/// number-format detector, of which this count is the two-way special case.
fn count_decimal_styles(text: &str, scores: &mut LocaleScores) {
    for shape in crate::packs::detect::number_shapes(text) {
        match shape.decimal {
            Some(',') => scores.comma_decimals += 1,
            Some('.') => scores.dot_decimals += 1,
            _ => {}
        }
    }
}

/// Guesses the locale of a document: keywords weigh twice as much as number
/// formats; `Auto` when there is no evidence or it is tied.
pub fn guess_locale(text: &str) -> Locale {
    let s = locale_scores(text);
    let es = 2 * s.es_keywords + s.comma_decimals;
    let en = 2 * s.en_keywords + s.dot_decimals;
    match es.cmp(&en) {
        std::cmp::Ordering::Greater => Locale::EsEs,
        std::cmp::Ordering::Less => Locale::EnUs,
        std::cmp::Ordering::Equal => Locale::Auto,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_invoice() {
        let t = "FACTURA Nº 2024-001\nFecha: 14/03/2024\nBase imponible 100,00\nIVA 21% 21,00\nTOTAL A PAGAR 121,00 €";
        assert_eq!(guess_locale(t), Locale::EsEs);
        let s = locale_scores(t);
        assert!(s.es_keywords >= 5, "{s:?}");
        assert_eq!(s.comma_decimals, 3);
    }

    #[test]
    fn english_invoice() {
        let t = "INVOICE #123\nDate: 03/14/2024\nSubtotal 100.00\nTax 8.25\nAmount due $108.25";
        assert_eq!(guess_locale(t), Locale::EnUs);
    }

    #[test]
    fn malaysian_receipt_is_english() {
        let t =
            "TAN WOON YANN\nGST REG NO 000123\nTOTAL RM 9.90\nCASH 10.00\nCHANGE 0.10\nTHANK YOU";
        assert_eq!(guess_locale(t), Locale::EnUs);
    }

    #[test]
    fn numbers_alone_decide() {
        assert_eq!(guess_locale("12,50\n3,99\n16,49"), Locale::EsEs);
        assert_eq!(guess_locale("12.50\n3.99\n16.49"), Locale::EnUs);
        assert_eq!(guess_locale("14.03.2024 10:30"), Locale::Auto);
        assert_eq!(guess_locale(""), Locale::Auto);
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(guess_locale("TELÉFONO 912345678 DIRECCIÓN"), Locale::EsEs);
    }

    #[test]
    fn tags_round_trip() {
        for l in [Locale::EsEs, Locale::EnUs, Locale::Auto] {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
        assert_eq!(Locale::from_tag("es_MX"), Some(Locale::EsEs));
        assert_eq!(Locale::from_tag("EN"), Some(Locale::EnUs));
        assert_eq!(Locale::from_tag("fr-FR"), None);
        assert_eq!(serde_json::to_string(&Locale::EsEs).unwrap(), "\"es-ES\"");
        assert_eq!(Locale::Auto.resolve("factura iva"), Locale::EsEs);
        assert_eq!(Locale::EnUs.resolve("factura iva"), Locale::EnUs);
    }
}
