//! Decisions on conflicts ("keep the other one", "keep this one"): queued for the engine,
//! which the loop may be holding, and taken at its next round or here at once.

use super::replica::AppReplica;
use super::runner::wake;
use super::{Action, Engine, Sync, runner};
use crate::platform;
use leptos::task::spawn_local;

impl Sync {
    /// "Keep the other one" for a conflict.
    pub fn keep_other(&self, doc_id: String) {
        self.decide(Action::KeepOther(doc_id));
    }

    /// "Keep this one": closes the conflict on every device.
    pub fn keep_this(&self, doc_id: String) {
        self.decide(Action::KeepThis(doc_id));
    }

    /// Queues a decision: the loop takes it at its next round (a wake starts one now); when
    /// no loop holds the engine (paused, waiting to retry), it is taken here at once.
    fn decide(&self, action: Action) {
        runner().actions.borrow_mut().push(action);
        wake();
        let sync = *self;
        spawn_local(async move {
            let r = runner();
            let Some(mut slot) = r.engine.try_lock() else {
                return; // the loop has it, and takes the decision next
            };
            if let Some(engine) = slot.as_mut() {
                sync.take_actions(engine).await;
            }
        });
    }

    pub(super) async fn take_actions(&self, engine: &mut Engine) {
        let actions: Vec<Action> = runner().actions.borrow_mut().drain(..).collect();
        if actions.is_empty() {
            return;
        }
        let replica = AppReplica(self.store);
        for action in actions {
            let done = match action {
                Action::KeepOther(id) => engine
                    .keep_other(&replica, &id, platform::now())
                    .await
                    .map(|_| ()),
                Action::KeepThis(id) => engine.dismiss(&id).await,
            };
            if let Err(e) = done {
                self.failed(e);
            }
        }
        self.after_round(engine);
        wake();
    }
}
