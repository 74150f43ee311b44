//! The `translate` module as a WebAssembly component: the round trip
//! envelope → flat → envelope keeps every field the flat shape carries
//! (issue 6), requests normalize to the v1.2 envelope, the options schema
//! matches what the module accepts, output is deterministic, failures typed.

use grace::{GraceEngine, LoadedModule, ModuleInput, RunError};
use grace_tests::{load_component, validate_schema};
use grace_translate::{flatten_response, module_keys, FlatOptions, COMMON_KEYS};
use serde_json::{json, Value};

fn json_input(doc: &Value, options: Value) -> ModuleInput {
    ModuleInput {
        data: doc.to_string().into_bytes(),
        media_type: "application/json".into(),
        options: options.to_string(),
    }
}

async fn call(module: &LoadedModule, doc: &Value, options: Value) -> Result<Value, RunError> {
    let out = module.run(json_input(doc, options)).await?;
    Ok(serde_json::from_str(&out.document).unwrap())
}

/// Response envelopes as the host answers them (success, review, error).
fn envelopes() -> Vec<(&'static str, Value)> {
    let invoice = json!({
        "contract_version": "1.2",
        "envelope": {"trace_id": "0b6f3c1e-8f0a-4c1e-9a57-5d2b8f7e4a10", "step_id": "s1",
                     "idempotency_key": "ab", "timestamp_init": "2026-11-21T10:00:00Z", "timestamp_end": "2026-11-21T10:00:01Z"},
        "status": {"code": "SUCCESS", "module": "invoice", "version": "0.1.0", "module_instance": "invoice@0.1.0", "fallback_level_used": 0},
        "result": {"schema": "invoice", "data": {
            "doc_type": "factura",
            "fields": {
                "vendor_name": {"value": "Ferretería Muñoz e Hijos, S.L.", "confidence": 0.96},
                "vendor_tax_id": {"value": "B28765432", "confidence": 0.99},
                "vendor_address": {"value": "Calle de la Ópera 12, 28013 Madrid", "confidence": 0.9},
                "customer_name": {"value": "Talleres Ruiz", "confidence": 0.9},
                "customer_tax_id": {"value": "12345678Z", "confidence": 0.97},
                "invoice_number": {"value": "F2024-0193", "confidence": 0.98},
                "issue_date": {"value": "2024-03-05", "confidence": 0.99},
                "due_date": {"value": null, "confidence": 0.0},
                "currency": {"value": "EUR", "confidence": 1.0},
                "subtotal": {"value": 1234.56, "confidence": 0.95},
                "tax_total": {"value": 259.26, "confidence": 0.95},
                "withholding": {"value": -185.18, "confidence": 0.9},
                "total": {"value": 1308.64, "confidence": 0.97},
                "amount_due": {"value": 1308.64, "confidence": 0.9},
                "iban": {"value": "ES9121000418450200051332", "confidence": 0.99},
                "payment_method": {"value": "transferencia", "confidence": 0.8}
            },
            "tax_lines": [{"rate": 21.0, "base": 1234.56, "amount": 259.26}],
            "text": "FACTURA F2024-0193\nFerretería Muñoz e Hijos, S.L.",
            "hash": {"sha256": "9f".repeat(32)}
        }},
        "quality": {"confidence": 0.93, "validation_passed": true},
        "metadata": {"module": "invoice", "version": "0.1.0", "sha256": "cd", "processing_ms": 812, "cached": false},
        "trace": [{"step": 0, "module": "ocr"}],
        "errors": [],
        "warnings": []
    });
    let mut review = invoice.clone();
    review["quality"]["validation_passed"] = json!(false);
    let mut low = invoice.clone();
    low["quality"]["confidence"] = json!(0.61);
    let ocr = json!({
        "contract_version": "1.2", "envelope": {"trace_id": "t-ocr"},
        "status": {"code": "SUCCESS", "module": "ocr", "version": "0.1.0"},
        "result": {"schema": "ocr", "data": {"text": "Total 12,50", "lines": [{"text": "Total 12,50"}],
                   "page": {"width": 1240, "height": 1754}}},
        "quality": {"confidence": 0.97, "validation_passed": null},
        "metadata": {"module": "ocr", "version": "0.1.0"}, "errors": [], "warnings": []
    });
    let error = json!({
        "error": {"code": "invalid_input", "message": "the file is empty (0 bytes)", "details": {}},
        "contract_version": "1.2", "envelope": {"trace_id": "t-err"},
        "status": {"code": "ERROR", "module": "ocr", "version": "0.1.0"},
        "errors": [{"code": "invalid_input", "message": "the file is empty (0 bytes)"}]
    });
    let lang = json!({
        "contract_version": "1.2", "envelope": {"trace_id": "t-lang"},
        "status": {"code": "SUCCESS", "module": "lang", "version": "0.1.0"},
        "result": {"schema": "lang", "data": {"language": "ca", "iso639_1": "ca", "iso639_3": "cat",
                   "confidence": 0.88, "script": "Latin", "reliable": true}},
        "quality": {"confidence": 0.88}, "errors": [], "warnings": []
    });
    vec![
        ("invoice", invoice),
        ("invoice", review),
        ("invoice", low),
        ("ocr", ocr),
        ("ocr", error),
        ("lang", lang),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelope_flat_envelope_keeps_every_flat_field() {
    let engine = GraceEngine::new().unwrap();
    let module = load_component(&engine, "translate").await;
    let opts = FlatOptions::default();
    for (name, envelope) in envelopes() {
        let flat = call(
            &module,
            &envelope,
            json!({"direction": "flatten", "module": name}),
        )
        .await
        .unwrap();
        // The component and the library (which the host's Zapier route calls) agree.
        assert_eq!(
            Value::Object(flatten_response(&envelope, name, &opts).unwrap()),
            flat
        );
        let obj = flat.as_object().unwrap();
        assert!(
            obj.values().all(|v| !v.is_array() && !v.is_object()),
            "{flat}"
        );
        for key in COMMON_KEYS.iter().chain(module_keys(name).unwrap_or(&[])) {
            assert!(obj.contains_key(*key), "{name}: flat lacks {key}");
        }
        let rebuilt = call(
            &module,
            &flat,
            json!({"direction": "unflatten", "module": name}),
        )
        .await
        .unwrap();
        assert_eq!(rebuilt["contract_version"], "1.2");
        let again = call(
            &module,
            &rebuilt,
            json!({"direction": "flatten", "module": name}),
        )
        .await
        .unwrap();
        assert_eq!(
            again, flat,
            "{name}: envelope -> flat -> envelope -> flat changed"
        );
        // And the carried fields sit where the original envelope had them.
        for (pointer, value) in [
            ("/envelope/trace_id", &flat["trace_id"]),
            ("/quality/confidence", &flat["confidence"]),
            ("/status/module", &flat["module"]),
        ] {
            assert_eq!(
                rebuilt.pointer(pointer).unwrap_or(&Value::Null),
                value,
                "{name} {pointer}"
            );
            assert_eq!(
                envelope.pointer(pointer).unwrap_or(&Value::Null),
                value,
                "{name} {pointer}"
            );
        }
        if name == "invoice" {
            assert_eq!(
                rebuilt["result"]["data"]["fields"]["total"]["value"],
                1308.64
            );
            assert_eq!(flat["vendor_name"], "Ferretería Muñoz e Hijos, S.L.");
            assert_eq!(flat["document_sha256"], "9f".repeat(32));
        }
    }
    let flats: Vec<String> = {
        let mut v = Vec::new();
        for (name, e) in envelopes() {
            v.push(
                call(&module, &e, json!({"direction": "flatten", "module": name}))
                    .await
                    .unwrap()["status"]
                    .to_string(),
            );
        }
        v
    };
    assert_eq!(
        flats,
        [
            "\"ok\"",
            "\"needs_review\"",
            "\"needs_review\"",
            "\"ok\"",
            "\"error\"",
            "\"ok\""
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_become_v12_envelopes() {
    let engine = GraceEngine::new().unwrap();
    let module = load_component(&engine, "translate").await;
    let bare =
        json!({"file": "JVBERi0xLjcK", "filename": "factura.pdf", "options": {"pages": "1-2"}});
    let env = call(&module, &bare, json!({"module": "invoice"}))
        .await
        .unwrap();
    assert_eq!(env["contract_version"], "1.2");
    assert_eq!(env["routing"]["module"], "invoice");
    assert_eq!(env["payload"]["type"], "document");
    assert_eq!(env["payload"]["media_type"], "application/pdf");
    assert_eq!(env["options"]["pages"], "1-2");
    let legacy = json!({"image": "data:image/png;base64,iVBORw0KGgo=", "perfil": "rapido", "request_id": "r-9"});
    let env = call(&module, &legacy, json!({})).await.unwrap();
    assert_eq!(
        (
            env["payload"]["type"].as_str(),
            env["options"]["profile"].as_str()
        ),
        (Some("image"), Some("rapido"))
    );
    // An envelope passes through completed, and normalizing twice changes nothing.
    let twice = call(&module, &env, json!({})).await.unwrap();
    assert_eq!(twice, env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_determinism_and_typed_failures() {
    let engine = GraceEngine::new().unwrap();
    let module = load_component(&engine, "translate").await;
    let d = module.descriptor().clone();
    assert_eq!(d.name, "translate");
    let (_, envelope) = envelopes().remove(0);
    for options in [
        json!({"direction": "flatten"}),
        json!({"direction": "flatten", "module": "invoice", "review_threshold": 0.5}),
        json!({"direction": "flatten", "review_threshold": 1.5}),
        json!({"direction": "diagonal"}),
        json!({"direction": "flatten", "module": ""}),
        json!({"mode": "flatten"}),
    ] {
        let valid = validate_schema(&d.options_schema, &options).is_ok();
        let accepted = match module.run(json_input(&envelope, options.clone())).await {
            Ok(_) => true,
            Err(RunError::InvalidInput(_)) => false,
            other => panic!("{options}: {other:?}"),
        };
        assert_eq!(valid, accepted, "{options}");
    }
    let a = module
        .run(json_input(&envelope, json!({"direction": "flatten"})))
        .await
        .unwrap();
    let b = load_component(&engine, "translate")
        .await
        .run(json_input(&envelope, json!({"direction": "flatten"})))
        .await
        .unwrap();
    assert_eq!(a.document, b.document);
    let bad = ModuleInput {
        data: b"{not json".to_vec(),
        media_type: "application/json".into(),
        options: "{}".into(),
    };
    assert!(
        matches!(module.run(bad).await, Err(RunError::InvalidInput(m)) if m.contains("not valid JSON"))
    );
    let cases = [
        (json!({"file": "%%%"}), "base64"),
        (json!({"hello": 1}), "no document"),
        (
            json!({"contract_version": "1.2", "payload": {"content": "aGk=", "encoding": "rot13"}}),
            "rot13",
        ),
    ];
    for (doc, needle) in cases {
        match call(&module, &doc, json!({})).await {
            Err(RunError::InvalidInput(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
            other => panic!("{doc}: {other:?}"),
        }
    }
    assert!(matches!(
        call(&module, &json!({"contract_version": "0.9"}), json!({})).await,
        Err(RunError::Unsupported(m)) if m.contains("0.9")
    ));
}
