//! Reads images natively and prints the OCR JSON: `cargo run --release -p grace-ocr --example read -- FILE... [profile]`.

use grace_ocr::{ModelFiles, OcrEngine, OcrOptions, Profile, MODEL_FILE_NAMES};
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files");
    let read =
        |n: &str| std::fs::read(dir.join(n)).expect("run `cargo xtask setup` to fetch the models");
    let [det, rec, cls, keys] = MODEL_FILE_NAMES.map(read);
    let files = ModelFiles {
        detection: &det,
        recognition: &rec,
        orientation: &cls,
        keys: &keys,
    };
    let mut engine = OcrEngine::new(&files).expect("models load");
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let profile = match args.last().map(String::as_str) {
        Some(p @ ("fast" | "balanced" | "accurate")) => {
            let p = Profile::parse(p).unwrap();
            args.pop();
            p
        }
        _ => Profile::Balanced,
    };
    let options = OcrOptions::for_profile(profile);
    for file in args {
        let bytes = std::fs::read(&file).expect("readable file");
        match engine.read(&bytes, &options) {
            Ok(out) => println!("{}", serde_json::to_string(&out).unwrap()),
            Err(e) => eprintln!("{file}: {e}"),
        }
    }
}
