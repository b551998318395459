//! Pinyin of Chinese names, so `zs` or `zhangsan` finds 张三: the readings, with the surnames
//! read otherwise than their character's most common reading. Separate: it holds the table of
//! Chinese readings (data, not wording); the readings of all other characters are in `readings`.

use super::readings::plain_reading;

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
    for (i, ch) in name.chars().enumerate() {
        let reading = SURNAME_READINGS
            .iter()
            .find(|(c, _)| i == 0 && *c == ch)
            .map(|(_, r)| r.to_string());
        match (reading, plain_reading(ch)) {
            (Some(r), _) => out.push(r),
            (None, Some(p)) => out.push(p.to_string()),
            (None, None) if ch.is_alphanumeric() => out.push(ch.to_lowercase().collect()),
            (None, None) => {}
        }
    }
    out
}
