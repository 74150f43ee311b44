//! The words of the multilingual generator, one module per language: titles,
//! label synonyms per style family, month names, items, streets, payment terms.
//!
//! Each language has two label sets: [`Lexicon::tuning`] for the style the
//! extractor is tuned on and [`Lexicon::held_out`] for the style it is measured
//! on blind. The two sets share no wording of a title, a header field, a
//! table heading, a total or the bank details (receipt-only words may meet), so
//! a score on the held-out style says how the extractor does on wordings it
//! was never shown.

mod de;
mod en;
mod es;
mod fr;
mod it;
mod nl;
mod pt;

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::invoice::Date;

/// A document language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
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

impl Language {
    /// Every language.
    pub const ALL: [Language; 7] = [
        Language::Es,
        Language::En,
        Language::De,
        Language::Fr,
        Language::Nl,
        Language::It,
        Language::Pt,
    ];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Nl => "nl",
            Language::It => "it",
            Language::Pt => "pt",
        }
    }

    /// The language of an ISO 639-1 code.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The words of this language.
    pub fn lexicon(self) -> &'static Lexicon {
        match self {
            Language::Es => &es::LEXICON,
            Language::En => &en::LEXICON,
            Language::De => &de::LEXICON,
            Language::Fr => &fr::LEXICON,
            Language::Nl => &nl::LEXICON,
            Language::It => &it::LEXICON,
            Language::Pt => &pt::LEXICON,
        }
    }
}

/// Synonyms of one label; one is drawn per document.
pub type Synonyms = &'static [&'static str];

/// Label wordings of one style family. `{tax}` stands for the tax's name
/// (`MwSt.`, `TVA`, …) and `{rate}` for a printed rate (`19 %`).
#[derive(Debug)]
pub struct Labels {
    /// Titles of an invoice.
    pub invoice_title: Synonyms,
    /// Titles of a till receipt.
    pub receipt_title: Synonyms,
    /// Invoice number.
    pub invoice_number: Synonyms,
    /// Issue date.
    pub issue_date: Synonyms,
    /// Due date.
    pub due_date: Synonyms,
    /// Heading of the seller block.
    pub seller: Synonyms,
    /// Heading of the buyer block.
    pub buyer: Synonyms,
    /// Item table: description column.
    pub description: Synonyms,
    /// Item table: quantity column.
    pub quantity: Synonyms,
    /// Item table: unit price column.
    pub unit_price: Synonyms,
    /// Item table: tax rate column.
    pub tax_rate: Synonyms,
    /// Item table: amount column.
    pub amount: Synonyms,
    /// Net total (sum of bases).
    pub net: Synonyms,
    /// One tax line, with `{tax}` and `{rate}`.
    pub tax_line: Synonyms,
    /// Total tax, with `{tax}`.
    pub tax_total: Synonyms,
    /// Grand total.
    pub total: Synonyms,
    /// Heading of the bank details.
    pub bank: Synonyms,
    /// IBAN label.
    pub iban: Synonyms,
    /// BIC label.
    pub bic: Synonyms,
    /// Page number, with `{n}`.
    pub page: Synonyms,
    /// Note under a table that continues on the next page.
    pub continued: Synonyms,
    /// Cash handed over (receipts).
    pub cash: Synonyms,
    /// Change given (receipts).
    pub change: Synonyms,
    /// Paid by card (receipts).
    pub card: Synonyms,
    /// Thanks at the foot of a receipt.
    pub thanks: Synonyms,
    /// Headings of the tax summary table: rate, net, tax, gross (with `{tax}`).
    pub tax_summary: &'static [[&'static str; 4]],
}

/// One catalogue line: description, unit price range in cents, tax class
/// (0 standard, 1 reduced, 2 second reduced rate).
pub type CatalogueItem = (&'static str, i64, i64, usize);

/// The words of one language.
#[derive(Debug)]
pub struct Lexicon {
    /// The language.
    pub language: Language,
    /// Month names, January first.
    pub months: [&'static str; 12],
    /// Labels of the tuning style family.
    pub tuning: Labels,
    /// Labels of the held-out style family (no wording shared with `tuning`).
    pub held_out: Labels,
    /// Services and goods sold on invoices.
    pub invoice_items: &'static [CatalogueItem],
    /// Goods sold at a till.
    pub receipt_items: &'static [CatalogueItem],
    /// Shop names of receipts (without legal form).
    pub shops: &'static [&'static str],
    /// Name stems of companies (surnames, trades).
    pub company_stems: &'static [&'static str],
    /// Trade words that follow a stem (`Consulting`, `Bau`).
    pub trades: &'static [&'static str],
    /// Street names.
    pub streets: &'static [&'static str],
    /// Whether the house number comes before the street (`12 rue …`).
    pub number_first: bool,
    /// Payment terms sentences, with `{days}` and `{date}`.
    pub terms: &'static [&'static str],
}

/// How a date is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateStyle {
    /// Day, month, year with a separator (`05.03.2024`, `05/03/2024`, `05-03-2024`).
    DayMonthYear(char),
    /// Month, day, year (`03/05/2024`, US).
    MonthDayYear(char),
    /// ISO 8601 (`2024-03-05`).
    Iso,
    /// With the month's name (`5. März 2024`, `5 mars 2024`, `March 5, 2024`).
    Long,
}

impl DateStyle {
    /// The styles a country writes dates in.
    pub fn for_country(country: Country) -> &'static [DateStyle] {
        use DateStyle::*;
        match country {
            Country::De | Country::At | Country::Ch => {
                &[DayMonthYear('.'), DayMonthYear('.'), Iso, Long]
            }
            Country::Nl => &[DayMonthYear('-'), DayMonthYear('-'), Iso, Long],
            Country::Be => &[DayMonthYear('/'), DayMonthYear('.'), Long],
            Country::Us => &[MonthDayYear('/'), MonthDayYear('/'), Long],
            Country::Pt => &[DayMonthYear('/'), DayMonthYear('-'), Iso, Long],
            _ => &[DayMonthYear('/'), DayMonthYear('/'), Long],
        }
    }

    /// The date as printed in a language and country.
    pub fn format(self, date: Date, lang: Language, country: Country) -> String {
        let (d, m, y) = (date.day, date.month, date.year);
        match self {
            DateStyle::DayMonthYear(sep) => format!("{d:02}{sep}{m:02}{sep}{y:04}"),
            DateStyle::MonthDayYear(sep) => format!("{m:02}{sep}{d:02}{sep}{y:04}"),
            DateStyle::Iso => date.iso(),
            DateStyle::Long => {
                let month = if country == Country::At && m == 1 {
                    "Jänner"
                } else {
                    lang.lexicon().months[m as usize - 1]
                };
                match (lang, country) {
                    (Language::De, _) => format!("{d}. {month} {y}"),
                    (Language::Fr, _) if d == 1 => format!("1er {month} {y}"),
                    (Language::Es | Language::Pt, _) => format!("{d} de {month} de {y}"),
                    (Language::En, Country::Us) => format!("{month} {d}, {y}"),
                    _ => format!("{d} {month} {y}"),
                }
            }
        }
    }
}

impl Labels {
    /// Every wording of every label (placeholders left in), for tests that
    /// compare style families or make label words unknown.
    pub fn all(&self) -> Vec<&'static str> {
        let lists: [Synonyms; 25] = [
            self.invoice_title,
            self.receipt_title,
            self.invoice_number,
            self.issue_date,
            self.due_date,
            self.seller,
            self.buyer,
            self.description,
            self.quantity,
            self.unit_price,
            self.tax_rate,
            self.amount,
            self.net,
            self.tax_line,
            self.tax_total,
            self.total,
            self.bank,
            self.iban,
            self.bic,
            self.page,
            self.continued,
            self.cash,
            self.change,
            self.card,
            self.thanks,
        ];
        let mut out: Vec<&'static str> = lists.iter().flat_map(|l| l.iter().copied()).collect();
        out.extend(self.tax_summary.iter().flatten().copied());
        out
    }
}
