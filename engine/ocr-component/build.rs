//! Fails early, with the fix, when the model files are not fetched yet.

fn main() {
    // Read at run time: a build script binary may be reused from a checkout
    // at another path that shares the target directory.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = std::path::Path::new(&manifest_dir).join("../../models/files");
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
