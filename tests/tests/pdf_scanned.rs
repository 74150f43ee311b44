//! A scanned-style PDF (an image as the page's only content) goes through
//! render → OCR and reads its text; a mixed document keeps its text layer
//! where it has one.

use base64::Engine as _;
use grace_ocr::{OcrOptions, Profile};
use grace_pdf::{read_pdf, PdfOptions, Source};
use grace_pdfgen::{Document, Font};
use grace_tests::pdf_samples::{scanned_page, text_page};

const LINES: [&str; 3] = [
    "Factura F2024-0193",
    "Base imponible 1.234,56 €",
    "Señora Muñoz, Cádiz",
];

#[test]
fn scanned_page_renders_and_ocr_reads_it() {
    let pdf = Document::new(vec![
        scanned_page(&LINES, 900),
        text_page(Font::Helvetica, &["Página con texto"]),
    ])
    .to_bytes();
    let out = read_pdf(&pdf, &PdfOptions::default()).unwrap();
    assert_eq!(out.pages.len(), 2);
    let scanned = &out.pages[0];
    assert_eq!(scanned.source, Source::Image);
    assert!(scanned.lines.is_empty() && scanned.text.is_empty());
    let image = scanned.image.as_ref().expect("a rendered image");
    assert_eq!(image.media_type, "image/png");
    assert_eq!(image.width, 900);
    assert_eq!(out.pages[1].source, Source::TextLayer);
    assert_eq!(out.pages[1].text, "Página con texto");

    let png = base64::engine::general_purpose::STANDARD
        .decode(&image.base64)
        .unwrap();
    let mut engine = grace_tests::native_engine();
    let read = engine
        .read(&png, &OcrOptions::for_profile(Profile::Balanced))
        .expect("OCR reads");
    assert_eq!(read.text, LINES.join("\n"));
    assert_eq!(
        (read.page.width, read.page.height),
        (image.width, image.height)
    );
}

#[test]
fn a_few_characters_stamped_on_a_scan_do_not_count_as_a_text_layer() {
    let mut page = scanned_page(&LINES, 900);
    page.runs = text_page(Font::Helvetica, &["Pág. 1"]).runs;
    let pdf = Document::new(vec![page]).to_bytes();
    let out = read_pdf(&pdf, &PdfOptions::default()).unwrap();
    assert_eq!(out.pages[0].source, Source::Image);
    assert!(out.pages[0].image.is_some());
}
