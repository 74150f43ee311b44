//! UN/CEFACT CII (Factur-X, ZUGFeRD 2.x, XRechnung CII) and its older
//! ZUGFeRD 1.0 cousin. Both share the same building blocks; 1.0 only names
//! the containers differently, so each lookup lists both names.

use crate::dom::{
    amount, amount_at, at, decimal, in_currency, kid, kid_any, kids, push_unique, text, text_at,
};
use crate::model::{EInvoice, Format, LineItem, Party, Payment, TaxLine, Totals};
use crate::values::{cii_date, compact_id};
use roxmltree::Node;

pub(crate) fn read(root: Node<'_, '_>, format: Format) -> EInvoice {
    let context = kid_any(
        root,
        &[
            "ExchangedDocumentContext",
            "SpecifiedExchangedDocumentContext",
        ],
    );
    let doc = kid_any(root, &["ExchangedDocument", "HeaderExchangedDocument"]);
    let tx = kid_any(
        root,
        &[
            "SupplyChainTradeTransaction",
            "SpecifiedSupplyChainTradeTransaction",
        ],
    );
    let agreement = tx.and_then(|t| {
        kid_any(
            t,
            &[
                "ApplicableHeaderTradeAgreement",
                "ApplicableSupplyChainTradeAgreement",
            ],
        )
    });
    let settlement = tx.and_then(|t| {
        kid_any(
            t,
            &[
                "ApplicableHeaderTradeSettlement",
                "ApplicableSupplyChainTradeSettlement",
            ],
        )
    });

    let currency = settlement.and_then(|s| text_at(s, &["InvoiceCurrencyCode"]));
    let mut notes = Vec::new();
    if let Some(doc) = doc {
        for note in kids(doc, "IncludedNote") {
            let parts: Vec<String> = kids(note, "Content").filter_map(text).collect();
            push_unique(&mut notes, (!parts.is_empty()).then(|| parts.join("\n")));
        }
    }
    let terms: Vec<Node> = settlement
        .map(|s| kids(s, "SpecifiedTradePaymentTerms").collect())
        .unwrap_or_default();
    let due_date = terms
        .iter()
        .find_map(|t| at(*t, &["DueDateDateTime"]).and_then(date));

    EInvoice {
        format,
        root: root.tag_name().name().to_string(),
        profile: context
            .and_then(|c| text_at(c, &["GuidelineSpecifiedDocumentContextParameter", "ID"])),
        business_process: context.and_then(|c| {
            text_at(
                c,
                &["BusinessProcessSpecifiedDocumentContextParameter", "ID"],
            )
        }),
        document_type: doc.and_then(|d| text_at(d, &["TypeCode"])),
        invoice_number: doc.and_then(|d| text_at(d, &["ID"])).unwrap_or_default(),
        issue_date: doc.and_then(|d| kid(d, "IssueDateTime")).and_then(date),
        due_date,
        tax_currency: settlement.and_then(|s| text_at(s, &["TaxCurrencyCode"])),
        buyer_reference: agreement.and_then(|a| text_at(a, &["BuyerReference"])),
        totals: settlement
            .map(|s| totals(s, currency.as_deref()))
            .unwrap_or_default(),
        tax: settlement
            .map(|s| kids(s, "ApplicableTradeTax").map(tax_line).collect())
            .unwrap_or_default(),
        lines: tx
            .map(|t| {
                kids(t, "IncludedSupplyChainTradeLineItem")
                    .map(line)
                    .collect()
            })
            .unwrap_or_default(),
        seller: agreement
            .and_then(|a| kid(a, "SellerTradeParty"))
            .map(party)
            .unwrap_or_default(),
        buyer: agreement
            .and_then(|a| kid(a, "BuyerTradeParty"))
            .map(party)
            .unwrap_or_default(),
        payment: settlement.map(|s| payment(s, &terms)).unwrap_or_default(),
        currency,
        notes,
    }
}

/// A `DateTimeString` below `n` (or `n` itself) as `yyyy-mm-dd`.
fn date(n: Node<'_, '_>) -> Option<String> {
    let s = kid(n, "DateTimeString").unwrap_or(n);
    cii_date(&text(s)?, s.attribute("format"))
}

fn totals(settlement: Node<'_, '_>, currency: Option<&str>) -> Totals {
    let Some(sum) = kid_any(
        settlement,
        &[
            "SpecifiedTradeSettlementHeaderMonetarySummation",
            "SpecifiedTradeSettlementMonetarySummation",
        ],
    ) else {
        return Totals::default();
    };
    let one = |name: &str| in_currency(kids(sum, name), currency);
    Totals {
        line_total: one("LineTotalAmount"),
        allowance_total: one("AllowanceTotalAmount"),
        charge_total: one("ChargeTotalAmount"),
        tax_basis: one("TaxBasisTotalAmount"),
        tax_total: one("TaxTotalAmount"),
        rounding: one("RoundingAmount"),
        total: one("GrandTotalAmount"),
        prepaid: one("TotalPrepaidAmount"),
        amount_due: one("DuePayableAmount"),
    }
}

fn tax_line(t: Node<'_, '_>) -> TaxLine {
    TaxLine {
        category: text_at(t, &["CategoryCode"]),
        rate: kid_any(t, &["RateApplicablePercent", "ApplicablePercent"]).and_then(decimal),
        base: amount_at(t, &["BasisAmount"]),
        amount: amount_at(t, &["CalculatedAmount"]),
        exemption_reason: text_at(t, &["ExemptionReason"]),
    }
}

fn line(li: Node<'_, '_>) -> LineItem {
    let product = kid(li, "SpecifiedTradeProduct");
    let agreement = kid_any(
        li,
        &[
            "SpecifiedLineTradeAgreement",
            "SpecifiedSupplyChainTradeAgreement",
        ],
    );
    let delivery = kid_any(
        li,
        &[
            "SpecifiedLineTradeDelivery",
            "SpecifiedSupplyChainTradeDelivery",
        ],
    );
    let settlement = kid_any(
        li,
        &[
            "SpecifiedLineTradeSettlement",
            "SpecifiedSupplyChainTradeSettlement",
        ],
    );
    let quantity = delivery.and_then(|d| kid(d, "BilledQuantity"));
    let tax = settlement.and_then(|s| kid(s, "ApplicableTradeTax"));
    LineItem {
        id: text_at(li, &["AssociatedDocumentLineDocument", "LineID"]),
        name: product.and_then(|p| text_at(p, &["Name"])),
        description: product.and_then(|p| text_at(p, &["Description"])),
        seller_item_id: product.and_then(|p| text_at(p, &["SellerAssignedID"])),
        quantity: quantity.and_then(decimal),
        unit_code: quantity.and_then(|q| q.attribute("unitCode").map(|u| u.trim().to_string())),
        unit_price: agreement
            .and_then(|a| amount_at(a, &["NetPriceProductTradePrice", "ChargeAmount"])),
        net_amount: settlement
            .and_then(|s| {
                kid_any(
                    s,
                    &[
                        "SpecifiedTradeSettlementLineMonetarySummation",
                        "SpecifiedTradeSettlementMonetarySummation",
                    ],
                )
            })
            .and_then(|m| kid(m, "LineTotalAmount"))
            .and_then(amount),
        tax_category: tax.and_then(|t| text_at(t, &["CategoryCode"])),
        tax_rate: tax
            .and_then(|t| kid_any(t, &["RateApplicablePercent", "ApplicablePercent"]))
            .and_then(decimal),
    }
}

fn party(p: Node<'_, '_>) -> Party {
    let mut out = Party {
        name: text_at(p, &["Name"]),
        trading_name: text_at(p, &["SpecifiedLegalOrganization", "TradingBusinessName"]),
        legal_id: text_at(p, &["SpecifiedLegalOrganization", "ID"]),
        electronic_address: text_at(p, &["URIUniversalCommunication", "URIID"]),
        ..Party::default()
    };
    for reg in kids(p, "SpecifiedTaxRegistration") {
        let Some(id_node) = kid(reg, "ID") else {
            continue;
        };
        let Some(id) = text(id_node) else { continue };
        let scheme = id_node.attribute("schemeID").map(str::trim);
        // Without a scheme, a two-letter prefix is how VAT ids look.
        let is_vat = match scheme {
            Some(s) => s.eq_ignore_ascii_case("VA"),
            None => id.len() > 2 && id.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic),
        };
        if is_vat {
            out.vat_id.get_or_insert_with(|| compact_id(&id));
        } else {
            out.tax_number.get_or_insert(id);
        }
    }
    if let Some(a) = kid(p, "PostalTradeAddress") {
        for name in ["LineOne", "LineTwo", "LineThree"] {
            push_unique(&mut out.address_lines, text_at(a, &[name]));
        }
        out.postcode = text_at(a, &["PostcodeCode"]);
        out.city = text_at(a, &["CityName"]);
        out.country = text_at(a, &["CountryID"]);
    }
    if let Some(c) = kid(p, "DefinedTradeContact") {
        out.contact_name = text_at(c, &["PersonName"]).or_else(|| text_at(c, &["DepartmentName"]));
        out.email = text_at(c, &["EmailURIUniversalCommunication", "URIID"]);
        out.phone = text_at(c, &["TelephoneUniversalCommunication", "CompleteNumber"]);
    }
    if out.email.is_none() {
        out.email = out.electronic_address.clone().filter(|e| e.contains('@'));
    }
    out
}

fn payment(s: Node<'_, '_>, terms: &[Node<'_, '_>]) -> Payment {
    let mut out = Payment {
        reference: text_at(s, &["PaymentReference"]),
        creditor_id: text_at(s, &["CreditorReferenceID"]),
        ..Payment::default()
    };
    for means in kids(s, "SpecifiedTradeSettlementPaymentMeans") {
        out.means_code = out.means_code.or_else(|| text_at(means, &["TypeCode"]));
        out.means_text = out.means_text.or_else(|| text_at(means, &["Information"]));
        for acct in kids(means, "PayeePartyCreditorFinancialAccount") {
            let id = text_at(acct, &["IBANID"]).or_else(|| text_at(acct, &["ProprietaryID"]));
            push_unique(&mut out.ibans, id.map(|i| compact_id(&i)));
            out.account_name = out.account_name.or_else(|| text_at(acct, &["AccountName"]));
        }
        out.debtor_iban = out.debtor_iban.or_else(|| {
            text_at(means, &["PayerPartyDebtorFinancialAccount", "IBANID"]).map(|i| compact_id(&i))
        });
        out.bic = out.bic.or_else(|| {
            text_at(
                means,
                &["PayeeSpecifiedCreditorFinancialInstitution", "BICID"],
            )
            .map(|b| compact_id(&b))
        });
    }
    let descriptions: Vec<String> = terms
        .iter()
        .flat_map(|t| kids(*t, "Description"))
        .filter_map(text)
        .collect();
    out.terms = (!descriptions.is_empty()).then(|| descriptions.join("\n"));
    out.mandate_id = terms
        .iter()
        .find_map(|t| text_at(*t, &["DirectDebitMandateID"]));
    out
}
