//! Datasets, OCR and field metrics, and peer OCR engines for tests and benchmarks

pub mod datasets;
pub mod metrics;
pub mod peers;
