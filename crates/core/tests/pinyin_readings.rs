//! The readings' table (crates/core/data/pinyin-readings.bin, compiled in with the
//! `builtin-readings` feature) against the `pinyin` crate it is made from: the file is what the
//! crate's data makes, and every code point reads as the crate reads it, alone and after
//! another character (the surname readings apply only to a name's first character).

use kezhi_core::customer_query::pinyin_syllables;
use pinyin::ToPinyin;

/// The readings' table as `customer_query::readings` reads it, made from the crate: the plain
/// reading of every character that has one (ü written `v`, as people type it); a bitmap of
/// those code points in blocks, a rank entry per `WORDS_PER_RANK` words of it, and each
/// reading's syllable number (1-based, in sorted order) in two byte planes.
fn table_from_the_crate() -> Vec<u8> {
    use std::collections::BTreeMap;
    // Code points closer than this to the previous character with a reading share its block:
    // fewer blocks to search, a few more bits of bitmap.
    const GAP: u32 = 2048;
    const WORDS_PER_RANK: u32 = 8;
    let readings: Vec<(u32, String)> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter_map(|c| {
            c.to_pinyin()
                .map(|p| (u32::from(c), p.plain().replace('ü', "v")))
        })
        .collect();
    let mut syllables: BTreeMap<&str, u16> = BTreeMap::new();
    for (_, s) in &readings {
        syllables.insert(s, 0);
    }
    for (i, n) in syllables.values_mut().enumerate() {
        *n = u16::try_from(i + 1).expect("fewer than 65,535 syllables");
    }
    let mut blocks: Vec<(u32, u32)> = Vec::new();
    for &(code, _) in &readings {
        match blocks.last_mut() {
            Some((start, len)) if *start + *len + GAP > code => *len = code - *start + 1,
            _ => blocks.push((code, 1)),
        }
    }
    let bits: u32 = blocks.iter().map(|(_, len)| len).sum();
    let mut present = vec![0u64; (bits as usize).div_ceil(64)];
    let (mut low, mut high) = (Vec::new(), Vec::new());
    let mut block_rows = Vec::new();
    let mut next = readings.iter().peekable();
    let mut pos = 0u32;
    for &(start, len) in &blocks {
        block_rows.push((start, len, pos));
        for code in start..start + len {
            if let Some((_, s)) = next.next_if(|(c, _)| *c == code) {
                present[pos as usize / 64] |= 1 << (pos % 64);
                let [l, h] = syllables[s.as_str()].to_le_bytes();
                low.push(l);
                high.push(h);
            }
            pos += 1;
        }
    }
    assert!(next.next().is_none(), "every reading placed");
    let mut rank = Vec::new();
    let mut count = 0u32;
    for (i, word) in present.iter().enumerate() {
        if i % WORDS_PER_RANK as usize == 0 {
            rank.push(count);
        }
        count += word.count_ones();
    }
    let mut names = String::new();
    let mut ends = vec![0u16];
    for s in syllables.keys() {
        names.push_str(s);
        ends.push(u16::try_from(names.len()).expect("short"));
    }
    let n = |len: usize| u32::try_from(len).expect("fits").to_le_bytes();
    let mut out = b"KZPY".to_vec();
    out.extend(1u32.to_le_bytes());
    out.extend(WORDS_PER_RANK.to_le_bytes());
    for len in [
        block_rows.len(),
        present.len(),
        rank.len(),
        ends.len(),
        names.len(),
        low.len(),
    ] {
        out.extend(n(len));
    }
    for (start, len, first) in block_rows {
        out.extend(start.to_le_bytes());
        out.extend(len.to_le_bytes());
        out.extend(first.to_le_bytes());
    }
    present.iter().for_each(|w| out.extend(w.to_le_bytes()));
    rank.iter().for_each(|r| out.extend(r.to_le_bytes()));
    ends.iter().for_each(|e| out.extend(e.to_le_bytes()));
    out.extend(names.as_bytes());
    out.extend(low);
    out.extend(high);
    out
}

/// The file in the repository is the one the crate's data makes (`KEZHI_WRITE_READINGS=1`
/// writes it again, after a new version of the crate).
#[test]
fn the_table_file_is_made_from_the_crate() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/pinyin-readings.bin");
    let made = table_from_the_crate();
    if std::env::var_os("KEZHI_WRITE_READINGS").is_some() {
        std::fs::write(&path, &made).expect("write the table");
    }
    let file = std::fs::read(&path).expect("the table file");
    assert!(
        file == made,
        "{} is not what the crate's data makes",
        path.display()
    );
}

/// What `pinyin_syllables` gave when it read the crate directly (before the table).
fn syllables_from_the_crate(name: &str) -> Vec<String> {
    const SURNAMES: [(char, &str); 10] = [
        ('\u{66fe}', "zeng"),
        ('\u{5355}', "shan"),
        ('\u{4ec7}', "qiu"),
        ('\u{89e3}', "xie"),
        ('\u{67e5}', "zha"),
        ('\u{533a}', "ou"),
        ('\u{6734}', "piao"),
        ('\u{76d6}', "ge"),
        ('\u{4e50}', "yue"),
        ('\u{8983}', "qin"),
    ];
    let mut out = Vec::new();
    for (i, (ch, py)) in name.chars().zip(name.to_pinyin()).enumerate() {
        let reading = SURNAMES
            .iter()
            .find(|(c, _)| i == 0 && *c == ch)
            .map(|(_, r)| r.to_string());
        match (reading, py) {
            (Some(r), _) => out.push(r),
            (None, Some(p)) => out.push(p.plain().replace('ü', "v")),
            (None, None) if ch.is_alphanumeric() => out.push(ch.to_lowercase().collect()),
            (None, None) => {}
        }
    }
    out
}

#[test]
fn every_code_point_reads_as_the_crate_reads_it() {
    let mut with_reading = 0;
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        if c.to_pinyin().is_some() {
            with_reading += 1;
        }
        let alone = c.to_string();
        assert_eq!(
            pinyin_syllables(&alone),
            syllables_from_the_crate(&alone),
            "{c:?}"
        );
        let second = format!("a{c}");
        assert_eq!(
            pinyin_syllables(&second),
            syllables_from_the_crate(&second),
            "a{c:?}"
        );
    }
    // The crate's data as of pinyin 0.11.0: a new version with other readings shows here.
    assert_eq!(with_reading, 41_923);
}

#[test]
fn names_read_with_their_surnames() {
    assert_eq!(pinyin_syllables("曾志强"), ["zeng", "zhi", "qiang"]);
    assert_eq!(pinyin_syllables("志曾"), ["zhi", "ceng"]);
    assert_eq!(pinyin_syllables("吕布"), ["lv", "bu"]);
    assert_eq!(pinyin_syllables("女"), ["nv"]);
    assert_eq!(pinyin_syllables("𠀀"), ["he"]);
    assert_eq!(pinyin_syllables("Amy 王"), ["a", "m", "y", "wang"]);
}
