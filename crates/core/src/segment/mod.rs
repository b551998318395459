//! Segments: a tree of AND/OR groups (each negatable) and conditions over a customer's
//! profile, computed metrics and labels, behaviour and activities; a text query language for
//! the same tree; and its evaluation. See docs/segments.md for the language and the rules.
//!
//! - [`ast`]: the tree, and the canonical form both editors keep it in.
//! - [`fields`]: the fields a condition can test, their types and names (English, 中文).
//! - [`parse`] / [`print`]: text ↔ tree; `parse(print(t)) == t` for canonical trees.
//! - [`eval`]: which customers match.
//! - [`complete`]: autocompletion at the caret of the text editor.
//! - [`membership`]: `in_segment(…)`: members of other saved segments, cycles refused.

pub mod ast;
pub mod complete;
pub mod edit;
pub mod eval;
pub mod fields;
pub mod membership;
pub mod parse;
pub mod print;
pub mod saved;

pub use ast::{Condition, Group, Node, Op, Operator, Value};
pub use eval::{Matcher, count_matches};
pub use parse::{ParseError, parse};
pub use print::print;
