//! The app's data as the core's sync engine reads and writes it (the store and the shared
//! items): the one adapter between the engine and the store.

use crate::store::Store;
use kezhi_core::json_reread::from_value_as_str;
use kezhi_core::metrics::AnalyticsSettings;
use kezhi_core::sync::Incoming;
use kezhi_core::sync::engine::Replica;
use kezhi_core::sync::shared::{
    SharedChange, SharedItem, SharedKind, funnel_item, read_funnel, read_segment, segment_item,
    settings_fields, settings_item,
};
use leptos::prelude::*;

/// The data as the engine sees it: read from the store's signal, written through storage;
/// the shared items from the store's lists and the preferences' analytics settings.
pub(super) struct AppReplica(pub(super) Store);

impl Replica for AppReplica {
    fn read<R>(&self, f: impl FnOnce(&kezhi_core::Dataset) -> R) -> R {
        self.0.data.with_untracked(f)
    }
    fn version(&self) -> u64 {
        self.0.writes().with_value(|w| w.count())
    }
    async fn apply(&self, incoming: Incoming) -> Result<(), String> {
        self.0.apply_sync(incoming).await
    }
    fn shared(&self) -> Vec<SharedItem> {
        let store = self.0;
        let mut out: Vec<SharedItem> = store
            .segments
            .with_untracked(|l| l.iter().map(segment_item).collect());
        out.extend(
            store
                .funnels
                .with_untracked(|l| l.iter().map(funnel_item).collect::<Vec<_>>()),
        );
        let prefs = store.prefs();
        let at = prefs.analytics_at.get_untracked();
        // Settings never changed here are the defaults: nothing to share (a team's own win).
        if at.millis() > 0 {
            out.push(settings_item(&prefs.analytics.get_untracked(), at));
        }
        out
    }
    async fn apply_shared(&self, changes: Vec<SharedChange>) -> Result<(), String> {
        let store = self.0;
        let (mut segments, mut funnels) = (false, false);
        let mut seg_list = store.segments.get_untracked();
        let mut fun_list = store.funnels.get_untracked();
        for c in changes {
            match c.kind {
                SharedKind::Segment => {
                    segments = true;
                    seg_list.retain(|s| s.id != c.id);
                    if let Some(s) = c.item.as_ref().and_then(read_segment) {
                        seg_list.push(s);
                    }
                }
                SharedKind::Funnel => {
                    funnels = true;
                    fun_list.retain(|f| f.id != c.id);
                    if let Some(f) = c.item.as_ref().and_then(read_funnel) {
                        fun_list.push(f);
                    }
                }
                SharedKind::Setting => {
                    // `read_settings`, but read here: the app's preference compiles
                    // `from_str` for these settings already, the core's would be a copy.
                    if let Some((fields, at)) = c.item.as_ref().and_then(settings_fields)
                        && let Ok(settings) = from_value_as_str::<AnalyticsSettings>(&fields)
                    {
                        store.prefs().take_synced_analytics(settings, at);
                    }
                }
            }
        }
        if segments {
            store.set_segments(|l| *l = seg_list);
        }
        if funnels {
            store.set_funnels(|l| *l = fun_list);
        }
        Ok(())
    }
}
