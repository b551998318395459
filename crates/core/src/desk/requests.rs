//! Request cards (需求卡): deadlines from a service level per category, status changes, the
//! list's filters and order, and the dashboard's figures. Definitions: docs/desk.md.

use crate::model::desk::category;
use crate::model::{Priority, Request, RequestStatus};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, Timestamp};
use chrono::{Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Hours to resolve a request of a category not in [`DeskSettings::sla_hours`].
pub const DEFAULT_SLA_HOURS: u32 = 72;

/// The team's settings for requests: the categories offered and the service level of each.
/// Part of the team's shared settings (synced, in backups).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskSettings {
    /// The categories a new request offers, in order: codes of [`category`] or a team's own.
    pub categories: Vec<String>,
    /// Hours within which a request of a category must be resolved.
    pub sla_hours: BTreeMap<String, u32>,
}

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings {
            categories: category::BUILT_IN.iter().map(|c| c.to_string()).collect(),
            sla_hours: [
                (category::CONSULTATION, 48),
                (category::COMPLAINT, 24),
                (category::NEED, 72),
                (category::SERVICE, 48),
            ]
            .into_iter()
            .map(|(c, h)| (c.to_string(), h))
            .collect(),
        }
    }
}

impl DeskSettings {
    pub fn sla_hours(&self, category: &str) -> u32 {
        self.sla_hours
            .get(category)
            .copied()
            .unwrap_or(DEFAULT_SLA_HOURS)
    }
    /// When a request of `category` opened at `opened` is due.
    pub fn due_at(&self, category: &str, opened: Timestamp) -> Timestamp {
        opened.plus_millis(i64::from(self.sla_hours(category)) * MS_PER_HOUR)
    }
}

/// What a person fills in to open a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestDraft {
    pub customer_id: Uuid,
    pub category: String,
    pub description: String,
    pub priority: Priority,
    pub owner: Option<String>,
    /// A deadline set by hand; `None`: from the category's service level.
    pub due_at: Option<Timestamp>,
}

/// Why a request could not be opened or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestError {
    NoCategory,
    NoDescription,
    /// Resolving takes a note of how.
    NoResolution,
    /// The deadline is before the request was opened.
    DueBeforeOpened,
}

impl RequestError {
    pub fn code(self) -> &'static str {
        match self {
            RequestError::NoCategory => "no_category",
            RequestError::NoDescription => "no_description",
            RequestError::NoResolution => "no_resolution",
            RequestError::DueBeforeOpened => "due_before_opened",
        }
    }
}

/// A new open request from a draft, due by the category's service level unless set by hand.
pub fn open_request(
    draft: RequestDraft,
    settings: &DeskSettings,
    id: Uuid,
    now: Timestamp,
) -> Result<Request, RequestError> {
    let category = draft.category.trim().to_string();
    if category.is_empty() {
        return Err(RequestError::NoCategory);
    }
    let description = draft.description.trim().to_string();
    if description.is_empty() {
        return Err(RequestError::NoDescription);
    }
    let due_at = match draft.due_at {
        Some(d) if d < now => return Err(RequestError::DueBeforeOpened),
        Some(d) => d,
        None => settings.due_at(&category, now),
    };
    Ok(Request {
        id,
        customer_id: draft.customer_id,
        category,
        description,
        priority: draft.priority,
        status: RequestStatus::Open,
        owner: draft
            .owner
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty()),
        opened_at: now,
        due_at,
        closed_at: None,
        resolution: String::new(),
        updated_at: now,
    })
}

/// Moves a request to `to`. Resolving needs a resolution note; resolving or closing stamps
/// `closed_at`, reopening clears it. A change to the same status only updates the note.
pub fn set_status(
    r: &mut Request,
    to: RequestStatus,
    resolution: &str,
    now: Timestamp,
) -> Result<(), RequestError> {
    let resolution = resolution.trim();
    if to == RequestStatus::Resolved && resolution.is_empty() {
        return Err(RequestError::NoResolution);
    }
    if to.is_open() {
        r.closed_at = None;
    } else if r.status != to || r.closed_at.is_none() {
        r.closed_at = Some(now);
    }
    if !resolution.is_empty() || to.is_open() {
        r.resolution = resolution.to_string();
    }
    r.status = to;
    r.updated_at = now;
    Ok(())
}

/// Which requests the list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// `None`: every status; the list's default is the open ones ([`StatusFilter::Open`]).
    pub status: Option<StatusFilter>,
    pub category: Option<String>,
    pub owner: Option<String>,
    pub overdue_only: bool,
    pub customer: Option<Uuid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// Open or in progress.
    Open,
    Is(RequestStatus),
}

/// Positions of the requests the filter keeps, overdue ones first, then by deadline (the most
/// urgent first), then by priority (highest first) and id.
pub fn filter_requests(requests: &[Request], f: &RequestFilter, now: Timestamp) -> Vec<usize> {
    let mut out: Vec<usize> = requests
        .iter()
        .enumerate()
        .filter(|(_, r)| match f.status {
            None => true,
            Some(StatusFilter::Open) => r.status.is_open(),
            Some(StatusFilter::Is(s)) => r.status == s,
        })
        .filter(|(_, r)| f.category.as_ref().is_none_or(|c| r.category == *c))
        .filter(|(_, r)| f.owner.as_ref().is_none_or(|o| r.owner.as_ref() == Some(o)))
        .filter(|(_, r)| !f.overdue_only || r.is_overdue(now))
        .filter(|(_, r)| f.customer.is_none_or(|c| r.customer_id == c))
        .map(|(i, _)| i)
        .collect();
    crate::sorting::sort_by_key(&mut out, |&i| {
        let r = &requests[i];
        (
            !r.is_overdue(now),
            !r.status.is_open(),
            r.due_at,
            std::cmp::Reverse(r.priority),
            r.id,
        )
    });
    out
}

/// Open requests that are overdue, or due by the end of `today` (in `offset`): the "request"
/// reason of the day's work list. (Index, days late: today minus the due date's day, 0 when
/// due today — whether or not the hour has passed, which the page shows from the clock.)
pub fn due_by_today(
    requests: &[Request],
    today: NaiveDate,
    offset: FixedOffset,
) -> Vec<(usize, i64)> {
    let Some(end) = today
        .succ_opt()
        .and_then(|d| Timestamp::start_of_day(d, offset))
    else {
        return Vec::new();
    };
    let today_n = crate::time::day_number(today);
    requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status.is_open() && r.due_at < end)
        .map(|(i, r)| (i, (today_n - r.due_at.local_day(offset)).max(0)))
        .collect()
}

/// Requests opened and resolved in one week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeekCounts {
    /// The Monday the week starts on.
    pub week: NaiveDate,
    pub opened: usize,
    pub resolved: usize,
}

/// The dashboard's request figures over `weeks` weeks ending with the week of `today`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// Oldest week first.
    pub weeks: Vec<WeekCounts>,
    /// Requests resolved in the period, and those of them resolved by their deadline.
    pub resolved: usize,
    pub resolved_in_sla: usize,
    /// Median time from opening to resolution of those resolved in the period, in ms (the
    /// mean of the two middle values, rounded down, for an even number); `None`: none.
    pub median_resolve_ms: Option<i64>,
    /// Open now, and of those overdue.
    pub open: usize,
    pub overdue: usize,
}

pub fn request_stats(
    requests: &[Request],
    today: NaiveDate,
    weeks: usize,
    offset: FixedOffset,
    now: Timestamp,
) -> RequestStats {
    let monday =
        |d: NaiveDate| d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let last = monday(today);
    let first = last - chrono::Duration::days(7 * (weeks.max(1) as i64 - 1));
    let mut out = RequestStats {
        weeks: (0..weeks.max(1))
            .map(|k| WeekCounts {
                week: first + chrono::Duration::days(7 * k as i64),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let first_n = crate::time::day_number(first);
    let slot = |t: Timestamp| -> Option<usize> {
        let day = t.local_day(offset);
        let since = day - first_n;
        (since >= 0).then_some((since / 7) as usize)
    };
    let mut durations: Vec<i64> = Vec::new();
    for r in requests {
        if let Some(w) = slot(r.opened_at).and_then(|k| out.weeks.get_mut(k)) {
            w.opened += 1;
        }
        if r.status.is_open() {
            out.open += 1;
            out.overdue += usize::from(r.is_overdue(now));
        }
        if r.status == RequestStatus::Resolved
            && let Some(closed) = r.closed_at
            && let Some(w) = slot(closed).and_then(|k| out.weeks.get_mut(k))
        {
            w.resolved += 1;
            out.resolved += 1;
            out.resolved_in_sla += usize::from(closed <= r.due_at);
            durations.push(closed.millis() - r.opened_at.millis());
        }
    }
    durations.sort_unstable();
    let n = durations.len();
    out.median_resolve_ms = match n {
        0 => None,
        _ if n % 2 == 1 => Some(durations[n / 2]),
        _ => Some((durations[n / 2 - 1] + durations[n / 2]).div_euclid(2)),
    };
    out
}

/// Whole days (rounded down) in a duration, for "resolved in 2 days".
pub fn days_of(ms: i64) -> i64 {
    ms.div_euclid(MS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::china_offset;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_iso(s).expect("time")
    }

    fn draft(category: &str) -> RequestDraft {
        RequestDraft {
            customer_id: Uuid::from_u128(9),
            category: category.into(),
            description: " 退货未到账 ".into(),
            priority: Priority::High,
            owner: Some(" 王经理 ".into()),
            due_at: None,
        }
    }

    #[test]
    fn the_deadline_follows_the_categorys_service_level_across_midnight() {
        let s = DeskSettings::default();
        // 23:30 in Beijing on 1 December: a complaint is due 23:30 on 2 December.
        let opened = t("2026-12-01T23:30:00+08:00");
        let r = open_request(draft("complaint"), &s, Uuid::from_u128(1), opened).expect("ok");
        assert_eq!(r.due_at, t("2026-12-02T23:30:00+08:00"));
        assert_eq!(r.due_at.format_date(china_offset()), "2026-12-02");
        // The same instant is still 1 December in UTC (15:30): the due day there is the 2nd.
        assert_eq!(
            r.due_at.format_date(FixedOffset::east_opt(0).expect("utc")),
            "2026-12-02"
        );
        assert_eq!(
            (r.description.as_str(), r.owner.as_deref()),
            ("退货未到账", Some("王经理"))
        );
        assert_eq!(r.status, RequestStatus::Open);
        let need = open_request(draft("need"), &s, Uuid::from_u128(2), opened).expect("ok");
        assert_eq!(need.due_at, t("2026-12-04T23:30:00+08:00"));
        let own = open_request(draft("回访"), &s, Uuid::from_u128(3), opened).expect("ok");
        assert_eq!(own.due_at, opened.plus_millis(72 * MS_PER_HOUR));
    }

    #[test]
    fn a_draft_without_category_or_text_or_with_a_past_deadline_is_refused() {
        let s = DeskSettings::default();
        let now = t("2026-12-01T09:00:00Z");
        let id = Uuid::from_u128(1);
        assert_eq!(
            open_request(draft(" "), &s, id, now),
            Err(RequestError::NoCategory)
        );
        let mut d = draft("complaint");
        d.description = "  ".into();
        assert_eq!(
            open_request(d, &s, id, now),
            Err(RequestError::NoDescription)
        );
        let mut d = draft("complaint");
        d.due_at = Some(t("2026-12-01T08:00:00Z"));
        assert_eq!(
            open_request(d, &s, id, now),
            Err(RequestError::DueBeforeOpened)
        );
    }

    #[test]
    fn resolving_needs_a_note_and_stamps_the_time_reopening_clears_it() {
        let s = DeskSettings::default();
        let opened = t("2026-12-01T09:00:00Z");
        let mut r = open_request(draft("complaint"), &s, Uuid::from_u128(1), opened).expect("ok");
        let later = t("2026-12-01T10:00:00Z");
        assert_eq!(
            set_status(&mut r, RequestStatus::Resolved, " ", later),
            Err(RequestError::NoResolution)
        );
        assert_eq!(r.status, RequestStatus::Open);
        set_status(&mut r, RequestStatus::InProgress, "", later).expect("ok");
        assert_eq!(
            (r.status, r.closed_at, r.updated_at),
            (RequestStatus::InProgress, None, later)
        );
        let done = t("2026-12-01T12:00:00Z");
        set_status(&mut r, RequestStatus::Resolved, "已补发", done).expect("ok");
        assert_eq!((r.closed_at, r.resolution.as_str()), (Some(done), "已补发"));
        set_status(&mut r, RequestStatus::Open, "", t("2026-12-02T00:00:00Z")).expect("ok");
        assert_eq!((r.closed_at, r.resolution.as_str()), (None, ""));
    }

    fn at(id: u128, category: &str, opened: &str, due: &str, status: RequestStatus) -> Request {
        Request {
            id: Uuid::from_u128(id),
            customer_id: Uuid::from_u128(100 + id),
            category: category.into(),
            description: "x".into(),
            priority: Priority::Normal,
            status,
            owner: Some(if id.is_multiple_of(2) { "甲" } else { "乙" }.into()),
            opened_at: t(opened),
            due_at: t(due),
            closed_at: None,
            resolution: String::new(),
            updated_at: t(opened),
        }
    }

    #[test]
    fn the_list_puts_overdue_first_then_by_deadline_and_filters_exactly() {
        let now = t("2026-12-02T12:00:00+08:00");
        let rs = vec![
            at(
                1,
                "need",
                "2026-11-30T09:00:00+08:00",
                "2026-12-03T09:00:00+08:00",
                RequestStatus::Open,
            ),
            at(
                2,
                "complaint",
                "2026-12-01T09:00:00+08:00",
                "2026-12-02T09:00:00+08:00",
                RequestStatus::InProgress,
            ),
            at(
                3,
                "complaint",
                "2026-11-28T09:00:00+08:00",
                "2026-11-29T09:00:00+08:00",
                RequestStatus::Resolved,
            ),
            at(
                4,
                "service",
                "2026-12-01T09:00:00+08:00",
                "2026-12-02T18:00:00+08:00",
                RequestStatus::Open,
            ),
            at(
                5,
                "complaint",
                "2026-11-20T09:00:00+08:00",
                "2026-11-21T09:00:00+08:00",
                RequestStatus::Open,
            ),
        ];
        let all = RequestFilter::default();
        assert_eq!(filter_requests(&rs, &all, now), vec![4, 1, 3, 0, 2]);
        let open = RequestFilter {
            status: Some(StatusFilter::Open),
            ..Default::default()
        };
        assert_eq!(filter_requests(&rs, &open, now), vec![4, 1, 3, 0]);
        let overdue_complaints = RequestFilter {
            category: Some("complaint".into()),
            overdue_only: true,
            ..Default::default()
        };
        assert_eq!(filter_requests(&rs, &overdue_complaints, now), vec![4, 1]);
        let mine = RequestFilter {
            owner: Some("甲".into()),
            ..Default::default()
        };
        assert_eq!(filter_requests(&rs, &mine, now), vec![1, 3]);
        // Due by the end of 2 December in Beijing: the two overdue, and the one due 18:00.
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        assert_eq!(
            due_by_today(&rs, day, china_offset()),
            vec![(1, 0), (3, 0), (4, 11)]
        );
    }

    #[test]
    fn weekly_counts_share_in_time_and_the_median_time_to_resolve() {
        let now = t("2026-12-02T12:00:00+08:00");
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        let resolved = |id, opened: &str, due: &str, closed: &str| {
            let mut r = at(id, "complaint", opened, due, RequestStatus::Resolved);
            r.closed_at = Some(t(closed));
            r
        };
        let rs = vec![
            // Week of 23 Nov: opened, resolved in 10 h (in time).
            resolved(
                1,
                "2026-11-24T09:00:00+08:00",
                "2026-11-25T09:00:00+08:00",
                "2026-11-24T19:00:00+08:00",
            ),
            // Opened Sunday 23:00 of that week, resolved Monday after the deadline: 30 h.
            resolved(
                2,
                "2026-11-29T23:00:00+08:00",
                "2026-11-30T23:00:00+08:00",
                "2026-12-01T05:00:00+08:00",
            ),
            // This week: opened, still open and overdue.
            at(
                3,
                "complaint",
                "2026-11-30T09:00:00+08:00",
                "2026-12-01T09:00:00+08:00",
                RequestStatus::Open,
            ),
            // Closed (not resolved): not counted as resolved.
            {
                let mut r = at(
                    4,
                    "need",
                    "2026-12-01T09:00:00+08:00",
                    "2026-12-04T09:00:00+08:00",
                    RequestStatus::Closed,
                );
                r.closed_at = Some(t("2026-12-01T10:00:00+08:00"));
                r
            },
            // Resolved this week in 2 h.
            resolved(
                5,
                "2026-12-02T08:00:00+08:00",
                "2026-12-03T08:00:00+08:00",
                "2026-12-02T10:00:00+08:00",
            ),
            // Opened before the period.
            at(
                6,
                "need",
                "2026-10-01T09:00:00+08:00",
                "2026-10-04T09:00:00+08:00",
                RequestStatus::Open,
            ),
        ];
        let s = request_stats(&rs, today, 2, china_offset(), now);
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert_eq!(
            s.weeks,
            vec![
                WeekCounts {
                    week: d(11, 23),
                    opened: 2,
                    resolved: 1
                },
                WeekCounts {
                    week: d(11, 30),
                    opened: 3,
                    resolved: 2
                },
            ]
        );
        assert_eq!((s.resolved, s.resolved_in_sla), (3, 2));
        // 2 h, 10 h, 30 h: the median is 10 h.
        assert_eq!(s.median_resolve_ms, Some(10 * MS_PER_HOUR));
        assert_eq!((s.open, s.overdue), (2, 2));
        let even = request_stats(&rs[..2], today, 2, china_offset(), now);
        assert_eq!(even.median_resolve_ms, Some(20 * MS_PER_HOUR));
        assert_eq!(days_of(30 * MS_PER_HOUR), 1);
    }
}
