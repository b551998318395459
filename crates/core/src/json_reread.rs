//! Reading a type out of a `serde_json::Value` by way of its JSON text.
//!
//! `serde_json::from_value` compiles every type's derived `Deserialize` once more, for the
//! `Value` deserializer, and so does each type it contains (dates, ids, lists): in the page's
//! wasm that was a second copy of the readers of the saved segments and funnels and the
//! analytics settings that sync and backups bring (issue 14). Those types are read from text
//! anyway — the stored records with `from_slice`, the older formats and the preferences with
//! `from_str` — so printing the value and parsing the text with the same reader reuses that
//! code. (The desk's records are read from a `Value` everywhere: `from_value` is their only
//! copy, and they stay with it.) The result is the same: the text is serde_json's own printing of the value (numbers
//! and strings come back exactly; these types hold no floats), and a parse error names the
//! same field and value as `from_value` would, without a line and column. The cost, a copy of
//! one small item as text, is nothing beside a sync round or a restore.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// [`serde_json::from_value`] for a type that is also read with [`serde_json::from_str`].
pub fn from_value_as_str<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_str(&value.to_string()).map_err(without_position)
}

/// [`serde_json::from_value`] for a type that is also read with [`serde_json::from_slice`].
pub fn from_value_as_slice<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_slice(value.to_string().as_bytes()).map_err(without_position)
}

/// The error as `from_value` words it: a position in text printed here means nothing to
/// whoever reads the message (a damaged record's report).
fn without_position(e: serde_json::Error) -> serde_json::Error {
    if e.line() == 0 {
        return e;
    }
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    <serde_json::Error as serde::de::Error>::custom(text.strip_suffix(&suffix).unwrap_or(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Item {
        id: u32,
        #[serde(default)]
        tags: Vec<String>,
        note: Option<String>,
        big: i64,
    }

    #[test]
    fn reads_what_from_value_reads() {
        let v = json!({"id": 7, "tags": ["高价值", "a\"b"], "note": null, "big": -9_007_199_254_740_993i64, "extra": {"x": [1, 2]}});
        let want: Item = serde_json::from_value(v.clone()).expect("from_value");
        assert_eq!(from_value_as_str::<Item>(&v).expect("str"), want);
        assert_eq!(from_value_as_slice::<Item>(&v).expect("slice"), want);
        assert_eq!(
            want,
            Item {
                id: 7,
                tags: vec!["高价值".into(), "a\"b".into()],
                note: None,
                big: -9_007_199_254_740_993,
            }
        );
    }

    #[test]
    fn errors_read_as_from_value_words_them() {
        for v in [
            json!({"tags": [], "big": 1}),
            json!({"id": "seven", "big": 1}),
            json!({"id": -1, "big": 1}),
            json!([1]),
            json!("text"),
        ] {
            let want = serde_json::from_value::<Item>(v.clone())
                .expect_err("from_value fails")
                .to_string();
            let got = from_value_as_str::<Item>(&v)
                .expect_err("fails")
                .to_string();
            assert_eq!(got, want, "{v}");
            let got = from_value_as_slice::<Item>(&v)
                .expect_err("fails")
                .to_string();
            assert_eq!(got, want, "{v}");
        }
        assert_eq!(
            from_value_as_str::<Item>(&json!({"id": 1})).map_err(|e| e.to_string()),
            Err("missing field `big`".to_string())
        );
    }
}
