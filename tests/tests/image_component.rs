//! The `image` module as a WebAssembly component inside the host runtime:
//! describe, options schema against what the module accepts, byte-identical
//! output across fresh instances, typed failures for bad input.

use grace::{GraceEngine, ModuleInput, RunError};
use grace_docgen::{render_lines, FontFamily, FontSet, LinesSpec, TextStyle};
use grace_tests::{load_component, png_bytes, validate_schema};
use serde_json::{json, Value};

/// A small rendered page turned by 4°.
fn skewed_page() -> Vec<u8> {
    let fonts = FontSet::system().expect("fonts installed by cargo xtask setup");
    let lines = [
        "Factura F2024-0193",
        "Base imponible 1.234,56 €",
        "Total 1.493,82 €",
    ];
    let page = render_lines(
        &fonts,
        &LinesSpec::uniform(&lines, TextStyle::new(FontFamily::DejaVuSans, 26.0)),
    )
    .unwrap();
    png_bytes(&grace_docgen::degrade::rotate(&page.image, 4.0, &mut []))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describes_itself_and_straightens_a_page() {
    let engine = GraceEngine::new().unwrap();
    let module = load_component(&engine, "image").await;
    let d = module.descriptor();
    assert_eq!(d.name, "image");
    assert!(d.accepts("image/jpeg") && !d.accepts("application/pdf"));
    let out = module
        .run(ModuleInput::new(skewed_page()).with_options(r#"{"crop": true, "grayscale": true}"#))
        .await
        .expect("cleans");
    let doc: Value = serde_json::from_str(&out.document).unwrap();
    validate_schema(&d.output_schema, &doc).expect("output matches its schema");
    let skew = doc["skew_degrees"].as_f64().unwrap();
    assert!((skew - 4.0).abs() <= 0.5, "skew {skew}");
    assert_eq!(doc["channels"], "gray");
    let steps: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["exif_orientation", "deskew", "crop", "grayscale"]);
    // The image in the document is a PNG of the size it reports.
    let png = grace_translate::decode_content(doc["image_base64"].as_str().unwrap())
        .unwrap()
        .0;
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!(
        json!([img.width(), img.height()]),
        json!([doc["width"], doc["height"]])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_schema_matches_what_the_module_accepts() {
    let engine = GraceEngine::new().unwrap();
    let module = load_component(&engine, "image").await;
    let schema = module.descriptor().options_schema.clone();
    let page = skewed_page();
    let cases = [
        json!({}),
        json!({"deskew": false, "include_image": false}),
        json!({"binarize": true, "denoise": true, "contrast": true}),
        json!({"max_skew_degrees": 5}),
        json!({"resize": {"max_side": 200}}),
        json!({"resize": {"scale": 0.5}}),
        json!({"deskew": "yes"}),
        json!({"max_skew_degrees": 0}),
        json!({"max_skew_degrees": 60}),
        json!({"resize": {"scale": 9}}),
        json!({"resize": {"width": 10, "height": 10}}),
        json!({"resize": {}}),
        json!({"sharpen": true}),
    ];
    for options in cases {
        let valid = validate_schema(&schema, &options).is_ok();
        let input = ModuleInput::new(page.clone()).with_options(options.to_string());
        let accepted = match module.run(input).await {
            Ok(_) => true,
            Err(RunError::InvalidInput(m)) if m.starts_with("invalid options") => false,
            other => panic!("{options}: {other:?}"),
        };
        assert_eq!(
            valid, accepted,
            "{options}: schema says {valid}, module says {accepted}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_input_gives_identical_bytes_in_fresh_instances() {
    let engine = GraceEngine::new().unwrap();
    let page = skewed_page();
    let opts = r#"{"crop": true, "contrast": true, "denoise": true, "binarize": true}"#;
    let first = load_component(&engine, "image")
        .await
        .run(ModuleInput::new(page.clone()).with_options(opts))
        .await
        .unwrap();
    let module = load_component(&engine, "image").await;
    let second = module
        .run(ModuleInput::new(page.clone()).with_options(opts))
        .await
        .unwrap();
    let third = module
        .run(ModuleInput::new(page).with_options(opts))
        .await
        .unwrap();
    assert_eq!(first.document, second.document);
    assert_eq!(second.document, third.document);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gives_typed_invalid_input() {
    let engine = GraceEngine::new().unwrap();
    let module = load_component(&engine, "image").await;
    let mut truncated = skewed_page();
    truncated.truncate(truncated.len() / 2);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "empty"),
        ("truncated PNG", truncated, "PNG"),
        (
            "PNG declaring 100000x100000",
            grace_image::decode::forged_png_header(100_000, 100_000),
            "limit",
        ),
        ("text", b"Total: 12,50 EUR\n".to_vec(), "not an image"),
    ];
    for (name, bytes, needle) in cases {
        let input = ModuleInput {
            data: bytes,
            media_type: "image/png".into(),
            options: "{}".into(),
        };
        match module.run(input).await {
            Err(RunError::InvalidInput(m)) => {
                assert!(
                    m.contains(needle),
                    "{name}: {m:?} should mention {needle:?}"
                )
            }
            other => panic!("{name}: expected invalid-input, got {other:?}"),
        }
    }
    // Upscaling past the pixel limit is refused with the limit named.
    let input = ModuleInput::new(skewed_page()).with_options(r#"{"resize": {"width": 20000}}"#);
    assert!(
        matches!(module.run(input).await, Err(RunError::InvalidInput(m)) if m.contains("limit"))
    );
    assert_eq!(module.pool_stats().discarded, 0);
}
