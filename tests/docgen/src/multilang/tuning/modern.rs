//! The modern family: the title first, top left; the header data as a grid
//! (labels above values) or as a label column under the title; the seller
//! top right or beside the buyer, both in plain blocks; totals as label and
//! value columns under the table.

use crate::rng::Rng;

use super::super::content::Content;
use super::super::sheet::{meta_rows, Align, Cell, Rules, Sheet, TableSpec, Words, R};
use super::{party, payment_and_footer, table_and_totals};

/// Draws a modern invoice; returns the layout's name.
pub(super) fn invoice(s: &mut Sheet, doc: &Content, words: &Words, rng: &mut Rng) -> R<String> {
    let grid = rng.chance(0.5);
    let seller_right = rng.chance(0.5);
    let rules = *rng.pick(&[Rules::Striped, Rules::Grid, Rules::Unruled]);
    let (m, right, lh) = (s.m, s.w - s.m, s.lh);
    let body = s.body;
    let big = s.scaled(2.2).bold();
    let mut y = m + big.size_px;
    s.text(&big, m, y, Align::Left, &words.title)?;
    let mut y_right = m + lh;
    if seller_right {
        y_right = party(
            s,
            doc,
            words,
            &doc.seller,
            "vendor",
            right,
            m,
            Align::Right,
            None,
        )?;
    }
    y += lh * 1.2;

    let meta = meta_rows(doc, words);
    if grid {
        // One cell per header datum across the page: small label over value.
        y = y.max(y_right) + lh;
        let label_style = s.scaled(0.8).color([110, 110, 110]);
        let cell_w = (right - m) / meta.len() as f32;
        let top = y - lh;
        for (i, (label, value, field)) in meta.iter().enumerate() {
            let x = m + cell_w * i as f32 + s.body.size_px * 0.5;
            s.text(&label_style, x, y, Align::Left, label)?;
            s.field(&body, x, y + lh * 1.1, Align::Left, value, field)?;
        }
        s.c.stroke_rect(m, top, right - m, lh * 2.6, 1.0, [160, 160, 160]);
        y += lh * 2.8;
    } else {
        let label_style = s.bold();
        let vx = m + s.w * 0.22;
        for (label, value, field) in &meta {
            s.text(&label_style, m, y, Align::Left, label)?;
            s.field(&body, vx, y, Align::Left, value, field)?;
            y += lh;
        }
        y = y.max(y_right) + lh;
    }

    y += lh * 0.5;
    let mut y_parties = y;
    if !seller_right {
        y_parties = party(
            s,
            doc,
            words,
            &doc.seller,
            "vendor",
            m,
            y,
            Align::Left,
            Some(&words.seller),
        )?;
    }
    if let Some(buyer) = &doc.buyer {
        let x = if seller_right { m } else { s.w * 0.5 };
        let yb = party(
            s,
            doc,
            words,
            buyer,
            "customer",
            x,
            y,
            Align::Left,
            Some(&words.buyer),
        )?;
        y_parties = y_parties.max(yb);
    }
    let y = y_parties + lh;

    let show_rate = doc.groups.len() > 1;
    let mut columns = vec![(Cell::Description, words.description.clone(), 0.0, 0.52)];
    columns.push((Cell::Quantity, words.quantity.clone(), 0.52, 0.62));
    columns.push((Cell::UnitPrice, words.unit_price.clone(), 0.62, 0.78));
    if show_rate {
        columns.push((Cell::Rate, words.tax_rate.clone(), 0.78, 0.87));
    }
    let left = if show_rate { 0.87 } else { 0.78 };
    columns.push((Cell::Amount, words.amount.clone(), left, 1.0));
    let spec = TableSpec {
        columns,
        rules,
        spaced_rate: false,
    };
    let y = table_and_totals(s, doc, words, &spec, y, s.w * 0.55, false, Align::Left)?;
    payment_and_footer(s, doc, words, y)?;
    Ok(format!(
        "tuning/modern:meta-{},seller-{}",
        if grid { "grid" } else { "column" },
        if seller_right {
            "right"
        } else {
            "beside-buyer"
        },
    ))
}
