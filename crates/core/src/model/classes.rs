//! The classes analytics put a customer in — lifecycle [`Stage`], [`RfmGroup`], value
//! [`Tier`] — kept beside the model because a customer record stores one (a manual stage)
//! and every layer (metrics, segments, funnels, storage, sync, the pages) names them.

use serde::{Deserialize, Serialize};

/// The value of `all` whose `code` is `code` (labels travel in URLs and settings as codes).
fn by_code<T: Copy>(all: &[T], code: fn(T) -> &'static str, wanted: &str) -> Option<T> {
    all.iter().copied().find(|x| code(*x) == wanted)
}

/// The customer lifecycle (客户生命周期). Codes only: the app names a stage in the UI's
/// language (`i18n::Localize`), the query language has its own words for it
/// (`segment::resolve::stage_word`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// 潜在: no paid order.
    Prospect,
    /// 开发/新客: one paid order, not at risk (新客 while within `new_days`).
    Developing,
    /// 成长: two or more paid orders, fewer than `mature_orders`.
    Growing,
    /// 成熟: at least `mature_orders` paid orders and not at risk.
    Mature,
    /// 流失预警: quiet for longer than usual (see `AtRisk` rules in docs/analytics.md).
    AtRisk,
    /// 流失: no order for more than `churn_days`.
    Churned,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Prospect,
        Stage::Developing,
        Stage::Growing,
        Stage::Mature,
        Stage::AtRisk,
        Stage::Churned,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::Developing => "developing",
            Stage::Growing => "growing",
            Stage::Mature => "mature",
            Stage::AtRisk => "at_risk",
            Stage::Churned => "churned",
        }
    }
    pub fn from_code(code: &str) -> Option<Stage> {
        by_code(&Self::ALL, Self::code, code)
    }
}

/// The eight-class RFM model (R, F, M each high or low), most valuable first. Named like
/// [`Stage`]: by the app (`i18n::Localize`) and as syntax (`segment::resolve::group_word`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RfmGroup {
    ImportantValue,
    ImportantDevelop,
    ImportantRetain,
    ImportantWinBack,
    GeneralValue,
    GeneralDevelop,
    GeneralRetain,
    GeneralWinBack,
}

impl RfmGroup {
    pub const ALL: [RfmGroup; 8] = [
        RfmGroup::ImportantValue,
        RfmGroup::ImportantDevelop,
        RfmGroup::ImportantRetain,
        RfmGroup::ImportantWinBack,
        RfmGroup::GeneralValue,
        RfmGroup::GeneralDevelop,
        RfmGroup::GeneralRetain,
        RfmGroup::GeneralWinBack,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RfmGroup::ImportantValue => "important_value",
            RfmGroup::ImportantDevelop => "important_develop",
            RfmGroup::ImportantRetain => "important_retain",
            RfmGroup::ImportantWinBack => "important_win_back",
            RfmGroup::GeneralValue => "general_value",
            RfmGroup::GeneralDevelop => "general_develop",
            RfmGroup::GeneralRetain => "general_retain",
            RfmGroup::GeneralWinBack => "general_win_back",
        }
    }
    pub fn from_code(code: &str) -> Option<RfmGroup> {
        by_code(&Self::ALL, Self::code, code)
    }
    pub fn of(r_high: bool, f_high: bool, m_high: bool) -> RfmGroup {
        match (m_high, r_high, f_high) {
            (true, true, true) => RfmGroup::ImportantValue,
            (true, true, false) => RfmGroup::ImportantDevelop,
            (true, false, true) => RfmGroup::ImportantRetain,
            (true, false, false) => RfmGroup::ImportantWinBack,
            (false, true, true) => RfmGroup::GeneralValue,
            (false, true, false) => RfmGroup::GeneralDevelop,
            (false, false, true) => RfmGroup::GeneralRetain,
            (false, false, false) => RfmGroup::GeneralWinBack,
        }
    }
}

/// A value tier: its position in the ordered rules of the settings (0 is the first rule,
/// the highest tier); the tier of customers no rule matches comes after the rules. Names and
/// codes are in `metrics::Analytics::tiers`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tier(pub u8);
