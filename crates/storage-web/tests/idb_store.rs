//! In-browser tests of the IndexedDB adapter against the record store's contract, and the
//! record repository over it: round trip of a demo, one put per edit, two connections (two
//! tabs), a damaged record, an upgrade blocked by an open connection. Run by
//! `scripts/test.sh` in headless Chromium and Firefox and in WebKit (wasm-bindgen-test-runner;
//! WebKit through `tests/webkit/run.mjs`).

use chrono::NaiveDate;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::group::{encode_group, group_of};
use kezhi_core::store::records::{
    Commit, Kind, Op, RecordRepository, RecordStore, SavedLists, StoredRecord, apply_pulled,
};
use kezhi_core::{Dataset, Timestamp};
use kezhi_storage_web::records::{self, IdbStore, OpenError};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A database of the test's own, emptied first.
async fn fresh(name: &str) -> IdbStore {
    records::delete(name).await.expect("delete");
    records::open(name, || {}, || {}).await.expect("open")
}

fn put(kind: Kind, key: &[u8], value: &[u8]) -> Op {
    Op::Put {
        kind,
        key: key.to_vec(),
        value: value.to_vec(),
    }
}

async fn commit(store: &IdbStore, expect: Option<u64>, ops: Vec<Op>) -> Result<u64, StoreError> {
    let total = ops.len();
    store
        .commit(
            Commit {
                expect_seq: expect,
                replace: None,
                ops: ops.into_iter(),
                total,
            },
            None,
        )
        .await
}

fn demo(n: usize) -> Dataset {
    generate(&DemoConfig::new(
        n,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ))
}

const T0: i64 = 1_800_000_000_000;

#[wasm_bindgen_test]
async fn commits_stamp_sequence_numbers_and_refuse_a_stale_writer() {
    let store = fresh("kezhi-test-contract").await;
    assert_eq!(store.meta().await.expect("meta").seq, 0);
    let ops = vec![
        put(Kind::Customer, b"a", b"1"),
        put(Kind::Customer, b"b", b"2"),
    ];
    assert_eq!(commit(&store, Some(0), ops).await, Ok(2));
    assert_eq!(
        commit(&store, Some(0), vec![put(Kind::Customer, b"c", b"3")]).await,
        Err(StoreError::Conflict)
    );
    assert_eq!(
        store.count(Kind::Customer).await,
        Ok(2),
        "the refused commit wrote nothing"
    );
    assert_eq!(
        commit(&store, Some(2), vec![put(Kind::Customer, b"a", b"9")]).await,
        Ok(3)
    );
    let deleted = vec![Op::Delete {
        kind: Kind::Customer,
        key: b"b".to_vec(),
    }];
    assert_eq!(
        commit(&store, Some(3), deleted).await,
        Ok(3),
        "a delete takes no number"
    );

    let page = store
        .read_page(Kind::Customer, None, 10)
        .await
        .expect("page");
    assert_eq!(page.len(), 1);
    assert_eq!(
        (
            page[0].key.as_slice(),
            page[0].seq,
            page[0].value.as_slice()
        ),
        (b"a".as_slice(), 3, b"9".as_slice())
    );
    // Pages in key order after a given key (whole groups: about the limit asked for);
    // changes by sequence number.
    let ops: Vec<Op> = (0u8..30).map(|i| put(Kind::Order, &[i], &[i, i])).collect();
    commit(&store, Some(3), ops).await.expect("orders");
    let first = store.read_page(Kind::Order, None, 10).await.expect("page");
    let keys: Vec<u8> = first.iter().map(|r| r.key[0]).collect();
    assert!(
        keys.len() >= 10 && keys.windows(2).all(|w| w[0] < w[1]) && keys[0] == 0,
        "{keys:?}"
    );
    let next = store
        .read_page(Kind::Order, Some(&[9]), 10)
        .await
        .expect("page");
    assert_eq!(next[0].key, [10]);
    assert_eq!(next.last().map(|r| r.key.clone()), Some(vec![29]));
    assert!(
        store
            .read_page(Kind::Order, Some(&[29]), 10)
            .await
            .expect("page")
            .is_empty()
    );
    assert_eq!(store.count(Kind::Order).await, Ok(30));
    let changed = store
        .changed_since(Kind::Order, 30, 100)
        .await
        .expect("changes");
    assert_eq!(
        changed.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [31, 32, 33]
    );
    assert_eq!(store.meta().await.expect("meta").seq, 33);

    // Replacing clears every collection and names the new dataset.
    let replaced = store
        .commit(
            Commit {
                expect_seq: None,
                replace: Some("new".into()),
                ops: vec![put(Kind::Segment, b"s", b"x")].into_iter(),
                total: 1,
            },
            None,
        )
        .await;
    assert_eq!(replaced, Ok(34));
    assert_eq!(store.count(Kind::Order).await, Ok(0));
    assert_eq!(store.count(Kind::Customer).await, Ok(0));
    assert_eq!(store.meta().await.expect("meta").dataset, "new");
}

#[wasm_bindgen_test]
async fn a_demo_round_trips_and_an_edit_is_one_put() {
    let store = fresh("kezhi-test-demo").await;
    let data = demo(500);
    let mut repo = RecordRepository::new(store.clone());
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    let progress = move |_: usize, _: usize| seen.set(seen.get() + 1);
    repo.replace_all(
        &data,
        &SavedLists::default(),
        "d".into(),
        Timestamp(T0),
        Some(&progress),
    )
    .await
    .expect("stored");
    assert!(calls.get() > 1, "progress reported slice by slice");

    let mut reader = RecordRepository::new(store.clone());
    let back = reader.load(Timestamp(T0 + 1), &|_| {}).await.expect("load");
    assert!(back.damaged.is_empty());
    let mut expected = data.clone();
    expected.normalize();
    expected.customers.sort_by_key(|c| (c.created_at, c.id));
    assert_eq!(back.data.counts(), expected.counts());
    assert!(back.data.customers == expected.customers);
    assert!(back.data.orders == expected.orders);
    assert!(back.data.events == expected.events);
    assert!(back.data.activities == expected.activities);

    let cell = RefCell::new((back.data, SavedLists::default()));
    let seq = reader.seen();
    {
        let mut c = cell.borrow_mut();
        c.0.customers[3].name = "浏览器里改的".into();
        c.0.customers[3].updated_at = Timestamp(T0 + 2);
    }
    let saved = reader
        .save(&cell, &|| Timestamp(T0 + 3))
        .await
        .expect("save");
    assert_eq!(saved.records, 1);
    assert_eq!(
        store.meta().await.expect("meta").seq,
        seq + 1,
        "one record written"
    );

    // The meta keeps the events' number through writes of event logs.
    let events = cell.borrow().0.events.len();
    assert_eq!(
        store.counts_and_events().await.expect("counts").1,
        Some(events)
    );
    {
        let mut c = cell.borrow_mut();
        let mut event = c.0.events.get(7).expect("an event");
        event.occurred_at = Timestamp(event.occurred_at.0 + 1);
        event.updated_at = Timestamp(T0 + 4);
        c.0.events.push(event);
        c.0.normalize();
    }
    reader
        .save(&cell, &|| Timestamp(T0 + 5))
        .await
        .expect("save");
    assert_eq!(
        store.counts_and_events().await.expect("counts").1,
        Some(events + 1)
    );
    let again = RecordRepository::new(store.clone())
        .load(Timestamp(T0 + 6), &|_| {})
        .await
        .expect("load");
    assert!(again.data.events == cell.borrow().0.events);
}

#[wasm_bindgen_test]
async fn two_connections_merge_each_others_edits() {
    let name = "kezhi-test-tabs";
    let first = fresh(name).await;
    let second = records::open(name, || {}, || {})
        .await
        .expect("second connection");
    let data = demo(80);
    RecordRepository::new(first.clone())
        .replace_all(
            &data,
            &SavedLists::default(),
            "d".into(),
            Timestamp(T0),
            None,
        )
        .await
        .expect("stored");
    let mut a = RecordRepository::new(first);
    let mut b = RecordRepository::new(second);
    let tab_a = RefCell::new((
        a.load(Timestamp(T0), &|_| {}).await.expect("a").data,
        SavedLists::default(),
    ));
    let tab_b = RefCell::new((
        b.load(Timestamp(T0), &|_| {}).await.expect("b").data,
        SavedLists::default(),
    ));
    let (x, y) = {
        let (mut ta, mut tb) = (tab_a.borrow_mut(), tab_b.borrow_mut());
        ta.0.customers[0].name = "甲".into();
        ta.0.customers[0].updated_at = Timestamp(T0 + 10);
        tb.0.customers[1].name = "乙".into();
        tb.0.customers[1].updated_at = Timestamp(T0 + 11);
        (ta.0.customers[0].id, tb.0.customers[1].id)
    };
    a.save(&tab_a, &|| Timestamp(T0 + 12))
        .await
        .expect("a saves");
    let saved = b
        .save(&tab_b, &|| Timestamp(T0 + 13))
        .await
        .expect("b saves");
    assert!(saved.merged);
    let before = a.stored_lists();
    let pulled = a.pull(Timestamp(T0 + 14)).await.expect("pull");
    {
        let mut guard = tab_a.borrow_mut();
        let (d, l) = &mut *guard;
        assert!(apply_pulled(d, l, &before, pulled));
    }
    let name_of = |tab: &RefCell<(Dataset, SavedLists)>, id| {
        tab.borrow()
            .0
            .customers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
    };
    for tab in [&tab_a, &tab_b] {
        assert_eq!(name_of(tab, x).as_deref(), Some("甲"));
        assert_eq!(name_of(tab, y).as_deref(), Some("乙"));
    }
}

#[wasm_bindgen_test]
async fn damaged_values_are_reported_and_kept_through_later_writes() {
    let store = fresh("kezhi-test-damaged").await;
    let data = demo(300);
    let mut repo = RecordRepository::new(store.clone());
    repo.replace_all(
        &data,
        &SavedLists::default(),
        "d".into(),
        Timestamp(T0),
        None,
    )
    .await
    .expect("stored");
    let mut all = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = store
            .read_page(Kind::Customer, after.as_deref(), 100)
            .await
            .expect("page");
        let Some(last) = page.last() else { break };
        after = Some(last.key.clone());
        all.extend(page);
    }
    assert_eq!(all.len(), 300);
    // One record's value damaged inside an intact group.
    let victim = data.customers[2].id;
    let mut group: Vec<StoredRecord> = all
        .iter()
        .filter(|r| group_of(&r.key) == group_of(victim.as_bytes()))
        .cloned()
        .collect();
    for r in group.iter_mut().filter(|r| r.key == victim.as_bytes()) {
        r.value = vec![1, 0xff, 0xff];
    }
    let bytes = js_sys::Uint8Array::from(encode_group(&group).as_slice());
    store
        .put_raw_group(Kind::Customer, victim.as_bytes(), &bytes.into())
        .await
        .expect("damage one record");
    // And a whole group's bytes replaced by text.
    let other = all
        .iter()
        .map(|r| r.key.clone())
        .find(|k| group_of(k) != group_of(victim.as_bytes()))
        .expect("another group");
    let in_other = all
        .iter()
        .filter(|r| group_of(&r.key) == group_of(&other))
        .count();
    store
        .put_raw_group(
            Kind::Customer,
            &other,
            &wasm_bindgen::JsValue::from_str("garbage"),
        )
        .await
        .expect("damage a group");

    let mut reader = RecordRepository::new(store.clone());
    let loaded = reader.load(Timestamp(T0 + 1), &|_| {}).await.expect("load");
    assert_eq!(loaded.data.customers.len(), 300 - 1 - in_other);
    assert_eq!(loaded.damaged.len(), 2);
    assert!(loaded.damaged.iter().any(|d| d.key == victim.as_bytes()));
    assert!(loaded.damaged.iter().any(|d| d.value == b"garbage"));

    // A new customer in the damaged group, and a bulk edit of everyone loaded: saved, and
    // both damaged values still there afterwards.
    let cell = RefCell::new((loaded.data, SavedLists::default()));
    {
        let mut c = cell.borrow_mut();
        let mut id = [0u8; 16];
        id[..2].copy_from_slice(&other[..2]);
        id[15] = 1;
        c.0.customers.push(kezhi_core::Customer::new(
            uuid::Uuid::from_bytes(id),
            "新客户",
            Timestamp(T0 + 2),
        ));
        for customer in c.0.customers.iter_mut() {
            customer.points += 1;
            customer.updated_at = Timestamp(T0 + 2);
        }
    }
    reader
        .save(&cell, &|| Timestamp(T0 + 3))
        .await
        .expect("saved");
    let again = RecordRepository::new(store.clone())
        .load(Timestamp(T0 + 4), &|_| {})
        .await
        .expect("load");
    assert_eq!(again.data.customers.len(), 300 - in_other);
    assert_eq!(
        again.damaged.len(),
        2,
        "nothing overwrote the damaged values"
    );
}

#[wasm_bindgen_test]
async fn an_upgrade_blocked_by_an_open_connection_is_reported() {
    let name = "kezhi-test-blocked";
    fresh(name).await.close();
    // A connection without a `versionchange` handler: a tab running an older build.
    let old = idb::Factory::new()
        .expect("factory")
        .open(name, Some(records::DB_VERSION))
        .expect("open")
        .await
        .expect("opened");
    // A newer version opening while `old` stays open: blocked until `old` closes. (The app's
    // own connections close themselves on `versionchange`.)
    let blocked = Rc::new(Cell::new(false));
    let flag = blocked.clone();
    let opening =
        records::open_version(name, records::DB_VERSION + 1, move || flag.set(true), || {});
    let keeper = old;
    let unblock = async move {
        // Give the open request time to be blocked, then close the old connection.
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window()
                .expect("window")
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 300);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        keeper.close();
    };
    let opened = join(opening, unblock).await;
    assert!(blocked.get(), "the blocked event was reported");
    let upgraded = opened.expect("opens once the old connection is gone");
    assert_eq!(upgraded.meta().await.expect("meta").seq, 0);
    upgraded.close();
    // And an older build meeting the newer database says so instead of failing blankly.
    let older = records::open_version(name, records::DB_VERSION, || {}, || {}).await;
    assert!(matches!(older, Err(OpenError::Newer)), "{:?}", older.err());
}

/// Runs `b` beside `a` on this thread; returns `a`'s output once both are done.
async fn join<A: std::future::Future>(
    a: A,
    b: impl std::future::Future<Output = ()> + 'static,
) -> A::Output {
    let b = wasm_bindgen_futures::future_to_promise(async move {
        b.await;
        Ok(wasm_bindgen::JsValue::UNDEFINED)
    });
    let a = a.await;
    let _ = wasm_bindgen_futures::JsFuture::from(b).await;
    a
}

#[wasm_bindgen_test]
async fn pages_end_where_the_records_end_and_a_write_after_the_end_is_read() {
    let store = fresh("kezhi-test-pages").await;
    // Keys in two groups far apart (a group is named by the first 10 bits of the key).
    let (a1, a2, b) = ([0x00, 0x01], [0x00, 0x02], [0xf0, 0x00]);
    commit(
        &store,
        None,
        vec![put(Kind::Order, &a1, b"1"), put(Kind::Order, &a2, b"2")],
    )
    .await
    .expect("committed");
    assert_eq!(
        store.counts().await.expect("counts")[1],
        2,
        "orders, in Kind::ALL order"
    );
    let page = store.read_page(Kind::Order, None, 100).await.expect("page");
    let keys: Vec<Vec<u8>> = page.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys, [a1.to_vec(), a2.to_vec()]);
    assert!(
        store
            .read_page(Kind::Order, Some(&a2), 100)
            .await
            .expect("end")
            .is_empty()
    );
    // The last page was read; a record written after it, past the last group, is found.
    store.read_page(Kind::Order, None, 100).await.expect("page");
    let seq = store.meta().await.expect("meta").seq;
    commit(&store, Some(seq), vec![put(Kind::Order, &b, b"3")])
        .await
        .expect("committed");
    let next = store
        .read_page(Kind::Order, Some(&a2), 100)
        .await
        .expect("next");
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].key, b.to_vec());
    assert_eq!(next[0].value, b"3".to_vec());
    // Another collection's end says nothing about this one.
    store
        .read_page(Kind::Customer, None, 100)
        .await
        .expect("none");
    assert_eq!(
        store
            .read_page(Kind::Order, Some(&a1), 100)
            .await
            .expect("rest")
            .len(),
        2
    );
    store.close();
}

/// Reads one collection page by page; the pages' lengths and the records.
async fn read_all(store: &IdbStore, kind: Kind, limit: usize) -> (Vec<usize>, Vec<StoredRecord>) {
    let (mut pages, mut all) = (Vec::new(), Vec::new());
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = store
            .read_page(kind, after.as_deref(), limit)
            .await
            .expect("page");
        let Some(last) = page.last() else { break };
        after = Some(last.key.clone());
        pages.push(page.len());
        all.extend(page);
    }
    (pages, all)
}

#[wasm_bindgen_test]
async fn pages_hold_about_the_limit_once_the_sizes_are_known_and_reads_asked_ahead_see_writes() {
    let store = fresh("kezhi-test-page-size").await;
    // One record in each of the 1,024 groups, and a second in every other one: 1,536.
    let mut ops = Vec::new();
    for g in 0u16..1024 {
        let hi = (g << 6).to_be_bytes();
        ops.push(put(Kind::Customer, &[hi[0], hi[1], 1], b"a"));
        if g % 2 == 0 {
            ops.push(put(Kind::Customer, &[hi[0], hi[1], 2], b"b"));
        }
    }
    commit(&store, None, ops).await.expect("committed");
    // Sizes unknown: 128 groups a page, whatever the limit.
    let (pages, all) = read_all(&store, Kind::Customer, 10_000).await;
    assert_eq!(pages, vec![192; 8]);
    assert_eq!(all.len(), 1536);
    // Known: a limit above the collection's size reads it in one request; a small limit
    // still reads at least 128 groups; 300 records of 1,536 → 200 groups (300 of the records).
    assert_eq!(store.counts().await.expect("counts")[0], 1536);
    assert_eq!(read_all(&store, Kind::Customer, 10_000).await.0, vec![1536]);
    assert_eq!(read_all(&store, Kind::Customer, 10).await.0, vec![192; 8]);
    let (pages, again) = read_all(&store, Kind::Customer, 300).await;
    assert_eq!(pages.iter().sum::<usize>(), 1536);
    assert_eq!(pages[0], 300);
    assert_eq!(again, all);
    // First pages asked for ahead, then a write: the reading sees the write.
    store.expect_reads(&Kind::ALL, 10_000);
    let seq = store.meta().await.expect("meta").seq;
    commit(
        &store,
        Some(seq),
        vec![put(Kind::Customer, &[0xff, 0xff], b"z")],
    )
    .await
    .expect("committed");
    let (pages, after_write) = read_all(&store, Kind::Customer, 10_000).await;
    assert_eq!(pages, vec![1537]);
    assert_eq!(
        after_write.last().map(|r| r.value.clone()),
        Some(b"z".to_vec())
    );
    // Asked ahead and read without a write between: the same records as a plain reading.
    store.expect_reads(&Kind::ALL, 10_000);
    assert_eq!(
        read_all(&store, Kind::Customer, 10_000).await.1,
        after_write
    );
    assert!(read_all(&store, Kind::Order, 10_000).await.1.is_empty());
}
