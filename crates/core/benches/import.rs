//! Import of 500,000 generated order lines (CSV, Chinese headers, about 2.5 lines per order,
//! 50,000 customers, amounts from quantity × unit price): reading into a plan, committing it to
//! empty data, and importing the same file again into the result (everything matched, nothing
//! added). `cargo bench -p kezhi-core --bench import`; results in docs/benchmarks.md.

use criterion::{Criterion, criterion_group, criterion_main};
use kezhi_core::import::{ImportKind, ImportOptions, ReadOptions, read_file};
use kezhi_core::{Dataset, Timestamp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const LINES: usize = 500_000;

/// A deterministic file of `lines` order lines, in the shape of a shop back office export.
fn order_lines(lines: usize) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let channels = ["天猫", "京东", "抖音", "微信小程序", "线下门店"];
    let regions = ["浙江", "广东", "江苏", "上海", "北京", "四川"];
    let mut out = String::with_capacity(lines * 80);
    out.push_str("订单编号,会员ID,下单时间,商品编码,数量,单价,平台,省份\n");
    let mut written = 0;
    let mut order = 0u64;
    while written < lines {
        order += 1;
        let customer = rng.gen_range(0..50_000u32);
        let day = rng.gen_range(0..365u32);
        let secs = rng.gen_range(0..86_400u32);
        let (month, mday) = (1 + day / 31 % 12, 1 + day % 28);
        let channel = channels[rng.gen_range(0..channels.len())];
        let region = regions[rng.gen_range(0..regions.len())];
        let items = rng.gen_range(1..=4);
        let refund = rng.gen_ratio(1, 25);
        for _ in 0..items {
            if written == lines {
                break;
            }
            let quantity: i32 = rng.gen_range(1..=5);
            let quantity = if refund { -quantity } else { quantity };
            let price = rng.gen_range(100..100_000u32);
            out.push_str(&format!(
                "{}TM2025{order:08},VIP{customer:06},2025-{month:02}-{mday:02} {:02}:{:02}:{:02},SKU{},{quantity},{}.{:02},{channel},{region}\n",
                if refund { "C" } else { "" },
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                rng.gen_range(1000..9999),
                price / 100,
                price % 100,
            ));
            written += 1;
        }
    }
    out.into_bytes()
}

fn import(c: &mut Criterion) {
    let file = order_lines(LINES);
    let read = ReadOptions::default();
    let now = Timestamp(1_767_225_600_000);
    let plan = || {
        read_file(
            file.clone(),
            &read,
            ImportKind::Orders,
            None,
            ImportOptions::default(),
        )
        .expect("readable")
    };
    let first = plan();
    assert_eq!(first.counts.imported(), LINES);
    let mut data = Dataset::default();
    let change = first.changes(&data, now);
    if let Some(s) = &change.summary {
        eprintln!(
            "{} bytes; {}; orders {} (refunds {}), customers {}",
            file.len(),
            s.headline(),
            s.orders_created,
            s.refunds,
            s.customers_created
        );
    }
    change.apply_to(&mut data);

    let mut group = c.benchmark_group("import 500000 order lines");
    group.sample_size(10);
    group.bench_function("read into a plan", |b| b.iter(|| black_box(plan())));
    group.bench_function("commit to empty data", |b| {
        b.iter(|| {
            let mut empty = Dataset::default();
            first.changes(&empty, now).apply_to(&mut empty);
            black_box(empty.orders.len())
        })
    });
    group.bench_function("read + commit (the whole import)", |b| {
        b.iter(|| {
            let mut empty = Dataset::default();
            plan().changes(&empty, now).apply_to(&mut empty);
            black_box(empty.orders.len())
        })
    });
    group.bench_function("the same file again (all matched)", |b| {
        b.iter(|| {
            let change = first.changes(&data, now);
            black_box(change.is_empty())
        })
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
