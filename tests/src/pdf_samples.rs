//! PDFs the `pdf` tests and the bench generate themselves, with the text they carry.

use grace_docgen::{render_lines, FontFamily, FontSet, LinesSpec, TextStyle};
use grace_pdfgen::{Document, Font, Page, PageImage, PageSize};

/// Accented Spanish lines covering á é í ó ú ñ ü ¿ ¡ € and their capitals.
pub const SPANISH: [&str; 5] = [
    "Factura nº F2024-0193",
    "¿Dónde está el camión? ¡Qué pingüino!",
    "Señora Muñoz, Cádiz",
    "ÁÉÍÓÚ Ññ Üü Base imponible 1.234,56 €",
    "Total: 1.493,82 €",
];

/// The fonts the text-layer tests cover: three standard 14 fonts and two
/// embedded TrueType fonts from the system font packages.
pub fn test_fonts() -> Vec<Font> {
    let embedded = |family: FontFamily, name: &str| {
        let path = std::path::Path::new(grace_docgen::font::SYSTEM_FONT_DIR)
            .join(family.relative_path(false));
        Font::TrueType {
            name: name.into(),
            data: std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask setup`", path.display())),
        }
    };
    vec![
        Font::Helvetica,
        Font::TimesRoman,
        Font::CourierBold,
        embedded(FontFamily::DejaVuSans, "DejaVuSans"),
        embedded(FontFamily::LiberationSerif, "LiberationSerif"),
    ]
}

/// An A4 page with `lines` in `font` at 12 pt from one inch in.
pub fn text_page(font: Font, lines: &[&str]) -> Page {
    Page::new(PageSize::A4).lines(font, 12.0, 72.0, 72.0, lines)
}

/// A PDF of one text page per font, each carrying [`SPANISH`].
pub fn spanish_fonts_pdf() -> Vec<u8> {
    let pages = test_fonts()
        .into_iter()
        .map(|f| text_page(f, &SPANISH))
        .collect();
    Document::new(pages).to_bytes()
}

/// The text of page `n` (1-based) of [`three_pages_pdf`].
pub fn three_pages_text(n: usize) -> String {
    format!("Página {n} de 3\nImporte: {n}00,00 €")
}

/// Three text pages in Helvetica.
pub fn three_pages_pdf() -> Document {
    Document::new(
        (1..=3)
            .map(|n| {
                let text = three_pages_text(n);
                let lines: Vec<&str> = text.lines().collect();
                text_page(Font::Helvetica, &lines)
            })
            .collect(),
    )
}

/// A scanned-style page: `lines` rendered to an image by the document
/// generator, embedded as the page's only content, with the page sized so
/// that 150 DPI gives the image back pixel for pixel.
pub fn scanned_page(lines: &[&str], width_px: u32) -> Page {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let mut spec = LinesSpec::uniform(lines, TextStyle::new(FontFamily::DejaVuSans, 30.0));
    spec.width = Some(width_px);
    let rendered = render_lines(&fonts, &spec).expect("lines render");
    image_page(rendered.image)
}

/// Points for `px` pixels of an image scanned at 150 DPI.
fn points(px: f32) -> f32 {
    px * 72.0 / 150.0
}

/// A page whose only content is `image`, sized so that 150 DPI gives the
/// image back pixel for pixel.
fn image_page(image: image::RgbImage) -> Page {
    Page {
        size: PageSize {
            width: points(image.width() as f32),
            height: points(image.height() as f32),
        },
        runs: Vec::new(),
        rects: Vec::new(),
        image: Some(PageImage {
            width: image.width(),
            height: image.height(),
            channels: 3,
            samples: image.into_raw(),
        }),
    }
}

/// A whole A4 page scanned at 150 DPI (1240 x 1754 pixels) with `lines` at the top.
pub fn scanned_a4(lines: &[&str]) -> Page {
    let mut page = scanned_page(lines, 1240);
    let image = page.image.as_mut().expect("an image page");
    let (w, h) = (1240usize, 1754usize);
    let mut samples = vec![255u8; w * h * 3];
    let rows = (image.height as usize).min(h);
    samples[..rows * w * 3].copy_from_slice(&image.samples[..rows * w * 3]);
    *image = PageImage {
        width: w as u32,
        height: h as u32,
        channels: 3,
        samples,
    };
    page.size = PageSize::A4;
    page
}

/// A generated document (rendered at 150 DPI) as a two-page PDF: the part
/// above the gap between lines nearest the middle becomes a scanned page
/// (the image itself), the rest a text layer in Helvetica at the generator's
/// positions. Returns the PDF and the split row in image pixels.
pub fn scan_then_text_pdf(doc: &grace_docgen::GeneratedDoc) -> (Document, u32) {
    let top = |l: &grace_docgen::TruthLine| l.quad.iter().map(|p| p[1]).fold(f32::MAX, f32::min);
    let bottom = |l: &grace_docgen::TruthLine| l.quad.iter().map(|p| p[1]).fold(0.0, f32::max);
    let middle = doc.image.height() as f32 / 2.0;
    let first_below = doc
        .lines
        .iter()
        .map(top)
        .filter(|&t| t >= middle)
        .fold(f32::MAX, f32::min);
    let above = doc
        .lines
        .iter()
        .filter(|l| top(l) < first_below)
        .map(bottom)
        .fold(0.0, f32::max);
    let split = ((above + first_below) / 2.0).round() as u32;

    let width = doc.image.width();
    let scanned = image_page(image::imageops::crop_imm(&doc.image, 0, 0, width, split).to_image());
    let mut text = Page::new(PageSize {
        width: points(width as f32),
        height: points((doc.image.height() - split) as f32),
    });
    for l in doc.lines.iter().filter(|l| top(l) >= split as f32) {
        // The run's box spans ascenders to descenders: about 1.15 font sizes.
        let size = points(bottom(l) - top(l)) / 1.15;
        let x = l.quad.iter().map(|p| p[0]).fold(f32::MAX, f32::min);
        text.runs.push(grace_pdfgen::TextRun {
            font: Font::Helvetica,
            size,
            x: points(x),
            baseline: points(bottom(l) - split as f32) - 0.2 * size,
            text: l.text.clone(),
            color: [0, 0, 0],
        });
    }
    (Document::new(vec![scanned, text]), split)
}
