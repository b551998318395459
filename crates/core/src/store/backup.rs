//! A backup: one file holding all the data and the settings, to take away and restore
//! exactly. The records use the storage encoding of each section (deflated, so the file is
//! compressed); the settings are the app's preferences as JSON values, by key. The file is a
//! small JSON envelope, readable enough to recognise, with counts for the restore preview.

use super::Section;
use super::codec::{self, DecodeError};
use crate::dataset::{Counts, Dataset};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// The envelope's format; a newer one is refused rather than half-read.
pub const BACKUP_FORMAT: u32 = 1;
/// What the envelope calls itself, so any other JSON is told apart at once.
const MAGIC: &str = "kezhi-backup";

#[derive(Serialize, Deserialize)]
struct Envelope {
    magic: String,
    format: u32,
    created_at: Timestamp,
    counts: Counts,
    /// Section name → its storage encoding.
    sections: BTreeMap<String, String>,
    #[serde(default)]
    settings: BTreeMap<String, serde_json::Value>,
}

/// A backup as read: what the preview shows and what a restore puts back.
#[derive(Clone, Debug, PartialEq)]
pub struct Backup {
    pub created_at: Timestamp,
    pub data: Dataset,
    pub settings: BTreeMap<String, serde_json::Value>,
}

impl Backup {
    pub fn counts(&self) -> Counts {
        self.data.counts()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BackupError {
    #[error("not a kezhi backup file")]
    NotABackup,
    #[error("made by a newer version of kezhi (backup format {0})")]
    TooNew(u32),
    #[error("the {section} in the backup are damaged: {error}")]
    Damaged {
        section: &'static str,
        error: DecodeError,
    },
    #[error("the backup says it holds {expected} {section} but holds {found}")]
    Incomplete {
        section: &'static str,
        expected: usize,
        found: usize,
    },
}

impl BackupError {
    pub fn message(&self, chinese: bool) -> String {
        if !chinese {
            return self.to_string();
        }
        let zh = |s: &str| match s {
            "customers" => "客户",
            "orders" => "订单",
            "events" => "行为",
            _ => "跟进记录",
        };
        match self {
            BackupError::NotABackup => "这不是客知的备份文件".into(),
            BackupError::TooNew(v) => format!("该备份由更新版本的客知生成（格式 {v}），请先升级"),
            BackupError::Damaged { section, error } => {
                format!("备份中的{}已损坏：{error}", zh(section))
            }
            BackupError::Incomplete {
                section,
                expected,
                found,
            } => format!("备份应有 {expected} 条{}，实际只有 {found} 条", zh(section)),
        }
    }
}

/// A backup between its two halves: the records in their binary layout and the settings,
/// which the page makes (or reads back) quickly, and the file's text, whose compression is
/// most of the work and runs in the files worker at 100,000 customers ([`write_backup_parts`],
/// [`read_backup_parts`]). Both halves together are exactly [`write_backup`] and
/// [`read_backup`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackupParts {
    pub created_at: Timestamp,
    /// What the envelope says it holds (checked against the records on reading).
    pub counts: Counts,
    /// Each section's bytes ([`codec::section_bytes`]), in [`Section::ALL`]'s order.
    pub sections: Vec<Vec<u8>>,
    /// The settings as JSON text: JSON values do not travel through the worker's postcard.
    pub settings: String,
}

impl BackupParts {
    /// Parts of a backup of data with these counts, its sections still to be added (each
    /// [`codec::section_bytes`], in [`Section::ALL`]'s order: the page adds one per task).
    pub fn begin(
        counts: Counts,
        settings: &BTreeMap<String, serde_json::Value>,
        now: Timestamp,
    ) -> Self {
        BackupParts {
            created_at: now,
            counts,
            sections: Vec::with_capacity(Section::ALL.len()),
            // Strings, numbers and maps only: serialising cannot fail.
            settings: serde_json::to_string(settings).unwrap_or_default(),
        }
    }
}

/// The page's half of a backup of `data` and `settings`.
pub fn backup_parts(
    data: &Dataset,
    settings: &BTreeMap<String, serde_json::Value>,
    now: Timestamp,
) -> BackupParts {
    let mut parts = BackupParts::begin(data.counts(), settings, now);
    parts.sections = Section::ALL
        .iter()
        .map(|s| codec::section_bytes(data, *s))
        .collect();
    parts
}

/// The backup file's text from its parts: every section packed, the envelope written.
pub fn write_backup_parts(parts: &BackupParts) -> String {
    let envelope = Envelope {
        magic: MAGIC.into(),
        format: BACKUP_FORMAT,
        created_at: parts.created_at,
        counts: parts.counts,
        sections: Section::ALL
            .iter()
            .zip(&parts.sections)
            .map(|(s, bytes)| (s.name().to_string(), codec::pack(bytes)))
            .collect(),
        // Written by `backup_parts` from a map: it reads back.
        settings: serde_json::from_str(&parts.settings).unwrap_or_default(),
    };
    // Strings, numbers and maps only: serialising cannot fail.
    serde_json::to_string_pretty(&envelope).unwrap_or_default()
}

/// The backup file of `data` and `settings`.
pub fn write_backup(
    data: &Dataset,
    settings: BTreeMap<String, serde_json::Value>,
    now: Timestamp,
) -> String {
    write_backup_parts(&backup_parts(data, &settings, now))
}

/// Reads a backup file, checking every section decodes and holds what the envelope says.
pub fn read_backup(text: &str) -> Result<Backup, BackupError> {
    backup_from_parts(read_backup_parts(text)?)
}

/// The first half of reading a backup file: the envelope checked, every section unpacked.
pub fn read_backup_parts(text: &str) -> Result<BackupParts, BackupError> {
    let envelope: Envelope = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|_| BackupError::NotABackup)?;
    if envelope.magic != MAGIC {
        return Err(BackupError::NotABackup);
    }
    if envelope.format > BACKUP_FORMAT {
        return Err(BackupError::TooNew(envelope.format));
    }
    let mut sections = Vec::with_capacity(Section::ALL.len());
    for section in Section::ALL {
        let damaged = |error| BackupError::Damaged {
            section: section.name(),
            error,
        };
        let Some(encoded) = envelope.sections.get(section.name()) else {
            // Backups made before the desk existed have no desk section: an empty desk.
            if section == Section::Desk {
                sections.push(Vec::new());
                continue;
            }
            return Err(damaged(DecodeError::Prefix));
        };
        sections.push(codec::unpack(encoded).map_err(damaged)?);
    }
    Ok(BackupParts {
        created_at: envelope.created_at,
        counts: envelope.counts,
        sections,
        settings: serde_json::to_string(&envelope.settings).unwrap_or_default(),
    })
}

/// The second half: the records decoded from the sections' bytes and counted.
pub fn backup_from_parts(parts: BackupParts) -> Result<Backup, BackupError> {
    let mut data = Dataset::default();
    if parts.sections.len() != Section::ALL.len() {
        return Err(BackupError::Damaged {
            section: Section::ALL[parts.sections.len().min(Section::ALL.len() - 1)].name(),
            error: DecodeError::Prefix,
        });
    }
    for (section, bytes) in Section::ALL.into_iter().zip(&parts.sections) {
        codec::decode_section_bytes(bytes, section, &mut data).map_err(|error| {
            BackupError::Damaged {
                section: section.name(),
                error,
            }
        })?;
    }
    codec::normalize(&mut data);
    let settings = serde_json::from_str(&parts.settings).map_err(|_| BackupError::NotABackup)?;
    let found = data.counts();
    let expected = parts.counts;
    for (section, e, f) in [
        ("customers", expected.customers, found.customers),
        ("orders", expected.orders, found.orders),
        ("events", expected.events, found.events),
        ("activities", expected.activities, found.activities),
    ] {
        if e != f {
            return Err(BackupError::Incomplete {
                section,
                expected: e,
                found: f,
            });
        }
    }
    Ok(Backup {
        created_at: parts.created_at,
        data,
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoConfig, generate};

    fn demo() -> Dataset {
        let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
        generate(&DemoConfig::new(300, end))
    }

    #[test]
    fn a_backup_restores_exactly() {
        let mut data = demo();
        // Deletions travel too.
        let gone = data.customers.pop().expect("a customer");
        data.tombstones.push(crate::model::Tombstone {
            kind: crate::model::RecordKind::Customer,
            key: crate::model::RecordKey::Id(gone.id),
            deleted_at: Timestamp(5),
        });
        data.normalize();
        let settings: BTreeMap<String, serde_json::Value> = [
            (
                "kezhi:analytics".to_string(),
                serde_json::json!({"at_risk_days": 120}),
            ),
            (
                "kezhi:segments".to_string(),
                serde_json::json!([{"name": "高价值"}]),
            ),
        ]
        .into();
        let file = write_backup(&data, settings.clone(), Timestamp(1_700_000_000_000));
        let back = read_backup(&file).expect("reads");
        assert_eq!(back.data, data);
        assert_eq!(back.settings, settings);
        assert_eq!(back.created_at, Timestamp(1_700_000_000_000));
        assert_eq!(back.counts(), data.counts());
        // The file is compressed: far smaller than the records as JSON.
        let json = serde_json::to_string(&data.customers).expect("json").len()
            + serde_json::to_string(&data.events).expect("json").len();
        assert!(file.len() * 3 < json, "{} vs {json}", file.len());
    }

    #[test]
    fn damaged_or_foreign_files_are_refused_with_the_reason() {
        assert_eq!(read_backup("{}"), Err(BackupError::NotABackup));
        assert_eq!(read_backup("id,name\n1,张三"), Err(BackupError::NotABackup));
        let file = write_backup(&demo(), BTreeMap::new(), Timestamp(0));
        let newer = file.replace("\"format\": 1", "\"format\": 9");
        assert_eq!(read_backup(&newer), Err(BackupError::TooNew(9)));
        // A cut-off events section.
        let mut envelope: serde_json::Value = serde_json::from_str(&file).expect("json");
        let events = envelope["sections"]["events"]
            .as_str()
            .expect("text")
            .to_string();
        envelope["sections"]["events"] =
            serde_json::Value::String(events[..events.len() / 2].into());
        let damaged = read_backup(&envelope.to_string());
        assert!(
            matches!(
                damaged,
                Err(BackupError::Damaged {
                    section: "events",
                    ..
                })
            ),
            "{damaged:?}"
        );
        // Counts that do not match what is inside.
        let mut envelope: serde_json::Value = serde_json::from_str(&file).expect("json");
        envelope["counts"]["orders"] = serde_json::json!(1);
        assert!(matches!(
            read_backup(&envelope.to_string()),
            Err(BackupError::Incomplete {
                section: "orders",
                expected: 1,
                ..
            })
        ));
        assert!(BackupError::NotABackup.message(true).contains("备份"));
    }
}
