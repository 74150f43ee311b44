//! `grace-fuzz --target NAME|all --secs N [--corpus DIR] [--seed N] [--crashes DIR]`:
//! long fuzzing runs. Exits 1 when any target crashed.

use grace_fuzz::{fuzz, target, Config, TARGETS};
use std::path::PathBuf;
use std::time::Duration;

fn usage() -> ! {
    let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
    eprintln!(
        "usage: grace-fuzz --target NAME|all [--secs N] [--corpus DIR] [--crashes DIR] [--seed N]\n       grace-fuzz --target NAME --replay FILE [--replay FILE ...]\n\ntargets: {}",
        names.join(", ")
    );
    std::process::exit(2);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut name, mut secs, mut corpus, mut crashes, mut seed) = (None, 60.0f64, None, None, None);
    let mut replays = Vec::new();
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--target" => name = Some(value()),
            "--secs" => secs = value().parse().unwrap_or_else(|_| usage()),
            "--corpus" => corpus = Some(PathBuf::from(value())),
            "--crashes" => crashes = Some(PathBuf::from(value())),
            "--seed" => seed = Some(value().parse::<u64>().unwrap_or_else(|_| usage())),
            "--replay" => replays.push(PathBuf::from(value())),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let name = name.unwrap_or_else(|| usage());
    let targets: Vec<_> = if name == "all" {
        TARGETS.iter().collect()
    } else {
        vec![target(&name).unwrap_or_else(|| usage())]
    };
    if corpus.is_some() && targets.len() > 1 {
        eprintln!("grace-fuzz: --corpus names one target's corpus; use it with one --target");
        std::process::exit(2);
    }
    if !replays.is_empty() {
        let t = target(&name).unwrap_or_else(|| usage());
        let mut crashed = false;
        for path in replays {
            let data = std::fs::read(&path).unwrap_or_else(|e| {
                eprintln!("grace-fuzz: {}: {e}", path.display());
                std::process::exit(2)
            });
            let start = std::time::Instant::now();
            let outcome = grace_fuzz::replay(t, &data, Duration::from_secs(600));
            crashed |= !matches!(outcome, grace_fuzz::Outcome::Returned { .. });
            println!(
                "{}: {} bytes, {} ms: {outcome:?}",
                path.display(),
                data.len(),
                start.elapsed().as_millis()
            );
        }
        std::process::exit(i32::from(crashed));
    }
    let mut crashed = false;
    for t in targets {
        let mut config = Config::new(t.name, Duration::from_secs_f64(secs.max(0.0)));
        if let Some(dir) = &corpus {
            config.corpus_dir = dir.clone();
        }
        if let Some(dir) = &crashes {
            config.crash_dir = dir.clone();
        }
        if let Some(seed) = seed {
            config.seed = seed;
        }
        eprintln!("grace-fuzz: {} for {secs} s ({})", t.name, t.about);
        let report = fuzz(t, &config);
        println!("{report}");
        crashed |= !report.crashes.is_empty();
    }
    std::process::exit(i32::from(crashed));
}
