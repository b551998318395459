//! Interned strings for values that repeat across millions of records (event types, item
//! and category ids, channels): a [`Sym`] is 4 bytes, `Copy`, and compares by number.
//!
//! The interner lives for the whole program and never forgets a string: the distinct values
//! are few (thousands, even for large imports), while the records holding them are many.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(NonZeroU32);

#[derive(Default)]
struct Interner {
    strings: Vec<&'static str>,
    /// Fx hashing: loading interns a few million strings (SipHash was a tenth of decoding
    /// the events); the keys are short texts of the user's own data.
    ids: rustc_hash::FxHashMap<&'static str, NonZeroU32>,
}

fn interner() -> &'static Mutex<Interner> {
    static INTERNER: OnceLock<Mutex<Interner>> = OnceLock::new();
    INTERNER.get_or_init(Default::default)
}

impl Sym {
    pub fn new(s: &str) -> Sym {
        // A poisoned lock still holds a consistent table: every insert is complete.
        let mut table = interner().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = table.ids.get(s) {
            return Sym(id);
        }
        let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
        table.strings.push(leaked);
        let id = NonZeroU32::new(table.strings.len() as u32).unwrap_or(NonZeroU32::MIN);
        table.ids.insert(leaked, id);
        Sym(id)
    }

    /// A small number of its own (symbols are numbered from 1 as they are first interned), for
    /// counting by symbol in a vector instead of a hash map.
    pub(crate) fn number(self) -> usize {
        self.0.get() as usize
    }

    /// Symbols' texts joined by `separator` (a customer's tags in a cell or a form).
    pub fn join(symbols: &[Sym], separator: &str) -> String {
        let mut out = String::new();
        for (k, s) in symbols.iter().enumerate() {
            if k > 0 {
                out.push_str(separator);
            }
            out.push_str(s.as_str());
        }
        out
    }

    /// Every interned symbol whose text `keep` accepts, from one pass over the table; `None`
    /// when more than `limit` symbols are interned (the pass would cost more than the caller's
    /// other way). A symbol interned later is not among them.
    pub(crate) fn matching(limit: usize, mut keep: impl FnMut(&str) -> bool) -> Option<Vec<Sym>> {
        // A poisoned lock still holds a consistent table: every insert is complete.
        let table = interner().lock().unwrap_or_else(|e| e.into_inner());
        if table.strings.len() > limit {
            return None;
        }
        let found = table.strings.iter().zip(1u32..).filter(|(s, _)| keep(s));
        Some(
            found
                .filter_map(|(_, id)| NonZeroU32::new(id).map(Sym))
                .collect(),
        )
    }

    pub fn as_str(self) -> &'static str {
        let k = self.0.get() as usize - 1;
        // Reading millions of symbols (a segment over every customer) should not take the lock
        // each time: each thread keeps a copy of the table, which only ever grows, and
        // refreshes it when it meets a newer symbol.
        thread_local! {
            static SEEN: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        SEEN.with(|seen| {
            if let Some(s) = seen.borrow().get(k) {
                return *s;
            }
            let table = interner().lock().unwrap_or_else(|e| e.into_inner());
            let mut seen = seen.borrow_mut();
            seen.clone_from(&table.strings);
            seen.get(k).copied().unwrap_or("")
        })
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Counts of symbols by their number: ten million events, or every customer's city and tags,
/// cost one pass of increments (hashing each was most of half a second in wasm at 500,000
/// customers; a tag's text read from the heap, a cache miss per tag). The segment editor's
/// completions and the customer list's filter menus count with it.
#[derive(Default)]
pub(crate) struct SymCounts {
    counts: Vec<usize>,
    symbols: Vec<Option<Sym>>,
}

impl SymCounts {
    pub(crate) fn add(&mut self, v: Sym) {
        self.add_n(v, 1);
    }

    /// Counts `v` `n` times.
    pub(crate) fn add_n(&mut self, v: Sym, n: usize) {
        let k = v.number();
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
            self.symbols.resize(k + 1, None);
        }
        self.counts[k] += n;
        self.symbols[k] = Some(v);
    }

    /// Each symbol met, with its count (in the order of the symbols' numbers).
    pub(crate) fn counted(self) -> impl Iterator<Item = (&'static str, usize)> {
        self.symbols
            .into_iter()
            .zip(self.counts)
            .filter_map(|(s, n)| s.map(|s| (s.as_str(), n)))
    }
}

/// Ordered by the text, so sorted output does not depend on the order of interning.
impl Ord for Sym {
    fn cmp(&self, other: &Self) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Sym::new(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_by_value_and_ordering_by_text() {
        let a = Sym::new("view");
        let b = Sym::new(&String::from("view"));
        assert_eq!(a, b);
        assert_eq!(a, "view");
        assert_eq!(std::mem::size_of::<Option<Sym>>(), 4);
        let (z, y) = (Sym::new("zzz-late"), Sym::new("aaa-later"));
        assert!(y < z, "by text, not by interning order");
        assert_eq!(format!("{z}|{z:?}"), "zzz-late|\"zzz-late\"");
        let json = serde_json::to_string(&a).expect("json");
        assert_eq!(json, "\"view\"");
        assert_eq!(serde_json::from_str::<Sym>(&json).expect("back"), a);
    }
}
