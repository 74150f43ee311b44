//! Stable hashing of bytes and canonical JSON.
//!
//! Digests: SHA-256, SHA-512, BLAKE2b-512 and BLAKE3 (256-bit), all pure Rust
//! so the same code runs natively and inside the `hash` component. Canonical
//! JSON (keys sorted recursively, no insignificant whitespace, numbers and
//! strings as `serde_json` prints them) makes structurally equal documents
//! hash the same whatever their key order or formatting.

use std::fmt;
use std::str::FromStr;

use blake2::Blake2b512;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

/// Errors of this crate.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HashError {
    /// The algorithm name is not one this crate knows.
    #[error("unknown hash algorithm {0:?} (known: sha256, sha512, blake2b, blake3)")]
    UnknownAlgorithm(String),
    /// The input was expected to be JSON and is not.
    #[error("input is not valid JSON: {0}")]
    InvalidJson(String),
}

/// A supported digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256 (FIPS 180-4), 32-byte digest.
    Sha256,
    /// SHA-512 (FIPS 180-4), 64-byte digest.
    Sha512,
    /// BLAKE2b with a 64-byte digest (RFC 7693).
    Blake2b512,
    /// BLAKE3 with its default 32-byte output.
    Blake3,
}

impl Algorithm {
    /// Every supported algorithm, in a stable order.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Blake2b512,
        Algorithm::Blake3,
    ];

    /// The canonical lowercase name (used as the key in outputs).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Blake2b512 => "blake2b",
            Algorithm::Blake3 => "blake3",
        }
    }

    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha256 | Algorithm::Blake3 => 32,
            Algorithm::Sha512 | Algorithm::Blake2b512 => 64,
        }
    }

    /// Digest of `data` as raw bytes.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Algorithm::Sha256 => Sha256::digest(data).to_vec(),
            Algorithm::Sha512 => Sha512::digest(data).to_vec(),
            Algorithm::Blake2b512 => Blake2b512::digest(data).to_vec(),
            Algorithm::Blake3 => blake3::hash(data).as_bytes().to_vec(),
        }
    }

    /// Digest of `data` as lowercase hex.
    pub fn hex_digest(self, data: &[u8]) -> String {
        hex::encode(self.digest(data))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = HashError;

    /// Parses a name case-insensitively; `blake2b-512`/`blake2b512` and
    /// `sha-256`/`sha-512` are accepted as aliases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Ok(Algorithm::Sha256),
            "sha512" | "sha-512" => Ok(Algorithm::Sha512),
            "blake2b" | "blake2b-512" | "blake2b512" => Ok(Algorithm::Blake2b512),
            "blake3" => Ok(Algorithm::Blake3),
            _ => Err(HashError::UnknownAlgorithm(s.to_string())),
        }
    }
}

/// Hex SHA-256 of `data` (the hash the host uses for module identity).
pub fn sha256_hex(data: &[u8]) -> String {
    Algorithm::Sha256.hex_digest(data)
}

/// Canonical text of a JSON value: object keys sorted (by their UTF-8
/// bytes) at every level, no whitespace, strings and numbers as
/// `serde_json` prints them.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

/// Parses `bytes` as JSON and returns its canonical text as bytes.
pub fn canonicalize_json_bytes(bytes: &[u8]) -> Result<Vec<u8>, HashError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| HashError::InvalidJson(e.to_string()))?;
    Ok(canonical_json(&value).into_bytes())
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            // Sort explicitly: with serde_json's `preserve_order` feature
            // (enabled by any crate in the build) maps keep insertion order.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(alg: Algorithm, input: &[u8], expected: &str) {
        let got = alg.hex_digest(input);
        assert_eq!(
            got,
            expected,
            "{alg} of {:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(got.len(), alg.output_len() * 2);
    }

    #[test]
    fn sha256_vectors() {
        // FIPS 180-4 examples.
        check(
            Algorithm::Sha256,
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        );
        check(
            Algorithm::Sha256,
            b"",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        );
        check(
            Algorithm::Sha256,
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        );
    }

    #[test]
    fn sha512_vectors() {
        check(
            Algorithm::Sha512,
            b"abc",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        );
        check(
            Algorithm::Sha512,
            b"",
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce\
             47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
        );
    }

    #[test]
    fn blake2b_vectors() {
        // RFC 7693 appendix A ("abc") and the empty message.
        check(
            Algorithm::Blake2b512,
            b"abc",
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1\
             7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
        );
        check(
            Algorithm::Blake2b512,
            b"",
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419\
             d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
        );
    }

    #[test]
    fn blake3_vectors() {
        // From the BLAKE3 reference test vectors / b3sum.
        check(
            Algorithm::Blake3,
            b"",
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        );
        check(
            Algorithm::Blake3,
            b"abc",
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
        );
    }

    #[test]
    fn names_round_trip_and_aliases() {
        for alg in Algorithm::ALL {
            assert_eq!(alg.name().parse::<Algorithm>().unwrap(), alg);
        }
        assert_eq!(
            "BLAKE2b-512".parse::<Algorithm>(),
            Ok(Algorithm::Blake2b512)
        );
        assert_eq!("SHA-256".parse::<Algorithm>(), Ok(Algorithm::Sha256));
        assert_eq!(
            "md5".parse::<Algorithm>(),
            Err(HashError::UnknownAlgorithm("md5".into()))
        );
    }

    #[test]
    fn canonical_json_sorts_keys_recursively() {
        let a = br#"{"b": 1, "a": {"z": [3, {"y": true, "x": null}], "c": "\u00f1"}}"#;
        let b = r#"{"a":{"c":"ñ","z":[3,{"x":null,"y":true}]},"b":1}"#.as_bytes();
        let ca = canonicalize_json_bytes(a).unwrap();
        let cb = canonicalize_json_bytes(b).unwrap();
        assert_eq!(ca, cb);
        assert_eq!(
            String::from_utf8(ca.clone()).unwrap(),
            r#"{"a":{"c":"ñ","z":[3,{"x":null,"y":true}]},"b":1}"#
        );
        assert_eq!(sha256_hex(&ca), sha256_hex(&cb));
    }

    #[test]
    fn canonical_json_keeps_array_order_and_numbers() {
        let c = canonicalize_json_bytes(b" [2, 1, 1.5, -0, 1e3, \"a\\nb\"] ").unwrap();
        assert_eq!(
            String::from_utf8(c).unwrap(),
            r#"[2,1,1.5,-0.0,1000.0,"a\nb"]"#
        );
        // Different array order is a different document.
        assert_ne!(
            canonicalize_json_bytes(b"[1,2]").unwrap(),
            canonicalize_json_bytes(b"[2,1]").unwrap()
        );
    }

    #[test]
    fn invalid_json_is_a_typed_error() {
        match canonicalize_json_bytes(b"{\"a\": ") {
            Err(HashError::InvalidJson(msg)) => assert!(msg.contains("EOF"), "{msg}"),
            other => panic!("expected InvalidJson, got {other:?}"),
        }
        assert!(canonicalize_json_bytes(b"").is_err());
    }
}
