//! Loads the real development datasets (SKIPPED when absent) and checks the metrics on the ground truth itself.

use grace_eval::datasets::{self, receipts_de, sroie};
use grace_eval::metrics::{self, CharErrorRate, WordScore};

#[test]
fn sroie_dev_loads_and_ground_truth_scores_perfectly() {
    let Some(dir) = datasets::sroie_dev_dir() else {
        println!("SKIPPED: sroie-dev not found");
        return;
    };
    let docs = sroie::load(&dir).expect("load sroie-dev");
    assert_eq!(docs.len(), 60);
    for d in &docs {
        assert!(d.image.is_file(), "{}", d.image.display());
        assert!(!d.lines.is_empty(), "{} has no lines", d.id);
        assert!(d.key.is_some(), "{} has no key", d.id);
        for l in &d.lines {
            assert!(
                !l.text.contains(['\r', '\n', '\u{feff}']),
                "{}: {:?}",
                d.id,
                l.text
            );
        }
    }
    let d0 = &docs[0];
    assert_eq!(d0.id, "000");
    assert_eq!(d0.lines[0].text, "TAN WOON YANN");
    assert_eq!(
        d0.lines[0].quad,
        [[72.0, 25.0], [326.0, 25.0], [326.0, 64.0], [72.0, 64.0]]
    );
    // Text with its own commas stays whole.
    assert_eq!(d0.lines[3].text, "NO.53 55,57 & 59, JALAN SAGU 18,");
    assert_eq!(d0.key.as_ref().unwrap().total, "9.00");

    let mut w = WordScore::new();
    let mut c = CharErrorRate::new();
    let mut totals = 0;
    for d in &docs {
        let gt = d.gt_text();
        w.add(&gt, &gt);
        c.add(&gt, &gt);
        let key = d.key.as_ref().unwrap();
        assert!(metrics::field_exact(&key.company, &key.company));
        if metrics::parse_amount_cents(&key.total).is_some() {
            totals += 1;
        }
    }
    assert_eq!(w.docs, 60);
    assert!(w.expected > 1000);
    assert_eq!((w.precision(), w.recall(), w.f1()), (1.0, 1.0, 1.0));
    assert_eq!(c.cer(), 0.0);
    assert!(c.gt_chars > 10_000);

    // Perfect recognition read row by row, scored against the file order:
    // what the annotators' line order alone costs the file-order CER.
    let mut order_only = CharErrorRate::new();
    for d in &docs {
        order_only.add(&d.gt_text_in_rows(), &d.gt_text());
        assert_eq!(d.gt_text_in_rows().len(), d.gt_text().len(), "{}", d.id);
    }
    println!(
        "sroie-dev perfect text in row order, scored in file order: CER {:.4}",
        order_only.cer()
    );
    assert!(order_only.cer() > 0.05, "{:.4}", order_only.cer());
    // `026` annotates its item table column by column and its footer
    // between the columns; row order keeps a row's barcode and its price together.
    let d26 = docs.iter().find(|d| d.id == "026").unwrap();
    let rows = d26.gt_text_in_rows();
    assert!(
        rows.contains("9555067700208\n10\n10.57\n0.00\n105.66 *"),
        "{rows}"
    );
    // One receipt has an empty total in its key file; every other total parses.
    assert!(totals >= 59, "only {totals} totals parse");
}

#[test]
fn receipts_de_loads() {
    let Some(dir) = datasets::receipts_de_dir() else {
        println!("SKIPPED: receipts-de not found");
        return;
    };
    let r = receipts_de::load(&dir).expect("load receipts-de");
    assert_eq!(r.len(), 26);
    let aldi = &r[0];
    assert_eq!(aldi.merchant, "aldi");
    assert_eq!(aldi.date, "2020-03-02");
    assert_eq!((aldi.num_items, aldi.total_cents), (19, 2423));
    assert!(aldi.blocks.is_some());
    assert!(r
        .iter()
        .all(|x| x.image.is_file() && x.total_cents > 0 && x.date.len() == 10));
}
