//! The sync engine against an in-memory CouchDB: two devices converge, nothing is sent twice,
//! cuts resume from checkpoints, conflicts are decided alike and listed on both devices.

use chrono::NaiveDate;
use futures::executor::block_on;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::sync::couch::{Check, CouchClient, NetError, SyncError};
use kezhi_core::sync::fake::{FakeCouch, MemoryReplica, MemoryState};
use kezhi_core::sync::{Replica, Report, Syncer, conflict_views};
use kezhi_core::{Dataset, Timestamp};
use serde_json::json;
use std::cell::Cell;
use uuid::Uuid;

fn demo(n: usize) -> Dataset {
    generate(&DemoConfig::new(
        n,
        NaiveDate::from_ymd_opt(2026, 6, 30).expect("date"),
    ))
}

/// A device: its data, its sync state, and a clock after every stamp of the demo.
struct Device<'a> {
    replica: MemoryReplica,
    state: MemoryState,
    server: &'a FakeCouch,
    clock: Cell<i64>,
}

impl<'a> Device<'a> {
    fn new(server: &'a FakeCouch, data: Dataset) -> Self {
        Device {
            replica: MemoryReplica::new(data),
            state: MemoryState::default(),
            server,
            clock: Cell::new(1_900_000_000_000),
        }
    }
    fn tick(&self) -> Timestamp {
        self.clock.set(self.clock.get() + 1_000);
        Timestamp(self.clock.get())
    }
    fn syncer(&self) -> Syncer<&'a FakeCouch, &MemoryState> {
        block_on(Syncer::open(
            CouchClient::new(self.server, "team"),
            &self.state,
        ))
        .expect("open")
    }
    fn sync(&self) -> Result<Report, SyncError> {
        let mut s = self.syncer();
        let now = || self.tick();
        block_on(s.sync(&&self.replica, &now, &|_| {}))
    }
    fn data(&self) -> Dataset {
        self.replica.data.borrow().clone()
    }
    fn rename(&self, id: Uuid, name: &str, at: Timestamp) {
        self.replica.edit(|d| {
            let c = d
                .customers
                .iter_mut()
                .find(|c| c.id == id)
                .expect("customer");
            c.name = name.into();
            c.updated_at = at;
        });
    }
    /// The data in a fixed order (customers arrive in key order on another device).
    fn canon(&self) -> Dataset {
        let mut d = self.data();
        d.customers.sort_by_key(|c| c.id);
        d
    }
    fn name(&self, id: Uuid) -> Option<String> {
        self.data().customer(id).map(|c| c.name.clone())
    }
    fn nth(&self, n: usize) -> Uuid {
        self.replica.data.borrow().customers[n].id
    }
    fn pending(&self) -> usize {
        self.syncer().pending(&&self.replica)
    }
}

/// Two devices with the demo of `n` customers, A pushed it and B pulled it.
fn synced_pair(server: &FakeCouch, n: usize) -> (Device<'_>, Device<'_>) {
    let a = Device::new(server, demo(n));
    a.sync().expect("a");
    let b = Device::new(server, Dataset::default());
    b.sync().expect("b");
    (a, b)
}

/// The documents of a dataset: one per record (the demo's desk records too).
fn docs_of(d: &Dataset) -> usize {
    d.customers.len() + d.orders.len() + d.events.len() + d.activities.len() + d.desk.len()
}

#[test]
fn a_second_device_pulls_exactly_what_the_first_pushed_and_nothing_goes_back() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, demo(60));
    let total = docs_of(&a.data());
    assert_eq!(a.pending(), total);
    let report = a.sync().expect("sync a");
    assert_eq!(report.pushed, total);
    assert_eq!(server.docs().len(), total);
    // 500 documents a request; customers and orders first ask for their revisions.
    assert_eq!(server.calls("bulk"), total.div_ceil(500));
    assert_eq!(a.pending(), 0);

    let b = Device::new(&server, Dataset::default());
    let report = b.sync().expect("sync b");
    assert_eq!(report.pushed, 0);
    assert_eq!(report.pulled, total);
    assert_eq!(b.canon(), a.canon());
    assert_eq!(b.pending(), 0);

    // A second round on either device sends and changes nothing.
    let bulk = server.calls("bulk");
    assert_eq!(b.sync().expect("again").pushed, 0);
    assert_eq!(a.sync().expect("again").pushed, 0);
    assert_eq!(server.calls("bulk"), bulk);
    assert!(
        server
            .docs()
            .values()
            .all(|d| d["_rev"].as_str().is_some_and(|r| r.starts_with("1-")))
    );
}

#[test]
fn edits_and_deletions_travel_both_ways() {
    let server = FakeCouch::with_db("team");
    let (a, b) = synced_pair(&server, 30);

    let renamed = a.data().customers[3].id;
    a.rename(a.nth(3), "改名的客户", a.tick());
    assert_eq!(a.pending(), 1);
    let gone = a.data().customers[5].id;
    let at = a.tick();
    a.replica.edit(|d| {
        d.delete_customer(gone, at);
    });
    assert_eq!(a.pending(), 2);
    let r = a.sync().expect("a");
    assert_eq!(r.pushed, 2);
    let r = b.sync().expect("b");
    assert_eq!(r.pulled, 2);
    let bd = b.data();
    assert_eq!(
        bd.customer(renamed).map(|c| c.name.as_str()),
        Some("改名的客户")
    );
    assert!(bd.customer(gone).is_none());
    assert!(bd.orders.iter().all(|o| o.customer_id != gone));
    assert!(bd.events.iter().all(|e| e.customer_id != gone));
    assert_eq!(b.canon().customers, a.canon().customers);
    assert_eq!(bd.orders, a.data().orders);

    // And back: an edit on B reaches A.
    let first = b.nth(0);
    b.rename(first, "B 改的", b.tick());
    b.sync().expect("b");
    a.sync().expect("a");
    assert_eq!(
        a.data().customer(first).map(|c| c.name.as_str()),
        Some("B 改的")
    );
    assert_eq!(
        server.doc(&format!("customer:{gone}")).expect("doc")["_deleted"],
        true
    );
}

#[test]
fn a_cut_in_the_middle_of_a_push_resumes_without_writing_anything_twice() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, demo(100));
    let total = docs_of(&a.data());
    server.fail_bulk_after.set(Some(2));
    assert_eq!(a.sync(), Err(SyncError::Status(500)));
    let partly = server.docs().len();
    assert_eq!(partly, 1_000);
    server.fail_bulk_after.set(None);
    let r = a.sync().expect("resumed");
    assert_eq!(server.docs().len(), total);
    // Customers and orders already there are known; the facts already there come back as
    // conflicts ("already there") and are not written again.
    assert!(r.pushed >= total - partly);
    assert!(
        server
            .docs()
            .values()
            .all(|d| d["_rev"].as_str().is_some_and(|r| r.starts_with("1-")))
    );
    assert_eq!(a.pending(), 0);
}

#[test]
fn a_batch_written_whose_answer_was_lost_is_not_written_again() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, demo(100));
    let total = docs_of(&a.data());
    // The first batch (the customers, the orders, then events) is written, then the server
    // dies before answering.
    server.lose_bulk_answer_after.set(Some(0));
    assert_eq!(a.sync(), Err(SyncError::Net(NetError::Unreachable)));
    assert_eq!(server.docs().len(), 500);
    assert!(server.docs().keys().any(|id| id.starts_with("customer:")));
    server.down.set(false);
    let r = a.sync().expect("resumed");
    assert_eq!(server.docs().len(), total);
    assert_eq!(r.conflicts, 0, "the same content is no conflict");
    // The customers and orders of the lost answer were there already: learned, not
    // rewritten (a blind write would have made them second revisions).
    assert!(
        server
            .docs()
            .values()
            .all(|d| d["_rev"].as_str().is_some_and(|r| r.starts_with("1-")))
    );
    assert_eq!(a.pending(), 0);
    assert_eq!(a.sync().expect("again").pushed, 0);
}

#[test]
fn a_version_on_the_server_this_device_never_saw_is_decided_by_the_rule_not_overwritten() {
    let server = FakeCouch::with_db("team");
    let (a, b) = synced_pair(&server, 20);
    let id = a.nth(3);
    // B renames the customer later than A; A then forgets what it knew of the server (its
    // state lost), so its own older version goes up without a revision.
    a.rename(id, "甲的旧名", Timestamp(1_900_000_100_000));
    b.rename(id, "乙的新名", Timestamp(1_900_000_200_000));
    b.sync().expect("b pushes");
    *a.state.state.borrow_mut() = Default::default();
    a.sync().expect("a");
    b.sync().expect("b");
    assert_eq!(a.name(id).as_deref(), Some("乙的新名"));
    assert_eq!(b.name(id).as_deref(), Some("乙的新名"));
    let doc = server.doc(&format!("customer:{id}")).expect("doc");
    assert_eq!(doc["name"], "乙的新名");
    assert_eq!(
        doc["kezhi_conflict"]["doc"]["name"], "甲的旧名",
        "the loser is listed"
    );
}

#[test]
fn a_cut_in_the_middle_of_a_pull_resumes_from_the_checkpoint() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, demo(300));
    a.sync().expect("a");
    let total = server.docs().len();
    assert!(
        total > 5_500,
        "{total} documents: more than one batch of pages"
    );
    let b = Device::new(&server, Dataset::default());
    // B has nothing to push; it asks the database's size (for the progress bar), then reads
    // `_changes`, taking in ten pages of 500 at a time: go down after eleven pages.
    server.down_after.set(Some(12));
    assert_eq!(b.sync(), Err(SyncError::Net(NetError::Unreachable)));
    assert_eq!(b.state.state.borrow().checkpoint.as_deref(), Some("5000"));
    assert_eq!(
        docs_of(&b.data()),
        5_000,
        "the ten pages taken in, the eleventh not"
    );
    server.down.set(false);
    let r = b.sync().expect("resumed");
    assert_eq!(r.pulled, total - 5_000);
    assert_eq!(b.canon(), a.canon());
}

#[test]
fn the_same_customer_edited_on_two_devices_ends_the_same_on_both_and_is_listed_on_both() {
    let server = FakeCouch::with_db("team");
    let (a, b) = synced_pair(&server, 10);
    let id = a.nth(2);
    let doc_id = format!("customer:{id}");
    // Offline on both; B's edit is the later one.
    a.rename(id, "A 的版本", Timestamp(1_950_000_000_000));
    b.rename(id, "B 的版本", Timestamp(1_950_000_100_000));
    a.sync().expect("a");
    let r = b.sync().expect("b");
    assert_eq!(r.conflicts, 1);
    a.sync().expect("a again");
    for d in [&a, &b] {
        assert_eq!(d.name(id), Some("B 的版本".into()));
        let views = conflict_views(
            &d.data(),
            &d.replica.shared.borrow(),
            &d.state.state.borrow(),
        );
        assert_eq!(views.len(), 1, "listed on both devices");
        assert_eq!(views[0].doc_id, doc_id);
        let name = views[0]
            .fields
            .iter()
            .find(|f| f.0 == "name")
            .expect("name");
        assert_eq!(
            (name.1.clone(), name.2.clone()),
            (json!("B 的版本"), json!("A 的版本"))
        );
        assert_eq!(d.pending(), 0);
    }
    assert_eq!(
        server.doc(&doc_id).expect("doc")["kezhi_conflict"]["doc"]["name"],
        "A 的版本"
    );

    // "Keep the other one" on A: A's version comes back everywhere and the conflict closes.
    {
        let mut s = a.syncer();
        let kept = block_on(s.keep_other(&&a.replica, &doc_id, a.tick())).expect("keep");
        assert!(kept);
    }
    a.sync().expect("a");
    b.sync().expect("b");
    for d in [&a, &b] {
        assert_eq!(d.name(id), Some("A 的版本".into()));
        assert!(d.state.state.borrow().conflicts.is_empty());
    }
    assert_eq!(a.canon().customers, b.canon().customers);
    assert!(
        server
            .doc(&doc_id)
            .expect("doc")
            .get("kezhi_conflict")
            .is_none()
    );
}

#[test]
fn the_older_edit_loses_whichever_device_syncs_first() {
    let server = FakeCouch::with_db("team");
    let (a, b) = synced_pair(&server, 10);
    let id = a.nth(1);
    // A's edit is newer but B syncs first.
    a.rename(id, "newer", Timestamp(1_950_000_100_000));
    b.rename(id, "older", Timestamp(1_950_000_000_000));
    b.sync().expect("b");
    assert_eq!(a.sync().expect("a").conflicts, 1);
    b.sync().expect("b");
    for d in [&a, &b] {
        assert_eq!(d.name(id), Some("newer".into()));
        assert_eq!(d.state.state.borrow().conflicts.len(), 1);
    }
}

#[test]
fn a_deletion_wins_over_an_older_edit_and_the_edit_is_kept_in_the_list() {
    let server = FakeCouch::with_db("team");
    let (a, b) = synced_pair(&server, 10);
    let id = a.nth(4);
    b.rename(id, "edited", Timestamp(1_950_000_000_000));
    a.replica.edit(|d| {
        d.delete_customer(id, Timestamp(1_950_000_100_000));
    });
    a.sync().expect("a");
    assert_eq!(b.sync().expect("b").conflicts, 1);
    a.sync().expect("a");
    for d in [&a, &b] {
        assert!(d.data().customer(id).is_none());
        let views = conflict_views(
            &d.data(),
            &d.replica.shared.borrow(),
            &d.state.state.borrow(),
        );
        assert_eq!(views.len(), 1);
        let name = views[0]
            .fields
            .iter()
            .find(|f| f.0 == "name")
            .expect("name");
        assert_eq!(name.2, json!("edited"));
    }
}

#[test]
fn wrong_credentials_and_a_missing_database_are_told_apart() {
    let server = FakeCouch::default();
    let client = CouchClient::new(&server, "team");
    assert_eq!(block_on(client.check()), Check::NoDatabase);
    block_on(client.create_db()).expect("create");
    assert_eq!(block_on(client.check()), Check::Ready { docs: 0 });
    server.refuse.set(true);
    assert_eq!(
        block_on(client.check()),
        Check::Failed(SyncError::Unauthorized)
    );
    assert!(!SyncError::Unauthorized.retryable());
    server.refuse.set(false);
    server.down.set(true);
    assert_eq!(
        block_on(client.check()),
        Check::Failed(SyncError::Net(NetError::Unreachable))
    );
    let a = Device::new(&server, demo(5));
    assert_eq!(a.sync(), Err(SyncError::Net(NetError::Unreachable)));
    server.down.set(false);
    server.fail.set(Some((500, 1)));
    assert_eq!(a.sync(), Err(SyncError::Status(500)));
    assert!(a.sync().is_ok());
}

#[test]
fn a_document_written_by_another_tool_arrives_and_unreadable_ones_are_counted() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, Dataset::default());
    server
        .put(json!({
            "_id": "customer:00000000-0000-0000-0000-00000000abcd",
            "type": "customer",
            "name": "王五",
            "phone": "13900000000",
            "tags": ["批发"],
            "updated_at": "2026-11-30T08:00:00Z",
        }))
        .expect("put");
    server
        .put(json!({"_id": "order:00000000-0000-0000-0000-000000000001", "type": "order", "updated_at": "bad"}))
        .expect("put");
    server
        .put(json!({"_id": "_design/x", "views": {}}))
        .expect("put");
    let r = a.sync().expect("sync");
    assert_eq!((r.pulled, r.unreadable), (1, 1));
    let d = a.data();
    assert_eq!(d.customers.len(), 1);
    assert_eq!(d.customers[0].name, "王五");
    assert_eq!(d.customers[0].tags, vec!["批发".to_string()]);
    assert_eq!(a.pending(), 0);
}

#[test]
fn pending_counts_local_changes_until_they_are_on_the_server() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, demo(10));
    a.sync().expect("a");
    assert_eq!(a.pending(), 0);
    a.rename(a.nth(0), "x", a.tick());
    a.rename(a.nth(1), "y", a.tick());
    assert_eq!(a.pending(), 2);
    server.down.set(true);
    assert!(a.sync().is_err());
    assert_eq!(a.pending(), 2, "kept while offline");
    server.down.set(false);
    a.sync().expect("a");
    assert_eq!(a.pending(), 0);
    let _ = (&&a.replica).version();
}

#[test]
fn what_a_pull_brings_is_stored_record_by_record_and_reads_back() {
    use kezhi_core::store::records::{MemoryRecordStore, RecordRepository, SavedLists};
    use kezhi_core::sync::{Incoming, apply_incoming};
    use std::cell::RefCell;
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    let data = demo(20);
    block_on(repo.replace_all(
        &data,
        &SavedLists::default(),
        "d".into(),
        Timestamp(0),
        None,
    ))
    .expect("stored");
    let cell = RefCell::new((data.clone(), SavedLists::default()));
    // From another device, with its own (older) stamps: a renamed customer, a deleted one,
    // a new event and a new customer.
    let mut renamed = data.customers[0].clone();
    renamed.name = "远端改名".into();
    let gone = data.customers[1].id;
    let mut event = data.events.get(0).expect("an event");
    event.occurred_at = Timestamp(event.occurred_at.0 + 1);
    let mut new = data.customers[2].clone();
    new.id = Uuid::from_u128(42);
    let incoming = Incoming {
        customers: vec![renamed.clone(), new.clone()],
        events: vec![event],
        tombstones: vec![kezhi_core::Tombstone {
            kind: kezhi_core::RecordKind::Customer,
            key: kezhi_core::RecordKey::Id(gone),
            deleted_at: Timestamp(5),
        }],
        ..Default::default()
    };
    let touched = apply_incoming(&mut cell.borrow_mut().0, incoming);
    assert!(touched.customers.contains(&gone) && touched.customers.contains(&new.id));
    let saved = block_on(repo.store_touched(&cell, &touched, &|| Timestamp(10))).expect("saved");
    assert!(saved.records >= 4);
    let mut fresh = RecordRepository::new(&store);
    let loaded = block_on(fresh.load(Timestamp(20), &|_| {})).expect("load");
    let mut got = loaded.data;
    let mut want = cell.borrow().0.clone();
    for d in [&mut got, &mut want] {
        d.customers.sort_by_key(|c| c.id);
    }
    assert_eq!(got, want);
    assert_eq!(
        got.customer(renamed.id).map(|c| c.name.as_str()),
        Some("远端改名")
    );
    assert!(got.customer(gone).is_none());
    assert!(got.events.contains(&event));
}

#[test]
fn a_reset_keeps_the_server_copy_and_pulls_it_back_or_deletes_it_everywhere() {
    let server = FakeCouch::with_db("team");
    let (a, b) = synced_pair(&server, 30);
    let whole = a.canon();
    // Reset on A, the server's copy kept: forgetting the sync state pulls it all back.
    *a.replica.data.borrow_mut() = Dataset::default();
    block_on(a.syncer().forget()).expect("forget");
    let r = a.sync().expect("a");
    assert_eq!(r.pushed, 0);
    assert_eq!(a.canon(), whole);
    // Reset on A, also on the server: every document deleted, and B follows.
    let n = server.docs().len();
    let deleted = block_on(a.syncer().delete_remote_all(a.tick())).expect("delete");
    assert_eq!(deleted, n);
    assert_eq!(server.docs().len(), 0);
    *a.replica.data.borrow_mut() = Dataset::default();
    a.sync().expect("a");
    assert!(a.data().customers.is_empty());
    b.sync().expect("b");
    let bd = b.data();
    assert_eq!(
        (
            bd.customers.len(),
            bd.orders.len(),
            bd.events.len(),
            bd.activities.len()
        ),
        (0, 0, 0, 0)
    );
}

#[test]
fn deletions_of_records_a_device_never_had_leave_no_tombstones() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, demo(5));
    a.sync().expect("a");
    let at = a.tick();
    let ids: Vec<Uuid> = a.data().customers.iter().map(|c| c.id).collect();
    a.replica.edit(|d| {
        for id in &ids {
            d.delete_customer(*id, at);
        }
    });
    a.sync().expect("a");
    // B joins after the deletions: the customers' tombstones drop their orders, events and
    // activities (still on the server as documents of their own).
    let b = Device::new(&server, Dataset::default());
    b.sync().expect("b");
    let bd = b.data();
    assert_eq!(bd.tombstones.len(), 5);
    assert!(
        bd.tombstones
            .iter()
            .all(|t| t.kind == kezhi_core::RecordKind::Customer)
    );
    assert_eq!(
        (
            bd.customers.len(),
            bd.orders.len(),
            bd.events.len(),
            bd.activities.len()
        ),
        (0, 0, 0, 0)
    );
    // And a reset on the server (every document deleted) leaves B without a tombstone per
    // order and event.
    block_on(a.syncer().delete_remote_all(a.tick())).expect("delete");
    b.sync().expect("b");
    assert_eq!(b.data().tombstones.len(), 5);
}

#[test]
fn saved_segments_funnels_and_settings_are_shared_and_deletions_travel() {
    use kezhi_core::metrics::AnalyticsSettings;
    use kezhi_core::segment::saved::SavedSegment;
    use kezhi_core::sync::shared::{read_segment, read_settings, segment_item, settings_item};
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, Dataset::default());
    let b = Device::new(&server, Dataset::default());
    let seg = SavedSegment {
        id: "s1".into(),
        name: "优质客户".into(),
        query: "spend >= 5000000".into(),
        snapshot: None,
        updated_at: Timestamp(1_000),
    };
    a.replica.shared.borrow_mut().push(segment_item(&seg));
    let mut settings = AnalyticsSettings {
        churn_days: 200,
        ..Default::default()
    };
    a.replica
        .shared
        .borrow_mut()
        .push(settings_item(&settings, Timestamp(2_000)));
    assert_eq!(a.sync().expect("a").pushed, 2);
    b.sync().expect("b");
    let got = b.replica.shared.borrow().clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got.iter().find_map(read_segment), Some(seg.clone()));
    assert_eq!(
        got.iter().find_map(read_settings),
        Some((settings.clone(), Timestamp(2_000)))
    );
    // Nothing goes back, nothing changes on a second round.
    assert_eq!(b.sync().expect("b").pushed, 0);
    assert_eq!(a.sync().expect("a").pushed, 0);

    // B changes the settings; A deletes the segment.
    settings.churn_days = 365;
    b.replica
        .shared
        .borrow_mut()
        .retain(|i| i.id != "analytics");
    b.replica
        .shared
        .borrow_mut()
        .push(settings_item(&settings, Timestamp(3_000)));
    a.replica.shared.borrow_mut().retain(|i| i.id != "s1");
    assert_eq!(a.sync().expect("a").pushed, 1);
    b.sync().expect("b");
    a.sync().expect("a");
    for d in [&a, &b] {
        let items = d.replica.shared.borrow().clone();
        assert_eq!(items.len(), 1, "the segment is gone everywhere");
        assert_eq!(
            items.iter().find_map(read_settings),
            Some((settings.clone(), Timestamp(3_000)))
        );
    }
    assert!(
        server.doc("segment:s1").expect("doc")["_deleted"]
            .as_bool()
            .unwrap_or(false)
    );
    assert_eq!(a.sync().expect("a").pushed, 0);
    assert_eq!(b.sync().expect("b").pushed, 0);
}

#[test]
fn a_saved_segment_edited_on_two_devices_is_listed_on_both_and_the_other_can_be_kept() {
    use kezhi_core::segment::saved::SavedSegment;
    use kezhi_core::sync::engine::ConflictKind;
    use kezhi_core::sync::shared::{SharedKind, read_segment, segment_item};
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, Dataset::default());
    let b = Device::new(&server, Dataset::default());
    let seg = |query: &str, at: i64| SavedSegment {
        id: "s1".into(),
        name: "优质客户".into(),
        query: query.into(),
        snapshot: None,
        updated_at: Timestamp(at),
    };
    let set = |d: &Device, s: &SavedSegment| {
        let mut items = d.replica.shared.borrow_mut();
        items.retain(|i| i.id != s.id);
        items.push(segment_item(s));
    };
    let query_of = |d: &Device| {
        d.replica
            .shared
            .borrow()
            .iter()
            .find_map(read_segment)
            .map(|s| s.query)
    };
    set(&a, &seg("spend >= 5000000", 1_000));
    a.sync().expect("a");
    b.sync().expect("b");
    // Offline on both; B's edit is the later one.
    set(&a, &seg("spend >= 6000000", 2_000));
    set(&b, &seg("spend >= 7000000", 3_000));
    a.sync().expect("a");
    assert_eq!(b.sync().expect("b").conflicts, 1);
    a.sync().expect("a again");
    for d in [&a, &b] {
        assert_eq!(query_of(d).as_deref(), Some("spend >= 7000000"));
        let views = conflict_views(
            &d.data(),
            &d.replica.shared.borrow(),
            &d.state.state.borrow(),
        );
        assert_eq!(views.len(), 1, "listed on both devices");
        assert_eq!(views[0].doc_id, "segment:s1");
        assert_eq!(views[0].kind, ConflictKind::Shared(SharedKind::Segment));
        assert_eq!(views[0].kind.code(), "segment");
        assert_eq!(views[0].id, "s1");
        let query = views[0]
            .fields
            .iter()
            .find(|f| f.0 == "query")
            .expect("query");
        assert_eq!(
            (query.1.clone(), query.2.clone()),
            (json!("spend >= 7000000"), json!("spend >= 6000000"))
        );
        assert_eq!(views[0].fields[0].0, "query", "what differs comes first");
    }
    assert_eq!(
        server.doc("segment:s1").expect("doc")["kezhi_conflict"]["doc"]["query"],
        "spend >= 6000000"
    );
    // Nothing more goes up once settled.
    assert_eq!(a.sync().expect("a").pushed, 0);
    assert_eq!(b.sync().expect("b").pushed, 0);

    // "Keep the other one" on B: A's query comes back everywhere and the conflict closes.
    {
        let mut s = b.syncer();
        assert!(block_on(s.keep_other(&&b.replica, "segment:s1", b.tick())).expect("keep"));
    }
    b.sync().expect("b");
    a.sync().expect("a");
    for d in [&a, &b] {
        assert_eq!(query_of(d).as_deref(), Some("spend >= 6000000"));
        assert!(d.state.state.borrow().conflicts.is_empty());
    }
    assert!(
        server.doc("segment:s1").expect("doc")["kezhi_conflict"].is_null(),
        "closed on the server too"
    );
}

#[test]
fn shared_items_the_server_has_though_this_device_never_saw_them_are_decided_by_the_rule() {
    use kezhi_core::metrics::AnalyticsSettings;
    use kezhi_core::segment::saved::SavedSegment;
    use kezhi_core::sync::shared::{read_segment, read_settings, segment_item, settings_item};
    let server = FakeCouch::with_db("team");
    let settings = |churn_days: i64| AnalyticsSettings {
        churn_days,
        ..Default::default()
    };
    // B set its analytics at 3,000 and synced; A, a device that never synced, set its own at
    // 2,000 (older) and has a segment B made and later deleted (at 4,000, after A's 2,500).
    let b = Device::new(&server, Dataset::default());
    let seg = SavedSegment {
        id: "s1".into(),
        name: "优质客户".into(),
        query: "spend >= 5000000".into(),
        snapshot: None,
        updated_at: Timestamp(1_000),
    };
    b.replica.shared.borrow_mut().push(segment_item(&seg));
    b.replica
        .shared
        .borrow_mut()
        .push(settings_item(&settings(365), Timestamp(3_000)));
    b.sync().expect("b");
    b.replica.shared.borrow_mut().retain(|i| i.id != "s1");
    b.clock.set(4_000 - 1_000);
    assert_eq!(b.sync().expect("b deletes").pushed, 1);

    let a = Device::new(&server, Dataset::default());
    a.replica
        .shared
        .borrow_mut()
        .push(settings_item(&settings(200), Timestamp(2_000)));
    a.replica
        .shared
        .borrow_mut()
        .push(segment_item(&SavedSegment {
            query: "spend >= 6000000".into(),
            updated_at: Timestamp(2_500),
            ..seg.clone()
        }));
    let report = a.sync().expect("a");
    assert_eq!(report.pushed, 1, "only the winning settings' note goes up");
    assert_eq!(report.conflicts, 2);
    let items = a.replica.shared.borrow().clone();
    assert_eq!(
        items.len(),
        1,
        "the later deletion wins over the older segment"
    );
    assert_eq!(
        items.iter().find_map(read_settings),
        Some((settings(365), Timestamp(3_000))),
        "the newer settings from B win, not A's blind overwrite"
    );
    assert_eq!(items.iter().find_map(read_segment), None);
    let on_server = server.doc("setting:analytics").expect("settings doc");
    assert_eq!(on_server["churn_days"], 365);
    assert_eq!(on_server["kezhi_conflict"]["doc"]["churn_days"], 200);
    assert!(
        server.doc("segment:s1").expect("doc")["_deleted"]
            .as_bool()
            .unwrap_or(false),
        "the deletion stays"
    );
    let views = conflict_views(
        &a.data(),
        &a.replica.shared.borrow(),
        &a.state.state.borrow(),
    );
    let mut ids: Vec<&str> = views.iter().map(|v| v.doc_id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["segment:s1", "setting:analytics"],
        "both losers listed"
    );
    // Settled: nothing more goes either way.
    assert_eq!(a.sync().expect("a again").pushed, 0);
    b.sync().expect("b");
    assert_eq!(
        b.replica.shared.borrow().iter().find_map(read_settings),
        Some((settings(365), Timestamp(3_000)))
    );
}
