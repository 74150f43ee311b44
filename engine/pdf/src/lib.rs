//! PDF pages in, per page either the text layer with positions (in the
//! `ocr` module's layout shape) or a rendered PNG for OCR, in pure Rust
//! (hayro), so it runs the same natively and inside a wasm component.

pub mod attachments;
pub mod output;
mod pages;
mod text;

pub use attachments::{
    find_einvoice_xml, list_attachments, Attachment, AttachmentError, EmbeddedInvoice,
};
pub use output::{EInvoiceXml, Line, PageImage, PageOutput, PageSize, PdfOutput, Source, Word};
pub use pages::PageSelection;

use base64::Engine as _;
use hayro::hayro_interpret::hayro_syntax::page::Page;
use hayro::hayro_interpret::hayro_syntax::{DecryptionError, LoadPdfError, Pdf};
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{interpret_page, Context, InterpreterCache, InterpreterSettings};
use hayro::kurbo::{Affine, Rect};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{RenderCache, RenderSettings};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Largest accepted input, in bytes.
pub const MAX_INPUT_BYTES: usize = 128 << 20;
/// Lowest accepted `dpi`.
pub const MIN_DPI: u32 = 36;
/// Highest accepted `dpi`.
pub const MAX_DPI: u32 = 600;
/// Default `dpi`: what the `ocr` module reads well.
pub const DEFAULT_DPI: u32 = 150;
/// Default `page_limit`.
pub const DEFAULT_PAGE_LIMIT: usize = 50;
/// Highest accepted `page_limit`.
pub const MAX_PAGE_LIMIT: usize = 500;
/// Most pixels of one rendered page (A4 at 600 DPI is 34.8 million).
pub const MAX_PAGE_PIXELS: u64 = 40_000_000;
/// Widest or tallest rendered page: the rasterizer counts pixels in `u16`.
const MAX_SIDE: u32 = u16::MAX as u32;

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Zero bytes.
    #[error("the input is empty")]
    Empty,
    /// Over [`MAX_INPUT_BYTES`].
    #[error("the input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// No `%PDF-` header.
    #[error("not a PDF: no %PDF- header in the first 1024 bytes")]
    NotPdf,
    /// No `%%EOF` marker: the file was cut short.
    #[error("the PDF is truncated: it has no %%EOF end marker")]
    Truncated,
    /// The parser could not find the document's objects or pages.
    #[error("the PDF is corrupt: {0}")]
    Corrupt(String),
    /// Encrypted, and no password was given.
    #[error("the PDF is encrypted: give its password in the \"password\" option")]
    PasswordRequired,
    /// Encrypted, and the password given does not open it.
    #[error("the password given does not open this encrypted PDF")]
    WrongPassword,
    /// Encryption this reader does not implement.
    #[error("the PDF's encryption is not supported: {0}")]
    UnsupportedEncryption(String),
    /// The document has no pages.
    #[error("the PDF has no pages")]
    NoPages,
    /// A `pages` option that does not parse.
    #[error("option \"pages\" is not a page list like \"1-3,5,8-\": {0}")]
    BadPages(String),
    /// A selected page past the end of the document.
    #[error("page {page} is out of range: the document has {count} pages")]
    PageOutOfRange {
        /// The page asked for.
        page: usize,
        /// Pages in the document.
        count: usize,
    },
    /// More selected pages than `page_limit`.
    #[error("{selected} pages selected, over the page_limit of {limit}: choose fewer with \"pages\" or raise \"page_limit\" (at most {MAX_PAGE_LIMIT})")]
    TooManyPages {
        /// Pages selected.
        selected: usize,
        /// The limit.
        limit: usize,
    },
    /// A page that would render to more than [`MAX_PAGE_PIXELS`].
    #[error("page {page} at {dpi} DPI would be {width}x{height} pixels, over the limit of {limit} pixels (and {MAX_SIDE} per side): lower \"dpi\"")]
    PageTooLarge {
        /// The page number.
        page: usize,
        /// The resolution asked for.
        dpi: u32,
        /// Width it would have.
        width: u64,
        /// Height it would have.
        height: u64,
        /// The pixel limit.
        limit: u64,
    },
    /// The parser or renderer panicked on this file (caught natively; inside
    /// a wasm component a panic traps instead).
    #[error("the PDF could not be read: {0}")]
    Unreadable(String),
    /// PNG encoding failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl PdfError {
    /// True for every error caused by the input or options (all but [`PdfError::Internal`]).
    pub fn is_invalid_input(&self) -> bool {
        !matches!(self, PdfError::Internal(_))
    }
}

/// When to render page images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenderMode {
    /// Only pages without a usable text layer.
    #[default]
    Auto,
    /// Every page, text layer or not.
    Always,
    /// None: pages without text come back with empty lines.
    Never,
}

impl RenderMode {
    /// Every mode, in the order the options schema lists them.
    pub const ALL: [RenderMode; 3] = [RenderMode::Auto, RenderMode::Always, RenderMode::Never];

    /// The option value naming this mode.
    pub fn name(self) -> &'static str {
        match self {
            RenderMode::Auto => "auto",
            RenderMode::Always => "always",
            RenderMode::Never => "never",
        }
    }
}

/// What to read and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfOptions {
    /// Which pages.
    pub pages: PageSelection,
    /// At most this many selected pages (error above it).
    pub page_limit: usize,
    /// Resolution of pixel coordinates and rendered images.
    pub dpi: u32,
    /// The user password of an encrypted PDF.
    pub password: Option<String>,
    /// When to render page images.
    pub render: RenderMode,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            pages: PageSelection::all(),
            page_limit: DEFAULT_PAGE_LIMIT,
            dpi: DEFAULT_DPI,
            password: None,
            render: RenderMode::Auto,
        }
    }
}

/// Reads a PDF: per selected page the text layer, a rendered image, or both.
///
/// Never panics on bad input natively: parser panics are caught and
/// reported as [`PdfError::Unreadable`].
pub fn read_pdf(data: &[u8], opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    guarded(data, opts.password.as_deref(), |pdf| {
        read_checked(pdf, opts)
    })
}

/// Checks the bytes, opens the PDF and runs `f` on it, turning parser
/// panics into [`PdfError::Unreadable`].
pub(crate) fn guarded<T>(
    data: &[u8],
    password: Option<&str>,
    f: impl FnOnce(&Pdf) -> Result<T, PdfError>,
) -> Result<T, PdfError> {
    check_bytes(data)?;
    catch_unwind(AssertUnwindSafe(|| f(&open(data, password)?))).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the parser failed".into());
        Err(PdfError::Unreadable(why))
    })
}

/// Cheap checks before the parser sees the bytes.
fn check_bytes(data: &[u8]) -> Result<(), PdfError> {
    if data.is_empty() {
        return Err(PdfError::Empty);
    }
    if data.len() > MAX_INPUT_BYTES {
        return Err(PdfError::TooLarge {
            size: data.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if !contains(&data[..data.len().min(1024)], b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    // The parser rebuilds a damaged cross-reference table from whatever
    // objects it finds, so a cut-off download would silently lose its last
    // pages; refuse it instead.
    if !contains(data, b"%%EOF") {
        return Err(PdfError::Truncated);
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn open(data: &[u8], password: Option<&str>) -> Result<Pdf, PdfError> {
    let attempt = Pdf::new_with_password(data.to_vec(), password.unwrap_or(""));
    // Only user passwords are checked: a file locked by an owner password
    // alone opens with an empty one, whatever password the caller sent.
    let attempt = match attempt {
        Err(LoadPdfError::Decryption(DecryptionError::PasswordProtected))
            if password.is_some_and(|p| !p.is_empty()) =>
        {
            Pdf::new_with_password(data.to_vec(), "")
                .map_err(|_| LoadPdfError::Decryption(DecryptionError::PasswordProtected))
        }
        other => other,
    };
    attempt.map_err(|e| match e {
        LoadPdfError::Invalid => PdfError::Corrupt(
            "its cross-reference table, catalog or page tree cannot be read".into(),
        ),
        LoadPdfError::Decryption(DecryptionError::PasswordProtected) => match password {
            None => PdfError::PasswordRequired,
            Some(_) => PdfError::WrongPassword,
        },
        LoadPdfError::Decryption(DecryptionError::MissingIDEntry) => {
            PdfError::Corrupt("it is encrypted but has no /ID in its trailer".into())
        }
        LoadPdfError::Decryption(DecryptionError::InvalidEncryption) => {
            PdfError::Corrupt("its encryption dictionary is invalid".into())
        }
        LoadPdfError::Decryption(DecryptionError::UnsupportedAlgorithm) => {
            PdfError::UnsupportedEncryption(
                "not the standard security handler with RC4 or AES".into(),
            )
        }
    })
}

fn read_checked(pdf: &Pdf, opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    let all = pdf.pages();
    if all.is_empty() {
        return Err(PdfError::NoPages);
    }
    let selected = opts.pages.resolve(all.len())?;
    if selected.len() > opts.page_limit {
        return Err(PdfError::TooManyPages {
            selected: selected.len(),
            limit: opts.page_limit,
        });
    }
    // Check every page's size first, so a huge page fails before any work.
    let sizes = selected
        .iter()
        .map(|&n| pixel_size(&all[n - 1], n, opts.dpi))
        .collect::<Result<Vec<_>, _>>()?;
    let settings = InterpreterSettings::default();
    let interpreter_cache = InterpreterCache::new();
    let render_cache = RenderCache::new();
    let mut pages = Vec::with_capacity(selected.len());
    for (&number, &size) in selected.iter().zip(&sizes) {
        let page = &all[number - 1];
        let transform = page_transform(page, size);
        let mut collector = text::GlyphCollector::new(size.width as f64, size.height as f64);
        let mut context = Context::new(
            transform,
            Rect::new(0.0, 0.0, size.width as f64, size.height as f64),
            &interpreter_cache,
            page.xref(),
            settings.clone(),
        );
        interpret_page(page, &mut context, &mut collector);
        let has_text = collector.has_text_layer();
        let (source, lines) = if has_text {
            (Source::TextLayer, text::layout(&collector.glyphs))
        } else {
            (Source::Image, Vec::new())
        };
        let render = match opts.render {
            RenderMode::Auto => !has_text,
            RenderMode::Always => true,
            RenderMode::Never => false,
        };
        let image = if render {
            Some(render_png(page, &render_cache, &settings, size)?)
        } else {
            None
        };
        pages.push(PageOutput {
            number,
            source,
            page: size,
            text: lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            lines,
            image,
        });
    }
    let text = pages
        .iter()
        .map(|p| p.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    Ok(PdfOutput {
        page_count: all.len(),
        dpi: opts.dpi,
        pages,
        text,
        e_invoice: attachments::pick_einvoice(attachments::attachments(pdf)).map(|e| EInvoiceXml {
            filename: e.filename,
            format: e.format,
            xml: e.xml,
        }),
    })
}

/// The page's size in pixels at `dpi`, within the limits.
fn pixel_size(page: &Page<'_>, number: usize, dpi: u32) -> Result<PageSize, PdfError> {
    let (w, h) = page.render_dimensions();
    let px = |points: f32| -> u64 {
        let v = (points as f64 * dpi as f64 / 72.0).round();
        if v.is_finite() && v >= 1.0 {
            v as u64
        } else {
            1
        }
    };
    let (width, height) = (px(w), px(h));
    if width * height > MAX_PAGE_PIXELS || width > MAX_SIDE as u64 || height > MAX_SIDE as u64 {
        return Err(PdfError::PageTooLarge {
            page: number,
            dpi,
            width,
            height,
            limit: MAX_PAGE_PIXELS,
        });
    }
    Ok(PageSize {
        width: width as u32,
        height: height as u32,
    })
}

/// Renders one page on white and encodes it as an RGB PNG.
fn render_png<'a>(
    page: &'a Page<'a>,
    cache: &RenderCache<'a>,
    settings: &InterpreterSettings,
    size: PageSize,
) -> Result<PageImage, PdfError> {
    let rgb = render_rgb(page, cache, settings, size);
    let png = encode_png(&rgb, size)?;
    Ok(PageImage {
        media_type: "image/png".into(),
        width: size.width,
        height: size.height,
        base64: base64::engine::general_purpose::STANDARD.encode(png),
    })
}

/// Renders one page on white to 8-bit RGB samples of exactly `size`.
fn render_rgb<'a>(
    page: &'a Page<'a>,
    cache: &RenderCache<'a>,
    settings: &InterpreterSettings,
    size: PageSize,
) -> Vec<u8> {
    // Sizes were checked against MAX_SIDE, so they fit the rasterizer's u16.
    let mut ctx = RenderContext::new(size.width as u16, size.height as u16);
    hayro::render_into(
        page,
        cache,
        settings,
        &RenderSettings::default(),
        &mut ctx,
        page_transform(page, size),
    );
    ctx.flush();
    let mut pixmap = Pixmap::new(ctx.width(), ctx.height());
    ctx.render_with(
        &mut pixmap,
        &mut Resources::default(),
        RasterizerSettings {
            target_init: TargetInit::Clear(WHITE),
            ..Default::default()
        },
    );
    // Painted over opaque white, every pixel is opaque: dropping alpha is exact.
    pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// PDF user space to this page's pixels (y down, /Rotate applied), exactly `size`.
fn page_transform(page: &Page<'_>, size: PageSize) -> Affine {
    let (w, h) = page.render_dimensions();
    Affine::scale_non_uniform(size.width as f64 / w as f64, size.height as f64 / h as f64)
        * page.initial_transform(true).to_kurbo()
}

fn encode_png(rgb: &[u8], size: PageSize) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size.width, size.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let internal = |e: png::EncodingError| PdfError::Internal(format!("PNG encoding: {e}"));
    let mut writer = encoder.write_header().map_err(internal)?;
    writer.write_image_data(rgb).map_err(internal)?;
    writer.finish().map_err(internal)?;
    Ok(out)
}
