//! What a multilingual document says, with exact cent arithmetic, drawn from
//! a seed independently of how it is laid out (so both style families can
//! print the same content).

use serde::{Deserialize, Serialize};

use crate::country::{postcode, Country, MoneyStyle};
use crate::intl_ids::{printed_vat_id, random_iban, random_vat_id};
use crate::invoice::{
    base_from_gross, cents_str, div_round, milli_str, tax_of, Date, InvoiceTruth, LineItemTruth,
    Party, TaxLineTruth,
};
use crate::lang::{DateStyle, Language, Lexicon};
use crate::rng::Rng;

/// Invoice or till receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    /// A full invoice with seller, buyer, due date and bank details.
    Invoice,
    /// A till receipt: shop, items, total, tax summary, payment.
    Receipt,
}

impl DocumentKind {
    /// Both kinds.
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Invoice, DocumentKind::Receipt];

    /// The normalized `doc_type` of the truth (receipts are simplified invoices).
    pub fn doc_type(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Receipt => "simplified_invoice",
        }
    }
}

/// A line item with exact amounts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    /// Description as printed.
    pub description: String,
    /// Quantity in thousandths.
    pub qty_milli: i64,
    /// Unit price in cents (tax included when the document's prices are).
    pub unit_cents: i64,
    /// `qty × unit`, rounded to cents.
    pub amount_cents: i64,
    /// Tax rate in thousandths of a percent (`19_000` is 19 %).
    pub rate_milli: u32,
}

/// One rate's base and tax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateGroup {
    /// Tax rate in thousandths of a percent.
    pub rate_milli: u32,
    /// Base (net) in cents.
    pub base: i64,
    /// Tax in cents: `tax_of(base, rate)`.
    pub tax: i64,
}

/// How a receipt was paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Settlement {
    /// By card; the last four digits are printed.
    Card {
        /// Last four digits.
        last4: u32,
    },
    /// In cash; change is printed.
    Cash {
        /// Amount handed over in cents.
        given: i64,
    },
}

/// A document's content.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Content {
    /// Invoice or receipt.
    pub kind: DocumentKind,
    /// Language of the words.
    pub language: Language,
    /// Seller's country (decides money, rates, ids, addresses).
    pub country: Country,
    /// Seller (the shop on receipts). Its `tax_label` is empty: labels belong to the style.
    pub seller: Party,
    /// Buyer (invoices only).
    pub buyer: Option<Party>,
    /// Document number as printed.
    pub number: String,
    /// Issue date.
    pub issue: Date,
    /// Due date (invoices).
    pub due: Option<Date>,
    /// Payment terms in days (invoices).
    pub terms_days: Option<i64>,
    /// Time of sale (receipts).
    pub time: Option<String>,
    /// Line items.
    pub items: Vec<LineItem>,
    /// One group per rate, highest first; empty when no tax is charged.
    pub groups: Vec<RateGroup>,
    /// Whether item prices include tax (receipts outside the US).
    pub prices_include_tax: bool,
    /// Seller's IBAN (no spaces).
    pub iban: Option<String>,
    /// Seller's BIC.
    pub bic: Option<String>,
    /// Payment terms sentence as printed.
    pub terms: Option<String>,
    /// How a receipt was paid.
    pub settlement: Option<Settlement>,
    /// How money is written.
    pub money: MoneyStyle,
    /// How dates are written.
    pub date_style: DateStyle,
    /// The tax's name as printed (`MwSt.`).
    pub tax_name: String,
}

impl Content {
    /// Σ item amounts.
    pub fn items_sum(&self) -> i64 {
        self.items.iter().map(|i| i.amount_cents).sum()
    }

    /// Σ bases (the net total).
    pub fn net(&self) -> i64 {
        if self.groups.is_empty() {
            return self.items_sum();
        }
        self.groups.iter().map(|g| g.base).sum()
    }

    /// Σ taxes.
    pub fn tax_total(&self) -> i64 {
        self.groups.iter().map(|g| g.tax).sum()
    }

    /// Net + tax.
    pub fn total(&self) -> i64 {
        self.net() + self.tax_total()
    }

    /// A date as this document prints it.
    pub fn date(&self, d: Date) -> String {
        self.date_style.format(d, self.language, self.country)
    }

    /// A rate as printed (`19 %`, `8,1%`, `5.5 %`), in the document's decimal mark.
    pub fn rate(&self, rate_milli: u32, spaced: bool) -> String {
        let plain = rate_str(rate_milli).replace('.', &self.money.decimal.to_string());
        if spaced {
            format!("{plain} %")
        } else {
            format!("{plain}%")
        }
    }

    /// The normalized truth of what is printed.
    pub fn truth(&self) -> InvoiceTruth {
        let tax_kind = match self.country {
            Country::Us => "SALES_TAX",
            _ => "VAT",
        };
        InvoiceTruth {
            doc_type: self.kind.doc_type().into(),
            vendor_name: self.seller.name.clone(),
            vendor_tax_id: self.seller.tax_id.clone(),
            vendor_address: self.seller.address(),
            customer_name: self.buyer.as_ref().map(|b| b.name.clone()),
            customer_tax_id: self
                .buyer
                .as_ref()
                .map(|b| b.tax_id.clone())
                .filter(|t| !t.is_empty()),
            invoice_number: self.number.clone(),
            issue_date: self.issue.iso(),
            due_date: self.due.map(Date::iso),
            currency: self.money.currency.into(),
            subtotal: cents_str(self.net()),
            tax_total: cents_str(self.tax_total()),
            withholding: None,
            total: cents_str(self.total()),
            amount_due: None,
            iban: self.iban.clone(),
            payment_method: self.settlement.map(|s| match s {
                Settlement::Card { .. } => "card".to_string(),
                Settlement::Cash { .. } => "cash".to_string(),
            }),
            prices_include_tax: self.prices_include_tax,
            rectified_invoice: None,
            tax_lines: self
                .groups
                .iter()
                .map(|g| TaxLineTruth {
                    kind: tax_kind.into(),
                    rate: rate_str(g.rate_milli),
                    base: cents_str(g.base),
                    amount: cents_str(g.tax),
                })
                .collect(),
            line_items: self
                .items
                .iter()
                .map(|i| LineItemTruth {
                    description: i.description.clone(),
                    quantity: milli_str(i.qty_milli),
                    unit_price: cents_str(i.unit_cents),
                    amount: cents_str(i.amount_cents),
                    tax_rate: rate_str(i.rate_milli),
                })
                .collect(),
            language: Some(self.language.code().into()),
            country: Some(self.country.code().into()),
            bic: self.bic.clone(),
            customer_address: self.buyer.as_ref().map(Party::address),
        }
    }

    /// Random content of a kind in a language; `long` asks for enough items
    /// to need a second page.
    pub fn random(kind: DocumentKind, language: Language, long: bool, rng: &mut Rng) -> Self {
        let lex = language.lexicon();
        let country = *rng.pick(Country::for_language(language));
        let seller = match kind {
            DocumentKind::Invoice => random_company(lex, country, rng),
            DocumentKind::Receipt => {
                let mut shop = random_company(lex, country, rng);
                shop.name = rng.pick_str(lex.shops).to_string();
                shop.email = None;
                shop
            }
        };
        let buyer = (kind == DocumentKind::Invoice).then(|| {
            let mut b = random_company(lex, country, rng);
            b.phone = None;
            b.email = None;
            if rng.chance(0.4) {
                // Not every buyer's VAT id is printed.
                b.tax_id.clear();
                b.tax_id_printed.clear();
            }
            b
        });
        let issue = Date {
            year: 2022,
            month: 1,
            day: 1,
        }
        .add_days(rng.range(0, 4 * 365 - 1));
        let date_style = *rng.pick(DateStyle::for_country(country));
        let terms_days =
            (kind == DocumentKind::Invoice).then(|| *rng.pick(&[7i64, 14, 14, 30, 30, 60]));
        let due = terms_days.map(|d| issue.add_days(d));
        let time = (kind == DocumentKind::Receipt)
            .then(|| format!("{:02}:{:02}", rng.range(7, 21), rng.range(0, 59)));
        let money = country.money_style(language, rng);
        let tax_name = rng.pick_str(country.tax_names(language)).to_string();
        let prices_include_tax = kind == DocumentKind::Receipt && country != Country::Us;
        // US sales tax: one rate, or none at all on some documents.
        let rates = country.vat_rates_milli();
        // A class the country lacks falls back to the standard rate.
        let rate_of_class = |class: usize| -> u32 { *rates.get(class).unwrap_or(&rates[0]) };
        let us_rate = (country == Country::Us && rng.chance(0.75)).then(|| *rng.pick(rates));
        let catalogue = match kind {
            DocumentKind::Invoice => lex.invoice_items,
            DocumentKind::Receipt => lex.receipt_items,
        };
        let n_items = match (kind, long) {
            (_, true) => rng.range(26, 40),
            (DocumentKind::Invoice, false) => rng.range(2, 8),
            (DocumentKind::Receipt, false) => rng.range(3, 10),
        } as usize;
        // Distinct catalogue lines while they last; a long invoice then repeats
        // lines with a running delivery number, as recurring deliveries read.
        let mut order: Vec<usize> = (0..catalogue.len()).collect();
        rng.shuffle(&mut order);
        let mut items: Vec<LineItem> = (0..n_items)
            .map(|k| {
                let (desc, lo, hi, class) = catalogue[order[k % order.len()]];
                let description = match k / order.len() {
                    0 => localise(desc, country),
                    round => format!("{} ({})", localise(desc, country), round + 1),
                };
                let qty = if rng.chance(0.55) { 1 } else { rng.range(2, 6) } * 1000;
                let unit = rng.range(lo / 5, hi / 5) * 5
                    + if rng.chance(0.3) { rng.range(0, 4) } else { 0 };
                let rate_milli = match country {
                    Country::Us => us_rate.unwrap_or(0),
                    _ => rate_of_class(class),
                };
                LineItem {
                    description,
                    qty_milli: qty,
                    unit_cents: unit,
                    amount_cents: div_round(qty * unit, 1000),
                    rate_milli,
                }
            })
            .collect();
        let untaxed = country == Country::Us && us_rate.is_none();
        let mut group_rates: Vec<u32> = Vec::new();
        for it in &items {
            if !group_rates.contains(&it.rate_milli) {
                group_rates.push(it.rate_milli);
            }
        }
        group_rates.sort_unstable_by(|a, b| b.cmp(a));
        let groups: Vec<RateGroup> = if untaxed {
            Vec::new()
        } else if prices_include_tax {
            // Tax-included prices: nudge a price until each rate's gross splits exactly.
            group_rates
                .iter()
                .map(|&rate_milli| loop {
                    let gross: i64 = items
                        .iter()
                        .filter(|i| i.rate_milli == rate_milli)
                        .map(|i| i.amount_cents)
                        .sum();
                    if let Some(base) = base_from_gross(gross, rate_milli) {
                        break RateGroup {
                            rate_milli,
                            base,
                            tax: gross - base,
                        };
                    }
                    // Nudge a single unit by a cent: steps of one reach every
                    // gross, steps of a larger quantity may cycle over gaps.
                    let it = items
                        .iter_mut()
                        .filter(|i| i.rate_milli == rate_milli)
                        .min_by_key(|i| i.qty_milli)
                        .expect("every rate has an item");
                    if it.qty_milli == 1000 {
                        it.unit_cents += 1;
                    } else {
                        it.qty_milli = 1000;
                    }
                    it.amount_cents = div_round(it.qty_milli * it.unit_cents, 1000);
                })
                .collect()
        } else {
            group_rates
                .iter()
                .map(|&rate_milli| {
                    let base: i64 = items
                        .iter()
                        .filter(|i| i.rate_milli == rate_milli)
                        .map(|i| i.amount_cents)
                        .sum();
                    RateGroup {
                        rate_milli,
                        base,
                        tax: tax_of(base, rate_milli),
                    }
                })
                .collect()
        };
        let bank = (kind == DocumentKind::Invoice)
            .then(|| random_iban(country, rng))
            .flatten();
        let (iban, bic) = match bank {
            Some((i, b)) => (Some(i), rng.chance(0.7).then_some(b)),
            None => (None, None),
        };
        let terms = terms_days.map(|days| {
            rng.pick_str(lex.terms)
                .replace("{days}", &days.to_string())
                .replace(
                    "{date}",
                    &date_style.format(issue.add_days(days), language, country),
                )
        });
        let number = random_number(kind, language, issue.year, rng);
        let mut content = Content {
            kind,
            language,
            country,
            seller,
            buyer,
            number,
            issue,
            due,
            terms_days,
            time,
            items: Vec::new(),
            groups,
            prices_include_tax,
            iban,
            bic,
            terms,
            settlement: None,
            money,
            date_style,
            tax_name,
        };
        content.items = std::mem::take(&mut items);
        if kind == DocumentKind::Receipt {
            let total = content.total();
            content.settlement = Some(if rng.chance(0.5) {
                Settlement::Card {
                    last4: rng.range(1000, 9999) as u32,
                }
            } else {
                let given = [500, 1000, 2000, 5000, 10_000, 20_000]
                    .into_iter()
                    .find(|&g| g >= total)
                    .unwrap_or(total);
                Settlement::Cash { given }
            });
        }
        content
    }
}

/// A rate in percent as a plain decimal without trailing zeros (`19`, `8.1`, `8.875`).
pub fn rate_str(rate_milli: u32) -> String {
    milli_str(rate_milli as i64)
}

/// Swiss German writes `ss` for `ß`.
fn localise(text: &str, country: Country) -> String {
    if country.writes_ss_for_eszett() {
        text.replace('ß', "ss")
    } else {
        text.to_string()
    }
}

fn random_company(lex: &Lexicon, country: Country, rng: &mut Rng) -> Party {
    let stem = rng.pick_str(lex.company_stems);
    let form = rng.pick_str(country.legal_forms(lex.language));
    let name = match rng.below(3) {
        0 => format!("{stem} {} {form}", rng.pick_str(lex.trades)),
        1 => format!("{stem} & {} {form}", rng.pick_str(lex.company_stems)),
        _ => format!("{} {stem} {form}", rng.pick_str(lex.trades)),
    };
    let street = localise(rng.pick_str(lex.streets), country);
    let house = rng.range(1, 180);
    let street_line = match (lex.number_first, lex.language) {
        (true, _) => format!("{house} {street}"),
        (false, Language::It | Language::Es) => format!("{street}, {house}"),
        (false, _) => format!("{street} {house}"),
    };
    let (town, pattern) = *rng.pick(country.towns(lex.language));
    let code = postcode(pattern, rng);
    let town_line = match country {
        Country::Gb | Country::Ie | Country::Us => format!("{town} {code}"),
        _ => format!("{code} {town}"),
    };
    let tax_id = random_vat_id(country, rng);
    let tax_id_printed = printed_vat_id(country, &tax_id, rng.below(6));
    let phone = rng.chance(0.7).then(|| {
        format!(
            "{} {} {} {}",
            country.phone_prefix(),
            rng.range(10, 99),
            rng.range(100, 999),
            rng.range(1000, 9999)
        )
    });
    let domain: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_lowercase();
    let tld = match country {
        Country::Gb => "co.uk".to_string(),
        Country::Us => "com".to_string(),
        other => other.code().to_lowercase(),
    };
    let email = rng.chance(0.5).then(|| format!("info@{domain}.{tld}"));
    Party {
        name: localise(&name, country),
        tax_id,
        tax_label: String::new(),
        tax_id_printed,
        address_lines: vec![street_line, town_line],
        phone,
        email,
    }
}

fn random_number(kind: DocumentKind, lang: Language, year: i32, rng: &mut Rng) -> String {
    let yy = year % 100;
    let n = rng.range(1, 4999);
    if kind == DocumentKind::Receipt {
        return match rng.below(3) {
            0 => format!("{:04}", rng.range(1, 9999)),
            1 => format!("{:02}-{:06}", rng.range(1, 12), rng.range(1, 999_999)),
            _ => format!("{}", rng.range(10_000, 999_999)),
        };
    }
    match (lang, rng.below(3)) {
        (Language::De, 0) => format!("RE-{year}-{n:04}"),
        (Language::De, 1) => format!("{year}{n:05}"),
        (Language::Fr, 0) => format!("FA-{year}-{n:05}"),
        (Language::Fr, 1) => format!("F{yy:02}{n:04}"),
        (Language::Nl, 0) => format!("{year}-{n:04}"),
        (Language::Nl, 1) => format!("F{year}{n:04}"),
        (Language::It, 0) => format!("{n}/{year}"),
        (Language::It, 1) => format!("FPR {n}/{yy:02}"),
        (Language::Pt, 0) => format!("FT {year}/{n}"),
        (Language::Pt, 1) => format!("FT A{yy:02}/{n:05}"),
        (Language::En, 0) => format!("INV-{n:05}"),
        (Language::En, 1) => format!("{}", rng.range(10_000, 99_999)),
        (Language::Es, 0) => format!("F{year}-{n:04}"),
        (Language::Es, 1) => format!("A/{n:06}"),
        _ => format!("{yy:02}-{n:05}"),
    }
}
