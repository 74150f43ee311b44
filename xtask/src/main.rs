//! `cargo xtask` — the one entry point for setup, serving, testing and benchmarks.
//!
//! `setup` is idempotent: it adds the wasm target, installs the Debian
//! packages tests need, fetches and verifies the models, builds the host and
//! every component in release mode and copies the components to `modules/`.

mod clients;
mod models;
mod setup;

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("setup") => setup::setup(&root),
        Some("serve") => {
            setup::setup(&root)?;
            serve(&root, &args[1..])
        }
        Some("test") => {
            setup::setup(&root)?;
            test(&root)
        }
        Some("bench") => {
            setup::setup(&root)?;
            bench(&root, &args[1..])
        }
        Some("models") => models::fetch(&root),
        Some("n8n-install") => clients::n8n_install(&root, &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  setup   install targets, packages and models; build host and components\n  serve   setup, then run the host\n  test    setup, then every test suite\n  bench   setup, then the benchmarks\n  models  fetch and verify the model files only\n  n8n-install [--n8n-dir DIR] [--tarball FILE]\n          pack the n8n node and install it into DIR/nodes (default ~/.n8n)"
            );
            bail!("unknown or missing command")
        }
    }
}

/// The repository root (the parent of this crate).
///
/// Read from the environment `cargo run` sets before the path compiled in:
/// two clones sharing one `CARGO_TARGET_DIR` share one `xtask` binary, and
/// cargo does not relink it when the other clone's build is up to date.
fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command in `dir`, failing with its name when it fails.
pub(crate) fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: {shown}");
    let status = cmd
        .status()
        .map_err(|e| anyhow::anyhow!("cannot start {shown}: {e}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

/// `cargo` as invoked by this xtask.
pub(crate) fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root);
    cmd
}

/// The passing tests that printed `SKIPPED`, read from libtest's
/// `--show-output` sections (`successes:`, then `---- NAME stdout ----`
/// before each test's output), keyed by test binary (counted by libtest's
/// `running N tests` line; cargo names the binary on stderr) and name.
#[derive(Default)]
struct SkippedTests {
    binary: usize,
    test: Option<String>,
    in_successes: bool,
    tests: std::collections::BTreeSet<String>,
}

impl SkippedTests {
    fn read(&mut self, line: &str) {
        if line.starts_with("running ") {
            self.binary += 1;
            self.in_successes = false;
        } else if line == "successes:" {
            self.in_successes = true;
        } else if line == "failures:" || line.starts_with("test result: ") {
            self.in_successes = false;
            self.test = None;
        } else if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            self.test = Some(name.to_string());
        } else if line.starts_with("SKIPPED") && self.in_successes {
            if let Some(test) = &self.test {
                self.tests.insert(format!("{} {test}", self.binary));
            }
        }
    }
}

/// Runs `grace serve` from the repository root (modules in `modules/`,
/// data in `data/`); extra arguments go to `grace serve`.
fn serve(root: &Path, extra: &[String]) -> Result<()> {
    let mut cmd = Command::new(setup::host_binary(root));
    cmd.current_dir(root).arg("serve").args(extra);
    run(&mut cmd)
}

/// Runs every test suite, echoing cargo's output, and closes with one line
/// totalling all suites (cargo's own last line is the last crate's doc tests).
/// A test that passed after printing `SKIPPED` (its dataset is absent)
/// counts as skipped, not passed: libtest only knows it returned.
fn test(root: &Path) -> Result<()> {
    use std::io::BufRead;
    let mut cmd = cargo(root);
    // `--show-output` prints what passing tests printed, `SKIPPED` included.
    cmd.args([
        "test",
        "--release",
        "--workspace",
        "--no-fail-fast",
        "--",
        "--show-output",
    ]);
    eprintln!("xtask: {cmd:?}");
    let mut child = cmd.stdout(std::process::Stdio::piped()).spawn()?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    let mut skips = SkippedTests::default();
    for line in std::io::BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        skips.read(&line);
        if let Some(summary) = line.strip_prefix("test result: ") {
            for part in summary.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(label), Some(count)) = (words.next(), words.next()) else {
                    continue;
                };
                let n: u64 = count.parse().unwrap_or(0);
                match label {
                    "passed" => passed += n,
                    "failed" => failed += n,
                    "ignored" => ignored += n,
                    _ => {}
                }
            }
        }
    }
    let status = child.wait()?;
    let skipped = skips.tests.len() as u64;
    passed = passed.saturating_sub(skipped);
    ignored += skipped;
    // The client suites run even when a Rust suite failed (no-fail-fast).
    let clients = clients::run(root, &setup::host_binary(root))?;
    passed += clients.passed;
    failed += clients.failed;
    ignored += clients.skipped;
    println!("\ntests: {passed} passed, {failed} failed, {ignored} skipped");
    if !status.success() {
        bail!("cargo test failed with {status}");
    }
    if clients.failed > 0 {
        bail!(
            "{} client test(s) failed (n8n node, curl examples, n8n end-to-end)",
            clients.failed
        );
    }
    Ok(())
}

/// OCR accuracy/speed (`grace-bench`, takes the extra arguments), the
/// invoice-fields scores and timings (`invoice-bench`), the host load run
/// (`grace-load`), then each module's peak memory (`grace-memory`).
/// `--pdf` or `--cold-start` runs only that section, `--memory` only the last.
fn bench(root: &Path, extra: &[String]) -> Result<()> {
    let bin = |name: &str| {
        let mut cmd = cargo(root);
        cmd.args(["run", "--release", "-p", "grace-tests", "--bin", name, "--"]);
        cmd
    };
    if extra.iter().any(|a| a == "--memory") {
        return run(&mut bin("grace-memory"));
    }
    run(bin("grace-bench").args(extra))?;
    if extra.iter().any(|a| a == "--pdf" || a == "--cold-start") {
        return Ok(());
    }
    run(&mut bin("invoice-bench"))?;
    run(&mut bin("grace-load"))?;
    run(&mut bin("grace-memory"))
}

#[cfg(test)]
mod skipped_tests {
    use super::SkippedTests;

    #[test]
    fn a_passing_test_that_printed_skipped_is_counted_once() {
        let output = "running 2 tests\ntest a ... ok\ntest b ... ok\n\nsuccesses:\n\n---- a stdout ----\nSKIPPED a: ../shared/datasets/sroie-dev is absent\nSKIPPED a: again\n\n---- b stdout ----\nfigures 0.9\n\nsuccesses:\n    a\n    b\n\ntest result: ok. 2 passed; 0 failed\n\nrunning 1 test\ntest a ... FAILED\n\nfailures:\n\n---- a stdout ----\nSKIPPED a: absent\n\ntest result: FAILED. 0 passed; 1 failed";
        let mut skips = SkippedTests::default();
        for line in output.lines() {
            skips.read(line);
        }
        assert_eq!(skips.tests.len(), 1);
    }
}
