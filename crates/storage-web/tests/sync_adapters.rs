//! In-browser tests of the sync adapters: the sync state in IndexedDB (kept per server and
//! database, entry by entry, cleared whole) and `fetch` without a server (unreachable, in
//! words of the core's `NetError`). Run in headless Chromium and Firefox and in WebKit by
//! `scripts/test.sh`.

use kezhi_core::Timestamp;
use kezhi_core::sync::couch::{Method, NetError, Request, Transport};
use kezhi_core::sync::doc::DocKind;
use kezhi_core::sync::engine::{DocKey, Known, StateStore, SyncState};
use kezhi_storage_web::sync::{FetchTransport, IdbSyncState};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn key(n: u128) -> DocKey {
    DocKey {
        kind: DocKind::Customer,
        id: Uuid::from_u128(n),
    }
}

#[wasm_bindgen_test]
async fn the_sync_state_is_kept_per_target_entry_by_entry_and_cleared_whole() {
    let a = IdbSyncState::open("test-a").await.expect("open a");
    let b = IdbSyncState::open("test-b").await.expect("open b");
    a.clear().await.expect("clear a");
    b.clear().await.expect("clear b");
    assert_eq!(a.load().await.expect("load"), SyncState::default());

    let mut state = SyncState {
        checkpoint: Some("42-g1AAAA".into()),
        scan_from: Timestamp(1_700_000_000_000),
        last_synced: Some(Timestamp(1_700_000_001_000)),
        ..SyncState::default()
    };
    state.conflicts.insert(
        "customer:00000000-0000-0000-0000-000000000001".into(),
        json!({"deleted": false, "doc": {"name": "另一版本"}}),
    );
    state.dirty.insert(key(1));
    for n in 1..=3 {
        state.known.insert(
            key(n),
            Known {
                rev: format!("{n}-abc"),
                print: n as u64 * 1_000_003,
            },
        );
    }
    // Only the entries named as changed are written.
    a.save(&state, &[key(1), key(2)]).await.expect("save");
    let mut expected = state.clone();
    expected.known.remove(&key(3));
    assert_eq!(a.load().await.expect("load"), expected);
    a.save(&state, &[key(3)]).await.expect("save");
    assert_eq!(a.load().await.expect("load"), state);

    // Another server or database has its own state.
    assert_eq!(b.load().await.expect("load b"), SyncState::default());

    // A forgotten entry is deleted; clearing forgets everything of this target only.
    let mut less = state.clone();
    less.known.remove(&key(2));
    a.save(&less, &[key(2)]).await.expect("save");
    assert_eq!(a.load().await.expect("load"), less);
    b.save(&state, &[key(1)]).await.expect("save b");
    a.clear().await.expect("clear");
    assert_eq!(a.load().await.expect("load"), SyncState::default());
    assert_eq!(b.load().await.expect("load b").known.len(), 1);
    b.clear().await.expect("clear b");
}

#[wasm_bindgen_test]
async fn a_server_that_is_not_there_is_unreachable_not_a_hang() {
    // Port 9 (discard) has nothing listening on these machines: the connection is refused.
    let t = FetchTransport::new("http://127.0.0.1:9", "ann", "secret");
    let r = t
        .send(Request {
            method: Method::Get,
            path: "/".into(),
            body: None,
            timeout_ms: 5_000,
        })
        .await;
    assert_eq!(r, Err(NetError::Unreachable));
    // The credentials are not in what the transport prints.
    assert!(!format!("{t:?}").contains("secret"));
}
