//! The HELD-OUT style family: layouts, fonts and wordings the extractor is
//! never tuned on, only measured on.
//!
//! Invoices: a centred letterhead with the address on one line, a header grid
//! (captions under the values, or `key: value` pairs), the buyer in a shaded
//! box, a double-ruled item table with positions and quantities first, the
//! totals block on the left, a tax summary table by rate on the right and the
//! bank details in a box at the foot. Receipts: left-aligned slips whose items
//! carry a tax code letter explained by a summary table, the total in a box.

use crate::ids::format_iban;
use crate::rng::Rng;

use super::content::{Content, Settlement};
use super::sheet::{meta_rows, Align, Cell, Rules, Sheet, TableSpec, Words, R};

/// Draws an invoice; returns the layout's name.
pub(crate) fn invoice(s: &mut Sheet, doc: &Content, words: &Words, rng: &mut Rng) -> R<String> {
    let captions_below = rng.chance(0.5);
    let rules = if rng.chance(0.6) {
        Rules::Double
    } else {
        Rules::Unruled
    };
    let (m, right, lh, center) = (s.m, s.w - s.m, s.lh, s.w / 2.0);
    let body = s.body;
    let grey = [105, 105, 105];
    let mut y = m + lh * 1.2;
    // Letterhead: centred name, the address on one line, ids under it.
    let name = s.scaled(1.6).bold();
    s.field(
        &name,
        center,
        y,
        Align::Center,
        &doc.seller.name,
        "vendor_name",
    )?;
    y += lh * 1.5;
    let address = doc.seller.address();
    s.field(&body, center, y, Align::Center, &address, "vendor_address")?;
    y += lh;
    let ids = format!("{} {}", words.vat_id, doc.seller.tax_id_printed);
    s.text(&body.color(grey), center, y, Align::Center, &ids)?;
    s.c.tag_tail("vendor_tax_id", &doc.seller.tax_id_printed);
    y += lh * 0.7;
    s.c.hline(m, right, y, 1.0, body.color);
    s.c.hline(m, right, y + 3.0, 1.0, body.color);
    y += lh * 1.8;
    let title = s.scaled(1.5).color(s.accent);
    s.text(&title, m, y, Align::Left, &words.title.to_uppercase())?;
    y += lh * 1.2;
    // Header grid.
    let meta = meta_rows(doc, words);
    let cell_w = (right - m) / meta.len() as f32;
    let caption = s.scaled(0.8).color(grey);
    let bold = s.bold();
    if captions_below {
        let h = lh * 2.4;
        for (i, (label, value, field)) in meta.iter().enumerate() {
            let x = m + cell_w * i as f32;
            s.c.stroke_rect(x, y, cell_w, h, 1.0, [160, 160, 160]);
            s.field(
                &bold,
                x + body.size_px * 0.5,
                y + lh,
                Align::Left,
                value,
                field,
            )?;
            s.text(
                &caption,
                x + body.size_px * 0.5,
                y + lh * 1.9,
                Align::Left,
                label,
            )?;
        }
        y += h + lh * 1.2;
    } else {
        for (i, (label, value, field)) in meta.iter().enumerate() {
            let x = if i % 2 == 0 { m } else { center };
            let row_y = y + lh * (i / 2) as f32;
            s.text(&caption, x, row_y, Align::Left, &format!("{label}:"))?;
            let lw = s.width(&caption, &format!("{label}: "))?;
            s.field(
                &bold,
                x + lw.max(s.w * 0.18),
                row_y,
                Align::Left,
                value,
                field,
            )?;
        }
        y += lh * (meta.len().div_ceil(2) as f32 + 0.8);
    }
    // Seller contact on the left, buyer in a shaded box on the right.
    let box_x = center;
    let mut yl = y + lh;
    s.text(&bold, m, yl, Align::Left, &words.seller)?;
    yl += lh;
    for line in [doc.seller.phone.clone(), doc.seller.email.clone()]
        .into_iter()
        .flatten()
    {
        s.text(&body, m, yl, Align::Left, &line)?;
        yl += lh;
    }
    let mut yr = y;
    if let Some(buyer) = &doc.buyer {
        let lines = buyer.address_lines.len() + 2 + usize::from(!buyer.tax_id_printed.is_empty());
        let box_h = lh * (lines as f32 + 0.8);
        s.c.fill_rect(box_x, y, right - box_x, box_h, [240, 240, 236]);
        let x = box_x + body.size_px;
        yr += lh;
        s.text(&caption, x, yr, Align::Left, &words.buyer)?;
        yr += lh;
        s.field(&bold, x, yr, Align::Left, &buyer.name, "customer_name")?;
        yr += lh;
        for line in &buyer.address_lines {
            s.field(&body, x, yr, Align::Left, line, "customer_address")?;
            yr += lh;
        }
        if !buyer.tax_id_printed.is_empty() {
            s.labeled(
                &body,
                x,
                yr,
                Align::Left,
                &words.vat_id,
                &buyer.tax_id_printed,
                "customer_tax_id",
            )?;
        }
        yr = y + box_h;
    }
    let y = yl.max(yr) + lh;
    let mut columns = vec![
        (Cell::Position, "#".to_string(), 0.0, 0.06),
        (Cell::Quantity, words.quantity.clone(), 0.06, 0.15),
        (Cell::Description, words.description.clone(), 0.15, 0.57),
        (Cell::UnitPrice, words.unit_price.clone(), 0.57, 0.72),
    ];
    if !doc.groups.is_empty() {
        columns.push((Cell::Rate, words.tax_rate.clone(), 0.72, 0.83));
    }
    columns.push((Cell::Amount, words.amount.clone(), 0.83, 1.0));
    let spec = TableSpec {
        columns,
        rules,
        spaced_rate: false,
    };
    let y = s.items_table(doc, words, &spec, m, right, y)?;
    let needed = lh * (doc.groups.len() as f32 + 14.0);
    let y = s.ensure_room(words, y, needed)?;
    let y_left = totals_left(s, doc, words, m, m + s.w * 0.38, y)?;
    let y_right = if doc.groups.is_empty() {
        y
    } else {
        summary_table(s, doc, words, s.w * 0.5, right, y)?
    };
    bank_box(s, doc, words, y_left.max(y_right) + lh)?;
    if s.is_multi_page() {
        s.page_label(words)?;
    }
    Ok(format!(
        "held-out/invoice:{},{}",
        if captions_below {
            "captions-below"
        } else {
            "key-value-grid"
        },
        if rules == Rules::Double {
            "double-ruled"
        } else {
            "unruled"
        }
    ))
}

/// The totals block on the left: labels at `x0`, values right-aligned at `x1`.
fn totals_left(s: &mut Sheet, doc: &Content, words: &Words, x0: f32, x1: f32, y: f32) -> R<f32> {
    let (lh, body) = (s.lh, s.body);
    let money = doc.money;
    let mut y = y;
    s.text(&body, x0, y, Align::Left, &words.net)?;
    s.field(
        &body,
        x1,
        y,
        Align::Right,
        &money.with_mark(doc.net()),
        "subtotal",
    )?;
    y += lh;
    if !doc.groups.is_empty() {
        s.text(&body, x0, y, Align::Left, &words.tax_total)?;
        s.field(
            &body,
            x1,
            y,
            Align::Right,
            &money.with_mark(doc.tax_total()),
            "tax_total",
        )?;
        y += lh * 0.5;
    }
    s.c.hline(x0, x1, y, 1.0, body.color);
    s.c.hline(x0, x1, y + 3.0, 1.0, body.color);
    y += lh * 1.2;
    let big = s.scaled(1.2).bold();
    s.text(&big, x0, y, Align::Left, &words.total)?;
    s.field(
        &big,
        x1,
        y,
        Align::Right,
        &money.with_mark(doc.total()),
        "total",
    )?;
    Ok(y + lh)
}

/// A table of taxes by rate with its own headings.
fn summary_table(s: &mut Sheet, doc: &Content, words: &Words, x0: f32, x1: f32, y: f32) -> R<f32> {
    let (lh, body) = (s.lh, s.body);
    let money = doc.money;
    let w = x1 - x0;
    let cols = [x0, x0 + w * 0.45, x0 + w * 0.7, x1];
    let head = s.scaled(0.85).bold();
    let mut y = y;
    s.text(&head, cols[0], y, Align::Left, &words.tax_summary[0])?;
    for (x, h) in cols[1..].iter().zip(&words.tax_summary[1..]) {
        s.text(&head, *x, y, Align::Right, h)?;
    }
    s.c.hline(x0, x1, y + lh * 0.35, 1.0, body.color);
    y += lh;
    for g in &doc.groups {
        s.text(
            &body,
            cols[0],
            y,
            Align::Left,
            &doc.rate(g.rate_milli, true),
        )?;
        s.text(&body, cols[1], y, Align::Right, &money.number(g.base))?;
        s.text(&body, cols[2], y, Align::Right, &money.number(g.tax))?;
        s.text(
            &body,
            cols[3],
            y,
            Align::Right,
            &money.number(g.base + g.tax),
        )?;
        y += lh;
    }
    Ok(y)
}

/// Bank details and payment terms in a box across the page.
fn bank_box(s: &mut Sheet, doc: &Content, words: &Words, y: f32) -> R<()> {
    let (lh, body, m) = (s.lh, s.body, s.m);
    let right = s.w - m;
    let inset = body.size_px;
    let terms = match &doc.terms {
        Some(t) => s.c.wrap(&body, t, right - m - 2.0 * inset)?,
        None => Vec::new(),
    };
    let rows = terms.len() + usize::from(doc.iban.is_some()) * 2 + usize::from(doc.bic.is_some());
    if rows == 0 {
        return Ok(());
    }
    let h = lh * (rows as f32 + 0.8);
    s.c.stroke_rect(m, y, right - m, h, 1.0, [120, 120, 120]);
    let mut yy = y + lh;
    if let Some(iban) = &doc.iban {
        let head = s.bold();
        s.text(&head, m + inset, yy, Align::Left, &words.bank)?;
        yy += lh;
        s.labeled(
            &body,
            m + inset,
            yy,
            Align::Left,
            &words.iban,
            &format_iban(iban),
            "iban",
        )?;
        yy += lh;
    }
    if let Some(bic) = &doc.bic {
        s.labeled(&body, m + inset, yy, Align::Left, &words.bic, bic, "bic")?;
        yy += lh;
    }
    for line in &terms {
        s.text(&body, m + inset, yy, Align::Left, line)?;
        yy += lh;
    }
    Ok(())
}

/// Draws a till receipt on a strip; returns the layout's name.
pub(crate) fn receipt(s: &mut Sheet, doc: &Content, words: &Words, _rng: &mut Rng) -> R<String> {
    let (lh, body) = (s.lh, s.body);
    let bold = body.bold();
    let (left, right) = (s.m, s.w - s.m);
    let money = doc.money;
    let mut y = s.m + lh;
    s.field(&bold, left, y, Align::Left, &doc.seller.name, "vendor_name")?;
    y += lh;
    for line in s.c.wrap(&body, &doc.seller.address(), right - left)? {
        s.field(&body, left, y, Align::Left, &line, "vendor_address")?;
        y += lh;
    }
    y += lh * 0.3;
    s.field(
        &body,
        left,
        y,
        Align::Left,
        &doc.date(doc.issue),
        "issue_date",
    )?;
    s.text(
        &body,
        right,
        y,
        Align::Right,
        doc.time.as_deref().unwrap_or(""),
    )?;
    y += lh;
    s.labeled(
        &body,
        left,
        y,
        Align::Left,
        &words.invoice_number,
        &doc.number,
        "invoice_number",
    )?;
    y += lh * 0.6;
    s.c.hline(left, right, y, 1.0, body.color);
    s.c.hline(left, right, y + 3.0, 1.0, body.color);
    y += lh * 1.2;
    // Each rate gets a code letter, explained in the summary.
    let code = |rate: u32| -> char {
        let i = doc
            .groups
            .iter()
            .position(|g| g.rate_milli == rate)
            .unwrap_or(0);
        char::from(b'A' + i as u8)
    };
    for item in &doc.items {
        let tail = if doc.groups.is_empty() {
            money.number(item.amount_cents)
        } else {
            format!(
                "{} {}",
                money.number(item.amount_cents),
                code(item.rate_milli)
            )
        };
        let room = right - left - s.width(&body, &tail)? - body.size_px;
        let text = format!("{}x {}", item.qty_milli / 1000, item.description);
        let lines = s.c.wrap(&body, &text, room)?;
        for (k, l) in lines.iter().enumerate() {
            s.text(&body, left, y, Align::Left, l)?;
            if k == 0 {
                s.text(&body, right, y, Align::Right, &tail)?;
            }
            y += lh;
        }
    }
    y += lh * 0.3;
    let big = bold.size((body.size_px * 1.25).round());
    let box_top = y - lh * 0.2;
    y += lh;
    s.text(
        &big,
        left + body.size_px * 0.5,
        y,
        Align::Left,
        &words.total,
    )?;
    s.field(
        &big,
        right - body.size_px * 0.5,
        y,
        Align::Right,
        &money.with_mark(doc.total()),
        "total",
    )?;
    s.c.stroke_rect(left, box_top, right - left, lh * 1.6, 2.0, body.color);
    y += lh * 1.6;
    match doc.settlement {
        Some(Settlement::Cash { given }) => {
            s.text(&body, left, y, Align::Left, &words.cash)?;
            s.text(&body, right, y, Align::Right, &money.number(given))?;
            y += lh;
            s.text(&body, left, y, Align::Left, &words.change)?;
            s.text(
                &body,
                right,
                y,
                Align::Right,
                &money.number(given - doc.total()),
            )?;
            y += lh;
        }
        Some(Settlement::Card { last4 }) => {
            s.text(
                &body,
                left,
                y,
                Align::Left,
                &format!("{} ...{last4}", words.card),
            )?;
            y += lh;
        }
        None => {}
    }
    if !doc.groups.is_empty() {
        y += lh * 0.5;
        let w = right - left;
        let cols = [left, left + w * 0.45, left + w * 0.72, right];
        for (i, h) in words.tax_summary.iter().enumerate() {
            let align = if i == 0 { Align::Left } else { Align::Right };
            s.text(&bold, cols[i], y, align, h)?;
        }
        y += lh;
        let single = doc.groups.len() == 1;
        for g in &doc.groups {
            let rate = format!("{} {}", code(g.rate_milli), doc.rate(g.rate_milli, false));
            s.text(&body, cols[0], y, Align::Left, &rate)?;
            let q = s.text(&body, cols[1], y, Align::Right, &money.number(g.base))?;
            if single {
                s.c.tag("subtotal", &money.number(g.base), q);
            }
            let q = s.text(&body, cols[2], y, Align::Right, &money.number(g.tax))?;
            if single {
                s.c.tag("tax_total", &money.number(g.tax), q);
            }
            s.text(
                &body,
                cols[3],
                y,
                Align::Right,
                &money.number(g.base + g.tax),
            )?;
            y += lh;
        }
        if !single {
            s.field(
                &body,
                cols[1],
                y,
                Align::Right,
                &money.number(doc.net()),
                "subtotal",
            )?;
            s.field(
                &body,
                cols[2],
                y,
                Align::Right,
                &money.number(doc.tax_total()),
                "tax_total",
            )?;
            y += lh;
        }
    }
    y += lh * 0.5;
    s.text(
        &body,
        left,
        y,
        Align::Left,
        &format!("{} {}", words.vat_id, doc.seller.tax_id_printed),
    )?;
    s.c.tag_tail("vendor_tax_id", &doc.seller.tax_id_printed);
    y += lh * 1.5;
    s.text(&body, left, y, Align::Left, &words.thanks)?;
    Ok("held-out/receipt:left-aligned".into())
}
