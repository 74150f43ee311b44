//! The command line: `grace modules` and `grace run NAME FILE...`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Map, Value};

use crate::runtime::{
    default_pool_size, CompileCache, GraceEngine, Limits, LoadError, LoadOptions, LoadedModule,
    ModuleInput, Registry, RunError,
};

/// Default modules folder (relative to the working directory).
pub const DEFAULT_MODULES_DIR: &str = "modules";
/// Default data folder (relative to the working directory); the compile cache is `<data>/cache`.
pub const DEFAULT_DATA_DIR: &str = "data";

/// Grace: offline document transforms as WebAssembly modules.
#[derive(Debug, Parser)]
#[command(name = "grace", version, about)]
pub struct Cli {
    /// Runtime settings shared by every command.
    #[command(flatten)]
    pub runtime: RuntimeArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Where modules and data live, and the limits of every call.
#[derive(Debug, Clone, Args)]
pub struct RuntimeArgs {
    /// Folder with the module `.wasm` files.
    #[arg(long, global = true, env = "GRACE_MODULES_DIR", default_value = DEFAULT_MODULES_DIR)]
    pub modules_dir: PathBuf,
    /// Data folder (compiled-code cache in `<data-dir>/cache`).
    #[arg(long, global = true, env = "GRACE_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// Do not read or write the compiled-code cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Memory limit per instance, in MiB.
    #[arg(
        long,
        global = true,
        env = "GRACE_MEMORY_LIMIT_MIB",
        default_value_t = 2048
    )]
    pub memory_limit_mib: u64,
    /// Deadline per call, in seconds (fractions allowed).
    #[arg(
        long,
        global = true,
        env = "GRACE_DEADLINE_SECS",
        default_value_t = 120.0
    )]
    pub deadline_secs: f64,
    /// Warm instances per module (default: number of cores).
    #[arg(long, global = true, env = "GRACE_POOL_SIZE")]
    pub pool_size: Option<usize>,
}

impl RuntimeArgs {
    /// The compile cache folder: `<data-dir>/cache`.
    pub fn cache_dir(&self) -> PathBuf {
        self.data_dir.join("cache")
    }

    /// Load options from these settings.
    pub fn load_options(&self) -> Result<LoadOptions, CliError> {
        if !(self.deadline_secs.is_finite() && self.deadline_secs >= 0.0) {
            return Err(CliError::Usage(format!(
                "--deadline-secs must be a non-negative number, got {}",
                self.deadline_secs
            )));
        }
        Ok(LoadOptions {
            cache: if self.no_cache {
                CompileCache::disabled()
            } else {
                CompileCache::new(self.cache_dir())
            },
            limits: Limits {
                memory_bytes: self.memory_limit_mib.saturating_mul(1 << 20),
                deadline: Duration::from_secs_f64(self.deadline_secs),
            },
            pool_size: self.pool_size.unwrap_or_else(default_pool_size).max(1),
        })
    }
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the loaded modules: name, version, sha256, file.
    Modules {
        /// Print JSON (full sha256, descriptor, load timings) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run a module on each file; one JSON document per file on stdout.
    Run(RunArgs),
}

/// Arguments of `grace run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Module name (as `grace modules` lists it).
    pub name: String,
    /// Input files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// An option `key=value`; the value is parsed as JSON when it parses, else taken as a string. Repeatable.
    #[arg(long = "option", short = 'o', value_name = "KEY=VALUE")]
    pub options: Vec<String>,
    /// All options as one JSON object (`--option` entries override its keys).
    #[arg(long, value_name = "JSON")]
    pub options_json: Option<String>,
    /// Print an object per file with the module, media type, confidence, warnings and timing around the document.
    #[arg(long)]
    pub full: bool,
}

/// Errors of the CLI that stop a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
    /// A module or the modules folder could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The requested module is not loaded.
    #[error("no module named {name:?} in {dir} (loaded: {available}); run `cargo xtask setup` or pass --modules-dir")]
    UnknownModule {
        /// The requested name.
        name: String,
        /// The modules folder.
        dir: String,
        /// The names that are loaded.
        available: String,
    },
    /// Writing to stdout failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

/// What a command did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Files (or modules) that failed; the process exits non-zero when > 0.
    pub failures: usize,
}

/// Runs a parsed command line.
pub async fn execute(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Modules { json } => cmd_modules(&cli.runtime, json).await,
        Command::Run(args) => cmd_run(&cli.runtime, &args).await,
    }
}

/// Loads the registry of `--modules-dir`, printing skipped files to stderr.
pub async fn load_registry(rt: &RuntimeArgs) -> Result<(Registry, usize), CliError> {
    let options = rt.load_options()?;
    let engine = GraceEngine::new()?;
    if !rt.modules_dir.is_dir() {
        return Err(CliError::Usage(format!(
            "modules folder {} does not exist; run `cargo xtask setup` from the repository root or pass --modules-dir / GRACE_MODULES_DIR",
            rt.modules_dir.display()
        )));
    }
    let (registry, skipped) =
        Registry::load_dir_lenient(&engine, &rt.modules_dir, &options).await?;
    for err in &skipped {
        eprintln!("grace: warning: skipped module: {err}");
    }
    for m in registry.iter() {
        if let Some(w) = &m.load_report().warning {
            eprintln!("grace: warning: {}: {w}", m.name());
        }
    }
    Ok((registry, skipped.len()))
}

async fn cmd_modules(rt: &RuntimeArgs, as_json: bool) -> Result<Outcome, CliError> {
    let (registry, skipped) = load_registry(rt).await?;
    let mut out = std::io::stdout().lock();
    if as_json {
        let list: Vec<Value> = registry
            .iter()
            .map(|m| {
                let r = m.load_report();
                json!({
                    "name": m.name(),
                    "version": m.version(),
                    "sha256": m.sha256(),
                    "file": m.path().display().to_string(),
                    "size_bytes": m.size_bytes(),
                    "summary": m.descriptor().summary,
                    "media_types": m.descriptor().media_types,
                    "cache": r.cache,
                    "load_ms": ms(r.compile + r.instantiate + r.describe),
                })
            })
            .collect();
        writeln!(out, "{}", Value::Array(list))?;
    } else {
        let rows: Vec<[String; 4]> = registry
            .iter()
            .map(|m| {
                [
                    m.name().to_string(),
                    m.version().to_string(),
                    m.sha256()[..12].to_string(),
                    m.path().display().to_string(),
                ]
            })
            .collect();
        let header = [
            "NAME".to_string(),
            "VERSION".into(),
            "SHA256".into(),
            "FILE".into(),
        ];
        let mut widths = header.clone().map(|h| h.len());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let line = format!(
                "{:w0$}  {:w1$}  {:w2$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2]
            );
            writeln!(out, "{}", line.trim_end())?;
        }
        if registry.is_empty() {
            eprintln!(
                "grace: no modules in {}; run `cargo xtask setup`",
                rt.modules_dir.display()
            );
        }
    }
    Ok(Outcome { failures: skipped })
}

/// Builds the options object from `--options-json` and `--option key=value`.
pub fn build_options(args: &RunArgs) -> Result<Map<String, Value>, CliError> {
    let mut map = match &args.options_json {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return Err(CliError::Usage(
                    "--options-json must be a JSON object".into(),
                ))
            }
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "--options-json is not valid JSON: {e}"
                )))
            }
        },
    };
    for kv in &args.options {
        let (key, value) = kv
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("--option {kv:?} must look like key=value")))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(CliError::Usage(format!("--option {kv:?} has an empty key")));
        }
        let value =
            serde_json::from_str::<Value>(value).unwrap_or_else(|_| Value::String(value.into()));
        map.insert(key.to_string(), value);
    }
    Ok(map)
}

async fn cmd_run(rt: &RuntimeArgs, args: &RunArgs) -> Result<Outcome, CliError> {
    let options = Value::Object(build_options(args)?).to_string();
    let (registry, _skipped) = load_registry(rt).await?;
    let module = registry
        .get(&args.name)
        .ok_or_else(|| CliError::UnknownModule {
            name: args.name.clone(),
            dir: rt.modules_dir.display().to_string(),
            available: if registry.is_empty() {
                "none".into()
            } else {
                registry.names().join(", ")
            },
        })?;

    // Files run concurrently (the module's pool bounds how many at once);
    // results are printed in argument order.
    let tasks: Vec<_> = args
        .files
        .iter()
        .map(|file| {
            let module = module.clone();
            let file = file.clone();
            let options = options.clone();
            tokio::spawn(async move { run_file(&module, &file, options).await })
        })
        .collect();

    let mut failures = 0;
    let mut stdout = std::io::stdout();
    for (file, task) in args.files.iter().zip(tasks) {
        let result = task
            .await
            .unwrap_or_else(|e| Err(FileError::Host(format!("task failed: {e}"))));
        let line = match result {
            Ok(done) => {
                for w in &done.output.warnings {
                    eprintln!("grace: {}: warning: {w}", file.display());
                }
                if args.full {
                    full_object(&module, file, &done).to_string()
                } else {
                    one_line(&done.output.document)
                }
            }
            Err(err) => {
                failures += 1;
                eprintln!(
                    "grace: {}: {} failed ({}): {}",
                    file.display(),
                    module.name(),
                    err.code(),
                    err.message()
                );
                json!({
                    "file": file.display().to_string(),
                    "error": { "code": err.code(), "message": err.message() },
                })
                .to_string()
            }
        };
        let mut lock = stdout.lock();
        writeln!(lock, "{line}")?;
        lock.flush()?;
    }
    stdout.flush()?;
    Ok(Outcome { failures })
}

struct FileDone {
    media_type: String,
    output: crate::ModuleOutput,
    elapsed: Duration,
}

enum FileError {
    Read(String),
    Run(RunError),
    Host(String),
}

impl FileError {
    fn code(&self) -> &'static str {
        match self {
            FileError::Read(_) => "io",
            FileError::Run(e) => e.code(),
            FileError::Host(_) => "host",
        }
    }

    fn message(&self) -> String {
        match self {
            FileError::Read(m) | FileError::Host(m) => m.clone(),
            FileError::Run(e) => e.message(),
        }
    }
}

async fn run_file(
    module: &Arc<LoadedModule>,
    file: &Path,
    options: String,
) -> Result<FileDone, FileError> {
    let data = std::fs::read(file)
        .map_err(|e| FileError::Read(format!("cannot read {}: {e}", file.display())))?;
    let input = ModuleInput::new(data).with_options(options);
    let media_type = input.media_type.clone();
    let start = Instant::now();
    let output = module.run(input).await.map_err(FileError::Run)?;
    Ok(FileDone {
        media_type,
        output,
        elapsed: start.elapsed(),
    })
}

fn full_object(module: &LoadedModule, file: &Path, done: &FileDone) -> Value {
    let document = serde_json::from_str::<Value>(&done.output.document)
        .unwrap_or_else(|_| Value::String(done.output.document.clone()));
    json!({
        "file": file.display().to_string(),
        "module": module.name(),
        "version": module.version(),
        "sha256": module.sha256(),
        "media_type": done.media_type,
        "document": document,
        "confidence": done.output.confidence,
        "warnings": done.output.warnings,
        "elapsed_ms": ms(done.elapsed),
    })
}

/// The document on one line (re-serialized only when it spans several).
fn one_line(document: &str) -> String {
    let trimmed = document.trim();
    if !trimmed.contains('\n') && !trimmed.contains('\r') {
        return trimmed.to_string();
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(v) => v.to_string(),
        Err(_) => Value::String(document.to_string()).to_string(),
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_args(opts: &[&str], json: Option<&str>) -> RunArgs {
        RunArgs {
            name: "hash".into(),
            files: vec![],
            options: opts.iter().map(|s| s.to_string()).collect(),
            options_json: json.map(str::to_string),
            full: false,
        }
    }

    #[test]
    fn options_merge_and_parse() {
        let m = build_options(&run_args(
            &["profile=fast", "n=3", "flag=true", "list=[\"a\"]", "s=a=b"],
            Some(r#"{"n": 1, "keep": null}"#),
        ))
        .unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"profile": "fast", "n": 3, "flag": true, "list": ["a"], "s": "a=b", "keep": null})
        );
        assert!(build_options(&run_args(&["novalue"], None)).is_err());
        assert!(build_options(&run_args(&[], Some("[1]"))).is_err());
        assert!(build_options(&run_args(&[], Some("{"))).is_err());
    }

    #[test]
    fn one_line_documents() {
        assert_eq!(one_line("{\"a\":1}\n"), "{\"a\":1}");
        assert_eq!(one_line("{\n  \"a\": 1\n}"), "{\"a\":1}");
    }

    #[test]
    fn cli_parses() {
        let cli = Cli::try_parse_from([
            "grace",
            "run",
            "hash",
            "a.bin",
            "b.bin",
            "--option",
            "x=1",
            "--data-dir",
            "/tmp/d",
        ])
        .unwrap();
        assert_eq!(cli.runtime.cache_dir(), PathBuf::from("/tmp/d/cache"));
        match cli.command {
            Command::Run(r) => assert_eq!(r.files.len(), 2),
            _ => panic!(),
        }
    }
}
