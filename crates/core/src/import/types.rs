//! What the page and the file reader exchange about a file: how to read it, how it was read,
//! and the preview's rows. Plain data (serde), without the decoders and the workbook reader,
//! so the page's build has them while the reading itself (the `files` feature) runs in the
//! files worker.

use super::mapping::Field;
use super::reason::Reason;
use serde::{Deserialize, Serialize};

/// What the user chose in the encoding selector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingChoice {
    /// A byte-order mark decides; without one, valid UTF-8 is UTF-8 and anything else that
    /// reads cleanly as GB18030 is GB18030.
    #[default]
    Auto,
    Utf8,
    Gb18030,
}

/// The encoding a file was read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    /// A label for the preview ("UTF-8", "GBK/GB18030"…).
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    /// In the order ties are broken.
    pub const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// How to read the file; `None` means "detect".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    pub encoding: EncodingChoice,
    pub delimiter: Option<Delimiter>,
    /// The `import-has-header` checkbox once the user changed it.
    pub has_header: Option<bool>,
    /// A workbook's sheet by name; the first sheet when `None`.
    pub sheet: Option<String>,
}

/// What kind of file it was and how it was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Text {
        encoding: TextEncoding,
        delimiter: Delimiter,
        /// Undecodable bytes were replaced (see `decode::Decoded::replaced`).
        replaced: bool,
    },
    Workbook {
        sheet: String,
    },
}

/// One mapped cell of a preview row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewCell {
    pub field: Field,
    pub raw: String,
    /// What it becomes (empty for a blank cell), or why it cannot be read.
    pub value: Result<String, Reason>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// The row in the file (header = row 1).
    pub row: usize,
    pub cells: Vec<PreviewCell>,
}

/// One row of the sample, with its row number in the file (1-based; the header is row 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleRow {
    pub number: usize,
    pub cells: Vec<String>,
}
