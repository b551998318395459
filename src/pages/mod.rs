//! One module per view of the navigation.

mod coming_soon;
mod customers;
mod dashboard;
mod export;
pub mod funnels;
mod segment_builder;
pub mod segments;
mod settings;

pub use coming_soon::ComingSoon;
pub use customers::CustomersPage;
pub use dashboard::DashboardPage;
pub use funnels::FunnelsPage;
pub use segments::SegmentsPage;
pub use settings::SettingsPage;
