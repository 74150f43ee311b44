//! Acceptance of the `image` module's deskew (issue 6): pages rotated by
//! known angles between −10° and 10° come back within ±0.5°, and OCR word
//! F1 on the straightened pages is no worse than on the straight originals
//! by more than 0.02. Native library and native OCR engine (the component
//! runs the same code; `image_component.rs` checks it there).

use grace_docgen::{
    degrade, generate, render_lines, Degradation, DocKind, FontFamily, FontSet, LinesSpec,
    TextStyle,
};
use grace_eval::metrics::WordScore;
use grace_image::{process, DecodeLimits, ImageOptions};
use grace_ocr::{OcrOptions, Profile};
use grace_tests::{native_engine, png_bytes};
use image::RgbImage;

const ANGLES: [f32; 12] = [
    -10.0, -8.3, -6.0, -4.5, -2.5, -1.0, 0.7, 1.8, 3.2, 5.5, 7.7, 10.0,
];

const LINES: &[&str] = &[
    "Factura simplificada 2024-0193",
    "Ferretería Muñoz e Hijos, S.L.",
    "Calle de la Ópera 12, 28013 Madrid",
    "2 x Tornillos M6 inoxidable 3,20 €",
    "1 x Llave inglesa 200 mm 12,95 €",
    "Base imponible 13,35 € IVA 21% 2,80 €",
    "Total a pagar 16,15 € Tarjeta",
    "Gracias por su visita",
];

/// Test pages: a rendered ticket and two generated invoices, with their text.
fn pages() -> Vec<(String, RgbImage, String)> {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let ticket = render_lines(
        &fonts,
        &LinesSpec::uniform(LINES, TextStyle::new(FontFamily::LiberationSans, 28.0)),
    )
    .unwrap();
    let mut out = vec![("ticket".to_string(), ticket.image, LINES.join("\n"))];
    for (kind, seed) in [(DocKind::Factura, 11), (DocKind::Ticket, 5)] {
        let doc = generate(kind, seed, Degradation::none()).unwrap();
        let text: Vec<&str> = doc.lines.iter().map(|l| l.text.as_str()).collect();
        out.push((format!("{kind:?} {seed}"), doc.image, text.join("\n")));
    }
    out
}

#[test]
fn rotated_pages_come_back_straight_and_read_as_well() {
    let mut ocr = native_engine();
    let ocr_options = OcrOptions::for_profile(Profile::Balanced);
    let options = ImageOptions::default();
    let limits = DecodeLimits::default();
    let mut straight = WordScore::new();
    let mut rotated = WordScore::new();
    let mut worst: f64 = 0.0;
    let mut misses = Vec::new();
    for (name, page, truth) in pages() {
        let read = |ocr: &mut grace_ocr::OcrEngine, img: &RgbImage| {
            ocr.read_image(img, &ocr_options).expect("ocr").text
        };
        straight.add(&read(&mut ocr, &page), &truth);
        for angle in ANGLES {
            let turned = degrade::rotate(&page, angle, &mut []);
            let out = process(&png_bytes(&turned), &options, &limits).expect("image module");
            let found = out.skew_degrees.expect("an estimate");
            let error = (found - f64::from(angle)).abs();
            worst = worst.max(error);
            println!("{name}: turned {angle:+.1}°, estimated {found:+.2}°, error {error:.2}°");
            if error > 0.5 {
                misses.push(format!("{name} {angle}°: estimated {found}°"));
            }
            let mut one = WordScore::new();
            one.add(&read(&mut ocr, &out.image), &truth);
            println!("{name}: {angle:+.1}° word F1 after deskew {:.3}", one.f1());
            rotated.merge(&one);
        }
    }
    println!(
        "deskew: worst error {worst:.2}° over {} pages x {} angles; word F1 straight {:.4}, rotated+deskewed {:.4}",
        straight.docs,
        ANGLES.len(),
        straight.f1(),
        rotated.f1()
    );
    assert!(
        misses.is_empty(),
        "estimates off by more than 0.5°: {misses:?}"
    );
    assert!(
        rotated.f1() >= straight.f1() - 0.02,
        "word F1 {:.4} on deskewed pages vs {:.4} straight",
        rotated.f1(),
        straight.f1()
    );
}
