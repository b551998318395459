//! Every preference the app keeps in localStorage, each a typed [`Pref`]: its key, its value
//! when absent or unreadable, whether backups carry it. The key names and their JSON are what
//! browsers already hold: never rename one or change its type's serde form.
//!
//! Reading and writing go through the core's [`KeyValueStore`] (localStorage in the page,
//! [`kezhi_core::store::MemoryStore`] in the tests below), so the encoding and the backup's
//! settings are tested natively. Not here: the sync settings (`kezhi.sync` in sync/config.rs,
//! kept in sessionStorage unless remembered, never in backups) and the data's own keys (the
//! core's `store`).

use crate::i18n::Lang;
use kezhi_core::import::Mapping;
use kezhi_core::metrics::AnalyticsSettings;
use kezhi_core::store::{KeyValueStore, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A preference stored as JSON (the format `gloo_storage` wrote: earlier versions' values
/// read unchanged) under `key`.
pub struct Pref<T> {
    pub key: &'static str,
    /// The value when nothing (or nothing readable) is stored.
    default: fn() -> T,
    /// Carried by backups with the data, and replaced (or removed) by a restore.
    pub in_backup: bool,
}

/// The language chosen in the header; `None`: the browser's.
pub const LANG: Pref<Option<Lang>> = Pref {
    key: "kezhi:lang",
    default: || None,
    in_backup: false,
};

/// Analytics thresholds, cut points and tier rules (Settings).
pub const ANALYTICS: Pref<AnalyticsSettings> = Pref {
    key: "kezhi:analytics",
    default: AnalyticsSettings::default,
    in_backup: true,
};

/// When the analytics settings were last changed, in ms (what sync compares; 0: never).
pub const ANALYTICS_AT: Pref<i64> = Pref {
    key: "kezhi:analytics-at",
    default: || 0,
    in_backup: false,
};

/// The customer list's visible columns by their URL names; `None`: the list's default set.
pub const COLUMNS: Pref<Option<Vec<String>>> = Pref {
    key: "kezhi:columns",
    default: || None,
    in_backup: true,
};

/// The widths (px) the user dragged the list's columns to, by their URL names.
pub const COLUMN_WIDTHS: Pref<BTreeMap<String, u32>> = Pref {
    key: "kezhi:column-widths",
    default: BTreeMap::new,
    in_backup: true,
};

/// The mappings of files imported before, by the file's shape (kind and header names).
pub const IMPORT_MAPPINGS: Pref<BTreeMap<String, Mapping>> = Pref {
    key: "kezhi:import-mappings",
    default: BTreeMap::new,
    in_backup: true,
};

/// Whether the browser was asked to keep the data (asked once, after the first demo or import).
pub const PERSIST_ASKED: Pref<bool> = Pref {
    key: "kezhi:persist-asked",
    default: || false,
    in_backup: false,
};

/// Who uses this browser: an account manager's name (a customer owner), or `None` for
/// everyone (a team lead). One person's choice: backups, which carry the team's settings, do
/// not carry it.
pub const WHOAMI: Pref<Option<String>> = Pref {
    key: "kezhi:whoami",
    default: || None,
    in_backup: false,
};

/// What the registry needs of a preference whatever its type.
pub trait AnyPref: Sync {
    fn key(&self) -> &'static str;
    fn in_backup(&self) -> bool;
}

impl<T> AnyPref for Pref<T> {
    fn key(&self) -> &'static str {
        self.key
    }
    fn in_backup(&self) -> bool {
        self.in_backup
    }
}

/// Every preference: a new one is added here, or backups and the tests do not know it.
pub const ALL: [&dyn AnyPref; 8] = [
    &LANG,
    &ANALYTICS,
    &ANALYTICS_AT,
    &COLUMNS,
    &COLUMN_WIDTHS,
    &IMPORT_MAPPINGS,
    &PERSIST_ASKED,
    &WHOAMI,
];

impl<T: Serialize + DeserializeOwned> Pref<T> {
    /// Whether a storage event's key is this preference's.
    pub fn is(&self, key: Option<&str>) -> bool {
        key == Some(self.key)
    }

    /// The value stored, if any and readable (a value that does not parse reads as absent
    /// rather than failing the app).
    pub fn read_stored(&self, store: &impl KeyValueStore) -> Option<T> {
        let raw = store.get(self.key).ok()??;
        serde_json::from_str(&raw).ok()
    }

    /// The value stored, or the default.
    pub fn read(&self, store: &impl KeyValueStore) -> T {
        self.read_stored(store).unwrap_or_else(self.default)
    }

    pub fn write(&self, store: &mut impl KeyValueStore, value: &T) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(value).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        store.set(self.key, &json)
    }
}

/// The preferences a backup carries, as stored (JSON values by key; unreadable ones left out).
pub fn backup_settings(store: &impl KeyValueStore) -> BTreeMap<String, serde_json::Value> {
    ALL.iter()
        .filter(|p| p.in_backup())
        .filter_map(|p| {
            let raw = store.get(p.key()).ok()??;
            let value = serde_json::from_str(&raw).ok()?;
            Some((p.key().to_string(), value))
        })
        .collect()
}

/// Replaces the preferences a backup carries with its `settings`: each one it holds is written,
/// each one it lacks removed. Other keys in the file are ignored (a file cannot plant other
/// preferences). Writing is best effort: a full storage keeps the defaults.
pub fn restore_settings(
    store: &mut impl KeyValueStore,
    settings: &BTreeMap<String, serde_json::Value>,
) {
    for pref in ALL.iter().filter(|p| p.in_backup()) {
        let _ = match settings.get(pref.key()) {
            Some(value) => store.set(pref.key(), &value.to_string()),
            None => store.remove(pref.key()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezhi_core::store::MemoryStore;

    fn store() -> MemoryStore {
        MemoryStore::with_quota(1 << 20)
    }

    #[test]
    fn the_stored_key_names_are_those_browsers_hold() {
        let keys: Vec<(&str, bool)> = ALL.iter().map(|p| (p.key(), p.in_backup())).collect();
        assert_eq!(
            keys,
            [
                ("kezhi:lang", false),
                ("kezhi:analytics", true),
                ("kezhi:analytics-at", false),
                ("kezhi:columns", true),
                ("kezhi:column-widths", true),
                ("kezhi:import-mappings", true),
                ("kezhi:persist-asked", false),
                ("kezhi:whoami", false),
            ]
        );
    }

    #[test]
    fn values_are_stored_as_the_json_earlier_versions_wrote() {
        let mut s = store();
        LANG.write(&mut s, &Some(Lang::Zh)).expect("written");
        assert_eq!(
            s.get("kezhi:lang").expect("get").as_deref(),
            Some("\"zh-CN\"")
        );
        ANALYTICS_AT
            .write(&mut s, &1_700_000_000_123)
            .expect("written");
        assert_eq!(
            s.get("kezhi:analytics-at").expect("get").as_deref(),
            Some("1700000000123")
        );
        COLUMNS
            .write(&mut s, &Some(vec!["name".into(), "phone".into()]))
            .expect("written");
        assert_eq!(
            s.get("kezhi:columns").expect("get").as_deref(),
            Some(r#"["name","phone"]"#)
        );
        COLUMN_WIDTHS
            .write(&mut s, &BTreeMap::from([("name".to_string(), 180)]))
            .expect("written");
        assert_eq!(
            s.get("kezhi:column-widths").expect("get").as_deref(),
            Some(r#"{"name":180}"#)
        );
        PERSIST_ASKED.write(&mut s, &true).expect("written");
        assert_eq!(
            s.get("kezhi:persist-asked").expect("get").as_deref(),
            Some("true")
        );
        WHOAMI
            .write(&mut s, &Some("王经理".into()))
            .expect("written");
        assert_eq!(
            s.get("kezhi:whoami").expect("get").as_deref(),
            Some("\"王经理\"")
        );
        WHOAMI.write(&mut s, &None).expect("written");
        assert_eq!(s.get("kezhi:whoami").expect("get").as_deref(), Some("null"));
        assert_eq!(WHOAMI.read(&s), None);
    }

    #[test]
    fn whoami_is_one_persons_and_not_in_backups() {
        let mut s = store();
        WHOAMI
            .write(&mut s, &Some("李经理".into()))
            .expect("written");
        assert!(!backup_settings(&s).contains_key("kezhi:whoami"));
        // A restore leaves it as it was.
        restore_settings(
            &mut s,
            &BTreeMap::from([("kezhi:whoami".to_string(), serde_json::json!("王经理"))]),
        );
        assert_eq!(WHOAMI.read(&s).as_deref(), Some("李经理"));
    }

    #[test]
    fn absent_or_unreadable_values_read_as_the_default() {
        let mut s = store();
        assert_eq!(LANG.read(&s), None);
        assert_eq!(ANALYTICS.read(&s), AnalyticsSettings::default());
        assert_eq!(ANALYTICS_AT.read(&s), 0);
        assert_eq!(COLUMNS.read(&s), None);
        assert!(!PERSIST_ASKED.read(&s));
        s.set("kezhi:lang", "\"fr\"").expect("set");
        s.set("kezhi:analytics-at", "soon").expect("set");
        s.set("kezhi:columns", "{").expect("set");
        assert_eq!(LANG.read(&s), None);
        assert_eq!(ANALYTICS_AT.read(&s), 0);
        assert_eq!(COLUMNS.read_stored(&s), None);
        // Values an earlier version wrote.
        s.set("kezhi:lang", "\"en\"").expect("set");
        s.set("kezhi:columns", r#"["name","spent"]"#).expect("set");
        assert_eq!(LANG.read(&s), Some(Lang::En));
        assert_eq!(
            COLUMNS.read(&s),
            Some(vec!["name".to_string(), "spent".to_string()])
        );
        // Settings saved before a field existed take its default.
        s.set("kezhi:analytics", r#"{"at_risk_days":120}"#)
            .expect("set");
        assert_eq!(ANALYTICS.read(&s).at_risk_days, 120);
    }

    #[test]
    fn a_backup_carries_exactly_its_preferences_and_a_restore_replaces_them() {
        let mut s = store();
        s.set("kezhi:lang", "\"en\"").expect("set");
        s.set("kezhi:analytics", r#"{"at_risk_days":120}"#)
            .expect("set");
        s.set("kezhi:columns", r#"["name"]"#).expect("set");
        s.set("kezhi:column-widths", "not json").expect("set");
        s.set("kezhi:persist-asked", "true").expect("set");
        let settings = backup_settings(&s);
        assert_eq!(
            settings,
            BTreeMap::from([
                (
                    "kezhi:analytics".to_string(),
                    serde_json::json!({"at_risk_days": 120})
                ),
                ("kezhi:columns".to_string(), serde_json::json!(["name"])),
            ])
        );

        let mut other = store();
        other.set("kezhi:import-mappings", "{}").expect("set");
        other.set("kezhi:persist-asked", "false").expect("set");
        let mut file = settings.clone();
        // Not a preference a backup carries: ignored.
        file.insert("kezhi:lang".into(), serde_json::json!("zh-CN"));
        file.insert("kezhi:segments".into(), serde_json::json!([]));
        restore_settings(&mut other, &file);
        assert_eq!(
            other.get("kezhi:analytics").expect("get").as_deref(),
            Some(r#"{"at_risk_days":120}"#)
        );
        assert_eq!(
            other.get("kezhi:columns").expect("get").as_deref(),
            Some(r#"["name"]"#)
        );
        // What the backup lacks is removed; what it does not carry is left alone.
        assert_eq!(other.get("kezhi:import-mappings").expect("get"), None);
        assert_eq!(other.get("kezhi:column-widths").expect("get"), None);
        assert_eq!(other.get("kezhi:lang").expect("get"), None);
        assert_eq!(other.get("kezhi:segments").expect("get"), None);
        assert_eq!(
            other.get("kezhi:persist-asked").expect("get").as_deref(),
            Some("false")
        );
        assert_eq!(backup_settings(&other), settings);
    }
}
