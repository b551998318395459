//! One module per view of the navigation.

mod coming_soon;
mod customers;
mod dashboard;
mod settings;

pub use coming_soon::ComingSoon;
pub use customers::CustomersPage;
pub use dashboard::DashboardPage;
pub use settings::SettingsPage;
