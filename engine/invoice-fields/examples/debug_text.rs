fn main() {
    let text = std::env::args().nth(1).unwrap().replace("\\n", "\n");
    let out =
        grace_invoice_fields::run(text.as_bytes(), "text/plain", &serde_json::Map::new()).unwrap();
    println!(
        "number {:?}",
        out.fields
            .invoice_number
            .as_ref()
            .map(|x| (&x.value, &x.label))
    );
    for kv in &out.key_values {
        println!("  kv {:?}", (&kv.key, &kv.label, &kv.value));
    }
}
