//! `cargo xtask bench`, pdf section: rendering an A4 page at 150 DPI
//! (render + PNG encoding, as the module returns it), natively and inside
//! the component, median of several runs after a warm-up.

use crate::pdf_samples::{scanned_a4, text_page, SPANISH};
use grace_pdf::{read_pdf, PdfOptions, RenderMode};
use grace_pdfgen::{Document, Font};
use std::time::{Duration, Instant};

/// Timed runs per configuration (after one warm-up run).
const RUNS: usize = 5;

/// Prints the pdf rendering table.
pub fn run(runtime: &tokio::runtime::Runtime) {
    let mut lines: Vec<String> = Vec::new();
    for i in 0..40 {
        lines.push(format!("{} · línea {i}", SPANISH[i % SPANISH.len()]));
    }
    let line_refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let samples = [
        (
            "A4 text page (40 lines, Helvetica)",
            Document::new(vec![text_page(Font::Helvetica, &line_refs)]).to_bytes(),
        ),
        (
            "A4 scanned page (1240x1754 RGB image)",
            Document::new(vec![scanned_a4(&SPANISH)]).to_bytes(),
        ),
    ];
    let options = PdfOptions {
        render: RenderMode::Always,
        ..PdfOptions::default()
    };
    let engine = grace::GraceEngine::new().expect("engine");
    let module = runtime.block_on(crate::load_component(&engine, "pdf.wasm"));
    println!("\n## pdf: render an A4 page at 150 DPI to PNG (median of {RUNS})\n");
    println!("| page | native ms | wasm component ms | PNG KiB |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, pdf) in &samples {
        let mut png_len = 0;
        let native = median(|| {
            let out = read_pdf(pdf, &options).expect("renders");
            png_len = out.pages[0]
                .image
                .as_ref()
                .map_or(0, |i| i.base64.len() * 3 / 4);
        });
        let wasm = median(|| {
            let input = grace::ModuleInput::new(pdf.clone()).with_options(r#"{"render":"always"}"#);
            runtime
                .block_on(module.run(input))
                .expect("component renders");
        });
        println!(
            "| {name} | {:.1} | {:.1} ({:.2}× native) | {} |",
            ms(native),
            ms(wasm),
            wasm.as_secs_f64() / native.as_secs_f64(),
            png_len / 1024
        );
    }
}

fn median(mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
