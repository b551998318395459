//! Deleting a desk record (a request card, a recommendation, a care campaign with its tasks):
//! asked first in the confirmation dialog, then done through the store like any edit (saved,
//! synced as a deletion), with an Undo in the toast that puts back exactly what went. The
//! rules are the core's (`kezhi_core::desk::delete`).

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::Prefs;
use crate::store::Store;
use crate::ui::Ui;
use kezhi_core::desk::delete::{Deleted, delete_recommendation, restore};
use kezhi_core::store::Section;
use kezhi_core::{Dataset, Timestamp};
use leptos::prelude::*;
use uuid::Uuid;

/// What a deletion asks and, once done, says.
#[derive(Clone, Copy)]
pub struct Question {
    pub ask: Msg,
    /// The number the question's `{n}` stands for (a campaign's tasks).
    pub count: Option<usize>,
    pub done: Msg,
}

/// Asks `question`; on yes runs `delete` through the store and offers to undo it. `after`
/// runs once the record is gone (a page showing only that record moves elsewhere).
pub fn confirm_delete(
    (store, prefs, ui): (Store, Prefs, Ui),
    question: Question,
    delete: impl Fn(&mut Dataset, Timestamp) -> Option<Deleted> + Copy + Send + Sync + 'static,
    after: impl Fn() + Copy + Send + Sync + 'static,
) {
    let run = move || {
        let mut gone = None;
        let now = platform::now();
        store.change(&[Section::Desk], |d| gone = delete(d, now));
        // Nothing was there any more (deleted in another tab meanwhile): nothing to undo.
        let Some(gone) = gone else { return };
        after();
        ui.toast_with_undo(prefs.tr(question.done), move || {
            store.change(&[Section::Desk], |d| restore(d, gone, platform::now()))
        });
    };
    match question.count {
        Some(n) => ui.ask_count(question.ask, n, run),
        None => ui.ask(question.ask, run),
    }
}

/// Asks, then deletes the recommendation `rid` (from the customer's panel or the recommended
/// list: the same question, the same toast).
pub fn ask_delete_recommendation(ctx: (Store, Prefs, Ui), rid: Uuid) {
    let question = Question {
        ask: Msg::ConfirmDeleteRecommendation,
        count: None,
        done: Msg::RecDeleted,
    };
    confirm_delete(
        ctx,
        question,
        move |d, now| delete_recommendation(d, rid, now),
        || {},
    );
}

/// A recommendation's 删除 / Delete button (`recommendation-delete`).
pub fn recommendation_delete_button(ctx: (Store, Prefs, Ui), rid: Uuid) -> impl IntoView {
    let prefs = ctx.1;
    view! {
        <button
            type="button"
            class="btn btn-small btn-danger"
            data-testid="recommendation-delete"
            on:click=move |_| ask_delete_recommendation(ctx, rid)
        >
            {move || prefs.tr(Msg::Delete)}
        </button>
    }
}
