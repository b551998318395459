//! Property tests of the event log: whatever order events are added in, the log yields
//! exactly them (each customer's in time order), and funnels and behaviour segments over it
//! count what the events say.

use kezhi_core::dataset::event_order;
use kezhi_core::funnel::{EventIndex, FunnelOptions, compute, purchase_funnel};
use kezhi_core::metrics::{AnalyticsSettings, compute as analytics};
use kezhi_core::segment::{count_matches, parse};
use kezhi_core::*;
use proptest::prelude::*;
use uuid::Uuid;

const KINDS: [&str; 6] = ["visit", "view", "add_to_cart", "checkout", "pay", "fav"];
const CUSTOMERS: u128 = 6;

fn customer_id(n: u128) -> Uuid {
    Uuid::from_u128(n + 1)
}

/// Events of a few customers (one of them not in the data) with few distinct times, types and
/// properties, so that ties and repeated identities are common.
fn events() -> impl Strategy<Value = Vec<Event>> {
    proptest::collection::vec(
        (
            0..=CUSTOMERS,
            0..KINDS.len(),
            0i64..40,
            0i64..3,
            proptest::option::of(0u8..3),
        ),
        0..120,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(c, k, at, updated, item)| Event {
                customer_id: customer_id(c),
                kind: Sym::new(KINDS[k]),
                occurred_at: Timestamp(at * 3_600_000),
                props: EventProps {
                    channel: None,
                    item: item.map(|i| Sym::new(&format!("item{i}"))),
                    category: None,
                },
                updated_at: Timestamp(updated),
            })
            .collect()
    })
}

/// The order the log had before it was held by customer: by time first.
fn time_order(a: &Event, b: &Event) -> std::cmp::Ordering {
    (a.occurred_at, a.customer_id, a.kind, a.props, a.updated_at).cmp(&(
        b.occurred_at,
        b.customer_id,
        b.kind,
        b.props,
        b.updated_at,
    ))
}

/// What can be done to a log, applied alike to the log and to a plain vector of events
/// (the model: how the log behaved as a `Vec<Event>`).
#[derive(Clone, Debug)]
enum Change {
    Add(Vec<Event>),
    /// A producer's buffer merged in (the demo generator's).
    AddBuffer(Vec<Event>),
    Upsert(Vec<Event>),
    /// Last writer wins by identity, as merges and pulls take records.
    TakeNewer(Vec<Event>),
    DropBefore(i64),
    RemoveCustomer(u128),
    Dedup,
    KeepRecent(usize),
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    let some = || proptest::collection::vec(events(), 1).prop_map(|mut v| v.remove(0));
    proptest::collection::vec(
        prop_oneof![
            some().prop_map(Change::Add),
            some().prop_map(Change::AddBuffer),
            some().prop_map(Change::Upsert),
            some().prop_map(Change::TakeNewer),
            (0i64..40).prop_map(|h| Change::DropBefore(h * 3_600_000)),
            (0..=CUSTOMERS).prop_map(Change::RemoveCustomer),
            Just(Change::Dedup),
            (0usize..80).prop_map(Change::KeepRecent),
        ],
        1..8,
    )
}

fn identity(e: &Event) -> (Uuid, Sym, Timestamp) {
    (e.customer_id, e.kind, e.occurred_at)
}

fn apply(log: &mut EventLog, model: &mut Vec<Event>, change: &Change) {
    match change {
        Change::Add(events) => {
            log.extend(events.iter().copied());
            model.extend(events.iter().copied());
        }
        Change::AddBuffer(events) => {
            let mut buffer = events.clone();
            log.add_buffer(&mut buffer);
            assert!(buffer.is_empty() && log.is_normalized());
            model.extend(events.iter().copied());
        }
        Change::Upsert(events) | Change::TakeNewer(events) => {
            let newer_only = matches!(change, Change::TakeNewer(_));
            if newer_only {
                log.take_by_identity(
                    events.iter().copied(),
                    |ours, theirs| theirs.updated_at > ours.updated_at,
                    |_| true,
                    |_| {},
                );
            } else {
                log.upsert(events.clone());
            }
            for e in events {
                match model.iter_mut().find(|m| identity(m) == identity(e)) {
                    Some(m) if !newer_only || e.updated_at > m.updated_at => *m = *e,
                    Some(_) => {}
                    None => model.push(*e),
                }
            }
        }
        Change::DropBefore(t) => {
            log.retain(|e| e.occurred_at.0 >= *t);
            model.retain(|e| e.occurred_at.0 >= *t);
        }
        Change::RemoveCustomer(n) => {
            let id = customer_id(*n);
            log.remove_customers(|c| *c == id);
            model.retain(|e| e.customer_id != id);
        }
        Change::Dedup => {
            log.normalize();
            log.dedup_identities();
            model.sort_by(event_order);
            model.dedup_by(|a, b| identity(a) == identity(b));
        }
        Change::KeepRecent(n) => {
            log.keep_recent(*n);
            model.sort_by(time_order);
            let cut = model.len().saturating_sub(*n);
            model.drain(..cut);
        }
    }
    log.normalize();
    model.sort_by(event_order);
}

fn dataset(events: EventLog) -> Dataset {
    Dataset {
        // The last customer's events have no customer: funnels count them apart.
        customers: (0..CUSTOMERS)
            .map(|n| Customer::new(customer_id(n), format!("C{n}"), Timestamp(0)))
            .collect(),
        events,
        ..Dataset::default()
    }
}

proptest! {
    #[test]
    fn the_log_yields_exactly_its_events_each_customers_in_time_order(events in events()) {
        let mut sorted = events.clone();
        sorted.sort_by(event_order);
        let mut log = EventLog::from(events.clone());
        prop_assert_eq!(log.len(), events.len());
        log.normalize();
        prop_assert_eq!(log.iter().collect::<Vec<_>>(), sorted.clone());
        for n in 0..=CUSTOMERS {
            let id = customer_id(n);
            let own: Vec<Event> = sorted.iter().copied().filter(|e| e.customer_id == id).collect();
            prop_assert!(own.is_sorted_by_key(|e| e.occurred_at));
            prop_assert_eq!(log.of_customer(id), own);
        }
        // The most recent events are the last by time (then customer, type, properties,
        // write time), in the log's order.
        let keep = events.len() / 3;
        let mut recent = log.clone();
        recent.keep_recent(keep);
        let mut by_time = sorted.clone();
        by_time.sort_by(time_order);
        let mut expected = by_time[by_time.len() - keep..].to_vec();
        expected.sort_by(event_order);
        prop_assert_eq!(recent.to_vec(), expected);
    }

    #[test]
    fn the_log_changes_as_a_vector_of_events_would(start in events(), changes in changes()) {
        let mut log = EventLog::from(start.clone());
        let mut model = start;
        log.normalize();
        model.sort_by(event_order);
        for change in &changes {
            apply(&mut log, &mut model, change);
            prop_assert_eq!(log.to_vec(), model.clone(), "after {:?}", change);
            prop_assert_eq!(log.len(), model.len());
            // Reading by position, at random and in order.
            let mut customer = 0;
            for (i, e) in model.iter().enumerate() {
                prop_assert_eq!(log.get(i), Some(*e));
                prop_assert_eq!(log.get_after(i, &mut customer), Some(*e));
                prop_assert!(log.contains(e));
            }
            prop_assert_eq!(log.get(model.len()), None);
            // The columns: each customer once, ascending, with their events in order.
            let ids: Vec<Uuid> = log.runs().map(|(id, _)| id).collect();
            prop_assert!(ids.is_sorted_by(|a, b| a < b));
            for (k, (id, run)) in log.runs().enumerate() {
                prop_assert!(!run.is_empty());
                let own: Vec<Event> = model.iter().copied().filter(|e| e.customer_id == id).collect();
                prop_assert_eq!(log.run_events(k).collect::<Vec<_>>(), own.clone());
                prop_assert_eq!(log.run_of(&id), run);
                prop_assert_eq!(log.of_customer(id), own);
            }
            // Shown in time order, as the log showed itself before.
            let mut by_time = model.clone();
            by_time.sort_by(time_order);
            prop_assert_eq!(format!("{log:?}"), format!("{by_time:?}"));
            // Equal to the same events gathered another way, once in order: equality, as a
            // vector's, includes the order.
            let mut gathered = EventLog::from(model.iter().rev().copied().collect::<Vec<_>>());
            prop_assert_eq!(gathered == log, model.len() < 2 || model.iter().rev().eq(model.iter()));
            gathered.normalize();
            prop_assert_eq!(&gathered, &log);
        }
    }

    #[test]
    fn a_merge_takes_events_as_it_takes_every_record(ours in events(), theirs in events()) {
        use kezhi_core::dataset::merge_records;
        let (mut a, mut b) = (dataset(EventLog::new()), dataset(EventLog::new()));
        let mut ours = ours;
        ours.sort_by(event_order);
        ours.dedup_by(|x, y| identity(x) == identity(y));
        a.events = EventLog::from(ours.clone());
        a.normalize();
        b.events = EventLog::from(theirs.clone());
        let mut expected = merge_records(ours, theirs, &Default::default());
        expected.sort_by(event_order);
        a.merge(b);
        prop_assert_eq!(a.events.to_vec(), expected);
    }

    #[test]
    fn an_upsert_replaces_an_identity_and_adds_the_rest(events in events(), more in events()) {
        let mut log = EventLog::from(events.clone());
        log.normalize();
        log.dedup_identities();
        let before = log.clone();
        log.upsert(more.clone());
        log.normalize();
        let identity = |e: &Event| (e.customer_id, e.kind, e.occurred_at);
        // Every new event is there but for one a later new one replaced; every old one is
        // unless a new one has its identity.
        for (i, e) in more.iter().enumerate() {
            let replaced = more[i + 1..].iter().any(|m| identity(m) == identity(e));
            prop_assert!(replaced || log.contains(e));
        }
        prop_assert_eq!(log.len(), before.iter().filter(|e| !more.iter().any(|m| identity(m) == identity(e))).count()
            + more.iter().enumerate().filter(|(i, e)| !more[i + 1..].iter().any(|m| identity(m) == identity(e))).count());
        for e in before.iter() {
            // The last new event of its identity, if any, took its place.
            let last = more.iter().rev().find(|m| identity(m) == identity(&e));
            prop_assert_eq!(log.contains(&e), last.is_none_or(|m| *m == e));
        }
    }

    #[test]
    fn funnels_and_behaviour_segments_do_not_depend_on_the_order_events_came_in(
        events in events()
    ) {
        let mut normalized = dataset(EventLog::from(events.clone()));
        normalized.normalize();
        let shuffled = dataset(events.iter().rev().copied().collect());
        let (definition, options) = (purchase_funnel(), FunnelOptions::default());
        let funnel = |d: &Dataset| {
            compute(d, &EventIndex::build(d), &definition, &options).expect("valid")
        };
        let expected = funnel(&normalized);
        prop_assert_eq!(funnel(&shuffled), expected.clone());
        // Everyone with a visit enters the funnel (there is no window on the first step).
        let visitors = (0..CUSTOMERS)
            .filter(|&n| events.iter().any(|e| e.customer_id == customer_id(n) && e.kind == "visit"))
            .count() as u64;
        prop_assert_eq!(expected.stats.steps[0].reached as u64, visitors);
        let settings = AnalyticsSettings::default();
        for kind in KINDS {
            let rule = parse(&format!(r#"events("{kind}") >= 2"#)).expect("parses");
            let expected = (0..CUSTOMERS)
                .filter(|&n| {
                    events
                        .iter()
                        .filter(|e| e.customer_id == customer_id(n) && e.kind == kind)
                        .count()
                        >= 2
                })
                .count();
            for d in [&normalized, &shuffled] {
                let a = analytics(d, &settings);
                prop_assert_eq!(count_matches(d, &a, &settings, &rule), expected);
            }
        }
    }
}

/// Beyond 65,536 distinct shapes the log's column of shape numbers widens from 2 bytes to 4
/// (`event_log::numbers`): crossed in the middle of a merge, every reader still sees exactly
/// the events, and a funnel over them counts as over the same events with few shapes.
#[test]
fn a_log_with_more_shapes_than_two_bytes_number_reads_the_same() {
    const N: i64 = 70_000;
    let event = |k: i64, updated: i64| Event {
        customer_id: customer_id((k % 5) as u128),
        kind: Sym::new(KINDS[(k % 5) as usize]),
        occurred_at: Timestamp((k / 5) * 60_000 + (k % 5) * 1_000),
        props: EventProps::default(),
        // The write time makes each event's shape its own.
        updated_at: Timestamp(updated),
    };
    // The first 60,000 events (narrow), then the rest merged in, interleaved by customer.
    let all: Vec<Event> = (0..N).map(|k| event(k, k)).collect();
    let mut log = EventLog::from(all[..60_000].to_vec());
    log.normalize();
    assert!(log.shape_numbers().iter().all(|n| n < 65_536));
    let mut rest: Vec<Event> = all[60_000..].iter().rev().copied().collect();
    log.add_buffer(&mut rest);
    assert_eq!(log.shapes().len(), N as usize);
    assert_eq!(log.shape_numbers().iter().max(), Some(N as u32 - 1));
    let mut model = all.clone();
    model.sort_by(event_order);
    assert_eq!(log.to_vec(), model);
    assert_eq!(log.get(12_345), Some(model[12_345]));
    assert!(log.contains(&model[69_999]));
    // The same events with one write time: a handful of shapes.
    let few: EventLog = all
        .iter()
        .map(|e| Event {
            updated_at: Timestamp(0),
            ..*e
        })
        .collect();
    let (mut wide, mut narrow) = (dataset(log), dataset(few));
    wide.events.normalize();
    narrow.events.normalize();
    assert_eq!(narrow.events.shapes().len(), 5);
    let (definition, options) = (purchase_funnel(), FunnelOptions::default());
    let funnel =
        |d: &Dataset| compute(d, &EventIndex::build(d), &definition, &options).expect("valid");
    let (a, b) = (funnel(&wide), funnel(&narrow));
    assert_eq!(a, b);
    // Each of the 5 customers has 14,000 events of one type only: one step each at most.
    assert_eq!(a.stats.steps[0].reached, 1);
}
