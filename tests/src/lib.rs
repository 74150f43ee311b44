//! Shared helpers for Grace's end-to-end tests and benchmarks.

pub mod invoice;

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

/// Loads `modules/{file}` (installed by `cargo xtask setup`) with one warm
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

/// Reads every image with native OCR on `threads` engines in parallel, keeping
/// the input order. Each engine is single-threaded, so on a shared CI box two
/// engines halve the wall time without changing a single output byte.
///
/// When `GRACE_OCR_CACHE` names a folder, outputs are stored there keyed by
/// the sha256 of the image bytes and the profile and reused on the next run:
/// it is still this OCR's real output, only not recomputed while the
/// extraction around it is being tuned. CI leaves it unset.
pub fn ocr_many(
    images: &[Vec<u8>],
    profile: grace_ocr::Profile,
    threads: usize,
) -> Vec<grace_ocr::OcrOutput> {
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cache = std::env::var_os("GRACE_OCR_CACHE").map(PathBuf::from);
    let options = grace_ocr::OcrOptions::for_profile(profile);
    let profile_name = format!("{profile:?}").to_lowercase();
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<grace_ocr::OcrOutput>> = vec![None; images.len()];
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(images.len().max(1)) {
            scope.spawn(|| {
                let mut engine: Option<OcrEngine> = None;
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(bytes) = images.get(i) else { break };
                    let key = format!("{}-{profile_name}.json", hex::encode(Sha256::digest(bytes)));
                    let cached = cache
                        .as_ref()
                        .and_then(|dir| std::fs::read(dir.join(&key)).ok())
                        .and_then(|b| serde_json::from_slice(&b).ok());
                    let out = match cached {
                        Some(out) => out,
                        None => {
                            let engine = engine.get_or_insert_with(native_engine);
                            let out = engine.read(bytes, &options).expect("OCR reads the image");
                            if let Some(dir) = &cache {
                                std::fs::create_dir_all(dir).expect("cache folder");
                                std::fs::write(dir.join(&key), serde_json::to_vec(&out).unwrap())
                                    .expect("cache write");
                            }
                            out
                        }
                    };
                    slots.lock().expect("no panics while holding the lock")[i] = Some(out);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|o| o.expect("every image was read"))
        .collect()
}

/// Worker threads for OCR-heavy tests: `GRACE_TEST_THREADS`, default 2.
pub fn test_threads() -> usize {
    std::env::var("GRACE_TEST_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2)
}

/// The number after `name` on a command line (`--limit 30`), or `default`.
pub fn flag_value(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
