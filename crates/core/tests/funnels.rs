//! Funnels (docs/funnels.md): exact results on hand-made fixtures, and a property test against
//! a brute-force reference that enumerates every combination of events.

use chrono::NaiveDate;
use kezhi_core::funnel::*;
use kezhi_core::model::Stage;
use kezhi_core::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, china_offset, day_number};
use kezhi_core::*;
use proptest::prelude::*;
use uuid::Uuid;

// ---------------------------------------------------------------- fixtures

fn cid(n: usize) -> Uuid {
    Uuid::from_u128(n as u128 + 1)
}

fn ev(customer: usize, kind: &str, t: i64) -> Event {
    ev_with(customer, kind, t, EventProps::default())
}

fn ev_with(customer: usize, kind: &str, t: i64, props: EventProps) -> Event {
    Event {
        customer_id: cid(customer),
        kind: Sym::new(kind),
        occurred_at: Timestamp(t),
        props,
        updated_at: Timestamp(0),
    }
}

fn dataset(customers: usize, events: Vec<Event>) -> Dataset {
    let mut data = Dataset {
        customers: (0..customers)
            .map(|i| Customer::new(cid(i), format!("C{i}"), Timestamp(0)))
            .collect(),
        events: events.into(),
        ..Dataset::default()
    };
    data.normalize();
    data
}

fn funnel(events: &[&str], window: Window, mode: OrderMode) -> FunnelDefinition {
    FunnelDefinition {
        mode,
        ..FunnelDefinition::of_events(events, window)
    }
}

fn run(data: &Dataset, def: &FunnelDefinition) -> FunnelResult {
    compute(
        data,
        &EventIndex::build(data),
        def,
        &FunnelOptions::default(),
    )
    .expect("valid")
}

fn reached(result: &FunnelResult) -> Vec<u32> {
    result.stats.steps.iter().map(|s| s.reached).collect()
}

const MIN: i64 = MS_PER_MINUTE;
const T0: i64 = 1_767_225_600_000; // 2026-01-01 08:00 China time

// ---------------------------------------------------------------- semantics

#[test]
fn exactly_the_window_converts_one_millisecond_more_does_not() {
    let w = Window::new(30, WindowUnit::Minute);
    let data = dataset(
        2,
        vec![
            ev(0, "visit", T0),
            ev(0, "view", T0 + 30 * MIN),
            ev(1, "visit", T0),
            ev(1, "view", T0 + 30 * MIN + 1),
        ],
    );
    for mode in [OrderMode::Sequential, OrderMode::Strict] {
        let r = run(&data, &funnel(&["visit", "view"], w, mode));
        assert_eq!(r.furthest, vec![2, 1], "{mode:?}");
        assert_eq!(reached(&r), vec![2, 1]);
        assert_eq!(r.stats.steps[0].dropped, 1);
        assert_eq!(r.stats.steps[1].dropped, 0);
        assert_eq!(r.stats.overall_time.median_ms, Some(30 * MIN));
    }
    // The window counts from step 1 to the last step, not between consecutive steps.
    let data = dataset(
        1,
        vec![
            ev(0, "visit", T0),
            ev(0, "view", T0 + 20 * MIN),
            ev(0, "pay", T0 + 40 * MIN),
        ],
    );
    let r = run(
        &data,
        &funnel(&["visit", "view", "pay"], w, OrderMode::Sequential),
    );
    assert_eq!(r.furthest, vec![2]);
}

#[test]
fn equal_timestamps_count_as_in_order_either_way() {
    // Stored "view" before "visit" (same time, sorted by type): still visit → view.
    let data = dataset(1, vec![ev(0, "visit", T0), ev(0, "view", T0)]);
    assert_eq!(data.events.get(0).expect("an event").kind, "view");
    for mode in [OrderMode::Sequential, OrderMode::Strict] {
        let r = run(&data, &funnel(&["visit", "view"], Window::days(1), mode));
        assert_eq!(r.furthest, vec![2], "{mode:?}");
        assert_eq!(r.stats.step_times[0].median_ms, Some(0));
        // …and view → visit as well.
        let r = run(&data, &funnel(&["view", "visit"], Window::days(1), mode));
        assert_eq!(r.furthest, vec![2], "{mode:?}");
    }
}

#[test]
fn repeated_steps_need_distinct_events() {
    let d = Window::days(1);
    let data = dataset(
        4,
        vec![
            ev(0, "view", T0),
            ev(1, "view", T0),
            ev(1, "view", T0 + 5 * MIN),
            // Two views at the same millisecond are two events.
            ev(2, "view", T0),
            ev_with(
                2,
                "view",
                T0,
                EventProps {
                    channel: Some(Sym::new("tmall")),
                    ..EventProps::default()
                },
            ),
            ev(3, "view", T0),
            ev(3, "pay", T0 + MIN),
            ev(3, "view", T0 + 2 * MIN),
        ],
    );
    let r = run(&data, &funnel(&["view", "view"], d, OrderMode::Sequential));
    assert_eq!(r.furthest, vec![1, 2, 2, 2]);
    let r = run(
        &data,
        &funnel(&["view", "view", "view"], d, OrderMode::Sequential),
    );
    assert_eq!(r.furthest, vec![1, 2, 2, 2]);
    // view → pay → view uses the first view, the pay, then the later view.
    let r = run(
        &data,
        &funnel(&["view", "pay", "view"], d, OrderMode::Sequential),
    );
    assert_eq!(r.furthest, vec![1, 1, 1, 3]);
    // Strict: customer 3's pay sits between the two views.
    let r = run(&data, &funnel(&["view", "view"], d, OrderMode::Strict));
    assert_eq!(r.furthest, vec![1, 2, 2, 1]);
}

#[test]
fn a_later_start_that_reaches_further_counts_and_is_the_one_timed() {
    let w = Window::new(1, WindowUnit::Hour);
    let data = dataset(
        1,
        vec![
            ev(0, "visit", T0),
            ev(0, "visit", T0 + 2 * MS_PER_HOUR),
            ev(0, "view", T0 + 2 * MS_PER_HOUR + 30 * MIN),
            ev(0, "add_to_cart", T0 + 2 * MS_PER_HOUR + 40 * MIN),
            // The first visit's window has ended long before.
        ],
    );
    let def = funnel(&["visit", "view", "add_to_cart"], w, OrderMode::Sequential);
    let r = run(&data, &def);
    assert_eq!(r.furthest, vec![3]);
    assert_eq!(r.stats.step_times[0].median_ms, Some(30 * MIN));
    assert_eq!(r.stats.step_times[1].median_ms, Some(10 * MIN));
    assert_eq!(r.stats.overall_time.median_ms, Some(40 * MIN));
    // Of two starts that both reach the last step, the earlier is timed, each step at the
    // earliest time it can be reached from there.
    let data = dataset(
        1,
        vec![
            ev(0, "visit", T0),
            ev(0, "visit", T0 + 5 * MIN),
            ev(0, "view", T0 + 6 * MIN),
            ev(0, "view", T0 + 7 * MIN),
        ],
    );
    let r = run(&data, &funnel(&["visit", "view"], w, OrderMode::Sequential));
    assert_eq!(r.stats.overall_time.median_ms, Some(6 * MIN));
}

#[test]
fn strict_mode_allows_no_other_event_between_first_and_last_step() {
    let d = Window::days(1);
    let steps = ["visit", "view", "add_to_cart"];
    let data = dataset(
        6,
        vec![
            // 0: something else in between: sequential 3, strict 1.
            ev(0, "visit", T0),
            ev(0, "fav", T0 + MIN),
            ev(0, "view", T0 + 2 * MIN),
            ev(0, "add_to_cart", T0 + 3 * MIN),
            // 1: the other event at the same time as step 1 may come before it.
            ev(1, "fav", T0),
            ev(1, "visit", T0),
            ev(1, "view", T0 + MIN),
            ev(1, "add_to_cart", T0 + 2 * MIN),
            // 2: … or at the same time as the last step, after it.
            ev(2, "visit", T0),
            ev(2, "view", T0 + MIN),
            ev(2, "add_to_cart", T0 + 2 * MIN),
            ev(2, "fav", T0 + 2 * MIN),
            // 3: at the time of a middle step it is between step 1 and step 3 whatever
            // the order: visit → view reached, add_to_cart not.
            ev(3, "visit", T0),
            ev(3, "view", T0 + MIN),
            ev(3, "fav", T0 + MIN),
            ev(3, "add_to_cart", T0 + 2 * MIN),
            // 4: a repeated funnel event counts as "other" too.
            ev(4, "visit", T0),
            ev(4, "view", T0 + MIN),
            ev(4, "view", T0 + 2 * MIN),
            ev(4, "add_to_cart", T0 + 3 * MIN),
            // 5: an interrupted first try, then a clean second one.
            ev(5, "visit", T0),
            ev(5, "fav", T0 + MIN),
            ev(5, "visit", T0 + 10 * MIN),
            ev(5, "view", T0 + 11 * MIN),
            ev(5, "add_to_cart", T0 + 12 * MIN),
        ],
    );
    let seq = run(&data, &funnel(&steps, d, OrderMode::Sequential));
    assert_eq!(seq.furthest, vec![3, 3, 3, 3, 3, 3]);
    let strict = run(&data, &funnel(&steps, d, OrderMode::Strict));
    assert_eq!(strict.furthest, vec![1, 3, 3, 2, 2, 3]);
    assert_eq!(reached(&strict), vec![6, 5, 3]);
    // Customer 5 is timed on the clean second try.
    let only5: Vec<bool> = (0..6).map(|p| p == 5).collect();
    let r = compute(
        &data,
        &EventIndex::build(&data),
        &funnel(&steps, d, OrderMode::Strict),
        &FunnelOptions {
            eligible: Some(&only5),
            ..FunnelOptions::default()
        },
    )
    .expect("valid");
    assert_eq!(r.stats.overall_time.median_ms, Some(2 * MIN));
}

#[test]
fn strict_mode_tries_each_way_the_start_can_serve_the_first_steps() {
    let d = Window::days(1);
    // visit and view at once, then another view, then add_to_cart: taking the first view as
    // step 2 leaves the second one in the way; taking the second view as step 2 (the first
    // one may come before the visit) gets through.
    let data = dataset(
        2,
        vec![
            ev(0, "visit", T0),
            ev(0, "view", T0),
            ev(0, "view", T0 + MIN),
            ev(0, "add_to_cart", T0 + 2 * MIN),
            ev(1, "visit", T0),
            ev(1, "view", T0),
            ev(1, "view", T0 + MIN),
        ],
    );
    let strict = |steps: &[&str]| run(&data, &funnel(steps, d, OrderMode::Strict));
    let r = strict(&["visit", "view", "add_to_cart"]);
    assert_eq!(r.furthest, vec![3, 2]);
    // Of the paths reaching the furthest step, the one completing earliest is timed.
    let r = strict(&["visit", "view"]);
    assert_eq!(r.stats.overall_time.median_ms, Some(0));
    assert_eq!(r.stats.overall_time.count, 2);
}

#[test]
fn a_customer_with_100_000_events_in_a_day_is_not_quadratic() {
    // A visit every second for 27.8 hours, a view at the end: from nearly every start the
    // view is out of the window, so every start must be tried. Scanning each start's window
    // event by event would take some 10^10 steps.
    let mut events: Vec<Event> = (0..100_000)
        .map(|i| ev(0, "visit", T0 + i * 1_000))
        .collect();
    events.push(ev(0, "view", T0 + 100_000 * 1_000));
    let data = dataset(1, events);
    let started = std::time::Instant::now();
    for mode in [OrderMode::Sequential, OrderMode::Strict] {
        let r = run(
            &data,
            &funnel(&["visit", "view", "pay"], Window::days(1), mode),
        );
        assert_eq!(r.furthest, vec![2], "{mode:?}");
        // The earliest start that reaches the view is a day before it.
        let expected = if mode == OrderMode::Strict {
            1_000
        } else {
            MS_PER_DAY
        };
        assert_eq!(r.stats.step_times[0].median_ms, Some(expected), "{mode:?}");
    }
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn step_one_must_fall_in_the_date_range_later_steps_need_not() {
    let day = |d: i64| T0 + d * MS_PER_DAY;
    let data = dataset(
        3,
        vec![
            // 0: starts before the range only.
            ev(0, "visit", day(0)),
            ev(0, "view", day(2)),
            // 1: starts on the range's first millisecond, converts after its end.
            ev(1, "visit", day(2)),
            ev(1, "view", day(5) + MIN),
            // 2: starts on the range's end (exclusive).
            ev(2, "visit", day(5)),
            ev(2, "view", day(5)),
        ],
    );
    let def = FunnelDefinition {
        range: Some((Timestamp(day(2)), Timestamp(day(5)))),
        ..funnel(&["visit", "view"], Window::days(7), OrderMode::Sequential)
    };
    let r = run(&data, &def);
    assert_eq!(r.furthest, vec![0, 2, 0]);
    // An earlier visit outside the range does not stop a start inside it (strict too).
    let data = dataset(
        1,
        vec![
            ev(0, "visit", day(1)),
            ev(0, "visit", day(3)),
            ev(0, "view", day(3) + MIN),
        ],
    );
    for mode in [OrderMode::Sequential, OrderMode::Strict] {
        let r = run(
            &data,
            &FunnelDefinition {
                mode,
                ..def.clone()
            },
        );
        assert_eq!(r.furthest, vec![2], "{mode:?}");
        assert_eq!(r.stats.overall_time.median_ms, Some(MIN));
    }
}

#[test]
fn property_filters_must_all_hold() {
    let props = |channel: Option<&str>, category: Option<&str>| EventProps {
        channel: channel.map(Sym::new),
        item: None,
        category: category.map(Sym::new),
    };
    let data = dataset(
        3,
        vec![
            ev_with(0, "visit", T0, props(Some("tmall"), None)),
            ev_with(0, "view", T0 + MIN, props(None, Some("数码家电"))),
            ev_with(1, "visit", T0, props(Some("jd"), None)),
            ev_with(1, "view", T0 + MIN, props(None, Some("数码家电"))),
            ev_with(2, "visit", T0, props(Some("tmall"), None)),
            ev_with(2, "view", T0 + MIN, props(Some("tmall"), Some("服饰鞋包"))),
        ],
    );
    let def = FunnelDefinition {
        steps: vec![
            Step::new("visit").with(PropField::Channel, "tmall"),
            Step::new("view").with(PropField::Category, "数码家电"),
        ],
        ..funnel(&["a", "b"], Window::days(1), OrderMode::Sequential)
    };
    let r = run(&data, &def);
    assert_eq!(r.furthest, vec![2, 0, 1]);
    // In strict mode an event that fails a filter is "another event".
    let data = dataset(
        1,
        vec![
            ev_with(0, "visit", T0, props(Some("tmall"), None)),
            ev_with(0, "view", T0 + MIN, props(None, Some("服饰鞋包"))),
            ev_with(0, "view", T0 + 2 * MIN, props(None, Some("数码家电"))),
        ],
    );
    assert_eq!(run(&data, &def).furthest, vec![2]);
    let strict = FunnelDefinition {
        mode: OrderMode::Strict,
        ..def
    };
    assert_eq!(run(&data, &strict).furthest, vec![1]);
}

#[test]
fn events_of_unknown_customers_are_ignored_and_counted() {
    let mut events = vec![ev(0, "visit", T0), ev(0, "view", T0 + MIN)];
    events.push(ev(7, "visit", T0));
    events.push(ev(8, "view", T0));
    let data = dataset(1, events);
    let r = run(
        &data,
        &funnel(&["visit", "view"], Window::days(1), OrderMode::Sequential),
    );
    assert_eq!(r.unknown_customer_records, 2);
    assert_eq!(reached(&r), vec![1, 1]);
    assert_eq!(EventIndex::build(&data).unknown_customer_events(), 2);
}

fn drill_fixture() -> Dataset {
    // Furthest steps: 0 → 3, 1 → 1, 2 → none, 3 → 2, 4 → 3, 5 → 1.
    let mut events = Vec::new();
    for (c, depth) in [(0, 3), (1, 1), (3, 2), (4, 3), (5, 1)] {
        for (i, kind) in ["visit", "view", "pay"].iter().take(depth).enumerate() {
            events.push(ev(
                c,
                kind,
                T0 + c as i64 * MS_PER_DAY + (i as i64 + 1) * MIN * c as i64,
            ));
        }
    }
    events.push(ev(2, "view", T0));
    dataset(6, events)
}

#[test]
fn drill_down_lists_reached_and_dropped_customers() {
    let data = drill_fixture();
    let def = funnel(
        &["visit", "view", "pay"],
        Window::days(1),
        OrderMode::Sequential,
    );
    let r = run(&data, &def);
    assert_eq!(r.furthest, vec![3, 1, 0, 2, 3, 1]);
    assert_eq!(r.drill(0, Drill::Reached), vec![0, 1, 3, 4, 5]);
    assert_eq!(r.drill(0, Drill::Dropped), vec![1, 5]);
    assert_eq!(r.drill(1, Drill::Reached), vec![0, 3, 4]);
    assert_eq!(r.drill(1, Drill::Dropped), vec![3]);
    assert_eq!(r.drill(2, Drill::Reached), vec![0, 4]);
    assert_eq!(r.drill(2, Drill::Dropped), Vec::<usize>::new());
    assert_eq!(r.drill(3, Drill::Reached), Vec::<usize>::new());
    for (i, s) in r.stats.steps.iter().enumerate() {
        assert_eq!(r.drill(i, Drill::Reached).len() as u32, s.reached);
        assert_eq!(r.drill(i, Drill::Dropped).len() as u32, s.dropped);
    }
    assert_eq!(r.stats.conversion_from_previous(1), 0.6);
    assert_eq!(r.stats.conversion_from_first(2), 0.4);
    assert_eq!(r.stats.overall_conversion(), 0.4);
}

#[test]
fn breakdown_groups_add_up_to_the_total() {
    let data = drill_fixture();
    let def = funnel(
        &["visit", "view", "pay"],
        Window::days(1),
        OrderMode::Sequential,
    );
    let index = EventIndex::build(&data);
    // Keys: 0 → 7, 1 → 7, 2 → 9, 3 → 8, 4 → 7, 5 → 8; top 1 → group 7, then "other".
    let keys = [7, 7, 9, 8, 7, 8];
    let b =
        compute_breakdown(&data, &index, &def, &FunnelOptions::default(), &keys, 1).expect("valid");
    assert_eq!(b.total, run(&data, &def));
    assert_eq!(b.groups.len(), 2);
    assert_eq!(b.groups[0].key, Some(7));
    assert_eq!(b.groups[1].key, None);
    assert_eq!(b.other_keys, vec![8]);
    let counts = |g: &BreakdownGroup| g.stats.steps.iter().map(|s| s.reached).collect::<Vec<_>>();
    assert_eq!(counts(&b.groups[0]), vec![3, 2, 2]);
    assert_eq!(counts(&b.groups[1]), vec![2, 1, 0]);
    assert_eq!(b.drill(0, 0, Drill::Dropped), vec![1]);
    assert_eq!(b.drill(1, 0, Drill::Dropped), vec![5]);
    assert_eq!(b.drill(1, 1, Drill::Dropped), vec![3]);
    assert_eq!(b.drill(2, 0, Drill::Reached), Vec::<usize>::new());
    // Enough room: each key its own group, biggest first, no "other".
    let b =
        compute_breakdown(&data, &index, &def, &FunnelOptions::default(), &keys, 5).expect("valid");
    let shown: Vec<Option<u32>> = b.groups.iter().map(|g| g.key).collect();
    assert_eq!(shown, vec![Some(7), Some(8)]);
    // Customers beyond the keys go to "other".
    let b = compute_breakdown(
        &data,
        &index,
        &def,
        &FunnelOptions::default(),
        &keys[..2],
        5,
    )
    .expect("valid");
    let shown: Vec<Option<u32>> = b.groups.iter().map(|g| g.key).collect();
    assert_eq!(shown, vec![Some(7), None]);
    assert_eq!(counts(&b.groups[1]), vec![3, 2, 1]);
}

#[test]
fn time_to_convert_medians_means_and_histogram() {
    let gaps = [MIN / 2, 3 * MIN, 20 * MIN, 2 * MS_PER_HOUR];
    let mut events = Vec::new();
    for (c, gap) in gaps.iter().enumerate() {
        events.push(ev(c, "visit", T0));
        events.push(ev(c, "view", T0 + gap));
        events.push(ev(c, "pay", T0 + gap + MIN));
    }
    events.push(ev(4, "visit", T0));
    let data = dataset(5, events);
    let r = run(
        &data,
        &funnel(
            &["visit", "view", "pay"],
            Window::days(1),
            OrderMode::Sequential,
        ),
    );
    let first = &r.stats.step_times[0];
    assert_eq!(first.count, 4);
    // Even count: the mean of the two middle values.
    assert_eq!(first.median_ms, Some((3 * MIN + 20 * MIN) / 2));
    let mean = gaps.iter().sum::<i64>() as f64 / 4.0;
    assert_eq!(first.mean_ms, Some(mean));
    assert_eq!(first.histogram, [1, 1, 1, 1, 0, 0, 0, 0]);
    assert_eq!(r.stats.step_times[1].median_ms, Some(MIN));
    assert_eq!(r.stats.overall_time.count, 4);
    assert_eq!(r.stats.overall_time.median_ms, Some(23 * MIN / 2 + MIN));
}

#[test]
fn conversion_over_time_by_local_day_and_week() {
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    let at = |m, d, h: u32| {
        Timestamp::from_local(date(m, d).and_hms_opt(h, 0, 0).expect("t"), china_offset())
            .expect("ts")
            .0
    };
    let data = dataset(
        4,
        vec![
            // Sunday 2026-11-22, 07:00 China time (23:00 UTC the day before).
            ev(0, "visit", at(11, 22, 7)),
            ev(0, "pay", at(11, 22, 8)),
            ev(1, "visit", at(11, 22, 23)),
            // Tuesday 2026-11-24: nothing. Wednesday the 25th:
            ev(2, "visit", at(11, 25, 10)),
            ev(2, "pay", at(11, 25, 11)),
            ev(3, "visit", at(11, 25, 12)),
        ],
    );
    let def = funnel(&["visit", "pay"], Window::days(1), OrderMode::Sequential);
    let r = run(&data, &def);
    let by_day: Vec<(i64, u32, u32)> = r
        .stats
        .over_time
        .iter()
        .map(|p| (p.day, p.entered, p.converted))
        .collect();
    let d = |m, dd| day_number(date(m, dd));
    assert_eq!(
        by_day,
        vec![
            (d(11, 22), 2, 1),
            (d(11, 23), 0, 0),
            (d(11, 24), 0, 0),
            (d(11, 25), 2, 1)
        ]
    );
    assert_eq!(r.stats.over_time[0].date(), Some(date(11, 22)));
    let weekly = compute(
        &data,
        &EventIndex::build(&data),
        &def,
        &FunnelOptions {
            period: Period::Week,
            ..FunnelOptions::default()
        },
    )
    .expect("valid");
    let by_week: Vec<(i64, u32, u32)> = weekly
        .stats
        .over_time
        .iter()
        .map(|p| (p.day, p.entered, p.converted))
        .collect();
    assert_eq!(by_week, vec![(d(11, 16), 2, 1), (d(11, 23), 2, 1)]);
    assert_eq!(weekly.stats.over_time[1].rate(), 0.5);
}

#[test]
fn only_eligible_customers_count() {
    let data = drill_fixture();
    let def = funnel(
        &["visit", "view", "pay"],
        Window::days(1),
        OrderMode::Sequential,
    );
    let eligible = [true, false, true, true];
    let r = compute(
        &data,
        &EventIndex::build(&data),
        &def,
        &FunnelOptions {
            eligible: Some(&eligible),
            ..FunnelOptions::default()
        },
    )
    .expect("valid");
    assert_eq!(r.furthest, vec![3, 0, 0, 2, 0, 0]);
}

#[test]
fn invalid_definitions_are_refused_with_a_reason() {
    let one = FunnelDefinition::of_events(&["visit"], Window::days(1));
    assert_eq!(one.validate(), Err(FunnelError::TooFewSteps(1)));
    let eleven = FunnelDefinition::of_events(&["visit"; 11], Window::days(1));
    assert_eq!(eleven.validate(), Err(FunnelError::TooManySteps(11)));
    let zero = FunnelDefinition::of_events(&["a", "b"], Window::new(0, WindowUnit::Hour));
    assert_eq!(zero.validate(), Err(FunnelError::ZeroWindow));
    let long = FunnelDefinition::of_events(&["a", "b"], Window::days(3651));
    assert_eq!(long.validate(), Err(FunnelError::WindowTooLong));
    let empty = FunnelDefinition::of_events(&["a", " "], Window::days(1));
    assert_eq!(empty.validate(), Err(FunnelError::EmptyEvent { step: 1 }));
    let range = FunnelDefinition {
        range: Some((Timestamp(5), Timestamp(5))),
        ..FunnelDefinition::of_events(&["a", "b"], Window::days(1))
    };
    assert_eq!(range.validate(), Err(FunnelError::EmptyRange));
    // Worded by the app: src/i18n/errors.rs tests that this one says 至少.
    let data = Dataset::default();
    assert!(
        compute(
            &data,
            &EventIndex::build(&data),
            &one,
            &FunnelOptions::default()
        )
        .is_err()
    );
}

#[test]
fn unsorted_events_and_a_stale_index_give_the_same_result() {
    let data = drill_fixture();
    let def = funnel(
        &["visit", "view", "pay"],
        Window::days(1),
        OrderMode::Sequential,
    );
    let expected = run(&data, &def);
    let mut shuffled = data.clone();
    shuffled.events = data.events.to_vec().into_iter().rev().collect();
    assert_eq!(run(&shuffled, &def), expected);
    // Built in steps over a log with events not yet in its columns: its copy is built in one.
    assert!(!shuffled.events.is_normalized());
    let mut builder = EventIndexBuilder::new(&shuffled);
    assert!(builder.step(&shuffled, 1));
    assert_eq!(builder.finish(&shuffled), EventIndex::build(&shuffled));
    let stale = EventIndex::build(&Dataset::default());
    assert_eq!(
        compute(&data, &stale, &def, &FunnelOptions::default()).expect("valid"),
        expected
    );
}

// ---------------------------------------------------------------- URL and serde

#[test]
fn the_url_form_reads_and_writes() {
    let def = FunnelDefinition {
        steps: vec![
            Step::new("visit").with(PropField::Channel, "天猫"),
            Step::new("view").with(PropField::Category, "a.b c"),
            Step::new("pay"),
        ],
        window: Window::new(90, WindowUnit::Minute),
        mode: OrderMode::Strict,
        range: Some((Timestamp(-5), Timestamp(1_763_395_200_000))),
        exclusions: Vec::new(),
    };
    let url = def.to_url();
    assert_eq!(
        url,
        "visit(channel.天猫)~view(category.a%2Eb%20c)~pay!90m!strict!-5..1763395200000"
    );
    assert_eq!(FunnelDefinition::from_url(&url), Ok(def));
    let plain = FunnelDefinition::from_url("visit~view~add_to_cart~checkout~pay!1d").expect("ok");
    assert_eq!(plain, purchase_funnel());
    assert_eq!(plain.to_url(), "visit~view~add_to_cart~checkout~pay!1d");
    let seq = FunnelDefinition::from_url("a~b!2h!seq").expect("ok");
    assert_eq!(seq.mode, OrderMode::Sequential);
    for bad in [
        "",
        "visit",
        "visit!1d",
        "visit~view",
        "visit~view!1",
        "visit~view!d",
        "visit~view!0d",
        "visit~view!99999999999d",
        "visit~~view!1d",
        "visit(channel)~view!1d",
        "visit(colour.red)~view!1d",
        "visit(channel.x~view!1d",
        "visit(channel.x)y~view!1d",
        "vi%ZZsit~view!1d",
        "vi%FFsit~view!1d",
        "vi.sit~view!1d",
        "visit~view!1d!strict!strict",
        "visit~view!1d!5..3",
        "visit~view!1d!x..3",
        "visit~view!1d!fast",
    ] {
        assert!(FunnelDefinition::from_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn definitions_serialise_for_saved_funnels() {
    let saved = SavedFunnel {
        id: "f1".into(),
        name: "购买".into(),
        definition: FunnelDefinition {
            steps: vec![
                Step::new("visit").with(PropField::Item, "SKU1"),
                Step::new("pay"),
            ],
            window: Window::days(3),
            mode: OrderMode::Strict,
            range: None,
            exclusions: Vec::new(),
        },
        updated_at: Timestamp(9),
    };
    let json = serde_json::to_string(&saved).expect("json");
    assert!(json.contains(r#""event":"visit""#), "{json}");
    assert!(json.contains(r#""unit":"day""#), "{json}");
    assert!(json.contains(r#""mode":"strict""#), "{json}");
    assert_eq!(
        serde_json::from_str::<SavedFunnel>(&json).expect("back"),
        saved
    );
}

// ---------------------------------------------------------------- templates

#[test]
fn the_purchase_template_on_the_demo() {
    let date = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let data = demo::generate(&demo::DemoConfig::new(2_000, date));
    let def = purchase_funnel();
    assert_eq!(def.steps.len(), kezhi_core::model::event_type::FUNNEL.len());
    // The steps' labels (加购, Pay) are the app's: src/i18n/codes.rs, `event_labels_and_funnel_words`.
    let index = EventIndex::build(&data);
    let r = compute(&data, &index, &def, &FunnelOptions::default()).expect("valid");
    let counts = reached(&r);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // Every order has a full path before it, so everyone with a paid order converts.
    let buyers = data
        .orders
        .iter()
        .map(|o| o.customer_id)
        .collect::<std::collections::HashSet<_>>()
        .len() as u32;
    assert!(counts[4] >= buyers, "{counts:?} vs {buyers}");
    assert_eq!(r.unknown_customer_records, 0);
    // Strict never counts more than sequential.
    let strict = compute(
        &data,
        &index,
        &FunnelDefinition {
            mode: OrderMode::Strict,
            ..def.clone()
        },
        &FunnelOptions::default(),
    )
    .expect("valid");
    assert!(r.furthest.iter().zip(&strict.furthest).all(|(s, t)| t <= s));
}

#[test]
fn the_repurchase_funnel_counts_a_second_paid_order_within_n_days() {
    let day = |d: i64| Timestamp(T0 + d * MS_PER_DAY);
    let order = |c: usize, n: u128, at: Timestamp, status: OrderStatus| Order {
        id: Uuid::from_u128(1000 + n),
        customer_id: cid(c),
        source_order_id: n.to_string(),
        ordered_at: at,
        amount_cents: 100,
        item_count: 1,
        channel: Sym::new("tmall"),
        status,
        updated_at: at,
    };
    use OrderStatus::{Paid, Refunded};
    let mut data = dataset(5, Vec::new());
    data.orders = vec![
        // 0: second order exactly 30 days later.
        order(0, 1, day(0), Paid),
        order(0, 2, day(30), Paid),
        // 1: 30 days and 1 ms later.
        order(1, 3, day(0), Paid),
        order(1, 4, day(30).plus_millis(1), Paid),
        // 2: a refunded order in between does not count; the next paid one does.
        order(2, 5, day(10), Paid),
        order(2, 6, day(11), Refunded),
        order(2, 7, day(12), Paid),
        // 3: only refunded orders.
        order(3, 8, day(0), Refunded),
        // An order of an unknown customer.
        order(9, 9, day(0), Paid),
        // 4: one paid order.
        order(4, 10, day(50), Paid),
    ];
    let r = repurchase_funnel(&data, 30, None, &FunnelOptions::default()).expect("valid");
    assert_eq!(r.furthest, vec![2, 1, 2, 0, 1]);
    assert_eq!(reached(&r), vec![4, 2]);
    assert_eq!(r.unknown_customer_records, 1);
    assert_eq!(r.stats.overall_time.median_ms, Some(16 * MS_PER_DAY));
    // With a range: customers whose first paid order falls in it.
    let r = repurchase_funnel(
        &data,
        30,
        Some((day(5), day(60))),
        &FunnelOptions::default(),
    )
    .expect("valid");
    assert_eq!(r.furthest, vec![0, 0, 2, 0, 1]);
    assert!(repurchase_funnel(&data, 0, None, &FunnelOptions::default()).is_err());
}

#[test]
fn the_stage_funnel_counts_customers_at_each_stage() {
    let stages = [
        Some(Stage::Prospect),
        Some(Stage::Prospect),
        Some(Stage::Growing),
        Some(Stage::Mature),
        Some(Stage::AtRisk),
        None,
    ];
    assert_eq!(stage_funnel(stages), [2, 0, 1, 1]);
    // Its name (成熟) is the app's: src/i18n/codes.rs, `stage_and_group_names`.
    assert_eq!(STAGE_FUNNEL[3], Stage::Mature);
    assert_eq!(TEMPLATES.len(), 3);
}

// ---------------------------------------------------------------- optional steps, exclusions

/// The worked example of docs/funnels.md ("Optional steps and exclusions"): visit → view
/// (optional) → add_to_cart → pay within 60 minutes, excluding a `coupon` between
/// add_to_cart and pay.
fn worked_example() -> (Dataset, FunnelDefinition) {
    let m = |c: usize, kind: &str, minute: i64| ev(c, kind, T0 + minute * MIN);
    let events = vec![
        // A: every step.
        m(0, "visit", 0),
        m(0, "view", 1),
        m(0, "add_to_cart", 2),
        m(0, "pay", 3),
        // B: skips the optional view.
        m(1, "visit", 0),
        m(1, "add_to_cart", 2),
        m(1, "pay", 5),
        // C: views only after add_to_cart: not between visit and add_to_cart.
        m(2, "visit", 0),
        m(2, "add_to_cart", 1),
        m(2, "view", 2),
        m(2, "pay", 3),
        // D: a coupon between add_to_cart and pay: excluded.
        m(3, "visit", 0),
        m(3, "view", 1),
        m(3, "add_to_cart", 2),
        m(3, "coupon", 3),
        m(3, "pay", 4),
        // E: no pay, a coupon after add_to_cart within the window: excluded.
        m(4, "visit", 0),
        m(4, "add_to_cart", 2),
        m(4, "coupon", 30),
        // F: no pay, a coupon after the window: counted.
        m(5, "visit", 0),
        m(5, "add_to_cart", 2),
        m(5, "coupon", 90),
        // G: views after its only required step: the view counts.
        m(6, "visit", 0),
        m(6, "view", 5),
        // H: a coupon before add_to_cart: not between the exclusion's steps.
        m(7, "visit", 0),
        m(7, "coupon", 1),
        m(7, "add_to_cart", 2),
        m(7, "pay", 3),
    ];
    let def = FunnelDefinition {
        steps: vec![
            Step::new("visit"),
            Step::new("view").optional(),
            Step::new("add_to_cart"),
            Step::new("pay"),
        ],
        exclusions: vec![Exclusion::new("coupon", 2, 3)],
        ..FunnelDefinition::of_events(&[], Window::new(60, WindowUnit::Minute))
    };
    (dataset(8, events), def)
}

#[test]
fn optional_steps_and_exclusions_worked_example() {
    let (data, def) = worked_example();
    let r = run(&data, &def);
    assert_eq!(reached(&r), vec![6, 2, 5, 4]);
    assert_eq!(r.excluded, 2);
    assert_eq!(r.furthest, vec![4, 4, 4, 0, 0, 3, 1, 4]);
    assert_eq!(r.optional, vec![0b10, 0, 0, 0, 0, 0, 0b10, 0]);
    let dropped: Vec<u32> = r.stats.steps.iter().map(|s| s.dropped).collect();
    assert_eq!(dropped, vec![1, 0, 1, 0]);
    let optional: Vec<bool> = r.stats.steps.iter().map(|s| s.optional).collect();
    assert_eq!(optional, vec![false, true, false, false]);
    assert_eq!(r.stats.conversion_from_previous(1), 2.0 / 6.0);
    // From the required step before it (visit), not from the optional view.
    assert_eq!(r.stats.conversion_from_previous(2), 5.0 / 6.0);
    assert_eq!(r.stats.conversion_from_previous(3), 4.0 / 5.0);
    assert_eq!(r.stats.overall_conversion(), 4.0 / 6.0);
    assert_eq!(r.drill(1, Drill::Reached), vec![0, 6]);
    assert_eq!(r.drill(1, Drill::Dropped), Vec::<usize>::new());
    assert_eq!(r.drill(0, Drill::Dropped), vec![6]);
    assert_eq!(r.drill(2, Drill::Dropped), vec![5]);
    assert_eq!(r.drill(3, Drill::Reached), vec![0, 1, 2, 7]);
    // Times between neighbours both on the path.
    let counts: Vec<u32> = r.stats.step_times.iter().map(|t| t.count).collect();
    assert_eq!(counts, vec![2, 1, 4]);
    assert_eq!(r.stats.step_times[0].median_ms, Some(3 * MIN));
    assert_eq!(r.stats.step_times[2].median_ms, Some(MIN + MIN / 2));
    assert_eq!(r.stats.overall_time.count, 4);
    assert_eq!(r.stats.overall_time.median_ms, Some(3 * MIN));
    // Without the exclusion D and E come back; without the optional step the required
    // counts are those of the three-step funnel.
    let kept = run(
        &data,
        &FunnelDefinition {
            exclusions: Vec::new(),
            ..def.clone()
        },
    );
    assert_eq!(reached(&kept), vec![8, 3, 7, 5]);
    assert_eq!(kept.excluded, 0);
    let three = run(
        &data,
        &FunnelDefinition::of_events(
            &["visit", "add_to_cart", "pay"],
            Window::new(60, WindowUnit::Minute),
        ),
    );
    assert_eq!(reached(&three), vec![8, 7, 5]);
    // A breakdown adds up, and its excluded customers are the funnel's.
    let b = compute_breakdown(
        &data,
        &EventIndex::build(&data),
        &def,
        &FunnelOptions::default(),
        &[0, 1, 0, 1, 0, 1, 0, 1],
        2,
    )
    .expect("valid");
    assert_eq!(b.total, r);
    let sums: Vec<u32> = (0..4)
        .map(|i| b.groups.iter().map(|g| g.stats.reached(i)).sum())
        .collect();
    assert_eq!(sums, vec![6, 2, 5, 4]);
    assert_eq!(b.drill(0, 1, Drill::Reached), vec![0, 6]);
}

#[test]
fn an_optional_step_needs_an_event_of_its_own() {
    // visit → view (optional) → view: one view serves the required step only; two at the
    // same millisecond serve both.
    let def = FunnelDefinition {
        steps: vec![
            Step::new("visit"),
            Step::new("view").optional(),
            Step::new("view"),
        ],
        ..FunnelDefinition::of_events(&[], Window::days(1))
    };
    let data = dataset(
        3,
        vec![
            ev(0, "visit", T0),
            ev(0, "view", T0 + MIN),
            ev(1, "visit", T0),
            ev(1, "view", T0 + MIN),
            ev(1, "view", T0 + MIN),
            ev(2, "visit", T0),
            ev(2, "view", T0 + MIN),
            ev(2, "view", T0 + 2 * MIN),
        ],
    );
    let r = run(&data, &def);
    assert_eq!(reached(&r), vec![3, 1, 3]);
    assert_eq!(r.optional, vec![0, 0b10, 0]);
    // Customer 2: the required view is the earliest (minute 1), so the optional one has no
    // event left between visit and it.
    let def2 = FunnelDefinition {
        steps: vec![
            Step::new("visit"),
            Step::new("view").with(PropField::Channel, "app").optional(),
            Step::new("view"),
        ],
        ..def.clone()
    };
    let app = EventProps {
        channel: Some(Sym::new("app")),
        ..EventProps::default()
    };
    let data = dataset(
        2,
        vec![
            // One event serving either: it goes to the required step (it is the earliest
            // view), and nothing is left for the optional one.
            ev(0, "visit", T0),
            ev_with(0, "view", T0 + MIN, app),
            // The app view and a plain view at the same millisecond: the plain one can take
            // the required step, the app one the optional.
            ev(1, "visit", T0),
            ev_with(1, "view", T0 + MIN, app),
            ev(1, "view", T0 + MIN),
        ],
    );
    let r = run(&data, &def2);
    assert_eq!(reached(&r), vec![2, 1, 2]);
    assert_eq!(r.optional, vec![0, 0b10]);
}

#[test]
fn optional_steps_of_one_gap_are_taken_in_order() {
    // a → b (optional) → c (optional) → d: c before b counts c alone; b then c both.
    let def = FunnelDefinition {
        steps: vec![
            Step::new("a"),
            Step::new("b").optional(),
            Step::new("c").optional(),
            Step::new("d"),
        ],
        ..FunnelDefinition::of_events(&[], Window::days(1))
    };
    let m = |c: usize, kind: &str, minute: i64| ev(c, kind, T0 + minute * MIN);
    let data = dataset(
        3,
        vec![
            m(0, "a", 0),
            m(0, "c", 1),
            m(0, "b", 2),
            m(0, "d", 3),
            m(1, "a", 0),
            m(1, "b", 1),
            m(1, "c", 2),
            m(1, "d", 3),
            // b after d: not in the gap.
            m(2, "a", 0),
            m(2, "d", 1),
            m(2, "b", 2),
        ],
    );
    let r = run(&data, &def);
    // Customer 0: b is placed first (minute 2), and c must then come at or after it.
    assert_eq!(r.optional, vec![0b10, 0b110, 0]);
    assert_eq!(reached(&r), vec![3, 2, 1, 3]);
}

#[test]
fn exclusions_in_strict_mode_and_at_the_edges() {
    let m = |c: usize, kind: &str, minute: i64| ev(c, kind, T0 + minute * MIN);
    let def = FunnelDefinition {
        mode: OrderMode::Strict,
        exclusions: vec![Exclusion::new("fav", 0, 2)],
        ..FunnelDefinition::of_events(
            &["visit", "view", "pay"],
            Window::new(10, WindowUnit::Minute),
        )
    };
    let data = dataset(
        5,
        vec![
            // A fav ends the strict path at view; it lies after step 1 within the window.
            m(0, "visit", 0),
            m(0, "view", 1),
            m(0, "fav", 2),
            // A fav at the same millisecond as step 1 or the last step is not between them.
            m(1, "fav", 0),
            m(1, "visit", 0),
            m(1, "view", 1),
            m(1, "pay", 2),
            m(1, "fav", 2),
            // A fav exactly at the end of the window still excludes (the window is
            // inclusive); one a millisecond later does not.
            m(2, "visit", 0),
            m(2, "fav", 10),
            m(3, "visit", 0),
            ev(3, "fav", T0 + 10 * MIN + 1),
            // Before step 1: not between.
            m(4, "fav", 0),
            m(4, "visit", 1),
            m(4, "view", 2),
            m(4, "pay", 3),
        ],
    );
    let r = run(&data, &def);
    assert_eq!(r.furthest, vec![0, 3, 0, 1, 3]);
    assert_eq!(r.excluded, 2);
    assert_eq!(reached(&r), vec![3, 2, 2]);
    // Only eligible customers can be excluded.
    let eligible = [false, true, true, true, true];
    let r = compute(
        &data,
        &EventIndex::build(&data),
        &def,
        &FunnelOptions {
            eligible: Some(&eligible),
            ..FunnelOptions::default()
        },
    )
    .expect("valid");
    assert_eq!(r.excluded, 1);
}

#[test]
fn optional_steps_and_exclusions_are_validated() {
    let base = FunnelDefinition::of_events(&["a", "b", "c"], Window::days(1));
    let with_steps = |f: &dyn Fn(&mut Vec<Step>)| {
        let mut d = base.clone();
        f(&mut d.steps);
        d.validate()
    };
    assert_eq!(
        with_steps(&|s| s[0].optional = true),
        Err(FunnelError::OptionalFirstStep)
    );
    assert_eq!(
        with_steps(&|s| s[2].optional = true),
        Err(FunnelError::OptionalLastStep)
    );
    assert_eq!(
        with_steps(&|s| s.iter_mut().for_each(|s| s.optional = true)),
        Err(FunnelError::OptionalFirstStep)
    );
    assert_eq!(with_steps(&|s| s[1].optional = true), Ok(()));
    let strict = FunnelDefinition {
        mode: OrderMode::Strict,
        ..base.clone()
    };
    let mut optional_strict = strict.clone();
    optional_strict.steps[1].optional = true;
    assert_eq!(
        optional_strict.validate(),
        Err(FunnelError::OptionalInStrictMode)
    );
    let x = |exclusions: Vec<Exclusion>| {
        let mut d = base.clone();
        d.steps[1].optional = true;
        d.exclusions = exclusions;
        d.validate()
    };
    assert_eq!(x(vec![Exclusion::new("x", 0, 2)]), Ok(()));
    assert_eq!(
        x(vec![Exclusion::new("x", 0, 2), Exclusion::new(" ", 0, 2)]),
        Err(FunnelError::ExclusionEmptyEvent { exclusion: 1 })
    );
    assert_eq!(
        x(vec![Exclusion::new("x", 0, 2).with(PropField::Item, "")]),
        Err(FunnelError::ExclusionEmptyFilterValue { exclusion: 0 })
    );
    assert_eq!(
        x(vec![Exclusion::new("x", 2, 2)]),
        Err(FunnelError::ExclusionBadSteps { exclusion: 0 })
    );
    assert_eq!(
        x(vec![Exclusion::new("x", 0, 3)]),
        Err(FunnelError::ExclusionBadSteps { exclusion: 0 })
    );
    assert_eq!(
        x(vec![Exclusion::new("x", 0, 1)]),
        Err(FunnelError::ExclusionAtOptionalStep { exclusion: 0 })
    );
    assert_eq!(
        x(vec![Exclusion::new("x", 0, 2); 11]),
        Err(FunnelError::TooManyExclusions(11))
    );
    // Exclusions are fine in strict mode.
    let strict_x = FunnelDefinition {
        exclusions: vec![Exclusion::new("x", 0, 1)],
        ..strict
    };
    assert_eq!(strict_x.validate(), Ok(()));
}

#[test]
fn removing_a_step_keeps_optional_steps_and_exclusions_consistent() {
    let mut def = FunnelDefinition {
        steps: vec![
            Step::new("a"),
            Step::new("b").optional(),
            Step::new("c"),
            Step::new("d").optional(),
            Step::new("e"),
        ],
        exclusions: vec![
            Exclusion::new("x", 0, 2),
            Exclusion::new("y", 2, 4),
            Exclusion::new("z", 0, 4),
        ],
        ..FunnelDefinition::of_events(&[], Window::days(1))
    };
    assert_eq!(def.validate(), Ok(()));
    def.remove_step(1);
    assert_eq!(
        def.exclusions,
        vec![
            Exclusion::new("x", 0, 1),
            Exclusion::new("y", 1, 3),
            Exclusion::new("z", 0, 3)
        ]
    );
    // Removing the last step makes the optional one before it the last: required now; the
    // exclusions ending at the removed step go.
    def.remove_step(3);
    assert_eq!(def.exclusions, vec![Exclusion::new("x", 0, 1)]);
    assert!(!def.steps[2].optional);
    assert_eq!(def.validate(), Ok(()));
    def.remove_step(9);
    assert_eq!(def.steps.len(), 3);
}

#[test]
fn the_url_form_of_optional_steps_and_exclusions() {
    let (_, def) = worked_example();
    let url = def.to_url();
    assert_eq!(url, "visit~view*~add_to_cart~pay!60m!x3.4.coupon");
    assert_eq!(FunnelDefinition::from_url(&url), Ok(def));
    let full = FunnelDefinition {
        steps: vec![
            Step::new("visit"),
            Step::new("view")
                .with(PropField::Category, "a*b")
                .optional(),
            Step::new("pay"),
        ],
        window: Window::days(1),
        mode: OrderMode::Sequential,
        range: Some((Timestamp(5), Timestamp(9))),
        exclusions: vec![
            Exclusion::new("fav", 0, 2).with(PropField::Channel, "天猫"),
            Exclusion::new("re.fund", 0, 2),
        ],
    };
    let url = full.to_url();
    assert_eq!(
        url,
        "visit~view(category.a%2Ab)*~pay!1d!5..9!x1.3.fav(channel.天猫)!x1.3.re%2Efund"
    );
    assert_eq!(FunnelDefinition::from_url(&url), Ok(full));
    // Forms written before: no optional step, no exclusion.
    let old = FunnelDefinition::from_url("visit~view~pay!1d!strict").expect("old form");
    assert!(!old.is_extended());
    for bad in [
        "visit*~pay!1d",
        "visit~pay*!1d",
        "visit~view*~pay!1d!strict",
        "visit~pay!1d!x1.2.",
        "visit~pay!1d!x1.1.fav",
        "visit~pay!1d!x0.2.fav",
        "visit~pay!1d!x1.3.fav",
        "visit~pay!1d!x1.fav",
        "visit~pay!1d!xa.2.fav",
        "visit~pay!1d!x1.2.fav*",
        "visit~pay!1d!x1.2.fav!strict",
        "visit~view*~pay!1d!x1.2.fav",
    ] {
        assert!(FunnelDefinition::from_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn saved_funnels_from_before_optional_steps_and_exclusions_still_read() {
    // The JSON a saved funnel had before these features (records and synced documents).
    let old = r#"{"id":"f1","name":"购买","definition":{"steps":[{"event":"visit","filters":[{"field":"channel","value":"app"}]},{"event":"pay"}],"window":{"value":1,"unit":"day"},"mode":"sequential","range":null},"updated_at":9}"#;
    let f: SavedFunnel = serde_json::from_str(old).expect("old JSON");
    assert!(!f.definition.is_extended());
    assert_eq!(f.definition.steps[0].filters.len(), 1);
    // Writing it again gives the same JSON: the new fields are left out when unused.
    assert_eq!(serde_json::to_string(&f).expect("json"), old);
    // With the new fields they round-trip.
    let (_, def) = worked_example();
    let new = SavedFunnel {
        definition: def,
        ..f
    };
    let json = serde_json::to_string(&new).expect("json");
    assert!(json.contains(r#""optional":true"#), "{json}");
    assert!(
        json.contains(r#""exclusions":[{"event":"coupon","from":2,"to":3}]"#),
        "{json}"
    );
    assert_eq!(
        serde_json::from_str::<SavedFunnel>(&json).expect("back"),
        new
    );
}

// ---------------------------------------------------------------- brute force

/// The furthest step of every customer by trying every sequence of distinct events, and for
/// the customers who reach it: the earliest start reaching it, then (sequential) the earliest
/// time of each step over the paths from that start, or (strict) the earliest completion.
struct Reference {
    furthest: Vec<u8>,
    /// Per customer: times of steps 1..=furthest (strict: only first and last are exact).
    times: Vec<Vec<i64>>,
}

fn reference(data: &Dataset, def: &FunnelDefinition, eligible: Option<&[bool]>) -> Reference {
    let k = def.steps.len();
    let window = def.window.millis();
    let strict = def.mode == OrderMode::Strict;
    let mut furthest = Vec::new();
    let mut times = Vec::new();
    for (p, c) in data.customers.iter().enumerate() {
        let events: Vec<Event> = data
            .events
            .iter()
            .filter(|e| e.customer_id == c.id)
            .collect();
        let mut paths: Vec<Vec<usize>> = Vec::new();
        if eligible.is_none_or(|e| e.get(p) == Some(&true)) {
            let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
            while let Some(path) = stack.pop() {
                let j = path.len();
                if j > 0 {
                    paths.push(path.clone());
                }
                if j == k {
                    continue;
                }
                for (i, e) in events.iter().enumerate() {
                    if path.contains(&i) || !def.steps[j].matches(e.kind, &e.props) {
                        continue;
                    }
                    let t = e.occurred_at.0;
                    let ok = match path.first() {
                        None => def.in_range(e.occurred_at),
                        Some(&f) => {
                            let t1 = events[f].occurred_at.0;
                            let prev = events[path[j - 1]].occurred_at.0;
                            t >= prev
                                && t - t1 <= window
                                && (!strict
                                    || events.iter().enumerate().all(|(o, x)| {
                                        o == i
                                            || path.contains(&o)
                                            || !(t1 < x.occurred_at.0 && x.occurred_at.0 < t)
                                    }))
                        }
                    };
                    if ok {
                        let mut next = path.clone();
                        next.push(i);
                        stack.push(next);
                    }
                }
            }
        }
        let best = paths.iter().map(Vec::len).max().unwrap_or(0);
        let at = |path: &Vec<usize>, s: usize| events[path[s]].occurred_at.0;
        let full: Vec<&Vec<usize>> = paths.iter().filter(|p| p.len() == best).collect();
        let start = full.iter().map(|p| at(p, 0)).min();
        let from_start: Vec<&&Vec<usize>> =
            full.iter().filter(|p| Some(at(p, 0)) == start).collect();
        let t: Vec<i64> = (0..best)
            .map(|s| from_start.iter().map(|p| at(p, s)).min().unwrap_or(0))
            .collect();
        furthest.push(best as u8);
        times.push(t);
    }
    Reference { furthest, times }
}

/// Random event logs of four customers (and an unknown fifth), over 2 to 12 minutes so that
/// many events share a timestamp.
fn log() -> impl Strategy<Value = (Dataset, Vec<bool>)> {
    (2i64..12).prop_flat_map(log_over)
}

fn log_over(minutes: i64) -> impl Strategy<Value = (Dataset, Vec<bool>)> {
    let kinds = prop_oneof![3 => Just("a"), 3 => Just("b"), 1 => Just("c"), 1 => Just("x")];
    let channel = prop_oneof![Just(None), Just(Some("p")), Just(Some("q"))];
    let event = (0usize..5, kinds, 0..minutes, channel);
    (
        prop::collection::vec(event, 0..22),
        prop::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(events, eligible)| {
            let events = events
                .into_iter()
                .map(|(c, kind, minute, channel)| {
                    ev_with(
                        c,
                        kind,
                        T0 + minute * MIN,
                        EventProps {
                            channel: channel.map(Sym::new),
                            ..EventProps::default()
                        },
                    )
                })
                .collect();
            // Customer 4 is unknown: its events must be ignored.
            (dataset(4, events), eligible)
        })
}

fn definition() -> impl Strategy<Value = FunnelDefinition> {
    let step = (
        prop_oneof![3 => Just("a"), 3 => Just("b"), 1 => Just("c")],
        prop_oneof![3 => Just(None), 1 => Just(Some("p"))],
    )
        .prop_map(|(kind, channel)| {
            let step = Step::new(kind);
            match channel {
                Some(c) => step.with(PropField::Channel, c),
                None => step,
            }
        });
    (
        prop::collection::vec(step, 2..5),
        1u32..6,
        any::<bool>(),
        prop::option::of((0i64..8, 1i64..8)),
    )
        .prop_map(|(steps, window, strict, range)| FunnelDefinition {
            steps,
            window: Window::new(window, WindowUnit::Minute),
            mode: if strict {
                OrderMode::Strict
            } else {
                OrderMode::Sequential
            },
            range: range.map(|(from, len)| {
                (
                    Timestamp(T0 + from * MIN),
                    Timestamp(T0 + (from + len) * MIN),
                )
            }),
            exclusions: Vec::new(),
        })
}

/// Compares the engine with the brute-force reference on one log: the furthest step of every
/// customer, the step counts, the times to convert, conversion over time, the unknown
/// customers' events, and that a breakdown adds up to the funnel.
/// The event index built a customer at a time is the one built in one go; the funnel counted
/// a customer or two at a time (as the app counts it, in slices) is the funnel counted in one go, alone and split by a key (the position modulo 3, every third
/// customer without one).
fn counted_in_steps_alike(
    data: &Dataset,
    index: &EventIndex,
    def: &FunnelDefinition,
    options: &FunnelOptions,
    whole: &FunnelResult,
) -> Result<(), TestCaseError> {
    let mut builder = EventIndexBuilder::new(data);
    let mut steps = 1;
    while !builder.step(data, 1) {
        steps += 1;
    }
    prop_assert_eq!(&builder.finish(data), index);
    prop_assert!(steps >= data.customers.len() + index.positions_in_log_order().len());
    let mut counter = FunnelCounter::new(data, index, def).expect("valid");
    let mut steps = 1;
    while !counter.step(data, index, options, 1) {
        steps += 1;
    }
    prop_assert_eq!(&counter.finish(options), whole, "{}", def.to_url());
    prop_assert!(steps >= index.positions_in_log_order().len());
    let keys: Vec<u32> = (0..(data.customers.len() as u32).saturating_sub(1))
        .map(|p| p % 3)
        .collect();
    let split = compute_breakdown(data, index, def, options, &keys, 2).expect("valid");
    prop_assert_eq!(&split.total, whole);
    let mut counter = BreakdownCounter::new(data, index, def, keys, 2).expect("valid");
    while !counter.step(data, index, options, 2) {}
    prop_assert_eq!(counter.finish(options), split, "{}", def.to_url());
    Ok(())
}

fn check(
    data: &Dataset,
    eligible: Option<&[bool]>,
    def: &FunnelDefinition,
) -> Result<(), TestCaseError> {
    let options = FunnelOptions {
        eligible,
        ..FunnelOptions::default()
    };
    let index = EventIndex::build(data);
    let got = compute(data, &index, def, &options).expect("valid");
    counted_in_steps_alike(data, &index, def, &options, &got)?;
    let want = reference(data, def, eligible);
    prop_assert_eq!(&got.furthest, &want.furthest, "{}", def.to_url());
    let k = def.steps.len();
    let mut gaps = vec![Vec::new(); k - 1];
    let mut overall = Vec::new();
    for t in &want.times {
        if def.mode == OrderMode::Sequential {
            for (i, w) in t.windows(2).enumerate() {
                gaps[i].push(w[1] - w[0]);
            }
        }
        if t.len() == k {
            overall.push(t[k - 1] - t[0]);
        }
    }
    prop_assert_eq!(
        &got.stats.overall_time,
        &TimeStats::of(&mut overall),
        "{}",
        def.to_url()
    );
    if def.mode == OrderMode::Sequential {
        for (i, gaps) in gaps.iter_mut().enumerate() {
            prop_assert_eq!(&got.stats.step_times[i], &TimeStats::of(gaps), "gap {}", i);
        }
    }
    let entered = want.furthest.iter().filter(|&&f| f > 0).count() as u32;
    prop_assert_eq!(got.stats.entered(), entered);
    let days: u32 = got.stats.over_time.iter().map(|p| p.entered).sum();
    prop_assert_eq!(days, entered);
    let known: std::collections::HashSet<Uuid> = data.customers.iter().map(|c| c.id).collect();
    let unknown = data
        .events
        .iter()
        .filter(|e| !known.contains(&e.customer_id))
        .count();
    prop_assert_eq!(got.unknown_customer_records, unknown);
    let keys = [0, 1, 0, 2];
    let b = compute_breakdown(data, &index, def, &options, &keys, 2).expect("valid");
    prop_assert_eq!(&b.total, &got);
    for step in 0..k {
        let sum: u32 = b.groups.iter().map(|g| g.stats.reached(step)).sum();
        prop_assert_eq!(sum, got.stats.reached(step));
    }
    Ok(())
}

/// One customer's events of two types over a few minutes: dense ties and repeated types,
/// where the choices at equal timestamps matter most.
fn dense_log() -> impl Strategy<Value = Dataset> {
    let kind = prop_oneof![3 => Just("a"), 3 => Just("b"), 1 => Just("x")];
    prop::collection::vec((kind, 0i64..4), 0..9).prop_map(|events| {
        dataset(
            1,
            events
                .into_iter()
                .map(|(k, m)| ev(0, k, T0 + m * MIN))
                .collect(),
        )
    })
}

fn dense_definition() -> impl Strategy<Value = FunnelDefinition> {
    (
        prop::collection::vec(prop_oneof![Just("a"), Just("b")], 2..5),
        1u32..4,
        any::<bool>(),
    )
        .prop_map(|(steps, window, strict)| FunnelDefinition {
            mode: if strict {
                OrderMode::Strict
            } else {
                OrderMode::Sequential
            },
            ..FunnelDefinition::of_events(&steps, Window::new(window, WindowUnit::Minute))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// Random logs of several customers with property filters, a date range and a segment.
    #[test]
    fn agrees_with_brute_force((data, eligible) in log(), def in definition(), restrict in any::<bool>()) {
        check(&data, restrict.then_some(eligible.as_slice()), &def)?;
    }

    /// Dense logs of one customer.
    #[test]
    fn agrees_with_brute_force_on_dense_logs(data in dense_log(), def in dense_definition()) {
        check(&data, None, &def)?;
    }

    /// Any valid definition survives the URL form unchanged.
    #[test]
    fn url_round_trip(
        def in definition(),
        names in prop::collection::vec("[a-z_.%~!()天猫 -]{1,6}", 2..4),
        unit in 0usize..3,
    ) {
        let mut def = def;
        for (step, name) in def.steps.iter_mut().zip(&names) {
            step.event = Sym::new(name);
        }
        def.window.unit = WindowUnit::ALL[unit];
        if def.validate().is_ok() {
            prop_assert_eq!(FunnelDefinition::from_url(&def.to_url()), Ok(def.clone()));
        }
    }

    /// Whatever the URL holds, reading it answers with a definition or an error.
    #[test]
    fn url_reading_never_panics(text in "[a-z0-9_.%~!()天 -]{0,40}") {
        if let Ok(def) = FunnelDefinition::from_url(&text) {
            prop_assert!(def.validate().is_ok());
        }
    }
}

// ------------------------------------------- brute force: optional steps and exclusions

/// The reference with optional steps and exclusions, straight from docs/funnels.md: the
/// required steps' counted path by brute force ([`reference`] on the funnel without its
/// optional steps), then each gap's optional steps in order, each at the earliest time of the
/// gap at which the events of that millisecond can serve it and every step already placed
/// there (every assignment of events to steps tried), then the exclusions over all the
/// customer's events.
struct Extended {
    furthest: Vec<u8>,
    optional: Vec<u16>,
    /// Per customer who counts: each step's time when it is on the path.
    times: Vec<Vec<Option<i64>>>,
    excluded: u32,
}

fn reference_extended(
    data: &Dataset,
    def: &FunnelDefinition,
    eligible: Option<&[bool]>,
) -> Extended {
    let k = def.steps.len();
    let required: Vec<usize> = (0..k).filter(|&i| !def.steps[i].optional).collect();
    let base = reference(
        data,
        &FunnelDefinition {
            steps: required.iter().map(|&i| def.steps[i].clone()).collect(),
            exclusions: Vec::new(),
            ..def.clone()
        },
        eligible,
    );
    let window = def.window.millis();
    let mut out = Extended {
        furthest: Vec::new(),
        optional: Vec::new(),
        times: Vec::new(),
        excluded: 0,
    };
    for (p, c) in data.customers.iter().enumerate() {
        let r = usize::from(base.furthest[p]);
        let mut times: Vec<Option<i64>> = vec![None; k];
        if r == 0 {
            out.furthest.push(0);
            out.optional.push(0);
            out.times.push(times);
            continue;
        }
        let events: Vec<Event> = data
            .events
            .iter()
            .filter(|e| e.customer_id == c.id)
            .collect();
        for j in 0..r {
            times[required[j]] = Some(base.times[p][j]);
        }
        let t1 = base.times[p][0];
        let horizon = t1 + window;
        for j in 0..r {
            let Some(&end) = required.get(j + 1) else {
                break;
            };
            let bound = if j + 1 < r {
                times[end].expect("reached")
            } else {
                horizon
            };
            let mut from = times[required[j]].expect("reached");
            for o in required[j] + 1..end {
                let mut candidates: Vec<i64> = events
                    .iter()
                    .map(|e| e.occurred_at.0)
                    .filter(|&t| from <= t && t <= bound)
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                for t in candidates {
                    let at: Vec<Event> = events
                        .iter()
                        .copied()
                        .filter(|e| e.occurred_at.0 == t)
                        .collect();
                    let mut wanted: Vec<usize> = (0..k).filter(|&s| times[s] == Some(t)).collect();
                    wanted.push(o);
                    if assignable(&def.steps, &wanted, &at, &mut vec![false; at.len()]) {
                        times[o] = Some(t);
                        from = t;
                        break;
                    }
                }
            }
        }
        let excluded = def.exclusions.iter().any(|x| {
            let Some(after) = times[x.from] else {
                return false;
            };
            events.iter().any(|e| {
                let t = e.occurred_at.0;
                x.matches(e.kind, &e.props)
                    && after < t
                    && times[x.to].map_or(t <= horizon, |before| t < before)
            })
        });
        if excluded {
            out.excluded += 1;
            out.furthest.push(0);
            out.optional.push(0);
            out.times.push(vec![None; k]);
            continue;
        }
        out.furthest.push(required[r - 1] as u8 + 1);
        out.optional.push(
            (0..k)
                .filter(|&s| def.steps[s].optional && times[s].is_some())
                .fold(0, |m, s| m | (1 << s)),
        );
        out.times.push(times);
    }
    out
}

/// Whether the steps `wanted` can each take a distinct event of `events`.
fn assignable(steps: &[Step], wanted: &[usize], events: &[Event], used: &mut Vec<bool>) -> bool {
    let Some((&s, rest)) = wanted.split_first() else {
        return true;
    };
    for (i, e) in events.iter().enumerate() {
        if !used[i] && steps[s].matches(e.kind, &e.props) {
            used[i] = true;
            let ok = assignable(steps, rest, events, used);
            used[i] = false;
            if ok {
                return true;
            }
        }
    }
    false
}

/// Definitions with optional steps (sequential) and exclusions (both modes; in strict mode
/// between the first and the last step, where the reference's times are exact).
fn extended_definition() -> impl Strategy<Value = FunnelDefinition> {
    let exclusion = (
        prop_oneof![2 => Just("x"), 1 => Just("a"), 1 => Just("b"), 1 => Just("c")],
        prop_oneof![3 => Just(None), 1 => Just(Some("q"))],
        0usize..10,
        0usize..10,
    );
    (
        definition(),
        prop::collection::vec(any::<bool>(), 5),
        prop::collection::vec(exclusion, 0..3),
    )
        .prop_map(|(mut def, optional, exclusions)| {
            let k = def.steps.len();
            if def.mode == OrderMode::Sequential {
                for (i, step) in def.steps.iter_mut().enumerate() {
                    step.optional = i > 0 && i + 1 < k && optional[i];
                }
            }
            let required: Vec<usize> = (0..k).filter(|&i| !def.steps[i].optional).collect();
            def.exclusions = exclusions
                .into_iter()
                .map(|(kind, channel, a, b)| {
                    let (from, to) = if def.mode == OrderMode::Strict {
                        (0, k - 1)
                    } else {
                        let a = a % (required.len() - 1);
                        let b = a + 1 + b % (required.len() - 1 - a);
                        (required[a], required[b])
                    };
                    let x = Exclusion::new(kind, from, to);
                    match channel {
                        Some(c) => x.with(PropField::Channel, c),
                        None => x,
                    }
                })
                .collect();
            def
        })
}

fn check_extended(
    data: &Dataset,
    eligible: Option<&[bool]>,
    def: &FunnelDefinition,
) -> Result<(), TestCaseError> {
    let options = FunnelOptions {
        eligible,
        ..FunnelOptions::default()
    };
    let index = EventIndex::build(data);
    let got = compute(data, &index, def, &options).expect("valid");
    counted_in_steps_alike(data, &index, def, &options, &got)?;
    let want = reference_extended(data, def, eligible);
    let url = def.to_url();
    prop_assert_eq!(&got.furthest, &want.furthest, "{}", url);
    prop_assert_eq!(got.excluded, want.excluded, "{}", url);
    let with_optional = def.steps.iter().any(|s| s.optional);
    if with_optional {
        prop_assert_eq!(&got.optional, &want.optional, "{}", url);
    } else {
        prop_assert!(got.optional.is_empty());
    }
    let k = def.steps.len();
    let on = |p: usize, s: usize| want.times[p][s].is_some();
    for s in 0..k {
        let count = (0..want.times.len()).filter(|&p| on(p, s)).count() as u32;
        prop_assert_eq!(got.stats.reached(s), count, "step {} {}", s, url);
        prop_assert_eq!(got.drill(s, Drill::Reached).len() as u32, count);
    }
    let mut overall: Vec<i64> = want
        .times
        .iter()
        .filter_map(|t| Some(t[k - 1]? - t[0]?))
        .collect();
    prop_assert_eq!(
        &got.stats.overall_time,
        &TimeStats::of(&mut overall),
        "{}",
        url
    );
    if def.mode == OrderMode::Sequential {
        for i in 0..k - 1 {
            let mut gaps: Vec<i64> = want
                .times
                .iter()
                .filter_map(|t| Some(t[i + 1]? - t[i]?))
                .collect();
            prop_assert_eq!(
                &got.stats.step_times[i],
                &TimeStats::of(&mut gaps),
                "gap {} {}",
                i,
                url
            );
        }
    }
    let b = compute_breakdown(data, &index, def, &options, &[0, 1, 0, 2], 2).expect("valid");
    prop_assert_eq!(&b.total, &got);
    for step in 0..k {
        let sum: u32 = b.groups.iter().map(|g| g.stats.reached(step)).sum();
        prop_assert_eq!(sum, got.stats.reached(step));
    }
    prop_assert_eq!(FunnelDefinition::from_url(&url), Ok(def.clone()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Optional steps and exclusions against the reference, on random logs of several
    /// customers with filters, ranges and segments.
    #[test]
    fn optional_steps_and_exclusions_agree_with_brute_force(
        (data, eligible) in log(),
        def in extended_definition(),
        restrict in any::<bool>(),
    ) {
        check_extended(&data, restrict.then_some(eligible.as_slice()), &def)?;
    }
}
