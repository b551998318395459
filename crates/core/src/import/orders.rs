//! Order rows as line items: rows sharing an order id are one order.
//!
//! - The amount is the sum of the lines' `amount`, or of `quantity × unit_price` when no amount
//!   is given — in millionths, exactly, rounded to the cent once per order.
//! - An order is a **refund** (`OrderStatus::Refunded`) when its id marks a cancellation (`C`
//!   followed by a digit, as in the UCI Online Retail data) or its lines sum to a negative
//!   amount (returns written as negative quantities or amounts). As in the rest of the app
//!   (see `metrics`), a refund's amount is stored positive and subtracts from spending.
//! - Its time is the earliest of its lines'; its channel the first one named.
//! - Rows without a customer id are skipped (and counted); a line whose order's other lines
//!   belong to another customer is an error.
//! - Without an order id (unmapped or blank) a row is its own order, with an id made from its
//!   customer, time and amount so that importing the file again finds it again.
//!
//! The `files` feature only.

use super::draft::{OrderDraft, OrderDrafts, fnv1a_128};
use super::mapping::Field;
use super::reason::Reason;
use super::row::{CustomerRefs, RowCtx, RowOutcome, SymCache, TimeColumn, customer_id};
use super::values;
use crate::money::{MICROS_PER_UNIT, Micros, div_round};
use crate::time::Timestamp;
use rustc_hash::FxHashMap;

/// Reads order lines into orders: rows sharing an order id are one order.
pub(crate) struct OrderReader {
    index: FxHashMap<String, u32>,
    orders: Vec<OrderDraft>,
    refs: CustomerRefs,
    has_quantity: bool,
    channels: SymCache,
    regions: SymCache,
}

/// `C` followed by a digit: the Online Retail data's cancelled invoices.
pub fn is_cancellation_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next() == Some('C') && chars.next().is_some_and(|c| c.is_ascii_digit())
}

impl OrderReader {
    pub fn new(has_quantity: bool) -> Self {
        OrderReader {
            index: FxHashMap::default(),
            orders: Vec::new(),
            refs: CustomerRefs::default(),
            has_quantity,
            channels: SymCache::default(),
            regions: SymCache::default(),
        }
    }

    pub fn finish(self) -> OrderDrafts {
        OrderDrafts {
            orders: self.orders,
            refs: self.refs.into_list(),
            has_quantity: self.has_quantity,
        }
    }

    pub fn read(&mut self, ctx: &mut RowCtx, time: &mut TimeColumn) -> RowOutcome {
        // Without a customer the row is skipped, whatever else it holds.
        let customer_cell = ctx.get(Field::CustomerId);
        let customer = match customer_id(ctx, &customer_cell) {
            Ok(Some(c)) => Some(c),
            Ok(None) => return RowOutcome::MissingCustomer,
            Err(()) => None,
        };
        // Ids are borrowed from their cells: a copy is made only for a new order.
        let order_cell = ctx.get(Field::OrderId);
        let order_id = match order_cell.as_deref().map(values::id_slice) {
            Some(Ok(id)) => id,
            Some(Err(reason)) => {
                ctx.fail(Field::OrderId, order_cell.as_deref().unwrap_or(""), reason);
                None
            }
            None => None,
        };
        let at = ctx.required(Field::OrderedAt, |s| time.parse(s));
        let quantity = ctx.optional(Field::Quantity, |s| values::parse_decimal(s).map(Some));
        let micros = self.line_amount(ctx, quantity);
        let channel = ctx.get(Field::Channel).and_then(|c| {
            let t = values::text(&c)?;
            Some(self.channels.get(t, values::channel_code))
        });
        let region = ctx.get(Field::Region).and_then(|r| {
            let t = values::text(&r)?;
            Some(self.regions.get(t, str::to_string))
        });
        let (Some(customer), Some(at), Some(micros)) = (customer, at, micros) else {
            return RowOutcome::Error;
        };
        if !ctx.errors.is_empty() {
            return RowOutcome::Error;
        }
        let derived;
        let source_id = match order_id {
            Some(id) => id,
            None => {
                derived = derived_order_id(customer, at, micros);
                derived.as_str()
            }
        };
        let pieces = quantity.map_or(0, |q| {
            u64::try_from(div_round(
                q.checked_abs().unwrap_or(i128::MAX),
                MICROS_PER_UNIT,
            ))
            .unwrap_or(u64::MAX)
        });
        if let Some(&i) = self.index.get(source_id) {
            let owner = self
                .orders
                .get(i as usize)
                .and_then(|o| self.refs.get(o.customer))
                .map(|r| r.external_id.as_str())
                .unwrap_or_default();
            if owner != customer {
                let reason = Reason::OrderCustomerConflict {
                    order: source_id.to_string(),
                    customer: owner.to_string(),
                };
                ctx.fail(
                    Field::CustomerId,
                    customer_cell.as_deref().unwrap_or(""),
                    reason,
                );
                return RowOutcome::Error;
            }
            self.refs.note(customer, at, region);
            if let Some(o) = self.orders.get_mut(i as usize) {
                o.at = o.at.min(at);
                o.micros = o.micros.saturating_add(micros);
                o.items = o.items.saturating_add(pieces);
                o.lines = o.lines.saturating_add(1);
                o.channel = o.channel.or(channel);
            }
        } else {
            let customer = self.refs.note(customer, at, region);
            self.index
                .insert(source_id.to_string(), self.orders.len() as u32);
            self.orders.push(OrderDraft {
                cancelled: is_cancellation_id(source_id),
                source_id: source_id.to_string(),
                customer,
                row: ctx.number,
                at,
                micros,
                items: pieces,
                lines: 1,
                channel,
            });
        }
        RowOutcome::Imported
    }

    /// The line's amount: its `amount` cell, else quantity × unit price.
    fn line_amount(&self, ctx: &mut RowCtx, quantity: Option<Micros>) -> Option<Micros> {
        if ctx.mapped(Field::Amount) && ctx.get(Field::Amount).is_some() {
            return ctx.required(Field::Amount, values::parse_decimal);
        }
        if !(ctx.mapped(Field::Quantity) && ctx.mapped(Field::UnitPrice)) {
            // Amount mapped (the check guarantees one way) but blank.
            ctx.fail(Field::Amount, "", Reason::Missing);
            return None;
        }
        let price = ctx.required(Field::UnitPrice, values::parse_decimal);
        if quantity.is_none() && ctx.get(Field::Quantity).is_none() {
            ctx.fail(Field::Quantity, "", Reason::Missing);
        }
        let (quantity, price) = (quantity?, price?);
        match quantity.checked_mul(price) {
            Some(product) => Some(div_round(product, MICROS_PER_UNIT)),
            None => {
                let raw = ctx
                    .get(Field::Quantity)
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                ctx.fail(Field::Quantity, &raw, Reason::OutOfRange);
                None
            }
        }
    }
}

/// An order id for a row without one, stable across imports of the same file.
fn derived_order_id(customer: &str, at: Timestamp, micros: Micros) -> String {
    let key = format!("{customer}\u{0}{}\u{0}{micros}", at.0);
    format!("auto-{:032x}", fnv1a_128(key.as_bytes()))
}
