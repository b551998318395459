//! One translation boundary (issue 15): the names of the core's codes — lifecycle stages, RFM
//! groups, funnel fields, templates and buckets, the import's reasons and errors, the exports'
//! words. The core returns the code; each name is here in both languages, side by side. (The
//! query language's own words for stages and groups are syntax and stay in the core:
//! `kezhi_core::segment::resolve::{stage_word, group_word}`.)

use super::{Lang, pick};
use kezhi_core::export::ClassNames;
use kezhi_core::funnel::{FunnelTemplate, PropField, RepurchaseStep};
use kezhi_core::import::{Field, ImportError, Reason as ImportReason};
use kezhi_core::model::{RfmGroup, Stage};

impl Lang {
    /// The language a page's `zh` flag stands for.
    pub fn of_zh(zh: bool) -> Lang {
        if zh { Lang::Zh } else { Lang::En }
    }
}

/// A code the UI names: `code.label(lang)`.
pub trait Localize: Copy {
    fn label(self, lang: Lang) -> &'static str;
}

impl Localize for Stage {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Stage::Prospect => ("潜在", "Prospect"),
            Stage::Developing => ("开发", "Developing"),
            Stage::Growing => ("成长", "Growing"),
            Stage::Mature => ("成熟", "Mature"),
            Stage::AtRisk => ("流失预警", "At risk"),
            Stage::Churned => ("流失", "Churned"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

impl Localize for RfmGroup {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RfmGroup::ImportantValue => ("重要价值客户", "Important value"),
            RfmGroup::ImportantDevelop => ("重要发展客户", "Important to develop"),
            RfmGroup::ImportantRetain => ("重要保持客户", "Important to retain"),
            RfmGroup::ImportantWinBack => ("重要挽留客户", "Important to win back"),
            RfmGroup::GeneralValue => ("一般价值客户", "General value"),
            RfmGroup::GeneralDevelop => ("一般发展客户", "General to develop"),
            RfmGroup::GeneralRetain => ("一般保持客户", "General to retain"),
            RfmGroup::GeneralWinBack => ("一般挽留客户", "General to win back"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

/// An event property a funnel step filters on.
impl Localize for PropField {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            PropField::Channel => ("渠道", "Channel"),
            PropField::Item => ("商品", "Item"),
            PropField::Category => ("品类", "Category"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

impl Localize for FunnelTemplate {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            FunnelTemplate::Purchase => ("购买漏斗", "Purchase funnel"),
            FunnelTemplate::Repurchase => ("复购漏斗", "Repurchase funnel"),
            FunnelTemplate::Stages => ("生命周期阶段", "Lifecycle stages"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

impl Localize for RepurchaseStep {
    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RepurchaseStep::First => ("首次支付订单", "First paid order"),
            RepurchaseStep::Second => ("再次支付订单", "Second paid order"),
        };
        pick(lang.is_zh(), zh, en)
    }
}

/// The label of a known event type (the purchase funnel's steps), `None` for another.
pub fn event_label(lang: Lang, event: &str) -> Option<&'static str> {
    use kezhi_core::model::event_type as et;
    let (zh, en) = match event {
        et::VISIT => ("访问", "Visit"),
        et::VIEW => ("浏览商品", "View item"),
        et::ADD_TO_CART => ("加购", "Add to cart"),
        et::CHECKOUT => ("下单", "Check out"),
        et::PAY => ("支付", "Pay"),
        _ => return None,
    };
    Some(pick(lang.is_zh(), zh, en))
}

/// The label of bucket `i` of the time-to-convert histogram (`funnel::TIME_BUCKETS`).
pub fn time_bucket_label(lang: Lang, i: usize) -> &'static str {
    const LABELS: [(&str, &str); 8] = [
        ("< 1 分钟", "< 1 min"),
        ("1–10 分钟", "1–10 min"),
        ("10 分钟–1 小时", "10 min–1 h"),
        ("1–6 小时", "1–6 h"),
        ("6–24 小时", "6–24 h"),
        ("1–7 天", "1–7 d"),
        ("7–30 天", "7–30 d"),
        ("≥ 30 天", "≥ 30 d"),
    ];
    LABELS
        .get(i)
        .map_or("", |&(zh, en)| pick(lang.is_zh(), zh, en))
}

/// The name of a ready-made segment (`segment::templates::TEMPLATES`) by its code; an unknown
/// code is shown as itself.
pub fn segment_template_name(lang: Lang, code: &str) -> &str {
    let (zh, en) = match code {
        "high_value" => ("高价值客户", "High value"),
        "new" => ("新客", "New customers"),
        "at_risk" => ("流失预警", "At risk"),
        "dormant" => ("沉睡客户", "Dormant"),
        "premium" => ("优质客户（≥ ¥50,000）", "Premium (≥ ¥50,000)"),
        "repeat" => ("复购客户", "Repeat buyers"),
        "browsers" => ("只逛不买", "Browse, never buy"),
        "cart_no_order" => ("加购未下单", "Added to cart, no order since"),
        _ => return code,
    };
    pick(lang.is_zh(), zh, en)
}

/// Why a value or a row was not imported (the error list, the error report).
pub fn import_reason(lang: Lang, reason: &ImportReason) -> String {
    let (zh, en): (&str, &str) = match reason {
        ImportReason::Missing => ("缺少必填值", "required value is empty"),
        ImportReason::NotATime => ("无法识别的日期时间", "not a date or time"),
        ImportReason::InvalidDate => ("日期或时间不存在", "no such date or time"),
        ImportReason::DateOrderConflict => (
            "与本列的日/月顺序不符",
            "does not fit the day/month order of this column",
        ),
        ImportReason::NotANumber => ("不是数字或金额", "not a number or amount"),
        ImportReason::OutOfRange => ("数值过大", "number out of range"),
        ImportReason::NotAPhone => ("不是有效的电话号码", "not a phone number"),
        ImportReason::NotAnEmail => ("不是有效的邮箱", "not an e-mail address"),
        ImportReason::ScientificId => (
            "编号被 Excel 写成科学计数法，数字已丢失（请将该列设为文本后重新导出）",
            "id in scientific notation, its digits are lost (format the column as text and export again)",
        ),
        ImportReason::NoIdentity => (
            "没有客户编号、姓名、手机或邮箱",
            "no external id, name, phone or e-mail",
        ),
        ImportReason::OrderCustomerConflict { order, customer } => {
            return if lang.is_zh() {
                format!("订单 {order} 的其他明细属于客户 {customer}")
            } else {
                format!("other lines of order {order} belong to customer {customer}")
            };
        }
    };
    pick(lang.is_zh(), zh, en).to_string()
}

/// Why a file cannot be imported at all.
pub fn import_error(lang: Lang, e: &ImportError) -> String {
    let zh = lang.is_zh();
    match e {
        ImportError::Empty => pick(zh, "文件是空的", "the file is empty").into(),
        ImportError::Workbook(e) if zh => format!("无法读取该 Excel 文件：{e}"),
        ImportError::Workbook(e) => format!("the workbook cannot be read: {e}"),
        ImportError::NoSuchSheet(name) if zh => format!("工作簿中没有名为 {name} 的工作表"),
        ImportError::NoSuchSheet(name) => format!("the workbook has no sheet named {name}"),
        ImportError::Unmapped(fields) => {
            let names: Vec<String> = fields.iter().map(|r| requirement(r, zh)).collect();
            if zh {
                format!("以下必填字段尚未对应到列：{}", names.join("；"))
            } else {
                format!("required fields are not mapped: {}", names.join("; "))
            }
        }
    }
}

/// A requirement of [`ImportError::Unmapped`] in words: its fields by their names, where the
/// core writes alternatives `a | b` and fields needed together `a + b`
/// (`amount | quantity + unit_price` → 金额或数量和单价).
fn requirement(code: &'static str, zh: bool) -> String {
    let name = |code: &'static str| Field::from_name(code).map_or(code, |f| import_field(f, zh));
    let alternatives: Vec<String> = code
        .split(" | ")
        .map(|alt| {
            let together: Vec<&str> = alt.split(" + ").map(name).collect();
            together.join(pick(zh, "和", " and "))
        })
        .collect();
    match alternatives.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!(
                "{}{}{last}",
                rest.join(pick(zh, "、", ", ")),
                pick(zh, "或", " or ")
            )
        }
        _ => alternatives.concat(),
    }
}

/// An import's target field's name in the user's language.
pub fn import_field(field: Field, zh: bool) -> &'static str {
    let (z, e) = match field {
        Field::ExternalId => ("外部编号", "External id"),
        Field::Name => ("姓名", "Name"),
        Field::Phone => ("手机", "Phone"),
        Field::Email => ("邮箱", "E-mail"),
        Field::City => ("城市", "City"),
        Field::Tags => ("标签", "Tags"),
        Field::Owner => ("客户经理", "Account manager"),
        Field::OrderId => ("订单号", "Order id"),
        Field::CustomerId => ("客户编号", "Customer id"),
        Field::OrderedAt => ("下单时间", "Order time"),
        Field::Amount => ("金额", "Amount"),
        Field::Quantity => ("数量", "Quantity"),
        Field::UnitPrice => ("单价", "Unit price"),
        Field::Channel => ("渠道", "Channel"),
        Field::Region => ("地区", "Region"),
        Field::EventType => ("行为类型", "Event type"),
        Field::OccurredAt => ("发生时间", "Time"),
        Field::Item => ("商品", "Item"),
        Field::Category => ("品类", "Category"),
    };
    if zh { z } else { e }
}

/// The import's error report's header: row, column, value, reason.
pub fn import_errors_header(lang: Lang) -> [&'static str; 4] {
    if lang.is_zh() {
        ["行号", "列", "值", "原因"]
    } else {
        ["row", "column", "value", "reason"]
    }
}

/// The customer export's sheet.
pub fn customers_sheet(lang: Lang) -> &'static str {
    pick(lang.is_zh(), "客户", "Customers")
}

/// The customer export's words for the stages and RFM groups.
pub fn class_names(lang: Lang) -> ClassNames {
    ClassNames::of(|s| s.label(lang), |g| g.label(lang))
}

#[cfg(test)]
mod boundary_tests {
    use super::*;

    fn both<T: Localize>(x: T) -> (&'static str, &'static str) {
        (x.label(Lang::Zh), x.label(Lang::En))
    }

    #[test]
    fn stage_and_group_names() {
        assert_eq!(both(Stage::Mature), ("成熟", "Mature"));
        assert_eq!(both(Stage::AtRisk), ("流失预警", "At risk"));
        assert_eq!(both(Stage::Prospect), ("潜在", "Prospect"));
        assert_eq!(both(Stage::Developing), ("开发", "Developing"));
        assert_eq!(
            both(RfmGroup::ImportantValue),
            ("重要价值客户", "Important value")
        );
        assert_eq!(
            both(RfmGroup::GeneralWinBack),
            ("一般挽留客户", "General to win back")
        );
        // Every class named in both languages, no two alike.
        let mut names: Vec<&str> = Stage::ALL
            .iter()
            .flat_map(|&s| [s.label(Lang::Zh), s.label(Lang::En)])
            .chain(
                RfmGroup::ALL
                    .iter()
                    .flat_map(|&g| [g.label(Lang::Zh), g.label(Lang::En)]),
            )
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(n, 28);
    }

    #[test]
    fn the_export_writes_the_pages_words() {
        let zh = class_names(Lang::Zh);
        assert_eq!(zh.stage(Stage::Developing), "开发");
        assert_eq!(zh.group(RfmGroup::GeneralWinBack), "一般挽留客户");
        let en = class_names(Lang::En);
        assert_eq!(en.stage(Stage::Churned), "Churned");
        assert_eq!(en.group(RfmGroup::ImportantRetain), "Important to retain");
        assert_eq!(
            (customers_sheet(Lang::Zh), customers_sheet(Lang::En)),
            ("客户", "Customers")
        );
    }

    #[test]
    fn event_labels_and_funnel_words() {
        assert_eq!(event_label(Lang::Zh, "add_to_cart"), Some("加购"));
        assert_eq!(event_label(Lang::En, "pay"), Some("Pay"));
        assert_eq!(event_label(Lang::Zh, "visit"), Some("访问"));
        assert_eq!(event_label(Lang::En, "refund"), None);
        assert_eq!(both(PropField::Category), ("品类", "Category"));
        assert_eq!(both(PropField::Channel), ("渠道", "Channel"));
        assert_eq!(
            both(FunnelTemplate::Purchase),
            ("购买漏斗", "Purchase funnel")
        );
        assert_eq!(
            both(FunnelTemplate::Stages),
            ("生命周期阶段", "Lifecycle stages")
        );
        assert_eq!(
            both(RepurchaseStep::Second),
            ("再次支付订单", "Second paid order")
        );
        assert_eq!(time_bucket_label(Lang::Zh, 0), "< 1 分钟");
        assert_eq!(time_bucket_label(Lang::En, 2), "10 min–1 h");
        assert_eq!(time_bucket_label(Lang::Zh, 7), "≥ 30 天");
        // One label per bucket of the core's histogram.
        let n = kezhi_core::funnel::TIME_BUCKETS.len();
        assert!((0..n).all(|i| !time_bucket_label(Lang::En, i).is_empty()));
        assert_eq!(time_bucket_label(Lang::En, n), "");
    }

    #[test]
    fn every_segment_template_is_named() {
        for (code, _) in kezhi_core::segment::saved::TEMPLATES {
            assert_ne!(segment_template_name(Lang::Zh, code), code, "{code}");
            assert_ne!(segment_template_name(Lang::En, code), code, "{code}");
        }
        assert_eq!(segment_template_name(Lang::Zh, "high_value"), "高价值客户");
        assert_eq!(segment_template_name(Lang::En, "at_risk"), "At risk");
        assert_eq!(
            segment_template_name(Lang::Zh, "premium"),
            "优质客户（≥ ¥50,000）"
        );
        assert_eq!(segment_template_name(Lang::En, "gone"), "gone");
    }

    #[test]
    fn import_reasons_errors_and_report_header() {
        assert_eq!(
            import_reason(Lang::Zh, &ImportReason::NotATime),
            "无法识别的日期时间"
        );
        assert_eq!(
            import_reason(Lang::En, &ImportReason::NotANumber),
            "not a number or amount"
        );
        let conflict = ImportReason::OrderCustomerConflict {
            order: "A1".into(),
            customer: "c9".into(),
        };
        assert_eq!(
            import_reason(Lang::Zh, &conflict),
            "订单 A1 的其他明细属于客户 c9"
        );
        assert_eq!(
            import_reason(Lang::En, &conflict),
            "other lines of order A1 belong to customer c9"
        );
        assert_eq!(import_error(Lang::Zh, &ImportError::Empty), "文件是空的");
        // The fields by their names, alternatives in words.
        let unmapped = ImportError::Unmapped(vec!["customer_id", "amount | quantity + unit_price"]);
        assert_eq!(
            import_error(Lang::En, &unmapped),
            "required fields are not mapped: Customer id; Amount or Quantity and Unit price"
        );
        assert_eq!(
            import_error(Lang::Zh, &unmapped),
            "以下必填字段尚未对应到列：客户编号；金额或数量和单价"
        );
        let identity = ImportError::Unmapped(vec!["external_id | name | phone | email"]);
        assert_eq!(
            import_error(Lang::Zh, &identity),
            "以下必填字段尚未对应到列：外部编号、姓名、手机或邮箱"
        );
        assert_eq!(
            import_error(Lang::En, &identity),
            "required fields are not mapped: External id, Name, Phone or E-mail"
        );
        assert_eq!(
            import_error(Lang::Zh, &ImportError::NoSuchSheet("S".into())),
            "工作簿中没有名为 S 的工作表"
        );
        assert_eq!(import_errors_header(Lang::Zh), ["行号", "列", "值", "原因"]);
        assert_eq!(
            import_errors_header(Lang::En),
            ["row", "column", "value", "reason"]
        );
    }
}
