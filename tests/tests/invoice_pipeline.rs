//! The official `invoice` pipeline (pdf → ocr → invoice-fields → hash) in the
//! host: through the service the HTTP API and `grace run` use, and through
//! `grace run invoice FILE` itself. The result data is the invoice-fields
//! output plus `document_sha256` and the document's `text`; the per-step
//! trace sits beside it with each step's output, timing and module sha256.
//! Images skip the `pdf` step; PDFs go through OCR only for their pages
//! without a text layer.

use std::sync::Arc;

use grace::config::Config;
use grace::metrics::Metrics;
use grace::service::{Execution, Service};
use grace_docgen::{generate, Degradation, DocKind};
use grace_tests::pdf_samples::scan_then_text_pdf;
use grace_tests::{png_bytes, repo_root};
use serde_json::{Map, Value};

fn config() -> Config {
    let mut c = Config {
        modules_dir: repo_root().join("modules"),
        data_dir: repo_root().join("data"),
        ..Config::default()
    };
    c.runtime.pool_size = 1;
    for m in ["pdf.wasm", "ocr.wasm", "invoice-fields.wasm", "hash.wasm"] {
        assert!(
            c.modules_dir.join(m).is_file(),
            "modules/{m} is missing: run `cargo xtask setup`"
        );
    }
    c
}

/// The options every run here uses: Spanish, no timings (so runs compare byte for byte).
fn spanish_without_timings() -> Map<String, Value> {
    let mut options = Map::new();
    options.insert("timings".into(), Value::Bool(false));
    options.insert("locale".into(), Value::String("es-ES".into()));
    options
}

/// Each step's module and status, in order.
fn step_statuses(exec: &Execution) -> Vec<(&str, &str)> {
    exec.trace
        .iter()
        .map(|t| (t.module.as_str(), t.status))
        .collect()
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
    let options = spanish_without_timings();
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

    let steps = step_statuses(&exec);
    assert_eq!(
        steps,
        [
            ("pdf", "SKIPPED"),
            ("ocr", "SUCCESS"),
            ("invoice-fields", "SUCCESS"),
            ("hash", "SUCCESS")
        ]
    );
    for t in &exec.trace[1..] {
        assert_eq!(t.sha256.len(), 64);
        assert!(t.output.is_some());
    }
    // The pipeline's fields are exactly what the invoice-fields library makes
    // of the OCR step's output (same code, native).
    let ocr_json = exec.trace[1].output.as_ref().unwrap().to_string();
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

/// A PDF whose first page is a scan and second a text layer: only the scan
/// is read by OCR, and the fields come from both pages with each box on the
/// page it was printed on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoice_pipeline_reads_a_pdf_page_by_page() {
    let service = Service::start(&config(), Arc::new(Metrics::default()))
        .await
        .expect("modules load");
    let target = service.resolve("invoice").unwrap();
    let doc = generate(DocKind::Factura, 7, Degradation::none()).expect("generated factura");
    let (pdf, split) = scan_then_text_pdf(&doc);
    let pdf = pdf.to_bytes();
    assert!(target.accepts("application/pdf") && target.accepts("image/jpeg"));
    let options = spanish_without_timings();
    let exec = service
        .execute(&target, Arc::new(pdf.clone()), "application/pdf", &options)
        .await
        .expect("the pipeline reads the PDF");

    let steps = step_statuses(&exec);
    assert_eq!(
        steps,
        [
            ("pdf", "SUCCESS"),
            ("ocr", "SUCCESS"),
            ("invoice-fields", "SUCCESS"),
            ("hash", "SUCCESS")
        ]
    );
    let pages = exec.trace[1].output.as_ref().unwrap()["pages"]
        .as_array()
        .unwrap()
        .clone();
    let sources: Vec<&str> = pages
        .iter()
        .map(|p| p["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["ocr", "text-layer"]);
    assert!(pages.iter().all(|p| p.get("image").is_none()));

    let data = &exec.data;
    assert_eq!(data["document_sha256"], grace::sha256_hex(&pdf));
    let truth = &doc.fields;
    let field = |name: &str| &data["fields"][name];
    let check = |name: &str, want: &str| {
        assert_eq!(field(name)["value"], want, "{name}: {}", field(name));
    };
    check("vendor_tax_id", &truth.vendor_tax_id);
    check("invoice_number", &truth.invoice_number);
    check("issue_date", &truth.issue_date);
    check("total", &truth.total);
    // Each value's page is where the generator printed it; boxes are in
    // that page's own pixels.
    for name in ["vendor_tax_id", "invoice_number", "issue_date", "total"] {
        let printed = doc
            .field_boxes
            .iter()
            .find(|b| b.field == name)
            .unwrap_or_else(|| panic!("{name} has a printed box"));
        let want_page = if printed.quad[0][1] < split as f32 {
            1
        } else {
            2
        };
        assert_eq!(field(name)["page"], want_page, "{name}: {}", field(name));
        let y = field(name)["box"][0][1].as_f64().unwrap() as f32;
        let printed_y = printed.quad[0][1] - if want_page == 2 { split as f32 } else { 0.0 };
        assert!(
            (y - printed_y).abs() < 15.0,
            "{name}: box y {y}, printed at {printed_y}"
        );
    }
    // The text is every page's, in order; the text layer's is exact.
    let page_text = |i: usize| pages[i]["text"].as_str().unwrap().to_string();
    assert_eq!(
        data["text"],
        format!("{}\n\n{}", page_text(0), page_text(1))
    );
    let last = doc.lines.last().unwrap();
    assert!(
        page_text(1).contains(&last.text),
        "{:?} not in {}",
        last.text,
        page_text(1)
    );

    // A PDF the pdf step cannot read fails that step with its reason.
    let err = service
        .execute(
            &target,
            Arc::new(pdf[..pdf.len() / 3].to_vec()),
            "application/pdf",
            &options,
        )
        .await
        .unwrap_err();
    let run = err.run_error().expect("a step failure");
    assert_eq!(run.code(), "invalid-input", "{err}");
    assert_eq!(err.trace().last().map(|t| t.module.as_str()), Some("pdf"));
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
