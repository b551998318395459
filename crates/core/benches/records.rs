//! Benchmarks of the record store's rules on the in-memory store at 100,000 customers (the
//! demo: ~285k orders, ~2.55M events, ~97k activities): storing it whole, loading it, one
//! customer edit from the edit to the committed transaction, and a bulk tag of everyone.
//! `cargo bench -p kezhi-core --bench records`; figures in docs/benchmarks.md.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use futures::executor::block_on;
use kezhi_core::bulk::{self, BulkAction};
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::records::{
    Kind, MemoryRecordStore, RecordRepository, RecordStore, SavedLists,
};
use kezhi_core::{Dataset, Timestamp};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use uuid::Uuid;

const T0: i64 = 1_800_000_000_000;

fn records(c: &mut Criterion) {
    let data = generate(&DemoConfig::new(
        100_000,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ));
    let mut group = c.benchmark_group("records 100000");
    group.sample_size(10);
    group.bench_function("replace all (encode + commit)", |b| {
        b.iter(|| {
            let store = MemoryRecordStore::default();
            let mut repo = RecordRepository::new(&store);
            block_on(repo.replace_all(
                &data,
                &SavedLists::default(),
                "d".into(),
                Timestamp(T0),
                None,
            ))
            .expect("stored");
            store.bytes()
        })
    });

    let store = MemoryRecordStore::default();
    block_on(RecordRepository::new(&store).replace_all(
        &data,
        &SavedLists::default(),
        "d".into(),
        Timestamp(T0),
        None,
    ))
    .expect("stored");
    let mut per_kind = String::new();
    for kind in Kind::ALL {
        let n = block_on(store.count(kind)).expect("count");
        per_kind.push_str(&format!("{}: {n}; ", kind.name()));
    }
    eprintln!("stored: {} bytes ({per_kind})", store.bytes());
    group.bench_function("load", |b| {
        b.iter(|| {
            let mut repo = RecordRepository::new(&store);
            block_on(repo.load(Timestamp(T0), &|_| {}))
                .expect("load")
                .data
                .customers
                .len()
        })
    });

    let mut repo = RecordRepository::new(&store);
    let loaded = block_on(repo.load(Timestamp(T0), &|_| {})).expect("load");
    let cell = RefCell::new((loaded.data, SavedLists::default()));
    let clock = Cell::new(T0 + 1);
    let tick = || {
        clock.set(clock.get() + 1);
        Timestamp(clock.get())
    };
    // The second as the app saves an edit that names no events: the 2.55 M events are not
    // looked through.
    for (name, skip_events) in [
        ("one customer edit → committed", false),
        ("one customer edit → committed, events skipped", true),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let now = tick();
                {
                    let mut c = cell.borrow_mut();
                    let customer = &mut c.0.customers[12_345];
                    customer.points += 1;
                    customer.updated_at = now;
                }
                if skip_events {
                    repo.skip_events_once();
                }
                block_on(repo.save(&cell, &tick)).expect("saved").records
            })
        });
    }
    group.bench_function("bulk tag of all 100,000 → committed", |b| {
        b.iter(|| {
            let now = tick();
            let everyone: HashSet<Uuid> = cell.borrow().0.customers.iter().map(|c| c.id).collect();
            let tag = format!("t{}", now.0);
            bulk::apply(
                &mut cell.borrow_mut().0,
                &everyone,
                &BulkAction::AddTag(tag),
                now,
                Uuid::nil,
            );
            block_on(repo.save(&cell, &tick)).expect("saved").records
        })
    });
    group.finish();
    let _: &Dataset = &cell.borrow().0;
}

criterion_group!(benches, records);
criterion_main!(benches);
