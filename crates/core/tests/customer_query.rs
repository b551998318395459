//! Search (including pinyin), filters and sort of the customer list, on hand-made fixtures.

use kezhi_core::customer_query::{
    CustomerIndex, CustomerQuery, Filters, SortKey, pinyin_syllables,
};
use kezhi_core::*;
use proptest::prelude::*;
use uuid::Uuid;

fn customer(n: u8, name: &str) -> Customer {
    Customer::new(Uuid::from_bytes([n; 16]), name, Timestamp(i64::from(n)))
}

fn order(customer: Uuid, n: u8, cents: i64, at: i64) -> Order {
    Order {
        id: Uuid::from_bytes([100 + n; 16]),
        customer_id: customer,
        source_order_id: format!("O{n}"),
        ordered_at: Timestamp(at),
        amount_cents: cents,
        item_count: 1,
        channel: "tmall".into(),
        status: OrderStatus::Paid,
        updated_at: Timestamp(at),
    }
}

fn fixture() -> Dataset {
    let mut zhang = customer(1, "张三");
    zhang.phone = Some("13812345678".into());
    zhang.channel = Some("tmall".into());
    zhang.city = Some("深圳".into());
    zhang.tags = vec!["高价值".into()];
    let mut li = customer(2, "李四");
    li.email = Some("li.si@Example.com".into());
    li.channel = Some("jd".into());
    li.city = Some("深圳".into());
    let mut zeng = customer(3, "曾志强");
    zeng.channel = Some("tmall".into());
    zeng.city = Some("广州".into());
    zeng.owner = Some("王丽娜".into());
    let mut wang = customer(4, "Wang Wu");
    wang.external_id = Some("C0000042".into());
    let mut feng = customer(5, "张三丰");
    feng.channel = Some("tmall".into());
    feng.city = Some("深圳".into());
    feng.tags = vec!["高价值".into(), "母婴".into()];
    let orders = vec![
        order(zhang.id, 1, 50_000, 10),
        order(li.id, 2, 50_000, 30),
        order(zeng.id, 3, 900_000, 20),
        order(zeng.id, 4, 100, 25),
    ];
    Dataset {
        customers: vec![zhang, li, zeng, wang, feng],
        orders,
        ..Dataset::default()
    }
}

fn names(data: &Dataset, rows: &[usize]) -> Vec<String> {
    rows.iter()
        .map(|&i| data.customers[i].name.clone())
        .collect()
}

fn search(data: &Dataset, text: &str) -> Vec<String> {
    let index = CustomerIndex::build(
        data,
        &kezhi_core::metrics::compute(data, &Default::default()),
    );
    let q = CustomerQuery {
        text: text.into(),
        ..CustomerQuery::default()
    };
    names(data, &index.query(data, &q))
}

#[test]
fn pinyin_of_names_uses_surname_readings_and_v_for_u_umlaut() {
    assert_eq!(pinyin_syllables("张三"), ["zhang", "san"]);
    assert_eq!(pinyin_syllables("曾志强"), ["zeng", "zhi", "qiang"]);
    assert_eq!(pinyin_syllables("单雪"), ["shan", "xue"]);
    assert_eq!(pinyin_syllables("吕布"), ["lv", "bu"]);
}

#[test]
fn search_by_text_phone_email_ids_and_pinyin() {
    let d = fixture();
    assert_eq!(search(&d, "zs"), ["张三", "张三丰"]);
    assert_eq!(search(&d, "zhangsan"), ["张三", "张三丰"]);
    assert_eq!(search(&d, "Zhang San"), ["张三", "张三丰"]);
    assert_eq!(search(&d, "zsf"), ["张三丰"]);
    assert_eq!(search(&d, "zeng"), ["曾志强"]);
    assert_eq!(search(&d, "张三"), ["张三", "张三丰"]);
    assert_eq!(search(&d, "1234"), ["张三"]);
    assert_eq!(search(&d, "EXAMPLE"), ["李四"]);
    assert_eq!(search(&d, "wang wu"), ["Wang Wu"]);
    assert_eq!(search(&d, "c000004"), ["Wang Wu"]);
    assert_eq!(search(&d, "05050505"), ["张三丰"]);
    assert_eq!(search(&d, "  ").len(), 5);
    assert!(search(&d, "xyz").is_empty());
}

#[test]
fn filters_combine_with_each_other_and_with_search() {
    let d = fixture();
    let index = CustomerIndex::build(&d, &kezhi_core::metrics::compute(&d, &Default::default()));
    let run = |text: &str, filters: Filters| {
        names(
            &d,
            &index.query(
                &d,
                &CustomerQuery {
                    text: text.into(),
                    filters,
                    ..CustomerQuery::default()
                },
            ),
        )
    };
    let tmall = Filters {
        channel: Some("tmall".into()),
        ..Filters::default()
    };
    assert_eq!(run("", tmall.clone()), ["曾志强", "张三", "张三丰"]);
    let tmall_sz = Filters {
        city: Some("深圳".into()),
        ..tmall.clone()
    };
    assert_eq!(run("", tmall_sz.clone()), ["张三", "张三丰"]);
    assert_eq!(run("zsf", tmall_sz), ["张三丰"]);
    let baby = Filters {
        tag: Some("母婴".into()),
        ..Filters::default()
    };
    assert_eq!(run("", baby), ["张三丰"]);
    let prospects = Filters {
        stage: Some(kezhi_core::model::Stage::Prospect),
        ..Filters::default()
    };
    assert_eq!(run("", prospects), ["Wang Wu", "张三丰"]);
    let owner = Filters {
        owner: Some("王丽娜".into()),
        ..tmall
    };
    assert_eq!(run("", owner), ["曾志强"]);
}

#[test]
fn sort_is_stable_with_ties_broken_by_name_and_empties_last() {
    let d = fixture();
    let index = CustomerIndex::build(&d, &kezhi_core::metrics::compute(&d, &Default::default()));
    let sorted = |sort: SortKey, descending: bool| {
        names(
            &d,
            &index.query(
                &d,
                &CustomerQuery {
                    sort,
                    descending,
                    ..CustomerQuery::default()
                },
            ),
        )
    };
    // Names in pinyin order: li si, wang wu, zeng zhi qiang, zhang san, zhang san feng.
    assert_eq!(
        sorted(SortKey::Name, false),
        ["李四", "Wang Wu", "曾志强", "张三", "张三丰"]
    );
    assert_eq!(
        sorted(SortKey::Name, true),
        ["张三丰", "张三", "曾志强", "Wang Wu", "李四"]
    );
    // 李四 and 张三 both spent ¥500: the tie goes by name.
    assert_eq!(
        sorted(SortKey::TotalSpent, true),
        ["曾志强", "李四", "张三", "Wang Wu", "张三丰"]
    );
    assert_eq!(
        sorted(SortKey::TotalSpent, false),
        ["Wang Wu", "张三丰", "李四", "张三", "曾志强"]
    );
    // Customers without a last order come last either way.
    assert_eq!(
        sorted(SortKey::LastOrder, true),
        ["李四", "曾志强", "张三", "Wang Wu", "张三丰"]
    );
    assert_eq!(
        sorted(SortKey::LastOrder, false),
        ["张三", "曾志强", "李四", "Wang Wu", "张三丰"]
    );
    assert_eq!(
        sorted(SortKey::City, false),
        ["曾志强", "李四", "张三", "张三丰", "Wang Wu"]
    );
    assert_eq!(sorted(SortKey::Orders, true)[0], "曾志强");
    for key in SortKey::ALL {
        assert_eq!(SortKey::parse(key.as_str()), Some(key));
    }
}

proptest! {
    /// Whatever the data, the query returns exactly the customers a brute-force filter keeps,
    /// each once, in an order consistent with the sort key.
    #[test]
    fn query_equals_brute_force(
        rows in proptest::collection::vec((0u8..3, 0u8..3, 0i64..5), 0..40),
        want_channel in proptest::option::of(0u8..3),
        descending in any::<bool>(),
    ) {
        let channels = ["tmall", "jd", "douyin"];
        let mut data = Dataset::default();
        for (i, (ch, city, spent)) in rows.iter().enumerate() {
            let mut c = Customer::new(Uuid::from_u128(i as u128 + 1), format!("客户{}", i % 7), Timestamp(0));
            c.channel = Some(Sym::new(channels[*ch as usize]));
            c.city = Some(Sym::new(&format!("城{city}")));
            if *spent > 0 {
                data.orders.push(order(c.id, i as u8, *spent * 100, 1));
            }
            data.customers.push(c);
        }
        let index = CustomerIndex::build(&data, &kezhi_core::metrics::compute(&data, &Default::default()));
        let filters = Filters { channel: want_channel.map(|c| channels[c as usize].to_string()), ..Filters::default() };
        let q = CustomerQuery { filters: filters.clone(), sort: SortKey::TotalSpent, descending, ..CustomerQuery::default() };
        let got = index.query(&data, &q);
        let mut expected: Vec<usize> = (0..data.customers.len())
            .filter(|&i| filters.channel.is_none() || data.customers[i].channel.map(Sym::as_str) == filters.channel.as_deref())
            .collect();
        let mut sorted_got = got.clone();
        sorted_got.sort();
        expected.sort();
        prop_assert_eq!(sorted_got, expected);
        let spent: Vec<i64> = got.iter().map(|&i| index.summary(i).total_spent).collect();
        for w in spent.windows(2) {
            let ordered = if descending { w[0] >= w[1] } else { w[0] <= w[1] };
            prop_assert!(ordered, "{:?} out of order", w);
        }
    }
}

#[test]
fn filter_menus_list_values_most_frequent_first_ties_alphabetically() {
    let data = fixture();
    let [channel, city, level, tags, owner] = CustomerIndex::filter_values(&data);
    assert_eq!(channel, ["tmall", "jd"]);
    // 深圳 ×3, 广州 ×1.
    assert_eq!(city, ["深圳", "广州"]);
    assert!(level.is_empty());
    // 高价值 ×2, 母婴 ×1.
    assert_eq!(tags, ["高价值", "母婴"]);
    assert_eq!(owner, ["王丽娜"]);
}

#[test]
fn name_order_from_the_index_equals_sorting_by_name() {
    let data = fixture();
    let index = CustomerIndex::build(&data, &metrics::compute(&data, &Default::default()));
    for descending in [false, true] {
        let q = CustomerQuery {
            sort: SortKey::Name,
            descending,
            ..Default::default()
        };
        let mut all: Vec<usize> = (0..data.customers.len()).collect();
        index.sort(&data, &mut all, SortKey::Name, descending);
        assert_eq!(index.query(&data, &q), all);
    }
    let q = CustomerQuery::default();
    assert_eq!(
        names(&data, &index.query(&data, &q)),
        // By pinyin: lisi, wang wu, zengzhiqiang (曾 read zeng), zhangsan, zhangsanfeng.
        ["李四", "Wang Wu", "曾志强", "张三", "张三丰"]
    );
}
