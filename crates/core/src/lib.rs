//! kezhi's pure domain core: the model, analytics, segments, funnels, imports and exports,
//! the dataset with its record-by-record merge, storage encodings and repositories, and sync.
//!
//! Nothing here depends on the web: it compiles and is tested natively, and the browser
//! adapters (IndexedDB, localStorage, the sync server's HTTP) plug in through
//! [`store::records::RecordStore`], [`store::KeyValueStore`] and [`sync::couch::Transport`].
//! It returns codes and typed errors; the app words them (ARCHITECTURE.md, "Invariants").

pub mod bits;
pub mod bulk;
pub mod byte_strings;
pub mod channel;
pub mod cohort;
pub mod contact;
pub mod crc32;
pub mod customer_edit;
pub mod customer_query;
pub mod dataset;
pub mod demo;
pub mod desk;
pub mod event_log;
pub mod export;
pub mod files;
pub mod funnel;
pub mod heap_count;
pub mod id_print;
pub mod import;
pub mod json_reread;
pub mod metrics;
pub mod model;
pub mod money;
pub mod order_hints;
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
pub use event_log::EventLog;
pub use model::*;
pub use sym::Sym;
pub use time::Timestamp;
