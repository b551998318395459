//! The compact encoding of format 3 (format 2 plus the customers' manual stages, see
//! `CustomersV2`; format 2 is still read): one string per [`Section`].
//!
//! A section is `k2:` followed by base64 of deflate of postcard (varint binary) of a frozen
//! DTO. Orders, events and activities are grouped by customer with times delta-coded, and
//! repeated strings (event types, channels, items, owners) go through a dictionary: that is
//! what lets the default demo (5,000 customers with ~100,000 events) fit in a fraction of
//! localStorage's 5 MB. The payload is pure ASCII, so its length in characters is its size
//! in bytes. The DTOs are frozen: a change of layout is a new format with a migration.
//!
//! This file holds the section API (encode, pack, unpack, decode, estimate); the frozen DTOs
//! live one section a file (customers, orders, events, activities, desk, and the tombstones
//! every section carries), on the shared tools of `compact` (dictionary, deltas, times).

use super::Section;
use crate::dataset::Dataset;
use crate::model::*;
use crate::sym::Sym;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

mod activities;
mod compact;
mod customers;
mod desk;
mod events;
mod orders;
mod steps;
mod tombstones;

use activities::*;
use compact::*;
use customers::*;
use desk::*;
use events::*;
use orders::*;
pub use steps::{SectionLayout, SectionRead};
use tombstones::*;

pub const SECTION_PREFIX: &str = "k2:";
/// No legitimate section inflates beyond this; a larger one is corrupt or hostile.
const MAX_INFLATED: usize = 512 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum DecodeError {
    #[error("unknown section encoding")]
    Prefix,
    #[error("not valid base64")]
    Base64,
    #[error("compressed data is damaged")]
    Inflate,
    #[error("record layout is damaged: {0}")]
    Layout(String),
}

/// Encodes the records of one section (with that section's tombstones).
pub fn encode_section(data: &Dataset, section: Section) -> String {
    pack(&section_bytes(data, section))
}

/// A section's records in their binary layout (postcard), before compression: the quick part
/// of [`encode_section`], which [`pack`] finishes (a backup packs in the files worker).
pub fn section_bytes(data: &Dataset, section: Section) -> Vec<u8> {
    let tombstones = tombstones_of(data, section);
    match section {
        Section::Customers => {
            let mut bytes = to_bytes(&CustomersV2 {
                customers: {
                    let mut updated = Delta::default();
                    data.customers
                        .iter()
                        .map(|c| CustomerV2::new(c, &mut updated))
                        .collect()
                },
                tombstones,
            });
            bytes.extend(to_bytes(&CustomersExtV3::new(&data.customers)));
            bytes
        }
        Section::Orders => to_bytes(&orders_v2(&data.orders, tombstones)),
        Section::Events => to_bytes(&events_v2(&data.events, tombstones)),
        Section::Activities => to_bytes(&activities_v2(&data.activities, tombstones)),
        Section::Desk => to_bytes(&DeskV1::new(&data.desk, tombstones)),
    }
}

/// A section's bytes deflated and written as ASCII text after the format's prefix.
pub fn pack(bytes: &[u8]) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(bytes, 6);
    let mut out = String::with_capacity(SECTION_PREFIX.len() + compressed.len() * 4 / 3 + 4);
    out.push_str(SECTION_PREFIX);
    STANDARD_NO_PAD.encode_string(&compressed, &mut out);
    out
}

/// What [`pack`] wrote, back to the section's bytes (checked: prefix, base64, inflate).
pub fn unpack(text: &str) -> Result<Vec<u8>, DecodeError> {
    let body = text
        .strip_prefix(SECTION_PREFIX)
        .ok_or(DecodeError::Prefix)?;
    let compressed = STANDARD_NO_PAD
        .decode(body.trim_end())
        .map_err(|_| DecodeError::Base64)?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_INFLATED)
        .map_err(|_| DecodeError::Inflate)
}

/// About how long [`encode_section`] would be, from every `every`-th customer's records
/// encoded alone and scaled up: a few percent of the work. Records stay grouped by customer as
/// the encoding groups them, so the sample compresses about as the whole does; use it only to
/// refuse what is far beyond a limit.
pub fn estimate_section(data: &Dataset, section: Section, every: usize) -> usize {
    let every = every.max(1);
    let chosen: rustc_hash::FxHashSet<Uuid> =
        data.customers.iter().step_by(every).map(|c| c.id).collect();
    let mut sample = Dataset::default();
    match section {
        Section::Customers => {
            sample.customers = data.customers.iter().step_by(every).cloned().collect()
        }
        Section::Orders => {
            sample.orders = data
                .orders
                .iter()
                .filter(|o| chosen.contains(&o.customer_id))
                .cloned()
                .collect()
        }
        Section::Events => {
            sample.events = data
                .events
                .iter()
                .filter(|e| chosen.contains(&e.customer_id))
                .collect()
        }
        Section::Activities => {
            sample.activities = data
                .activities
                .iter()
                .filter(|a| chosen.contains(&a.customer_id))
                .cloned()
                .collect()
        }
        // Small (thousands of records at most): encoded whole.
        Section::Desk => return encode_section(data, section).len(),
    }
    encode_section(&sample, section).len() * every
}

/// Decodes one section into `into` (its records and tombstones are appended).
pub fn decode_section(text: &str, section: Section, into: &mut Dataset) -> Result<(), DecodeError> {
    decode_section_bytes(&unpack(text)?, section, into)
}

/// A section's records from its bytes ([`section_bytes`]'s layout) appended to `into`.
pub fn decode_section_bytes(
    bytes: &[u8],
    section: Section,
    into: &mut Dataset,
) -> Result<(), DecodeError> {
    let layout = |e: postcard::Error| DecodeError::Layout(e.to_string());
    let tombstones = match section {
        Section::Customers => {
            let (dto, rest): (CustomersV2, _) = postcard::take_from_bytes(bytes).map_err(layout)?;
            // Format 2 ends here; format 3 appends the extension.
            let ext: CustomersExtV3 = if rest.is_empty() {
                CustomersExtV3::default()
            } else {
                postcard::from_bytes(rest).map_err(layout)?
            };
            let first = into.customers.len();
            let mut updated = Delta::default();
            into.customers.extend(
                dto.customers
                    .into_iter()
                    .map(|c| c.into_customer(&mut updated)),
            );
            ext.apply(&mut into.customers[first..]);
            dto.tombstones
        }
        Section::Orders => {
            let dto: OrdersV2 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            into.orders.extend(dto.into_orders()?);
            tombstones
        }
        Section::Events => {
            let dto: EventsV2 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            into.events.extend(dto.into_events()?);
            tombstones
        }
        Section::Activities => {
            let dto: ActivitiesV2 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            into.activities.extend(dto.into_activities()?);
            tombstones
        }
        Section::Desk if bytes.is_empty() => return Ok(()),
        Section::Desk => {
            let dto: DeskV1 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            dto.into_desk(&mut into.desk)?;
            tombstones
        }
    };
    for t in tombstones {
        let t = Tombstone::try_from(t)?;
        into.tombstones.push(t);
    }
    Ok(())
}

/// The canonical order of records, which a decode restores (see [`Dataset::normalize`]).
pub fn normalize(data: &mut Dataset) {
    data.normalize();
}

fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs to a Vec cannot fail; an empty section is the safe fallback.
    // Through the same writer as the layout in steps (`steps::put`): one compiled serializer
    // per record type for both.
    postcard::to_extend(value, Vec::new()).unwrap_or_default()
}
