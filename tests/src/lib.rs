//! Shared helpers for Grace's end-to-end tests and benchmarks.

pub mod pdf_bench;
pub mod pdf_samples;

use grace_ocr::{ModelFiles, OcrEngine, MODEL_FILE_NAMES};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// A native OCR engine over the fetched models (`cargo xtask setup` fetches them).
pub fn native_engine() -> OcrEngine {
    let dir = repo_root().join("models/files");
    let read = |name: &str| {
        std::fs::read(dir.join(name)).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `cargo xtask setup` first",
                dir.join(name).display()
            )
        })
    };
    let [det, rec, cls, keys] = MODEL_FILE_NAMES.map(read);
    OcrEngine::new(&ModelFiles {
        detection: &det,
        recognition: &rec,
        orientation: &cls,
        keys: &keys,
    })
    .expect("the models load")
}

/// Encodes an RGB image as PNG bytes.
pub fn png_bytes(image: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("PNG encoding");
    out
}

/// Prints a skip notice in the form test logs and CI scrapers recognise.
pub fn report_skip(test: &str, reason: &str) {
    println!("SKIPPED {test}: {reason}");
    eprintln!("SKIPPED {test}: {reason}");
}

/// Loads `modules/ocr.wasm` (installed by `cargo xtask setup`) with one warm
/// instance and the repository's compile cache.
pub async fn load_ocr_component(engine: &grace::GraceEngine) -> grace::LoadedModule {
    load_component(engine, "ocr.wasm").await
}

/// Loads `modules/<file>` (installed by `cargo xtask setup`) with one warm
/// instance and the repository's compile cache.
pub async fn load_component(engine: &grace::GraceEngine, file: &str) -> grace::LoadedModule {
    let path = repo_root().join("modules").join(file);
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask setup`",
        path.display()
    );
    let options = grace::LoadOptions {
        cache: grace::CompileCache::new(repo_root().join("data/cache")),
        pool_size: 1,
        ..grace::LoadOptions::default()
    };
    grace::LoadedModule::load(engine, &path, &options)
        .await
        .unwrap_or_else(|e| panic!("{file} loads: {e}"))
}
