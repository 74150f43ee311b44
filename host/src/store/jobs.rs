//! Durable jobs: accepted jobs are rows before the client hears `202`; a
//! worker claims one (`queued → processing`), and completion is one
//! transaction that only a `processing` row can take, so a job finishes at
//! most once. After a crash, `processing` rows go back to `queued`.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::{now_ms, Store, StoreError};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Accepted, waiting for a worker.
    Queued,
    /// A worker is running it.
    Processing,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
}

impl JobStatus {
    /// The stored (and API) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Processing => "processing",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<JobStatus, StoreError> {
        Ok(match s {
            "queued" => JobStatus::Queued,
            "processing" => JobStatus::Processing,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            other => return Err(StoreError::Corrupt(format!("job status {other:?}"))),
        })
    }
}

/// A job to accept.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Module or pipeline name.
    pub target: String,
    /// Original file name, if the client gave one.
    pub filename: Option<String>,
    /// Sniffed media type.
    pub media_type: String,
    /// Options as canonical JSON.
    pub options: String,
    /// The request's trace id.
    pub trace_id: String,
    /// The caller's parent trace id.
    pub parent_trace_id: Option<String>,
    /// The caller's time to live (envelope `ttl_ms`), counted from acceptance.
    pub ttl_ms: Option<u64>,
    /// The API key that submitted it (None without auth).
    pub key_id: Option<String>,
    /// The upload's bytes (written to `uploads/<id>`).
    pub data: Vec<u8>,
}

/// A stored job.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// The request id.
    pub id: String,
    /// Its batch, if any.
    pub batch_id: Option<String>,
    /// Module or pipeline name.
    pub target: String,
    /// Status.
    pub status: JobStatus,
    /// Original file name.
    pub filename: Option<String>,
    /// Sniffed media type.
    pub media_type: String,
    /// Options (canonical JSON).
    pub options: String,
    /// Trace id.
    pub trace_id: String,
    /// The caller's parent trace id.
    pub parent_trace_id: Option<String>,
    /// The caller's time to live in ms, counted from `created_at`.
    pub ttl_ms: Option<u64>,
    /// Accepted at (ms since epoch).
    pub created_at: i64,
    /// Last claimed at.
    pub started_at: Option<i64>,
    /// Finished at.
    pub finished_at: Option<i64>,
    /// Times a worker claimed it (more than 1 after a crash).
    pub attempts: i64,
    /// Times it finished (never more than 1).
    pub completions: i64,
    /// The response envelope (JSON text) when done.
    pub result: Option<String>,
    /// Error code when failed.
    pub error_code: Option<String>,
    /// Error message when failed.
    pub error_message: Option<String>,
    /// The API key that submitted it (None without auth or before keys owned jobs).
    pub key_id: Option<String>,
}

/// Queue counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    /// Waiting.
    pub queued: u64,
    /// Running.
    pub processing: u64,
    /// Finished well.
    pub done: u64,
    /// Finished with an error.
    pub failed: u64,
}

const COLUMNS: &str = "id, batch_id, target, status, filename, media_type, options, trace_id, created_at, started_at, finished_at, attempts, completions, result, error_code, error_message, parent_trace_id, ttl_ms, key_id";

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<(Job, String)> {
    let status: String = r.get(3)?;
    Ok((
        Job {
            id: r.get(0)?,
            batch_id: r.get(1)?,
            target: r.get(2)?,
            status: JobStatus::Queued,
            filename: r.get(4)?,
            media_type: r.get(5)?,
            options: r.get(6)?,
            trace_id: r.get(7)?,
            created_at: r.get(8)?,
            started_at: r.get(9)?,
            finished_at: r.get(10)?,
            attempts: r.get(11)?,
            completions: r.get(12)?,
            result: r.get(13)?,
            error_code: r.get(14)?,
            error_message: r.get(15)?,
            parent_trace_id: r.get(16)?,
            ttl_ms: r.get::<_, Option<i64>>(17)?.map(|t| t.max(0) as u64),
            key_id: r.get(18)?,
        },
        status,
    ))
}

fn with_status((mut job, status): (Job, String)) -> Result<Job, StoreError> {
    job.status = JobStatus::parse(&status)?;
    Ok(job)
}

impl Store {
    fn upload_path(&self, id: &str) -> std::path::PathBuf {
        self.dir.join("uploads").join(id)
    }

    /// Accepts jobs (one batch when `batch_id` is given): uploads are written
    /// and synced first, then all rows in one transaction.
    pub fn enqueue(
        &self,
        jobs: Vec<NewJob>,
        batch_id: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::with_capacity(jobs.len());
        let mut rows = Vec::with_capacity(jobs.len());
        for job in jobs {
            let id = super::new_id();
            let path = self.upload_path(&id);
            write_synced(&path, &job.data)?;
            rows.push((id.clone(), path, job));
            ids.push(id);
        }
        let now = now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(b) = batch_id {
            tx.execute(
                "INSERT INTO batches (id, created_at, size) VALUES (?1, ?2, ?3)",
                params![b, now, rows.len() as i64],
            )?;
        }
        for (id, path, job) in &rows {
            tx.execute(
                "INSERT INTO jobs (id, batch_id, target, status, filename, media_type, upload_path, options, trace_id, created_at, parent_trace_id, ttl_ms, key_id) VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![id, batch_id, job.target, job.filename, job.media_type, path.to_string_lossy(), job.options, job.trace_id, now, job.parent_trace_id, job.ttl_ms.map(|t| t.min(i64::MAX as u64) as i64), job.key_id],
            )?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Claims the oldest queued job for a worker.
    pub fn claim_next(&self) -> Result<Option<Job>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id: Option<String> = tx
            .query_row(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        tx.execute(
            "UPDATE jobs SET status = 'processing', started_at = ?2, attempts = attempts + 1 WHERE id = ?1",
            params![id, now_ms()],
        )?;
        let job = tx.query_row(
            &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
            [&id],
            job_from_row,
        )?;
        tx.commit()?;
        with_status(job).map(Some)
    }

    /// The bytes of a job's upload.
    pub fn job_input(&self, id: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.upload_path(id);
        std::fs::read(&path).map_err(|source| StoreError::Io { path, source })
    }

    /// Records the end of a job; false when it was not `processing` (already finished).
    pub fn finish_job(
        &self,
        id: &str,
        outcome: Result<&str, (&str, &str)>,
    ) -> Result<bool, StoreError> {
        let conn = self.conn();
        let n = match outcome {
            Ok(result) => conn.execute(
                "UPDATE jobs SET status = 'done', finished_at = ?2, completions = completions + 1, result = ?3 WHERE id = ?1 AND status = 'processing'",
                params![id, now_ms(), result],
            )?,
            Err((code, message)) => conn.execute(
                "UPDATE jobs SET status = 'failed', finished_at = ?2, completions = completions + 1, error_code = ?3, error_message = ?4 WHERE id = ?1 AND status = 'processing'",
                params![id, now_ms(), code, message],
            )?,
        };
        Ok(n == 1)
    }

    /// Puts jobs a crashed process left `processing` back in the queue; returns their ids.
    pub fn requeue_interrupted(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let ids: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT id FROM jobs WHERE status = 'processing' ORDER BY created_at")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            "UPDATE jobs SET status = 'queued' WHERE status = 'processing'",
            [],
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// One job.
    pub fn job(&self, id: &str) -> Result<Option<Job>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                [id],
                job_from_row,
            )
            .optional()?;
        row.map(with_status).transpose()
    }

    /// The jobs of a batch, in submission order.
    pub fn batch_jobs(&self, batch_id: &str) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE batch_id = ?1 ORDER BY created_at, rowid"
        ))?;
        let rows: Vec<(Job, String)> = stmt
            .query_map([batch_id], job_from_row)?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(with_status).collect()
    }

    /// Jobs per status.
    pub fn queue_counts(&self) -> Result<QueueCounts, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT status, COUNT(*) FROM jobs GROUP BY status")?;
        let mut counts = QueueCounts::default();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (status, n) = row?;
            let n = n as u64;
            match JobStatus::parse(&status)? {
                JobStatus::Queued => counts.queued = n,
                JobStatus::Processing => counts.processing = n,
                JobStatus::Done => counts.done = n,
                JobStatus::Failed => counts.failed = n,
            }
        }
        Ok(counts)
    }

    /// Jobs finished in the last `window_ms` milliseconds.
    pub fn finished_since(&self, since_ms: i64) -> Result<u64, StoreError> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM jobs WHERE finished_at >= ?1",
            [since_ms],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Deletes finished jobs (and their uploads) that finished before
    /// `before_ms`, only `owner`'s when given; returns their ids.
    pub fn delete_finished_before(
        &self,
        before_ms: i64,
        owner: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        const WHERE: &str =
            "status IN ('done', 'failed') AND finished_at < ?1 AND (?2 IS NULL OR key_id = ?2)";
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let ids: Vec<String> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT id FROM jobs WHERE {WHERE} ORDER BY finished_at"
            ))?;
            let rows = stmt.query_map(params![before_ms, owner], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            &format!("DELETE FROM jobs WHERE {WHERE}"),
            params![before_ms, owner],
        )?;
        tx.execute(
            "DELETE FROM batches WHERE id NOT IN (SELECT DISTINCT batch_id FROM jobs WHERE batch_id IS NOT NULL)",
            [],
        )?;
        tx.commit()?;
        for id in &ids {
            let _ = std::fs::remove_file(self.upload_path(id));
        }
        Ok(ids)
    }
}

/// Writes `data` to `path` and syncs it, so the row that points at it never outlives it.
fn write_synced(path: &std::path::Path, data: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    // Documents are the users' own: readable by the host's account alone.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let mut f = open.open(path).map_err(io)?;
    f.write_all(data).map_err(io)?;
    f.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::temp_store;

    fn new_job(data: &[u8]) -> NewJob {
        NewJob {
            target: "hash".into(),
            filename: Some("a.txt".into()),
            media_type: "text/plain".into(),
            options: "{}".into(),
            trace_id: "t".into(),
            parent_trace_id: None,
            ttl_ms: None,
            key_id: Some("k1".into()),
            data: data.to_vec(),
        }
    }

    #[test]
    fn a_job_finishes_once() {
        let (_d, store) = temp_store();
        let ids = store
            .enqueue(vec![new_job(b"a"), new_job(b"b")], Some("batch-1"))
            .unwrap();
        assert_eq!(store.batch_jobs("batch-1").unwrap().len(), 2);
        let job = store.claim_next().unwrap().unwrap();
        assert_eq!(job.id, ids[0]);
        assert_eq!(job.status, JobStatus::Processing);
        assert_eq!(store.job_input(&job.id).unwrap(), b"a");
        assert!(store.finish_job(&job.id, Ok("{}")).unwrap());
        assert!(
            !store.finish_job(&job.id, Ok("{}")).unwrap(),
            "second completion refused"
        );
        let done = store.job(&job.id).unwrap().unwrap();
        assert_eq!((done.status, done.completions), (JobStatus::Done, 1));
        let counts = store.queue_counts().unwrap();
        assert_eq!((counts.queued, counts.done), (1, 1));
    }

    #[test]
    fn interrupted_jobs_are_requeued() {
        let (_d, store) = temp_store();
        store.enqueue(vec![new_job(b"a")], None).unwrap();
        let job = store.claim_next().unwrap().unwrap();
        assert!(store.claim_next().unwrap().is_none());
        assert_eq!(store.requeue_interrupted().unwrap(), vec![job.id.clone()]);
        let again = store.claim_next().unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (job.id, 2));
    }

    #[test]
    fn clean_deletes_only_old_finished_jobs() {
        let (_d, store) = temp_store();
        store
            .enqueue(vec![new_job(b"a"), new_job(b"b")], None)
            .unwrap();
        let job = store.claim_next().unwrap().unwrap();
        store
            .finish_job(&job.id, Err(("invalid_input", "bad")))
            .unwrap();
        assert!(store.delete_finished_before(0, None).unwrap().is_empty());
        assert!(store
            .delete_finished_before(now_ms() + 1, Some("someone else"))
            .unwrap()
            .is_empty());
        let deleted = store.delete_finished_before(now_ms() + 1, None).unwrap();
        assert_eq!(deleted, vec![job.id.clone()]);
        assert!(store.job(&job.id).unwrap().is_none());
        assert_eq!(store.queue_counts().unwrap().queued, 1);
    }
}
