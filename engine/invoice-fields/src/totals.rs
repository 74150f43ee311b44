//! Money fields: subtotal, tax total, withholding, total, amount due and
//! currency, chosen so the arithmetic of the document holds, with OCR's
//! alternative readings tried before a candidate is given up.

use std::collections::BTreeMap;

use grace_invoice_rules::{find_amounts, Decimal};

use crate::fields::{alternative_readings, amounts_in, labelled_amount, AmountAt, Ctx, Found};
use crate::labels::{norm_word, LabelKind};
use crate::layout::Span;
use crate::output::{Field, Source};
use crate::tax_lines::{TableTotals, TaxLineAt};

/// The money fields.
#[derive(Debug, Default)]
pub struct Totals {
    /// Σ bases.
    pub subtotal: Option<Field>,
    /// Σ taxes.
    pub tax_total: Option<Field>,
    /// Withheld amount.
    pub withholding: Option<Field>,
    /// Grand total.
    pub total: Option<Field>,
    /// Amount due.
    pub amount_due: Option<Field>,
    /// Currency.
    pub currency: Option<Field>,
}

/// One cent: the tolerance of invoice arithmetic.
pub fn cent() -> Decimal {
    Decimal::new(1, 2)
}

fn candidates(ctx: &Ctx, kind: LabelKind) -> Vec<Found<AmountAt>> {
    ctx.labels
        .iter()
        .filter(|h| h.kind == kind)
        // `Totale` heading a tax table's column is not the total.
        .filter(|h| !is_header_row(ctx, h.span.line))
        .filter_map(|h| labelled_amount(ctx, h))
        // `Total Qty 8091` is a count (or a lost decimal point), not money.
        .filter(|f| f.value.money_like)
        .collect()
}

/// A row of several labels and nothing else: a table's column headings.
fn is_header_row(ctx: &Ctx, line: usize) -> bool {
    let row = &ctx.page.rows[ctx.page.lines[line].row];
    let headings: usize = row
        .iter()
        .map(|&l| crate::labels::header_labels(ctx.page, l).len())
        .sum();
    headings >= 2
        && row
            .iter()
            .all(|&l| crate::labels::is_label_only(ctx.page, l))
}

fn amount_field(ctx: &Ctx, f: &Found<AmountAt>, value: Decimal) -> Field {
    f.field(ctx, value.round_dp(2).to_string())
}

fn computed(value: Decimal) -> Field {
    Field {
        value: value.round_dp(2).to_string(),
        raw: String::new(),
        confidence: 0.6,
        bbox: None,
        label: None,
        label_box: None,
        page: None,
        source: Source::Computed,
        reconstructed: true,
    }
}

fn from_at(ctx: &Ctx, a: &AmountAt, source: Source) -> Field {
    Found {
        value: (),
        raw: a.raw.clone(),
        span: a.span,
        label: None,
        source,
        reconstructed: false,
    }
    .field(ctx, a.value.round_dp(2).to_string())
}

/// The first alternative reading of `f` whose amount equals `target`.
fn repaired(ctx: &Ctx, f: &Found<AmountAt>, target: Decimal) -> Option<Found<AmountAt>> {
    let split = split_decimal(ctx, f);
    alternative_readings(ctx.page, f.span)
        .into_iter()
        .map(|text| (text, f.span))
        .chain(split)
        .find_map(|(text, span)| {
            let m = find_amounts(&text, ctx.locale)
                .into_iter()
                .rfind(|m| m.amount.value.abs().approx_eq(target.abs(), cent()))?;
            let mut g = f.clone();
            g.span = span;
            g.value.span = span;
            g.value.value = if target.is_negative() == m.amount.value.is_negative() {
                m.amount.value
            } else {
                -m.amount.value
            };
            g.raw = text[m.start..m.end].trim().to_string();
            g.reconstructed = true;
            Some(g)
        })
}

/// The amount read with the word before it when OCR split it after its
/// decimal comma (`18, 69€` read as `69€`): the joined text and its span.
fn split_decimal(ctx: &Ctx, f: &Found<AmountAt>) -> Option<(String, Span)> {
    let words = &ctx.page.lines[f.span.line].words;
    let prev = words.get(f.span.start.checked_sub(1)?)?;
    let whole = prev.text.strip_suffix([',', '.'])?;
    if whole.is_empty()
        || !whole
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    let text: String = words[f.span.start - 1..f.span.end]
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    let span = Span {
        start: f.span.start - 1,
        ..f.span
    };
    Some((text, span))
}

/// Chooses every money field.
pub fn totals(ctx: &Ctx, tax: &[TaxLineAt], table: &TableTotals) -> Totals {
    let mut out = Totals::default();
    let vat: Vec<&TaxLineAt> = tax.iter().filter(|t| t.kind != "IRPF").collect();

    // Tax total: labelled, else the table's total row, else the one tax
    // line, else the sum of the tax lines.
    // Σ of one column of the VAT lines, when every line has it.
    let vat_sum = |column: fn(&TaxLineAt) -> Option<&AmountAt>| -> Option<Decimal> {
        let values: Option<Vec<Decimal>> = vat.iter().map(|t| column(t).map(|a| a.value)).collect();
        values
            .filter(|v| !v.is_empty())
            .map(|v| v.into_iter().fold(Decimal::ZERO, |a, b| a + b))
    };
    let amounts = vat_sum(|t| t.amount.as_ref());
    let taxes = candidates(ctx, LabelKind::TaxTotal);
    let mut tax_total: Option<(Decimal, Field)> = amounts
        .and_then(|s| {
            taxes
                .iter()
                .rev()
                .find(|f| f.value.value.approx_eq(s, cent()))
        })
        .or(taxes.last())
        .map(|f| (f.value.value, amount_field(ctx, f, f.value.value)))
        .or_else(|| {
            table
                .tax
                .as_ref()
                .map(|a| (a.value, from_at(ctx, a, Source::Layout)))
        })
        .or_else(|| match (vat.as_slice(), amounts) {
            ([one], _) => one.amount.as_ref().map(|a| {
                let mut f = from_at(ctx, a, Source::Label);
                if let Some(h) = one.label {
                    f.label = Some(crate::fields::label_text(ctx.page, h.span));
                    f.label_box = ctx.page.span_quad(h.span);
                }
                (a.value, f)
            }),
            (_, Some(s)) => Some((s, computed(s))),
            _ => None,
        });

    // Subtotal: a labelled one the arithmetic supports (with the tax total
    // and a printed total: a tax table's `Base imponible` column sits
    // beside the totals block's `Subtotal`), preferring one that matches
    // the tax lines' bases; else one matching the bases; else the last
    // labelled one (the totals block comes last); else the table.
    let bases = vat_sum(|t| t.base.as_ref());
    let subs = candidates(ctx, LabelKind::Subtotal);
    let wh = candidates(ctx, LabelKind::Withholding).into_iter().next();
    let totals_c = candidates(ctx, LabelKind::Total);
    let due_c = candidates(ctx, LabelKind::AmountDue);
    // A value printed as the total or the amount due.
    let printed_total = |v: Decimal| {
        totals_c
            .iter()
            .chain(&due_c)
            .any(|t| t.value.value.approx_eq(v, cent()))
    };
    let balances = |s: Decimal| {
        let Some((tax, _)) = tax_total.as_ref() else {
            return false;
        };
        let w = wh.as_ref().map_or(Decimal::ZERO, |f| f.value.value.abs());
        printed_total(s + *tax - w) || printed_total(s + *tax + w)
    };
    let matches_bases =
        |f: &&Found<AmountAt>| bases.is_some_and(|b| f.value.value.approx_eq(b, cent()));
    let sub = subs
        .iter()
        .rev()
        .find(|f| matches_bases(f) && balances(f.value.value))
        .or_else(|| subs.iter().rev().find(|f| balances(f.value.value)))
        .or_else(|| subs.iter().rev().find(matches_bases))
        .or(subs.last());
    let mut subtotal: Option<(Decimal, Field)> = sub
        .map(|f| (f.value.value, amount_field(ctx, f, f.value.value)))
        .or_else(|| {
            table
                .base
                .as_ref()
                .map(|a| (a.value, from_at(ctx, a, Source::Layout)))
        })
        .or_else(|| match (vat.as_slice(), bases) {
            ([one], _) => one
                .base
                .as_ref()
                .map(|a| (a.value, from_at(ctx, a, Source::Layout))),
            (_, Some(b)) => Some((b, computed(b))),
            _ => None,
        });

    // No subtotal, but a `Total` with the tax and an amount due under it
    // that equals the two together: that `Total` was the net (`Net Total`
    // on British invoices). The block's arithmetic decides, not the word.
    if subtotal.is_none() {
        if let Some((tax, _)) = tax_total.as_ref() {
            let net = totals_c.iter().find(|t| {
                due_c.iter().any(|d| {
                    bottom(ctx, d) > bottom(ctx, t)
                        && (t.value.value + *tax).approx_eq(d.value.value, cent())
                })
            });
            subtotal = net.map(|t| (t.value.value, amount_field(ctx, t, t.value.value)));
        }
    }

    // Withholding: printed as a deduction (`-150,00`) or plainly; the sign
    // the arithmetic needs decides, else it is reported positive.
    let expected = |wh_value: Decimal| -> Option<Decimal> {
        Some(subtotal.as_ref()?.0 + tax_total.as_ref()?.0 - wh_value)
    };
    let wh_value = wh.as_ref().map(|f| {
        let v = f.value.value.abs();
        let fits = |w: Decimal| expected(w).is_some_and(printed_total);
        if fits(v) {
            v
        } else if fits(-v) {
            -v
        } else {
            v
        }
    });
    let want = expected(wh_value.unwrap_or(Decimal::ZERO));

    // Total: the candidate the arithmetic supports, else one an OCR
    // alternative makes agree, else the largest on a total row, lowest on
    // the page, preferring rows after a rounding line.
    let agree = |f: &Found<AmountAt>| want.is_some_and(|w| f.value.value.approx_eq(w, cent()));
    let total = totals_c
        .iter()
        .filter(|f| agree(f))
        .max_by(|a, b| bottom(ctx, a).total_cmp(&bottom(ctx, b)))
        .cloned()
        .or_else(|| want.and_then(|w| totals_c.iter().find_map(|f| repaired(ctx, f, w))))
        // The amount due closes the block where no `Total` does.
        .or_else(|| {
            want.and_then(|w| {
                due_c
                    .iter()
                    .filter(|d| d.value.value.approx_eq(w, cent()))
                    .max_by(|a, b| bottom(ctx, a).total_cmp(&bottom(ctx, b)))
                    .cloned()
            })
        })
        .or_else(|| pick_total(ctx, &totals_c));
    // A rounding line after the total: the amount to pay is the total plus
    // the adjustment, printed below it (often with its label lost).
    let rounding = ctx
        .labels
        .iter()
        .filter(|h| h.kind == LabelKind::Rounding)
        .find_map(|h| labelled_amount(ctx, h));
    let total = match (total, &rounding) {
        (Some(t), Some(r))
            if !agree(&t) && bottom(ctx, &t) < bottom(ctx, r) && !r.value.value.is_zero() =>
        {
            amount_on_page(ctx, t.value.value + r.value.value, bottom(ctx, r)).or(Some(t))
        }
        // No total label read: the amount the arithmetic expects, where it
        // is printed below the subtotal.
        (None, _) => want.and_then(|w| {
            let from = sub.map_or(0.0, |f| bottom(ctx, f));
            amount_on_page(ctx, w, from)
        }),
        (t, _) => t,
    };
    // No total, no amount due and no arithmetic to expect one: the lowest
    // amount that two amounts printed above it add up to (a net and a tax
    // of at most 27 %) closes the totals block, whatever its labels say.
    let total = match total {
        None if due_c.is_empty() => unlabelled_block(ctx).map(|(t, s, x)| {
            subtotal = subtotal
                .take()
                .or_else(|| Some((s.value.value, amount_field(ctx, &s, s.value.value))));
            tax_total = tax_total
                .take()
                .or_else(|| Some((x.value.value, amount_field(ctx, &x, x.value.value))));
            t
        }),
        t => t,
    };
    let mut total_field = total.as_ref().map(|f| amount_field(ctx, f, f.value.value));
    let total_value = total.as_ref().map(|f| f.value.value);

    // When the total stands and the subtotal or tax disagree, an OCR
    // alternative of theirs may be the right reading.
    let mut withholding = wh
        .as_ref()
        .zip(wh_value)
        .map(|(f, v)| amount_field(ctx, f, v));
    if let (Some(t), Some(w)) = (total_value, want) {
        if !t.approx_eq(w, cent()) {
            let wv = wh_value.unwrap_or(Decimal::ZERO);
            if let (Some(f), Some((tv, _))) = (sub, tax_total.as_ref()) {
                // subtotal = total + withholding - tax
                if let Some(g) = repaired(ctx, f, t + wv - *tv) {
                    subtotal = Some((g.value.value, amount_field(ctx, &g, g.value.value)));
                }
            }
            if let (Some(f), Some((sv, _)), Some((tv, _))) =
                (wh.as_ref(), subtotal.as_ref(), tax_total.as_ref())
            {
                // withholding = subtotal + tax - total: an OCR alternative
                // of the printed amount, else the printed IRPF rate of the
                // base when it gives exactly that (`39,2` read for `39,27`).
                let target = *sv + *tv - t;
                if !target.approx_eq(wv, cent()) {
                    let at_rate = || {
                        withheld_at_rate(tax, *sv, target).then(|| Found {
                            reconstructed: true,
                            ..f.clone()
                        })
                    };
                    if let Some(g) = repaired(ctx, f, target).or_else(at_rate) {
                        withholding = Some(amount_field(ctx, &g, target));
                    }
                }
            }
        }
    }

    // The gross the structure below balances against: the total, else the
    // amount due (`Balance Due` alone ends many English invoices).
    let due = due_c
        .iter()
        .max_by(|a, b| bottom(ctx, a).total_cmp(&bottom(ctx, b)));
    let gross = total.as_ref().or(due);
    let total_value = gross.map(|f| f.value.value);

    // Structure before vocabulary: when the labelled subtotal and tax do
    // not add up to the total, the pair of amounts printed above the total
    // that does (the lowest such pair: the totals block) replaces them.
    if let (Some(t), Some(tf)) = (total_value, gross) {
        let w = wh_value.unwrap_or(Decimal::ZERO);
        let balanced = match (&subtotal, &tax_total) {
            (Some((s, _)), Some((x, _))) => (*s + *x - w).approx_eq(t, cent()),
            _ => false,
        };
        if !balanced {
            if let Some((s, x)) = closing_pair(ctx, t + w, bottom(ctx, tf)) {
                subtotal = Some((s.value.value, amount_field(ctx, &s, s.value.value)));
                tax_total = Some((x.value.value, amount_field(ctx, &x, x.value.value)));
            }
        }
    }

    // Structure before vocabulary: a subtotal or tax total whose label was
    // not read is the amount the totals block's arithmetic asks for, where
    // the page prints it above the total (total = subtotal + tax − withheld).
    if let (Some(t), Some(tf)) = (total_value, gross) {
        let w = wh_value.unwrap_or(Decimal::ZERO);
        let total_y = bottom(ctx, tf);
        match (&subtotal, &tax_total) {
            (None, Some((tv, _))) => {
                subtotal = amount_above(ctx, t - *tv + w, total_y)
                    .map(|f| (f.value.value, amount_field(ctx, &f, f.value.value)));
            }
            (Some((sv, _)), None) if t - *sv + w > Decimal::ZERO => {
                tax_total = amount_above(ctx, t - *sv + w, total_y)
                    .map(|f| (f.value.value, amount_field(ctx, &f, f.value.value)));
            }
            _ => {}
        }
    }

    out.amount_due = due.map(|f| amount_field(ctx, f, f.value.value));
    if total_field.is_none() {
        // Cash handed over with no change given is the total paid.
        let cash = candidates(ctx, LabelKind::Cash).into_iter().next();
        let change = candidates(ctx, LabelKind::Change).into_iter().next();
        let exact_cash = cash.filter(|_| change.as_ref().is_none_or(|c| c.value.value.is_zero()));
        total_field = match (due, want, exact_cash) {
            (Some(f), _, _) => Some(amount_field(ctx, f, f.value.value)),
            (None, Some(w), _) => Some(computed(w)),
            (None, None, Some(c)) => Some(amount_field(ctx, &c, c.value.value)),
            _ => None,
        };
    }
    out.total = total_field;
    out.subtotal = subtotal.map(|(_, f)| f);
    out.tax_total = tax_total.map(|(_, f)| f);
    out.withholding = withholding;
    out.currency = currency(ctx, total.as_ref());
    out
}

/// Whether an IRPF line's rate of its base (else of `subtotal`) withholds
/// exactly `target`.
fn withheld_at_rate(tax: &[TaxLineAt], subtotal: Decimal, target: Decimal) -> bool {
    tax.iter().filter(|t| t.kind == "IRPF").any(|t| {
        let base = t.base.as_ref().map_or(subtotal, |b| b.value);
        t.rate
            .is_some_and(|r| base.abs().percent(r).approx_eq(target.abs(), cent()))
    })
}

/// An amount found by where it stands, not by a label.
fn by_position(a: AmountAt) -> Found<AmountAt> {
    Found {
        raw: a.raw.clone(),
        span: a.span,
        value: a,
        label: None,
        source: Source::Layout,
        reconstructed: false,
    }
}

/// The first money amount equal to `target` on a line below `below_y`.
fn amount_on_page(ctx: &Ctx, target: Decimal, below_y: f32) -> Option<Found<AmountAt>> {
    let page = ctx.page;
    page.rows.iter().flatten().find_map(|&line| {
        if page.lines[line].rect.cy() <= below_y {
            return None;
        }
        amounts_in(page, page.line_span(line), ctx.locale)
            .into_iter()
            .find(|a| a.money_like && a.value.approx_eq(target, Decimal::ZERO))
            .map(by_position)
    })
}

/// Two amounts printed on the page that add up to `sum` (net + tax =
/// gross), read as the subtotal and the tax: the tax at most 27 % of the
/// net (no VAT rate is higher), the pair nearest the total (`total_y`) on
/// the page. A tax summary may print it under the total, as tills do.
fn closing_pair(
    ctx: &Ctx,
    sum: Decimal,
    total_y: f32,
) -> Option<(Found<AmountAt>, Found<AmountAt>)> {
    let page = ctx.page;
    let y = |a: &AmountAt| page.lines[a.span.line].rect.cy();
    let mut printed = money_on_page(ctx);
    printed.sort_by(|a, b| (y(a) - total_y).abs().total_cmp(&(y(b) - total_y).abs()));
    let highest_rate: Decimal = "0.27".parse().unwrap_or(Decimal::ZERO);
    let row = |a: &AmountAt| page.lines[a.span.line].row;
    // Rows that print the gross again: a tax table's sum row `net tax gross`.
    let gross_rows: Vec<usize> = printed
        .iter()
        .filter(|a| a.value.approx_eq(sum, Decimal::ZERO))
        .map(row)
        .collect();
    let mut pairs: Vec<(u8, usize, &AmountAt, &AmountAt)> = Vec::new();
    for (rank, net) in printed.iter().enumerate() {
        let tax = sum - net.value;
        if tax <= Decimal::ZERO || tax > net.value * highest_rate + cent() {
            continue;
        }
        if let Some(x) = printed
            .iter()
            .find(|x| x.span != net.span && x.value.approx_eq(tax, Decimal::ZERO))
        {
            // Net and tax on one row with the gross beat one row alone,
            // which beats amounts that merely add up.
            let tier = match (row(net) == row(x), gross_rows.contains(&row(net))) {
                (true, true) => 0,
                (true, false) => 1,
                _ => 2,
            };
            pairs.push((tier, rank, net, x));
        }
    }
    pairs
        .into_iter()
        .min_by_key(|&(tier, rank, _, _)| (tier, rank))
        .map(|(_, _, net, x)| (by_position(net.clone()), by_position(x.clone())))
}

/// Every positive money amount printed on the page, in reading order.
fn money_on_page(ctx: &Ctx) -> Vec<AmountAt> {
    let page = ctx.page;
    page.rows
        .iter()
        .flatten()
        .flat_map(|&line| amounts_in(page, page.line_span(line), ctx.locale))
        .filter(|a| a.money_like && a.value > Decimal::ZERO)
        .collect()
}

/// The totals block read from its arithmetic alone: the lowest amount on
/// the page with a net and a tax above it that add up to it; (total, net,
/// tax).
fn unlabelled_block(ctx: &Ctx) -> Option<(Found<AmountAt>, Found<AmountAt>, Found<AmountAt>)> {
    let page = ctx.page;
    let y = |a: &AmountAt| page.lines[a.span.line].rect.cy();
    let mut printed = money_on_page(ctx);
    printed.sort_by(|a, b| y(b).total_cmp(&y(a)));
    printed.iter().find_map(|t| {
        let (net, tax) = closing_pair(ctx, t.value, y(t))?;
        let above = |f: &Found<AmountAt>| y(&f.value) < y(t) - page.line_height * 0.3;
        (above(&net) && above(&tax)).then(|| (by_position(t.clone()), net, tax))
    })
}

/// The lowest amount equal to `target` printed above `above_y` (the one
/// nearest the total, in the totals block).
fn amount_above(ctx: &Ctx, target: Decimal, above_y: f32) -> Option<Found<AmountAt>> {
    let page = ctx.page;
    page.rows.iter().flatten().rev().find_map(|&line| {
        if page.lines[line].rect.cy() >= above_y {
            return None;
        }
        amounts_in(page, page.line_span(line), ctx.locale)
            .into_iter()
            .rfind(|a| a.money_like && a.value.approx_eq(target, Decimal::ZERO))
            .map(by_position)
    })
}

/// How low on the page a candidate is.
fn bottom(ctx: &Ctx, f: &Found<AmountAt>) -> f32 {
    ctx.page.lines[f.span.line].rect.cy()
}

/// Without arithmetic: rows after a rounding line first (the rounded total
/// is the one to pay), then the largest amount, then the lowest row.
fn pick_total(ctx: &Ctx, cands: &[Found<AmountAt>]) -> Option<Found<AmountAt>> {
    let rounding_y = ctx
        .labels
        .iter()
        .filter(|h| h.kind == LabelKind::Rounding)
        .map(|h| ctx.page.lines[h.span.line].rect.cy())
        .fold(None, |m: Option<f32>, y| Some(m.map_or(y, |m| m.max(y))));
    let after: Vec<&Found<AmountAt>> = match rounding_y {
        Some(y) => cands.iter().filter(|f| bottom(ctx, f) > y).collect(),
        None => Vec::new(),
    };
    let pool: Vec<&Found<AmountAt>> = if after.is_empty() {
        cands.iter().collect()
    } else {
        after
    };
    pool.into_iter()
        .filter(|f| f.value.money_like)
        .max_by(|a, b| {
            a.value
                .value
                .abs()
                .cmp(&b.value.value.abs())
                .then(bottom(ctx, a).total_cmp(&bottom(ctx, b)))
        })
        .cloned()
}

/// The currency written with the amounts: the most frequent code, the
/// total's own code first when it has one.
fn currency(ctx: &Ctx, total: Option<&Found<AmountAt>>) -> Option<Field> {
    let page = ctx.page;
    let mut counts: BTreeMap<String, (usize, AmountAt)> = BTreeMap::new();
    for &line in page.rows.iter().flatten() {
        for a in amounts_in(page, page.line_span(line), ctx.locale) {
            if let Some(c) = a.currency.clone() {
                counts.entry(c).or_insert((0, a)).0 += 1;
            }
        }
        // A lone code or symbol in a column heading or beside the total.
        for (i, w) in page.lines[line].words.iter().enumerate() {
            let t = w.text.trim_matches(['(', ')', ':']);
            let code = match norm_word(t).as_str() {
                "eur" | "euros" => Some("EUR"),
                _ if t == "€" => Some("EUR"),
                "rm" | "myr" => Some("MYR"),
                "usd" => Some("USD"),
                _ => None,
            };
            if let Some(code) = code {
                let span = Span {
                    line,
                    start: i,
                    end: i + 1,
                };
                let at = AmountAt {
                    value: Decimal::ZERO,
                    currency: Some(code.to_string()),
                    money_like: true,
                    raw: w.text.clone(),
                    span,
                };
                counts.entry(code.to_string()).or_insert((0, at)).0 += 1;
            }
        }
    }
    let from_total = total.and_then(|t| t.value.currency.clone().map(|c| (c, t.value.clone())));
    let (code, at) = from_total.or_else(|| {
        counts
            .iter()
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(a.0)))
            .map(|(c, (_, at))| (c.clone(), at.clone()))
    })?;
    let mut f = from_at(ctx, &at, Source::Pattern);
    f.value = code;
    f.raw = at.raw;
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Page;
    use crate::tax_lines::tax_lines;
    use grace_invoice_rules::{DateOrder, Locale};

    fn run(text: &str) -> Totals {
        let page = Page::from_text(text);
        let ctx = Ctx::new(&page, Locale::EsEs, DateOrder::DayFirst);
        let (t, table) = tax_lines(&ctx);
        totals(&ctx, &t, &table)
    }

    fn v(f: &Option<Field>) -> &str {
        f.as_ref().map(|f| f.value.as_str()).unwrap_or("-")
    }

    #[test]
    fn invoice_with_irpf_balances() {
        let t = run("Base imponible   1.000,00 €\nIVA 21%            210,00 €\nRetención IRPF 15%  -150,00 €\nTOTAL            1.060,00 €\nTotal a pagar    1.060,00 €");
        assert_eq!(v(&t.subtotal), "1000.00");
        assert_eq!(v(&t.tax_total), "210.00");
        assert_eq!(v(&t.withholding), "150.00");
        assert_eq!(v(&t.total), "1060.00");
        assert_eq!(v(&t.amount_due), "1060.00");
        assert_eq!(v(&t.currency), "EUR");
    }

    #[test]
    fn a_withholding_read_short_is_rebuilt_from_its_rate() {
        // `39,27` read as `39,2`: the IRPF rate of the base gives what the
        // total needs; a rate that does not agree leaves the reading alone.
        let t = run(
            "Base imponible -561,05 €\nIVA 21% -117,82 €\nRetención IRPF 7%\n39,2\nTOTAL -639,60 €",
        );
        assert_eq!(v(&t.withholding), "-39.27");
        let w = t.withholding.unwrap();
        assert!(w.reconstructed);
        assert_eq!(w.raw, "39,2");
        let t = run("Base imponible -561,05 €\nIVA 21% -117,82 €\nRetención IRPF 15%\n39,2\nTOTAL -639,60 €");
        assert_eq!(v(&t.withholding), "39.20");
    }

    #[test]
    fn largest_total_after_rounding() {
        let t = run("TOTAL 9.02\nROUNDING -0.02\nTOTAL ROUNDED 9.00\nCASH 10.00\nCHANGE 1.00");
        assert_eq!(v(&t.total), "9.00");
    }

    #[test]
    fn the_subtotal_the_arithmetic_supports_wins() {
        // `Base imponible` heads a one-rate tax table; the totals block's
        // `Subtotal` is the sum the total needs.
        let t = run("Base imponible\n119,57\nSubtotal 153,16 €\nTotal IVA 26,45 €\nTOTAL 179,61 €");
        assert_eq!(v(&t.subtotal), "153.16");
        assert_eq!(v(&t.total), "179.61");
    }

    #[test]
    fn a_total_split_after_its_decimal_comma_is_joined() {
        let t = run("Base imponible 15,44 €\nIVA 21% 3,25 €\nTOTAL 18, 69€");
        assert_eq!(v(&t.total), "18.69");
        assert!(t.total.unwrap().reconstructed);
    }

    #[test]
    fn table_total_row_is_not_the_total() {
        let t = run("TOTAL  18,15 €\nIVA       Base     Cuota\n21%      15,00      3,15\nTotal    15,00      3,15");
        assert_eq!(v(&t.total), "18.15");
        assert_eq!(v(&t.subtotal), "15.00");
        assert_eq!(v(&t.tax_total), "3.15");
    }
}
