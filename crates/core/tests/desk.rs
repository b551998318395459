//! The desk's records (requests, recommendations, campaigns, tasks) travel everywhere the
//! other records do: the record store (one put per edit, tombstones), backups (and backups
//! made before the desk existed), sync between two devices, and the query language.

use chrono::NaiveDate;
use futures::executor::block_on;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::desk::requests::{DeskSettings, RequestDraft, open_request, set_status};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::model::desk::category;
use kezhi_core::model::{
    Campaign, CampaignTask, Priority, Recommendation, RecommendationStatus, RecordKey,
    RequestStatus, TaskStatus,
};
use kezhi_core::segment::{count_matches, parse};
use kezhi_core::store::backup::{read_backup, write_backup};
use kezhi_core::store::records::{MemoryRecordStore, RecordRepository, SavedLists};
use kezhi_core::sync::Syncer;
use kezhi_core::sync::couch::CouchClient;
use kezhi_core::sync::fake::{FakeCouch, MemoryReplica, MemoryState};
use kezhi_core::{Dataset, RecordKind, Timestamp};
use std::cell::RefCell;
use std::collections::BTreeMap;
use uuid::Uuid;

const T0: i64 = 1_900_000_000_000;

fn at(ms: i64) -> Timestamp {
    Timestamp(T0 + ms)
}

/// A demo of `n` customers with a desk: a request on each of the first three customers (one
/// resolved), a recommendation, a campaign with a task for the first two.
fn with_desk(n: usize) -> Dataset {
    let mut d = generate(&DemoConfig::new(
        n,
        NaiveDate::from_ymd_opt(2026, 6, 30).expect("date"),
    ));
    // The demo's own desk records aside: these tests count exactly the ones made here.
    d.desk = Default::default();
    let s = DeskSettings::default();
    let ids: Vec<Uuid> = d.customers.iter().take(3).map(|c| c.id).collect();
    for (k, (customer, cat)) in ids
        .iter()
        .zip([category::COMPLAINT, category::NEED, category::COMPLAINT])
        .enumerate()
    {
        let draft = RequestDraft {
            customer_id: *customer,
            category: cat.into(),
            description: format!("需求 {k}"),
            priority: Priority::Normal,
            owner: Some("王经理".into()),
            due_at: None,
        };
        let mut r = open_request(draft, &s, Uuid::from_u128(1000 + k as u128), at(k as i64))
            .expect("opens");
        if k == 2 {
            set_status(&mut r, RequestStatus::Resolved, "已处理", at(10)).expect("resolves");
        }
        d.desk.requests.push(r);
    }
    d.desk.recommendations.push(Recommendation {
        id: Uuid::from_u128(2000),
        customer_id: ids[0],
        product: "理财产品 A".into(),
        amount_cents: Some(5_000_000),
        status: RecommendationStatus::Interested,
        won_cents: None,
        owner: Some("王经理".into()),
        recommended_at: at(1),
        closed_at: None,
        note: String::new(),
        updated_at: at(1),
    });
    let campaign = Uuid::from_u128(3000);
    d.desk.campaigns.push(Campaign {
        id: campaign,
        name: "中秋关怀".into(),
        occasion: "mid_autumn".into(),
        segment: "orders >= 1".into(),
        template: "{name}{title}，中秋快乐！{owner}".into(),
        created_at: at(2),
        updated_at: at(2),
    });
    for (k, customer) in ids.iter().take(2).enumerate() {
        d.desk.tasks.push(CampaignTask {
            id: Uuid::from_u128(3001 + k as u128),
            campaign_id: campaign,
            customer_id: *customer,
            owner: None,
            status: if k == 0 {
                TaskStatus::Done
            } else {
                TaskStatus::Todo
            },
            done_at: (k == 0).then(|| at(3)),
            updated_at: at(3),
        });
    }
    d.normalize();
    d
}

#[test]
fn the_desk_round_trips_through_the_record_store_and_one_edit_is_one_put() {
    let data = with_desk(50);
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(20), None))
        .expect("stored");
    let back = block_on(RecordRepository::new(&store).load(at(21), &|_| {})).expect("load");
    assert!(back.damaged.is_empty());
    assert_eq!(back.data.desk, data.desk);
    assert_eq!(back.data.desk.len(), 3 + 1 + 1 + 2);

    // One request resolved: one put.
    let cell = RefCell::new((back.data, SavedLists::default()));
    let mut repo = RecordRepository::new(&store);
    block_on(repo.load(at(22), &|_| {})).expect("load");
    {
        let mut c = cell.borrow_mut();
        let r = &mut c.0.desk.requests[0];
        set_status(r, RequestStatus::Resolved, "电话回复", at(30)).expect("ok");
    }
    let saved = block_on(repo.save(&cell, &|| at(31))).expect("save");
    assert_eq!(saved.records, 1);
    // A deleted task: its tombstone and the deletion, two writes.
    {
        let mut c = cell.borrow_mut();
        let gone = c.0.desk.tasks.remove(1);
        c.0.add_tombstone(RecordKind::Task, RecordKey::Id(gone.id), at(32));
    }
    let saved = block_on(repo.save(&cell, &|| at(33))).expect("save");
    assert_eq!(saved.records, 2);
    let again = block_on(RecordRepository::new(&store).load(at(34), &|_| {})).expect("load");
    assert_eq!(again.data.desk, cell.borrow().0.desk);
    assert_eq!(again.data.desk.tasks.len(), 1);
    assert_eq!(again.data.desk.requests[0].resolution, "电话回复");

    // Deleting a customer takes their desk records along (the customer's tombstone covers
    // them, as it covers orders).
    let victim = data.desk.requests[0].customer_id;
    assert!(cell.borrow_mut().0.delete_customer(victim, at(40)));
    block_on(repo.save(&cell, &|| at(41))).expect("save");
    let last = block_on(RecordRepository::new(&store).load(at(42), &|_| {})).expect("load");
    assert!(
        last.data
            .desk
            .requests
            .iter()
            .all(|r| r.customer_id != victim)
    );
    assert!(
        last.data
            .desk
            .recommendations
            .iter()
            .all(|r| r.customer_id != victim)
    );
    assert_eq!(last.data.desk.requests.len(), 2);
}

#[test]
fn a_backup_carries_the_desk_and_one_made_before_it_reads_with_an_empty_desk() {
    let data = with_desk(30);
    let file = write_backup(&data, BTreeMap::new(), at(0));
    let back = read_backup(&file).expect("reads");
    assert_eq!(back.data.desk, data.desk);
    assert_eq!(back.data, data);

    // The same file without its desk section: what earlier versions wrote.
    let mut envelope: serde_json::Value = serde_json::from_str(&file).expect("json");
    let sections = envelope["sections"].as_object_mut().expect("sections");
    assert!(sections.remove("desk").is_some());
    let old = serde_json::to_string(&envelope).expect("json");
    let back = read_backup(&old).expect("an older backup still reads");
    assert!(back.data.desk.is_empty());
    assert_eq!(back.data.customers, data.customers);
}

struct Device<'a> {
    replica: MemoryReplica,
    state: MemoryState,
    server: &'a FakeCouch,
    clock: std::cell::Cell<i64>,
}

impl<'a> Device<'a> {
    fn new(server: &'a FakeCouch, data: Dataset) -> Self {
        Device {
            replica: MemoryReplica::new(data),
            state: MemoryState::default(),
            server,
            clock: std::cell::Cell::new(T0 + 1_000_000),
        }
    }
    fn sync(&self) {
        let mut s = block_on(Syncer::open(
            CouchClient::new(self.server, "team"),
            &self.state,
        ))
        .expect("open");
        let now = || {
            self.clock.set(self.clock.get() + 1_000);
            Timestamp(self.clock.get())
        };
        block_on(s.sync(&&self.replica, &now, &|_| {})).expect("sync");
    }
    fn desk(&self) -> kezhi_core::model::Desk {
        self.replica.data.borrow().desk.clone()
    }
}

#[test]
fn desk_records_travel_between_devices_edits_and_deletions_too() {
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, with_desk(20));
    a.sync();
    // The documents, as docs/sync.md describes them.
    let doc = server
        .doc(&format!("request:{}", Uuid::from_u128(1000)))
        .expect("request document");
    assert_eq!(doc["type"], "request");
    assert_eq!(doc["category"], "complaint");
    assert_eq!(doc["status"], "open");
    assert!(doc["due_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    assert!(doc.get("id").is_none(), "the id is the document's _id");
    assert!(
        server
            .doc(&format!("campaign_task:{}", Uuid::from_u128(3001)))
            .is_some()
    );
    assert!(
        server
            .doc(&format!("recommendation:{}", Uuid::from_u128(2000)))
            .is_some()
    );
    assert!(
        server
            .doc(&format!("campaign:{}", Uuid::from_u128(3000)))
            .is_some()
    );

    let b = Device::new(&server, Dataset::default());
    b.sync();
    assert_eq!(b.desk(), a.desk());

    // B wins a recommendation; A deletes a task; both arrive on the other side.
    b.replica.edit(|d| {
        let r = &mut d.desk.recommendations[0];
        r.status = RecommendationStatus::Won;
        r.won_cents = Some(4_800_000);
        r.closed_at = Some(Timestamp(T0 + 5_000_000));
        r.updated_at = Timestamp(T0 + 5_000_000);
    });
    a.replica.edit(|d| {
        let gone = d.desk.tasks.remove(0);
        d.add_tombstone(
            RecordKind::Task,
            RecordKey::Id(gone.id),
            Timestamp(T0 + 5_000_000),
        );
    });
    b.sync();
    a.sync();
    b.sync();
    assert_eq!(a.desk(), b.desk());
    assert_eq!(a.desk().recommendations[0].won_cents, Some(4_800_000));
    assert_eq!(b.desk().tasks.len(), 1);
    assert_eq!(
        server
            .doc(&format!("campaign_task:{}", Uuid::from_u128(3001)))
            .expect("doc")["_deleted"],
        true
    );
}

#[test]
fn the_query_language_counts_open_overdue_and_recent_requests() {
    let mut data = with_desk(40);
    // The reference day is set to 1 July; the requests are around it.
    let june = |d: u32, h: u32| {
        Timestamp::parse_iso(&format!("2026-06-{d:02}T{h:02}:00:00+08:00")).expect("time")
    };
    let rs = &mut data.desk.requests;
    (rs[0].opened_at, rs[0].due_at) = (june(20, 9), june(21, 9)); // open, overdue
    (rs[1].opened_at, rs[1].due_at) = (june(29, 9), june(30, 23)); // open, overdue at 7-01
    (rs[2].opened_at, rs[2].due_at) = (june(1, 9), june(2, 9)); // resolved
    let a = rs[0].customer_id;
    let b = rs[1].customer_id;
    let c = rs[2].customer_id;
    let settings = AnalyticsSettings {
        reference: NaiveDate::from_ymd_opt(2026, 7, 1),
        ..Default::default()
    };
    let analytics = compute(&data, &settings);
    let who = |q: &str| -> Vec<Uuid> {
        let tree = parse(q).expect("parses");
        let m = kezhi_core::segment::Matcher::new(&data, &analytics, &settings, &tree);
        let mut ids: Vec<Uuid> = m
            .matching()
            .into_iter()
            .map(|i| data.customers[i].id)
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<Uuid>| {
        v.sort();
        v
    };
    assert_eq!(who("open_requests >= 1"), sorted(vec![a, b]));
    assert_eq!(who("未结需求数 = 0 AND requests(\"投诉\") >= 1"), vec![c]);
    assert_eq!(who("overdue_requests > 0"), sorted(vec![a, b]));
    // A span of n days starts n days before the reference day: 11d from 20 June (the
    // complaint opened that day is in), 10d from 21 June (it is not).
    assert_eq!(who("requests(\"complaint\", 11d) >= 1"), vec![a]);
    assert_eq!(who("requests(\"complaint\", 10d) >= 1"), Vec::<Uuid>::new());
    assert_eq!(who("requests(\"need\", 10d) >= 1"), vec![b]);
    assert_eq!(
        count_matches(
            &data,
            &analytics,
            &settings,
            &parse("requests(\"complaint\") >= 1").expect("q")
        ),
        2
    );
    // Printing gives back what parses to the same tree.
    let tree = parse("requests(\"投诉\", 90d) >= 2").expect("parses");
    assert_eq!(
        kezhi_core::segment::print(&tree),
        "requests(\"投诉\", 90d) >= 2"
    );
}

#[test]
fn a_deleted_campaign_is_deleted_in_the_store_and_on_the_server_and_undo_brings_it_back() {
    use kezhi_core::desk::delete::{delete_campaign, delete_request, restore};
    let data = with_desk(20);
    let campaign = Uuid::from_u128(3000);
    let request = Uuid::from_u128(1001);

    // The record store: each record deleted, its tombstone stored.
    let store = MemoryRecordStore::default();
    let mut repo = RecordRepository::new(&store);
    block_on(repo.replace_all(&data, &SavedLists::default(), "d".into(), at(20), None))
        .expect("stored");
    let cell = RefCell::new((data.clone(), SavedLists::default()));
    let deleted = delete_campaign(&mut cell.borrow_mut().0, campaign, at(30)).expect("campaign");
    assert_eq!(deleted.tasks(), 2);
    // The campaign and its two tasks: three deletions and three tombstones.
    let saved = block_on(repo.save(&cell, &|| at(31))).expect("save");
    assert_eq!(saved.records, 6);
    let back = block_on(RecordRepository::new(&store).load(at(32), &|_| {})).expect("load");
    assert!(back.data.desk.campaigns.is_empty());
    assert!(back.data.desk.tasks.is_empty());
    let mut dead: Vec<(RecordKind, RecordKey)> = back
        .data
        .tombstones
        .iter()
        .map(|t| (t.kind, t.key.clone()))
        .collect();
    dead.sort();
    assert_eq!(
        dead,
        [
            (RecordKind::Campaign, RecordKey::Id(campaign)),
            (RecordKind::Task, RecordKey::Id(Uuid::from_u128(3001))),
            (RecordKind::Task, RecordKey::Id(Uuid::from_u128(3002))),
        ]
    );
    assert_eq!(back.data.desk.requests, data.desk.requests);

    // Undo: the three records written again, newer than their tombstones.
    restore(&mut cell.borrow_mut().0, deleted, at(40));
    let saved = block_on(repo.save(&cell, &|| at(41))).expect("save");
    assert_eq!(saved.records, 3);
    let back = block_on(RecordRepository::new(&store).load(at(42), &|_| {})).expect("load");
    assert_eq!(back.data.desk, cell.borrow().0.desk);
    assert_eq!(back.data.desk.campaigns.len(), 1);
    assert_eq!(back.data.desk.tasks.len(), 2);

    // Sync: the deletion reaches the other device as CouchDB deletions, and stays.
    let server = FakeCouch::with_db("team");
    let a = Device::new(&server, data);
    a.sync();
    let b = Device::new(&server, Dataset::default());
    b.sync();
    assert_eq!(b.desk().requests.len(), 3);
    let mut gone = None;
    a.replica.edit(|d| {
        gone = delete_campaign(d, campaign, Timestamp(T0 + 5_000_000));
        delete_request(d, request, Timestamp(T0 + 5_000_000)).expect("request");
    });
    a.sync();
    b.sync();
    assert_eq!(b.desk(), a.desk());
    assert!(b.desk().campaigns.is_empty());
    assert!(b.desk().tasks.is_empty());
    assert_eq!(b.desk().requests.len(), 2);
    for id in [
        format!("campaign:{campaign}"),
        format!("campaign_task:{}", Uuid::from_u128(3001)),
        format!("campaign_task:{}", Uuid::from_u128(3002)),
        format!("request:{request}"),
    ] {
        assert_eq!(server.doc(&id).expect("doc")["_deleted"], true, "{id}");
    }
    // B syncing again with nothing new does not bring anything back.
    b.sync();
    a.sync();
    assert!(a.desk().campaigns.is_empty());
    assert_eq!(a.desk().requests.len(), 2);

    // A undoes the campaign's deletion: B gets the campaign and both tasks back.
    let gone = gone.expect("campaign");
    a.replica
        .edit(|d| restore(d, gone, Timestamp(T0 + 6_000_000)));
    a.sync();
    b.sync();
    assert_eq!(b.desk(), a.desk());
    assert_eq!(b.desk().campaigns.len(), 1);
    assert_eq!(b.desk().tasks.len(), 2);
    assert_eq!(
        server.doc(&format!("campaign:{campaign}")).expect("doc")["name"],
        "中秋关怀"
    );
}
