//! The visual segment builder: the same rule tree as the text editor, as nested groups of
//! conditions with selects and inputs. Every edit goes through the core
//! (`segment::edit::apply`), is printed, and replaces the text — so the two editors always
//! show the same rule. Items are dragged by their handle to reorder them or to move them into
//! or out of groups; buttons do the same from the keyboard (up, down, indent, outdent).

use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::prefs::{Prefs, use_prefs};
use crate::store::{Store, use_store};
use kezhi_core::model::{RfmGroup, Stage};
use kezhi_core::segment::ast::Span;
use kezhi_core::segment::edit::{
    Edit, apply, make_operator, new_condition, operator_name, operators_for,
};
use kezhi_core::segment::fields::{Field, FieldType, PLAIN};
use kezhi_core::segment::print::{condition as condition_text, yuan};
use kezhi_core::segment::resolve::{group_word, stage_word, yuan_to_cents};
use kezhi_core::segment::{Condition, Group, Node, Op, Operator, Value};
use leptos::prelude::*;

/// Hands an edited tree back to the page (which prints it into the text editor).
pub type OnChange = Callback<Group>;

/// The path of the item being dragged, while a drag is under way.
type Dragging = StoredValue<Option<Vec<usize>>>;

/// The drag data type of a builder item: its path as `2.0.1`.
const DRAG_TYPE: &str = "application/x-kezhi-rule-path";

fn print_path(path: &[usize]) -> String {
    path.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn parse_path(s: &str) -> Option<Vec<usize>> {
    s.split('.').map(|k| k.parse().ok()).collect()
}

#[component]
pub fn SegmentBuilder(
    #[prop(into)] tree: Signal<Option<Group>>,
    on_change: OnChange,
) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let dragging: Dragging = StoredValue::new(None);
    view! {
        <div class="builder" data-testid="segment-builder">
            <datalist id="builder-stages">
                {Stage::ALL.iter().map(|&s| view! { <option value=stage_word(s, true)></option> }).collect_view()}
            </datalist>
            <datalist id="builder-groups">
                {RfmGroup::ALL.iter().map(|&g| view! { <option value=group_word(g, true)></option> }).collect_view()}
            </datalist>
            <datalist id="builder-tiers">
                {move || derived.metrics.with(|a| a.tiers.iter().map(|t| view! { <option value=t.zh.clone()></option> }).collect_view())}
            </datalist>
            {move || match tree.get() {
                Some(root) => group_view(store, prefs, root.clone(), root, Vec::new(), on_change, dragging),
                None => view! { <p class="muted small">{prefs.tr(Msg::BuilderNeedsValidText)}</p> }.into_any(),
            }}
        </div>
    }
}

fn edit(root: &Group, e: Edit, on_change: OnChange) {
    on_change.run(apply(root.clone(), e));
}

/// The drop side of drag and drop: an element that accepts a dragged item and moves it into
/// the group at `to`, before its item `index`.
fn drop_target(
    root: &Group,
    to: Vec<usize>,
    index: usize,
    dragging: Dragging,
    on_change: OnChange,
) -> impl Fn(leptos::ev::DragEvent) + 'static {
    let root = root.clone();
    move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        mark_target(&ev, false);
        // The path travels with the drag (and in this page's memory, for browsers that keep
        // drag data from the page).
        let carried = ev
            .data_transfer()
            .and_then(|dt| dt.get_data(DRAG_TYPE).ok())
            .and_then(|s| parse_path(&s));
        if let Some(from) = carried.or_else(|| dragging.get_value()) {
            dragging.set_value(None);
            edit(
                &root,
                Edit::Move {
                    from,
                    to: to.clone(),
                    index,
                },
                on_change,
            );
        }
    }
}

/// Highlights (or stops highlighting) the element a drag is over.
fn mark_target(ev: &leptos::ev::DragEvent, on: bool) {
    use wasm_bindgen::JsCast;
    if let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let list = el.class_list();
        let _ = if on {
            list.add_1("drop-target")
        } else {
            list.remove_1("drop-target")
        };
    }
}

/// Lets a drop happen here (the default refuses it) and shows where it would land.
fn drag_over(ev: leptos::ev::DragEvent) {
    ev.prevent_default();
    ev.stop_propagation();
    mark_target(&ev, true);
}

fn group_view(
    store: Store,
    prefs: Prefs,
    root: Group,
    g: Group,
    path: Vec<usize>,
    on_change: OnChange,
    dragging: Dragging,
) -> AnyView {
    let is_root = path.is_empty();
    let op_label = if g.op == Op::And {
        Msg::BuilderAll
    } else {
        Msg::BuilderAny
    };
    let tree = root.clone();
    let items = g
        .items
        .iter()
        .enumerate()
        .map(|(k, node)| {
            let root = &tree;
            let mut p = path.clone();
            p.push(k);
            let count = g.items.len();
            let body = match node {
                Node::Condition(c) => {
                    condition_view(store, prefs, root, c.clone(), p.clone(), on_change)
                }
                Node::Group(inner) => group_view(
                    store,
                    prefs,
                    root.clone(),
                    inner.clone(),
                    p.clone(),
                    on_change,
                    dragging,
                ),
            };
            let on_drop = drop_target(root, path.clone(), k, dragging, on_change);
            let from = p.clone();
            let controls = item_controls(prefs, root, p, k, count, on_change);
            view! {
                <li
                    class="builder-item"
                    data-testid="builder-item"
                    on:dragover=drag_over
                    on:dragleave=move |ev| mark_target(&ev, false)
                    on:drop=on_drop
                >
                    <span
                        class="builder-drag"
                        data-testid="builder-drag"
                        draggable="true"
                        title=prefs.tr(Msg::BuilderDrag)
                        on:dragstart=move |ev: leptos::ev::DragEvent| {
                            ev.stop_propagation();
                            dragging.set_value(Some(from.clone()));
                            // Firefox starts a drag only with some data set.
                            if let Some(dt) = ev.data_transfer() {
                                let _ = dt.set_data(DRAG_TYPE, &print_path(&from));
                                dt.set_effect_allowed("move");
                            }
                        }
                        on:dragend=move |_| dragging.set_value(None)
                    >
                        "⠿"
                    </span>
                    {body}
                    {controls}
                </li>
            }
        })
        .collect_view();
    let end_drop = drop_target(&root, path.clone(), g.items.len(), dragging, on_change);
    let (r1, r2, r3, r4) = (root.clone(), root.clone(), root.clone(), root);
    let (p1, p2, p3, p4) = (path.clone(), path.clone(), path.clone(), path);
    view! {
        <div class="builder-group" class:builder-root=is_root data-testid="builder-group" data-op=if g.op == Op::And { "and" } else { "or" } data-negated=g.negated.to_string()>
            <div class="builder-group-head">
                {g.negated.then(|| view! { <span class="builder-not">{prefs.tr(Msg::BuilderNot)}</span> })}
                <button class="btn btn-small" data-testid="builder-op-toggle" title=prefs.tr(Msg::BuilderToggleOp) on:click=move |_| edit(&r1, Edit::ToggleOp(p1.clone()), on_change)>
                    {prefs.tr(op_label)}
                </button>
            </div>
            <ul class="builder-items">
                {items}
                <li
                    class="builder-drop-end"
                    data-testid="builder-drop-end"
                    on:dragover=drag_over
                    on:dragleave=move |ev| mark_target(&ev, false)
                    on:drop=end_drop
                >
                    {prefs.tr(Msg::BuilderDropHere)}
                </li>
            </ul>
            <div class="builder-group-foot">
                <button class="btn btn-small" data-testid="builder-add-condition" on:click=move |_| edit(&r2, Edit::AddCondition(p2.clone(), new_condition(Field::City)), on_change)>
                    {prefs.tr(Msg::BuilderAddCondition)}
                </button>
                <button class="btn btn-small" data-testid="builder-add-group" on:click=move |_| edit(&r3, Edit::AddGroup(p3.clone(), new_condition(Field::City)), on_change)>
                    {prefs.tr(Msg::BuilderAddGroup)}
                </button>
                {(!p4.is_empty()).then(|| {
                    let p = p4.clone();
                    view! {
                        <button class="btn btn-small" data-testid="builder-not" on:click=move |_| edit(&r4, Edit::ToggleNot(p.clone()), on_change)>
                            {prefs.tr(Msg::BuilderNot)}
                        </button>
                    }
                })}
            </div>
        </div>
    }
    .into_any()
}

fn item_controls(
    prefs: Prefs,
    root: &Group,
    path: Vec<usize>,
    k: usize,
    count: usize,
    on_change: OnChange,
) -> impl IntoView {
    let button = move |label: &'static str,
                       title: Msg,
                       testid: &'static str,
                       disabled: bool,
                       e: Edit| {
        let root = root.clone();
        view! {
            <button class="btn btn-ghost btn-small" data-testid=testid title=prefs.tr(title) aria-label=prefs.tr(title) disabled=disabled on:click=move |_| edit(&root, e.clone(), on_change)>
                {label}
            </button>
        }
    };
    let nested = path.len() > 1;
    view! {
        <span class="builder-controls">
            {button("↑", Msg::MoveUp, "builder-up", k == 0, Edit::MoveUp(path.clone()))}
            {button("↓", Msg::MoveDown, "builder-down", k + 1 >= count, Edit::MoveDown(path.clone()))}
            {button("→", Msg::BuilderIndent, "builder-indent", k == 0, Edit::Indent(path.clone()))}
            {button("←", Msg::BuilderOutdent, "builder-outdent", !nested, Edit::Outdent(path.clone()))}
            {button("NOT", Msg::BuilderNot, "builder-not-item", false, Edit::ToggleNot(path.clone()))}
            {button("×", Msg::Delete, "builder-remove", false, Edit::Remove(path))}
        </span>
    }
}

fn span_parts(s: Span) -> (u32, &'static str) {
    match s {
        Span::Days(n) => (n, "d"),
        Span::Weeks(n) => (n, "w"),
        Span::Months(n) => (n, "m"),
        Span::Years(n) => (n, "y"),
    }
}

fn make_span(n: u32, unit: &str) -> Span {
    match unit {
        "w" => Span::Weeks(n),
        "m" => Span::Months(n),
        "y" => Span::Years(n),
        _ => Span::Days(n),
    }
}

/// The text of a value as an input shows it (money in yuan).
fn value_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Money(c) => yuan(*c),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Span(s) => {
            let (n, u) = span_parts(*s);
            format!("{n}{u}")
        }
    }
}

/// What an input's text means for a field type; `None` leaves the condition as it was.
fn parse_value(ty: FieldType, text: &str) -> Option<Value> {
    let t = text.trim();
    match ty {
        FieldType::Number => t.parse().ok().map(Value::Number),
        FieldType::Money => yuan_to_cents(t).map(Value::Money),
        FieldType::Date => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .map(Value::Date),
        _ => Some(Value::Text(text.to_string())),
    }
}

fn list_of(text: &str) -> Vec<String> {
    text.split([',', '，'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn condition_view(
    store: Store,
    prefs: Prefs,
    root: &Group,
    c: Condition,
    path: Vec<usize>,
    on_change: OnChange,
) -> AnyView {
    let ty = c.field.field_type();
    let replace = {
        let (root, path) = (root.clone(), path.clone());
        move |next: Condition| edit(&root, Edit::Replace(path.clone(), next), on_change)
    };
    // Behaviour fields other than events are edited as text.
    let editable = !matches!(
        c.field,
        Field::ChannelOrders { .. } | Field::OrdersBetween { .. } | Field::Contacts { .. }
    );
    if !editable {
        return view! { <code class="builder-readonly" data-testid="builder-condition">{condition_text(&c)}</code> }.into_any();
    }
    let field_select = {
        let (c, replace) = (c.clone(), replace.clone());
        let current = c.field.name().to_string();
        view! {
            <select
                data-testid="builder-field"
                aria-label=prefs.tr(Msg::BuilderField)
                prop:value=current
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let field = match name.as_str() {
                        "events" => Field::Events { kind: "visit".into(), within: Some(Span::Days(30)) },
                        "in_segment" => Field::InSegment {
                            name: store.segments.with_untracked(|l| l.first().map(|s| s.name.clone()).unwrap_or_default()),
                        },
                        _ => Field::plain(&name).unwrap_or(Field::City),
                    };
                    if field.field_type() == c.field.field_type() {
                        replace(Condition { field, operator: c.operator.clone() });
                    } else {
                        replace(new_condition(field));
                    }
                }
            >
                {PLAIN.iter().map(|(_, name, aliases, _)| {
                    let label = format!("{} {}", aliases.first().copied().unwrap_or(""), name);
                    view! { <option value=*name>{label}</option> }
                }).collect_view()}
                <option value="events">"行为次数 events(…)"</option>
                <option value="in_segment">"属于分群 in_segment(…)"</option>
            </select>
        }
    };
    let events_args = match &c.field {
        Field::Events { kind, within } => {
            let (kind, within) = (kind.clone(), *within);
            let (c1, c2, r1, r2) = (c.clone(), c.clone(), replace.clone(), replace.clone());
            let (n, unit) = within.map_or((0, "d"), span_parts);
            Some(view! {
                <input type="text" class="builder-short" data-testid="builder-event-kind" aria-label=prefs.tr(Msg::BuilderEventType) prop:value=kind.clone()
                    on:change=move |ev| r1(Condition { field: Field::Events { kind: event_target_value(&ev), within }, operator: c1.operator.clone() }) />
                <input type="number" min="0" class="builder-short" data-testid="builder-event-days" aria-label=prefs.tr(Msg::BuilderWithinDays) prop:value=if within.is_some() { n.to_string() } else { String::new() }
                    on:change=move |ev| {
                        let within = event_target_value(&ev).trim().parse::<u32>().ok().filter(|n| *n > 0).map(|n| make_span(n, unit));
                        r2(Condition { field: Field::Events { kind: kind.clone(), within }, operator: c2.operator.clone() });
                    } />
                <span class="muted small">{prefs.tr(Msg::BuilderDays)}</span>
            }.into_any())
        }
        Field::InSegment { name } => {
            let (c1, r1, current) = (c.clone(), replace.clone(), name.clone());
            Some(view! {
                <select data-testid="builder-segment" aria-label=prefs.tr(Msg::SavedSegments) prop:value=current.clone()
                    on:change=move |ev| r1(Condition { field: Field::InSegment { name: event_target_value(&ev) }, operator: c1.operator.clone() })>
                    // A name no saved segment has any more stays visible (the count shows the error).
                    {store.segments.with_untracked(|l| !l.iter().any(|s| s.name == current)).then(|| view! { <option value=current.clone()>{current.clone()}</option> })}
                    {store.segments.with_untracked(|l| l.iter().map(|s| view! { <option value=s.name.clone()>{s.name.clone()}</option> }).collect_view())}
                </select>
            }.into_any())
        }
        _ => None,
    };
    let op_select = {
        let (c, replace) = (c.clone(), replace.clone());
        view! {
            <select data-testid="builder-operator" aria-label=prefs.tr(Msg::BuilderOperator) prop:value=operator_name(&c.operator)
                on:change=move |ev| {
                    let op = make_operator(&event_target_value(&ev), ty, Some(&c.operator));
                    replace(Condition { field: c.field.clone(), operator: op });
                }>
                {operators_for(ty).iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view()}
            </select>
        }
    };
    let list_id = match c.field {
        Field::Lifecycle => Some("builder-stages"),
        Field::RfmGroup => Some("builder-groups"),
        Field::Tier => Some("builder-tiers"),
        _ => None,
    };
    let input_type = match ty {
        FieldType::Number => "number",
        FieldType::Date => "date",
        _ => "text",
    };
    let value_input = move |current: String, set: Box<dyn Fn(String) + Send + Sync>| {
        view! {
            <input type=input_type class="builder-value" data-testid="builder-value" list=list_id aria-label=prefs.tr(Msg::BuilderValue) prop:value=current
                on:change=move |ev| set(event_target_value(&ev)) />
        }
    };
    let values = {
        let field = c.field.clone();
        let with = move |op: Operator| Condition {
            field: field.clone(),
            operator: op,
        };
        match c.operator.clone() {
            Operator::Eq(v)
            | Operator::Ne(v)
            | Operator::Gt(v)
            | Operator::Ge(v)
            | Operator::Lt(v)
            | Operator::Le(v) => {
                let (op, r) = (c.operator.clone(), replace.clone());
                Some(
                    value_input(
                        value_text(&v),
                        Box::new(move |t| {
                            if let Some(v) = parse_value(ty, &t) {
                                let next = match &op {
                                    Operator::Eq(_) => Operator::Eq(v),
                                    Operator::Ne(_) => Operator::Ne(v),
                                    Operator::Gt(_) => Operator::Gt(v),
                                    Operator::Ge(_) => Operator::Ge(v),
                                    Operator::Lt(_) => Operator::Lt(v),
                                    _ => Operator::Le(v),
                                };
                                r(with(next));
                            }
                        }),
                    )
                    .into_any(),
                )
            }
            Operator::Between(a, b) => {
                let (r1, r2, w1, w2) =
                    (replace.clone(), replace.clone(), with.clone(), with.clone());
                let (a2, b2) = (a.clone(), b.clone());
                Some(view! {
                    {value_input(value_text(&a), Box::new(move |t| if let Some(v) = parse_value(ty, &t) { r1(w1(Operator::Between(v, b2.clone()))) }))}
                    <span class="muted">"–"</span>
                    {value_input(value_text(&b), Box::new(move |t| if let Some(v) = parse_value(ty, &t) { r2(w2(Operator::Between(a2.clone(), v))) }))}
                }.into_any())
            }
            Operator::In(l)
            | Operator::NotIn(l)
            | Operator::HasAny(l)
            | Operator::HasAll(l)
            | Operator::HasNone(l) => {
                let (op, r) = (c.operator.clone(), replace.clone());
                Some(
                    value_input(
                        l.join(", "),
                        Box::new(move |t| {
                            let l = list_of(&t);
                            let next = match &op {
                                Operator::In(_) => Operator::In(l),
                                Operator::NotIn(_) => Operator::NotIn(l),
                                Operator::HasAny(_) => Operator::HasAny(l),
                                Operator::HasAll(_) => Operator::HasAll(l),
                                _ => Operator::HasNone(l),
                            };
                            r(with(next));
                        }),
                    )
                    .into_any(),
                )
            }
            Operator::Contains(s) | Operator::StartsWith(s) => {
                let (op, r) = (c.operator.clone(), replace.clone());
                Some(
                    value_input(
                        s,
                        Box::new(move |t| {
                            r(with(if matches!(op, Operator::Contains(_)) {
                                Operator::Contains(t)
                            } else {
                                Operator::StartsWith(t)
                            }));
                        }),
                    )
                    .into_any(),
                )
            }
            Operator::Before(d) | Operator::After(d) => {
                let (op, r) = (c.operator.clone(), replace.clone());
                Some(view! {
                    <input type="date" class="builder-value" data-testid="builder-value" aria-label=prefs.tr(Msg::BuilderValue) prop:value=d.format("%Y-%m-%d").to_string()
                        on:change=move |ev| { if let Ok(d) = chrono::NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
                            r(with(if matches!(op, Operator::Before(_)) { Operator::Before(d) } else { Operator::After(d) }));
                        } } />
                }.into_any())
            }
            Operator::Within(s) | Operator::OlderThan(s) => {
                let (n, unit) = span_parts(s);
                let (op, r1, r2, w1, w2) = (
                    c.operator.clone(),
                    replace.clone(),
                    replace.clone(),
                    with.clone(),
                    with.clone(),
                );
                let op2 = op.clone();
                let make = move |op: &Operator, s: Span| {
                    if matches!(op, Operator::Within(_)) {
                        Operator::Within(s)
                    } else {
                        Operator::OlderThan(s)
                    }
                };
                Some(view! {
                    <input type="number" min="1" class="builder-short" data-testid="builder-value" aria-label=prefs.tr(Msg::BuilderValue) prop:value=n.to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse::<u32>() { r1(w1(make(&op, make_span(n, unit)))) } } />
                    <select data-testid="builder-span-unit" aria-label=prefs.tr(Msg::BuilderUnit) prop:value=unit
                        on:change=move |ev| r2(w2(make(&op2, make_span(n, &event_target_value(&ev)))))>
                        <option value="d">{prefs.tr(Msg::UnitDays)}</option>
                        <option value="w">{prefs.tr(Msg::UnitWeeks)}</option>
                        <option value="m">{prefs.tr(Msg::UnitMonths)}</option>
                        <option value="y">{prefs.tr(Msg::UnitYears)}</option>
                    </select>
                }.into_any())
            }
            Operator::IsEmpty | Operator::IsNotEmpty | Operator::IsTrue => None,
        }
    };
    view! {
        <span class="builder-condition" data-testid="builder-condition">
            {field_select}
            {events_args}
            {op_select}
            {values}
        </span>
    }
    .into_any()
}
