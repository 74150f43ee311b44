use grace_invoice_fields::layout::{InputLine, Page};
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let lines: Vec<InputLine> = serde_json::from_value(v["lines"].clone()).unwrap();
    let page = Page::from_lines(&lines);
    for (r, row) in page.rows.iter().enumerate().take(14) {
        let t: Vec<String> = row
            .iter()
            .map(|&l| {
                let hits = grace_invoice_fields::labels::labels_in_line(&page, l);
                format!(
                    "{:?}{:?}",
                    page.lines[l].text,
                    hits.iter().map(|h| h.kind).collect::<Vec<_>>()
                )
            })
            .collect();
        println!("row {r}: {}", t.join(" | "));
    }
}
