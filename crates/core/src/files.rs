//! What the web page and its files worker say to each other (`crates/files-worker`; the page's
//! side is `src/files.rs`), and, with the `files` feature, the worker's side of it: a
//! [`Session`] holding the opened file.
//!
//! Reading an import file and writing an Excel workbook need the decoders, the workbook
//! reader/writer and the parsers — most of the code size of the app — and only imports and
//! Excel exports need them. So they run in a Web Worker fetched on first use: the page sends a
//! [`Request`], the worker answers each with exactly one final [`Reply`] (an import sends
//! [`Reply::Progress`] before its [`Reply::Plan`]), in order. Both sides encode with
//! postcard: compact, and the file's bytes travel as they are.

use crate::export::Cell;
use crate::import::{
    Format, ImportError, ImportKind, ImportOptions, ImportPlan, Mapping, PreviewRow, ReadOptions,
};
use crate::store::backup::{BackupError, BackupParts};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub enum Request {
    /// A new file (replaces the one open); answered with [`Reply::Table`].
    Open { bytes: Vec<u8>, read: ReadOptions },
    /// Another sheet of the open workbook; [`Reply::Table`].
    SelectSheet(String),
    /// The `import-has-header` checkbox; [`Reply::Table`].
    SetHeader(bool),
    /// The first rows as they will be imported; [`Reply::Preview`].
    Preview {
        kind: ImportKind,
        mapping: Mapping,
        options: ImportOptions,
        chinese: bool,
        rows: usize,
    },
    /// Reads the whole file: [`Reply::Progress`] now and then, then [`Reply::Plan`]. The file
    /// stays open (read again from its bytes) for another import.
    Import {
        kind: ImportKind,
        mapping: Mapping,
        options: ImportOptions,
    },
    /// A backup file's text from its parts (compression is most of a backup's work);
    /// [`Reply::BackupFile`].
    WriteBackup(Box<BackupParts>),
    /// A chosen backup file's bytes, checked and unpacked; [`Reply::BackupParts`]. The page
    /// writes this message around the file's bytes without copying them into its wasm
    /// ([`read_backup_header`]).
    ReadBackup(#[serde(with = "crate::byte_strings")] Vec<u8>),
    /// A list as a workbook ([`crate::export::table_xlsx`]: the customer export under
    /// [`crate::export::CUSTOMER_COLUMNS`], the desk's lists, a campaign's call list), its one
    /// sheet named by the page; [`Reply::Xlsx`].
    WriteTable {
        sheet: String,
        columns: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
}

#[derive(Serialize, Deserialize)]
pub enum Reply {
    /// The worker is running and reads requests (sent once, before any other reply).
    Ready,
    Table(TableInfo),
    Preview(Vec<PreviewRow>),
    /// 0–1: how far an import has read.
    Progress(f64),
    Plan(Box<ImportPlan>),
    Xlsx(Vec<u8>),
    BackupFile(String),
    BackupParts(Box<BackupParts>),
    /// The file cannot be read or imported, and why (the page words it: `i18n::import_error`).
    Failed(ImportError),
    /// The request could not be done, for a reason the page words ([`Refusal`]).
    Refused(Refusal),
}

/// Why the worker could not do a request, for the page to put in words (`i18n::refusal`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// A request about the open file, and none is open.
    NoFile,
    /// The workbook could not be written (the writer's own reason, technical).
    Xlsx(String),
    /// The chosen file is not a backup that can be restored.
    Backup(BackupError),
    /// The request could not be read (a worker of another build than the page).
    UnreadableRequest,
}

/// What the page shows of an opened file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableInfo {
    pub format: Format,
    /// A workbook's sheets (empty for text).
    pub sheets: Vec<String>,
    pub has_header: bool,
    /// The names the mapping selectors offer.
    pub columns: Vec<String>,
    /// Per kind, in [`ImportKind::ALL`]'s order: the shape key under which the page
    /// remembers mappings, and the guessed mapping.
    pub kinds: Vec<(ImportKind, String, Mapping)>,
}

impl TableInfo {
    /// The shape key and guessed mapping of a kind.
    pub fn kind(&self, kind: ImportKind) -> Option<(&str, &Mapping)> {
        self.kinds
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, shape, guess)| (shape.as_str(), guess))
    }
}

/// Encodes a message (a request or a reply).
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Serializing these types into a Vec cannot fail (no maps with non-string keys, no
    // custom errors); an empty message would be refused by the other side.
    postcard::to_allocvec(message).unwrap_or_default()
}

/// The start of the message [`Request::ReadBackup`] of a file of `len` bytes: the message is
/// this, then the file's bytes as they are (so the page never copies a file of tens of MB
/// into its memory to send it on).
pub fn read_backup_header(len: usize) -> Vec<u8> {
    let mut header = encode(&Request::ReadBackup(Vec::new()));
    // The empty file's length, one byte (0): replaced by this one's.
    header.pop();
    header.extend(encode(&len));
    header
}

/// A piece of a message written in pieces ([`write_backup_pieces`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Bytes(Vec<u8>),
    /// The bytes of the backup's section of this number, as they are.
    Section(usize),
}

/// The message [`Request::WriteBackup`] of `parts` in pieces: the message is their bytes one
/// after the other, the sections' as they are, so the page writes it straight into the
/// buffer it sends rather than copying 58 MB of sections into a message first.
pub fn write_backup_pieces(parts: &BackupParts) -> Vec<Piece> {
    let mut empty = parts.clone_without_sections();
    empty.settings.clear();
    let mut head = encode(&Request::WriteBackup(Box::new(empty)));
    // The empty sections' and settings' lengths (one byte each, 0): replaced by the real ones.
    head.truncate(head.len().saturating_sub(2));
    head.extend(encode(&parts.sections.len()));
    let mut pieces = vec![Piece::Bytes(head)];
    for (i, section) in parts.sections.iter().enumerate() {
        pieces.push(Piece::Bytes(encode(&section.len())));
        pieces.push(Piece::Section(i));
    }
    pieces.push(Piece::Bytes(encode(&parts.settings)));
    pieces
}

/// Decodes a message; `None` if it is not one (a worker of another build).
pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    postcard::from_bytes(bytes).ok()
}

#[cfg(feature = "files")]
pub use session::Session;

#[cfg(feature = "files")]
mod session {
    use super::{Refusal, Reply, Request, TableInfo};
    use crate::import::{ImportError, ImportKind, Importer, ReadOptions, Table};
    use crate::store::backup::{BackupError, read_backup_parts, write_backup_parts};

    /// Rows read between two progress messages.
    const CHUNK_ROWS: usize = 20_000;

    /// A written workbook, or why it could not be written.
    fn xlsx_reply(written: Result<Vec<u8>, String>) -> Reply {
        match written {
            Ok(bytes) => Reply::Xlsx(bytes),
            Err(e) => Reply::Refused(Refusal::Xlsx(e)),
        }
    }

    fn no_file() -> Reply {
        Reply::Refused(Refusal::NoFile)
    }

    /// The worker's state: the file last opened (its bytes, to read it again after an
    /// import, which consumes the table) and how it is read.
    #[derive(Default)]
    pub struct Session {
        bytes: Option<Vec<u8>>,
        read: ReadOptions,
        table: Option<Table>,
    }

    impl Session {
        pub fn new() -> Self {
            Session::default()
        }

        /// Answers one request; `progress` gets an import's progress (0–1) as it reads.
        pub fn handle(&mut self, request: Request, progress: &mut dyn FnMut(f64)) -> Reply {
            match request {
                Request::Open { bytes, read } => {
                    self.bytes = Some(bytes);
                    self.read = read;
                    self.table = None;
                    match self.reopen() {
                        Ok(()) => self.info(),
                        Err(e) => Reply::Failed(e),
                    }
                }
                Request::SelectSheet(name) => {
                    let Some(table) = self.table.as_mut() else {
                        return no_file();
                    };
                    match table.select_sheet(&name) {
                        Ok(()) => {
                            self.read.sheet = Some(name);
                            self.info()
                        }
                        Err(e) => Reply::Failed(e),
                    }
                }
                Request::SetHeader(on) => {
                    let Some(table) = self.table.as_mut() else {
                        return no_file();
                    };
                    table.set_has_header(on);
                    self.read.has_header = Some(on);
                    self.info()
                }
                Request::Preview {
                    kind,
                    mapping,
                    options,
                    chinese,
                    rows,
                } => match &self.table {
                    Some(t) => Reply::Preview(t.preview(kind, &mapping, &options, chinese, rows)),
                    None => no_file(),
                },
                Request::Import {
                    kind,
                    mapping,
                    options,
                } => {
                    let Some(table) = self.table.take() else {
                        return no_file();
                    };
                    let importer = Importer::new(table, kind, mapping, options);
                    // The importer took the table: the file is read again for what follows
                    // (another import, a preview), as the page had it before.
                    let mut importer = match importer {
                        Ok(i) => i,
                        Err(e) => {
                            let _ = self.reopen();
                            return Reply::Failed(e);
                        }
                    };
                    loop {
                        let p = importer.step(CHUNK_ROWS);
                        if p.done {
                            break;
                        }
                        progress(p.fraction);
                    }
                    let plan = importer.finish();
                    let _ = self.reopen();
                    Reply::Plan(Box::new(plan))
                }
                Request::WriteBackup(parts) => Reply::BackupFile(write_backup_parts(&parts)),
                Request::ReadBackup(bytes) => {
                    let read = String::from_utf8(bytes)
                        .map_err(|_| BackupError::NotABackup)
                        .and_then(|text| read_backup_parts(&text));
                    match read {
                        Ok(parts) => Reply::BackupParts(Box::new(parts)),
                        Err(e) => Reply::Refused(Refusal::Backup(e)),
                    }
                }
                Request::WriteTable {
                    sheet,
                    columns,
                    rows,
                } => xlsx_reply(crate::export::table_xlsx(&sheet, &columns, &rows)),
            }
        }

        fn reopen(&mut self) -> Result<(), ImportError> {
            let Some(bytes) = &self.bytes else {
                return Err(ImportError::Empty);
            };
            self.table = Some(Table::open(bytes.clone(), &self.read)?);
            Ok(())
        }

        fn info(&self) -> Reply {
            let Some(t) = &self.table else {
                return no_file();
            };
            Reply::Table(TableInfo {
                format: t.format().clone(),
                sheets: t.sheet_names().to_vec(),
                has_header: t.has_header(),
                columns: t.column_names(),
                kinds: ImportKind::ALL
                    .into_iter()
                    .map(|k| (k, t.shape_key(k), t.guess_mapping(k)))
                    .collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_files_message_is_its_header_then_its_bytes() {
        for len in [0, 1, 127, 128, 300, 70_000] {
            let file: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut message = read_backup_header(len);
            message.extend_from_slice(&file);
            assert_eq!(message, encode(&Request::ReadBackup(file.clone())), "{len}");
            let Some(Request::ReadBackup(back)) = decode(&message) else {
                panic!("decodes ({len})");
            };
            assert_eq!(back, file);
        }
        // The variant's number, then the length as a varint: 300 = 0xac 0x02.
        assert_eq!(read_backup_header(300)[1..], [0xac, 0x02]);
    }

    #[test]
    fn a_backup_written_in_pieces_is_the_message() {
        let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
        let data = crate::demo::generate(&crate::demo::DemoConfig::new(50, end));
        let settings = [("k".to_string(), serde_json::json!({"a": "甲"}))].into();
        let parts = crate::store::backup::backup_parts(&data, &settings, crate::Timestamp(-5));
        let pieces = write_backup_pieces(&parts);
        assert_eq!(
            pieces
                .iter()
                .filter(|p| matches!(p, Piece::Section(_)))
                .count(),
            5
        );
        let mut message = Vec::new();
        for piece in &pieces {
            match piece {
                Piece::Bytes(b) => message.extend_from_slice(b),
                Piece::Section(i) => message.extend_from_slice(&parts.sections[*i]),
            }
        }
        assert_eq!(message, encode(&Request::WriteBackup(Box::new(parts))));
    }
}
