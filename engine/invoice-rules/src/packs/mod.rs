//! Language packs: what Grace knows about reading invoices in one language
//! (label vocabulary, month names, legal forms, frequent words) and which
//! countries write it, plus the detectors that pick a language, a country,
//! a number format and a date order from the evidence a document shows.
//!
//! Packs are static data: the detectors and the extractor read them, none
//! holds logic of its own beyond small per-country shape checks
//! ([`countries`]). Every word is stored normalized ([`normalize`]) so a
//! match does not depend on accents, case or punctuation OCR got wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::DateOrder;

/// `labels![Kind => ["phrase", ...], ...]`: a label table grouped by kind,
/// so each pack reads as its vocabulary rather than as repeated tuples.
macro_rules! labels {
    ($($kind:expr => [$($p:literal),* $(,)?]),* $(,)?) => {
        &[$($(($p, $kind),)*)*]
    };
}

pub mod countries;
pub mod detect;
pub mod kind;

mod de;
mod en;
mod es;
mod fr;
mod it;
mod malaysia;
mod nl;
mod pt;

pub use countries::{country_info, covered_countries, Country, CountryInfo, NumberFormat};
pub use detect::{
    decide_language, detect_country, detect_date_order, detect_language, detect_number_format,
    CountryEvidence, Decision,
};
pub use kind::{DocumentKind, FieldKind};

/// A language Grace reads invoices in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Spanish.
    Es,
    /// English.
    En,
    /// German.
    De,
    /// French.
    Fr,
    /// Dutch.
    Nl,
    /// Italian.
    It,
    /// Portuguese.
    Pt,
}

impl Lang {
    /// Every language, in a fixed order.
    pub const ALL: [Lang; 7] = [
        Lang::Es,
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Nl,
        Lang::It,
        Lang::Pt,
    ];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Nl => "nl",
            Lang::It => "it",
            Lang::Pt => "pt",
        }
    }

    /// The language of an ISO 639-1 code or BCP 47 tag (`de`, `fr-BE`).
    pub fn from_code(tag: &str) -> Option<Lang> {
        let head = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == head)
    }

    /// The pack of this language.
    pub fn pack(self) -> &'static Pack {
        match self {
            Lang::Es => &es::PACK,
            Lang::En => &en::PACK,
            Lang::De => &de::PACK,
            Lang::Fr => &fr::PACK,
            Lang::Nl => &nl::PACK,
            Lang::It => &it::PACK,
            Lang::Pt => &pt::PACK,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A repair for OCR misreads that only makes sense in one market, pointing
/// at the function that does it.
#[derive(Debug, Clone, Copy)]
pub enum Repair {
    /// Repairs a company name, `None` when the name is not one it knows.
    CompanyName(fn(&str) -> Option<String>),
    /// Rewrites a company name (returns it unchanged when nothing applies).
    CompanyNameText(fn(&str) -> String),
    /// Repairs the lines of an address block, `None` when not recognized.
    AddressLines(fn(&[String]) -> Option<Vec<String>>),
    /// Rewrites an address (returns it unchanged when nothing applies).
    AddressText(fn(&str) -> String),
    /// Rewrites free text (accents, lookalike letters).
    Text(fn(&str) -> String),
}

/// What Grace knows about reading invoices of one language or market.
#[derive(Debug)]
pub struct Pack {
    /// Short stable name (`de`, `malaysia`).
    pub id: &'static str,
    /// Language of the words in the pack.
    pub lang: Lang,
    /// Countries the pack covers, the most common first.
    pub countries: &'static [Country],
    /// Label phrases, normalized as [`words`] gives them (`N.I.F.` is
    /// `nif`), and the field each announces.
    pub labels: &'static [(&'static str, FieldKind)],
    /// Month names and abbreviations, normalized, with their number.
    pub months: &'static [(&'static str, u8)],
    /// Legal forms that end company names, as printed.
    pub legal_forms: &'static [&'static str],
    /// Frequent words (function words and invoice words) that identify the
    /// language, normalized.
    pub stop_words: &'static [&'static str],
    /// Market-specific OCR repairs.
    pub repairs: &'static [Repair],
}

impl Pack {
    /// Every field kind the normalized `phrase` announces in this pack.
    pub fn kinds_of(&self, phrase: &str) -> impl Iterator<Item = FieldKind> + '_ {
        let key = words(phrase).join(" ");
        self.labels
            .iter()
            .filter(move |(p, _)| *p == key)
            .map(|&(_, k)| k)
    }

    /// The label phrases of a field kind.
    pub fn phrases(&self, kind: FieldKind) -> impl Iterator<Item = &'static str> + '_ {
        self.labels
            .iter()
            .filter(move |(_, k)| *k == kind)
            .map(|&(p, _)| p)
    }

    /// The month number of a name or abbreviation in this language; the
    /// digits OCR reads for letters (`0kt`, `ju1`) are read back.
    pub fn month(&self, name: &str) -> Option<u8> {
        month_by_key(std::slice::from_ref(&self), name)
    }

    /// How the pack's countries write numeric dates, the first country's
    /// usual order first. Month-first appears only through a country that
    /// writes it (the US), and even there the document must show it
    /// ([`detect_date_order`]).
    pub fn date_orders(&self) -> Vec<DateOrder> {
        self.union_over_countries(|c| c.date_orders)
    }

    /// How the pack's countries write amounts, the first country's usual
    /// format first.
    pub fn number_formats(&self) -> Vec<NumberFormat> {
        self.union_over_countries(|c| c.number_formats)
    }

    fn union_over_countries<T: Copy + PartialEq + 'static>(
        &self,
        of: impl Fn(&'static CountryInfo) -> &'static [T],
    ) -> Vec<T> {
        let mut out = Vec::new();
        for info in self.countries.iter().filter_map(|&c| country_info(c)) {
            for &x in of(info) {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
        }
        out
    }

    /// The longest label of this pack at the start of `words` (normalized
    /// as [`words`] gives them): its kind and how many words it took.
    pub fn label_at(&self, words: &[String]) -> Option<(FieldKind, usize)> {
        let mut best: Option<(FieldKind, usize)> = None;
        for &(phrase, kind) in self.labels {
            let n = phrase.split(' ').count();
            let fits = words.len() >= n && phrase.split(' ').zip(words).all(|(p, w)| p == w);
            if fits && best.is_none_or(|(_, b)| n > b) {
                best = Some((kind, n));
            }
        }
        best
    }

    /// The legal form a company name ends with, as listed (`GmbH & Co.
    /// KG` before `KG`: the longest form wins).
    pub fn legal_form_of(&self, name: &str) -> Option<&'static str> {
        // Dots dropped, so `S.A.R.L.` and `SARL` are one form.
        let key = |s: &str| words(s).join(" ");
        let name = key(name);
        self.legal_forms
            .iter()
            .copied()
            .filter(|f| {
                let f = key(f);
                !f.is_empty() && name.len() > f.len() && name.ends_with(&format!(" {f}"))
            })
            // Reversed so that among equal forms the one listed first wins.
            .rev()
            .max_by_key(|f| key(f).len())
    }
}

/// Every pack: the seven languages, then market packs.
pub fn all_packs() -> [&'static Pack; 8] {
    [
        &es::PACK,
        &en::PACK,
        &de::PACK,
        &fr::PACK,
        &nl::PACK,
        &it::PACK,
        &pt::PACK,
        &malaysia::PACK,
    ]
}

/// The pack with an id (`de`, `malaysia`).
pub fn pack(id: &str) -> Option<&'static Pack> {
    all_packs().into_iter().find(|p| p.id == id)
}

/// The month number of a name in any pack's language. Names shared by
/// several languages (`mar`, `set`) always mean the same month.
pub fn month_in_any(name: &str) -> Option<u8> {
    month_by_key(&all_packs(), name)
}

/// The month `name` is in `packs`, normalized once; digits OCR reads for
/// letters (`0kt`, `ju1`) are read back when the name as read is unknown.
fn month_by_key(packs: &[&Pack], name: &str) -> Option<u8> {
    let key = normalize(name);
    let find = |k: &str| {
        packs
            .iter()
            .find_map(|p| p.months.iter().find(|(n, _)| *n == k).map(|&(_, m)| m))
    };
    find(&key).or_else(|| {
        if !key.bytes().any(|b| b == b'0' || b == b'1') {
            return None;
        }
        let letters: String = key
            .chars()
            .map(|c| match c {
                '0' => 'o',
                '1' => 'l',
                c => c,
            })
            .collect();
        find(&letters)
    })
}

/// Normalizes text the way the lexicons are stored: lowercase, accents
/// folded (`ß` → `ss`), `º`/`°` read as `o`, every run of other characters
/// than letters, digits and `%` turned into one space.
pub fn normalize(text: &str) -> String {
    let folded = crate::text::fold(text);
    let mut out = String::with_capacity(folded.len());
    let mut space = true;
    for c in folded.chars() {
        let c = match c {
            'º' | '°' => 'o',
            'ª' => 'a',
            c => c,
        };
        if c.is_alphanumeric() || c == '%' {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Normalized words of `text`, punctuation inside a word dropped
/// (`N.I.F.` → `nif`, `USt-IdNr.` → `ust idnr`): the form pack phrases
/// are matched in.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .flat_map(|w| {
            // Dots inside abbreviations join (`N.I.F.`); dashes, slashes
            // and colons separate words (`USt-IdNr`, `Datum/Date`).
            let joined: String = w.chars().filter(|&c| c != '.').collect();
            normalize(&joined)
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A normalized word with the letters OCR confuses in print folded
/// together (`i`, `1`, `|` → `l`; `0` → `o`), so `T0TAL` and `TOTAl` meet
/// `total`. Compare folded with folded only: it is a key, not a spelling.
pub fn ocr_fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'i' | '1' | '|' => 'l',
            '0' => 'o',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_accents_case_and_punctuation() {
        assert_eq!(normalize("Fecha de emisión:"), "fecha de emision");
        assert_eq!(normalize("Rechnungs-Nr."), "rechnungs nr");
        assert_eq!(normalize("Straße"), "strasse");
        assert_eq!(normalize("Nº"), "no");
        assert_eq!(normalize("TVA 20 %"), "tva 20 %");
        assert_eq!(
            words("N.I.F.: B-123 USt-IdNr."),
            ["nif", "b", "123", "ust", "idnr"]
        );
    }

    /// Lexicons are stored normalized, or they never match.
    #[test]
    fn pack_data_is_normalized_and_unique() {
        for p in all_packs() {
            for (phrase, kind) in p.labels {
                assert_eq!(&normalize(phrase), phrase, "{} label {phrase}", p.id);
                let n = p
                    .labels
                    .iter()
                    .filter(|(q, k)| q == phrase && k == kind)
                    .count();
                assert_eq!(n, 1, "{} label {phrase} listed twice", p.id);
            }
            for (m, n) in p.months {
                assert_eq!(&normalize(m), m, "{} month {m}", p.id);
                assert!((1..=12).contains(n));
            }
            for w in p.stop_words {
                assert_eq!(&normalize(w), w, "{} stop word {w}", p.id);
            }
            assert!(!p.countries.is_empty(), "{}", p.id);
            for c in p.countries {
                assert!(country_info(*c).is_some(), "{} country {c}", p.id);
            }
        }
    }

    #[test]
    fn months_in_every_language() {
        for p in all_packs().iter().filter(|p| p.id != "malaysia") {
            for m in 1..=12 {
                assert!(p.months.iter().any(|&(_, n)| n == m), "{} month {m}", p.id);
            }
        }
        assert_eq!(month_in_any("März"), Some(3));
        assert_eq!(month_in_any("FÉVR."), Some(2));
        assert_eq!(month_in_any("mrt"), Some(3));
        assert_eq!(month_in_any("ottobre"), Some(10));
        assert_eq!(month_in_any("Dezembro"), Some(12));
        // Names shared between languages never disagree.
        for a in all_packs() {
            for b in all_packs() {
                for (n, m) in a.months {
                    if let Some(m2) = b.month(n) {
                        assert_eq!(*m, m2, "{n}: {} vs {}", a.id, b.id);
                    }
                }
            }
        }
    }

    #[test]
    fn legal_forms_longest_wins() {
        let de = Lang::De.pack();
        assert_eq!(
            de.legal_form_of("Muster GmbH & Co. KG"),
            Some("GmbH & Co. KG")
        );
        assert_eq!(de.legal_form_of("Beispiel GMBH"), Some("GmbH"));
        assert_eq!(de.legal_form_of("GmbH"), None);
        assert_eq!(
            Lang::Fr.pack().legal_form_of("Dupont S.A.R.L."),
            Some("SARL")
        );
        assert_eq!(
            Lang::It.pack().legal_form_of("Rossi S.r.l."),
            Some("S.r.l.")
        );
        let my = pack("malaysia")
            .unwrap()
            .legal_form_of("99 SPEED MART SDN BHD");
        assert_eq!(my.map(|f| words(f).join(" ")).as_deref(), Some("sdn bhd"));
    }

    #[test]
    fn field_lookup() {
        let de = Lang::De.pack();
        assert!(de
            .kinds_of("Rechnungs-Nr.:")
            .any(|k| k == FieldKind::InvoiceNumber));
        assert!(de.kinds_of("USt-IdNr.").any(|k| k == FieldKind::TaxId));
        assert!(Lang::Es
            .pack()
            .kinds_of("N.I.F.:")
            .any(|k| k == FieldKind::TaxId));
        assert!(de.phrases(FieldKind::DueDate).count() >= 5);
        assert_eq!(Lang::from_code("fr-BE"), Some(Lang::Fr));
        assert_eq!(Lang::from_code("sv"), None);
        let w = words("Rechnungs-Nr.: 4711");
        assert_eq!(de.label_at(&w), Some((FieldKind::InvoiceNumber, 2)));
        let w = words("Fecha factura rectificada: 01/02/2024");
        assert_eq!(
            Lang::Es.pack().label_at(&w),
            Some((FieldKind::RectifiedDate, 3))
        );
        assert_eq!(
            Lang::It.pack().label_at(&words("Partita IVA")),
            Some((FieldKind::TaxId, 2))
        );
    }

    #[test]
    fn dates_and_numbers_come_from_the_countries() {
        assert_eq!(Lang::De.pack().date_orders(), [DateOrder::DayFirst]);
        assert_eq!(
            Lang::En.pack().date_orders(),
            [DateOrder::DayFirst, DateOrder::MonthFirst]
        );
        assert_eq!(
            Lang::De.pack().number_formats()[0],
            NumberFormat::CommaDecimal
        );
        assert!(Lang::De
            .pack()
            .number_formats()
            .contains(&NumberFormat::Apostrophe));
        assert_eq!(
            Lang::Fr.pack().number_formats()[0],
            NumberFormat::SpaceComma
        );
        assert_eq!(
            pack("malaysia").unwrap().number_formats(),
            [NumberFormat::DotDecimal]
        );
        assert_eq!(Lang::De.pack().month("0kt."), Some(10));
        assert_eq!(Lang::En.pack().month("ju1"), Some(7));
    }
}
