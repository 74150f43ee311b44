//! ISO 639-1 codes of the languages the model knows (it names them by ISO 639-3).

use whatlang::Lang;

/// (language, ISO 639-1) for every language with a two-letter code.
const ISO639_1: &[(Lang, &str)] = &[
    (Lang::Epo, "eo"),
    (Lang::Eng, "en"),
    (Lang::Rus, "ru"),
    (Lang::Cmn, "zh"),
    (Lang::Spa, "es"),
    (Lang::Por, "pt"),
    (Lang::Ita, "it"),
    (Lang::Ben, "bn"),
    (Lang::Fra, "fr"),
    (Lang::Deu, "de"),
    (Lang::Ukr, "uk"),
    (Lang::Kat, "ka"),
    (Lang::Ara, "ar"),
    (Lang::Hin, "hi"),
    (Lang::Jpn, "ja"),
    (Lang::Heb, "he"),
    (Lang::Yid, "yi"),
    (Lang::Pol, "pl"),
    (Lang::Amh, "am"),
    (Lang::Jav, "jv"),
    (Lang::Kor, "ko"),
    (Lang::Nob, "nb"),
    (Lang::Dan, "da"),
    (Lang::Swe, "sv"),
    (Lang::Fin, "fi"),
    (Lang::Tur, "tr"),
    (Lang::Nld, "nl"),
    (Lang::Hun, "hu"),
    (Lang::Ces, "cs"),
    (Lang::Ell, "el"),
    (Lang::Bul, "bg"),
    (Lang::Bel, "be"),
    (Lang::Mar, "mr"),
    (Lang::Kan, "kn"),
    (Lang::Ron, "ro"),
    (Lang::Slv, "sl"),
    (Lang::Hrv, "hr"),
    (Lang::Srp, "sr"),
    (Lang::Mkd, "mk"),
    (Lang::Lit, "lt"),
    (Lang::Lav, "lv"),
    (Lang::Est, "et"),
    (Lang::Tam, "ta"),
    (Lang::Vie, "vi"),
    (Lang::Urd, "ur"),
    (Lang::Tha, "th"),
    (Lang::Guj, "gu"),
    (Lang::Uzb, "uz"),
    (Lang::Pan, "pa"),
    (Lang::Aze, "az"),
    (Lang::Ind, "id"),
    (Lang::Tel, "te"),
    (Lang::Pes, "fa"),
    (Lang::Mal, "ml"),
    (Lang::Ori, "or"),
    (Lang::Mya, "my"),
    (Lang::Nep, "ne"),
    (Lang::Sin, "si"),
    (Lang::Khm, "km"),
    (Lang::Tuk, "tk"),
    (Lang::Aka, "ak"),
    (Lang::Zul, "zu"),
    (Lang::Sna, "sn"),
    (Lang::Afr, "af"),
    (Lang::Lat, "la"),
    (Lang::Slk, "sk"),
    (Lang::Cat, "ca"),
    (Lang::Tgl, "tl"),
    (Lang::Hye, "hy"),
    (Lang::Cym, "cy"),
];

/// The ISO 639-1 code of `lang`, when it has one.
pub fn iso639_1(lang: Lang) -> Option<&'static str> {
    ISO639_1.iter().find(|(l, _)| *l == lang).map(|(_, c)| *c)
}

/// The language named by an ISO 639-1 or 639-3 code (lowercase).
pub fn lang_from_code(code: &str) -> Option<Lang> {
    ISO639_1
        .iter()
        .find(|(_, c)| *c == code)
        .map(|(l, _)| *l)
        .or_else(|| Lang::from_code(code))
}

/// Every accepted code: the ISO 639-3 code of each language, then the 639-1 codes.
pub fn all_codes() -> Vec<&'static str> {
    Lang::all()
        .iter()
        .map(|l| l.code())
        .chain(ISO639_1.iter().map(|(_, c)| *c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        assert_eq!(lang_from_code("ca"), Some(Lang::Cat));
        assert_eq!(lang_from_code("cat"), Some(Lang::Cat));
        assert_eq!(iso639_1(Lang::Pes), Some("fa"));
        assert_eq!(lang_from_code("xx"), None);
        // Every language the model knows has a two-letter code in the table.
        for l in Lang::all() {
            assert!(iso639_1(*l).is_some(), "{l:?}");
        }
    }
}
