//! The command line: `serve`, `run`, `modules`, `keys`, `audit`, `config`.

mod admin;
mod preinit;
mod run;
mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, ConfigError};
use crate::runtime::LoadError;

pub use preinit::PreinitArgs;
pub use run::{build_options, RunArgs};
pub use serve::ServeArgs;

/// Grace: offline document transforms as WebAssembly modules.
#[derive(Debug, Parser)]
#[command(name = "grace", version, about)]
pub struct Cli {
    /// Settings shared by every command (they override the configuration file and environment).
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Configuration file and the overrides every command takes.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// TOML configuration file (defaults apply without one; `grace config show` prints them).
    #[arg(long, global = true, env = "GRACE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Folder with the module `.wasm` files.
    #[arg(long, global = true)]
    pub modules_dir: Option<PathBuf>,
    /// Data folder: store, uploads, compiled-code cache.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Do not read or write the compiled-code cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Memory limit per instance of every module, in MiB (in place of the
    /// measured per-module defaults).
    #[arg(long, global = true)]
    pub memory_limit_mib: Option<u64>,
    /// Deadline per call, in seconds (fractions allowed).
    #[arg(long, global = true)]
    pub deadline_secs: Option<f64>,
    /// Warm instances per module (default: number of cores).
    #[arg(long, global = true)]
    pub pool_size: Option<usize>,
}

impl GlobalArgs {
    /// Defaults ← file ← environment ← these flags.
    pub fn config(&self) -> Result<Config, CliError> {
        let mut overrides: Vec<(String, String)> = crate::config::ENV_OVERRIDES
            .iter()
            .filter_map(|(var, key)| std::env::var(var).ok().map(|v| (key.to_string(), v)))
            .collect();
        let mut flag = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                overrides.push((key.into(), v));
            }
        };
        flag(
            "modules_dir",
            self.modules_dir.as_ref().map(|p| p.display().to_string()),
        );
        flag(
            "data_dir",
            self.data_dir.as_ref().map(|p| p.display().to_string()),
        );
        flag(
            "runtime.memory_limit_mib",
            self.memory_limit_mib.map(|v| v.to_string()),
        );
        flag(
            "runtime.deadline_secs",
            self.deadline_secs.map(|v| format!("{v:?}")),
        );
        flag("runtime.pool_size", self.pool_size.map(|v| v.to_string()));
        if self.no_cache {
            flag("runtime.compile_cache", Some("false".into()));
        }
        Ok(Config::load_with(self.config.as_deref(), &overrides)?)
    }
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve(ServeArgs),
    /// List the loaded modules: name, version, sha256, file.
    Modules {
        /// Print JSON (full sha256, descriptor, load timings) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run a module or pipeline on each file; one JSON document per file on stdout.
    Run(RunArgs),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Check or show the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Show the effective configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Write a copy of a component snapshotted after a warm-up call, so its
    /// instances start warm (`cargo xtask setup` does this for `ocr`).
    Preinit(PreinitArgs),
}

/// `grace keys ...`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; the key alone is printed on the first line of stdout (shown once).
    Create {
        /// A name for the key (who or what uses it).
        name: String,
        /// `user` sees and cleans its own jobs; `admin` sees every key's.
        #[arg(long, default_value = "user", value_parser = ["user", "admin"])]
        scope: String,
    },
    /// List keys (never the secrets).
    List {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by id or name.
    Revoke {
        /// Key id or name.
        key: String,
    },
}

/// `grace audit ...`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; names the first broken record and exits 1 when broken.
    Verify,
    /// Print records as JSON lines.
    List {
        /// Only the last N records.
        #[arg(long)]
        limit: Option<usize>,
    },
}

/// `grace config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration as TOML (defaults, file, environment and flags applied).
    Show,
}

/// Errors of the CLI that stop a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A module or the modules folder could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The requested module or pipeline is not available.
    #[error("{0}; run `cargo xtask setup` or pass --modules-dir")]
    UnknownTarget(String),
    /// The store could not be used.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Serving failed.
    #[error("{0}")]
    Serve(String),
    /// Writing to stdout failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

/// What a command did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Files (or records) that failed; the process exits non-zero when > 0.
    pub failures: usize,
}

/// Runs a parsed command line.
pub async fn execute(cli: Cli) -> Result<Outcome, CliError> {
    let config = cli.global.config()?;
    match cli.command {
        Command::Serve(args) => serve::serve(config, &args).await,
        Command::Modules { json } => run::cmd_modules(&config, json).await,
        Command::Run(args) => run::cmd_run(&config, &args).await,
        Command::Keys(cmd) => admin::keys(&config, cmd),
        Command::Audit(cmd) => admin::audit(&config, cmd),
        Command::Config(ConfigCommand::Show) => admin::show_config(&config),
        Command::Preinit(args) => preinit::cmd_preinit(&config, &args).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_parses_and_flags_override_config() {
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
            "--pool-size",
            "3",
        ])
        .unwrap();
        let config = cli.global.config().unwrap();
        assert_eq!(config.cache_dir(), PathBuf::from("/tmp/d/cache"));
        assert_eq!(config.pool_size(), 3);
        match cli.command {
            Command::Run(r) => assert_eq!(r.files.len(), 2),
            _ => panic!(),
        }
        let cli = Cli::try_parse_from(["grace", "serve", "--listen", "127.0.0.1:0", "--no-auth"])
            .unwrap();
        assert!(matches!(
            cli.command,
            Command::Serve(ServeArgs { no_auth: true, .. })
        ));
    }
}
