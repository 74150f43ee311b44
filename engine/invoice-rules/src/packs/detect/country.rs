//! Which country a document comes from. Each kind of evidence adds to a
//! country's score, by how much it tells that country apart: a VAT id
//! whose checksum holds is near proof, an IBAN strong, a currency or a
//! phone prefix shared by several countries is split between them, a
//! postcode shape is weak unless it is one country's own, and the
//! language is only a prior (German is also Austria and Switzerland). The
//! confidence is a softmax against "somewhere else", so weak evidence
//! never reads as certainty.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use super::Decision;
use crate::iban::{validate_iban, Iban};
use crate::packs::{all_packs, covered_countries, words, Country, FieldKind, Lang, Pack};
use crate::tax_id::{validate_ch_uid, validate_eu_vat, validate_gstin, TaxId};

/// A VAT id whose check digits hold.
const CHECKED_TAX_ID: f32 = 5.0;
/// A national VAT number written without its prefix after a tax-id label
/// (`P.IVA 00743110157`, `NIF 501964843`): the label and the checksum
/// together, but a bare number passes some checksum by chance.
const LABELED_TAX_ID: f32 = 3.0;
/// A tax id only the format of which could be checked.
const FORMAT_TAX_ID: f32 = 2.0;
/// A valid IBAN: the payee's bank, usually at home.
const IBAN: f32 = 3.0;
/// A currency, split between the countries that use it.
const CURRENCY: f32 = 1.0;
/// An international phone prefix, split between the countries sharing it.
const PHONE: f32 = 1.5;
/// A postcode written with its country letter (`D-10115`).
const PREFIXED_POSTCODE: f32 = 2.0;
/// A postcode before a town name, split between the shapes it fits.
const POSTCODE: f32 = 1.0;
/// A country's name.
const COUNTRY_NAME: f32 = 1.5;
/// A company's legal form (`Sdn Bhd`, `GmbH`, `B.V.`), split between the
/// countries of the packs that list it.
const LEGAL_FORM: f32 = 2.0;
/// A postcode followed by one of its own towns in a country's gazetteer.
const GAZETTEER_PLACE: f32 = 3.0;
/// The language's first country; its other countries get `OTHER_SHARE`.
const LANGUAGE: f32 = 1.0;
const OTHER_SHARE: f32 = 0.4;
/// Weight of "a country with no evidence here", against which the best
/// country's weight is compared.
const ELSEWHERE: f32 = 2.0;
/// The same kind of evidence counts at most this many times.
const MAX_REPEATS: usize = 3;

/// What the caller already knows, beyond the text.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountryEvidence<'a> {
    /// The document's language ([`super::decide_language`]).
    pub lang: Option<Decision<Lang>>,
    /// Tax ids the extractor validated (found in the text again, they
    /// count once).
    pub tax_ids: &'a [TaxId],
    /// IBANs the extractor validated.
    pub ibans: &'a [Iban],
}

/// The country `text` most likely comes from; `None` without any
/// evidence. See the module documentation for the weights.
pub fn detect_country(text: &str, evidence: CountryEvidence<'_>) -> Option<Decision<Country>> {
    let mut scores = Scores::default();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tax_ids(&tokens, evidence.tax_ids, &mut scores);
    ibans(&tokens, evidence.ibans, &mut scores);
    currencies(&tokens, &mut scores);
    phones(&tokens, &mut scores);
    postcodes(&tokens, &mut scores);
    country_names(text, &mut scores);
    legal_forms(text, &mut scores);
    if crate::malaysia::postcode_towns(text) > 0 {
        scores.add(Country::MY, GAZETTEER_PLACE);
    }
    if let Some(lang) = evidence.lang {
        for (i, &c) in lang.value.pack().countries.iter().enumerate() {
            let share = if i == 0 { 1.0 } else { OTHER_SHARE };
            scores.add(c, LANGUAGE * share * lang.confidence);
        }
    }
    scores.decide()
}

#[derive(Default)]
struct Scores(BTreeMap<Country, f32>);

impl Scores {
    fn add(&mut self, c: Country, w: f32) {
        *self.0.entry(c).or_default() += w;
    }

    /// Adds `w` split evenly between `countries`.
    fn split(&mut self, countries: &[Country], w: f32) {
        for &c in countries {
            self.add(c, w / countries.len() as f32);
        }
    }

    /// Softmax in which every country starts at weight 1 (`e^0`): only
    /// what evidence adds above that counts, so crumbs spread over many
    /// countries (the euro) do not drown the best one.
    fn decide(&self) -> Option<Decision<Country>> {
        let (&best, &s) = self.0.iter().max_by(|a, b| a.1.total_cmp(b.1))?;
        let z: f32 = ELSEWHERE + self.0.values().map(|v| v.exp() - 1.0).sum::<f32>();
        Some(Decision::new(best, s.exp() / z))
    }
}

/// Up to `n` tokens from `i` joined without spaces, longest first.
fn runs<'a>(tokens: &'a [&'a str], i: usize, n: usize) -> impl Iterator<Item = String> + 'a {
    (1..=n.min(tokens.len() - i))
        .rev()
        .map(move |k| tokens[i..i + k].concat())
}

fn trim(t: &str) -> &str {
    t.trim_matches(|c: char| !c.is_alphanumeric())
}

/// VAT ids (and Swiss UIDs, GSTINs) in the text, each counted once with
/// the ids the caller passed.
fn tax_ids(tokens: &[&str], known: &[TaxId], scores: &mut Scores) {
    let mut found: BTreeMap<String, TaxId> =
        known.iter().map(|t| (t.value.clone(), t.clone())).collect();
    let mut i = 0;
    while i < tokens.len() {
        let t = trim(tokens[i]);
        let starts_like_id = t.len() >= 2 && t.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic)
            || t.len() == 15 && t.as_bytes()[..2].iter().all(u8::is_ascii_digit);
        // Ids hold digits in their first token or the next (`DE 136...`).
        let has_digits = |j: usize| {
            tokens
                .get(j)
                .is_some_and(|t| t.bytes().any(|b| b.is_ascii_digit()))
        };
        if !starts_like_id || !(has_digits(i) || has_digits(i + 1)) {
            i += 1;
            continue;
        }
        let hit = runs(tokens, i, 5).enumerate().find_map(|(skip, run)| {
            let run = trim(&run).to_string();
            let id = validate_eu_vat(&run)
                .or_else(|_| validate_ch_uid(&run))
                .or_else(|_| validate_gstin(&run))
                .ok()?;
            Some((id, skip))
        });
        match hit {
            Some((id, skip)) => {
                let used = 5.min(tokens.len() - i) - skip;
                found.entry(id.value.clone()).or_insert(id);
                i += used.max(1);
            }
            None => i += 1,
        }
    }
    for id in found.values() {
        if let Some(c) = Country::new(&id.country) {
            let w = if id.checked {
                CHECKED_TAX_ID
            } else {
                FORMAT_TAX_ID
            };
            scores.add(c, w);
        }
    }
    let mut labeled: BTreeMap<String, TaxId> = BTreeMap::new();
    for i in 1..tokens.len() {
        if !tokens[i].bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        for pack in packs_labeling_tax_id_before(tokens, i) {
            for prefix in pack.countries.iter().filter_map(|c| c.info()?.vat_prefix) {
                let hit = runs(tokens, i, 4)
                    .map(|r| trim(&r).to_string())
                    .filter(|r| {
                        !r.get(..2)
                            .is_some_and(|p| p.eq_ignore_ascii_case(&prefix[..2]))
                    })
                    .find_map(|r| {
                        let id = validate_eu_vat(&format!("{prefix}{r}")).ok()?;
                        id.checked.then_some(id)
                    });
                if let Some(id) = hit.filter(|id| !found.contains_key(&id.value)) {
                    labeled.entry(id.value.clone()).or_insert(id);
                }
            }
        }
    }
    for id in labeled.values() {
        if let Some(c) = Country::new(&id.country) {
            scores.add(c, LABELED_TAX_ID);
        }
    }
}

/// Words for "number" that may follow a label (`Contribuinte n.º`).
const NUMBER_WORDS: &[&str] = &["n", "no", "nr", "nro", "num", "numero", "nummer", "number"];

/// Packs with a tax-id label ending right before token `i` (up to four
/// words back: `Partita IVA:`, `N.º de contribuinte`, `Contribuinte n.º`).
fn packs_labeling_tax_id_before(tokens: &[&str], i: usize) -> Vec<&'static Pack> {
    let mut before = words(&tokens[i.saturating_sub(4)..i].join(" "));
    if before.len() > 1
        && before
            .last()
            .is_some_and(|w| NUMBER_WORDS.contains(&w.as_str()))
    {
        before.pop();
    }
    let labels = tax_id_labels();
    let mut out: Vec<&'static Pack> = Vec::new();
    for n in 1..=before.len() {
        let phrase = before[before.len() - n..].join(" ");
        for &p in labels.get(phrase.as_str()).into_iter().flatten() {
            if !out.iter().any(|q| std::ptr::eq(*q, p)) {
                out.push(p);
            }
        }
    }
    out
}

/// Every pack's tax-id label phrases, and the packs using each.
fn tax_id_labels() -> &'static HashMap<&'static str, Vec<&'static Pack>> {
    static LABELS: OnceLock<HashMap<&'static str, Vec<&'static Pack>>> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<&'static Pack>> = HashMap::new();
        for pack in all_packs() {
            for phrase in pack.phrases(FieldKind::TaxId) {
                map.entry(phrase).or_default().push(pack);
            }
        }
        map
    })
}

fn ibans(tokens: &[&str], known: &[Iban], scores: &mut Scores) {
    let mut found: BTreeSet<(String, String)> = known
        .iter()
        .map(|b| (b.value.clone(), b.country.clone()))
        .collect();
    for i in 0..tokens.len() {
        let t = trim(tokens[i]);
        let b = t.as_bytes();
        if b.len() < 4
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..4].iter().all(u8::is_ascii_digit)
        {
            continue;
        }
        if let Some(iban) = runs(tokens, i, 9).find_map(|r| validate_iban(trim(&r)).ok()) {
            found.insert((iban.value, iban.country));
        }
    }
    for (_, country) in found.iter().take(MAX_REPEATS) {
        if let Some(c) = Country::new(country) {
            scores.add(c, IBAN);
        }
    }
}

/// Covered countries paying in `currency`.
fn countries_paying(currency: &str) -> Vec<Country> {
    covered_countries()
        .filter(|c| c.currency == currency)
        .map(|c| c.country)
        .collect()
}

/// Legal forms of the packs' countries, once per pack. Forms shorter than
/// three letters (`AG`, `KG`, `SA`) are also units and words, so they are
/// left out.
fn legal_forms(text: &str, scores: &mut Scores) {
    let text = format!(" {} ", words(text).join(" "));
    for pack in all_packs() {
        let found = pack.legal_forms.iter().any(|form| {
            let form = words(form).join(" ");
            form.replace(' ', "").len() >= 3 && text.contains(&format!(" {form} "))
        });
        if found {
            scores.split(pack.countries, LEGAL_FORM);
        }
    }
}

fn currencies(tokens: &[&str], scores: &mut Scores) {
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for t in tokens {
        let sign: String = t
            .chars()
            .filter(|c| {
                !(c.is_ascii_digit()
                    || matches!(
                        c,
                        '.' | ',' | '\'' | '-' | '+' | '(' | ')' | ':' | ';' | '*'
                    ))
            })
            .collect();
        if sign.is_empty() {
            continue;
        }
        // Codes count in capitals only: `try`, `pen` and `mad` are words.
        let is_symbol = !sign.chars().any(char::is_alphabetic);
        let capitals = sign.chars().all(|c| !c.is_lowercase());
        if !(is_symbol || capitals) {
            continue;
        }
        let Some(code) = crate::amount::currency_code(&sign) else {
            continue;
        };
        let n = seen.entry(code).or_default();
        *n += 1;
        if *n > MAX_REPEATS {
            continue;
        }
        // A bare `$` is mostly, not only, the US dollar.
        if sign == "$" {
            scores.add(Country::US, CURRENCY * 0.5);
            scores.split(
                &[
                    Country::CA,
                    Country::AU,
                    Country::NZ,
                    Country::SG,
                    Country::MX,
                ],
                CURRENCY * 0.5,
            );
            continue;
        }
        scores.split(&countries_paying(code), CURRENCY);
    }
}

fn phones(tokens: &[&str], scores: &mut Scores) {
    let mut count = 0;
    for t in tokens {
        let t = t.trim_start_matches(['(', '[']);
        let Some(rest) = t.strip_prefix('+') else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        // The longest calling code that prefixes the digits (`+423` before
        // `+42`... and `+1`).
        let best = covered_countries()
            .filter(|c| digits.starts_with(c.phone_code))
            .map(|c| c.phone_code.len())
            .max();
        let Some(len) = best else { continue };
        let sharing: Vec<Country> = covered_countries()
            .filter(|c| c.phone_code.len() == len && digits.starts_with(c.phone_code))
            .map(|c| c.country)
            .collect();
        count += 1;
        if count <= MAX_REPEATS {
            scores.split(&sharing, PHONE);
        }
    }
}

/// Letters written before postcodes, as on letters across borders.
const POSTCODE_LETTERS: &[(&str, Country)] = &[
    ("D", Country::DE),
    ("A", Country::AT),
    ("CH", Country::CH),
    ("FL", Country::LI),
    ("L", Country::LU),
    ("F", Country::FR),
    ("B", Country::BE),
    ("NL", Country::NL),
    ("I", Country::IT),
    ("E", Country::ES),
    ("P", Country::PT),
];

/// Two-letter US states, which precede ZIP codes (`CA 94105`).
#[rustfmt::skip]
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC",
];

fn postcodes(tokens: &[&str], scores: &mut Scores) {
    let mut count = 0;
    let mut add = |scores: &mut Scores, countries: &[Country], w: f32| {
        count += 1;
        if count <= MAX_REPEATS * 2 && !countries.is_empty() {
            scores.split(countries, w);
        }
    };
    let town_at = |j: usize| {
        tokens.get(j).is_some_and(|w| {
            let w = trim(w);
            w.chars().count() >= 2
                && w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(char::is_alphabetic)
        })
    };
    let fits = |code: &str, two_part: bool| -> Vec<Country> {
        covered_countries()
            .filter(|c| (c.postcode)(code))
            .filter(|c| two_part == matches!(c.country.code(), "GB" | "CA" | "IE" | "NL"))
            .map(|c| c.country)
            .collect()
    };
    for i in 0..tokens.len() {
        let t = tokens[i].trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')'));
        // Every postcode shape holds a digit in its first token.
        if !t.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some((letters, code)) = t.split_once('-') {
            let hit = POSTCODE_LETTERS.iter().find(|(l, _)| *l == letters);
            if let Some(&(_, c)) = hit {
                if c.info().is_some_and(|info| (info.postcode)(code)) {
                    add(scores, &[c], PREFIXED_POSTCODE);
                    continue;
                }
            }
        }
        if i > 0
            && US_STATES.contains(&trim(tokens[i - 1]))
            && (Country::US.info().map(|c| c.postcode)).is_some_and(|f| f(t))
        {
            add(scores, &[Country::US], PREFIXED_POSTCODE);
            continue;
        }
        // Two-part codes (`1012 AB`, `SW1A 1AA`, `K1A 0B1`, `D02 X285`)
        // are distinctive enough alone.
        if let Some(next) = tokens.get(i + 1) {
            let pair = format!("{t} {}", trim(next));
            let countries = fits(&pair, true);
            let second = trim(next);
            let letters = second.len() >= 2 && second.chars().any(|c| c.is_ascii_alphabetic());
            if !countries.is_empty() && t.chars().any(|c| c.is_ascii_digit()) && letters {
                add(scores, &countries, POSTCODE * 1.5);
                continue;
            }
        }
        if t.chars().all(|c| c.is_ascii_digit() || c == '-') && town_at(i + 1) {
            let countries = fits(t, false);
            add(scores, &countries, POSTCODE);
        }
    }
}

/// Country names in the languages of the packs, normalized.
#[rustfmt::skip]
const NAMES: &[(&str, Country)] = &[
    ("deutschland", Country::DE), ("germany", Country::DE), ("allemagne", Country::DE),
    ("alemania", Country::DE), ("germania", Country::DE), ("duitsland", Country::DE),
    ("alemanha", Country::DE), ("osterreich", Country::AT), ("oesterreich", Country::AT),
    ("austria", Country::AT), ("autriche", Country::AT), ("oostenrijk", Country::AT),
    ("schweiz", Country::CH), ("suisse", Country::CH), ("svizzera", Country::CH),
    ("switzerland", Country::CH), ("suiza", Country::CH), ("zwitserland", Country::CH),
    ("france", Country::FR), ("frankreich", Country::FR), ("francia", Country::FR),
    ("frankrijk", Country::FR), ("franca", Country::FR), ("belgique", Country::BE),
    ("belgie", Country::BE), ("belgium", Country::BE), ("belgien", Country::BE),
    ("belgica", Country::BE), ("belgio", Country::BE), ("nederland", Country::NL),
    ("netherlands", Country::NL), ("niederlande", Country::NL), ("pays bas", Country::NL),
    ("paesi bassi", Country::NL), ("holanda", Country::NL), ("paises bajos", Country::NL),
    ("italia", Country::IT), ("italy", Country::IT), ("italien", Country::IT),
    ("italie", Country::IT), ("espana", Country::ES), ("spain", Country::ES),
    ("spanien", Country::ES), ("espagne", Country::ES), ("spagna", Country::ES),
    ("spanje", Country::ES), ("espanha", Country::ES), ("portugal", Country::PT),
    ("portogallo", Country::PT), ("luxembourg", Country::LU), ("luxemburg", Country::LU),
    ("lussemburgo", Country::LU), ("luxemburgo", Country::LU), ("united kingdom", Country::GB),
    ("england", Country::GB), ("scotland", Country::GB), ("wales", Country::GB),
    ("great britain", Country::GB), ("royaume uni", Country::GB), ("reino unido", Country::GB),
    ("ireland", Country::IE), ("eire", Country::IE), ("irlanda", Country::IE),
    ("irlande", Country::IE), ("irland", Country::IE), ("usa", Country::US),
    ("united states", Country::US), ("etats unis", Country::US), ("estados unidos", Country::US),
    ("canada", Country::CA), ("kanada", Country::CA), ("australia", Country::AU),
    ("new zealand", Country::NZ), ("india", Country::IN), ("singapore", Country::SG),
    ("malaysia", Country::MY), ("mexico", Country::MX), ("argentina", Country::AR),
    ("colombia", Country::CO), ("chile", Country::CL), ("peru", Country::PE),
    ("brasil", Country::BR), ("brazil", Country::BR), ("monaco", Country::MC),
    ("liechtenstein", Country::LI), ("san marino", Country::SM),
];

fn country_names(text: &str, scores: &mut Scores) {
    let words = words(text);
    let mut seen: BTreeMap<Country, usize> = BTreeMap::new();
    for i in 0..words.len() {
        for n in [2, 1] {
            let Some(phrase) = words.get(i..i + n).map(|w| w.join(" ")) else {
                continue;
            };
            if let Some(&(_, c)) = NAMES.iter().find(|(name, _)| *name == phrase) {
                let k = seen.entry(c).or_default();
                *k += 1;
                if *k <= 2 {
                    scores.add(c, COUNTRY_NAME);
                }
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(text: &str, lang: Option<Lang>) -> (String, f32) {
        let evidence = CountryEvidence {
            lang: lang.map(|l| Decision::new(l, 0.9)),
            ..CountryEvidence::default()
        };
        let d = detect_country(text, evidence).unwrap_or_else(|| panic!("{text:?}"));
        (d.value.to_string(), d.confidence)
    }

    #[test]
    fn vat_ids_decide() {
        for (text, want) in [
            ("USt-IdNr.: DE 136 695 976", "DE"),
            ("N° TVA : FR40303265045", "FR"),
            ("BTW-nr: NL004495445B01", "NL"),
            ("P.IVA IT00743110157", "IT"),
            ("NIF: PT 501 964 843", "PT"),
            ("UID: ATU13585627", "AT"),
            ("TVA BE 0411.905.847", "BE"),
            ("CIF: ESB12345674", "ES"),
            ("VAT Reg No: GB 980 7806 84", "GB"),
            ("MWST-Nr. CHE-116.281.710 MWST", "CH"),
            ("GSTIN: 27AAPFU0939F1ZV", "IN"),
        ] {
            let (c, conf) = country(text, None);
            assert_eq!(c, want, "{text}");
            assert!(conf > 0.9, "{text}: {conf}");
        }
    }

    #[test]
    fn national_numbers_after_their_label() {
        for (text, want) in [
            ("P.IVA 00743110157", "IT"),
            ("Partita IVA: 07643520567", "IT"),
            ("Contribuinte n.º 501 964 843", "PT"),
            ("NIF: B-12345674", "ES"),
            ("Numéro TVA: 40 303 265 045", "FR"),
            ("Steuernummer 136695976", "DE"),
        ] {
            let (c, conf) = country(text, None);
            assert_eq!(c, want, "{text}");
            assert!(conf > 0.8, "{text}: {conf}");
        }
        // Without a label a number is only a number.
        assert_eq!(
            detect_country("00743110157", CountryEvidence::default()),
            None
        );
    }

    #[test]
    fn cross_border_invoices_split() {
        let text = "Lieferant USt-IdNr. DE136695976\nKunde N° TVA FR40303265045";
        let d = detect_country(text, CountryEvidence::default()).unwrap();
        assert!(d.confidence < 0.6, "{d:?}");
        let (c, _) = country(text, Some(Lang::De));
        assert_eq!(c, "DE");
    }

    #[test]
    fn whole_documents() {
        let belgian = "FACTUUR 2024-118\nFactuurdatum: 14-03-2024\nBTW BE 0411.905.847\nTotaal te betalen € 121,00\nIBAN BE68 5390 0754 7034";
        let lang = super::super::decide_language(belgian);
        assert_eq!(lang.map(|d| d.value), Some(Lang::Nl));
        let d = detect_country(
            belgian,
            CountryEvidence {
                lang,
                ..CountryEvidence::default()
            },
        )
        .unwrap();
        assert_eq!(d.value, Country::BE);
        assert!(d.confidence > 0.9, "{d:?}");
        let swiss =
            "Facture n° 118\nIDE/TVA CHE-116.281.710 TVA\nTotal CHF 1'234.50\n1003 Lausanne";
        let lang = super::super::decide_language(swiss);
        assert_eq!(lang.map(|d| d.value), Some(Lang::Fr));
        let d = detect_country(
            swiss,
            CountryEvidence {
                lang,
                ..CountryEvidence::default()
            },
        )
        .unwrap();
        assert_eq!(d.value, Country::CH);
    }

    #[test]
    fn a_failing_checksum_is_no_evidence() {
        assert_eq!(
            detect_country("USt-IdNr.: DE136695977", CountryEvidence::default()),
            None
        );
    }

    #[test]
    fn iban_and_language() {
        let (c, conf) = country(
            "IBAN: DE89 3704 0044 0532 0130 00\nGesamtbetrag 119,00 €",
            Some(Lang::De),
        );
        assert_eq!(c, "DE");
        assert!(conf > 0.8, "{conf}");
        // Austrian bank on a German-language invoice.
        let (c, _) = country(
            "IBAN AT61 1904 3002 3457 3201\nSumme 12,00 EUR",
            Some(Lang::De),
        );
        assert_eq!(c, "AT");
    }

    #[test]
    fn currencies_and_phones() {
        let (c, conf) = country("Total £120.00", None);
        assert_eq!(c, "GB");
        assert!(conf < 0.9, "{conf}");
        assert_eq!(
            country("Total CHF 1'234.50\nTel. +41 44 123 45 67", None).0,
            "CH"
        );
        assert_eq!(country("TOTAL RM9.90", None).0, "MY");
        assert_eq!(country("Tel: +33 1 42 68 53 00", None).0, "FR");
        assert_eq!(country("Tel: +351 21 123 4567", None).0, "PT");
        // Euro alone spreads over the eurozone: the language picks.
        assert_eq!(country("Total 12,00 €", Some(Lang::Nl)).0, "NL");
    }

    #[test]
    fn postcodes_and_names() {
        assert_eq!(country("Musterstr. 1, D-10115 Berlin", None).0, "DE");
        assert_eq!(country("Damrak 1, 1012 AB Amsterdam", None).0, "NL");
        assert_eq!(country("10 Downing Street, London SW1A 2AA", None).0, "GB");
        assert_eq!(country("Rua Augusta 10, 1100-053 Lisboa", None).0, "PT");
        assert_eq!(country("San Francisco, CA 94105", None).0, "US");
        assert_eq!(
            country("Bahnhofstrasse 1, 8001 Zürich, Schweiz", Some(Lang::De)).0,
            "CH"
        );
    }

    #[test]
    fn language_alone_is_weak() {
        let (c, conf) = country("Rechnung", Some(Lang::De));
        assert_eq!(c, "DE");
        assert!(conf < 0.5, "{conf}");
        assert_eq!(detect_country("", CountryEvidence::default()), None);
    }

    #[test]
    fn passed_ids_count_once() {
        let id = validate_eu_vat("DE136695976").unwrap();
        let ids = [id];
        let with = detect_country(
            "USt-IdNr. DE136695976",
            CountryEvidence {
                tax_ids: &ids,
                ..CountryEvidence::default()
            },
        )
        .unwrap();
        let without = detect_country("USt-IdNr. DE136695976", CountryEvidence::default()).unwrap();
        assert_eq!(with, without);
    }
}
