//! Runs the extractor on files and prints one JSON result per line:
//! `cargo run --release -p grace-invoice-fields --example extract -- ocr.json notes.txt`
//! (`.json` files are read as OCR output, anything else as plain text).

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let media = if path.ends_with(".json") {
            "application/json"
        } else {
            "text/plain"
        };
        match grace_invoice_fields::run(&bytes, media, &serde_json::Map::new()) {
            Ok(out) => println!("{}", serde_json::to_string(&out).expect("serializes")),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
