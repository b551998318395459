//! What a file holds (customers, orders, events), the target fields of each kind, and the
//! guess of which column feeds which field: from the header's names in Chinese or English, or,
//! for files without a header, from what the values look like.

use super::reason::ImportError;
#[cfg(feature = "files")]
use super::table::SampleRow;
use super::values;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `import-kind` selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Customers,
    Orders,
    Events,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [
        ImportKind::Customers,
        ImportKind::Orders,
        ImportKind::Events,
    ];

    /// The option value of `import-kind`.
    pub fn name(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Orders => "orders",
            ImportKind::Events => "events",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The target fields of the UI contract, in its order (one `map-<field>` selector each).
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            ImportKind::Customers => &[ExternalId, Name, Phone, Email, City, Tags, Owner],
            ImportKind::Orders => &[
                OrderId, CustomerId, OrderedAt, Amount, Quantity, UnitPrice, Channel, Region,
            ],
            ImportKind::Events => &[CustomerId, EventType, OccurredAt],
        }
    }

    /// Fields beyond the contract's that the importer also reads when mapped: an event's item,
    /// category and channel (its `EventProps`). The guess fills them; the page may offer them.
    pub fn extra_fields(self) -> &'static [Field] {
        match self {
            ImportKind::Events => &[Field::Item, Field::Category, Field::Channel],
            _ => &[],
        }
    }
}

/// A target field. Serialised (and in `map-<field>`) by its contract name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ExternalId,
    Name,
    Phone,
    Email,
    City,
    Tags,
    Owner,
    OrderId,
    CustomerId,
    OrderedAt,
    Amount,
    Quantity,
    UnitPrice,
    Channel,
    Region,
    EventType,
    OccurredAt,
    Item,
    Category,
}

impl Field {
    pub const ALL: [Field; 19] = [
        Field::ExternalId,
        Field::Name,
        Field::Phone,
        Field::Email,
        Field::City,
        Field::Tags,
        Field::Owner,
        Field::OrderId,
        Field::CustomerId,
        Field::OrderedAt,
        Field::Amount,
        Field::Quantity,
        Field::UnitPrice,
        Field::Channel,
        Field::Region,
        Field::EventType,
        Field::OccurredAt,
        Field::Item,
        Field::Category,
    ];

    /// The contract name (`map-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Field::ExternalId => "external_id",
            Field::Name => "name",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::City => "city",
            Field::Tags => "tags",
            Field::Owner => "owner",
            Field::OrderId => "order_id",
            Field::CustomerId => "customer_id",
            Field::OrderedAt => "ordered_at",
            Field::Amount => "amount",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::Channel => "channel",
            Field::Region => "region",
            Field::EventType => "event_type",
            Field::OccurredAt => "occurred_at",
            Field::Item => "item",
            Field::Category => "category",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Which column (0-based) feeds which field; unmapped fields are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: BTreeMap<Field, usize>,
}

impl Mapping {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).copied()
    }

    /// Maps a field to a column, or unmaps it with `None` (the selector's empty option).
    pub fn set(&mut self, field: Field, column: Option<usize>) {
        match column {
            Some(c) => self.columns.insert(field, c),
            None => self.columns.remove(&field),
        };
    }

    /// The field a column feeds, if any.
    pub fn field_of(&self, column: usize) -> Option<Field> {
        self.columns
            .iter()
            .find(|(_, c)| **c == column)
            .map(|(f, _)| *f)
    }

    /// Whether the fields a kind needs are mapped: customers need one of external id, name,
    /// phone or e-mail; orders a customer id, a time and an amount or quantity and unit
    /// price; events a customer id, a type and a time.
    pub fn check(&self, kind: ImportKind) -> Result<(), ImportError> {
        let has = |f: Field| self.columns.contains_key(&f);
        let mut missing: Vec<&'static str> = Vec::new();
        match kind {
            ImportKind::Customers => {
                if ![Field::ExternalId, Field::Name, Field::Phone, Field::Email]
                    .into_iter()
                    .any(has)
                {
                    missing.push("external_id | name | phone | email");
                }
            }
            ImportKind::Orders => {
                for f in [Field::CustomerId, Field::OrderedAt] {
                    if !has(f) {
                        missing.push(f.name());
                    }
                }
                let by_lines = has(Field::Quantity) && has(Field::UnitPrice);
                if !(has(Field::Amount) || by_lines) {
                    missing.push("amount | quantity + unit_price");
                }
            }
            ImportKind::Events => {
                for f in [Field::CustomerId, Field::EventType, Field::OccurredAt] {
                    if !has(f) {
                        missing.push(f.name());
                    }
                }
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ImportError::Unmapped(missing))
        }
    }
}

/// A header name compared loosely: lower case, without spaces, `_`, `-`, `.`, `/`, `:`, `*`,
/// and without a bracketed unit (`金额(元)` → `金额`).
pub fn normalize_header(h: &str) -> String {
    let h = values::unescape_text(h);
    let mut out = String::with_capacity(h.len());
    let mut depth = 0usize;
    for ch in h.chars() {
        match ch {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() => {}
            '_' | '-' | '.' | '/' | ':' | '：' | '*' | '#' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Header names per field, normalised, best first (an earlier name wins a tie: `下单时间`
/// over `付款时间`, `实付金额` over `订单金额`).
fn aliases(kind: ImportKind, field: Field) -> &'static [&'static str] {
    const CUSTOMER_REF: &[&str] = &[
        "customerid",
        "客户id",
        "会员id",
        "用户id",
        "买家id",
        "userid",
        "memberid",
        "buyerid",
        "客户编号",
        "会员编号",
        "用户编号",
        "客户号",
        "会员号",
        "customerno",
        "customer",
        "user",
        "uid",
        "客户",
        "会员",
        "用户",
        "买家",
        "访客id",
    ];
    match (kind, field) {
        (ImportKind::Customers, Field::ExternalId) => &[
            "externalid",
            "客户id",
            "客户编号",
            "客户号",
            "会员id",
            "会员编号",
            "会员号",
            "用户id",
            "用户编号",
            "买家id",
            "customerid",
            "customerno",
            "customernumber",
            "memberid",
            "userid",
            "id",
            "编号",
        ],
        (_, Field::Name) => &[
            "姓名",
            "客户名称",
            "客户姓名",
            "客户名",
            "会员名称",
            "会员姓名",
            "会员名",
            "买家姓名",
            "名称",
            "名字",
            "联系人",
            "收货人",
            "name",
            "fullname",
            "customername",
            "contactname",
        ],
        (_, Field::Phone) => &[
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "电话号码",
            "联系电话",
            "联系方式",
            "移动电话",
            "收货人手机",
            "phone",
            "mobile",
            "tel",
            "telephone",
            "phonenumber",
            "mobilephone",
            "cellphone",
            "cell",
        ],
        (_, Field::Email) => &[
            "邮箱",
            "电子邮箱",
            "邮件",
            "电子邮件",
            "邮箱地址",
            "email",
            "mail",
            "emailaddress",
        ],
        (_, Field::City) => &["城市", "所在城市", "所在地", "city", "town"],
        (_, Field::Tags) => &["标签", "客户标签", "tags", "tag", "labels", "label"],
        (_, Field::Owner) => &[
            "客户经理",
            "负责人",
            "归属人",
            "跟进人",
            "所属销售",
            "销售",
            "owner",
            "manager",
            "accountmanager",
            "salesrep",
        ],
        (_, Field::OrderId) => &[
            "订单号",
            "订单编号",
            "订单id",
            "主订单号",
            "主订单编号",
            "单号",
            "orderid",
            "orderno",
            "ordernumber",
            "invoiceno",
            "invoice",
            "invoiceid",
            "invoicenumber",
            "发票号",
            "订单",
        ],
        (_, Field::CustomerId) => CUSTOMER_REF,
        (_, Field::OrderedAt) => &[
            "下单时间",
            "付款时间",
            "支付时间",
            "订单时间",
            "订单创建时间",
            "创建时间",
            "成交时间",
            "下单日期",
            "订单日期",
            "日期",
            "时间",
            "orderdate",
            "ordertime",
            "invoicedate",
            "orderedat",
            "createdat",
            "paidat",
            "paymenttime",
            "paymentdate",
            "date",
            "time",
            "datetime",
        ],
        (_, Field::Amount) => &[
            "实付金额",
            "金额",
            "订单金额",
            "支付金额",
            "实收金额",
            "付款金额",
            "应付金额",
            "总金额",
            "总价",
            "合计",
            "销售额",
            "amount",
            "total",
            "totalamount",
            "ordertotal",
            "payment",
            "paid",
            "sales",
            "revenue",
            "gmv",
        ],
        (_, Field::Quantity) => &[
            "数量",
            "购买数量",
            "商品数量",
            "件数",
            "quantity",
            "qty",
            "count",
            "units",
        ],
        (_, Field::UnitPrice) => &[
            "单价",
            "商品单价",
            "价格",
            "售价",
            "unitprice",
            "price",
            "itemprice",
        ],
        (_, Field::Channel) => &[
            "渠道",
            "平台",
            "销售渠道",
            "来源",
            "店铺",
            "channel",
            "platform",
            "source",
            "store",
        ],
        (_, Field::Region) => &[
            "地区",
            "省份",
            "区域",
            "省",
            "国家",
            "收货省份",
            "region",
            "province",
            "country",
            "state",
            "area",
        ],
        (_, Field::EventType) => &[
            "行为",
            "行为类型",
            "事件",
            "事件类型",
            "事件名称",
            "动作",
            "类型",
            "event",
            "eventtype",
            "eventname",
            "behaviour",
            "behavior",
            "behaviortype",
            "behaviourtype",
            "action",
            "type",
        ],
        (_, Field::OccurredAt) => &[
            "时间",
            "时间戳",
            "发生时间",
            "行为时间",
            "事件时间",
            "日期",
            "timestamp",
            "time",
            "occurredat",
            "eventtime",
            "datetime",
            "date",
            "ts",
        ],
        (_, Field::Item) => &[
            "商品",
            "商品id",
            "商品编号",
            "item",
            "itemid",
            "sku",
            "product",
            "productid",
            "stockcode",
        ],
        (_, Field::Category) => &[
            "类目",
            "类目id",
            "品类",
            "分类",
            "商品类目",
            "category",
            "categoryid",
        ],
        (ImportKind::Orders | ImportKind::Events, Field::ExternalId) => &[],
    }
}

/// How much a header that only contains an alias is worth: Chinese names of two characters
/// and more are specific (`实付金额(元)`), short ASCII ones are not (`id` in `paid`).
fn containment_weight(alias: &str) -> Option<usize> {
    let chars = alias.chars().count();
    if alias.is_ascii() {
        (chars >= 4).then_some(chars)
    } else {
        (chars >= 2).then_some(chars * 2)
    }
}

/// Whether a header cell is a name the mapping knows (for header detection).
pub fn is_known_header(cell: &str) -> bool {
    let n = normalize_header(cell);
    !n.is_empty()
        && ImportKind::ALL.into_iter().any(|kind| {
            kind.fields()
                .iter()
                .chain(kind.extra_fields())
                .any(|f| aliases(kind, *f).contains(&n.as_str()))
        })
}

/// The guessed mapping: from the header names when there is a header, from the sample's
/// values otherwise.
#[cfg(feature = "files")]
pub fn guess_mapping(
    kind: ImportKind,
    headers: Option<&[String]>,
    sample: &[SampleRow],
) -> Mapping {
    match headers {
        Some(h) => guess_from_headers(kind, h),
        None => guess_from_values(kind, sample),
    }
}

/// Each column to at most one field and each field to at most one column, best matches
/// first: exact names, then names that contain an alias.
pub fn guess_from_headers(kind: ImportKind, headers: &[String]) -> Mapping {
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // (score, column, field rank)
    let fields: Vec<Field> = kind
        .fields()
        .iter()
        .chain(kind.extra_fields())
        .copied()
        .collect();
    for (col, header) in headers.iter().enumerate() {
        let n = normalize_header(header);
        if n.is_empty() {
            continue;
        }
        for (rank, field) in fields.iter().enumerate() {
            let best = aliases(kind, *field)
                .iter()
                .enumerate()
                .filter_map(|(i, alias)| {
                    if n == *alias {
                        Some(10_000 - i)
                    } else if n.contains(alias) {
                        containment_weight(alias).map(|w| 100 * w - i)
                    } else {
                        None
                    }
                })
                .max();
            if let Some(score) = best {
                candidates.push((score, col, rank));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut mapping = Mapping::default();
    let mut used = vec![false; headers.len()];
    for (_, col, rank) in candidates {
        let field = fields[rank];
        if used[col] || mapping.columns.contains_key(&field) {
            continue;
        }
        used[col] = true;
        mapping.columns.insert(field, col);
    }
    mapping
}

#[cfg(feature = "files")]
/// What the sample's values of one column look like.
#[derive(Default)]
struct Profile {
    filled: usize,
    times: usize,
    behaviour: usize,
    emails: usize,
    mobiles: usize,
    ids: usize,
    decimals: usize,
    channels: usize,
    chinese_names: usize,
}

#[cfg(feature = "files")]
impl Profile {
    /// Most (four in five) of the filled values have the property.
    fn mostly(&self, n: usize) -> bool {
        self.filled > 0 && n * 5 >= self.filled * 4
    }
}

#[cfg(feature = "files")]
fn profile(sample: &[SampleRow], col: usize) -> Profile {
    let mut p = Profile::default();
    for row in sample {
        let Some(v) = row.cells.get(col).map(|c| values::unescape_text(c)) else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        p.filled += 1;
        let digits = v.bytes().all(|b| b.is_ascii_digit());
        // Unix times of this century and written dates; other digit runs are ids.
        let unix = digits
            && matches!(v.len(), 10 | 13)
            && v[..2]
                .parse::<u32>()
                .is_ok_and(|lead| (9..=41).contains(&lead) || v.len() == 10);
        if unix || (!digits && values::scan_time(v).is_ok()) {
            p.times += 1;
        } else if values::is_behaviour_word(v) {
            p.behaviour += 1;
        } else if values::normalize_email(v).is_ok_and(|e| e.is_some()) {
            p.emails += 1;
        } else if digits && v.len() == 11 && v.starts_with('1') {
            p.mobiles += 1;
        } else if values::channel_code(v) != v {
            p.channels += 1;
        } else if v.contains('.')
            && values::parse_decimal(v).is_ok()
            && values::normalize_id(v).is_ok_and(|id| id.as_deref() == Some(v))
        {
            p.decimals += 1;
        } else if v.len() <= 40
            && !v.contains(char::is_whitespace)
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            p.ids += 1;
        } else if (2..=4).contains(&v.chars().count())
            && v.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        {
            p.chinese_names += 1;
        }
    }
    p
}

/// For files without a header: a behaviour-word column is the event type, a column of dates
/// or Unix times the time, `@` addresses the e-mail, 11-digit numbers starting with 1 the
/// phone, decimals the amount, and plain id columns, in order, the ids (events: customer,
/// item, category — the Taobao shape; orders: order, customer).
#[cfg(feature = "files")]
pub fn guess_from_values(kind: ImportKind, sample: &[SampleRow]) -> Mapping {
    let width = sample.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let profiles: Vec<Profile> = (0..width).map(|c| profile(sample, c)).collect();
    let mut mapping = Mapping::default();
    let mut used = vec![false; width];
    let mut take = |mapping: &mut Mapping, field: Field, test: &dyn Fn(&Profile) -> bool| {
        if let Some(col) = (0..width).find(|&c| !used[c] && test(&profiles[c])) {
            used[col] = true;
            mapping.columns.insert(field, col);
        }
    };
    let ids: &[Field] = match kind {
        ImportKind::Customers => {
            take(&mut mapping, Field::Phone, &|p| p.mostly(p.mobiles));
            take(&mut mapping, Field::Email, &|p| p.mostly(p.emails));
            take(&mut mapping, Field::Name, &|p| p.mostly(p.chinese_names));
            &[Field::ExternalId]
        }
        ImportKind::Orders => {
            take(&mut mapping, Field::OrderedAt, &|p| p.mostly(p.times));
            take(&mut mapping, Field::Channel, &|p| p.mostly(p.channels));
            take(&mut mapping, Field::Amount, &|p| p.mostly(p.decimals));
            &[Field::OrderId, Field::CustomerId]
        }
        ImportKind::Events => {
            take(&mut mapping, Field::EventType, &|p| p.mostly(p.behaviour));
            take(&mut mapping, Field::OccurredAt, &|p| p.mostly(p.times));
            take(&mut mapping, Field::Channel, &|p| p.mostly(p.channels));
            &[Field::CustomerId, Field::Item, Field::Category]
        }
    };
    for field in ids {
        take(&mut mapping, *field, &|p| p.mostly(p.ids + p.mobiles));
    }
    mapping
}

/// A stable key for a file's shape, under which the page remembers the mapping the user
/// confirmed: the kind and the normalised header names, or the column count without a header.
pub fn shape_key(kind: ImportKind, headers: Option<&[String]>, width: usize) -> String {
    match headers {
        Some(h) => {
            let names: Vec<String> = h.iter().map(|n| normalize_header(n)).collect();
            format!("{}:{}", kind.name(), names.join("|"))
        }
        None => format!("{}:#{width}", kind.name()),
    }
}

#[cfg(all(test, feature = "files"))]
mod tests {
    use super::*;

    fn names(m: &Mapping, headers: &[&str]) -> Vec<(String, String)> {
        m.columns
            .iter()
            .map(|(f, c)| (f.name().to_string(), headers[*c].to_string()))
            .collect()
    }

    fn guess(kind: ImportKind, headers: &[&str]) -> Vec<(String, String)> {
        let owned: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        names(&guess_from_headers(kind, &owned), headers)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn chinese_and_english_headers() {
        assert_eq!(
            guess(
                ImportKind::Customers,
                &[
                    "客户编号",
                    "客户名称",
                    "手机号",
                    "邮箱",
                    "城市",
                    "标签",
                    "客户经理"
                ]
            ),
            pairs(&[
                ("external_id", "客户编号"),
                ("name", "客户名称"),
                ("phone", "手机号"),
                ("email", "邮箱"),
                ("city", "城市"),
                ("tags", "标签"),
                ("owner", "客户经理"),
            ])
        );
        assert_eq!(
            guess(
                ImportKind::Orders,
                &[
                    "InvoiceNo",
                    "StockCode",
                    "Description",
                    "Quantity",
                    "InvoiceDate",
                    "UnitPrice",
                    "CustomerID",
                    "Country"
                ]
            ),
            pairs(&[
                ("order_id", "InvoiceNo"),
                ("customer_id", "CustomerID"),
                ("ordered_at", "InvoiceDate"),
                ("quantity", "Quantity"),
                ("unit_price", "UnitPrice"),
                ("region", "Country"),
            ])
        );
        assert_eq!(
            guess(
                ImportKind::Orders,
                &[
                    "订单编号",
                    "会员ID",
                    "付款时间",
                    "下单时间",
                    "实付金额(元)",
                    "商品金额",
                    "平台",
                    "省份"
                ]
            ),
            pairs(&[
                ("order_id", "订单编号"),
                ("customer_id", "会员ID"),
                ("ordered_at", "下单时间"),
                ("amount", "实付金额(元)"),
                ("channel", "平台"),
                ("region", "省份"),
            ])
        );
        assert_eq!(
            guess(
                ImportKind::Events,
                &["user_id", "Behaviour Type", "Time Stamp"]
            ),
            pairs(&[
                ("customer_id", "user_id"),
                ("event_type", "Behaviour Type"),
                ("occurred_at", "Time Stamp"),
            ])
        );
        assert!(
            is_known_header("Order ID") && is_known_header("手机号码") && !is_known_header("张三")
        );
    }

    #[test]
    fn headerless_taobao_shape() {
        let sample: Vec<SampleRow> = [
            ["1", "2268318", "2520377", "pv", "1511544070"],
            ["1", "2333346", "2520771", "cart", "1511561733"],
            ["100", "4365585", "2520377", "buy", "1511596146"],
        ]
        .iter()
        .enumerate()
        .map(|(i, r)| SampleRow {
            number: i + 1,
            cells: r.iter().map(|c| c.to_string()).collect(),
        })
        .collect();
        let m = guess_from_values(ImportKind::Events, &sample);
        assert_eq!(m.get(Field::CustomerId), Some(0));
        assert_eq!(m.get(Field::Item), Some(1));
        assert_eq!(m.get(Field::Category), Some(2));
        assert_eq!(m.get(Field::EventType), Some(3));
        assert_eq!(m.get(Field::OccurredAt), Some(4));
        assert!(m.check(ImportKind::Events).is_ok());
        assert_eq!(shape_key(ImportKind::Events, None, 5), "events:#5");
        assert_eq!(
            shape_key(
                ImportKind::Orders,
                Some(&["Order ID".to_string(), "金额(元)".to_string()]),
                2
            ),
            "orders:orderid|金额"
        );
    }

    #[test]
    fn mapping_check_and_json() {
        let mut m = Mapping::default();
        m.set(Field::CustomerId, Some(0));
        m.set(Field::OrderedAt, Some(1));
        assert_eq!(
            m.check(ImportKind::Orders),
            Err(ImportError::Unmapped(vec![
                "amount | quantity + unit_price"
            ]))
        );
        m.set(Field::Quantity, Some(2));
        m.set(Field::UnitPrice, Some(3));
        assert!(m.check(ImportKind::Orders).is_ok());
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(
            json,
            r#"{"columns":{"customer_id":0,"ordered_at":1,"quantity":2,"unit_price":3}}"#
        );
        assert_eq!(serde_json::from_str::<Mapping>(&json).ok(), Some(m));
    }
}
