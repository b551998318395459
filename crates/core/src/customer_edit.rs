//! Saving the customer form: the typed fields checked and normalised, another customer with
//! the same phone or e-mail reported (saving again with the same one shown saves anyway), and
//! a change of account manager kept as owner history — the rules, so the page only renders.

use crate::bulk;
use crate::dataset::Dataset;
use crate::model::Stage;
use crate::model::{Activity, Customer};
use crate::sym::Sym;
use crate::time::Timestamp;
use crate::validate::{self, FieldError};
use uuid::Uuid;

/// The form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub city: String,
    /// Comma-separated (see [`crate::contact::tags`]).
    pub tags: String,
    pub owner: String,
    /// A stage's code, or empty for the stage the rules compute.
    pub stage: String,
}

impl CustomerForm {
    /// The form filled in with a customer as stored.
    pub fn of(c: &Customer) -> Self {
        CustomerForm {
            name: c.name.clone(),
            phone: c.phone.clone().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
            city: c.city.map(|s| s.to_string()).unwrap_or_default(),
            tags: Sym::join(&c.tags, ", "),
            owner: c.owner.map(|s| s.to_string()).unwrap_or_default(),
            stage: c
                .stage_override
                .map(|s| s.code().to_string())
                .unwrap_or_default(),
        }
    }
}

/// Why the form was not saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Invalid(FieldError),
    /// Another customer has the same phone or e-mail: shown, and saved on a second try.
    Duplicate {
        id: Uuid,
        name: String,
    },
}

/// A checked edit, ready to apply.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerEdit {
    pub customer: Customer,
    /// The owner history entry when an existing customer changed account manager.
    pub history: Option<Activity>,
}

impl CustomerEdit {
    pub fn apply_to(self, d: &mut Dataset) {
        d.upsert_customer(self.customer);
        d.activities.extend(self.history);
    }
}

/// Checks the form for the customer `id` (`None`: a new one) against `data`.
/// `shown_duplicate`: the duplicate the user was already shown (then saving goes ahead).
/// `new_id` gives the ids of a new customer and of a history entry.
pub fn check(
    data: &Dataset,
    id: Option<Uuid>,
    form: &CustomerForm,
    shown_duplicate: Option<Uuid>,
    now: Timestamp,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<CustomerEdit, Refusal> {
    let name = validate::name(&form.name).map_err(Refusal::Invalid)?;
    let stored_phone = id
        .and_then(|id| data.customer(id))
        .and_then(|c| c.phone.as_deref());
    let phone = validate::phone_keeping(&form.phone, stored_phone).map_err(Refusal::Invalid)?;
    let email = validate::email(&form.email).map_err(Refusal::Invalid)?;
    let dup = data
        .find_duplicate(
            phone.as_deref(),
            email.as_deref(),
            id.unwrap_or_else(Uuid::nil),
        )
        .map(|c| (c.id, c.name.clone()));
    if let Some((dup_id, dup_name)) = dup
        && shown_duplicate != Some(dup_id)
    {
        return Err(Refusal::Duplicate {
            id: dup_id,
            name: dup_name,
        });
    }
    let existing = id.and_then(|id| data.customer(id).cloned());
    let known = existing.is_some();
    let mut customer = existing.unwrap_or_else(|| Customer::new(new_id(), "", now));
    let blank = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(Sym::new);
    customer.name = name;
    customer.phone = phone;
    customer.email = email;
    customer.city = blank(&form.city);
    customer.tags = validate::tags(&form.tags)
        .iter()
        .map(|t| Sym::new(t))
        .collect();
    customer.stage_override = Stage::from_code(&form.stage);
    let owner = blank(&form.owner);
    let history = (known && customer.owner != owner)
        .then(|| bulk::owner_change(&customer, owner, now, new_id()));
    customer.owner = owner;
    customer.updated_at = now;
    Ok(CustomerEdit { customer, history })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActivityKind;

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 100u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    fn form(name: &str, phone: &str, owner: &str) -> CustomerForm {
        CustomerForm {
            name: name.into(),
            phone: phone.into(),
            owner: owner.into(),
            ..CustomerForm::default()
        }
    }

    #[test]
    fn a_new_customer_is_checked_normalised_and_has_no_history() {
        let data = Dataset::default();
        let mut f = form(" 王芳 ", "+86 139-0000-2222", "李经理");
        f.email = " Wang@Example.COM ".into();
        f.city = " 杭州 ".into();
        f.tags = "VIP，高潜力;VIP".into();
        f.stage = "mature".into();
        let edit = check(&data, None, &f, None, Timestamp(7), &mut ids()).expect("valid");
        let c = &edit.customer;
        assert_eq!(c.id, Uuid::from_u128(101));
        assert_eq!(c.name, "王芳");
        assert_eq!(c.phone.as_deref(), Some("13900002222"));
        assert_eq!(c.email.as_deref(), Some("wang@example.com"));
        assert_eq!(c.city.map(Sym::as_str), Some("杭州"));
        assert_eq!(c.tags, ["VIP", "高潜力"]);
        assert_eq!(c.owner.map(Sym::as_str), Some("李经理"));
        assert_eq!(c.stage_override, Some(Stage::Mature));
        assert_eq!(c.updated_at, Timestamp(7));
        assert_eq!(edit.history, None);
        assert_eq!(CustomerForm::of(c).tags, "VIP, 高潜力");

        for (f, why) in [
            (form("  ", "", ""), FieldError::NameRequired),
            (form("王芳", "12345", ""), FieldError::Phone),
        ] {
            assert_eq!(
                check(&data, None, &f, None, Timestamp(7), &mut ids()),
                Err(Refusal::Invalid(why))
            );
        }
    }

    #[test]
    fn an_imported_number_the_form_would_refuse_does_not_stop_an_edit() {
        let mut data = Dataset::default();
        let mut imported = Customer::new(Uuid::from_u128(7), "李雷", Timestamp(1));
        imported.phone = Some("88886666".into());
        data.upsert_customer(imported);
        let id = Some(Uuid::from_u128(7));
        let mut f = form("李雷", "88886666", "");
        f.tags = "VIP".into();
        let edit = check(&data, id, &f, None, Timestamp(2), &mut ids()).expect("kept");
        assert_eq!(edit.customer.phone.as_deref(), Some("88886666"));
        assert_eq!(edit.customer.tags, ["VIP"]);
        // Changed, the number must be one the form takes; on a new customer too.
        let changed = form("李雷", "88886667", "");
        assert_eq!(
            check(&data, id, &changed, None, Timestamp(2), &mut ids()),
            Err(Refusal::Invalid(FieldError::Phone))
        );
        assert_eq!(
            check(&data, None, &f, None, Timestamp(2), &mut ids()),
            Err(Refusal::Invalid(FieldError::Phone))
        );
    }

    #[test]
    fn a_duplicate_is_shown_once_and_an_owner_change_is_kept_as_history() {
        let mut data = Dataset::default();
        let first = check(
            &data,
            None,
            &form("王芳", "13900002222", "李经理"),
            None,
            Timestamp(1),
            &mut ids(),
        )
        .expect("valid");
        let first_id = first.customer.id;
        first.apply_to(&mut data);
        // The same phone written otherwise, on a new customer.
        let again = form("王芳（京东）", "+86 139 0000 2222", "");
        let refused = check(&data, None, &again, None, Timestamp(2), &mut ids());
        assert_eq!(
            refused,
            Err(Refusal::Duplicate {
                id: first_id,
                name: "王芳".into()
            })
        );
        let saved = check(
            &data,
            None,
            &again,
            Some(first_id),
            Timestamp(2),
            &mut || Uuid::from_u128(500),
        )
        .expect("saved on the second try");
        assert_eq!(saved.customer.id, Uuid::from_u128(500));

        // The account manager changes: one owner-change activity, stamped and attributed.
        let mut edit = CustomerForm::of(data.customer(first_id).expect("stored"));
        edit.owner = "张经理".into();
        let changed = check(
            &data,
            Some(first_id),
            &edit,
            None,
            Timestamp(3),
            &mut || Uuid::from_u128(900),
        )
        .expect("valid");
        let h = changed.history.clone().expect("history");
        assert_eq!(
            (
                h.id,
                h.customer_id,
                h.kind,
                h.at,
                h.text.as_str(),
                h.owner.as_deref()
            ),
            (
                Uuid::from_u128(900),
                first_id,
                ActivityKind::OwnerChange,
                Timestamp(3),
                "李经理 → 张经理",
                Some("张经理")
            )
        );
        changed.apply_to(&mut data);
        assert_eq!(data.customers.len(), 1);
        assert_eq!(data.activities.len(), 1);
        // Saving unchanged adds no history.
        let same = CustomerForm::of(data.customer(first_id).expect("stored"));
        let unchanged =
            check(&data, Some(first_id), &same, None, Timestamp(4), &mut ids()).expect("valid");
        assert_eq!(unchanged.history, None);
    }
}
