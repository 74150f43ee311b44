//! The business-letter family: the seller's letterhead at the top (right or
//! centred), a one-line return address over the buyer's window address (no
//! heading), an info block of label/value pairs beside it, the title as a
//! line of its own (with the invoice number on it, or in the info block),
//! the totals as full-width label/value rows and, on most documents, the
//! seller's address, bank and ids in footer columns instead of a payment
//! block.

use crate::ids::format_iban;
use crate::rng::Rng;

use super::super::content::Content;
use super::super::sheet::{meta_rows, Align, Cell, Rules, Sheet, TableSpec, Words, R};
use super::{party, payment_and_footer, table_and_totals};

/// Draws a business-letter invoice; returns the layout's name.
pub(super) fn invoice(s: &mut Sheet, doc: &Content, words: &Words, rng: &mut Rng) -> R<String> {
    let centred = rng.chance(0.4);
    let number_in_title = rng.chance(0.5);
    let footer_columns = rng.chance(0.6);
    let rules = *rng.pick(&[Rules::Ruled, Rules::Unruled, Rules::Double]);
    let (m, right, lh) = (s.m, s.w - s.m, s.lh);
    let body = s.body;
    let small = s.scaled(0.78);
    let seller = &doc.seller;

    // Letterhead.
    let (hx, ha) = if centred {
        (s.w / 2.0, Align::Center)
    } else {
        (right, Align::Right)
    };
    let head = s.scaled(1.6).bold().color(s.accent);
    let mut y = m + head.size_px;
    s.field(&head, hx, y, ha, &seller.name, "vendor_name")?;
    y += lh * 1.3;
    if centred {
        let line = seller.address_lines.join(" · ");
        s.field(&small, hx, y, ha, &line, "vendor_address")?;
        y += lh;
    } else {
        for line in &seller.address_lines {
            s.field(&small, hx, y, ha, line, "vendor_address")?;
            y += lh * 0.85;
        }
    }
    let top = y + lh * 1.5;

    // Return address over the window, then the buyer without a heading.
    let back = format!("{} · {}", seller.name, seller.address_lines.join(" · "));
    let tiny = s.scaled(0.68);
    let q = s.text(&tiny, m, top, Align::Left, &back)?;
    s.c.hline(m, q[1][0], top + tiny.size_px * 0.3, 0.8, body.color);
    let mut y_left = top + lh * 1.2;
    if let Some(buyer) = &doc.buyer {
        y_left = party(
            s,
            doc,
            words,
            buyer,
            "customer",
            m,
            y_left,
            Align::Left,
            None,
        )?;
    }

    // Info block: labels at 58 % of the width, values right-aligned.
    let mut y_info = top;
    let lx = s.w * 0.58;
    let mut rows = meta_rows(doc, words);
    if number_in_title {
        rows.retain(|r| r.2 != "invoice_number");
    }
    if !footer_columns && !seller.tax_id_printed.is_empty() {
        rows.push((
            words.vat_id.clone(),
            seller.tax_id_printed.clone(),
            "vendor_tax_id",
        ));
    }
    for (label, value, field) in &rows {
        s.text(&body, lx, y_info, Align::Left, label)?;
        s.field(&body, right, y_info, Align::Right, value, field)?;
        y_info += lh;
    }

    // Title line.
    let mut y = y_left.max(y_info) + lh * 1.5;
    let title = s.scaled(1.35).bold();
    if number_in_title {
        s.labeled(
            &title,
            m,
            y,
            Align::Left,
            &words.title,
            &doc.number,
            "invoice_number",
        )?;
    } else {
        s.text(&title, m, y, Align::Left, &words.title)?;
    }
    y += lh * 1.6;

    let mut columns = vec![(Cell::Description, words.description.clone(), 0.0, 0.5)];
    columns.push((Cell::Quantity, words.quantity.clone(), 0.5, 0.62));
    columns.push((Cell::UnitPrice, words.unit_price.clone(), 0.62, 0.8));
    columns.push((Cell::Amount, words.amount.clone(), 0.8, 1.0));
    let spec = TableSpec {
        columns,
        rules,
        spaced_rate: true,
    };
    let y = table_and_totals(s, doc, words, &spec, y, s.w * 0.5, false, Align::Left)?;
    if !footer_columns {
        let drawn = payment_and_footer(s, doc, words, y);
        return finish(drawn, centred, number_in_title, "payment");
    }
    let mut y = y + lh * 0.5;
    if let Some(terms) = &doc.terms {
        for line in s.c.wrap(&body, terms, right - m)? {
            s.text(&body, m, y, Align::Left, &line)?;
            y += lh;
        }
    }
    finish(
        footer_in_columns(s, doc, words, y),
        centred,
        number_in_title,
        "columns",
    )
}

fn finish(drawn: R<()>, centred: bool, number_in_title: bool, foot: &str) -> R<String> {
    drawn?;
    Ok(format!(
        "tuning/letter:head-{},number-in-{},footer-{foot}",
        if centred { "centred" } else { "right" },
        if number_in_title { "title" } else { "info" },
    ))
}

/// Three small columns at the foot of the page: the seller's name and
/// address, its bank, its ids and contacts.
fn footer_in_columns(s: &mut Sheet, doc: &Content, words: &Words, y: f32) -> R<()> {
    let small = s.scaled(0.78).color([70, 70, 70]);
    let lh = s.lh * 0.85;
    let seller = &doc.seller;
    let rows = 1 + seller.address_lines.len().max(3);
    let top = (y + s.lh).max(s.h - s.m - lh * rows as f32);
    s.c.hline(s.m, s.w - s.m, top - lh, 0.8, [150, 150, 150]);
    let cols = [s.m, s.w * 0.37, s.w * 0.68];

    let mut y = top;
    s.text(&small, cols[0], y, Align::Left, &seller.name)?;
    for line in &seller.address_lines {
        y += lh;
        s.text(&small, cols[0], y, Align::Left, line)?;
    }

    let mut y = top;
    if let Some(iban) = &doc.iban {
        s.text(&small, cols[1], y, Align::Left, &words.bank)?;
        y += lh;
        s.labeled(
            &small,
            cols[1],
            y,
            Align::Left,
            &words.iban,
            &format_iban(iban),
            "iban",
        )?;
        y += lh;
    }
    if let Some(bic) = &doc.bic {
        s.labeled(&small, cols[1], y, Align::Left, &words.bic, bic, "bic")?;
    }

    let mut y = top;
    if !seller.tax_id_printed.is_empty() {
        s.labeled(
            &small,
            cols[2],
            y,
            Align::Left,
            &words.vat_id,
            &seller.tax_id_printed,
            "vendor_tax_id",
        )?;
        y += lh;
    }
    for contact in seller.phone.iter().chain(&seller.email) {
        s.text(&small, cols[2], y, Align::Left, contact)?;
        y += lh;
    }
    if s.is_multi_page() {
        s.page_label(words)?;
    }
    Ok(())
}
