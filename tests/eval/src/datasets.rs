//! The development datasets in `../shared/datasets` (never copied into the repository).
//!
//! Callers that get `None` from [`datasets_dir`] (or an absent sub-folder) must
//! report the check as SKIPPED, never as passed.

use std::fs;
use std::path::{Path, PathBuf};

/// Environment variable that overrides where the datasets live.
pub const DATASETS_ENV: &str = "GRACE_DATASETS_DIR";

/// Errors while reading a dataset.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line of a ground-truth file is malformed.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A key-field JSON file is malformed.
    #[error("{path}: invalid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// A file name does not follow the dataset's naming scheme.
    #[error("{path}: file name does not follow {expected}")]
    FileName {
        /// The file.
        path: PathBuf,
        /// The expected pattern.
        expected: &'static str,
    },
}

/// The workspace root: the nearest folder holding `wit/` above the package
/// `cargo` runs (its `CARGO_MANIFEST_DIR` at run time), else the path compiled
/// in. Run time first: two clones sharing one `CARGO_TARGET_DIR` share
/// binaries, and cargo does not rebuild a package that only moved.
pub fn workspace_root() -> PathBuf {
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .and_then(|dir| {
            Path::new(&dir)
                .ancestors()
                .find(|a| a.join("wit").is_dir() && a.join("Cargo.toml").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or(compiled);
    fs::canonicalize(&root).unwrap_or(root)
}

/// The datasets folder: `$GRACE_DATASETS_DIR`, else `<workspace root>/../shared/datasets`; `None` when absent.
pub fn datasets_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os(DATASETS_ENV) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => workspace_root().join("../shared/datasets"),
    };
    let dir = fs::canonicalize(&dir).ok()?;
    dir.is_dir().then_some(dir)
}

/// The `sroie-dev` folder inside [`datasets_dir`], when present.
pub fn sroie_dev_dir() -> Option<PathBuf> {
    let d = datasets_dir()?.join(sroie::DIR_NAME);
    d.is_dir().then_some(d)
}

/// The `receipts-de` folder inside [`datasets_dir`], when present.
pub fn receipts_de_dir() -> Option<PathBuf> {
    let d = datasets_dir()?.join(receipts_de::DIR_NAME);
    d.is_dir().then_some(d)
}

/// The `einvoice-dev` folder inside [`datasets_dir`], when present.
pub fn einvoice_dev_dir() -> Option<PathBuf> {
    let d = datasets_dir()?.join(einvoice_dev::DIR_NAME);
    d.is_dir().then_some(d)
}

/// Reads a text file as UTF-8 (Latin-1 fallback for invalid bytes), without a BOM.
pub fn read_text(path: &Path) -> Result<String, DatasetError> {
    let bytes = fs::read(path).map_err(|source| DatasetError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Sorted paths of the files in `dir` whose name ends with `suffix`.
fn list_files(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>, DatasetError> {
    let io = |source| DatasetError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_file() && name.to_ascii_lowercase().ends_with(suffix) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// SROIE 2019 scanned receipts (`sroie-dev/`): images, line ground truth, key fields.
pub mod sroie {
    use super::{list_files, read_text, DatasetError};
    use crate::metrics::{text_in_rows, LineSpan};
    use serde::Deserialize;
    use std::path::{Path, PathBuf};

    /// Folder name inside the datasets folder.
    pub const DIR_NAME: &str = "sroie-dev";

    /// One ground-truth text line: a clockwise quadrilateral from top-left and its text.
    #[derive(Debug, Clone, PartialEq)]
    pub struct GtLine {
        /// Corner points `(x, y)`, clockwise from top-left, in pixels.
        pub quad: [[f32; 2]; 4],
        /// The line's text (may contain commas).
        pub text: String,
    }

    impl GtLine {
        /// The line's horizontal start and vertical extent.
        pub fn span(&self) -> LineSpan {
            LineSpan::of_points(self.quad.map(|[x, y]| (x, y)))
        }
    }

    /// The SROIE task-3 key fields, as printed on the receipt.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    #[serde(default)]
    pub struct KeyFields {
        /// Company name.
        pub company: String,
        /// Date as printed.
        pub date: String,
        /// Address.
        pub address: String,
        /// Total as printed (sometimes with a currency prefix).
        pub total: String,
    }

    /// One receipt of the dataset.
    #[derive(Debug, Clone)]
    pub struct SroieDoc {
        /// File stem, e.g. `000`.
        pub id: String,
        /// Path of the scan (`img/<id>.jpg`).
        pub image: PathBuf,
        /// OCR ground truth from `box/<id>.csv`, in file order.
        pub lines: Vec<GtLine>,
        /// Key fields from `key/<id>.json`, when that file exists.
        pub key: Option<KeyFields>,
    }

    impl SroieDoc {
        /// Ground-truth text: the lines in file order joined by `'\n'`.
        pub fn gt_text(&self) -> String {
            let lines: Vec<&str> = self.lines.iter().map(|l| l.text.as_str()).collect();
            lines.join("\n")
        }

        /// Ground-truth text in row order: the same lines read top to bottom,
        /// left to right ([`crate::metrics::row_order`]), joined by `'\n'`. The file order is
        /// the annotators' (some receipts list a table column by column, or a
        /// footer mid-page), which no reader reproduces; this order is what
        /// any top-to-bottom reader produces from perfect recognition.
        pub fn gt_text_in_rows(&self) -> String {
            let spans: Vec<LineSpan> = self.lines.iter().map(GtLine::span).collect();
            text_in_rows(&spans, |i| self.lines[i].text.as_str())
        }
    }

    /// Parses one `x1,y1,x2,y2,x3,y3,x4,y4,text` row; the text keeps its own commas.
    pub fn parse_box_line(line: &str) -> Result<GtLine, String> {
        let line = line.trim_end_matches(['\r', '\n']);
        let mut parts = line.splitn(9, ',');
        let mut coords = [0f32; 8];
        for (i, c) in coords.iter_mut().enumerate() {
            let field = parts
                .next()
                .ok_or_else(|| format!("expected 8 coordinates and a text, got {} fields", i))?;
            *c = field
                .trim()
                .parse::<f32>()
                .map_err(|_| format!("coordinate {} is not a number: {field:?}", i + 1))?;
        }
        let text = parts
            .next()
            .ok_or("missing text after the 8 coordinates")?
            .to_owned();
        Ok(GtLine {
            quad: [
                [coords[0], coords[1]],
                [coords[2], coords[3]],
                [coords[4], coords[5]],
                [coords[6], coords[7]],
            ],
            text,
        })
    }

    /// Reads a `box/*.csv` file: CRLF or LF, optional BOM, blank lines skipped.
    pub fn load_boxes(path: &Path) -> Result<Vec<GtLine>, DatasetError> {
        let text = read_text(path)?;
        let mut out = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let line = parse_box_line(raw).map_err(|message| DatasetError::Parse {
                path: path.to_owned(),
                line: i + 1,
                message,
            })?;
            out.push(line);
        }
        Ok(out)
    }

    /// Reads a `key/*.json` file.
    pub fn load_key(path: &Path) -> Result<KeyFields, DatasetError> {
        let text = read_text(path)?;
        serde_json::from_str(&text).map_err(|source| DatasetError::Json {
            path: path.to_owned(),
            source,
        })
    }

    /// Loads every document of a `sroie-dev` folder (`img/`, `box/`, `key/`), sorted by id.
    ///
    /// Every image must have a box file; the key file is optional.
    pub fn load(dir: &Path) -> Result<Vec<SroieDoc>, DatasetError> {
        let mut docs = Vec::new();
        for image in list_files(&dir.join("img"), ".jpg")? {
            let id = image
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let lines = load_boxes(&dir.join("box").join(format!("{id}.csv")))?;
            let key_path = dir.join("key").join(format!("{id}.json"));
            let key = if key_path.is_file() {
                Some(load_key(&key_path)?)
            } else {
                None
            };
            docs.push(SroieDoc {
                id,
                image,
                lines,
                key,
            });
        }
        Ok(docs)
    }
}

/// Cropped German receipts (`receipts-de/`), ground truth in the file name.
pub mod receipts_de {
    use super::{list_files, DatasetError};
    use std::path::{Path, PathBuf};

    /// Folder name inside the datasets folder.
    pub const DIR_NAME: &str = "receipts-de";

    /// The naming scheme of the images.
    pub const PATTERN: &str = "MERCHANT_DDMMYYYY_NUMITEMS_TOTALCENTS.jpg";

    /// One receipt and its ground truth.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReceiptDe {
        /// Path of the scan.
        pub image: PathBuf,
        /// Merchant as written in the file name (lowercase, e.g. `aldi`).
        pub merchant: String,
        /// Purchase date, ISO `YYYY-MM-DD`.
        pub date: String,
        /// Number of items.
        pub num_items: u32,
        /// Total in euro cents.
        pub total_cents: i64,
        /// The `*_blocks.json` reference OCR (AWS Textract), when present; not ground truth.
        pub blocks: Option<PathBuf>,
    }

    /// Parses `MERCHANT_DDMMYYYY_NUMITEMS_TOTALCENTS` (with or without `.jpg`) into merchant, ISO date, items, cents.
    pub fn parse_file_name(name: &str) -> Option<(String, String, u32, i64)> {
        let stem = name
            .strip_suffix(".jpg")
            .or_else(|| name.strip_suffix(".JPG"))
            .unwrap_or(name);
        let mut parts = stem.rsplitn(4, '_');
        let cents = parts.next()?;
        let items = parts.next()?;
        let date = parts.next()?;
        let merchant = parts.next()?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if merchant.is_empty() || date.len() != 8 || !all_digits(date) || !all_digits(items) {
            return None;
        }
        if !all_digits(cents) {
            return None;
        }
        let (dd, mm, yyyy) = (&date[0..2], &date[2..4], &date[4..8]);
        let (d, m): (u32, u32) = (dd.parse().ok()?, mm.parse().ok()?);
        if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
            return None;
        }
        Some((
            merchant.to_owned(),
            format!("{yyyy}-{mm}-{dd}"),
            items.parse().ok()?,
            cents.parse().ok()?,
        ))
    }

    /// Loads every `*.jpg` of a `receipts-de` folder, sorted by file name.
    pub fn load(dir: &Path) -> Result<Vec<ReceiptDe>, DatasetError> {
        let mut out = Vec::new();
        for image in list_files(dir, ".jpg")? {
            let name = image
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let (merchant, date, num_items, total_cents) =
                parse_file_name(name).ok_or_else(|| DatasetError::FileName {
                    path: image.clone(),
                    expected: PATTERN,
                })?;
            let stem = image.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let blocks = dir.join(format!("{stem}_blocks.json"));
            out.push(ReceiptDe {
                merchant,
                date,
                num_items,
                total_cents,
                blocks: blocks.is_file().then_some(blocks),
                image,
            });
        }
        Ok(out)
    }
}

/// German ZUGFeRD / Factur-X PDFs and XRechnung CII / UBL XML files, with
/// the fields of each file's XML in `truth.json`.
pub mod einvoice_dev {
    use super::*;

    /// Folder name inside the datasets folder.
    pub const DIR_NAME: &str = "einvoice-dev";

    /// The truth fields, in the order the tests report them.
    pub const FIELDS: &[&str] = &[
        "invoice_number",
        "issue_date",
        "due_date",
        "currency",
        "total",
        "tax_basis",
        "tax_total",
        "seller_name",
        "seller_vat",
        "buyer_name",
        "iban",
    ];

    /// One file and the fields its XML states (null where it has none).
    #[derive(Debug, Clone)]
    pub struct Doc {
        /// `pdf/...` or `xml/...`, as `truth.json` names it.
        pub name: String,
        /// The file.
        pub path: PathBuf,
        /// Field name to value (`None` for null).
        pub truth: std::collections::BTreeMap<String, Option<String>>,
    }

    impl Doc {
        /// Whether this is a PDF (else an XML file).
        pub fn is_pdf(&self) -> bool {
            self.name.starts_with("pdf/")
        }
    }

    /// Every file of `truth.json` that exists, sorted by name.
    pub fn load(dir: &Path) -> Result<Vec<Doc>, DatasetError> {
        let path = dir.join("truth.json");
        let text = read_text(&path)?;
        let all: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).map_err(|source| DatasetError::Json {
                path: path.clone(),
                source,
            })?;
        let mut docs: Vec<Doc> = all
            .into_iter()
            .filter(|(name, _)| dir.join(name).is_file())
            .map(|(name, fields)| Doc {
                path: dir.join(&name),
                truth: FIELDS
                    .iter()
                    .map(|f| {
                        let v = fields.get(*f).and_then(|v| v.as_str()).map(str::to_string);
                        (f.to_string(), v)
                    })
                    .collect(),
                name,
            })
            .collect();
        docs.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_line_keeps_commas_in_text() {
        let l = sroie::parse_box_line("110,144,383,144,383,163,110,163,NO.53 55,57 & 59, JALAN,\r")
            .unwrap();
        assert_eq!(l.quad[0], [110.0, 144.0]);
        assert_eq!(l.quad[2], [383.0, 163.0]);
        assert_eq!(l.text, "NO.53 55,57 & 59, JALAN,");
        assert!(sroie::parse_box_line("1,2,3,4,5,6,7,8").is_err());
        assert!(sroie::parse_box_line("1,2,3,x,5,6,7,8,t").is_err());
        assert_eq!(sroie::parse_box_line("1,2,3,4,5,6,7,8,").unwrap().text, "");
    }

    #[test]
    fn receipt_file_names() {
        assert_eq!(
            receipts_de::parse_file_name("aldi_02032020_19_02423.jpg"),
            Some(("aldi".into(), "2020-03-02".into(), 19, 2423))
        );
        assert_eq!(
            receipts_de::parse_file_name("my_shop_23092016_03_15200"),
            Some(("my_shop".into(), "2016-09-23".into(), 3, 15200))
        );
        assert_eq!(
            receipts_de::parse_file_name("aldi_2032020_19_02423.jpg"),
            None
        );
        assert_eq!(
            receipts_de::parse_file_name("aldi_02132020_19_02423.jpg"),
            None
        );
        assert_eq!(receipts_de::parse_file_name("aldi_02032020_19.jpg"), None);
    }

    #[test]
    fn reads_bom_and_crlf() {
        let dir = std::env::temp_dir().join(format!("grace-eval-ds-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.csv");
        fs::write(
            &p,
            "\u{feff}1,2,3,4,5,6,7,8,A, B\r\n\r\n9,9,9,9,9,9,9,9,C\r\n",
        )
        .unwrap();
        let lines = sroie::load_boxes(&p).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "A, B");
        assert_eq!(lines[1].text, "C");
        fs::remove_dir_all(&dir).ok();
    }
}
