//! The TUNING style family: the layouts the extractor is developed on.
//!
//! Invoices vary along four switches drawn per document: letterhead left or
//! right, parties stacked or side by side, the table's rules (grid, ruled,
//! unruled, striped) and the totals boxed or in a plain right column. Long
//! invoices continue their item table on further pages. Receipts are centred
//! thermal slips with a tax summary table.
//!
//! Two more invoice families widen what the extractor is tuned on:
//! [`letter`] (a business letter: window address, info block, footer
//! columns) and [`modern`] (title first, header grid or label column,
//! parties side by side).

mod letter;
mod modern;

use crate::ids::format_iban;
use crate::invoice::Party;
use crate::rng::Rng;

use super::content::{Content, Settlement};
use super::sheet::{meta_rows, Align, Cell, Rules, Sheet, TableSpec, Words, R};

/// Draws an invoice in one of the families; returns the layout's name (its switches).
pub(crate) fn invoice(s: &mut Sheet, doc: &Content, words: &Words, rng: &mut Rng) -> R<String> {
    match rng.below(3) {
        0 => letter::invoice(s, doc, words, rng),
        1 => modern::invoice(s, doc, words, rng),
        _ => classic(s, doc, words, rng),
    }
}

/// The classic family: letterhead, title and header data, parties, table, totals column.
fn classic(s: &mut Sheet, doc: &Content, words: &Words, rng: &mut Rng) -> R<String> {
    let letterhead_right = rng.chance(0.5);
    let side_by_side = rng.chance(0.5);
    let rules = *rng.pick(&[Rules::Grid, Rules::Ruled, Rules::Unruled, Rules::Striped]);
    let boxed = rng.chance(0.5);
    let (m, right, lh) = (s.m, s.w - s.m, s.lh);
    let body = s.body;
    let top = m + lh;
    let (hx, halign, tx, talign) = if letterhead_right {
        (right, Align::Right, m, Align::Left)
    } else {
        (m, Align::Left, right, Align::Right)
    };
    let seller = doc.seller.clone();
    let y_seller = party(s, doc, words, &seller, "vendor", hx, top, halign, None)?;
    let big = s.scaled(2.0).bold().color(s.accent);
    let title_y = top + big.size_px * 0.6;
    s.text(&big, tx, title_y, talign, &words.title)?;
    let mut y_meta = title_y + lh * 1.4;
    let meta = meta_rows(doc, words);
    if !side_by_side {
        for (label, value, field) in &meta {
            s.labeled(
                &body,
                tx,
                y_meta,
                talign,
                &format!("{label}:"),
                value,
                field,
            )?;
            y_meta += lh;
        }
    }
    let mut y = y_seller.max(y_meta) + lh;
    if let Some(buyer) = doc.buyer.clone() {
        let y_buyer = party(
            s,
            doc,
            words,
            &buyer,
            "customer",
            m,
            y,
            Align::Left,
            Some(&words.buyer),
        )?;
        if side_by_side {
            // Header data as a label column and a value column on the right half.
            let bold = s.bold();
            let mut ym = y + lh;
            for (label, value, field) in &meta {
                s.text(&bold, s.w * 0.55, ym, Align::Left, label)?;
                s.field(&body, right, ym, Align::Right, value, field)?;
                ym += lh;
            }
            y = y_buyer.max(ym);
        } else {
            y = y_buyer;
        }
    }
    y += lh;
    let show_rate = doc.groups.len() > 1 || rng.chance(0.5);
    let mut columns = vec![(Cell::Description, words.description.clone(), 0.0, 0.48)];
    columns.push((Cell::Quantity, words.quantity.clone(), 0.48, 0.6));
    columns.push((Cell::UnitPrice, words.unit_price.clone(), 0.6, 0.77));
    if show_rate {
        columns.push((Cell::Rate, words.tax_rate.clone(), 0.77, 0.86));
    }
    columns.push((
        Cell::Amount,
        words.amount.clone(),
        if show_rate { 0.86 } else { 0.77 },
        1.0,
    ));
    let spec = TableSpec {
        columns,
        rules,
        spaced_rate: rng.chance(0.5),
    };
    let lx = right - s.w * 0.2;
    let y = table_and_totals(s, doc, words, &spec, y, lx, boxed, Align::Right)?;
    payment_and_footer(s, doc, words, y)?;
    Ok(format!(
        "tuning/invoice:letterhead-{},{},{},totals-{}",
        if letterhead_right { "right" } else { "left" },
        if side_by_side {
            "side-by-side"
        } else {
            "stacked"
        },
        match rules {
            Rules::Grid => "grid",
            Rules::Ruled => "ruled",
            Rules::Unruled => "unruled",
            Rules::Striped => "striped",
            Rules::Double => "double",
        },
        if boxed { "box" } else { "plain" }
    ))
}

/// A party: optional heading, name, address lines, VAT id, phone, e-mail; returns the y below.
#[allow(clippy::too_many_arguments)]
pub(super) fn party(
    s: &mut Sheet,
    doc: &Content,
    words: &Words,
    p: &Party,
    role: &str,
    x: f32,
    y: f32,
    align: Align,
    heading: Option<&str>,
) -> R<f32> {
    let lh = s.lh;
    let body = s.body;
    let mut y = y;
    if let Some(h) = heading {
        let st = s.bold().color(s.accent);
        s.text(&st, x, y, align, h)?;
        y += lh;
    }
    let vendor = role == "vendor";
    let name_style = if vendor {
        s.scaled(1.4).bold()
    } else {
        s.bold()
    };
    if vendor {
        y += body.size_px * 0.4;
    }
    s.field(&name_style, x, y, align, &p.name, &format!("{role}_name"))?;
    y += if vendor { lh * 1.4 } else { lh };
    for line in &p.address_lines {
        s.field(&body, x, y, align, line, &format!("{role}_address"))?;
        y += lh;
    }
    if !p.tax_id_printed.is_empty() {
        s.labeled(
            &body,
            x,
            y,
            align,
            &words.vat_id,
            &p.tax_id_printed,
            &format!("{role}_tax_id"),
        )?;
        y += lh;
    }
    if let Some(phone) = &p.phone {
        let prefix = if doc.language == crate::lang::Language::De {
            "Tel."
        } else {
            "Tel"
        };
        s.text(&body, x, y, align, &format!("{prefix} {phone}"))?;
        y += lh;
    }
    if let Some(email) = &p.email {
        s.text(&body, x, y, align, email)?;
        y += lh;
    }
    Ok(y)
}

/// The item table from `y`, then (on a new page when it does not fit) the
/// totals column with its labels at `lx`; returns the y below.
#[allow(clippy::too_many_arguments)]
pub(super) fn table_and_totals(
    s: &mut Sheet,
    doc: &Content,
    words: &Words,
    spec: &TableSpec,
    y: f32,
    lx: f32,
    boxed: bool,
    labels: Align,
) -> R<f32> {
    let right = s.w - s.m;
    let y = s.items_table(doc, words, spec, s.m, right, y)?;
    let needed = s.lh * (doc.groups.len() as f32 + 12.0);
    let y = s.ensure_room(words, y, needed)?;
    totals(s, doc, words, lx, right, y, boxed, labels)
}

/// Payment terms and bank details, then the centred footer line.
pub(super) fn payment_and_footer(s: &mut Sheet, doc: &Content, words: &Words, y: f32) -> R<()> {
    let y = payment(s, doc, words, s.m, y + s.lh * 0.5)?;
    footer(s, doc, words, y)
}

/// The totals column: labels aligned at `lx` by `labels`, values right-aligned
/// at `vx`; returns the y below.
#[allow(clippy::too_many_arguments)]
pub(super) fn totals(
    s: &mut Sheet,
    doc: &Content,
    words: &Words,
    lx: f32,
    vx: f32,
    y: f32,
    boxed: bool,
    labels: Align,
) -> R<f32> {
    let (lh, body) = (s.lh, s.body);
    let money = doc.money;
    let top = y - lh * 0.9;
    let full_right = vx;
    let vx = if boxed { vx - body.size_px * 0.6 } else { vx };
    let mut y = y;
    s.text(&body, lx, y, labels, &words.net)?;
    s.field(
        &body,
        vx,
        y,
        Align::Right,
        &money.with_mark(doc.net()),
        "subtotal",
    )?;
    y += lh;
    let single = doc.groups.len() == 1;
    for g in &doc.groups {
        let rate = doc.rate(g.rate_milli, true);
        s.text(&body, lx, y, labels, &words.tax_line(&rate))?;
        let q = s.text(&body, vx, y, Align::Right, &money.with_mark(g.tax))?;
        if single {
            s.c.tag("tax_total", &money.with_mark(g.tax), q);
        }
        y += lh;
    }
    if doc.groups.len() > 1 {
        s.text(&body, lx, y, labels, &words.tax_total)?;
        s.field(
            &body,
            vx,
            y,
            Align::Right,
            &money.with_mark(doc.tax_total()),
            "tax_total",
        )?;
        y += lh;
    }
    let big = s.scaled(1.25).bold();
    y += lh * 0.4;
    let total = money.with_mark(doc.total());
    if boxed {
        // The box ends at the table's right edge; its values sit inside it.
        let left = lx - s.w * 0.25;
        s.c.fill_rect(
            left,
            y - big.size_px * 1.05,
            full_right - left,
            big.size_px * 1.5,
            s.accent,
        );
        let white = big.color([255, 255, 255]);
        s.text(&white, lx, y, labels, &words.total)?;
        s.field(&white, vx, y, Align::Right, &total, "total")?;
        s.c.stroke_rect(
            left,
            top,
            full_right - left,
            y + big.size_px * 0.45 - top,
            1.0,
            s.accent,
        );
    } else {
        s.c.hline(lx - s.w * 0.2, vx, y - big.size_px * 1.05, 1.5, body.color);
        s.text(&big, lx, y, labels, &words.total)?;
        s.field(&big, vx, y, Align::Right, &total, "total")?;
    }
    Ok(y + lh * 1.5)
}

/// Payment terms and bank details at `x`; returns the y below.
pub(super) fn payment(s: &mut Sheet, doc: &Content, words: &Words, x: f32, y: f32) -> R<f32> {
    let (lh, body) = (s.lh, s.body);
    let mut y = y;
    if let Some(terms) = &doc.terms {
        let max_w = s.w - 2.0 * s.m;
        for line in s.c.wrap(&body, terms, max_w)? {
            s.text(&body, x, y, Align::Left, &line)?;
            y += lh;
        }
    }
    if doc.iban.is_some() {
        let head = s.bold();
        s.text(&head, x, y, Align::Left, &words.bank)?;
        y += lh;
    }
    if let Some(iban) = &doc.iban {
        s.labeled(
            &body,
            x,
            y,
            Align::Left,
            &format!("{}:", words.iban),
            &format_iban(iban),
            "iban",
        )?;
        y += lh;
    }
    if let Some(bic) = &doc.bic {
        s.labeled(
            &body,
            x,
            y,
            Align::Left,
            &format!("{}:", words.bic),
            bic,
            "bic",
        )?;
        y += lh;
    }
    Ok(y)
}

pub(super) fn footer(s: &mut Sheet, doc: &Content, words: &Words, y: f32) -> R<()> {
    let small = s.scaled(0.8).color([90, 90, 90]);
    let line = format!(
        "{} · {} {}",
        doc.seller.name, words.vat_id, doc.seller.tax_id_printed
    );
    let y = (y + s.lh).max(s.h - s.m - s.lh * 1.2);
    s.text(&small, s.w / 2.0, y, Align::Center, &line)?;
    if s.is_multi_page() {
        s.page_label(words)?;
    }
    Ok(())
}

/// Draws a till receipt on a strip; returns the layout's name.
pub(crate) fn receipt(s: &mut Sheet, doc: &Content, words: &Words, rng: &mut Rng) -> R<String> {
    let (lh, body) = (s.lh, s.body);
    let bold = body.bold();
    let (left, right, center) = (s.m, s.w - s.m, s.w / 2.0);
    let money = doc.money;
    let mut y = s.m + lh;
    // The shop's name a little larger when it fits the paper.
    let mut name_style = bold.size((body.size_px * 1.2).round());
    if s.width(&name_style, &doc.seller.name)? > right - left {
        name_style = bold;
    }
    s.field(
        &name_style,
        center,
        y,
        Align::Center,
        &doc.seller.name,
        "vendor_name",
    )?;
    y += lh * 1.3;
    for line in &doc.seller.address_lines {
        s.field(&body, center, y, Align::Center, line, "vendor_address")?;
        y += lh;
    }
    s.text(
        &body,
        center,
        y,
        Align::Center,
        &format!("{} {}", words.vat_id, doc.seller.tax_id_printed),
    )?;
    s.c.tag_tail("vendor_tax_id", &doc.seller.tax_id_printed);
    y += lh * 1.5;
    s.text(&bold, center, y, Align::Center, &words.title)?;
    y += lh;
    s.labeled(
        &body,
        left,
        y,
        Align::Left,
        &format!("{}:", words.invoice_number),
        &doc.number,
        "invoice_number",
    )?;
    y += lh;
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
    y += lh * 0.6;
    s.c.dashed_hline(left, right, y, body.size_px * 0.4, body.color);
    y += lh;
    for item in &doc.items {
        let amount = money.number(item.amount_cents);
        let room = right - left - s.width(&body, &amount)? - body.size_px;
        let lines = s.c.wrap(&body, &item.description, room)?;
        if item.qty_milli == 1000 {
            for (k, l) in lines.iter().enumerate() {
                s.text(&body, left, y, Align::Left, l)?;
                if k == 0 {
                    s.text(&body, right, y, Align::Right, &amount)?;
                }
                y += lh;
            }
        } else {
            for l in &lines {
                s.text(&body, left, y, Align::Left, l)?;
                y += lh;
            }
            let qty = format!(
                "{} x {}",
                item.qty_milli / 1000,
                money.number(item.unit_cents)
            );
            s.text(&body, left + body.size_px * 1.5, y, Align::Left, &qty)?;
            s.text(&body, right, y, Align::Right, &amount)?;
            y += lh;
        }
    }
    y -= lh * 0.4;
    s.c.hline(left, right, y, 1.0, body.color);
    y += lh * 1.2;
    if !doc.prices_include_tax {
        // Prices before tax (US): the subtotal and tax lines come before the total.
        s.text(&body, left, y, Align::Left, &words.net)?;
        s.field(
            &body,
            right,
            y,
            Align::Right,
            &money.number(doc.net()),
            "subtotal",
        )?;
        y += lh;
        for g in &doc.groups {
            s.text(
                &body,
                left,
                y,
                Align::Left,
                &words.tax_line(&doc.rate(g.rate_milli, false)),
            )?;
            s.field(
                &body,
                right,
                y,
                Align::Right,
                &money.number(g.tax),
                "tax_total",
            )?;
            y += lh;
        }
    }
    let big = bold.size((body.size_px * 1.3).round());
    s.text(&big, left, y, Align::Left, &words.total.to_uppercase())?;
    s.field(
        &big,
        right,
        y,
        Align::Right,
        &money.with_mark(doc.total()),
        "total",
    )?;
    y += lh * 1.5;
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
            s.text(&body, left, y, Align::Left, &words.card)?;
            s.text(&body, right, y, Align::Right, &money.number(doc.total()))?;
            y += lh;
            s.text(
                &body,
                left,
                y,
                Align::Left,
                &format!("**** **** **** {last4}"),
            )?;
            y += lh;
        }
        None => {}
    }
    if doc.prices_include_tax && !doc.groups.is_empty() {
        y += lh * 0.5;
        y = summary_table(s, doc, words, left, right, y)?;
    }
    y += lh * 0.5;
    s.c.dashed_hline(left, right, y, body.size_px * 0.4, body.color);
    y += lh;
    let thanks = if rng.chance(0.5) {
        words.thanks.clone()
    } else {
        words.thanks.to_uppercase()
    };
    s.text(&body, center, y, Align::Center, &thanks)?;
    Ok("tuning/receipt:centred".into())
}

/// Rate | net | tax | gross, one row per rate (and a sum row when several).
fn summary_table(
    s: &mut Sheet,
    doc: &Content,
    words: &Words,
    left: f32,
    right: f32,
    y: f32,
) -> R<f32> {
    let (lh, body) = (s.lh, s.body);
    let money = doc.money;
    let w = right - left;
    let cols = [left + w * 0.18, left + w * 0.48, left + w * 0.73, right];
    let bold = body.bold();
    let mut y = y;
    s.text(&bold, left, y, Align::Left, &words.tax_summary[0])?;
    for (x, h) in cols[1..].iter().zip(&words.tax_summary[1..]) {
        s.text(&bold, *x, y, Align::Right, h)?;
    }
    y += lh;
    let single = doc.groups.len() == 1;
    for g in &doc.groups {
        s.text(&body, left, y, Align::Left, &doc.rate(g.rate_milli, false))?;
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
        s.text(&body, cols[3], y, Align::Right, &money.number(doc.total()))?;
        y += lh;
    }
    Ok(y)
}
