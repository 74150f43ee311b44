//! The invoice as the XML states it, one shape for CII, ZUGFeRD 1 and UBL,
//! so callers never branch on the syntax the sender happened to use.

use serde::{Deserialize, Serialize};

/// Which XML syntax an e-invoice is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// UN/CEFACT Cross Industry Invoice D16B: Factur-X, ZUGFeRD 2.x, XRechnung CII.
    Cii,
    /// ZUGFeRD 1.0 `CrossIndustryDocument`.
    Zugferd1,
    /// OASIS UBL 2.1 `Invoice` or `CreditNote` (XRechnung UBL, Peppol BIS).
    Ubl,
}

impl Format {
    /// The name used in JSON: `cii`, `zugferd1` or `ubl`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cii => "cii",
            Format::Zugferd1 => "zugferd1",
            Format::Ubl => "ubl",
        }
    }
}

/// A monetary amount: the XML text untouched plus a canonical decimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// The element's text, trimmed.
    pub raw: String,
    /// Canonical decimal with at least two fraction digits (`"1234.50"`,
    /// `"-8.79"`); `None` when `raw` is not a plain decimal number.
    pub value: Option<String>,
    /// The `currencyID` attribute, when present.
    pub currency: Option<String>,
}

/// A non-monetary number (rate, quantity): raw text plus a canonical decimal
/// without trailing zeros (`"19"`, `"7.5"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decimal {
    /// The element's text, trimmed.
    pub raw: String,
    /// Canonical decimal; `None` when `raw` is not a plain decimal number.
    pub value: Option<String>,
}

/// Document-level totals (EN 16931 BG-22).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of line net amounts (BT-106).
    pub line_total: Option<Amount>,
    /// Document-level allowances (BT-107).
    pub allowance_total: Option<Amount>,
    /// Document-level charges (BT-108).
    pub charge_total: Option<Amount>,
    /// Total without VAT (BT-109): CII TaxBasisTotalAmount, UBL TaxExclusiveAmount.
    pub tax_basis: Option<Amount>,
    /// VAT total in the invoice currency (BT-110).
    pub tax_total: Option<Amount>,
    /// Rounding amount (BT-114).
    pub rounding: Option<Amount>,
    /// Total with VAT (BT-112): CII GrandTotalAmount, UBL TaxInclusiveAmount.
    pub total: Option<Amount>,
    /// Paid already (BT-113).
    pub prepaid: Option<Amount>,
    /// Amount due for payment (BT-115).
    pub amount_due: Option<Amount>,
}

/// One VAT breakdown line (BG-23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    /// Category code (BT-118): `S`, `Z`, `E`, `AE`, `K`, `G`, `O`, `L`, `M`.
    pub category: Option<String>,
    /// Rate in percent (BT-119).
    pub rate: Option<Decimal>,
    /// Taxable amount (BT-116).
    pub base: Option<Amount>,
    /// Tax amount (BT-117).
    pub amount: Option<Amount>,
    /// Exemption reason text (BT-120).
    pub exemption_reason: Option<String>,
}

/// One invoice line (BG-25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    /// Line id (BT-126).
    pub id: Option<String>,
    /// Item name (BT-153).
    pub name: Option<String>,
    /// Item description (BT-154).
    pub description: Option<String>,
    /// Seller's item id (BT-155).
    pub seller_item_id: Option<String>,
    /// Invoiced quantity (BT-129).
    pub quantity: Option<Decimal>,
    /// Unit of measure code (BT-130), e.g. `H87`, `C62`, `KGM`.
    pub unit_code: Option<String>,
    /// Net unit price (BT-146).
    pub unit_price: Option<Amount>,
    /// Line net amount (BT-131).
    pub net_amount: Option<Amount>,
    /// VAT category of the line (BT-151).
    pub tax_category: Option<String>,
    /// VAT rate of the line (BT-152).
    pub tax_rate: Option<Decimal>,
}

/// Seller or buyer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Legal name (BT-27 / BT-44).
    pub name: Option<String>,
    /// Trading name (BT-28 / BT-45).
    pub trading_name: Option<String>,
    /// Legal registration id (BT-30 / BT-47).
    pub legal_id: Option<String>,
    /// VAT id (BT-31 / BT-48), spaces removed: CII SpecifiedTaxRegistration
    /// with schemeID `VA`, UBL PartyTaxScheme with TaxScheme `VAT`.
    pub vat_id: Option<String>,
    /// Other tax number (BT-32): CII schemeID `FC`, UBL a non-VAT TaxScheme.
    pub tax_number: Option<String>,
    /// Street lines in order.
    pub address_lines: Vec<String>,
    /// Post code.
    pub postcode: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Electronic address (BT-34 / BT-49), e.g. a Peppol id or an e-mail.
    pub electronic_address: Option<String>,
    /// Contact person or department.
    pub contact_name: Option<String>,
    /// Contact e-mail, else the electronic address when it is one.
    pub email: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
}

/// How to pay (BG-16 and friends).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment means code (BT-81), UNTDID 4461: `58` SEPA transfer, `59` SEPA direct debit...
    pub means_code: Option<String>,
    /// Payment means text (BT-82).
    pub means_text: Option<String>,
    /// Payee account ids (BT-84) in document order, spaces removed, upper case.
    pub ibans: Vec<String>,
    /// Payee bank BIC (BT-86).
    pub bic: Option<String>,
    /// Payee account name (BT-85).
    pub account_name: Option<String>,
    /// Debited account of a direct debit (BT-91), spaces removed, upper case.
    pub debtor_iban: Option<String>,
    /// Direct debit mandate reference (BT-89).
    pub mandate_id: Option<String>,
    /// SEPA creditor id (BT-90).
    pub creditor_id: Option<String>,
    /// Payment terms text (BT-20), several joined by newlines.
    pub terms: Option<String>,
    /// Remittance information / payment reference (BT-83).
    pub reference: Option<String>,
}

/// An e-invoice read from its XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EInvoice {
    /// The syntax.
    pub format: Format,
    /// Root element's local name: `CrossIndustryInvoice`, `CrossIndustryDocument`,
    /// `Invoice` or `CreditNote`.
    pub root: String,
    /// Specification / guideline id (BT-24), e.g.
    /// `urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0`.
    pub profile: Option<String>,
    /// Business process (BT-23).
    pub business_process: Option<String>,
    /// Document type code (BT-3): `380` invoice, `381` credit note, `384` corrected...
    pub document_type: Option<String>,
    /// Invoice number (BT-1).
    pub invoice_number: String,
    /// Issue date (BT-2), `yyyy-mm-dd`.
    pub issue_date: Option<String>,
    /// Payment due date (BT-9), `yyyy-mm-dd`.
    pub due_date: Option<String>,
    /// Invoice currency (BT-5).
    pub currency: Option<String>,
    /// VAT accounting currency (BT-6), when different.
    pub tax_currency: Option<String>,
    /// Buyer reference (BT-10), the Leitweg-ID in XRechnung.
    pub buyer_reference: Option<String>,
    /// Document totals.
    pub totals: Totals,
    /// VAT breakdown.
    pub tax: Vec<TaxLine>,
    /// Invoice lines.
    pub lines: Vec<LineItem>,
    /// Seller (BG-4).
    pub seller: Party,
    /// Buyer (BG-7).
    pub buyer: Party,
    /// Payment instructions.
    pub payment: Payment,
    /// Free-text notes (BT-22).
    pub notes: Vec<String>,
}
