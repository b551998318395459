//! A customer: archetype, name, place, channel, contact, birthday, owner, then their orders,
//! refunds, labels (level, points, tags), browsing and activities, in that order of draws.
//! Separate from the other records' rules, which it calls.

use super::generator::{Archetype, Generator};
use super::tables::*;
use crate::model::*;
use crate::sym::Sym;
use crate::time::MS_PER_SECOND;
use chrono::NaiveDate;
use rand::Rng;
use rand::distributions::Distribution;

impl Generator {
    pub(super) fn customer(&mut self) {
        let id = self.uuid();
        let archetype = ARCHETYPES[self.archetypes.sample(&mut self.rng)].0;
        let gender = if self.chance(0.55) {
            Gender::Female
        } else {
            Gender::Male
        };
        let name = self.name(gender);
        let (province, city) = self.place();
        let channel = CHANNEL_WEIGHTS[self.channels.sample(&mut self.rng)].0;
        // More customers arrived recently: the square root skews towards the end.
        let span = (self.end.0 - self.start.0) as f64;
        let offset_s = (span * self.rng.r#gen::<f64>().sqrt()) as i64 / MS_PER_SECOND;
        let created_at = self.start.plus_millis(offset_s * MS_PER_SECOND);
        let phone = self.phone();
        let email = if self.chance(0.55) {
            Some(self.email())
        } else {
            None
        };
        let birthday = if self.chance(0.8) {
            let year = 2026 - self.rng.gen_range(18..66);
            NaiveDate::from_ymd_opt(year, self.rng.gen_range(1..=12), self.rng.gen_range(1..=28))
        } else {
            None
        };
        let owner = if archetype == Archetype::Business || self.chance(0.75) {
            // The same draw as `pick`.
            let k = self.below(self.owners.len());
            Some(Sym::new(self.owners[k]))
        } else {
            None
        };
        let mut customer = Customer {
            id,
            external_id: Some(format!("C{:07}", self.data.customers.len() + 1)),
            name,
            phone: Some(phone),
            email,
            gender,
            birthday,
            province: Some(Sym::new(province)),
            city: Some(Sym::new(city)),
            channel: Some(Sym::new(channel)),
            member_level: None,
            points: 0,
            tags: Vec::new(),
            owner,
            notes: String::new(),
            stage_override: None,
            created_at,
            updated_at: self.written_at,
        };
        let bought = self.orders_for(&customer, archetype);
        let refunds = self.refunds_for(&bought);
        self.label(&mut customer, archetype, &bought, &refunds);
        self.sessions_for(&customer, archetype, &bought);
        self.activities_for(&customer, bought.len());
        self.data
            .orders
            .extend(bought.into_iter().map(|(order, _)| order));
        self.data.orders.extend(refunds);
        self.data.customers.push(customer);
    }

    pub(super) fn name(&mut self, gender: Gender) -> String {
        let surname = SURNAMES[self.surnames.sample(&mut self.rng)].0;
        let given = match gender {
            Gender::Female => *self.pick(&GIVEN_FEMALE),
            _ => *self.pick(&GIVEN_MALE),
        };
        format!("{surname}{given}")
    }

    pub(super) fn place(&mut self) -> (&'static str, &'static str) {
        let (province, _, cities) = PROVINCES[self.provinces.sample(&mut self.rng)];
        // The capital (listed first) has about half of a province's online shoppers.
        let city = if cities.len() == 1 || self.chance(0.5) {
            cities[0]
        } else {
            cities[1 + self.below(cities.len() - 1)]
        };
        (province, city)
    }

    /// A unique mainland mobile number.
    pub(super) fn phone(&mut self) -> String {
        const PREFIXES: [u64; 14] = [
            130, 131, 132, 135, 136, 137, 138, 139, 150, 152, 158, 177, 186, 199,
        ];
        loop {
            let number = PREFIXES[self.below(PREFIXES.len())] * 100_000_000
                + self.rng.gen_range(0..100_000_000);
            if self.phones.insert(number) {
                return number.to_string();
            }
        }
    }

    pub(super) fn email(&mut self) -> String {
        let domain = MAIL_DOMAINS[self.domains.sample(&mut self.rng)].0;
        if domain == "qq.com" {
            format!(
                "{}@qq.com",
                self.rng.gen_range(10_000_000u64..3_000_000_000)
            )
        } else {
            let a = *self.pick(&SYLLABLES);
            let b = *self.pick(&SYLLABLES);
            format!("{a}{b}{}@{domain}", self.rng.gen_range(1..10_000))
        }
    }

    /// Member level, points and tags follow from what the customer bought (net of refunds).
    pub(super) fn label(
        &mut self,
        customer: &mut Customer,
        archetype: Archetype,
        orders: &[(Order, usize)],
        refunds: &[Order],
    ) {
        let paid: i64 = orders.iter().map(|(o, _)| o.amount_cents).sum();
        let spent = paid - refunds.iter().map(|o| o.amount_cents).sum::<i64>();
        let level = match spent {
            s if s >= 2_000_000 => "diamond",
            s if s >= 500_000 => "gold",
            s if s >= 100_000 => "silver",
            _ => "normal",
        };
        customer.member_level = Some(Sym::new(level));
        let earned = spent / 100;
        customer.points = earned - (earned as f64 * self.rng.gen_range(0.0..0.6)) as i64;
        let mut tags: Vec<String> = Vec::new();
        // The category bought most often becomes an interest tag.
        let mut per_category = [0usize; CATEGORIES.len()];
        for (_, cat) in orders {
            per_category[*cat] += 1;
        }
        if let Some((cat, _)) = per_category
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
        {
            tags.push(CATEGORIES[cat].2.to_string());
        }
        if archetype == Archetype::Business {
            tags.push("企业客户".into());
        }
        if self.chance(0.15) {
            tags.push(self.pick(&TAGS_EXTRA[..2]).to_string());
        }
        if archetype == Archetype::Loyal && self.chance(0.5) {
            tags.push("高潜力".into());
        }
        tags.dedup();
        customer.tags = tags.iter().map(|t: &String| Sym::new(t)).collect();
    }
}
