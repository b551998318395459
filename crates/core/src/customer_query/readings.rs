//! The plain pinyin reading of a Chinese character (`张` → `zhang`, ü written `v`), from a
//! compact table made out of the `pinyin` crate's data: a bitmap of the code points that have
//! a reading, and for those the index of the syllable in two byte planes (97 KB, 54 KB
//! gzipped, where the crate's own table is 215 KB). The table is the file
//! crates/core/data/pinyin-readings.bin, which crates/core/tests/pinyin_readings.rs writes
//! from the crate and checks code point by code point.
//!
//! **Not compiled into the page.** It was the largest single item of the page's first
//! download, and only the customer list's search and name order read it. The page fetches it
//! once it has started and hands it to [`install`]; until then names have no reading
//! ([`installed`] tells), and the list builds its index again when it comes. Native builds
//! (tests, benches) with the `builtin-readings` feature read the file compiled in.

use std::sync::OnceLock;

/// The table's file starts with this.
const MAGIC: &[u8; 4] = b"KZPY";
/// The layout below; a file of another version is not read.
const VERSION: u32 = 1;

/// Why a table could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadingsError {
    #[error("not a readings table (or another version of one)")]
    NotATable,
    #[error("the readings table is damaged")]
    Damaged,
    #[error("a readings table is installed already")]
    AlreadyInstalled,
}

/// The table, read: the file's arrays.
#[derive(Debug, PartialEq, Eq)]
pub struct Readings {
    /// Bitmap words per entry of `rank`.
    words_per_rank: usize,
    /// (first code point, length, position of the first code point in the bitmap).
    blocks: Vec<(u32, u32, usize)>,
    /// One bit per code point of the blocks: whether it has a reading.
    present: Vec<u64>,
    /// The set bits before each `words_per_rank` words of `present`.
    rank: Vec<u32>,
    /// Each reading's syllable number (1-based), low and high byte.
    low: Vec<u8>,
    high: Vec<u8>,
    /// Syllable `s` is `syllables[ends[s - 1]..ends[s]]`.
    ends: Vec<u16>,
    syllables: String,
}

static INSTALLED: OnceLock<Readings> = OnceLock::new();

/// Reads `bytes` as the readings' table and uses it from now on.
pub fn install(bytes: &[u8]) -> Result<(), ReadingsError> {
    let readings = Readings::read(bytes)?;
    INSTALLED
        .set(readings)
        .map_err(|_| ReadingsError::AlreadyInstalled)
}

/// Whether names have their readings: a table is installed (or compiled in).
pub fn installed() -> bool {
    table().is_some()
}

#[cfg(feature = "builtin-readings")]
fn table() -> Option<&'static Readings> {
    static BUILTIN: &[u8] = include_bytes!("../../data/pinyin-readings.bin");
    if let Some(table) = INSTALLED.get() {
        return Some(table);
    }
    // Read on first use (the tests read every code point through it); another thread may have
    // set it meanwhile, which is the same table.
    let _ = INSTALLED.set(Readings::read(BUILTIN).ok()?);
    INSTALLED.get()
}

#[cfg(not(feature = "builtin-readings"))]
fn table() -> Option<&'static Readings> {
    INSTALLED.get()
}

/// The character's plain reading, if it has one (and the table is there).
pub fn plain_reading(c: char) -> Option<&'static str> {
    table()?.reading(c)
}

/// A little-endian reader over the file.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ReadingsError> {
        if self.0.len() < n {
            return Err(ReadingsError::Damaged);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, ReadingsError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn count(&mut self) -> Result<usize, ReadingsError> {
        usize::try_from(self.u32()?).map_err(|_| ReadingsError::Damaged)
    }

    /// `n` items of `size` bytes, each read by `read`.
    fn items<T>(
        &mut self,
        n: usize,
        size: usize,
        read: impl Fn(&[u8]) -> T,
    ) -> Result<Vec<T>, ReadingsError> {
        let bytes = self.take(n.checked_mul(size).ok_or(ReadingsError::Damaged)?)?;
        Ok(bytes.chunks_exact(size).map(read).collect())
    }
}

impl Readings {
    /// Reads the file's layout — the magic, the version, the bitmap words per rank entry, six
    /// counts (blocks, bitmap words, rank entries, syllable ends, syllable bytes, readings),
    /// then the arrays in that order, little-endian, all `u32` but the bitmap's `u64`, the
    /// ends' `u16` and the bytes — and checks that every reading it can give lies
    /// inside it, so that a damaged file is refused here and never read wrong.
    pub fn read(bytes: &[u8]) -> Result<Self, ReadingsError> {
        let mut c = Cursor(bytes);
        if c.take(4).ok() != Some(MAGIC.as_slice()) || c.u32().ok() != Some(VERSION) {
            return Err(ReadingsError::NotATable);
        }
        let words_per_rank = c.count()?;
        let (blocks, words, ranks, ends, syllable_bytes, readings) = (
            c.count()?,
            c.count()?,
            c.count()?,
            c.count()?,
            c.count()?,
            c.count()?,
        );
        let blocks = c.items(blocks, 12, |b| {
            let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            (word(0), word(4), word(8) as usize)
        })?;
        let present = c.items(words, 8, |b| {
            u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        })?;
        let rank = c.items(ranks, 4, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))?;
        let ends = c.items(ends, 2, |b| u16::from_le_bytes([b[0], b[1]]))?;
        let syllables = std::str::from_utf8(c.take(syllable_bytes)?)
            .map_err(|_| ReadingsError::Damaged)?
            .to_string();
        let low = c.take(readings)?.to_vec();
        let high = c.take(readings)?.to_vec();
        let table = Readings {
            words_per_rank,
            blocks,
            present,
            rank,
            low,
            high,
            ends,
            syllables,
        };
        if !c.0.is_empty() || !table.is_whole() {
            return Err(ReadingsError::Damaged);
        }
        Ok(table)
    }

    /// Whether every lookup stays inside the arrays and every syllable is one.
    fn is_whole(&self) -> bool {
        let bits = self.present.len() * 64;
        let blocks_fit = self.blocks.iter().all(|&(start, len, first)| {
            start.checked_add(len).is_some() && first.saturating_add(len as usize) <= bits
        });
        let mut counted = 0u32;
        let mut ranks = Vec::new();
        for (i, w) in self.present.iter().enumerate() {
            if i % self.words_per_rank.max(1) == 0 {
                ranks.push(counted);
            }
            counted += w.count_ones();
        }
        let syllables = self.ends.len().saturating_sub(1);
        let ends_fit = self.ends.first() == Some(&0)
            && self.ends.windows(2).all(|w| w[0] < w[1])
            && self.ends.last().map(|&e| usize::from(e)) == Some(self.syllables.len())
            && self.syllables.bytes().all(|b| b.is_ascii_lowercase());
        let numbers_fit = self.low.iter().zip(&self.high).all(|(&l, &h)| {
            let s = usize::from(u16::from_le_bytes([l, h]));
            (1..=syllables).contains(&s)
        });
        self.words_per_rank > 0
            && blocks_fit
            && ranks == self.rank
            && counted as usize == self.low.len()
            && ends_fit
            && numbers_fit
    }

    fn reading(&self, c: char) -> Option<&str> {
        let code = u32::from(c);
        // Five blocks: a scan is as quick as a search.
        let &(start, _, first) = self
            .blocks
            .iter()
            .find(|&&(start, len, _)| code >= start && code - start < len)?;
        let pos = first + (code - start) as usize;
        let (word, bit) = (pos / 64, pos % 64);
        let w = *self.present.get(word)?;
        if w & (1 << bit) == 0 {
            return None;
        }
        // The reading's place among those present: the set bits before this one.
        let block = word / self.words_per_rank;
        let before: u32 = self.rank.get(block)?
            + self
                .present
                .get(block * self.words_per_rank..word)?
                .iter()
                .map(|w| w.count_ones())
                .sum::<u32>()
            + (w & ((1 << bit) - 1)).count_ones();
        let i = before as usize;
        let syllable = usize::from(u16::from_le_bytes([*self.low.get(i)?, *self.high.get(i)?]));
        let from = *self.ends.get(syllable.checked_sub(1)?)?;
        let to = *self.ends.get(syllable)?;
        self.syllables.get(usize::from(from)..usize::from(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = include_bytes!("../../data/pinyin-readings.bin");

    fn file() -> Readings {
        Readings::read(FILE).expect("the table file reads")
    }

    #[test]
    fn the_table_holds_every_syllable_once_in_order() {
        let t = file();
        assert_eq!(t.ends.len(), 416);
        let syllables: Vec<&str> = t
            .ends
            .windows(2)
            .map(|w| &t.syllables[usize::from(w[0])..usize::from(w[1])])
            .collect();
        assert!(syllables.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(syllables.first(), Some(&"a"));
        assert_eq!(syllables.last(), Some(&"zuo"));
        assert_eq!(t.low.len(), 41_923);
    }

    #[test]
    fn characters_read_and_those_outside_the_blocks_do_not() {
        let t = file();
        assert_eq!(t.reading('张'), Some("zhang"));
        assert_eq!(t.reading('吕'), Some("lv"));
        assert_eq!(t.reading('𠀀'), Some("he"));
        assert_eq!(t.reading('a'), None);
        assert_eq!(t.reading('\u{0}'), None);
        assert_eq!(t.reading(char::MAX), None);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused() {
        assert_eq!(Readings::read(b""), Err(ReadingsError::NotATable));
        assert_eq!(
            Readings::read(b"\0asm\x01\0\0\0"),
            Err(ReadingsError::NotATable)
        );
        let mut other_version = FILE.to_vec();
        other_version[4] = 2;
        assert_eq!(
            Readings::read(&other_version),
            Err(ReadingsError::NotATable)
        );
        // Cut short anywhere, or with a byte more.
        for len in [8, 40, FILE.len() / 2, FILE.len() - 1] {
            assert_eq!(
                Readings::read(&FILE[..len]),
                Err(ReadingsError::Damaged),
                "{len}"
            );
        }
        let mut longer = FILE.to_vec();
        longer.push(0);
        assert_eq!(Readings::read(&longer), Err(ReadingsError::Damaged));
        // A syllable number beyond the syllables (the high plane is the file's last bytes).
        let mut beyond = FILE.to_vec();
        let last = beyond.len() - 1;
        beyond[last] = 9;
        assert_eq!(Readings::read(&beyond), Err(ReadingsError::Damaged));
        // A bit of the bitmap flipped: the rank entries no longer count it.
        let mut flipped = FILE.to_vec();
        flipped[36 + 12 * 5 + 3] ^= 0x10;
        assert_eq!(Readings::read(&flipped), Err(ReadingsError::Damaged));
    }
}
