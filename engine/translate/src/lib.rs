//! Contract translation for the `translate` module and the host: incoming
//! payloads (bare uploads, legacy client payloads, v1.2 envelopes) become a
//! contract v1.2 request envelope; response envelopes become the flat
//! (Zapier) shape of `host/API.md` and back. Mappings: `MAPPINGS.md`.
//!
//! The host calls [`flatten_response`] natively for `POST /v1/zapier/{name}`,
//! so the component and the HTTP route give the same flat object.

pub mod flat;
pub mod request;

pub use flat::{
    flatten_response, module_keys, unflatten_response, FlatOptions, COMMON_KEYS,
    DEFAULT_REVIEW_THRESHOLD, INVOICE_KEYS, OCR_KEYS,
};
pub use request::{decode_content, normalize_request};

use thiserror::Error;

/// The contract version this crate reads and writes.
pub const CONTRACT_VERSION: &str = "1.2";

/// Everything that can go wrong translating a payload.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TranslateError {
    /// The payload is malformed or misses what the shape needs; the message says what.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The payload is well-formed but in a shape or version this crate does not speak.
    #[error("unsupported: {0}")]
    Unsupported(String),
}
