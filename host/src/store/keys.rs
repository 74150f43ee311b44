//! API keys: shown once at creation, stored as sha256 digests.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{now_ms, Store, StoreError};

/// Prefix of every key, so leaked keys are easy to search for.
pub const KEY_PREFIX: &str = "grace_";

/// What a key may see: its own jobs, or everyone's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Its own jobs and results only.
    #[default]
    User,
    /// Every key's jobs; cleans results too.
    Admin,
}

impl Scope {
    /// `user` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Admin => "admin",
        }
    }

    /// Parses `user` or `admin`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "user" => Some(Scope::User),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// A key as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    /// Stable id (used in logs, audit and rate limits).
    pub id: String,
    /// The operator's name for it.
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    /// Created at (ms since epoch).
    pub created_at: i64,
    /// Revoked at, if revoked.
    pub revoked_at: Option<i64>,
    /// What it may see.
    pub scope: Scope,
}

/// A freshly created key: the secret exists only here.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The stored part.
    pub key: ApiKey,
    /// The secret to hand to the client.
    pub secret: String,
}

/// The columns [`key_from_row`] reads.
const KEY_COLUMNS: &str = "id, name, prefix, created_at, revoked_at, scope";

/// A key from `SELECT {KEY_COLUMNS}`. A scope this version does not know
/// reads as `user`, the narrower one.
fn key_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: r.get(0)?,
        name: r.get(1)?,
        prefix: r.get(2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
        scope: Scope::parse(&r.get::<_, String>(5)?).unwrap_or(Scope::User),
    })
}

fn digest(secret: &str) -> String {
    grace_hash::sha256_hex(secret.as_bytes())
}

impl Store {
    /// Creates a key named `name` with `scope`.
    pub fn create_key(&self, name: &str, scope: Scope) -> Result<NewKey, StoreError> {
        let random: [u8; 24] = rand::random();
        let secret = format!("{KEY_PREFIX}{}", hex::encode(random));
        let key = ApiKey {
            id: super::new_id()[..8].to_string(),
            name: name.to_string(),
            prefix: secret[..KEY_PREFIX.len() + 6].to_string(),
            created_at: now_ms(),
            revoked_at: None,
            scope,
        };
        self.conn().execute(
            "INSERT INTO api_keys (id, name, prefix, hash, created_at, scope) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                key.id,
                key.name,
                key.prefix,
                digest(&secret),
                key.created_at,
                scope.as_str()
            ],
        )?;
        Ok(NewKey { key, secret })
    }

    /// Every key, oldest first.
    pub fn list_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([], key_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes the key with this id or name; returns it, or None when unknown.
    pub fn revoke_key(&self, id_or_name: &str) -> Result<Option<ApiKey>, StoreError> {
        let found = self
            .list_keys()?
            .into_iter()
            .filter(|k| k.revoked_at.is_none())
            .find(|k| k.id == id_or_name || k.name == id_or_name);
        let Some(mut key) = found else {
            return Ok(None);
        };
        let now = now_ms();
        self.conn().execute(
            "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1",
            params![key.id, now],
        )?;
        key.revoked_at = Some(now);
        Ok(Some(key))
    }

    /// The live key whose secret this is.
    pub fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, StoreError> {
        let conn = self.conn();
        conn.query_row(
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE hash = ?1 AND revoked_at IS NULL"),
            [digest(secret)],
            key_from_row,
        )
        .optional()
        .map_err(StoreError::from)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::temp_store;

    #[test]
    fn create_authenticate_revoke() {
        let (dir, store) = temp_store();
        let new = store.create_key("n8n", crate::store::Scope::User).unwrap();
        assert!(new.secret.starts_with("grace_") && new.secret.len() > 40);
        assert_eq!(
            store.authenticate(&new.secret).unwrap().unwrap().name,
            "n8n"
        );
        assert!(store.authenticate("grace_wrong").unwrap().is_none());
        // Only the digest is stored.
        let raw = std::fs::read(dir.path().join("grace.db")).unwrap();
        let hay = String::from_utf8_lossy(&raw);
        assert!(!hay.contains(&new.secret));
        assert!(store.revoke_key("n8n").unwrap().is_some());
        assert!(store.authenticate(&new.secret).unwrap().is_none());
        assert!(store.revoke_key("n8n").unwrap().is_none());
        assert_eq!(store.list_keys().unwrap().len(), 1);
    }
}
