//! Errors the core reports as types (the query language, saved segments, funnels), worded here.
//! Each arm holds one message in both languages; the arguments are the error's own fields.

use super::{Lang, pick};
use kezhi_core::funnel::FunnelError;
use kezhi_core::segment::error::{ErrorKind, Expected, ParseError};
use kezhi_core::segment::membership::RefError;

/// A query that does not parse (the segment editor, the builder, the customer list's filter).
pub fn query_error(lang: Lang, e: &ParseError) -> String {
    use ErrorKind::*;
    let zh = lang.is_zh();
    match &e.kind {
        UnexpectedEnd => pick(zh, "查询不完整", "the query ends too early").into(),
        Unexpected(t) if zh => format!("此处不应出现“{t}”"),
        Unexpected(t) => format!("unexpected “{t}”"),
        UnknownField(f) if zh => format!("未知字段“{f}”"),
        UnknownField(f) => format!("unknown field “{f}”"),
        NotFor { field, operator } if zh => format!("“{operator}”不能用于字段 {field}"),
        NotFor { field, operator } => format!("“{operator}” does not apply to {field}"),
        Expected(what) if zh => format!("此处应为{}", expected(lang, *what)),
        Expected(what) => format!("expected {}", expected(lang, *what)),
        UnknownLabel(v) if zh => format!("未知取值“{v}”"),
        UnknownLabel(v) => format!("unknown value “{v}”"),
        UnclosedString => pick(zh, "引号没有闭合", "unclosed quote").into(),
        BadNumber(n) if zh => format!("无法识别的数字“{n}”"),
        BadNumber(n) => format!("not a number: “{n}”"),
        EmptyGroup => pick(zh, "括号内为空", "empty parentheses").into(),
    }
}

/// What the parser expected, as the query error names it. (The Chinese of the keywords WITH,
/// EMPTY, THAN and ANY/ALL/NONE has always been the generic 其他内容.)
pub fn expected(lang: Lang, what: Expected) -> &'static str {
    let (zh, en) = match what {
        Expected::Field => ("字段", "a field"),
        Expected::Operator => ("运算符", "an operator"),
        Expected::Number => ("数字", "a number"),
        Expected::Amount => ("金额（元）", "an amount in yuan"),
        Expected::Date => ("日期（如 2024-01-31）", "a date (2024-01-31)"),
        Expected::Span => (
            "时间跨度（如 30d、12w、3m、1y）",
            "a span (30d, 12w, 3m, 1y)",
        ),
        Expected::QuotedText => ("带引号的文字", "a quoted text"),
        Expected::OpeningParen => ("“(”", "“(”"),
        Expected::ClosingParen => ("“)”", "“)”"),
        Expected::Comma => ("“,”", "“,”"),
        Expected::And => ("AND", "AND"),
        Expected::With => ("其他内容", "WITH"),
        Expected::Empty => ("其他内容", "EMPTY"),
        Expected::Than => ("其他内容", "THAN"),
        Expected::AnyAllNone => ("其他内容", "ANY, ALL or NONE"),
    };
    pick(lang.is_zh(), zh, en)
}

/// A query naming saved segments that cannot be resolved.
pub fn segment_ref_error(lang: Lang, e: &RefError) -> String {
    let zh = lang.is_zh();
    match e {
        RefError::Unknown(n) if zh => format!("没有名为“{n}”的已保存分群"),
        RefError::Unknown(n) => format!("no saved segment is named “{n}”"),
        RefError::Cycle(path) if zh => format!("分群不能循环引用：{}", path.join(" → ")),
        RefError::Cycle(path) => format!(
            "segments cannot refer to each other in a circle: {}",
            path.join(" → ")
        ),
        RefError::Invalid { name, error } if zh => {
            format!("分群“{name}”的查询有误：{}", query_error(lang, error))
        }
        RefError::Invalid { name, error } => format!(
            "the query of segment “{name}” is invalid: {}",
            query_error(lang, error)
        ),
    }
}

/// A funnel definition that cannot be computed, or a funnel URL that cannot be read. (A URL's
/// detail comes from the core in English, in both languages.)
pub fn funnel_error(lang: Lang, e: &FunnelError) -> String {
    let zh = lang.is_zh();
    match e {
        FunnelError::TooFewSteps(n) if zh => format!("漏斗至少需要 2 个步骤，当前 {n} 个"),
        FunnelError::TooFewSteps(n) => format!("a funnel needs at least 2 steps, this one has {n}"),
        FunnelError::TooManySteps(n) if zh => format!("漏斗最多 10 个步骤，当前 {n} 个"),
        FunnelError::TooManySteps(n) => format!("a funnel has at most 10 steps, this one has {n}"),
        FunnelError::EmptyEvent { step } if zh => format!("第 {} 步没有选择事件", step + 1),
        FunnelError::EmptyEvent { step } => format!("step {} has no event type", step + 1),
        FunnelError::EmptyFilterValue { step } if zh => {
            format!("第 {} 步的筛选条件没有取值", step + 1)
        }
        FunnelError::EmptyFilterValue { step } => {
            format!("a filter of step {} has no value", step + 1)
        }
        FunnelError::ZeroWindow => pick(
            zh,
            "转化窗口必须大于 0",
            "the conversion window must be longer than zero",
        )
        .into(),
        FunnelError::WindowTooLong => pick(
            zh,
            "转化窗口不能超过 10 年",
            "the conversion window is longer than ten years",
        )
        .into(),
        FunnelError::EmptyRange => pick(
            zh,
            "第 1 步的日期范围为空",
            "the date range of step 1 is empty",
        )
        .into(),
        FunnelError::OptionalFirstStep => pick(
            zh,
            "第 1 步不能是可选步骤",
            "the first step cannot be optional",
        )
        .into(),
        FunnelError::OptionalLastStep => pick(
            zh,
            "最后一步不能是可选步骤",
            "the last step cannot be optional",
        )
        .into(),
        FunnelError::OptionalInStrictMode => pick(
            zh,
            "严格顺序下不能有可选步骤",
            "optional steps are not available in strict order",
        )
        .into(),
        FunnelError::TooManyExclusions(n) if zh => format!("排除条件最多 10 个，当前 {n} 个"),
        FunnelError::TooManyExclusions(n) => {
            format!("a funnel has at most 10 exclusions, this one has {n}")
        }
        FunnelError::ExclusionEmptyEvent { exclusion } if zh => {
            format!("第 {} 个排除条件没有选择事件", exclusion + 1)
        }
        FunnelError::ExclusionEmptyEvent { exclusion } => {
            format!("exclusion {} has no event type", exclusion + 1)
        }
        FunnelError::ExclusionEmptyFilterValue { exclusion } if zh => {
            format!("第 {} 个排除条件的筛选条件没有取值", exclusion + 1)
        }
        FunnelError::ExclusionEmptyFilterValue { exclusion } => {
            format!("a filter of exclusion {} has no value", exclusion + 1)
        }
        FunnelError::ExclusionBadSteps { exclusion } if zh => {
            format!(
                "第 {} 个排除条件的起始步骤必须在结束步骤之前",
                exclusion + 1
            )
        }
        FunnelError::ExclusionBadSteps { exclusion } => {
            format!(
                "exclusion {}: its first step must come before its last step",
                exclusion + 1
            )
        }
        FunnelError::ExclusionAtOptionalStep { exclusion } if zh => {
            format!("第 {} 个排除条件不能以可选步骤为起止", exclusion + 1)
        }
        FunnelError::ExclusionAtOptionalStep { exclusion } => {
            format!(
                "exclusion {} cannot start or end at an optional step",
                exclusion + 1
            )
        }
        FunnelError::BadUrl(what) if zh => format!("无法识别的漏斗：{what}"),
        FunnelError::BadUrl(what) => format!("not a funnel: {what}"),
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;
    use kezhi_core::segment::parse;

    fn both(e: &ParseError) -> (String, String) {
        (query_error(Lang::Zh, e), query_error(Lang::En, e))
    }

    fn kind(kind: ErrorKind) -> (String, String) {
        both(&ParseError { at: 0, kind })
    }

    /// The wording is what the core used to format, word for word (the e2e tests read some).
    #[test]
    fn query_errors_keep_their_words_in_both_languages() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            kind(ErrorKind::UnexpectedEnd),
            s("查询不完整", "the query ends too early")
        );
        assert_eq!(
            kind(ErrorKind::Unexpected("city".into())),
            s("此处不应出现“city”", "unexpected “city”")
        );
        assert_eq!(
            kind(ErrorKind::UnknownField("foo".into())),
            s("未知字段“foo”", "unknown field “foo”")
        );
        assert_eq!(
            kind(ErrorKind::NotFor {
                field: "city".into(),
                operator: ">".into()
            }),
            s("“>”不能用于字段 city", "“>” does not apply to city")
        );
        assert_eq!(
            kind(ErrorKind::UnknownLabel("成熟了".into())),
            s("未知取值“成熟了”", "unknown value “成熟了”")
        );
        assert_eq!(
            kind(ErrorKind::UnclosedString),
            s("引号没有闭合", "unclosed quote")
        );
        assert_eq!(
            kind(ErrorKind::BadNumber("1.5".into())),
            s("无法识别的数字“1.5”", "not a number: “1.5”")
        );
        assert_eq!(
            kind(ErrorKind::EmptyGroup),
            s("括号内为空", "empty parentheses")
        );
        let expected = |e| kind(ErrorKind::Expected(e));
        assert_eq!(
            expected(Expected::Field),
            s("此处应为字段", "expected a field")
        );
        assert_eq!(
            expected(Expected::Operator),
            s("此处应为运算符", "expected an operator")
        );
        assert_eq!(
            expected(Expected::Number),
            s("此处应为数字", "expected a number")
        );
        assert_eq!(
            expected(Expected::Amount),
            s("此处应为金额（元）", "expected an amount in yuan")
        );
        assert_eq!(
            expected(Expected::Date),
            s(
                "此处应为日期（如 2024-01-31）",
                "expected a date (2024-01-31)"
            )
        );
        assert_eq!(
            expected(Expected::Span),
            s(
                "此处应为时间跨度（如 30d、12w、3m、1y）",
                "expected a span (30d, 12w, 3m, 1y)"
            )
        );
        assert_eq!(
            expected(Expected::QuotedText),
            s("此处应为带引号的文字", "expected a quoted text")
        );
        assert_eq!(
            expected(Expected::OpeningParen),
            s("此处应为“(”", "expected “(”")
        );
        assert_eq!(
            expected(Expected::ClosingParen),
            s("此处应为“)”", "expected “)”")
        );
        assert_eq!(expected(Expected::Comma), s("此处应为“,”", "expected “,”"));
        assert_eq!(expected(Expected::And), s("此处应为AND", "expected AND"));
        assert_eq!(
            expected(Expected::With),
            s("此处应为其他内容", "expected WITH")
        );
        assert_eq!(
            expected(Expected::Empty),
            s("此处应为其他内容", "expected EMPTY")
        );
        assert_eq!(
            expected(Expected::Than),
            s("此处应为其他内容", "expected THAN")
        );
        assert_eq!(
            expected(Expected::AnyAllNone),
            s("此处应为其他内容", "expected ANY, ALL or NONE")
        );
        // Moved from crates/core/tests/segments.rs: the message quotes what cannot stand there.
        let e = parse("城市 ~ 1").expect_err("bad");
        assert!(query_error(Lang::Zh, &e).contains('~') && query_error(Lang::En, &e).contains('~'));
    }

    #[test]
    fn segment_reference_errors() {
        let cycle = RefError::Cycle(vec!["A".into(), "B".into(), "C".into(), "a".into()]);
        // Moved from crates/core/tests/segments.rs.
        assert_eq!(
            segment_ref_error(Lang::Zh, &cycle),
            "分群不能循环引用：A → B → C → a"
        );
        assert_eq!(
            segment_ref_error(Lang::En, &cycle),
            "segments cannot refer to each other in a circle: A → B → C → a"
        );
        let unknown = RefError::Unknown("无此分群".into());
        assert_eq!(
            segment_ref_error(Lang::Zh, &unknown),
            "没有名为“无此分群”的已保存分群"
        );
        assert_eq!(
            segment_ref_error(Lang::En, &unknown),
            "no saved segment is named “无此分群”"
        );
        let invalid = RefError::Invalid {
            name: "坏".into(),
            error: parse("city = ").expect_err("incomplete"),
        };
        assert_eq!(
            segment_ref_error(Lang::Zh, &invalid),
            "分群“坏”的查询有误：查询不完整"
        );
        assert_eq!(
            segment_ref_error(Lang::En, &invalid),
            "the query of segment “坏” is invalid: the query ends too early"
        );
    }

    #[test]
    fn funnel_errors() {
        let both = |e: FunnelError| (funnel_error(Lang::Zh, &e), funnel_error(Lang::En, &e));
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        // Moved from crates/core/tests/funnels.rs.
        assert!(funnel_error(Lang::Zh, &FunnelError::TooFewSteps(1)).contains("至少"));
        assert_eq!(
            both(FunnelError::TooFewSteps(1)),
            s(
                "漏斗至少需要 2 个步骤，当前 1 个",
                "a funnel needs at least 2 steps, this one has 1"
            )
        );
        assert_eq!(
            both(FunnelError::TooManySteps(11)),
            s(
                "漏斗最多 10 个步骤，当前 11 个",
                "a funnel has at most 10 steps, this one has 11"
            )
        );
        assert_eq!(
            both(FunnelError::EmptyEvent { step: 1 }),
            s("第 2 步没有选择事件", "step 2 has no event type")
        );
        assert_eq!(
            both(FunnelError::EmptyFilterValue { step: 0 }),
            s(
                "第 1 步的筛选条件没有取值",
                "a filter of step 1 has no value"
            )
        );
        assert_eq!(
            both(FunnelError::ZeroWindow),
            s(
                "转化窗口必须大于 0",
                "the conversion window must be longer than zero"
            )
        );
        assert_eq!(
            both(FunnelError::WindowTooLong),
            s(
                "转化窗口不能超过 10 年",
                "the conversion window is longer than ten years"
            )
        );
        assert_eq!(
            both(FunnelError::EmptyRange),
            s("第 1 步的日期范围为空", "the date range of step 1 is empty")
        );
        assert_eq!(
            both(FunnelError::BadUrl("no window".into())),
            s("无法识别的漏斗：no window", "not a funnel: no window")
        );
        assert_eq!(
            both(FunnelError::OptionalFirstStep),
            s("第 1 步不能是可选步骤", "the first step cannot be optional")
        );
        assert_eq!(
            both(FunnelError::ExclusionBadSteps { exclusion: 1 }),
            s(
                "第 2 个排除条件的起始步骤必须在结束步骤之前",
                "exclusion 2: its first step must come before its last step"
            )
        );
        assert_eq!(
            both(FunnelError::TooManyExclusions(11)),
            s(
                "排除条件最多 10 个，当前 11 个",
                "a funnel has at most 10 exclusions, this one has 11"
            )
        );
    }
}
