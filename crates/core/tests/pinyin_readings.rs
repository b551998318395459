//! The readings' table written by crates/core/build.rs against the `pinyin` crate it is made
//! from: every code point, alone and after another character (the surname readings apply only
//! to a name's first character).

use kezhi_core::customer_query::pinyin_syllables;
use pinyin::ToPinyin;

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
