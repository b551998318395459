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
        events,
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
    assert_eq!(data.events[0].kind, "view");
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
    // Worded by the app: src/i18n.rs tests that this one says 至少.
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
    shuffled.events.reverse();
    assert_eq!(run(&shuffled, &def), expected);
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
    assert_eq!(def.steps.len(), PURCHASE_STEPS.len());
    assert_eq!(event_label("add_to_cart", true), Some("加购"));
    assert_eq!(event_label("pay", false), Some("Pay"));
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
    assert_eq!(STAGE_FUNNEL[3].name(true), "成熟");
    assert_eq!(TEMPLATES.len(), 3);
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
        let events: Vec<&Event> = data
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
        })
}

/// Compares the engine with the brute-force reference on one log: the furthest step of every
/// customer, the step counts, the times to convert, conversion over time, the unknown
/// customers' events, and that a breakdown adds up to the funnel.
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
