//! The asynchronous job queue's workers: claim the oldest queued job, run it
//! through [`crate::dispatch`], record the outcome exactly once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::Notify;

use crate::dispatch;
use crate::service::Service;
use crate::store::{Job, Store};
use tracing::Instrument as _;

/// How often idle workers look at the queue even without a wake-up.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How long a job waits between tries when the memory budget is in use,
/// and how many times: two minutes, about the deadline of one call, so a
/// job outwaits any call holding the memory.
const BUDGET_WAIT: Duration = Duration::from_secs(1);
const BUDGET_WAITS: u32 = 120;

/// The worker pool.
#[derive(Debug)]
pub struct JobRunner {
    store: Arc<Store>,
    service: Arc<Service>,
    wake: Notify,
    in_flight: AtomicUsize,
    workers: usize,
    idempotency: bool,
}

impl JobRunner {
    /// Requeues jobs a previous process left running, then starts `workers` workers.
    pub fn start(
        store: Arc<Store>,
        service: Arc<Service>,
        workers: usize,
        idempotency: bool,
    ) -> Result<Arc<JobRunner>, crate::store::StoreError> {
        let requeued = store.requeue_interrupted()?;
        if !requeued.is_empty() {
            tracing::warn!(
                count = requeued.len(),
                "requeued jobs interrupted by a previous stop"
            );
            store.audit("host", "jobs.requeue", "queue", &json!({"jobs": requeued}))?;
        }
        let runner = Arc::new(JobRunner {
            store,
            service,
            wake: Notify::new(),
            in_flight: AtomicUsize::new(0),
            workers: workers.max(1),
            idempotency,
        });
        for n in 0..runner.workers {
            let r = runner.clone();
            tokio::spawn(async move { r.work(n).await });
        }
        Ok(runner)
    }

    /// Wakes idle workers (after jobs were accepted).
    pub fn notify(&self) {
        self.wake.notify_waiters();
    }

    /// Jobs being run now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Number of workers.
    pub fn workers(&self) -> usize {
        self.workers
    }

    async fn work(self: Arc<Self>, n: usize) {
        loop {
            let notified = self.wake.notified();
            let claimed = {
                let store = self.store.clone();
                tokio::task::spawn_blocking(move || store.claim_next()).await
            };
            match claimed {
                Ok(Ok(Some(job))) => {
                    self.in_flight.fetch_add(1, Ordering::Relaxed);
                    self.run(job).await;
                    self.in_flight.fetch_sub(1, Ordering::Relaxed);
                }
                Ok(Ok(None)) => {
                    let _ = tokio::time::timeout(IDLE_POLL, notified).await;
                }
                Ok(Err(e)) => {
                    tracing::error!(worker = n, error = %e, "cannot claim a job");
                    tokio::time::sleep(IDLE_POLL).await;
                }
                Err(e) => {
                    tracing::error!(worker = n, error = %e, "job claim task failed");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }

    async fn run(&self, job: Job) {
        // Instrumented, not entered: a span entered across an `.await` would
        // label whatever else this thread runs meanwhile with this job.
        let span = tracing::info_span!("job", trace_id = %job.trace_id, request_id = %job.id, target = %job.target);
        self.run_in_span(job).instrument(span).await
    }

    async fn run_in_span(&self, job: Job) {
        let outcome = self.execute(&job).await;
        let (status, recorded) = match &outcome {
            Ok(envelope) => (
                "done",
                self.store.finish_job(&job.id, Ok(&envelope.to_string())),
            ),
            Err((code, message)) => (
                "failed",
                self.store.finish_job(&job.id, Err((code, message))),
            ),
        };
        match recorded {
            Ok(true) => {
                self.service
                    .metrics()
                    .inc("grace_jobs_total", &[("status", status)]);
                let details = match &outcome {
                    Ok(_) => json!({"target": job.target, "attempts": job.attempts}),
                    Err((code, _)) => {
                        json!({"target": job.target, "attempts": job.attempts, "error": code})
                    }
                };
                if let Err(e) =
                    self.store
                        .audit("host", &format!("job.{status}"), &job.id, &details)
                {
                    tracing::error!(error = %e, "cannot write the audit record");
                }
                tracing::info!(status, "job finished");
            }
            Ok(false) => tracing::warn!("job was already finished; outcome dropped"),
            Err(e) => {
                tracing::error!(error = %e, "cannot record the job's outcome; it will run again after a restart")
            }
        }
    }

    async fn execute(&self, job: &Job) -> Result<Value, (String, String)> {
        let data = self
            .store
            .job_input(&job.id)
            .map_err(|e| ("internal".to_string(), e.to_string()))?;
        let options: Map<String, Value> = serde_json::from_str(&job.options)
            .map_err(|e| ("internal".to_string(), format!("stored options: {e}")))?;
        let req = dispatch::Request {
            target: job.target.clone(),
            data: Arc::new(data),
            media_type: job.media_type.clone(),
            options,
            trace_id: Some(job.trace_id.clone()),
            parent_trace_id: job.parent_trace_id.clone(),
            ttl: job
                .ttl_ms
                .map(|t| dispatch::Ttl::starting(t, job.created_at)),
        };
        let store = self.idempotency.then_some(self.store.as_ref());
        let mut waited = 0;
        loop {
            match dispatch::dispatch(&self.service, store, req.clone()).await {
                Ok(answer) => return Ok(answer.envelope),
                // A job has no client waiting on the line: when the memory
                // budget is held by other calls it waits for it, as a sync
                // request's client would retry after its 503.
                Err(e) if e.code() == "memory_budget" && waited < BUDGET_WAITS => {
                    waited += 1;
                    tracing::info!(waited, "memory budget in use; the job waits");
                    tokio::time::sleep(BUDGET_WAIT).await;
                }
                Err(e) => return Err((e.code().to_string(), e.to_string())),
            }
        }
    }
}
