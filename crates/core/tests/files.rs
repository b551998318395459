//! The files worker's protocol, natively: a session answers what the page asks, and the plan
//! it hands over (encoded, as it crosses to the page) merges exactly as the file read in one
//! go does.

use kezhi_core::export::{CUSTOMER_COLUMNS, Cell, table_xlsx};
use kezhi_core::files::{Reply, Request, Session, decode, encode};
use kezhi_core::import::*;
use kezhi_core::{Dataset, Timestamp};

const NOW: Timestamp = Timestamp(1_767_225_600_000);

fn sample(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/real/");
    std::fs::read(format!("{path}{name}")).expect("the sample is in data/real")
}

/// Sends a request as the page does (encoded), returns the decoded reply and the progress.
fn ask(session: &mut Session, request: Request) -> (Reply, Vec<f64>) {
    let request: Request = decode(&encode(&request)).expect("request decodes");
    let mut progress = Vec::new();
    let reply = session.handle(request, &mut |p| progress.push(p));
    (decode(&encode(&reply)).expect("reply decodes"), progress)
}

fn options() -> ImportOptions {
    ImportOptions {
        offset: chrono::FixedOffset::east_opt(8 * 3600).expect("offset"),
        ..ImportOptions::default()
    }
}

#[test]
fn a_plan_from_the_worker_merges_as_the_file_read_in_one_go() {
    for (file, kind) in [
        ("online_retail_sample.csv", ImportKind::Orders),
        ("taobao_user_behavior_sample.csv", ImportKind::Events),
    ] {
        let bytes = sample(file);
        let mut session = Session::new();
        let (Reply::Table(info), _) = ask(
            &mut session,
            Request::Open {
                bytes: bytes.clone(),
                read: ReadOptions::default(),
            },
        ) else {
            panic!("{file}: no table");
        };
        let (_, guess) = info.kind(kind).expect("the kind's guess");
        let (Reply::Preview(rows), _) = ask(
            &mut session,
            Request::Preview {
                kind,
                mapping: guess.clone(),
                options: options(),
                chinese: true,
                rows: 8,
            },
        ) else {
            panic!("{file}: no preview");
        };
        assert_eq!(rows.len(), 8);
        // Twice: the file stays open after an import.
        for _ in 0..2 {
            let (Reply::Plan(plan), _) = ask(
                &mut session,
                Request::Import {
                    kind,
                    mapping: guess.clone(),
                    options: options(),
                },
            ) else {
                panic!("{file}: no plan");
            };
            let direct = read_file(
                bytes.clone(),
                &ReadOptions::default(),
                kind,
                None,
                options(),
            )
            .expect("readable");
            assert_eq!(plan.records(), direct.records());
            assert_eq!(plan.counts, direct.counts);
            let data = Dataset::default();
            assert_eq!(
                plan.changes(&data, NOW),
                direct.changes(&data, NOW),
                "{file}"
            );
        }
    }
}

#[test]
fn the_header_switch_a_bad_mapping_and_a_workbook() {
    let mut session = Session::new();
    let csv = "1,2268318,2520377,pv,1511544070\n2,2268319,2520377,buy,1511544080\n";
    let (Reply::Table(info), _) = ask(
        &mut session,
        Request::Open {
            bytes: csv.as_bytes().to_vec(),
            read: ReadOptions::default(),
        },
    ) else {
        panic!("no table");
    };
    assert!(!info.has_header);
    assert_eq!(info.columns[0], "col1");
    let (Reply::Table(info), _) = ask(&mut session, Request::SetHeader(true)) else {
        panic!("no table");
    };
    assert_eq!(info.columns[0], "1");
    let (Reply::Failed(why), _) = ask(
        &mut session,
        Request::Import {
            kind: ImportKind::Orders,
            mapping: Mapping::default(),
            options: options(),
        },
    ) else {
        panic!("an empty mapping imports nothing");
    };
    assert!(why.to_string().contains("not mapped"), "{why:?}");
    // The file is still open.
    assert!(matches!(
        ask(&mut session, Request::SetHeader(false)).0,
        Reply::Table(_)
    ));

    let rows: Vec<[Cell; 19]> = vec![std::array::from_fn(|i| match i {
        0 => Cell::Text("c-1".into()),
        1 => Cell::Text("张三".into()),
        8 => Cell::Int(2),
        9 => Cell::Money(12_345),
        _ => Cell::Empty,
    })];
    // The customer export as the page asks for it: its sheet named in the page's language.
    let columns: Vec<String> = CUSTOMER_COLUMNS.iter().map(|c| c.to_string()).collect();
    let (Reply::Xlsx(book), _) = ask(
        &mut session,
        Request::WriteTable {
            sheet: "客户".into(),
            columns: columns.clone(),
            rows: rows.iter().cloned().map(Vec::from).collect(),
        },
    ) else {
        panic!("no workbook");
    };
    // A workbook (its creation time differs from one written now, so not byte for byte).
    assert!(book.starts_with(b"PK") && table_xlsx("客户", &columns, &rows).is_ok());
    let (Reply::Table(info), _) = ask(
        &mut session,
        Request::Open {
            bytes: book,
            read: ReadOptions::default(),
        },
    ) else {
        panic!("the workbook opens");
    };
    assert!(info.has_header);
    assert!(matches!(info.format, Format::Workbook { .. }));
    assert_eq!(info.columns[1], "name");
}

#[test]
fn a_whole_file_error_crosses_to_the_page_as_it_is() {
    // What `Mapping::check` names for each kind with nothing mapped: every name it can give.
    let unmapped = ImportKind::ALL.map(|k| Mapping::default().check(k).err());
    assert_eq!(
        unmapped,
        [
            Some(ImportError::Unmapped(vec![
                "external_id | name | phone | email"
            ])),
            Some(ImportError::Unmapped(vec![
                "customer_id",
                "ordered_at",
                "amount | quantity + unit_price"
            ])),
            Some(ImportError::Unmapped(vec![
                "customer_id",
                "event_type",
                "occurred_at"
            ])),
        ]
    );
    let errors = [
        ImportError::Empty,
        ImportError::Workbook("zip".into()),
        ImportError::NoSuchSheet("表2".into()),
    ]
    .into_iter()
    .chain(unmapped.into_iter().flatten());
    for e in errors {
        let Some(Reply::Failed(back)) = decode::<Reply>(&encode(&Reply::Failed(e.clone()))) else {
            panic!("{e:?} decodes");
        };
        assert_eq!(back, e);
    }
    // A name this build's check never gives: a reply of another build, not read.
    let other = encode(&Reply::Failed(ImportError::Unmapped(vec![
        "customer_id",
        "nope",
    ])));
    assert!(decode::<Reply>(&other).is_none());
}

#[test]
fn a_backup_written_and_read_by_the_worker_is_the_file_written_and_read_in_one_go() {
    use kezhi_core::store::backup::{backup_from_parts, backup_parts, read_backup, write_backup};
    use std::collections::BTreeMap;
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let data = kezhi_core::demo::generate(&kezhi_core::demo::DemoConfig::new(200, end));
    let settings: BTreeMap<String, serde_json::Value> = [(
        "kezhi:analytics".to_string(),
        serde_json::json!({"churn_days": 120}),
    )]
    .into();
    let whole = write_backup(&data, settings.clone(), NOW);
    let mut session = Session::new();
    // Written: the page's parts, the worker's file.
    let parts = backup_parts(&data, &settings, NOW);
    let (Reply::BackupFile(file), _) = ask(&mut session, Request::WriteBackup(Box::new(parts)))
    else {
        panic!("a backup file");
    };
    assert_eq!(file, whole, "byte for byte the file written in one go");
    // Read: the worker unpacks, the page decodes — what reading in one go gives.
    let (Reply::BackupParts(parts), _) =
        ask(&mut session, Request::ReadBackup(file.clone().into_bytes()))
    else {
        panic!("backup parts");
    };
    let back = backup_from_parts(*parts).expect("decodes");
    assert_eq!(back, read_backup(&file).expect("reads"));
    assert_eq!(back.data, data);
    assert_eq!(back.settings, settings);
    // Not a backup, and a damaged section: the worker says why, as a code the page words
    // (`i18n::backup_error`).
    use kezhi_core::files::Refusal;
    use kezhi_core::store::Section;
    use kezhi_core::store::backup::BackupError;
    use kezhi_core::store::codec::DecodeError;
    let (Reply::Refused(why), _) = ask(&mut session, Request::ReadBackup(b"{}".to_vec())) else {
        panic!("refused");
    };
    assert_eq!(why, Refusal::Backup(BackupError::NotABackup));
    // The envelope lists its sections by name: the first is the activities.
    let damaged = whole.replacen("\"k2:", "\"k2:@@", 1);
    let (Reply::Refused(why), _) = ask(&mut session, Request::ReadBackup(damaged.into_bytes()))
    else {
        panic!("refused");
    };
    assert_eq!(
        why,
        Refusal::Backup(BackupError::Damaged {
            section: Section::Activities,
            error: DecodeError::Base64
        })
    );
}
