//! How long each half of a backup takes at 100,000 customers (the page's half and the files
//! worker's half, docs/benchmarks.md):
//! `cargo run --release -p kezhi-core --example backup_phases [customers]`.
use kezhi_core::Timestamp;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::Section;
use kezhi_core::store::backup::{
    BackupParts, BackupRead, backup_from_parts, backup_parts, read_backup_parts, write_backup_parts,
};
use kezhi_core::store::codec::SectionLayout;
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
    // The page's halves as the page runs them: in steps of 20,000 records (the longest step
    // is what a slice of the page's work cannot go below).
    let t = Instant::now();
    let mut longest = 0.0f64;
    let mut stepped = BackupParts::begin(data.counts(), &BTreeMap::new(), Timestamp(0));
    for section in Section::ALL {
        let mut layout = SectionLayout::new(section);
        loop {
            let s = Instant::now();
            let more = layout.step(&data, 20_000).is_some();
            longest = longest.max(ms(s));
            if !more {
                break;
            }
        }
        let s = Instant::now();
        stepped.sections.push(layout.finish(&data));
        longest = longest.max(ms(s));
    }
    let layout_ms = ms(t);
    assert!(stepped == parts, "the layout in steps is the same");
    let t = Instant::now();
    let mut read_longest = 0.0f64;
    let mut read = BackupRead::new(read_backup_parts(&file).expect("reads")).expect("parts");
    loop {
        let s = Instant::now();
        let more = read.step(20_000).expect("decodes").is_some();
        if ms(s) > 40.0 && std::env::var("SHOW").is_ok() {
            eprintln!("read step {:.1} ms at {:?}", ms(s), read.progress());
        }
        read_longest = read_longest.max(ms(s));
        if !more {
            break;
        }
    }
    let stepped_back = read.finish().expect("checks");
    let read_ms = ms(t);
    assert!(stepped_back == back, "the read in steps is the same");
    println!(
        "  in steps of 20,000 records: layout {layout_ms:.0} ms (longest step {longest:.1} ms), read {read_ms:.0} ms (longest step {read_longest:.1} ms, the unpacking included)"
    );
    println!(
        "{size} customers ({:?}): records {raw} bytes, file {} bytes\n  write: page {page_write:.0} ms (section bytes), worker {worker_write:.0} ms (deflate, base64, JSON)\n  read:  worker {worker_read:.0} ms (JSON, base64, inflate), page {page_read:.0} ms (decode, order, count)",
        data.counts(),
        file.len()
    );
}
