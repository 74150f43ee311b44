//! Stored responses by idempotency key: the same input, module and options
//! return the stored answer without running the module again.

use rusqlite::{params, OptionalExtension};

use super::{now_ms, Store, StoreError};

impl Store {
    /// The stored response for this key.
    pub fn stored_result(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.conn();
        conn.query_row(
            "SELECT response FROM results WHERE idempotency_key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)
    }

    /// Stores a response (the first one for a key wins).
    pub fn store_result(&self, key: &str, target: &str, response: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO results (idempotency_key, target, response, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![key, target, response, now_ms()],
        )?;
        Ok(())
    }

    /// Deletes stored responses made before `before_ms`; returns how many.
    pub fn delete_results_before(&self, before_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn()
            .execute("DELETE FROM results WHERE created_at < ?1", [before_ms])?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::temp_store;

    #[test]
    fn first_result_wins() {
        let (_d, store) = temp_store();
        assert!(store.stored_result("k").unwrap().is_none());
        store.store_result("k", "hash", "one").unwrap();
        store.store_result("k", "hash", "two").unwrap();
        assert_eq!(store.delete_results_before(0).unwrap(), 0);
        assert_eq!(store.stored_result("k").unwrap().as_deref(), Some("one"));
    }
}
