//! Whether the first row of a file names its columns.
//!
//! It does when its cells are distinct, mostly not numbers or dates, and either one of them is
//! a column name the mapping knows (`手机号`, `InvoiceDate`) or some column changes type below
//! it (the name `amount` above numbers). A file whose columns are all text and whose names are
//! unknown reads as headerless; the `import-has-header` checkbox overrides the guess.

use super::mapping::is_known_header;
use super::types::SampleRow;
use super::values;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CellType {
    Empty,
    /// A number or a date/time: what data cells are and names are not.
    Value,
    Text,
}

fn cell_type(cell: &str) -> CellType {
    let v = values::unescape_text(cell);
    if v.is_empty() {
        CellType::Empty
    } else if values::parse_decimal(v).is_ok() || values::scan_time(v).is_ok() {
        CellType::Value
    } else {
        CellType::Text
    }
}

/// The header decision over a sample of the first rows.
pub fn looks_like_header(sample: &[SampleRow]) -> bool {
    let Some(first) = sample.first() else {
        return false;
    };
    let filled: Vec<&str> = first
        .cells
        .iter()
        .map(|c| values::unescape_text(c))
        .filter(|c| !c.is_empty())
        .collect();
    if filled.is_empty() {
        return false;
    }
    let mut distinct = filled.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != filled.len() {
        return false;
    }
    let types: Vec<CellType> = first.cells.iter().map(|c| cell_type(c)).collect();
    let text = types.iter().filter(|t| **t == CellType::Text).count();
    // Mostly non-numeric.
    if text * 2 < filled.len() {
        return false;
    }
    if filled.iter().any(|c| is_known_header(c)) {
        return true;
    }
    let rest = &sample[1..];
    if rest.is_empty() {
        // A single row of text only: a header with no data yet.
        return text == filled.len();
    }
    // Some column changes type below the first row: a name above values.
    types.iter().enumerate().any(|(col, t)| {
        if *t != CellType::Text {
            return false;
        }
        let below: Vec<CellType> = rest
            .iter()
            .filter_map(|r| r.cells.get(col))
            .map(|c| cell_type(c))
            .filter(|t| *t != CellType::Empty)
            .collect();
        !below.is_empty()
            && below.iter().filter(|t| **t == CellType::Value).count() * 2 > below.len()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(rows: &[&[&str]]) -> Vec<SampleRow> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| SampleRow {
                number: i + 1,
                cells: r.iter().map(|c| c.to_string()).collect(),
            })
            .collect()
    }

    #[test]
    fn headers_are_recognised_both_ways() {
        assert!(looks_like_header(&rows(&[
            &["InvoiceNo", "Quantity", "CustomerID"],
            &["536365", "6", "17850.0"],
        ])));
        // Unknown names, but numbers below them.
        assert!(looks_like_header(&rows(&[
            &["Kunde", "Betrag"],
            &["Anna", "12,50"]
        ])));
        // The Taobao file: numbers and words from the first row on.
        assert!(!looks_like_header(&rows(&[
            &["1", "2268318", "2520377", "pv", "1511544070"],
            &["1", "2333346", "2520771", "pv", "1511561733"],
        ])));
        // Text all the way down with unknown names: no header.
        assert!(!looks_like_header(&rows(&[
            &["张三", "杭州"],
            &["李四", "上海"]
        ])));
        // Repeated names are data, not a header.
        assert!(!looks_like_header(&rows(&[&["a", "a"], &["1", "2"]])));
        assert!(!looks_like_header(&[]));
    }
}
