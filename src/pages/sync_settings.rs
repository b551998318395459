//! Settings → Sync: the server, the credentials, test / start / pause / sync now, progress,
//! the last sync and error, and the conflict list with both versions field by field.

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::sync::{Config, State, TestAnswer, use_sync};
use kezhi_core::money::thousands;
use kezhi_core::sync::couch::{Check, NetError, SyncError};
use leptos::prelude::*;

/// An error in the user's words.
pub fn error_text(prefs: Prefs, e: &SyncError) -> String {
    match e {
        SyncError::Net(NetError::Timeout) => prefs.tr(Msg::SyncErrTimeout).to_string(),
        SyncError::Net(_) => prefs.tr(Msg::SyncErrUnreachable).to_string(),
        SyncError::Unauthorized => prefs.tr(Msg::SyncErrAuth).to_string(),
        SyncError::NoDatabase => prefs.tr(Msg::SyncErrNoDb).to_string(),
        SyncError::Status(s) => format!("{} {s}", prefs.tr(Msg::SyncErrStatus)),
        SyncError::BadResponse => prefs.tr(Msg::SyncErrBad).to_string(),
        SyncError::Local(why) => format!("{} {why}", prefs.tr(Msg::SyncErrLocal)),
    }
}

/// The header's status, on every view.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let sync = use_sync();
    let prefs = use_prefs();
    let label = move || {
        let state = sync.state.get();
        let mut text = prefs
            .tr(match state {
                State::Off => Msg::SyncStateOff,
                State::Syncing => Msg::SyncStateSyncing,
                State::Synced => Msg::SyncStateSynced,
                State::Offline => Msg::SyncStateOffline,
                State::Error => Msg::SyncStateError,
            })
            .to_string();
        let pending = sync.pending.get();
        if state != State::Off && pending > 0 {
            text.push_str(&format!(
                " · {} {}",
                thousands(pending as u64),
                prefs.tr(Msg::SyncPending)
            ));
        }
        text
    };
    let title = move || {
        let mut t = match sync.last_synced.get() {
            Some(at) => format!(
                "{}: {}",
                prefs.tr(Msg::SyncLast),
                at.format_local(platform::local_offset())
            ),
            None => format!("{}: {}", prefs.tr(Msg::SyncLast), prefs.tr(Msg::SyncNever)),
        };
        if let Some(e) = sync.last_error.get() {
            t.push_str(&format!(" — {}", error_text(prefs, &e)));
        }
        t
    };
    // The live region is around the link: a link cannot also be a status.
    view! {
        <span class="sync-live" role="status">
        <a
            class=move || format!("badge sync-badge sync-{}", sync.state.get().code())
            data-testid="sync-status"
            data-state=move || sync.state.get().code()
            data-pending=move || sync.pending.get().to_string()
            href="#/settings"
            title=title
        >
            {label}
        </a>
        </span>
    }
}

fn input(
    prefs: Prefs,
    label: Msg,
    testid: &'static str,
    kind: &'static str,
    get: impl Fn(&Config) -> String + Send + Sync + 'static,
    set: impl Fn(&mut Config, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let sync = use_sync();
    view! {
        <label class="field">
            <span>{move || prefs.tr(label)}</span>
            <input
                type=kind
                data-testid=testid
                autocomplete="off"
                prop:value=move || sync.config.with(|c| get(c))
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    sync.set_config(|c| set(c, v));
                }
                on:change=move |_| sync.connection_changed()
            />
        </label>
    }
}

#[component]
pub fn SyncSettings() -> impl IntoView {
    let sync = use_sync();
    let prefs = use_prefs();
    let test_text = move || {
        sync.test.get().map(|answer| {
            let (ok, text) = match answer {
                TestAnswer::Running => (false, prefs.tr(Msg::SyncTesting).to_string()),
                TestAnswer::Done(Check::Ready { docs }) => (
                    true,
                    format!("{} {}", prefs.tr(Msg::SyncReady), thousands(docs)),
                ),
                TestAnswer::Done(Check::NoDatabase) => (false, prefs.tr(Msg::SyncNoDb).to_string()),
                TestAnswer::Done(Check::Failed(e)) => (false, error_text(prefs, &e)),
                TestAnswer::Created => (true, prefs.tr(Msg::SyncCreated).to_string()),
                TestAnswer::CreateFailed(e) => (
                    false,
                    format!(
                        "{} {}",
                        prefs.tr(Msg::SyncCreateFailed),
                        error_text(prefs, &e)
                    ),
                ),
            };
            let no_db = matches!(
                sync.test.get_untracked(),
                Some(TestAnswer::Done(Check::NoDatabase))
            );
            view! {
                <p
                    class=if ok { "ok" } else { "warn" }
                    data-testid="sync-test-result"
                    data-ok=ok.to_string()
                    role="status"
                >
                    {text}
                </p>
                <Show when=move || no_db>
                    <button
                        class="btn"
                        data-testid="sync-create-db"
                        on:click=move |_| sync.create_database()
                    >
                        {move || prefs.tr(Msg::SyncCreateDb)}
                    </button>
                </Show>
            }
        })
    };
    let complete = move || sync.config.with(Config::complete);
    let on = move || sync.config.with(|c| c.on);
    view! {
        <div class="card sync-card">
            <h2>{move || prefs.tr(Msg::SyncTitle)}</h2>
            <p class="muted">{move || prefs.tr(Msg::SyncHint)}</p>
            <div class="form-grid">
                {input(prefs, Msg::SyncUrl, "sync-url", "url", |c| c.url.clone(), |c, v| c.url = v.trim().to_string())}
                {input(prefs, Msg::SyncDb, "sync-db", "text", |c| c.db.clone(), |c, v| c.db = v.trim().to_string())}
                {input(prefs, Msg::SyncUser, "sync-user", "text", |c| c.user.clone(), |c, v| c.user = v)}
                {input(prefs, Msg::SyncPassword, "sync-password", "password", |c| c.password.clone(), |c, v| c.password = v)}
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="sync-remember"
                    prop:checked=move || sync.config.with(|c| c.remember)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        sync.set_config(|c| c.remember = on);
                    }
                />
                {move || prefs.tr(Msg::SyncRemember)}
            </label>
            <Show when=move || !complete()>
                <p class="muted small">{move || prefs.tr(Msg::SyncNeedUrl)}</p>
            </Show>
            <div class="button-row">
                <button
                    class="btn"
                    data-testid="sync-test"
                    prop:disabled=move || !complete()
                    on:click=move |_| sync.test_connection()
                >
                    {move || prefs.tr(Msg::SyncTest)}
                </button>
                <button
                    class="btn btn-primary"
                    data-testid="sync-start"
                    prop:disabled=move || !complete() || on()
                    on:click=move |_| sync.start()
                >
                    {move || prefs.tr(Msg::SyncStart)}
                </button>
                <button
                    class="btn"
                    data-testid="sync-pause"
                    // Also after an error that stopped sync (a wrong password, no database):
                    // pausing then turns it off and the error is no longer shown as the state.
                    prop:disabled=move || !on() && sync.state.get() != State::Error
                    on:click=move |_| sync.pause()
                >
                    {move || prefs.tr(Msg::SyncPause)}
                </button>
                <button
                    class="btn"
                    data-testid="sync-now"
                    prop:disabled=move || !complete()
                    on:click=move |_| sync.sync_now()
                >
                    {move || prefs.tr(Msg::SyncNow)}
                </button>
            </div>
            {test_text}
            {move || {
                sync.progress.get().map(|(done, total)| {
                    let text = if total > 0 {
                        format!("{} / {} {}", thousands(done as u64), thousands(total as u64), prefs.tr(Msg::SyncRecords))
                    } else {
                        format!("{} {} {}", prefs.tr(Msg::SyncPulled), thousands(done as u64), prefs.tr(Msg::SyncRecords))
                    };
                    let pct = if total > 0 { done as f64 * 100.0 / total as f64 } else { 0.0 };
                    view! {
                        <div class="sync-progress" data-testid="sync-progress" data-done=done.to_string() data-total=total.to_string()>
                            <div class="meter"><div class="meter-fill" style:width=format!("{pct:.1}%")></div></div>
                            <p class="small">{text}</p>
                        </div>
                    }
                })
            }}
            <p class="small" data-testid="sync-last">
                {move || prefs.tr(Msg::SyncLast)} ": "
                {move || match sync.last_synced.get() {
                    Some(at) => at.format_local(platform::local_offset()),
                    None => prefs.tr(Msg::SyncNever).to_string(),
                }}
            </p>
            {move || {
                sync.last_error.get().map(|e| view! {
                    <p class="warn small" data-testid="sync-error" role="alert">
                        {prefs.tr(Msg::SyncLastError)} ": " {error_text(prefs, &e)}
                    </p>
                })
            }}
            <h3>{move || prefs.tr(Msg::SyncConflicts)}</h3>
            <div data-testid="sync-conflicts" class="sync-conflicts">
                {move || {
                    let list = sync.conflicts.get();
                    if list.is_empty() {
                        return view! { <p class="muted small">{prefs.tr(Msg::SyncNoConflicts)}</p> }.into_any();
                    }
                    view! {
                        <p class="muted small">{prefs.tr(Msg::SyncConflictsHint)}</p>
                        {list.into_iter().map(|c| {
                            let doc_id = c.doc_id.clone();
                            let doc_id2 = c.doc_id.clone();
                            let name = c.fields.iter().find(|f| f.0 == "name").map(|f| show(&f.1)).unwrap_or_default();
                            view! {
                                <div class="sync-conflict" data-testid="sync-conflict" data-id=c.id.clone() data-kind=c.kind.code()>
                                    <p><strong>{name}</strong> " " <span class="muted small">{c.doc_id.clone()}</span></p>
                                    <Show when=move || c.other_deleted>
                                        <p class="warn small">{prefs.tr(Msg::SyncOtherDeleted)}</p>
                                    </Show>
                                    <table class="table small">
                                        <thead><tr>
                                            <th>{prefs.tr(Msg::SyncField)}</th>
                                            <th>{prefs.tr(Msg::SyncThisVersion)}</th>
                                            <th>{prefs.tr(Msg::SyncOtherVersion)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {c.fields.iter().map(|(f, a, b)| view! {
                                                <tr class=if a != b { "diff" } else { "" }>
                                                    <td>{f.clone()}</td><td>{show(a)}</td><td>{show(b)}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <div class="button-row">
                                        <button class="btn" data-testid="sync-keep-other" on:click=move |_| sync.keep_other(doc_id.clone())>
                                            {prefs.tr(Msg::SyncKeepOther)}
                                        </button>
                                        <button class="btn" data-testid="sync-keep-this" on:click=move |_| sync.keep_this(doc_id2.clone())>
                                            {prefs.tr(Msg::SyncKeepThis)}
                                        </button>
                                    </div>
                                </div>
                            }
                        }).collect_view()}
                    }.into_any()
                }}
            </div>
        </div>
    }
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
