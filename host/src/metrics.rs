//! Prometheus metrics kept in memory: counters, gauges set at scrape time and
//! latency histograms, rendered in the text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

type Labels = Vec<(&'static str, String)>;

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    counters: BTreeMap<(&'static str, Labels), u64>,
    histograms: BTreeMap<(&'static str, Labels), Histogram>,
}

/// The metrics of one host process.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// Help texts of the metrics the host records.
const HELP: &[(&str, &str, &str)] = &[
    (
        "grace_http_requests_total",
        "counter",
        "HTTP requests by route and status code.",
    ),
    (
        "grace_http_request_duration_seconds",
        "histogram",
        "HTTP request latency by route.",
    ),
    (
        "grace_module_runs_total",
        "counter",
        "Module executions by module and outcome (cached answers are not runs).",
    ),
    (
        "grace_module_run_duration_seconds",
        "histogram",
        "Module execution time by module.",
    ),
    (
        "grace_idempotent_hits_total",
        "counter",
        "Answers served from the stored result of the same input, module and options.",
    ),
    (
        "grace_rejected_inputs_total",
        "counter",
        "Requests refused for their input, by reason.",
    ),
    (
        "grace_rate_limited_total",
        "counter",
        "Requests refused by the rate limiter.",
    ),
    (
        "grace_auth_failures_total",
        "counter",
        "Requests refused for a missing or bad API key.",
    ),
    (
        "grace_jobs_total",
        "counter",
        "Asynchronous jobs by final status.",
    ),
    (
        "grace_module_swaps_total",
        "counter",
        "Module files loaded or replaced while serving, by outcome.",
    ),
];

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds 1 to a counter.
    pub fn inc(&self, name: &'static str, labels: &[(&'static str, &str)]) {
        let key = (name, own(labels));
        *self.lock().counters.entry(key).or_default() += 1;
    }

    /// The current value of a counter (0 when never incremented).
    pub fn counter(&self, name: &'static str, labels: &[(&'static str, &str)]) -> u64 {
        let key = (name, own(labels));
        self.lock().counters.get(&key).copied().unwrap_or(0)
    }

    /// Records one observation in a latency histogram.
    pub fn observe(&self, name: &'static str, labels: &[(&'static str, &str)], value: Duration) {
        let secs = value.as_secs_f64();
        let key = (name, own(labels));
        let mut inner = self.lock();
        let h = inner.histograms.entry(key).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The exposition text; `gauges` are values sampled at scrape time.
    pub fn render(&self, gauges: &[Gauge]) -> String {
        let inner = self.lock();
        let mut out = String::new();
        let mut described = std::collections::BTreeSet::new();
        let mut describe = |out: &mut String, name: &str, kind: &str, help: &str| {
            if described.insert(name.to_string()) {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            }
        };
        for (name, kind, help) in HELP {
            describe(&mut out, name, kind, help);
            if *kind == "counter" {
                for ((n, labels), v) in inner.counters.iter().filter(|((n, _), _)| n == name) {
                    let _ = writeln!(out, "{n}{} {v}", fmt_labels(labels, None));
                }
            } else {
                for ((n, labels), h) in inner.histograms.iter().filter(|((n, _), _)| n == name) {
                    for (i, bound) in BUCKETS.iter().enumerate() {
                        let _ = writeln!(
                            out,
                            "{n}_bucket{} {}",
                            fmt_labels(labels, Some(&bound.to_string())),
                            h.counts[i]
                        );
                    }
                    let _ = writeln!(
                        out,
                        "{n}_bucket{} {}",
                        fmt_labels(labels, Some("+Inf")),
                        h.count
                    );
                    let _ = writeln!(out, "{n}_sum{} {}", fmt_labels(labels, None), h.sum);
                    let _ = writeln!(out, "{n}_count{} {}", fmt_labels(labels, None), h.count);
                }
            }
        }
        for g in gauges {
            describe(&mut out, g.name, "gauge", g.help);
            let labels: Labels = g.labels.iter().map(|(k, v)| (*k, v.clone())).collect();
            let _ = writeln!(out, "{}{} {}", g.name, fmt_labels(&labels, None), g.value);
        }
        out
    }
}

/// A value sampled at scrape time.
#[derive(Debug, Clone)]
pub struct Gauge {
    /// Metric name.
    pub name: &'static str,
    /// Help text.
    pub help: &'static str,
    /// Labels.
    pub labels: Vec<(&'static str, String)>,
    /// Value.
    pub value: f64,
}

fn own(labels: &[(&'static str, &str)]) -> Labels {
    labels.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

fn fmt_labels(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}=\"{}\"",
                v.replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n")
            )
        })
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let m = Metrics::default();
        m.inc(
            "grace_module_runs_total",
            &[("module", "hash"), ("outcome", "ok")],
        );
        m.inc(
            "grace_module_runs_total",
            &[("module", "hash"), ("outcome", "ok")],
        );
        m.observe(
            "grace_module_run_duration_seconds",
            &[("module", "hash")],
            Duration::from_millis(3),
        );
        let text = m.render(&[Gauge {
            name: "grace_queue_depth",
            help: "Jobs waiting.",
            labels: vec![],
            value: 4.0,
        }]);
        assert!(
            text.contains("grace_module_runs_total{module=\"hash\",outcome=\"ok\"} 2"),
            "{text}"
        );
        assert!(text
            .contains("grace_module_run_duration_seconds_bucket{module=\"hash\",le=\"0.005\"} 1"));
        assert!(text
            .contains("grace_module_run_duration_seconds_bucket{module=\"hash\",le=\"0.0025\"} 0"));
        assert!(text.contains("# TYPE grace_queue_depth gauge\ngrace_queue_depth 4"));
        assert_eq!(
            m.counter(
                "grace_module_runs_total",
                &[("module", "hash"), ("outcome", "ok")]
            ),
            2
        );
    }
}
