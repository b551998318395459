//! Prints how big and how fast the demo data is: `cargo run --release -p kezhi-core --example measure`.
use kezhi_core::Timestamp;
use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::store::{MemoryStore, Repository, Section, codec};
use std::time::Instant;

fn main() {
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    for size in DEMO_SIZES {
        let t = Instant::now();
        let data = generate(&DemoConfig::new(size, end));
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let counts = data.counts();
        let t = Instant::now();
        let sizes: Vec<(&str, usize)> = Section::ALL
            .iter()
            .map(|s| (s.name(), codec::encode_section(&data, *s).len()))
            .collect();
        let enc_ms = t.elapsed().as_secs_f64() * 1e3;
        let total: usize = sizes.iter().map(|(_, n)| n).sum();
        let mut repo = Repository::new(MemoryStore::default(), "m");
        let mut copy = data.clone();
        let _ = repo.save(&mut copy, &Section::ALL, Timestamp(0));
        let t = Instant::now();
        let _ = repo.load(Timestamp(0));
        let load_ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "{size} customers: {counts:?}\n  generate {gen_ms:.1} ms, encode {enc_ms:.1} ms, load {load_ms:.1} ms, stored {total} bytes ({:.1}% of 5 MiB) {sizes:?}",
            total as f64 / 5_242_880.0 * 100.0
        );
    }
}
