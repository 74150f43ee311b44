//! Fails early, with the fix, when the model files are not fetched yet.

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files");
    for name in [
        "ppocrv5_det.onnx",
        "ppocrv5_rec.onnx",
        "ppocrv5_cls.onnx",
        "ppocr_keys_v5.txt",
    ] {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        if !path.exists() {
            panic!("model file {} is missing: run `cargo xtask setup` (it fetches and verifies the models)", path.display());
        }
    }
}
