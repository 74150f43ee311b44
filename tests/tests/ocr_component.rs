//! The `ocr` module as a WebAssembly component inside the host runtime:
//! describe, reading rendered Spanish text, byte-identical output across
//! fresh instances, and typed failures for bad input.

use std::sync::Arc;

use grace::{GraceEngine, LoadedModule, ModuleInput, RunError};
use grace_docgen::{render_lines, FontFamily, FontSet, LinesSpec, TextStyle};
use grace_tests::png_bytes;

/// Loads `modules/ocr.wasm` with its own pool.
async fn load_ocr(engine: &GraceEngine) -> LoadedModule {
    grace_tests::load_ocr_component(engine).await
}

fn sample_page() -> Vec<u8> {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let lines = [
        "Factura F2024-0193",
        "Base imponible 1.234,56 €",
        "Señora Muñoz, Cádiz",
    ];
    let page = render_lines(
        &fonts,
        &LinesSpec::uniform(&lines, TextStyle::new(FontFamily::DejaVuSans, 30.0)),
    )
    .unwrap();
    png_bytes(&page.image)
}

fn run_input(bytes: Vec<u8>) -> ModuleInput {
    ModuleInput::new(bytes).with_options(r#"{"timings": false}"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describes_itself_and_reads_rendered_spanish() {
    let engine = GraceEngine::new().unwrap();
    let ocr = load_ocr(&engine).await;
    let d = ocr.descriptor();
    assert_eq!(d.name, "ocr");
    assert!(d.media_types.iter().any(|m| m == "image/png"));
    assert_eq!(
        d.options_schema["properties"]["profile"]["default"],
        "balanced"
    );
    let out = ocr.run(run_input(sample_page())).await.expect("reads");
    let doc: serde_json::Value = serde_json::from_str(&out.document).unwrap();
    assert_eq!(
        doc["text"],
        "Factura F2024-0193\nBase imponible 1.234,56 €\nSeñora Muñoz, Cádiz"
    );
    assert_eq!(doc["profile"], "balanced");
    assert_eq!(
        doc["model"]["recognition"]["sha256"],
        "22edcdb81193286bd1f2c34069d4dc4296d3ac268fc736b4a83bba3eaae26dbb"
    );
    assert!(doc.get("timings_ms").is_none());
    assert!(out.confidence.unwrap() > 0.8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_file_in_two_fresh_instances_gives_identical_bytes() {
    let engine = GraceEngine::new().unwrap();
    let page = sample_page();
    let first = load_ocr(&engine)
        .await
        .run(run_input(page.clone()))
        .await
        .unwrap();
    let second_module = load_ocr(&engine).await;
    let second = second_module.run(run_input(page.clone())).await.unwrap();
    // And a warm instance gives the same bytes as a fresh one.
    let third = second_module.run(run_input(page)).await.unwrap();
    assert_eq!(first.document, second.document);
    assert_eq!(second.document, third.document);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preinitialized_component_reads_like_the_plain_build() {
    let installed = grace_tests::component_path("ocr");
    let plain = grace_tests::built_component_path("ocr");
    assert_ne!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(&plain).unwrap(),
        "cargo xtask setup installs {} pre-initialized, not as built",
        installed.display()
    );
    let engine = GraceEngine::new().unwrap();
    let snapshot = grace_tests::load_component_file(&engine, &installed).await;
    let built = grace_tests::load_component_file(&engine, &plain).await;
    // A text page, and a tall blank one whose detection canvas the warm-up did not plan.
    let tall = png_bytes(&image::RgbImage::from_pixel(
        500,
        2300,
        image::Rgb([255, 255, 255]),
    ));
    for page in [sample_page(), tall] {
        let a = snapshot.run(run_input(page.clone())).await.unwrap();
        let b = built.run(run_input(page)).await.unwrap();
        assert_eq!(a.document, b.document);
        assert_eq!(a.warnings, b.warnings);
    }
}

/// Twelve rendered lines: enough for the host to share them between two instances.
fn long_page() -> Vec<u8> {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let lines: Vec<String> = (1..=12)
        .map(|i| format!("Línea {i}: {i},{:02} € por unidad", i * 7 % 100))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let page = render_lines(
        &fonts,
        &LinesSpec::uniform(&lines, TextStyle::new(FontFamily::LiberationSans, 28.0)),
    )
    .unwrap();
    png_bytes(&page.image)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_shared_between_two_instances_reads_like_one() {
    let engine = GraceEngine::new().unwrap();
    let path = grace_tests::component_path("ocr");
    let shared = Arc::new(grace_tests::load_component_pooled(&engine, &path, 2).await);
    assert!(shared.descriptor().splits());
    let single = load_ocr(&engine).await;
    let mut pages = vec![
        ("three lines", sample_page()),
        ("twelve lines", long_page()),
    ];
    match grace_eval::datasets::sroie_dev_dir() {
        Some(dir) => {
            let docs = grace_eval::datasets::sroie::load(&dir).expect("dataset loads");
            pages.push(("SROIE receipt", std::fs::read(&docs[0].image).unwrap()));
        }
        None => grace_tests::report_skip(
            "a_page_shared_between_two_instances_reads_like_one (SROIE part)",
            "../shared/datasets/sroie-dev is absent",
        ),
    }
    let mut twelve_line_calls = 0;
    for (name, page) in pages {
        let calls_before = shared.pool_stats().calls;
        let a = shared.run_shared(run_input(page.clone())).await.unwrap();
        if name == "twelve lines" {
            twelve_line_calls = shared.pool_stats().calls - calls_before;
        }
        let b = single.run(run_input(page)).await.unwrap();
        assert_eq!(a.document, b.document, "{name}");
        assert_eq!(
            (a.confidence, &a.warnings),
            (b.confidence, &b.warnings),
            "{name}"
        );
    }
    // Both instances took part: a plan, two parts and a join on twelve
    // lines (counted on that page alone, so the figure holds whether or not
    // the SROIE page ran).
    let stats = shared.pool_stats();
    assert_eq!(stats.created, 2, "{stats:?}");
    assert!(
        twelve_line_calls >= 4,
        "{twelve_line_calls} calls, {stats:?}"
    );

    // Bad input fails in the plan, typed, and the caller's own stage is not split again.
    let err = shared
        .run_shared(run_input(b"not an image".to_vec()))
        .await
        .unwrap_err();
    assert!(matches!(err, RunError::InvalidInput(_)), "{err:?}");
    let plan = shared
        .run_shared(ModuleInput::new(sample_page()).with_options(r#"{"split": "plan"}"#))
        .await
        .unwrap();
    let plan: serde_json::Value = serde_json::from_str(&plan.document).unwrap();
    assert_eq!(plan["parts"].as_array().unwrap().len(), 3, "{plan}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gives_typed_invalid_input() {
    let engine = GraceEngine::new().unwrap();
    let ocr = load_ocr(&engine).await;
    let mut truncated_jpeg = Vec::new();
    image::RgbImage::from_pixel(200, 100, image::Rgb([200, 10, 10]))
        .write_to(
            &mut std::io::Cursor::new(&mut truncated_jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    truncated_jpeg.truncate(truncated_jpeg.len() / 2);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "empty"),
        ("truncated JPEG", truncated_jpeg, "JPEG"),
        (
            "PNG declaring 100000x100000",
            grace_ocr::decode::forged_png_header(100_000, 100_000),
            "limit",
        ),
        (
            "text named .jpg",
            b"Total: 12,50 EUR\nGracias por su visita\n".to_vec(),
            "not an image",
        ),
    ];
    for (name, bytes, needle) in cases {
        // The host would sniff a media type; the module must not trust it.
        let input = ModuleInput {
            data: bytes,
            media_type: "image/jpeg".into(),
            options: "{}".into(),
        };
        match ocr.run(input).await {
            Err(RunError::InvalidInput(message)) => {
                assert!(
                    message.contains(needle),
                    "{name}: message {message:?} should mention {needle:?}"
                )
            }
            other => panic!("{name}: expected invalid-input, got {other:?}"),
        }
    }
    // The instance survived all of that (no trap) and still reads.
    assert!(ocr.run(run_input(sample_page())).await.is_ok());
    assert_eq!(ocr.pool_stats().discarded, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_options_are_invalid_input() {
    let engine = GraceEngine::new().unwrap();
    let ocr = load_ocr(&engine).await;
    let input = ModuleInput::new(sample_page()).with_options(r#"{"profile": "turbo"}"#);
    assert!(matches!(ocr.run(input).await, Err(RunError::InvalidInput(m)) if m.contains("turbo")));
}
