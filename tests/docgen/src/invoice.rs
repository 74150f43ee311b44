//! Invoice data model, exact cent arithmetic, Spanish formatting, random content and truth.

use serde::{Deserialize, Serialize};

use crate::ids;
use crate::rng::Rng;

/// What kind of document to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocKind {
    /// Factura completa.
    Factura,
    /// Factura simplificada (ticket).
    Ticket,
    /// Factura rectificativa (credit note).
    Rectificativa,
}

impl DocKind {
    /// Every kind.
    pub const ALL: [DocKind; 3] = [DocKind::Factura, DocKind::Ticket, DocKind::Rectificativa];

    /// The normalized `doc_type` value.
    pub fn doc_type(self) -> &'static str {
        match self {
            DocKind::Factura => "invoice",
            DocKind::Ticket => "simplified_invoice",
            DocKind::Rectificativa => "credit_note",
        }
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
    /// Day 1..=31.
    pub day: u32,
}

/// Spanish month names, January first.
pub const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// How dates are printed on a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateFormat {
    /// `14/03/2024`
    Slash,
    /// `14-03-24`
    DashShort,
    /// `14 de marzo de 2024`
    Long,
    /// `14.03.2024`
    Dot,
}

impl Date {
    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn to_days(self) -> i64 {
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
        Date { year, month, day }
    }

    /// This date plus `n` days.
    pub fn add_days(self, n: i64) -> Self {
        Self::from_days(self.to_days() + n)
    }

    /// ISO 8601 (`2024-03-14`).
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The date as printed in a given format.
    pub fn format(self, f: DateFormat) -> String {
        match f {
            DateFormat::Slash => format!("{:02}/{:02}/{:04}", self.day, self.month, self.year),
            DateFormat::DashShort => {
                format!("{:02}-{:02}-{:02}", self.day, self.month, self.year % 100)
            }
            DateFormat::Long => format!(
                "{} de {} de {}",
                self.day,
                MONTHS_ES[self.month as usize - 1],
                self.year
            ),
            DateFormat::Dot => format!("{:02}.{:02}.{:04}", self.day, self.month, self.year),
        }
    }
}

/// Divides rounding half away from zero (half-up on magnitudes), for exact cent arithmetic.
pub fn div_round(numer: i64, denom: i64) -> i64 {
    assert!(denom > 0);
    let q = (numer.abs() * 2 + denom) / (2 * denom);
    if numer < 0 {
        -q
    } else {
        q
    }
}

/// Normalized decimal string of an amount in cents (`-1234.56`).
pub fn cents_str(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// Normalized decimal string of a quantity in thousandths, without trailing zeros (`2.5`).
pub fn milli_str(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let (i, f) = (milli.abs() / 1000, milli.abs() % 1000);
    if f == 0 {
        format!("{sign}{i}")
    } else {
        let frac = format!("{f:03}");
        format!("{sign}{i}.{}", frac.trim_end_matches('0'))
    }
}

/// Spanish-format quantity (`2`, `2,5`, `1,250` for weights).
pub fn milli_es(milli: i64, weight: bool) -> String {
    if weight {
        let sign = if milli < 0 { "-" } else { "" };
        return format!("{sign}{},{:03}", milli.abs() / 1000, milli.abs() % 1000);
    }
    milli_str(milli).replace('.', ",")
}

/// Spanish number format of cents (`1.234,56`), optionally without thousands separators.
pub fn format_es(cents: i64, thousands: bool) -> String {
    let group = if thousands { "." } else { "" };
    format_cents(cents, group, ',')
}

/// Cents with a thousands `group` separator (may be empty) and a `decimal` mark:
/// `format_cents(123456, "'", '.')` is `1'234.56`.
pub fn format_cents(cents: i64, group: &str, decimal: char) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let int = (cents.abs() / 100).to_string();
    let bytes = int.as_bytes();
    let mut grouped = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(3) {
            grouped.push_str(group);
        }
        grouped.push(*b as char);
    }
    format!("{sign}{grouped}{decimal}{:02}", cents.abs() % 100)
}

/// The currency mark printed after amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CurrencyMark {
    /// `1.234,56 €`
    SpaceEuro,
    /// `1.234,56€`
    Euro,
    /// `1.234,56 EUR`
    SpaceCode,
}

impl CurrencyMark {
    /// The suffix text.
    pub fn as_str(self) -> &'static str {
        match self {
            CurrencyMark::SpaceEuro => " €",
            CurrencyMark::Euro => "€",
            CurrencyMark::SpaceCode => " EUR",
        }
    }
}

/// How money is printed on a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyFormat {
    /// Use `.` as thousands separator.
    pub thousands: bool,
    /// Currency mark after totals.
    pub symbol: CurrencyMark,
    /// Also print the mark in table cells.
    pub symbol_in_tables: bool,
}

impl MoneyFormat {
    /// An amount in a table cell.
    pub fn cell(&self, cents: i64) -> String {
        if self.symbol_in_tables {
            self.total(cents)
        } else {
            format_es(cents, self.thousands)
        }
    }

    /// An amount in the totals area (always with the currency mark).
    pub fn total(&self, cents: i64) -> String {
        format!(
            "{}{}",
            format_es(cents, self.thousands),
            self.symbol.as_str()
        )
    }
}

/// A vendor or customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Name as printed.
    pub name: String,
    /// Tax id, uppercase, no separators.
    pub tax_id: String,
    /// Label printed before the tax id (`NIF`, `CIF`, `N.I.F.`).
    pub tax_label: String,
    /// Tax id as printed (may carry a hyphen).
    pub tax_id_printed: String,
    /// Address lines as printed.
    pub address_lines: Vec<String>,
    /// Phone as printed, if any.
    pub phone: Option<String>,
    /// E-mail, if any.
    pub email: Option<String>,
}

impl Party {
    /// The address lines joined with `", "`.
    pub fn address(&self) -> String {
        self.address_lines.join(", ")
    }
}

/// A line item with exact amounts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Description.
    pub description: String,
    /// Quantity in thousandths (negative on credit notes).
    pub qty_milli: i64,
    /// Whether the quantity is a weight printed with three decimals.
    pub weight: bool,
    /// Unit price in cents (tax included on tickets).
    pub unit_cents: i64,
    /// `qty × unit`, rounded to cents.
    pub amount_cents: i64,
    /// IVA rate in percent.
    pub rate: u32,
}

/// One IVA rate's base and tax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxGroup {
    /// IVA rate in percent.
    pub rate: u32,
    /// Base imponible in cents.
    pub base: i64,
    /// Cuota in cents (`base × rate / 100`, rounded half-up).
    pub cuota: i64,
}

/// How the document is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethod {
    /// Bank transfer.
    Transfer,
    /// Card.
    Card,
    /// Cash.
    Cash,
    /// Direct debit.
    DirectDebit,
}

impl PaymentMethod {
    /// Normalized value used in the truth.
    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Cash => "cash",
            PaymentMethod::DirectDebit => "direct_debit",
        }
    }

    /// A Spanish label for it.
    pub fn label(self, rng: &mut Rng) -> &'static str {
        match self {
            PaymentMethod::Transfer => rng.pick_str(&["Transferencia bancaria", "Transferencia"]),
            PaymentMethod::Card => {
                rng.pick_str(&["Tarjeta", "Tarjeta de crédito", "Tarjeta bancaria"])
            }
            PaymentMethod::Cash => rng.pick_str(&["Efectivo", "En efectivo"]),
            PaymentMethod::DirectDebit => {
                rng.pick_str(&["Domiciliación bancaria", "Recibo domiciliado"])
            }
        }
    }
}

/// Kind of business, which decides the catalogue of items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sector {
    /// Consultancy, design, translation… (may withhold IRPF).
    Professional,
    /// Food wholesaler.
    Food,
    /// Hardware store.
    Hardware,
    /// Car workshop.
    Workshop,
    /// Bookshop and stationery.
    Bookshop,
    /// Restaurant or bar.
    Restaurant,
    /// Supermarket.
    Supermarket,
    /// Bakery and café.
    Bakery,
}

/// A complete document's content, with exact amounts in cents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    /// Document kind.
    pub kind: DocKind,
    /// Business sector.
    pub sector: Sector,
    /// Issuer.
    pub vendor: Party,
    /// Recipient (none on tickets).
    pub customer: Option<Party>,
    /// Document number as printed (without its label).
    pub number: String,
    /// Issue date.
    pub issue: Date,
    /// Time printed on tickets.
    pub time: Option<String>,
    /// Due date, when printed.
    pub due: Option<Date>,
    /// How dates are printed.
    pub date_format: DateFormat,
    /// How money is printed.
    pub money: MoneyFormat,
    /// Line items.
    pub items: Vec<Item>,
    /// Whether item prices include IVA (tickets).
    pub prices_include_tax: bool,
    /// One group per IVA rate, highest rate first.
    pub taxes: Vec<TaxGroup>,
    /// IRPF withholding: (rate, amount in cents).
    pub irpf: Option<(u32, i64)>,
    /// Payment method, when printed.
    pub payment: Option<PaymentMethod>,
    /// Payment label as printed.
    pub payment_label: Option<String>,
    /// Vendor IBAN (no spaces), when printed.
    pub iban: Option<String>,
    /// Whether an explicit amount-due line is printed.
    pub shows_amount_due: bool,
    /// Rectified invoice number and date (credit notes).
    pub rectified: Option<(String, Date)>,
    /// Reason of the rectification (credit notes).
    pub reason: Option<String>,
    /// Cash handed over, on cash tickets.
    pub cash_given: Option<i64>,
}

/// A tax line of the truth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxLineTruth {
    /// `IVA` or `IRPF`.
    pub kind: String,
    /// Rate in percent, as a plain decimal (`"21"`).
    pub rate: String,
    /// Base in euros (`"1234.56"`).
    pub base: String,
    /// Tax (IVA) or withheld amount (IRPF), positive for invoices.
    pub amount: String,
}

/// A line item of the truth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineItemTruth {
    /// Description as printed.
    pub description: String,
    /// Quantity (`"2"`, `"1.25"`).
    pub quantity: String,
    /// Unit price (`"12.50"`).
    pub unit_price: String,
    /// Amount (`"25.00"`).
    pub amount: String,
    /// IVA rate in percent (`"21"`).
    pub tax_rate: String,
}

/// Normalized ground truth of an invoice's fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceTruth {
    /// `invoice`, `simplified_invoice` or `credit_note`.
    pub doc_type: String,
    /// Vendor name as printed.
    pub vendor_name: String,
    /// Vendor tax id, uppercase without separators.
    pub vendor_tax_id: String,
    /// Vendor address lines joined with `", "`.
    pub vendor_address: String,
    /// Customer name.
    pub customer_name: Option<String>,
    /// Customer tax id.
    pub customer_tax_id: Option<String>,
    /// Document number.
    pub invoice_number: String,
    /// Issue date, ISO.
    pub issue_date: String,
    /// Due date, ISO.
    pub due_date: Option<String>,
    /// Always `EUR`.
    pub currency: String,
    /// Σ bases.
    pub subtotal: String,
    /// Σ IVA cuotas.
    pub tax_total: String,
    /// IRPF withheld.
    pub withholding: Option<String>,
    /// Σ bases + Σ cuotas − IRPF.
    pub total: String,
    /// Amount due, when the document prints it.
    pub amount_due: Option<String>,
    /// Vendor IBAN without spaces.
    pub iban: Option<String>,
    /// `transfer`, `card`, `cash` or `direct_debit`.
    pub payment_method: Option<String>,
    /// Whether item prices and amounts include IVA (then Σ items = total).
    pub prices_include_tax: bool,
    /// Number of the invoice a credit note rectifies.
    pub rectified_invoice: Option<String>,
    /// IVA lines, then IRPF.
    pub tax_lines: Vec<TaxLineTruth>,
    /// Line items.
    pub line_items: Vec<LineItemTruth>,
    /// Document language (ISO 639-1), on multilingual documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Seller's country (ISO 3166 alpha-2), on multilingual documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Seller's BIC, when printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// Customer address lines joined with `", "`, when printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_address: Option<String>,
}

impl Invoice {
    /// Σ item amounts.
    pub fn items_sum(&self) -> i64 {
        self.items.iter().map(|i| i.amount_cents).sum()
    }

    /// Σ bases.
    pub fn subtotal(&self) -> i64 {
        self.taxes.iter().map(|t| t.base).sum()
    }

    /// Σ IVA cuotas.
    pub fn tax_total(&self) -> i64 {
        self.taxes.iter().map(|t| t.cuota).sum()
    }

    /// IRPF withheld (0 when none).
    pub fn withholding(&self) -> i64 {
        self.irpf.map(|(_, a)| a).unwrap_or(0)
    }

    /// Σ bases + Σ cuotas − IRPF.
    pub fn total(&self) -> i64 {
        self.subtotal() + self.tax_total() - self.withholding()
    }

    /// The normalized truth.
    pub fn truth(&self) -> InvoiceTruth {
        let mut tax_lines: Vec<TaxLineTruth> = self
            .taxes
            .iter()
            .map(|t| TaxLineTruth {
                kind: "IVA".into(),
                rate: t.rate.to_string(),
                base: cents_str(t.base),
                amount: cents_str(t.cuota),
            })
            .collect();
        if let Some((rate, amount)) = self.irpf {
            tax_lines.push(TaxLineTruth {
                kind: "IRPF".into(),
                rate: rate.to_string(),
                base: cents_str(self.subtotal()),
                amount: cents_str(amount),
            });
        }
        InvoiceTruth {
            doc_type: self.kind.doc_type().into(),
            vendor_name: self.vendor.name.clone(),
            vendor_tax_id: self.vendor.tax_id.clone(),
            vendor_address: self.vendor.address(),
            customer_name: self.customer.as_ref().map(|c| c.name.clone()),
            customer_tax_id: self.customer.as_ref().map(|c| c.tax_id.clone()),
            invoice_number: self.number.clone(),
            issue_date: self.issue.iso(),
            due_date: self.due.map(Date::iso),
            currency: "EUR".into(),
            subtotal: cents_str(self.subtotal()),
            tax_total: cents_str(self.tax_total()),
            withholding: self.irpf.map(|(_, a)| cents_str(a)),
            total: cents_str(self.total()),
            amount_due: self.shows_amount_due.then(|| cents_str(self.total())),
            iban: self.iban.clone(),
            payment_method: self.payment.map(|p| p.code().to_string()),
            prices_include_tax: self.prices_include_tax,
            rectified_invoice: self.rectified.as_ref().map(|(n, _)| n.clone()),
            tax_lines,
            line_items: self
                .items
                .iter()
                .map(|i| LineItemTruth {
                    description: i.description.clone(),
                    quantity: milli_str(i.qty_milli),
                    unit_price: cents_str(i.unit_cents),
                    amount: cents_str(i.amount_cents),
                    tax_rate: i.rate.to_string(),
                })
                .collect(),
            language: None,
            country: None,
            bic: None,
            customer_address: None,
        }
    }

    /// Random content for a document kind.
    pub fn random(kind: DocKind, rng: &mut Rng) -> Self {
        generate_invoice(kind, rng)
    }
}

// ---------------------------------------------------------------------------
// Random content
// ---------------------------------------------------------------------------

const GIVEN: &[&str] = &[
    "Antonio",
    "José",
    "Manuel",
    "Francisco",
    "David",
    "Juan",
    "Javier",
    "Daniel",
    "Carlos",
    "Jesús",
    "Alejandro",
    "Miguel",
    "Rafael",
    "Pablo",
    "Sergio",
    "Álvaro",
    "Iñaki",
    "Íñigo",
    "Andrés",
    "Óscar",
    "Rubén",
    "Adrián",
    "María",
    "Carmen",
    "Ana",
    "Isabel",
    "Laura",
    "Cristina",
    "Lucía",
    "Marta",
    "Elena",
    "Pilar",
    "Begoña",
    "Sofía",
    "Paula",
    "Nuria",
    "Ainhoa",
    "Rocío",
    "Inés",
    "Raquel",
    "Mónica",
    "Ángela",
    "Noemí",
    "Maite",
];

const SURNAMES: &[&str] = &[
    "García",
    "Fernández",
    "González",
    "Rodríguez",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
    "Iglesias",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Calvo",
    "Gallego",
    "Vidal",
    "León",
    "Márquez",
    "Herrera",
    "Peña",
    "Cabrera",
    "Vega",
    "Fuentes",
    "Carrasco",
    "Caballero",
    "Reyes",
    "Nieto",
    "Aguilar",
    "Pascual",
    "Ibáñez",
    "Ferrer",
    "Durán",
    "Benítez",
    "Vicente",
    "Arias",
    "Crespo",
    "Román",
    "Pastor",
    "Soler",
    "Esteban",
    "Bravo",
    "Muñiz",
    "Cañete",
    "Echeverría",
    "Urquijo",
    "Zubizarreta",
];

const TRADE_NOUNS: &[&str] = &[
    "El Olivo",
    "La Espiga",
    "El Rincón",
    "Los Arcos",
    "La Tahona",
    "El Puerto",
    "La Bodeguilla",
    "El Mirador",
    "La Almazara",
    "El Jardín",
    "La Marina",
    "El Pinar",
    "La Alameda",
    "El Molino",
    "La Cigüeña",
    "El Castaño",
    "Los Almendros",
    "La Ribera",
    "El Faro",
    "La Encina",
];

/// (city, province shown in brackets or "", first postal code, number of codes, INE province code)
const CITIES: &[(&str, &str, u32, u32, u32)] = &[
    ("Madrid", "", 28001, 80, 28),
    ("Barcelona", "", 8001, 42, 8),
    ("Valencia", "", 46001, 26, 46),
    ("Sevilla", "", 41001, 20, 41),
    ("Zaragoza", "", 50001, 20, 50),
    ("Málaga", "", 29001, 18, 29),
    ("Bilbao", "Bizkaia", 48001, 15, 48),
    ("A Coruña", "", 15001, 11, 15),
    ("Alicante", "", 3001, 16, 3),
    ("Valladolid", "", 47001, 16, 47),
    ("Oviedo", "Asturias", 33001, 13, 33),
    ("Gijón", "Asturias", 33201, 13, 33),
    ("Granada", "", 18001, 15, 18),
    ("Murcia", "", 30001, 12, 30),
    ("Palma", "Illes Balears", 7001, 15, 7),
    ("Pamplona", "Navarra", 31001, 15, 31),
    ("Salamanca", "", 37001, 8, 37),
    ("Cáceres", "", 10001, 5, 10),
    ("Toledo", "", 45001, 7, 45),
    ("Logroño", "La Rioja", 26001, 9, 26),
    ("Santander", "Cantabria", 39001, 11, 39),
    ("Badajoz", "", 6001, 11, 6),
    ("Vigo", "Pontevedra", 36201, 15, 36),
    ("Donostia-San Sebastián", "Gipuzkoa", 20001, 18, 20),
    ("León", "", 24001, 10, 24),
    ("Córdoba", "", 14001, 14, 14),
    ("Jaén", "", 23001, 9, 23),
    ("Cádiz", "", 11001, 12, 11),
    ("Jerez de la Frontera", "Cádiz", 11401, 8, 11),
    ("Girona", "", 17001, 7, 17),
    ("Lleida", "", 25001, 8, 25),
    ("Tarragona", "", 43001, 8, 43),
    ("Castellón de la Plana", "Castellón", 12001, 6, 12),
    ("Albacete", "", 2001, 8, 2),
    ("Almería", "", 4001, 9, 4),
    ("Huelva", "", 21001, 7, 21),
    ("Burgos", "", 9001, 7, 9),
    ("Segovia", "", 40001, 6, 40),
    ("Ávila", "", 5001, 5, 5),
    ("Cuenca", "", 16001, 4, 16),
    ("Guadalajara", "", 19001, 5, 19),
    ("Huesca", "", 22001, 6, 22),
    ("Lugo", "", 27001, 4, 27),
    ("Ourense", "", 32001, 5, 32),
    ("Zamora", "", 49001, 8, 49),
    ("Ciudad Real", "", 13001, 5, 13),
    ("Vitoria-Gasteiz", "Álava", 1001, 15, 1),
    ("Móstoles", "Madrid", 28931, 8, 28),
    ("Alcalá de Henares", "Madrid", 28801, 7, 28),
    ("Getafe", "Madrid", 28901, 9, 28),
    ("Sabadell", "Barcelona", 8201, 8, 8),
    ("Terrassa", "Barcelona", 8221, 7, 8),
    ("Elche", "Alicante", 3201, 6, 3),
    ("Marbella", "Málaga", 29601, 4, 29),
];

const STREETS: &[&str] = &[
    "Mayor",
    "Real",
    "de Alcalá",
    "Gran Vía",
    "de la Constitución",
    "del Doctor Fleming",
    "de Colón",
    "de San Vicente Mártir",
    "de Andalucía",
    "de los Reyes Católicos",
    "Núñez de Balboa",
    "de Cervantes",
    "de la Paz",
    "del Carmen",
    "de Goya",
    "de Santa Engracia",
    "de Sagasta",
    "del Príncipe de Vergara",
    "de Blasco Ibáñez",
    "de Menéndez Pelayo",
    "de Ramón y Cajal",
    "de Juan de Austria",
    "de la Industria",
    "del Marqués de Larios",
    "de España",
    "del Ejército",
    "de Castilla",
    "de Galicia",
    "de la Estación",
    "de Nuestra Señora de Begoña",
    "de la Peña",
    "de los Álamos",
    "del Río Ebro",
    "de Jesús del Gran Poder",
    "de Bravo Murillo",
];

fn street_type(rng: &mut Rng) -> &'static str {
    rng.pick_str(&[
        "Calle",
        "Calle",
        "C/",
        "C/",
        "Avda.",
        "Avenida",
        "Plaza",
        "Paseo",
        "Ronda",
        "Travesía",
    ])
}

fn random_address(rng: &mut Rng) -> (Vec<String>, u32) {
    let &(city, province, cp0, ncp, prov_code) = rng.pick(CITIES);
    let cp = cp0 + rng.below(ncp as u64) as u32;
    let line1 = if rng.chance(0.12) {
        let name = rng.pick(&[
            "Los Olivos",
            "San Cristóbal",
            "El Campillo",
            "La Estrella",
            "Cantabria",
        ]);
        format!("Pol. Ind. {name}, nave {}", rng.range(1, 60))
    } else {
        let st = street_type(rng);
        let name = rng.pick(STREETS);
        let name = if st == "Plaza" || st == "Paseo" || st == "Ronda" {
            name.trim_start_matches("de la ")
                .trim_start_matches("del ")
                .trim_start_matches("de los ")
                .trim_start_matches("de ")
        } else {
            name
        };
        let num = rng.range(1, 220);
        let extra = match rng.below(6) {
            0 => format!(
                ", {}º {}",
                rng.range(1, 9),
                rng.pick(&["A", "B", "C", "D", "izda.", "dcha."])
            ),
            1 => ", bajo".to_string(),
            2 => format!(", local {}", rng.range(1, 12)),
            3 => format!(", {}º {}ª", rng.range(1, 8), rng.range(1, 4)),
            _ => String::new(),
        };
        let numtxt = if rng.chance(0.2) {
            format!("nº {num}")
        } else {
            num.to_string()
        };
        format!("{st} {name}, {numtxt}{extra}")
    };
    let line2 = if province.is_empty() {
        format!("{cp:05} {city}")
    } else {
        format!("{cp:05} {city} ({province})")
    };
    (vec![line1, line2], prov_code)
}

fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'Á' | 'À' => 'a',
                'é' | 'è' | 'É' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'Ó' => 'o',
                'ú' | 'ü' | 'Ú' => 'u',
                'ñ' | 'Ñ' => 'n',
                'ç' => 'c',
                c => c,
            };
            c.is_ascii_alphanumeric().then(|| c.to_ascii_lowercase())
        })
        .collect()
}

fn person_name(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(GIVEN),
        rng.pick(SURNAMES),
        rng.pick(SURNAMES)
    )
}

fn phone(rng: &mut Rng, prefix_code: u32) -> String {
    let area = match prefix_code {
        28 => "91".to_string(),
        8 => "93".to_string(),
        _ => format!("9{}", rng.range(2, 8)),
    };
    let rest = rng.range(1_000_000, 9_999_999);
    let mobile = rng.range(600_000_000, 699_999_999);
    let r = rest.to_string();
    match rng.below(4) {
        0 => format!("{area} {} {} {}", &r[0..3], &r[3..5], &r[5..7]),
        1 => format!("{area}{} {} {}", &r[0..1], &r[1..4], &r[4..7]),
        2 => format!("+34 {area}{} {} {}", &r[0..1], &r[1..4], &r[4..7]),
        _ => {
            let m = mobile.to_string();
            format!("{} {} {}", &m[0..3], &m[3..6], &m[6..9])
        }
    }
}

fn tax_print(rng: &mut Rng, id: &str, company: bool) -> (String, String) {
    let label = if company {
        rng.pick(&["CIF", "C.I.F.", "NIF", "N.I.F."]).to_string()
    } else {
        rng.pick(&["NIF", "N.I.F.", "DNI"]).to_string()
    };
    let printed = if rng.chance(0.25) {
        let (a, b) = if id.starts_with(|c: char| c.is_ascii_digit()) {
            id.split_at(8)
        } else {
            id.split_at(1)
        };
        format!("{a}-{b}")
    } else {
        id.to_string()
    };
    (label, printed)
}

fn company_name(rng: &mut Rng, sector: Sector) -> String {
    let s1 = *rng.pick(SURNAMES);
    let s2 = *rng.pick(SURNAMES);
    let noun = *rng.pick(TRADE_NOUNS);
    let place = rng.pick(CITIES).0;
    let form = *rng.pick(&[", S.L.", ", S.L.", " S.L.", ", S.A.", ", S.L.U.", " SL"]);
    match sector {
        Sector::Professional => match rng.below(4) {
            0 => format!("{s1} & {s2} Asesores{form}"),
            1 => format!("Consultoría {s1}{form}"),
            2 => format!(
                "Estudio Creativo {}{form}",
                noun.split(' ').nth(1).unwrap_or(noun)
            ),
            _ => format!("Traducciones {place}{form}"),
        },
        Sector::Food => match rng.below(3) {
            0 => format!("Distribuciones Alimentarias {place}{form}"),
            1 => format!("Hermanos {s1}{form}"),
            _ => format!("Comercial {s1} e Hijos{form}"),
        },
        Sector::Hardware => match rng.below(3) {
            0 => format!("Ferretería {s1}{form}"),
            1 => format!("Suministros Industriales {place}{form}"),
            _ => format!("Bricolaje {noun}{form}"),
        },
        Sector::Workshop => match rng.below(2) {
            0 => format!("Talleres {s1} Hermanos{form}"),
            _ => format!("Autoservicio {place}{form}"),
        },
        Sector::Bookshop => match rng.below(2) {
            0 => format!("Librería {noun}{form}"),
            _ => format!("Papelería {s1}{form}"),
        },
        Sector::Restaurant => match rng.below(4) {
            0 => format!("Restaurante {noun}"),
            1 => format!("Mesón {noun}"),
            2 => format!("Bar {}", rng.pick(GIVEN)),
            _ => format!("Taberna {s1}"),
        },
        Sector::Supermarket => match rng.below(3) {
            0 => format!("Supermercados {s1}"),
            1 => format!("Alimentación {}", rng.pick(GIVEN)),
            _ => format!("Frutas y Verduras {noun}"),
        },
        Sector::Bakery => match rng.below(2) {
            0 => format!("Panadería {noun}"),
            _ => format!("Cafetería {noun}"),
        },
    }
}

fn random_party(rng: &mut Rng, sector: Sector, company: bool) -> Party {
    let (address_lines, prov) = random_address(rng);
    let name = if company {
        company_name(rng, sector)
    } else {
        person_name(rng)
    };
    let tax_id = if company {
        ids::random_cif(rng, prov)
    } else if rng.chance(0.8) {
        ids::random_dni(rng)
    } else {
        ids::random_nie(rng)
    };
    let (tax_label, tax_id_printed) = tax_print(rng, &tax_id, company);
    let tax_label = if tax_id.starts_with(['X', 'Y', 'Z']) {
        "NIE".to_string()
    } else {
        tax_label
    };
    let slug: String = ascii_slug(&name).chars().take(18).collect();
    Party {
        name,
        tax_id,
        tax_label,
        tax_id_printed,
        address_lines,
        phone: rng.chance(0.8).then(|| phone(rng, prov)),
        email: rng.chance(0.5).then(|| {
            format!(
                "{}@{slug}.{}",
                rng.pick(&["info", "administracion", "facturas", "contacto"]),
                rng.pick(&["es", "com"])
            )
        }),
    }
}

#[derive(Clone, Copy)]
enum Qty {
    Units(i64),
    Hours,
    Kg,
}

struct CatalogItem {
    description: &'static str,
    min_cents: i64,
    max_cents: i64,
    rate: u32,
    qty: Qty,
}

const fn ci(
    description: &'static str,
    min_cents: i64,
    max_cents: i64,
    rate: u32,
    qty: Qty,
) -> CatalogItem {
    CatalogItem {
        description,
        min_cents,
        max_cents,
        rate,
        qty,
    }
}

fn catalog(sector: Sector) -> &'static [CatalogItem] {
    use Qty::*;
    match sector {
        Sector::Professional => {
            const L: &[CatalogItem] = &[
                ci("Horas de consultoría técnica", 4000, 9000, 21, Hours),
                ci(
                    "Diseño de logotipo y manual de marca",
                    30000,
                    120000,
                    21,
                    Units(1),
                ),
                ci(
                    "Mantenimiento mensual del sitio web",
                    5000,
                    30000,
                    21,
                    Units(3),
                ),
                ci("Asesoría fiscal trimestral", 9000, 35000, 21, Units(1)),
                ci("Traducción jurada (páginas)", 3000, 5500, 21, Units(20)),
                ci(
                    "Auditoría de seguridad informática",
                    60000,
                    250000,
                    21,
                    Units(1),
                ),
                ci("Formación en gestión de proyectos", 5000, 9000, 21, Hours),
                ci("Redacción de informe pericial", 25000, 90000, 21, Units(1)),
                ci(
                    "Gestión de nóminas (por empleado)",
                    1500,
                    3000,
                    21,
                    Units(25),
                ),
                ci("Campaña en redes sociales", 20000, 80000, 21, Units(1)),
            ];
            L
        }
        Sector::Food => {
            const L: &[CatalogItem] = &[
                ci(
                    "Leche entera brik 1 L (caja 6 uds.)",
                    450,
                    780,
                    4,
                    Units(40),
                ),
                ci("Pan de molde integral", 150, 260, 4, Units(30)),
                ci("Huevos frescos camperos (docena)", 220, 390, 4, Units(30)),
                ci("Queso manchego curado (kg)", 1400, 2200, 4, Kg),
                ci("Fruta de temporada (kg)", 150, 350, 4, Kg),
                ci("Café molido natural 1 kg", 900, 1600, 10, Units(20)),
                ci("Agua mineral 1,5 L (pack 6)", 180, 320, 10, Units(50)),
                ci("Jamón serrano reserva (kg)", 1200, 2400, 10, Kg),
                ci("Atún en aceite de oliva (pack 3)", 280, 520, 10, Units(40)),
                ci(
                    "Aceite de oliva virgen extra 5 L",
                    2500,
                    4500,
                    10,
                    Units(12),
                ),
                ci("Vino tinto crianza D.O. Rioja", 450, 1400, 21, Units(36)),
                ci("Cerveza especial (barril 30 L)", 5500, 8500, 21, Units(6)),
                ci("Detergente lavavajillas 5 L", 700, 1300, 21, Units(10)),
            ];
            L
        }
        Sector::Hardware => {
            const L: &[CatalogItem] = &[
                ci(
                    "Tornillería acero inoxidable (caja 100 uds.)",
                    450,
                    1200,
                    21,
                    Units(10),
                ),
                ci("Taladro percutor 800 W", 4500, 12000, 21, Units(2)),
                ci(
                    "Pintura plástica blanca mate 15 L",
                    2500,
                    6000,
                    21,
                    Units(6),
                ),
                ci("Cinta métrica 5 m", 350, 900, 21, Units(5)),
                ci("Llave inglesa ajustable", 800, 2200, 21, Units(4)),
                ci("Bombilla LED 9 W E27", 150, 450, 21, Units(24)),
                ci(
                    "Cable eléctrico 2,5 mm (rollo 100 m)",
                    3500,
                    7000,
                    21,
                    Units(4),
                ),
                ci("Silicona neutra transparente", 350, 800, 21, Units(12)),
                ci("Escalera de aluminio 5 peldaños", 4000, 9500, 21, Units(2)),
                ci("Guantes de protección (par)", 200, 650, 21, Units(20)),
            ];
            L
        }
        Sector::Workshop => {
            const L: &[CatalogItem] = &[
                ci("Cambio de aceite y filtro", 4500, 9500, 21, Units(1)),
                ci("Pastillas de freno delanteras", 3500, 9000, 21, Units(1)),
                ci("Mano de obra (horas)", 3500, 5500, 21, Hours),
                ci("Neumático 205/55 R16", 5500, 11000, 21, Units(4)),
                ci("Diagnosis electrónica", 3000, 6000, 21, Units(1)),
                ci("Líquido refrigerante 5 L", 1200, 2500, 21, Units(2)),
                ci("Escobillas limpiaparabrisas", 1500, 3500, 21, Units(2)),
                ci("Batería 12 V 60 Ah", 7000, 13000, 21, Units(1)),
            ];
            L
        }
        Sector::Bookshop => {
            const L: &[CatalogItem] = &[
                ci("Libro: Cien años de soledad", 1095, 2290, 4, Units(3)),
                ci("Libro: La sombra del viento", 995, 2190, 4, Units(3)),
                ci("Diccionario de la lengua española", 2500, 4900, 4, Units(2)),
                ci(
                    "Libro de texto Matemáticas 3º ESO",
                    3200,
                    4800,
                    4,
                    Units(30),
                ),
                ci("Cuaderno espiral A4 cuadrícula", 195, 450, 21, Units(20)),
                ci("Bolígrafos azules (caja 50 uds.)", 900, 1900, 21, Units(5)),
                ci("Agenda escolar", 450, 1200, 21, Units(10)),
                ci(
                    "Papel para impresora A4 (500 hojas)",
                    350,
                    700,
                    21,
                    Units(10),
                ),
            ];
            L
        }
        Sector::Restaurant => {
            const L: &[CatalogItem] = &[
                ci("Menú del día", 1100, 1650, 10, Units(6)),
                ci("Café con leche", 130, 190, 10, Units(4)),
                ci("Caña de cerveza", 180, 300, 10, Units(6)),
                ci("Tostada con tomate y aceite", 180, 350, 10, Units(3)),
                ci("Ración de calamares", 850, 1400, 10, Units(2)),
                ci("Paella valenciana (ración)", 1200, 1800, 10, Units(4)),
                ci("Agua mineral 50 cl", 150, 250, 10, Units(4)),
                ci("Tarta de queso casera", 450, 650, 10, Units(3)),
                ci("Croquetas caseras de jamón", 750, 1100, 10, Units(2)),
                ci("Pulpo a la gallega", 1400, 2200, 10, Units(2)),
                ci("Tortilla española (pincho)", 250, 400, 10, Units(4)),
                ci("Zumo de naranja natural", 250, 400, 10, Units(3)),
            ];
            L
        }
        Sector::Supermarket => {
            const L: &[CatalogItem] = &[
                ci("Leche semidesnatada 1 L", 85, 130, 4, Units(6)),
                ci("Barra de pan", 60, 120, 4, Units(3)),
                ci("Plátanos de Canarias (kg)", 180, 290, 4, Kg),
                ci("Tomates pera (kg)", 150, 320, 4, Kg),
                ci("Huevos L (docena)", 190, 320, 4, Units(2)),
                ci("Aceite de girasol 1 L", 150, 260, 10, Units(3)),
                ci("Galletas María", 90, 180, 10, Units(3)),
                ci("Pechuga de pollo (kg)", 550, 890, 10, Kg),
                ci("Yogur natural (pack 4)", 120, 240, 10, Units(3)),
                ci("Papel higiénico (12 rollos)", 350, 650, 21, Units(2)),
                ci("Gel de ducha 750 ml", 190, 450, 21, Units(2)),
                ci("Champú anticaspa", 250, 550, 21, Units(2)),
            ];
            L
        }
        Sector::Bakery => {
            const L: &[CatalogItem] = &[
                ci("Croissant de mantequilla", 110, 190, 10, Units(6)),
                ci("Ensaimada", 150, 280, 10, Units(4)),
                ci("Barra de pan rústica", 90, 160, 4, Units(4)),
                ci("Napolitana de chocolate", 120, 210, 10, Units(4)),
                ci("Café solo", 110, 150, 10, Units(3)),
                ci("Cortado", 120, 160, 10, Units(3)),
                ci("Chocolate con churros", 300, 450, 10, Units(3)),
                ci("Magdalenas (bolsa 6 uds.)", 200, 350, 10, Units(2)),
            ];
            L
        }
    }
}

fn random_qty(rng: &mut Rng, q: Qty) -> (i64, bool) {
    match q {
        Qty::Units(max) => {
            let v = if rng.chance(0.5) {
                1
            } else {
                rng.range(1, max.max(1))
            };
            (v * 1000, false)
        }
        Qty::Hours => {
            let half = rng.chance(0.3);
            (rng.range(1, 40) * 1000 + if half { 500 } else { 0 }, false)
        }
        Qty::Kg => (rng.range(50, 600) * 5, true),
    }
}

fn random_number(rng: &mut Rng, kind: DocKind, year: i32) -> String {
    let yy = year % 100;
    match kind {
        DocKind::Factura => {
            let n = rng.range(1, 2999);
            match rng.below(6) {
                0 => format!("F{year}-{n:04}"),
                1 => format!("A/{n:06}"),
                2 => format!("{year}/{n:04}"),
                3 => format!("FAC-{yy:02}-{n:05}"),
                4 => format!("{:07}", rng.range(1, 999_999)),
                _ => format!("FV{yy:02}{n:05}"),
            }
        }
        DocKind::Rectificativa => {
            let n = rng.range(1, 300);
            match rng.below(4) {
                0 => format!("R{year}-{n:03}"),
                1 => format!("RECT-{year}/{n:03}"),
                2 => format!("FR{yy:02}-{n:04}"),
                _ => format!("AB/{n:06}"),
            }
        }
        DocKind::Ticket => {
            let n = rng.range(1, 999_999);
            match rng.below(4) {
                0 => format!("T{:03}-{n:06}", rng.range(1, 12)),
                1 => format!("FS{yy:02}/{n:06}"),
                2 => format!("{:04}-{n:06}", rng.range(1, 20)),
                _ => format!("{n:06}"),
            }
        }
    }
}

/// The tax on `base` at `rate_milli` thousandths of a percent, rounded half-up.
pub fn tax_of(base: i64, rate_milli: u32) -> i64 {
    div_round(base * rate_milli as i64, 100_000)
}

/// Finds a base `b` with `b + tax_of(b, rate_milli) == gross`, if one exists
/// (tax-included prices must split exactly into base and tax).
pub fn base_from_gross(gross: i64, rate_milli: u32) -> Option<i64> {
    let guess = div_round(gross * 100_000, 100_000 + rate_milli as i64);
    (guess - 2..=guess + 2).find(|&b| b + tax_of(b, rate_milli) == gross)
}

fn generate_invoice(kind: DocKind, rng: &mut Rng) -> Invoice {
    let sector = match kind {
        DocKind::Ticket => *rng.pick(&[
            Sector::Restaurant,
            Sector::Supermarket,
            Sector::Bakery,
            Sector::Hardware,
            Sector::Bookshop,
        ]),
        _ => *rng.pick(&[
            Sector::Professional,
            Sector::Professional,
            Sector::Food,
            Sector::Hardware,
            Sector::Workshop,
            Sector::Bookshop,
            Sector::Restaurant,
        ]),
    };
    let freelancer = sector == Sector::Professional && kind != DocKind::Ticket && rng.chance(0.5);
    let vendor = random_party(rng, sector, !freelancer);
    let customer = (kind != DocKind::Ticket).then(|| {
        let company = rng.chance(0.75);
        let sec = *rng.pick(&[Sector::Professional, Sector::Food, Sector::Hardware]);
        random_party(rng, sec, company)
    });

    // Dates.
    let issue = Date::from_days(
        Date {
            year: 2022,
            month: 1,
            day: 1,
        }
        .to_days()
            + rng.range(0, 4 * 365 - 1),
    );
    let date_format = *rng.pick(&[
        DateFormat::Slash,
        DateFormat::Slash,
        DateFormat::Slash,
        DateFormat::DashShort,
        DateFormat::Long,
        DateFormat::Dot,
    ]);
    let due = (kind == DocKind::Factura && rng.chance(0.7))
        .then(|| issue.add_days(*rng.pick(&[0i64, 15, 30, 30, 45, 60, 90])));
    let time = (kind == DocKind::Ticket)
        .then(|| format!("{:02}:{:02}", rng.range(8, 22), rng.range(0, 59)));

    // Items restricted to one or two IVA rates of the sector.
    let cat = catalog(sector);
    let mut rates: Vec<u32> = Vec::new();
    for c in cat {
        if !rates.contains(&c.rate) {
            rates.push(c.rate);
        }
    }
    rng.shuffle(&mut rates);
    let n_rates = if rates.len() > 1 && rng.chance(0.6) {
        2
    } else {
        1
    };
    rates.truncate(n_rates);
    let pool: Vec<&CatalogItem> = cat.iter().filter(|c| rates.contains(&c.rate)).collect();
    let n_items = match kind {
        DocKind::Factura => rng.range(2, 9),
        DocKind::Ticket => rng.range(2, 10),
        DocKind::Rectificativa => rng.range(1, 4),
    } as usize;
    let mut chosen: Vec<&CatalogItem> = Vec::new();
    // Make sure each chosen rate appears at least once.
    for r in &rates {
        let with_rate: Vec<&&CatalogItem> = pool.iter().filter(|c| c.rate == *r).collect();
        chosen.push(**rng.pick(&with_rate));
    }
    while chosen.len() < n_items.min(pool.len()) {
        let c = *rng.pick(&pool);
        if !chosen.iter().any(|x| x.description == c.description) {
            chosen.push(c);
        }
    }
    rng.shuffle(&mut chosen);
    let sign = if kind == DocKind::Rectificativa {
        -1
    } else {
        1
    };
    let mut items: Vec<Item> = chosen
        .iter()
        .map(|c| {
            let (qty, weight) = random_qty(rng, c.qty);
            let qty = qty * sign;
            let unit = rng.range(c.min_cents / 5, c.max_cents / 5) * 5
                + if rng.chance(0.3) { rng.range(0, 4) } else { 0 };
            Item {
                description: c.description.to_string(),
                qty_milli: qty,
                weight,
                unit_cents: unit,
                amount_cents: div_round(qty * unit, 1000),
                rate: c.rate,
            }
        })
        .collect();

    let prices_include_tax = kind == DocKind::Ticket;
    let mut rate_order = rates.clone();
    rate_order.sort_unstable_by(|a, b| b.cmp(a));
    let taxes: Vec<TaxGroup> = if prices_include_tax {
        // Tax-included prices: nudge prices until each group's gross splits exactly.
        rate_order
            .iter()
            .map(|&rate| loop {
                let gross: i64 = items
                    .iter()
                    .filter(|i| i.rate == rate)
                    .map(|i| i.amount_cents)
                    .sum();
                if let Some(base) = base_from_gross(gross, rate * 1000) {
                    break TaxGroup {
                        rate,
                        base,
                        cuota: gross - base,
                    };
                }
                let idx = items
                    .iter()
                    .position(|i| i.rate == rate && !i.weight)
                    .or_else(|| items.iter().position(|i| i.rate == rate))
                    .expect("every rate has an item");
                let it = &mut items[idx];
                it.unit_cents += 1;
                it.amount_cents = div_round(it.qty_milli * it.unit_cents, 1000);
            })
            .collect()
    } else {
        rate_order
            .iter()
            .map(|&rate| {
                let base: i64 = items
                    .iter()
                    .filter(|i| i.rate == rate)
                    .map(|i| i.amount_cents)
                    .sum();
                TaxGroup {
                    rate,
                    base,
                    cuota: div_round(base * rate as i64, 100),
                }
            })
            .collect()
    };
    let subtotal: i64 = taxes.iter().map(|t| t.base).sum();
    let irpf = (sector == Sector::Professional
        && kind != DocKind::Ticket
        && (freelancer || rng.chance(0.3)))
    .then(|| {
        let rate = if rng.chance(0.7) { 15 } else { 7 };
        (rate, div_round(subtotal * rate as i64, 100))
    });

    // Payment.
    let (payment, iban) = match kind {
        DocKind::Ticket => (
            Some(if rng.chance(0.55) {
                PaymentMethod::Card
            } else {
                PaymentMethod::Cash
            }),
            None,
        ),
        DocKind::Factura => match rng.below(20) {
            0..=11 => (
                Some(PaymentMethod::Transfer),
                Some(ids::random_iban_es(rng)),
            ),
            12..=14 => (Some(PaymentMethod::DirectDebit), None),
            15..=16 => (Some(PaymentMethod::Card), None),
            17 => (Some(PaymentMethod::Cash), None),
            _ => (None, None),
        },
        DocKind::Rectificativa => {
            if rng.chance(0.5) {
                (
                    Some(PaymentMethod::Transfer),
                    Some(ids::random_iban_es(rng)),
                )
            } else {
                (None, None)
            }
        }
    };
    let payment_label = payment.map(|p| p.label(rng).to_string());
    let rectified = (kind == DocKind::Rectificativa).then(|| {
        let d = issue.add_days(-rng.range(5, 120));
        (random_number(rng, DocKind::Factura, d.year), d)
    });
    let reason = (kind == DocKind::Rectificativa).then(|| {
        rng.pick(&[
            "Devolución de mercancía",
            "Error en el precio unitario",
            "Descuento por volumen no aplicado",
            "Anulación parcial del pedido",
        ])
        .to_string()
    });
    let money = MoneyFormat {
        thousands: rng.chance(0.85),
        symbol: *rng.pick(&[
            CurrencyMark::SpaceEuro,
            CurrencyMark::SpaceEuro,
            CurrencyMark::SpaceEuro,
            CurrencyMark::Euro,
            CurrencyMark::SpaceCode,
        ]),
        symbol_in_tables: rng.chance(0.3),
    };
    let number = random_number(rng, kind, issue.year);
    let mut inv = Invoice {
        kind,
        sector,
        vendor,
        customer,
        number,
        issue,
        time,
        due,
        date_format,
        money,
        items: Vec::new(),
        prices_include_tax,
        taxes,
        irpf,
        payment,
        payment_label,
        iban,
        shows_amount_due: irpf.is_some() || rng.chance(0.3),
        rectified,
        reason,
        cash_given: None,
    };
    inv.items = std::mem::take(&mut items);
    if inv.payment == Some(PaymentMethod::Cash) && kind == DocKind::Ticket {
        let total = inv.total();
        let given = [500, 1000, 2000, 5000, 10000, 20000]
            .into_iter()
            .find(|&g| g >= total)
            .unwrap_or(total);
        inv.cash_given = Some(if rng.chance(0.2) { total } else { given });
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let d = Date {
            year: 2024,
            month: 2,
            day: 29,
        };
        assert_eq!(Date::from_days(d.to_days()), d);
        assert_eq!(
            d.add_days(1),
            Date {
                year: 2024,
                month: 3,
                day: 1
            }
        );
        assert_eq!(
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
            .to_days(),
            0
        );
        assert_eq!(d.format(DateFormat::Long), "29 de febrero de 2024");
        assert_eq!(d.format(DateFormat::DashShort), "29-02-24");
    }

    #[test]
    fn number_formats() {
        assert_eq!(format_es(123456, true), "1.234,56");
        assert_eq!(format_es(123456789, true), "1.234.567,89");
        assert_eq!(format_es(-5, true), "-0,05");
        assert_eq!(format_es(123456, false), "1234,56");
        assert_eq!(cents_str(-123456), "-1234.56");
        assert_eq!(milli_str(2500), "2.5");
        assert_eq!(milli_str(1250), "1.25");
        assert_eq!(milli_es(1250, true), "1,250");
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(4, 10), 0);
    }

    #[test]
    fn arithmetic_is_consistent() {
        for seed in 0..600u64 {
            let kind = DocKind::ALL[(seed % 3) as usize];
            let inv = Invoice::random(kind, &mut Rng::new(seed));
            assert!(!inv.items.is_empty());
            assert!(inv.taxes.len() == 1 || inv.taxes.len() == 2);
            for it in &inv.items {
                assert_eq!(
                    it.amount_cents,
                    div_round(it.qty_milli * it.unit_cents, 1000)
                );
            }
            if inv.prices_include_tax {
                assert_eq!(inv.items_sum(), inv.total(), "seed {seed}");
            } else {
                assert_eq!(inv.items_sum(), inv.subtotal(), "seed {seed}");
            }
            for t in &inv.taxes {
                assert_eq!(
                    t.cuota,
                    div_round(t.base * t.rate as i64, 100),
                    "seed {seed}"
                );
            }
            if let Some((rate, amount)) = inv.irpf {
                assert_eq!(amount, div_round(inv.subtotal() * rate as i64, 100));
            }
            assert_eq!(
                inv.total(),
                inv.subtotal() + inv.tax_total() - inv.withholding()
            );
            // The normalized truth must say the same.
            let t = inv.truth();
            let parse = |s: &str| -> i64 {
                let neg = s.starts_with('-');
                let v: i64 = s.trim_start_matches('-').replace('.', "").parse().unwrap();
                if neg {
                    -v
                } else {
                    v
                }
            };
            let bases: i64 = t
                .tax_lines
                .iter()
                .filter(|l| l.kind == "IVA")
                .map(|l| parse(&l.base))
                .sum();
            let cuotas: i64 = t
                .tax_lines
                .iter()
                .filter(|l| l.kind == "IVA")
                .map(|l| parse(&l.amount))
                .sum();
            let irpf: i64 = t
                .tax_lines
                .iter()
                .filter(|l| l.kind == "IRPF")
                .map(|l| parse(&l.amount))
                .sum();
            assert_eq!(parse(&t.total), bases + cuotas - irpf);
            assert_eq!(parse(&t.subtotal), bases);
            if kind == DocKind::Rectificativa {
                assert!(parse(&t.total) < 0);
            }
        }
    }
}
