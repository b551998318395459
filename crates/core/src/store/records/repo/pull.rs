//! Pulling: what other writers (tabs) stored since we last read or wrote, and bringing it into
//! the data and the saved lists (their records merged, our unsaved list edits kept).
//! Separate: it reads for the save's retry and for the app's refresh alike.

use super::super::encode::{encode_funnel, encode_segment};
use super::super::{Kind, RecordStore};
use super::load::take;
use super::{ListState, Loaded, PAGE, Pulled, RecordRepository, SavedLists, list_state};
use crate::dataset::Dataset;
use crate::store::StoreError;
use crate::time::Timestamp;
use std::collections::BTreeMap;

impl<S: RecordStore> RecordRepository<S> {
    /// What other writers stored since we last read or wrote.
    pub async fn pull(&mut self, now: Timestamp) -> Result<Pulled, StoreError> {
        let meta = self.store.meta().await?;
        if meta.dataset != self.dataset {
            let watermark = self.watermark;
            let loaded = self.load(now, &|_| {}).await?;
            // Our own unsaved edits are gone with the replaced data; keep the watermark
            // where it was so nothing of theirs is written back needlessly.
            self.watermark = watermark.max(now);
            self.events_watermark = self.watermark;
            return Ok(Pulled::Replaced(loaded));
        }
        if meta.seq == self.seen {
            return Ok(Pulled::Unchanged);
        }
        let mut theirs = Loaded::default();
        for kind in [
            Kind::Customer,
            Kind::Order,
            Kind::EventLog,
            Kind::Activity,
            Kind::Tombstone,
            Kind::Request,
            Kind::Recommendation,
            Kind::Campaign,
            Kind::Task,
        ] {
            let mut from = self.seen;
            loop {
                let page = self.store.changed_since(kind, from, PAGE).await?;
                let Some(last) = page.last() else { break };
                from = last.seq;
                for record in page {
                    take(&mut theirs, kind, record.key, record.value);
                }
            }
        }
        // Lists are few and a deletion leaves no record behind: read them whole.
        let lists = self.read_lists(&mut theirs).await?;
        // Not the highest number read: a commit landing while we read may have records in
        // collections already read. Reading some of them twice is harmless (same versions).
        self.seen = meta.seq;
        self.lists = list_state(&lists);
        Ok(Pulled::Changed {
            data: theirs.data,
            lists,
        })
    }

    async fn read_lists(&self, into: &mut Loaded) -> Result<SavedLists, StoreError> {
        for kind in [Kind::Segment, Kind::Funnel] {
            let page = self.store.read_page(kind, None, usize::MAX).await?;
            for record in page {
                take(into, kind, record.key, record.value);
            }
        }
        Ok(std::mem::take(&mut into.lists))
    }
}

/// Brings what [`RecordRepository::pull`] found into the data and lists; `stored_before` is
/// the lists as stored before the pull (a list item absent now but stored then was deleted
/// elsewhere; one that differs from it is a local edit not saved yet and stays). Returns
/// whether anything changed.
pub fn apply_pulled(
    data: &mut Dataset,
    lists: &mut SavedLists,
    stored_before: &ListState,
    pulled: Pulled,
) -> bool {
    match pulled {
        Pulled::Unchanged => false,
        Pulled::Replaced(loaded) => {
            *data = loaded.data;
            *lists = loaded.lists;
            true
        }
        Pulled::Changed {
            data: theirs,
            lists: their_lists,
        } => {
            let changed = data.merge_changes(theirs);
            if changed {
                data.normalize();
            }
            let new_lists = SavedLists {
                segments: reconcile(
                    &lists.segments,
                    their_lists.segments,
                    &stored_before.0,
                    |s| &s.id,
                    |s| s.updated_at,
                    encode_segment,
                ),
                funnels: reconcile(
                    &lists.funnels,
                    their_lists.funnels,
                    &stored_before.1,
                    |f| &f.id,
                    |f| f.updated_at,
                    encode_funnel,
                ),
            };
            let lists_changed = new_lists != *lists;
            *lists = new_lists;
            changed || lists_changed
        }
    }
}

/// Their list, plus our items not stored yet (new, or edited later than theirs).
fn reconcile<T: Clone>(
    ours: &[T],
    theirs: Vec<T>,
    stored_before: &BTreeMap<String, Vec<u8>>,
    id: fn(&T) -> &str,
    at: fn(&T) -> Timestamp,
    encode: fn(&T) -> (Vec<u8>, Vec<u8>),
) -> Vec<T> {
    let mut out = theirs;
    for item in ours {
        let unsaved = stored_before.get(id(item)) != Some(&encode(item).1);
        if !unsaved {
            continue; // as stored: theirs (or its absence, a deletion) is newer
        }
        match out.iter_mut().find(|x| id(x) == id(item)) {
            Some(slot) if at(item) >= at(slot) => *slot = item.clone(),
            Some(_) => {}
            None => out.push(item.clone()),
        }
    }
    out
}
