//! The `pdf` library on PDFs the test writes itself: text layers in five
//! fonts with accented Spanish, several pages, page selection and limits,
//! encryption, and truncated or corrupt files.

use grace_pdf::{read_pdf, PageSelection, PdfError, PdfOptions, RenderMode, Source};
use grace_pdfgen::Document;
use grace_tests::pdf_samples::{
    spanish_fonts_pdf, test_fonts, text_page, three_pages_pdf, three_pages_text, SPANISH,
};

fn read(pdf: &[u8]) -> Result<grace_pdf::PdfOutput, PdfError> {
    read_pdf(pdf, &PdfOptions::default())
}

#[test]
fn text_layer_in_every_font_matches_the_known_text() {
    let out = read(&spanish_fonts_pdf()).expect("reads");
    let fonts = test_fonts();
    assert_eq!(out.page_count, fonts.len());
    let expected = SPANISH.join("\n");
    for (page, font) in out.pages.iter().zip(&fonts) {
        let name = match font {
            grace_pdfgen::Font::TrueType { name, .. } => name.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(page.source, Source::TextLayer, "{name}");
        assert_eq!(page.text, expected, "{name}");
        assert!(page.image.is_none(), "{name}: no image unless asked");
        // 150 DPI: A4 (595 x 842 pt) is 1240 x 1754 pixels; text starts one inch in.
        assert_eq!((page.page.width, page.page.height), (1240, 1754));
        let first = &page.lines[0];
        assert_eq!(first.words[0].text, "Factura", "{name}");
        let [x, y] = first.bbox[0];
        assert!((x - 150.0).abs() < 2.0, "{name}: line starts at x={x}");
        // 12 pt at 150 DPI is 25 px; the first baseline is 84 pt = 175 px down.
        assert!(
            (y - (175.0 - 0.8 * 25.0)).abs() < 2.0,
            "{name}: line top at y={y}"
        );
        let last_word = first.words.last().unwrap();
        assert!(last_word.bbox[1][0] > first.words[0].bbox[1][0]);
        assert!(first.confidence == 1.0 && first.angle == 0);
    }
    assert!(out.text.starts_with("Factura nº F2024-0193\n¿Dónde está"));
}

#[test]
fn three_pages_give_three_pages_and_ranges_select() {
    let pdf = three_pages_pdf().to_bytes();
    let out = read(&pdf).unwrap();
    assert_eq!(out.page_count, 3);
    assert_eq!(out.pages.len(), 3);
    for (i, page) in out.pages.iter().enumerate() {
        assert_eq!(page.number, i + 1);
        assert_eq!(page.text, three_pages_text(i + 1));
    }
    let opts = PdfOptions {
        pages: PageSelection::parse("3,2").unwrap(),
        ..PdfOptions::default()
    };
    let some = read_pdf(&pdf, &opts).unwrap();
    let numbers: Vec<usize> = some.pages.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [2, 3]);
    assert_eq!(some.page_count, 3);
}

#[test]
fn page_limit_and_dpi() {
    let pdf = three_pages_pdf().to_bytes();
    let limited = PdfOptions {
        page_limit: 2,
        ..PdfOptions::default()
    };
    let err = read_pdf(&pdf, &limited).unwrap_err();
    assert_eq!(
        err,
        PdfError::TooManyPages {
            selected: 3,
            limit: 2
        }
    );
    assert!(err.to_string().contains("page_limit of 2"), "{err}");
    let sharp = PdfOptions {
        dpi: 300,
        render: RenderMode::Always,
        pages: PageSelection::parse("1").unwrap(),
        ..PdfOptions::default()
    };
    let out = read_pdf(&pdf, &sharp).unwrap();
    assert_eq!(
        (out.pages[0].page.width, out.pages[0].page.height),
        (2479, 3508)
    );
    let image = out.pages[0].image.as_ref().expect("render: always");
    assert_eq!((image.width, image.height), (2479, 3508));
    assert_eq!(out.pages[0].source, Source::TextLayer);
}

#[test]
fn encrypted_pdf_needs_its_password() {
    let pdf = Document::new(vec![text_page(grace_pdfgen::Font::TimesRoman, &SPANISH)])
        .encrypted("secreto")
        .to_bytes();
    assert_eq!(read(&pdf).unwrap_err(), PdfError::PasswordRequired);
    let with = |password: &str| PdfOptions {
        password: Some(password.into()),
        ..PdfOptions::default()
    };
    assert_eq!(
        read_pdf(&pdf, &with("abierto")).unwrap_err(),
        PdfError::WrongPassword
    );
    let out = read_pdf(&pdf, &with("secreto")).unwrap();
    assert_eq!(out.text, SPANISH.join("\n"));
    assert!(PdfError::PasswordRequired
        .to_string()
        .contains("\"password\" option"));
}

#[test]
fn truncated_corrupt_and_foreign_files_are_typed_errors() {
    let pdf = three_pages_pdf().to_bytes();
    for cut in [pdf.len() / 2, pdf.len() - 10, 200] {
        assert_eq!(
            read(&pdf[..cut]).unwrap_err(),
            PdfError::Truncated,
            "cut at {cut}"
        );
    }
    assert_eq!(read(b"").unwrap_err(), PdfError::Empty);
    assert_eq!(
        read(b"Total: 12,50 EUR\n%%EOF").unwrap_err(),
        PdfError::NotPdf
    );
    let garbage = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    assert!(
        matches!(read(garbage).unwrap_err(), PdfError::Corrupt(_)),
        "a catalog without pages"
    );
    // Bytes flipped through the middle of the file: an error or a reading, never a panic.
    for seed in 0..20u32 {
        let mut damaged = pdf.clone();
        let start = pdf.len() / 4;
        for i in (start..pdf.len() - 40).step_by(37 + seed as usize) {
            damaged[i] = damaged[i].wrapping_mul(31).wrapping_add(seed as u8);
        }
        let _ = read(&damaged);
    }
}

#[test]
fn same_input_gives_identical_json() {
    let pdf = spanish_fonts_pdf();
    let opts = PdfOptions {
        render: RenderMode::Always,
        pages: PageSelection::parse("1,4").unwrap(),
        ..PdfOptions::default()
    };
    let a = serde_json::to_string(&read_pdf(&pdf, &opts).unwrap()).unwrap();
    let b = serde_json::to_string(&read_pdf(&pdf, &opts).unwrap()).unwrap();
    assert_eq!(a, b);
}
