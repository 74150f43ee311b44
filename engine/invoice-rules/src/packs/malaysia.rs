//! Malaysian receipts: English with Malay words, `RM` amounts, GST/SST
//! ids. The repairs are the existing ones in `crate::malaysia`. Its words
//! count as English in language detection: these receipts are English with
//! Malay terms.

use super::{Country, DocumentKind as Doc, FieldKind as F, Lang, Pack, Repair};

/// The Malaysia pack (country `MY`).
pub(super) static PACK: Pack = Pack {
    id: "malaysia",
    lang: Lang::En,
    countries: &[Country::MY],
    labels: labels![
        F::InvoiceNumber => [
            "no resit", "resit no", "no invois", "invois no", "bil no", "cash bill no", "cb no",
            "doc no",
        ],
        F::IssueDate => ["tarikh", "tarikh invois"],
        F::Total => [
            "jumlah", "jumlah besar", "jumlah keseluruhan", "total rm", "total incl gst",
            "total inclusive gst", "total sales inclusive gst", "total incl sst",
            "jumlah termasuk gst", "nett total", "total payable",
        ],
        F::Subtotal => [
            "total excl gst", "total exclusive gst", "total sales excluding gst", "jumlah kecil",
            "jumlah sebelum cukai",
        ],
        F::Tax => [
            "cukai", "gst", "sst", "cukai jualan", "cukai perkhidmatan", "service tax",
            "service charge",
        ],
        F::TaxTotal => ["jumlah cukai", "total gst", "total sst", "gst amount", "gst summary"],
        F::TaxId => [
            "gst reg no", "gst id", "gst no", "gst id no", "sst reg no", "sst id", "sst no",
            "no cukai",
        ],
        F::CompanyId => ["co reg no", "company reg no", "roc no", "co no", "reg no", "ssm"],
        F::Cash => ["tunai", "cash", "bayaran tunai", "tendered"],
        F::Change => ["baki", "wang baki", "change", "baki tunai"],
        F::Rounding => [
            "pelarasan bundar", "penggenapan", "rounding adj", "rounding adjustment", "round adj",
        ],
        F::Phone => ["tel", "tel no", "no tel", "telefon", "fax", "h p"],
        F::Time => ["masa"],
        F::ColQuantity => ["kuantiti", "qty", "unit"],
        F::ColDescription => ["keterangan", "perkara", "barangan"],
        F::ColUnitPrice => ["harga", "harga seunit", "u price"],
        F::ColAmount => ["amaun", "jumlah", "amt"],
        F::DocumentTitle(Doc::Invoice) => ["tax invoice", "invois cukai", "invois"],
        F::DocumentTitle(Doc::Receipt) => [
            "cash bill", "official receipt", "resit", "resit rasmi", "simplified tax invoice",
        ],
    ],
    months: MONTHS,
    legal_forms: crate::malaysia::LEGAL_FORMS,
    stop_words: &[
        "terima",
        "kasih",
        "dan",
        "untuk",
        "jalan",
        "jln",
        "taman",
        "tmn",
        "bandar",
        "kampung",
        "sdn",
        "bhd",
        "selangor",
        "johor",
        "kuala",
        "lumpur",
        "rm",
        "gst",
        "sst",
        "barang",
        "dijual",
        "tidak",
        "boleh",
        "dikembalikan",
        "sila",
        "datang",
        "lagi",
    ],
    repairs: &[
        Repair::CompanyName(crate::malaysia::repair_malaysian_company_name),
        Repair::AddressLines(crate::malaysia::repair_malaysian_address),
    ],
};

/// Month names and abbreviations, normalized.
#[rustfmt::skip]
const MONTHS: &[(&str, u8)] = &[
    ("januari", 1), ("februari", 2), ("mac", 3), ("april", 4), ("mei", 5), ("jun", 6), ("julai", 7),
    ("ogos", 8), ("september", 9), ("oktober", 10), ("november", 11), ("disember", 12),
];
