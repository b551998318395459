//! One module per view of the navigation.

mod customers;
mod dashboard;
mod export;
pub mod funnels;
mod import;
pub mod segments;
mod settings;
pub mod sync_settings;
pub mod today;

pub use customers::CustomersPage;
pub use dashboard::DashboardPage;
pub use funnels::FunnelsPage;
pub use import::ImportPage;
pub use segments::SegmentsPage;
pub use settings::SettingsPage;
pub use today::TodayPage;
