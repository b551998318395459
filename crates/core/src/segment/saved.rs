//! Saved segments: rename (the queries naming one follow), referrers, copies. The ready-made
//! templates are in [`super::templates`].

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A segment as saved: its query, and for a static one the customers it held when taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSegment {
    pub id: String,
    pub name: String,
    pub query: String,
    /// `Some`: a static snapshot of these customers (the query is kept for reference).
    pub snapshot: Option<Snapshot>,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub taken_at: Timestamp,
    pub customers: Vec<Uuid>,
}

pub use super::templates::TEMPLATES;

/// Renames the saved segment `id`; the queries of the others that name it follow (each
/// rewritten one is stamped `now`, so the change syncs). `false` when there is no such
/// segment or the name is unchanged.
pub fn rename(list: &mut [SavedSegment], id: &str, new_name: &str, now: Timestamp) -> bool {
    let Some(old) = list.iter().find(|x| x.id == id).map(|x| x.name.clone()) else {
        return false;
    };
    if old == new_name {
        return false;
    }
    for x in list.iter_mut() {
        if x.id == id {
            x.name = new_name.to_string();
            x.updated_at = now;
        } else if let Some(q) = super::membership::rename_references(&x.query, &old, new_name) {
            x.query = q;
            x.updated_at = now;
        }
    }
    true
}

/// The names of the other saved segments whose queries name `id`'s segment: deleting it
/// leaves them matching nobody until edited, so the app asks first.
pub fn referrers(list: &[SavedSegment], id: &str) -> Vec<String> {
    let Some(name) = list.iter().find(|x| x.id == id).map(|x| x.name.as_str()) else {
        return Vec::new();
    };
    super::membership::referenced_by(list, name)
        .into_iter()
        .filter(|n| *n != name)
        .map(str::to_string)
        .collect()
}

/// Adds a copy of the saved segment `id` under `new_id`, named "<name> 2" (or the first
/// free number), stamped `now`; returns its name.
pub fn duplicate(
    list: &mut Vec<SavedSegment>,
    id: &str,
    new_id: String,
    now: Timestamp,
) -> Option<String> {
    let copy = list.iter().find(|x| x.id == id)?.clone();
    let taken = |n: &str| list.iter().any(|x| x.name == n);
    let name = (2..)
        .map(|k| format!("{} {k}", copy.name))
        .find(|n| !taken(n))?;
    list.push(SavedSegment {
        id: new_id,
        name: name.clone(),
        updated_at: now,
        ..copy
    });
    Some(name)
}

/// How two sets of customers (positions) overlap: (only in A, in both, only in B).
pub fn overlap(a: &[usize], b: &[usize]) -> (usize, usize, usize) {
    let set: std::collections::HashSet<usize> = a.iter().copied().collect();
    let both = b.iter().filter(|i| set.contains(i)).count();
    (set.len() - both, both, b.len() - both)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(id: &str, name: &str, query: &str) -> SavedSegment {
        SavedSegment {
            id: id.into(),
            name: name.into(),
            query: query.into(),
            snapshot: None,
            updated_at: Timestamp(1),
        }
    }

    #[test]
    fn rename_rewrites_the_queries_that_name_it_and_stamps_them() {
        let mut list = vec![
            seg("a", "高价值", "total_spent >= 5000"),
            seg("b", "高价值新客", r#"in_segment("高价值") AND orders = 1"#),
            seg("c", "其他", "orders = 0"),
        ];
        assert!(rename(&mut list, "a", "优质", Timestamp(9)));
        assert_eq!(list[0].name, "优质");
        assert_eq!(list[1].query, r#"in_segment("优质") AND orders = 1"#);
        let stamps: Vec<i64> = list.iter().map(|x| x.updated_at.0).collect();
        assert_eq!(stamps, [9, 9, 1], "the untouched one keeps its stamp");
        assert!(!rename(&mut list, "a", "优质", Timestamp(10)), "no change");
        assert!(!rename(&mut list, "zz", "x", Timestamp(10)));
        assert_eq!(referrers(&list, "a"), ["高价值新客"]);
        assert!(referrers(&list, "c").is_empty());
    }

    #[test]
    fn duplicate_takes_the_first_free_number_and_a_new_stamp() {
        let mut list = vec![
            seg("a", "复购", "orders >= 2"),
            seg("b", "复购 2", "orders >= 3"),
        ];
        assert_eq!(
            duplicate(&mut list, "a", "n1".into(), Timestamp(5)).as_deref(),
            Some("复购 3")
        );
        let copy = &list[2];
        assert_eq!(
            (copy.id.as_str(), copy.query.as_str(), copy.updated_at),
            ("n1", "orders >= 2", Timestamp(5))
        );
        assert_eq!(duplicate(&mut list, "zz", "n2".into(), Timestamp(5)), None);
        assert_eq!(list.len(), 3);
    }

    #[test]
    fn overlap_counts_each_side() {
        assert_eq!(overlap(&[1, 2, 3, 4], &[3, 4, 5]), (2, 2, 1));
        assert_eq!(overlap(&[], &[7]), (0, 0, 1));
        assert_eq!(overlap(&[1], &[1]), (0, 1, 0));
    }
}
