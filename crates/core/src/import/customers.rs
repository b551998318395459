//! Customer rows, and the customers that order and event rows refer to by id.

use crate::sym::Sym;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
// Reading rows from files (the `files` feature; the files worker).
#[cfg(feature = "files")]
use {
    super::mapping::Field,
    super::plan::SymCache,
    super::plan::{RowCtx, RowOutcome},
    super::reason::Reason,
    super::values,
    rustc_hash::FxHashMap,
    std::borrow::Cow,
};

/// One valid row of a customer file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub row: usize,
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<Sym>,
    pub tags: Vec<String>,
    pub owner: Option<Sym>,
}

/// The caches only serve the reading: a plan handed from the files worker to the page
/// carries the drafts.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct CustomerRows {
    pub drafts: Vec<CustomerDraft>,
    #[cfg(feature = "files")]
    #[serde(skip)]
    cities: SymCache,
    #[cfg(feature = "files")]
    #[serde(skip)]
    owners: SymCache,
}

#[cfg(feature = "files")]
impl CustomerRows {
    pub fn read(&mut self, ctx: &mut RowCtx) -> RowOutcome {
        let external_id = ctx.optional(Field::ExternalId, values::normalize_id);
        let name = ctx
            .get(Field::Name)
            .and_then(|n| values::text(&n).map(str::to_string));
        let phone = ctx.optional(Field::Phone, values::normalize_phone);
        let email = ctx.optional(Field::Email, values::normalize_email);
        let text = |cache: &mut SymCache, cell: Option<Cow<str>>| {
            let cell = cell?;
            let t = values::text(&cell)?;
            Some(cache.get(t, str::to_string))
        };
        let city = text(&mut self.cities, ctx.get(Field::City));
        let owner = text(&mut self.owners, ctx.get(Field::Owner));
        let tags = ctx
            .get(Field::Tags)
            .map(|t| values::tags(&t))
            .unwrap_or_default();
        if !ctx.errors.is_empty() {
            return RowOutcome::Error;
        }
        if external_id.is_none() && name.is_none() && phone.is_none() && email.is_none() {
            let field = [Field::ExternalId, Field::Name, Field::Phone, Field::Email]
                .into_iter()
                .find(|f| ctx.mapped(*f))
                .unwrap_or(Field::Name);
            ctx.fail(field, "", Reason::NoIdentity);
            return RowOutcome::Error;
        }
        self.drafts.push(CustomerDraft {
            row: ctx.number,
            external_id,
            name,
            phone,
            email,
            city,
            tags,
            owner,
        });
        RowOutcome::Imported
    }
}

/// A customer an order or event row refers to by its external id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRef {
    pub external_id: String,
    /// Their earliest order or event in the file: a created customer's `created_at`.
    pub first_at: Timestamp,
    /// The first region (country, province) their orders name.
    pub region: Option<Sym>,
    /// Rows that refer to them.
    pub rows: usize,
}

/// The distinct customer ids of a file, numbered in order of appearance.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct CustomerRefs {
    #[cfg(feature = "files")]
    #[serde(skip)]
    index: FxHashMap<String, u32>,
    pub list: Vec<CustomerRef>,
}

impl CustomerRefs {
    #[cfg(feature = "files")]
    pub fn get(&self, i: u32) -> Option<&CustomerRef> {
        self.list.get(i as usize)
    }

    /// The number of a customer id, counting one more row for them.
    #[cfg(feature = "files")]
    pub fn note(&mut self, external_id: &str, at: Timestamp, region: Option<Sym>) -> u32 {
        if let Some(&i) = self.index.get(external_id)
            && let Some(r) = self.list.get_mut(i as usize)
        {
            r.first_at = r.first_at.min(at);
            r.region = r.region.or(region);
            r.rows += 1;
            return i;
        }
        let i = self.list.len() as u32;
        self.index.insert(external_id.to_string(), i);
        self.list.push(CustomerRef {
            external_id: external_id.to_string(),
            first_at: at,
            region,
            rows: 1,
        });
        i
    }
}

/// The customer id of an order or event row, borrowed from its cell: `Ok(None)` when blank
/// (the row is skipped).
#[cfg(feature = "files")]
pub(crate) fn customer_id<'c>(
    ctx: &mut RowCtx,
    cell: &'c Option<Cow<str>>,
) -> Result<Option<&'c str>, ()> {
    let Some(raw) = cell.as_deref() else {
        return Ok(None);
    };
    match values::id_slice(raw) {
        Ok(id) => Ok(id),
        Err(reason) => {
            ctx.fail(Field::CustomerId, raw, reason);
            Err(())
        }
    }
}
