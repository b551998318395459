//! The order figures the customer list shows for each customer. They come from the analytics
//! (`metrics::compute`): refunds do not count as orders and subtract from the total spent (see
//! [`crate::OrderStatus::Refunded`]).

use crate::model::Cents;
use crate::time::Timestamp;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OrderSummary {
    /// Paid orders.
    pub orders: u32,
    /// Paid minus refunded, in cents (negative when more was refunded than paid).
    pub total_spent: Cents,
    /// Time of the last paid order.
    pub last_order: Option<Timestamp>,
}
