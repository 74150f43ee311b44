//! Item rows of an item table: a header row naming a description column
//! and at least one number column, then rows read cell by cell under it
//! until the totals start.

use grace_invoice_rules::{find_amounts, Decimal};

use crate::fields::Ctx;
use crate::key_values::starts_with_label;
use crate::labels::{header_labels, labels_in_line, LabelKind};
use crate::layout::{Rect, Span};
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

/// The item rows of the page.
pub fn line_items(ctx: &Ctx) -> Vec<LineItem> {
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
            // The totals block ends the table; other label words (`Cambio
            // de aceite`) can begin a description.
            let totals_start = next.iter().any(|&l| {
                starts_with_label(page, l)
                    && labels_in_line(page, l).first().is_some_and(|h| {
                        matches!(
                            h.kind,
                            LabelKind::Subtotal
                                | LabelKind::Total
                                | LabelKind::TaxTotal
                                | LabelKind::TaxBase
                                | LabelKind::Withholding
                                | LabelKind::AmountDue
                        )
                    })
            });
            if totals_start {
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
                description: desc.join(" "),
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
        let items = line_items(&ctx);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].description, "Tornillos M6");
        assert_eq!(items[0].quantity.as_deref(), Some("10"));
        assert_eq!(items[0].unit_price.as_deref(), Some("0.25"));
        assert_eq!(items[0].tax_rate.as_deref(), Some("21"));
        assert_eq!(items[1].amount.as_deref(), Some("12.00"));
    }
}
