//! Cell text → typed values. Every parser returns a [`Reason`](super::Reason) when it cannot read a value, so
//! the error report can say why. By kind of value:
//!
//! - [`time`]: dates and times in the forms files use, with the day/month order and the time
//!   zone applied afterwards ([`RawTime::resolve`]).
//! - [`money`]: amounts and quantities, exactly, through [`crate::money`].
//! - [`contact`]: phones, e-mails and tags through [`crate::contact`].
//! - [`words`]: ids, text, channel names and behaviour words.

pub mod contact;
pub mod money;
pub mod time;
pub mod words;

pub use contact::{normalize_email, normalize_phone, tags};
pub use money::{micros_to_cents, parse_decimal, parse_money};
pub use time::{DateOrder, RawDate, RawTime, parse_time, scan_time, utc_label};
pub use words::{channel_code, event_kind, id_slice, is_behaviour_word, normalize_id, text};

/// Drops the apostrophe that exports (ours included, see `export::safe_text`) put before a
/// value a spreadsheet would run as a formula, so an exported file imports back unchanged.
pub fn unescape_text(s: &str) -> &str {
    let s = s.trim();
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => s,
    }
}

/// `12923.0` → `12923` (what a number column becomes in Excel or pandas exports).
fn strip_zero_fraction(s: &str) -> &str {
    match s.split_once('.') {
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_escape_dropped() {
        assert_eq!(unescape_text("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape_text("'tis"), "'tis");
    }
}
