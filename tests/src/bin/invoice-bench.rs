//! `cargo xtask bench` (second part): the `invoice-fields` module's scores
//! on SROIE dev, receipts-de and generated Spanish documents, and its
//! milliseconds per document alone (OCR excluded: OCR runs first, then the
//! library is timed over the OCR outputs, best of five passes).
//! Usage: `invoice-bench [--limit N] [--spanish N]`.

use grace_eval::datasets::{receipts_de, receipts_de_dir, sroie, sroie_dev_dir};
use grace_ocr::{OcrOutput, Profile};
use grace_tests::invoice::{
    extract_all, generated_report, generated_set, read_files, score_generated, score_receipts_de,
    score_sroie,
};
use grace_tests::{ocr_many, test_threads};

/// Best-of-five milliseconds per document of the library alone.
fn library_ms(ocr: &[OcrOutput]) -> f64 {
    (0..5)
        .map(|_| extract_all(ocr).1)
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: usize| grace_tests::flag_value(&args, name, default);
    let limit = flag("--limit", 60);
    let spanish = flag("--spanish", 200) as u64;
    let threads = test_threads();
    println!("\n## invoice-fields (OCR excluded from ms/doc)\n");
    println!("| set | docs | scores | invoice-fields ms/doc |");
    println!("| --- | ---: | --- | ---: |");
    match sroie_dev_dir() {
        Some(dir) => {
            let docs: Vec<_> = sroie::load(&dir)
                .expect("sroie-dev loads")
                .into_iter()
                .take(limit)
                .collect();
            let images = read_files(docs.iter().map(|d| d.image.as_path()));
            let ocr = ocr_many(&images, Profile::Balanced, threads);
            let (outs, _) = extract_all(&ocr);
            let s = score_sroie(&docs, &outs);
            println!(
                "| sroie-dev (OCR balanced) | {} | company {:.3}, address {:.3}, date {:.3}, total {:.3}; ignoring case: company {:.3}, address {:.3}, date {:.3} | {:.2} |",
                docs.len(),
                s.company.accuracy(),
                s.address.accuracy(),
                s.date.accuracy(),
                s.total.accuracy(),
                s.company_ci.accuracy(),
                s.address_ci.accuracy(),
                s.date_ci.accuracy(),
                library_ms(&ocr)
            );
        }
        None => println!("SKIPPED sroie-dev: ../shared/datasets/sroie-dev is absent"),
    }
    match receipts_de_dir() {
        Some(dir) => {
            let docs = receipts_de::load(&dir).expect("receipts-de loads");
            let images = read_files(docs.iter().map(|d| d.image.as_path()));
            let ocr = ocr_many(&images, Profile::Balanced, threads);
            let (outs, _) = extract_all(&ocr);
            let s = score_receipts_de(&docs, &outs);
            println!(
                "| receipts-de (OCR balanced) | {} | total {:.3}, date {:.3} | {:.2} |",
                docs.len(),
                s.total.accuracy(),
                s.date.accuracy(),
                library_ms(&ocr)
            );
        }
        None => println!("SKIPPED receipts-de: ../shared/datasets/receipts-de is absent"),
    }
    let docs = generated_set(spanish);
    let images: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| d.file_bytes().expect("encodes").0)
        .collect();
    let ocr = ocr_many(&images, Profile::Fast, threads);
    let (outs, _) = extract_all(&ocr);
    let s = score_generated(&docs, &outs);
    let (worst, acc) = s.worst_field();
    println!(
        "| generated Spanish, half degraded (OCR fast) | {} | worst field {worst} {acc:.3}, validations {:.3}, boxes {:.3} | {:.2} |",
        docs.len(),
        s.validations.accuracy(),
        s.boxes.accuracy(),
        library_ms(&ocr)
    );
    println!(
        "\nper field on the generated set:\n{}",
        generated_report(&s)
    );
}
