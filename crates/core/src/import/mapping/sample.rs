//! Guessing the mapping of a file without a header from what its sample's values look like
//! (the `files` feature: the sample comes from an opened [`Table`](crate::import::Table)).

use super::{Field, ImportKind, Mapping, guess_from_headers};
use crate::import::types::SampleRow;
use crate::import::values;

/// The guessed mapping: from the header names when there is a header, from the sample's
/// values otherwise.
pub fn guess_mapping(
    kind: ImportKind,
    headers: Option<&[String]>,
    sample: &[SampleRow],
) -> Mapping {
    match headers {
        Some(h) => guess_from_headers(kind, h),
        None => guess_from_values(kind, sample),
    }
}

/// What the sample's values of one column look like.
#[derive(Default)]
struct Profile {
    filled: usize,
    times: usize,
    behaviour: usize,
    emails: usize,
    mobiles: usize,
    ids: usize,
    decimals: usize,
    channels: usize,
    chinese_names: usize,
}

impl Profile {
    /// Most (four in five) of the filled values have the property.
    fn mostly(&self, n: usize) -> bool {
        self.filled > 0 && n * 5 >= self.filled * 4
    }
}

fn profile(sample: &[SampleRow], col: usize) -> Profile {
    let mut p = Profile::default();
    for row in sample {
        let Some(v) = row.cells.get(col).map(|c| values::unescape_text(c)) else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        p.filled += 1;
        let digits = v.bytes().all(|b| b.is_ascii_digit());
        // Unix times of this century and written dates; other digit runs are ids.
        let unix = digits
            && matches!(v.len(), 10 | 13)
            && v[..2]
                .parse::<u32>()
                .is_ok_and(|lead| (9..=41).contains(&lead) || v.len() == 10);
        if unix || (!digits && values::scan_time(v).is_ok()) {
            p.times += 1;
        } else if values::is_behaviour_word(v) {
            p.behaviour += 1;
        } else if values::normalize_email(v).is_ok_and(|e| e.is_some()) {
            p.emails += 1;
        } else if digits && v.len() == 11 && v.starts_with('1') {
            p.mobiles += 1;
        } else if values::channel_code(v) != v {
            p.channels += 1;
        } else if v.contains('.')
            && values::parse_decimal(v).is_ok()
            && values::normalize_id(v).is_ok_and(|id| id.as_deref() == Some(v))
        {
            p.decimals += 1;
        } else if v.len() <= 40
            && !v.contains(char::is_whitespace)
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            p.ids += 1;
        } else if (2..=4).contains(&v.chars().count())
            && v.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        {
            p.chinese_names += 1;
        }
    }
    p
}

/// For files without a header: a behaviour-word column is the event type, a column of dates
/// or Unix times the time, `@` addresses the e-mail, 11-digit numbers starting with 1 the
/// phone, decimals the amount, and plain id columns, in order, the ids (events: customer,
/// item, category — the Taobao shape; orders: order, customer).
pub fn guess_from_values(kind: ImportKind, sample: &[SampleRow]) -> Mapping {
    let width = sample.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let profiles: Vec<Profile> = (0..width).map(|c| profile(sample, c)).collect();
    let mut mapping = Mapping::default();
    let mut used = vec![false; width];
    let mut take = |mapping: &mut Mapping, field: Field, test: &dyn Fn(&Profile) -> bool| {
        if let Some(col) = (0..width).find(|&c| !used[c] && test(&profiles[c])) {
            used[col] = true;
            mapping.columns.insert(field, col);
        }
    };
    let ids: &[Field] = match kind {
        ImportKind::Customers => {
            take(&mut mapping, Field::Phone, &|p| p.mostly(p.mobiles));
            take(&mut mapping, Field::Email, &|p| p.mostly(p.emails));
            take(&mut mapping, Field::Name, &|p| p.mostly(p.chinese_names));
            &[Field::ExternalId]
        }
        ImportKind::Orders => {
            take(&mut mapping, Field::OrderedAt, &|p| p.mostly(p.times));
            take(&mut mapping, Field::Channel, &|p| p.mostly(p.channels));
            take(&mut mapping, Field::Amount, &|p| p.mostly(p.decimals));
            &[Field::OrderId, Field::CustomerId]
        }
        ImportKind::Events => {
            take(&mut mapping, Field::EventType, &|p| p.mostly(p.behaviour));
            take(&mut mapping, Field::OccurredAt, &|p| p.mostly(p.times));
            take(&mut mapping, Field::Channel, &|p| p.mostly(p.channels));
            &[Field::CustomerId, Field::Item, Field::Category]
        }
    };
    for field in ids {
        take(&mut mapping, *field, &|p| p.mostly(p.ids + p.mobiles));
    }
    mapping
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::mapping::shape_key;

    #[test]
    fn headerless_taobao_shape() {
        let sample: Vec<SampleRow> = [
            ["1", "2268318", "2520377", "pv", "1511544070"],
            ["1", "2333346", "2520771", "cart", "1511561733"],
            ["100", "4365585", "2520377", "buy", "1511596146"],
        ]
        .iter()
        .enumerate()
        .map(|(i, r)| SampleRow {
            number: i + 1,
            cells: r.iter().map(|c| c.to_string()).collect(),
        })
        .collect();
        let m = guess_from_values(ImportKind::Events, &sample);
        assert_eq!(m.get(Field::CustomerId), Some(0));
        assert_eq!(m.get(Field::Item), Some(1));
        assert_eq!(m.get(Field::Category), Some(2));
        assert_eq!(m.get(Field::EventType), Some(3));
        assert_eq!(m.get(Field::OccurredAt), Some(4));
        assert!(m.check(ImportKind::Events).is_ok());
        assert_eq!(shape_key(ImportKind::Events, None, 5), "events:#5");
        assert_eq!(
            shape_key(
                ImportKind::Orders,
                Some(&["Order ID".to_string(), "金额(元)".to_string()]),
                2
            ),
            "orders:orderid|金额"
        );
    }
}
