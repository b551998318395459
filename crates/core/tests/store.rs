//! The repository over an in-memory store: round trips, the size budget, quota failures,
//! unreadable payloads, the format-1 migration and two tabs saving in turn.

use chrono::NaiveDate;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::{
    KeyValueStore, LoadOutcome, MANIFEST_KEY, MemoryStore, Refresh, Repository, SaveError, Section,
    Unreadable, codec, v1,
};
use kezhi_core::{Customer, Dataset, Timestamp};

/// Compares without dumping whole datasets: the first differing collection is named.
fn assert_same(a: &Dataset, b: &Dataset) {
    assert_eq!(a.customers.len(), b.customers.len(), "customer count");
    for (x, y) in a.customers.iter().zip(&b.customers) {
        assert_eq!(x, y);
    }
    assert!(a.orders == b.orders, "orders differ");
    assert!(a.events == b.events, "events differ");
    assert!(a.activities == b.activities, "activities differ");
    assert!(a.tombstones == b.tombstones, "tombstones differ");
}
use uuid::Uuid;

/// localStorage's per-origin quota in Chromium and Firefox, in UTF-16 code units.
const BROWSER_QUOTA: usize = 5 * 1024 * 1024;

fn demo(n: usize) -> Dataset {
    generate(&DemoConfig::new(
        n,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ))
}

fn loaded(outcome: LoadOutcome) -> Dataset {
    match outcome {
        LoadOutcome::Loaded(d) => d,
        other => panic!("expected data, got {other:?}"),
    }
}

#[test]
fn the_default_demo_round_trips_and_fits_in_half_the_quota() {
    let original = demo(5_000);
    let mut repo = Repository::new(MemoryStore::with_quota(BROWSER_QUOTA), "a");
    let mut data = original.clone();
    repo.save(&mut data, &Section::ALL, Timestamp(1))
        .expect("saved");
    let used = repo.store().used();
    assert!(
        used * 2 <= BROWSER_QUOTA,
        "{used} code units is over half the quota"
    );
    assert_eq!(repo.usage(), used, "ASCII payload: bytes = code units");
    let mut fresh = Repository::new(repo.store().clone(), "b");
    assert_same(&loaded(fresh.load(Timestamp(2))), &original);
}

#[test]
fn a_full_quota_fails_cleanly_and_keeps_what_was_stored() {
    let small = demo(50);
    let mut repo = Repository::new(MemoryStore::with_quota(BROWSER_QUOTA / 8), "a");
    let mut data = small.clone();
    repo.save(&mut data, &Section::ALL, Timestamp(1))
        .expect("small data fits");
    let before = repo.store().map.clone();

    let mut big = demo(2_000);
    let err = repo
        .save(&mut big, &Section::ALL, Timestamp(2))
        .expect_err("too big");
    assert_eq!(err, SaveError::QuotaExceeded);
    assert_eq!(
        repo.store().map,
        before,
        "nothing stored changed, no temporary key left"
    );
    assert_eq!(
        big.customers.len(),
        2_000,
        "the in-memory data is untouched"
    );

    let mut reader = Repository::new(repo.store().clone(), "b");
    assert_same(&loaded(reader.load(Timestamp(3))), &small);
}

#[test]
fn a_damaged_section_is_reported_and_never_overwritten() {
    let mut repo = Repository::new(MemoryStore::default(), "a");
    let mut data = demo(30);
    repo.save(&mut data, &Section::ALL, Timestamp(1))
        .expect("saved");
    let manifest: serde_json::Value =
        serde_json::from_str(&repo.store().map[MANIFEST_KEY]).expect("json");
    let key = manifest["sections"]["customers"]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let damaged = repo.store().map[&key].replacen('A', "B", 1);
    repo.store_mut().set(&key, &damaged).expect("set");
    let before = repo.store().map.clone();

    let mut reader = Repository::new(repo.store().clone(), "b");
    match reader.load(Timestamp(2)) {
        LoadOutcome::Unreadable(Unreadable::Section(name, _)) => assert_eq!(name, "customers"),
        other => panic!("expected an unreadable section, got {other:?}"),
    }
    let mut other = demo(5);
    let err = reader
        .save(&mut other, &Section::ALL, Timestamp(3))
        .expect_err("blocked");
    assert!(matches!(err, SaveError::Blocked(_)));
    assert_eq!(
        reader.store().map,
        before,
        "the damaged payload is intact for download"
    );
    assert_eq!(reader.raw_dump().len(), before.len());

    reader.clear().expect("start fresh");
    assert!(matches!(reader.load(Timestamp(4)), LoadOutcome::Empty));
}

#[test]
fn garbage_and_newer_formats_are_unreadable_not_erased() {
    for (manifest, newer) in [
        ("{not json", false),
        (r#"{"format":4,"generation":1,"sections":{}}"#, true),
    ] {
        let mut store = MemoryStore::default();
        store.set(MANIFEST_KEY, manifest).expect("set");
        let mut repo = Repository::new(store, "a");
        match repo.load(Timestamp(1)) {
            LoadOutcome::Unreadable(Unreadable::NewerFormat(4)) => assert!(newer),
            LoadOutcome::Unreadable(Unreadable::Manifest(_)) => assert!(!newer),
            other => panic!("{other:?}"),
        }
        assert_eq!(repo.store().map[MANIFEST_KEY], manifest);
    }
}

#[test]
fn a_format_1_payload_is_migrated_and_then_removed() {
    let json = r#"{
      "version": 1,
      "customers": [
        {"id": "6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21", "name": "张三", "phone": "13812345678",
         "region": "广东 深圳", "channel": "tmall", "tags": "高价值, 母婴", "owner": "王丽娜",
         "created": 1700000000, "updated": 1700000500},
        {"id": "0b8e2d4c-1a3f-4e5b-8c7d-9e0f1a2b3c4d", "name": "Li Si", "email": " ",
         "region": "", "tags": "", "created": 1700000100, "updated": 1700000100}
      ],
      "orders": [
        {"id": "aa8e2d4c-1a3f-4e5b-8c7d-9e0f1a2b3c4d", "customer": "6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21",
         "order_no": "TM1", "time": 1700001000, "amount_cents": 12990, "channel": "tmall"}
      ],
      "events": [
        {"customer": "6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21", "type": "visit", "time": 1700000900}
      ]
    }"#;
    let mut store = MemoryStore::default();
    store.set(v1::KEY, json).expect("set");
    let mut repo = Repository::new(store, "a");
    let data = match repo.load(Timestamp(5)) {
        LoadOutcome::Migrated { data, from, saved } => {
            assert_eq!(from, 1);
            assert_eq!(saved, Ok(()));
            data
        }
        other => panic!("{other:?}"),
    };
    let zhang = &data.customers[0];
    assert_eq!(zhang.name, "张三");
    assert_eq!(zhang.province.map(kezhi_core::Sym::as_str), Some("广东"));
    assert_eq!(zhang.city.map(kezhi_core::Sym::as_str), Some("深圳"));
    assert_eq!(zhang.tags, ["高价值", "母婴"]);
    assert_eq!(zhang.created_at, Timestamp(1_700_000_000_000));
    assert_eq!(zhang.updated_at, Timestamp(1_700_000_500_000));
    assert_eq!(data.customers[1].email, None);
    assert_eq!(data.customers[1].city, None);
    assert_eq!(data.orders[0].amount_cents, 12_990);
    assert_eq!(data.orders[0].item_count, 1);
    assert_eq!(data.events.get(0).expect("an event").kind, "visit");
    assert!(
        repo.store().get(v1::KEY).expect("get").is_none(),
        "format 1 removed"
    );
    let mut reader = Repository::new(repo.store().clone(), "b");
    assert_same(&loaded(reader.load(Timestamp(6))), &data);
}

#[test]
fn a_migration_without_room_keeps_the_format_1_payload() {
    let json = r#"{"version":1,"customers":[{"id":"6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21","name":"张三","created":1,"updated":1}]}"#;
    let mut store = MemoryStore::with_quota(json.len() + v1::KEY.len() + 10);
    store.set(v1::KEY, json).expect("set");
    let mut repo = Repository::new(store, "a");
    match repo.load(Timestamp(5)) {
        LoadOutcome::Migrated { data, saved, .. } => {
            assert_eq!(saved, Err(SaveError::QuotaExceeded));
            assert_eq!(data.customers.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        repo.store().get(v1::KEY).expect("get").as_deref(),
        Some(json)
    );
}

/// Edits happen after the demo was written (its records carry the demo's end date).
const LATER: i64 = 2_000_000_000_000;

fn rename(data: &mut Dataset, index: usize, name: &str, at: i64) -> Uuid {
    let c: &mut Customer = &mut data.customers[index];
    c.name = name.to_string();
    c.updated_at = Timestamp(LATER + at);
    c.id
}

#[test]
fn two_tabs_editing_different_customers_lose_neither_edit() {
    let mut first = Repository::new(MemoryStore::default(), "setup");
    let mut base = demo(20);
    first
        .save(&mut base, &Section::ALL, Timestamp(1))
        .expect("saved");
    let shared = first.store().clone();

    // Both tabs load the same data. They share one store: simulate by handing it over.
    let mut tab_a = Repository::new(shared, "a");
    let mut data_a = loaded(tab_a.load(Timestamp(2)));
    let mut tab_b = Repository::new(tab_a.store().clone(), "b");
    let mut data_b = loaded(tab_b.load(Timestamp(2)));

    let id_a = rename(&mut data_a, 0, "甲改", 10);
    tab_a
        .save(&mut data_a, &[Section::Customers], Timestamp(10))
        .expect("a saves");

    // Tab B has not seen A's save, edits another customer and saves.
    *tab_b.store_mut() = tab_a.store().clone();
    let id_b = rename(&mut data_b, 1, "乙改", 11);
    let report = tab_b
        .save(&mut data_b, &[Section::Customers], Timestamp(11))
        .expect("b saves");
    assert!(report.merged_from_elsewhere);

    // Tab A hears of B's save (the storage event) and refreshes.
    *tab_a.store_mut() = tab_b.store().clone();
    assert_eq!(tab_a.refresh(&mut data_a), Ok(Refresh::Merged));
    for data in [&data_a, &data_b] {
        assert_eq!(data.customer(id_a).map(|c| c.name.as_str()), Some("甲改"));
        assert_eq!(data.customer(id_b).map(|c| c.name.as_str()), Some("乙改"));
    }
    assert_same(&data_a, &data_b);
    let mut reader = Repository::new(tab_b.store().clone(), "c");
    assert_same(&loaded(reader.load(Timestamp(12))), &data_b);
    // Only the live generation's keys remain.
    assert_eq!(reader.store().map.len(), 1 + Section::ALL.len());
}

#[test]
fn a_deletion_in_one_tab_reaches_the_other() {
    let mut tab_a = Repository::new(MemoryStore::default(), "a");
    let mut data_a = demo(10);
    tab_a
        .save(&mut data_a, &Section::ALL, Timestamp(1))
        .expect("saved");
    let mut tab_b = Repository::new(tab_a.store().clone(), "b");
    let mut data_b = loaded(tab_b.load(Timestamp(2)));
    let gone = data_a.customers[3].id;
    assert!(data_a.delete_customer(gone, Timestamp(LATER)));
    tab_a
        .save(&mut data_a, &Section::ALL, Timestamp(5))
        .expect("saved");
    *tab_b.store_mut() = tab_a.store().clone();
    tab_b.refresh(&mut data_b).expect("refresh");
    assert!(data_b.customer(gone).is_none());
    assert!(data_b.orders.iter().all(|o| o.customer_id != gone));
    assert_same(&data_a, &data_b);
}

#[test]
fn every_section_decodes_what_it_encoded() {
    let mut data = demo(40);
    data.delete_customer(data.customers[0].id, Timestamp(LATER));
    codec::normalize(&mut data);
    let mut back = Dataset::default();
    for s in Section::ALL {
        codec::decode_section(&codec::encode_section(&data, s), s, &mut back).expect("decode");
    }
    codec::normalize(&mut back);
    assert_eq!(back, data);
}

#[test]
fn truncated_or_foreign_sections_are_errors_not_panics() {
    let data = demo(10);
    let text = codec::encode_section(&data, Section::Events);
    for bad in [&text[..text.len() / 2], "k2:", "k2:!!!!", "hello", ""] {
        let mut into = Dataset::default();
        assert!(
            codec::decode_section(bad, Section::Events, &mut into).is_err(),
            "{bad:.20}"
        );
    }
}

#[test]
fn replacing_the_data_replaces_it_in_other_tabs_instead_of_merging() {
    let mut tab_a = Repository::new(MemoryStore::default(), "a");
    let mut old = demo(10);
    tab_a
        .replace_all(&mut old, "first", Timestamp(1))
        .expect("saved");
    let mut tab_b = Repository::new(tab_a.store().clone(), "b");
    let mut data_b = loaded(tab_b.load(Timestamp(2)));

    let mut new = demo(3);
    new.customers.truncate(3);
    tab_a
        .replace_all(&mut new, "second", Timestamp(3))
        .expect("saved");
    assert_eq!(
        tab_a.store().map.len(),
        1 + Section::ALL.len(),
        "old keys are gone"
    );
    *tab_b.store_mut() = tab_a.store().clone();
    assert_eq!(tab_b.refresh(&mut data_b), Ok(Refresh::Replaced));
    assert_same(&data_b, &new);

    tab_a.clear().expect("clear");
    *tab_b.store_mut() = tab_a.store().clone();
    assert_eq!(tab_b.refresh(&mut data_b), Ok(Refresh::Cleared));
    assert!(data_b.is_empty());
}

#[test]
fn a_known_capacity_fails_a_save_before_anything_is_written() {
    let mut repo = Repository::new(MemoryStore::default(), "a");
    repo.capacity = Some(10_000);
    let mut big = demo(200);
    assert_eq!(
        repo.replace_all(&mut big, "x", Timestamp(1)),
        Err(SaveError::QuotaExceeded)
    );
    assert!(repo.store().map.is_empty());
}

#[test]
fn a_save_far_beyond_the_capacity_is_refused_from_an_estimate_and_one_that_fits_is_not() {
    use kezhi_core::store::codec::{encode_section, estimate_section};
    // Big enough for the estimate to be used (more than 200,000 records).
    let mut data = demo(20_000);
    assert!(data.events.len() + data.orders.len() > 200_000);
    let real: usize = Section::ALL
        .iter()
        .map(|s| encode_section(&data, *s).len())
        .sum();
    // The sample's estimate is close to the real size (the check refuses beyond 1.25 × the
    // capacity).
    let estimate: usize = Section::ALL
        .iter()
        .map(|s| estimate_section(&data, *s, 20))
        .sum();
    assert!(
        estimate * 4 < real * 5 && estimate * 5 > real * 4,
        "{estimate} vs {real}"
    );
    // A capacity just above the real size saves: the estimate never refuses what fits.
    let mut repo = Repository::new(MemoryStore::default(), "a");
    repo.capacity = Some(real + real / 10);
    assert!(repo.replace_all(&mut data, "x", Timestamp(1)).is_ok());
    // A capacity of a third: refused, nothing written.
    let mut small = Repository::new(MemoryStore::default(), "b");
    small.capacity = Some(real / 3);
    assert_eq!(
        small.replace_all(&mut data, "y", Timestamp(1)),
        Err(SaveError::QuotaExceeded)
    );
    assert!(small.store().map.is_empty());
}
