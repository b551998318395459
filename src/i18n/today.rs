//! Today's list (kezhi_core::today): each reason and its detail, worded here. The matches are
//! exhaustive, so a reason the core adds does not compile until it is worded.

use super::{Lang, Msg, t};
use chrono::FixedOffset;
use kezhi_core::Timestamp;
use kezhi_core::metrics::ChurnWarning;
use kezhi_core::today::{Detail, Reason};

/// A reason's name (the Today page's headings, the navigation's counts).
pub fn reason_name(lang: Lang, reason: Reason) -> &'static str {
    t(
        lang,
        match reason {
            Reason::FollowUp => Msg::ReasonFollowUp,
            Reason::Overdue => Msg::ReasonOverdue,
            Reason::Birthday => Msg::ReasonBirthday,
            Reason::AtRisk => Msg::ReasonAtRisk,
            Reason::Request => Msg::ReasonRequest,
            Reason::Care => Msg::ReasonCare,
        },
    )
}

/// What an item's detail says: how late, which birthday, why at risk, when a request is due
/// (read in `offset`; `now` tells a request due earlier today from one due later).
pub fn today_detail(lang: Lang, detail: &Detail, offset: FixedOffset, now: Timestamp) -> String {
    match detail {
        Detail::FollowUp { .. } => t(lang, Msg::TodayPlannedToday).to_string(),
        Detail::Overdue { due, days, .. } => t(lang, Msg::TodayOverdueDays)
            .replace("{days}", &days.to_string())
            .replace("{due}", &due.to_string()),
        Detail::Birthday { on, in_days, age } => {
            let msg = match (in_days, age) {
                (0, None) => Msg::TodayBirthdayToday,
                (0, Some(_)) => Msg::TodayBirthdayTodayAge,
                (_, None) => Msg::TodayBirthdayIn,
                (_, Some(_)) => Msg::TodayBirthdayInAge,
            };
            t(lang, msg)
                .replace("{days}", &in_days.to_string())
                .replace("{date}", &on.format("%m-%d").to_string())
                .replace("{age}", &age.unwrap_or_default().to_string())
        }
        Detail::AtRisk(w) => churn_reason(lang, w),
        Detail::Request { due, days_late, .. } => {
            let msg = match *days_late {
                0 if *due < now => Msg::TodayRequestPassed,
                0 => Msg::TodayRequestDue,
                _ => Msg::TodayRequestLate,
            };
            t(lang, msg)
                .replace("{days}", &days_late.to_string())
                .replace(
                    "{time}",
                    due.format_local(offset).get(11..).unwrap_or_default(),
                )
                .replace("{due}", &due.format_local(offset))
        }
        Detail::Care { .. } => t(lang, Msg::TodayCareNotYet).to_string(),
    }
}

/// Why a customer is at risk, as the dashboard's churn warnings say it.
pub fn churn_reason(lang: Lang, w: &ChurnWarning) -> String {
    match w.usual_gap_days {
        Some(gap) => t(lang, Msg::ChurnReasonGap)
            .replace("{days}", &w.recency_days.to_string())
            .replace("{gap}", &gap.max(1).to_string()),
        None => t(lang, Msg::ChurnReasonOnce)
            .replace("{days}", &w.recency_days.to_string())
            .replace("{limit}", &w.limit_days.to_string()),
    }
}

#[cfg(test)]
mod today_tests {
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    /// Beijing time; "now" is 2 December 2026, 12:00 there.
    const NOW: Timestamp = Timestamp(1_796_184_000_000);

    fn both(d: &Detail) -> (String, String) {
        let cst = kezhi_core::time::china_offset();
        (
            today_detail(Lang::Zh, d, cst, NOW),
            today_detail(Lang::En, d, cst, NOW),
        )
    }

    fn s(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn every_reason_and_detail_is_worded_in_both_languages() {
        let names: Vec<(&str, &str)> = Reason::ALL
            .iter()
            .map(|&r| (reason_name(Lang::Zh, r), reason_name(Lang::En, r)))
            .collect();
        assert_eq!(
            names,
            [
                ("今日跟进", "Follow-ups due today"),
                ("逾期跟进", "Overdue follow-ups"),
                ("生日", "Birthdays"),
                ("新近流失预警", "Newly at risk"),
                ("需求到期", "Requests due"),
                ("关怀待联系", "Care contacts to make"),
            ]
        );
        // Requests: due later today, due earlier today, days late (times in Beijing).
        let hour = 3_600_000;
        let request = |due: i64, days_late| Detail::Request {
            request: Uuid::from_u128(2),
            category: "complaint".into(),
            priority: kezhi_core::Priority::High,
            due: Timestamp(NOW.millis() + due),
            days_late,
        };
        assert_eq!(
            both(&request(6 * hour, 0)),
            s("今天 18:00 前处理", "due today by 18:00")
        );
        assert_eq!(
            both(&request(-3 * hour, 0)),
            s("已逾期（今天 09:00 到期）", "overdue (due today at 09:00)")
        );
        assert_eq!(
            both(&request(-50 * hour, 2)),
            s(
                "逾期 2 天（应于 2026-11-30 10:00 前处理）",
                "2 days overdue (due 2026-11-30 10:00)"
            )
        );
        assert_eq!(
            both(&Detail::Care {
                task: Uuid::from_u128(3),
                campaign: Uuid::from_u128(4)
            }),
            s("尚未联系", "not contacted yet")
        );
        let activity = Uuid::from_u128(1);
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert_eq!(
            both(&Detail::FollowUp { activity }),
            s("计划今天跟进", "planned for today")
        );
        assert_eq!(
            both(&Detail::Overdue {
                activity,
                due: date(11, 29),
                days: 3
            }),
            s(
                "逾期 3 天（原定 2026-11-29）",
                "3 days overdue (due 2026-11-29)"
            )
        );
        let birthday = |in_days, age| Detail::Birthday {
            on: date(12, 4),
            in_days,
            age,
        };
        assert_eq!(
            both(&birthday(2, Some(36))),
            s(
                "2 天后 36 岁生日（12-04）",
                "birthday in 2 days (12-04), turns 36"
            )
        );
        assert_eq!(
            both(&birthday(2, None)),
            s("2 天后生日（12-04）", "birthday in 2 days (12-04)")
        );
        assert_eq!(
            both(&birthday(0, Some(40))),
            s("今天 40 岁生日", "birthday today, turns 40")
        );
        assert_eq!(both(&birthday(0, None)), s("今天生日", "birthday today"));
        // The dashboard's words for the churn warnings.
        let w = ChurnWarning {
            index: 0,
            recency_days: 42,
            usual_gap_days: Some(10),
            limit_days: 20,
            total_spent: 90_000,
        };
        assert_eq!(
            both(&Detail::AtRisk(w.clone())),
            s(
                "已 42 天未下单，平时约每 10 天一单",
                "no order for 42 days, usually every 10"
            )
        );
        let once = ChurnWarning {
            usual_gap_days: None,
            limit_days: 90,
            recency_days: 100,
            ..w
        };
        assert_eq!(
            both(&Detail::AtRisk(once)),
            s(
                "只下过一单，已 100 天未再购买（超过 90 天）",
                "one order only, none for 100 days (limit 90)"
            )
        );
    }
}
