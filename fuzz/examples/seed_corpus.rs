//! Writes the committed seed corpus under `fuzz/corpus/<target>/`:
//! `cargo run --release -p grace-fuzz --example seed_corpus`.
//!
//! Every seed is made here (images with the `image` crate, PDFs with
//! `grace-pdfgen` or by hand, XML and JSON written out), except the three
//! small e-invoice samples already in `engine/einvoice/tests/samples`.

use image::{ImageFormat, RgbImage, RgbaImage};
use std::io::Cursor;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, data: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), data).unwrap();
}

fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn page_image(w: u32, h: u32) -> RgbImage {
    // White paper with two dark "text" bars, slightly skewed.
    RgbImage::from_fn(w, h, |x, y| {
        let bar = |top: u32| y >= top + x / 8 && y < top + 2 + x / 8 && x > 2 && x < w - 2;
        if bar(h / 4) || bar(h / 2) {
            image::Rgb([20, 20, 30])
        } else {
            image::Rgb([250, 248, 240])
        }
    })
}

/// A JPEG with an EXIF APP1 segment declaring orientation 6.
fn jpeg_with_exif(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&6u16.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn images(dir: &Path) {
    let page = page_image(24, 16);
    write(dir, "page.png", &encode(&page, ImageFormat::Png));
    write(dir, "page.jpg", &encode(&page, ImageFormat::Jpeg));
    write(dir, "page.tiff", &encode(&page, ImageFormat::Tiff));
    write(dir, "page.bmp", &encode(&page, ImageFormat::Bmp));
    write(dir, "page.gif", &encode(&page, ImageFormat::Gif));
    write(dir, "page.webp", &encode(&page, ImageFormat::WebP));
    write(
        dir,
        "exif6.jpg",
        &jpeg_with_exif(&encode(&page_image(16, 8), ImageFormat::Jpeg)),
    );
    let gray = image::GrayImage::from_fn(5, 3, |x, y| image::Luma([(x * 40 + y * 20) as u8]));
    let mut out = Vec::new();
    gray.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    write(dir, "gray.png", &out);
    let rgba = RgbaImage::from_fn(3, 7, |x, y| {
        image::Rgba([x as u8 * 80, y as u8 * 30, 9, 128])
    });
    let mut out = Vec::new();
    rgba.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    write(dir, "rgba.png", &out);
    write(
        dir,
        "one.png",
        &encode(&RgbImage::new(1, 1), ImageFormat::Png),
    );
    write(
        dir,
        "tall.png",
        &encode(&page_image(3, 90), ImageFormat::Png),
    );
}

/// A PDF written object by object with a correct cross-reference table.
fn handmade_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

fn deflate(data: &[u8]) -> Vec<u8> {
    // A stored (uncompressed) zlib stream: valid FlateDecode input without a compressor.
    let mut out = vec![0x78, 0x01];
    out.push(1);
    let len = data.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    let (mut a, mut b) = (1u32, 0u32);
    for &c in data {
        a = (a + u32::from(c)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn pdfs(dir: &Path, cii: &[u8]) {
    use grace_pdfgen::{Document, Font, Page, PageImage, PageSize};
    let small = PageSize {
        width: 200.0,
        height: 120.0,
    };
    let text = Page::new(small).lines(
        Font::Helvetica,
        9.0,
        10.0,
        10.0,
        &["FACTURA 2024-001", "Total: 121,00 EUR", "IVA 21%"],
    );
    write(
        dir,
        "text.pdf",
        &Document::new(vec![text.clone()]).to_bytes(),
    );
    let two = Document::new(vec![
        text.clone(),
        Page::new(small).lines(Font::CourierBold, 8.0, 5.0, 5.0, &["page 2"]),
    ]);
    write(dir, "two-pages.pdf", &two.to_bytes());
    write(
        dir,
        "encrypted.pdf",
        &Document::new(vec![text]).encrypted("secret").to_bytes(),
    );
    let scan = Page::new(small).with_image(PageImage {
        width: 8,
        height: 5,
        channels: 1,
        samples: (0..40).map(|i| (i * 6) as u8).collect(),
    });
    write(dir, "scan.pdf", &Document::new(vec![scan]).to_bytes());
    // A Factur-X-style PDF: the XML embedded (deflated) and listed in /AF.
    let content = stream("", b"BT /F1 8 Tf 10 100 Td (Rechnung) Tj ET");
    let attached = |filter: bool| {
        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(factur-x.xml) 5 0 R] >> >> /AF [5 0 R] >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 120] /Contents 4 0 R /Resources << /Font << /F1 7 0 R >> >> >>".to_vec(),
            content.clone(),
            b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Alternative /Desc (Factur-X) /EF << /F 6 0 R /UF 6 0 R >> >>".to_vec(),
            if filter {
                stream("/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode", &deflate(cii))
            } else {
                stream("/Type /EmbeddedFile /Subtype /text#2Fxml", cii)
            },
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ];
        handmade_pdf(&objects)
    };
    write(dir, "facturx-flate.pdf", &attached(true));
    write(dir, "facturx-plain.pdf", &attached(false));
    // A name tree with /Kids and a non-XML attachment.
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>".to_vec(),
        b"<< /Kids [5 0 R] >>".to_vec(),
        b"<< /Limits [(a.txt) (a.txt)] /Names [(a.txt) 6 0 R] >>".to_vec(),
        b"<< /Type /Filespec /F (a.txt) /EF << /F 7 0 R >> >>".to_vec(),
        stream("/Type /EmbeddedFile /Subtype /text#2Fplain", b"hello"),
    ];
    write(dir, "kids.pdf", &handmade_pdf(&objects));
}

const OCR: &str = r#"{"lines":[
{"text":"ACME S.L.","box":[[10,10],[90,10],[90,22],[10,22]],"confidence":0.98,"words":[{"text":"ACME","box":[[10,10],[50,10],[50,22],[10,22]],"confidence":0.99},{"text":"S.L.","box":[[55,10],[90,10],[90,22],[55,22]]}]},
{"text":"CIF B12345674","box":[[10,30],[120,30],[120,42],[10,42]]},
{"text":"Factura n.º 2024/0042  Fecha 05/03/2024","box":[[10,50],[300,50],[300,62],[10,62]]},
{"text":"Base imponible 100,00 €","box":[[10,80],[200,80],[200,92],[10,92]]},
{"text":"IVA 21% 21,00 €","box":[[10,100],[200,100],[200,112],[10,112]]},
{"text":"TOTAL 121,00 €","box":[[10,120],[200,120],[200,132],[10,132]],"words":[{"text":"TOTAL","alternatives":[[0,"T0TAL"]]}]}
]}"#;

const PAGES: &str = r#"{"pages":[{"number":1,"page":{"width":600,"height":800},"lines":[{"text":"INVOICE #A-17"},{"text":"Date: 03/04/2024"},{"text":"Amount due $1,234.50"}]},{"number":2,"lines":[{"text":"Subtotal 1,000.00"},{"text":"Tax 234.50"}]}],"e_invoice":{"xml":"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>","filename":"x.xml"}}"#;

fn envelopes(dir: &Path, cii: &[u8]) {
    write(dir, "ocr.json", OCR.as_bytes());
    write(dir, "pages.json", PAGES.as_bytes());
    write(
        dir,
        "ticket.txt",
        "SUPERMERCADO LUNA\nNIF: 12345678Z\n12/01/2024 18:03\nPAN 1,20\nLECHE 0,95\nTOTAL EUR 2,15\nEFECTIVO 5,00\nCAMBIO 2,85\n"
            .as_bytes(),
    );
    write(dir, "cii.xml", cii);
    write(
        dir,
        "bare.json",
        br#"{"file":"iVBORw0KGgo=","filename":"ticket.png","options":{"profile":"fast"},"perfil":"x","lang":"es"}"#,
    );
    write(
        dir,
        "dataurl.json",
        br#"{"image_base64":"data:image/png;base64,iVBORw0KGgo","name":"a.PNG","metadata":{"k":"v"},"request_id":"r-1"}"#,
    );
    write(
        dir,
        "text.json",
        br#"{"text":"Total 12,00","module":"invoice-fields","options":null}"#,
    );
    write(
        dir,
        "url.json",
        br#"{"file_url":"https://example.invalid/a/b.pdf"}"#,
    );
    write(
        dir,
        "envelope.json",
        br#"{"contract_version":"1.2","envelope":{"trace_id":"t"},"routing":{},"payload":{"type":"image","encoding":"base64","content":"aGVsbG8=","content_hash":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},"options":{}}"#,
    );
    write(
        dir,
        "envelope-utf8.json",
        br#"{"contract_version":"1.2","payload":{"encoding":"utf-8","content":"Total 3,00"}}"#,
    );
    write(
        dir,
        "response.json",
        br#"{"contract_version":"1.2","status":"SUCCESS","envelope":{"trace_id":"t","step_id":"s"},"result":{"data":{"fields":{"total":{"value":"121.00","confidence":0.9}},"text":"x","lines":[]},"confidence":0.9},"metrics":{"duration_ms":12},"errors":[]}"#,
    );
}

fn uploads(dir: &Path, png: &[u8], pdf: &[u8]) {
    let boundary = "XyZ";
    let part = |name: &str, filename: Option<&str>, data: &[u8]| {
        let mut p =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").into_bytes();
        if let Some(f) = filename {
            p.extend_from_slice(
                format!("; filename=\"{f}\"\r\nContent-Type: application/octet-stream").as_bytes(),
            );
        }
        p.extend_from_slice(b"\r\n\r\n");
        p.extend_from_slice(data);
        p.extend_from_slice(b"\r\n");
        p
    };
    let head = format!("multipart/form-data; boundary={boundary}\n").into_bytes();
    let mut body = head.clone();
    body.extend(part("file", Some("a.png"), png));
    body.extend(part(
        "options",
        None,
        br#"{"profile":"fast","page_limit":2}"#,
    ));
    body.extend(part("min_confidence", None, b"0.5"));
    body.extend(format!("--{boundary}--\r\n").into_bytes());
    write(dir, "multipart-png.txt", &body);
    let mut body = head.clone();
    body.extend(part("files", Some("a.pdf"), pdf));
    body.extend(part("file_url", None, b"https://example.invalid/x.pdf"));
    body.extend(part("lang", None, "españ%C3ol".as_bytes()));
    body.extend(format!("--{boundary}--\r\n").into_bytes());
    write(dir, "multipart-pdf.txt", &body);
    write(
        dir,
        "form.txt",
        b"file=aGVsbG8%3D&filename=a.txt&options=%7B%22a%22%3A1%7D&profile=fast&x=%C3%B1&flag=true&n=1.5&e=%ZZ&last",
    );
    write(
        dir,
        "query.txt",
        b"module=ocr&pipeline=p&options=%7B%22locale%22%3A%22es-ES%22%7D&timings=true&min_confidence=0.5&arr=%5B1%2C2%5D",
    );
    write(
        dir,
        "envelope.json",
        br#"{"contract_version":"1.2","envelope":{"trace_id":"0af7651916cd43dd8448eb211c80319c","ttl_ms":5000},"payload":{"encoding":"base64","content":"aGVsbG8=","options":{"a":1}},"options":{"b":2}}"#,
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let samples = root.join("../engine/einvoice/tests/samples");
    let cii = std::fs::read(samples.join("cii_small.xml")).unwrap();
    images(&corpus.join("image"));
    pdfs(&corpus.join("pdf"), &cii);
    for name in ["cii_small.xml", "ubl_small.xml", "zugferd1_small.xml"] {
        write(
            &corpus.join("einvoice"),
            name,
            &std::fs::read(samples.join(name)).unwrap(),
        );
    }
    write(
        &corpus.join("einvoice"),
        "ubl-credit-note.xml",
        br#"<?xml version="1.0"?><CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"><cbc:ID>CN-1</cbc:ID><cbc:IssueDate>2024-02-29</cbc:IssueDate><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">-10.50</cbc:PayableAmount></cac:LegalMonetaryTotal><cac:CreditNoteLine><cbc:ID>1</cbc:ID><cbc:CreditedQuantity unitCode="C62">1.5</cbc:CreditedQuantity><cbc:LineExtensionAmount currencyID="EUR">-10.50</cbc:LineExtensionAmount></cac:CreditNoteLine></CreditNote>"#,
    );
    envelopes(&corpus.join("envelope"), &cii);
    let png = std::fs::read(corpus.join("image/page.png")).unwrap();
    let pdf = std::fs::read(corpus.join("pdf/text.pdf")).unwrap();
    uploads(&corpus.join("upload"), &png, &pdf);
    println!("seed corpus written under {}", corpus.display());
}
