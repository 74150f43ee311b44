//! Which language a document is written in, from the words it uses.
//!
//! Every pack word (stop words and label phrases) is evidence for the
//! languages whose packs list it; a word listed by several languages
//! (`total`, `de`) is split between them and weakened, so only the words
//! that tell languages apart decide. Longer label phrases weigh more: a
//! three-word label is far rarer by chance than a word.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{saturation, Decision};
use crate::packs::{all_packs, ocr_fold, words, Lang};

/// Longest phrase, in words, the matcher tries.
const MAX_PHRASE: usize = 5;

/// Evidence, in weighted words, that counts for half a certainty.
const HALF_EVIDENCE: f32 = 2.0;

/// A term found only through OCR folding counts this much of a term
/// read right.
const FOLDED: f32 = 0.8;

/// Terms and the languages that use them (bit `i` = `Lang::ALL[i]`), as
/// listed and OCR-folded ([`ocr_fold`]).
struct Index {
    terms: HashMap<String, u8>,
    folded: HashMap<String, u8>,
}

impl Index {
    /// The languages of a phrase and how much a match is worth.
    fn get(&self, phrase: &str) -> Option<(u8, f32)> {
        if let Some(&mask) = self.terms.get(phrase) {
            return Some((mask, 1.0));
        }
        self.folded
            .get(&ocr_fold(phrase))
            .map(|&mask| (mask, FOLDED))
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut terms: HashMap<String, u8> = HashMap::new();
        for pack in all_packs() {
            let bit = 1u8 << Lang::ALL.iter().position(|&l| l == pack.lang).unwrap_or(0);
            let labels = pack.labels.iter().map(|&(p, _)| p);
            // Labels of one or two letters (`n`, `no`, `%`) are not evidence
            // of a language; stop words are chosen to be.
            let labels = labels.filter(|p| p.chars().filter(|c| c.is_alphabetic()).count() >= 3);
            for term in labels.chain(pack.stop_words.iter().copied()) {
                *terms.entry(term.to_string()).or_default() |= bit;
            }
        }
        let mut folded: HashMap<String, u8> = HashMap::new();
        for (term, &mask) in &terms {
            *folded.entry(ocr_fold(term)).or_default() |= mask;
        }
        Index { terms, folded }
    })
}

/// Weighted evidence per language (indexed like `Lang::ALL`).
fn evidence(text: &str) -> [f32; 7] {
    let index = index();
    let words = words(text);
    let mut score = [0f32; 7];
    let mut i = 0;
    while i < words.len() {
        let mut hit = None;
        for n in (1..=MAX_PHRASE.min(words.len() - i)).rev() {
            let phrase = words[i..i + n].join(" ");
            if let Some((mask, worth)) = index.get(&phrase) {
                hit = Some((n, mask, worth));
                break;
            }
        }
        let Some((n, mask, worth)) = hit else {
            i += 1;
            continue;
        };
        let shared = mask.count_ones() as f32;
        let weight = worth * (1.0 + 0.5 * (n as f32 - 1.0)).min(2.0) / shared.powf(1.5);
        for (l, s) in score.iter_mut().enumerate() {
            if mask & (1 << l) != 0 {
                *s += weight;
            }
        }
        i += n;
    }
    score
}

/// Languages with any evidence in `text`, the most likely first, each with
/// its share of the evidence (the shares sum to 1). Works on OCR text:
/// case, accents and punctuation do not matter.
pub fn detect_language(text: &str) -> Vec<(Lang, f32)> {
    let score = evidence(text);
    let total: f32 = score.iter().sum();
    let mut out: Vec<(Lang, f32)> = Lang::ALL
        .into_iter()
        .zip(score)
        .filter(|&(_, s)| s > 0.0)
        .map(|(l, s)| (l, s / total))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// The most likely language, `None` when `text` holds no evidence. The
/// confidence is the language's share of the evidence scaled by how much
/// evidence there was: a three-word receipt never reaches certainty, and a
/// document mixing two languages stays near one half.
pub fn decide_language(text: &str) -> Option<Decision<Lang>> {
    let score = evidence(text);
    let total: f32 = score.iter().sum();
    let (best, &s) = score.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    if s <= 0.0 {
        return None;
    }
    let share = s / total;
    Some(Decision::new(
        Lang::ALL[best],
        share * saturation(s, HALF_EVIDENCE),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(text: &str) -> (Lang, f32) {
        let d = decide_language(text).unwrap_or_else(|| panic!("no language for {text:?}"));
        (d.value, d.confidence)
    }

    /// The snippet, also without accents and in capitals (how OCR and
    /// till printers give it), reads as `lang` with good confidence.
    fn check(lang: Lang, text: &str) {
        let stripped = crate::text::fold(text);
        for t in [text.to_string(), stripped.clone(), stripped.to_uppercase()] {
            let (l, c) = best(&t);
            assert_eq!(l, lang, "{t:?}: {:?}", detect_language(&t));
            assert!(c > 0.6, "{t:?}: confidence {c}");
        }
    }

    #[test]
    fn invoices_in_each_language() {
        check(
            Lang::Es,
            "FACTURA Nº 2024/0012\nFecha de emisión: 14/03/2024\nCliente: Talleres García S.L.\nBase imponible 100,00\nIVA 21% 21,00\nTotal a pagar 121,00 €\nForma de pago: transferencia",
        );
        check(
            Lang::En,
            "INVOICE\nInvoice number: INV-1042\nBill to: Acme Ltd\nDescription Qty Unit price Amount\nSubtotal 100.00\nVAT 20% 20.00\nAmount due £120.00\nPayment terms: 30 days",
        );
        check(
            Lang::De,
            "Rechnung\nRechnungsnummer: RE-2024-118\nRechnungsdatum: 14.03.2024\nLeistungsdatum: März 2024\nNettobetrag 100,00 €\nzzgl. 19 % MwSt. 19,00 €\nGesamtbetrag 119,00 €\nZahlbar innerhalb von 14 Tagen ohne Abzug.\nUSt-IdNr.: DE136695976",
        );
        check(
            Lang::Fr,
            "FACTURE N° F2024-031\nDate de facture : 14/03/2024\nDésignation Qté Prix unitaire HT Montant HT\nTotal HT 100,00 €\nTVA 20 % 20,00 €\nTotal TTC 120,00 €\nNet à payer 120,00 €\nConditions de paiement : 30 jours",
        );
        check(
            Lang::Nl,
            "FACTUUR\nFactuurnummer: 2024-077\nFactuurdatum: 14-03-2024\nOmschrijving Aantal Prijs Bedrag\nSubtotaal € 100,00\nBTW 21% € 21,00\nTotaal te betalen € 121,00\nGelieve binnen 14 dagen over te maken op rekening NL91ABNA0417164300",
        );
        check(
            Lang::It,
            "FATTURA N. 45/2024\nData: 14/03/2024\nSpett.le Rossi S.r.l.\nDescrizione Quantità Prezzo unitario Importo\nImponibile 100,00\nIVA 22% 22,00\nTotale documento 122,00 €\nModalità di pagamento: bonifico bancario",
        );
        check(
            Lang::Pt,
            "FATURA N.º FT 2024/55\nData de emissão: 14-03-2024\nContribuinte n.º 501964843\nDescrição Qtd Preço unitário Valor\nTotal ilíquido 100,00\nIVA 23% 23,00\nTotal a pagar 123,00 €\nObrigado pela sua preferência",
        );
    }

    #[test]
    fn short_receipts() {
        assert_eq!(best("TOTAL 12,50\nEFECTIVO 20,00\nCAMBIO 7,50").0, Lang::Es);
        assert_eq!(
            best("SUMME EUR 12,50\nGEGEBEN BAR 20,00\nRÜCKGELD 7,50").0,
            Lang::De
        );
        assert_eq!(best("TOTAL 12,50\nESPECES 20,00\nRENDU 7,50").0, Lang::Fr);
        assert_eq!(
            best("TOTAAL 12,50\nCONTANT 20,00\nWISSELGELD 7,50").0,
            Lang::Nl
        );
        assert_eq!(best("TOTALE 12,50\nCONTANTI 20,00\nRESTO 7,50").0, Lang::It);
        assert_eq!(best("TOTAL 12,50\nNUMERARIO 20,00\nTROCO 7,50").0, Lang::Pt);
        assert_eq!(
            best("TOTAL RM 9.90\nCASH 10.00\nCHANGE 0.10\nTHANK YOU").0,
            Lang::En
        );
    }

    #[test]
    fn ocr_misreads() {
        assert_eq!(
            best("RECHNUNG\nNett0betrag 100,00\nGesamtbetrag 119,00\nZahIbar innerhalb 14 Tagen").0,
            Lang::De
        );
        assert_eq!(
            best("FACTURA\nT0TAL A PAGAR 121,00\nBASE lMPONIBLE 100,00\nCUOTA IVA 21,00").0,
            Lang::Es
        );
        assert_eq!(
            best("FATTURA\nlMPONIBILE 100,00\nT0TALE DOCUMENTO 122,00").0,
            Lang::It
        );
    }

    #[test]
    fn confidence_is_meaningful() {
        // One shared word: some evidence, no certainty.
        let (_, tiny) = best("Total 12,50");
        assert!(tiny < 0.3, "{tiny}");
        // Half German, half French.
        let mixed = "Rechnung Rechnungsdatum Zahlbar innerhalb Facture Date de facture Net à payer";
        let (_, c) = best(mixed);
        assert!(c < 0.7, "{c}");
        let ranked = detect_language(mixed);
        assert!(ranked.len() >= 2);
        let sum: f32 = ranked.iter().map(|r| r.1).sum();
        assert!((sum - 1.0).abs() < 1e-4);
        assert_eq!(decide_language(""), None);
        assert_eq!(decide_language("12,50 4711 ###"), None);
    }
}
