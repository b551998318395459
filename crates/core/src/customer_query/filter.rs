//! What the list shows: the customers matching the search text (name, contact, pinyin, id)
//! and the filters, and the filter menus' values. Separate from the build: this runs on every
//! keystroke, over the prepared entries.

use super::sort::SortKey;
use super::{CustomerIndex, CustomerQuery};
use crate::dataset::Dataset;
use crate::sym::{Sym, SymCounts};

/// Whether the customer id, written as usual (`8-4-4-4-12` lowercase hex), contains `text`.
pub(super) fn id_matches(id: uuid::Uuid, text: &str) -> bool {
    let mut buffer = uuid::Uuid::encode_buffer();
    id.hyphenated().encode_lower(&mut buffer).contains(text)
}

impl CustomerIndex {
    /// Indices into `data.customers` of the matching customers, in the requested order.
    /// `data` must be the dataset the index was built from.
    pub fn query(&self, data: &Dataset, q: &CustomerQuery) -> Vec<usize> {
        let text = q.text.trim().to_lowercase();
        // Pinyin is typed without spaces; "zhang san" should find 张三 too.
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let latin = !compact.is_empty() && compact.chars().all(|c| c.is_ascii_alphabetic());
        // Ids are long hex strings; shorter fragments would match nearly everyone.
        let hex = text.len() >= 4 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        let f = &q.filters;
        // Interned once, so each customer is compared by number.
        let wanted = |w: &Option<String>| w.as_deref().map(Sym::new);
        let (channel, city, level, owner) = (
            wanted(&f.channel),
            wanted(&f.city),
            wanted(&f.level),
            wanted(&f.owner),
        );
        let same = |v: &Option<Sym>, want: Option<Sym>| want.is_none_or(|w| *v == Some(w));
        let (cs, es) = (&data.customers, &self.entries);
        let keep = |i: usize| {
            let (Some(c), Some(e)) = (cs.get(i), es.get(i)) else {
                return false;
            };
            same(&c.channel, channel)
                && same(&c.city, city)
                && same(&c.member_level, level)
                && same(&c.owner, owner)
                && f.tag
                    .as_ref()
                    .is_none_or(|t| c.tags.iter().any(|x| x.as_str() == t.as_str()))
                && f.stage.is_none_or(|s| e.labels.stage == s)
                && f.tier.is_none_or(|t| e.labels.tier == t)
                && f.group.is_none_or(|g| e.labels.group == Some(g))
                && (!f.newly_at_risk || e.labels.newly_at_risk)
                && (text.is_empty()
                    || e.haystack.contains(&text)
                    || (latin && e.haystack.contains(&compact))
                    || (hex && id_matches(c.id, &text)))
        };
        if q.sort == SortKey::Name {
            // The index keeps the name order: filtering it needs no sort.
            let mut out: Vec<usize> = self
                .by_name
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| keep(i))
                .collect();
            if q.descending {
                out.reverse();
            }
            return out;
        }
        let mut out: Vec<usize> = (0..cs.len().min(es.len())).filter(|&i| keep(i)).collect();
        self.sort(data, &mut out, q.sort, q.descending);
        out
    }

    /// [`CustomerIndex::menus`] counted afresh: one pass over the customers, counting
    /// interned values by number.
    pub fn filter_values(data: &Dataset) -> [Vec<String>; 5] {
        let mut syms: [SymCounts; 4] = Default::default();
        let mut tags = SymCounts::default();
        for c in &data.customers {
            for (counts, value) in syms
                .iter_mut()
                .zip([c.channel, c.city, c.member_level, c.owner])
            {
                if let Some(v) = value {
                    counts.add(v);
                }
            }
            c.tags.iter().for_each(|&t| tags.add(t));
        }
        fn ranked<'a>(counts: impl Iterator<Item = (&'a str, usize)>) -> Vec<String> {
            let mut values: Vec<(&str, usize)> = counts.collect();
            crate::sorting::sort_by(&mut values, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            values.into_iter().map(|(v, _)| v.to_string()).collect()
        }
        let [channel, city, level, owner] = syms.map(|c| ranked(c.counted()));
        [channel, city, level, ranked(tags.counted()), owner]
    }
}
