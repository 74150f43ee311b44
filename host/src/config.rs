//! The host's configuration: defaults, then one TOML file, then environment
//! variables, then command-line flags. `grace serve` needs no file at all.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::runtime::{CompileCache, Limits, LoadOptions, MemoryBudget};

/// Memory of the official modules' instances, MiB: `(name, limit, keep)`.
/// `limit` is the module's peak linear memory on the largest inputs the
/// default limits let through, plus a quarter, rounded up to 128 MiB;
/// `keep` is its peak on an ordinary document plus half, rounded up to
/// 64 MiB: an instance grown past it is dropped after its call rather than
/// parked in the pool (measured by `grace-memory`; the figures and how
/// they were chosen are in docs/BENCHMARKS.md, "Module memory").
pub const MODULE_MEMORY_MIB: &[(&str, u64, u64)] = &[
    // 51 MiB for a 50 MiB upload; canonical JSON costs about 29 times its
    // size (1435 MiB for 50 MiB), so JSON past about 15 MiB is refused.
    ("hash", 512, 64),
    // 265 MiB deskewing a 12 MP photo (larger ones are refused by size).
    ("image", 384, 192),
    // 337 MiB reading a 106 MB pdf answer; 6 MiB for an OCR answer.
    ("invoice-fields", 512, 64),
    // Its input is capped at 1 MiB: 50 MiB is the refused upload's copy.
    ("lang", 128, 64),
    // 731 MiB for a 12 MP photo at `accurate`; 247 MiB for a ticket.
    ("ocr", 1024, 384),
    // 343 MiB for 20 pages rendered at 600 DPI (50 pages at 600 DPI are
    // refused: their answer alone is past what a call may return); 33 MiB
    // for 50 scanned pages at 150 DPI.
    ("pdf", 512, 64),
    // 338 MiB for a 50 MiB payload.
    ("translate", 512, 64),
];

/// Memory limit per instance of a module with no measured default (one
/// dropped into the modules folder), MiB.
pub const OTHER_MODULE_MEMORY_MIB: u64 = 1024;

/// Default `runtime.memory_budget_mib`.
pub const DEFAULT_MEMORY_BUDGET_MIB: u64 = 2048;

/// Environment variables that override configuration keys (dotted TOML paths).
pub const ENV_OVERRIDES: &[(&str, &str)] = &[
    ("GRACE_LISTEN", "listen"),
    ("GRACE_DATA_DIR", "data_dir"),
    ("GRACE_MODULES_DIR", "modules_dir"),
    ("GRACE_AUTH", "auth"),
    ("GRACE_OFFLINE", "offline"),
    ("GRACE_IDEMPOTENCY", "idempotency"),
    ("GRACE_POOL_SIZE", "runtime.pool_size"),
    ("GRACE_MEMORY_LIMIT_MIB", "runtime.memory_limit_mib"),
    ("GRACE_MEMORY_BUDGET_MIB", "runtime.memory_budget_mib"),
    ("GRACE_RECYCLE_ABOVE_MIB", "runtime.recycle_above_mib"),
    ("GRACE_DEADLINE_SECS", "runtime.deadline_secs"),
    (
        "GRACE_REQUEST_DEADLINE_SECS",
        "runtime.request_deadline_secs",
    ),
    ("GRACE_COMPILE_CACHE", "runtime.compile_cache"),
    ("GRACE_CACHE_DIR", "runtime.cache_dir"),
    ("GRACE_WATCH_INTERVAL_MS", "runtime.watch_interval_ms"),
    ("GRACE_JOB_WORKERS", "jobs.workers"),
    ("GRACE_RETENTION_DAYS", "jobs.retention_days"),
    ("GRACE_MAX_UPLOAD_BYTES", "limits.max_upload_bytes"),
    ("GRACE_MAX_PIXELS", "limits.max_pixels"),
    ("GRACE_MAX_PAGES", "limits.max_pages"),
    ("GRACE_MAX_BATCH_FILES", "limits.max_batch_files"),
    ("GRACE_RATE_LIMIT_PER_SECOND", "rate_limit.per_second"),
    ("GRACE_RATE_LIMIT_BURST", "rate_limit.burst"),
    ("GRACE_MAX_CONCURRENT_PER_KEY", "rate_limit.max_concurrent"),
    ("GRACE_REVIEW_MIN_CONFIDENCE", "review.min_confidence"),
    ("GRACE_FETCH_ENABLED", "fetch.enabled"),
    ("GRACE_FETCH_ALLOW_PRIVATE", "fetch.allow_private"),
    ("GRACE_LOG_FORMAT", "log.format"),
];

/// Why the configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML (file plus overrides) does not describe a valid configuration.
    #[error("invalid configuration{origin}: {message}")]
    Invalid {
        /// ` in FILE` or empty.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Data folder: SQLite store, uploads, compile cache.
    pub data_dir: PathBuf,
    /// Folder of module `.wasm` files (watched for changes while serving).
    pub modules_dir: PathBuf,
    /// Require an API key on every route but `/health`.
    pub auth: bool,
    /// No outgoing connection of any kind (no `file_url` fetching).
    pub offline: bool,
    /// Keep results by idempotency key and answer repeats from the store.
    pub idempotency: bool,
    /// The wasm runtime.
    pub runtime: RuntimeConfig,
    /// The asynchronous job queue.
    pub jobs: JobsConfig,
    /// Upload limits.
    pub limits: UploadLimits,
    /// Per-key rate limits.
    pub rate_limit: RateLimitConfig,
    /// When a result needs a human look.
    pub review: ReviewConfig,
    /// Fetching `file_url` uploads (only when `offline = false`).
    pub fetch: FetchConfig,
    /// Connections: timeouts and caps a slow or idle client cannot outlast.
    pub http: HttpConfig,
    /// Logging.
    pub log: LogConfig,
    /// Named chains of modules.
    pub pipelines: Vec<PipelineConfig>,
}

/// Runtime settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RuntimeConfig {
    /// Warm instances (and concurrent calls) per module; 0 = number of cores.
    pub pool_size: usize,
    /// Memory limit per instance of every module, MiB, in place of the
    /// measured per-module defaults ([`MODULE_MEMORY_MIB`]); unset by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_limit_mib: Option<u64>,
    /// Memory limit per instance of the named modules, MiB (over
    /// `memory_limit_mib` and the defaults).
    pub module_memory_mib: std::collections::BTreeMap<String, u64>,
    /// Linear memory all instances of every module may hold together, MiB:
    /// a call whose growth would pass it is refused (503 `memory_budget`).
    pub memory_budget_mib: u64,
    /// An instance whose linear memory grew past this is dropped after its
    /// call instead of going back to the pool, MiB; 0 = its module's measured
    /// default ([`MODULE_MEMORY_MIB`]), or half its limit.
    pub recycle_above_mib: u64,
    /// Deadline per call, seconds.
    pub deadline_secs: f64,
    /// Deadline of a whole request (every step and page of a pipeline),
    /// seconds; the calls not yet finished are cancelled.
    pub request_deadline_secs: f64,
    /// Cache compiled code (in `cache_dir`).
    pub compile_cache: bool,
    /// Where compiled code is cached (default `<data_dir>/cache`).
    pub cache_dir: Option<PathBuf>,
    /// How often the modules folder is checked for changed files, ms (0 = never).
    pub watch_interval_ms: u64,
}

/// Job queue settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Jobs run at the same time; 0 = number of cores.
    pub workers: usize,
    /// Days finished jobs, their uploads and stored results are kept (0 = forever).
    pub retention_days: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            workers: 0,
            retention_days: 7,
        }
    }
}

/// Upload limits (413 when exceeded).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UploadLimits {
    /// Bytes per request body.
    pub max_upload_bytes: u64,
    /// Pixels per image (width × height, read from the header).
    pub max_pixels: u64,
    /// Pages per PDF.
    pub max_pages: u32,
    /// Files per batch.
    pub max_batch_files: usize,
}

/// Token-bucket rate limit per API key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained requests per second (0 = unlimited).
    pub per_second: f64,
    /// Bucket size: requests allowed in a burst.
    pub burst: u32,
    /// Requests one key may have in flight at once (0 = twice the cores);
    /// applies when keys are required.
    pub max_concurrent: usize,
}

/// Review thresholds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewConfig {
    /// Below this confidence a result is marked `needs_review`.
    pub min_confidence: f64,
}

/// `file_url` fetching.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FetchConfig {
    /// Allow fetching `file_url` (also needs `offline = false`).
    pub enabled: bool,
    /// Seconds before a fetch is abandoned.
    pub timeout_secs: u64,
    /// Redirects followed at most (`https` never redirects to `http`).
    pub max_redirects: u32,
    /// PEM file of extra certificate authorities trusted for `https`
    /// (besides the system's), e.g. an internal CA.
    pub ca_file: Option<PathBuf>,
    /// Allow addresses that are not public (loopback, private, link-local,
    /// unique-local, CGNAT, cloud metadata): off, so a client cannot make the
    /// host reach into its own network.
    pub allow_private: bool,
    /// When not empty, the only hosts fetched: `files.example.com`, or
    /// `.example.com` for it and every subdomain.
    pub allowed_hosts: Vec<String>,
}

/// HTTP connection limits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Seconds a connection may take to send a request's headers, and may
    /// stay idle between requests, before it is closed.
    pub header_timeout_secs: u64,
    /// Seconds a request may take to send its whole body (408 after).
    pub body_timeout_secs: u64,
    /// Open connections at most; more are closed as they arrive.
    pub max_connections: usize,
    /// Seconds a shutdown (SIGTERM, Ctrl-C) waits for requests in flight.
    pub shutdown_timeout_secs: u64,
    /// Names a request's `Host` may carry besides the loopback names, when
    /// listening on a loopback address (a web page cannot then drive the
    /// server through a DNS name it controls). On other addresses an empty
    /// list allows every name.
    pub allowed_hosts: Vec<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            header_timeout_secs: 10,
            body_timeout_secs: 120,
            max_connections: 512,
            shutdown_timeout_secs: 15,
            allowed_hosts: Vec::new(),
        }
    }
}

/// Log output.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `auto` (JSON when stderr is not a terminal), `json` or `text`.
    pub format: String,
    /// Filter in `tracing` syntax, e.g. `info` or `grace=debug`.
    pub level: String,
}

/// A named chain of modules.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Name used in routes and `grace run`.
    pub name: String,
    /// One-line summary.
    #[serde(default)]
    pub summary: String,
    /// The steps, in order.
    pub steps: Vec<StepConfig>,
    /// The media types the pipeline takes (patterns such as `image/*`);
    /// empty: whatever its first steps take.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_types: Vec<String>,
    /// The step whose output is the base of the result data (default: the last).
    #[serde(default)]
    pub result: Option<String>,
    /// Extra result keys taken from step outputs: key = `"module:/json/pointer"`.
    #[serde(default)]
    pub merge: std::collections::BTreeMap<String, String>,
}

/// One step of a pipeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StepConfig {
    /// The module to run.
    pub module: String,
    /// What the step reads: the pipeline's original input or the previous step's output.
    #[serde(default)]
    pub input: StepInput,
    /// Fixed options of this step (request options may add to them).
    #[serde(default)]
    pub options: serde_json::Map<String, serde_json::Value>,
    /// Run only when the pipeline input has one of these media types (empty = always).
    #[serde(default)]
    pub when_media_type: Vec<String>,
}

/// The input of a pipeline step.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StepInput {
    /// The previous step's output document (JSON).
    #[default]
    Previous,
    /// The bytes the pipeline was given.
    Original,
    /// Fan-out over the previous step's `pages` (the `pdf` module's output):
    /// every page carrying a rendered `image` is run through this step, in
    /// parallel, and its output replaces that page's `lines` and `text`;
    /// pages with a text layer pass through. Reads the original input when
    /// no step ran before (an image sent to the `invoice` pipeline).
    Pages,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            modules_dir: PathBuf::from("modules"),
            auth: true,
            offline: true,
            idempotency: true,
            runtime: RuntimeConfig::default(),
            jobs: JobsConfig::default(),
            limits: UploadLimits::default(),
            rate_limit: RateLimitConfig::default(),
            review: ReviewConfig::default(),
            fetch: FetchConfig::default(),
            http: HttpConfig::default(),
            log: LogConfig::default(),
            pipelines: vec![invoice_pipeline()],
        }
    }
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            pool_size: 0,
            memory_limit_mib: None,
            module_memory_mib: Default::default(),
            memory_budget_mib: DEFAULT_MEMORY_BUDGET_MIB,
            recycle_above_mib: 0,
            deadline_secs: 120.0,
            request_deadline_secs: 300.0,
            compile_cache: true,
            cache_dir: None,
            watch_interval_ms: 1000,
        }
    }
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_upload_bytes: 50 << 20,
            max_pixels: 50_000_000,
            max_pages: 50,
            max_batch_files: 100,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            per_second: 20.0,
            burst: 60,
            max_concurrent: 0,
        }
    }
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            min_confidence: 0.80,
        }
    }
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            enabled: false,
            timeout_secs: 30,
            max_redirects: 5,
            ca_file: None,
            allow_private: false,
            allowed_hosts: Vec::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: "auto".into(),
            level: "info".into(),
        }
    }
}

/// The official `invoice` pipeline: a PDF is read by `pdf` first (which also
/// finds an embedded e-invoice XML) and only its pages without a text layer
/// go through `ocr`; an image goes straight to `ocr`; an e-invoice XML (or
/// text) straight to `invoice-fields`; then the sha256 of the original file
/// and the document's text beside the fields.
pub fn invoice_pipeline() -> PipelineConfig {
    let step = |module: &str, input: StepInput| StepConfig {
        module: module.into(),
        input,
        options: Default::default(),
        when_media_type: Vec::new(),
    };
    PipelineConfig {
        name: "invoice".into(),
        summary: "Invoice and ticket fields from an image, a PDF or an e-invoice XML: pdf \
                  (PDFs only) → ocr (images, and PDF pages without a text layer) → \
                  invoice-fields → hash"
            .into(),
        steps: vec![
            StepConfig {
                when_media_type: vec!["application/pdf".into()],
                ..step("pdf", StepInput::Original)
            },
            StepConfig {
                when_media_type: vec!["image/*".into(), "application/pdf".into()],
                ..step("ocr", StepInput::Pages)
            },
            step("invoice-fields", StepInput::Previous),
            step("hash", StepInput::Original),
        ],
        // Documents only: text and JSON would reach invoice-fields directly.
        media_types: vec![
            "image/*".into(),
            "application/pdf".into(),
            "application/xml".into(),
            "text/xml".into(),
        ],
        result: Some("invoice-fields".into()),
        merge: [
            ("document_sha256".to_string(), "hash:/sha256".to_string()),
            ("text".to_string(), "ocr:/text".to_string()),
        ]
        .into_iter()
        .collect(),
    }
}

impl Config {
    /// Defaults, then `file` (if any), then the environment (`ENV_OVERRIDES`).
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = ENV_OVERRIDES
            .iter()
            .filter_map(|(var, key)| std::env::var(var).ok().map(|v| (key.to_string(), v)))
            .collect();
        Self::load_with(file, &vars)
    }

    /// Like [`Config::load`] with explicit `(dotted.key, value)` overrides.
    pub fn load_with(
        file: Option<&Path>,
        overrides: &[(String, String)],
    ) -> Result<Config, ConfigError> {
        let (mut table, origin) = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                let origin = format!(" in {}", path.display());
                let table: toml::Table =
                    text.parse()
                        .map_err(|e: toml::de::Error| ConfigError::Invalid {
                            origin: origin.clone(),
                            message: e.to_string(),
                        })?;
                (table, origin)
            }
            None => (toml::Table::new(), String::new()),
        };
        for (key, value) in overrides {
            set_dotted(&mut table, key, scalar(value));
        }
        let config: Config =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Invalid {
                    origin: origin.clone(),
                    message: e.to_string(),
                })?;
        config
            .validate()
            .map_err(|message| ConfigError::Invalid { origin, message })?;
        Ok(config)
    }

    /// Checks values serde cannot.
    fn validate(&self) -> Result<(), String> {
        if !(self.runtime.request_deadline_secs.is_finite()
            && self.runtime.request_deadline_secs > 0.0)
        {
            return Err(format!(
                "runtime.request_deadline_secs must be a positive number, got {}",
                self.runtime.request_deadline_secs
            ));
        }
        if !(self.runtime.deadline_secs.is_finite() && self.runtime.deadline_secs > 0.0) {
            return Err(format!(
                "runtime.deadline_secs must be a positive number, got {}",
                self.runtime.deadline_secs
            ));
        }
        // The general limit first: on a tie, the named module is reported.
        let largest = [(
            "a module without a default".to_string(),
            self.runtime
                .memory_limit_mib
                .unwrap_or(OTHER_MODULE_MEMORY_MIB),
        )]
        .into_iter()
        .chain(self.module_memory_limits_mib())
        .max_by_key(|(_, v)| *v);
        if let Some((name, limit)) = largest {
            if self.runtime.memory_budget_mib < limit {
                return Err(format!(
                    "runtime.memory_budget_mib ({}) is below the memory limit of {name} ({limit} MiB): \
                     its largest calls could never be served; raise the budget or lower the limit",
                    self.runtime.memory_budget_mib
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.review.min_confidence) {
            return Err("review.min_confidence must be between 0 and 1".into());
        }
        if self.rate_limit.per_second < 0.0 || !self.rate_limit.per_second.is_finite() {
            return Err("rate_limit.per_second must be 0 (unlimited) or positive".into());
        }
        if !matches!(self.log.format.as_str(), "auto" | "json" | "text") {
            return Err(format!(
                "log.format must be auto, json or text, got {:?}",
                self.log.format
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for p in &self.pipelines {
            if p.steps.is_empty() {
                return Err(format!("pipeline {:?} has no steps", p.name));
            }
            if !names.insert(&p.name) {
                return Err(format!("pipeline {:?} is declared twice", p.name));
            }
            for spec in p.merge.values() {
                if parse_merge_spec(spec).is_none() {
                    return Err(format!(
                        "pipeline {:?}: merge source {spec:?} is not \"module:/json/pointer\"",
                        p.name
                    ));
                }
            }
        }
        Ok(())
    }

    /// Pretty TOML of the effective configuration (`grace config show`).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }

    /// Warm instances per module.
    pub fn pool_size(&self) -> usize {
        non_zero_or_cores(self.runtime.pool_size)
    }

    /// Concurrent job workers.
    pub fn job_workers(&self) -> usize {
        non_zero_or_cores(self.jobs.workers)
    }

    /// Requests one key may have in flight (`rate_limit.max_concurrent`, 0 = twice the cores).
    pub fn max_in_flight_per_key(&self) -> usize {
        match self.rate_limit.max_concurrent {
            0 => 2 * std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }

    /// Whether `file_url` may be fetched.
    pub fn fetch_allowed(&self) -> bool {
        !self.offline && self.fetch.enabled
    }

    /// The compile cache folder.
    pub fn cache_dir(&self) -> PathBuf {
        self.runtime
            .cache_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("cache"))
    }

    /// Load options for every module.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            cache: if self.runtime.compile_cache {
                CompileCache::new(self.cache_dir())
            } else {
                CompileCache::disabled()
            },
            limits: Limits {
                memory_bytes: mib(self
                    .runtime
                    .memory_limit_mib
                    .unwrap_or(OTHER_MODULE_MEMORY_MIB)),
                deadline: Duration::from_secs_f64(self.runtime.deadline_secs),
            },
            module_memory: self
                .module_memory_limits_mib()
                .into_iter()
                .map(|(name, v)| (name, mib(v)))
                .collect(),
            pool_size: self.pool_size(),
            budget: MemoryBudget::new(mib(self.runtime.memory_budget_mib)),
            recycle_above: match self.runtime.recycle_above_mib {
                0 => None,
                n => Some(mib(n)),
            },
            module_keep: MODULE_MEMORY_MIB
                .iter()
                .map(|(name, _, keep)| (name.to_string(), mib(*keep)))
                .collect(),
        }
    }

    /// Memory limit per instance of each module with one of its own, MiB:
    /// the measured defaults (unless `memory_limit_mib` replaces them), then
    /// the operator's `module_memory_mib`.
    pub fn module_memory_limits_mib(&self) -> std::collections::BTreeMap<String, u64> {
        let defaults = match self.runtime.memory_limit_mib {
            Some(_) => &[][..],
            None => MODULE_MEMORY_MIB,
        };
        defaults
            .iter()
            .map(|(name, limit, _)| (name.to_string(), *limit))
            .chain(self.runtime.module_memory_mib.clone())
            .collect()
    }

    /// Memory limit per instance of module `name`, MiB.
    pub fn memory_limit_mib_for(&self, name: &str) -> u64 {
        self.module_memory_limits_mib()
            .get(name)
            .copied()
            .unwrap_or(
                self.runtime
                    .memory_limit_mib
                    .unwrap_or(OTHER_MODULE_MEMORY_MIB),
            )
    }
}

fn mib(n: u64) -> u64 {
    n.saturating_mul(1 << 20)
}

/// Splits `"module:/pointer"` into its parts.
pub fn parse_merge_spec(spec: &str) -> Option<(&str, &str)> {
    let (module, pointer) = spec.split_once(':')?;
    (!module.is_empty() && (pointer.is_empty() || pointer.starts_with('/')))
        .then_some((module, pointer))
}

fn non_zero_or_cores(n: usize) -> usize {
    if n == 0 {
        crate::runtime::default_pool_size()
    } else {
        n
    }
}

/// An override value as TOML: integer, float or boolean when it parses, else a string.
fn scalar(raw: &str) -> toml::Value {
    if let Ok(b) = raw.parse::<bool>() {
        return toml::Value::Boolean(b);
    }
    if let Ok(i) = raw.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    if let Ok(f) = raw.parse::<f64>() {
        return toml::Value::Float(f);
    }
    toml::Value::String(raw.to_string())
}

/// Sets `a.b.c = value`, creating tables on the way.
fn set_dotted(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut cur = table;
    for part in parts {
        let entry = cur
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        cur = entry.as_table_mut().expect("just made a table");
    }
    cur.insert(last.to_string(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn over(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_no_file() {
        let c = Config::load_with(None, &[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.auth && c.offline && !c.fetch_allowed());
        assert_eq!(c.pipelines[0].name, "invoice");
    }

    #[test]
    fn file_then_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grace.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\n[limits]\nmax_upload_bytes = 1000\n[rate_limit]\nper_second = 5.0\n",
        )
        .unwrap();
        let c = Config::load_with(
            Some(&path),
            &over(&[("limits.max_upload_bytes", "2000"), ("offline", "false")]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.limits.max_upload_bytes, 2000);
        assert_eq!(c.rate_limit.per_second, 5.0);
        assert!(!c.offline);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grace.toml");
        std::fs::write(&path, "listne = \"x\"\n").unwrap();
        let err = Config::load_with(Some(&path), &[]).unwrap_err().to_string();
        assert!(
            err.contains("listne") && err.contains("grace.toml"),
            "{err}"
        );
        let err = Config::load_with(None, &over(&[("review.min_confidence", "2")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("min_confidence"), "{err}");
    }

    #[test]
    fn shown_config_parses_back() {
        let c = Config::default();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shown.toml");
        std::fs::write(&path, c.to_toml()).unwrap();
        assert_eq!(Config::load_with(Some(&path), &[]).unwrap(), c);
    }

    #[test]
    fn memory_limits_per_module_with_overrides() {
        let c = Config::load_with(None, &[]).unwrap();
        assert_eq!(c.memory_limit_mib_for("ocr"), 1024);
        assert_eq!(c.memory_limit_mib_for("lang"), 128);
        assert_eq!(
            c.memory_limit_mib_for("dropped-in"),
            OTHER_MODULE_MEMORY_MIB
        );
        let o = c.load_options();
        assert_eq!(o.limits_for("pdf").memory_bytes, 512 << 20);
        assert_eq!(o.recycle_threshold("ocr"), 384 << 20);
        assert_eq!(o.recycle_threshold("dropped-in"), 512 << 20);
        assert_eq!(o.budget.limit(), DEFAULT_MEMORY_BUDGET_MIB << 20);
        // One limit for all replaces the defaults; a module's own entry wins.
        let c = Config::load_with(
            None,
            &over(&[
                ("runtime.memory_limit_mib", "300"),
                ("runtime.module_memory_mib.pdf", "700"),
                ("runtime.recycle_above_mib", "100"),
            ]),
        )
        .unwrap();
        assert_eq!(c.memory_limit_mib_for("ocr"), 300);
        assert_eq!(c.memory_limit_mib_for("pdf"), 700);
        let o = c.load_options();
        assert_eq!(o.recycle_threshold("ocr"), 100 << 20);
        // Under a smaller limit, a module keeps at most half of it.
        let c = Config::load_with(None, &over(&[("runtime.memory_limit_mib", "64")])).unwrap();
        assert_eq!(c.load_options().recycle_threshold("ocr"), 32 << 20);
        // A budget below a limit could never serve that module's largest calls.
        let err = Config::load_with(None, &over(&[("runtime.memory_budget_mib", "512")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("memory_budget_mib") && err.contains("ocr"),
            "{err}"
        );
    }

    #[test]
    fn merge_specs() {
        assert_eq!(parse_merge_spec("hash:/sha256"), Some(("hash", "/sha256")));
        assert_eq!(parse_merge_spec("ocr:"), Some(("ocr", "")));
        assert_eq!(parse_merge_spec("nocolon"), None);
        assert_eq!(parse_merge_spec("ocr:text"), None);
    }
}
