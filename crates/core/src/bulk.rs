//! Actions on many customers at once, each one undoable as a single step.

use crate::dataset::Dataset;
use crate::model::*;
use crate::sym::Sym;
use crate::time::Timestamp;
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkAction {
    AddTag(String),
    RemoveTag(String),
    /// `None` leaves the customers without an account manager.
    AssignOwner(Option<Sym>),
    /// Records the same follow-up for every customer (a holiday greeting to 优质客户, a
    /// win-back call to 流失预警); undo removes them again.
    FollowUp {
        kind: ActivityKind,
        text: String,
        next_follow_up: Option<chrono::NaiveDate>,
    },
    Delete,
}

impl BulkAction {
    /// Assigning the account manager typed in a box: blank means none.
    pub fn assign_owner(typed: &str) -> BulkAction {
        let name = typed.trim();
        BulkAction::AssignOwner((!name.is_empty()).then(|| Sym::new(name)))
    }
}

/// What it takes to put things back as they were before one bulk action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Undo {
    /// The customers as they were (changed or deleted ones only).
    customers: Vec<Customer>,
    /// What a deletion took with the customers.
    orders: Vec<Order>,
    events: Vec<Event>,
    activities: Vec<Activity>,
    /// Activities the action wrote (owner changes, follow-ups).
    written: Vec<Uuid>,
    /// How many customers the action changed.
    pub affected: usize,
    /// Customers given a follow-up without a change to their own record.
    affected_only: usize,
}

/// Applies `action` to the customers in `ids`; customers it would not change are left alone
/// (and keep their `updated_at`). `new_id` makes the ids of owner-history entries.
pub fn apply(
    data: &mut Dataset,
    ids: &HashSet<Uuid>,
    action: &BulkAction,
    now: Timestamp,
    mut new_id: impl FnMut() -> Uuid,
) -> Undo {
    let mut undo = Undo::default();
    if *action == BulkAction::Delete {
        undo.customers = data
            .customers
            .iter()
            .filter(|c| ids.contains(&c.id))
            .cloned()
            .collect();
        undo.orders = data
            .orders
            .iter()
            .filter(|o| ids.contains(&o.customer_id))
            .cloned()
            .collect();
        undo.events = data
            .events
            .iter()
            .filter(|e| ids.contains(&e.customer_id))
            .collect();
        undo.activities = data
            .activities
            .iter()
            .filter(|a| ids.contains(&a.customer_id))
            .cloned()
            .collect();
        for c in &undo.customers {
            data.delete_customer(c.id, now);
        }
        undo.affected = undo.customers.len();
        return undo;
    }
    let mut history = Vec::new();
    for c in data.customers.iter_mut().filter(|c| ids.contains(&c.id)) {
        let before = c.clone();
        let changed = match action {
            BulkAction::AddTag(tag) => {
                let absent = !c.tags.iter().any(|t| t.as_str() == tag.as_str());
                if absent {
                    c.tags.push(Sym::new(tag));
                }
                absent
            }
            BulkAction::RemoveTag(tag) => {
                let n = c.tags.len();
                c.tags.retain(|t| t.as_str() != tag.as_str());
                c.tags.len() != n
            }
            BulkAction::AssignOwner(owner) => {
                let changed = c.owner != *owner;
                if changed {
                    history.push(owner_change(c, *owner, now, new_id()));
                    c.owner = *owner;
                }
                changed
            }
            BulkAction::FollowUp {
                kind,
                text,
                next_follow_up,
            } => {
                history.push(Activity {
                    id: new_id(),
                    customer_id: c.id,
                    kind: *kind,
                    at: now,
                    text: text.clone(),
                    owner: c.owner.map(|o| o.to_string()),
                    next_follow_up: *next_follow_up,
                    outcome: None,
                    updated_at: now,
                });
                // The customer record itself is unchanged; it still counts as affected.
                undo.affected_only += 1;
                false
            }
            BulkAction::Delete => false,
        };
        if changed {
            c.updated_at = now;
            undo.customers.push(before);
        }
    }
    undo.written = history.iter().map(|a| a.id).collect();
    data.activities.extend(history);
    undo.affected = undo.customers.len() + undo.affected_only;
    undo
}

/// The owner-history entry for a change of account manager.
pub fn owner_change(c: &Customer, to: Option<Sym>, now: Timestamp, id: Uuid) -> Activity {
    Activity {
        id,
        customer_id: c.id,
        kind: ActivityKind::OwnerChange,
        at: now,
        text: format!(
            "{} → {}",
            c.owner.map(Sym::as_str).unwrap_or("—"),
            to.map_or("—", Sym::as_str)
        ),
        owner: to.map(|s| s.to_string()),
        next_follow_up: None,
        outcome: None,
        updated_at: now,
    }
}

/// Puts back what `apply` changed. Restored records get `now` as their `updated_at`, so the
/// restoration also wins in other tabs over the action it undoes.
pub fn undo(data: &mut Dataset, undo: Undo, now: Timestamp) {
    let written: HashSet<Uuid> = undo.written.iter().copied().collect();
    if !written.is_empty() {
        data.activities.retain(|a| !written.contains(&a.id));
        for id in &undo.written {
            data.add_tombstone(RecordKind::Activity, RecordKey::Id(*id), now);
        }
    }
    for mut c in undo.customers {
        c.updated_at = now;
        data.upsert_customer(c);
    }
    let stamp = |t: &mut Timestamp| *t = now;
    data.orders.extend(undo.orders.into_iter().map(|mut o| {
        stamp(&mut o.updated_at);
        o
    }));
    data.events.extend(undo.events.into_iter().map(|mut e| {
        stamp(&mut e.updated_at);
        e
    }));
    data.activities
        .extend(undo.activities.into_iter().map(|mut a| {
            stamp(&mut a.updated_at);
            a
        }));
    data.normalize();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Dataset {
        let mut a = Customer::new(Uuid::from_u128(1), "甲", Timestamp(0));
        a.tags = vec!["老客".into()];
        a.owner = Some("王丽娜".into());
        let b = Customer::new(Uuid::from_u128(2), "乙", Timestamp(0));
        let c = Customer::new(Uuid::from_u128(3), "丙", Timestamp(0));
        let order = Order {
            id: Uuid::from_u128(10),
            customer_id: a.id,
            source_order_id: "X".into(),
            ordered_at: Timestamp(1),
            amount_cents: 100,
            item_count: 1,
            channel: "jd".into(),
            status: OrderStatus::Paid,
            updated_at: Timestamp(1),
        };
        Dataset {
            customers: vec![a, b, c],
            orders: vec![order],
            ..Dataset::default()
        }
    }

    fn ids(n: &[u128]) -> HashSet<Uuid> {
        n.iter().map(|&i| Uuid::from_u128(i)).collect()
    }

    fn counter() -> impl FnMut() -> Uuid {
        let mut n = 100u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    #[test]
    fn add_tag_touches_only_customers_without_it_and_undo_restores() {
        let mut d = data();
        let original = d.clone();
        let u = apply(
            &mut d,
            &ids(&[1, 2]),
            &BulkAction::AddTag("老客".into()),
            Timestamp(50),
            counter(),
        );
        assert_eq!(u.affected, 1);
        assert_eq!(d.customers[1].tags, ["老客"]);
        assert_eq!(
            d.customers[0].updated_at,
            Timestamp(0),
            "already tagged: untouched"
        );
        undo(&mut d, u, Timestamp(60));
        assert_eq!(d.customers[1].tags, Vec::<Sym>::new());
        assert_eq!(d.customers[1].updated_at, Timestamp(60));
        assert_eq!(d.customers.len(), original.customers.len());
    }

    #[test]
    fn assigning_an_owner_writes_the_owner_history_and_undo_removes_it() {
        let mut d = data();
        let u = apply(
            &mut d,
            &ids(&[1, 2, 3]),
            &BulkAction::AssignOwner(Some("李建国".into())),
            Timestamp(50),
            counter(),
        );
        assert_eq!(u.affected, 3);
        assert_eq!(d.activities.len(), 3);
        let a = d
            .activities
            .iter()
            .find(|a| a.customer_id == Uuid::from_u128(1))
            .expect("history");
        assert_eq!(a.kind, ActivityKind::OwnerChange);
        assert_eq!(a.text, "王丽娜 → 李建国");
        assert_eq!(a.owner.as_deref(), Some("李建国"));
        undo(&mut d, u, Timestamp(60));
        assert!(d.activities.is_empty());
        assert_eq!(
            d.tombstones.len(),
            3,
            "other tabs learn the history entries are gone"
        );
        assert_eq!(d.customers[0].owner.map(Sym::as_str), Some("王丽娜"));
        assert_eq!(d.customers[1].owner, None);
    }

    #[test]
    fn delete_takes_orders_along_and_undo_brings_everything_back_past_the_tombstone() {
        let mut d = data();
        let u = apply(
            &mut d,
            &ids(&[1, 3]),
            &BulkAction::Delete,
            Timestamp(50),
            counter(),
        );
        assert_eq!(u.affected, 2);
        assert_eq!(d.customers.len(), 1);
        assert!(d.orders.is_empty());
        let deleted_copy = d.clone();
        undo(&mut d, u, Timestamp(60));
        assert_eq!(d.customers.len(), 3);
        assert_eq!(d.orders.len(), 1);
        // A tab that only saw the deletion takes the restoration in a merge.
        let mut other = deleted_copy;
        other.merge(d.clone());
        assert_eq!(other.customers.len(), 3);
        assert_eq!(other.orders.len(), 1);
    }
}

#[cfg(test)]
mod follow_up_tests {
    use super::*;

    #[test]
    fn a_follow_up_for_everyone_is_written_and_undone_in_one_step() {
        let mut d = Dataset::default();
        for n in 1..=3u128 {
            d.customers.push(Customer::new(
                Uuid::from_u128(n),
                format!("客户{n}"),
                Timestamp(1),
            ));
        }
        let ids: HashSet<Uuid> = [Uuid::from_u128(1), Uuid::from_u128(3)]
            .into_iter()
            .collect();
        let mut next = 100u128;
        let action = BulkAction::FollowUp {
            kind: ActivityKind::Care,
            text: "新春问候".into(),
            next_follow_up: None,
        };
        let u = apply(&mut d, &ids, &action, Timestamp(50), || {
            next += 1;
            Uuid::from_u128(next)
        });
        assert_eq!(u.affected, 2);
        assert_eq!(d.activities.len(), 2);
        assert!(
            d.activities
                .iter()
                .all(|a| a.kind == ActivityKind::Care && a.text == "新春问候")
        );
        assert_eq!(
            d.customers[0].updated_at,
            Timestamp(1),
            "the customer record is untouched"
        );
        undo(&mut d, u, Timestamp(60));
        assert!(d.activities.is_empty());
    }
}
