//! A small mutation fuzzer for every decoder of user bytes in Grace, on
//! stable Rust (no libFuzzer, no sanitizers, no coverage instrumentation).
//!
//! It is coverage-free but honest: each target is the real library entry
//! point, inputs come from a committed seed corpus mutated by a
//! deterministic xorshift RNG (seeded per target), and every input runs on a
//! worker thread under `catch_unwind` with a wall-time budget and a cap on
//! allocations. A panic that escapes, a hang, or an allocation over the cap
//! is a crash: the input is written to `fuzz/crashes/<target>-<sha256 prefix>`.
//!
//! Without coverage the only feedback is behavioural: each target returns a
//! short signature of what happened (the error kind, the shape decoded), and
//! a mutant with a signature not seen before joins the working corpus.
//!
//! Panics the libraries catch themselves (the `pdf` library turns parser
//! panics into an error natively, while inside a wasm component they trap)
//! are counted apart as *contained panics*, with the place they came from.

pub mod alloc;
pub mod mutate;
pub mod targets;

use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

pub use mutate::{mutate, Rng};
pub use targets::{target, Target, TARGETS};

/// The crate's folder (corpus, regressions and crashes live under it).
pub fn crate_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|p| p.join("corpus").is_dir())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// Largest input the mutators grow to.
pub const MAX_INPUT_LEN: usize = 256 * 1024;

/// How a run is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Wall time of the whole run.
    pub duration: Duration,
    /// Time one input may take before it is a hang.
    pub hang_after: Duration,
    /// Seed corpus folder.
    pub corpus_dir: PathBuf,
    /// Where crashing inputs are written.
    pub crash_dir: PathBuf,
    /// Base RNG seed (mixed with the target's name).
    pub seed: u64,
    /// Most hangs before the run stops (each leaves a thread behind).
    pub max_hangs: usize,
}

impl Config {
    /// The default set-up for `target`: its committed corpus, 10 s hangs.
    pub fn new(target: &str, duration: Duration) -> Config {
        Config {
            duration,
            hang_after: Duration::from_secs(10),
            corpus_dir: crate_dir().join("corpus").join(target),
            crash_dir: crate_dir().join("crashes"),
            seed: 0x6772_6163_6566_757a,
            max_hangs: 3,
        }
    }
}

/// What one execution did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Returned; the signature says how, plus any panics caught inside.
    Returned {
        /// The target's summary of the result.
        signature: String,
        /// Panics raised and caught inside the library.
        contained: Vec<PanicInfo>,
    },
    /// A panic escaped the library.
    Panicked(PanicInfo),
    /// Still running after the budget.
    Hang(Duration),
}

/// A panic's message and source location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PanicInfo {
    /// `file:line:column`, when known.
    pub location: String,
    /// The panic message.
    pub message: String,
}

impl std::fmt::Display for PanicInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "panicked at {}: {}", self.location, self.message)
    }
}

/// One crashing input found.
#[derive(Debug, Clone)]
pub struct Crash {
    /// Why: the panic, or the hang.
    pub what: String,
    /// Where the input was written.
    pub path: PathBuf,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The target.
    pub target: String,
    /// Inputs executed.
    pub execs: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Distinct crashes (by panic location or hang), each saved.
    pub crashes: Vec<Crash>,
    /// Panics the library caught itself, by location, with a count and a saved input.
    pub contained: BTreeMap<String, (u64, String, PathBuf)>,
    /// Seeds read from the corpus.
    pub seeds: usize,
    /// Working corpus size at the end (seeds plus novel mutants).
    pub corpus: usize,
    /// Distinct result signatures seen.
    pub signatures: usize,
    /// The longest a single input took.
    pub slowest: Duration,
    /// Inputs that took over a tenth of the hang budget (the first few are saved).
    pub slow: Vec<(Duration, PathBuf)>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "fuzz {}: {} execs in {:.1} s, {} crashes ({} seeds, corpus {}, {} signatures, {} contained panic sites, slowest input {} ms)",
            self.target,
            self.execs,
            self.elapsed.as_secs_f64(),
            self.crashes.len(),
            self.seeds,
            self.corpus,
            self.signatures,
            self.contained.len(),
            self.slowest.as_millis()
        )?;
        for c in &self.crashes {
            write!(f, "\n  crash: {} -> {}", c.what, c.path.display())?;
        }
        for (took, path) in &self.slow {
            write!(
                f,
                "\n  slow input: {} ms: {}",
                took.as_millis(),
                path.display()
            )?;
        }
        for (loc, (n, msg, path)) in &self.contained {
            write!(
                f,
                "\n  contained panic x{n} at {loc}: {msg} (e.g. {})",
                path.display()
            )?;
        }
        Ok(())
    }
}

thread_local! {
    /// Panics raised on this thread while it runs an input.
    static PANICS: RefCell<Option<Vec<PanicInfo>>> = const { RefCell::new(None) };
}

/// Installs (once) the panic hook that records panics of fuzzed code
/// instead of printing them; other threads' panics print as usual.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let recorded = PANICS.with(|p| {
                let mut p = p.borrow_mut();
                match p.as_mut() {
                    Some(list) => {
                        let message = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "(non-string panic payload)".into());
                        let location = info
                            .location()
                            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                            .unwrap_or_default();
                        list.push(PanicInfo { location, message });
                        true
                    }
                    None => false,
                }
            });
            if !recorded {
                default(info);
            }
        }));
    });
}

/// Runs `target` on `data` on this thread, catching what escapes.
pub fn execute(target: &Target, data: &[u8]) -> Outcome {
    install_panic_hook();
    PANICS.with(|p| *p.borrow_mut() = Some(Vec::new()));
    alloc::set_inflight(target.name, data);
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(data)));
    alloc::clear_inflight();
    let mut panics = PANICS.with(|p| p.borrow_mut().take()).unwrap_or_default();
    match result {
        Ok(signature) => Outcome::Returned {
            signature,
            contained: panics,
        },
        Err(_) => Outcome::Panicked(panics.pop().unwrap_or(PanicInfo {
            location: String::new(),
            message: "(panic not recorded)".into(),
        })),
    }
}

/// A thread that runs inputs one at a time, so a hang can be left behind.
struct Worker {
    inputs: Sender<Vec<u8>>,
    outcomes: Receiver<Outcome>,
}

impl Worker {
    fn spawn(target: &'static Target) -> Worker {
        let (in_tx, in_rx) = channel::<Vec<u8>>();
        let (out_tx, out_rx) = channel();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .stack_size(64 << 20)
            .spawn(move || {
                while let Ok(data) = in_rx.recv() {
                    if out_tx.send(execute(target, &data)).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn a fuzz worker");
        Worker {
            inputs: in_tx,
            outcomes: out_rx,
        }
    }

    /// Runs one input; `Hang` when it has not returned within `budget`.
    fn run(&self, data: Vec<u8>, budget: Duration) -> Outcome {
        if self.inputs.send(data).is_err() {
            return Outcome::Panicked(PanicInfo {
                location: String::new(),
                message: "the worker thread died".into(),
            });
        }
        match self.outcomes.recv_timeout(budget) {
            Ok(o) => o,
            Err(RecvTimeoutError::Timeout) => Outcome::Hang(budget),
            Err(RecvTimeoutError::Disconnected) => Outcome::Panicked(PanicInfo {
                location: String::new(),
                message: "the worker thread died".into(),
            }),
        }
    }
}

/// `<target>-<first 16 hex digits of the input's sha256>`.
pub fn input_name(target: &str, data: &[u8]) -> String {
    format!("{target}-{}", &hex::encode(Sha256::digest(data))[..16])
}

/// Writes `data` under `dir` by its name; returns the path.
pub fn save_input(dir: &Path, target: &str, data: &[u8]) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(input_name(target, data));
    if let Err(e) = std::fs::write(&path, data) {
        eprintln!("grace-fuzz: cannot write {}: {e}", path.display());
    }
    path
}

/// The files of a corpus folder, sorted by name (deterministic order).
pub fn read_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|d| d.len() <= MAX_INPUT_LEN)
        .collect()
}

/// Most entries of the working corpus (seeds plus novel mutants).
const MAX_CORPUS: usize = 512;

/// Fuzzes `target` for `config.duration`.
pub fn fuzz(target: &'static Target, config: &Config) -> Report {
    alloc::set_crash_dir(&config.crash_dir);
    let start = Instant::now();
    let mut report = Report {
        target: target.name.to_string(),
        ..Report::default()
    };
    let mut corpus = read_corpus(&config.corpus_dir);
    report.seeds = corpus.len();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let mut rng = Rng::new(config.seed ^ Rng::hash(target.name.as_bytes()));
    let mut worker = Worker::spawn(target);
    let mut signatures: BTreeSet<String> = BTreeSet::new();
    let mut crash_sites: BTreeSet<String> = BTreeSet::new();
    let mut hangs = 0;
    let seeds = corpus.len();
    let mut i = 0usize;
    loop {
        // Every seed once, then mutants until the time is up.
        let data = if i < seeds {
            corpus[i].clone()
        } else {
            if start.elapsed() >= config.duration {
                break;
            }
            let base = &corpus[rng.below(corpus.len())];
            let other = &corpus[rng.below(corpus.len())];
            let mut m = mutate(&mut rng, base, other, target.text);
            m.truncate(target.max_len);
            m
        };
        i += 1;
        report.execs += 1;
        let started = Instant::now();
        let outcome = worker.run(data.clone(), config.hang_after);
        let took = started.elapsed();
        report.slowest = report.slowest.max(took);
        if took > config.hang_after / 10
            && !matches!(outcome, Outcome::Hang(_))
            && report.slow.len() < 5
        {
            let path = save_input(&config.crash_dir.join("slow"), target.name, &data);
            report.slow.push((took, path));
        }
        match outcome {
            Outcome::Returned {
                signature,
                contained,
            } => {
                for p in contained {
                    let entry = report.contained.entry(p.location.clone());
                    let slot = entry.or_insert_with(|| {
                        let path =
                            save_input(&config.crash_dir.join("contained"), target.name, &data);
                        (0, p.message.clone(), path)
                    });
                    slot.0 += 1;
                }
                if signatures.insert(signature) && i > seeds && corpus.len() < MAX_CORPUS {
                    corpus.push(data);
                }
            }
            Outcome::Panicked(p) => {
                if crash_sites.insert(p.location.clone()) {
                    let path = save_input(&config.crash_dir, target.name, &data);
                    eprintln!(
                        "grace-fuzz: {} crashed ({p}); input saved to {}",
                        target.name,
                        path.display()
                    );
                    report.crashes.push(Crash {
                        what: p.to_string(),
                        path,
                    });
                }
            }
            Outcome::Hang(after) => {
                let path = save_input(&config.crash_dir, target.name, &data);
                eprintln!(
                    "grace-fuzz: {} hung (no return within {after:?}); input saved to {}",
                    target.name,
                    path.display()
                );
                report.crashes.push(Crash {
                    what: format!("hang: no return within {after:?}"),
                    path,
                });
                hangs += 1;
                if hangs >= config.max_hangs {
                    break;
                }
                // The hung thread is left behind; a fresh one goes on.
                worker = Worker::spawn(target);
            }
        }
    }
    report.elapsed = start.elapsed();
    report.corpus = corpus.len();
    report.signatures = signatures.len();
    report
}

/// Runs one saved input through `target` on a worker with the hang budget.
pub fn replay(target: &'static Target, data: &[u8], hang_after: Duration) -> Outcome {
    Worker::spawn(target).run(data.to_vec(), hang_after)
}

/// Run length for tests: `GRACE_FUZZ_SECS`, else `default_secs`.
pub fn test_duration(default_secs: u64) -> Duration {
    let secs = std::env::var("GRACE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(default_secs as f64);
    Duration::from_secs_f64(secs)
}

/// The crash folder set by the first run in this process (for the allocator).
pub(crate) fn crash_dir_cell() -> &'static OnceLock<PathBuf> {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    &DIR
}
