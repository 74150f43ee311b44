//! Deterministic generator of rendered test documents with ground truth
