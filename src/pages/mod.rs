//! One module per view of the navigation.

mod campaigns;
pub mod cohorts;
pub mod customers;
pub mod dashboard;
mod desk_delete;
mod export;
pub mod funnels;
mod import;
mod recommendations;
pub mod requests;
pub mod segments;
mod settings;
pub mod sync_settings;
pub mod team;
pub mod today;

pub use campaigns::CampaignsPage;
pub use cohorts::CohortsPage;
pub use customers::CustomersPage;
pub use dashboard::DashboardPage;
pub use funnels::FunnelsPage;
pub use import::ImportPage;
pub use recommendations::RecommendationsPage;
pub use requests::RequestsPage;
pub use segments::{SegmentComparePage, SegmentsPage};
pub use settings::SettingsPage;
pub use team::TeamPage;
pub use today::TodayPage;
