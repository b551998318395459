//! The fields a condition can test: their names in queries (English, and Chinese aliases),
//! their types (which decide the operators), and for behaviour their arguments.

use super::span::Span;
use chrono::NaiveDate;

/// What kind of value a field holds; it decides which operators apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// One of known labels (lifecycle stage, RFM group, tier), named by code or name.
    Label,
    Number,
    /// Cents; typed and printed in yuan.
    Money,
    Date,
    Tags,
    /// Yes or no: tested by its name alone (`has_open_complaint`, `NOT has_open_complaint`).
    Flag,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Phone,
    Email,
    City,
    Province,
    Channel,
    Level,
    Owner,
    ExternalId,
    Tags,
    Orders,
    R,
    F,
    M,
    Points,
    RecencyDays,
    TotalSpent,
    Aov,
    Ltv,
    LastOrderAt,
    FirstOrderAt,
    CreatedAt,
    Lifecycle,
    RfmGroup,
    Tier,
    HasOpenComplaint,
    /// `events("visit")`, `events("add_to_cart", 7d)`: how many events of a type (in the
    /// span ending on the reference day).
    Events {
        kind: String,
        within: Option<Span>,
    },
    /// `channel_orders("tmall")`: paid orders in a channel.
    ChannelOrders {
        channel: String,
    },
    /// `orders_between(2024-01-01, 2024-03-31)`: paid orders on those days (both included).
    OrdersBetween {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// `contacts(30d)`: follow-up activities (calls, visits, messages, care, complaints,
    /// notes) in the span.
    Contacts {
        within: Span,
    },
    /// `in_segment("高价值客户")`: a member of that saved segment (its current members for a
    /// dynamic one, its snapshot for a static one).
    InSegment {
        name: String,
    },
    /// Request cards still open (open or in progress).
    OpenRequests,
    /// Open request cards past their deadline at the start of the reference day.
    OverdueRequests,
    /// `requests("complaint", 90d)`: request cards of a category (code or Chinese name)
    /// opened in the span, whatever their status.
    Requests {
        category: String,
        within: Option<Span>,
    },
}

/// Plain fields: (field, English name, Chinese aliases, type).
pub const PLAIN: [(Field, &str, &[&str], FieldType); 28] = [
    (Field::Name, "name", &["姓名", "客户名称"], FieldType::Text),
    (
        Field::Phone,
        "phone",
        &["手机", "手机号", "电话"],
        FieldType::Text,
    ),
    (
        Field::Email,
        "email",
        &["邮箱", "电子邮件"],
        FieldType::Text,
    ),
    (Field::City, "city", &["城市"], FieldType::Text),
    (
        Field::Province,
        "province",
        &["省份", "地区"],
        FieldType::Text,
    ),
    (
        Field::Channel,
        "channel",
        &["渠道", "来源渠道"],
        FieldType::Text,
    ),
    (Field::Level, "level", &["会员等级"], FieldType::Text),
    (
        Field::Owner,
        "owner",
        &["客户经理", "负责人"],
        FieldType::Text,
    ),
    (
        Field::ExternalId,
        "external_id",
        &["外部编号"],
        FieldType::Text,
    ),
    (Field::Tags, "tags", &["标签"], FieldType::Tags),
    (Field::Orders, "orders", &["订单数"], FieldType::Number),
    (Field::R, "r", &["R分"], FieldType::Number),
    (Field::F, "f", &["F分"], FieldType::Number),
    (Field::M, "m", &["M分"], FieldType::Number),
    (Field::Points, "points", &["积分"], FieldType::Number),
    (
        Field::RecencyDays,
        "days_since_last_order",
        &["距上次下单天数"],
        FieldType::Number,
    ),
    (
        Field::TotalSpent,
        "total_spent",
        &["累计消费", "消费金额"],
        FieldType::Money,
    ),
    (Field::Aov, "aov", &["客单价"], FieldType::Money),
    (Field::Ltv, "ltv", &["生命周期价值"], FieldType::Money),
    (
        Field::LastOrderAt,
        "last_order_at",
        &["最近下单时间", "最近下单"],
        FieldType::Date,
    ),
    (
        Field::FirstOrderAt,
        "first_order_at",
        &["首次下单时间", "首次下单"],
        FieldType::Date,
    ),
    (
        Field::CreatedAt,
        "created_at",
        &["创建时间"],
        FieldType::Date,
    ),
    (
        Field::Lifecycle,
        "lifecycle",
        &["生命周期", "生命周期阶段"],
        FieldType::Label,
    ),
    (
        Field::RfmGroup,
        "rfm_group",
        &["RFM分群", "客户分群"],
        FieldType::Label,
    ),
    (Field::Tier, "tier", &["价值分层"], FieldType::Label),
    (
        Field::HasOpenComplaint,
        "has_open_complaint",
        &["有未处理投诉"],
        FieldType::Flag,
    ),
    (
        Field::OpenRequests,
        "open_requests",
        &["未结需求数", "未结需求"],
        FieldType::Number,
    ),
    (
        Field::OverdueRequests,
        "overdue_requests",
        &["逾期需求数", "逾期需求"],
        FieldType::Number,
    ),
];

/// Behaviour fields, written like calls: (English name, Chinese aliases).
pub const EVENTS: (&str, &[&str]) = ("events", &["行为次数"]);
pub const CHANNEL_ORDERS: (&str, &[&str]) = ("channel_orders", &["渠道订单数"]);
pub const ORDERS_BETWEEN: (&str, &[&str]) = ("orders_between", &["期间订单数"]);
pub const CONTACTS: (&str, &[&str]) = ("contacts", &["跟进次数"]);
pub const IN_SEGMENT: (&str, &[&str]) = ("in_segment", &["属于分群"]);
pub const REQUESTS: (&str, &[&str]) = ("requests", &["需求数"]);
/// Every call, in the order completion offers them.
pub const CALLS: [(&str, &[&str]); 6] = [
    EVENTS,
    CHANNEL_ORDERS,
    ORDERS_BETWEEN,
    CONTACTS,
    IN_SEGMENT,
    REQUESTS,
];

impl Field {
    pub fn field_type(&self) -> FieldType {
        match self {
            Field::Events { .. }
            | Field::ChannelOrders { .. }
            | Field::OrdersBetween { .. }
            | Field::Contacts { .. }
            | Field::Requests { .. } => FieldType::Number,
            Field::InSegment { .. } => FieldType::Flag,
            plain => PLAIN
                .iter()
                .find(|(f, ..)| f == plain)
                .map_or(FieldType::Text, |(_, _, _, t)| *t),
        }
    }

    /// The English name of a plain field (behaviour fields print with their arguments).
    pub fn name(&self) -> &'static str {
        match self {
            Field::Events { .. } => EVENTS.0,
            Field::ChannelOrders { .. } => CHANNEL_ORDERS.0,
            Field::OrdersBetween { .. } => ORDERS_BETWEEN.0,
            Field::Contacts { .. } => CONTACTS.0,
            Field::InSegment { .. } => IN_SEGMENT.0,
            Field::Requests { .. } => REQUESTS.0,
            plain => PLAIN
                .iter()
                .find(|(f, ..)| f == plain)
                .map_or("", |(_, name, ..)| name),
        }
    }

    /// A plain field by its English name or a Chinese alias (English case-insensitively).
    pub fn plain(word: &str) -> Option<Field> {
        PLAIN
            .iter()
            .find(|(_, name, aliases, _)| {
                name.eq_ignore_ascii_case(word) || aliases.contains(&word)
            })
            .map(|(f, ..)| f.clone())
    }

    /// Every name a query may use, for autocompletion: English first, then aliases.
    pub fn all_names() -> Vec<&'static str> {
        let calls = CALLS;
        PLAIN
            .iter()
            .map(|(_, n, ..)| *n)
            .chain(calls.iter().map(|(n, _)| *n))
            .chain(PLAIN.iter().flat_map(|(_, _, a, _)| a.iter().copied()))
            .chain(calls.iter().flat_map(|(_, a)| a.iter().copied()))
            .collect()
    }
}
