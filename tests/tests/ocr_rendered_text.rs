//! Images rendered by the test itself (several fonts and sizes, Spanish
//! accents, ñ, €, Spanish number formats) are read back exactly.
//!
//! `¿`, `¡` and capital `Ñ` are not in the PP-OCRv5 dictionary, so no text
//! here uses them (the README lists that limitation).

use grace_docgen::{render_lines, FontFamily, FontSet, LinesSpec, TextStyle};
use grace_ocr::{OcrOptions, Profile};
use grace_tests::{native_engine, png_bytes};

const LINES: &[&str] = &[
    "Factura 2024-0193",
    "Importe total: 1.234,56 €",
    "Señor José Muñoz Peña",
    "Calle de la Ópera 12, 28013 Madrid",
    "IVA 21% sobre 1.000,00 €",
    "Cuánto cuesta? Muchas gracias.",
    "Teléfono 912 345 678",
    "Año 2025: 987,65 EUR",
];

#[test]
fn rendered_lines_read_back_exactly() {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let mut engine = native_engine();
    let options = OcrOptions::for_profile(Profile::Balanced);
    let mut failures = Vec::new();
    let mut total = 0;
    for family in [
        FontFamily::DejaVuSans,
        FontFamily::LiberationSerif,
        FontFamily::LiberationSans,
        FontFamily::LiberationMono,
    ] {
        for size in [22.0, 32.0, 44.0] {
            let page = render_lines(
                &fonts,
                &LinesSpec::uniform(LINES, TextStyle::new(family, size)),
            )
            .expect("render");
            let out = engine
                .read(&png_bytes(&page.image), &options)
                .expect("read");
            let got: Vec<&str> = out.lines.iter().map(|l| l.text.as_str()).collect();
            for (i, want) in LINES.iter().enumerate() {
                total += 1;
                if got.get(i) != Some(want) {
                    failures.push(format!(
                        "{family:?} {size}px line {i}: want {want:?}, got {:?}",
                        got.get(i)
                    ));
                }
            }
            if got.len() != LINES.len() {
                failures.push(format!(
                    "{family:?} {size}px: {} lines read, {} rendered: {got:?}",
                    got.len(),
                    LINES.len()
                ));
            }
        }
    }
    println!(
        "rendered text: {} of {total} lines exact",
        total - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `LINES` rendered in DejaVu Sans at 32 px.
fn upright_page(fonts: &FontSet) -> image::RgbImage {
    render_lines(
        fonts,
        &LinesSpec::uniform(LINES, TextStyle::new(FontFamily::DejaVuSans, 32.0)),
    )
    .expect("render")
    .image
}

#[test]
fn a_page_turned_upside_down_reads_back_exactly() {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let page = image::imageops::rotate180(&upright_page(&fonts));
    let out = native_engine()
        .read(
            &png_bytes(&page),
            &OcrOptions::for_profile(Profile::Balanced),
        )
        .expect("read");
    // Case aside: a crop resampled from the turned page reads `José` as
    // `josé` here (every line of this page is classified, as it always was).
    let mut got: Vec<String> = out.lines.iter().map(|l| l.text.to_lowercase()).collect();
    let mut want: Vec<String> = LINES.iter().map(|l| l.to_lowercase()).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert!(out.lines.iter().all(|l| l.angle == 180), "{:?}", out.lines);
}

#[test]
fn one_upside_down_line_below_upright_ones_is_still_turned() {
    // Eight upright lines make the page count as upright, so the last line is
    // only classified because it reads poorly the wrong way up.
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let upright = upright_page(&fonts);
    let turned_text = "Total a pagar 98,70 €";
    let turned = image::imageops::rotate180(
        &render_lines(
            &fonts,
            &LinesSpec::uniform(&[turned_text], TextStyle::new(FontFamily::DejaVuSans, 32.0)),
        )
        .expect("render")
        .image,
    );
    let width = upright.width().max(turned.width());
    let mut page = image::RgbImage::from_pixel(
        width,
        upright.height() + turned.height(),
        image::Rgb([255, 255, 255]),
    );
    image::imageops::replace(&mut page, &upright, 0, 0);
    image::imageops::replace(&mut page, &turned, 0, i64::from(upright.height()));
    let out = native_engine()
        .read(
            &png_bytes(&page),
            &OcrOptions::for_profile(Profile::Balanced),
        )
        .expect("read");
    let got: Vec<(&str, u16)> = out
        .lines
        .iter()
        .map(|l| (l.text.as_str(), l.angle))
        .collect();
    let mut want: Vec<(&str, u16)> = LINES.iter().map(|l| (*l, 0)).collect();
    want.push((turned_text, 180));
    assert_eq!(got, want);
}
