//! A backup: one file holding all the data and the settings, to take away and restore
//! exactly. The records use the storage encoding of each section (deflated, so the file is
//! compressed); the settings are the app's preferences as JSON values, by key. The file is a
//! small JSON envelope, readable enough to recognise, with counts for the restore preview.

use super::Section;
use super::codec::{self, DecodeError, SectionRead};
use crate::dataset::{Counts, Dataset, event_key, event_order};
use crate::sliced_sort::SlicedSort;
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

/// Why a backup file cannot be restored; the app words it (`i18n::backup_error`). Travels
/// from the files worker to the page, hence serde.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum BackupError {
    #[error("not a kezhi backup file")]
    NotABackup,
    #[error("made by a newer version of kezhi (backup format {0})")]
    TooNew(u32),
    #[error("the {} in the backup are damaged: {error}", section.name())]
    Damaged {
        section: Section,
        error: DecodeError,
    },
    #[error("the backup says it holds {expected} {} but holds {found}", section.name())]
    Incomplete {
        section: Section,
        expected: usize,
        found: usize,
    },
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
    #[serde(with = "crate::byte_strings::list")]
    pub sections: Vec<Vec<u8>>,
    /// The settings as JSON text: JSON values do not travel through the worker's postcard.
    pub settings: String,
}

impl BackupParts {
    /// These parts without their sections (a message's head, [`crate::files::write_backup_pieces`]).
    pub fn clone_without_sections(&self) -> Self {
        BackupParts {
            created_at: self.created_at,
            counts: self.counts,
            sections: Vec::new(),
            settings: self.settings.clone(),
        }
    }

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
        let damaged = |error| BackupError::Damaged { section, error };
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
        return Err(missing_sections(&parts));
    }
    for (section, bytes) in Section::ALL.into_iter().zip(&parts.sections) {
        codec::decode_section_bytes(bytes, section, &mut data)
            .map_err(|error| BackupError::Damaged { section, error })?;
    }
    codec::normalize(&mut data);
    checked(data, parts.counts, &parts.settings, parts.created_at)
}

/// A backup with fewer sections than [`Section::ALL`] (not from this worker's build).
fn missing_sections(parts: &BackupParts) -> BackupError {
    BackupError::Damaged {
        section: Section::ALL[parts.sections.len().min(Section::ALL.len() - 1)],
        error: DecodeError::Prefix,
    }
}

/// The backup of the decoded records, once they are found to be what the envelope says.
fn checked(
    data: Dataset,
    expected: Counts,
    settings: &str,
    created_at: Timestamp,
) -> Result<Backup, BackupError> {
    let settings = serde_json::from_str(settings).map_err(|_| BackupError::NotABackup)?;
    let found = data.counts();
    for (section, e, f) in [
        (Section::Customers, expected.customers, found.customers),
        (Section::Orders, expected.orders, found.orders),
        (Section::Events, expected.events, found.events),
        (Section::Activities, expected.activities, found.activities),
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
        created_at,
        data,
        settings,
    })
}

/// [`backup_from_parts`] in steps, so that the page paints while the 2.55 M events of the
/// 100,000-customer demo are decoded (one task of 1.3–2.7 s in Chromium) and put in order:
/// the same backup, or the same error, exactly.
pub struct BackupRead {
    created_at: Timestamp,
    counts: Counts,
    settings: String,
    sections: std::vec::IntoIter<(Section, Vec<u8>)>,
    current: Option<(Section, SectionRead)>,
    data: Dataset,
    /// The events' order ([`Dataset::normalize`]'s), once every section is read.
    sort: Option<SlicedSort>,
    /// Records read so far, and the sorting's work (for the progress).
    read: usize,
    sorted: usize,
    done: bool,
}

impl BackupRead {
    pub fn new(parts: BackupParts) -> Result<Self, BackupError> {
        if parts.sections.len() != Section::ALL.len() {
            return Err(missing_sections(&parts));
        }
        // Room for the records the envelope announces, so that no push in a step copies
        // a vector of 100 MB to grow it (the events at 100,000 customers). The envelope is
        // the file's word: a record takes at least a byte of its section.
        let mut data = Dataset::default();
        let room = |section: Section, announced: usize| {
            Section::ALL
                .iter()
                .position(|s| *s == section)
                .and_then(|i| parts.sections.get(i))
                .map_or(0, |bytes| announced.min(bytes.len()))
        };
        data.customers
            .reserve_exact(room(Section::Customers, parts.counts.customers));
        data.orders
            .reserve_exact(room(Section::Orders, parts.counts.orders));
        data.events
            .reserve_exact(room(Section::Events, parts.counts.events));
        data.activities
            .reserve_exact(room(Section::Activities, parts.counts.activities));
        Ok(BackupRead {
            created_at: parts.created_at,
            counts: parts.counts,
            settings: parts.settings,
            sections: Section::ALL
                .into_iter()
                .zip(parts.sections)
                .collect::<Vec<_>>()
                .into_iter(),
            current: None,
            data,
            sort: None,
            read: 0,
            sorted: 0,
            done: false,
        })
    }

    /// How far the read is, as (done, total): the records the envelope announces read, then
    /// the events sorted (counted as about [`SORT_WORK_PER_EVENT`] units of work each).
    pub fn progress(&self) -> (usize, usize) {
        let c = self.counts;
        let records = c.customers + c.orders + c.events + c.activities;
        let total = records + c.events;
        if self.done {
            return (total, total);
        }
        let sorting = (self.sorted / SORT_WORK_PER_EVENT).min(c.events);
        ((self.read.min(records) + sorting).min(total), total)
    }

    /// Reads about `budget` more records, or sorts about `budget` × [`SORT_WORK_PER_EVENT`]
    /// units of the events' order; `Ok(None)` once all is done ([`BackupRead::finish`]).
    pub fn step(&mut self, budget: usize) -> Result<Option<usize>, BackupError> {
        loop {
            if let Some((section, read)) = &mut self.current {
                let section = *section;
                match read
                    .step(&mut self.data, budget)
                    .map_err(|error| BackupError::Damaged { section, error })?
                {
                    Some(n) => {
                        self.read += n;
                        return Ok(Some(n));
                    }
                    None => self.current = None,
                }
            }
            if let Some((section, bytes)) = self.sections.next() {
                self.current = Some((section, SectionRead::new(section, bytes)));
                continue;
            }
            let Some(sort) = &mut self.sort else {
                self.data.normalize_all_but_events();
                // Only events that could not go straight into the log's columns (a backup
                // of an earlier build, its customers in another order) are left to sort.
                self.sort = Some(SlicedSort::new(self.data.events.pending_mut().len()));
                return Ok(Some(self.data.orders.len() + self.data.activities.len()));
            };
            let goal = budget.saturating_mul(SORT_WORK_PER_EVENT);
            let mut work = 0;
            while work < goal {
                // By reference, as the load's sort calls it: one compiled sort for both
                // (2.5 KB of wasm).
                let pending = self.data.events.pending_mut();
                #[allow(clippy::needless_borrows_for_generic_args)]
                let step = sort.step_by_key(pending, &event_key, &mut event_order);
                match step {
                    Some(n) => work += n,
                    None => break,
                }
            }
            self.sorted += work;
            self.done = work == 0;
            return Ok((work > 0).then_some(work));
        }
    }

    /// The backup, once [`BackupRead::step`] has said `None`: checked against the envelope.
    pub fn finish(mut self) -> Result<Backup, BackupError> {
        // The sorted events into the columns: one pass, no sort.
        self.data.events.normalize();
        checked(self.data, self.counts, &self.settings, self.created_at)
    }
}

/// About how many units of [`SlicedSort::step_by_key`]'s work sorting one event is (splits
/// go over the events at each of ~6 levels, the distribution 3 times): the sort's share of
/// a step's budget and of the progress.
pub const SORT_WORK_PER_EVENT: usize = 10;

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
                    section: Section::Events,
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
                section: Section::Orders,
                expected: 1,
                ..
            })
        ));
    }

    /// Reads parts in steps of `budget`, as the page does.
    fn read_in_steps(parts: BackupParts, budget: usize) -> Result<Backup, BackupError> {
        let mut read = BackupRead::new(parts)?;
        let (mut last, total) = read.progress();
        while read.step(budget)?.is_some() {
            let (done, t) = read.progress();
            assert!(done >= last && done <= total && t == total, "{done} / {t}");
            last = done;
        }
        assert_eq!(read.progress(), (total, total));
        read.finish()
    }

    #[test]
    fn a_read_in_steps_is_the_backup_read_at_once() {
        let mut data = demo();
        data.tombstones.push(crate::model::Tombstone {
            kind: crate::model::RecordKind::Order,
            key: crate::model::RecordKey::Id(data.orders[0].id),
            deleted_at: Timestamp(5),
        });
        data.orders.remove(0);
        data.normalize();
        let settings: BTreeMap<String, serde_json::Value> = [(
            "kezhi:analytics".to_string(),
            serde_json::json!({"at_risk_days": 90}),
        )]
        .into();
        let file = write_backup(&data, settings, Timestamp(1_700_000_000_000));
        let whole = read_backup(&file).expect("reads");
        assert_eq!(whole.data, data);
        for budget in [1, 100, 5_000, usize::MAX] {
            let parts = read_backup_parts(&file).expect("unpacks");
            assert!(
                read_in_steps(parts, budget) == Ok(whole.clone()),
                "steps of {budget}"
            );
        }
        // The same refusals: counts that do not match, a section cut short, a section missing.
        let mut parts = read_backup_parts(&file).expect("unpacks");
        parts.counts.events += 1;
        assert_eq!(
            read_in_steps(parts.clone(), 100),
            backup_from_parts(parts.clone())
        );
        assert!(matches!(
            read_in_steps(parts, 100),
            Err(BackupError::Incomplete {
                section: Section::Events,
                ..
            })
        ));
        let mut parts = read_backup_parts(&file).expect("unpacks");
        let events = &mut parts.sections[2];
        events.truncate(events.len() / 2);
        assert!(matches!(
            (read_in_steps(parts.clone(), 100), backup_from_parts(parts)),
            (
                Err(BackupError::Damaged {
                    section: Section::Events,
                    error: DecodeError::Layout(_)
                }),
                Err(BackupError::Damaged {
                    section: Section::Events,
                    error: DecodeError::Layout(_)
                })
            )
        ));
        let mut parts = read_backup_parts(&file).expect("unpacks");
        parts.sections.truncate(3);
        let missing = Err(BackupError::Damaged {
            section: Section::Activities,
            error: DecodeError::Prefix,
        });
        assert_eq!(backup_from_parts(parts.clone()), missing);
        assert_eq!(BackupRead::new(parts).err(), missing.err());
    }

    #[test]
    fn a_layout_in_steps_writes_the_same_file() {
        let data = demo();
        let settings = BTreeMap::new();
        let whole = backup_parts(&data, &settings, Timestamp(3));
        let mut parts = BackupParts::begin(data.counts(), &settings, Timestamp(3));
        for section in Section::ALL {
            let mut layout = codec::SectionLayout::new(section);
            while layout.step(&data, 500).is_some() {}
            parts.sections.push(layout.finish(&data));
        }
        assert!(parts == whole);
        assert_eq!(
            write_backup_parts(&parts),
            write_backup(&data, settings, Timestamp(3))
        );
    }
}
