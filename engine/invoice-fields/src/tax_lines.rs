//! Tax lines: `IVA 21%  21,00` rows and tax tables (`Base | % IVA | Cuota`),
//! read by column.

use grace_invoice_rules::Decimal;

use crate::fields::{amounts_in, labelled_amount, AmountAt, Ctx};
use crate::labels::{header_labels, is_label_only, labels_in_line, norm_word, LabelHit, LabelKind};
use crate::layout::{Page, Rect, Span};

/// A tax line as read, with where its numbers were.
#[derive(Debug, Clone)]
pub struct TaxLineAt {
    /// IVA, IGIC, IPSI, RE, IRPF, VAT, GST, SST.
    pub kind: String,
    /// Rate in percent.
    pub rate: Option<Decimal>,
    /// Base.
    pub base: Option<AmountAt>,
    /// Tax amount.
    pub amount: Option<AmountAt>,
    /// The label of a `IVA 21%` row.
    pub label: Option<LabelHit>,
}

/// The totals row of a tax table (`Total | Σ bases | Σ cuotas`).
#[derive(Debug, Clone, Default)]
pub struct TableTotals {
    /// Σ bases.
    pub base: Option<AmountAt>,
    /// Σ cuotas.
    pub tax: Option<AmountAt>,
}

/// The tax kind a label word names.
pub fn tax_kind(text: &str) -> Option<&'static str> {
    // Prefixes, so glued words (`GST/TAX`, `IVA21%`) still name their tax.
    const KINDS: &[(&str, &str)] = &[
        ("iva", "IVA"),
        ("igic", "IGIC"),
        ("ipsi", "IPSI"),
        ("recargo", "RE"),
        ("irpf", "IRPF"),
        ("retencion", "IRPF"),
        ("vat", "VAT"),
        ("mwst", "VAT"),
        ("gst", "GST"),
        ("sst", "SST"),
    ];
    text.split_whitespace().map(norm_word).find_map(|w| {
        KINDS
            .iter()
            .find(|(p, _)| w.starts_with(p))
            .map(|&(_, k)| k)
    })
}

/// A rate written as `21%`, `21 %`, `(21%)`, `5,2%` in a span.
pub fn rate_in(page: &Page, s: Span) -> Option<(Decimal, Span)> {
    let words = &page.lines[s.line].words;
    for i in s.start..s.end {
        // `IVA21%` carries its label; small print reads `%` as `号`.
        let t = words[i]
            .text
            .trim_matches(['(', ')', ':'])
            .replace('号', "%");
        let t = t.trim_start_matches(|c: char| c.is_alphabetic());
        let (num, pct) = match t.strip_suffix('%') {
            Some(n) => (n, true),
            None => (t, words.get(i + 1).is_some_and(|w| w.text.starts_with('%'))),
        };
        if !pct || num.is_empty() || num.len() > 5 {
            continue;
        }
        if let Ok(d) = num.replace(',', ".").parse::<Decimal>() {
            if d >= Decimal::ZERO && d <= Decimal::new(100, 0) {
                return Some((
                    d,
                    Span {
                        line: s.line,
                        start: i,
                        end: i + 1,
                    },
                ));
            }
        }
    }
    None
}

/// Every tax line of the page, and the totals row of a tax table.
pub fn tax_lines(ctx: &Ctx) -> (Vec<TaxLineAt>, TableTotals) {
    let mut lines = labelled_lines(ctx);
    let (table, totals) = table_lines(ctx);
    for t in table {
        let dup = lines
            .iter()
            .any(|l| l.kind == t.kind && l.rate == t.rate && l.amount.is_some());
        if !dup {
            lines.push(t);
        }
    }
    (lines, totals)
}

/// `IVA 21%  21,00`, `Base 21%  100,00`, `Retención IRPF 15%  -150,00` rows.
fn labelled_lines(ctx: &Ctx) -> Vec<TaxLineAt> {
    let page = ctx.page;
    let mut out: Vec<TaxLineAt> = Vec::new();
    for h in &ctx.labels {
        if !matches!(
            h.kind,
            LabelKind::Tax | LabelKind::TaxBase | LabelKind::Withholding
        ) {
            continue;
        }
        let line = &page.lines[h.span.line];
        let after = Span {
            line: h.span.line,
            start: h.span.end.min(line.words.len()),
            end: line.words.len(),
        };
        let Some((rate, _)) = rate_in(page, after).or_else(|| rate_in(page, h.span)) else {
            continue;
        };
        let Some(found) = labelled_amount(ctx, h) else {
            continue;
        };
        let kind = if h.kind == LabelKind::TaxBase {
            None
        } else {
            tax_kind(&page.span_text(h.span))
        };
        match kind {
            Some(kind) => {
                if let Some(l) = out
                    .iter_mut()
                    .find(|l| l.kind == kind && l.rate == Some(rate))
                {
                    l.amount.get_or_insert(found.value);
                } else {
                    out.push(TaxLineAt {
                        kind: kind.to_string(),
                        rate: Some(rate),
                        base: None,
                        amount: Some(found.value),
                        label: Some(*h),
                    });
                }
            }
            None => {
                // A base row: attach to the IVA line of the same rate.
                let kind = "IVA";
                if let Some(l) = out
                    .iter_mut()
                    .find(|l| l.kind == kind && l.rate == Some(rate))
                {
                    l.base.get_or_insert(found.value);
                } else {
                    out.push(TaxLineAt {
                        kind: kind.to_string(),
                        rate: Some(rate),
                        base: Some(found.value),
                        amount: None,
                        label: Some(*h),
                    });
                }
            }
        }
    }
    out
}

/// Column role in a tax table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Base,
    Rate,
    Tax,
}

/// Tax tables: a header row of label-only cells naming a base column and a
/// tax column, then rows of amounts read by the column they sit under.
fn table_lines(ctx: &Ctx) -> (Vec<TaxLineAt>, TableTotals) {
    let page = ctx.page;
    let mut out = Vec::new();
    let mut totals = TableTotals::default();
    for (ri, row) in page.rows.iter().enumerate() {
        let mut cols: Vec<(Col, Rect)> = Vec::new();
        let mut kind = "IVA";
        for &l in row {
            // A header cell is a whole line of labels; a merged line
            // (`IVA Base Cuota`) gives one column per label.
            if !is_label_only(page, l) {
                continue;
            }
            for h in header_labels(page, l) {
                let col = match h.kind {
                    LabelKind::TaxBase | LabelKind::Subtotal => Col::Base,
                    LabelKind::ColRate => Col::Rate,
                    LabelKind::Tax if norm_word(&page.span_text(h.span)).starts_with("cuota") => {
                        Col::Tax
                    }
                    LabelKind::Tax => Col::Rate,
                    _ => continue,
                };
                if let Some(k) = tax_kind(&page.span_text(h.span)) {
                    kind = k;
                }
                cols.push((col, page.span_rect(h.span)));
            }
        }
        let has = |c: Col| cols.iter().any(|(k, _)| *k == c);
        if !(has(Col::Base) && has(Col::Tax)) {
            continue;
        }
        // Cells further than two line heights from every column belong to
        // something else on the same row (the totals block beside the table).
        let reach = page.line_height * 2.0;
        let x0 = cols.iter().map(|(_, r)| r.x0).fold(f32::INFINITY, f32::min) - reach;
        let x1 = cols
            .iter()
            .map(|(_, r)| r.x1)
            .fold(f32::NEG_INFINITY, f32::max)
            + reach;
        for next in page.rows.iter().skip(ri + 1).take(8) {
            let mut base = None;
            let mut tax = None;
            let mut rate = None;
            let mut total_row = false;
            for &l in next {
                let span = page.line_span(l);
                let r = page.lines[l].rect;
                if r.x1 < x0 || r.x0 > x1 {
                    continue;
                }
                if labels_in_line(page, l)
                    .first()
                    .is_some_and(|h| h.kind == LabelKind::Total && h.span.start == 0)
                {
                    total_row = true;
                }
                if rate.is_none() {
                    rate = rate_in(page, span).map(|(r, _)| r);
                }
                for a in amounts_in(page, span, ctx.locale) {
                    if !a.money_like {
                        continue;
                    }
                    let r = page.span_rect(a.span);
                    if cols.iter().all(|(_, c)| dist(c, &r) > reach) {
                        continue;
                    }
                    match nearest_col(&cols, r) {
                        Some(Col::Base) => base = Some(a),
                        Some(Col::Tax) => tax = Some(a),
                        _ => {}
                    }
                }
            }
            // An unreadable rate cell: the standard rate the two amounts agree on.
            // A misread one (`2 1号`) is corrected the same way.
            let inferred = base
                .as_ref()
                .zip(tax.as_ref())
                .and_then(|(b, t)| infer_rate(b.value, t.value));
            let rate = match (rate, inferred) {
                (_, Some(i)) => Some(i),
                (r, None) => r,
            }
            .filter(|_| !total_row);
            if rate.is_some() && (base.is_some() || tax.is_some()) {
                out.push(TaxLineAt {
                    kind: kind.to_string(),
                    rate,
                    base,
                    amount: tax,
                    label: None,
                });
            } else if total_row && (base.is_some() || tax.is_some()) {
                totals = TableTotals { base, tax };
                break;
            } else {
                break;
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    (out, totals)
}

/// The column a value sits under: the one it overlaps most, else the one
/// whose right edge is nearest (amounts are right-aligned).
fn nearest_col(cols: &[(Col, Rect)], r: Rect) -> Option<Col> {
    cols.iter()
        .min_by(|a, b| dist(&a.1, &r).total_cmp(&dist(&b.1, &r)))
        .map(|(c, _)| *c)
}

/// Horizontal distance of a cell to a column heading: right edges (amounts
/// are right-aligned) or centres, whichever is closer.
pub fn dist(col: &Rect, r: &Rect) -> f32 {
    (col.x1 - r.x1).abs().min((col.cx() - r.cx()).abs())
}

/// The usual VAT rate (Spain, Canarias, EU, GST) whose tax on `base` is
/// `tax` to the cent.
fn infer_rate(base: Decimal, tax: Decimal) -> Option<Decimal> {
    const RATES: &[(i128, u32)] = &[
        (21, 0),
        (10, 0),
        (4, 0),
        (5, 0),
        (7, 0),
        (3, 0),
        (6, 0),
        (15, 0),
        (95, 1),
        (52, 1),
        (14, 1),
        (5, 1),
    ];
    RATES
        .iter()
        .map(|&(m, sc)| Decimal::new(m, sc))
        .find(|&r| !base.is_zero() && base.percent(r).approx_eq(tax, Decimal::new(1, 2)))
}

/// A rate as the truth writes it: `21`, `5.2`.
pub fn rate_string(d: Decimal) -> String {
    let s = d.to_string();
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use grace_invoice_rules::{DateOrder, Locale};

    fn run(text: &str) -> (Vec<TaxLineAt>, TableTotals) {
        let page = Page::from_text(text);
        let ctx = Ctx::new(&page, Locale::EsEs, DateOrder::DayFirst);
        tax_lines(&ctx)
    }

    #[test]
    fn labelled_rows_pair_bases_and_cuotas() {
        let (lines, _) = run("Base 21%     100,00 €\nIVA 21%       21,00 €\nBase 10%      50,00 €\nIVA 10%        5,00 €\nRetención IRPF 15%   -15,00 €");
        let got: Vec<(String, String, String, String)> = lines
            .iter()
            .map(|l| {
                (
                    l.kind.clone(),
                    rate_string(l.rate.unwrap()),
                    l.base
                        .as_ref()
                        .map(|a| a.value.to_string())
                        .unwrap_or_default(),
                    l.amount
                        .as_ref()
                        .map(|a| a.value.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            got[0],
            ("IVA".into(), "21".into(), "100.00".into(), "21.00".into())
        );
        assert_eq!(
            got[1],
            ("IVA".into(), "10".into(), "50.00".into(), "5.00".into())
        );
        assert_eq!(
            got[2],
            ("IRPF".into(), "15".into(), "".into(), "-15.00".into())
        );
    }

    #[test]
    fn ticket_table_by_columns() {
        let (lines, totals) = run(
            "IVA              Base      Cuota\n21%            100,00      21,00\n10%             50,00       5,00\nTotal          150,00      26,00",
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].base.as_ref().unwrap().value.to_string(), "50.00");
        assert_eq!(lines[1].amount.as_ref().unwrap().value.to_string(), "5.00");
        assert_eq!(totals.tax.unwrap().value.to_string(), "26.00");
    }

    #[test]
    fn rate_strings() {
        assert_eq!(rate_string(Decimal::new(21, 0)), "21");
        assert_eq!(rate_string(Decimal::new(52, 1)), "5.2");
    }
}
