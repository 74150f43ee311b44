//! `cargo xtask setup`: everything a fresh machine needs, idempotently.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Components built for `wasm32-wasip2`: (cargo package, module file name).
pub const COMPONENTS: &[(&str, &str)] = &[
    ("grace-ocr-component", "ocr.wasm"),
    ("grace-hash-component", "hash.wasm"),
    ("grace-invoice-fields-component", "invoice-fields.wasm"),
    ("grace-pdf-component", "pdf.wasm"),
    ("grace-image-component", "image.wasm"),
    ("grace-lang-component", "lang.wasm"),
    ("grace-translate-component", "translate.wasm"),
];

/// Components installed pre-initialized by `grace preinit`, because their
/// first call would otherwise parse and optimize models.
const PREINITIALIZED: &[&str] = &["grace-ocr-component"];

/// Debian packages the test suites use (fonts for rendered documents).
const DEBIAN_PACKAGES: &[&str] = &[
    "fonts-dejavu-core",
    "fonts-liberation2",
    "fonts-freefont-ttf",
];

/// Runs every setup step.
pub fn setup(root: &Path) -> Result<()> {
    add_wasm_target()?;
    install_debian_packages()?;
    crate::models::fetch(root)?;
    // The whole workspace, not just the host: building a subset resolves
    // different dependency features and `cargo test` would rebuild tract and wasmtime.
    crate::run(crate::cargo(root).args(["build", "--release", "--workspace"]))?;
    let mut build = crate::cargo(root);
    build.args(["build", "--release", "--target", "wasm32-wasip2"]);
    for (package, _) in COMPONENTS {
        build.args(["-p", package]);
    }
    crate::run(&mut build)?;
    install_components(root)
}

/// The target directory cargo uses (honours `CARGO_TARGET_DIR`).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Path of the release `grace` binary.
pub fn host_binary(root: &Path) -> PathBuf {
    target_dir(root).join("release/grace")
}

fn add_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("running rustup")?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-wasip2")
    {
        crate::run(Command::new("rustup").args(["target", "add", "wasm32-wasip2"]))?;
    }
    Ok(())
}

fn install_debian_packages() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg")
                .args(["-s", p])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut cmd = Command::new(all[0]);
        cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    crate::run(&mut apt(&["update", "-qq"]))?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(missing.iter());
    crate::run(&mut apt(&install))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Copies freshly built components into `modules/`, only when they changed
/// (a running host hot-swaps on change).
fn install_components(root: &Path) -> Result<()> {
    let modules = root.join("modules");
    std::fs::create_dir_all(&modules)?;
    let built = target_dir(root).join("wasm32-wasip2/release");
    for (package, file) in COMPONENTS {
        let mut src = built.join(format!("{}.wasm", package.replace('-', "_")));
        if PREINITIALIZED.contains(package) {
            src = preinitialized(root, &src)?;
        }
        let dest = modules.join(file);
        let new = std::fs::read(&src).with_context(|| format!("reading {}", src.display()))?;
        if std::fs::read(&dest).ok().as_deref() != Some(&new[..]) {
            let tmp = modules.join(format!(".{file}.tmp"));
            std::fs::write(&tmp, &new)?;
            std::fs::rename(&tmp, &dest)?;
            eprintln!("xtask: installed {}", dest.display());
        }
    }
    Ok(())
}

/// The pre-initialized copy of `plain`, made again only when the component or
/// the `grace` binary (which holds the warm-up) changed.
fn preinitialized(root: &Path, plain: &Path) -> Result<PathBuf> {
    let snapshot = plain.with_extension("preinit.wasm");
    let stamp = plain.with_extension("preinit.key");
    let host = host_binary(root);
    let key = format!(
        "{} {}",
        crate::models::sha256_of(plain)?,
        crate::models::sha256_of(&host)?
    );
    if snapshot.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(key.as_str()) {
        return Ok(snapshot);
    }
    crate::run(Command::new(&host).arg("preinit").arg(plain).arg(&snapshot))?;
    std::fs::write(&stamp, key)?;
    Ok(snapshot)
}
