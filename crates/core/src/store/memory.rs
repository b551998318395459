use super::{KeyValueStore, StoreError};
use std::collections::BTreeMap;

/// An in-memory [`KeyValueStore`] with an optional quota counted like browsers count
/// localStorage: UTF-16 code units of keys and values.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    pub map: BTreeMap<String, String>,
    pub quota: Option<usize>,
}

impl MemoryStore {
    pub fn with_quota(quota: usize) -> Self {
        MemoryStore {
            map: BTreeMap::new(),
            quota: Some(quota),
        }
    }

    pub fn used(&self) -> usize {
        self.map.iter().map(|(k, v)| units(k) + units(v)).sum()
    }
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.map.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        if let Some(quota) = self.quota {
            let old = self
                .map
                .get(key)
                .map(|v| units(key) + units(v))
                .unwrap_or(0);
            if self.used() - old + units(key) + units(value) > quota {
                return Err(StoreError::QuotaExceeded);
            }
        }
        self.map.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.map.remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.map.keys().cloned().collect())
    }
}
