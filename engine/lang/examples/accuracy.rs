//! Prints per-language accuracy of `detect` (and of the trigram model alone) on a `code<TAB>sentence` file.
fn main() {
    let path = std::env::args().nth(1).expect("usage: accuracy FILE.tsv");
    let text = std::fs::read_to_string(&path).expect("readable file");
    let mut stats: std::collections::BTreeMap<String, (u32, u32, u32)> = Default::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (code, sentence) = line.split_once('\t').expect("code<TAB>sentence");
        let d = grace_lang::detect(sentence, &grace_lang::LangOptions::default()).expect("detects");
        let raw = whatlang::detect(sentence).and_then(|i| grace_lang::iso639_1(i.lang()));
        let e = stats.entry(code.to_string()).or_default();
        e.2 += 1;
        e.0 += u32::from(d.language == code);
        e.1 += u32::from(raw == Some(code));
        if d.language != code {
            println!(
                "miss {code} -> {} {:.2}: {sentence}",
                d.language, d.confidence
            );
        }
    }
    for (code, (ok, raw, n)) in stats {
        println!(
            "{code}: {ok}/{n} ({:.3}); trigram model alone {raw}/{n}",
            f64::from(ok) / f64::from(n)
        );
    }
}
