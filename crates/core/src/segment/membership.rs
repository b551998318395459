//! `in_segment("name")`: membership of another saved segment. A dynamic segment's members
//! are whatever its own query matches now (which may name further segments); a static one's
//! are its snapshot. Segments that name each other in a circle are refused with the circle
//! spelled out, as are names no saved segment has.

use super::ast::{Group, Node};
use super::bind::segment_key as key;
use super::columns::SegmentColumns;
use super::error::ParseError;
use super::eval::Matcher;
use super::fields::Field;
use super::print::print;
use super::resolve::parse;
use super::saved::SavedSegment;
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings};
use std::collections::HashSet;
use uuid::Uuid;

pub use super::bind::Memberships;

/// Why the segments a query names cannot be resolved (worded by the app).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// No saved segment has this name.
    Unknown(String),
    /// The names, in order, of segments that lead back to the first one.
    Cycle(Vec<String>),
    /// A named segment's own query does not parse (it was saved by an older version, or
    /// edited elsewhere).
    Invalid { name: String, error: ParseError },
}

impl RefError {
    /// The segment name the error is about, to point at it in the query text.
    pub fn name(&self) -> &str {
        match self {
            RefError::Unknown(n) | RefError::Invalid { name: n, .. } => n,
            RefError::Cycle(path) => path.get(1).or(path.first()).map_or("", String::as_str),
        }
    }
}

/// The segment names a tree's `in_segment(…)` conditions use, in order, once each.
pub fn references(root: &Group) -> Vec<String> {
    let mut seen = HashSet::new();
    root.conditions()
        .into_iter()
        .filter_map(|c| match &c.field {
            Field::InSegment { name } => seen.insert(key(name)).then(|| name.clone()),
            _ => None,
        })
        .collect()
}
/// Resolves the segments `root` names. `own` is the name the tree is being saved under: naming
/// it (directly or through others) is a cycle.
pub fn resolve(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
    saved: &[SavedSegment],
    own: Option<&str>,
) -> Result<Memberships, RefError> {
    let columns = SegmentColumns::for_one_query(settings);
    resolve_with(data, analytics, settings, root, saved, own, &columns)
}

/// [`resolve`], the named segments' queries reading `columns` (made for this data).
fn resolve_with(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
    saved: &[SavedSegment],
    own: Option<&str>,
    columns: &SegmentColumns,
) -> Result<Memberships, RefError> {
    let mut r = Resolver {
        data,
        analytics,
        settings,
        saved,
        columns,
        stack: own.map(|n| vec![n.trim().to_string()]).unwrap_or_default(),
        done: Memberships::default(),
    };
    r.group(root)?;
    Ok(r.done)
}

/// Customers (positions) a tree matches, with its `in_segment(…)` conditions resolved.
pub fn select(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
    saved: &[SavedSegment],
) -> Result<Vec<usize>, RefError> {
    select_with(
        data,
        analytics,
        settings,
        root,
        saved,
        &SegmentColumns::for_one_query(settings),
    )
}

/// [`select`] reading and filling `columns`, which must have been made for this data and these
/// analytics: the segment page keeps them per data change, so a query per keystroke finds the
/// columns it tests already built.
pub fn select_with(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
    saved: &[SavedSegment],
    columns: &SegmentColumns,
) -> Result<Vec<usize>, RefError> {
    let segments = resolve_with(data, analytics, settings, root, saved, None, columns)?;
    let m = Matcher::with_columns(data, analytics, settings, root, Some(&segments), columns);
    Ok(m.matching())
}

/// Customers (positions) a saved segment holds now: a static one its snapshot (those still
/// present), a dynamic one what its query matches.
pub fn members(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    segment: &SavedSegment,
    saved: &[SavedSegment],
) -> Result<Vec<usize>, RefError> {
    match &segment.snapshot {
        Some(s) => Ok(snapshot_positions(data, &s.customers)),
        None => {
            let tree = saved_tree(segment)?;
            let columns = SegmentColumns::for_one_query(settings);
            let own = Some(segment.name.as_str());
            let segments = resolve_with(data, analytics, settings, &tree, saved, own, &columns)?;
            let m =
                Matcher::with_columns(data, analytics, settings, &tree, Some(&segments), &columns);
            Ok(m.matching())
        }
    }
}

/// A dynamic segment's query as a canonical tree; a query that no longer parses is reported
/// by the segment's name.
fn saved_tree(segment: &SavedSegment) -> Result<Group, RefError> {
    parse(&segment.query)
        .map(Group::normalize)
        .map_err(|error| RefError::Invalid {
            name: segment.name.clone(),
            error,
        })
}

fn snapshot_positions(data: &Dataset, ids: &[Uuid]) -> Vec<usize> {
    let ids: HashSet<Uuid> = ids.iter().copied().collect();
    data.customers
        .iter()
        .enumerate()
        .filter(|(_, c)| ids.contains(&c.id))
        .map(|(i, _)| i)
        .collect()
}

struct Resolver<'a> {
    data: &'a Dataset,
    analytics: &'a Analytics,
    settings: &'a AnalyticsSettings,
    saved: &'a [SavedSegment],
    columns: &'a SegmentColumns,
    /// The segments being resolved, outermost first: meeting one again is a cycle.
    stack: Vec<String>,
    done: Memberships,
}

impl Resolver<'_> {
    fn group(&mut self, g: &Group) -> Result<(), RefError> {
        for name in references(g) {
            self.segment(&name)?;
        }
        Ok(())
    }

    fn segment(&mut self, name: &str) -> Result<(), RefError> {
        let k = key(name);
        if let Some(start) = self.stack.iter().position(|s| key(s) == k) {
            let mut path = self.stack[start..].to_vec();
            path.push(name.trim().to_string());
            return Err(RefError::Cycle(path));
        }
        if self.done.contains(&k) {
            return Ok(());
        }
        let Some(segment) = self.saved.iter().find(|s| key(&s.name) == k) else {
            return Err(RefError::Unknown(name.to_string()));
        };
        let n = self.data.customers.len();
        let flags = match &segment.snapshot {
            Some(s) => {
                let mut flags = vec![false; n];
                for i in snapshot_positions(self.data, &s.customers) {
                    flags[i] = true;
                }
                flags
            }
            None => {
                let tree = saved_tree(segment)?;
                self.stack.push(segment.name.clone());
                self.group(&tree)?;
                self.stack.pop();
                let m = Matcher::with_columns(
                    self.data,
                    self.analytics,
                    self.settings,
                    &tree,
                    Some(&self.done),
                    self.columns,
                );
                (0..n).map(|i| m.matches(i)).collect()
            }
        };
        self.done.insert(k, flags);
        Ok(())
    }
}

/// A query with its `in_segment(old)` conditions renamed to `new`, in canonical spelling;
/// `None` when it names no such segment (or does not parse), so untouched queries keep the
/// user's own spelling.
pub fn rename_references(query: &str, old: &str, new: &str) -> Option<String> {
    let tree = parse(query).ok()?.normalize();
    if !references(&tree).iter().any(|n| key(n) == key(old)) {
        return None;
    }
    Some(print(&rename_in(tree, &key(old), new)))
}

fn rename_in(mut g: Group, old: &str, new: &str) -> Group {
    g.items = g
        .items
        .into_iter()
        .map(|n| match n {
            Node::Group(inner) => Node::Group(rename_in(inner, old, new)),
            Node::Condition(mut c) => {
                if let Field::InSegment { name } = &mut c.field
                    && key(name) == old
                {
                    *name = new.to_string();
                }
                Node::Condition(c)
            }
        })
        .collect();
    g
}

/// Names of the saved segments whose queries name `name` (to warn before deleting it).
pub fn referenced_by<'s>(saved: &'s [SavedSegment], name: &str) -> Vec<&'s str> {
    saved
        .iter()
        .filter(|s| s.snapshot.is_none())
        .filter(|s| {
            parse(&s.query)
                .map(|t| references(&t).iter().any(|n| key(n) == key(name)))
                .unwrap_or(false)
        })
        .map(|s| s.name.as_str())
        .collect()
}
