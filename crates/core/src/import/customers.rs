//! Customer rows → [`CustomerDraft`]s. The `files` feature only.

use super::draft::CustomerDraft;
use super::mapping::Field;
use super::reason::Reason;
use super::row::{RowCtx, RowOutcome, SymCache};
use super::values;
use std::borrow::Cow;

/// Reads the rows of a customer file; the caches only serve the reading (the plan carries the
/// drafts).
#[derive(Default)]
pub(crate) struct CustomerReader {
    drafts: Vec<CustomerDraft>,
    cities: SymCache,
    owners: SymCache,
}

impl CustomerReader {
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

    pub fn finish(self) -> Vec<CustomerDraft> {
        self.drafts
    }
}
