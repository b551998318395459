//! One module per view of the navigation.

mod campaigns;
mod customers;
mod dashboard;
mod export;
pub mod funnels;
mod import;
mod recommendations;
pub mod segments;
mod settings;
pub mod sync_settings;

pub use campaigns::CampaignsPage;
pub use customers::CustomersPage;
pub use dashboard::DashboardPage;
pub use funnels::FunnelsPage;
pub use import::ImportPage;
pub use recommendations::RecommendationsPage;
pub use segments::SegmentsPage;
pub use settings::SettingsPage;
