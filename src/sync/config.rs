//! The sync settings (server, database, account, "remember", on/off) and where they are kept:
//! outside the data and its backups, so they have their own small storage.

use gloo_storage::{LocalStorage as Local, SessionStorage as Session, Storage};
use kezhi_core::sync::couch::CouchClient;
use kezhi_core::sync::doc::fnv1a;
use kezhi_storage_web::sync::FetchTransport;
use serde::{Deserialize, Serialize};

const CONFIG_KEY: &str = "kezhi.sync";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub url: String,
    pub db: String,
    pub user: String,
    pub password: String,
    pub remember: bool,
    /// Live sync is on (it starts again after a reload).
    pub on: bool,
}

impl Config {
    pub(super) fn load() -> Config {
        Local::get::<Config>(CONFIG_KEY)
            .or_else(|_| Session::get::<Config>(CONFIG_KEY))
            .unwrap_or_default()
    }
    pub(super) fn store(&self) {
        if self.remember {
            let _ = Local::set(CONFIG_KEY, self);
            Session::delete(CONFIG_KEY);
        } else {
            // Only for this session: nothing of it stays on the device.
            Local::delete(CONFIG_KEY);
            let _ = Session::set(CONFIG_KEY, self);
        }
    }
    pub fn complete(&self) -> bool {
        !self.url.trim().is_empty() && !self.db.trim().is_empty()
    }
    /// Names the server and database the sync state belongs to (not the credentials).
    pub(super) fn target(&self) -> String {
        let key = format!(
            "{}|{}",
            self.url.trim().trim_end_matches('/'),
            self.db.trim()
        );
        format!("{:016x}", fnv1a(key.as_bytes()))
    }
    pub(super) fn client(&self) -> CouchClient<FetchTransport> {
        CouchClient::new(
            FetchTransport::new(&self.url, self.user.trim(), &self.password),
            self.db.trim(),
        )
    }
}

/// What a run connects with: a change of any of it while sync is on starts a new run.
pub(super) type Connection = (String, String, String, String);

impl Config {
    pub(super) fn connection(&self) -> Connection {
        (
            self.url.trim().to_string(),
            self.db.trim().to_string(),
            self.user.trim().to_string(),
            self.password.clone(),
        )
    }
}
