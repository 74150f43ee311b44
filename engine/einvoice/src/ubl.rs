//! OASIS UBL 2.1 `Invoice` and `CreditNote` (XRechnung UBL, Peppol BIS
//! Billing). The two roots differ only in a few element names
//! (`InvoiceLine`/`CreditNoteLine`, `InvoicedQuantity`/`CreditedQuantity`).

use crate::dom::{amount, amount_at, at, decimal, kid, kid_any, kids, push_unique, text, text_at};
use crate::model::{EInvoice, Format, LineItem, Party, Payment, TaxLine, Totals};
use crate::values::{compact_id, iso_date};
use roxmltree::Node;

pub(crate) fn read(root: Node<'_, '_>) -> EInvoice {
    let currency = text_at(root, &["DocumentCurrencyCode"]);
    let means: Vec<Node> = kids(root, "PaymentMeans").collect();
    let due_date = text_at(root, &["DueDate"])
        .and_then(|d| iso_date(&d))
        .or_else(|| {
            means
                .iter()
                .find_map(|m| text_at(*m, &["PaymentDueDate"]).and_then(|d| iso_date(&d)))
        });
    // VAT may be stated twice (invoice and accounting currency); the
    // breakdown and total that count are those in the invoice currency.
    let tax_totals: Vec<Node> = kids(root, "TaxTotal").collect();
    let main_tax = tax_totals
        .iter()
        .find(|t| {
            currency.is_some()
                && kid(**t, "TaxAmount").and_then(|a| a.attribute("currencyID"))
                    == currency.as_deref()
        })
        .or_else(|| {
            tax_totals
                .iter()
                .find(|t| kid(**t, "TaxSubtotal").is_some())
        })
        .or(tax_totals.first())
        .copied();
    let mut notes = Vec::new();
    for n in kids(root, "Note") {
        push_unique(&mut notes, text(n));
    }
    let lines = root
        .children()
        .filter(|c| {
            c.is_element() && matches!(c.tag_name().name(), "InvoiceLine" | "CreditNoteLine")
        })
        .map(line)
        .collect();
    let monetary = kid(root, "LegalMonetaryTotal");
    let m = |name: &str| monetary.and_then(|t| amount_at(t, &[name]));

    EInvoice {
        format: Format::Ubl,
        root: root.tag_name().name().to_string(),
        profile: text_at(root, &["CustomizationID"]),
        business_process: text_at(root, &["ProfileID"]),
        document_type: kid_any(root, &["InvoiceTypeCode", "CreditNoteTypeCode"]).and_then(text),
        invoice_number: text_at(root, &["ID"]).unwrap_or_default(),
        issue_date: text_at(root, &["IssueDate"]).and_then(|d| iso_date(&d)),
        due_date,
        tax_currency: text_at(root, &["TaxCurrencyCode"]),
        buyer_reference: text_at(root, &["BuyerReference"]),
        totals: Totals {
            line_total: m("LineExtensionAmount"),
            allowance_total: m("AllowanceTotalAmount"),
            charge_total: m("ChargeTotalAmount"),
            tax_basis: m("TaxExclusiveAmount"),
            tax_total: main_tax.and_then(|t| amount_at(t, &["TaxAmount"])),
            rounding: m("PayableRoundingAmount"),
            total: m("TaxInclusiveAmount"),
            prepaid: m("PrepaidAmount"),
            amount_due: m("PayableAmount"),
        },
        tax: main_tax
            .map(|t| kids(t, "TaxSubtotal").map(tax_line).collect())
            .unwrap_or_default(),
        lines,
        seller: at(root, &["AccountingSupplierParty", "Party"])
            .map(party)
            .unwrap_or_default(),
        buyer: at(root, &["AccountingCustomerParty", "Party"])
            .map(party)
            .unwrap_or_default(),
        payment: payment(root, &means),
        currency,
        notes,
    }
}

fn tax_line(s: Node<'_, '_>) -> TaxLine {
    let cat = kid(s, "TaxCategory");
    TaxLine {
        category: cat.and_then(|c| text_at(c, &["ID"])),
        rate: cat.and_then(|c| kid(c, "Percent")).and_then(decimal),
        base: amount_at(s, &["TaxableAmount"]),
        amount: amount_at(s, &["TaxAmount"]),
        exemption_reason: cat.and_then(|c| text_at(c, &["TaxExemptionReason"])),
    }
}

fn line(l: Node<'_, '_>) -> LineItem {
    let item = kid(l, "Item");
    let quantity = kid_any(l, &["InvoicedQuantity", "CreditedQuantity"]);
    let tax = item.and_then(|i| kid(i, "ClassifiedTaxCategory"));
    LineItem {
        id: text_at(l, &["ID"]),
        name: item.and_then(|i| text_at(i, &["Name"])),
        description: item.and_then(|i| text_at(i, &["Description"])),
        seller_item_id: item.and_then(|i| text_at(i, &["SellersItemIdentification", "ID"])),
        quantity: quantity.and_then(decimal),
        unit_code: quantity.and_then(|q| q.attribute("unitCode").map(|u| u.trim().to_string())),
        unit_price: amount_at(l, &["Price", "PriceAmount"]),
        net_amount: kid(l, "LineExtensionAmount").and_then(amount),
        tax_category: tax.and_then(|t| text_at(t, &["ID"])),
        tax_rate: tax.and_then(|t| kid(t, "Percent")).and_then(decimal),
    }
}

fn party(p: Node<'_, '_>) -> Party {
    let trading_name = text_at(p, &["PartyName", "Name"]);
    let mut out = Party {
        name: text_at(p, &["PartyLegalEntity", "RegistrationName"]).or(trading_name.clone()),
        trading_name,
        legal_id: text_at(p, &["PartyLegalEntity", "CompanyID"]),
        electronic_address: text_at(p, &["EndpointID"]),
        ..Party::default()
    };
    for scheme in kids(p, "PartyTaxScheme") {
        let Some(id) = text_at(scheme, &["CompanyID"]) else {
            continue;
        };
        let is_vat =
            text_at(scheme, &["TaxScheme", "ID"]).is_some_and(|s| s.eq_ignore_ascii_case("VAT"));
        if is_vat {
            out.vat_id.get_or_insert_with(|| compact_id(&id));
        } else {
            out.tax_number.get_or_insert(id);
        }
    }
    if let Some(a) = kid(p, "PostalAddress") {
        push_unique(&mut out.address_lines, text_at(a, &["StreetName"]));
        push_unique(
            &mut out.address_lines,
            text_at(a, &["AdditionalStreetName"]),
        );
        for line in kids(a, "AddressLine") {
            push_unique(&mut out.address_lines, text_at(line, &["Line"]));
        }
        out.postcode = text_at(a, &["PostalZone"]);
        out.city = text_at(a, &["CityName"]);
        out.country = text_at(a, &["Country", "IdentificationCode"]);
    }
    if let Some(c) = kid(p, "Contact") {
        out.contact_name = text_at(c, &["Name"]);
        out.email = text_at(c, &["ElectronicMail"]);
        out.phone = text_at(c, &["Telephone"]);
    }
    if out.email.is_none() {
        out.email = out.electronic_address.clone().filter(|e| e.contains('@'));
    }
    out
}

fn payment(root: Node<'_, '_>, means: &[Node<'_, '_>]) -> Payment {
    let mut out = Payment::default();
    for m in means {
        out.means_code = out
            .means_code
            .or_else(|| text_at(*m, &["PaymentMeansCode"]));
        out.means_text = out.means_text.or_else(|| {
            kid(*m, "PaymentMeansCode").and_then(|c| c.attribute("name").map(str::to_string))
        });
        out.reference = out.reference.or_else(|| text_at(*m, &["PaymentID"]));
        if let Some(acct) = kid(*m, "PayeeFinancialAccount") {
            push_unique(
                &mut out.ibans,
                text_at(acct, &["ID"]).map(|i| compact_id(&i)),
            );
            out.account_name = out.account_name.or_else(|| text_at(acct, &["Name"]));
            out.bic = out.bic.or_else(|| {
                text_at(acct, &["FinancialInstitutionBranch", "ID"]).map(|b| compact_id(&b))
            });
        }
        if let Some(mandate) = kid(*m, "PaymentMandate") {
            out.mandate_id = out.mandate_id.or_else(|| text_at(mandate, &["ID"]));
            out.debtor_iban = out.debtor_iban.or_else(|| {
                text_at(mandate, &["PayerFinancialAccount", "ID"]).map(|i| compact_id(&i))
            });
        }
    }
    let terms: Vec<String> = kids(root, "PaymentTerms")
        .flat_map(|t| kids(t, "Note"))
        .filter_map(text)
        .collect();
    out.terms = (!terms.is_empty()).then(|| terms.join("\n"));
    // The SEPA creditor id travels as a seller party id with scheme SEPA.
    out.creditor_id = at(root, &["AccountingSupplierParty", "Party"]).and_then(|p| {
        kids(p, "PartyIdentification")
            .filter_map(|pi| kid(pi, "ID"))
            .find(|id| id.attribute("schemeID") == Some("SEPA"))
            .and_then(text)
    });
    out
}
