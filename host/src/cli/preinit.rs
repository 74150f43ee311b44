//! `grace preinit IN OUT`: writes a pre-initialized copy of a component
//! (see [`crate::runtime::preinit`]); `cargo xtask setup` runs it on `ocr`.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, Outcome};
use crate::config::Config;
use crate::runtime::{default_warm_up, preinitialize, GraceEngine, ModuleInput};

/// Arguments of `grace preinit`.
#[derive(Debug, Clone, Args)]
pub struct PreinitArgs {
    /// The component to pre-initialize.
    pub input: PathBuf,
    /// Where to write the pre-initialized component.
    pub output: PathBuf,
    /// Files to run the module on before the snapshot (default: one blank
    /// page, see `runtime::preinit::default_warm_up`).
    #[arg(long = "warm")]
    pub warm: Vec<PathBuf>,
}

/// Runs `grace preinit`.
pub(super) async fn cmd_preinit(config: &Config, args: &PreinitArgs) -> Result<Outcome, CliError> {
    let read = |path: &PathBuf| {
        std::fs::read(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))
    };
    let wasm = read(&args.input)?;
    let warm_up = if args.warm.is_empty() {
        default_warm_up()
    } else {
        args.warm
            .iter()
            .map(|p| read(p).map(ModuleInput::new))
            .collect::<Result<_, _>>()?
    };
    let engine = GraceEngine::new()?;
    let snapshot = preinitialize(&engine, &wasm, warm_up, &config.load_options().limits)
        .await
        .map_err(|e| CliError::Usage(format!("{}: {e}", args.input.display())))?;
    for refusal in &snapshot.refused {
        eprintln!("grace: warning: {refusal}");
    }
    let snapshot = snapshot.wasm;
    // Write then rename, so a running host never hot-swaps half a file.
    let tmp = args.output.with_extension("wasm.tmp");
    std::fs::write(&tmp, &snapshot)?;
    std::fs::rename(&tmp, &args.output)?;
    eprintln!(
        "grace: pre-initialized {} -> {} ({} bytes)",
        args.input.display(),
        args.output.display(),
        snapshot.len()
    );
    Ok(Outcome::default())
}
