fn main() {
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).unwrap();
        let out =
            grace_invoice_fields::run(&bytes, "application/json", &serde_json::Map::new()).unwrap();
        let f = &out.fields;
        println!(
            "{p}\n number {:?}\n tax_total {:?}\n subtotal {:?}",
            f.invoice_number.as_ref().map(|x| (&x.value, &x.label)),
            f.tax_total.as_ref().map(|x| &x.value),
            f.subtotal.as_ref().map(|x| &x.value)
        );
        for kv in &out.key_values {
            println!("  kv {:?}", (&kv.label, &kv.value));
        }
    }
}
