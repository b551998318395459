//! What compares the customers with each other, once their order figures are counted: the
//! reference date and recency, the RFM scores and groups, the lifecycle stages and the value
//! tiers — in steps of bounded work (see `stepped`); run to the end it is `compute`'s last part.

use super::scores::{Rfm, recency, scored, scores_of, set_scores};
use super::*;

/// Where the comparison is.
enum Phase {
    Recency,
    /// The R, F or M scores (a sort each).
    Scores(usize),
    /// The stages (cursor over the customers).
    Stages(usize),
    /// The spend each "top share" tier starts at (a sort).
    TierCuts,
    /// The tiers (cursor over the customers).
    Tiers(usize),
    Done,
}

pub(super) struct Comparison {
    phase: Phase,
    reference: Option<NaiveDate>,
    scored: Vec<usize>,
    scores: [Vec<u8>; 3],
    /// Per tier rule, for a "top share" rule, the least net spend within it (`None`: nobody).
    spend_cuts: Vec<Option<Cents>>,
    /// The metrics packed into columns as their last figure (the tier) is set, while the row
    /// is still in the cache: a pass of its own read every row from memory again.
    packed: MetricsTable,
}

impl Comparison {
    pub(super) fn new() -> Self {
        Comparison {
            phase: Phase::Recency,
            reference: None,
            scored: Vec::new(),
            scores: Default::default(),
            spend_cuts: Vec::new(),
            packed: MetricsTable::default(),
        }
    }

    /// About `budget` customers more (a sort counts as one step); true when done.
    pub(super) fn step(
        &mut self,
        data: &Dataset,
        settings: &AnalyticsSettings,
        out: &mut [CustomerMetrics],
        budget: usize,
    ) -> bool {
        let budget = budget.max(1);
        let rules = &settings.tiers[..settings.tiers.len().min(MAX_TIER_RULES)];
        match self.phase {
            Phase::Recency => {
                self.reference = recency(out, settings);
                self.scored = scored(out);
                self.phase = Phase::Scores(0);
            }
            Phase::Scores(k) => {
                if let (Some(&which), Some(slot)) = (Rfm::ALL.get(k), self.scores.get_mut(k)) {
                    *slot = scores_of(out, &self.scored, settings, which);
                }
                self.phase = if k + 1 < Rfm::ALL.len() {
                    Phase::Scores(k + 1)
                } else {
                    set_scores(out, &self.scored, &self.scores, settings.rfm_high);
                    self.scored = Vec::new();
                    self.scores = Default::default();
                    Phase::Stages(0)
                };
            }
            Phase::Stages(from) => {
                let offset = settings.offset();
                let reference_day = self.reference.map(crate::time::day_number);
                let to = out.len().min(from.saturating_add(budget));
                for (m, c) in out[from..to]
                    .iter_mut()
                    .zip(data.customers.iter().skip(from))
                {
                    m.computed_stage = Some(stage_of(m, settings));
                    settle_stage(m, c, settings, reference_day, offset);
                }
                self.phase = if to == out.len() {
                    Phase::TierCuts
                } else {
                    Phase::Stages(to)
                };
            }
            Phase::TierCuts => {
                self.spend_cuts = spend_cuts(out, rules);
                self.packed = MetricsTable::with_capacity(out.len());
                self.phase = Phase::Tiers(0);
            }
            Phase::Tiers(from) => {
                let to = out.len().min(from.saturating_add(budget));
                for m in &mut out[from..to] {
                    m.tier = Some(tier_of(m.total_spent, rules, &self.spend_cuts));
                    self.packed.push(m);
                }
                self.phase = if to == out.len() {
                    Phase::Done
                } else {
                    Phase::Tiers(to)
                };
            }
            Phase::Done => {}
        }
        matches!(self.phase, Phase::Done)
    }

    /// The analytics of `out` (the steps left, if any, taken first).
    pub(super) fn into_analytics(
        mut self,
        mut out: Vec<CustomerMetrics>,
        data: &Dataset,
        settings: &AnalyticsSettings,
    ) -> Analytics {
        while !self.step(data, settings, &mut out, usize::MAX) {}
        let rules = &settings.tiers[..settings.tiers.len().min(MAX_TIER_RULES)];
        let tiers = rules
            .iter()
            .map(|r| r.tier.clone())
            .chain([settings.other_tier.clone()])
            .collect();
        Analytics {
            reference: self.reference,
            tiers,
            ids: crate::id_print::IdPrint::of(&data.customers),
            settings: settings.clone(),
            customers: std::mem::take(&mut self.packed),
        }
    }
}

/// For each "top share" rule, the least net spend that is within it: a customer is among the
/// top `p`% when fewer than `p`% of all customers spent strictly more, and that count only
/// falls as the spend rises, so the rule holds from one spend up — found once by a search
/// over the sorted spends instead of a search per customer (half a million cache-missing
/// searches were most of the tiers' time).
fn spend_cuts(out: &[CustomerMetrics], rules: &[TierRule]) -> Vec<Option<Cents>> {
    let n = out.len() as i64;
    let mut spends: Vec<i64> = out.iter().map(|m| m.total_spent).collect();
    spends.sort_unstable();
    let greater = |v: i64| n - spends.partition_point(|&x| x <= v) as i64;
    rules
        .iter()
        .map(|r| match r.condition {
            TierCondition::MinSpend(_) => None,
            TierCondition::TopPercent(p) => {
                let within = |v: i64| greater(v) * 100 < i64::from(p) * n;
                let k = spends.partition_point(|&v| !within(v));
                spends.get(k).copied()
            }
        })
        .collect()
}

/// The tier of a net spend: the first rule met ("top share" also asks for a positive spend).
fn tier_of(spent: Cents, rules: &[TierRule], spend_cuts: &[Option<Cents>]) -> Tier {
    let k = rules
        .iter()
        .zip(spend_cuts)
        .position(|(r, cut)| match r.condition {
            TierCondition::MinSpend(cents) => spent >= cents,
            TierCondition::TopPercent(_) => spent > 0 && cut.is_some_and(|least| spent >= least),
        })
        .unwrap_or(rules.len());
    Tier(k as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tiers by the definition, a count per customer: what `spend_cuts` must agree with.
    fn tiers_by_definition(spends: &[i64], rules: &[TierRule]) -> Vec<Tier> {
        let n = spends.len() as i64;
        spends
            .iter()
            .map(|&s| {
                let greater = spends.iter().filter(|&&x| x > s).count() as i64;
                let k = rules
                    .iter()
                    .position(|r| match r.condition {
                        TierCondition::MinSpend(c) => s >= c,
                        TierCondition::TopPercent(p) => s > 0 && greater * 100 < i64::from(p) * n,
                    })
                    .unwrap_or(rules.len());
                Tier(k as u8)
            })
            .collect()
    }

    #[test]
    fn top_share_tiers_by_one_cut_are_the_tiers_by_definition() {
        let rule = |p| TierRule {
            tier: TierName::new("t", "t", "t"),
            condition: TierCondition::TopPercent(p),
        };
        let rules = vec![
            rule(1),
            rule(10),
            TierRule {
                tier: TierName::new("m", "m", "m"),
                condition: TierCondition::MinSpend(500),
            },
            rule(50),
            rule(100),
        ];
        // Ties, zeros, refunds beyond spend (negative), and sizes around the percentages.
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 9, 10, 11, 99, 100, 101, 257] {
            let spends: Vec<i64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) % 1_000) as i64 - 100
                })
                .collect();
            let out: Vec<CustomerMetrics> = spends
                .iter()
                .map(|&s| CustomerMetrics {
                    total_spent: s,
                    ..Default::default()
                })
                .collect();
            let cuts = spend_cuts(&out, &rules);
            let fast: Vec<Tier> = spends.iter().map(|&s| tier_of(s, &rules, &cuts)).collect();
            assert_eq!(fast, tiers_by_definition(&spends, &rules), "{n} customers");
        }
        // A worked case: spends 0, 10, 20, …, 90; top 10% is whoever has fewer than one
        // customer above: 90 only; top 50%: fewer than five above: 50 and up.
        let out: Vec<CustomerMetrics> = (0..10)
            .map(|k| CustomerMetrics {
                total_spent: k * 10,
                ..Default::default()
            })
            .collect();
        assert_eq!(
            spend_cuts(&out, &[rule(10), rule(50)]),
            vec![Some(90), Some(50)]
        );
    }
}
