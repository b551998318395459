//! The plain pinyin reading of a Chinese character (`张` → `zhang`, ü written `v`), from the
//! table crates/core/build.rs writes out of the `pinyin` crate's data: a bitmap of the code
//! points that have a reading, and for those the index of the syllable in two byte planes.
//! Smaller in the page's download than the crate's own table (build.rs says why), same
//! readings (crates/core/tests/pinyin_readings.rs compares every code point).

include!(concat!(env!("OUT_DIR"), "/readings.rs"));

/// The character's plain reading, if the table has one.
pub fn plain_reading(c: char) -> Option<&'static str> {
    let code = u32::from(c);
    // Five blocks: a scan is as quick as a search.
    let &(start, _, first) = BLOCKS
        .iter()
        .find(|&&(start, len, _)| code >= start && code - start < len)?;
    let pos = first + (code - start) as usize;
    let (word, bit) = (pos / 64, pos % 64);
    let w = *PRESENT.get(word)?;
    if w & (1 << bit) == 0 {
        return None;
    }
    // The reading's place among those present: the set bits before this one.
    let block = word / WORDS_PER_RANK;
    let before: u32 = RANK.get(block)?
        + PRESENT
            .get(block * WORDS_PER_RANK..word)?
            .iter()
            .map(|w| w.count_ones())
            .sum::<u32>()
        + (w & ((1 << bit) - 1)).count_ones();
    let i = before as usize;
    let syllable = usize::from(u16::from_le_bytes([*LOW.get(i)?, *HIGH.get(i)?]));
    let from = *SYLLABLE_ENDS.get(syllable.checked_sub(1)?)?;
    let to = *SYLLABLE_ENDS.get(syllable)?;
    SYLLABLES.get(usize::from(from)..usize::from(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_syllable_once_in_order() {
        assert_eq!(SYLLABLE_ENDS.len(), 416);
        let syllables: Vec<&str> = SYLLABLE_ENDS
            .windows(2)
            .map(|w| &SYLLABLES[usize::from(w[0])..usize::from(w[1])])
            .collect();
        assert!(syllables.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(syllables.first(), Some(&"a"));
        assert_eq!(syllables.last(), Some(&"zuo"));
    }

    #[test]
    fn characters_outside_the_blocks_have_no_reading() {
        assert_eq!(plain_reading('a'), None);
        assert_eq!(plain_reading('\u{0}'), None);
        assert_eq!(plain_reading(char::MAX), None);
    }
}
