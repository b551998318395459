//! What the shell shows around the pages: the route, toasts (with the undo of the latest
//! undoable action), the confirmation dialog and the busy overlay. Provided as a context of
//! its own ([`use_ui`]).

use crate::i18n::Msg;
use crate::platform;
use crate::route::{PageQuery, Route};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
    /// The toast offers to undo what it reports.
    pub undoable: bool,
}

type UndoFn = Box<dyn FnOnce() + Send + Sync>;

/// A question for the confirmation dialog; `on_yes` runs if the user agrees, `on_no` (if
/// any) if the user answers no (closing the dialog otherwise answers nothing).
///
/// Plain shared closures, not `Callback`s: a `Callback` belongs to the reactive owner it was
/// made under, and a question asked from another dialog's answer would be disposed with that
/// dialog before it could be answered.
#[derive(Clone)]
pub struct Confirm {
    pub message: Msg,
    /// The number the message's `{n}` stands for (how many records go with a deletion).
    pub count: Option<usize>,
    pub on_yes: Answer,
    pub on_no: Option<Answer>,
}

pub type Answer = std::sync::Arc<dyn Fn() + Send + Sync>;

#[derive(Clone, Copy)]
pub struct Ui {
    pub route: RwSignal<Route>,
    pub toasts: RwSignal<Vec<Toast>>,
    pub confirm: RwSignal<Option<Confirm>>,
    /// A long task is running (e.g. generating a large demo).
    pub busy: RwSignal<Option<Msg>>,
    /// How far the busy task is, as (done, total), when it can tell.
    pub busy_progress: RwSignal<Option<(usize, usize)>>,
    next_toast: StoredValue<u64>,
    /// The undo of the latest undoable action, with the id of its toast. Only the latest
    /// can be undone: an older undo could clobber what came after it.
    pending_undo: StoredValue<Option<(u64, UndoFn)>>,
}

impl Ui {
    pub fn new() -> Self {
        Ui {
            route: RwSignal::new(Route::parse(&platform::location_hash())),
            toasts: RwSignal::new(Vec::new()),
            confirm: RwSignal::new(None),
            busy: RwSignal::new(None),
            busy_progress: RwSignal::new(None),
            next_toast: StoredValue::new(0),
            pending_undo: StoredValue::new(None),
        }
    }

    /// Offers text as a file download; a refusal of the browser is a toast.
    pub fn offer_download(&self, name: &str, mime: &str, text: &str) {
        if let Err(e) = platform::download(name, mime, text) {
            self.toast(ToastKind::Error, e);
        }
    }

    pub fn toast(&self, kind: ToastKind, text: impl Into<String>) {
        self.push_toast(kind, text.into(), false);
    }

    /// A confirmation with an Undo button that runs `undo` (once, and only while it is the
    /// latest undoable action: an older undo could clobber what came after it).
    pub fn toast_with_undo(
        &self,
        text: impl Into<String>,
        undo: impl FnOnce() + Send + Sync + 'static,
    ) {
        // Only the latest action can be undone, so older offers go away.
        self.toasts.update(|list| list.retain(|t| !t.undoable));
        let id = self.push_toast(ToastKind::Info, text.into(), true);
        self.pending_undo.set_value(Some((id, Box::new(undo))));
    }

    /// The Undo button of toast `toast`: runs its undo if it is still the latest, says so
    /// with `undone` (in the user's language), and closes the toast.
    pub fn run_undo(&self, toast: u64, undone: &str) {
        let mut pending = None;
        self.pending_undo.update_value(|p| pending = p.take());
        match pending {
            Some((id, undo)) if id == toast => {
                undo();
                self.toast(ToastKind::Info, undone);
            }
            other => self.pending_undo.set_value(other),
        }
        self.dismiss_toast(toast);
    }

    fn push_toast(&self, kind: ToastKind, text: String, undoable: bool) -> u64 {
        let id = self.next_toast.get_value();
        self.next_toast.set_value(id + 1);
        self.toasts.update(|list| {
            list.push(Toast {
                id,
                kind,
                text,
                undoable,
            })
        });
        let toasts = self.toasts;
        // Errors stay longer: they explain something the user has to act on; an undo offer
        // stays long enough to notice a mistake.
        let ms = match (kind, undoable) {
            (ToastKind::Error, _) => 12_000,
            (_, true) => 10_000,
            _ => 4_000,
        };
        set_timeout(
            move || toasts.update(|list| list.retain(|t| t.id != id)),
            Duration::from_millis(ms),
        );
        id
    }

    pub fn dismiss_toast(&self, id: u64) {
        self.toasts.update(|list| list.retain(|t| t.id != id));
    }

    /// Shows the busy overlay with `message`, lets the browser paint it, then runs `work`
    /// (which blocks the page, and ends the busy state itself). Nothing if already busy.
    pub fn busy_after_paint(&self, message: Msg, work: impl FnOnce() + 'static) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        self.busy.set(Some(message));
        set_timeout(work, Duration::from_millis(30));
    }

    pub fn ask(&self, message: Msg, on_yes: impl Fn() + Send + Sync + 'static) {
        self.confirm.set(Some(Confirm {
            message,
            count: None,
            on_yes: std::sync::Arc::new(on_yes),
            on_no: None,
        }));
    }

    /// [`Ui::ask`] with a message whose `{n}` is `count` (written with thousands separators).
    pub fn ask_count(&self, message: Msg, count: usize, on_yes: impl Fn() + Send + Sync + 'static) {
        self.confirm.set(Some(Confirm {
            message,
            count: Some(count),
            on_yes: std::sync::Arc::new(on_yes),
            on_no: None,
        }));
    }

    /// A question where "no" is an answer that does something too.
    pub fn ask_either(
        &self,
        message: Msg,
        on_yes: impl Fn() + Send + Sync + 'static,
        on_no: impl Fn() + Send + Sync + 'static,
    ) {
        self.confirm.set(Some(Confirm {
            message,
            count: None,
            on_yes: std::sync::Arc::new(on_yes),
            on_no: Some(std::sync::Arc::new(on_no)),
        }));
    }

    /// Moves to another route, as a new history entry.
    pub fn navigate(&self, route: Route) {
        let hash = route.to_hash();
        self.route.set(route);
        platform::push_hash(&hash);
    }

    /// Changes the current route's state without a history entry (search typing, selection).
    pub fn replace_route(&self, route: Route) {
        let hash = route.to_hash();
        self.route.set(route);
        platform::replace_hash(&hash);
    }

    /// Edits the current page's state through its typed query, without a history entry (only
    /// the parameters the edit changed are written: see [`Route::update`]).
    pub fn replace_query<Q: PageQuery>(&self, edit: impl FnOnce(&mut Q)) {
        self.replace_route(self.route.get_untracked().update(edit));
    }

    /// The current page's state as its typed query (tracked).
    pub fn query<Q: PageQuery>(&self) -> Q {
        self.route.with(Q::from_route)
    }

    /// The state of the page being made, as a memo that keeps its last value once the route
    /// is on another view. Leaving a page changes the route before the page is taken down,
    /// and a memo of `query` would first recompute the page for the next view's parameters
    /// (its defaults): a funnel counted again, for nothing, in the task that opens the next
    /// page (a fifth of a second at 100,000 customers).
    pub fn page_query<Q>(&self) -> Memo<Q>
    where
        Q: PageQuery + PartialEq + Send + Sync + 'static,
    {
        let route = self.route;
        let view = route.with_untracked(|r| r.view);
        Memo::new(move |last: Option<&Q>| {
            route.with(|r| match last {
                Some(last) if r.view != view => last.clone(),
                _ => Q::from_route(r),
            })
        })
    }
}

pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}
