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
        prop_assert!(log.is_sorted_by_time());
        for n in 0..=CUSTOMERS {
            let id = customer_id(n);
            let own: Vec<Event> = sorted.iter().copied().filter(|e| e.customer_id == id).collect();
            prop_assert_eq!(log.of_customer(id), own);
        }
        // The most recent events are the normalised log's last.
        let keep = events.len() / 3;
        let mut recent = log.clone();
        recent.keep_recent(keep);
        prop_assert_eq!(recent.to_vec(), sorted[sorted.len() - keep..].to_vec());
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
