//! Page layouts that draw an [`Invoice`] onto a canvas.

use serde::{Deserialize, Serialize};

use crate::font::{FontFamily, FontSet};
use crate::ids::format_iban;
use crate::invoice::{milli_es, DocKind, Invoice, Party, PaymentMethod};
use crate::render::{Canvas, Quad, RenderError, RenderedPage, TextStyle};
use crate::rng::Rng;

type R<T> = Result<T, RenderError>;

/// A page layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Layout {
    /// Vendor top-left, title and data top-right, customer box, full grid table, totals box.
    Classic,
    /// Vendor right-aligned at top-right, title and data left, ruled table, tax breakdown table.
    RightHeader,
    /// Coloured title band, vendor and customer blocks side by side, striped table.
    TwoColumn,
    /// 58 mm thermal ticket in monospace.
    Ticket58,
    /// 80 mm thermal ticket in monospace.
    Ticket80,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 5] = [
        Layout::Classic,
        Layout::RightHeader,
        Layout::TwoColumn,
        Layout::Ticket58,
        Layout::Ticket80,
    ];

    /// Layouts suited to a document kind.
    pub fn for_kind(kind: DocKind) -> &'static [Layout] {
        match kind {
            DocKind::Ticket => &[Layout::Ticket58, Layout::Ticket80, Layout::Classic],
            _ => &[Layout::Classic, Layout::RightHeader, Layout::TwoColumn],
        }
    }

    /// Whether this is a narrow monospace ticket.
    pub fn is_ticket(self) -> bool {
        matches!(self, Layout::Ticket58 | Layout::Ticket80)
    }
}

/// Draws an invoice with a layout; fonts, sizes and colours vary with `rng`.
pub fn draw(fonts: &FontSet, inv: &Invoice, layout: Layout, rng: &mut Rng) -> R<RenderedPage> {
    if layout.is_ticket() {
        return draw_ticket(fonts, inv, layout, rng);
    }
    let families = fonts.proportional();
    let families = if families.is_empty() {
        fonts.families()
    } else {
        families
    };
    let family = *rng.pick(&families);
    let width = rng.range(1000, 1240) as f32;
    let height = (width * std::f32::consts::SQRT_2).round();
    let size = (width / rng.uniform(56.0, 64.0)).round();
    let ink = *rng.pick(&[[0, 0, 0], [25, 25, 35], [40, 40, 40]]);
    let accent = *rng.pick(&[
        [31, 58, 105],
        [20, 90, 70],
        [130, 30, 40],
        [60, 60, 60],
        [0, 95, 140],
    ]);
    let canvas = Canvas::new(fonts, width as u32, (height * 2.5) as u32, [255, 255, 255])?;
    let body = TextStyle::new(family, size).color(ink);
    let mut d = Doc {
        c: canvas,
        inv,
        rng: rng.fork(1),
        body,
        lh: (size * rng.uniform(1.35, 1.6)).round(),
        w: width,
        m: (width * rng.uniform(0.06, 0.085)).round(),
        accent,
    };
    match layout {
        Layout::Classic => d.classic()?,
        Layout::RightHeader => d.right_header()?,
        Layout::TwoColumn => d.two_column()?,
        Layout::Ticket58 | Layout::Ticket80 => unreachable!("tickets drawn above"),
    }
    let bottom = d.c.bottom() + d.m;
    Ok(d.c.finish(Some(height.max(bottom).ceil() as u32)))
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

#[derive(Clone, Copy, PartialEq)]
enum TableStyle {
    Grid,
    Rules,
    Zebra,
}

struct Doc<'a, 'f> {
    c: Canvas<'f>,
    inv: &'a Invoice,
    rng: Rng,
    body: TextStyle,
    lh: f32,
    w: f32,
    m: f32,
    accent: [u8; 3],
}

impl Doc<'_, '_> {
    fn bold(&self) -> TextStyle {
        self.body.bold()
    }

    fn scaled(&self, k: f32) -> TextStyle {
        self.body.size((self.body.size_px * k).round())
    }

    fn date(&self, d: crate::invoice::Date) -> String {
        d.format(self.inv.date_format)
    }

    /// Draws `label value` as one run at `x` (or right-aligned at `x`) and tags the value.
    #[allow(clippy::too_many_arguments)]
    fn labeled(
        &mut self,
        style: &TextStyle,
        x: f32,
        y: f32,
        align: Align,
        label: &str,
        value: &str,
        field: &str,
    ) -> R<()> {
        let text = if label.is_empty() {
            value.to_string()
        } else {
            format!("{label} {value}")
        };
        match align {
            Align::Left => self.c.text(style, x, y, &text)?,
            Align::Right => self.c.text_right(style, x, y, &text)?,
        };
        if !field.is_empty() {
            self.c.tag_tail(field, value);
        }
        Ok(())
    }

    fn text_tag(
        &mut self,
        style: &TextStyle,
        x: f32,
        y: f32,
        align: Align,
        text: &str,
        field: &str,
    ) -> R<Quad> {
        let q = match align {
            Align::Left => self.c.text(style, x, y, text)?,
            Align::Right => self.c.text_right(style, x, y, text)?,
        };
        if !field.is_empty() {
            self.c.tag(field, text, q);
        }
        Ok(q)
    }

    fn title(&mut self) -> &'static str {
        let inv = self.inv;
        match inv.kind {
            DocKind::Factura => self.rng.pick_str(&["FACTURA", "Factura", "FACTURA"]),
            DocKind::Rectificativa => self.rng.pick_str(&[
                "FACTURA RECTIFICATIVA",
                "Factura rectificativa",
                "ABONO - FACTURA RECTIFICATIVA",
            ]),
            DocKind::Ticket => self
                .rng
                .pick_str(&["FACTURA SIMPLIFICADA", "Factura simplificada"]),
        }
    }

    /// Rows of (label, value, field) describing the document.
    fn meta(&mut self) -> Vec<(String, String, &'static str)> {
        let inv = self.inv;
        let mut rows = Vec::new();
        let num_label = match inv.kind {
            DocKind::Rectificativa => {
                *self
                    .rng
                    .pick(&["Nº rectificativa:", "Número:", "Factura nº:"])
            }
            _ => *self
                .rng
                .pick(&["Nº factura:", "Número:", "Factura nº:", "Nº:"]),
        };
        rows.push((num_label.to_string(), inv.number.clone(), "invoice_number"));
        let date_label = *self
            .rng
            .pick(&["Fecha:", "Fecha de emisión:", "Fecha factura:"]);
        rows.push((date_label.to_string(), self.date(inv.issue), "issue_date"));
        if let Some(due) = inv.due {
            let l = *self
                .rng
                .pick(&["Vencimiento:", "Fecha de vencimiento:", "Fecha vto.:"]);
            rows.push((l.to_string(), self.date(due), "due_date"));
        }
        if let Some((n, d)) = &inv.rectified {
            rows.push((
                "Factura rectificada:".into(),
                n.clone(),
                "rectified_invoice",
            ));
            rows.push(("Fecha factura rectificada:".into(), self.date(*d), ""));
        }
        rows
    }

    /// Draws a party; returns the y below it.
    #[allow(clippy::too_many_arguments)]
    fn party(
        &mut self,
        x: f32,
        y: f32,
        align: Align,
        p: &Party,
        role: &str,
        heading: Option<&str>,
        name_k: f32,
    ) -> R<f32> {
        let mut y = y;
        if let Some(h) = heading {
            let st = self.bold().color(self.accent);
            self.text_tag(&st, x, y, align, h, "")?;
            y += self.lh;
        }
        let name_style = self.scaled(name_k).bold();
        if name_k > 1.0 {
            y += self.body.size_px * (name_k - 1.0);
        }
        self.text_tag(&name_style, x, y, align, &p.name, &format!("{role}_name"))?;
        y += self.lh * name_k.max(1.0);
        let body = self.body;
        for line in &p.address_lines {
            self.text_tag(&body, x, y, align, line, &format!("{role}_address"))?;
            y += self.lh;
        }
        let tax_label = format!("{}:", p.tax_label);
        self.labeled(
            &body,
            x,
            y,
            align,
            &tax_label,
            &p.tax_id_printed,
            &format!("{role}_tax_id"),
        )?;
        y += self.lh;
        if let Some(ph) = &p.phone {
            let l = *self.rng.pick(&["Tel.:", "Tfno.:", "Teléfono:"]);
            self.labeled(&body, x, y, align, l, ph, "")?;
            y += self.lh;
        }
        if let Some(e) = &p.email {
            self.text_tag(&body, x, y, align, e, "")?;
            y += self.lh;
        }
        Ok(y)
    }

    fn wrap(&self, style: &TextStyle, text: &str, max_w: f32) -> R<Vec<String>> {
        self.c.wrap(style, text, max_w)
    }

    /// Draws the line-item table between `x0` and `x1`; returns the y below it.
    fn items_table(&mut self, x0: f32, x1: f32, y: f32, style: TableStyle) -> R<f32> {
        let inv = self.inv;
        let show_rate = inv.taxes.len() > 1 || self.rng.chance(0.4);
        let tw = x1 - x0;
        // Right edges of numeric columns (fractions of the table width).
        let mut cols: Vec<(&str, f32)> = vec![
            (*self.rng.pick(&["Cant.", "Cantidad", "Uds."]), 0.60),
            (
                *self.rng.pick(&["Precio", "Precio ud.", "P. unitario"]),
                0.75,
            ),
        ];
        if show_rate {
            cols.push((*self.rng.pick(&["IVA", "% IVA"]), 0.85));
        }
        cols.push(("Importe", 1.0));
        let pad = self.body.size_px * 0.5;
        let desc_w = tw * 0.47 - pad;
        let head_h = self.lh * 1.3;
        let head_fg = if style == TableStyle::Zebra {
            [255, 255, 255]
        } else {
            self.body.color
        };
        let head_style = self.bold().color(head_fg);
        match style {
            TableStyle::Zebra => self.c.fill_rect(x0, y, tw, head_h, self.accent),
            TableStyle::Grid => self.c.fill_rect(x0, y, tw, head_h, [232, 232, 232]),
            TableStyle::Rules => {}
        }
        let base_y = y + head_h / 2.0 + self.body.size_px * 0.3;
        let desc_label = *self.rng.pick(&["Descripción", "Concepto", "Artículo"]);
        self.c.text(&head_style, x0 + pad, base_y, desc_label)?;
        for (label, right) in &cols {
            self.c
                .text_right(&head_style, x0 + tw * right - pad, base_y, label)?;
        }
        let grid = [120, 120, 120];
        if style == TableStyle::Rules {
            self.c.hline(x0, x1, y + head_h, 2.0, self.body.color);
        }
        let mut yy = y + head_h;
        let body = self.body;
        let mut row_tops = vec![y, yy];
        for (i, item) in inv.items.iter().enumerate() {
            let lines = self.wrap(&body, &item.description, desc_w)?;
            let row_h = self.lh * (lines.len() as f32) + self.lh * 0.3;
            if style == TableStyle::Zebra && i % 2 == 1 {
                self.c.fill_rect(x0, yy, tw, row_h, [238, 241, 245]);
            }
            let first_base = yy + self.lh * 0.15 + self.lh / 2.0 + body.size_px * 0.3;
            for (k, l) in lines.iter().enumerate() {
                self.c
                    .text(&body, x0 + pad, first_base + k as f32 * self.lh, l)?;
            }
            let mut values = vec![
                milli_es(item.qty_milli, item.weight),
                inv.money.cell(item.unit_cents),
            ];
            if show_rate {
                values.push(format!("{}%", item.rate));
            }
            values.push(inv.money.cell(item.amount_cents));
            for ((_, right), v) in cols.iter().zip(values) {
                self.c
                    .text_right(&body, x0 + tw * right - pad, first_base, &v)?;
            }
            yy += row_h;
            row_tops.push(yy);
            if style == TableStyle::Rules && self.rng.chance(0.5) {
                self.c.hline(x0, x1, yy, 1.0, [200, 200, 200]);
            }
        }
        match style {
            TableStyle::Grid => {
                for &t in &row_tops {
                    self.c.hline(x0, x1, t, 1.0, grid);
                }
                self.c.vline(x0, y, yy, 1.0, grid);
                self.c.vline(x0 + tw * 0.47, y, yy, 1.0, grid);
                for (_, right) in &cols {
                    self.c.vline(x0 + tw * right - 1.0, y, yy, 1.0, grid);
                }
            }
            TableStyle::Rules => self.c.hline(x0, x1, yy, 2.0, self.body.color),
            TableStyle::Zebra => self.c.hline(x0, x1, yy, 1.0, self.accent),
        }
        Ok(yy + self.lh)
    }

    /// Draws a tax breakdown table (Base | %IVA | Cuota) at `x`; returns the y below it.
    fn tax_table(&mut self, x: f32, y: f32, w: f32) -> R<f32> {
        let inv = self.inv;
        let bold = self.bold();
        let body = self.body;
        let c1 = x + w * 0.45;
        let c2 = x + w * 0.65;
        let c3 = x + w;
        self.c.text_right(&bold, c1, y, "Base imponible")?;
        self.c.text_right(&bold, c2, y, "% IVA")?;
        self.c.text_right(&bold, c3, y, "Cuota IVA")?;
        self.c
            .hline(x, c3, y + self.body.size_px * 0.4, 1.0, self.body.color);
        let mut yy = y + self.lh;
        for t in &inv.taxes {
            self.c.text_right(&body, c1, yy, &inv.money.cell(t.base))?;
            self.c.text_right(&body, c2, yy, &format!("{}%", t.rate))?;
            self.c.text_right(&body, c3, yy, &inv.money.cell(t.cuota))?;
            yy += self.lh;
        }
        Ok(yy)
    }

    /// Draws the totals column with labels ending at `lx` and values ending at `vx`.
    fn totals(&mut self, lx: f32, vx: f32, y: f32, with_groups: bool, boxed_total: bool) -> R<f32> {
        let inv = self.inv;
        let body = self.body;
        let m = inv.money;
        let mut y = y;
        let sub_label = *self.rng.pick(&[
            "Base imponible",
            "Subtotal",
            "Suma base imponible",
            "Total base imponible",
        ]);
        self.c.text_right(&body, lx, y, sub_label)?;
        self.text_tag(
            &body,
            vx,
            y,
            Align::Right,
            &m.total(inv.subtotal()),
            "subtotal",
        )?;
        y += self.lh;
        if with_groups {
            for t in &inv.taxes {
                if inv.taxes.len() > 1 {
                    self.c
                        .text_right(&body, lx, y, &format!("Base {}%", t.rate))?;
                    self.c.text_right(&body, vx, y, &m.total(t.base))?;
                    y += self.lh;
                }
                self.c
                    .text_right(&body, lx, y, &format!("IVA {}%", t.rate))?;
                let field = if inv.taxes.len() == 1 {
                    "tax_total"
                } else {
                    ""
                };
                self.text_tag(&body, vx, y, Align::Right, &m.total(t.cuota), field)?;
                y += self.lh;
            }
        }
        if inv.taxes.len() > 1 || !with_groups {
            self.c.text_right(&body, lx, y, "Total IVA")?;
            self.text_tag(
                &body,
                vx,
                y,
                Align::Right,
                &m.total(inv.tax_total()),
                "tax_total",
            )?;
            y += self.lh;
        }
        if let Some((rate, amount)) = inv.irpf {
            let l = *self.rng.pick(&["Retención IRPF", "IRPF", "Retención"]);
            self.c.text_right(&body, lx, y, &format!("{l} {rate}%"))?;
            self.text_tag(&body, vx, y, Align::Right, &m.total(-amount), "withholding")?;
            y += self.lh;
        }
        let big = self.scaled(1.25).bold();
        y += self.lh * 0.35;
        let total_label = match inv.kind {
            DocKind::Rectificativa => *self.rng.pick(&["TOTAL", "TOTAL RECTIFICATIVA", "Total"]),
            _ => *self
                .rng
                .pick(&["TOTAL", "TOTAL FACTURA", "Total", "TOTAL (EUR)"]),
        };
        let total_txt = m.total(inv.total());
        if boxed_total {
            let tw = self.c.measure(&big, &total_txt)?.width;
            let lw = self.c.measure(&big, total_label)?.width;
            let left = (lx - lw).min(vx - tw) - body.size_px;
            self.c.fill_rect(
                left,
                y - big.size_px * 1.05,
                vx + body.size_px * 0.6 - left,
                big.size_px * 1.5,
                self.accent,
            );
            let white = big.color([255, 255, 255]);
            self.c.text_right(&white, lx, y, total_label)?;
            self.text_tag(&white, vx, y, Align::Right, &total_txt, "total")?;
        } else {
            self.c.hline(
                lx - self.w * 0.18,
                vx,
                y - big.size_px * 1.05,
                1.5,
                body.color,
            );
            self.c.text_right(&big, lx, y, total_label)?;
            self.text_tag(&big, vx, y, Align::Right, &total_txt, "total")?;
        }
        y += self.lh * 1.4;
        if inv.shows_amount_due {
            let l = match inv.kind {
                DocKind::Rectificativa => "Importe a devolver",
                _ => *self
                    .rng
                    .pick(&["Total a pagar", "Importe a pagar", "A PAGAR"]),
            };
            let st = self.bold();
            self.c.text_right(&st, lx, y, l)?;
            self.text_tag(&st, vx, y, Align::Right, &total_txt, "amount_due")?;
            y += self.lh;
        }
        Ok(y)
    }

    /// Draws payment method and IBAN at `x`; returns the y below.
    fn payment(&mut self, x: f32, y: f32) -> R<f32> {
        let inv = self.inv;
        let body = self.body;
        let mut y = y;
        if let Some(label) = &inv.payment_label {
            let l = *self
                .rng
                .pick(&["Forma de pago:", "Método de pago:", "Pago:"]);
            self.labeled(&body, x, y, Align::Left, l, label, "payment_method")?;
            y += self.lh;
        }
        if let Some(iban) = &inv.iban {
            let printed = if self.rng.chance(0.8) {
                format_iban(iban)
            } else {
                iban.clone()
            };
            let l = *self.rng.pick(&["IBAN:", "Cuenta (IBAN):", "IBAN"]);
            self.labeled(&body, x, y, Align::Left, l, &printed, "iban")?;
            y += self.lh;
        }
        if inv.payment == Some(PaymentMethod::DirectDebit) {
            self.c.text(
                &body,
                x,
                y,
                "Se cargará en la cuenta del cliente a su vencimiento.",
            )?;
            y += self.lh;
        }
        Ok(y)
    }

    fn footer(&mut self, y: f32) -> R<f32> {
        let inv = self.inv;
        let small = self.scaled(0.8).color([90, 90, 90]);
        let mut y = y + self.lh;
        if let Some(reason) = &inv.reason {
            let st = self.body;
            self.c.text(
                &st,
                self.m,
                y,
                &format!("Motivo de la rectificación: {reason}"),
            )?;
            y += self.lh;
            self.c.text(
                &small,
                self.m,
                y,
                "Factura rectificativa emitida conforme al art. 15 del RD 1619/2012.",
            )?;
            y += self.lh;
        }
        if inv.vendor.tax_id.starts_with(['A', 'B']) && self.rng.chance(0.6) {
            let city = inv.vendor.address_lines[1]
                .split_once(' ')
                .map(|(_, c)| c.split(" (").next().unwrap_or(c))
                .unwrap_or("Madrid")
                .to_string();
            let text = format!(
                "Inscrita en el Registro Mercantil de {city}, Tomo {}, Folio {}, Hoja {}",
                self.rng.range(100, 40000),
                self.rng.range(1, 220),
                self.rng.range(1000, 99999)
            );
            if self.c.measure(&small, &text)?.width < self.w - 2.0 * self.m {
                self.c.text_center(&small, self.w / 2.0, y, &text)?;
                y += self.lh;
            }
        }
        if self.rng.chance(0.4) {
            self.c
                .text_center(&small, self.w / 2.0, y, "Gracias por su confianza")?;
            y += self.lh;
        }
        Ok(y)
    }

    fn classic(&mut self) -> R<()> {
        let m = self.m;
        let right = self.w - m;
        let top = m + self.lh;
        let vendor = self.inv.vendor.clone();
        let y_vendor = self.party(m, top, Align::Left, &vendor, "vendor", None, 1.4)?;
        let title = self.title();
        let big = self.scaled(2.0).bold().color(self.accent);
        self.c
            .text_right(&big, right, top + big.size_px * 0.6, title)?;
        let mut y = top + big.size_px * 0.6 + self.lh * 1.3;
        let body = self.body;
        for (label, value, field) in self.meta() {
            self.labeled(&body, right, y, Align::Right, &label, &value, field)?;
            y += self.lh;
        }
        let mut y = y.max(y_vendor) + self.lh * 0.5;
        if let Some(cust) = self.inv.customer.clone() {
            let bx = self.w * 0.5;
            let heading = *self
                .rng
                .pick(&["Cliente", "Facturar a:", "Datos del cliente"]);
            let inner = bx + self.body.size_px;
            let y_end = self.party(
                inner,
                y + self.lh * 1.2,
                Align::Left,
                &cust,
                "customer",
                Some(heading),
                1.0,
            )?;
            self.c
                .stroke_rect(bx, y, right - bx, y_end - y, 1.5, [100, 100, 100]);
            y = y_end + self.lh;
        }
        let y = self.items_table(m, right, y, TableStyle::Grid)?;
        let y_pay = self.payment(m, y + self.lh)?;
        let y_tot = self.totals(right - self.w * 0.2, right, y + self.lh, true, false)?;
        self.footer(y_pay.max(y_tot))?;
        Ok(())
    }

    fn right_header(&mut self) -> R<()> {
        let m = self.m;
        let right = self.w - m;
        let top = m + self.lh;
        // A "logo": a filled square with the vendor's initials.
        let side = self.lh * 3.0;
        self.c.fill_rect(m, m, side, side, self.accent);
        let initials: String = self
            .inv
            .vendor
            .name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_uppercase())
            .take(2)
            .collect();
        let logo = self.scaled(1.6).bold().color([255, 255, 255]);
        self.c.text_center(
            &logo,
            m + side / 2.0,
            m + side / 2.0 + logo.size_px * 0.3,
            &initials,
        )?;
        let vendor = self.inv.vendor.clone();
        let y_vendor = self.party(right, top, Align::Right, &vendor, "vendor", None, 1.3)?;
        let title = self.title();
        let big = self.scaled(1.9).bold();
        let mut y = m + side + self.lh * 1.5;
        self.c.text(&big, m, y, title)?;
        y += self.lh * 1.5;
        let body = self.body;
        let bold = self.bold();
        let meta = self.meta();
        let mut label_w = 0f32;
        for (l, _, _) in &meta {
            label_w = label_w.max(self.c.measure(&bold, l)?.width);
        }
        for (label, value, field) in meta {
            self.c.text(&bold, m, y, &label)?;
            self.text_tag(
                &body,
                m + label_w + self.body.size_px,
                y,
                Align::Left,
                &value,
                field,
            )?;
            y += self.lh;
        }
        y += self.lh * 0.5;
        if let Some(cust) = self.inv.customer.clone() {
            let heading = *self
                .rng
                .pick(&["Cliente:", "DATOS DEL CLIENTE", "Destinatario:"]);
            y = self.party(m, y, Align::Left, &cust, "customer", Some(heading), 1.0)?;
        }
        let y = y.max(y_vendor) + self.lh * 0.5;
        let style = if self.rng.chance(0.5) {
            TableStyle::Rules
        } else {
            TableStyle::Grid
        };
        let y = self.items_table(m, right, y, style)?;
        let y_tax = self.tax_table(m, y, self.w * 0.45)?;
        let boxed = self.rng.chance(0.5);
        let y_tot = self.totals(right - self.w * 0.2, right, y, false, boxed)?;
        let y_pay = self.payment(m, y_tax.max(y_tot) + self.lh * 0.5)?;
        self.footer(y_pay)?;
        Ok(())
    }

    fn two_column(&mut self) -> R<()> {
        let m = self.m;
        let right = self.w - m;
        let band_h = self.lh * 2.6;
        self.c.fill_rect(0.0, m * 0.6, self.w, band_h, self.accent);
        let title = self.title();
        let big = self.scaled(1.8).bold().color([255, 255, 255]);
        let base = m * 0.6 + band_h / 2.0 + big.size_px * 0.3;
        self.c.text(&big, m, base, title)?;
        let num = self.inv.number.clone();
        let white = self.scaled(1.2).color([255, 255, 255]);
        self.labeled(
            &white,
            right,
            base,
            Align::Right,
            "Nº",
            &num,
            "invoice_number",
        )?;
        let mut y = m * 0.6 + band_h + self.lh * 1.2;
        let colw = (right - m) / 2.0 - self.body.size_px;
        let strip = self.lh * 1.2;
        let head = self.bold();
        let x2 = m + colw + 2.0 * self.body.size_px;
        self.c.fill_rect(m, y, colw, strip, [230, 233, 238]);
        self.c.text(
            &head,
            m + self.body.size_px * 0.5,
            y + strip * 0.5 + head.size_px * 0.3,
            self.rng
                .pick_str(&["EMISOR", "DATOS DEL EMISOR", "PROVEEDOR"]),
        )?;
        let has_customer = self.inv.customer.is_some();
        if has_customer {
            self.c.fill_rect(x2, y, colw, strip, [230, 233, 238]);
            self.c.text(
                &head,
                x2 + self.body.size_px * 0.5,
                y + strip * 0.5 + head.size_px * 0.3,
                self.rng
                    .pick_str(&["CLIENTE", "DATOS DEL CLIENTE", "DESTINATARIO"]),
            )?;
        }
        y += strip + self.lh;
        let vendor = self.inv.vendor.clone();
        let inset = self.body.size_px * 0.5;
        let y1 = self.party(m + inset, y, Align::Left, &vendor, "vendor", None, 1.0)?;
        let y2 = match self.inv.customer.clone() {
            Some(c) => self.party(x2 + inset, y, Align::Left, &c, "customer", None, 1.0)?,
            None => y,
        };
        y = y1.max(y2) + self.lh * 0.3;
        // Data row: date, due date, payment, as a small boxed table.
        let inv = self.inv;
        let mut cells: Vec<(String, String, &str)> =
            vec![("Fecha".into(), self.date(inv.issue), "issue_date")];
        if let Some(d) = inv.due {
            cells.push(("Vencimiento".into(), self.date(d), "due_date"));
        }
        if let Some((n, _)) = &inv.rectified {
            cells.push(("Rectifica a".into(), n.clone(), "rectified_invoice"));
        }
        if let Some(p) = &inv.payment_label {
            cells.push(("Forma de pago".into(), p.clone(), "payment_method"));
        }
        let cw = (right - m) / cells.len() as f32;
        let body = self.body;
        let row_h = self.lh * 2.4;
        for (i, (label, value, field)) in cells.iter().enumerate() {
            let cx = m + cw * i as f32;
            self.c.stroke_rect(cx, y, cw, row_h, 1.0, [150, 150, 150]);
            self.c.text(&head, cx + inset, y + self.lh * 0.95, label)?;
            self.text_tag(
                &body,
                cx + inset,
                y + self.lh * 2.0,
                Align::Left,
                value,
                field,
            )?;
        }
        y += row_h + self.lh;
        let y = self.items_table(m, right, y, TableStyle::Zebra)?;
        let y_tot = self.totals(right - self.w * 0.2, right, y, true, true)?;
        // Payment details without repeating the method.
        let mut y_pay = y;
        if let Some(iban) = &inv.iban {
            let l = *self.rng.pick(&["IBAN:", "Cuenta bancaria (IBAN):"]);
            self.labeled(&body, m, y_pay, Align::Left, l, &format_iban(iban), "iban")?;
            y_pay += self.lh;
        }
        self.footer(y_pay.max(y_tot))?;
        Ok(())
    }
}

fn draw_ticket(fonts: &FontSet, inv: &Invoice, layout: Layout, rng: &mut Rng) -> R<RenderedPage> {
    let monos = fonts.monospace();
    let family: FontFamily = if monos.is_empty() {
        *rng.pick(&fonts.families())
    } else {
        *rng.pick(&monos)
    };
    let (width, cols) = match layout {
        Layout::Ticket58 => (384.0f32, 32.0f32),
        _ => (576.0, 44.0),
    };
    let margin = (width * 0.04).round();
    let probe = Canvas::new(fonts, 1, 1, [255, 255, 255])?;
    let adv = probe
        .measure(&TextStyle::new(family, 100.0), "0000000000")?
        .width
        / 1000.0;
    let size = ((width - 2.0 * margin) / (cols * adv)).floor();
    let paper = *rng.pick(&[[255, 255, 255], [252, 251, 247], [248, 248, 248]]);
    let ink = *rng.pick(&[[0, 0, 0], [30, 30, 45], [50, 50, 60]]);
    let c = Canvas::new(fonts, width as u32, 6000, paper)?;
    let body = TextStyle::new(family, size).color(ink);
    let mut t = Ticket {
        c,
        inv,
        rng: rng.fork(2),
        body,
        lh: (size * rng.uniform(1.3, 1.5)).round(),
        left: margin,
        right: width - margin,
        center: width / 2.0,
    };
    let y = t.draw()?;
    Ok(t.c.finish(Some((y + margin * 2.0).ceil() as u32)))
}

struct Ticket<'a, 'f> {
    c: Canvas<'f>,
    inv: &'a Invoice,
    rng: Rng,
    body: TextStyle,
    lh: f32,
    left: f32,
    right: f32,
    center: f32,
}

impl Ticket<'_, '_> {
    fn center_tag(&mut self, st: &TextStyle, y: f32, text: &str, field: &str) -> R<()> {
        let q = self.c.text_center(st, self.center, y, text)?;
        if !field.is_empty() {
            self.c.tag(field, text, q);
        }
        Ok(())
    }

    fn row(&mut self, st: &TextStyle, y: f32, left: &str, right: &str, field: &str) -> R<()> {
        self.c.text(st, self.left, y, left)?;
        let q = self.c.text_right(st, self.right, y, right)?;
        if !field.is_empty() {
            self.c.tag(field, right, q);
        }
        Ok(())
    }

    fn rule(&mut self, y: f32) {
        let (l, r, col) = (self.left, self.right, self.body.color);
        if self.rng.chance(0.5) {
            self.c.dashed_hline(l, r, y, self.body.size_px * 0.4, col);
        } else {
            self.c.hline(l, r, y, 1.0, col);
        }
    }

    fn wrap(&self, text: &str, max_w: f32) -> R<Vec<String>> {
        self.c.wrap(&self.body, text, max_w)
    }

    fn draw(&mut self) -> R<f32> {
        let inv = self.inv;
        let m = inv.money;
        let body = self.body;
        let bold = body.bold();
        let lh = self.lh;
        let mut y = self.left + lh;
        // The name a little larger than the body, else the body size, else
        // as large as fits: a ticket printer never prints past its paper.
        let room = self.right - self.left;
        let mut name_style = bold.size((body.size_px * 1.15).round());
        for _ in 0..2 {
            let name_w = self.c.measure(&name_style, &inv.vendor.name)?.width;
            if name_w <= room {
                break;
            }
            let fits = (name_style.size_px * room / name_w).floor();
            name_style = name_style.size(fits.min(body.size_px));
        }
        self.center_tag(&name_style, y, &inv.vendor.name, "vendor_name")?;
        y += lh * 1.2;
        for line in &inv.vendor.address_lines {
            for l in self.wrap(line, self.right - self.left)? {
                // Wrapped address pieces are tagged separately.
                self.center_tag(&body, y, &l, "vendor_address")?;
                y += lh;
            }
        }
        let tax = format!("{}: {}", inv.vendor.tax_label, inv.vendor.tax_id_printed);
        self.c.text_center(&body, self.center, y, &tax)?;
        if let Some(q) = self.c.last_words_quad(1) {
            self.c.tag("vendor_tax_id", &inv.vendor.tax_id_printed, q);
        }
        y += lh;
        if let Some(p) = &inv.vendor.phone {
            self.c
                .text_center(&body, self.center, y, &format!("Tel. {p}"))?;
            y += lh;
        }
        y += lh * 0.5;
        let title = *self.rng.pick(&[
            "FACTURA SIMPLIFICADA",
            "Factura simplificada",
            "TICKET - FACTURA SIMPLIFICADA",
        ]);
        let title_w = self.c.measure(&bold, title)?.width;
        let title = if title_w > self.right - self.left {
            "FACTURA SIMPLIFICADA"
        } else {
            title
        };
        self.c.text_center(&bold, self.center, y, title)?;
        y += lh;
        let nl = *self
            .rng
            .pick(&["Nº:", "Ticket:", "Nº factura:", "Fra. simpl.:"]);
        self.c
            .text(&body, self.left, y, &format!("{nl} {}", inv.number))?;
        if let Some(q) = self.c.last_words_quad(1) {
            self.c.tag("invoice_number", &inv.number, q);
        }
        y += lh;
        let date = inv.issue.format(inv.date_format);
        let time = inv.time.clone().unwrap_or_default();
        let date_txt = format!("Fecha: {date}");
        let time_txt = format!("Hora: {time}");
        let fits = self
            .c
            .measure(&body, &format!("{date_txt}  {time_txt}"))?
            .width
            < self.right - self.left;
        self.c.text(&body, self.left, y, &date_txt)?;
        let n = date.split_whitespace().count();
        if let Some(q) = self.c.last_words_quad(n) {
            self.c.tag("issue_date", &date, q);
        }
        if fits {
            self.c.text_right(&body, self.right, y, &time_txt)?;
        } else {
            y += lh;
            self.c.text(&body, self.left, y, &time_txt)?;
        }
        y += lh * 0.6;
        self.rule(y);
        y += lh;
        // Items: description, then "qty x price" and the amount.
        let compact = self.rng.chance(0.5);
        for item in &inv.items {
            let qty = milli_es(item.qty_milli, item.weight);
            let unit = m.cell(item.unit_cents);
            let amount = m.cell(item.amount_cents);
            let amount_w = self.c.measure(&body, &amount)?.width;
            let one_unit = item.qty_milli == 1000 && !item.weight;
            if compact && one_unit {
                let avail = self.right - self.left - amount_w - body.size_px * 2.0;
                let lines = self.wrap(&item.description, avail)?;
                for (k, l) in lines.iter().enumerate() {
                    if k == 0 {
                        self.row(&body, y, l, &amount, "")?;
                    } else {
                        self.c.text(&body, self.left, y, l)?;
                    }
                    y += lh;
                }
            } else {
                for l in self.wrap(&item.description, self.right - self.left)? {
                    self.c.text(&body, self.left, y, &l)?;
                    y += lh;
                }
                let unit_txt = if item.weight {
                    format!("{qty} kg x {unit} €/kg")
                } else {
                    format!("{qty} x {unit}")
                };
                self.c
                    .text(&body, self.left + body.size_px * 1.2, y, &unit_txt)?;
                self.c.text_right(&body, self.right, y, &amount)?;
                y += lh;
            }
        }
        y -= lh * 0.4;
        self.rule(y);
        y += lh * 1.2;
        let big = bold.size((body.size_px * 1.3).round());
        let total = m.total(inv.total());
        self.row(&big, y, "TOTAL", &total, "total")?;
        y += lh * 1.4;
        if let Some(given) = inv.cash_given {
            self.row(&body, y, "Entregado", &m.cell(given), "")?;
            y += lh;
            self.row(&body, y, "Cambio", &m.cell(given - inv.total()), "")?;
            y += lh;
        }
        if let Some(label) = &inv.payment_label {
            let txt = format!("Pago: {label}");
            self.c.text(&body, self.left, y, &txt)?;
            let n = label.split_whitespace().count();
            if let Some(q) = self.c.last_words_quad(n) {
                self.c.tag("payment_method", label, q);
            }
            y += lh;
            if inv.payment == Some(PaymentMethod::Card) {
                let last4 = self.rng.range(1000, 9999);
                self.c.text(
                    &body,
                    self.left,
                    y,
                    &format!("Tarjeta **** **** **** {last4}"),
                )?;
                y += lh;
            }
        }
        y += lh * 0.3;
        // Tax breakdown: rate, base, cuota.
        let c2 = self.left + (self.right - self.left) * 0.62;
        let c3 = self.right;
        self.c.text(&bold, self.left, y, "IVA")?;
        self.c.text_right(&bold, c2, y, "Base")?;
        self.c.text_right(&bold, c3, y, "Cuota")?;
        y += lh;
        for t in &inv.taxes {
            self.c.text(&body, self.left, y, &format!("{}%", t.rate))?;
            let (base, cuota) = (m.cell(t.base), m.cell(t.cuota));
            let q = self.c.text_right(&body, c2, y, &base)?;
            if inv.taxes.len() == 1 {
                self.c.tag("subtotal", &base, q);
            }
            let q = self.c.text_right(&body, c3, y, &cuota)?;
            if inv.taxes.len() == 1 {
                self.c.tag("tax_total", &cuota, q);
            }
            y += lh;
        }
        if inv.taxes.len() > 1 {
            let sub = m.cell(inv.subtotal());
            let tax = m.cell(inv.tax_total());
            self.c.text(&bold, self.left, y, "Total")?;
            let q = self.c.text_right(&body, c2, y, &sub)?;
            self.c.tag("subtotal", &sub, q);
            let q = self.c.text_right(&body, c3, y, &tax)?;
            self.c.tag("tax_total", &tax, q);
            y += lh;
        }
        y += lh * 0.4;
        self.rule(y);
        y += lh;
        let thanks = *self.rng.pick(&[
            "Gracias por su visita",
            "¡Gracias por su compra!",
            "¡Vuelva pronto!",
        ]);
        self.c.text_center(&body, self.center, y, thanks)?;
        y += lh;
        self.c.text_center(&body, self.center, y, "IVA incluido")?;
        Ok(y)
    }
}
