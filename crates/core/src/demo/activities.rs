//! The account manager's activities (calls, visits, notes…) with a customer who has an owner.

use super::generator::Generator;
use super::tables::*;
use crate::model::*;
use crate::time::china_offset;
use chrono::Duration;
use rand::Rng;

impl Generator {
    pub(super) fn activities_for(&mut self, customer: &Customer, order_count: usize) {
        let Some(owner) = customer.owner else {
            return;
        };
        let count = match order_count {
            0 => self.rng.gen_range(0..=1),
            1..=3 => self.rng.gen_range(0..=2),
            _ => self.rng.gen_range(1..=4),
        };
        for _ in 0..count {
            let (kind_code, texts) = *self.pick(&ACTIVITY_TEXTS);
            let kind = ActivityKind::from_text(kind_code).unwrap_or(ActivityKind::Note);
            let at = self.shopping_time(customer.created_at, self.end);
            let next_follow_up = if self.chance(0.4) {
                at.to_offset(china_offset())
                    .map(|t| t.date_naive() + Duration::days(self.rng.gen_range(3..45)))
            } else {
                None
            };
            let activity = Activity {
                id: self.uuid(),
                customer_id: customer.id,
                kind,
                at,
                text: self.pick(texts).to_string(),
                owner: Some(owner.to_string()),
                next_follow_up,
                outcome: None,
                updated_at: self.written_at,
            };
            self.data.activities.push(activity);
        }
    }
}
