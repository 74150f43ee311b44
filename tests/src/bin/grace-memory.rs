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

/// One input of one module.
struct Case {
    input: &'static str,
    data: Vec<u8>,
    media_type: &'static str,
    options: &'static str,
}

fn case(
    input: &'static str,
    data: Vec<u8>,
    media_type: &'static str,
    options: &'static str,
) -> Case {
    Case {
        input,
        data,
        media_type,
        options,
    }
}

/// Runs each case on a fresh instance of `module`, printing its row;
/// returns the peaks and the answers.
async fn measure(module: &LoadedModule, cases: Vec<Case>) -> (u64, Vec<Option<String>>) {
    let mut peak = 0;
    let mut answers = Vec::new();
    for Case {
        input,
        data,
        media_type,
        options,
    } in cases
    {
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
        let outcome = match &answer {
            Ok(out) => format!("ok, {} KiB out", out.document.len() / 1024),
            Err(e) => format!(
                "{}: {}",
                e.code(),
                e.message().chars().take(80).collect::<String>()
            ),
        };
        println!(
            "| {} | {input} | {:.1} | {} | {} | {secs:.1} | {outcome} |",
            module.name(),
            bytes as f64 / MIB as f64,
            memory.baseline / MIB,
            memory.peak / MIB,
        );
        peak = peak.max(memory.peak);
        answers.push(answer.ok().map(|out| out.document));
    }
    (peak, answers)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
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
    let photo12 = phone_photo(3024, 4032);
    let photo48 = phone_photo(6000, 8000);
    println!(
        "(the photos are {:.1} and {:.1} MiB)",
        photo12.len() as f64 / MIB as f64,
        photo48.len() as f64 / MIB as f64
    );
    let ticket = generate(
        DocKind::Ticket,
        7,
        grace_docgen::degrade::Degradation::none(),
    )
    .expect("fonts installed by cargo xtask setup")
    .png_bytes()
    .unwrap();
    let upload = 50 * MIB as usize;
    let photo_cases = || {
        vec![
            case(
                "12 MP phone photo (JPEG)",
                photo12.clone(),
                "image/jpeg",
                "{}",
            ),
            case(
                "48 MP phone photo (JPEG)",
                photo48.clone(),
                "image/jpeg",
                "{}",
            ),
        ]
    };
    println!("| module | input | input MiB | baseline MiB | peak MiB | s | outcome |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | --- |");
    // invoice-fields reads what ocr and pdf answered: those run first.
    let mut answers: Vec<String> = Vec::new();
    let mut peaks = Vec::new();
    for name in [
        "ocr",
        "image",
        "pdf",
        "invoice-fields",
        "hash",
        "lang",
        "translate",
    ] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let cases = match name {
            "ocr" => {
                let mut c = vec![case(
                    "generated ticket, as scanned (PNG)",
                    ticket.clone(),
                    "image/png",
                    "{}",
                )];
                c.extend(photo_cases());
                c.push(case(
                    "12 MP phone photo, accurate",
                    photo12.clone(),
                    "image/jpeg",
                    r#"{"profile":"accurate"}"#,
                ));
                c
            }
            "image" => photo_cases(),
            "pdf" => vec![
                case(
                    "50 text pages, 600 DPI, render always",
                    text_pdf(50),
                    "application/pdf",
                    r#"{"dpi":600,"render":"always"}"#,
                ),
                case(
                    "20 text pages, 600 DPI, render always",
                    text_pdf(20),
                    "application/pdf",
                    r#"{"dpi":600,"render":"always"}"#,
                ),
                case(
                    "50 scanned pages, 600 DPI",
                    scanned_pdf(50),
                    "application/pdf",
                    r#"{"dpi":600}"#,
                ),
                case(
                    "50 scanned pages, 150 DPI",
                    scanned_pdf(50),
                    "application/pdf",
                    "{}",
                ),
            ],
            "invoice-fields" => {
                // 100 KiB, not more: reading 1 MiB of text took 512 s (59 MiB).
                let text = "Factura F2024-0193 Total 1.493,82 EUR\n".repeat(100 * 1024 / 38);
                let mut c: Vec<Case> = std::mem::take(&mut answers)
                    .into_iter()
                    .map(|doc| {
                        case(
                            "an ocr or pdf answer",
                            doc.into_bytes(),
                            "application/json",
                            "{}",
                        )
                    })
                    .collect();
                c.push(case(
                    "100 KiB of text",
                    text.into_bytes(),
                    "text/plain",
                    "{}",
                ));
                c
            }
            "hash" => {
                let json = format!(
                    "[{}]",
                    vec!["{\"a\":1.5,\"b\":\"xyz\"}"; upload / 20].join(",")
                );
                vec![
                    case(
                        "50 MiB of bytes",
                        photo48.iter().copied().cycle().take(upload).collect(),
                        "application/octet-stream",
                        "{}",
                    ),
                    case(
                        "50 MiB JSON, canonical",
                        json.into_bytes(),
                        "application/json",
                        r#"{"canonical_json":true}"#,
                    ),
                ]
            }
            "lang" => {
                let text = "Der Rechnungsbetrag ist innerhalb von 14 Tagen zu zahlen. "
                    .repeat(upload / 59);
                vec![case(
                    "50 MiB of text",
                    text.into_bytes(),
                    "text/plain",
                    "{}",
                )]
            }
            _ => {
                let payload = serde_json::json!({"data": "x".repeat(upload - 1024)}).to_string();
                vec![case(
                    "50 MiB JSON payload",
                    payload.into_bytes(),
                    "application/json",
                    "{}",
                )]
            }
        };
        let module = LoadedModule::load(&engine, grace_tests::component_path(name), &options)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (peak, docs) = measure(&module, cases).await;
        if matches!(name, "ocr" | "pdf") {
            // The largest answer that succeeded, for invoice-fields.
            answers.extend(docs.into_iter().flatten().max_by_key(String::len));
        }
        peaks.push((name, peak));
    }
    println!();
    println!("peak linear memory per module (MiB):");
    for (name, peak) in peaks {
        println!("  {name}: {}", peak / MIB);
    }
}
