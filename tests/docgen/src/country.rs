//! What a country decides on a document, whatever its language: currency and
//! how money is written, VAT rates and the tax's name, the label of the VAT id,
//! towns with their postcode shapes, and companies' legal forms.

use serde::{Deserialize, Serialize};

use crate::lang::Language;
use crate::rng::Rng;

/// A country of the multilingual generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    /// Spain.
    Es,
    /// United Kingdom.
    Gb,
    /// Ireland.
    Ie,
    /// United States.
    Us,
    /// Germany.
    De,
    /// Austria.
    At,
    /// Switzerland.
    Ch,
    /// France.
    Fr,
    /// Belgium.
    Be,
    /// The Netherlands.
    Nl,
    /// Italy.
    It,
    /// Portugal.
    Pt,
}

/// How an amount is written in a country: separators and the currency mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MoneyStyle {
    /// ISO 4217 code (`EUR`).
    pub currency: &'static str,
    /// Thousands separator (`.`, `,`, `'`, narrow no-break space).
    pub group: &'static str,
    /// Decimal mark.
    pub decimal: char,
    /// The mark printed with totals (`€`, `£`, `CHF`, `EUR`).
    pub mark: &'static str,
    /// Whether the mark comes before the number.
    pub mark_before: bool,
    /// Whether a space separates mark and number.
    pub spaced: bool,
}

impl MoneyStyle {
    /// The number alone (`1.234,56`).
    pub fn number(&self, cents: i64) -> String {
        crate::invoice::format_cents(cents, self.group, self.decimal)
    }

    /// The number with the currency mark (`1.234,56 €`, `£1,234.56`, `CHF 1'234.56`).
    pub fn with_mark(&self, cents: i64) -> String {
        let n = self.number(cents);
        let space = if self.spaced { " " } else { "" };
        if self.mark_before {
            format!("{}{space}{n}", self.mark)
        } else {
            format!("{n}{space}{}", self.mark)
        }
    }
}

/// Narrow no-break space, the French thousands separator.
pub const NARROW_NBSP: &str = "\u{202F}";

/// A town and the pattern of its postcodes (`#` a digit, `@` a letter).
pub type Town = (&'static str, &'static str);

impl Country {
    /// Every country.
    pub const ALL: [Country; 12] = [
        Country::Es,
        Country::Gb,
        Country::Ie,
        Country::Us,
        Country::De,
        Country::At,
        Country::Ch,
        Country::Fr,
        Country::Be,
        Country::Nl,
        Country::It,
        Country::Pt,
    ];

    /// ISO 3166 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::Es => "ES",
            Country::Gb => "GB",
            Country::Ie => "IE",
            Country::Us => "US",
            Country::De => "DE",
            Country::At => "AT",
            Country::Ch => "CH",
            Country::Fr => "FR",
            Country::Be => "BE",
            Country::Nl => "NL",
            Country::It => "IT",
            Country::Pt => "PT",
        }
    }

    /// The countries whose documents are written in `lang`.
    pub fn for_language(lang: Language) -> &'static [Country] {
        match lang {
            Language::Es => &[Country::Es],
            Language::En => &[Country::Gb, Country::Ie, Country::Us],
            Language::De => &[Country::De, Country::At, Country::Ch],
            Language::Fr => &[Country::Fr, Country::Be, Country::Ch],
            Language::Nl => &[Country::Nl, Country::Be],
            Language::It => &[Country::It],
            Language::Pt => &[Country::Pt],
        }
    }

    /// VAT rates in thousandths of a percent, standard rate first; empty when
    /// the document carries no tax (a US sale without sales tax is drawn apart).
    pub fn vat_rates_milli(self) -> &'static [u32] {
        match self {
            Country::Es => &[21_000, 10_000, 4_000],
            Country::De => &[19_000, 7_000],
            Country::At => &[20_000, 10_000, 13_000],
            Country::Ch => &[8_100, 2_600],
            Country::Fr => &[20_000, 10_000, 5_500],
            Country::Be => &[21_000, 6_000],
            Country::Nl => &[21_000, 9_000],
            Country::It => &[22_000, 10_000, 4_000],
            Country::Pt => &[23_000, 13_000, 6_000],
            Country::Gb => &[20_000, 5_000, 0],
            Country::Ie => &[23_000, 13_500],
            // One sales-tax rate per document (New York City, Los Angeles, Chicago, Austin).
            Country::Us => &[8_875, 9_500, 10_250, 8_250],
        }
    }

    /// The tax's name as printed in `lang` (several spellings).
    pub fn tax_names(self, lang: Language) -> &'static [&'static str] {
        match (self, lang) {
            (Country::De, _) => &["MwSt.", "USt.", "MwSt"],
            (Country::At, _) => &["USt.", "MwSt."],
            (Country::Ch, Language::De) => &["MWST", "MwSt."],
            (Country::Ch, _) => &["TVA"],
            (Country::Fr, _) | (Country::Be, Language::Fr) => &["TVA"],
            (Country::Nl, _) | (Country::Be, _) => &["BTW", "btw"],
            (Country::It, _) => &["IVA"],
            (Country::Pt, _) => &["IVA"],
            (Country::Es, _) => &["IVA"],
            (Country::Gb, _) | (Country::Ie, _) => &["VAT"],
            (Country::Us, _) => &["Sales Tax", "Tax"],
        }
    }

    /// Labels of the seller's VAT id, per style family (tuning, held-out).
    pub fn vat_id_labels(
        self,
        lang: Language,
    ) -> (&'static [&'static str], &'static [&'static str]) {
        match (self, lang) {
            (Country::De, _) => (
                &["USt-IdNr.:", "USt-ID:"],
                &["Umsatzsteuer-Identifikationsnummer"],
            ),
            (Country::At, _) => (&["UID:", "UID-Nr.:"], &["Umsatzsteuer-ID"]),
            (Country::Ch, Language::De) => (&["MWST-Nr.:", "UID:"], &["Unternehmens-Id."]),
            (Country::Ch, _) => (&["N° TVA:", "IDE:"], &["Numéro IDE"]),
            (Country::Fr, _) => (&["N° TVA intracom.:", "TVA:"], &["Identifiant TVA"]),
            (Country::Be, Language::Fr) => (&["N° TVA:", "TVA:"], &["Numéro d'entreprise"]),
            (Country::Be, _) => (&["BTW-nr.:", "BTW:"], &["Ondernemingsnummer"]),
            (Country::Nl, _) => (&["BTW-nr.:", "Btw-id:"], &["Btw-identificatienummer"]),
            (Country::It, _) => (&["P.IVA:", "Partita IVA:"], &["Cod. Fisc. e P. IVA"]),
            (Country::Pt, _) => (&["NIF:", "Contribuinte:"], &["N.º de contribuinte"]),
            (Country::Es, _) => (&["CIF:", "NIF:"], &["N.I.F."]),
            (Country::Gb, _) | (Country::Ie, _) => {
                (&["VAT No.:", "VAT Reg. No.:"], &["VAT registration"])
            }
            (Country::Us, _) => (&["EIN:", "Tax ID:"], &["Federal Tax ID"]),
        }
    }

    /// How money is written, drawn per document among the country's usual forms.
    pub fn money_style(self, lang: Language, rng: &mut Rng) -> MoneyStyle {
        let eur = |group: &'static str, mark_before: bool, spaced: bool| MoneyStyle {
            currency: "EUR",
            group,
            decimal: ',',
            mark: "€",
            mark_before,
            spaced,
        };
        let mut style = match self {
            Country::Es | Country::De | Country::It | Country::Pt => eur(".", false, true),
            Country::At => eur(".", rng.chance(0.5), true),
            Country::Fr => eur(NARROW_NBSP, false, true),
            Country::Be if lang == Language::Fr => eur(NARROW_NBSP, false, true),
            Country::Be | Country::Nl => eur(".", true, true),
            Country::Ie => MoneyStyle {
                group: ",",
                decimal: '.',
                ..eur(",", true, false)
            },
            Country::Gb => MoneyStyle {
                currency: "GBP",
                group: ",",
                decimal: '.',
                mark: "£",
                mark_before: true,
                spaced: false,
            },
            Country::Us => MoneyStyle {
                currency: "USD",
                group: ",",
                decimal: '.',
                mark: "$",
                mark_before: true,
                spaced: false,
            },
            Country::Ch => MoneyStyle {
                currency: "CHF",
                group: "'",
                decimal: '.',
                mark: "CHF",
                mark_before: true,
                spaced: true,
            },
        };
        // Some documents print the ISO code instead of the symbol.
        if style.currency == "EUR" && rng.chance(0.15) {
            style.mark = "EUR";
            style.spaced = true;
        }
        style
    }

    /// Towns of the country where `lang` is spoken, with postcode patterns.
    pub fn towns(self, lang: Language) -> &'static [Town] {
        match (self, lang) {
            (Country::Es, _) => &[
                ("Madrid", "280##"),
                ("Barcelona", "080##"),
                ("Valencia", "460##"),
                ("Sevilla", "410##"),
                ("Bilbao", "480##"),
                ("Zaragoza", "500##"),
            ],
            (Country::De, _) => &[
                ("Berlin", "10###"),
                ("Hamburg", "20###"),
                ("München", "80###"),
                ("Köln", "50###"),
                ("Frankfurt am Main", "60###"),
                ("Stuttgart", "70###"),
                ("Leipzig", "04###"),
                ("Düsseldorf", "40###"),
                ("Nürnberg", "90###"),
            ],
            (Country::At, _) => &[
                ("Wien", "1#%0"),
                ("Graz", "80#0"),
                ("Linz", "40#0"),
                ("Salzburg", "50#0"),
                ("Innsbruck", "60#0"),
            ],
            (Country::Ch, Language::De) => &[
                ("Zürich", "80##"),
                ("Bern", "30##"),
                ("Basel", "40##"),
                ("Luzern", "60##"),
                ("St. Gallen", "90##"),
            ],
            (Country::Ch, _) => &[
                ("Genève", "12##"),
                ("Lausanne", "10##"),
                ("Neuchâtel", "20##"),
                ("Fribourg", "17##"),
            ],
            (Country::Fr, _) => &[
                ("Paris", "750##"),
                ("Lyon", "6900#"),
                ("Marseille", "130##"),
                ("Toulouse", "310##"),
                ("Nantes", "440##"),
                ("Bordeaux", "330##"),
                ("Lille", "590##"),
                ("Strasbourg", "670##"),
            ],
            (Country::Be, Language::Fr) => &[
                ("Bruxelles", "10#0"),
                ("Liège", "40#0"),
                ("Namur", "50#0"),
                ("Charleroi", "60#0"),
            ],
            (Country::Be, _) => &[
                ("Antwerpen", "20#0"),
                ("Gent", "90#0"),
                ("Brugge", "80#0"),
                ("Leuven", "30#0"),
            ],
            (Country::Nl, _) => &[
                ("Amsterdam", "10## @@"),
                ("Rotterdam", "30## @@"),
                ("Utrecht", "35## @@"),
                ("Den Haag", "25## @@"),
                ("Eindhoven", "56## @@"),
                ("Groningen", "97## @@"),
            ],
            (Country::It, _) => &[
                ("Milano", "201##"),
                ("Roma", "001##"),
                ("Torino", "101##"),
                ("Bologna", "401##"),
                ("Napoli", "801##"),
                ("Firenze", "501##"),
            ],
            (Country::Pt, _) => &[
                ("Lisboa", "1###-###"),
                ("Porto", "4###-###"),
                ("Braga", "47##-###"),
                ("Coimbra", "30##-###"),
                ("Faro", "80##-###"),
            ],
            (Country::Gb, _) => &[
                ("London", "EC#@ #@@"),
                ("Manchester", "M# #@@"),
                ("Leeds", "LS# #@@"),
                ("Bristol", "BS# #@@"),
                ("Edinburgh", "EH# #@@"),
            ],
            (Country::Ie, _) => &[
                ("Dublin", "D0# @#@#"),
                ("Cork", "T12 @#@#"),
                ("Galway", "H91 @#@#"),
                ("Limerick", "V94 @#@#"),
            ],
            (Country::Us, _) => &[
                ("New York, NY", "100##"),
                ("Los Angeles, CA", "900##"),
                ("Chicago, IL", "606##"),
                ("Austin, TX", "787##"),
                ("Boston, MA", "021##"),
            ],
        }
    }

    /// Legal forms of companies, as they follow the name.
    pub fn legal_forms(self, lang: Language) -> &'static [&'static str] {
        match (self, lang) {
            (Country::Es, _) => &["S.L.", "S.A.", "S.L.U."],
            (Country::De, _) => &[
                "GmbH",
                "GmbH & Co. KG",
                "AG",
                "e.K.",
                "UG (haftungsbeschränkt)",
            ],
            (Country::At, _) => &["GmbH", "KG", "OG", "e.U."],
            (Country::Ch, Language::De) => &["AG", "GmbH"],
            (Country::Ch, _) => &["SA", "Sàrl"],
            (Country::Fr, _) => &["SARL", "SAS", "SA", "EURL"],
            (Country::Be, Language::Fr) => &["SRL", "SA", "SPRL"],
            (Country::Be, _) => &["BV", "NV", "CommV"],
            (Country::Nl, _) => &["B.V.", "N.V.", "V.O.F."],
            (Country::It, _) => &["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s."],
            (Country::Pt, _) => &["Lda.", "S.A.", "Unipessoal Lda."],
            (Country::Gb, _) => &["Ltd", "Limited", "PLC", "LLP"],
            (Country::Ie, _) => &["Ltd", "Limited", "DAC"],
            (Country::Us, _) => &["Inc.", "LLC", "Corp."],
        }
    }

    /// Whether this is Swiss German, which writes `ss` for `ß`.
    pub fn writes_ss_for_eszett(self) -> bool {
        self == Country::Ch
    }

    /// International dialling prefix.
    pub fn phone_prefix(self) -> &'static str {
        match self {
            Country::Es => "+34",
            Country::Gb => "+44",
            Country::Ie => "+353",
            Country::Us => "+1",
            Country::De => "+49",
            Country::At => "+43",
            Country::Ch => "+41",
            Country::Fr => "+33",
            Country::Be => "+32",
            Country::Nl => "+31",
            Country::It => "+39",
            Country::Pt => "+351",
        }
    }
}

/// A postcode following `pattern`: `#` a digit, `%` a non-zero digit, `@` a letter.
pub fn postcode(pattern: &str, rng: &mut Rng) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.below(10) as u8),
            '%' => char::from(b'1' + rng.below(9) as u8),
            // Letters that postcodes use (no I, O, Q, S that read as digits).
            '@' => *rng.pick(&[
                'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'N', 'P', 'R', 'T', 'W', 'X',
            ]),
            other => other,
        })
        .collect()
}
