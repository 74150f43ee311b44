//! The named fields that are not money: number, dates, tax ids, parties,
//! IBAN, payment method, currency; plus the helpers that read a typed value
//! out of a span.

use grace_invoice_rules::{
    detect_tax_id, find_amounts, find_dates, respace_month_name, validate_ein, validate_iban,
    vat_id_shape, Date, DateOrder, Decimal, Locale,
};

use crate::key_values::value_spans;
use crate::labels::{norm_word, LabelHit, LabelKind};
use crate::layout::{Page, Span};
use crate::output::{Field, Source};

/// What the extractor knows while it works.
pub struct Ctx<'a> {
    /// The page.
    pub page: &'a Page,
    /// Locale used for amounts.
    pub locale: Locale,
    /// How numeric dates are read.
    pub order: DateOrder,
    /// Every label, in reading order.
    pub labels: Vec<LabelHit>,
    /// The packs whose market-specific OCR repairs apply (`es`,
    /// `malaysia`), chosen from the document's language and country.
    pub repair_packs: Vec<&'static str>,
}

impl<'a> Ctx<'a> {
    /// The context of a page: its labels found once, up front; no market
    /// repairs until [`Ctx::with_repairs`] names them.
    pub fn new(page: &'a Page, locale: Locale, order: DateOrder) -> Ctx<'a> {
        Ctx {
            page,
            locale,
            order,
            labels: crate::key_values::all_labels(page),
            repair_packs: Vec::new(),
        }
    }

    /// The same context with these packs' repairs.
    pub fn with_repairs(mut self, packs: &[&'static str]) -> Ctx<'a> {
        self.repair_packs = packs.to_vec();
        self
    }

    /// Whether the pack `id`'s repairs apply to this document.
    pub fn repairs(&self, id: &str) -> bool {
        self.repair_packs.contains(&id)
    }
}

/// A value read from the page with where it was.
#[derive(Debug, Clone)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// The exact text it was read from.
    pub raw: String,
    /// Its words.
    pub span: Span,
    /// The label it was read next to.
    pub label: Option<LabelHit>,
    /// How it was found.
    pub source: Source,
    /// True when an OCR alternative was used.
    pub reconstructed: bool,
}

impl<T> Found<T> {
    /// The output field with `value` as its normalized value.
    pub fn field(&self, ctx: &Ctx, value: String) -> Field {
        let page = ctx.page;
        let label_conf = if self.label.is_some() { 1.0 } else { 0.85 };
        Field {
            value,
            raw: self.raw.clone(),
            confidence: round3(page.span_confidence(self.span) * label_conf),
            bbox: page.span_quad(self.span),
            label: self.label.map(|h| label_text(page, h.span)),
            label_box: self.label.and_then(|h| page.span_quad(h.span)),
            page: None,
            source: self.source,
            reconstructed: self.reconstructed,
        }
    }
}

/// The label as printed, without its colon.
pub fn label_text(page: &Page, span: Span) -> String {
    page.span_text(span)
        .trim_end_matches([':', '.'])
        .trim()
        .to_string()
}

/// Rounds a confidence to three decimals so output bytes stay stable.
pub fn round3(v: f32) -> f32 {
    (v.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

/// Byte range of a span inside its line's text.
pub fn span_bytes(page: &Page, s: Span) -> (usize, usize) {
    let l = &page.lines[s.line];
    let start = l.offsets[s.start];
    let end = l.offsets[s.end - 1] + l.words[s.end - 1].text.len();
    (start, end)
}

/// An amount read in a span.
#[derive(Debug, Clone)]
pub struct AmountAt {
    /// The value.
    pub value: Decimal,
    /// ISO currency written with it.
    pub currency: Option<String>,
    /// True when it has decimals or a currency (not a bare integer).
    pub money_like: bool,
    /// The exact text.
    pub raw: String,
    /// The words it covers.
    pub span: Span,
}

/// Amounts inside a span, left to right.
pub fn amounts_in(page: &Page, s: Span, locale: Locale) -> Vec<AmountAt> {
    let (a, b) = span_bytes(page, s);
    let text = &page.lines[s.line].text;
    find_amounts(text, locale)
        .into_iter()
        .filter(|m| m.start >= a && m.end <= b)
        .map(|m| {
            let raw = text[m.start..m.end].trim().to_string();
            AmountAt {
                money_like: m.amount.value.scale() > 0 || m.amount.currency.is_some(),
                value: m.amount.value,
                currency: m.amount.currency.clone(),
                raw,
                span: page.span_of_bytes(s.line, m.start, m.end),
            }
        })
        .collect()
}

/// The amount a label announces: the last money-like amount of the first
/// candidate span that has one (bare integers only when nothing else is there).
pub fn labelled_amount(ctx: &Ctx, hit: &LabelHit) -> Option<Found<AmountAt>> {
    for s in value_spans(ctx.page, hit) {
        let found = amounts_in(ctx.page, s, ctx.locale);
        let pick = found.iter().rev().find(|a| a.money_like).or_else(|| {
            found
                .last()
                .filter(|a| a.value.scale() == 0 && a.raw.len() <= 6)
        });
        if let Some(a) = pick {
            return Some(Found {
                raw: a.raw.clone(),
                span: a.span,
                value: a.clone(),
                label: Some(*hit),
                source: Source::Label,
                reconstructed: false,
            });
        }
    }
    None
}

/// Readings of a span with one OCR alternative applied (first word first).
pub fn alternative_readings(page: &Page, s: Span) -> Vec<String> {
    let words = &page.lines[s.line].words;
    let mut out = Vec::new();
    for i in s.start..s.end {
        for (idx, alt) in &words[i].alternatives {
            let mut chars: Vec<String> = words[i].text.chars().map(String::from).collect();
            if *idx >= chars.len() {
                continue;
            }
            chars[*idx] = alt.clone();
            let mut parts: Vec<String> = words[s.start..s.end]
                .iter()
                .map(|w| w.text.clone())
                .collect();
            parts[i - s.start] = chars.concat();
            out.push(parts.join(" "));
        }
    }
    out
}

/// A date read in a span.
fn dates_in(page: &Page, s: Span, order: DateOrder) -> Vec<(Date, String, Span)> {
    let (a, b) = span_bytes(page, s);
    let text = &page.lines[s.line].text;
    find_dates(text, order)
        .into_iter()
        .filter(|m| m.start >= a && m.end <= b)
        // `07.04.2014:38` is `07.04.20` glued to `14:38`: the "year" runs into a time.
        .filter(|m| !text[m.end..].starts_with(':'))
        .map(|m| {
            (
                m.date,
                respace_month_name(&text[m.start..m.end]),
                page.span_of_bytes(s.line, m.start, m.end),
            )
        })
        .collect()
}

/// The date a label announces.
fn labelled_date(ctx: &Ctx, hit: &LabelHit) -> Option<Found<Date>> {
    value_spans(ctx.page, hit).into_iter().find_map(|s| {
        let (date, raw, span) = dates_in(ctx.page, s, ctx.order).into_iter().next()?;
        Some(Found {
            value: date,
            raw,
            span,
            label: Some(*hit),
            source: Source::Label,
            reconstructed: false,
        })
    })
}

/// Issue and due dates.
pub fn dates(ctx: &Ctx) -> (Option<Field>, Option<Field>) {
    let by_kind = |kind: LabelKind| {
        ctx.labels
            .iter()
            .filter(|h| h.kind == kind)
            .find_map(|h| labelled_date(ctx, h))
    };
    let due = by_kind(LabelKind::DueDate);
    let other: Vec<Span> = ctx
        .labels
        .iter()
        .filter(|h| matches!(h.kind, LabelKind::DueDate | LabelKind::RectifiedDate))
        .flat_map(|h| value_spans(ctx.page, h))
        .collect();
    let issue = by_kind(LabelKind::IssueDate).or_else(|| {
        // No label: the first date on the page that no other label claims.
        ctx.page.rows.iter().flatten().find_map(|&line| {
            let s = ctx.page.line_span(line);
            dates_in(ctx.page, s, ctx.order)
                .into_iter()
                .find(|(_, _, span)| !other.iter().any(|o| o.line == span.line))
                .map(|(date, raw, span)| Found {
                    value: date,
                    raw,
                    span,
                    label: None,
                    source: Source::Pattern,
                    reconstructed: false,
                })
        })
    });
    let due = due.or_else(|| unnamed_due_date(ctx, issue.as_ref()?.value));
    // A due date before the issue date is a misread: an OCR alternative of
    // it that falls on or after the issue date is the right reading.
    let due = match (&issue, due) {
        (Some(i), Some(d)) if d.value < i.value => {
            Some(later_reading(ctx, &d, i.value).unwrap_or(d))
        }
        (_, d) => d,
    };
    (
        issue.map(|f| f.field(ctx, f.value.iso())),
        due.map(|f| {
            let mut field = f.field(ctx, f.value.iso());
            if f.source == Source::Layout {
                // Position alone names it: well short of what a label earns.
                field.confidence = round3(field.confidence * 0.7);
            }
            field
        }),
    )
}

/// A due date whose label the lexicon does not know: the first date after
/// the issue date, within about half a year of it, alone on its line (a
/// second date makes a period) and on no line another date label names
/// (delivery, the original invoice's). Found by position, so it stays
/// below the confidence a label earns.
fn unnamed_due_date(ctx: &Ctx, issue: Date) -> Option<Found<Date>> {
    // A coarse day count is enough for a window of months.
    let day = |d: Date| i32::from(d.year) * 372 + i32::from(d.month) * 31 + i32::from(d.day);
    let named = |line: usize| {
        ctx.labels.iter().any(|h| {
            h.span.line == line
                && matches!(
                    h.kind,
                    LabelKind::IssueDate | LabelKind::DeliveryDate | LabelKind::RectifiedDate
                )
        })
    };
    ctx.page.rows.iter().flatten().find_map(|&line| {
        if named(line) {
            return None;
        }
        let found = dates_in(ctx.page, ctx.page.line_span(line), ctx.order);
        let [(date, raw, span)] = found.as_slice() else {
            return None;
        };
        let ahead = day(*date) - day(issue);
        (1..=186).contains(&ahead).then(|| Found {
            value: *date,
            raw: raw.clone(),
            span: *span,
            label: None,
            source: Source::Layout,
            reconstructed: false,
        })
    })
}

/// The first alternative reading of `f` that is a date on or after `from`.
fn later_reading(ctx: &Ctx, f: &Found<Date>, from: Date) -> Option<Found<Date>> {
    alternative_readings(ctx.page, f.span)
        .into_iter()
        .find_map(|text| {
            let m = find_dates(&text, ctx.order)
                .into_iter()
                .find(|m| m.date >= from)?;
            Some(Found {
                value: m.date,
                raw: text[m.start..m.end].to_string(),
                reconstructed: true,
                ..f.clone()
            })
        })
}

/// The document number: the first token with a digit after a number label,
/// or a number glued to its `Nº` (`N°F2022-1866`, OCR drops that space).
/// The most specific reading wins: a label of two or more words
/// (`Nº factura:`), then a number alone on its line behind a glued `Nº`
/// (`N°FAC-23-00414`, or `NFR22-0056` with the `º` lost), then a bare `Nº`
/// label (which also opens addresses: `nº 41, bajo`), then a number on
/// the title's line, then a glued `Nº` anywhere.
pub fn invoice_number(ctx: &Ctx) -> Option<Field> {
    labelled_number(ctx, |words| words >= 2)
        .or_else(|| glued_number(ctx, true))
        .or_else(|| labelled_number(ctx, |words| words < 2))
        .or_else(|| titled_number(ctx))
        .or_else(|| glued_number(ctx, false))
        .or_else(|| unnamed_number(ctx))
}

/// A document series printed before its number: two to four capitals.
fn is_series_code(word: &str) -> bool {
    (2..=4).contains(&word.chars().count()) && word.chars().all(|c| c.is_ascii_uppercase())
}

/// `N` glued to a number. `alone`: the word is its line's only word, and
/// then the `º` may be lost altogether (`N2024/2849`).
fn glued_number(ctx: &Ctx, alone: bool) -> Option<Field> {
    let page = ctx.page;
    page.rows.iter().flatten().find_map(|&line| {
        let words = &page.lines[line].words;
        if alone && words.len() != 1 {
            return None;
        }
        words.iter().enumerate().find_map(|(i, w)| {
            // `N` and one sign that is not a letter or digit: `Nº`, `N°`, `N{`.
            let mut chars = w.text.chars();
            if chars.next() != Some('N') {
                return None;
            }
            let after_n = chars.as_str();
            let sign = chars.next()?;
            let rest = if !sign.is_alphanumeric() || sign == 'º' {
                chars.as_str()
            } else if alone && (sign.is_ascii_digit() || sign.is_uppercase()) {
                after_n
            } else {
                return None;
            };
            let rest = rest.trim_start_matches([':', '.']);
            let ok = rest.chars().any(|c| c.is_ascii_digit())
                && rest
                    .chars()
                    .all(|c| c.is_alphanumeric() || "/-_.".contains(c))
                && !is_date_like(rest);
            ok.then(|| {
                let span = Span {
                    line,
                    start: i,
                    end: i + 1,
                };
                Found {
                    value: (),
                    raw: rest.to_string(),
                    span,
                    label: None,
                    source: Source::Pattern,
                    reconstructed: false,
                }
                .field(ctx, rest.to_uppercase())
            })
        })
    })
}

/// The value of the first number label whose length in lexicon words
/// `words` accepts.
fn labelled_number(ctx: &Ctx, words: impl Fn(usize) -> bool) -> Option<Field> {
    ctx.labels
        .iter()
        .filter(|h| h.kind == LabelKind::InvoiceNumber && words(h.words))
        .find_map(|h| {
            value_spans(ctx.page, h)
                .into_iter()
                .find_map(|s| number_in(ctx, s, 2, h))
        })
}

/// A document number whose label the lexicon does not know, by shape and
/// place: in the upper part of the first page, an id-shaped word (a digit
/// and a letter or a `-`/`/`, or four digits or more; no date, amount,
/// tax id or phone) that is the value of a short label of words, beside
/// it (`Belegnummer: RE-2024-12`) or above it in a header grid. A street
/// number, a postcode or a count is never id-shaped enough. Found by
/// position, so its confidence stays low.
fn unnamed_number(ctx: &Ctx) -> Option<Field> {
    let page = ctx.page;
    if !page.has_boxes {
        return None;
    }
    let first = page.bands.get(1).map_or(page.bottom, |b| b.top);
    let ids = tax_ids(page);
    let known_other = |line: usize| {
        ctx.labels.iter().any(|h| {
            h.span.line == line
                && !matches!(h.kind, LabelKind::InvoiceNumber | LabelKind::DocumentTitle)
        })
    };
    // A short label of words: one to four words with letters and no digit.
    let is_label_text = |words: &[crate::layout::Word]| {
        (1..=4).contains(&words.len())
            && words.iter().all(|w| {
                w.text.chars().any(char::is_alphabetic)
                    && !w.text.chars().any(|c| c.is_ascii_digit())
            })
    };
    let above = |line: usize| {
        let r = page.lines[line].rect;
        page.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.rect.y1 <= r.y0 + page.line_height * 0.3
                    && l.rect.y1 >= r.y0 - page.line_height * 1.6
                    && l.rect.x_overlap(&r) > 0.0
            })
            .max_by(|a, b| a.1.rect.y1.total_cmp(&b.1.rect.y1))
            .map(|(i, _)| i)
    };
    page.rows.iter().flatten().copied().find_map(|line| {
        let l = &page.lines[line];
        if l.rect.y0 > first * 0.45 || known_other(line) {
            return None;
        }
        let words = &l.words;
        let last = words.len().checked_sub(1)?;
        let labelled_here = last > 0 && is_label_text(&words[..last]);
        let labelled_beside = last == 0
            && page
                .left_of(line)
                .first()
                .is_some_and(|&j| !known_other(j) && is_label_text(&page.lines[j].words));
        let labelled_above = last == 0
            && above(line).is_some_and(|j| !known_other(j) && is_label_text(&page.lines[j].words));
        if !(labelled_here || labelled_beside || labelled_above) {
            return None;
        }
        let t = words[last].text.trim_matches([':', ',', ';', '#', '.']);
        let span = Span {
            line,
            start: last,
            end: last + 1,
        };
        let taken = ids.iter().any(|i| i.span.line == line && i.span.end > last);
        (is_id_shaped(t) && !taken).then(|| {
            let mut f = Found {
                value: (),
                raw: t.to_string(),
                span,
                label: None,
                source: Source::Layout,
                reconstructed: false,
            }
            .field(ctx, t.to_uppercase());
            f.confidence = round3(f.confidence * 0.6);
            f
        })
    })
}

/// A word shaped like a document number: a digit and a letter, `-` or `/`
/// (`RE-2024-12`, `F2024/7`, `INV0042`), or four digits or more; no
/// date, amount, IBAN or phone number.
fn is_id_shaped(t: &str) -> bool {
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let marks = t.chars().filter(|c| "-/_".contains(*c)).count();
    let only_id_chars = t.chars().all(|c| c.is_alphanumeric() || "/-_.".contains(c));
    let amount_like = t.contains([',', '.']) && letters == 0;
    only_id_chars
        && digits >= 1
        && (3..=20).contains(&t.len())
        && (digits >= 4 || letters + marks >= 1)
        && digits <= 12
        && !amount_like
        && !is_date_like(t)
        && validate_iban(t).is_err()
}

/// A number printed on the title's own line (`Rechnung RE-2022-3371`,
/// `Invoice INV-0193`): the title names it.
fn titled_number(ctx: &Ctx) -> Option<Field> {
    ctx.labels
        .iter()
        .filter(|h| h.kind == LabelKind::DocumentTitle && h.span.start == 0)
        .find_map(|h| {
            let end = ctx.page.lines[h.span.line].words.len();
            let rest = Span {
                line: h.span.line,
                start: h.span.end,
                end,
            };
            (end > h.span.end)
                .then(|| number_in(ctx, rest, 1, h))
                .flatten()
        })
}

/// The first of the first `take` words of `s` that reads as a document
/// number (a digit, no date), with a series code printed before it.
fn number_in(ctx: &Ctx, s: Span, take: usize, label: &LabelHit) -> Option<Field> {
    let words = &ctx.page.lines[s.line].words;
    (s.start..s.end).take(take).find_map(|i| {
        let t = words[i].text.trim_matches([':', ',', ';', '#', '.']);
        let ok = t.chars().any(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_alphanumeric() || "/-_.".contains(c))
            && !is_date_like(t);
        // A series code before the number is part of it
        // (`FT A25/04949`, `FPR 2595/23`).
        let series = (i > s.start)
            .then(|| words[i - 1].text.as_str())
            .filter(|w| is_series_code(w));
        ok.then(|| {
            let start = if series.is_some() { i - 1 } else { i };
            let t = match series {
                Some(code) => format!("{code} {t}"),
                None => t.to_string(),
            };
            let span = Span {
                line: s.line,
                start,
                end: i + 1,
            };
            Found {
                value: (),
                raw: t.clone(),
                span,
                label: Some(*label),
                source: Source::Label,
                reconstructed: false,
            }
            .field(ctx, t.to_uppercase())
        })
    })
}

fn is_date_like(t: &str) -> bool {
    grace_invoice_rules::parse_date(t, DateOrder::DayFirst).is_ok()
}

/// A tax id found on the page.
#[derive(Debug, Clone)]
pub struct TaxIdAt {
    /// Normalized id.
    pub value: String,
    /// Whether its control character was verified.
    pub checked: bool,
    /// Where.
    pub span: Span,
    /// Text as printed.
    pub raw: String,
    /// True when an OCR alternative reading made it valid.
    pub reconstructed: bool,
}

/// Every tax id on the page in reading order: single words and runs of up
/// to three words (`B 1234567 4`, `12.345.678-Z`), the longest valid run
/// first, never overlapping.
pub fn tax_ids(page: &Page) -> Vec<TaxIdAt> {
    let mut out: Vec<TaxIdAt> = Vec::new();
    for &line in page.rows.iter().flatten() {
        let words = &page.lines[line].words;
        // After a tax-id label a VAT number of the right shape is the
        // document's even when its control digits fail: it is returned
        // unchecked, and its checksum validation flags it.
        let labelled_from = crate::labels::labels_in_line(page, line)
            .iter()
            .filter(|h| h.kind == LabelKind::TaxId)
            .map(|h| h.span.end)
            .min();
        let mut i = 0;
        while i < words.len() {
            let mut hit = None;
            let mut reconstructed = false;
            // Up to four words: `GB 304 6461 80`.
            for n in (1..=4).rev() {
                if i + n > words.len() {
                    continue;
                }
                let joined: String = words[i..i + n].iter().map(|w| w.text.as_str()).collect();
                let cleaned = strip_id_label(&joined);
                if !cleaned.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                let after_label = labelled_from.is_some_and(|end| i >= end);
                // A US EIN has no check digit: only a label makes one.
                let found = detect_tax_id(cleaned).or_else(|| {
                    after_label
                        .then(|| vat_id_shape(cleaned).or_else(|| validate_ein(cleaned).ok()))
                        .flatten()
                });
                if let Some(id) = found {
                    hit = Some((n, id, cleaned.to_string()));
                    break;
                }
            }
            if hit.is_none() {
                // A misread character: try the readings OCR offered.
                hit = (1..=3)
                    .rev()
                    .filter(|n| i + n <= words.len())
                    .find_map(|n| {
                        let span = Span {
                            line,
                            start: i,
                            end: i + n,
                        };
                        alternative_readings(page, span)
                            .into_iter()
                            .find_map(|text| {
                                let joined: String = text.split(' ').collect();
                                let cleaned = strip_id_label(&joined).to_string();
                                let id = detect_tax_id(&cleaned).filter(|id| id.checked)?;
                                Some((n, id, cleaned))
                            })
                    });
                reconstructed = hit.is_some();
            }
            match hit {
                Some((n, id, raw)) => {
                    out.push(TaxIdAt {
                        reconstructed,
                        value: id.value,
                        checked: id.checked,
                        span: Span {
                            line,
                            start: i,
                            end: i + n,
                        },
                        raw,
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
    }
    out
}

/// Drops a glued label (`NIF:B12345674`) in front of an id.
fn strip_id_label(s: &str) -> &str {
    let t = s.trim_matches([',', ';', ')', '(']);
    for p in ["NIF:", "CIF:", "NIE:", "NIF", "CIF", "NIE", "DNI:", "VAT:"] {
        if let Some(rest) = t.strip_prefix(p) {
            if rest
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return rest;
            }
        }
    }
    t
}

/// The IBAN: the first run of words that passes mod-97, else (when an IBAN
/// label is present) the text after it as printed, so the failing check shows.
pub fn iban(ctx: &Ctx) -> Option<Field> {
    let page = ctx.page;
    for &line in page.rows.iter().flatten() {
        let words = &page.lines[line].words;
        for i in 0..words.len() {
            let w = words[i].text.trim_start_matches(':');
            let head: Vec<char> = w.chars().take(4).collect();
            let looks =
                head.len() >= 2 && head[0].is_ascii_alphabetic() && head[1].is_ascii_alphabetic();
            if !looks || !w.chars().any(|c| c.is_ascii_digit()) && i + 1 >= words.len() {
                continue;
            }
            let mut joined = String::new();
            for n in 1..=9 {
                if i + n > words.len() {
                    break;
                }
                joined.push_str(words[i + n - 1].text.trim_start_matches(':'));
                if let Ok(iban) = validate_iban(&joined) {
                    let span = Span {
                        line,
                        start: i,
                        end: i + n,
                    };
                    let label = ctx
                        .labels
                        .iter()
                        .find(|h| {
                            h.kind == LabelKind::Iban
                                && value_spans(page, h).iter().any(|s| s.line == line)
                        })
                        .copied();
                    let found = Found {
                        value: (),
                        raw: page.span_text(span),
                        span,
                        label,
                        source: if label.is_some() {
                            Source::Label
                        } else {
                            Source::Pattern
                        },
                        reconstructed: false,
                    };
                    return Some(found.field(ctx, iban.value));
                }
            }
        }
    }
    // A labelled account that fails the checksum is still reported.
    ctx.labels
        .iter()
        .filter(|h| h.kind == LabelKind::Iban)
        .find_map(|h| {
            let s = value_spans(page, h).into_iter().next()?;
            let raw = page.span_text(s);
            // A misread digit: an OCR alternative that passes mod-97 wins.
            let repaired = alternative_readings(page, s).into_iter().find_map(|text| {
                let compact: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                validate_iban(&compact).ok()
            });
            if let Some(iban) = repaired {
                let found = Found {
                    value: (),
                    raw: raw.clone(),
                    span: s,
                    label: Some(*h),
                    source: Source::Label,
                    reconstructed: true,
                };
                return Some(found.field(ctx, iban.value));
            }
            let compact: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            let ok = compact.len() >= 15
                && compact.chars().take(2).all(|c| c.is_ascii_alphabetic())
                && compact.chars().skip(2).take(2).all(|c| c.is_ascii_digit());
            ok.then(|| {
                Found {
                    value: (),
                    raw,
                    span: s,
                    label: Some(*h),
                    source: Source::Label,
                    reconstructed: false,
                }
                .field(ctx, compact.to_uppercase())
            })
        })
}

/// Payment keywords (normalized words) and the method they mean.
#[rustfmt::skip]
const PAYMENT_WORDS: &[(&str, &str)] = &[
    ("transferencia", "transfer"), ("transfer", "transfer"),
    ("tarjeta", "card"), ("card", "card"), ("visa", "card"), ("mastercard", "card"),
    ("credit", "card"), ("debit", "card"), ("tpv", "card"),
    ("efectivo", "cash"), ("cash", "cash"), ("contado", "cash"),
    ("domiciliacion", "direct_debit"), ("domiciliado", "direct_debit"), ("recibo", "direct_debit"),
    ("cheque", "cheque"), ("check", "cheque"), ("pagare", "cheque"),
];

fn payment_code(text: &str) -> Option<&'static str> {
    let words: Vec<String> = text.split_whitespace().map(norm_word).collect();
    // "Recibo domiciliado" and "Domiciliación bancaria" are debits even
    // though "recibo" alone is also a receipt.
    if words.iter().any(|w| w.starts_with("domicili")) {
        return Some("direct_debit");
    }
    words.iter().find_map(|w| {
        PAYMENT_WORDS
            .iter()
            .find(|(k, _)| w == k || (k.len() >= 8 && one_edit(w, k)))
            .map(|&(_, code)| code)
    })
}

/// True when `a` and `b` differ by one substituted character (`Transterencia`).
fn one_edit(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() == 1
}

/// How it is paid: the text after a payment label, else a payment word on
/// the page (a card slip line, `EFECTIVO`).
pub fn payment_method(ctx: &Ctx) -> Option<Field> {
    let page = ctx.page;
    let labelled = ctx
        .labels
        .iter()
        .filter(|h| h.kind == LabelKind::PaymentMethod)
        .find_map(|h| {
            value_spans(page, h).into_iter().find_map(|s| {
                let code = payment_code(&page.span_text(s))?;
                Some(
                    Found {
                        value: (),
                        raw: page.span_text(s),
                        span: s,
                        label: Some(*h),
                        source: Source::Label,
                        reconstructed: false,
                    }
                    .field(ctx, code.to_string()),
                )
            })
        });
    labelled.or_else(|| {
        page.rows.iter().flatten().find_map(|&line| {
            let words = &page.lines[line].words;
            (0..words.len()).find_map(|i| {
                let w = norm_word(&words[i].text);
                let code = PAYMENT_WORDS
                    .iter()
                    .find(|(k, _)| *k == w && *k != "recibo" && *k != "cash")
                    .map(|&(_, c)| c)?;
                let span = Span {
                    line,
                    start: i,
                    end: i + 1,
                };
                Some(
                    Found {
                        value: (),
                        raw: words[i].text.clone(),
                        span,
                        label: None,
                        source: Source::Pattern,
                        reconstructed: false,
                    }
                    .field(ctx, code.to_string()),
                )
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(page: &Page) -> Ctx<'_> {
        Ctx::new(page, Locale::EsEs, DateOrder::DayFirst)
    }

    #[test]
    fn issue_and_due_dates_by_label() {
        let page = Page::from_text(
            "Fecha vto.: 14/04/2024\nFecha factura: 14 de marzo de 2024\nNº factura: F-2024/0012",
        );
        let c = ctx(&page);
        let (issue, due) = dates(&c);
        assert_eq!(issue.unwrap().value, "2024-03-14");
        let due = due.unwrap();
        assert_eq!(due.value, "2024-04-14");
        assert_eq!(due.label.as_deref(), Some("Fecha vto"));
        assert_eq!(invoice_number(&c).unwrap().value, "F-2024/0012");
    }

    #[test]
    fn unlabelled_date_and_spaced_iban() {
        let page =
            Page::from_text("MERCADONA\n25/12/2018 10:31\nIBAN: ES91 2100 0418 4502 0005 1332");
        let c = ctx(&page);
        let (issue, _) = dates(&c);
        let issue = issue.unwrap();
        assert_eq!(
            (issue.value.as_str(), issue.raw.as_str()),
            ("2018-12-25", "25/12/2018")
        );
        assert_eq!(issue.source, Source::Pattern);
        assert_eq!(iban(&c).unwrap().value, "ES9121000418450200051332");
    }

    #[test]
    fn tax_ids_split_or_glued() {
        let page =
            Page::from_text("NIF: B-12345674\nCIF:B12345674 Tel. 912 345 678\nDNI 12345678 Z");
        let ids = tax_ids(&page);
        let v: Vec<&str> = ids.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(v, ["B12345674", "B12345674", "12345678Z"]);
    }

    #[test]
    fn payment_methods() {
        assert_eq!(payment_code("Domiciliación bancaria"), Some("direct_debit"));
        assert_eq!(payment_code("Tarjeta de crédito"), Some("card"));
        assert_eq!(payment_code("En efectivo"), Some("cash"));
        assert_eq!(payment_code("Transferencia"), Some("transfer"));
    }
}
