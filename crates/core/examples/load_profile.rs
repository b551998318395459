//! Where the time of loading the 100,000-customer demo from the record store goes: reading
//! and decoding every record, then sorting into the canonical order.
//! `cargo run --release -p kezhi-core --example load_profile`

use chrono::NaiveDate;
use futures::executor::block_on;
use kezhi_core::Timestamp;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::records::{MemoryRecordStore, RecordRepository, SavedLists};
use std::time::Instant;

fn main() {
    let data = generate(&DemoConfig::new(
        100_000,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ));
    let store = MemoryRecordStore::default();
    block_on(RecordRepository::new(&store).replace_all(
        &data,
        &SavedLists::default(),
        "d".into(),
        Timestamp(1),
        None,
    ))
    .expect("stored");
    let t = Instant::now();
    let mut repo = RecordRepository::new(&store);
    let loaded = block_on(repo.load(Timestamp(2), &|_| {})).expect("load");
    println!("load: {:?}", t.elapsed());
    let all = store.snapshot();
    let t = Instant::now();
    let mut n = 0;
    for (kind, key, value) in &all {
        if kezhi_core::store::records::decode_value(*kind, key, value).is_ok() {
            n += 1;
        }
    }
    println!("decode {n} records: {:?}", t.elapsed());
    let mut d = loaded.data.clone();
    d.events = d.events.to_vec().into_iter().rev().collect();
    let t = Instant::now();
    d.normalize();
    println!("normalize (events reversed): {:?}", t.elapsed());
    let t = Instant::now();
    d.normalize();
    println!("normalize (already sorted): {:?}", t.elapsed());
    // As a load has them before sorting: grouped by customer, each in time order.
    let mut grouped = loaded.data.events.to_vec();
    grouped.sort_by_key(|e| e.customer_id);
    let sliced = |by_key: bool| {
        let mut v = grouped.clone();
        let t = Instant::now();
        let mut sort = kezhi_core::sliced_sort::SlicedSort::new(v.len());
        let (mut steps, mut largest) = (0, 0);
        loop {
            let t = Instant::now();
            let step = if by_key {
                sort.step_by_key(
                    &mut v,
                    kezhi_core::dataset::event_key,
                    kezhi_core::dataset::event_order,
                )
            } else {
                sort.step(&mut v, kezhi_core::dataset::event_order)
            };
            if step.is_none() {
                break;
            }
            steps += 1;
            if t.elapsed().as_millis() > 500 {
                println!("  step {steps}: {:?} over {:?}", t.elapsed(), step);
            }
            largest = largest.max(t.elapsed().as_micros());
        }
        let took = t.elapsed();
        assert!(v == loaded.data.events.to_vec(), "sorted as a load sorts");
        println!(
            "sliced sort of grouped events (by key: {by_key}): {took:?}, {steps} steps, longest {largest} µs"
        );
    };
    sliced(false);
    sliced(true);
}
