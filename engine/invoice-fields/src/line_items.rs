//! Item rows: of an item table (a header row naming a description column
//! and at least one number column, then rows read cell by cell under it
//! until the totals start), or else of a till receipt without headers,
//! where each item is a description and an amount at the row's end, or
//! description rows then a `qty x price` row with the amount.

use grace_invoice_rules::{find_amounts, repair_spanish_text, Decimal};

use crate::fields::Ctx;
use crate::key_values::leading_label;
use crate::labels::{header_labels, LabelKind};
use crate::layout::{Page, Rect, Span};
use crate::output::LineItem;
use crate::tax_lines::{dist, rate_in, rate_string};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Description,
    Quantity,
    UnitPrice,
    Rate,
    Amount,
}

fn col_of(kind: LabelKind) -> Option<Col> {
    Some(match kind {
        LabelKind::ColDescription => Col::Description,
        LabelKind::ColQuantity => Col::Quantity,
        LabelKind::ColUnitPrice => Col::UnitPrice,
        LabelKind::ColRate => Col::Rate,
        LabelKind::ColAmount => Col::Amount,
        _ => return None,
    })
}

/// The item rows of the page: the item table's, else a till receipt's
/// ([`receipt_items`]) when they add up to one of `totals` (the total or
/// the subtotal).
pub fn line_items(ctx: &Ctx, totals: &[Decimal]) -> Vec<LineItem> {
    let table = table_items(ctx);
    if !table.is_empty() {
        return table;
    }
    receipt_items(ctx, totals)
}

/// True when the row starts the totals block, which ends the items; other
/// label words (`Cambio de aceite`) can begin a description.
fn starts_totals(page: &Page, row: &[usize]) -> bool {
    row.iter().any(|&l| {
        matches!(
            leading_label(page, l),
            Some(
                LabelKind::Subtotal
                    | LabelKind::Total
                    | LabelKind::TaxTotal
                    | LabelKind::TaxBase
                    | LabelKind::Withholding
                    | LabelKind::AmountDue
            )
        )
    })
}

/// The rows of the item table under its header row.
fn table_items(ctx: &Ctx) -> Vec<LineItem> {
    let page = ctx.page;
    for (ri, row) in page.rows.iter().enumerate() {
        let cols: Vec<(Col, Rect)> = row
            .iter()
            .flat_map(|&l| header_labels(page, l))
            .filter_map(|h| Some((col_of(h.kind)?, page.span_rect(h.span))))
            .collect();
        let has = |c: Col| cols.iter().any(|(k, _)| *k == c);
        if !has(Col::Description) || !(has(Col::Amount) || has(Col::UnitPrice)) {
            continue;
        }
        let first_num_x = cols
            .iter()
            .filter(|(c, _)| *c != Col::Description)
            .map(|(_, r)| r.x0)
            .fold(f32::INFINITY, f32::min);
        let mut items = Vec::new();
        for next in page.rows.iter().skip(ri + 1).take(60) {
            if starts_totals(page, next) {
                break;
            }
            let mut desc: Vec<String> = Vec::new();
            let mut cells: Vec<(Col, String)> = Vec::new();
            let mut spans: Vec<Span> = Vec::new();
            for &l in next {
                spans.push(page.line_span(l));
                for w in &page.lines[l].words {
                    let r = w.rect;
                    let numeric = w.text.chars().any(|c| c.is_ascii_digit());
                    if r.x1 < first_num_x || !numeric {
                        if r.cx() < first_num_x {
                            desc.push(w.text.clone());
                        }
                        continue;
                    }
                    let col = cols
                        .iter()
                        .filter(|(c, _)| *c != Col::Description)
                        .min_by(|a, b| dist(&a.1, &r).total_cmp(&dist(&b.1, &r)))
                        .map(|(c, _)| *c);
                    if let Some(c) = col {
                        match cells.iter_mut().find(|(k, _)| *k == c) {
                            Some((_, t)) => {
                                t.push(' ');
                                t.push_str(&w.text);
                            }
                            None => cells.push((c, w.text.clone())),
                        }
                    }
                }
            }
            let amount = cell_amount(ctx, &cells, Col::Amount);
            if desc.is_empty()
                || amount.is_none() && cell_amount(ctx, &cells, Col::UnitPrice).is_none()
            {
                if items.is_empty() {
                    continue;
                }
                break;
            }
            let quantity = cells
                .iter()
                .find(|(c, _)| *c == Col::Quantity)
                .and_then(|(_, t)| {
                    t.split_whitespace()
                        .next()?
                        .replace(',', ".")
                        .parse::<Decimal>()
                        .ok()
                })
                .map(rate_string);
            let tax_rate = cells
                .iter()
                .find(|(c, _)| *c == Col::Rate)
                .and_then(|(_, t)| {
                    let p = crate::layout::Page::from_text(t);
                    rate_in(&p, p.line_span(0)).map(|(r, _)| rate_string(r))
                });
            items.push(LineItem {
                description: item_description(ctx, &desc.join(" ")),
                quantity,
                unit_price: cell_amount(ctx, &cells, Col::UnitPrice)
                    .map(|d| d.round_dp(2).to_string()),
                amount: amount.map(|d| d.round_dp(2).to_string()),
                tax_rate,
                bbox: page.spans_quad(&spans),
                page: None,
            });
        }
        if !items.is_empty() {
            return items;
        }
    }
    Vec::new()
}

/// A till receipt's row that ends in a price.
struct PricedRow {
    /// The text before the price (description, or `qty x price`).
    body: String,
    /// The price at the row's end.
    amount: Decimal,
    /// Where the row is.
    spans: Vec<Span>,
}

/// A till receipt's items, read row by row above the totals: a row ending
/// in a price is an item, described by the text before the price, or by
/// the description rows above it when that text is `qty x price` (`2 x
/// 3,73`, `1,250 kg x 2,39 €/kg`); the description rows after a described
/// item and before the next priced row continue the description. Kept only
/// when the amounts add up to one of `totals`: a receipt has no header to
/// say where its items are, so the arithmetic must.
fn receipt_items(ctx: &Ctx, totals: &[Decimal]) -> Vec<LineItem> {
    let page = ctx.page;
    let mut items: Vec<LineItem> = Vec::new();
    let mut pending: Vec<(String, Span)> = Vec::new();
    // Whether the last item was described on its own priced row.
    let mut last_described = false;
    for row in &page.rows {
        if starts_totals(page, row) {
            break;
        }
        let text = row_text(page, row);
        let Some(priced) = priced_row(ctx, row, &text) else {
            // A wrapped description goes on with any text (`800 W`, `L`);
            // a labelled row (`Fecha: ...`) is no description.
            let labelled = row
                .iter()
                .any(|&l| leading_label(page, l).is_some_and(|k| col_of(k).is_none()));
            let describes = !labelled && text.chars().any(char::is_alphanumeric);
            if describes {
                pending.extend(
                    row.iter()
                        .map(|&l| (page.lines[l].text.clone(), page.line_span(l))),
                );
            } else {
                pending.clear();
            }
            continue;
        };
        let (description, quantity, unit_price, mut spans) =
            match qty_times_price(ctx, &priced.body) {
                Some((qty, unit)) if !pending.is_empty() => {
                    // Its description starts at the last row that starts
                    // with a capital; rows before that continue the item
                    // before it (`Napolitana de 1,98` / `chocolate`).
                    let own = pending
                        .iter()
                        .rposition(|(t, _)| starts_capitalized(t))
                        .unwrap_or(0);
                    let mut before: Vec<(String, Span)> = pending.drain(..own).collect();
                    continue_description(&mut items, last_described, &mut before);
                    last_described = false;
                    let (texts, spans): (Vec<String>, Vec<Span>) = pending.drain(..).unzip();
                    (texts.join(" "), Some(rate_string(qty)), Some(unit), spans)
                }
                None if priced.body.chars().any(char::is_alphabetic) => {
                    continue_description(&mut items, last_described, &mut pending);
                    last_described = true;
                    (priced.body.clone(), None, None, Vec::new())
                }
                _ => {
                    pending.clear();
                    continue;
                }
            };
        spans.extend(priced.spans);
        items.push(LineItem {
            description,
            quantity,
            unit_price: unit_price.map(|d| d.round_dp(2).to_string()),
            amount: Some(priced.amount.round_dp(2).to_string()),
            tax_rate: None,
            bbox: page.spans_quad(&spans),
            page: None,
        });
    }
    continue_description(&mut items, last_described, &mut pending);
    let sum: Decimal = items
        .iter()
        .filter_map(|i| i.amount.as_deref()?.parse::<Decimal>().ok())
        .sum();
    let adds_up = totals
        .iter()
        .any(|t| (sum - *t).abs() <= Decimal::from_minor(1));
    if items.is_empty() || !adds_up {
        return Vec::new();
    }
    for item in &mut items {
        item.description = item_description(ctx, &item.description);
    }
    items
}

/// Appends the description rows read since the last item to it when that
/// item was described on its own priced row (its description wrapped);
/// otherwise they described nothing. Empties `pending` either way.
fn continue_description(
    items: &mut [LineItem],
    last_described: bool,
    pending: &mut Vec<(String, Span)>,
) {
    if let Some(last) = items.last_mut().filter(|_| last_described) {
        for (text, _) in pending.iter() {
            last.description.push(' ');
            last.description.push_str(text);
        }
    }
    pending.clear();
}

/// A description as printed, its Spanish accents and ordinals put back
/// where OCR lost them (`Boligrafos` → `Bolígrafos`, `3°` → `3º`).
fn item_description(ctx: &Ctx, text: &str) -> String {
    if ctx.repairs("es") {
        repair_spanish_text(text)
    } else {
        text.to_string()
    }
}

/// Whether `text` starts with a capitalized word (`Croissant`, not `L` or
/// `ESO`, which a wrapped description carries over).
fn starts_capitalized(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_some_and(char::is_lowercase)
}

/// The row's lines joined by single spaces.
fn row_text(page: &Page, row: &[usize]) -> String {
    row.iter()
        .map(|&l| page.lines[l].text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The row (its lines joined as `text`) split at the price that ends it
/// (two decimals, an optional `€` or `EUR` after it); `None` when it does
/// not end in one.
fn priced_row(ctx: &Ctx, row: &[usize], text: &str) -> Option<PricedRow> {
    let trimmed = text
        .trim_end()
        .trim_end_matches("EUR")
        .trim_end_matches('€')
        .trim_end();
    // The price is the last token on its own: read with what comes before
    // it, a space could pass for a thousands separator (`33,95 203,70`).
    let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let token = &trimmed[start..];
    let price = find_amounts(token, ctx.locale).into_iter().next()?;
    let cents = price.amount.value.scale() == 2 && token.contains([',', '.']);
    if price.start != 0 || price.end != token.len() || !cents {
        return None;
    }
    Some(PricedRow {
        body: trimmed[..start].trim().to_string(),
        amount: price.amount.value,
        spans: row.iter().map(|&l| ctx.page.line_span(l)).collect(),
    })
}

/// `2 x 3,73` or `1,250 kg x 2,39 €/kg`, spaced or not (`5x3,80`), the
/// euro sign as OCR may read it (`E/kg`): the quantity and the unit price.
fn qty_times_price(ctx: &Ctx, body: &str) -> Option<(Decimal, Decimal)> {
    body.char_indices()
        .filter(|&(_, c)| matches!(c, 'x' | 'X' | '×' | '*'))
        .find_map(|(i, c)| {
            let qty = body[..i].trim();
            let qty = qty.strip_suffix("kg").map_or(qty, str::trim_end);
            if qty.is_empty()
                || !qty
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            {
                return None;
            }
            let qty: Decimal = qty.replace(',', ".").parse().ok()?;
            let price = body[i + c.len_utf8()..].trim();
            let price = price
                .split_once('/')
                .map_or(price, |(p, _)| p)
                .trim_end_matches("EUR")
                .trim_end()
                .trim_end_matches(['€', 'E'])
                .trim();
            let found = find_amounts(price, ctx.locale).into_iter().next()?;
            (found.start == 0 && found.end == price.len()).then_some((qty, found.amount.value))
        })
}

fn cell_amount(ctx: &Ctx, cells: &[(Col, String)], col: Col) -> Option<Decimal> {
    let (_, t) = cells.iter().find(|(c, _)| *c == col)?;
    find_amounts(t, ctx.locale).last().map(|m| m.amount.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Page;
    use grace_invoice_rules::{DateOrder, Locale};

    #[test]
    fn table_rows_under_their_headers() {
        let page = Page::from_text(
            "Descripción            Cant.   Precio    IVA %    Importe\nTornillos M6            10      0,25      21%       2,50\nMartillo                 1     12,00      21%      12,00\nSubtotal                                          14,50",
        );
        let ctx = Ctx::new(&page, Locale::EsEs, DateOrder::DayFirst);
        let items = line_items(&ctx, &[]);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].description, "Tornillos M6");
        assert_eq!(items[0].quantity.as_deref(), Some("10"));
        assert_eq!(items[0].unit_price.as_deref(), Some("0.25"));
        assert_eq!(items[0].tax_rate.as_deref(), Some("21"));
        assert_eq!(items[1].amount.as_deref(), Some("12.00"));
    }

    fn receipt(text: &str, totals: &[Decimal]) -> Vec<(String, Option<String>, String)> {
        let page = Page::from_text(text);
        let ctx = Ctx::new(&page, Locale::EsEs, DateOrder::DayFirst);
        line_items(&ctx, totals)
            .into_iter()
            .map(|i| (i.description, i.quantity, i.amount.unwrap_or_default()))
            .collect()
    }

    fn item(d: &str, q: Option<&str>, a: &str) -> (String, Option<String>, String) {
        (d.to_string(), q.map(str::to_string), a.to_string())
    }

    #[test]
    fn a_till_receipt_without_headers_gives_its_items() {
        let text =
            "Cafetería El Puerto\nPlaza Paz, 52, bajo\nTicket: FS23/080376\nFecha: 13/03/2023\n\
Chocolate con churros\n  2 x 3,73      7,46\nMagdalenas (bolsa\n6 uds.)\n  1 x 2,55      2,55\n\
Plátanos (kg)\n  1,250 kg x 2,00 €/kg     2,50\nTOTAL     12,51 EUR\nEntregado  20,00";
        assert_eq!(
            receipt(text, &[Decimal::from_minor(1251)]),
            [
                item("Chocolate con churros", Some("2"), "7.46"),
                item("Magdalenas (bolsa 6 uds.)", Some("1"), "2.55"),
                item("Plátanos (kg)", Some("1.25"), "2.50"),
            ]
        );
        assert_eq!(
            receipt(
                "Pan\n5x3,80    19,00\nTomates (kg)\n2,180 kg x 2,00 E/kg   4,36\nTOTAL 23,36",
                &[Decimal::from_minor(2336)]
            ),
            [
                item("Pan", Some("5"), "19.00"),
                item("Tomates (kg)", Some("2.18"), "4.36"),
            ]
        );
        // One row per item, a long description wrapped under its row, the
        // next item described above its `qty x price` row.
        let compact = "Panadería Sol\nFecha: 10/05/2025\nTaladro percutor    1,00 EUR\n800 W\n\
Ensaimada de crema y    2,01 EUR\nnata\nCroissant de\nmantequilla L\n2 x 1,20 EUR    2,40 EUR\n\
TOTAL 5,41 EUR";
        assert_eq!(
            receipt(compact, &[Decimal::from_minor(541)]),
            [
                item("Taladro percutor 800 W", None, "1.00"),
                item("Ensaimada de crema y nata", None, "2.01"),
                item("Croissant de mantequilla L", Some("2"), "2.40"),
            ]
        );
    }

    #[test]
    fn receipt_rows_that_do_not_add_up_are_no_items() {
        // A single priced row that is not the total, and items that do not
        // add up to it.
        assert!(receipt(
            "Ticket 12\nPropina 1,00\nTOTAL 9,00",
            &[Decimal::from_minor(900)]
        )
        .is_empty());
        assert!(receipt(
            "Pan\n2 x 1,00  5,00\nLeche\n1 x 1,00  3,00\nTOTAL 9,00",
            &[Decimal::from_minor(900)]
        )
        .is_empty());
        assert!(receipt("Sin importes\nTOTAL 9,00", &[]).is_empty());
    }
}
