//! Datasets, OCR and field metrics, and peer OCR engines for tests and benchmarks
