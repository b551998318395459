//! Property tests: any dataset round-trips through the encoding, and no input string makes
//! the decoder panic.

use base64::Engine;
use kezhi_core::model::Stage;
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
        proptest::option::of(0usize..Stage::ALL.len()),
    )
        .prop_map(|(id, name, phone, created, updated, tags, day, stage)| {
            let mut c = Customer::new(Uuid::from_bytes(id), name, Timestamp(created));
            c.phone = phone;
            c.updated_at = Timestamp(updated);
            c.tags = tags.iter().map(|t| Sym::new(t)).collect();
            c.birthday = chrono::NaiveDate::from_num_days_from_ce_opt(day);
            c.points = i64::from(day) * 7;
            c.stage_override = stage.map(|k| Stage::ALL[k]);
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
                events: events.into(),
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

/// A customers section as format 2 wrote it: format 3 without its extension (which, with no
/// manual stages, is the single byte of an empty list).
fn as_format_2(section: &str) -> String {
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let body = section.strip_prefix(codec::SECTION_PREFIX).expect("prefix");
    let bytes = miniz_oxide::inflate::decompress_to_vec(&engine.decode(body).expect("base64"))
        .expect("inflate");
    assert_eq!(bytes.last(), Some(&0), "an empty extension");
    let old = miniz_oxide::deflate::compress_to_vec(&bytes[..bytes.len() - 1], 6);
    format!("{}{}", codec::SECTION_PREFIX, engine.encode(old))
}

#[test]
fn format_2_customers_still_load_and_manual_stages_round_trip() {
    let mut a = Customer::new(Uuid::from_u128(1), "张三", Timestamp(5));
    let b = Customer::new(Uuid::from_u128(2), "李四", Timestamp(6));
    let data = Dataset {
        customers: vec![a.clone(), b.clone()],
        ..Dataset::default()
    };
    let old = as_format_2(&codec::encode_section(&data, Section::Customers));
    let mut back = Dataset::default();
    codec::decode_section(&old, Section::Customers, &mut back).expect("format 2 decodes");
    assert_eq!(back.customers, data.customers);

    a.stage_override = Some(Stage::Mature);
    let data = Dataset {
        customers: vec![b, a],
        ..Dataset::default()
    };
    let mut back = Dataset::default();
    codec::decode_section(
        &codec::encode_section(&data, Section::Customers),
        Section::Customers,
        &mut back,
    )
    .expect("decodes");
    assert_eq!(back.customers[1].stage_override, Some(Stage::Mature));
    assert_eq!(back.customers[0].stage_override, None);
}
