//! Function-word and letter evidence for the languages Grace's documents are
//! written in. Trigrams alone mix up Spanish, Catalan, Portuguese and Italian
//! on a sentence or two; the short words each language repeats constantly
//! (articles, prepositions, pronouns, auxiliaries) tell them apart.

use crate::LangOptions;
use std::collections::HashMap;
use std::sync::OnceLock;
use whatlang::Lang;

/// Frequent short words and telling letters of each language. Only what
/// sets a language apart counts: a token listed by one language counts 1,
/// by two languages 1/4 each, by more nothing (`de`, `la`, `que` say little).
const EVIDENCE: &[(Lang, &str)] = &[
    (
        Lang::Spa,
        "el la los las un una unos unas de del al a y o en con por para que qué quién no sí es son \
         era ser estar está están estoy estamos tengo tiene tienes tenemos hemos he ha han hay lo le \
         les me te se nos mi mis tu tus su sus nuestro nuestra este esta estos estas ese esa eso \
         muy mucho mucha pero porque también todavía ya hoy mañana ayer cuando donde dónde como cómo \
         más menos hasta sin sobre entre usted ustedes gracias bien puedes puede quiero hace \
         vamos voy cuánto pronto después antes ahora aquí ñ ción ría",
    ),
    (
        Lang::Por,
        "o os a as um uma uns umas de do da das no na nos nas ao aos à às e ou em com por para \
         pelo pela que não sim é são era ser estar está estão estou estamos tenho tem temos foi lhe \
         me te se nos meu minha meus minhas teu tua seu sua seus suas nosso nossa este esta isto \
         esse essa isso muito muita mas porque também ainda já hoje amanhã ontem quando onde como \
         mais menos até sem sobre entre você vocês obrigado obrigada bem pode podes quero faz vamos \
         num numa aqui agora depois antes -la -lo -me -se -nos ã õ ão ões ção ções lh nh",
    ),
    (
        Lang::Cat,
        "el els la les un una uns unes de del dels al als a i o amb per en que què qui no sí és són \
         era ser estar està estan estic estem tinc té tens tenim hem heu han he ha hi ho em et es \
         ens us li meu meva meus meves teu teva seu seva seus seves nostre nostra vostre vostra \
         aquest aquesta aquests aquestes aquell aquella molt molta moltes però perquè també encara \
         ja avui demà ahir quan on com més menys fins sense sobre entre gràcies plau bé pot pots puc \
         vull fa fer anem d' l' s' m' n' 'm 'n 's 't 'l 'ns -la -lo -me -se -nos -ho -hi -ne l·l \
         tx ts$ ç à è ò",
    ),
    (
        Lang::Ita,
        "il lo la i gli le un uno una di del dello della dei degli delle al allo alla ai agli alle \
         da dal dalla e ed o in nel nella con per su sul sulla fra tra che chi non sì è sono era \
         essere sto sta stiamo ho hai ha abbiamo avete hanno mi ti si ci vi ne mio mia miei mie tuo \
         tua suo sua nostro nostra questo questa questi quello quella molto molta ma perché anche \
         ancora già oggi domani ieri quando dove come più meno fino senza grazie prego bene puoi \
         può posso voglio vorrei fa fare andiamo qui adesso dopo prima l' dell' all' nell' un' \
         gli gn zz cch zione ì ò ù",
    ),
    (
        Lang::Fra,
        "le la les un une des de du au aux et ou en dans sur pour par avec sans que qui quoi ne \
         pas plus est sont était être suis sommes ai as avons avez ont a il elle ils elles on je \
         tu nous vous me te se mon ma mes ton ta tes son sa ses notre nos votre vos leur ce cette \
         ces mais ou où très bien aussi encore déjà aujourd hui demain hier quand comme moins jusqu \
         merci avant après peut pouvez pourriez veux voudrais fait faire allons ici maintenant \
         l' d' j' n' qu' s' c' m' -vous -moi -tu -il -elle -nous -toi -on eau ç è ê à œ",
    ),
    (
        Lang::Deu,
        "der die das den dem des ein eine einen einem einer und oder aber in im am an auf aus bei \
         mit nach von vor zu zum zur für um über ist sind war waren bin bist hat haben habe hast \
         wird werden kann können möchte will nicht kein keine noch schon auch nur sehr viel heute \
         morgen gestern ich du er sie es wir ihr mich mir dich dir uns euch mein meine dein sein \
         seine ihre unser dieser diese dieses wenn wann wo wie was dass bitte danke bis ab ä ö ü ß \
         sch",
    ),
    (
        Lang::Eng,
        "the a an of to in on at for with by from and or but is are was were be been that this \
         these those it its he she they we you i me my your our their his her have has had not \
         do does did will would can could should today tomorrow yesterday when where what which \
         who until about please thank thanks very too much more some any there here all also just \
         again get know want like need 't 's 're 'll th wh",
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
                let share = match langs.len() {
                    1 => 1.0,
                    2 => 0.25,
                    _ => 0.0,
                };
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
    for raw in lower.split(|c: char| !(c.is_alphabetic() || matches!(c, '\'' | '·' | '-'))) {
        // Hyphenated clitics (`prepará-la`, `pourriez-vous`) are evidence with their hyphen.
        let mut parts = raw.split('-').filter(|p| !p.is_empty());
        let Some(first) = parts.next() else {
            continue;
        };
        for clitic in parts {
            let clitic = clitic.trim_matches('\'');
            out.push(format!("-{clitic}"));
            out.push(clitic.to_string());
        }
        let word = first.trim_matches('\'');
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
    // Letters and letter groups, each time they occur.
    let mut grams = Vec::new();
    for w in &out {
        let chars: Vec<char> = w.chars().collect();
        for n in 1..=5 {
            for g in chars.windows(n) {
                let g: String = g.iter().collect();
                if is_letter_evidence(&g) {
                    grams.push(g);
                }
            }
        }
    }
    out.extend(grams);
    // Word endings: plural `-ts` is Catalan (`minuts`, `cents`).
    let endings: Vec<String> = out
        .iter()
        .filter(|w| w.chars().count() > 3 && w.ends_with("ts"))
        .map(|_| "ts$".to_string())
        .collect();
    out.extend(endings);
    out
}

/// Whether `g` is a letter or letter group listed as evidence (not a whole word).
fn is_letter_evidence(g: &str) -> bool {
    const LETTERS: &[&str] = &[
        "ñ", "ã", "õ", "ç", "à", "è", "ò", "ì", "ù", "ê", "œ", "ä", "ö", "ü", "ß", "ción", "ría",
        "ção", "ções", "ão", "ões", "lh", "nh", "l·l", "tx", "gli", "gn", "zz", "cch", "zione",
        "eau", "sch", "th", "wh",
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

/// Weight of the model's per-language score (0..1) against one distinctive
/// word: scores of close languages differ by a few hundredths, so a couple
/// of telling words decide between them while a clear model margin stands.
const MODEL_WEIGHT: f64 = 12.0;

/// The model's score (0..1) of every language it considers for `text`.
fn model_scores(text: &str) -> Vec<(Lang, f64)> {
    use whatlang::dev::{raw_detect, RawLangInfo};
    match raw_detect(text).lang_info {
        Some(RawLangInfo::MultiScript(combined)) => combined.scores,
        Some(RawLangInfo::OneScript(lang) | RawLangInfo::Mandarin(lang)) => vec![(lang, 1.0)],
        None => Vec::new(),
    }
}

/// Combines the trigram/alphabet model's score of every candidate language
/// with the word evidence; returns the language and a confidence in 0..1,
/// or the model's own pick (`model`, `confidence`) when nothing else scores.
pub fn refine(text: &str, model: Lang, confidence: f64, options: &LangOptions) -> (Lang, f64) {
    let allowed = |l: &Lang| options.languages.is_empty() || options.languages.contains(l);
    let words = scores(text);
    let mut totals: Vec<(Lang, f64)> = model_scores(text)
        .into_iter()
        .filter(|(l, _)| allowed(l))
        .map(|(l, m)| (l, MODEL_WEIGHT * m + words.get(&l).copied().unwrap_or(0.0)))
        .collect();
    if totals.is_empty() {
        return (model, confidence);
    }
    // Fixed order before picking, so ties resolve the same way every run.
    totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.code().cmp(b.0.code())));
    let (best, top) = totals[0];
    if top <= 0.0 {
        return (model, confidence);
    }
    // Softmax share of the winner: one distinctive word of margin gives ~0.73.
    let mass: f64 = totals.iter().map(|(_, t)| (t - top).exp()).sum();
    (best, 1.0 / mass)
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
    fn shared_words_count_less() {
        // "que" is listed by Spanish, Portuguese, Catalan and French: no evidence.
        assert!(scores("que").values().all(|v| *v == 0.0));
        // "ho" by Catalan and Italian: a quarter each.
        assert!((scores("ho")[&Lang::Cat] - 0.25).abs() < 1e-9);
        assert_eq!(scores("obrigado")[&Lang::Por], 1.0);
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
