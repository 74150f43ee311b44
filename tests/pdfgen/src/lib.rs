//! A small PDF writer for Grace's tests: pages of text in the standard
//! fonts or an embedded TrueType font, full-page images (scanned-style
//! pages), several pages, and RC4 encryption with a user password.
//!
//! It writes exactly what the tests need and no more, so the files are
//! known byte for byte and the tests depend on no PDF library of their own.

use md5::{Digest, Md5};
use std::fmt::Write as _;

/// A page size in points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
}

impl PageSize {
    /// ISO A4 portrait.
    pub const A4: PageSize = PageSize {
        width: 595.0,
        height: 842.0,
    };
}

/// A font a text run is set in.
#[derive(Clone, PartialEq)]
pub enum Font {
    /// Standard 14 Helvetica (not embedded).
    Helvetica,
    /// Standard 14 Times-Roman (not embedded).
    TimesRoman,
    /// Standard 14 Courier-Bold (not embedded).
    CourierBold,
    /// A TrueType font program embedded in the file (the whole `.ttf`).
    TrueType {
        /// PostScript-style name written as the BaseFont.
        name: String,
        /// The font file.
        data: Vec<u8>,
    },
}

// A font program is summarised by its length and digest: the file ID hashes
// the document's debug text, which must not spell out a whole font per run.
impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Font::Helvetica => f.write_str("Helvetica"),
            Font::TimesRoman => f.write_str("TimesRoman"),
            Font::CourierBold => f.write_str("CourierBold"),
            Font::TrueType { name, data } => f
                .debug_struct("TrueType")
                .field("name", name)
                .field("len", &data.len())
                .field("sample", &sample(data))
                .finish(),
        }
    }
}

/// 64 bytes spread over `data`: enough to tell fonts apart, cheap to print per run.
fn sample(data: &[u8]) -> Vec<u8> {
    let step = (data.len() / 64).max(1);
    data.iter().step_by(step).take(64).copied().collect()
}

/// One run of text on a baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The font.
    pub font: Font,
    /// Font size in points.
    pub size: f32,
    /// Left edge in points from the page's left.
    pub x: f32,
    /// Baseline in points from the page's top (top-down, like the output).
    pub baseline: f32,
    /// The text: characters of WinAnsiEncoding (see [`try_win_ansi`]).
    pub text: String,
    /// Fill colour (RGB).
    pub color: [u8; 3],
}

/// A filled rectangle (rules, boxes, bands), drawn after the image and before the text.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledRect {
    /// Left edge in points.
    pub x: f32,
    /// Top edge in points from the page's top.
    pub y: f32,
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// Fill colour (RGB).
    pub color: [u8; 3],
}

/// An 8-bit image covering the whole page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// 1 (gray) or 3 (RGB) channels.
    pub channels: u8,
    /// Row-major samples, `width * height * channels` bytes.
    pub samples: Vec<u8>,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Page size.
    pub size: PageSize,
    /// Text runs drawn in order.
    pub runs: Vec<TextRun>,
    /// An image stretched over the whole page, drawn before the text.
    pub image: Option<PageImage>,
    /// Filled rectangles, drawn after the image and before the text.
    pub rects: Vec<FilledRect>,
}

impl Page {
    /// An empty page of the given size.
    pub fn new(size: PageSize) -> Self {
        Page {
            size,
            runs: Vec::new(),
            image: None,
            rects: Vec::new(),
        }
    }

    /// Adds text lines in one font, `leading` points apart, from (`x`, `top`).
    pub fn lines(mut self, font: Font, size: f32, x: f32, top: f32, lines: &[&str]) -> Self {
        for (i, line) in lines.iter().enumerate() {
            self.runs.push(TextRun {
                font: font.clone(),
                size,
                x,
                baseline: top + size * 1.4 * i as f32 + size,
                text: (*line).to_string(),
                color: [0, 0, 0],
            });
        }
        self
    }

    /// Sets the full-page image.
    pub fn with_image(mut self, image: PageImage) -> Self {
        self.image = Some(image);
        self
    }
}

/// A file embedded in the document, as Factur-X / ZUGFeRD embed their
/// invoice XML: listed in the catalog's `/EmbeddedFiles` and `/AF`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// File name (ASCII).
    pub name: String,
    /// Media type, e.g. `text/xml`.
    pub media_type: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// A document to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The pages in order.
    pub pages: Vec<Page>,
    /// Encrypt with RC4 (40-bit, revision 2) under this user password.
    pub user_password: Option<String>,
    /// Embedded files (unencrypted documents only).
    pub attachments: Vec<Attachment>,
}

impl Document {
    /// A document of these pages, unencrypted.
    pub fn new(pages: Vec<Page>) -> Self {
        Document {
            pages,
            user_password: None,
            attachments: Vec::new(),
        }
    }

    /// The same document with a file embedded.
    pub fn with_attachment(mut self, name: &str, media_type: &str, data: &[u8]) -> Self {
        self.attachments.push(Attachment {
            name: name.to_string(),
            media_type: media_type.to_string(),
            data: data.to_vec(),
        });
        self
    }

    /// The same document encrypted with a user password.
    pub fn encrypted(mut self, password: &str) -> Self {
        self.user_password = Some(password.to_string());
        self
    }

    /// Writes the PDF file.
    pub fn to_bytes(&self) -> Vec<u8> {
        Writer::new(self).finish()
    }
}

/// Object bodies by number (1-based), then serialization.
struct Writer<'a> {
    doc: &'a Document,
    objects: Vec<Vec<u8>>,
    /// The per-file RC4 key when encrypting.
    key: Option<Vec<u8>>,
    /// Owner and user entries of the encryption dictionary.
    encrypt_entries: Option<(Vec<u8>, Vec<u8>)>,
    file_id: [u8; 16],
}

/// Permissions written in /P: everything allowed.
const PERMISSIONS: i32 = -4;

/// The password padding string of the standard security handler.
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

impl<'a> Writer<'a> {
    fn new(doc: &'a Document) -> Self {
        // A content-derived file ID keeps the output deterministic.
        let file_id: [u8; 16] = Md5::digest(format!("{doc:?}").as_bytes()).into();
        let mut w = Writer {
            doc,
            objects: Vec::new(),
            key: None,
            encrypt_entries: None,
            file_id,
        };
        if let Some(password) = &doc.user_password {
            w.set_up_encryption(password);
        }
        w
    }

    /// Algorithms 2, 3 and 4 of the standard security handler, revision 2,
    /// with the owner password equal to the user password.
    fn set_up_encryption(&mut self, password: &str) {
        let padded = pad_password(password.as_bytes());
        let owner_key = &Md5::digest(padded)[..5];
        let owner = rc4(owner_key, &padded);
        let mut h = Md5::new();
        h.update(padded);
        h.update(&owner);
        h.update(PERMISSIONS.to_le_bytes());
        h.update(self.file_id);
        let key = h.finalize()[..5].to_vec();
        let user = rc4(&key, &PAD);
        self.key = Some(key);
        self.encrypt_entries = Some((owner, user));
    }

    fn reserve(&mut self) -> usize {
        self.objects.push(Vec::new());
        self.objects.len()
    }

    fn set(&mut self, id: usize, body: Vec<u8>) {
        self.objects[id - 1] = body;
    }

    /// A stream object body, compressed and (when encrypting) encrypted.
    fn stream(&self, id: usize, dict: &str, data: &[u8]) -> Vec<u8> {
        let mut data = miniz_oxide::deflate::compress_to_vec_zlib(data, 6);
        if let Some(key) = &self.key {
            data = rc4(&object_key(key, id), &data);
        }
        let mut body = format!(
            "<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        body
    }

    /// Writes each attachment's stream and file specification; returns the
    /// catalog entries that list them (empty without attachments).
    fn embed_attachments(&mut self) -> String {
        assert!(
            self.doc.attachments.is_empty() || self.key.is_none(),
            "attachments are written in unencrypted documents only"
        );
        let mut names = String::new();
        let mut specs = String::new();
        for a in &self.doc.attachments {
            let file_id = self.reserve();
            let subtype = a.media_type.replace('/', "#2F");
            let body = self.stream(
                file_id,
                &format!("/Type /EmbeddedFile /Subtype /{subtype}"),
                &a.data,
            );
            self.set(file_id, body);
            let spec_id = self.reserve();
            self.set(
                spec_id,
                format!(
                    "<< /Type /Filespec /F ({0}) /UF ({0}) /AFRelationship /Data /EF << /F {file_id} 0 R /UF {file_id} 0 R >> >>",
                    a.name
                )
                .into_bytes(),
            );
            let _ = write!(names, "({}) {spec_id} 0 R ", a.name);
            let _ = write!(specs, "{spec_id} 0 R ");
        }
        if names.is_empty() {
            return String::new();
        }
        format!("/Names << /EmbeddedFiles << /Names [{names}] >> >> /AF [{specs}] ")
    }

    fn finish(mut self) -> Vec<u8> {
        let catalog = self.reserve();
        let pages_id = self.reserve();
        let mut fonts: Vec<(Font, usize)> = Vec::new();
        let mut kids = Vec::new();
        for page in &self.doc.pages {
            let page_id = self.reserve();
            let content_id = self.reserve();
            kids.push(page_id);
            let mut content = String::new();
            let mut xobjects = String::new();
            if let Some(image) = &page.image {
                let image_id = self.reserve();
                let space = if image.channels == 1 {
                    "/DeviceGray"
                } else {
                    "/DeviceRGB"
                };
                let body = self.stream(
                    image_id,
                    &format!(
                        "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8",
                        image.width, image.height
                    ),
                    &image.samples,
                );
                self.set(image_id, body);
                xobjects = format!("/XObject << /Im0 {image_id} 0 R >>");
                let _ = writeln!(
                    content,
                    "q {} 0 0 {} 0 0 cm /Im0 Do Q",
                    page.size.width, page.size.height
                );
            }
            for r in &page.rects {
                let [red, green, blue] = r.color.map(|c| c as f32 / 255.0);
                let _ = writeln!(
                    content,
                    "{red:.3} {green:.3} {blue:.3} rg {} {} {} {} re f 0 g",
                    r.x,
                    page.size.height - r.y - r.height,
                    r.width,
                    r.height
                );
            }
            for run in &page.runs {
                let index = match fonts.iter().position(|(f, _)| *f == run.font) {
                    Some(i) => i,
                    None => {
                        let id = self.font_object(&run.font);
                        fonts.push((run.font.clone(), id));
                        fonts.len() - 1
                    }
                };
                let hex: String = run
                    .text
                    .chars()
                    .map(|c| format!("{:02X}", win_ansi(c)))
                    .collect();
                // Black text writes no colour operator, so pages written before
                // runs had a colour stay byte for byte what they were.
                let color = if run.color == [0, 0, 0] {
                    String::new()
                } else {
                    let [red, green, blue] = run.color.map(|c| c as f32 / 255.0);
                    format!("{red:.3} {green:.3} {blue:.3} rg ")
                };
                let _ = writeln!(
                    content,
                    "{color}BT /F{index} {} Tf {} {} Td <{hex}> Tj ET",
                    run.size,
                    run.x,
                    page.size.height - run.baseline
                );
            }
            let font_dict: String = fonts
                .iter()
                .enumerate()
                .map(|(i, (_, id))| format!("/F{i} {id} 0 R "))
                .collect();
            let body = self.stream(content_id, "", content.as_bytes());
            self.set(content_id, body);
            self.set(
                page_id,
                format!(
                    "<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {} {}] /Resources << /Font << {font_dict}>> {xobjects} >> /Contents {content_id} 0 R >>",
                    page.size.width, page.size.height
                )
                .into_bytes(),
            );
        }
        let kids: String = kids.iter().map(|k| format!("{k} 0 R ")).collect();
        self.set(
            pages_id,
            format!(
                "<< /Type /Pages /Kids [{kids}] /Count {} >>",
                self.doc.pages.len()
            )
            .into_bytes(),
        );
        let files = self.embed_attachments();
        self.set(
            catalog,
            format!("<< /Type /Catalog /Pages {pages_id} 0 R {files}>>").into_bytes(),
        );
        let encrypt = self.encrypt_entries.clone().map(|(owner, user)| {
            let id = self.reserve();
            self.set(
                id,
                format!(
                    "<< /Filter /Standard /V 1 /R 2 /Length 40 /P {PERMISSIONS} /O <{}> /U <{}> >>",
                    hex(&owner),
                    hex(&user)
                )
                .into_bytes(),
            );
            id
        });
        self.serialize(catalog, encrypt)
    }

    /// Writes a font dictionary (and its embedded program) and returns its number.
    fn font_object(&mut self, font: &Font) -> usize {
        let id = self.reserve();
        let base = match font {
            Font::Helvetica => "Helvetica",
            Font::TimesRoman => "Times-Roman",
            Font::CourierBold => "Courier-Bold",
            Font::TrueType { name, data } => {
                let file_id = self.reserve();
                let descriptor_id = self.reserve();
                let body = self.stream(file_id, &format!("/Length1 {}", data.len()), data);
                self.set(file_id, body);
                let face = ttf_parser::Face::parse(data, 0).expect("a TrueType font");
                let scale = 1000.0 / face.units_per_em() as f32;
                let widths: String = (32u8..=255)
                    .map(|code| {
                        let advance = decode_win_ansi(code)
                            .and_then(|c| face.glyph_index(c))
                            .and_then(|g| face.glyph_hor_advance(g))
                            .unwrap_or(0);
                        format!("{} ", (advance as f32 * scale).round())
                    })
                    .collect();
                let b = face.global_bounding_box();
                self.set(
                    descriptor_id,
                    format!(
                        "<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {file_id} 0 R >>",
                        (b.x_min as f32 * scale).round(),
                        (b.y_min as f32 * scale).round(),
                        (b.x_max as f32 * scale).round(),
                        (b.y_max as f32 * scale).round(),
                        (face.ascender() as f32 * scale).round(),
                        (face.descender() as f32 * scale).round(),
                        (face.capital_height().unwrap_or(face.ascender()) as f32 * scale).round(),
                    )
                    .into_bytes(),
                );
                self.set(
                    id,
                    format!(
                        "<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 32 /LastChar 255 /Widths [{widths}] /Encoding /WinAnsiEncoding /FontDescriptor {descriptor_id} 0 R >>"
                    )
                    .into_bytes(),
                );
                return id;
            }
        };
        self.set(
            id,
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
        id
    }

    fn serialize(&self, catalog: usize, encrypt: Option<usize>) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.objects.len() + 1);
        for offset in offsets {
            let _ = writeln!(table, "{offset:010} 00000 n ");
        }
        let encrypt = encrypt
            .map(|id| format!(" /Encrypt {id} 0 R"))
            .unwrap_or_default();
        let id = hex(&self.file_id);
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root {catalog} 0 R{encrypt} /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n",
            self.objects.len() + 1
        );
        out.extend_from_slice(table.as_bytes());
        out
    }
}

fn pad_password(password: &[u8]) -> [u8; 32] {
    let mut out = PAD;
    let n = password.len().min(32);
    out[..n].copy_from_slice(&password[..n]);
    out[n..].copy_from_slice(&PAD[..32 - n]);
    out
}

/// Algorithm 1: the key of one object (generation 0).
fn object_key(key: &[u8], id: usize) -> Vec<u8> {
    let mut h = Md5::new();
    h.update(key);
    h.update(&(id as u32).to_le_bytes()[..3]);
    h.update([0, 0]);
    h.finalize()[..(key.len() + 5).min(16)].to_vec()
}

/// RC4 (symmetric: the same call encrypts and decrypts).
fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[i as usize]);
            s.swap(i as usize, j as usize);
            b ^ s[s[i as usize].wrapping_add(s[j as usize]) as usize]
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// WinAnsiEncoding code points of 0x80..=0x9F that differ from Latin-1.
const WIN_ANSI_HIGH: [(u8, char); 27] = [
    (0x80, '€'),
    (0x82, '‚'),
    (0x83, 'ƒ'),
    (0x84, '„'),
    (0x85, '…'),
    (0x86, '†'),
    (0x87, '‡'),
    (0x88, 'ˆ'),
    (0x89, '‰'),
    (0x8A, 'Š'),
    (0x8B, '‹'),
    (0x8C, 'Œ'),
    (0x8E, 'Ž'),
    (0x91, '‘'),
    (0x92, '’'),
    (0x93, '“'),
    (0x94, '”'),
    (0x95, '•'),
    (0x96, '–'),
    (0x97, '—'),
    (0x98, '˜'),
    (0x99, '™'),
    (0x9A, 'š'),
    (0x9B, '›'),
    (0x9C, 'œ'),
    (0x9E, 'ž'),
    (0x9F, 'Ÿ'),
];

/// The WinAnsiEncoding byte of a character, if it has one.
pub fn try_win_ansi(c: char) -> Option<u8> {
    if let Some((b, _)) = WIN_ANSI_HIGH.iter().find(|(_, w)| *w == c) {
        return Some(*b);
    }
    match c as u32 {
        0x20..=0x7E | 0xA0..=0xFF => Some(c as u8),
        _ => None,
    }
}

/// The WinAnsiEncoding byte of a character the tests use.
pub fn win_ansi(c: char) -> u8 {
    try_win_ansi(c)
        .unwrap_or_else(|| panic!("{c:?} is not in the test writer's WinAnsiEncoding subset"))
}

/// The character of a WinAnsiEncoding byte.
fn decode_win_ansi(b: u8) -> Option<char> {
    if let Some((_, c)) = WIN_ANSI_HIGH.iter().find(|(w, _)| *w == b) {
        return Some(*c);
    }
    match b {
        0x20..=0x7E | 0xA0..=0xFF => Some(b as char),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_known_vector() {
        // The "Key"/"Plaintext" vector of the original RC4 publication.
        assert_eq!(hex(&rc4(b"Key", b"Plaintext")), "BBF316E8D940AF0AD3");
    }

    #[test]
    fn writes_a_deterministic_file_with_an_xref() {
        let doc = Document::new(vec![Page::new(PageSize::A4).lines(
            Font::Helvetica,
            12.0,
            72.0,
            72.0,
            &["¿Qué tal? ¡Señor! 12,50 €"],
        )]);
        let a = doc.to_bytes();
        assert_eq!(a, doc.to_bytes());
        assert!(a.starts_with(b"%PDF-1.4"));
        assert!(a.ends_with(b"%%EOF\n"));
    }
}
