//! `grace run NAME FILE...` (a module or a pipeline) and `grace modules`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{json, Map, Value};

use super::{CliError, Outcome};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::service::{ExecError, Execution, Service, Target};

/// Arguments of `grace run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Module or pipeline name (as `grace modules` lists it).
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
    /// Print an object per file with the target, media type, confidence, warnings, timing and trace around the document.
    #[arg(long)]
    pub full: bool,
}

/// Loads the modules of the configuration, printing skipped files to stderr.
pub async fn load_service(config: &Config) -> Result<Arc<Service>, CliError> {
    if !config.modules_dir.is_dir() {
        return Err(CliError::Usage(format!(
            "modules folder {} does not exist; run `cargo xtask setup` from the repository root or pass --modules-dir / GRACE_MODULES_DIR",
            config.modules_dir.display()
        )));
    }
    let service = Service::start(config, Arc::new(Metrics::default())).await?;
    for (file, why) in service.rejected_files() {
        eprintln!("grace: warning: skipped module {}: {why}", file.display());
    }
    for m in service.modules().values() {
        if let Some(w) = &m.load_report().warning {
            eprintln!("grace: warning: {}: {w}", m.name());
        }
    }
    Ok(service)
}

pub(super) async fn cmd_modules(config: &Config, as_json: bool) -> Result<Outcome, CliError> {
    let service = load_service(config).await?;
    let skipped = service.rejected_files().len();
    let modules = service.modules();
    let mut out = std::io::stdout().lock();
    if as_json {
        let list: Vec<Value> = modules
            .values()
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
        let rows: Vec<[String; 4]> = modules
            .values()
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
        if modules.is_empty() {
            eprintln!(
                "grace: no modules in {}; run `cargo xtask setup`",
                config.modules_dir.display()
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

pub(super) async fn cmd_run(config: &Config, args: &RunArgs) -> Result<Outcome, CliError> {
    let options = build_options(args)?;
    let service = load_service(config).await?;
    let target = service
        .resolve(&args.name)
        .map_err(|e| CliError::UnknownTarget(e.to_string()))?;

    // Files run concurrently (each module's pool bounds how many at once);
    // results are printed in argument order.
    let tasks: Vec<_> = args
        .files
        .iter()
        .map(|file| {
            let service = service.clone();
            let target = target.clone();
            let file = file.clone();
            let options = options.clone();
            tokio::spawn(async move { run_file(&service, &target, &file, &options).await })
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
                for w in &done.exec.warnings {
                    eprintln!("grace: {}: warning: {w}", file.display());
                }
                if args.full {
                    full_object(&target, file, &done).to_string()
                } else {
                    done.exec.data.to_string()
                }
            }
            Err(err) => {
                failures += 1;
                eprintln!(
                    "grace: {}: {} failed ({}): {}",
                    file.display(),
                    target.name(),
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
    exec: Execution,
    elapsed: Duration,
}

enum FileError {
    Read(String),
    MediaType(String),
    Exec(ExecError),
    Host(String),
}

impl FileError {
    fn code(&self) -> &'static str {
        match self {
            FileError::Read(_) => "io",
            FileError::MediaType(_) => "unsupported_media_type",
            FileError::Exec(e) => crate::dispatch::exec_code(e),
            FileError::Host(_) => "host",
        }
    }

    fn message(&self) -> String {
        match self {
            FileError::Read(m) | FileError::Host(m) | FileError::MediaType(m) => m.clone(),
            FileError::Exec(e) => e.to_string(),
        }
    }
}

async fn run_file(
    service: &Arc<Service>,
    target: &Target,
    file: &Path,
    options: &Map<String, Value>,
) -> Result<FileDone, FileError> {
    let data = std::fs::read(file)
        .map_err(|e| FileError::Read(format!("cannot read {}: {e}", file.display())))?;
    let media_type = crate::sniff::sniff_media_type(&data).to_string();
    crate::dispatch::check_media_type(target, &media_type)
        .map_err(|e| FileError::MediaType(e.to_string()))?;
    let start = Instant::now();
    let exec = service
        .execute(target, Arc::new(data), &media_type, options)
        .await
        .map_err(FileError::Exec)?;
    Ok(FileDone {
        media_type,
        exec,
        elapsed: start.elapsed(),
    })
}

fn full_object(target: &Target, file: &Path, done: &FileDone) -> Value {
    json!({
        "file": file.display().to_string(),
        "module": target.name(),
        "version": target.version(),
        "sha256": target.sha256(),
        "media_type": done.media_type,
        "document": done.exec.data,
        "confidence": done.exec.confidence,
        "warnings": done.exec.warnings,
        "elapsed_ms": ms(done.elapsed),
        "trace": done.exec.trace,
    })
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
}
