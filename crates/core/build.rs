//! Writes the pinyin readings' table (`customer_query::readings`) from the `pinyin` crate, in a
//! shape that costs the page's first download less (issue 14): the crate keeps a `u16` per code
//! point of its blocks (100,217 of them, zeros included) indexing its 1,550 toned readings, and
//! a table of those readings: ~215 KB in the wasm, ~74 KB gzipped. Only the plain reading of a
//! character is ever read, so here a bitmap says which code points have one (41,923 do), and
//! for those the index of the plain syllable (415 of them, < 512) is kept in two byte planes:
//! 97 KB, ~54 KB gzipped. The readings are the crate's, character for character
//! (crates/core/tests/pinyin_readings.rs checks every code point).

use pinyin::ToPinyin;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Code points closer than this to the previous character with a reading share its block:
/// fewer blocks to search, a few more bits of bitmap.
const GAP: u32 = 2048;

/// Bitmap words per entry of the rank table (512 code points).
const WORDS_PER_RANK: usize = 8;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The plain reading of every character that has one, in code point order.
    let readings: Vec<(u32, String)> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter_map(|c| {
            // ü is written `v`, as people type it (the search matches typed text).
            c.to_pinyin()
                .map(|p| (u32::from(c), p.plain().replace('ü', "v")))
        })
        .collect();

    // The syllables, numbered from 1 in sorted order.
    let mut syllables: BTreeMap<&str, u16> = BTreeMap::new();
    for (_, s) in &readings {
        syllables.insert(s, 0);
    }
    for (i, n) in syllables.values_mut().enumerate() {
        *n = u16::try_from(i + 1).expect("fewer than 65,535 syllables");
    }
    assert!(syllables.len() < 512, "the index takes 9 bits");

    // Blocks: (first code point, length, position of its first code point in the bitmap).
    let mut blocks: Vec<(u32, u32)> = Vec::new();
    for &(code, _) in &readings {
        match blocks.last_mut() {
            Some((start, len)) if *start + *len + GAP > code => *len = code - *start + 1,
            _ => blocks.push((code, 1)),
        }
    }
    let bits: u32 = blocks.iter().map(|(_, len)| len).sum();
    let mut present = vec![0u64; (bits as usize).div_ceil(64)];
    let mut lo = Vec::with_capacity(readings.len());
    let mut hi = Vec::with_capacity(readings.len());
    let mut next = readings.iter().peekable();
    let mut pos = 0usize;
    let mut block_rows = String::new();
    for &(start, len) in &blocks {
        writeln!(block_rows, "    ({start}, {len}, {pos}),").expect("string");
        for code in start..start + len {
            if let Some((_, s)) = next.next_if(|(c, _)| *c == code) {
                present[pos / 64] |= 1 << (pos % 64);
                let [l, h] = syllables[s.as_str()].to_le_bytes();
                lo.push(l);
                hi.push(h);
            }
            pos += 1;
        }
    }
    assert!(next.next().is_none(), "every reading placed");
    let mut rank = Vec::new();
    let mut count = 0u32;
    for (i, word) in present.iter().enumerate() {
        if i % WORDS_PER_RANK == 0 {
            rank.push(count);
        }
        count += word.count_ones();
    }

    let mut names = String::new();
    let mut ends = vec![0usize];
    for s in syllables.keys() {
        names.push_str(s);
        ends.push(names.len());
    }

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let mut rs = String::new();
    writeln!(rs, "const WORDS_PER_RANK: usize = {WORDS_PER_RANK};").expect("string");
    writeln!(
        rs,
        "static BLOCKS: [(u32, u32, usize); {}] = [\n{block_rows}];",
        blocks.len()
    )
    .expect("string");
    writeln!(
        rs,
        "static PRESENT: [u64; {}] = {present:?};",
        present.len()
    )
    .expect("string");
    writeln!(rs, "static RANK: [u32; {}] = {rank:?};", rank.len()).expect("string");
    writeln!(rs, "static SYLLABLES: &str = {names:?};").expect("string");
    writeln!(
        rs,
        "static SYLLABLE_ENDS: [u16; {}] = {ends:?};",
        ends.len()
    )
    .expect("string");
    for (name, file, len) in [
        ("LOW", "readings_low.bin", lo.len()),
        ("HIGH", "readings_high.bin", hi.len()),
    ] {
        writeln!(
            rs,
            "static {name}: &[u8; {len}] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\"));"
        )
        .expect("string");
    }
    std::fs::write(out.join("readings.rs"), rs).expect("write readings.rs");
    std::fs::write(out.join("readings_low.bin"), lo).expect("write readings_low.bin");
    std::fs::write(out.join("readings_high.bin"), hi).expect("write readings_high.bin");
}
