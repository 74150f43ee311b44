//! Stable hashing of bytes and canonical JSON
