//! Segments: a tree of AND/OR groups (each negatable) and conditions over a customer's
//! profile, computed metrics and labels, behaviour and activities; a text query language for
//! the same tree; and its evaluation. See docs/segments.md for the language and the rules.
//!
//! The query language runs in stages, each depending only on the ones before it:
//!
//! 1. [`lex`]: text → tokens (also read by [`complete`]).
//! 2. [`parse`]: tokens → the query's shape, syntax only (field names not looked up).
//! 3. [`resolve`]: names, operators and operands → the typed tree of [`ast`] ([`parse()`] runs
//!    stages 1–3); errors are typed ([`error`]) and worded by the app.
//! 4. [`bind`]: the tree + the data → tests with labels, tiers, dates, segment members and
//!    behaviour counts looked up once.
//! 5. [`eval`]: the bound tests for all customers at once, column by column ([`Matcher`]),
//!    over the values of [`columns`] (kept per data change in [`SegmentColumns`]) into sets
//!    of positions ([`bits`]).
//!
//! Beside them: [`by_row`] (the customer-by-customer walk, the reference the columns are
//! tested against), [`fields`] (the fields, their types and names in English and 中文), [`span`]
//! (`30d`…), [`print`] (tree → text; `parse(print(t)) == t` for canonical trees), [`edit`] (the
//! builder's edits), [`complete`] (autocompletion), [`membership`] (`in_segment(…)`: members
//! of other saved segments, cycles refused), [`saved`] (rename, referrers), [`templates`] and
//! [`compare`] (a segment's members against everyone else, side by side).

pub mod ast;
pub mod bind;
/// Sets of customer positions, shared with the column-wise analytics.
pub use crate::bits;
pub mod by_row;
pub mod columns;
pub mod compare;
pub mod complete;
pub mod edit;
pub mod error;
pub mod eval;
pub mod fields;
pub mod lex;
pub mod membership;
pub mod parse;
pub mod print;
pub mod resolve;
pub mod saved;
pub mod span;
pub mod templates;

pub use ast::{Condition, Group, Node, Op, Operator, Value};
pub use columns::SegmentColumns;
pub use error::{ErrorKind, Expected, ParseError};
pub use eval::{Matcher, count_matches};
pub use print::print;
pub use resolve::parse;
