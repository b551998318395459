//! What a team shares besides the records: saved segments, saved funnels and the analytics
//! settings (tier rules, thresholds). They are few, so each round compares them whole; a
//! document each (`segment:<id>`, `funnel:<id>`, `setting:analytics`), its fields the item's
//! own JSON with `updated_at` as an ISO-8601 string.

use super::doc::{Doc, format_time, parse_time};
use crate::Timestamp;
use crate::funnel::SavedFunnel;
// Through the text, with the readers the stored records (`from_slice`) and the preferences
// (`from_str`) compile anyway (crate::json_reread says why).
use crate::json_reread::{from_value_as_slice, from_value_as_str};
use crate::metrics::AnalyticsSettings;
use crate::segment::saved::SavedSegment;
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SharedKind {
    Segment,
    Funnel,
    Setting,
}

impl SharedKind {
    pub const ALL: [SharedKind; 3] = [SharedKind::Segment, SharedKind::Funnel, SharedKind::Setting];
    pub fn code(self) -> &'static str {
        match self {
            SharedKind::Segment => "segment",
            SharedKind::Funnel => "funnel",
            SharedKind::Setting => "setting",
        }
    }
    /// The kind and item id of a shared document id.
    pub fn of_doc_id(id: &str) -> Option<(SharedKind, &str)> {
        let (kind, rest) = id.split_once(':')?;
        let kind = Self::ALL.into_iter().find(|k| k.code() == kind)?;
        (!rest.is_empty()).then_some((kind, rest))
    }
}

/// The id of the analytics settings' document (`setting:analytics`).
pub const SETTINGS_ID: &str = "analytics";

/// One shared item as a document body.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedItem {
    pub kind: SharedKind,
    pub id: String,
    /// The item's fields (with `type` and `updated_at`).
    pub body: Map<String, Value>,
}

impl SharedItem {
    pub fn doc_id(&self) -> String {
        format!("{}:{}", self.kind.code(), self.id)
    }
    pub fn doc(&self) -> Doc {
        Doc {
            id: self.doc_id(),
            rev: None,
            deleted: false,
            body: self.body.clone(),
        }
    }
    pub fn from_doc(doc: &Doc) -> Option<SharedItem> {
        let (kind, id) = SharedKind::of_doc_id(&doc.id)?;
        Some(SharedItem {
            kind,
            id: id.to_string(),
            body: doc.content(),
        })
    }
    fn updated_at(&self) -> Option<Timestamp> {
        self.body
            .get("updated_at")
            .and_then(Value::as_str)
            .and_then(parse_time)
    }
}

fn item(kind: SharedKind, id: &str, value: Value, at: Timestamp) -> SharedItem {
    let mut body = match value {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    body.insert("type".into(), Value::String(kind.code().into()));
    body.insert("updated_at".into(), Value::String(format_time(at)));
    SharedItem {
        kind,
        id: id.to_string(),
        body,
    }
}

/// The item's fields as the type reads them (`updated_at` back to milliseconds).
fn fields(item: &SharedItem) -> Option<Value> {
    let mut body = item.body.clone();
    body.remove("type");
    body.insert(
        "updated_at".into(),
        Value::from(item.updated_at().map_or(0, Timestamp::millis)),
    );
    Some(Value::Object(body))
}

pub fn segment_item(s: &SavedSegment) -> SharedItem {
    item(SharedKind::Segment, &s.id, segment_value(s), s.updated_at)
}

pub fn funnel_item(f: &SavedFunnel) -> SharedItem {
    item(SharedKind::Funnel, &f.id, funnel_value(f), f.updated_at)
}

/// The segment's serde form as a JSON value (`Null` if it could not be written, which its
/// strings and numbers never cause). Not generic, so the app's backup writes its lists with
/// this copy of `to_value` rather than compiling its own (a generic compiles once per crate).
pub fn segment_value(s: &SavedSegment) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

/// The funnel's serde form as a JSON value (see [`segment_value`]).
pub fn funnel_value(f: &SavedFunnel) -> Value {
    serde_json::to_value(f).unwrap_or(Value::Null)
}

pub fn settings_item(s: &AnalyticsSettings, at: Timestamp) -> SharedItem {
    item(
        SharedKind::Setting,
        SETTINGS_ID,
        serde_json::to_value(s).unwrap_or(Value::Null),
        at,
    )
}

pub fn read_segment(item: &SharedItem) -> Option<SavedSegment> {
    if item.kind != SharedKind::Segment {
        return None;
    }
    let mut s: SavedSegment = from_value_as_slice(&fields(item)?).ok()?;
    s.id = item.id.clone();
    Some(s)
}

pub fn read_funnel(item: &SharedItem) -> Option<SavedFunnel> {
    if item.kind != SharedKind::Funnel {
        return None;
    }
    let mut f: SavedFunnel = from_value_as_slice(&fields(item)?).ok()?;
    f.id = item.id.clone();
    Some(f)
}

/// The settings and the time they were changed.
pub fn read_settings(item: &SharedItem) -> Option<(AnalyticsSettings, Timestamp)> {
    let (body, at) = settings_fields(item)?;
    Some((from_value_as_str(&body).ok()?, at))
}

/// The settings' fields, still to read as [`AnalyticsSettings`], and the time they were
/// changed: what [`read_settings`] reads. The app reads the fields itself, with the reader
/// its stored preference compiles (a generic is compiled once per crate that uses it).
pub fn settings_fields(item: &SharedItem) -> Option<(Value, Timestamp)> {
    if item.kind != SharedKind::Setting || item.id != SETTINGS_ID {
        return None;
    }
    let mut body = fields(item)?;
    if let Value::Object(m) = &mut body {
        m.remove("updated_at");
    }
    Some((body, item.updated_at()?))
}

/// A change to a shared item that sync brings: the item, or its deletion.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedChange {
    pub kind: SharedKind,
    pub id: String,
    pub item: Option<SharedItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_funnels_and_settings_read_back_as_written() {
        let s = SavedSegment {
            id: "seg-1".into(),
            name: "高价值".into(),
            query: "spend >= 50000".into(),
            snapshot: None,
            updated_at: Timestamp(1_700_000_000_000),
        };
        let it = segment_item(&s);
        let doc = it.doc().to_json();
        assert_eq!(doc["_id"], "segment:seg-1");
        assert_eq!(doc["type"], "segment");
        assert_eq!(doc["name"], "高价值");
        assert_eq!(doc["updated_at"], "2023-11-14T22:13:20.000Z");
        let back = SharedItem::from_doc(&Doc::from_json(doc).expect("doc")).expect("item");
        assert_eq!(read_segment(&back), Some(s));

        let f = SavedFunnel {
            id: "f1".into(),
            name: "购买".into(),
            definition: crate::funnel::purchase_funnel(),
            updated_at: Timestamp(5),
        };
        assert_eq!(read_funnel(&funnel_item(&f)), Some(f));
        // A document synced by a version before optional steps and exclusions.
        let old = serde_json::json!({
            "id": "f0",
            "name": "购买",
            "definition": {"steps": [{"event": "visit"}, {"event": "pay"}],
                "window": {"value": 1, "unit": "day"}, "mode": "sequential", "range": null},
        });
        let read = read_funnel(&item(SharedKind::Funnel, "f0", old, Timestamp(7))).expect("old");
        assert_eq!(read.id, "f0");
        assert!(!read.definition.is_extended());
        // And one with them reads back as written.
        let mut with = SavedFunnel {
            id: "f2".into(),
            name: "排除".into(),
            definition: crate::funnel::purchase_funnel(),
            updated_at: Timestamp(6),
        };
        with.definition.steps[1].optional = true;
        with.definition.exclusions.push(
            crate::funnel::Exclusion::new("fav", 0, 2)
                .with(crate::funnel::PropField::Channel, "app"),
        );
        assert_eq!(read_funnel(&funnel_item(&with)), Some(with));

        let settings = AnalyticsSettings {
            churn_days: 400,
            ..Default::default()
        };
        let item = settings_item(&settings, Timestamp(9_000));
        assert_eq!(item.doc_id(), "setting:analytics");
        assert_eq!(read_settings(&item), Some((settings, Timestamp(9_000))));
    }
}
