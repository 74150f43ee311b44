//! `cargo xtask bench`: OCR speed, memory and accuracy of Grace (native library
//! and wasm component, per profile) side by side with RapidOCR and Tesseract
//! on the same images: the 60 SROIE dev receipts and generated Spanish documents.
//!
//! Each Grace configuration runs in a child process of this binary so its
//! peak resident memory is its own. Usage: `grace-bench [--limit N] [--spanish N] [--pdf] [--cold-start]`
//! (`--pdf`: only the pdf page-rendering figures; `--cold-start`: only the
//! ocr component's cold start, on the first page; `--limit 0`: no receipts).
//! CERs: against the truth in the dataset's order, in row order, and with
//! Grace's own lines put in row order too (its reading order aside).

use grace_eval::datasets::{sroie, sroie_dev_dir};
use grace_eval::metrics::{text_in_rows, CharErrorRate, LineSpan, WordScore};
use grace_eval::peers::{run_rapidocr, run_tesseract, PeerRun, RapidOcrOptions, TesseractOptions};
use grace_ocr::{OcrOptions, Profile};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The configurations that use both cores: the ocr component with each page
/// shared between two warm instances (`LoadedModule::run_shared`).
const TWO_CORES: [(&str, &str); 2] = [("wasm-shared", "fast"), ("wasm-shared", "balanced")];

/// How a child runtime is named in the table.
fn runtime_label(runtime: &str) -> &'static str {
    match runtime {
        "native" => "native, 1 thread",
        "wasm" => "wasm, 1 instance",
        _ => "wasm, page shared by 2 instances",
    }
}

/// One image with its ground-truth text.
struct Sample {
    path: PathBuf,
    /// The truth's lines in the dataset's order.
    truth: String,
    /// The same lines in row order ([`text_in_rows`]).
    truth_in_rows: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1], &args[2], &args[3..]);
        return;
    }
    let flag = |name: &str, default: usize| grace_tests::flag_value(&args, name, default);
    // `--pdf` runs only the pdf rendering section.
    if args.iter().any(|a| a == "--pdf") {
        grace_tests::pdf_bench::run(&single_thread_runtime());
        return;
    }
    let cold_start_only = args.iter().any(|a| a == "--cold-start");
    let two_cores_only = args.iter().any(|a| a == "--two-cores");
    let limit = flag("--limit", 60);
    let spanish = flag("--spanish", 20);
    let mut sets: Vec<(&str, Vec<Sample>)> = Vec::new();
    match sroie_dev_dir() {
        Some(dir) => {
            let docs = sroie::load(&dir).expect("sroie-dev loads");
            let samples = docs
                .iter()
                .take(limit)
                .map(|d| Sample {
                    path: d.image.clone(),
                    truth: d.gt_text(),
                    truth_in_rows: d.gt_text_in_rows(),
                })
                .collect();
            sets.push(("sroie-dev", samples));
        }
        None => println!("SKIPPED sroie-dev: ../shared/datasets/sroie-dev is absent"),
    }
    sets.push(("spanish-generated", generated_spanish(spanish)));
    if cold_start_only {
        cold_start_on_first_page(&sets);
        return;
    }

    for (set, samples) in sets.iter().filter(|(_, samples)| !samples.is_empty()) {
        println!("\n## {set}: {} images\n", samples.len());
        println!(
            "| engine | profile | median s/image | peak RSS MiB | word F1 | CER | CER (rows) | CER (rows, both) |"
        );
        println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        let mut native_median = std::collections::BTreeMap::new();
        let single = [
            ("native", "fast"),
            ("native", "balanced"),
            ("native", "accurate"),
            ("wasm", "fast"),
            ("wasm", "balanced"),
            ("wasm", "accurate"),
        ];
        let configs: &[(&str, &str)] = if two_cores_only {
            &[("native", "balanced"), ("wasm", "balanced")]
        } else {
            &single
        };
        for &(runtime, profile) in configs.iter().chain(&TWO_CORES) {
            match run_child(runtime, profile, samples) {
                Ok((run, in_rows)) => {
                    let (f1, cer, cer_rows) = score(samples, |p| run.text_of(p));
                    let cer_both = cer_in_rows(samples, &in_rows);
                    let med = run.median_seconds().unwrap_or(f64::NAN);
                    let ratio = if runtime == "native" {
                        native_median.insert(profile, med);
                        String::new()
                    } else {
                        native_median
                            .get(profile)
                            .map(|n: &f64| format!(" ({:.2}× native)", med / n))
                            .unwrap_or_default()
                    };
                    println!(
                        "| grace {} | {profile} | {med:.3}{ratio} | {} | {f1:.4} | {cer:.4} | {cer_rows:.4} | {cer_both:.4} |",
                        runtime_label(runtime),
                        run.peak_rss_kb
                            .map(|k| format!("{:.0}", k as f64 / 1024.0))
                            .unwrap_or("?".into())
                    );
                }
                Err(e) => println!("| grace {runtime} | {profile} | failed: {e} | | | | | |"),
            }
        }
        let paths: Vec<PathBuf> = samples.iter().map(|s| s.path.clone()).collect();
        let rapid = |threads| {
            let options = RapidOcrOptions {
                threads,
                ..RapidOcrOptions::default()
            };
            run_rapidocr(&paths, &options).map_err(|e| e.to_string())
        };
        let mut peers = vec![
            (
                "RapidOCR (onnxruntime, PP-OCRv5 mobile), 1 thread",
                rapid(1),
            ),
            (
                "RapidOCR (onnxruntime, PP-OCRv5 mobile), 2 threads",
                rapid(2),
            ),
        ];
        if !two_cores_only {
            peers.push((
                "Tesseract 5 (eng+spa)",
                run_tesseract(&paths, &TesseractOptions::default()).map_err(|e| e.to_string()),
            ));
        }
        for (name, run) in peers {
            match run {
                Ok(run) => {
                    let (f1, cer, cer_rows) = score(samples, |p| run.text_of(p));
                    println!(
                        "| {name} | default | {:.3} | {} | {f1:.4} | {cer:.4} | {cer_rows:.4} | |",
                        run.median_seconds().unwrap_or(f64::NAN),
                        run.peak_rss_kb
                            .map(|k| format!("{:.0}", k as f64 / 1024.0))
                            .unwrap_or("?".into())
                    );
                }
                Err(e) => println!("| {name} | | failed: {e} | | | | | |"),
            }
        }
    }
    if two_cores_only {
        return;
    }
    cold_start_on_first_page(&sets);
    grace_tests::pdf_bench::run(&single_thread_runtime());
}

/// CER of Grace's own lines put in row order (by their boxes, as the truth
/// is) against the truth in row order: what is read, whatever the reading
/// order. Grace keeps side-by-side columns apart, which a row-ordered truth
/// interleaves; the peers' text has no boxes here and is left out.
fn cer_in_rows(samples: &[Sample], in_rows: &BTreeMap<PathBuf, String>) -> f64 {
    let mut cer = CharErrorRate::new();
    for s in samples {
        let text = in_rows.get(&s.path).map(String::as_str).unwrap_or("");
        cer.add(text, &s.truth_in_rows);
    }
    cer.cer()
}

/// The text of an OCR document with its lines in row order ([`text_in_rows`] of their boxes).
fn document_in_rows(doc: &serde_json::Value) -> String {
    let lines = doc["lines"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let spans: Vec<LineSpan> = lines
        .iter()
        .map(|l| {
            let points = l["box"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            LineSpan::of_points(points.iter().map(|p| {
                let at = |i: usize| p[i].as_f64().unwrap_or(0.0) as f32;
                (at(0), at(1))
            }))
        })
        .collect();
    text_in_rows(&spans, |i| lines[i]["text"].as_str().unwrap_or(""))
}

/// Word F1, CER and CER against the truth in row order of a run.
fn score<'a>(samples: &[Sample], text_of: impl Fn(&Path) -> Option<&'a str>) -> (f64, f64, f64) {
    let mut words = WordScore::new();
    let mut cer = CharErrorRate::new();
    let mut cer_rows = CharErrorRate::new();
    for s in samples {
        let text = text_of(&s.path).unwrap_or("");
        words.add(text, &s.truth);
        cer.add(text, &s.truth);
        cer_rows.add(text, &s.truth_in_rows);
    }
    (words.f1(), cer.cer(), cer_rows.cer())
}

/// Writes `count` generated Spanish documents (every other one degraded) under the target dir.
fn generated_spanish(count: usize) -> Vec<Sample> {
    let dir = target_dir().join("bench/spanish");
    std::fs::create_dir_all(&dir).expect("bench folder");
    (0..count)
        .map(|i| {
            let kind = [
                grace_docgen::DocKind::Factura,
                grace_docgen::DocKind::Ticket,
                grace_docgen::DocKind::Rectificativa,
            ][i % 3];
            let degrade = if i % 2 == 1 {
                grace_docgen::Degradation::random(1000 + i as u64)
            } else {
                grace_docgen::Degradation::none()
            };
            let doc =
                grace_docgen::generate(kind, 7000 + i as u64, degrade).expect("document renders");
            let (bytes, ext) = doc.file_bytes().expect("encode sample");
            let path = dir.join(format!("{i:03}.{ext}"));
            std::fs::write(&path, bytes).expect("write sample");
            let text_of = |i: usize| doc.lines[i].text.as_str();
            let truth = (0..doc.lines.len())
                .map(text_of)
                .collect::<Vec<_>>()
                .join("\n");
            let spans: Vec<LineSpan> = doc
                .lines
                .iter()
                .map(|l| LineSpan::of_points(l.quad.map(|[x, y]| (x, y))))
                .collect();
            let truth_in_rows = text_in_rows(&spans, text_of);
            Sample {
                path,
                truth,
                truth_in_rows,
            }
        })
        .collect()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| grace_tests::repo_root().join("target"))
}

/// Runs one Grace configuration in a child process: the run, and each
/// image's text with its lines in row order ([`document_in_rows`]).
fn run_child(
    runtime: &str,
    profile: &str,
    samples: &[Sample],
) -> Result<(PeerRun, BTreeMap<PathBuf, String>), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["--child", runtime, profile])
        .args(samples.iter().map(|s| s.path.as_os_str()))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut run = PeerRun {
        engine: format!("grace {runtime} {profile}"),
        images: Vec::new(),
        peak_rss_kb: None,
    };
    let mut in_rows = BTreeMap::new();
    for line in std::io::BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("{e}: {line}"))?;
        if let Some(kb) = v.get("peak_rss_kb").and_then(|k| k.as_u64()) {
            run.peak_rss_kb = Some(kb);
        } else {
            let file = PathBuf::from(v["file"].as_str().unwrap_or_default());
            in_rows.insert(file.clone(), document_in_rows(&v["document"]));
            run.images.push(grace_eval::peers::PeerImage {
                file,
                text: v["document"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                seconds: v["seconds"].as_f64().unwrap_or(f64::NAN),
            });
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("child exited with {status}"));
    }
    Ok((run, in_rows))
}

/// Reads one encoded image and returns its OCR document (null when reading failed).
type Reader = Box<dyn FnMut(&[u8]) -> serde_json::Value>;

/// Child: reads every file once to warm up shapes, then times a second pass.
fn child(runtime: &str, profile: &str, files: &[String]) {
    let profile = Profile::parse(profile).expect("profile");
    let mut read: Reader = match runtime {
        "native" => {
            let mut engine = grace_tests::native_engine();
            let options = OcrOptions::for_profile(profile);
            Box::new(move |bytes| {
                engine
                    .read(bytes, &options)
                    .ok()
                    .and_then(|o| serde_json::to_value(o).ok())
                    .unwrap_or_default()
            })
        }
        wasm => {
            // One worker and one instance, or two of each for a shared page.
            let ways = if wasm == "wasm-shared" { 2 } else { 1 };
            let rt = runtime_with_workers(ways);
            let engine = grace::GraceEngine::new().expect("engine");
            let path = grace_tests::component_path("ocr");
            let module = std::sync::Arc::new(
                rt.block_on(grace_tests::load_component_pooled(&engine, &path, ways)),
            );
            let options = format!(r#"{{"profile":"{}","timings":false}}"#, profile.name());
            Box::new(move |bytes| {
                let input = grace::ModuleInput::new(bytes.to_vec()).with_options(&options);
                let out = rt.block_on(module.run_shared(input));
                out.ok()
                    .and_then(|o| serde_json::from_str(&o.document).ok())
                    .unwrap_or_default()
            })
        }
    };
    // Warm pass: optimizes the plans for every input shape, as a long-running server would have.
    let inputs: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("image"))
        .collect();
    for bytes in &inputs {
        read(bytes);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (file, bytes) in files.iter().zip(&inputs) {
        let t = Instant::now();
        let document = read(bytes);
        let seconds = t.elapsed().as_secs_f64();
        writeln!(
            out,
            "{}",
            serde_json::json!({"file": file, "document": document, "seconds": seconds})
        )
        .unwrap();
    }
    writeln!(out, "{}", serde_json::json!({"peak_rss_kb": peak_rss_kb()})).unwrap();
}

/// Peak resident set size of this process (VmHWM), in KiB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A one-worker tokio runtime, so the component is timed on one thread like the peers.
fn single_thread_runtime() -> tokio::runtime::Runtime {
    runtime_with_workers(1)
}

/// A tokio runtime with `workers` worker threads.
fn runtime_with_workers(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("tokio")
}

/// [`cold_start`] on the first page of the first non-empty set.
fn cold_start_on_first_page(sets: &[(&str, Vec<Sample>)]) {
    match sets.iter().find_map(|(_, samples)| samples.first()) {
        Some(sample) => cold_start(&sample.path),
        None => println!("SKIPPED cold start: no sample page"),
    }
}

/// Component cold start, for the installed (pre-initialized) `ocr` module
/// and the plain build: load cached compiled code and instantiate, then the
/// first call against a warm one, on a blank page (model ready) and on a
/// real page (which also needs plans for its shapes).
fn cold_start(real_page: &Path) {
    let rt = single_thread_runtime();
    let engine = grace::GraceEngine::new().expect("engine");
    let blank = grace_tests::png_bytes(&image::RgbImage::from_pixel(
        64,
        64,
        image::Rgb([255, 255, 255]),
    ));
    let real = std::fs::read(real_page).expect("readable page");
    println!("\n## ocr component cold start\n");
    println!("real page: {}\n", real_page.display());
    println!("| component | load + instantiate ms | blank page: first call ms | warm ms | real page: first call ms | warm ms | cold start to ready model ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let components = [
        (
            "pre-initialized (installed)",
            grace_tests::component_path("ocr"),
        ),
        ("as built", grace_tests::built_component_path("ocr")),
    ];
    for (label, path) in components {
        // Populate the compile cache, then measure fresh loads.
        drop(rt.block_on(grace_tests::load_component_file(&engine, &path)));
        let time_call = |module: &grace::LoadedModule, page: &[u8]| {
            let t = Instant::now();
            let _ = rt.block_on(module.run(grace::ModuleInput::new(page.to_vec())));
            t.elapsed().as_secs_f64() * 1e3
        };
        let t = Instant::now();
        let module = rt.block_on(grace_tests::load_component_file(&engine, &path));
        let loaded = t.elapsed().as_secs_f64() * 1e3;
        let (blank_first, blank_warm) = (time_call(&module, &blank), time_call(&module, &blank));
        let module = rt.block_on(grace_tests::load_component_file(&engine, &path));
        let (real_first, real_warm) = (time_call(&module, &real), time_call(&module, &real));
        println!(
            "| {label} | {loaded:.1} | {blank_first:.1} | {blank_warm:.1} | {real_first:.1} | {real_warm:.1} | {:.1} |",
            loaded + blank_first - blank_warm
        );
    }
}
