//! The embedded store: one SQLite file in the data folder holding jobs,
//! batches, stored results (idempotency), the hash-chained audit log and API
//! keys; uploads live beside it as files.
//!
//! SQLite runs in WAL mode: a committed transaction survives `kill -9`, and
//! readers never block the writer.

mod audit;
mod jobs;
mod keys;
mod results;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use audit::{AuditRecord, ChainReport};
pub use jobs::{Job, JobStatus, NewJob, QueueCounts};
pub use keys::{ApiKey, NewKey, Scope};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("store database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Reading or writing an upload file failed.
    #[error("store file error at {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored value is not what the schema promises.
    #[error("store holds a corrupt value: {0}")]
    Corrupt(String),
}

/// Milliseconds since the Unix epoch (the host's clock, not the modules').
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    batch_id TEXT,
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    filename TEXT,
    media_type TEXT NOT NULL,
    upload_path TEXT NOT NULL,
    options TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error_code TEXT,
    error_message TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at);
CREATE INDEX IF NOT EXISTS jobs_batch ON jobs(batch_id);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    idempotency_key TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
"#;

/// The store. Cheap to share behind an `Arc`; calls are short and serialized.
pub struct Store {
    conn: Mutex<Connection>,
    dir: PathBuf,
}

/// Columns added after the first release: `(table, column, declaration)`.
/// `CREATE TABLE IF NOT EXISTS` leaves an older data folder's tables as they
/// were, so each is added when missing.
const ADDED_COLUMNS: [(&str, &str, &str); 4] = [
    ("jobs", "parent_trace_id", "TEXT"),
    ("jobs", "ttl_ms", "INTEGER"),
    // The key that submitted the job (null before keys owned jobs, or without auth).
    ("jobs", "key_id", "TEXT"),
    // Keys made before scopes could see every job; they keep that.
    ("api_keys", "scope", "TEXT NOT NULL DEFAULT 'admin'"),
];

fn add_missing_columns(conn: &Connection) -> Result<(), StoreError> {
    for (table, column, decl) in ADDED_COLUMNS {
        let present: bool = conn.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
            rusqlite::params![table, column],
            |r| r.get(0),
        )?;
        if !present {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
        }
    }
    Ok(())
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

/// Sets these permission bits (Unix only).
fn restrict(paths: &[(&Path, u32)]) -> Result<(), StoreError> {
    #[cfg(unix)]
    for (path, mode) in paths {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(*mode)).map_err(
            |source| StoreError::Io {
                path: path.to_path_buf(),
                source,
            },
        )?;
    }
    #[cfg(not(unix))]
    let _ = paths;
    Ok(())
}

impl Store {
    /// Opens (creating when needed) `<data_dir>/grace.db` and `<data_dir>/uploads/`.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let uploads = data_dir.join("uploads");
        std::fs::create_dir_all(&uploads).map_err(|source| StoreError::Io {
            path: uploads.clone(),
            source,
        })?;
        let db = data_dir.join("grace.db");
        let conn = Connection::open(&db)?;
        // The store holds documents, results and key digests: the host's
        // account alone reads it (SQLite gives its -wal and -shm the same mode).
        restrict(&[(data_dir, 0o700), (&uploads, 0o700), (&db, 0o600)])?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a job the 202 promised is on disk even after a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        add_missing_columns(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            dir: data_dir.to_path_buf(),
        })
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (transactions roll back), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes and removes a probe row: proves the database is writable (`/health`).
    pub fn check_writable(&self) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute_batch(
            "BEGIN; CREATE TEMP TABLE IF NOT EXISTS probe(x); INSERT INTO probe VALUES (1); DELETE FROM probe; COMMIT;",
        )?;
        let probe = self.dir.join("uploads").join(".probe");
        std::fs::write(&probe, b"ok").map_err(|source| StoreError::Io {
            path: probe.clone(),
            source,
        })?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    }
}

/// A random identifier shaped like a UUID v4 (host randomness, not the modules').
pub fn new_id() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_data_folder_gets_the_new_job_columns() {
        let dir = tempfile::tempdir().unwrap();
        let old_jobs = SCHEMA
            .split(';')
            .find(|stmt| stmt.contains("CREATE TABLE IF NOT EXISTS jobs"))
            .unwrap();
        assert!(
            !old_jobs.contains("ttl_ms"),
            "the base schema predates the added columns"
        );
        Connection::open(dir.path().join("grace.db"))
            .unwrap()
            .execute_batch(old_jobs)
            .unwrap();
        let store = Store::open(dir.path()).unwrap();
        let job = crate::store::NewJob {
            target: "hash".into(),
            filename: None,
            media_type: "text/plain".into(),
            options: "{}".into(),
            trace_id: "t".into(),
            parent_trace_id: Some("p".into()),
            ttl_ms: Some(1500),
            key_id: None,
            data: b"x".to_vec(),
        };
        let id = store.enqueue(vec![job], None).unwrap().remove(0);
        let back = store.job(&id).unwrap().unwrap();
        assert_eq!(
            (back.parent_trace_id.as_deref(), back.ttl_ms),
            (Some("p"), Some(1500))
        );
        drop(store);
        Store::open(dir.path()).unwrap();
    }

    #[test]
    fn opens_twice_and_is_writable() {
        let (dir, store) = temp_store();
        store.check_writable().unwrap();
        drop(store);
        Store::open(dir.path()).unwrap().check_writable().unwrap();
    }

    #[test]
    fn ids_look_like_uuid_v4() {
        let id = new_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, new_id());
    }
}
