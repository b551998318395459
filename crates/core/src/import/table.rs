//! A file → a table of text cells: CSV/TSV text (delimiter detected) or a sheet of an Excel
//! workbook. Only a sample is read when the file is opened (for the preview and the guesses);
//! the importer then reads the rows a chunk at a time with a [`RowReader`].

use super::decode::decode;
use super::header::looks_like_header;
use super::reason::ImportError;
use super::types::SampleRow;
pub use super::types::{Delimiter, Format, ReadOptions};
use calamine::{Data, Range, Reader};
use std::borrow::Cow;
use std::io::Cursor;

/// Rows read when the file is opened: enough to detect the header and guess the mapping, and
/// for the preview.
pub const SAMPLE_ROWS: usize = 50;
/// How much text the delimiter detection looks at.
const SNIFF_BYTES: usize = 64 * 1024;
/// How many records of that text it compares.
const SNIFF_RECORDS: usize = 30;

enum Body {
    /// The decoded text as UTF-8 bytes (what the CSV reader wants).
    Text {
        bytes: Vec<u8>,
        delimiter: Delimiter,
    },
    Sheet(Range<Data>),
}

/// An opened file: its format, the sample, the header decision and the column names.
pub struct Table {
    format: Format,
    sheets: Vec<String>,
    body: Body,
    sample: Vec<SampleRow>,
    has_header: bool,
    header_detected: bool,
    /// The workbook's bytes, kept so another sheet can be chosen.
    workbook: Option<Vec<u8>>,
}

impl Table {
    /// Opens a file: an Excel workbook (`.xlsx`, also `.xls`/`.ods`, recognised by content) or
    /// delimited text in any supported encoding.
    pub fn open(bytes: Vec<u8>, options: &ReadOptions) -> Result<Table, ImportError> {
        if bytes.is_empty() {
            return Err(ImportError::Empty);
        }
        let zip = bytes.starts_with(b"PK\x03\x04");
        let ole = bytes.starts_with(b"\xD0\xCF\x11\xE0");
        let mut table = if zip || ole {
            open_workbook(bytes, options.sheet.as_deref())?
        } else {
            open_text(bytes, options)
        };
        if table.sample.is_empty() {
            return Err(ImportError::Empty);
        }
        table.header_detected = looks_like_header(&table.sample);
        table.has_header = options.has_header.unwrap_or(table.header_detected);
        Ok(table)
    }

    pub fn format(&self) -> &Format {
        &self.format
    }

    /// The workbook's sheet names (empty for text files), for the sheet selector.
    pub fn sheet_names(&self) -> &[String] {
        &self.sheets
    }

    /// Reads another sheet of the same workbook (the header is detected again).
    pub fn select_sheet(&mut self, name: &str) -> Result<(), ImportError> {
        let Some(bytes) = self.workbook.take() else {
            return Err(ImportError::NoSuchSheet(name.to_string()));
        };
        let options = ReadOptions {
            sheet: Some(name.to_string()),
            ..ReadOptions::default()
        };
        match Table::open(bytes.clone(), &options) {
            Ok(table) => {
                *self = table;
                Ok(())
            }
            Err(e) => {
                self.workbook = Some(bytes);
                Err(e)
            }
        }
    }

    pub fn has_header(&self) -> bool {
        self.has_header
    }

    /// What detection said, whatever the override.
    pub fn header_detected(&self) -> bool {
        self.header_detected
    }

    /// The `import-has-header` checkbox.
    pub fn set_has_header(&mut self, has_header: bool) {
        self.has_header = has_header;
    }

    /// The sample as read, header row included.
    pub fn sample(&self) -> &[SampleRow] {
        &self.sample
    }

    /// The sample's data rows (after the header, if any).
    pub fn sample_data(&self) -> &[SampleRow] {
        self.sample
            .get(usize::from(self.has_header)..)
            .unwrap_or(&[])
    }

    /// The header row's cells as written (trimmed); empty without a header.
    pub fn header_cells(&self) -> Vec<String> {
        match (self.has_header, self.sample.first()) {
            (true, Some(first)) => first.cells.iter().map(|c| c.trim().to_string()).collect(),
            _ => Vec::new(),
        }
    }

    /// Number of columns: the widest of the header and the sample's rows.
    pub fn width(&self) -> usize {
        self.sample.iter().map(|r| r.cells.len()).max().unwrap_or(0)
    }

    /// The column names the mapping selectors offer: the header's names (made unique, empty
    /// ones named by position) or `col1…colN` without a header.
    pub fn column_names(&self) -> Vec<String> {
        let header = self.header_cells();
        let mut names: Vec<String> = Vec::with_capacity(self.width());
        for i in 0..self.width() {
            let base = header
                .get(i)
                .map(|h| super::values::unescape_text(h).to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| format!("col{}", i + 1));
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base} ({n})");
                n += 1;
            }
            names.push(name);
        }
        names
    }

    /// A reader over all rows from the start (the header row included).
    pub(crate) fn rows(self) -> RowReader {
        match self.body {
            Body::Text { bytes, delimiter } => {
                let total = bytes.len().max(1);
                RowReader::Text {
                    reader: csv_reader(Cursor::new(bytes), delimiter),
                    record: csv::ByteRecord::new(),
                    total,
                    number: 0,
                }
            }
            Body::Sheet(range) => {
                let first = range.start().map_or(0, |(row, _)| row as usize);
                RowReader::Sheet {
                    range,
                    next: 0,
                    first,
                }
            }
        }
    }
}

fn csv_reader<R: std::io::Read>(source: R, delimiter: Delimiter) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        // Ragged rows are read as they are; the importer reports them.
        .flexible(true)
        .delimiter(delimiter.byte())
        .from_reader(source)
}

fn open_text(bytes: Vec<u8>, options: &ReadOptions) -> Table {
    let decoded = decode(bytes, options.encoding);
    let bytes = decoded.text.into_bytes();
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| detect_delimiter(&bytes));
    let mut sample = Vec::new();
    let mut reader = csv_reader(bytes.as_slice(), delimiter);
    let mut record = csv::ByteRecord::new();
    while sample.len() < SAMPLE_ROWS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => sample.push(SampleRow {
                number: record
                    .position()
                    .map_or(sample.len() + 1, |p| p.line() as usize),
                cells: record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            }),
            _ => break,
        }
    }
    Table {
        format: Format::Text {
            encoding: decoded.encoding,
            delimiter,
            replaced: decoded.replaced,
        },
        sheets: Vec::new(),
        body: Body::Text { bytes, delimiter },
        sample,
        has_header: false,
        header_detected: false,
        workbook: None,
    }
}

/// The delimiter that splits the first records into the most consistent number of fields
/// (more than one); ties go to the one with more fields, then to comma, semicolon, tab.
pub fn detect_delimiter(text: &[u8]) -> Delimiter {
    let truncated = text.len() > SNIFF_BYTES;
    let head = &text[..text.len().min(SNIFF_BYTES)];
    let mut best: Option<(usize, usize, Delimiter)> = None;
    for delimiter in Delimiter::ALL {
        let mut reader = csv_reader(head, delimiter);
        let mut counts: Vec<usize> = reader
            .byte_records()
            .take(SNIFF_RECORDS + 1)
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect();
        // The last record of a cut sample may be cut too.
        if truncated || counts.len() > SNIFF_RECORDS {
            counts.pop();
        }
        let Some((mode, hits)) = mode(&counts) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        // Consistency as a share in thousandths, so candidates compare as integers.
        let share = hits * 1000 / counts.len().max(1);
        if best.is_none_or(|(s, m, _)| (share, mode) > (s, m)) {
            best = Some((share, mode, delimiter));
        }
    }
    best.map_or(Delimiter::Comma, |(_, _, d)| d)
}

/// The most frequent value and its frequency (ties: the larger value).
fn mode(values: &[usize]) -> Option<(usize, usize)> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        let candidate = (run[0], run.len());
        if best.is_none_or(|(v, n)| (candidate.1, candidate.0) >= (n, v)) {
            best = Some(candidate);
        }
    }
    best
}

fn open_workbook(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Table, ImportError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.as_slice()))
        .map_err(|e| ImportError::Workbook(e.to_string()))?;
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(name) if sheets.iter().any(|s| s == name) => name.to_string(),
        Some(name) => return Err(ImportError::NoSuchSheet(name.to_string())),
        None => sheets.first().cloned().ok_or(ImportError::Empty)?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| ImportError::Workbook(e.to_string()))?;
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let sample = range
        .rows()
        .take(SAMPLE_ROWS)
        .enumerate()
        .map(|(i, row)| SampleRow {
            number: first + i + 1,
            cells: row.iter().map(|c| cell_text(c).into_owned()).collect(),
        })
        .collect();
    drop(book);
    Ok(Table {
        format: Format::Workbook { sheet: name },
        sheets,
        body: Body::Sheet(range),
        sample,
        has_header: false,
        header_detected: false,
        workbook: Some(bytes),
    })
}

/// A workbook cell as text: whole numbers without `.0` (ids, phones), dates as
/// `YYYY-MM-DD HH:MM:SS` (which the time parser reads back).
pub fn cell_text(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(n) => Cow::Owned(n.to_string()),
        Data::Float(f) => Cow::Owned(float_text(*f)),
        Data::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            Cow::Owned(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"))
        }
        Data::DateTime(dt) => Cow::Owned(float_text(dt.as_f64())),
        Data::Error(_) | Data::Empty => Cow::Borrowed(""),
    }
}

/// `12923.0` → `12923`; other numbers in their shortest exact form (`4.15`).
pub fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Reads the rows of a table one at a time, and can start over.
pub(crate) enum RowReader {
    Text {
        reader: csv::Reader<Cursor<Vec<u8>>>,
        record: csv::ByteRecord,
        total: usize,
        number: usize,
    },
    Sheet {
        range: Range<Data>,
        next: usize,
        first: usize,
    },
}

impl RowReader {
    /// Moves to the next row and returns its number in the file, or `None` at the end.
    pub fn advance(&mut self) -> Option<usize> {
        match self {
            RowReader::Text {
                reader,
                record,
                number,
                ..
            } => match reader.read_byte_record(record) {
                Ok(true) => {
                    *number = record.position().map_or(*number + 1, |p| p.line() as usize);
                    Some(*number)
                }
                // With flexible records over in-memory UTF-8 nothing can fail; if something
                // did, the rows read so far are what the file holds.
                _ => None,
            },
            RowReader::Sheet { range, next, first } => {
                if *next >= range.height() {
                    return None;
                }
                *next += 1;
                Some(*first + *next)
            }
        }
    }

    /// A cell of the current row (`None` beyond its end).
    pub fn cell(&self, column: usize) -> Option<Cow<'_, str>> {
        match self {
            // The text was decoded to UTF-8 and fields split at ASCII delimiters, so a field
            // is valid UTF-8; the lossy path only guards against the impossible.
            RowReader::Text { record, .. } => {
                record.get(column).map(|f| match std::str::from_utf8(f) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => String::from_utf8_lossy(f),
                })
            }
            RowReader::Sheet { range, next, .. } => {
                let row = next.checked_sub(1)?;
                if column >= range.width() {
                    return None;
                }
                Some(
                    range
                        .get((row, column))
                        .map_or(Cow::Borrowed(""), cell_text),
                )
            }
        }
    }

    /// Number of cells in the current row.
    pub fn len(&self) -> usize {
        match self {
            RowReader::Text { record, .. } => record.len(),
            RowReader::Sheet { range, .. } => range.width(),
        }
    }

    /// Whether every cell of the current row is blank.
    pub fn is_blank(&self) -> bool {
        match self {
            // Usually decided by the first field, without decoding it.
            RowReader::Text { record, .. } => record.iter().all(|f| {
                f.trim_ascii().is_empty()
                    || std::str::from_utf8(f).is_ok_and(|s| s.trim().is_empty())
            }),
            RowReader::Sheet { .. } => {
                (0..self.len()).all(|i| self.cell(i).is_none_or(|c| c.trim().is_empty()))
            }
        }
    }

    /// How far through the file the reader is, 0–1.
    pub fn fraction(&self) -> f64 {
        match self {
            RowReader::Text { reader, total, .. } => {
                (reader.position().byte() as f64 / *total as f64).min(1.0)
            }
            RowReader::Sheet { range, next, .. } => *next as f64 / range.height().max(1) as f64,
        }
    }

    /// Back to the first row.
    pub fn rewind(&mut self) {
        match self {
            RowReader::Text { reader, number, .. } => {
                // Seeking an in-memory cursor to the start cannot fail.
                let _ = reader.seek(csv::Position::new());
                *number = 0;
            }
            RowReader::Sheet { next, .. } => *next = 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Table {
        Table::open(text.as_bytes().to_vec(), &ReadOptions::default()).expect("table")
    }

    #[test]
    fn delimiters_are_detected() {
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n"), Delimiter::Comma);
        assert_eq!(
            detect_delimiter(b"a;b;c\n1,5;2;3\n4;5,5;6\n"),
            Delimiter::Semicolon
        );
        assert_eq!(detect_delimiter(b"a\tb\n1,2\t3\n"), Delimiter::Tab);
        assert_eq!(detect_delimiter(b"only\none\n"), Delimiter::Comma);
        // Quoted delimiters do not count.
        assert_eq!(
            detect_delimiter(b"name;note\n\"A\";\"x,y,z\"\n\"B\";\"p,q\"\n"),
            Delimiter::Semicolon
        );
    }

    #[test]
    fn quoted_newlines_and_row_numbers() {
        let t = open("name,note\n张三,\"line one\nline two\"\n李四,\"say \"\"hi\"\"\"\n");
        let rows = t.sample();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells[1], "line one\nline two");
        assert_eq!(rows[2].cells[1], "say \"hi\"");
        // The row after the two-line field starts on line 4.
        assert_eq!(rows[2].number, 4);
        let mut reader = t.rows();
        assert_eq!(reader.advance(), Some(1));
        assert_eq!(reader.advance(), Some(2));
        assert_eq!(reader.cell(0).as_deref(), Some("张三"));
        assert_eq!(reader.advance(), Some(4));
        assert_eq!(reader.advance(), None);
        reader.rewind();
        assert_eq!(reader.advance(), Some(1));
    }

    #[test]
    fn column_names_with_and_without_header() {
        let mut t = open("姓名,手机,,姓名\n张三,13812345678,x,y\n");
        // Repeated names make detection say "no header"; the checkbox says otherwise.
        assert!(!t.has_header());
        t.set_has_header(true);
        assert_eq!(t.column_names(), ["姓名", "手机", "col3", "姓名 (2)"]);
        t.set_has_header(false);
        assert_eq!(t.column_names(), ["col1", "col2", "col3", "col4"]);
        assert_eq!(t.sample_data().len(), 2);
    }

    #[test]
    fn workbook_cells_become_text() {
        assert_eq!(float_text(12923.0), "12923");
        assert_eq!(float_text(4.15), "4.15");
        assert_eq!(float_text(-2.0), "-2");
    }
}
