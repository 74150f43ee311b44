//! What a label announces. The variants reuse the names of
//! `invoice-fields`' `LabelKind` where the meaning is the same, so wiring
//! is a one-to-one map; the rest are fields that lexicon did not have.

use serde::{Deserialize, Serialize};

/// Which document a title names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// An invoice (`Rechnung`, `Facture`, `Factuur`, `Fattura`, `Fatura`).
    Invoice,
    /// A simplified invoice or till receipt (`Kassenbon`, `Ticket`).
    Receipt,
    /// A credit note (`Gutschrift`, `Avoir`, `Creditnota`, `Nota di credito`).
    CreditNote,
    /// A quote or pro-forma (`Angebot`, `Devis`, `Offerte`, `Preventivo`).
    Quote,
    /// A delivery note (`Lieferschein`, `Bon de livraison`, `Pakbon`).
    DeliveryNote,
    /// An order confirmation (`Auftragsbestätigung`, `Bon de commande`).
    Order,
}

/// What a label announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
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
    /// Delivery or service date / period (`Leistungsdatum`).
    DeliveryDate,
    /// Grand total.
    Total,
    /// Sum of net amounts before tax.
    Subtotal,
    /// A tax base in a tax table.
    TaxBase,
    /// Sum of taxes.
    TaxTotal,
    /// A tax amount or tax name (`MwSt 19 %`, `TVA`).
    Tax,
    /// Tax rate (`Steuersatz`, `Taux`).
    TaxRate,
    /// Withholding (IRPF, ritenuta d'acconto, retenção na fonte).
    Withholding,
    /// What is left to pay.
    AmountDue,
    /// Bank account number.
    Iban,
    /// Bank identifier code.
    Bic,
    /// Bank name.
    Bank,
    /// How it is paid.
    PaymentMethod,
    /// Payment terms (`Zahlungsbedingungen`, `Conditions de paiement`).
    PaymentTerms,
    /// A tax identification number (VAT id, national tax number).
    TaxId,
    /// A company registration number (KvK, SIRET, Handelsregister).
    CompanyId,
    /// Customer number.
    CustomerNumber,
    /// Order or purchase-order number.
    OrderNumber,
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
    /// Email address.
    Email,
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
    /// A document title.
    DocumentTitle(DocumentKind),
}

impl FieldKind {
    /// Headings, column titles and document titles stand alone: their
    /// "value" is a block, a column or the document, not the text beside.
    pub fn is_heading(self) -> bool {
        matches!(
            self,
            FieldKind::VendorHeader
                | FieldKind::CustomerHeader
                | FieldKind::ColDescription
                | FieldKind::ColQuantity
                | FieldKind::ColUnitPrice
                | FieldKind::ColRate
                | FieldKind::ColAmount
                | FieldKind::DocumentTitle(_)
        )
    }
}
