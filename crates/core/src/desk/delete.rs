//! Deleting a desk record entered by mistake: a request card, a recommendation, or a care
//! campaign together with all its contact tasks — and putting it back (the toast's Undo).
//!
//! A deletion leaves a tombstone per record (as [`Dataset::delete_customer`] does), so that a
//! merge with an older copy — another tab, the sync server, a device that has not heard of
//! the deletion — does not bring the record back; the store deletes the stored record and
//! keeps the tombstone, and sync sends it as a CouchDB deletion. Activities recorded for a
//! campaign's tasks stay: they are the customer's history, not the campaign's.
//!
//! [`restore`] puts back exactly the records a deletion took, stamped anew (so the
//! restoration also wins over any copy of the deletion, here or elsewhere), and removes their
//! tombstones from the data: nothing is left to send as a deletion that never stood.

use crate::dataset::Dataset;
use crate::model::{
    Campaign, CampaignTask, Desk, DeskRecord, Recommendation, Record, RecordKey, Request,
};
use crate::time::Timestamp;
use uuid::Uuid;

/// What one deletion took away, to put back with [`restore`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    records: Desk,
}

impl Deleted {
    /// The records as they were when deleted.
    pub fn records(&self) -> &Desk {
        &self.records
    }
    /// How many contact tasks went with a campaign.
    pub fn tasks(&self) -> usize {
        self.records.tasks.len()
    }
}

/// Removes the records of type `T` that `gone` picks from the data, with a tombstone each,
/// and keeps them in `into`.
fn take<T: DeskRecord>(
    data: &mut Dataset,
    into: &mut Desk,
    gone: impl Fn(&T) -> bool,
    now: Timestamp,
) {
    let list = T::list_mut(&mut data.desk);
    let (taken, kept): (Vec<T>, Vec<T>) = std::mem::take(list).into_iter().partition(&gone);
    *list = kept;
    for r in &taken {
        data.add_tombstone(T::KIND, RecordKey::Id(r.id()), now);
    }
    T::list_mut(into).extend(taken);
}

/// Deletes the record `id` of type `T`, stamped `now`; `None` if there is none.
fn delete_one<T: DeskRecord>(data: &mut Dataset, id: Uuid, now: Timestamp) -> Option<Deleted> {
    let mut out = Desk::default();
    take::<T>(data, &mut out, |r| r.id() == id, now);
    (!T::list(&out).is_empty()).then_some(Deleted { records: out })
}

/// Deletes the request `id`, stamped `now`; `None` if there is none.
pub fn delete_request(data: &mut Dataset, id: Uuid, now: Timestamp) -> Option<Deleted> {
    delete_one::<Request>(data, id, now)
}

/// Deletes the recommendation `id`, stamped `now`; `None` if there is none.
pub fn delete_recommendation(data: &mut Dataset, id: Uuid, now: Timestamp) -> Option<Deleted> {
    delete_one::<Recommendation>(data, id, now)
}

/// Deletes the campaign `id` and every one of its tasks, whatever their status, stamped
/// `now`; `None` if there is no such campaign. The Care activities its done tasks recorded
/// stay on the customers.
pub fn delete_campaign(data: &mut Dataset, id: Uuid, now: Timestamp) -> Option<Deleted> {
    let mut deleted = delete_one::<Campaign>(data, id, now)?;
    take::<CampaignTask>(data, &mut deleted.records, |t| t.campaign_id == id, now);
    Some(deleted)
}

/// How many contact tasks the campaign `id` has (what deleting it takes along).
pub fn campaign_tasks(desk: &Desk, id: Uuid) -> usize {
    desk.tasks.iter().filter(|t| t.campaign_id == id).count()
}

/// Puts back what a deletion took: each record as it was but stamped `now`, its tombstone
/// removed. A record that is back already (an edit from another device, newer than the
/// deletion) is kept as it is.
pub fn restore(data: &mut Dataset, deleted: Deleted, now: Timestamp) {
    let Desk {
        requests,
        recommendations,
        campaigns,
        tasks,
    } = deleted.records;
    put_back(data, requests, now);
    put_back(data, recommendations, now);
    put_back(data, campaigns, now);
    put_back(data, tasks, now);
    data.desk.normalize();
}

fn put_back<T: DeskRecord>(data: &mut Dataset, records: Vec<T>, now: Timestamp) {
    for r in records {
        let key = RecordKey::Id(r.id());
        data.tombstones
            .retain(|t| !(t.kind == <T as Record>::KIND && t.key == key));
        let list = T::list_mut(&mut data.desk);
        if list.iter().all(|x| x.id() != r.id()) {
            let mut r = r;
            r.stamp(now);
            list.push(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::campaigns::{Marked, set_task_status};
    use crate::model::{
        ActivityKind, Customer, Priority, RecommendationStatus, RecordKind, RequestStatus,
        TaskStatus, Tombstone,
    };

    const T0: Timestamp = Timestamp(1_789_862_400_000);
    const DELETED: Timestamp = Timestamp(1_789_862_500_000);
    const UNDONE: Timestamp = Timestamp(1_789_862_600_000);

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn request(n: u128, customer: u128) -> Request {
        Request {
            id: id(n),
            customer_id: id(customer),
            category: "complaint".into(),
            description: format!("需求 {n}"),
            priority: Priority::High,
            status: RequestStatus::Open,
            owner: Some("李经理".into()),
            opened_at: T0,
            due_at: Timestamp(T0.0 + 86_400_000),
            closed_at: None,
            resolution: String::new(),
            updated_at: T0,
        }
    }

    fn recommendation(n: u128, customer: u128) -> Recommendation {
        Recommendation {
            id: id(n),
            customer_id: id(customer),
            product: format!("产品 {n}"),
            amount_cents: Some(1_200_000),
            status: RecommendationStatus::Interested,
            won_cents: None,
            owner: Some("李经理".into()),
            recommended_at: T0,
            closed_at: None,
            note: String::new(),
            updated_at: T0,
        }
    }

    fn campaign(n: u128, name: &str) -> Campaign {
        Campaign {
            id: id(n),
            name: name.into(),
            occasion: "mid_autumn".into(),
            segment: "orders >= 1".into(),
            template: "{name}您好".into(),
            created_at: T0,
            updated_at: T0,
        }
    }

    fn task(n: u128, campaign: u128, customer: u128) -> CampaignTask {
        CampaignTask {
            id: id(n),
            campaign_id: id(campaign),
            customer_id: id(customer),
            owner: Some("李经理".into()),
            status: TaskStatus::Todo,
            done_at: None,
            updated_at: T0,
        }
    }

    /// Customers 1 and 2; requests 10 and 11; recommendations 20 and 21; campaign 30 (中秋关怀)
    /// with tasks 31, 32, 33 and campaign 40 (春节问候) with task 41.
    fn data() -> Dataset {
        Dataset {
            customers: vec![
                Customer::new(id(1), "王芳", T0),
                Customer::new(id(2), "张伟", T0),
            ],
            desk: Desk {
                requests: vec![request(10, 1), request(11, 2)],
                recommendations: vec![recommendation(20, 1), recommendation(21, 2)],
                campaigns: vec![campaign(30, "中秋关怀"), campaign(40, "春节问候")],
                tasks: vec![
                    task(31, 30, 1),
                    task(32, 30, 2),
                    task(33, 40, 1),
                    task(41, 40, 2),
                ],
            },
            ..Dataset::default()
        }
    }

    fn tombstone(kind: RecordKind, n: u128) -> Tombstone {
        Tombstone {
            kind,
            key: RecordKey::Id(id(n)),
            deleted_at: DELETED,
        }
    }

    fn ids<T: DeskRecord>(list: &[T]) -> Vec<u128> {
        list.iter().map(|r| r.id().as_u128()).collect()
    }

    #[test]
    fn a_request_goes_with_a_tombstone_and_an_older_copy_does_not_bring_it_back() {
        let mut d = data();
        let old = d.clone();
        let deleted = delete_request(&mut d, id(10), DELETED).expect("request 10");
        assert_eq!(ids(&d.desk.requests), [11]);
        assert_eq!(d.tombstones, [tombstone(RecordKind::Request, 10)]);
        assert_eq!(deleted.records().requests, [request(10, 1)]);
        assert_eq!(deleted.tasks(), 0);
        // Nothing else moved.
        assert_eq!(d.desk.recommendations, old.desk.recommendations);
        assert_eq!(d.desk.campaigns, old.desk.campaigns);
        assert_eq!(d.desk.tasks, old.desk.tasks);

        let mut merged = d.clone();
        merged.merge(old.clone());
        assert_eq!(ids(&merged.desk.requests), [11]);
        // Another tab holding the old copy takes the deletion in.
        let mut other = old;
        assert!(other.merge_changes(Dataset {
            tombstones: d.tombstones.clone(),
            ..Dataset::default()
        }));
        assert_eq!(ids(&other.desk.requests), [11]);

        assert_eq!(
            delete_request(&mut d, id(10), DELETED),
            None,
            "gone already"
        );
        assert_eq!(delete_request(&mut d, id(99), DELETED), None);
        assert_eq!(d.tombstones.len(), 1);
    }

    #[test]
    fn a_recommendation_goes_with_a_tombstone_and_stays_gone_after_a_merge() {
        let mut d = data();
        let old = d.clone();
        let deleted = delete_recommendation(&mut d, id(21), DELETED).expect("recommendation 21");
        assert_eq!(ids(&d.desk.recommendations), [20]);
        assert_eq!(d.tombstones, [tombstone(RecordKind::Recommendation, 21)]);
        assert_eq!(deleted.records().recommendations, [recommendation(21, 2)]);
        assert_eq!(d.desk.requests, old.desk.requests);
        d.merge(old);
        assert_eq!(ids(&d.desk.recommendations), [20]);
        assert_eq!(d.tombstones.len(), 1);
        assert_eq!(
            delete_recommendation(&mut d, id(10), DELETED),
            None,
            "a request's id"
        );
    }

    #[test]
    fn a_campaign_takes_all_its_tasks_and_leaves_the_other_campaign_and_the_care_history() {
        let mut d = data();
        // Task 31 was done: a Care activity on 王芳; task 32 had no answer.
        let mut n = 500u128;
        let mut new_id = || {
            n += 1;
            id(n)
        };
        let marked = set_task_status(&mut d, id(31), TaskStatus::Done, T0, &mut new_id);
        assert_eq!(
            marked,
            Marked::Changed {
                care: Some(id(501))
            }
        );
        set_task_status(&mut d, id(32), TaskStatus::NoAnswer, T0, &mut new_id);
        let old = d.clone();
        assert_eq!(campaign_tasks(&d.desk, id(30)), 2);
        assert_eq!(campaign_tasks(&d.desk, id(40)), 2);

        let deleted = delete_campaign(&mut d, id(30), DELETED).expect("campaign 30");
        assert_eq!(deleted.tasks(), 2);
        assert_eq!(ids(&deleted.records().campaigns), [30]);
        assert_eq!(ids(&deleted.records().tasks), [31, 32]);
        assert_eq!(ids(&d.desk.campaigns), [40]);
        assert_eq!(ids(&d.desk.tasks), [33, 41]);
        assert_eq!(
            d.tombstones,
            [
                tombstone(RecordKind::Campaign, 30),
                tombstone(RecordKind::Task, 31),
                tombstone(RecordKind::Task, 32),
            ]
        );
        // The contact made stays in the customer's history.
        assert_eq!(d.activities.len(), 1);
        assert_eq!(d.activities[0].kind, ActivityKind::Care);
        assert_eq!(d.activities[0].text, "中秋关怀");
        assert_eq!(campaign_tasks(&d.desk, id(30)), 0);

        d.merge(old);
        assert_eq!(ids(&d.desk.campaigns), [40]);
        assert_eq!(ids(&d.desk.tasks), [33, 41]);
        assert_eq!(d.activities.len(), 1);
        assert_eq!(delete_campaign(&mut d, id(30), DELETED), None);
        assert_eq!(
            delete_campaign(&mut d, id(31), DELETED),
            None,
            "a task is no campaign"
        );
        assert_eq!(ids(&d.desk.tasks), [33, 41]);
    }

    #[test]
    fn undo_puts_back_exactly_what_went_stamped_anew_without_its_tombstones() {
        let mut d = data();
        let original = d.clone();
        let campaign = delete_campaign(&mut d, id(30), DELETED).expect("campaign");
        let request = delete_request(&mut d, id(11), DELETED).expect("request");
        let deleted_copy = d.clone();
        assert_eq!(d.tombstones.len(), 4);

        restore(&mut d, campaign, UNDONE);
        restore(&mut d, request, UNDONE);
        assert!(d.tombstones.is_empty());
        // The same records, in the same order, only stamped with the time of the undo.
        let mut expected = original.desk.clone();
        for r in &mut expected.requests {
            if r.id == id(11) {
                r.updated_at = UNDONE;
            }
        }
        expected.campaigns[0].updated_at = UNDONE;
        expected.tasks[0].updated_at = UNDONE;
        expected.tasks[1].updated_at = UNDONE;
        assert_eq!(d.desk, expected);

        // A copy that saw only the deletion takes the restoration in, by either merge.
        let mut other = deleted_copy.clone();
        other.merge(d.clone());
        // (`merge` keeps our order and puts theirs after; a load puts them in order.)
        other.desk.normalize();
        assert_eq!(other.desk, expected);
        let mut tab = deleted_copy;
        tab.merge_changes(Dataset {
            desk: d.desk.clone(),
            ..Dataset::default()
        });
        assert_eq!(tab.desk, expected);
    }

    #[test]
    fn undo_keeps_a_record_that_came_back_newer_from_elsewhere() {
        let mut d = data();
        let deleted = delete_recommendation(&mut d, id(20), DELETED).expect("recommendation");
        let mut edited = recommendation(20, 1);
        edited.status = RecommendationStatus::Won;
        edited.updated_at = Timestamp(DELETED.0 + 1);
        d.merge(Dataset {
            desk: Desk {
                recommendations: vec![edited.clone()],
                ..Desk::default()
            },
            ..Dataset::default()
        });
        restore(&mut d, deleted, UNDONE);
        assert_eq!(ids(&d.desk.recommendations), [20, 21]);
        assert_eq!(d.desk.recommendations[0], edited);
        assert!(d.tombstones.is_empty());
    }

    #[test]
    fn a_desk_deletion_lets_analytics_update_instead_of_rebuilding() {
        let mut d = data();
        delete_campaign(&mut d, id(30), DELETED).expect("campaign");
        assert_eq!(d.touched_since(DELETED), Some(vec![]));
        d.delete_customer(id(2), Timestamp(DELETED.0 + 1));
        assert_eq!(
            d.touched_since(DELETED),
            None,
            "a customer's deletion moves positions"
        );
    }
}
