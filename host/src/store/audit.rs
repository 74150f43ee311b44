//! The append-only, hash-chained audit log: each record's hash covers its
//! content and the previous record's hash, so any edit or deletion shows.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{now_ms, Store, StoreError};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Milliseconds since the epoch.
    pub ts: i64,
    /// Who acted (`cli`, `key:<id>`, `host`).
    pub actor: String,
    /// What happened, e.g. `keys.create`, `jobs.clean`, `module.swap`.
    pub action: String,
    /// What it happened to.
    pub subject: String,
    /// Canonical JSON details.
    pub details: String,
    /// Hash of the previous record.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Records checked.
    pub records: u64,
    /// The first broken record and why, if any.
    pub first_broken: Option<(i64, String)>,
}

/// sha256 over the record's fields and its predecessor's hash.
fn record_hash(
    seq: i64,
    ts: i64,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
    prev: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        seq.to_string().as_str(),
        ts.to_string().as_str(),
        actor,
        action,
        subject,
        details,
        prev,
    ] {
        // Length-prefixed so field boundaries cannot be shifted.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Store {
    /// Appends a record to the audit chain.
    pub fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        details: &Value,
    ) -> Result<AuditRecord, StoreError> {
        let details = crate::canonical_json(details);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (seq, prev) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_string()),
        };
        let ts = now_ms();
        let hash = record_hash(seq, ts, actor, action, subject, &details, &prev);
        tx.execute(
            "INSERT INTO audit (seq, ts, actor, action, subject, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![seq, ts, actor, action, subject, details, prev, hash],
        )?;
        tx.commit()?;
        Ok(AuditRecord {
            seq,
            ts,
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            details,
            prev_hash: prev,
            hash,
        })
    }

    /// Every record, oldest first (optionally only the last `limit`).
    pub fn audit_records(&self, limit: Option<usize>) -> Result<Vec<AuditRecord>, StoreError> {
        let conn = self.conn();
        let sql = "SELECT seq, ts, actor, action, subject, details, prev_hash, hash FROM audit ORDER BY seq DESC LIMIT ?1";
        let mut stmt = conn.prepare(sql)?;
        let limit = limit.map(|l| l as i64).unwrap_or(-1);
        let mut rows: Vec<AuditRecord> = stmt
            .query_map([limit], |r| {
                Ok(AuditRecord {
                    seq: r.get(0)?,
                    ts: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    details: r.get(5)?,
                    prev_hash: r.get(6)?,
                    hash: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        rows.reverse();
        Ok(rows)
    }

    /// Walks the chain and names the first record whose link or hash is wrong.
    pub fn verify_audit(&self) -> Result<ChainReport, StoreError> {
        let records = self.audit_records(None)?;
        let mut prev = GENESIS.to_string();
        for (expected_seq, r) in (1..).zip(records.iter()) {
            let problem = if r.seq != expected_seq {
                Some(format!(
                    "sequence jumps from {} to {} (records deleted)",
                    expected_seq - 1,
                    r.seq
                ))
            } else if r.prev_hash != prev {
                Some("prev_hash does not match the previous record's hash".to_string())
            } else if record_hash(
                r.seq,
                r.ts,
                &r.actor,
                &r.action,
                &r.subject,
                &r.details,
                &r.prev_hash,
            ) != r.hash
            {
                Some("content does not match its hash (record modified)".to_string())
            } else {
                None
            };
            if let Some(why) = problem {
                return Ok(ChainReport {
                    records: records.len() as u64,
                    first_broken: Some((r.seq, why)),
                });
            }
            prev = r.hash.clone();
        }
        Ok(ChainReport {
            records: records.len() as u64,
            first_broken: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::store::temp_store;
    use serde_json::json;

    #[test]
    fn chain_verifies_and_names_the_first_tampered_record() {
        let (dir, store) = temp_store();
        for i in 0..5 {
            store
                .audit("cli", "test.event", &format!("s{i}"), &json!({"i": i}))
                .unwrap();
        }
        let report = store.verify_audit().unwrap();
        assert_eq!(report.records, 5);
        assert_eq!(report.first_broken, None);

        // Updates are refused by a trigger ...
        let conn = rusqlite::Connection::open(dir.path().join("grace.db")).unwrap();
        assert!(conn
            .execute("UPDATE audit SET subject = 'x' WHERE seq = 3", [])
            .is_err());
        // ... but someone with the file can drop the trigger: the chain still tells.
        conn.execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET subject = 'x' WHERE seq = 3;",
        )
        .unwrap();
        let report = store.verify_audit().unwrap();
        assert_eq!(report.first_broken.as_ref().map(|b| b.0), Some(3));
        assert!(report.first_broken.unwrap().1.contains("modified"));
    }

    #[test]
    fn deleted_records_break_the_sequence() {
        let (dir, store) = temp_store();
        for i in 0..4 {
            store
                .audit("cli", "test.event", "s", &json!({"i": i}))
                .unwrap();
        }
        let conn = rusqlite::Connection::open(dir.path().join("grace.db")).unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
            .unwrap();
        let report = store.verify_audit().unwrap();
        assert_eq!(report.first_broken.map(|b| b.0), Some(3));
    }
}
