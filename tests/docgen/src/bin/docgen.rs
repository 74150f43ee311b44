//! `docgen --out DIR --count N --seed S [--degraded-fraction F]`: writes NNN.png|jpg + NNN.json.

use std::path::PathBuf;
use std::process::ExitCode;

use grace_docgen::{generate_with, system_fonts, Degradation, DocKind, Rng};

const USAGE: &str = "usage: docgen --out DIR --count N --seed S [--degraded-fraction F] [--kind factura|ticket|rectificativa]";

struct Args {
    out: PathBuf,
    count: u64,
    seed: u64,
    degraded_fraction: f64,
    kind: Option<DocKind>,
}

fn parse() -> Result<Args, String> {
    let mut out = None;
    let mut count = None;
    let mut seed = 0u64;
    let mut degraded_fraction = 0.5f64;
    let mut kind = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--count" => {
                count = Some(
                    value("--count")?
                        .parse()
                        .map_err(|e| format!("--count: {e}"))?,
                )
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--degraded-fraction" => {
                degraded_fraction = value("--degraded-fraction")?
                    .parse()
                    .map_err(|e| format!("--degraded-fraction: {e}"))?;
                if !(0.0..=1.0).contains(&degraded_fraction) {
                    return Err("--degraded-fraction must be within 0..=1".into());
                }
            }
            "--kind" => {
                kind = Some(match value("--kind")?.as_str() {
                    "factura" | "invoice" => DocKind::Factura,
                    "ticket" | "simplified_invoice" => DocKind::Ticket,
                    "rectificativa" | "credit_note" => DocKind::Rectificativa,
                    other => return Err(format!("unknown kind {other}")),
                })
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Args {
        out: out.ok_or(USAGE)?,
        count: count.ok_or(USAGE)?,
        seed,
        degraded_fraction,
        kind,
    })
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&args.out)?;
    let fonts = system_fonts()?;
    let width = args.count.saturating_sub(1).to_string().len().max(3);
    for i in 0..args.count {
        let doc_seed = Rng::new(args.seed.wrapping_add(i.wrapping_mul(0x9E37_79B9))).next_u64();
        let mut pick = Rng::new(doc_seed ^ 0x5EED);
        let kind = args.kind.unwrap_or_else(|| {
            *pick.pick(&[
                DocKind::Factura,
                DocKind::Factura,
                DocKind::Ticket,
                DocKind::Ticket,
                DocKind::Rectificativa,
            ])
        });
        // Evenly spread degraded documents: document i is degraded when the running share falls short.
        let degraded = ((i + 1) as f64 * args.degraded_fraction).floor()
            > (i as f64 * args.degraded_fraction).floor();
        let degrade = if degraded {
            Degradation::random(doc_seed)
        } else {
            Degradation::none()
        };
        let doc = generate_with(fonts, kind, doc_seed, None, degrade)?;
        let (bytes, ext) = doc.file_bytes()?;
        let stem = format!("{i:0width$}");
        std::fs::write(args.out.join(format!("{stem}.{ext}")), bytes)?;
        std::fs::write(args.out.join(format!("{stem}.json")), doc.truth_json())?;
    }
    eprintln!(
        "docgen: wrote {} documents to {}",
        args.count,
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("docgen: {e}");
            ExitCode::FAILURE
        }
    }
}
