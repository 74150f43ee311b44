//! Runs the peer OCR engines on `sroie-dev` and prints word P/R/F1, CER and median seconds per image.
//!
//! Columns: word P/R/F1 (SROIE task 2, case-insensitive), CER (micro,
//! case-insensitive), CERdoc (mean of per-document CERs), CER(cs) (micro,
//! case-sensitive), median seconds per image, peak RSS of the engine.
//!
//! Usage: `peer-eval [--dataset DIR] [--limit N] [--peers rapidocr,rapidocr-v4,tesseract] [--psm 3[,4,6]] [--tess-langs eng+spa] [--dump DIR]`

use grace_eval::datasets::{self, sroie};
use grace_eval::metrics::{CharErrorRate, OcrScore};
use grace_eval::peers::{self, PeerRun, RapidModels, RapidOcrOptions, TesseractOptions};
use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    dataset: Option<PathBuf>,
    limit: Option<usize>,
    peers: Vec<String>,
    psms: Vec<u8>,
    dump: Option<PathBuf>,
    tess_langs: String,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        dataset: None,
        limit: None,
        peers: vec!["rapidocr".into(), "tesseract".into()],
        psms: vec![3],
        dump: None,
        tess_langs: TesseractOptions::default().langs,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--dataset" => a.dataset = Some(val()?.into()),
            "--limit" => a.limit = Some(val()?.parse().map_err(|e| format!("--limit: {e}"))?),
            "--peers" => a.peers = val()?.split(',').map(str::to_owned).collect(),
            "--psm" => {
                a.psms = val()?
                    .split(',')
                    .map(|p| p.parse().map_err(|e| format!("--psm: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--tess-langs" => a.tess_langs = val()?,
            "--dump" => a.dump = Some(val()?.into()),
            "-h" | "--help" => {
                return Err("usage: peer-eval [--dataset DIR] [--limit N] [--peers rapidocr,rapidocr-v4,tesseract] [--psm 3[,4,6]] [--tess-langs eng+spa] [--dump DIR]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn header() {
    println!(
        "{:<58} {:>4} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6} {:>7} {:>9} {:>8}",
        "engine",
        "docs",
        "P",
        "R",
        "F1",
        "CER",
        "CERrows",
        "CERdoc",
        "CER(cs)",
        "median s",
        "peak MB"
    );
}

fn row(
    name: &str,
    docs: &[sroie::SroieDoc],
    texts: &[&str],
    median: Option<f64>,
    rss_kb: Option<u64>,
) {
    let mut score = OcrScore::new();
    // The same lines in row order: the file order is the annotators'.
    let mut in_rows = CharErrorRate::new();
    for (doc, text) in docs.iter().zip(texts) {
        score.add(text, &doc.gt_text());
        in_rows.add(text, &doc.gt_text_in_rows());
    }
    let (w, c, cs) = (score.words, score.chars, score.chars_case_sensitive);
    let opt = |v: Option<f64>, digits: usize| v.map_or("-".to_owned(), |v| format!("{v:.digits$}"));
    println!(
        "{:<58} {:>4} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>7.3} {:>6.3} {:>7.3} {:>9} {:>8}",
        name,
        w.docs,
        w.precision(),
        w.recall(),
        w.f1(),
        c.cer(),
        in_rows.cer(),
        c.mean_doc_cer(),
        cs.cer(),
        opt(median, 3),
        opt(rss_kb.map(|k| k as f64 / 1024.0), 0),
    );
}

fn dump(dir: &Option<PathBuf>, tag: &str, docs: &[sroie::SroieDoc], run: &PeerRun) {
    let Some(dir) = dir else { return };
    let d = dir.join(tag);
    if std::fs::create_dir_all(&d).is_err() {
        return;
    }
    for (doc, img) in docs.iter().zip(&run.images) {
        let _ = std::fs::write(d.join(format!("{}.txt", doc.id)), &img.text);
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Some(dir) = args.dataset.clone().or_else(datasets::sroie_dev_dir) else {
        println!(
            "SKIPPED: sroie-dev not found (set {} or put shared/datasets beside the repository)",
            datasets::DATASETS_ENV
        );
        return ExitCode::SUCCESS;
    };
    let mut docs = match sroie::load(&dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(n) = args.limit {
        docs.truncate(n);
    }
    let images: Vec<PathBuf> = docs.iter().map(|d| d.image.clone()).collect();
    println!("sroie-dev: {} documents from {}", docs.len(), dir.display());
    header();
    let gts: Vec<String> = docs.iter().map(|d| d.gt_text()).collect();
    let gt_refs: Vec<&str> = gts.iter().map(String::as_str).collect();
    row(
        "ground truth (sanity: F1 1, CER 0)",
        &docs,
        &gt_refs,
        None,
        None,
    );

    let mut failed = false;
    for peer in &args.peers {
        let runs: Vec<(String, Result<PeerRun, peers::PeerError>)> = match peer.as_str() {
            "rapidocr" | "rapidocr-v4" => {
                let models = if peer == "rapidocr" {
                    RapidModels::PpOcrV5
                } else {
                    RapidModels::Bundled
                };
                let opts = RapidOcrOptions {
                    models,
                    ..Default::default()
                };
                vec![(peer.clone(), peers::run_rapidocr(&images, &opts))]
            }
            "tesseract" => args
                .psms
                .iter()
                .map(|&psm| {
                    let opts = TesseractOptions {
                        psm,
                        langs: args.tess_langs.clone(),
                        ..Default::default()
                    };
                    (
                        format!("tesseract-{}-psm{psm}", args.tess_langs),
                        peers::run_tesseract(&images, &opts),
                    )
                })
                .collect(),
            other => {
                eprintln!("unknown peer {other} (rapidocr, rapidocr-v4, tesseract)");
                return ExitCode::from(2);
            }
        };
        for (tag, run) in runs {
            match run {
                Ok(run) => {
                    dump(&args.dump, &tag, &docs, &run);
                    let texts: Vec<&str> = run.images.iter().map(|i| i.text.as_str()).collect();
                    row(
                        &run.engine,
                        &docs,
                        &texts,
                        run.median_seconds(),
                        run.peak_rss_kb,
                    );
                }
                Err(e) => {
                    failed = true;
                    println!("{tag}: FAILED: {e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
