//! `cargo xtask bench --memory`: the peak linear memory of every module on
//! the largest realistic inputs the host's default limits let through, each
//! call on a fresh instance, printed as a table. The per-module memory
//! defaults (`MODULE_MEMORY_MIB` in `host/src/config.rs`) are these peaks
//! with headroom; docs/BENCHMARKS.md ("Module memory") has the figures.
//!
//! Inputs are generated (no dataset needed): phone photos of a generated
//! ticket at 12 and 48 megapixels with sensor grain, PDFs of 50 text pages
//! and of scanned pages rendered at the highest DPI, the OCR and pdf
//! outputs for `invoice-fields`, and 50 MiB (the upload limit) for the
//! modules that take any bytes.
//!
//! Usage: `grace-memory [--only MODULE]`.

use std::time::Instant;

use grace::{LoadedModule, ModuleInput};
use grace_docgen::{generate, DocKind};
use grace_pdfgen::{Document, Font};
use grace_tests::pdf_samples::{scanned_a4, text_page};
use image::RgbImage;

const MIB: u64 = 1 << 20;

/// A phone photo of a generated ticket: the page scaled to `width` x
/// `height`, with grain, as JPEG at quality 97 (about 10 MB at 12 MP, as a phone's).
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let doc = generate(
        DocKind::Ticket,
        7,
        grace_docgen::degrade::Degradation::none(),
    )
    .expect("fonts installed by cargo xtask setup");
    let page = image::imageops::resize(
        &doc.image,
        width * 7 / 10,
        height * 9 / 10,
        image::imageops::FilterType::Triangle,
    );
    // The ticket on a grey table, grain everywhere (a photo, not a scan).
    let mut photo = RgbImage::from_pixel(width, height, image::Rgb([120, 116, 110]));
    image::imageops::overlay(
        &mut photo,
        &page,
        (width * 15 / 100) as i64,
        (height / 20) as i64,
    );
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for p in photo.pixels_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let g = (x >> 58) as i16 - 32;
        for c in p.0.iter_mut() {
            *c = (*c as i16 + g).clamp(0, 255) as u8;
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 97)
        .encode_image(&photo)
        .expect("JPEG encodes");
    out
}

/// `pages` A4 text pages of 50 lines each.
fn text_pdf(pages: usize) -> Vec<u8> {
    let lines: Vec<String> = (0..50)
        .map(|i| format!("Line {i:02}: Factura F2024-{i:04} base imponible 1.234,56 EUR IVA 21 %"))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    Document::new(
        (0..pages)
            .map(|_| text_page(Font::Helvetica, &lines))
            .collect(),
    )
    .to_bytes()
}

/// `pages` scanned A4 pages (images only, so every page is rendered).
fn scanned_pdf(pages: usize) -> Vec<u8> {
    let lines = [
        "Factura F2024-0193",
        "Total: 1.493,82 EUR",
        "IBAN ES91 2100 0418 4502 0005 1332",
    ];
    Document::new((0..pages).map(|_| scanned_a4(&lines)).collect()).to_bytes()
}

struct Row {
    module: String,
    input: String,
    bytes: usize,
    baseline: u64,
    peak: u64,
    secs: f64,
    outcome: String,
}

async fn measure(
    module: &LoadedModule,
    input: &str,
    data: Vec<u8>,
    media_type: &str,
    options: &str,
) -> (Row, Option<String>) {
    let bytes = data.len();
    let started = Instant::now();
    let (answer, memory) = module
        .run_measured(ModuleInput {
            data,
            media_type: media_type.into(),
            options: options.into(),
        })
        .await;
    let secs = started.elapsed().as_secs_f64();
    let (outcome, document) = match answer {
        Ok(out) => (
            format!("ok, {} KiB out", out.document.len() / 1024),
            Some(out.document),
        ),
        Err(e) => (
            format!(
                "{}: {}",
                e.code(),
                e.message().chars().take(80).collect::<String>()
            ),
            None,
        ),
    };
    let row = Row {
        module: module.name().into(),
        input: input.into(),
        bytes,
        baseline: memory.baseline,
        peak: memory.peak,
        secs,
        outcome,
    };
    println!(
        "| {} | {} | {:.1} | {} | {} | {:.1} | {} |",
        row.module,
        row.input,
        row.bytes as f64 / MIB as f64,
        row.baseline / MIB,
        row.peak / MIB,
        row.secs,
        row.outcome
    );
    (row, document)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let engine = grace::GraceEngine::new().expect("engine");
    // Generous limits: the point is to see how far each module grows.
    let options = grace::LoadOptions {
        cache: grace::CompileCache::new(grace_tests::repo_root().join("data/cache")),
        limits: grace::Limits {
            memory_bytes: 4 << 30,
            deadline: std::time::Duration::from_secs(1800),
        },
        pool_size: 1,
        ..grace::LoadOptions::default()
    };
    let load = |name: &'static str| {
        let engine = engine.clone();
        let options = options.clone();
        async move {
            LoadedModule::load(&engine, grace_tests::component_path(name), &options)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        }
    };
    println!("| module | input | input MiB | baseline MiB | peak MiB | s | outcome |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | --- |");
    let mut rows = Vec::new();
    let photo12 = phone_photo(3024, 4032);
    println!(
        "(the 12 MP photo is {:.1} MiB)",
        photo12.len() as f64 / MIB as f64
    );
    let photo48 = phone_photo(6000, 8000);
    let mut ocr_json = None;
    if wanted("ocr") {
        let ocr = load("ocr").await;
        let ticket = generate(
            DocKind::Ticket,
            7,
            grace_docgen::degrade::Degradation::none(),
        )
        .expect("fonts installed by cargo xtask setup");
        rows.push(
            measure(
                &ocr,
                "generated ticket, as scanned (PNG)",
                ticket.png_bytes().unwrap(),
                "image/png",
                "{}",
            )
            .await
            .0,
        );
        let (row, doc) = measure(
            &ocr,
            "12 MP phone photo (JPEG)",
            photo12.clone(),
            "image/jpeg",
            "{}",
        )
        .await;
        rows.push(row);
        ocr_json = doc;
        rows.push(
            measure(
                &ocr,
                "48 MP phone photo (JPEG)",
                photo48.clone(),
                "image/jpeg",
                "{}",
            )
            .await
            .0,
        );
        rows.push(
            measure(
                &ocr,
                "12 MP phone photo, accurate",
                photo12.clone(),
                "image/jpeg",
                r#"{"profile":"accurate"}"#,
            )
            .await
            .0,
        );
    }
    if wanted("image") {
        let image = load("image").await;
        rows.push(
            measure(
                &image,
                "12 MP phone photo (JPEG)",
                photo12.clone(),
                "image/jpeg",
                "{}",
            )
            .await
            .0,
        );
        rows.push(
            measure(
                &image,
                "48 MP phone photo (JPEG)",
                photo48.clone(),
                "image/jpeg",
                "{}",
            )
            .await
            .0,
        );
    }
    let mut pdf_json = None;
    if wanted("pdf") || wanted("invoice-fields") {
        let pdf = load("pdf").await;
        let (row, doc) = measure(
            &pdf,
            "50 text pages, 600 DPI, render always",
            text_pdf(50),
            "application/pdf",
            r#"{"dpi":600,"render":"always"}"#,
        )
        .await;
        rows.push(row);
        pdf_json = doc;
        let (row, doc) = measure(
            &pdf,
            "20 text pages, 600 DPI, render always",
            text_pdf(20),
            "application/pdf",
            r#"{"dpi":600,"render":"always"}"#,
        )
        .await;
        rows.push(row);
        pdf_json = pdf_json.or(doc);
        rows.push(
            measure(
                &pdf,
                "50 scanned pages, 600 DPI",
                scanned_pdf(50),
                "application/pdf",
                r#"{"dpi":600}"#,
            )
            .await
            .0,
        );
        rows.push(
            measure(
                &pdf,
                "50 scanned pages, 150 DPI",
                scanned_pdf(50),
                "application/pdf",
                "{}",
            )
            .await
            .0,
        );
    }
    if wanted("invoice-fields") {
        let fields = load("invoice-fields").await;
        if let Some(doc) = ocr_json.take() {
            rows.push(
                measure(
                    &fields,
                    "OCR of the 12 MP photo",
                    doc.into_bytes(),
                    "application/json",
                    "{}",
                )
                .await
                .0,
            );
        }
        if let Some(doc) = pdf_json.take() {
            rows.push(
                measure(
                    &fields,
                    "pdf output of the text pages",
                    doc.into_bytes(),
                    "application/json",
                    "{}",
                )
                .await
                .0,
            );
        }
        // 100 KiB, not more: reading 1 MiB of text took 512 s (59 MiB).
        let text = "Factura F2024-0193 Total 1.493,82 EUR\n".repeat(100 * 1024 / 38);
        rows.push(
            measure(
                &fields,
                "100 KiB of text",
                text.into_bytes(),
                "text/plain",
                "{}",
            )
            .await
            .0,
        );
    }
    let upload = 50 * MIB as usize;
    if wanted("hash") {
        let hash = load("hash").await;
        rows.push(
            measure(
                &hash,
                "50 MiB of bytes",
                photo48.iter().copied().cycle().take(upload).collect(),
                "application/octet-stream",
                "{}",
            )
            .await
            .0,
        );
        let json = format!(
            "[{}]",
            vec!["{\"a\":1.5,\"b\":\"xyz\"}"; upload / 20].join(",")
        );
        rows.push(
            measure(
                &hash,
                "50 MiB JSON, canonical",
                json.into_bytes(),
                "application/json",
                r#"{"canonical_json":true}"#,
            )
            .await
            .0,
        );
    }
    if wanted("lang") {
        let lang = load("lang").await;
        let text = "Der Rechnungsbetrag ist innerhalb von 14 Tagen zu zahlen. ".repeat(upload / 59);
        rows.push(
            measure(
                &lang,
                "50 MiB of text",
                text.into_bytes(),
                "text/plain",
                "{}",
            )
            .await
            .0,
        );
    }
    if wanted("translate") {
        let translate = load("translate").await;
        let payload = serde_json::json!({"data": "x".repeat(upload - 1024)}).to_string();
        rows.push(
            measure(
                &translate,
                "50 MiB JSON payload",
                payload.into_bytes(),
                "application/json",
                "{}",
            )
            .await
            .0,
        );
    }
    println!();
    println!("peak linear memory per module (MiB):");
    let mut modules: Vec<&str> = rows.iter().map(|r| r.module.as_str()).collect();
    modules.dedup();
    for m in modules {
        let peak = rows
            .iter()
            .filter(|r| r.module == m)
            .map(|r| r.peak)
            .max()
            .unwrap_or(0);
        println!("  {m}: {}", peak / MIB);
    }
}
