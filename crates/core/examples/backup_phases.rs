//! How long each half of a backup takes at 100,000 customers (the page's half and the files
//! worker's half, docs/benchmarks.md):
//! `cargo run --release -p kezhi-core --example backup_phases [customers]`.
use kezhi_core::Timestamp;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::backup::{
    backup_from_parts, backup_parts, read_backup_parts, write_backup_parts,
};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let size = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let data = generate(&DemoConfig::new(size, end));
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let parts = backup_parts(&data, &BTreeMap::new(), Timestamp(0));
    let page_write = ms(t);
    let raw: usize = parts.sections.iter().map(Vec::len).sum();
    let t = Instant::now();
    let file = write_backup_parts(&parts);
    let worker_write = ms(t);
    let t = Instant::now();
    let read = read_backup_parts(&file).expect("reads");
    let worker_read = ms(t);
    let t = Instant::now();
    let back = backup_from_parts(read).expect("decodes");
    let page_read = ms(t);
    assert_eq!(back.data.counts(), data.counts());
    println!(
        "{size} customers ({:?}): records {raw} bytes, file {} bytes\n  write: page {page_write:.0} ms (section bytes), worker {worker_write:.0} ms (deflate, base64, JSON)\n  read:  worker {worker_read:.0} ms (JSON, base64, inflate), page {page_read:.0} ms (decode, order, count)",
        data.counts(),
        file.len()
    );
}
