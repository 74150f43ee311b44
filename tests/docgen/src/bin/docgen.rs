//! `docgen --out DIR --count N --seed S [--degraded-fraction F]`: writes NNN.png|jpg + NNN.json
//! (Spanish documents).
//!
//! With `--lang es|en|de|fr|nl|it|pt --style tuning|held-out`, a multilingual
//! set instead: per document NNN.png|jpg (NNN-pK.* for page K of long ones),
//! NNN.pdf (clean, with a text layer), NNN.txt (text rows) and NNN.json (truth).

use std::path::PathBuf;
use std::process::ExitCode;

use grace_docgen::multilang::{self, DocSpec, DocumentKind, Style};
use grace_docgen::{generate_with, system_fonts, Degradation, DocKind, Language, Rng};

const USAGE: &str = "usage: docgen --out DIR --count N --seed S [--degraded-fraction F] [--kind factura|ticket|rectificativa]
       docgen --out DIR --count N --seed S --lang es|en|de|fr|nl|it|pt --style tuning|held-out [--kind invoice|receipt] [--degraded-fraction F]";

struct Args {
    out: PathBuf,
    count: u64,
    seed: u64,
    degraded_fraction: f64,
    kind: Option<String>,
    lang: Option<Language>,
    style: Style,
}

fn parse() -> Result<Args, String> {
    let mut out = None;
    let mut count = None;
    let mut seed = 0u64;
    let mut degraded_fraction = 0.5f64;
    let mut kind = None;
    let mut lang = None;
    let mut style = Style::Tuning;
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
            "--kind" => kind = Some(value("--kind")?),
            "--lang" => {
                let code = value("--lang")?;
                lang = Some(Language::from_code(&code).ok_or(format!("unknown language {code}"))?)
            }
            "--style" => {
                let name = value("--style")?;
                style = Style::from_name(&name).ok_or(format!("unknown style {name}"))?
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
        lang,
        style,
    })
}

fn spanish_kind(name: &str) -> Result<DocKind, String> {
    Ok(match name {
        "factura" | "invoice" => DocKind::Factura,
        "ticket" | "simplified_invoice" => DocKind::Ticket,
        "rectificativa" | "credit_note" => DocKind::Rectificativa,
        other => return Err(format!("unknown kind {other}")),
    })
}

fn multilang_kind(name: &str) -> Result<DocumentKind, String> {
    Ok(match name {
        "invoice" => DocumentKind::Invoice,
        "receipt" => DocumentKind::Receipt,
        other => return Err(format!("unknown kind {other} (invoice or receipt)")),
    })
}

/// Document `i` of `count` is degraded when the running share of degraded ones falls short.
fn is_degraded(i: u64, fraction: f64) -> bool {
    ((i + 1) as f64 * fraction).floor() > (i as f64 * fraction).floor()
}

fn run_multilang(args: &Args, lang: Language) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&args.out)?;
    let fonts = system_fonts()?;
    let kind = args.kind.as_deref().map(multilang_kind).transpose()?;
    let width = args.count.saturating_sub(1).to_string().len().max(3);
    for i in 0..args.count {
        let seed = args.seed.wrapping_add(i);
        let kind = kind.unwrap_or(if seed % 3 == 2 {
            DocumentKind::Receipt
        } else {
            DocumentKind::Invoice
        });
        let degradation = if is_degraded(i, args.degraded_fraction) {
            Degradation::random(seed)
        } else {
            Degradation::none()
        };
        let doc = multilang::generate_with(
            fonts,
            DocSpec {
                language: lang,
                kind,
                style: args.style,
                seed,
                degradation,
            },
        )?;
        let stem = format!("{i:0width$}");
        for (k, page) in doc.pages.iter().enumerate() {
            let (bytes, ext) = page.file_bytes()?;
            let name = if doc.pages.len() == 1 {
                format!("{stem}.{ext}")
            } else {
                format!("{stem}-p{}.{ext}", k + 1)
            };
            std::fs::write(args.out.join(name), bytes)?;
        }
        std::fs::write(args.out.join(format!("{stem}.pdf")), doc.pdf_with(fonts)?)?;
        std::fs::write(args.out.join(format!("{stem}.txt")), doc.text())?;
        std::fs::write(args.out.join(format!("{stem}.json")), doc.truth_json())?;
    }
    eprintln!(
        "docgen: wrote {} {} {} documents to {}",
        args.count,
        lang.code(),
        args.style.name(),
        args.out.display()
    );
    Ok(())
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(lang) = args.lang {
        return run_multilang(args, lang);
    }
    std::fs::create_dir_all(&args.out)?;
    let forced = args.kind.as_deref().map(spanish_kind).transpose()?;
    let fonts = system_fonts()?;
    let width = args.count.saturating_sub(1).to_string().len().max(3);
    for i in 0..args.count {
        let doc_seed = Rng::new(args.seed.wrapping_add(i.wrapping_mul(0x9E37_79B9))).next_u64();
        let mut pick = Rng::new(doc_seed ^ 0x5EED);
        let kind = forced.unwrap_or_else(|| {
            *pick.pick(&[
                DocKind::Factura,
                DocKind::Factura,
                DocKind::Ticket,
                DocKind::Ticket,
                DocKind::Rectificativa,
            ])
        });
        // Evenly spread degraded documents: document i is degraded when the running share falls short.
        let degrade = if is_degraded(i, args.degraded_fraction) {
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
