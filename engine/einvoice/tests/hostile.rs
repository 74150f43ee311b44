//! Inputs built to hurt an XML reader: each must end in a typed error,
//! quickly, without a panic.

use grace_einvoice::{detect, parse, EInvoiceError, MAX_DEPTH, MAX_XML_BYTES};
use std::time::{Duration, Instant};

const CII_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

#[test]
fn billion_laughs_is_refused_as_dtd() {
    let mut x = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        x.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    x.push_str(&format!(
        "]>\n<rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\">&lol9;</rsm:CrossIndustryInvoice>"
    ));
    assert_eq!(parse(x.as_bytes()), Err(EInvoiceError::Dtd));
}

#[test]
fn external_entity_is_refused_as_dtd() {
    let x = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
         <rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\"><x>&xxe;</x></rsm:CrossIndustryInvoice>"
    );
    let err = parse(x.as_bytes()).unwrap_err();
    assert_eq!(err, EInvoiceError::Dtd);
    assert!(err.to_string().contains("DTD"), "{err}");
}

#[test]
fn hundred_megabytes_is_refused_by_size_before_parsing() {
    let mut x = format!("<rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\"><a>").into_bytes();
    x.resize(100 << 20, b'a');
    let started = Instant::now();
    let err = parse(&x).unwrap_err();
    assert_eq!(
        err,
        EInvoiceError::TooLarge {
            size: 100 << 20,
            limit: MAX_XML_BYTES
        }
    );
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "size check is immediate"
    );
    assert!(
        err.to_string().contains(&MAX_XML_BYTES.to_string()),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let depth = 100_000;
    let mut x = format!("<rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\">");
    x.push_str(&"<a>".repeat(depth));
    x.push_str(&"</a>".repeat(depth));
    x.push_str("</rsm:CrossIndustryInvoice>");
    let err = parse(x.as_bytes()).unwrap_err();
    assert_eq!(err, EInvoiceError::TooDeep { limit: MAX_DEPTH });
    assert!(err.to_string().contains("128"), "{err}");
    // Unclosed tags count too.
    let open_only = "<a>".repeat(depth);
    assert!(matches!(
        parse(open_only.as_bytes()),
        Err(EInvoiceError::TooDeep { .. })
    ));
}

#[test]
fn many_nodes_are_refused() {
    let limits = grace_einvoice::Limits {
        max_nodes: 1000,
        ..Default::default()
    };
    let x = format!(
        "<rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\">{}</rsm:CrossIndustryInvoice>",
        "<a/>".repeat(5000)
    );
    assert_eq!(
        grace_einvoice::parse_with_limits(x.as_bytes(), &limits),
        Err(EInvoiceError::TooManyNodes { limit: 1000 })
    );
}

#[test]
fn truncated_invoice_is_malformed() {
    let x = include_str!("samples/cii_small.xml");
    for cut in [x.len() / 3, x.len() / 2, x.len() - 10] {
        let err = parse(&x.as_bytes()[..cut]).unwrap_err();
        assert!(
            matches!(err, EInvoiceError::Malformed(_)),
            "cut {cut}: {err:?}"
        );
    }
}

#[test]
fn svg_is_not_an_invoice() {
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"><rect/></svg>";
    assert_eq!(detect(svg), None);
    let err = parse(svg).unwrap_err();
    assert_eq!(
        err,
        EInvoiceError::NotAnInvoice {
            root: "{http://www.w3.org/2000/svg}svg".into()
        }
    );
    // Right name, wrong namespace.
    let fake = b"<Invoice xmlns=\"urn:example\"><ID>1</ID></Invoice>";
    assert_eq!(detect(fake), None);
    assert!(matches!(
        parse(fake),
        Err(EInvoiceError::NotAnInvoice { .. })
    ));
}

#[test]
fn empty_and_blank_inputs() {
    assert_eq!(parse(b""), Err(EInvoiceError::Empty));
    assert_eq!(parse(b" \n\t"), Err(EInvoiceError::Empty));
    assert_eq!(parse(b"\xEF\xBB\xBF"), Err(EInvoiceError::Empty));
    assert_eq!(detect(b""), None);
}

#[test]
fn non_utf8_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80)
        .collect();
    assert!(matches!(
        parse(&garbage),
        Err(EInvoiceError::NotUtf8 { offset: 0 })
    ));
    assert_eq!(detect(&garbage), None);
    let latin1 = b"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><ID>M\xFCller</ID></Invoice>";
    assert!(matches!(parse(latin1), Err(EInvoiceError::NotUtf8 { .. })));
}

#[test]
fn invoice_without_number_is_missing_a_field() {
    let x = format!("<rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\"/>");
    assert!(matches!(
        parse(x.as_bytes()),
        Err(EInvoiceError::Missing { .. })
    ));
}

#[test]
fn random_cuts_and_flips_never_panic() {
    let base = include_bytes!("samples/ubl_small.xml");
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut b = base.to_vec();
        let at = (seed as usize) % b.len();
        b[at] = (seed >> 32) as u8;
        b.truncate(((seed >> 16) as usize) % (b.len() + 1));
        let _ = parse(&b);
        let _ = detect(&b);
    }
}
