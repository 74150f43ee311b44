//! Tesseract 5 (Debian `tesseract-ocr`), one process per image.

use super::{run_checked, tail, PeerError, PeerImage, PeerRun};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Options of a Tesseract run.
#[derive(Debug, Clone)]
pub struct TesseractOptions {
    /// Languages, `+`-separated (default `eng+spa`).
    pub langs: String,
    /// Page segmentation mode (default 3: fully automatic).
    pub psm: u8,
    /// Install missing Debian packages with `apt-get` (default true; needs root).
    pub install: bool,
}

impl Default for TesseractOptions {
    fn default() -> Self {
        Self {
            langs: "eng+spa".into(),
            psm: 3,
            install: true,
        }
    }
}

const TIME: &str = "/usr/bin/time";
const RSS_MARK: &str = "GRACE_MAXRSS_KB=";

fn packages_for(langs: &str) -> Vec<String> {
    let mut pkgs = vec!["tesseract-ocr".to_owned()];
    pkgs.extend(
        langs
            .split('+')
            .filter(|l| !l.is_empty())
            .map(|l| format!("tesseract-ocr-{}", l.replace('_', "-").to_lowercase())),
    );
    pkgs
}

fn missing_langs(langs: &str) -> Option<Vec<String>> {
    let out = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // Older versions print the list on stderr.
    let listed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let have: Vec<&str> = listed.lines().map(str::trim).collect();
    Some(
        langs
            .split('+')
            .filter(|l| !l.is_empty() && !have.contains(l))
            .map(str::to_owned)
            .collect(),
    )
}

fn apt_install(pkgs: &[String]) -> Result<(), PeerError> {
    let install = || {
        run_checked(
            Command::new("apt-get")
                .args(["install", "-y", "-q", "--no-install-recommends"])
                .args(pkgs)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    if install().is_ok() {
        return Ok(());
    }
    run_checked(Command::new("apt-get").args(["update", "-q"]))?;
    install().map(|_| ())
}

/// Makes sure `tesseract` and the requested languages are present (installing them when allowed); returns its version line.
pub fn ensure_tesseract(opts: &TesseractOptions) -> Result<String, PeerError> {
    let pkgs = packages_for(&opts.langs);
    let missing = || PeerError::MissingPrerequisite {
        what: format!("tesseract with languages {}", opts.langs),
        install: format!("apt-get install -y {}", pkgs.join(" ")),
    };
    let needs_install = match missing_langs(&opts.langs) {
        None => true,
        Some(m) => !m.is_empty(),
    };
    if needs_install {
        if !opts.install {
            return Err(missing());
        }
        let mut all = pkgs.clone();
        if !Path::new(TIME).exists() {
            all.push("time".into());
        }
        apt_install(&all).map_err(|e| match e {
            PeerError::Io { .. } => missing(),
            other => PeerError::MissingPrerequisite {
                what: format!(
                    "tesseract with languages {} (automatic install failed: {other})",
                    opts.langs
                ),
                install: format!("apt-get install -y {}", pkgs.join(" ")),
            },
        })?;
        match missing_langs(&opts.langs) {
            Some(m) if m.is_empty() => {}
            _ => return Err(missing()),
        }
    }
    let out = run_checked(Command::new("tesseract").arg("--version"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(text.lines().next().unwrap_or("tesseract").trim().to_owned())
}

fn tesseract_once(
    image: &Path,
    opts: &TesseractOptions,
    with_time: bool,
) -> Result<(String, f64, Option<u64>), PeerError> {
    let mut cmd = if with_time {
        let mut c = Command::new(TIME);
        c.args(["-f", &format!("{RSS_MARK}%M"), "tesseract"]);
        c
    } else {
        Command::new("tesseract")
    };
    cmd.arg(image)
        .args(["stdout", "-l", &opts.langs, "--psm", &opts.psm.to_string()])
        .env("OMP_THREAD_LIMIT", "1");
    let start = Instant::now();
    let out = run_checked(&mut cmd)?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss = stderr
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix(RSS_MARK))
        .and_then(|v| v.trim().parse().ok());
    let text = String::from_utf8(out.stdout).map_err(|e| PeerError::BadOutput {
        engine: "tesseract".into(),
        message: format!("not UTF-8: {}", tail(&e.to_string(), 200)),
    })?;
    Ok((clean_text(&text), seconds, rss))
}

/// Tesseract's stdout as lines: form feeds and blank lines (paragraph breaks) removed.
fn clean_text(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_end_matches('\x0c').trim_end())
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `tesseract IMG stdout -l LANGS --psm N` per image (one OpenMP thread), timing each; the first image is also run once untimed to warm the file cache.
///
/// Peak RSS is the largest `%M` reported by `/usr/bin/time` over the images
/// (`None` when `/usr/bin/time` is absent).
pub fn run_tesseract(images: &[PathBuf], opts: &TesseractOptions) -> Result<PeerRun, PeerError> {
    let version = ensure_tesseract(opts)?;
    let with_time = Path::new(TIME).exists();
    if let Some(first) = images.first() {
        tesseract_once(first, opts, false)?;
    }
    let mut results = Vec::with_capacity(images.len());
    let mut peak: Option<u64> = None;
    for image in images {
        let (text, seconds, rss) = tesseract_once(image, opts, with_time)?;
        if let Some(r) = rss {
            peak = Some(peak.map_or(r, |p| p.max(r)));
        }
        results.push(PeerImage {
            file: image.clone(),
            text,
            seconds,
        });
    }
    Ok(PeerRun {
        engine: format!("{version} ({}, psm {})", opts.langs, opts.psm),
        images: results,
        peak_rss_kb: peak,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_tesseract_output() {
        assert_eq!(clean_text("A B  \n\nC\n\x0c"), "A B\nC");
    }

    #[test]
    fn package_names() {
        assert_eq!(
            packages_for("eng+spa"),
            ["tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-spa"]
        );
        assert_eq!(
            packages_for("chi_sim"),
            ["tesseract-ocr", "tesseract-ocr-chi-sim"]
        );
    }
}
