//! A paged drawing surface shared by every multilingual layout: text with
//! field tags, the label words drawn for one document, and an item table
//! that continues on a new page when it runs out of room.

use crate::font::FontSet;
use crate::invoice::milli_str;
use crate::lang::{Labels, Synonyms};
use crate::render::{Canvas, Quad, RenderError, RenderedPage, TextStyle};
use crate::rng::Rng;

use super::content::Content;

pub(crate) type R<T> = Result<T, RenderError>;

/// Horizontal anchoring of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// The wording drawn once per document for each label, with the tax's name filled in.
pub(crate) struct Words {
    pub title: String,
    pub invoice_number: String,
    pub issue_date: String,
    pub due_date: String,
    pub seller: String,
    pub buyer: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub amount: String,
    pub net: String,
    tax_line: String,
    pub tax_total: String,
    pub total: String,
    pub bank: String,
    pub iban: String,
    pub bic: String,
    page: String,
    pub continued: String,
    pub cash: String,
    pub change: String,
    pub card: String,
    pub thanks: String,
    pub tax_summary: [String; 4],
    pub vat_id: String,
}

impl Words {
    /// Draws one wording per label of `labels` (and a VAT-id label of `vat_ids`).
    pub fn pick(
        labels: &Labels,
        vat_ids: Synonyms,
        receipt: bool,
        tax: &str,
        rng: &mut Rng,
    ) -> Self {
        let summary = *rng.pick(labels.tax_summary);
        let mut p = |s: Synonyms| rng.pick_str(s).replace("{tax}", tax);
        let title = if receipt {
            p(labels.receipt_title)
        } else {
            p(labels.invoice_title)
        };
        Words {
            title,
            invoice_number: p(labels.invoice_number),
            issue_date: p(labels.issue_date),
            due_date: p(labels.due_date),
            seller: p(labels.seller),
            buyer: p(labels.buyer),
            description: p(labels.description),
            quantity: p(labels.quantity),
            unit_price: p(labels.unit_price),
            tax_rate: p(labels.tax_rate),
            amount: p(labels.amount),
            net: p(labels.net),
            tax_line: p(labels.tax_line),
            tax_total: p(labels.tax_total),
            total: p(labels.total),
            bank: p(labels.bank),
            iban: p(labels.iban),
            bic: p(labels.bic),
            page: p(labels.page),
            continued: p(labels.continued),
            cash: p(labels.cash),
            change: p(labels.change),
            card: p(labels.card),
            thanks: p(labels.thanks),
            tax_summary: summary.map(|h| h.replace("{tax}", tax)),
            vat_id: p(vat_ids),
        }
    }

    /// The label of one tax line (`zzgl. MwSt. 19 %`).
    pub fn tax_line(&self, rate: &str) -> String {
        self.tax_line.replace("{rate}", rate)
    }

    /// The page label (`Seite 2`).
    pub fn page(&self, n: usize) -> String {
        self.page.replace("{n}", &n.to_string())
    }
}

/// Header rows common to every invoice layout: (label, value, field).
pub(crate) fn meta_rows(doc: &Content, words: &Words) -> Vec<(String, String, &'static str)> {
    let mut rows = vec![
        (
            words.invoice_number.clone(),
            doc.number.clone(),
            "invoice_number",
        ),
        (words.issue_date.clone(), doc.date(doc.issue), "issue_date"),
    ];
    if let Some(due) = doc.due {
        rows.push((words.due_date.clone(), doc.date(due), "due_date"));
    }
    rows
}

/// What a table column shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell {
    Position,
    Description,
    Quantity,
    UnitPrice,
    Rate,
    Amount,
}

/// How an item table is ruled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Rules {
    /// Every cell boxed, grey header.
    Grid,
    /// A rule under the header, light rules between rows, a rule at the end.
    Ruled,
    /// Only a rule under the header.
    Unruled,
    /// Double rules above and below the header, one at the end.
    Double,
    /// Accent-filled header with white text, striped rows.
    Striped,
}

/// An item table: columns as (cell, heading, left and right edges as fractions of the width).
pub(crate) struct TableSpec {
    pub columns: Vec<(Cell, String, f32, f32)>,
    pub rules: Rules,
    /// Whether the rate prints a space before `%`.
    pub spaced_rate: bool,
}

/// A page-sized drawing surface that starts new pages on demand.
pub(crate) struct Sheet<'f> {
    fonts: &'f FontSet,
    pub c: Canvas<'f>,
    pages: Vec<RenderedPage>,
    /// Page width and height.
    pub w: f32,
    pub h: f32,
    /// Margin.
    pub m: f32,
    /// Line height.
    pub lh: f32,
    pub body: TextStyle,
    pub accent: [u8; 3],
    paper: [u8; 3],
}

impl<'f> Sheet<'f> {
    /// An A4-proportioned page `w` pixels wide.
    pub fn page(
        fonts: &'f FontSet,
        w: f32,
        body: TextStyle,
        lh: f32,
        m: f32,
        accent: [u8; 3],
    ) -> R<Self> {
        let h = (w * std::f32::consts::SQRT_2).round();
        // Room below the page for single-page layouts that run long; cropped on finish.
        Self::new(fonts, w, h, h * 1.8, body, lh, m, accent)
    }

    /// A till-roll strip `w` pixels wide, as long as its content.
    pub fn strip(fonts: &'f FontSet, w: f32, body: TextStyle, lh: f32, m: f32) -> R<Self> {
        Self::new(fonts, w, 0.0, 6000.0, body, lh, m, [0, 0, 0])
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        fonts: &'f FontSet,
        w: f32,
        h: f32,
        canvas_h: f32,
        body: TextStyle,
        lh: f32,
        m: f32,
        accent: [u8; 3],
    ) -> R<Self> {
        let paper = [255, 255, 255];
        Ok(Sheet {
            fonts,
            c: Canvas::new(fonts, w as u32, canvas_h as u32, paper)?,
            pages: Vec::new(),
            w,
            h,
            m,
            lh,
            body,
            accent,
            paper,
        })
    }

    pub fn bold(&self) -> TextStyle {
        self.body.bold()
    }

    pub fn scaled(&self, k: f32) -> TextStyle {
        self.body.size((self.body.size_px * k).round())
    }

    pub fn width(&self, st: &TextStyle, text: &str) -> R<f32> {
        Ok(self.c.measure(st, text)?.width)
    }

    pub fn text(&mut self, st: &TextStyle, x: f32, y: f32, align: Align, text: &str) -> R<Quad> {
        match align {
            Align::Left => self.c.text(st, x, y, text),
            Align::Right => self.c.text_right(st, x, y, text),
            Align::Center => self.c.text_center(st, x, y, text),
        }
    }

    /// Draws `text` as the value of `field`.
    pub fn field(
        &mut self,
        st: &TextStyle,
        x: f32,
        y: f32,
        align: Align,
        text: &str,
        field: &str,
    ) -> R<Quad> {
        let q = self.text(st, x, y, align, text)?;
        self.c.tag(field, text, q);
        Ok(q)
    }

    /// Draws `label value` as one run and tags the value as `field`.
    #[allow(clippy::too_many_arguments)]
    pub fn labeled(
        &mut self,
        st: &TextStyle,
        x: f32,
        y: f32,
        align: Align,
        label: &str,
        value: &str,
        field: &str,
    ) -> R<()> {
        self.text(st, x, y, align, &format!("{label} {value}"))?;
        self.c.tag_tail(field, value);
        Ok(())
    }

    /// Number of the page being drawn (1-based).
    pub fn page_number(&self) -> usize {
        self.pages.len() + 1
    }

    /// Lowest baseline a table row may reach on a page before it breaks.
    pub fn floor(&self) -> f32 {
        self.h - self.m - self.lh * 2.5
    }

    /// Ends the page (cropped to the page height) and starts a blank one.
    pub fn break_page(&mut self) -> R<()> {
        let next = Canvas::new(self.fonts, self.w as u32, (self.h * 1.8) as u32, self.paper)?;
        let done = std::mem::replace(&mut self.c, next);
        self.pages.push(done.finish(Some(self.h as u32)));
        Ok(())
    }

    /// The pages; the last is as tall as the page or as its content.
    pub fn finish(self) -> Vec<RenderedPage> {
        let mut pages = self.pages;
        let single = pages.is_empty();
        let height = if single {
            self.h.max(self.c.bottom() + self.m)
        } else {
            self.h
        };
        pages.push(self.c.finish(Some(height.ceil() as u32)));
        pages
    }

    /// A quantity as printed (`2`, `2,5`).
    fn quantity(doc: &Content, milli: i64) -> String {
        milli_str(milli).replace('.', &doc.money.decimal.to_string())
    }

    /// Draws the item table from `y` between `x0` and `x1`, breaking pages
    /// (with `continued` and the page label at the foot, the header again at
    /// the top); returns the y below it.
    pub fn items_table(
        &mut self,
        doc: &Content,
        words: &Words,
        spec: &TableSpec,
        x0: f32,
        x1: f32,
        y: f32,
    ) -> R<f32> {
        let tw = x1 - x0;
        let pad = self.body.size_px * 0.5;
        let head_h = self.lh * 1.3;
        let body = self.body;
        let mut y = self.table_header(spec, x0, x1, y)?;
        let mut block_top = y - head_h;
        let desc_w = spec
            .columns
            .iter()
            .find(|c| c.0 == Cell::Description)
            .map_or(tw * 0.4, |c| (c.3 - c.2) * tw - 2.0 * pad);
        for (i, item) in doc.items.iter().enumerate() {
            let lines = self.c.wrap(&body, &item.description, desc_w)?;
            let row_h = self.lh * lines.len() as f32 + self.lh * 0.3;
            if y + row_h > self.floor() {
                self.close_table(spec, x0, x1, block_top, y);
                let note = self.scaled(0.85);
                self.text(&note, x1, y + self.lh, Align::Right, &words.continued)?;
                self.page_label(words)?;
                self.break_page()?;
                y = self.table_header(spec, x0, x1, self.m + self.lh)?;
                block_top = y - head_h;
            }
            if spec.rules == Rules::Striped && i % 2 == 1 {
                self.c.fill_rect(x0, y, tw, row_h, [238, 241, 245]);
            }
            let base = y + self.lh * 0.15 + self.lh / 2.0 + body.size_px * 0.3;
            for (cell, _, l, r) in &spec.columns {
                let (left, right) = (x0 + tw * l + pad, x0 + tw * r - pad);
                match cell {
                    Cell::Description => {
                        for (k, line) in lines.iter().enumerate() {
                            self.c.text(&body, left, base + k as f32 * self.lh, line)?;
                        }
                    }
                    Cell::Position => {
                        self.c.text(&body, left, base, &(i + 1).to_string())?;
                    }
                    other => {
                        let v = match other {
                            Cell::Quantity => Self::quantity(doc, item.qty_milli),
                            Cell::UnitPrice => doc.money.number(item.unit_cents),
                            Cell::Rate => doc.rate(item.rate_milli, spec.spaced_rate),
                            _ => doc.money.number(item.amount_cents),
                        };
                        self.c.text_right(&body, right, base, &v)?;
                    }
                }
            }
            y += row_h;
            if spec.rules == Rules::Ruled || spec.rules == Rules::Grid {
                let color = if spec.rules == Rules::Grid {
                    [120, 120, 120]
                } else {
                    [205, 205, 205]
                };
                self.c.hline(x0, x1, y, 1.0, color);
            }
        }
        self.close_table(spec, x0, x1, block_top, y);
        Ok(y + self.lh)
    }

    fn table_header(&mut self, spec: &TableSpec, x0: f32, x1: f32, y: f32) -> R<f32> {
        let tw = x1 - x0;
        let head_h = self.lh * 1.3;
        let pad = self.body.size_px * 0.5;
        let ink = self.body.color;
        let fg = match spec.rules {
            Rules::Striped => [255, 255, 255],
            _ => ink,
        };
        match spec.rules {
            Rules::Striped => self.c.fill_rect(x0, y, tw, head_h, self.accent),
            Rules::Grid => self.c.fill_rect(x0, y, tw, head_h, [232, 232, 232]),
            Rules::Double => {
                self.c.hline(x0, x1, y, 1.0, ink);
                self.c.hline(x0, x1, y + 3.0, 1.0, ink);
            }
            Rules::Ruled | Rules::Unruled => {}
        }
        let head = self.bold().color(fg);
        let base = y + head_h / 2.0 + self.body.size_px * 0.3;
        for (cell, heading, l, r) in &spec.columns {
            match cell {
                Cell::Description | Cell::Position => {
                    self.c.text(&head, x0 + tw * l + pad, base, heading)?;
                }
                _ => {
                    self.c.text_right(&head, x0 + tw * r - pad, base, heading)?;
                }
            }
        }
        match spec.rules {
            Rules::Double => {
                self.c.hline(x0, x1, y + head_h - 3.0, 1.0, ink);
                self.c.hline(x0, x1, y + head_h, 1.0, ink);
            }
            Rules::Ruled | Rules::Unruled => self.c.hline(x0, x1, y + head_h, 2.0, ink),
            Rules::Grid | Rules::Striped => {}
        }
        Ok(y + head_h)
    }

    fn close_table(&mut self, spec: &TableSpec, x0: f32, x1: f32, top: f32, bottom: f32) {
        let ink = self.body.color;
        match spec.rules {
            Rules::Grid => {
                let grid = [120, 120, 120];
                self.c.hline(x0, x1, top, 1.0, grid);
                self.c.vline(x0, top, bottom, 1.0, grid);
                for (_, _, _, r) in &spec.columns {
                    self.c
                        .vline(x0 + (x1 - x0) * r - 1.0, top, bottom, 1.0, grid);
                }
            }
            Rules::Ruled | Rules::Double => self.c.hline(x0, x1, bottom, 1.5, ink),
            Rules::Striped => self.c.hline(x0, x1, bottom, 1.0, self.accent),
            Rules::Unruled => {}
        }
    }

    /// Starts a new page when fewer than `needed` pixels remain above the floor.
    pub fn ensure_room(&mut self, words: &Words, y: f32, needed: f32) -> R<f32> {
        if y + needed <= self.h - self.m {
            return Ok(y);
        }
        self.page_label(words)?;
        self.break_page()?;
        Ok(self.m + self.lh)
    }

    /// The page label at the foot of the page.
    pub fn page_label(&mut self, words: &Words) -> R<()> {
        let small = self.scaled(0.8).color([90, 90, 90]);
        let label = words.page(self.page_number());
        let (w, y) = (self.w, self.h - self.m * 0.6);
        self.text(&small, w / 2.0, y, Align::Center, &label)?;
        Ok(())
    }

    /// Whether any page was finished before this one.
    pub fn is_multi_page(&self) -> bool {
        !self.pages.is_empty()
    }
}
