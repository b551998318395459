//! The customer list's state in its URL (`#/customers?q=王&stage=at_risk&sort=spent&dir=desc
//! &id=…`), typed: the only place its parameter names are spelled.

use crate::route::{PageQuery, Route, View};
use kezhi_core::customer_query::{CustomerQuery, Filters, SortKey};
use kezhi_core::metrics::Analytics;
use kezhi_core::model::{RfmGroup, Stage, Tier};
use uuid::Uuid;

/// A filter menu of the list, named in the URL (and in its `filter-…` test id) by [`Menu::param`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    Channel,
    City,
    Level,
    Tag,
    Owner,
    Stage,
    Tier,
    RfmGroup,
}

impl Menu {
    /// In the filter bar's order.
    pub const ALL: [Menu; 8] = [
        Menu::Channel,
        Menu::City,
        Menu::Level,
        Menu::Tag,
        Menu::Owner,
        Menu::Stage,
        Menu::Tier,
        Menu::RfmGroup,
    ];

    pub fn param(self) -> &'static str {
        match self {
            Menu::Channel => "channel",
            Menu::City => "city",
            Menu::Level => "level",
            Menu::Tag => "tag",
            Menu::Owner => "owner",
            Menu::Stage => "stage",
            Menu::Tier => "tier",
            Menu::RfmGroup => "rfm_group",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomersQuery {
    /// The search text (`q`).
    pub q: String,
    /// Filter menus holding the value as stored (`channel`, `city`, `level`, `tag`, `owner`).
    pub channel: Option<String>,
    pub city: Option<String>,
    pub level: Option<String>,
    pub tag: Option<String>,
    pub owner: Option<String>,
    pub stage: Option<Stage>,
    /// A tier's code (tiers are the user's, renamed in Settings).
    pub tier: Option<String>,
    pub rfm_group: Option<RfmGroup>,
    /// `risk=new`: only customers newly at risk (opened from the dashboard's churn warnings).
    pub newly_at_risk: bool,
    /// `sort` (absent: by name) and `dir=desc`.
    pub sort: Option<SortKey>,
    pub descending: bool,
    /// The customer open in the panel (`id`).
    pub selected: Option<Uuid>,
    /// A new customer's form open in the panel (`new=1`).
    pub creating: bool,
    /// Narrowed to a saved segment (`segment`: its id), a segment query (`sq`), a funnel's
    /// drill-down (`funnel`: the funnel page's hash without `#/`) or a cohort's cell
    /// (`cohort`: the cohort page's hash with the cell, without `#/`).
    pub segment: Option<String>,
    pub segment_query: Option<String>,
    pub funnel: Option<String>,
    pub cohort: Option<String>,
}

impl CustomersQuery {
    /// A filter menu's value as the URL and the menu's options spell it.
    pub fn menu(&self, menu: Menu) -> Option<String> {
        match menu {
            Menu::Channel => self.channel.clone(),
            Menu::City => self.city.clone(),
            Menu::Level => self.level.clone(),
            Menu::Tag => self.tag.clone(),
            Menu::Owner => self.owner.clone(),
            Menu::Stage => self.stage.map(|s| s.code().to_string()),
            Menu::Tier => self.tier.clone(),
            Menu::RfmGroup => self.rfm_group.map(|g| g.code().to_string()),
        }
    }

    pub fn set_menu(&mut self, menu: Menu, value: Option<String>) {
        let value = value.filter(|v| !v.is_empty());
        match menu {
            Menu::Channel => self.channel = value,
            Menu::City => self.city = value,
            Menu::Level => self.level = value,
            Menu::Tag => self.tag = value,
            Menu::Owner => self.owner = value,
            Menu::Stage => self.stage = value.as_deref().and_then(Stage::from_code),
            Menu::Tier => self.tier = value,
            Menu::RfmGroup => self.rfm_group = value.as_deref().and_then(RfmGroup::from_code),
        }
    }

    /// The filter menus and `risk` cleared.
    pub fn clear_filters(&mut self) {
        for menu in Menu::ALL {
            self.set_menu(menu, None);
        }
        self.newly_at_risk = false;
    }

    /// The restriction to a segment or a funnel's drill-down lifted.
    pub fn clear_restriction(&mut self) {
        self.segment = None;
        self.segment_query = None;
        self.funnel = None;
        self.cohort = None;
    }

    /// What the core's index selects and how it orders it.
    pub fn customer_query(&self, analytics: &Analytics) -> CustomerQuery {
        CustomerQuery {
            text: self.q.clone(),
            filters: Filters {
                channel: self.channel.clone(),
                city: self.city.clone(),
                level: self.level.clone(),
                tag: self.tag.clone(),
                owner: self.owner.clone(),
                stage: self.stage,
                // An unknown tier (renamed in Settings since) matches nobody.
                tier: self
                    .tier
                    .as_deref()
                    .map(|code| analytics.tier_by_code(code).unwrap_or(Tier(u8::MAX))),
                group: self.rfm_group,
                newly_at_risk: self.newly_at_risk,
            },
            sort: self.sort.unwrap_or_default(),
            descending: self.descending,
        }
    }
}

impl PageQuery for CustomersQuery {
    fn from_route(r: &Route) -> Self {
        let get = |k: &str| r.param(k).map(str::to_string);
        CustomersQuery {
            q: get("q").unwrap_or_default(),
            channel: get(Menu::Channel.param()),
            city: get(Menu::City.param()),
            level: get(Menu::Level.param()),
            tag: get(Menu::Tag.param()),
            owner: get(Menu::Owner.param()),
            stage: r.param(Menu::Stage.param()).and_then(Stage::from_code),
            tier: get(Menu::Tier.param()),
            rfm_group: r
                .param(Menu::RfmGroup.param())
                .and_then(RfmGroup::from_code),
            newly_at_risk: r.param("risk") == Some("new"),
            sort: r.param("sort").and_then(SortKey::parse),
            descending: r.param("dir") == Some("desc"),
            selected: r.param("id").and_then(|id| Uuid::parse_str(id).ok()),
            creating: r.param("new").is_some(),
            segment: get("segment"),
            segment_query: get("sq"),
            funnel: get("funnel"),
            cohort: get("cohort"),
        }
    }

    fn to_route(&self) -> Route {
        let mut route = Route::new(View::Customers).with("q", Some(self.q.clone()));
        for menu in Menu::ALL {
            route = route.with(menu.param(), self.menu(menu));
        }
        route
            .with("risk", self.newly_at_risk.then(|| "new".to_string()))
            .with("sort", self.sort.map(|k| k.as_str().to_string()))
            .with("dir", self.descending.then(|| "desc".to_string()))
            .with("id", self.selected.map(|id| id.to_string()))
            .with("new", self.creating.then(|| "1".to_string()))
            .with("segment", self.segment.clone())
            .with("sq", self.segment_query.clone())
            .with("funnel", self.funnel.clone())
            .with("cohort", self.cohort.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// URLs the app writes (and the end-to-end tests and bookmarks use), exactly as written.
    const URLS: [&str; 12] = [
        "#/customers",
        "#/customers?q=%E7%8E%8B",
        "#/customers?dir=desc&sort=spent",
        "#/customers?sort=last_order",
        "#/customers?channel=tmall&level=gold",
        "#/customers?stage=prospect",
        "#/customers?id=5f0c7a52-3c1e-4d8e-9a57-0b8f2f6c1d2e&stage=mature",
        "#/customers?risk=new&stage=at_risk",
        "#/customers?city=%E4%B8%8A%E6%B5%B7&owner=%E6%9D%8E%E5%9B%9B&rfm_group=important_value&tag=VIP&tier=premium",
        "#/customers?new=1&q=zs",
        "#/customers?segment=a1b2c3d4e5f6",
        "#/customers?sq=orders%20%3E%3D%202",
    ];

    #[test]
    fn the_urls_of_the_list_round_trip_byte_for_byte() {
        for url in URLS {
            let q = CustomersQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        // A funnel's drill-down carries the funnel page's hash, encoded once more.
        let drill =
            "#/customers?funnel=funnels%3Fds%3D2%26dw%3Ddropped%26f%3Dview~add_to_cart~pay!1d";
        let q = CustomersQuery::from_route(&Route::parse(drill));
        assert_eq!(
            q.funnel.as_deref(),
            Some("funnels?ds=2&dw=dropped&f=view~add_to_cart~pay!1d")
        );
        assert_eq!(q.to_route().to_hash(), drill);
        // So does a cohort's cell.
        let cell = "#/customers?cohort=cohorts%3Fch%3Dtmall%26cm%3D2025-01%26cp%3D2";
        let q = CustomersQuery::from_route(&Route::parse(cell));
        assert_eq!(
            q.cohort.as_deref(),
            Some("cohorts?ch=tmall&cm=2025-01&cp=2")
        );
        assert_eq!(q.to_route().to_hash(), cell);
    }

    #[test]
    fn the_url_reads_as_typed_values() {
        let q = CustomersQuery::from_route(&Route::parse(
            "#/customers?dir=desc&id=5f0c7a52-3c1e-4d8e-9a57-0b8f2f6c1d2e&risk=new&sort=spent&stage=at_risk&tier=premium",
        ));
        assert_eq!(q.sort, Some(SortKey::TotalSpent));
        assert!(q.descending && q.newly_at_risk && !q.creating);
        assert_eq!(q.stage, Some(Stage::AtRisk));
        assert_eq!(q.menu(Menu::Stage).as_deref(), Some("at_risk"));
        assert_eq!(q.tier.as_deref(), Some("premium"));
        assert_eq!(
            q.selected.map(|id| id.to_string()).as_deref(),
            Some("5f0c7a52-3c1e-4d8e-9a57-0b8f2f6c1d2e")
        );
    }

    #[test]
    fn edits_through_the_query_write_the_same_urls_as_before() {
        let r = Route::parse("#/customers?channel=tmall&q=%E7%8E%8B&sort=spent");
        // A column header: sort and direction.
        let sorted = r.clone().update(|q: &mut CustomersQuery| {
            q.sort = Some(SortKey::Orders);
            q.descending = true;
        });
        assert_eq!(
            sorted.to_hash(),
            "#/customers?channel=tmall&dir=desc&q=%E7%8E%8B&sort=orders"
        );
        // "Clear filters" keeps the search and the sort.
        let cleared = Route::parse("#/customers?channel=tmall&risk=new&sort=spent&stage=at_risk")
            .update(|q: &mut CustomersQuery| q.clear_filters());
        assert_eq!(cleared.to_hash(), "#/customers?sort=spent");
        // Opening a customer closes the new-customer form.
        let id = Uuid::parse_str("5f0c7a52-3c1e-4d8e-9a57-0b8f2f6c1d2e").expect("uuid");
        let opened = Route::parse("#/customers?new=1&q=zs").update(|q: &mut CustomersQuery| {
            q.creating = false;
            q.selected = Some(id);
        });
        assert_eq!(
            opened.to_hash(),
            "#/customers?id=5f0c7a52-3c1e-4d8e-9a57-0b8f2f6c1d2e&q=zs"
        );
        // A stage code this version does not know stays in the URL when something else
        // changes (it was never read, so it is not written either).
        let kept = Route::parse("#/customers?stage=someday")
            .update(|q: &mut CustomersQuery| q.q = "王".into());
        assert_eq!(kept.to_hash(), "#/customers?q=%E7%8E%8B&stage=someday");
        let menu = Route::parse("#/customers").update(|q: &mut CustomersQuery| {
            q.set_menu(Menu::RfmGroup, Some("important_value".into()));
            q.set_menu(Menu::Tier, Some("premium".into()));
        });
        assert_eq!(
            menu.to_hash(),
            "#/customers?rfm_group=important_value&tier=premium"
        );
    }
}
