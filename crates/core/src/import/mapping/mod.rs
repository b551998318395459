//! What a file holds (customers, orders, events), the target fields of each kind, and the
//! guess of which column feeds which field: from the header's names in Chinese or English, or,
//! for files without a header, from what the values look like.

mod aliases;
#[cfg(feature = "files")]
pub mod sample;

use super::reason::ImportError;
use super::values;
use aliases::{aliases, containment_weight};
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
                    missing.push(ANY_IDENTITY);
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
                    missing.push(AMOUNT_OR_LINES);
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

/// What [`Mapping::check`] names as missing besides single fields: a customer's identity (any
/// one of these), an order's amount (or its lines' quantity and unit price).
const ANY_IDENTITY: &str = "external_id | name | phone | email";
const AMOUNT_OR_LINES: &str = "amount | quantity + unit_price";

/// The name [`Mapping::check`] gives for a requirement, found by its text (a field's
/// contract name or one of the alternatives above): how an [`ImportError::Unmapped`] read
/// back from the files worker's reply gets its `&'static str`s again.
pub fn requirement(name: &str) -> Option<&'static str> {
    Field::from_name(name).map(Field::name).or_else(|| {
        [ANY_IDENTITY, AMOUNT_OR_LINES]
            .into_iter()
            .find(|r| *r == name)
    })
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
    crate::sorting::sort_by(&mut candidates, |a, b| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    });
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

#[cfg(test)]
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
