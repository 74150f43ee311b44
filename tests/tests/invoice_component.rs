//! The `invoice-fields` module as a WebAssembly component inside the host
//! runtime: the same bytes as the native library on real OCR output (twice,
//! fresh and warm instances), plain text input, and typed failures for bad
//! input and options.

use grace::{GraceEngine, LoadedModule, ModuleInput, RunError};
use grace_ocr::Profile;
use grace_tests::invoice::generated_set;
use grace_tests::{load_component, ocr_many};

async fn load(engine: &GraceEngine) -> LoadedModule {
    load_component(engine, "invoice-fields.wasm").await
}

fn json_input(bytes: Vec<u8>, options: &str) -> ModuleInput {
    ModuleInput {
        data: bytes,
        media_type: "application/json".into(),
        options: options.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn component_matches_native_library_byte_for_byte() {
    let engine = GraceEngine::new().unwrap();
    // Three real OCR results: a factura, a ticket and a degraded rectificativa.
    let docs: Vec<_> = generated_set(6).into_iter().skip(3).collect();
    let images: Vec<Vec<u8>> = docs.iter().map(|d| d.file_bytes().unwrap().0).collect();
    let ocr = ocr_many(&images, Profile::Fast, 1);
    let first = load(&engine).await;
    let second = load(&engine).await;
    let d = first.descriptor();
    assert_eq!(d.name, "invoice-fields");
    assert_eq!(
        d.media_types,
        [
            "application/json",
            "text/plain",
            "application/xml",
            "text/xml"
        ]
    );
    assert_eq!(d.options_schema["properties"]["locale"]["default"], "auto");
    for out in &ocr {
        let bytes = serde_json::to_vec(out).unwrap();
        let native = serde_json::to_string(&grace_tests::invoice::extract(out)).unwrap();
        let a = first
            .run(json_input(bytes.clone(), "{}"))
            .await
            .expect("runs");
        let b = second
            .run(json_input(bytes.clone(), ""))
            .await
            .expect("runs");
        let c = second
            .run(json_input(bytes, "{}"))
            .await
            .expect("runs warm");
        assert_eq!(
            a.document, native,
            "component output differs from the native library"
        );
        assert_eq!(a.document, b.document);
        assert_eq!(b.document, c.document);
        assert!(a.confidence.is_some_and(|c| c > 0.0 && c <= 1.0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_text_input_reads_fields_without_boxes() {
    let engine = GraceEngine::new().unwrap();
    let m = load(&engine).await;
    let text = "FACTURA\nTalleres Núñez S.L.\nCalle Mayor 12\n28001 Madrid\nNIF: B12345674\nFecha: 14/03/2024\nBase imponible   100,00 €\nIVA 21%           21,00 €\nTOTAL            121,00 €\n";
    let input = ModuleInput {
        data: text.as_bytes().to_vec(),
        media_type: "text/plain".into(),
        options: r#"{"locale": "es-ES"}"#.into(),
    };
    let out = m.run(input).await.expect("reads text");
    let doc: serde_json::Value = serde_json::from_str(&out.document).unwrap();
    assert_eq!(doc["fields"]["total"]["value"], "121.00");
    assert_eq!(doc["fields"]["total"]["box"], serde_json::Value::Null);
    assert_eq!(doc["fields"]["vendor_tax_id"]["value"], "B12345674");
    assert_eq!(doc["fields"]["issue_date"]["value"], "2024-03-14");
    let balance = doc["validations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "totals_balance")
        .unwrap();
    assert_eq!(balance["status"], "pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_options_are_typed_invalid_input() {
    let engine = GraceEngine::new().unwrap();
    let m = load(&engine).await;
    let cases: Vec<(&str, ModuleInput, &str)> = vec![
        (
            "not JSON",
            json_input(b"{\"lines\": [".to_vec(), "{}"),
            "not valid JSON",
        ),
        (
            "JSON array",
            json_input(b"[1, 2]".to_vec(), "{}"),
            "must be an object",
        ),
        (
            "no lines",
            json_input(br#"{"text": "hola"}"#.to_vec(), "{}"),
            "no `lines`",
        ),
        (
            "lines of numbers",
            json_input(br#"{"lines": [1, 2]}"#.to_vec(), "{}"),
            "`lines` must be",
        ),
        (
            "not UTF-8",
            json_input(vec![0xff, 0xfe, 0x00], "{}"),
            "not UTF-8",
        ),
        (
            "an image",
            ModuleInput {
                data: vec![0x89, b'P', b'N', b'G'],
                media_type: "image/png".into(),
                options: "{}".into(),
            },
            "not supported",
        ),
        (
            "unknown option",
            json_input(br#"{"lines": []}"#.to_vec(), r#"{"profile": "fast"}"#),
            "unknown option",
        ),
        (
            "bad locale",
            json_input(br#"{"lines": []}"#.to_vec(), r#"{"locale": "fr-FR"}"#),
            "fr-FR",
        ),
        (
            "options not an object",
            json_input(br#"{"lines": []}"#.to_vec(), "[1]"),
            "JSON object",
        ),
    ];
    for (name, input, needle) in cases {
        match m.run(input).await {
            Err(RunError::InvalidInput(message)) => assert!(
                message.contains(needle),
                "{name}: message {message:?} should mention {needle:?}"
            ),
            other => panic!("{name}: expected invalid-input, got {other:?}"),
        }
    }
    // Nothing trapped, and an empty page is a valid (empty) answer.
    let out = m
        .run(json_input(br#"{"lines": []}"#.to_vec(), "{}"))
        .await
        .expect("empty page");
    let doc: serde_json::Value = serde_json::from_str(&out.document).unwrap();
    assert_eq!(doc["doc_type"]["value"], "other");
    assert_eq!(m.pool_stats().discarded, 0);
}
