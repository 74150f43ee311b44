//! Small inline CII, ZUGFeRD 1 and UBL invoices, so the crate is tested
//! field by field without the shared datasets.

use grace_einvoice::{detect, parse, Format};

fn val(a: &Option<grace_einvoice::Amount>) -> Option<&str> {
    a.as_ref().and_then(|a| a.value.as_deref())
}

#[test]
fn cii_fields() {
    let x = include_bytes!("samples/cii_small.xml");
    assert_eq!(detect(x), Some(Format::Cii));
    let inv = parse(x).unwrap();
    assert_eq!(inv.format, Format::Cii);
    assert_eq!(inv.root, "CrossIndustryInvoice");
    assert_eq!(inv.profile.as_deref(), Some("urn:cen.eu:en16931:2017"));
    assert_eq!(inv.document_type.as_deref(), Some("380"));
    assert_eq!(inv.invoice_number, "RE-2024-0042");
    assert_eq!(inv.issue_date.as_deref(), Some("2024-03-05"));
    assert_eq!(inv.due_date.as_deref(), Some("2024-04-04"));
    assert_eq!(inv.currency.as_deref(), Some("EUR"));
    assert_eq!(inv.buyer_reference.as_deref(), Some("04011000-12345-34"));
    assert_eq!(inv.notes, ["Danke für Ihren Auftrag & bis bald"]);
    let t = &inv.totals;
    assert_eq!(val(&t.line_total), Some("100.00"));
    assert_eq!(val(&t.tax_basis), Some("100.00"));
    // The invoice-currency one of two TaxTotalAmounts.
    assert_eq!(val(&t.tax_total), Some("19.00"));
    assert_eq!(
        t.tax_total.as_ref().unwrap().currency.as_deref(),
        Some("EUR")
    );
    assert_eq!(val(&t.total), Some("119.00"));
    assert_eq!(val(&t.prepaid), Some("0.00"));
    assert_eq!(val(&t.amount_due), Some("119.00"));
    assert_eq!(inv.tax.len(), 1);
    assert_eq!(inv.tax[0].category.as_deref(), Some("S"));
    assert_eq!(
        inv.tax[0].rate.as_ref().unwrap().value.as_deref(),
        Some("19")
    );
    assert_eq!(val(&inv.tax[0].base), Some("100.00"));
    assert_eq!(val(&inv.tax[0].amount), Some("19.00"));
    let l = &inv.lines[0];
    assert_eq!(l.id.as_deref(), Some("1"));
    assert_eq!(l.name.as_deref(), Some("Schrauben M4"));
    assert_eq!(l.description.as_deref(), Some("Edelstahl"));
    assert_eq!(l.quantity.as_ref().unwrap().raw, "400.0000");
    assert_eq!(l.quantity.as_ref().unwrap().value.as_deref(), Some("400"));
    assert_eq!(l.unit_code.as_deref(), Some("H87"));
    assert_eq!(l.unit_price.as_ref().unwrap().raw, "0.2500");
    assert_eq!(val(&l.unit_price), Some("0.25"));
    assert_eq!(val(&l.net_amount), Some("100.00"));
    assert_eq!(l.tax_rate.as_ref().unwrap().value.as_deref(), Some("19"));
    let s = &inv.seller;
    assert_eq!(s.name.as_deref(), Some("Muster Metall GmbH"));
    assert_eq!(s.vat_id.as_deref(), Some("DE123456789"));
    assert_eq!(s.tax_number.as_deref(), Some("201/113/40209"));
    assert_eq!(s.address_lines, ["Hauptstraße 1"]);
    assert_eq!(s.postcode.as_deref(), Some("10115"));
    assert_eq!(s.city.as_deref(), Some("Berlin"));
    assert_eq!(s.country.as_deref(), Some("DE"));
    assert_eq!(s.email.as_deref(), Some("rechnung@muster.example"));
    assert_eq!(s.phone.as_deref(), Some("+49 30 1234"));
    assert_eq!(s.contact_name.as_deref(), Some("Hans Muster"));
    assert_eq!(inv.buyer.name.as_deref(), Some("Kunde AG"));
    let p = &inv.payment;
    assert_eq!(p.ibans, ["DE02120300000000202051"]);
    assert_eq!(p.bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(p.means_code.as_deref(), Some("58"));
    assert_eq!(p.terms.as_deref(), Some("Zahlbar innerhalb 30 Tagen"));
    assert_eq!(p.reference.as_deref(), Some("RE-2024-0042"));
    let json = serde_json::to_value(&inv).unwrap();
    assert_eq!(json["format"], "cii");
    assert_eq!(json["totals"]["total"]["value"], "119.00");
}

#[test]
fn zugferd1_fields() {
    let x = include_bytes!("samples/zugferd1_small.xml");
    assert_eq!(detect(x), Some(Format::Zugferd1));
    let inv = parse(x).unwrap();
    assert_eq!(inv.format, Format::Zugferd1);
    assert_eq!(
        inv.profile.as_deref(),
        Some("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort")
    );
    assert_eq!(inv.invoice_number, "471102");
    assert_eq!(inv.issue_date.as_deref(), Some("2013-03-05"));
    assert_eq!(inv.due_date.as_deref(), Some("2013-04-04"));
    assert_eq!(val(&inv.totals.total), Some("235.62"));
    assert_eq!(val(&inv.totals.tax_basis), Some("198.00"));
    assert_eq!(val(&inv.totals.tax_total), Some("37.62"));
    assert_eq!(
        inv.tax[0].rate.as_ref().unwrap().value.as_deref(),
        Some("19")
    );
    assert_eq!(inv.seller.vat_id.as_deref(), Some("DE123456789"));
    assert_eq!(inv.buyer.name.as_deref(), Some("Kunden AG Mitte"));
    assert_eq!(inv.payment.ibans, ["DE08700901001234567890"]);
    assert_eq!(inv.payment.bic.as_deref(), Some("GENODEF1M04"));
    let l = &inv.lines[0];
    assert_eq!(l.name.as_deref(), Some("Trennblätter A4"));
    assert_eq!(l.quantity.as_ref().unwrap().value.as_deref(), Some("20"));
    assert_eq!(val(&l.unit_price), Some("9.90"));
    assert_eq!(val(&l.net_amount), Some("198.00"));
    assert_eq!(serde_json::to_value(&inv).unwrap()["format"], "zugferd1");
}

#[test]
fn ubl_credit_note_fields() {
    let x = include_bytes!("samples/ubl_small.xml");
    assert_eq!(detect(x), Some(Format::Ubl));
    let inv = parse(x).unwrap();
    assert_eq!(inv.format, Format::Ubl);
    assert_eq!(inv.root, "CreditNote");
    assert!(inv.profile.as_deref().unwrap().contains("xrechnung_3.0"));
    assert_eq!(inv.document_type.as_deref(), Some("381"));
    assert_eq!(inv.invoice_number, "GS-7");
    assert_eq!(inv.issue_date.as_deref(), Some("2024-11-15"));
    assert_eq!(inv.due_date.as_deref(), Some("2024-12-15"));
    assert_eq!(inv.currency.as_deref(), Some("EUR"));
    assert_eq!(inv.notes, ["Gutschrift"]);
    let t = &inv.totals;
    assert_eq!(val(&t.line_total), Some("100.00"));
    assert_eq!(val(&t.tax_basis), Some("100.00"));
    assert_eq!(val(&t.tax_total), Some("7.00"));
    assert_eq!(t.total.as_ref().unwrap().raw, "107.0");
    assert_eq!(val(&t.total), Some("107.00"));
    assert_eq!(val(&t.amount_due), Some("107.00"));
    assert_eq!(
        inv.tax[0].rate.as_ref().unwrap().value.as_deref(),
        Some("7")
    );
    assert_eq!(val(&inv.tax[0].base), Some("100.00"));
    let s = &inv.seller;
    assert_eq!(s.name.as_deref(), Some("Lieferant GmbH"));
    assert_eq!(s.trading_name.as_deref(), Some("Lieferant"));
    assert_eq!(s.vat_id.as_deref(), Some("DE123456789"));
    assert_eq!(s.tax_number.as_deref(), Some("201/113/40209"));
    assert_eq!(s.address_lines, ["Lieferantenstraße 20"]);
    assert_eq!(s.postcode.as_deref(), Some("80333"));
    assert_eq!(s.city.as_deref(), Some("München"));
    assert_eq!(s.email.as_deref(), Some("seller@example.org"));
    assert_eq!(inv.buyer.name.as_deref(), Some("Kunden AG Mitte"));
    let p = &inv.payment;
    assert_eq!(p.ibans, ["DE02120300000000202051"]);
    assert_eq!(p.bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(p.means_code.as_deref(), Some("58"));
    assert_eq!(p.means_text.as_deref(), Some("SEPA credit transfer"));
    assert_eq!(p.reference.as_deref(), Some("GS-7"));
    assert_eq!(p.terms.as_deref(), Some("Sofort"));
    let l = &inv.lines[0];
    assert_eq!(l.name.as_deref(), Some("Buch"));
    assert_eq!(l.unit_code.as_deref(), Some("C62"));
    assert_eq!(l.quantity.as_ref().unwrap().value.as_deref(), Some("2"));
    assert_eq!(val(&l.unit_price), Some("50.00"));
    assert_eq!(val(&l.net_amount), Some("100.00"));
}
