//! One row of the customer table: what it shows (a hash of it keys the row), its height as a
//! row or a card, and each cell's content (phone masking, the `tel:` link, stage and tier marks).

use super::columns::Column;
use crate::i18n::{Lang, Localize, Msg, t};
use kezhi_core::Customer;
use kezhi_core::channel::{CHANNELS, MEMBER_LEVELS, display};
use kezhi_core::customer_query::Labels;
use kezhi_core::customer_query::SortKey;
use kezhi_core::money::yuan_display;
// Phone numbers are personal data: masked (`138****5678`) unless the user reveals them.
use kezhi_core::export::mask_phone;
use kezhi_core::summary::OrderSummary;
use leptos::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};

/// One rendered row: what it shows and the view settings it was drawn with.
#[derive(Clone)]
pub(super) struct RowItem {
    pub(super) pos: usize,
    pub(super) customer: Customer,
    pub(super) summary: OrderSummary,
    pub(super) labels: Labels,
    /// The name of the customer's value tier (tiers are named in Settings).
    pub(super) tier: String,
    /// This row's customer is open in the detail view.
    pub(super) chosen: bool,
    pub(super) zh: bool,
    pub(super) reveal: bool,
    pub(super) cols: Vec<Column>,
    /// Drawn as a card (a narrow screen): the card's fields the table's columns do not show
    /// are added, and the next follow-up.
    pub(super) narrow: bool,
    /// The customer's open follow-up (cards only).
    pub(super) follow_up: Option<chrono::NaiveDate>,
}

impl RowItem {
    /// A hash of everything the row shows: an unchanged row keeps its elements.
    pub(super) fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (self.pos, self.customer.id, self.customer.updated_at).hash(&mut h);
        (self.summary, self.labels, &self.tier, self.chosen).hash(&mut h);
        (self.zh, self.reveal, &self.cols).hash(&mut h);
        (self.narrow, self.follow_up).hash(&mut h);
        h.finish()
    }
}

/// Row height in pixels; must match `--row-height` in style/main.css.
pub(super) const ROW_HEIGHT: i32 = 44;
/// A card's height (below 600 px) in pixels, the gap under it included; the list sets
/// `--row-height` to it, so the stylesheet's card rules follow.
pub(super) const CARD_HEIGHT: i32 = 124;
/// What a card shows besides the name, whatever columns the table shows (those the table
/// hides are added to the card).
pub(super) const CARD_FIELDS: [Column; 4] = [
    SortKey::Phone,
    SortKey::Stage,
    SortKey::Tier,
    SortKey::LastOrder,
];

/// A phone number as a `tel:` link dials it: the number without the spaces people type.
fn tel_number(phone: &str) -> String {
    phone.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(super) fn cell(column: Column, row: &RowItem, offset: chrono::FixedOffset) -> AnyView {
    let (c, s, labels, zh, reveal) = (&row.customer, &row.summary, row.labels, row.zh, row.reveal);
    let text = |v: Option<String>| view! { {v} }.into_any();
    match column {
        SortKey::Name => text(Some(c.name.clone())),
        SortKey::Phone => match c.phone.as_deref() {
            // Revealed, the number can be called (a phone dials it; the row does not open).
            Some(p) if reveal => {
                let href = format!("tel:{}", tel_number(p));
                view! {
                    <a
                        class="tel"
                        href=href
                        data-testid="phone-call"
                        on:click=|e| e.stop_propagation()
                    >
                        {p.to_string()}
                    </a>
                }
                .into_any()
            }
            other => text(other.map(mask_phone)),
        },
        SortKey::City => text(c.city.map(|s| s.to_string())),
        SortKey::Channel => text(
            c.channel
                .map(|ch| display(&CHANNELS, ch.as_str(), zh).to_string()),
        ),
        SortKey::Level => text(
            c.member_level
                .map(|l| display(&MEMBER_LEVELS, l.as_str(), zh).to_string()),
        ),
        SortKey::Tags => c
            .tags
            .iter()
            .map(|t| view! { <span class="tag">{t.as_str()}</span> })
            .collect_view()
            .into_any(),
        SortKey::Owner => text(c.owner.map(|s| s.to_string())),
        SortKey::Orders => text(Some(s.orders.to_string())),
        SortKey::TotalSpent => text(Some(yuan_display(s.total_spent))),
        SortKey::LastOrder => text(s.last_order.map(|t| t.format_date(offset))),
        SortKey::Created => text(Some(c.created_at.format_date(offset))),
        SortKey::Stage => {
            let stage = labels.stage;
            // A stage set by hand says so.
            let manual = c.stage_override.is_some().then(|| {
                let lang = if zh { Lang::Zh } else { Lang::En };
                view! { <span class="manual-mark" data-testid="stage-manual">{format!(" ✎{}", t(lang, Msg::ManualMark))}</span> }
            });
            view! { <span class=format!("stage stage-{}", stage.code())>{stage.label(Lang::of_zh(zh))}{manual}</span> }
                .into_any()
        }
        SortKey::Tier => {
            let tier = labels.tier.0;
            view! { <span class=format!("tier tier-{tier}")>{row.tier.clone()}</span> }.into_any()
        }
        SortKey::Group => text(labels.group.map(|g| g.label(Lang::of_zh(zh)).to_string())),
        SortKey::R => text(labels.r.map(|v| v.to_string())),
        SortKey::F => text(labels.f.map(|v| v.to_string())),
        SortKey::M => text(labels.m.map(|v| v.to_string())),
    }
}
