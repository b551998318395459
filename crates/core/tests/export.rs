//! The customer export (CSV and XLSX): the UI contract's columns in order, exact values, quoting,
//! masking and formula neutralisation.

use kezhi_core::export::{
    CUSTOMER_COLUMNS, ClassNames, ExportOptions, customers_csv, customers_xlsx,
};

/// The app's words for the classes (src/i18n/codes.rs, `class_names`, tested
/// there): the export writes what it is given.
const ZH: ClassNames = ClassNames {
    stages: ["潜在", "开发", "成长", "成熟", "流失预警", "流失"],
    groups: [
        "重要价值客户",
        "重要发展客户",
        "重要保持客户",
        "重要挽留客户",
        "一般价值客户",
        "一般发展客户",
        "一般保持客户",
        "一般挽留客户",
    ],
};
const EN: ClassNames = ClassNames {
    stages: [
        "Prospect",
        "Developing",
        "Growing",
        "Mature",
        "At risk",
        "Churned",
    ],
    groups: [
        "Important value",
        "Important to develop",
        "Important to retain",
        "Important to win back",
        "General value",
        "General to develop",
        "General to retain",
        "General to win back",
    ],
};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::time::china_offset;
use kezhi_core::*;
use uuid::Uuid;

fn data() -> Dataset {
    let mut a = Customer::new(Uuid::from_u128(1), "张三", Timestamp(0));
    a.phone = Some("13812345678".into());
    a.email = Some("zhang@example.com".into());
    a.city = Some("深圳".into());
    a.tags = vec!["高价值".into(), "母婴".into()];
    a.owner = Some("王丽娜".into());
    a.external_id = Some("C0000001".into());
    let b = Customer::new(Uuid::from_u128(2), "=HYPERLINK(\"x\")", Timestamp(0));
    let at = Timestamp::from_local(
        chrono::NaiveDate::from_ymd_opt(2026, 5, 20)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("time"),
        china_offset(),
    )
    .expect("ts");
    let order = Order {
        id: Uuid::from_u128(10),
        customer_id: a.id,
        source_order_id: "TM1".into(),
        ordered_at: at,
        amount_cents: 123_450,
        item_count: 2,
        channel: "tmall".into(),
        status: OrderStatus::Paid,
        updated_at: at,
    };
    Dataset {
        customers: vec![a, b],
        orders: vec![order],
        ..Dataset::default()
    }
}

fn rows(csv_text: &str) -> Vec<Vec<String>> {
    let body = csv_text.strip_prefix('\u{feff}').expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect()
}

#[test]
fn contract_columns_and_exact_values() {
    let d = data();
    let a = compute(&d, &AnalyticsSettings::default());
    let options = ExportOptions {
        mask: false,
        chinese: true,
        offset: china_offset(),
        names: ZH,
    };
    let table = rows(&customers_csv(&d, &a, &[0, 1], &options));
    assert_eq!(table[0][..15], CUSTOMER_COLUMNS[..15]);
    assert_eq!(
        table[0][..15].join(","),
        "id,name,phone,email,city,tags,owner,lifecycle,orders,total_spent,last_order_at,r,f,m,rfm_group"
    );
    assert_eq!(
        table[1],
        [
            "00000000-0000-0000-0000-000000000001",
            "张三",
            "13812345678",
            "zhang@example.com",
            "深圳",
            "高价值,母婴",
            "王丽娜",
            "开发",
            "1",
            "1234.50",
            "2026-05-20",
            "1",
            "1",
            "1",
            "一般挽留客户",
            "C0000001",
            "重点客户",
            "1234.50",
            // 1234.50 + 1234.50 × 1 order ÷ 1 year (the minimum) × 3 years.
            "4938.00",
        ]
    );
    // No orders: empty scores and date; a formula-like name is neutralised.
    assert_eq!(table[2][1], "'=HYPERLINK(\"x\")");
    assert_eq!(table[2][7], "潜在");
    assert_eq!(&table[2][8..15], ["0", "0.00", "", "", "", "", ""]);
    assert_eq!(&table[2][16..], ["普通客户", "", ""]);
}

#[test]
fn masking_hides_phone_and_email() {
    let d = data();
    let a = compute(&d, &AnalyticsSettings::default());
    let options = ExportOptions {
        mask: true,
        chinese: false,
        offset: china_offset(),
        names: EN,
    };
    let table = rows(&customers_csv(&d, &a, &[0], &options));
    assert_eq!(table[1][2], "138****5678");
    assert_eq!(table[1][3], "z***@example.com");
    assert_eq!(table[1][7], "Developing");
}

#[test]
fn the_workbook_holds_the_same_rows_with_numbers_and_dates() {
    use calamine::{Data, Reader, Xlsx};
    let d = data();
    let a = compute(&d, &AnalyticsSettings::default());
    let options = ExportOptions {
        mask: true,
        chinese: true,
        offset: china_offset(),
        names: ZH,
    };
    let bytes = customers_xlsx(&d, &a, &[0, 1], &options, "客户").expect("workbook");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("opens");
    assert_eq!(book.sheet_names(), ["客户"]);
    let range = book.worksheet_range("客户").expect("sheet");
    let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let header: Vec<String> = (0..19).map(|c| cell(0, c).to_string()).collect();
    assert_eq!(header, CUSTOMER_COLUMNS);
    assert_eq!(cell(1, 1), Data::String("张三".into()));
    assert_eq!(cell(1, 2), Data::String("138****5678".into()));
    assert_eq!(cell(1, 8), Data::Float(1.0));
    assert_eq!(cell(1, 9), Data::Float(1234.5));
    // A real date (Excel serial number of 2026-05-20), shown as yyyy-mm-dd.
    let Data::DateTime(when) = cell(1, 10) else {
        panic!("a date: {:?}", cell(1, 10));
    };
    assert_eq!(when.as_f64(), 46162.0);
    // Text cells are never formulas: the name is kept exactly as typed.
    assert_eq!(cell(2, 1), Data::String("=HYPERLINK(\"x\")".into()));
    assert_eq!(cell(2, 10), Data::Empty);
    assert_eq!(range.height(), 3);
}
