//! The rules of the account manager's desk (issue 16): request cards with their deadlines,
//! recommendations, care campaigns, handover of a portfolio, the per-manager report. The
//! records themselves are in [`crate::model::desk`]; the day's work list is [`crate::today`].

pub mod campaigns;
pub mod delete;
pub mod handover;
pub mod managers;
pub mod recommendations;
pub mod requests;
