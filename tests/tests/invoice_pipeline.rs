//! The official `invoice` pipeline (ocr → invoice-fields → hash) in the host:
//! through the service the HTTP API and `grace run` use, and through
//! `grace run invoice FILE` itself. The result data is the invoice-fields
//! output plus `document_sha256` and the OCR `text`; the per-step trace sits
//! beside it with each step's output, timing and module sha256.

use std::sync::Arc;

use grace::config::Config;
use grace::metrics::Metrics;
use grace::service::Service;
use grace_docgen::{generate, Degradation, DocKind};
use grace_tests::{png_bytes, repo_root};
use serde_json::{Map, Value};

fn config() -> Config {
    let mut c = Config {
        modules_dir: repo_root().join("modules"),
        data_dir: repo_root().join("data"),
        ..Config::default()
    };
    c.runtime.pool_size = 1;
    for m in ["ocr.wasm", "invoice-fields.wasm", "hash.wasm"] {
        assert!(
            c.modules_dir.join(m).is_file(),
            "modules/{m} is missing: run `cargo xtask setup`"
        );
    }
    c
}

fn ticket() -> Vec<u8> {
    let doc = generate(DocKind::Ticket, 11, Degradation::none()).expect("generated ticket");
    png_bytes(&doc.image)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoice_pipeline_result_and_trace() {
    let service = Service::start(&config(), Arc::new(Metrics::default()))
        .await
        .expect("modules load");
    let target = service
        .resolve("invoice")
        .expect("the invoice pipeline is available");
    let png = ticket();
    let mut options = Map::new();
    options.insert("timings".into(), Value::Bool(false));
    options.insert("locale".into(), Value::String("es-ES".into()));
    let exec = service
        .execute(&target, Arc::new(png.clone()), "image/png", &options)
        .await
        .expect("the pipeline runs");
    let data = &exec.data;
    assert_eq!(data["document_sha256"], grace::sha256_hex(&png));
    assert!(
        data["text"].as_str().is_some_and(|t| t.lines().count() > 3),
        "{}",
        data["text"]
    );
    assert!(data["doc_type"]["value"].is_string(), "{data}");
    assert!(
        data["fields"].is_object() && data["validations"].is_array(),
        "{data}"
    );
    assert!(
        data.get("trace").is_none(),
        "the trace sits beside the result, not inside it"
    );

    let steps: Vec<&str> = exec.trace.iter().map(|t| t.module.as_str()).collect();
    assert_eq!(steps, ["ocr", "invoice-fields", "hash"]);
    for t in &exec.trace {
        assert_eq!(t.status, "SUCCESS");
        assert_eq!(t.sha256.len(), 64);
        assert!(t.output.is_some());
    }
    // The pipeline's fields are exactly what the invoice-fields library makes
    // of the OCR step's output (same code, native).
    let ocr_json = exec.trace[0].output.as_ref().unwrap().to_string();
    let native = grace_invoice_fields::run(ocr_json.as_bytes(), "application/json", &{
        let mut o = Map::new();
        o.insert("locale".into(), Value::String("es-ES".into()));
        o
    })
    .expect("native extraction");
    // Through JSON text, as the component emits it (f32 confidences print short).
    let native: Value = serde_json::from_str(&serde_json::to_string(&native).unwrap()).unwrap();
    for key in [
        "doc_type",
        "fields",
        "tax_lines",
        "line_items",
        "validations",
    ] {
        assert_eq!(
            data[key], native[key],
            "{key} differs between the pipeline and the library"
        );
    }

    // Same input and options, same bytes.
    let again = service
        .execute(&target, Arc::new(png), "image/png", &options)
        .await
        .unwrap();
    assert_eq!(again.data.to_string(), exec.data.to_string());

    // An option no step takes is refused with the steps named.
    let mut bad = Map::new();
    bad.insert("colour".into(), Value::Bool(true));
    let err = service
        .execute(&target, Arc::new(b"x".to_vec()), "image/png", &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("colour") && err.contains("invoice-fields"),
        "{err}"
    );
}

#[test]
fn grace_run_invoice_prints_one_document_per_file() {
    let dir = tempfile_dir();
    let a = dir.join("ticket.png");
    std::fs::write(&a, ticket()).unwrap();
    let bad = dir.join("notes.txt");
    std::fs::write(&bad, "not an image").unwrap();
    let grace = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("grace"))
        .unwrap();
    assert!(
        grace.is_file(),
        "{} missing: build the workspace",
        grace.display()
    );
    let out = std::process::Command::new(&grace)
        .current_dir(repo_root())
        .args(["run", "invoice"])
        .arg(&a)
        .arg(&bad)
        .args(["-o", "timings=false"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let docs: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2, "{stdout}");
    assert_eq!(
        docs[0]["document_sha256"],
        grace::sha256_hex(&std::fs::read(&a).unwrap())
    );
    assert!(docs[0]["fields"].is_object());
    assert_eq!(docs[1]["error"]["code"], "unsupported_media_type");
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("grace-invoice-pipeline-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
