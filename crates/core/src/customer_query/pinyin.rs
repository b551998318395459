//! Pinyin of Chinese names, so `zs` or `zhangsan` finds 张三: the readings, with the surnames
//! read otherwise than their character's most common reading. Separate: it holds the table of
//! Chinese readings (data, not wording).

use ::pinyin::ToPinyin;

/// Surnames whose reading differs from the character's most common one.
const SURNAME_READINGS: [(char, &str); 10] = [
    ('曾', "zeng"),
    ('单', "shan"),
    ('仇', "qiu"),
    ('解', "xie"),
    ('查', "zha"),
    ('区', "ou"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('覃', "qin"),
];

/// The pinyin syllables of a name (ü written `v`, as people type it); other characters
/// (Latin letters, digits) are kept as they are, lowercased.
pub fn pinyin_syllables(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (ch, py)) in name.chars().zip(name.to_pinyin()).enumerate() {
        let reading = SURNAME_READINGS
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
