//! Writes the localStorage contents earlier versions of kezhi left behind (formats 1, 2 and
//! 3, with saved segments and funnels), as JSON objects of key → value, into the folder
//! given (default `crates/core/tests/fixtures/legacy`). The files are committed: the
//! migration tests (native and end-to-end) read them as stored fixtures.
//!
//! `cargo run -p kezhi-core --example legacy_fixtures`

use base64::Engine;
use chrono::NaiveDate;
use kezhi_core::Timestamp;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::funnel::{FunnelDefinition, SavedFunnel, Window, WindowUnit};
use kezhi_core::model::Stage;
use kezhi_core::segment::saved::{SavedSegment, Snapshot};
use kezhi_core::store::{KeyValueStore, MANIFEST_KEY, MemoryStore, Repository, codec};
use std::collections::BTreeMap;

fn demo(n: usize) -> kezhi_core::Dataset {
    generate(&DemoConfig::new(
        n,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ))
}

fn stored(data: &mut kezhi_core::Dataset) -> MemoryStore {
    let mut repo = Repository::new(MemoryStore::default(), "fixture");
    repo.replace_all(data, "fixture-dataset", Timestamp(1_790_000_000_000))
        .expect("fits");
    repo.store().clone()
}

fn lists(store: &mut MemoryStore, customers: &[kezhi_core::Customer]) {
    let at = Timestamp(1_790_000_000_000);
    let segments = vec![
        SavedSegment {
            id: "seg-1".into(),
            name: "复购客户".into(),
            query: "orders >= 2".into(),
            snapshot: None,
            updated_at: at,
        },
        SavedSegment {
            id: "seg-2".into(),
            name: "名单".into(),
            query: "city = \"上海\"".into(),
            snapshot: Some(Snapshot {
                taken_at: at,
                customers: vec![customers[0].id, customers[1].id],
            }),
            updated_at: at,
        },
    ];
    let funnels = vec![SavedFunnel {
        id: "fun-1".into(),
        name: "购买漏斗".into(),
        definition: FunnelDefinition::of_events(&["visit", "pay"], Window::new(7, WindowUnit::Day)),
        updated_at: at,
    }];
    store
        .set(
            "kezhi:segments",
            &serde_json::to_string(&segments).expect("json"),
        )
        .expect("set");
    store
        .set(
            "kezhi:funnels",
            &serde_json::to_string(&funnels).expect("json"),
        )
        .expect("set");
}

fn write(dir: &str, name: &str, store: &MemoryStore) {
    let map: BTreeMap<&String, &String> = store.map.iter().collect();
    let path = format!("{dir}/{name}");
    std::fs::write(&path, serde_json::to_string_pretty(&map).expect("json")).expect("write");
    println!("{path}: {} keys", map.len());
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "crates/core/tests/fixtures/legacy".into());

    // Format 3: manual stages on two customers.
    let mut data = demo(200);
    data.customers[0].stage_override = Some(Stage::Mature);
    data.customers[1].stage_override = Some(Stage::Churned);
    let mut v3 = stored(&mut data);
    lists(&mut v3, &data.customers);
    write(&dir, "v3.json", &v3);

    // Format 2: the same layout without the customers' extension, the manifest saying 2.
    let mut data = demo(150);
    let mut v2 = stored(&mut data);
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut manifest: serde_json::Value =
        serde_json::from_str(&v2.get(MANIFEST_KEY).expect("get").expect("manifest")).expect("json");
    manifest["format"] = 2.into();
    let key = manifest["sections"]["customers"]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let section = v2.get(&key).expect("get").expect("section");
    let body = section.strip_prefix(codec::SECTION_PREFIX).expect("prefix");
    let bytes = miniz_oxide::inflate::decompress_to_vec(&engine.decode(body).expect("b64"))
        .expect("inflate");
    assert_eq!(
        bytes.last(),
        Some(&0),
        "no manual stages: an empty extension"
    );
    let old = format!(
        "{}{}",
        codec::SECTION_PREFIX,
        engine.encode(miniz_oxide::deflate::compress_to_vec(
            &bytes[..bytes.len() - 1],
            6
        ))
    );
    manifest["sections"]["customers"]["chars"] = old.len().into();
    manifest["sections"]["customers"]["crc32"] = crc32fast::hash(old.as_bytes()).into();
    v2.set(&key, &old).expect("set");
    v2.set(MANIFEST_KEY, &manifest.to_string()).expect("set");
    lists(&mut v2, &data.customers);
    write(&dir, "v2.json", &v2);

    // Format 1: plain JSON under kezhi:data, as the first version wrote it.
    let mut v1 = MemoryStore::default();
    v1.set("kezhi:data", r#"{
      "version": 1,
      "customers": [
        {"id": "6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21", "name": "旧版客户", "phone": "13812345678",
         "region": "广东 深圳", "channel": "tmall", "tags": "高价值, 母婴", "owner": "王丽娜",
         "created": 1700000000, "updated": 1700000500},
        {"id": "0b8e2d4c-1a3f-4e5b-8c7d-9e0f1a2b3c4d", "name": "Li Si", "email": " ",
         "region": "", "tags": "", "created": 1700000100, "updated": 1700000100}
      ],
      "orders": [
        {"id": "aa8e2d4c-1a3f-4e5b-8c7d-9e0f1a2b3c4d", "customer": "6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21",
         "order_no": "TM1", "time": 1700001000, "amount_cents": 12990, "channel": "tmall"}
      ],
      "events": [
        {"customer": "6f1c0a4e-3b7a-4d2e-9a51-0c3f5e7d8b21", "type": "visit", "time": 1700000900}
      ]
    }"#).expect("set");
    write(&dir, "v1.json", &v1);
}
