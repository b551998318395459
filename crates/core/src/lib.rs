//! kezhi's pure domain core: the model, the demo data generator, the dataset with its
//! record-by-record merge, and the storage encoding with its repository logic.
//!
//! Nothing here depends on the web: it compiles and is tested natively, and the browser
//! adapters (localStorage, later sync) plug in through [`store::KeyValueStore`].

pub mod bulk;
pub mod channel;
pub mod contact;
pub mod customer_edit;
pub mod customer_query;
pub mod dataset;
pub mod demo;
pub mod export;
pub mod files;
pub mod funnel;
pub mod heap_count;
pub mod import;
pub mod metrics;
pub mod model;
pub mod money;
pub mod report;
pub mod segment;
pub mod sliced_sort;
pub mod sorting;
pub mod store;
pub mod summary;
pub mod sym;
pub mod sync;
pub mod time;
pub mod today;
pub mod validate;

pub use dataset::Dataset;
pub use model::*;
pub use sym::Sym;
pub use time::Timestamp;
