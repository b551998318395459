//! The import engine end to end, natively: every parser path (encodings, delimiters, quoting,
//! ragged rows, headers, time and money forms, phones and ids), mapping guesses, orders as line
//! items with refunds, merging and re-importing, atomicity, property tests, and the two real
//! samples in data/real/ (copied from the project's shared data, with their provenance).

use kezhi_core::import::merge::import_id;
use kezhi_core::import::*;
use kezhi_core::store::{MemoryStore, Repository};
use kezhi_core::*;
use proptest::prelude::*;

const NOW: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01 00:00 UTC

fn utc() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(0).expect("utc")
}

fn options() -> ImportOptions {
    ImportOptions {
        offset: utc(),
        ..ImportOptions::default()
    }
}

fn plan(bytes: &[u8], kind: ImportKind) -> ImportPlan {
    read_file(
        bytes.to_vec(),
        &ReadOptions::default(),
        kind,
        None,
        options(),
    )
    .expect("readable")
}

/// Imports into `data` and returns the report.
fn import_into(
    data: &mut Dataset,
    bytes: &[u8],
    kind: ImportKind,
    opts: ImportOptions,
) -> (ImportSummary, Vec<RowError>) {
    let plan =
        read_file(bytes.to_vec(), &ReadOptions::default(), kind, None, opts).expect("readable");
    let change = plan.changes(data, NOW);
    let summary = change.summary.clone().expect("summary");
    change.apply_to(data);
    (summary, plan.errors)
}

fn counts(s: &ImportSummary) -> (usize, usize, usize) {
    (s.imported, s.skipped, s.errors)
}

fn at_utc(s: &str) -> Timestamp {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("time");
    Timestamp(t.and_utc().timestamp_millis())
}

// ---------------------------------------------------------------------------------------------
// Encodings, delimiters, quoting, ragged rows, headers

#[test]
fn gbk_file_from_chinese_excel_is_read() {
    let text = "客户编号,姓名,手机,城市,标签\r\nK1,张三,138 1234 5678,杭州,VIP\r\nK2,李四,+86 139-0000-1111,上海,\"新客,高潜力\"\r\n";
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let table = Table::open(gbk.into_owned(), &ReadOptions::default()).expect("table");
    assert_eq!(
        table.format(),
        &Format::Text {
            encoding: TextEncoding::Gb18030,
            delimiter: Delimiter::Comma,
            replaced: false
        }
    );
    assert!(table.has_header());
    let mapping = table.guess_mapping(ImportKind::Customers);
    let plan = Importer::new(table, ImportKind::Customers, mapping, options())
        .expect("mapped")
        .finish();
    let mut data = Dataset::default();
    plan.changes(&data, NOW).apply_to(&mut data);
    let names: Vec<_> = data.customers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["张三", "李四"]);
    assert_eq!(data.customers[1].phone.as_deref(), Some("13900001111"));
    assert_eq!(data.customers[1].tags, ["新客", "高潜力"]);
    assert_eq!(data.customers[0].city.map(|c| c.as_str()), Some("杭州"));

    // The manual override reads the same bytes as UTF-8: replacement characters, flagged.
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let read = ReadOptions {
        encoding: EncodingChoice::Utf8,
        ..ReadOptions::default()
    };
    let table = Table::open(gbk.into_owned(), &read).expect("table");
    assert!(matches!(
        table.format(),
        Format::Text { replaced: true, .. }
    ));
}

#[test]
fn utf8_with_bom_and_utf16_read_the_same() {
    let text = "姓名,邮箱\n王五,Wang@Example.com\n";
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    for (bytes, encoding) in [(bom, TextEncoding::Utf8Bom), (utf16, TextEncoding::Utf16Le)] {
        let table = Table::open(bytes.clone(), &ReadOptions::default()).expect("table");
        assert!(matches!(table.format(), Format::Text { encoding: e, .. } if *e == encoding));
        // The BOM does not stick to the first header name.
        assert_eq!(table.column_names(), ["姓名", "邮箱"]);
        let mut data = Dataset::default();
        let (s, _) = import_into(&mut data, &bytes, ImportKind::Customers, options());
        assert_eq!(counts(&s), (1, 0, 0));
        assert_eq!(data.customers[0].email.as_deref(), Some("wang@example.com"));
    }
}

#[test]
fn semicolon_and_tab_files() {
    let semi = "Order ID;Customer ID;Order Date;Amount\nA1;c1;27.10.2023;1.234,50\nA2;c2;28.10.2023;99,9\n";
    let tab = "订单号\t客户ID\t下单时间\t金额\nA1\tc1\t2023-10-27 10:00\t¥1,234.50\nA2\tc2\t2023-10-28 10:00\t99.90\n";
    for (text, delimiter) in [(semi, Delimiter::Semicolon), (tab, Delimiter::Tab)] {
        let table = Table::open(text.as_bytes().to_vec(), &ReadOptions::default()).expect("table");
        assert!(matches!(table.format(), Format::Text { delimiter: d, .. } if *d == delimiter));
        let mut data = Dataset::default();
        let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Orders, options());
        assert_eq!(counts(&s), (2, 0, 0), "{errors:?}");
        let amounts: Vec<i64> = data.orders.iter().map(|o| o.amount_cents).collect();
        assert_eq!(amounts, [123_450, 9_990]);
    }
}

#[test]
fn quoted_fields_with_newlines_keep_row_numbers() {
    let text = "客户编号,姓名,标签,手机\n\
                K1,\"张三\n(总部)\",\"VIP,\"\"老客\"\"\",13812345678\n\
                K2,李四,,not a phone\n";
    let mut data = Dataset::default();
    let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Customers, options());
    assert_eq!(counts(&s), (1, 0, 1));
    assert_eq!(data.customers[0].name, "张三\n(总部)");
    assert_eq!(data.customers[0].tags, ["VIP", "\"老客\""]);
    // The first data row spans lines 2–3, so 李四 is on line 4.
    assert_eq!(
        errors,
        [RowError {
            row: 4,
            column: "手机".into(),
            value: "not a phone".into(),
            reason: Reason::NotAPhone
        }]
    );
}

#[test]
fn ragged_rows_are_reported_not_fatal() {
    let text = "客户编号,姓名,城市\nK1,张三\nK2,李四,上海,多余\nK3,王五,北京\n";
    let plan = plan(text.as_bytes(), ImportKind::Customers);
    assert_eq!(plan.counts.ragged, 2);
    assert_eq!(plan.counts.ragged_examples, [2, 3]);
    let mut data = Dataset::default();
    let change = plan.changes(&data, NOW);
    assert_eq!(change.summary.as_ref().map(counts), Some((3, 0, 0)));
    change.apply_to(&mut data);
    assert_eq!(data.customers[0].city, None);
    assert_eq!(data.customers[1].city.map(|c| c.as_str()), Some("上海"));
}

#[test]
fn header_detection_both_ways_and_override() {
    let with = Table::open(
        b"name,phone\nAnna,13812345678\n".to_vec(),
        &ReadOptions::default(),
    )
    .expect("t");
    assert!(with.has_header() && with.header_detected());
    let without = Table::open(
        b"Anna,13812345678\nBob,13912345678\n".to_vec(),
        &ReadOptions::default(),
    )
    .expect("t");
    assert!(!without.has_header());
    assert_eq!(without.column_names(), ["col1", "col2"]);
    // Headerless customers: the phone column is recognised from its values.
    let mapping = without.guess_mapping(ImportKind::Customers);
    assert_eq!(mapping.get(Field::Phone), Some(1));

    // Overriding: the first row becomes data.
    let read = ReadOptions {
        has_header: Some(false),
        ..ReadOptions::default()
    };
    let mut m = Mapping::default();
    m.set(Field::Name, Some(0));
    let plan = read_file(
        b"name,phone\nAnna,1\n".to_vec(),
        &read,
        ImportKind::Customers,
        Some(m),
        options(),
    )
    .expect("plan");
    assert_eq!(plan.counts.rows, 2);
}

#[test]
fn mapping_guesses_and_shape_keys() {
    let zh = Table::open(
        "订单编号,会员ID,付款时间,实付金额(元),数量,单价,平台,省份\n"
            .as_bytes()
            .to_vec(),
        &ReadOptions::default(),
    )
    .expect("t");
    let m = zh.guess_mapping(ImportKind::Orders);
    let mapped: Vec<(&str, usize)> = m.columns.iter().map(|(f, c)| (f.name(), *c)).collect();
    assert_eq!(
        mapped,
        [
            ("order_id", 0),
            ("customer_id", 1),
            ("ordered_at", 2),
            ("amount", 3),
            ("quantity", 4),
            ("unit_price", 5),
            ("channel", 6),
            ("region", 7)
        ]
    );
    let en = Table::open(
        b"Customer Name,Mobile,E-mail,City,Tags,Owner\n".to_vec(),
        &ReadOptions::default(),
    )
    .expect("t");
    let m = en.guess_mapping(ImportKind::Customers);
    assert_eq!(
        [
            Field::Name,
            Field::Phone,
            Field::Email,
            Field::City,
            Field::Tags,
            Field::Owner
        ]
        .map(|f| m.get(f)),
        [Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)]
    );
    // Same shape, same key, whatever the spelling of the names; another kind, another key.
    let again = Table::open(
        b"customer_name,MOBILE,email,city,tags,owner\n".to_vec(),
        &ReadOptions::default(),
    )
    .expect("t");
    assert_eq!(
        en.shape_key(ImportKind::Customers),
        again.shape_key(ImportKind::Customers)
    );
    assert_ne!(
        en.shape_key(ImportKind::Customers),
        en.shape_key(ImportKind::Orders)
    );
}

#[test]
fn unmapped_required_fields_are_refused() {
    let table = Table::open(b"a,b\n1,2\n".to_vec(), &ReadOptions::default()).expect("t");
    let err = Importer::new(table, ImportKind::Events, Mapping::default(), options()).err();
    assert_eq!(
        err,
        Some(ImportError::Unmapped(vec![
            "customer_id",
            "event_type",
            "occurred_at"
        ]))
    );
}

// ---------------------------------------------------------------------------------------------
// Values through the importer

#[test]
fn every_date_form_in_an_order_file() {
    let forms = [
        ("2023-10-27 15:04:06", "2023-10-27 15:04:06"),
        ("2023-10-27T15:04:06", "2023-10-27 15:04:06"),
        ("2023/10/27", "2023-10-27 00:00:00"),
        ("2023/10/27 8:26", "2023-10-27 08:26:00"),
        ("10/27/2023 8:26", "2023-10-27 08:26:00"),
        ("27.10.2023", "2023-10-27 00:00:00"),
        ("2023年10月27日", "2023-10-27 00:00:00"),
        ("1698419046", "2023-10-27 15:04:06"),
        ("1698419046000", "2023-10-27 15:04:06"),
    ];
    let mut text = String::from("order_id,customer_id,ordered_at,amount\n");
    for (i, (form, _)) in forms.iter().enumerate() {
        text.push_str(&format!("O{i},c1,{form},1\n"));
    }
    let mut data = Dataset::default();
    let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Orders, options());
    assert_eq!(counts(&s), (forms.len(), 0, 0), "{errors:?}");
    for (i, (form, expected)) in forms.iter().enumerate() {
        let order = data
            .orders
            .iter()
            .find(|o| o.source_order_id == format!("O{i}"))
            .expect("order");
        assert_eq!(order.ordered_at, at_utc(expected), "{form}");
    }
}

#[test]
fn time_zone_applies_to_wall_clock_times_not_unix_times() {
    let text =
        "order_id,customer_id,ordered_at,amount\nA,c,2023-10-27 08:00:00,1\nB,c,1698393600,1\n";
    let mut data = Dataset::default();
    let china = ImportOptions::default();
    import_into(&mut data, text.as_bytes(), ImportKind::Orders, china);
    let by = |id: &str| {
        data.orders
            .iter()
            .find(|o| o.source_order_id == id)
            .map(|o| o.ordered_at)
    };
    // 08:00 in Beijing is midnight UTC; the Unix time is midnight UTC whatever the zone.
    assert_eq!(by("A"), Some(at_utc("2023-10-27 00:00:00")));
    assert_eq!(by("B"), Some(at_utc("2023-10-27 08:00:00")));
}

#[test]
fn day_month_order_is_decided_per_column_even_late_in_the_file() {
    // 03/04 reads as month/day until 27/10 proves the column day/month: the importer starts
    // over, and 03/04 becomes 3 April; 10/27 does not fit and is an error.
    let mut text = String::from("order_id,customer_id,ordered_at,amount\n");
    text.push_str("A,c,03/04/2023,1\n");
    for i in 0..50 {
        text.push_str(&format!("F{i},c,2023-01-01,1\n"));
    }
    text.push_str("B,c,27/10/2023,1\nC,c,10/27/2023,1\n");
    let table = Table::open(text.clone().into_bytes(), &ReadOptions::default()).expect("t");
    let mapping = table.guess_mapping(ImportKind::Orders);
    let mut importer =
        Importer::new(table, ImportKind::Orders, mapping, options()).expect("mapped");
    let mut last = 0.0;
    let mut went_back = false;
    while !importer.is_done() {
        let p = importer.step(7);
        went_back |= p.fraction < last;
        last = p.fraction;
    }
    assert!(went_back, "reading started over once");
    let plan = importer.finish();
    assert_eq!(plan.date_order, DateOrder::DayFirst);
    assert_eq!(plan.counts.rows, 53);
    assert_eq!(plan.counts.error_rows, 1);
    assert_eq!(plan.errors[0].reason, Reason::DateOrderConflict);
    let data = plan
        .changes(&Dataset::default(), NOW)
        .applied(&Dataset::default());
    let a = data
        .orders
        .iter()
        .find(|o| o.source_order_id == "A")
        .expect("A");
    assert_eq!(a.ordered_at, at_utc("2023-04-03 00:00:00"));

    // Fixed by the user: month first, and 27/10 is the error.
    let opts = ImportOptions {
        date_order: DateOrder::MonthFirst,
        ..options()
    };
    let plan = read_file(
        text.into_bytes(),
        &ReadOptions::default(),
        ImportKind::Orders,
        None,
        opts,
    )
    .expect("p");
    assert_eq!(plan.errors.iter().map(|e| e.row).collect::<Vec<_>>(), [53]);
}

#[test]
fn money_forms_in_amounts() {
    let rows = [
        ("¥1,234.50", 123_450),
        ("￥88", 8_800),
        ("$0.99", 99),
        ("1.2万", 1_200_000),
        ("1 234,50", 123_450),
        ("12元", 1_200),
    ];
    let mut text = String::from("订单号,客户ID,下单时间,金额\n");
    for (i, (amount, _)) in rows.iter().enumerate() {
        text.push_str(&format!("M{i},c1,2024-01-01,\"{amount}\"\n"));
    }
    let mut data = Dataset::default();
    let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Orders, options());
    assert_eq!(counts(&s), (rows.len(), 0, 0), "{errors:?}");
    for (i, (amount, cents)) in rows.iter().enumerate() {
        let o = data
            .orders
            .iter()
            .find(|o| o.source_order_id == format!("M{i}"))
            .expect("order");
        assert_eq!(
            (o.amount_cents, o.status),
            (*cents, OrderStatus::Paid),
            "{amount}"
        );
    }
    // Negative and bracketed amounts are refunds of the positive amount.
    let text = "订单号,客户ID,下单时间,金额\nR1,c1,2024-01-02,-3.5\nR2,c1,2024-01-02,(3.50)\nX,c1,2024-01-02,abc\n";
    let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Orders, options());
    assert_eq!((counts(&s), s.refunds), ((2, 0, 1), 2));
    assert_eq!(errors[0].reason, Reason::NotANumber);
    let r1 = data
        .orders
        .iter()
        .find(|o| o.source_order_id == "R1")
        .expect("R1");
    assert_eq!((r1.amount_cents, r1.status), (350, OrderStatus::Refunded));
}

#[test]
fn phones_and_ids_are_normalised() {
    let text =
        "客户编号,姓名,手机\n12923.0,甲,+86 138-1234-5678\n=\"00123\",乙,0086 139 1234 5678\n";
    let mut data = Dataset::default();
    import_into(&mut data, text.as_bytes(), ImportKind::Customers, options());
    let got: Vec<(Option<&str>, Option<&str>)> = data
        .customers
        .iter()
        .map(|c| (c.external_id.as_deref(), c.phone.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("12923"), Some("13812345678")),
            (Some("00123"), Some("13912345678"))
        ]
    );
    // Orders referring to `12923` find that customer, whichever way the id is written.
    let orders =
        "order_id,customer_id,ordered_at,amount\nA,12923,2024-01-01,1\nB,12923.0,2024-01-02,1\n";
    let (s, _) = import_into(&mut data, orders.as_bytes(), ImportKind::Orders, options());
    assert_eq!((s.customers_created, s.customers_merged), (0, 1));
    let id = data.customers[0].id;
    assert!(data.orders.iter().all(|o| o.customer_id == id));
}

// ---------------------------------------------------------------------------------------------
// Orders, events, customers

#[test]
fn line_items_make_one_order_and_c_invoices_are_refunds() {
    let text = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n\
                536365,A,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n\
                536365,B,8,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n\
                536365,C,2,2010-12-01 08:28:00,0.333,17850.0,United Kingdom\n\
                C536379,D,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom\n\
                536400,E,3,2010-12-01 10:00:00,1.00,,United Kingdom\n\
                536401,F,1,2010-12-01 10:00:00,1.00,14527.0,France\n\
                536401,G,1,2010-12-01 10:00:00,1.00,17850.0,France\n";
    let mut data = Dataset::default();
    let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Orders, options());
    assert_eq!(counts(&s), (5, 1, 1));
    assert_eq!(
        (
            s.missing_customer_rows,
            s.orders_created,
            s.refunds,
            s.customers_created
        ),
        (1, 3, 1, 2)
    );
    assert_eq!(
        errors[0].reason,
        Reason::OrderCustomerConflict {
            order: "536401".into(),
            customer: "14527".into()
        }
    );
    let o = data
        .orders
        .iter()
        .find(|o| o.source_order_id == "536365")
        .expect("order");
    // 6 × 2.55 + 8 × 3.39 + 2 × 0.333 = 15.30 + 27.12 + 0.666 = 43.086 → 43.09, exactly once.
    assert_eq!(
        (o.amount_cents, o.item_count, o.status),
        (4_309, 16, OrderStatus::Paid)
    );
    assert_eq!(
        o.ordered_at,
        at_utc("2010-12-01 08:26:00"),
        "the earliest line's time"
    );
    assert_eq!(o.channel.as_str(), "import");
    let c = data
        .orders
        .iter()
        .find(|o| o.source_order_id == "C536379")
        .expect("refund");
    assert_eq!(
        (c.amount_cents, c.item_count, c.status),
        (2_750, 1, OrderStatus::Refunded)
    );
    // The created customers are named by their id, with the country as their province.
    let customer = data
        .customers
        .iter()
        .find(|c| c.external_id.as_deref() == Some("14527"))
        .expect("customer");
    assert_eq!(customer.name, "14527");
    assert_eq!(
        customer.province.map(|p| p.as_str()),
        Some("United Kingdom")
    );
    assert_eq!(customer.created_at, at_utc("2010-12-01 09:41:00"));
    assert_eq!(customer.updated_at, NOW);
    // Metrics see the refund as money given back.
    let m = metrics::compute(&data, &metrics::AnalyticsSettings::default());
    let i = data
        .customers
        .iter()
        .position(|c| c.id == customer.id)
        .expect("pos");
    assert_eq!(m.customers.at(i).total_spent, 100 - 2_750);
}

#[test]
fn channels_are_mapped_to_codes() {
    let text = "订单号,客户ID,下单时间,金额,渠道\nA,c,2024-01-01,1,天猫\nB,c,2024-01-01,1,京东\nC,c,2024-01-01,1,抖音\nD,c,2024-01-01,1,微信小程序\nE,c,2024-01-01,1,Shopee\n";
    let mut data = Dataset::default();
    import_into(&mut data, text.as_bytes(), ImportKind::Orders, options());
    let mut channels: Vec<&str> = data.orders.iter().map(|o| o.channel.as_str()).collect();
    channels.sort_unstable();
    assert_eq!(channels, ["Shopee", "douyin", "jd", "tmall", "wechat"]);
}

#[test]
fn events_map_behaviour_words_and_dedupe() {
    let text = "1,11,21,pv,1511544070\n1,11,21,pv,1511544070\n1,12,21,cart,1511544080\n2,13,22,buy,1511544090\n,14,22,fav,1511544099\n2,13,22,,1511544100\n";
    let mut data = Dataset::default();
    let (s, errors) = import_into(&mut data, text.as_bytes(), ImportKind::Events, options());
    assert_eq!(counts(&s), (4, 1, 1));
    assert_eq!(
        (s.events_created, s.events_existing, s.customers_created),
        (3, 1, 2)
    );
    assert_eq!(errors[0].reason, Reason::Missing);
    assert_eq!(errors[0].column, "col4");
    // In time order (the log holds them by customer).
    let mut events = data.events.to_vec();
    events.sort_by_key(|e| e.occurred_at);
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["view", "add_to_cart", "pay"]);
    assert_eq!(
        events
            .first()
            .expect("an event")
            .props
            .item
            .map(|s| s.as_str()),
        Some("11")
    );
    assert_eq!(
        events
            .first()
            .expect("an event")
            .props
            .category
            .map(|s| s.as_str()),
        Some("21")
    );
}

fn customer(
    n: u8,
    name: &str,
    ext: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
) -> Customer {
    let mut c = Customer::new(uuid::Uuid::from_bytes([n; 16]), name, Timestamp(1));
    c.external_id = ext.map(str::to_string);
    c.phone = phone.map(str::to_string);
    c.email = email.map(str::to_string);
    c.city = Some(Sym::new("杭州"));
    c.tags = vec!["老客".into()];
    c
}

fn existing() -> Dataset {
    Dataset {
        customers: vec![
            customer(1, "张三", Some("K1"), None, None),
            customer(2, "李四", None, Some("13812345678"), None),
            customer(3, "王五", None, None, Some("wang@example.com")),
        ],
        ..Dataset::default()
    }
}

const UPDATES: &str = "客户编号,姓名,手机,邮箱,城市,标签\n\
                       K1,张三丰,,,北京,VIP\n\
                       ,李四光,138-1234-5678,,上海,\n\
                       ,王五一,,WANG@example.com,,新客\n\
                       K9,赵六,13900000000,,,\n";

#[test]
fn customers_merge_by_external_id_phone_and_email_keeping_fields() {
    let mut data = existing();
    let (s, _) = import_into(
        &mut data,
        UPDATES.as_bytes(),
        ImportKind::Customers,
        options(),
    );
    // 李四's row brings nothing new when keeping (name and city are set already).
    assert_eq!(
        (s.customers_created, s.customers_merged, s.customers_updated),
        (1, 3, 2)
    );
    assert_eq!(data.customers.len(), 4);
    let c = &data.customers;
    // Kept: names and cities stay; tags are added; empty fields are filled.
    assert_eq!(
        (c[0].name.as_str(), c[0].city.map(|x| x.as_str())),
        ("张三", Some("杭州"))
    );
    assert_eq!(c[0].tags, ["老客", "VIP"]);
    assert_eq!(c[1].name, "李四");
    assert_eq!(c[2].tags, ["老客", "新客"]);
    assert_eq!(c[3].name, "赵六");
    let stamps: Vec<Timestamp> = c.iter().map(|c| c.updated_at).collect();
    assert_eq!(stamps, [NOW, Timestamp(1), NOW, NOW]);
    // The same file again changes nothing.
    let before = data.clone();
    let (s, _) = import_into(
        &mut data,
        UPDATES.as_bytes(),
        ImportKind::Customers,
        options(),
    );
    assert_eq!(
        (s.customers_created, s.customers_merged, s.customers_updated),
        (0, 4, 0)
    );
    assert_eq!(data, before);
}

#[test]
fn customers_merge_overwriting_fields() {
    let mut data = existing();
    let opts = ImportOptions {
        policy: MergePolicy::Overwrite,
        ..options()
    };
    let (s, _) = import_into(
        &mut data,
        UPDATES.as_bytes(),
        ImportKind::Customers,
        opts.clone(),
    );
    assert_eq!((s.customers_created, s.customers_updated), (1, 3));
    let c = &data.customers;
    assert_eq!(
        (c[0].name.as_str(), c[0].city.map(|x| x.as_str())),
        ("张三丰", Some("北京"))
    );
    assert_eq!(c[0].tags, ["VIP"]);
    assert_eq!(
        (c[1].name.as_str(), c[1].city.map(|x| x.as_str())),
        ("李四光", Some("上海"))
    );
    // An empty cell never erases: 李四's tags stay.
    assert_eq!(c[1].tags, ["老客"]);
    assert_eq!(c[2].name, "王五一");
    let before = data.clone();
    import_into(&mut data, UPDATES.as_bytes(), ImportKind::Customers, opts);
    assert_eq!(data, before, "nothing left to overwrite");
}

#[test]
fn customers_created_by_orders_get_their_names_from_a_customer_file_later() {
    let mut data = Dataset::default();
    import_into(
        &mut data,
        b"order_id,customer_id,ordered_at,amount\nA,K7,2024-01-01,5\n",
        ImportKind::Orders,
        options(),
    );
    assert_eq!(data.customers[0].name, "K7");
    let (s, _) = import_into(
        &mut data,
        "客户编号,姓名\nK7,钱七\n".as_bytes(),
        ImportKind::Customers,
        options(),
    );
    assert_eq!((s.customers_created, s.customers_updated), (0, 1));
    assert_eq!(
        data.customers[0].name, "钱七",
        "the placeholder name is filled even when keeping"
    );
}

#[test]
fn name_only_customers_are_found_again() {
    let text = "姓名,城市\n孙八,杭州\n";
    let mut data = Dataset::default();
    import_into(&mut data, text.as_bytes(), ImportKind::Customers, options());
    let (s, _) = import_into(&mut data, text.as_bytes(), ImportKind::Customers, options());
    assert_eq!(
        (
            s.customers_created,
            s.customers_merged,
            data.customers.len()
        ),
        (0, 1, 1)
    );
}

#[test]
fn reimporting_orders_and_events_adds_nothing_and_overwrite_updates() {
    let orders = "order_id,customer_id,ordered_at,amount\nA,c1,2024-01-01,10\nB,c2,2024-01-02,20\n";
    let mut data = Dataset::default();
    import_into(&mut data, orders.as_bytes(), ImportKind::Orders, options());
    let before = data.clone();
    let (s, _) = import_into(&mut data, orders.as_bytes(), ImportKind::Orders, options());
    assert_eq!(
        (s.orders_created, s.orders_unchanged, s.customers_created),
        (0, 2, 0)
    );
    assert_eq!(data, before);
    // A corrected amount: kept by default, taken with overwrite.
    let corrected = orders.replace(",10\n", ",11\n");
    let (s, _) = import_into(
        &mut data,
        corrected.as_bytes(),
        ImportKind::Orders,
        options(),
    );
    assert_eq!((s.orders_updated, s.orders_unchanged), (0, 2));
    let opts = ImportOptions {
        policy: MergePolicy::Overwrite,
        ..options()
    };
    let (s, _) = import_into(&mut data, corrected.as_bytes(), ImportKind::Orders, opts);
    assert_eq!((s.orders_updated, s.orders_unchanged), (1, 1));
    assert_eq!(data.orders.len(), 2);
    let a = data
        .orders
        .iter()
        .find(|o| o.source_order_id == "A")
        .expect("A");
    assert_eq!(
        (a.amount_cents, a.updated_at, a.id),
        (1_100, NOW, import_id("order", "A"))
    );

    let events = "user,behaviour,time\nc1,pv,2024-01-01 10:00\nc3,buy,2024-01-01 11:00\n";
    import_into(&mut data, events.as_bytes(), ImportKind::Events, options());
    let before = data.clone();
    let (s, _) = import_into(&mut data, events.as_bytes(), ImportKind::Events, options());
    assert_eq!(
        (s.events_created, s.events_existing, s.customers_created),
        (0, 2, 0)
    );
    assert_eq!(data, before);
}

#[test]
fn orders_link_to_existing_customers_by_external_id() {
    let mut data = existing();
    let (s, _) = import_into(
        &mut data,
        b"order_id,customer_id,ordered_at,amount\nA,K1,2024-01-01,10\nB,K2,2024-01-01,10\n",
        ImportKind::Orders,
        options(),
    );
    assert_eq!(
        (
            s.customers_merged,
            s.customers_created,
            s.unknown_customer_rows
        ),
        (1, 1, 1)
    );
    assert_eq!(
        data.orders
            .iter()
            .filter(|o| o.customer_id == data.customers[0].id)
            .count(),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// Atomicity, chunking, reports, exports

#[test]
fn a_failed_save_or_a_cancel_leaves_the_data_as_it_was() {
    let mut data = existing();
    let before = data.clone();
    let text = format!(
        "order_id,customer_id,ordered_at,amount\n{}",
        "A,K1,2024-01-01,10\nB,K2,2024-01-01,10\n".repeat(200)
    );

    // Cancelled half-way: the importer is dropped, the data never reached.
    let table = Table::open(text.clone().into_bytes(), &ReadOptions::default()).expect("t");
    let mapping = table.guess_mapping(ImportKind::Orders);
    let mut importer = Importer::new(table, ImportKind::Orders, mapping, options()).expect("m");
    importer.step(100);
    assert!(!importer.is_done());
    drop(importer);
    assert_eq!(data, before);

    // Storage refuses the result (quota): the page keeps what it had.
    let plan = read_file(
        text.into_bytes(),
        &ReadOptions::default(),
        ImportKind::Orders,
        None,
        options(),
    )
    .expect("p");
    let change = plan.changes(&data, NOW);
    assert!(!change.is_empty());
    let sections = change.sections();
    let mut candidate = change.applied(&data);
    assert_eq!(data, before, "applied() works on a copy");
    let mut repo = Repository::new(MemoryStore::with_quota(64), "tab");
    let saved = repo.save(&mut candidate, &sections, NOW);
    assert!(saved.is_err());
    if saved.is_ok() {
        data = candidate;
    }
    assert_eq!(data, before);
    assert!(repo.store().map.is_empty(), "nothing half-written either");
}

#[test]
fn chunked_reading_gives_the_same_plan_as_one_go() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/real/online_retail_sample.csv"
    ))
    .expect("sample");
    let whole = read_file(
        text.clone(),
        &ReadOptions::default(),
        ImportKind::Orders,
        None,
        options(),
    )
    .expect("p");
    let table = Table::open(text, &ReadOptions::default()).expect("t");
    let mapping = table.guess_mapping(ImportKind::Orders);
    let mut importer = Importer::new(table, ImportKind::Orders, mapping, options()).expect("m");
    let mut steps = 0;
    let mut last = 0.0;
    loop {
        let p = importer.step(997);
        assert!(p.fraction >= last && p.fraction <= 1.0);
        last = p.fraction;
        steps += 1;
        if p.done {
            break;
        }
    }
    assert!(steps > 30);
    let chunked = importer.finish();
    let d = Dataset::default();
    assert_eq!(chunked.changes(&d, NOW), whole.changes(&d, NOW));
}

/// The app's words for the reasons this file meets (src/i18n/codes.rs, `import_reason`, tested
/// there): the report writes what it is given.
fn reason_zh(r: &Reason) -> String {
    match r {
        Reason::NotATime => "无法识别的日期时间",
        Reason::NotANumber => "不是数字或金额",
        _ => "?",
    }
    .to_string()
}

fn reason_en(r: &Reason) -> String {
    match r {
        Reason::NotATime => "not a date or time",
        Reason::NotANumber => "not a number or amount",
        _ => "?",
    }
    .to_string()
}

#[test]
fn the_error_report_is_a_csv_with_row_column_and_reason() {
    let text = "订单号,客户ID,下单时间,金额\nA,c,someday,=1+1\n";
    let plan = plan(text.as_bytes(), ImportKind::Orders);
    let csv = errors_csv(&plan.errors, ["行号", "列", "值", "原因"], &reason_zh);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "行号,列,值,原因",
            "2,下单时间,someday,无法识别的日期时间",
            "2,金额,'=1+1,不是数字或金额"
        ]
    );
    let en = errors_csv(
        &plan.errors,
        ["row", "column", "value", "reason"],
        &reason_en,
    );
    assert!(en.contains("2,下单时间,someday,not a date or time"));
}

#[test]
fn preview_shows_values_as_they_will_be_imported() {
    let text = "订单号,客户ID,下单时间,实付金额,渠道\nA1,12923.0,2023/10/27 8:26,\"¥1,234.5\",天猫\nA2,c,tomorrow,x,京东\n";
    let table = Table::open(text.as_bytes().to_vec(), &ReadOptions::default()).expect("t");
    let mapping = table.guess_mapping(ImportKind::Orders);
    let rows = table.preview(
        ImportKind::Orders,
        &mapping,
        &ImportOptions::default(),
        false,
        10,
    );
    let shown: Vec<Result<String, Reason>> =
        rows[0].cells.iter().map(|c| c.value.clone()).collect();
    assert_eq!(
        shown,
        [
            Ok("A1".to_string()),
            Ok("12923".to_string()),
            Ok("2023-10-27 08:26:00 (UTC+08:00)".to_string()),
            Ok("1234.50".to_string()),
            Ok("tmall".to_string())
        ]
    );
    assert_eq!(rows[1].row, 3);
    assert_eq!(rows[1].cells[2].value, Err(Reason::NotATime));
    assert_eq!(rows[1].cells[3].value, Err(Reason::NotANumber));
}

#[test]
fn workbook_sheets_are_read_with_numbers_and_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("说明").expect("name");
    notes.write_string(0, 0, "导出说明").expect("write");
    let sheet = book.add_worksheet();
    sheet.set_name("订单").expect("name");
    let date = XFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, h) in ["订单号", "客户ID", "下单时间", "数量", "单价"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    let when = ExcelDateTime::parse_from_str("2023-10-27 15:04:06").expect("date");
    sheet.write_number(1, 0, 536365.0).expect("id");
    sheet.write_number(1, 1, 12923.0).expect("customer");
    sheet
        .write_datetime_with_format(1, 2, &when, &date)
        .expect("time");
    sheet.write_number(1, 3, 3.0).expect("qty");
    sheet.write_number(1, 4, 4.15).expect("price");
    let bytes = book.save_to_buffer().expect("xlsx");

    let table = Table::open(bytes.clone(), &ReadOptions::default()).expect("t");
    assert_eq!(table.sheet_names(), ["说明", "订单"]);
    assert!(matches!(table.format(), Format::Workbook { sheet } if sheet == "说明"));
    let read = ReadOptions {
        sheet: Some("订单".into()),
        ..ReadOptions::default()
    };
    let mut table = Table::open(bytes.clone(), &read).expect("t");
    assert_eq!(
        table.sample()[1].cells,
        ["536365", "12923", "2023-10-27 15:04:06", "3", "4.15"]
    );
    let mut data = Dataset::default();
    let mapping = table.guess_mapping(ImportKind::Orders);
    let plan = Importer::new(table, ImportKind::Orders, mapping, options())
        .expect("m")
        .finish();
    plan.changes(&data, NOW).apply_to(&mut data);
    let o = &data.orders[0];
    assert_eq!(
        (o.source_order_id.as_str(), o.amount_cents, o.ordered_at),
        ("536365", 1_245, at_utc("2023-10-27 15:04:06"))
    );
    assert_eq!(data.customers[0].external_id.as_deref(), Some("12923"));

    // Choosing a sheet on an opened table; an unknown sheet is an error.
    table = Table::open(bytes, &ReadOptions::default()).expect("t");
    table.select_sheet("订单").expect("sheet");
    assert_eq!(table.column_names()[0], "订单号");
    assert_eq!(
        table.select_sheet("nope"),
        Err(ImportError::NoSuchSheet("nope".into()))
    );
}

#[test]
fn exported_orders_and_events_import_back_without_duplicates() {
    let mut data = demo::generate(&demo::DemoConfig::new(
        60,
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("d"),
    ));
    data.normalize();
    let offset = time::china_offset();
    // Demo customers have no external ids: give them some, so that the files refer to them.
    for (i, c) in data.customers.iter_mut().enumerate() {
        c.external_id = Some(format!("D{i}"));
    }
    let orders = orders_csv(&data, None, offset);
    assert!(orders.starts_with(
        "\u{feff}order_id,customer_id,customer_name,ordered_at,amount,quantity,channel,status\n"
    ));
    let events = events_csv(&data, offset);
    assert!(events.starts_with(
        "\u{feff}customer_id,customer_name,event_type,occurred_at,item,category,channel\n"
    ));
    let before = data.clone();
    let opts = ImportOptions::default();
    let (s, errors) = import_into(
        &mut data,
        orders.as_bytes(),
        ImportKind::Orders,
        opts.clone(),
    );
    assert_eq!(
        (s.errors, s.orders_created, s.customers_created),
        (0, 0, 0),
        "{errors:?}"
    );
    assert_eq!(s.orders_unchanged, before.orders.len());
    let (s, _) = import_into(&mut data, events.as_bytes(), ImportKind::Events, opts);
    assert_eq!((s.errors, s.events_created, s.customers_created), (0, 0, 0));
    assert_eq!(data, before);
    // A subset of rows.
    let two = orders_csv(&data, Some(&[1, 0]), offset);
    assert_eq!(two.lines().count(), 3);
}

// ---------------------------------------------------------------------------------------------
// The real samples

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/../../data/real/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Cents of a price with at most two decimals, written as in the sample (`4.15`, `0.5`, `3`).
fn cents(price: &str) -> i64 {
    let (whole, frac) = price.split_once('.').unwrap_or((price, ""));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().expect("whole") * 100 + frac[..2].parse::<i64>().expect("fraction")
}

#[test]
fn online_retail_sample_as_orders() {
    let bytes = sample("online_retail_sample.csv");
    // An independent scan: the csv crate with headers, plain string handling.
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let (mut lines, mut without_customer, mut net) = (0usize, 0usize, 0i64);
    let mut invoices = std::collections::HashSet::new();
    let mut customers = std::collections::HashSet::new();
    for record in reader.records() {
        let r = record.expect("record");
        lines += 1;
        let customer = r[6].trim();
        if customer.is_empty() {
            without_customer += 1;
            continue;
        }
        invoices.insert(r[0].to_string());
        customers.insert(customer.trim_end_matches(".0").to_string());
        net += r[3].parse::<i64>().expect("quantity") * cents(&r[5]);
    }
    let cancelled = invoices.iter().filter(|i| i.starts_with('C')).count();
    // What the scan finds, stated: 30,000 lines, 2,000 without customer, 11,727 invoices of
    // which 519 cancellations, 3,569 customers.
    assert_eq!(
        (
            lines,
            without_customer,
            invoices.len(),
            cancelled,
            customers.len()
        ),
        (30_000, 2_000, 11_727, 519, 3_569)
    );

    let mut data = Dataset::default();
    let (s, errors) = import_into(
        &mut data,
        &bytes,
        ImportKind::Orders,
        ImportOptions::default(),
    );
    assert!(errors.is_empty(), "{:?}", &errors[..errors.len().min(5)]);
    assert_eq!(counts(&s), (lines - without_customer, without_customer, 0));
    assert_eq!(s.headline(), "imported=28000 skipped=2000 errors=0");
    assert_eq!(
        (s.orders_created, s.refunds, s.customers_created),
        (invoices.len(), cancelled, customers.len())
    );
    assert_eq!(s.unknown_customer_rows, lines - without_customer);
    let refunds = data
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Refunded)
        .count();
    assert_eq!(refunds, cancelled);
    let paid: i64 = data
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Paid)
        .map(|o| o.amount_cents)
        .sum();
    let refunded: i64 = data
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Refunded)
        .map(|o| o.amount_cents)
        .sum();
    assert_eq!(
        paid - refunded,
        net,
        "Σ quantity × unit price, exact to the cent"
    );
    // The first line: invoice 569901, 2011-10-06 16:20 at China time (the default zone).
    let first = data
        .orders
        .iter()
        .find(|o| o.source_order_id == "569901")
        .expect("569901");
    assert_eq!(first.ordered_at, at_utc("2011-10-06 08:20:00"));

    // Again: nothing added.
    let before = data.clone();
    let (s, _) = import_into(
        &mut data,
        &bytes,
        ImportKind::Orders,
        ImportOptions::default(),
    );
    assert_eq!(
        (s.orders_created, s.customers_created, s.orders_unchanged),
        (0, 0, invoices.len())
    );
    assert_eq!(data, before);
}

#[test]
fn taobao_sample_as_events() {
    let bytes = sample("taobao_user_behavior_sample.csv");
    let table = Table::open(bytes.clone(), &ReadOptions::default()).expect("t");
    assert!(!table.has_header());
    let mapping = table.guess_mapping(ImportKind::Events);
    assert_eq!(
        [
            Field::CustomerId,
            Field::Item,
            Field::Category,
            Field::EventType,
            Field::OccurredAt
        ]
        .map(|f| mapping.get(f)),
        [Some(0), Some(1), Some(2), Some(3), Some(4)]
    );
    // Independent scan: distinct users and distinct (user, behaviour, time).
    let text = String::from_utf8(bytes.clone()).expect("utf8");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let users: std::collections::HashSet<&str> = rows.iter().map(|r| r[0]).collect();
    let keys: std::collections::HashSet<(&str, &str, &str)> =
        rows.iter().map(|r| (r[0], r[3], r[4])).collect();
    assert_eq!((rows.len(), users.len(), keys.len()), (4_321, 43, 4_314));

    let mut data = Dataset::default();
    let (s, errors) = import_into(
        &mut data,
        &bytes,
        ImportKind::Events,
        ImportOptions::default(),
    );
    assert!(errors.is_empty());
    assert_eq!(s.headline(), "imported=4321 skipped=0 errors=0");
    assert_eq!(
        (s.customers_created, s.events_created, s.events_existing),
        (43, 4_314, 7)
    );
    let first = data
        .events
        .iter()
        .find(|e| e.occurred_at == Timestamp(1_511_544_070_000))
        .expect("first row");
    assert_eq!(first.kind.as_str(), "view");
    let kinds: std::collections::BTreeSet<&str> =
        data.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["add_to_cart", "fav", "pay", "view"]
    );
    let before = data.clone();
    let (s, _) = import_into(
        &mut data,
        &bytes,
        ImportKind::Events,
        ImportOptions::default(),
    );
    assert_eq!(
        (s.customers_created, s.events_created, s.events_existing),
        (0, 0, 4_321)
    );
    assert_eq!(data, before);
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes: opening, guessing, previewing and importing never panic, and the counts add up.
    #[test]
    fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..600), kind in 0usize..3, magic in 0usize..4) {
        let kind = ImportKind::ALL[kind];
        // Also through the workbook readers and the byte-order-mark paths.
        let prefix: &[u8] = [&b""[..], b"PK\x03\x04", b"\xD0\xCF\x11\xE0", b"\xFF\xFE"][magic];
        bytes.splice(0..0, prefix.iter().copied());
        if let Ok(table) = Table::open(bytes, &ReadOptions::default()) {
            let mapping = table.guess_mapping(kind);
            let _ = table.preview(kind, &mapping, &options(), true, 5);
            let _ = table.shape_key(kind);
            if let Ok(importer) = Importer::new(table, kind, mapping, options()) {
                let plan = importer.finish();
                let c = &plan.counts;
                prop_assert_eq!(c.imported() + c.skipped() + c.error_rows, c.rows);
                let change = plan.changes(&existing(), NOW);
                let _ = change.applied(&existing());
                let _ = errors_csv(&plan.errors, ["row", "column", "value", "reason"], &reason_en);
            }
        }
    }

    /// The value parsers on any text, and on text made of the characters they look for.
    #[test]
    fn value_parsers_never_panic(a in "\\PC{0,40}", b in "[0-9.,:/ 年月日时分秒TZ+\\-eE()¥万亿AMP'=\"]{0,30}") {
        use kezhi_core::import::values;
        for s in [a.as_str(), b.as_str()] {
            for order in [DateOrder::Auto, DateOrder::MonthFirst, DateOrder::DayFirst] {
                if let Ok(t) = values::scan_time(s) {
                    let _ = t.resolve(order, time::china_offset());
                    let _ = t.describe(order, utc(), true);
                }
            }
            let _ = values::parse_money(s);
            let _ = values::parse_decimal(s).map(values::micros_to_cents);
            let _ = values::normalize_phone(s);
            let _ = values::normalize_email(s);
            let _ = values::normalize_id(s);
            let _ = values::tags(s);
            let _ = values::channel_code(s);
            let _ = values::event_kind(s);
            let _ = kezhi_core::import::mapping::normalize_header(s);
        }
    }

    /// Arbitrary cells in every column of every kind never panic either.
    #[test]
    fn arbitrary_cells_never_panic(rows in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..10), 1..20), kind in 0usize..3) {
        let kind = ImportKind::ALL[kind];
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in &rows {
            let _ = w.write_record(r);
        }
        let bytes = w.into_inner().unwrap_or_default();
        let mut mapping = Mapping::default();
        for (i, f) in kind.fields().iter().chain(kind.extra_fields()).enumerate() {
            mapping.set(*f, Some(i % 10));
        }
        let read = ReadOptions { has_header: Some(false), ..ReadOptions::default() };
        if let Ok(plan) = read_file(bytes, &read, kind, Some(mapping), options()) {
            let change = plan.changes(&Dataset::default(), NOW);
            let s = change.summary.clone().expect("summary");
            prop_assert_eq!(s.imported + s.skipped + s.errors, s.rows);
            change.apply_to(&mut Dataset::default());
        }
    }

    /// Rows with random good and bad values: every valid row is in, no invalid one is, and a
    /// cancel at any point changes nothing.
    #[test]
    fn all_valid_rows_or_nothing(
        rows in proptest::collection::vec((0u8..6, 0u8..4, prop_oneof![Just("2024-01-02 03:04:05"), Just("bad"), Just("")], prop_oneof![Just("12.5"), Just("x"), Just("-1")]), 1..40),
        cancel_after in 0usize..50,
    ) {
        let mut text = String::from("order_id,customer_id,ordered_at,amount\n");
        let mut valid_orders = std::collections::BTreeMap::new();
        let mut bad_rows = 0;
        for (order, customer, at, amount) in &rows {
            let customer = if *customer == 0 { String::new() } else { format!("c{customer}") };
            text.push_str(&format!("O{order},{customer},{at},{amount}\n"));
            if customer.is_empty() {
                continue;
            }
            if at.is_empty() || *at == "bad" || *amount == "x" {
                bad_rows += 1;
                continue;
            }
            // A line for an order that already has another customer is rejected.
            match valid_orders.get(order) {
                Some(c) if *c != customer => bad_rows += 1,
                _ => { valid_orders.insert(*order, customer); }
            }
        }
        let base = existing();
        // Cancelled: the importer is dropped after some rows.
        let table = Table::open(text.clone().into_bytes(), &ReadOptions::default()).expect("t");
        let mapping = table.guess_mapping(ImportKind::Orders);
        let mut importer = Importer::new(table, ImportKind::Orders, mapping, options()).expect("m");
        importer.step(cancel_after);
        drop(importer);
        // Committed: every valid order, nothing else.
        let plan = read_file(text.into_bytes(), &ReadOptions::default(), ImportKind::Orders, None, options()).expect("p");
        prop_assert_eq!(plan.counts.error_rows, bad_rows);
        let data = plan.changes(&base, NOW).applied(&base);
        prop_assert_eq!(data.orders.len(), valid_orders.len());
        prop_assert_eq!(&data.customers[..3], &base.customers[..]);
    }
}

#[test]
fn a_customer_typed_in_the_form_is_found_by_an_import_of_the_same_number_written_otherwise() {
    // Typed into the form as an account manager writes it from a business card; the same
    // landline and mobile arrive from Excel the way Chinese spreadsheets write them.
    let mut data = Dataset::default();
    for (i, (name, typed)) in [
        ("杭州分行", "+86 571 8888 6666"),
        ("王经理", "+86 139-0000-2222"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = Customer::new(uuid::Uuid::from_u128(i as u128 + 1), name, NOW);
        c.phone = validate::phone(typed).expect("the form takes it");
        data.customers.push(c);
    }
    let csv = "姓名,手机\n杭州分行营业部,(0571) 8888-6666\n王经理,13900002222.0\n";
    let (summary, errors) =
        import_into(&mut data, csv.as_bytes(), ImportKind::Customers, options());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        (summary.customers_created, summary.customers_updated),
        (0, 0),
        "both rows found their customer (nothing to fill in)"
    );
    assert_eq!(data.customers.len(), 2);
    assert_eq!(data.customers[0].phone.as_deref(), Some("057188886666"));
    assert_eq!(data.customers[1].phone.as_deref(), Some("13900002222"));
}
