//! The Spanish and English label lexicon and how labels are found in a line.
//!
//! Labels are matched word by word on a normalized form (lowercase, accents
//! and punctuation dropped, `Nº` read as `no`), so `Fecha de emisión:`,
//! `FECHA DE EMISION` and `fecha emisión` all hit the same entry. The longest
//! entry wins, which keeps `Total IVA` from reading as `Total` and
//! `Fecha factura rectificada` from reading as the issue date.

use std::borrow::Cow;

use grace_invoice_rules::packs::{FieldKind, Lang};

use crate::layout::{Page, Span};

/// What a label announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelKind {
    /// Document number.
    InvoiceNumber,
    /// The number of the invoice a credit note corrects.
    RectifiedNumber,
    /// The date of the invoice a credit note corrects.
    RectifiedDate,
    /// Issue date.
    IssueDate,
    /// Due date.
    DueDate,
    /// Grand total.
    Total,
    /// Sum of bases.
    Subtotal,
    /// A tax base (`Base 21%`, `Base imponible` in a tax table).
    TaxBase,
    /// Sum of taxes.
    TaxTotal,
    /// A tax amount (`IVA 21%`, `Cuota`).
    Tax,
    /// Withholding (IRPF).
    Withholding,
    /// What is left to pay (or to refund).
    AmountDue,
    /// Bank account.
    Iban,
    /// How it is paid.
    PaymentMethod,
    /// A tax identification number.
    TaxId,
    /// Cash handed over.
    Cash,
    /// Change given back.
    Change,
    /// Rounding adjustment.
    Rounding,
    /// Totals that are not money (items, quantity).
    NotMoney,
    /// Heading of the vendor block.
    VendorHeader,
    /// Heading of the customer block.
    CustomerHeader,
    /// Phone number.
    Phone,
    /// Time of day.
    Time,
    /// Description column of an item table.
    ColDescription,
    /// Quantity column.
    ColQuantity,
    /// Unit price column.
    ColUnitPrice,
    /// Tax rate column.
    ColRate,
    /// Line amount column.
    ColAmount,
    /// Delivery or service date: a date that is not the issue date.
    DeliveryDate,
    /// Customer, order or company number: a number that is not the invoice's.
    OtherNumber,
    /// Payment terms.
    PaymentTerms,
    /// Bank identifier code or bank name.
    Bank,
    /// E-mail address.
    Email,
    /// A tax rate column or label.
    TaxRate,
    /// The document's title (`Rechnung`, `Facture`).
    DocumentTitle,
}

impl LabelKind {
    /// Name used in `key_values`.
    pub fn name(self) -> &'static str {
        match self {
            LabelKind::InvoiceNumber => "invoice_number",
            LabelKind::RectifiedNumber => "rectified_invoice",
            LabelKind::RectifiedDate => "rectified_date",
            LabelKind::IssueDate => "issue_date",
            LabelKind::DueDate => "due_date",
            LabelKind::Total => "total",
            LabelKind::Subtotal => "subtotal",
            LabelKind::TaxBase => "tax_base",
            LabelKind::TaxTotal => "tax_total",
            LabelKind::Tax => "tax",
            LabelKind::Withholding => "withholding",
            LabelKind::AmountDue => "amount_due",
            LabelKind::Iban => "iban",
            LabelKind::PaymentMethod => "payment_method",
            LabelKind::TaxId => "tax_id",
            LabelKind::Cash => "cash",
            LabelKind::Change => "change",
            LabelKind::Rounding => "rounding",
            LabelKind::NotMoney => "count",
            LabelKind::VendorHeader => "vendor",
            LabelKind::CustomerHeader => "customer",
            LabelKind::Phone => "phone",
            LabelKind::Time => "time",
            LabelKind::ColDescription => "description",
            LabelKind::ColQuantity => "quantity",
            LabelKind::ColUnitPrice => "unit_price",
            LabelKind::ColRate => "tax_rate",
            LabelKind::ColAmount => "amount",
            LabelKind::DeliveryDate => "delivery_date",
            LabelKind::OtherNumber => "reference_number",
            LabelKind::PaymentTerms => "payment_terms",
            LabelKind::Bank => "bank",
            LabelKind::Email => "email",
            LabelKind::TaxRate => "tax_rate",
            LabelKind::DocumentTitle => "document_title",
        }
    }

    /// Headings and column titles stand alone: their "value" is a block or
    /// a column, not the text beside them.
    pub fn is_heading(self) -> bool {
        matches!(
            self,
            LabelKind::VendorHeader
                | LabelKind::CustomerHeader
                | LabelKind::ColDescription
                | LabelKind::ColQuantity
                | LabelKind::ColUnitPrice
                | LabelKind::ColRate
                | LabelKind::ColAmount
                | LabelKind::DocumentTitle
        )
    }
}

use LabelKind as K;

/// The labels a document is read with: the base lexicon first (it decides
/// ties), then the packs of the languages the document is written in.
#[derive(Debug, Clone)]
pub struct Lexicon {
    entries: Vec<(Cow<'static, str>, LabelKind)>,
    /// The page's language builds compounds (German, Dutch): a label's head
    /// word may end a longer word (`Handelsrechnung`).
    compounds: bool,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon {
            entries: LEXICON
                .iter()
                .map(|&(p, k)| (Cow::Borrowed(p), k))
                .collect(),
            compounds: false,
        }
    }
}

impl Lexicon {
    /// The base lexicon plus the labels of `langs`' packs.
    pub fn for_languages(langs: &[Lang]) -> Lexicon {
        let mut lexicon = Lexicon {
            compounds: langs.iter().any(|l| matches!(l, Lang::De | Lang::Nl)),
            ..Lexicon::default()
        };
        for lang in langs {
            for &(phrase, kind) in lang.pack().labels {
                let Some(kind) = label_kind(kind) else {
                    continue;
                };
                // Packs split elisions (`date d echeance`); a page's word
                // keeps them whole (`d'échéance` reads `decheance`).
                let elided = elision_joined(phrase);
                for p in std::iter::once(Cow::Borrowed(phrase)).chain(elided.map(Cow::Owned)) {
                    if !lexicon.entries.iter().any(|(q, k)| *q == p && *k == kind) {
                        lexicon.entries.push((p, kind));
                    }
                }
            }
        }
        lexicon
    }
}

/// `date d echeance` → `date decheance`: a one-letter elided article
/// joined to the word after it, as the page writes it; None when there is
/// no such article.
fn elision_joined(phrase: &str) -> Option<String> {
    let words: Vec<&str> = phrase.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut joined = false;
    let mut i = 0;
    while i < words.len() {
        if matches!(words[i], "d" | "l") && i + 1 < words.len() {
            out.push(format!("{}{}", words[i], words[i + 1]));
            joined = true;
            i += 2;
        } else {
            out.push(words[i].to_string());
            i += 1;
        }
    }
    joined.then(|| out.join(" "))
}

/// What a pack's field kind announces on the page (None: nothing the
/// extractor reads, such as a quote's title).
fn label_kind(kind: FieldKind) -> Option<LabelKind> {
    use FieldKind as F;
    Some(match kind {
        F::InvoiceNumber => K::InvoiceNumber,
        F::RectifiedNumber => K::RectifiedNumber,
        F::RectifiedDate => K::RectifiedDate,
        F::IssueDate => K::IssueDate,
        F::DueDate => K::DueDate,
        F::DeliveryDate => K::DeliveryDate,
        F::Total => K::Total,
        F::Subtotal => K::Subtotal,
        F::TaxBase => K::TaxBase,
        F::TaxTotal => K::TaxTotal,
        F::Tax => K::Tax,
        F::TaxRate => K::TaxRate,
        F::Withholding => K::Withholding,
        F::AmountDue => K::AmountDue,
        F::Iban => K::Iban,
        F::Bic | F::Bank => K::Bank,
        F::PaymentMethod => K::PaymentMethod,
        F::PaymentTerms => K::PaymentTerms,
        F::TaxId => K::TaxId,
        F::CompanyId | F::CustomerNumber | F::OrderNumber => K::OtherNumber,
        F::Cash => K::Cash,
        F::Change => K::Change,
        F::Rounding => K::Rounding,
        F::NotMoney => K::NotMoney,
        F::VendorHeader => K::VendorHeader,
        F::CustomerHeader => K::CustomerHeader,
        F::Phone => K::Phone,
        F::Email => K::Email,
        F::Time => K::Time,
        F::ColDescription => K::ColDescription,
        F::ColQuantity => K::ColQuantity,
        F::ColUnitPrice => K::ColUnitPrice,
        F::ColRate => K::ColRate,
        F::ColAmount => K::ColAmount,
        F::DocumentTitle(_) => K::DocumentTitle,
    })
}

/// The lexicon: normalized words of each label (Spanish first, then English).
#[rustfmt::skip]
const LEXICON: &[(&str, LabelKind)] = &[
    ("factura no", K::InvoiceNumber), ("factura n", K::InvoiceNumber), ("no factura", K::InvoiceNumber),
    ("n factura", K::InvoiceNumber), ("numero factura", K::InvoiceNumber), ("numero de factura", K::InvoiceNumber),
    ("num factura", K::InvoiceNumber), ("factura numero", K::InvoiceNumber), ("no rectificativa", K::InvoiceNumber),
    ("n rectificativa", K::InvoiceNumber), ("numero", K::InvoiceNumber), ("no", K::InvoiceNumber),
    ("n", K::InvoiceNumber), ("fra simpl", K::InvoiceNumber), ("ticket", K::InvoiceNumber),
    ("ticket no", K::InvoiceNumber), ("n ticket", K::InvoiceNumber), ("no ticket", K::InvoiceNumber),
    ("factura simplificada no", K::InvoiceNumber), ("num", K::InvoiceNumber),
    ("invoice no", K::InvoiceNumber), ("invoice number", K::InvoiceNumber), ("invoice", K::InvoiceNumber),
    ("inv no", K::InvoiceNumber), ("bill no", K::InvoiceNumber), ("receipt no", K::InvoiceNumber),
    ("doc no", K::InvoiceNumber), ("document no", K::InvoiceNumber), ("receipt", K::InvoiceNumber),
    ("factura rectificada", K::RectifiedNumber), ("rectifica a", K::RectifiedNumber),
    ("fecha factura rectificada", K::RectifiedDate),
    ("fecha", K::IssueDate), ("fecha factura", K::IssueDate), ("fecha de factura", K::IssueDate),
    ("fecha de emision", K::IssueDate), ("fecha emision", K::IssueDate), ("fecha expedicion", K::IssueDate),
    ("fecha de expedicion", K::IssueDate), ("date", K::IssueDate), ("datum", K::IssueDate), ("bill date", K::IssueDate), ("invoice date", K::IssueDate),
    ("fecha de vencimiento", K::DueDate), ("fecha vencimiento", K::DueDate), ("vencimiento", K::DueDate),
    ("fecha vto", K::DueDate), ("vto", K::DueDate), ("due date", K::DueDate), ("payment due", K::DueDate),
    ("total", K::Total), ("total factura", K::Total), ("total eur", K::Total), ("total rectificativa", K::Total),
    ("importe total", K::Total), ("total importe", K::Total), ("grand total", K::Total), ("grandtotal", K::Total),
    ("total amount", K::Total), ("total rm", K::Total), ("total incl gst", K::Total),
    ("total inclusive gst", K::Total), ("total sales", K::Total), ("total sales inclusive gst", K::Total),
    ("total sales incl gst", K::Total), ("nett total", K::Total), ("net total", K::Total),
    ("total payable", K::Total), ("amount payable", K::Total), ("total rounded", K::Total),
    ("rounded total", K::Total), ("total due", K::Total), ("total incl", K::Total), ("betrag", K::Total),
    ("summe", K::Total), ("gesamt", K::Total), ("zu zahlen", K::Total), ("gesamtbetrag", K::Total),
    ("total a pagar", K::AmountDue), ("importe a pagar", K::AmountDue), ("a pagar", K::AmountDue),
    ("importe a devolver", K::AmountDue), ("amount due", K::AmountDue), ("balance due", K::AmountDue),
    ("subtotal", K::Subtotal), ("sub total", K::Subtotal), ("base imponible", K::Subtotal),
    ("suma base imponible", K::Subtotal), ("total base imponible", K::Subtotal), ("total base", K::Subtotal),
    ("total excl gst", K::Subtotal), ("total exclusive gst", K::Subtotal), ("total excluding gst", K::Subtotal),
    ("total excl", K::Subtotal), ("total sales excluding gst", K::Subtotal),
    ("total sales exclusive gst", K::Subtotal), ("total sales excl gst", K::Subtotal),
    ("total excluding tax", K::Subtotal), ("amount excluding gst", K::Subtotal), ("gsttax", K::Tax), ("net amount", K::Subtotal), ("total before tax", K::Subtotal),
    ("base", K::TaxBase),
    ("total iva", K::TaxTotal), ("cuota iva", K::Tax), ("cuota", K::Tax), ("iva", K::Tax), ("igic", K::Tax),
    ("ipsi", K::Tax), ("recargo de equivalencia", K::Tax), ("vat", K::Tax), ("gst", K::Tax),
    ("sst", K::Tax), ("tax", K::Tax), ("total gst", K::TaxTotal), ("total tax", K::TaxTotal),
    ("total vat", K::TaxTotal), ("gst amount", K::TaxTotal), ("tax amount", K::TaxTotal),
    ("total gst amount", K::TaxTotal), ("total sst", K::TaxTotal), ("mwst", K::Tax),
    ("retencion irpf", K::Withholding), ("irpf", K::Withholding), ("retencion", K::Withholding),
    ("withholding", K::Withholding),
    ("iban", K::Iban), ("cuenta iban", K::Iban), ("cuenta bancaria iban", K::Iban), ("cuenta", K::Iban),
    ("forma de pago", K::PaymentMethod), ("metodo de pago", K::PaymentMethod), ("pago", K::PaymentMethod),
    ("payment method", K::PaymentMethod), ("payment", K::PaymentMethod), ("paid by", K::PaymentMethod),
    ("nif", K::TaxId), ("cif", K::TaxId), ("nie", K::TaxId), ("dni", K::TaxId), ("nif cif", K::TaxId),
    ("nif iva", K::TaxId), ("vat no", K::TaxId), ("vat number", K::TaxId), ("gst reg no", K::TaxId),
    ("gst id", K::TaxId), ("gst no", K::TaxId), ("tax id", K::TaxId), ("ust id", K::TaxId),
    ("cash", K::Cash), ("entregado", K::Cash), ("efectivo entregado", K::Cash), ("tendered", K::Cash),
    ("cash tendered", K::Cash), ("gegeben", K::Cash),
    ("cambio", K::Change), ("change", K::Change), ("devolucion", K::Change), ("zuruck", K::Change),
    ("ruckgeld", K::Change), ("ruckgabe", K::Change),
    ("rounding", K::Rounding), ("rounding adj", K::Rounding), ("rounding adjustment", K::Rounding),
    ("round adj", K::Rounding), ("redondeo", K::Rounding),
    ("total qty", K::NotMoney), ("total qy", K::NotMoney), ("total qt", K::NotMoney), ("total quantity", K::NotMoney), ("total items", K::NotMoney),
    ("total item", K::NotMoney), ("total articulos", K::NotMoney), ("total unidades", K::NotMoney),
    ("total qty tender", K::NotMoney), ("total savings", K::NotMoney), ("total discount", K::NotMoney),
    ("total number of items", K::NotMoney), ("item", K::NotMoney), ("items", K::NotMoney),
    ("emisor", K::VendorHeader), ("datos del emisor", K::VendorHeader), ("proveedor", K::VendorHeader),
    ("cliente", K::CustomerHeader), ("datos del cliente", K::CustomerHeader), ("destinatario", K::CustomerHeader),
    ("facturar a", K::CustomerHeader), ("bill to", K::CustomerHeader), ("customer", K::CustomerHeader),
    ("sold to", K::CustomerHeader),
    ("tel", K::Phone), ("telefono", K::Phone), ("tfno", K::Phone), ("tlf", K::Phone), ("phone", K::Phone),
    ("tel no", K::Phone), ("fax", K::Phone),
    ("hora", K::Time), ("time", K::Time),
    ("descripcion", K::ColDescription), ("concepto", K::ColDescription), ("articulo", K::ColDescription),
    ("description", K::ColDescription),
    ("cant", K::ColQuantity), ("cantidad", K::ColQuantity), ("uds", K::ColQuantity), ("qty", K::ColQuantity),
    ("quantity", K::ColQuantity),
    ("precio", K::ColUnitPrice), ("p unitario", K::ColUnitPrice), ("precio ud", K::ColUnitPrice),
    ("precio unitario", K::ColUnitPrice), ("unit price", K::ColUnitPrice), ("price", K::ColUnitPrice),
    ("iva %", K::ColRate), ("% iva", K::ColRate), ("tipo", K::ColRate),
    ("importe", K::ColAmount), ("amount", K::ColAmount), ("amt", K::ColAmount),
];

/// Normalizes one word for matching: lowercase letters and digits, accents
/// and ligatures folded (`ã` → `a`, `ß` → `ss`), `º`/`°` as `o`, `%` kept,
/// everything else removed.
pub fn norm_word(w: &str) -> String {
    // The packs' own normalization (accents and ligatures folded, `º` as
    // `o`), with the spaces it puts for punctuation dropped: one word.
    let mut out = grace_invoice_rules::packs::normalize(w);
    out.retain(|c| c != ' ');
    out
}

/// A tax name glued to its rate (`iva21%`, `irpf15%`, from `IVA21%`) reads
/// as the tax name; the rate stays in the word for `rate_in`.
fn strip_glued_rate(w: String) -> String {
    const TAXES: &[&str] = &["iva", "igic", "ipsi", "irpf", "vat", "gst", "sst"];
    let Some(body) = w.strip_suffix('%') else {
        return w;
    };
    let name = body.trim_end_matches(|c: char| c.is_ascii_digit());
    if name.len() < body.len() && TAXES.contains(&name) {
        name.to_string()
    } else {
        w
    }
}

/// Folds the letters OCR confuses in labels (`TotaI`, `T0TAL`, `Tota1`)
/// so the lexicon still matches them.
fn fold(w: &str) -> String {
    w.chars()
        .map(|c| match c {
            'i' | '1' | '|' => 'l',
            '0' => 'o',
            c => c,
        })
        .collect()
}

/// A label found in a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelHit {
    /// What it announces.
    pub kind: LabelKind,
    /// The label's words.
    pub span: Span,
    /// Number of lexicon words matched (longer labels are more specific).
    pub words: usize,
}

/// Every label of a line. A label counts at the start of the line, or
/// later when its last word ends with a colon (`Nº: 12  Fecha: 03/05/24`):
/// that keeps words inside sentences (`...a su vencimiento.`) out.
pub fn labels_in_line(page: &Page, line: usize) -> Vec<LabelHit> {
    find_labels(page, line, false)
}

/// Every label word run of a line wherever it stands (table headers).
pub fn header_labels(page: &Page, line: usize) -> Vec<LabelHit> {
    find_labels(page, line, true)
}

fn find_labels(page: &Page, line: usize, anywhere: bool) -> Vec<LabelHit> {
    let words = &page.lines[line].words;
    // Small print reads the `º` of `Nº` as `2`, `9`, `e`, `P` or `R`.
    let normed: Vec<String> = words
        .iter()
        .map(|w| norm_word(&w.text))
        .map(|w| {
            if matches!(w.as_str(), "n2" | "n9" | "ne" | "np" | "nr") {
                "no".to_string()
            } else {
                strip_glued_rate(w)
            }
        })
        .collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // Skip leading words that are only punctuation ("-", "*").
        if normed[i].is_empty() {
            i += 1;
            continue;
        }
        // (lexicon words, input words, kind, pattern)
        let mut best: Option<(usize, usize, LabelKind, &str)> = None;
        for (pattern, kind) in &page.lexicon.entries {
            let (pattern, kind) = (pattern.as_ref(), *kind);
            if let Some(used) = match_at(&normed, i, pattern, page.lexicon.compounds) {
                let n = pattern.split(' ').count();
                // The longest label wins; between equals, the one that
                // covers more of the line (`Exmo.(s) Sr.(s)` over `Exmo.(s)`).
                if best.is_none_or(|(bn, bu, _, _)| n > bn || (n == bn && used > bu)) {
                    best = Some((n, used, kind, pattern));
                }
            }
        }
        let at_start = normed[..i].iter().all(|w| w.is_empty());
        let titled = hits
            .iter()
            .any(|h: &LabelHit| h.kind == LabelKind::DocumentTitle);
        if let Some((mut n, used, mut kind, pattern)) = best {
            let last = &words[i + used - 1].text;
            let mut counts = anywhere || at_start || last.ends_with(':');
            // `INVOICE` alone on its line in large type is the title, not
            // the label of a number printed somewhere near.
            let alone = at_start && i + used == words.len() && !last.ends_with(':');
            if kind == LabelKind::InvoiceNumber
                && n == 1
                && alone
                && page.has_boxes
                && page.lines[line].rect.h() > page.line_height * 1.5
            {
                kind = LabelKind::DocumentTitle;
            }
            if kind == LabelKind::InvoiceNumber && !at_start {
                if titled {
                    // `Rechnung Nr. 4711 vom ...`, `Invoice (copy) No. 12`:
                    // the document's own number, named with its title.
                    counts = true;
                    n += 1;
                } else if n == 1 && pattern.len() < 7 {
                    // A bare `Nummer:` or `No:` after another word is that
                    // word's number (`Globale Nummer:`, `Table No:`).
                    kind = LabelKind::OtherNumber;
                }
            }
            if counts {
                hits.push(LabelHit {
                    kind,
                    span: Span {
                        line,
                        start: i,
                        end: i + used,
                    },
                    words: n,
                });
                i += used;
                continue;
            }
        }
        i += 1;
    }
    hits
}

/// Input words consumed when `pattern` matches at `i` (punctuation-only
/// words inside the label, like the `-` of `Nº - factura`, are skipped).
fn match_at(normed: &[String], i: usize, pattern: &str, compounds: bool) -> Option<usize> {
    // OCR often drops the space inside a label (`N°factura:`): the whole
    // label as one word matches too.
    if pattern.contains(' ')
        && normed
            .get(i)
            .is_some_and(|w| fold(w) == fold(&pattern.replace(' ', "")))
    {
        return Some(1);
    }
    let mut j = i;
    for p in pattern.split(' ') {
        // Words are read with `Nr` as `no` (see `find_labels`); so are labels.
        let p = if p == "nr" { "no" } else { p };
        while normed.get(j).is_some_and(|w| w.is_empty()) && j > i {
            j += 1;
        }
        let w = normed.get(j)?;
        // German and Dutch write a label's head word inside a compound
        // (`Handelsrechnung Nr.`, `Verkoopfactuur`): a long first word
        // matches at a word's end.
        let compound =
            compounds && j == i && p.len() >= 7 && w.len() > p.len() && fold(w).ends_with(&fold(p));
        // `Nº`, `N.º`, `No.`, `Nr.`, `Núm.`: one word for "number", however
        // a pack spells it.
        let number_word = |x: &str| matches!(x, "n" | "no" | "nr" | "nro" | "num");
        if fold(w) != fold(p) && !compound && !(number_word(p) && number_word(w)) {
            // `%` alone is its own word; `IVA21%` glues a rate to its label.
            let pct = p == "%" && w.starts_with('%');
            let glued_rate = fold(w).strip_prefix(&fold(p)).is_some_and(|rest| {
                rest.ends_with('%') && rest[..rest.len() - 1].chars().all(|c| c.is_ascii_digit())
            });
            if !pct && !glued_rate {
                return None;
            }
        }
        j += 1;
    }
    Some(j - i)
}

/// True when the whole line is one label (a heading or a label whose value
/// sits elsewhere).
pub fn is_label_only(page: &Page, line: usize) -> bool {
    let hits = header_labels(page, line);
    let covered: usize = hits.iter().map(|h| h.span.end - h.span.start).sum();
    let words = &page.lines[line].words;
    let rest = words
        .iter()
        .enumerate()
        .filter(|(i, _)| !hits.iter().any(|h| (h.span.start..h.span.end).contains(i)))
        .filter(|(_, w)| !norm_word(&w.text).is_empty())
        .count();
    covered > 0 && rest == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<LabelKind> {
        let page = Page::from_text(text);
        labels_in_line(&page, 0).iter().map(|h| h.kind).collect()
    }

    #[test]
    fn longest_label_wins() {
        assert_eq!(kinds("Total IVA 21,00"), vec![K::TaxTotal]);
        assert_eq!(kinds("TOTAL 121,00"), vec![K::Total]);
        assert_eq!(
            kinds("Fecha factura rectificada: 01/02/2024"),
            vec![K::RectifiedDate]
        );
        assert_eq!(kinds("Fecha de emisión: 01/02/2024"), vec![K::IssueDate]);
        assert_eq!(kinds("Nº factura: F-2024/12"), vec![K::InvoiceNumber]);
    }

    #[test]
    fn labels_after_a_colon_only() {
        assert_eq!(
            kinds("Nº: 12  Fecha: 03/05/24"),
            vec![K::InvoiceNumber, K::IssueDate]
        );
        assert!(kinds("Se cargará en la cuenta del cliente a su vencimiento.").is_empty());
    }

    #[test]
    fn normalization_folds_every_latin_accent() {
        assert_eq!(norm_word("Descrição"), "descricao");
        assert_eq!(norm_word("Emissão:"), "emissao");
        assert_eq!(norm_word("Condições"), "condicoes");
        assert_eq!(norm_word("Straße"), "strasse");
        assert_eq!(norm_word("Œuvre"), "oeuvre");
    }

    #[test]
    fn normalization_drops_accents_and_punctuation() {
        assert_eq!(norm_word("Descripción:"), "descripcion");
        assert_eq!(norm_word("Nº"), "no");
        assert_eq!(norm_word("N.I.F."), "nif");
        assert_eq!(norm_word("21%"), "21%");
    }
}
