//! Images rendered by the test itself (several fonts and sizes, Spanish
//! accents, ñ, €, Spanish number formats) are read back exactly.
//!
//! `¿`, `¡` and capital `Ñ` are not in the PP-OCRv5 dictionary, so no text
//! here uses them (the README lists that limitation).

use grace_docgen::{render_lines, FontFamily, FontSet, LinesSpec, TextStyle};
use grace_ocr::split::{self, StageAnswer};
use grace_ocr::{OcrEngine, OcrError, OcrOptions, Profile};
use grace_tests::{native_engine, png_bytes};
use serde_json::{json, Value};

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

const TURNED_TEXT: &str = "Total a pagar 98,70 €";

/// [`upright_page`] with one more line, [`TURNED_TEXT`], upside down below it.
fn page_with_a_turned_last_line(fonts: &FontSet) -> image::RgbImage {
    let upright = upright_page(fonts);
    let turned = image::imageops::rotate180(
        &render_lines(
            fonts,
            &LinesSpec::uniform(&[TURNED_TEXT], TextStyle::new(FontFamily::DejaVuSans, 32.0)),
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
    page
}

#[test]
fn one_upside_down_line_below_upright_ones_is_still_turned() {
    // Eight upright lines make the page count as upright, so the last line is
    // only classified because it reads poorly the wrong way up.
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let page = page_with_a_turned_last_line(&fonts);
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
    want.push((TURNED_TEXT, 180));
    assert_eq!(got, want);
}

/// Runs one `split` stage natively, as the component would.
fn stage(engine: &mut OcrEngine, data: &[u8], options: Value) -> Result<String, OcrError> {
    match split::run(engine, data, options.as_object().expect("object"))? {
        StageAnswer::Page(out) => Ok(serde_json::to_string(&out).expect("json")),
        StageAnswer::Intermediate(doc) => Ok(doc),
    }
}

/// Plans `png`, reads its lines in `parts` contiguous runs, joins them.
fn read_in_parts(engine: &mut OcrEngine, png: &[u8], profile: &str, parts: usize) -> String {
    let plan: Value = serde_json::from_str(
        &stage(
            engine,
            png,
            json!({"profile": profile, "timings": false, "split": "plan"}),
        )
        .expect("plan"),
    )
    .expect("plan json");
    let lines = plan["parts"].as_array().expect("parts");
    let chunk = lines.len().div_ceil(parts).max(1);
    let (mut results, mut summaries) = (Vec::new(), Vec::new());
    for run in lines.chunks(chunk) {
        let options = json!({"profile": profile, "timings": false, "split": "part",
            "split_parts": run, "split_context": plan["context"]});
        let part: Value =
            serde_json::from_str(&stage(engine, png, options).expect("part")).expect("part json");
        results.extend(part["results"].as_array().expect("results").iter().cloned());
        summaries.push(part["summary"].clone());
    }
    let join = json!({"context": plan["context"], "results": results, "summaries": summaries});
    stage(
        engine,
        join.to_string().as_bytes(),
        json!({"profile": profile, "timings": false, "split": "join"}),
    )
    .expect("join")
}

#[test]
fn a_page_read_in_parts_equals_the_whole_read() {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let mut engine = native_engine();
    let pages = [
        ("upright", upright_page(&fonts)),
        ("turned", image::imageops::rotate180(&upright_page(&fonts))),
        ("one turned line", page_with_a_turned_last_line(&fonts)),
    ];
    for (name, page) in &pages {
        let png = png_bytes(page);
        for profile in ["balanced", "fast"] {
            let whole = stage(
                &mut engine,
                &png,
                json!({"profile": profile, "timings": false}),
            )
            .expect("whole read");
            // `fast` skips the orientation check: the turned page reads nothing.
            if profile == "balanced" {
                assert!(whole.contains("Muñoz"), "{name}: {whole}");
            }
            for parts in [1, 2, 3, 20] {
                assert_eq!(
                    read_in_parts(&mut engine, &png, profile, parts),
                    whole,
                    "{name}, {profile}, {parts} parts"
                );
            }
        }
    }
}

#[test]
fn malformed_split_stages_are_typed_errors() {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let mut engine = native_engine();
    let png = png_bytes(&upright_page(&fonts));
    let small = png_bytes(&image::RgbImage::from_pixel(
        64,
        64,
        image::Rgb([255, 255, 255]),
    ));
    let plan: Value = serde_json::from_str(
        &stage(
            &mut engine,
            &png,
            json!({"split": "plan", "timings": false}),
        )
        .expect("plan"),
    )
    .expect("plan json");
    let cases = [
        (
            png.clone(),
            json!({"split": "merge"}),
            "unknown split stage",
        ),
        (png.clone(), json!({"split": 3}), "must be a string"),
        (
            png.clone(),
            json!({"split": "part"}),
            "needs \"split_parts\"",
        ),
        (
            png.clone(),
            json!({"split": "part", "split_parts": "x", "split_context": plan["context"]}),
            "malformed",
        ),
        (
            small,
            json!({"split": "part", "split_parts": plan["parts"], "split_context": plan["context"]}),
            "the plan's page",
        ),
        (
            b"{\"results\": 1}".to_vec(),
            json!({"split": "join"}),
            "not a split result",
        ),
        (
            png.clone(),
            json!({"split": "plan", "profil": "fast"}),
            "unknown option",
        ),
    ];
    for (data, options, want) in cases {
        let err = stage(&mut engine, &data, options.clone()).expect_err("must fail");
        assert!(
            matches!(err, OcrError::InvalidInput(_) | OcrError::InvalidOptions(_)),
            "{options}: {err:?}"
        );
        assert!(err.to_string().contains(want), "{options}: {err}");
    }
}
