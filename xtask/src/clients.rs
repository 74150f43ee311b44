//! The client-side suites of `cargo xtask test`: the n8n node's build, lint,
//! unit tests and pack (`n8n-node/scripts/ci.sh`), then the curl examples
//! and the real-n8n end-to-end test against a real `grace serve`
//! (`n8n-node/e2e/against-grace.sh`).

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Result;

/// Passed/failed/skipped counts of the client suites.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

/// Where npm keeps its cache and n8n is installed, outside the clone so
/// reruns on one machine are incremental (never needed for correctness).
fn cache_root() -> String {
    std::env::var("GRACE_CI_CACHE").unwrap_or_else(|_| "/var/tmp/grace-ci".into())
}

fn npm_env(cmd: &mut Command) {
    if std::env::var_os("npm_config_cache").is_none() {
        cmd.env("npm_config_cache", format!("{}/npm", cache_root()));
    }
    cmd.env("GRACE_N8N_CACHE", format!("{}/n8n", cache_root()));
}

/// Runs a command, echoing its output, and returns (success, stdout).
fn capture(cmd: &mut Command) -> Result<(bool, String)> {
    eprintln!("xtask: {cmd:?}");
    let out = cmd.stderr(Stdio::inherit()).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{stdout}");
    Ok((out.status.success(), stdout))
}

/// `cargo xtask n8n-install [--n8n-dir DIR] [--tarball FILE]`: packs the n8n
/// node (`npm ci` when its dependencies are missing, then `npm pack`, which
/// builds) and installs it where n8n keeps community packages,
/// `DIR/nodes/node_modules/n8n-nodes-grace` (DIR: `$N8N_USER_FOLDER/.n8n`,
/// else `~/.n8n`), with the same script the end-to-end test uses
/// (`n8n-node/scripts/install.mjs`). Restart n8n afterwards.
pub fn n8n_install(root: &Path, args: &[String]) -> Result<()> {
    let mut n8n_dir: Option<String> = None;
    let mut tarball: Option<std::path::PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--n8n-dir" => n8n_dir = it.next().cloned(),
            "--tarball" => tarball = it.next().map(std::path::PathBuf::from),
            other => anyhow::bail!(
                "unknown argument {other:?}; usage: cargo xtask n8n-install [--n8n-dir DIR] [--tarball FILE]"
            ),
        }
    }
    let pkg = root.join("n8n-node");
    let tarball = match tarball {
        Some(t) => t,
        None => {
            if !pkg.join("node_modules/.package-lock.json").is_file() {
                let mut ci = Command::new("npm");
                ci.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                    .current_dir(&pkg);
                crate::run(&mut ci)?;
            }
            let dest = pkg.join(".pack");
            std::fs::create_dir_all(&dest)?;
            for e in std::fs::read_dir(&dest)?.flatten() {
                if e.path().extension().is_some_and(|x| x == "tgz") {
                    std::fs::remove_file(e.path())?;
                }
            }
            let mut pack = Command::new("npm");
            pack.args(["pack", "--loglevel=error", "--pack-destination"])
                .arg(&dest)
                .current_dir(&pkg)
                .stdout(Stdio::null());
            crate::run(&mut pack)?;
            std::fs::read_dir(&dest)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == "tgz"))
                .ok_or_else(|| anyhow::anyhow!("npm pack left no tarball in {}", dest.display()))?
        }
    };
    let mut install = Command::new("node");
    install
        .arg(pkg.join("scripts/install.mjs"))
        .arg("--tarball")
        .arg(&tarball);
    if let Some(dir) = &n8n_dir {
        install.arg("--n8n-dir").arg(dir);
    }
    crate::run(&mut install)?;
    println!("Installed n8n-nodes-grace. Restart n8n; the node is \"OCR Extract\", its credentials \"Grace API\".");
    Ok(())
}

/// Runs both client suites and counts their results.
pub fn run(root: &Path, grace: &Path) -> Result<Counts> {
    let mut counts = Counts::default();
    let mut ci = Command::new("bash");
    ci.arg(root.join("n8n-node/scripts/ci.sh"))
        .current_dir(root);
    npm_env(&mut ci);
    let (ok, out) = capture(&mut ci)?;
    match out.lines().find_map(|l| {
        l.strip_prefix("n8n-node: ")
            .filter(|r| r.contains("passed"))
    }) {
        Some(summary) => {
            let nums: Vec<u64> = summary
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            counts.passed += nums.first().copied().unwrap_or(0);
            counts.failed += nums.get(1).copied().unwrap_or(0);
        }
        None => counts.failed += 1,
    }
    if !ok {
        counts.failed += 1;
        return Ok(counts);
    }

    let receipt = root.join("../shared/datasets/sroie-dev/img/000.jpg");
    if !receipt.is_file() {
        println!("SKIPPED n8n end-to-end: ../shared/datasets/sroie-dev is absent");
        counts.skipped += 1;
        return Ok(counts);
    }
    let tarball = std::fs::read_dir(root.join("n8n-node/.pack"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "tgz"));
    let mut e2e = Command::new("bash");
    e2e.arg(root.join("n8n-node/e2e/against-grace.sh"))
        .arg(grace)
        .arg(root.join("modules"))
        .arg(&receipt)
        .arg(root.join("../shared/datasets/sroie-dev/img"))
        .current_dir(root)
        // Reuse the compiled-code cache the Rust tests filled.
        .env("GRACE_CACHE_DIR", root.join("data/cache"));
    if let Some(t) = tarball {
        e2e.env("GRACE_N8N_TARBALL", t);
    }
    // The e2e installs the node with the documented command, this binary's `n8n-install`.
    if let Ok(me) = std::env::current_exe() {
        e2e.env("GRACE_XTASK_BIN", me);
    }
    npm_env(&mut e2e);
    let (ok, out) = capture(&mut e2e)?;
    let summary = out
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
    match summary.as_ref().and_then(|s| s["checks"].as_array()) {
        Some(checks) => {
            for c in checks {
                match c["pass"].as_bool() {
                    Some(true) => counts.passed += 1,
                    _ => counts.failed += 1,
                }
            }
        }
        None => counts.failed += 1,
    }
    if !ok && counts.failed == 0 {
        counts.failed += 1;
    }
    Ok(counts)
}
