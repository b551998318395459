//! Property tests: any dataset round-trips through the encoding, and no input string makes
//! the decoder panic.

use kezhi_core::store::{Section, codec};
use kezhi_core::*;
use proptest::prelude::*;
use uuid::Uuid;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 ]{0,12}",
        "[\u{4e00}-\u{4e20}]{1,4}",
        Just(String::new())
    ]
}

fn customer() -> impl Strategy<Value = Customer> {
    (
        any::<[u8; 16]>(),
        text(),
        proptest::option::of(text()),
        any::<i64>(),
        any::<i64>(),
        proptest::collection::vec(text(), 0..3),
        -100_000i32..800_000,
    )
        .prop_map(|(id, name, phone, created, updated, tags, day)| {
            let mut c = Customer::new(Uuid::from_bytes(id), name, Timestamp(created));
            c.phone = phone;
            c.updated_at = Timestamp(updated);
            c.tags = tags;
            c.birthday = chrono::NaiveDate::from_num_days_from_ce_opt(day);
            c.points = i64::from(day) * 7;
            c
        })
}

fn event(customers: Vec<Uuid>) -> impl Strategy<Value = Event> {
    (
        0..customers.len(),
        text(),
        any::<i64>(),
        any::<i64>(),
        proptest::option::of(text()),
    )
        .prop_map(move |(i, kind, at, updated, item)| Event {
            customer_id: customers[i],
            kind: Sym::new(&kind),
            occurred_at: Timestamp(at),
            props: EventProps {
                channel: None,
                item: item.as_deref().map(Sym::new),
                category: None,
            },
            updated_at: Timestamp(updated),
        })
}

fn dataset() -> impl Strategy<Value = Dataset> {
    proptest::collection::vec(customer(), 1..6)
        .prop_flat_map(|customers| {
            let ids: Vec<Uuid> = customers.iter().map(|c| c.id).collect();
            let orders = proptest::collection::vec(
                (
                    0..ids.len(),
                    any::<[u8; 16]>(),
                    any::<i64>(),
                    any::<i64>(),
                    any::<bool>(),
                    text(),
                ),
                0..8,
            )
            .prop_map({
                let ids = ids.clone();
                move |rows| {
                    rows.into_iter()
                        .map(|(i, id, at, cents, refunded, channel)| Order {
                            id: Uuid::from_bytes(id),
                            customer_id: ids[i],
                            source_order_id: format!("S{cents}"),
                            ordered_at: Timestamp(at),
                            amount_cents: cents,
                            item_count: 1,
                            channel: kezhi_core::Sym::new(&channel),
                            status: if refunded {
                                OrderStatus::Refunded
                            } else {
                                OrderStatus::Paid
                            },
                            updated_at: Timestamp(at / 2),
                        })
                        .collect::<Vec<_>>()
                }
            });
            (
                Just(customers),
                orders,
                proptest::collection::vec(event(ids), 0..12),
            )
        })
        .prop_map(|(customers, orders, events)| {
            let mut d = Dataset {
                customers,
                orders,
                events,
                ..Dataset::default()
            };
            // Identities are unique in a real dataset.
            let mut seen = std::collections::HashSet::new();
            d.customers.retain(|c| seen.insert(c.id));
            let mut seen = std::collections::HashSet::new();
            d.events
                .retain(|e| seen.insert((e.customer_id, e.kind, e.occurred_at)));
            codec::normalize(&mut d);
            d
        })
}

proptest! {
    #[test]
    fn any_dataset_round_trips(data in dataset()) {
        let mut back = Dataset::default();
        for s in Section::ALL {
            codec::decode_section(&codec::encode_section(&data, s), s, &mut back).expect("decode");
        }
        codec::normalize(&mut back);
        prop_assert_eq!(back, data);
    }

    #[test]
    fn the_decoder_never_panics(body in "k2:[A-Za-z0-9+/]{0,200}", raw in ".{0,100}") {
        for s in Section::ALL {
            let _ = codec::decode_section(&body, s, &mut Dataset::default());
            let _ = codec::decode_section(&raw, s, &mut Dataset::default());
        }
    }
}
