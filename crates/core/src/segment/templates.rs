//! The ready-made segments: a code (the app names it, `i18n::segment_template_name`) and a
//! query. The queries are syntax, written as a user would type them — some with the query
//! language's Chinese values (`rfm_group = "重要价值客户"`), which is why this table is a file
//! of its own on the invariants' list of syntax tables.

/// A ready-made segment: code, query.
pub const TEMPLATES: [(&str, &str); 8] = [
    ("high_value", r#"rfm_group = "重要价值客户""#),
    ("new", "orders = 1 AND first_order_at WITHIN 30d"),
    ("at_risk", r#"lifecycle = "流失预警""#),
    ("dormant", "last_order_at OLDER THAN 180d"),
    ("premium", "total_spent >= 50000"),
    ("repeat", "orders >= 2"),
    ("browsers", r#"events("visit") >= 1 AND orders = 0"#),
    (
        "cart_no_order",
        r#"events("add_to_cart", 7d) >= 1 AND NOT last_order_at WITHIN 7d"#,
    ),
];
