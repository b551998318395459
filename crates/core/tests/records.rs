//! The record store's contract (on the in-memory store) and the record repository's rules:
//! round trips, one put per edited record, one transaction per bulk action, a full quota,
//! damaged records, two tabs, deletions, and the migration from each localStorage format.

use chrono::NaiveDate;
use futures::executor::block_on;
use kezhi_core::bulk::{self, BulkAction};
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::funnel::{FunnelDefinition, SavedFunnel, Window, WindowUnit};
use kezhi_core::model::Stage;
use kezhi_core::segment::saved::SavedSegment;
use kezhi_core::store::records::{
    Commit, DataCell, Kind, Loaded, MemoryRecordStore, MigrationError, Op, RecordRepository,
    RecordStore, SavedLists, has_legacy, migrate_from,
};
use kezhi_core::store::{KeyValueStore, MemoryStore, StoreError, Unreadable};
use kezhi_core::{Customer, Dataset, RecordKind, Timestamp};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

fn demo(n: usize) -> Dataset {
    generate(&DemoConfig::new(
        n,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ))
}

/// After the demo was written: edits carry later stamps.
const T0: i64 = 1_800_000_000_000;

fn at(ms: i64) -> Timestamp {
    Timestamp(T0 + ms)
}

fn put(kind: Kind, key: &[u8], value: &[u8]) -> Op {
    Op::Put {
        kind,
        key: key.to_vec(),
        value: value.to_vec(),
    }
}

fn commit(store: &MemoryRecordStore, expect: Option<u64>, ops: Vec<Op>) -> Result<u64, StoreError> {
    let total = ops.len();
    block_on(store.commit(
        Commit {
            expect_seq: expect,
            replace: None,
            ops: ops.into_iter(),
            total,
        },
        None,
    ))
}

/// Compares as the store gives data back: customers oldest first, the rest by time.
fn canonical(mut d: Dataset) -> Dataset {
    d.normalize();
    d.customers.sort_by_key(|c| (c.created_at, c.id));
    d
}

fn assert_same(a: &Dataset, b: &Dataset) {
    assert_eq!(a.counts(), b.counts());
    for (x, y) in a.customers.iter().zip(&b.customers) {
        assert_eq!(x, y);
    }
    assert!(a.orders == b.orders, "orders differ");
    assert!(a.events == b.events, "events differ");
    assert!(a.activities == b.activities, "activities differ");
    assert!(a.tombstones == b.tombstones, "tombstones differ");
}

fn load(repo: &mut RecordRepository<&MemoryRecordStore>, now: i64) -> Loaded {
    block_on(repo.load(at(now), &|_| {})).expect("load")
}

fn lists() -> SavedLists {
    SavedLists {
        segments: vec![SavedSegment {
            id: "s1".into(),
            name: "复购客户".into(),
            query: "orders >= 2".into(),
            snapshot: None,
            updated_at: Timestamp(1),
        }],
        funnels: vec![SavedFunnel {
            id: "f1".into(),
            name: "购买".into(),
            definition: FunnelDefinition::of_events(
                &["visit", "pay"],
                Window::new(7, WindowUnit::Day),
            ),
            updated_at: Timestamp(1),
        }],
    }
}

// ---- the store's contract ----

#[test]
fn commits_are_atomic_stamp_sequence_numbers_and_refuse_a_stale_writer() {
    let store = MemoryRecordStore::with_quota(100);
    assert_eq!(
        commit(
            &store,
            Some(0),
            vec![
                put(Kind::Customer, b"a", b"1"),
                put(Kind::Customer, b"b", b"2")
            ]
        ),
        Ok(2)
    );
    assert_eq!(
        commit(&store, Some(0), vec![put(Kind::Customer, b"c", b"3")]),
        Err(StoreError::Conflict),
        "a writer that did not see seq 2 is refused"
    );
    let before = store.snapshot();
    assert_eq!(
        commit(
            &store,
            Some(2),
            vec![
                put(Kind::Customer, b"c", b"3"),
                put(Kind::Order, b"d", &[0; 200])
            ]
        ),
        Err(StoreError::QuotaExceeded)
    );
    assert_eq!(store.snapshot(), before, "nothing of a failed commit stays");
    assert_eq!(
        commit(&store, Some(2), vec![put(Kind::Customer, b"a", b"9")]),
        Ok(3)
    );

    let page = block_on(store.read_page(Kind::Customer, None, 10)).expect("page");
    let keys: Vec<&[u8]> = page.iter().map(|r| r.key.as_slice()).collect();
    assert_eq!(keys, [b"a".as_slice(), b"b"]);
    assert_eq!(
        (page[0].seq, page[0].value.as_slice()),
        (3, b"9".as_slice())
    );
    let after_a = block_on(store.read_page(Kind::Customer, Some(b"a"), 10)).expect("page");
    assert_eq!(after_a.len(), 1);
    let changed = block_on(store.changed_since(Kind::Customer, 2, 10)).expect("changes");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].key, b"a");
    assert_eq!(block_on(store.count(Kind::Customer)), Ok(2));
    assert_eq!(block_on(store.count(Kind::Order)), Ok(0));
}

// ---- the repository ----

#[test]
fn the_demo_round_trips_through_the_record_store() {
    let mut data = demo(300);
    data.customers[3].stage_override = Some(Stage::Mature);
    data.customers[4].birthday = NaiveDate::from_ymd_opt(1990, 2, 28);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &lists(), "d1".into(), at(0), None)).expect("stored");
    assert_eq!(*store.commits.borrow(), 1, "one transaction");
    let n = data.customers.len() + data.orders.len() + data.activities.len();
    let logs: HashSet<Uuid> = data.events.iter().map(|e| e.customer_id).collect();
    assert_eq!(
        block_on(store.count(Kind::Customer)).expect("count")
            + block_on(store.count(Kind::Order)).expect("count")
            + block_on(store.count(Kind::Activity)).expect("count"),
        n
    );
    assert_eq!(block_on(store.count(Kind::EventLog)), Ok(logs.len()));

    let mut reader = RecordRepository::new(&store);
    let progress = RefCell::new(Vec::new());
    let back = block_on(reader.load(at(1), &|p| progress.borrow_mut().push(p))).expect("load");
    assert!(back.damaged.is_empty());
    assert_same(&back.data, &canonical(data.clone()));
    assert_eq!(back.lists, lists());
    let progress = progress.into_inner();
    let last = progress.last().expect("progress");
    assert_eq!(last.done, last.total);
    // The demo's desk records (recommendations, a campaign and its tasks) are records too.
    assert!(!data.desk.is_empty());
    assert_eq!(
        last.total,
        n + data.desk.len() + logs.len() + 2,
        "every record, segments and funnels included"
    );
    assert!(progress.len() > 4, "reported page by page");
    assert_eq!(
        block_on(store.counts_and_events()).expect("counts").1,
        Some(data.events.len()),
        "the events' number, for the load to reserve at once"
    );

    // A store that does not tell the events' number (a database an older version wrote):
    // the load counts them from the logs and gives the same data.
    let mut older = MemoryRecordStore::default();
    older.without_event_count = true;
    block_on(RecordRepository::new(&older).replace_all(&data, &lists(), "d1".into(), at(0), None))
        .expect("stored");
    let back = block_on(RecordRepository::new(&older).load(at(1), &|_| {})).expect("load");
    assert_same(&back.data, &canonical(data));
    assert_eq!(back.data.events.capacity(), back.data.events.len(), "exact");
}

#[test]
fn one_edit_is_one_put_and_a_bulk_action_one_transaction() {
    let data = demo(400);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(0), None))
        .expect("stored");
    let cell = RefCell::new((data, SavedLists::default()));

    // Nothing changed: nothing written.
    let saved = block_on(repo.save(&cell, &|| at(1))).expect("save");
    assert_eq!(saved.records, 0);
    assert_eq!(*store.commits.borrow(), 1);

    let id = {
        let mut c = cell.borrow_mut();
        let customer: &mut Customer = &mut c.0.customers[7];
        customer.name = "改过的名字".into();
        customer.updated_at = at(2);
        customer.id
    };
    let saved = block_on(repo.save(&cell, &|| at(3))).expect("save");
    assert_eq!(saved.records, 1, "the edited customer only");
    let back = load(&mut RecordRepository::new(&store), 4);
    assert_eq!(
        back.data
            .customers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.as_str()),
        Some("改过的名字")
    );

    // A bulk tag on everyone: one commit with every customer.
    let commits = *store.commits.borrow();
    let everyone: HashSet<Uuid> = cell.borrow().0.customers.iter().map(|c| c.id).collect();
    bulk::apply(
        &mut cell.borrow_mut().0,
        &everyone,
        &BulkAction::AddTag("全员".into()),
        at(5),
        || Uuid::from_u128(9),
    );
    let saved = block_on(repo.save(&cell, &|| at(6))).expect("save");
    assert_eq!(saved.records, 400);
    assert_eq!(*store.commits.borrow(), commits + 1);
    let back = load(&mut RecordRepository::new(&store), 7);
    assert!(
        back.data
            .customers
            .iter()
            .all(|c| c.tags.iter().any(|t| t == "全员"))
    );

    // A new event rewrites its customer's log, not the others.
    {
        let mut c = cell.borrow_mut();
        let mut e = c.0.events.get(0).expect("an event");
        e.occurred_at = at(8);
        e.updated_at = at(8);
        c.0.events.push(e);
    }
    assert_eq!(
        block_on(repo.save(&cell, &|| at(9))).expect("save").records,
        1
    );
    let back = load(&mut RecordRepository::new(&store), 10);
    assert_eq!(back.data.events.len(), cell.borrow().0.events.len());
}

#[test]
fn a_full_quota_fails_whole_and_the_edit_is_saved_once_there_is_room() {
    let data = demo(200);
    let mut store = MemoryRecordStore::default();
    {
        let mut repo = RecordRepository::new(&store);
        block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(0), None))
            .expect("stored");
    }
    store.quota = Some(store.bytes() + 50);
    let before = store.snapshot();
    let mut repo = RecordRepository::new(&store);
    let loaded = load(&mut repo, 1);
    let cell = RefCell::new((loaded.data, SavedLists::default()));
    {
        let mut c = cell.borrow_mut();
        let mut big = Customer::new(Uuid::from_u128(77), "很长的备注", at(2));
        big.notes = "备".repeat(100);
        c.0.customers.push(big);
    }
    assert_eq!(
        block_on(repo.save(&cell, &|| at(3))),
        Err(StoreError::QuotaExceeded)
    );
    assert_eq!(store.snapshot(), before, "what was stored is untouched");
    assert_eq!(
        cell.borrow().0.customers.len(),
        201,
        "the page keeps the edit"
    );
    drop(repo);

    store.quota = None;
    let mut repo = RecordRepository::new(&store);
    // (a fresh repository stands for the same page later: its watermark is the load's)
    let _ = load(&mut repo, 1);
    let saved = block_on(repo.save(&cell, &|| at(4))).expect("saved once there is room");
    assert_eq!(saved.records, 1);
    assert_eq!(
        load(&mut RecordRepository::new(&store), 5)
            .data
            .customers
            .len(),
        201
    );
}

#[test]
fn a_damaged_record_is_set_aside_reported_and_never_overwritten() {
    let data = demo(100);
    let store = MemoryRecordStore::default();
    block_on(RecordRepository::new(&store).replace_all(&data, &lists(), "d".into(), at(0), None))
        .expect("stored");
    let victim = data.customers[5].id;
    store.put_raw(Kind::Customer, victim.as_bytes(), vec![1, 0xff, 0xff, 0xff]);
    store.put_raw(Kind::Segment, b"s1", b"\x01{not json".to_vec());

    let mut repo = RecordRepository::new(&store);
    let loaded = load(&mut repo, 1);
    assert_eq!(loaded.data.customers.len(), 99, "everything else loads");
    assert_eq!(loaded.damaged.len(), 2);
    assert_eq!(loaded.damaged[0].kind, Kind::Customer);
    assert_eq!(loaded.damaged[0].key, victim.as_bytes());
    assert_eq!(loaded.damaged[1].kind, Kind::Segment);
    assert!(loaded.lists.segments.is_empty());

    // Edits and a bulk action on everyone loaded do not touch the damaged values.
    let cell = RefCell::new((loaded.data, loaded.lists));
    let everyone: HashSet<Uuid> = cell.borrow().0.customers.iter().map(|c| c.id).collect();
    bulk::apply(
        &mut cell.borrow_mut().0,
        &everyone,
        &BulkAction::AddTag("x".into()),
        at(2),
        || Uuid::from_u128(9),
    );
    block_on(repo.save(&cell, &|| at(3))).expect("save");
    assert_eq!(
        store.get_raw(Kind::Customer, victim.as_bytes()),
        Some(vec![1, 0xff, 0xff, 0xff])
    );
    assert_eq!(
        store.get_raw(Kind::Segment, b"s1"),
        Some(b"\x01{not json".to_vec())
    );
}

#[test]
fn two_tabs_keep_both_edits_and_agree_on_the_newer_one() {
    let data = demo(150);
    let store = MemoryRecordStore::default();
    block_on(RecordRepository::new(&store).replace_all(
        &data,
        &SavedLists::default(),
        "d".into(),
        at(0),
        None,
    ))
    .expect("stored");
    let mut a = RecordRepository::new(&store);
    let mut b = RecordRepository::new(&store);
    let tab_a = RefCell::new((load(&mut a, 1).data, SavedLists::default()));
    let tab_b = RefCell::new((load(&mut b, 1).data, SavedLists::default()));
    let rename = |tab: &RefCell<(Dataset, SavedLists)>, i: usize, name: &str, t: i64| {
        let mut t_ = tab.borrow_mut();
        t_.0.customers[i].name = name.into();
        t_.0.customers[i].updated_at = at(t);
        t_.0.customers[i].id
    };
    // Different customers at the same time: B's commit conflicts, merges A's, retries.
    let x = rename(&tab_a, 0, "甲改", 10);
    let y = rename(&tab_b, 1, "乙改", 11);
    block_on(a.save(&tab_a, &|| at(12))).expect("a");
    let saved = block_on(b.save(&tab_b, &|| at(13))).expect("b");
    assert!(saved.merged, "B merged A's edit before writing");
    let name = |tab: &RefCell<(Dataset, SavedLists)>, id: Uuid| {
        tab.borrow()
            .0
            .customers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
    };
    assert_eq!(name(&tab_b, x).as_deref(), Some("甲改"));
    // A hears of B's write (a broadcast in the browser) and pulls.
    let before = a.stored_lists();
    let pulled = block_on(a.pull(at(14))).expect("pull");
    let mut guard = tab_a.borrow_mut();
    let (d, l) = &mut *guard;
    assert!(kezhi_core::store::records::apply_pulled(
        d, l, &before, pulled
    ));
    drop(guard);
    assert_eq!(name(&tab_a, y).as_deref(), Some("乙改"));

    // The same customer in both: the newer stamp wins in both tabs and in the store, even
    // when the older one is committed last.
    rename(&tab_b, 2, "乙较新", 30);
    rename(&tab_a, 2, "甲较旧", 20);
    let z = tab_a.borrow().0.customers[2].id;
    block_on(b.save(&tab_b, &|| at(31))).expect("b");
    block_on(a.save(&tab_a, &|| at(32))).expect("a");
    let before = b.stored_lists();
    let pulled = block_on(b.pull(at(33))).expect("pull");
    {
        let mut guard = tab_b.borrow_mut();
        let (d, l) = &mut *guard;
        kezhi_core::store::records::apply_pulled(d, l, &before, pulled);
    }
    assert_eq!(name(&tab_a, z).as_deref(), Some("乙较新"));
    assert_eq!(name(&tab_b, z).as_deref(), Some("乙较新"));
    let stored = load(&mut RecordRepository::new(&store), 40).data;
    assert_eq!(
        stored
            .customers
            .iter()
            .find(|c| c.id == z)
            .map(|c| c.name.as_str()),
        Some("乙较新")
    );
    assert_same(&canonical(tab_a.borrow().0.clone()), &stored);
    assert_same(&canonical(tab_b.borrow().0.clone()), &stored);
}

#[test]
fn a_deleted_customer_stays_deleted_with_everything_that_was_theirs() {
    let data = demo(120);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(0), None))
        .expect("stored");
    // The customer with the most orders.
    let victim = data
        .customers
        .iter()
        .max_by_key(|c| data.orders.iter().filter(|o| o.customer_id == c.id).count())
        .map(|c| c.id)
        .expect("customer");
    let cell = RefCell::new((data, SavedLists::default()));
    assert!(cell.borrow_mut().0.delete_customer(victim, at(1)));
    block_on(repo.save(&cell, &|| at(2))).expect("save");
    let back = load(&mut RecordRepository::new(&store), 3);
    assert!(back.data.customers.iter().all(|c| c.id != victim));
    assert!(back.data.orders.iter().all(|o| o.customer_id != victim));
    assert!(back.data.events.iter().all(|e| e.customer_id != victim));
    assert_eq!(back.data.tombstones.len(), 1);
    assert_eq!(back.data.tombstones[0].kind, RecordKind::Customer);
    assert_same(&back.data, &canonical(cell.borrow().0.clone()));
}

#[test]
fn saved_segments_and_funnels_are_records() {
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    let cell = RefCell::new((Dataset::default(), lists()));
    assert_eq!(
        block_on(repo.save(&cell, &|| at(1))).expect("save").records,
        2
    );
    cell.borrow_mut().1.segments[0].name = "改名".into();
    cell.borrow_mut().1.funnels.clear();
    assert_eq!(
        block_on(repo.save(&cell, &|| at(2))).expect("save").records,
        2,
        "one put, one delete"
    );
    let back = load(&mut RecordRepository::new(&store), 3);
    assert_eq!(back.lists.segments[0].name, "改名");
    assert!(back.lists.funnels.is_empty());
}

// ---- migration from localStorage ----

fn fixture(name: &str) -> MemoryStore {
    let path = format!(
        "{}/tests/fixtures/legacy/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    let map: BTreeMap<String, String> = serde_json::from_str(&text).expect("json");
    MemoryStore { map, quota: None }
}

/// Migrates a fixture; returns what was loaded and the localStorage afterwards.
fn migrate(name: &str) -> (Loaded, u32, MemoryStore) {
    let legacy = fixture(name);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    // The migration takes the store by value (the browser's is a handle); a clone stands in
    // and is checked afterwards through `has_legacy` on what the migration left.
    let shared = std::rc::Rc::new(RefCell::new(legacy));
    let (migration, loaded) = block_on(migrate_from(
        SharedStore(shared.clone()),
        &mut repo,
        "m".into(),
        at(0),
    ))
    .expect("migrated")
    .expect("something to migrate");
    assert_eq!(migration.counts, loaded.data.counts());
    // And it is what a fresh load sees.
    let again = load(&mut RecordRepository::new(&store), 1);
    assert_same(&again.data, &loaded.data);
    let left = shared.borrow().clone();
    (loaded, migration.from, left)
}

#[derive(Clone)]
struct SharedStore(std::rc::Rc<RefCell<MemoryStore>>);

impl KeyValueStore for SharedStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.borrow().get(key)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().set(key, value)
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.0.borrow().keys()
    }
}

#[test]
fn format_1_moves_into_the_record_store_and_its_key_goes() {
    let (loaded, from, left) = migrate("v1.json");
    assert_eq!(from, 1);
    let d = &loaded.data;
    assert_eq!(
        (d.customers.len(), d.orders.len(), d.events.len()),
        (2, 1, 1)
    );
    assert_eq!(d.customers[0].name, "旧版客户");
    assert_eq!(d.customers[0].tags, ["高价值", "母婴"]);
    assert_eq!(d.orders[0].amount_cents, 12_990);
    assert!(
        left.map.is_empty(),
        "format 1 removed: {:?}",
        left.map.keys()
    );
}

#[test]
fn formats_2_and_3_move_with_their_saved_segments_and_funnels() {
    for (name, format, customers, stages) in [("v2.json", 2, 150, 0), ("v3.json", 3, 200, 2)] {
        let legacy = fixture(name);
        let (loaded, from, left) = migrate(name);
        assert_eq!(from, format);
        assert_eq!(loaded.data.customers.len(), customers);
        // The same counts as the old repository reads.
        let mut old = kezhi_core::store::Repository::new(legacy, "x");
        let kezhi_core::store::LoadOutcome::Loaded(expected) = old.load(at(0)) else {
            panic!("fixture {name} loads");
        };
        assert_same(&loaded.data, &canonical(expected));
        assert_eq!(
            loaded
                .data
                .customers
                .iter()
                .filter(|c| c.stage_override.is_some())
                .count(),
            stages
        );
        let names: Vec<&str> = loaded
            .lists
            .segments
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["复购客户", "名单"]);
        assert_eq!(
            loaded.lists.segments[1]
                .snapshot
                .as_ref()
                .map(|s| s.customers.len()),
            Some(2)
        );
        assert_eq!(loaded.lists.funnels.len(), 1);
        assert!(!has_legacy(&left), "old keys removed");
        assert!(
            left.map.keys().all(|k| !k.starts_with("kezhi:s:")),
            "{:?}",
            left.map.keys()
        );
    }
}

#[test]
fn a_failed_migration_leaves_the_old_data_in_place() {
    // No room in the record store.
    let legacy = fixture("v3.json");
    let store = MemoryRecordStore::with_quota(1000);
    let mut repo = RecordRepository::new(&store);
    let result = block_on(migrate_from(legacy.clone(), &mut repo, "m".into(), at(0)));
    assert!(
        matches!(
            result,
            Err(MigrationError::Store(StoreError::QuotaExceeded))
        ),
        "{result:?}"
    );
    assert_eq!(store.bytes(), 0);

    // Unreadable old data: reported, nothing moved, nothing removed.
    let mut damaged = legacy.clone();
    let key = damaged
        .map
        .keys()
        .find(|k| k.starts_with("kezhi:s:customers"))
        .cloned()
        .expect("key");
    damaged.map.insert(key, "k2:garbage".into());
    let shared = std::rc::Rc::new(RefCell::new(damaged.clone()));
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    let result = block_on(migrate_from(
        SharedStore(shared.clone()),
        &mut repo,
        "m".into(),
        at(0),
    ));
    assert!(
        matches!(
            result,
            Err(MigrationError::Unreadable(Unreadable::Section(..)))
        ),
        "{result:?}"
    );
    assert_eq!(shared.borrow().map, damaged.map);
    assert_eq!(store.bytes(), 0);

    // Nothing stored by an older version: nothing to do.
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    assert_eq!(
        block_on(migrate_from(
            MemoryStore::default(),
            &mut repo,
            "m".into(),
            at(0)
        ))
        .map(|r| r.is_none()),
        Ok(true)
    );
}

#[test]
fn merging_a_few_changes_equals_the_full_merge() {
    use kezhi_core::{RecordKey, Tombstone};
    let base = demo(150);
    let mut theirs = Dataset::default();
    // Newer and older versions of ours, one new customer, a new event, a deleted customer.
    let mut newer = base.customers[3].clone();
    newer.name = "更新".into();
    newer.updated_at = at(5);
    let mut older = base.customers[4].clone();
    older.name = "过时".into();
    older.updated_at = Timestamp(0);
    let mut fresh = Customer::new(Uuid::from_u128(42), "新客", at(6));
    fresh.updated_at = at(6);
    let mut event = base.events.get(10).expect("an event");
    event.occurred_at = at(7);
    event.updated_at = at(7);
    let gone = base.customers[5].id;
    theirs.customers = vec![newer, older, fresh];
    theirs.events = vec![event].into();
    theirs.tombstones = vec![Tombstone {
        kind: RecordKind::Customer,
        key: RecordKey::Id(gone),
        deleted_at: at(8),
    }];
    let mut full = base.clone();
    full.merge(theirs.clone());
    full.normalize();
    let mut small = base;
    assert!(small.merge_changes(theirs));
    small.normalize();
    assert_same(&canonical(small), &canonical(full));
}

#[test]
fn a_save_told_no_events_changed_skips_them_and_the_next_full_save_stores_them() {
    let data = demo(50);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(0), None))
        .expect("stored");
    let cell = RefCell::new((data, SavedLists::default()));
    let events_of = |d: &Dataset, id: Uuid| d.events.iter().filter(|e| e.customer_id == id).count();

    // An event added at 2 (by an edit that did not say so) and a customer renamed at 2.
    let (id, before) = {
        let mut c = cell.borrow_mut();
        let mut e = c.0.events.get(0).expect("an event");
        e.occurred_at = at(2);
        e.updated_at = at(2);
        c.0.events.push(e);
        c.0.customers[3].name = "改名".into();
        c.0.customers[3].updated_at = at(2);
        (e.customer_id, events_of(&c.0, e.customer_id))
    };
    repo.skip_events_once();
    let saved = block_on(repo.save(&cell, &|| at(3))).expect("save");
    assert_eq!(
        saved.records, 1,
        "the customer only: the events were not read"
    );
    let back = load(&mut RecordRepository::new(&store), 4);
    assert_eq!(
        events_of(&back.data, id),
        before - 1,
        "the new event not stored yet"
    );
    assert!(back.data.customers.iter().any(|c| c.name == "改名"));

    // The hint lasts one save: the next reads the events since the last save that read them.
    let saved = block_on(repo.save(&cell, &|| at(5))).expect("save");
    assert_eq!(saved.records, 1, "the customer's event log");
    let back = load(&mut RecordRepository::new(&store), 6);
    assert_eq!(events_of(&back.data, id), before);
    assert_eq!(
        block_on(repo.save(&cell, &|| at(7))).expect("save").records,
        0
    );
}

/// A cell that tells its changes, as the app's does: its saves are prepared a part at a time.
/// `between` runs when the save reads the data the second time (after its first part), as
/// an edit made while the browser painted between the parts would.
struct Versioned {
    cell: RefCell<(Dataset, SavedLists)>,
    version: std::cell::Cell<u64>,
    reads: std::cell::Cell<usize>,
    between: RefCell<Option<Edit>>,
}

/// An edit made while a save waits.
type Edit = Box<dyn FnOnce(&mut Dataset)>;

impl Versioned {
    fn new(data: Dataset, lists: SavedLists) -> Self {
        Versioned {
            cell: RefCell::new((data, lists)),
            version: std::cell::Cell::new(0),
            reads: std::cell::Cell::new(0),
            between: RefCell::new(None),
        }
    }
}

impl DataCell for Versioned {
    fn with_data<R>(&self, f: impl FnOnce(&mut Dataset, &mut SavedLists) -> R) -> Option<R> {
        self.reads.set(self.reads.get() + 1);
        if self.reads.get() == 2
            && let Some(edit) = self.between.borrow_mut().take()
        {
            edit(&mut self.cell.borrow_mut().0);
            self.version.set(self.version.get() + 1);
        }
        self.cell.with_data(f)
    }

    fn version(&self) -> Option<u64> {
        Some(self.version.get())
    }
}

/// An import-sized change (new customers and orders, a deletion, a new event, a renamed
/// segment) on a cell that tells its changes: prepared in parts, it writes what the save at
/// once writes, in one transaction.
#[test]
fn a_save_prepared_in_parts_writes_what_a_save_at_once_writes() {
    let data = demo(300);
    let change = |d: &mut Dataset, lists: &mut SavedLists| {
        let mut more = demo(40);
        for c in &mut more.customers {
            c.id = Uuid::from_u128(c.id.as_u128() ^ 1);
            c.updated_at = at(2);
        }
        for o in &mut more.orders {
            o.id = Uuid::from_u128(o.id.as_u128() ^ 1);
            o.customer_id = Uuid::from_u128(o.customer_id.as_u128() ^ 1);
            o.updated_at = at(2);
        }
        d.customers.append(&mut more.customers);
        d.orders.append(&mut more.orders);
        let gone = d.customers.remove(5);
        d.tombstones.push(kezhi_core::model::Tombstone {
            kind: RecordKind::Customer,
            key: kezhi_core::model::RecordKey::Id(gone.id),
            deleted_at: at(2),
        });
        let mut e = d.events.get(0).expect("an event");
        e.occurred_at = at(2);
        e.updated_at = at(2);
        d.events.push(e);
        lists.segments[0].name = "回头客".into();
        lists.segments[0].updated_at = at(2);
    };
    let at_once_store = MemoryRecordStore::default();
    let parts_store = MemoryRecordStore::default();
    let mut at_once = RecordRepository::new(&at_once_store);
    let mut parts = RecordRepository::new(&parts_store);
    for repo in [&mut at_once, &mut parts] {
        block_on(repo.replace_all(&data, &lists(), "d".into(), at(0), None)).expect("stored");
    }
    let plain = RefCell::new((data.clone(), lists()));
    let told = Versioned::new(data, lists());
    {
        let mut p = plain.borrow_mut();
        let (d, l) = &mut *p;
        change(d, l);
        let mut t = told.cell.borrow_mut();
        let (d, l) = &mut *t;
        change(d, l);
    }
    let commits = *parts_store.commits.borrow();
    let a = block_on(at_once.save(&plain, &|| at(3))).expect("save");
    let b = block_on(parts.save(&told, &|| at(3))).expect("save");
    assert_eq!(told.reads.get(), 3, "three parts, each its own read");
    assert_eq!(a, b);
    // 40 customers and their orders; the deleted customer's record and event log deleted,
    // its tombstone; one event log; the segment.
    assert_eq!(b.records, 40 + demo(40).orders.len() + 2 + 1 + 1 + 1);
    assert_eq!(
        *parts_store.commits.borrow(),
        commits + 1,
        "one transaction"
    );
    let x = load(&mut RecordRepository::new(&at_once_store), 4);
    let y = load(&mut RecordRepository::new(&parts_store), 4);
    assert_same(&canonical(x.data), &canonical(y.data));
    assert_eq!(x.lists.segments[0].name, "回头客");
    assert_eq!(y.lists.segments[0].name, "回头客");
    assert_eq!(
        block_on(parts.save(&told, &|| at(5)))
            .expect("save")
            .records,
        0,
        "nothing left to save"
    );
}

/// The data changes between a save's parts (an edit while the browser painted): the parts
/// no longer agree, so the save is prepared again at once, and nothing is lost or left over.
#[test]
fn an_edit_between_the_parts_of_a_save_is_saved_and_nothing_is_lost() {
    let data = demo(200);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(0), None))
        .expect("stored");
    let told = Versioned::new(data, SavedLists::default());
    {
        let mut t = told.cell.borrow_mut();
        t.0.customers[3].name = "先改的".into();
        t.0.customers[3].updated_at = at(2);
    }
    // After the customers' part: a customer before the edited one is deleted (the others
    // move up a place) and an order is changed.
    *told.between.borrow_mut() = Some(Box::new(|d: &mut Dataset| {
        let gone = d.customers.remove(0);
        d.orders.retain(|o| o.customer_id != gone.id);
        d.events.retain(|e| e.customer_id != gone.id);
        d.activities.retain(|a| a.customer_id != gone.id);
        d.tombstones.push(kezhi_core::model::Tombstone {
            kind: RecordKind::Customer,
            key: kezhi_core::model::RecordKey::Id(gone.id),
            deleted_at: at(4),
        });
        d.orders[10].item_count += 1;
        d.orders[10].updated_at = at(4);
    }));
    // The clock moves on: the edit between the parts is stamped after the save began.
    let clock = std::cell::Cell::new(3);
    let now = || {
        clock.set(clock.get() + 1);
        at(clock.get())
    };
    block_on(repo.save(&told, &now)).expect("save");
    assert_eq!(
        clock.get(),
        5,
        "the parts read at 4, prepared again at once at 5"
    );
    let back = load(&mut RecordRepository::new(&store), 4);
    let held = told.cell.borrow().0.clone();
    assert_same(&canonical(back.data), &canonical(held));
    assert_eq!(
        block_on(repo.save(&told, &|| at(5))).expect("save").records,
        0
    );
}
