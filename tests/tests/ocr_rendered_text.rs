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
