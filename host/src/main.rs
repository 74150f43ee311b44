//! The `grace` binary: parses the command line and hands over to `grace::cli`.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = grace::cli::Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("grace: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: grace::cli::Cli) -> anyhow::Result<ExitCode> {
    let outcome = grace::cli::execute(cli).await?;
    Ok(if outcome.failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
