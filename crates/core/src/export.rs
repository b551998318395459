//! Customer export (CSV and XLSX) with the UI contract's columns:
//! `id,name,phone,email,city,tags,owner,lifecycle,orders,total_spent,last_order_at,r,f,m,rfm_group`
//! followed by `external_id,tier,aov,ltv_predicted` (money in yuan). UTF-8 with a byte-order mark, so Excel shows Chinese correctly.
//! Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) are neutralised
//! with a leading `'`.

use crate::dataset::Dataset;
use crate::metrics::Analytics;
use crate::model::{RfmGroup, Stage};
use crate::money::yuan;
use crate::sym::Sym;
use crate::time::Timestamp;
use chrono::{FixedOffset, NaiveDate};

pub const CUSTOMER_COLUMNS: [&str; 19] = [
    "id",
    "name",
    "phone",
    "email",
    "city",
    "tags",
    "owner",
    "lifecycle",
    "orders",
    "total_spent",
    "last_order_at",
    "r",
    "f",
    "m",
    "rfm_group",
    "external_id",
    "tier",
    "aov",
    "ltv_predicted",
];

#[derive(Clone, Copy, Debug)]
pub struct ExportOptions {
    /// `138****5678` and `l***@example.com` instead of the full values.
    pub mask: bool,
    /// Which of a tier's two names to write (names the user gave, stored in the settings).
    pub chinese: bool,
    /// The time zone dates are written in.
    pub offset: FixedOffset,
    /// How the `lifecycle` and `rfm_group` columns name a class: the app's words in the
    /// user's language (the core names no class).
    pub names: ClassNames,
}

/// The words an export writes for each lifecycle stage and RFM group, given by the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassNames {
    /// In the order of [`Stage::ALL`].
    pub stages: [&'static str; 6],
    /// In the order of [`RfmGroup::ALL`].
    pub groups: [&'static str; 8],
}

impl ClassNames {
    /// The codes themselves (`at_risk`, `important_value`): for exports read by programs.
    pub const CODES: ClassNames = ClassNames {
        stages: [
            "prospect",
            "developing",
            "growing",
            "mature",
            "at_risk",
            "churned",
        ],
        groups: [
            "important_value",
            "important_develop",
            "important_retain",
            "important_win_back",
            "general_value",
            "general_develop",
            "general_retain",
            "general_win_back",
        ],
    };

    /// The words `stage` and `group` give each class.
    pub fn of(
        stage: impl Fn(Stage) -> &'static str,
        group: impl Fn(RfmGroup) -> &'static str,
    ) -> Self {
        ClassNames {
            stages: Stage::ALL.map(stage),
            groups: RfmGroup::ALL.map(group),
        }
    }

    pub fn stage(&self, stage: Stage) -> &'static str {
        let i = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
        self.stages[i]
    }

    pub fn group(&self, group: RfmGroup) -> &'static str {
        let i = RfmGroup::ALL.iter().position(|g| *g == group).unwrap_or(0);
        self.groups[i]
    }
}

/// Neutralises a cell a spreadsheet would evaluate as a formula.
pub fn safe_text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// `l***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// One exported value, typed so a spreadsheet gets numbers and dates, not text.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Cents, written in yuan with two decimals.
    Money(i64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }

    /// The cell as CSV text (formula-safe).
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(s) => safe_text(s),
            Cell::Int(n) => n.to_string(),
            Cell::Money(c) => yuan(*c),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// The exported row of the customer at `i` (contract columns, then the extra ones).
pub fn customer_cells(
    data: &Dataset,
    analytics: &Analytics,
    i: usize,
    options: &ExportOptions,
) -> Option<[Cell; 19]> {
    let (c, m) = (data.customers.get(i)?, analytics.customers.get(i)?);
    let masked = |v: Option<&str>, mask: fn(&str) -> String| {
        v.map_or(Cell::Empty, |v| {
            Cell::text(&if options.mask { mask(v) } else { v.to_string() })
        })
    };
    let score = |v: Option<u8>| v.map_or(Cell::Empty, |v| Cell::Int(i64::from(v)));
    let money = |v: Option<i64>| v.map_or(Cell::Empty, Cell::Money);
    let day = |t: Timestamp| t.to_offset(options.offset).map(|d| d.date_naive());
    Some([
        Cell::Text(c.id.to_string()),
        Cell::text(&c.name),
        masked(c.phone.as_deref(), mask_phone),
        masked(c.email.as_deref(), mask_email),
        Cell::text(c.city.map(Sym::as_str).unwrap_or("")),
        Cell::text(&Sym::join(&c.tags, ",")),
        Cell::text(c.owner.map(Sym::as_str).unwrap_or("")),
        Cell::text(m.stage.map(|s| options.names.stage(s)).unwrap_or("")),
        Cell::Int(i64::from(m.orders)),
        Cell::Money(m.total_spent),
        m.last_order.and_then(day).map_or(Cell::Empty, Cell::Date),
        score(m.r),
        score(m.f),
        score(m.m),
        Cell::text(m.group.map(|g| options.names.group(g)).unwrap_or("")),
        Cell::text(c.external_id.as_deref().unwrap_or("")),
        Cell::text(
            m.tier
                .map(|t| analytics.tier_name(t, options.chinese))
                .unwrap_or(""),
        ),
        money(m.aov),
        money(m.ltv),
    ])
}

/// The CSV of the customers at `rows` (indices into `data.customers`, in that order).
pub fn customers_csv(
    data: &Dataset,
    analytics: &Analytics,
    rows: &[usize],
    options: &ExportOptions,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row is skipped rather than aborting the file.
    let _ = writer.write_record(CUSTOMER_COLUMNS);
    for &i in rows {
        if let Some(cells) = customer_cells(data, analytics, i, options) {
            let _ = writer.write_record(cells.iter().map(Cell::csv));
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// Any other list's CSV (the desk's lists, a campaign's call list): a header of `columns`,
/// then the rows' cells, with the customer export's encoding (BOM, formula-safe text).
pub fn table_csv(columns: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // As above: writing to a Vec cannot fail.
    let _ = writer.write_record(columns);
    for cells in rows {
        let _ = writer.write_record(cells.iter().map(Cell::csv));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// The rows of the customers at `rows`, for a workbook of [`CUSTOMER_COLUMNS`]
/// (`table_xlsx`): what the page computes (it has the data) and hands to the files worker
/// (`Request::WriteTable`), which writes the workbook.
pub fn customer_rows(
    data: &Dataset,
    analytics: &Analytics,
    rows: &[usize],
    options: &ExportOptions,
) -> Vec<[Cell; 19]> {
    rows.iter()
        .filter_map(|&i| customer_cells(data, analytics, i, options))
        .collect()
}

/// The same export as an Excel workbook, its one sheet named `sheet` (the app's word for
/// customers): numbers and dates as such, text as text cells — which a spreadsheet never
/// evaluates, so no formula can run.
#[cfg(feature = "files")]
pub fn customers_xlsx(
    data: &Dataset,
    analytics: &Analytics,
    rows: &[usize],
    options: &ExportOptions,
    sheet: &str,
) -> Result<Vec<u8>, String> {
    table_xlsx(
        sheet,
        &CUSTOMER_COLUMNS,
        &customer_rows(data, analytics, rows, options),
    )
}

/// A workbook of one sheet named `sheet`: a bold header of `columns`, then the rows' cells
/// (numbers and dates as such, text as text cells, which a spreadsheet never evaluates).
#[cfg(feature = "files")]
pub fn table_xlsx<S: AsRef<str>, R: AsRef<[Cell]>>(
    sheet: &str,
    columns: &[S],
    cells: &[R],
) -> Result<Vec<u8>, String> {
    use chrono::Datelike;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let name = sheet;
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, name) in columns.iter().map(AsRef::as_ref).enumerate() {
        sheet
            .write_string_with_format(0, col as u16, name, &bold)
            .map_err(err)?;
    }
    for (row, cells) in (1u32..).zip(cells) {
        for (col, cell) in cells.as_ref().iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(row, col, s).map(|_| ()),
                Cell::Int(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
                // Cents to yuan only here, for the spreadsheet's display.
                Cell::Money(c) => sheet
                    .write_number_with_format(row, col, *c as f64 / 100.0, &money)
                    .map(|_| ()),
                Cell::Date(d) => {
                    let when =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(err)?;
                    sheet
                        .write_datetime_with_format(row, col, &when, &date)
                        .map(|_| ())
                }
                Cell::Empty => Ok(()),
            }
            .map_err(err)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_safe_masked_and_money_is_yuan() {
        assert_eq!(safe_text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_text("@cmd"), "'@cmd");
        assert_eq!(safe_text("张三"), "张三");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_email("lisi@example.com"), "l***@example.com");
        assert_eq!(yuan(123_450), "1234.50");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(0), "0.00");
    }

    #[test]
    fn a_table_is_written_like_the_customer_export() {
        let rows = vec![
            vec![Cell::Text("=1+1".into()), Cell::Money(123_450), Cell::Empty],
            vec![
                Cell::Text("王, 芳".into()),
                Cell::Int(3),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 9, 21).expect("date")),
            ],
        ];
        assert_eq!(
            table_csv(&["a", "b", "c"], &rows),
            "\u{feff}a,b,c\n'=1+1,1234.50,\n\"王, 芳\",3,2026-09-21\n"
        );
    }
}
