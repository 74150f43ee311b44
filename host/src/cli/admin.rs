//! `grace keys`, `grace audit` and `grace config show`: the operator's commands.

use std::io::Write;

use serde_json::json;

use super::{AuditCommand, CliError, KeysCommand, Outcome};
use crate::config::Config;
use crate::store::{Scope, Store};

fn open_store(config: &Config) -> Result<Store, CliError> {
    Ok(Store::open(&config.data_dir)?)
}

pub(super) fn keys(config: &Config, cmd: KeysCommand) -> Result<Outcome, CliError> {
    let store = open_store(config)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        KeysCommand::Create { name, scope } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(CliError::Usage("the key needs a non-empty name".into()));
            }
            let scope = Scope::parse(&scope)
                .ok_or_else(|| CliError::Usage(format!("unknown scope {scope:?}")))?;
            let new = store.create_key(name, scope)?;
            store.audit(
                "cli",
                "keys.create",
                &new.key.id,
                &json!({"name": new.key.name, "prefix": new.key.prefix, "scope": scope.as_str()}),
            )?;
            // The key alone on the first line, so scripts can take it with `head -1`.
            writeln!(out, "{}", new.secret)?;
            eprintln!(
                "grace: created key {:?} (id {}); it is shown only now — store it safely",
                new.key.name, new.key.id
            );
        }
        KeysCommand::List { json } => {
            let keys = store.list_keys()?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&keys).unwrap_or_default())?;
            } else {
                writeln!(
                    out,
                    "{:10}  {:20}  {:14}  {:6}  STATUS",
                    "ID", "NAME", "PREFIX", "SCOPE"
                )?;
                for k in keys {
                    let status = if k.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    writeln!(
                        out,
                        "{:10}  {:20}  {:14}  {:6}  {status}",
                        k.id,
                        k.name,
                        k.prefix,
                        k.scope.as_str()
                    )?;
                }
            }
        }
        KeysCommand::Revoke { key } => match store.revoke_key(&key)? {
            Some(k) => {
                store.audit("cli", "keys.revoke", &k.id, &json!({"name": k.name}))?;
                writeln!(out, "revoked {} ({})", k.id, k.name)?;
            }
            None => {
                return Err(CliError::Usage(format!(
                    "no active key with id or name {key:?}"
                )))
            }
        },
    }
    Ok(Outcome::default())
}

pub(super) fn audit(config: &Config, cmd: AuditCommand) -> Result<Outcome, CliError> {
    let store = open_store(config)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        AuditCommand::Verify => {
            let report = store.verify_audit()?;
            match report.first_broken {
                None => {
                    writeln!(out, "audit chain intact: {} records", report.records)?;
                    Ok(Outcome::default())
                }
                Some((seq, why)) => {
                    writeln!(
                        out,
                        "audit chain BROKEN at record {seq}: {why} ({} records checked)",
                        report.records
                    )?;
                    Ok(Outcome { failures: 1 })
                }
            }
        }
        AuditCommand::List { limit } => {
            for r in store.audit_records(limit)? {
                writeln!(out, "{}", serde_json::to_string(&r).unwrap_or_default())?;
            }
            Ok(Outcome::default())
        }
    }
}

pub(super) fn show_config(config: &Config) -> Result<Outcome, CliError> {
    let mut out = std::io::stdout().lock();
    write!(out, "{}", config.to_toml())?;
    Ok(Outcome::default())
}
