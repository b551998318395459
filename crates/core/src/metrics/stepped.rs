//! [`compute`] in steps: at half a million customers the analytics take most of a second in
//! wasm, one task the page could not paint during. The app counts the order figures a few
//! tens of thousands of items at a time between paints, then compares the customers with
//! each other (recency, scores, stages, tiers) in steps too: a sort is one step.

use super::*;

/// The analytics of one dataset, counted in steps; the data must not change between the
/// first step and [`AnalyticsBuilder::finish`] (the app gives a builder up when it does).
pub struct AnalyticsBuilder {
    settings: AnalyticsSettings,
    out: Vec<CustomerMetrics>,
    figures: OrderFigures,
    counted: bool,
    comparison: Comparison,
    done: bool,
}

impl AnalyticsBuilder {
    pub fn new(data: &Dataset, settings: &AnalyticsSettings) -> Self {
        let n = data.customers.len();
        AnalyticsBuilder {
            settings: settings.clone(),
            out: vec![CustomerMetrics::default(); n],
            figures: OrderFigures::new(settings, n, Recount::All, true),
            counted: false,
            comparison: Comparison::new(),
            done: false,
        }
    }

    /// The settings these analytics are computed with.
    pub fn settings(&self) -> &AnalyticsSettings {
        &self.settings
    }

    /// Counts or compares about `budget` more customers or orders (a sort of all customers
    /// is one step); true when only [`AnalyticsBuilder::finish`] is left.
    pub fn step(&mut self, data: &Dataset, budget: usize) -> bool {
        if !self.counted {
            self.counted = self.figures.step(data, &mut self.out, budget);
        } else if !self.done {
            self.done = self
                .comparison
                .step(data, &self.settings, &mut self.out, budget);
        }
        self.done
    }

    /// The analytics — what [`compute`] gives for the same data and settings. Takes the steps
    /// left, if any.
    pub fn finish(mut self, data: &Dataset) -> Analytics {
        while !self.step(data, usize::MAX) {}
        self.comparison
            .into_analytics(self.out, data, &self.settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoConfig, generate};

    #[test]
    fn analytics_counted_in_steps_are_the_analytics_computed_at_once() {
        let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
        let mut data = generate(&DemoConfig::new(600, end));
        // A refund, and a customer without orders, so that every branch is taken.
        let refunded = data
            .orders
            .iter()
            .position(|o| o.status == OrderStatus::Refunded);
        assert!(refunded.is_some(), "the demo has refunds");
        let settings = AnalyticsSettings::default();
        let whole = compute(&data, &settings);
        assert_eq!(whole.customers.len(), 600);
        assert!(whole.customers.iter().any(|m| m.orders == 0));
        assert!(whole.customers.iter().any(|m| m.median_gap_days.is_some()));
        for budget in [1, 7, 64, 1_000, usize::MAX] {
            let mut b = AnalyticsBuilder::new(&data, &settings);
            let mut steps = 0;
            while !b.step(&data, budget) {
                steps += 1;
            }
            assert_eq!(b.finish(&data), whole, "budget {budget}");
            if budget == 64 {
                // 600 customers put in the table, the orders, the sums, the days, the gaps.
                let expected =
                    600usize.div_ceil(64) + data.orders.len().div_ceil(64) + 600usize.div_ceil(64);
                assert!(steps >= expected, "{steps} steps for budget 64");
            }
        }
        // Cut short: finish counts the rest.
        let mut b = AnalyticsBuilder::new(&data, &settings);
        b.step(&data, 100);
        b.step(&data, 100);
        assert_eq!(b.finish(&data), whole);
        // No data at all.
        data = Dataset::default();
        let mut b = AnalyticsBuilder::new(&data, &settings);
        assert!((0..20).any(|_| b.step(&data, 10)), "a few empty steps");
        assert_eq!(b.finish(&data), compute(&data, &settings));
    }
}
