//! Function-word and letter evidence for the languages Grace's documents are
//! written in. Trigrams alone mix up Spanish, Catalan, Portuguese and Italian
//! on a sentence or two; the short words each language repeats constantly
//! (articles, prepositions, pronouns, auxiliaries) tell them apart.

use crate::LangOptions;
use std::collections::HashMap;
use std::sync::OnceLock;
use whatlang::Lang;

/// Frequent short words and telling letters of each language. A word listed
/// by several languages counts for each of them in proportion (1/k), so
/// only the words a language does not share move the answer much.
const EVIDENCE: &[(Lang, &str)] = &[
    (
        Lang::Spa,
        "el los las del al y en por para con una unos unas es está están son que se su sus muy pero \
         como más hay este esta estos estas hoy mañana ayer yo usted ustedes nosotros hemos he ha han \
         lo le les me mi mis tengo también antes después cuando dónde qué hasta sobre todavía ñ ción",
    ),
    (
        Lang::Por,
        "o os as do da dos das no na nos nas ao à e em por para com um uma uns umas é está estão são \
         que se seu sua muito mas como mais há este esta isto hoje amanhã ontem eu você nós temos tem \
         foi não ainda depois quando onde até num numa pela pelo ã õ ção ções lh nh",
    ),
    (
        Lang::Cat,
        "el els les la del dels al als i amb per una uns unes és està estan són que es em et ens us \
         meu meva teu teva seu seva seus aquest aquesta aquests molt però com més hi ha han hem he \
         tinc avui demà ahir jo vosaltres nosaltres encara després quan on fins sobre d' l' s' m' n' \
         'm 'n 's 't ny l·l ç à è ò",
    ),
    (
        Lang::Ita,
        "il lo la i gli le del della dei delle degli al alla ai alle e ed in per con un uno una è sono \
         che si suo sua suoi molto ma come più questo questa questi oggi domani ieri io noi lei \
         abbiamo ho ha hanno non ancora dopo quando dove fino sul sulla nel nella l' dell' all' un' \
         gn zz cch è ò",
    ),
    (
        Lang::Fra,
        "le la les du des au aux et en pour par avec un une est sont que qui se sa son ses très mais \
         comme plus il y a ce cette ces aujourd demain hier je nous vous avons ai ont ne pas \
         encore après quand où jusqu sur dans l' d' j' n' qu' s' c' oi eau ç è ê à œ",
    ),
    (
        Lang::Deu,
        "der die das den dem des ein eine einen einem und in im für mit von zu zum zur ist sind war \
         dass sich sein ihr sehr aber wie mehr es gibt dieser diese dieses heute morgen gestern ich \
         wir sie haben habe hat nicht noch nach wenn wo bis auf bei ä ö ü ß sch",
    ),
    (
        Lang::Eng,
        "the a an of to in on for with by and is are was were that this these those it its he she \
         they we you i have has had not do does did will would can could be been today tomorrow \
         yesterday when where until about my your our their th wh",
    ),
];

/// Weight of each evidence token per language.
fn table() -> &'static HashMap<&'static str, Vec<(Lang, f64)>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<(Lang, f64)>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut langs_of: HashMap<&'static str, Vec<Lang>> = HashMap::new();
        for (lang, words) in EVIDENCE {
            for w in words.split_whitespace() {
                let entry = langs_of.entry(w).or_default();
                if !entry.contains(lang) {
                    entry.push(*lang);
                }
            }
        }
        langs_of
            .into_iter()
            .map(|(w, langs)| {
                let share = 1.0 / langs.len() as f64;
                (w, langs.into_iter().map(|l| (l, share)).collect())
            })
            .collect()
    })
}

/// The tokens of `text` the table is keyed by: lowercase words, elided
/// articles and clitics with their apostrophe (`l'`, `'m`), and the
/// letters and letter groups listed as evidence.
fn tokens(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace('’', "'");
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '·')) {
        let word = raw.trim_matches('\'');
        if word.is_empty() {
            continue;
        }
        match word.split_once('\'') {
            Some((left, right)) => {
                // An elided article or clitic is short; keep its apostrophe, it is the evidence.
                if left.chars().count() <= 4 {
                    out.push(format!("{left}'"));
                }
                if right.chars().count() <= 2 {
                    out.push(format!("'{right}"));
                }
                out.push(left.to_string());
                out.push(right.to_string());
            }
            None => out.push(word.to_string()),
        }
    }
    // Letters and letter groups: counted once per word they appear in.
    let mut grams = Vec::new();
    for w in &out {
        let chars: Vec<char> = w.chars().collect();
        for n in 1..=4 {
            for g in chars.windows(n) {
                let g: String = g.iter().collect();
                if is_letter_evidence(&g) {
                    grams.push(g);
                }
            }
        }
    }
    out.extend(grams);
    out
}

/// Whether `g` is a letter or letter group listed as evidence (not a whole word).
fn is_letter_evidence(g: &str) -> bool {
    const LETTERS: &[&str] = &[
        "ñ", "ã", "õ", "ç", "à", "è", "ò", "ê", "œ", "ä", "ö", "ü", "ß", "ción", "ção", "ções",
        "lh", "nh", "ny", "l·l", "gn", "zz", "cch", "oi", "eau", "sch", "th", "wh",
    ];
    LETTERS.contains(&g)
}

/// Evidence score of each language for `text` (only languages with evidence).
pub fn scores(text: &str) -> HashMap<Lang, f64> {
    let table = table();
    let mut out = HashMap::new();
    for t in tokens(text) {
        if let Some(weights) = table.get(t.as_str()) {
            for (lang, w) in weights {
                *out.entry(*lang).or_insert(0.0) += w;
            }
        }
    }
    // Inverted question and exclamation marks are Spanish only (not letters, so not tokens).
    let inverted = text.chars().filter(|c| matches!(c, '¿' | '¡')).count();
    if inverted > 0 {
        *out.entry(Lang::Spa).or_insert(0.0) += inverted as f64;
    }
    out
}

/// Weight of the trigram model's pick, times its confidence, against the word evidence.
const MODEL_WEIGHT: f64 = 1.5;

/// Combines the trigram model's pick (`model`, with `confidence`) with the
/// word evidence; returns the language and a confidence in 0..1.
pub fn refine(text: &str, model: Lang, confidence: f64, options: &LangOptions) -> (Lang, f64) {
    let allowed = |l: &Lang| options.languages.is_empty() || options.languages.contains(l);
    let mut totals: Vec<(Lang, f64)> = scores(text)
        .into_iter()
        .filter(|(l, _)| allowed(l))
        .collect();
    match totals.iter_mut().find(|(l, _)| *l == model) {
        Some(entry) => entry.1 += MODEL_WEIGHT * confidence,
        None => totals.push((model, MODEL_WEIGHT * confidence)),
    }
    // Fixed order before picking, so ties resolve the same way every run.
    totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.code().cmp(b.0.code())));
    let (best, top) = totals[0];
    let second = totals.get(1).map_or(0.0, |t| t.1);
    if top <= 0.0 {
        return (model, confidence);
    }
    (best, (top - second + 0.5 * top) / (1.5 * top + 0.5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_elisions_and_clitics() {
        let t = tokens("L'import total, Truca'm!");
        for want in ["l'", "import", "total", "truca", "'m"] {
            assert!(t.iter().any(|x| x == want), "{want} in {t:?}");
        }
    }

    #[test]
    fn shared_words_count_in_proportion() {
        let s = scores("que");
        // "que" is listed by Spanish, Portuguese, Catalan and French.
        assert_eq!(s.len(), 4);
        assert!((s[&Lang::Spa] - 0.25).abs() < 1e-9);
    }

    #[test]
    fn catalan_beats_spanish_on_its_own_words() {
        let (lang, conf) = refine(
            "Avui fa molta calor a l'oficina.",
            Lang::Spa,
            0.3,
            &LangOptions::default(),
        );
        assert_eq!(lang, Lang::Cat);
        assert!(conf > 0.0 && conf <= 1.0);
    }

    #[test]
    fn allowlist_is_respected() {
        let opts = LangOptions {
            languages: vec![Lang::Spa],
        };
        let (lang, _) = refine("Avui fa molta calor a l'oficina.", Lang::Spa, 0.3, &opts);
        assert_eq!(lang, Lang::Spa);
    }
}
