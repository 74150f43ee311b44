//! The `pdf` module as a WebAssembly component inside the host runtime:
//! describe, the text layer, a scanned page rendered in the component and
//! read by the `ocr` component, byte-identical output across instances,
//! and typed failures for bad input.

use base64::Engine as _;
use grace::{GraceEngine, LoadedModule, ModuleInput, RunError};
use grace_pdfgen::{Document, Font};
use grace_tests::pdf_samples::{
    scanned_page, spanish_fonts_pdf, text_page, three_pages_pdf, SPANISH,
};
use serde_json::Value;

async fn load_pdf(engine: &GraceEngine) -> LoadedModule {
    grace_tests::load_component(engine, "pdf.wasm").await
}

fn document(out: &grace::ModuleOutput) -> Value {
    serde_json::from_str(&out.document).unwrap()
}

const SCANNED: [&str; 2] = ["Ticket 0042 Cádiz", "Total 12,50 €"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describes_itself_and_reads_the_text_layer() {
    let engine = GraceEngine::new().unwrap();
    let pdf = load_pdf(&engine).await;
    let d = pdf.descriptor();
    assert_eq!(d.name, "pdf");
    assert_eq!(d.media_types, ["application/pdf"]);
    assert_eq!(d.options_schema["properties"]["dpi"]["default"], 150);
    assert_eq!(d.options_schema["properties"]["dpi"]["maximum"], 600);
    let out = pdf
        .run(ModuleInput::new(spanish_fonts_pdf()))
        .await
        .expect("reads");
    let doc = document(&out);
    assert_eq!(doc["page_count"], 5);
    for page in doc["pages"].as_array().unwrap() {
        assert_eq!(page["source"], "text-layer");
        assert_eq!(page["text"], SPANISH.join("\n"));
        assert_eq!(page["lines"][1]["words"][0]["text"], "¿Dónde");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanned_page_is_rendered_in_the_component_and_read_by_ocr() {
    let engine = GraceEngine::new().unwrap();
    let pdf = load_pdf(&engine).await;
    let bytes = Document::new(vec![scanned_page(&SCANNED, 700)]).to_bytes();
    let doc = document(&pdf.run(ModuleInput::new(bytes)).await.expect("renders"));
    let page = &doc["pages"][0];
    assert_eq!(page["source"], "image");
    let png = base64::engine::general_purpose::STANDARD
        .decode(page["image"]["base64"].as_str().unwrap())
        .unwrap();
    let ocr = grace_tests::load_ocr_component(&engine).await;
    let read = ocr
        .run(ModuleInput::new(png).with_options(r#"{"timings": false}"#))
        .await
        .expect("ocr reads the rendered page");
    assert_eq!(document(&read)["text"], SCANNED.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_file_in_two_fresh_instances_gives_identical_bytes() {
    let engine = GraceEngine::new().unwrap();
    let bytes = Document::new(vec![
        scanned_page(&SCANNED, 600),
        text_page(Font::CourierBold, &SPANISH),
    ])
    .to_bytes();
    let input = || ModuleInput::new(bytes.clone()).with_options(r#"{"render": "always"}"#);
    let first = load_pdf(&engine).await.run(input()).await.unwrap();
    let second_module = load_pdf(&engine).await;
    let second = second_module.run(input()).await.unwrap();
    let third = second_module.run(input()).await.unwrap();
    assert_eq!(first.document, second.document);
    assert_eq!(second.document, third.document);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gives_typed_invalid_input() {
    let engine = GraceEngine::new().unwrap();
    let pdf = load_pdf(&engine).await;
    let three = three_pages_pdf();
    let good = three.to_bytes();
    let encrypted = three.clone().encrypted("clave").to_bytes();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("empty file", Vec::new(), "{}", "empty"),
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            "{}",
            "truncated",
        ),
        (
            "not a PDF",
            b"Total: 12,50 EUR\n".to_vec(),
            "{}",
            "not a PDF",
        ),
        ("encrypted", encrypted.clone(), "{}", "password"),
        (
            "wrong password",
            encrypted.clone(),
            r#"{"password": "otra"}"#,
            "does not open",
        ),
        (
            "over the page limit",
            good.clone(),
            r#"{"page_limit": 2}"#,
            "page_limit of 2",
        ),
        (
            "page out of range",
            good.clone(),
            r#"{"pages": "4"}"#,
            "has 3 pages",
        ),
        (
            "dpi too high",
            good.clone(),
            r#"{"dpi": 9000}"#,
            "36 to 600",
        ),
        (
            "unknown option",
            good.clone(),
            r#"{"lang": "es"}"#,
            "unknown option",
        ),
    ];
    for (name, bytes, options, needle) in cases {
        let input = ModuleInput {
            data: bytes,
            media_type: "application/pdf".into(),
            options: options.into(),
        };
        match pdf.run(input).await {
            Err(RunError::InvalidInput(message)) => assert!(
                message.contains(needle),
                "{name}: message {message:?} should mention {needle:?}"
            ),
            other => panic!("{name}: expected invalid-input, got {other:?}"),
        }
    }
    // The right password opens it, and the instance survived all of the above.
    let open = ModuleInput::new(encrypted).with_options(r#"{"password": "clave"}"#);
    let doc = document(&pdf.run(open).await.expect("opens"));
    assert_eq!(doc["pages"].as_array().unwrap().len(), 3);
    assert_eq!(pdf.pool_stats().discarded, 0);
}
