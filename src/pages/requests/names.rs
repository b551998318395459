//! How the request cards' codes read in the UI language: categories (a team's own stay as
//! typed), statuses, priorities, the core's refusals.

use crate::i18n::{Lang, Msg, t};
use kezhi_core::desk::requests::RequestError;
use kezhi_core::model::desk::category;
use kezhi_core::model::{Priority, RequestStatus};

pub fn category_name(lang: Lang, code: &str) -> String {
    let msg = match code {
        category::CONSULTATION => Msg::CategoryConsultation,
        category::COMPLAINT => Msg::CategoryComplaint,
        category::NEED => Msg::CategoryNeed,
        category::SERVICE => Msg::CategoryService,
        own => return own.to_string(),
    };
    t(lang, msg).to_string()
}

pub fn status_msg(s: RequestStatus) -> Msg {
    match s {
        RequestStatus::Open => Msg::ReqStatusOpen,
        RequestStatus::InProgress => Msg::ReqStatusInProgress,
        RequestStatus::Resolved => Msg::ReqStatusResolved,
        RequestStatus::Closed => Msg::ReqStatusClosed,
    }
}

pub fn priority_msg(p: Priority) -> Msg {
    match p {
        Priority::Low => Msg::PriorityLow,
        Priority::Normal => Msg::PriorityNormal,
        Priority::High => Msg::PriorityHigh,
        Priority::Urgent => Msg::PriorityUrgent,
    }
}

pub fn error_msg(e: RequestError) -> Msg {
    match e {
        RequestError::NoCategory => Msg::ErrRequestNoCategory,
        RequestError::NoDescription => Msg::ErrRequestNoDescription,
        RequestError::NoResolution => Msg::ErrRequestNoResolution,
        RequestError::DueBeforeOpened => Msg::ErrRequestDueBeforeOpened,
    }
}

/// "逾期 3 天" / "3 days overdue"; 0 days: overdue since earlier today.
pub fn overdue_days(lang: Lang, days: i64) -> String {
    match (lang, days) {
        (_, 0) => t(lang, Msg::RequestOverdue).to_string(),
        (Lang::Zh, n) => format!("逾期 {n} 天"),
        (Lang::En, 1) => "1 day overdue".to_string(),
        (Lang::En, n) => format!("{n} days overdue"),
    }
}

/// A duration in hours as "26 小时" / "26 h", or days and hours from two days on.
pub fn duration(lang: Lang, ms: i64) -> String {
    let hours = ms.div_euclid(kezhi_core::time::MS_PER_HOUR);
    let (d, h) = (hours / 24, hours % 24);
    match lang {
        Lang::Zh if d >= 2 => format!("{d} 天 {h} 小时"),
        Lang::Zh => format!("{hours} 小时"),
        Lang::En if d >= 2 => format!("{d} d {h} h"),
        Lang::En => format!("{hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezhi_core::time::MS_PER_HOUR;

    #[test]
    fn codes_read_in_both_languages_and_a_teams_own_category_as_typed() {
        assert_eq!(category_name(Lang::Zh, "complaint"), "投诉");
        assert_eq!(category_name(Lang::En, "consultation"), "Consultation");
        assert_eq!(category_name(Lang::Zh, "回访"), "回访");
        assert_eq!(overdue_days(Lang::Zh, 3), "逾期 3 天");
        assert_eq!(overdue_days(Lang::En, 1), "1 day overdue");
        assert_eq!(overdue_days(Lang::En, 0), "Overdue");
        assert_eq!(duration(Lang::Zh, 30 * MS_PER_HOUR), "30 小时");
        assert_eq!(duration(Lang::En, 50 * MS_PER_HOUR), "2 d 2 h");
    }
}
