//! Peer OCR engines (RapidOCR on onnxruntime, Tesseract 5) run on the same images as Grace.

mod rapidocr;
mod tesseract;

pub use rapidocr::{ensure_rapidocr_venv, run_rapidocr, RapidModels, RapidOcrOptions};
pub use tesseract::{ensure_tesseract, run_tesseract, TesseractOptions};

use std::path::{Path, PathBuf};

/// One image read by a peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerImage {
    /// The image path as given.
    pub file: PathBuf,
    /// Recognised lines, in the engine's order, joined by `'\n'`.
    pub text: String,
    /// Wall-clock seconds for this image (engine warm where the engine allows it).
    pub seconds: f64,
}

/// The result of running a peer over a list of images.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerRun {
    /// Engine name and configuration, e.g. `rapidocr 1.4.4 (PP-OCRv5 mobile)`.
    pub engine: String,
    /// One entry per input image, in input order.
    pub images: Vec<PeerImage>,
    /// Peak resident memory of the engine process in KiB (the largest over runs for per-image processes), when known.
    pub peak_rss_kb: Option<u64>,
}

impl PeerRun {
    /// Median seconds per image (`None` when no image was run).
    pub fn median_seconds(&self) -> Option<f64> {
        let secs: Vec<f64> = self.images.iter().map(|i| i.seconds).collect();
        crate::metrics::median(&secs)
    }

    /// The text read from `file`, when it was part of the run.
    pub fn text_of(&self, file: &Path) -> Option<&str> {
        self.images
            .iter()
            .find(|i| i.file == file)
            .map(|i| i.text.as_str())
    }
}

/// Why a peer could not run.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    /// A prerequisite is missing and could not be installed automatically.
    #[error("{what} is missing: {install}")]
    MissingPrerequisite {
        /// What is missing.
        what: String,
        /// How to install it.
        install: String,
    },
    /// A file or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A command exited unsuccessfully.
    #[error("`{command}` failed ({status}): {stderr}")]
    CommandFailed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// The end of its standard error.
        stderr: String,
    },
    /// The peer's output could not be understood.
    #[error("unexpected output from {engine}: {message}")]
    BadOutput {
        /// The engine.
        engine: String,
        /// What was wrong.
        message: String,
    },
}

/// Folder for peer environments: `$GRACE_PEERS_DIR`, else `$CARGO_TARGET_DIR/peers` (run or build time), else `<workspace>/target/peers`.
pub fn peers_cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("GRACE_PEERS_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(d).join("peers");
    }
    if let Some(d) = option_env!("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(d).join("peers");
    }
    crate::datasets::workspace_root()
        .join("target")
        .join("peers")
}

/// The last `max` characters of `s` (for error messages).
pub(crate) fn tail(s: &str, max: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let start = chars.len().saturating_sub(max);
    chars[start..].iter().collect::<String>().trim().to_owned()
}

/// Runs a command to completion, failing with [`PeerError::CommandFailed`] on a non-zero exit.
pub(crate) fn run_checked(
    cmd: &mut std::process::Command,
) -> Result<std::process::Output, PeerError> {
    let command = format!("{cmd:?}");
    let out = cmd.output().map_err(|source| PeerError::Io {
        context: format!("cannot start {command}"),
        source,
    })?;
    if !out.status.success() {
        return Err(PeerError::CommandFailed {
            command,
            status: out.status.to_string(),
            stderr: tail(&String::from_utf8_lossy(&out.stderr), 2000),
        });
    }
    Ok(out)
}
