//! A section's bytes laid out, and read back, a slice of records at a time: the 2.55 M events
//! of the 100,000-customer demo were one task of ~0.9 s to lay out and ~2.7 s to decode, and
//! the page painted nothing meanwhile. [`SectionLayout`] writes exactly the bytes of
//! [`section_bytes`](super::section_bytes) and [`SectionRead`] appends exactly the records of
//! [`decode_section_bytes`](super::decode_section_bytes) (but for the events' order, which
//! [`crate::dataset::Dataset::normalize`] sets either way): the caller lets the browser paint
//! between steps.
//!
//! The layouts are postcard sequences, a length then the items; the dictionary of a section
//! comes first but is only known once every item is encoded, so the items are written to a
//! body of their own and the section is put together at the end.

use super::*;
use crate::EventLog;
use serde::de::DeserializeOwned;

/// Appends `value`'s postcard encoding to `out`.
fn put<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Plain structs into a Vec cannot fail; the bytes come back either way.
    match postcard::to_extend(value, std::mem::take(out)) {
        Ok(bytes) => *out = bytes,
        Err(_) => debug_assert!(false, "postcard into a Vec failed"),
    }
}

/// Orders' or events' positions grouped by customer, in the order of each customer's first
/// record, as [`group_by_customer`] groups them.
#[derive(Default)]
struct Groups {
    position: rustc_hash::FxHashMap<Uuid, u32>,
    list: Vec<(Uuid, Vec<u32>)>,
    /// Records grouped so far.
    grouped: usize,
}

impl Groups {
    /// Groups up to `budget` more records; how many it did.
    fn add<R>(&mut self, records: &[R], customer: impl Fn(&R) -> Uuid, budget: usize) -> usize {
        let start = self.grouped;
        let end = records.len().min(start.saturating_add(budget));
        for (i, r) in records.iter().enumerate().take(end).skip(start) {
            let c = customer(r);
            let list = &mut self.list;
            let g = *self.position.entry(c).or_insert_with(|| {
                list.push((c, Vec::new()));
                (list.len() - 1) as u32
            });
            list[g as usize].1.push(i as u32);
        }
        self.grouped = end.max(start);
        self.grouped - start
    }
}

/// What the items of a section share while they are laid out.
#[derive(Default)]
struct Body {
    dict: Dictionary,
    /// Every record's `updated_at` from the previous record's.
    updated: Delta,
    bytes: Vec<u8>,
    /// Items (customers, activities) or groups (orders, events) in `bytes`.
    items: usize,
}

/// One section's bytes ([`section_bytes`](super::section_bytes)'s) laid out in steps.
pub struct SectionLayout {
    section: Section,
    groups: Groups,
    body: Body,
    /// A normalised copy of the events, when the data's has events not yet in order.
    events: Option<EventLog>,
}

impl SectionLayout {
    pub fn new(section: Section) -> Self {
        SectionLayout {
            section,
            groups: Groups::default(),
            body: Body::default(),
            events: None,
        }
    }

    /// How much work laying out `data`'s section is, in the units [`SectionLayout::step`]
    /// counts (orders are gone over twice: grouped, then written; the events come grouped).
    pub fn work(data: &Dataset, section: Section) -> usize {
        match section {
            Section::Customers => data.customers.len(),
            Section::Orders => data.orders.len() * 2,
            Section::Events => data.events.len(),
            Section::Activities => data.activities.len(),
            Section::Desk => 0,
        }
    }

    /// Lays out about `budget` more records of `data` (at least one) and says how many, or
    /// `None` once all are. `data` must not change between steps (a caller whose data changed
    /// starts again); it is never read out of bounds if it does.
    pub fn step(&mut self, data: &Dataset, budget: usize) -> Option<usize> {
        let budget = budget.max(1);
        let body = &mut self.body;
        let n = match self.section {
            Section::Customers => {
                let end = data.customers.len().min(body.items.saturating_add(budget));
                let from = body.items.min(end);
                for c in &data.customers[from..end] {
                    put(&CustomerV2::new(c, &mut body.updated), &mut body.bytes);
                }
                body.items = end;
                end - from
            }
            Section::Activities => {
                let end = data.activities.len().min(body.items.saturating_add(budget));
                let from = body.items.min(end);
                for a in &data.activities[from..end] {
                    let item = ActivityV2::new(a, &mut body.dict, &mut body.updated);
                    put(&item, &mut body.bytes);
                }
                body.items = end;
                end - from
            }
            Section::Orders => {
                let orders = &data.orders;
                match self.groups.add(orders, |o| o.customer_id, budget) {
                    0 => write_groups(&self.groups, body, budget, |list, body| {
                        let mut at = Delta::default();
                        put(&list.len(), &mut body.bytes);
                        for o in list.iter().filter_map(|&i| orders.get(i as usize)) {
                            let item = OrderV2::new(o, &mut body.dict, &mut at, &mut body.updated);
                            put(&item, &mut body.bytes);
                        }
                    }),
                    n => n,
                }
            }
            Section::Events => {
                // The log holds the events grouped by customer in id order, each customer's in
                // time order: its runs are the section's groups as they are. A log with
                // events not yet in its columns is laid out from a normalised copy.
                if self.events.is_none() && !data.events.is_normalized() {
                    let mut copy = data.events.clone();
                    copy.normalize();
                    self.events = Some(copy);
                }
                let log = self.events.as_ref().unwrap_or(&data.events);
                let mut n = 0;
                while n < budget {
                    let k = body.items;
                    let Some(customer) = log.customers().get(k) else {
                        break;
                    };
                    body.bytes.extend_from_slice(customer.as_bytes());
                    let run = log.run(k);
                    put(&run.len(), &mut body.bytes);
                    let mut at = Delta::default();
                    for e in log.run_events(k) {
                        let item = EventV2::new(&e, &mut body.dict, &mut at, &mut body.updated);
                        put(&item, &mut body.bytes);
                    }
                    body.items += 1;
                    n += run.len().max(1);
                }
                n
            }
            Section::Desk => 0,
        };
        (n > 0).then_some(n)
    }

    /// The section's bytes, once [`SectionLayout::step`] has said `None` (with its
    /// tombstones, and for customers format 3's extension, taken from `data` now).
    pub fn finish(self, data: &Dataset) -> Vec<u8> {
        let tombstones = tombstones_of(data, self.section);
        let Body {
            dict,
            mut bytes,
            items,
            ..
        } = self.body;
        let (mut head, mut tail) = (Vec::new(), Vec::new());
        match self.section {
            Section::Customers => {
                put(&items, &mut head);
                put(&tombstones, &mut tail);
                put(&CustomersExtV3::new(&data.customers), &mut tail);
            }
            Section::Orders | Section::Events | Section::Activities => {
                put(&dict.strings, &mut head);
                put(&items, &mut head);
                put(&tombstones, &mut tail);
            }
            Section::Desk => return super::section_bytes(data, Section::Desk),
        }
        // The body (40 MB of events at 100k) moved along in place rather than copied into a
        // buffer of its own: the page's memory never shrinks.
        bytes.reserve_exact(head.len() + tail.len());
        bytes.splice(0..0, head);
        bytes.extend_from_slice(&tail);
        bytes
    }
}

/// Writes the next groups (their customer, then `write` writes the records) until about
/// `budget` records are written; how many were.
fn write_groups(
    groups: &Groups,
    body: &mut Body,
    budget: usize,
    mut write: impl FnMut(&[u32], &mut Body),
) -> usize {
    let mut n = 0;
    while n < budget {
        let Some((customer, list)) = groups.list.get(body.items) else {
            break;
        };
        body.bytes.extend_from_slice(customer.as_bytes());
        write(list, body);
        body.items += 1;
        n += list.len().max(1);
    }
    n
}

/// One section's records ([`decode_section_bytes`](super::decode_section_bytes)'s) read in
/// steps.
pub struct SectionRead {
    section: Section,
    bytes: Vec<u8>,
    /// How far `bytes` is read.
    at: usize,
    started: bool,
    done: bool,
    /// Items (customers, activities) or groups (orders, events) still to read.
    left: usize,
    strings: Vec<String>,
    syms: Vec<Sym>,
    updated: Delta,
    /// Where this section's records start in the dataset read into.
    first: usize,
}

/// The next value in `bytes` after `at` (moved past it).
fn take<'a, T: Deserialize<'a>>(bytes: &'a [u8], at: &mut usize) -> Result<T, DecodeError> {
    let rest = bytes.get(*at..).unwrap_or_default();
    let (value, after) =
        postcard::take_from_bytes(rest).map_err(|e| DecodeError::Layout(e.to_string()))?;
    *at = bytes.len() - after.len();
    Ok(value)
}

fn take_owned<T: DeserializeOwned>(bytes: &[u8], at: &mut usize) -> Result<T, DecodeError> {
    take(bytes, at)
}

impl SectionRead {
    pub fn new(section: Section, bytes: Vec<u8>) -> Self {
        SectionRead {
            section,
            bytes,
            at: 0,
            started: false,
            done: false,
            left: 0,
            strings: Vec::new(),
            syms: Vec::new(),
            updated: Delta::default(),
            first: 0,
        }
    }

    /// Reads about `budget` more records into `into` (at least one group) and says how many,
    /// or `None` once the section is read, its tombstones too. The events are appended in
    /// the file's order (by customer): the caller sorts them (`Dataset::normalize`'s order).
    pub fn step(
        &mut self,
        into: &mut Dataset,
        budget: usize,
    ) -> Result<Option<usize>, DecodeError> {
        if self.done {
            return Ok(None);
        }
        let bytes = &self.bytes;
        let at = &mut self.at;
        if !self.started {
            self.started = true;
            match self.section {
                Section::Desk => {
                    self.done = true;
                    if !bytes.is_empty() {
                        super::decode_section_bytes(bytes, Section::Desk, into)?;
                    }
                    return Ok(Some(1));
                }
                Section::Customers => self.first = into.customers.len(),
                Section::Orders => {
                    self.first = into.orders.len();
                    self.strings = take_owned(bytes, at)?;
                }
                Section::Events => {
                    self.strings = take_owned(bytes, at)?;
                    self.syms = self.strings.iter().map(|s| Sym::new(s)).collect();
                }
                Section::Activities => self.strings = take_owned(bytes, at)?,
            }
            self.left = take(bytes, at)?;
        }
        let updated = &mut self.updated;
        let mut n = 0;
        while self.left > 0 && n < budget.max(1) {
            self.left -= 1;
            match self.section {
                Section::Customers => {
                    let c: CustomerV2 = take(bytes, at)?;
                    into.customers.push(c.into_customer(updated));
                    n += 1;
                }
                Section::Orders => {
                    let (customer, list): ([u8; 16], Vec<OrderV2>) = take(bytes, at)?;
                    let mut time = Delta::default();
                    n += list.len().max(1);
                    for o in list {
                        let order = o.into_order(customer, &self.strings, &mut time, updated)?;
                        into.orders.push(order);
                    }
                }
                Section::Events => {
                    let (customer, list): ([u8; 16], Vec<EventV2>) = take(bytes, at)?;
                    let mut time = Delta::default();
                    n += list.len().max(1);
                    let mut log = Vec::with_capacity(list.len());
                    for e in list {
                        log.push(e.into_event(customer, &self.syms, &mut time, updated)?);
                    }
                    // Straight into the columns when the groups come in id order, as this
                    // build writes them.
                    into.events.add_customer_log(&mut log);
                }
                Section::Activities => {
                    let a: ActivityV2 = take(bytes, at)?;
                    into.activities
                        .push(a.into_activity(&self.strings, updated)?);
                    n += 1;
                }
                Section::Desk => {}
            }
        }
        if self.left == 0 {
            let tombstones: Vec<TombstoneV2> = take(bytes, at)?;
            match self.section {
                Section::Customers => {
                    // Format 2 ends here; format 3 appends the extension.
                    let rest = bytes.get(*at..).unwrap_or_default();
                    if !rest.is_empty() {
                        let ext: CustomersExtV3 = postcard::from_bytes(rest)
                            .map_err(|e| DecodeError::Layout(e.to_string()))?;
                        ext.apply(into.customers.get_mut(self.first..).unwrap_or_default());
                    }
                }
                Section::Orders => {
                    // As `OrdersV2::into_orders`: the section's orders sorted on their own, by
                    // a stable sort (the same order). std's own: `crate::sorting`'s, a call
                    // per comparison, was a task of ~130 ms for 285k orders in Chromium.
                    let orders = into.orders.get_mut(self.first..).unwrap_or_default();
                    orders.sort_by_key(|o| (o.ordered_at, o.id));
                }
                _ => {}
            }
            for t in tombstones {
                into.tombstones.push(Tombstone::try_from(t)?);
            }
            self.done = true;
        }
        Ok(Some(n.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoConfig, generate};
    use crate::time::Timestamp;

    fn demo() -> Dataset {
        let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
        let mut data = generate(&DemoConfig::new(200, end));
        // Tombstones of every section, a manual stage, an activity with an owner.
        for kind in [
            RecordKind::Customer,
            RecordKind::Order,
            RecordKind::Activity,
        ] {
            data.tombstones.push(Tombstone {
                kind,
                key: RecordKey::Id(Uuid::from_u128(7)),
                deleted_at: Timestamp(9),
            });
        }
        let e = data.events.get(3).expect("a fourth event");
        data.tombstones.push(Tombstone {
            kind: RecordKind::Event,
            key: RecordKey::Event(e.customer_id, e.kind, e.occurred_at),
            deleted_at: Timestamp(11),
        });
        data.customers[5].stage_override = Some(crate::model::Stage::Churned);
        data.normalize();
        data
    }

    fn layout(data: &Dataset, section: Section, budget: usize) -> (Vec<u8>, usize) {
        let mut layout = SectionLayout::new(section);
        let (mut steps, mut work) = (0, 0);
        while let Some(n) = layout.step(data, budget) {
            steps += 1;
            work += n;
        }
        assert_eq!(work, SectionLayout::work(data, section), "{section:?}");
        (layout.finish(data), steps)
    }

    #[test]
    fn a_layout_in_steps_is_the_sections_bytes_exactly() {
        let data = demo();
        assert!(
            data.events.len() > 3_000 && data.orders.len() > 300,
            "{:?}",
            data.counts()
        );
        for section in Section::ALL {
            let whole = section_bytes(&data, section);
            for budget in [1, 7, 1_000, usize::MAX] {
                let (bytes, _) = layout(&data, section, budget);
                assert!(bytes == whole, "{section:?} in steps of {budget}");
            }
        }
        // Steps of 1,000 events: the log comes grouped by customer, so they are written in
        // about as many steps as thousands (a step writes whole customers).
        let (_, steps) = layout(&data, Section::Events, 1_000);
        let thousands = data.events.len().div_ceil(1_000);
        assert!((thousands - 1..=thousands + 1).contains(&steps), "{steps}");
        // An empty dataset lays out as it encodes.
        let empty = Dataset::default();
        for section in Section::ALL {
            assert_eq!(
                layout(&empty, section, 10).0,
                section_bytes(&empty, section)
            );
        }
    }

    fn read(sections: &[(Section, Vec<u8>)], budget: usize) -> Result<Dataset, DecodeError> {
        let mut data = Dataset::default();
        for (section, bytes) in sections {
            let mut read = SectionRead::new(*section, bytes.clone());
            while read.step(&mut data, budget)?.is_some() {}
        }
        data.normalize();
        Ok(data)
    }

    #[test]
    fn a_read_in_steps_gives_the_records_of_a_whole_decode() {
        let data = demo();
        let sections: Vec<(Section, Vec<u8>)> = Section::ALL
            .into_iter()
            .map(|s| (s, section_bytes(&data, s)))
            .collect();
        let mut whole = Dataset::default();
        for (section, bytes) in &sections {
            decode_section_bytes(bytes, *section, &mut whole).expect("decodes");
        }
        whole.normalize();
        assert_eq!(whole, data);
        for budget in [1, 5, 1_000, usize::MAX] {
            assert!(
                read(&sections, budget).expect("reads") == data,
                "steps of {budget}"
            );
        }
        // An empty desk (backups from before the desk) and a format 2 customers section (no
        // extension: no manual stages).
        let mut old = sections.clone();
        old[4].1.clear();
        let mut plain = data.customers.clone();
        plain.iter_mut().for_each(|c| c.stage_override = None);
        let ext_len = to_bytes(&CustomersExtV3::new(&data.customers)).len();
        let cut = old[0].1.len() - ext_len;
        old[0].1.truncate(cut);
        let back = read(&old, 3).expect("reads");
        assert_eq!(back.customers, plain);
        assert!(back.desk.requests.is_empty() && back.desk.campaigns.is_empty());
    }

    #[test]
    fn damage_is_found_in_steps_as_in_a_whole_decode() {
        let data = demo();
        for section in [
            Section::Customers,
            Section::Orders,
            Section::Events,
            Section::Activities,
        ] {
            let bytes = section_bytes(&data, section);
            for cut in [1, bytes.len() / 2] {
                let short = bytes[..cut].to_vec();
                let whole = decode_section_bytes(&short, section, &mut Dataset::default());
                let stepped = read(&[(section, short)], 100);
                assert!(
                    matches!(
                        (&whole, &stepped),
                        (Err(DecodeError::Layout(_)), Err(DecodeError::Layout(_)))
                    ),
                    "{section:?} cut at {cut}: {whole:?} / {:?}",
                    stepped.map(|d| d.counts())
                );
            }
        }
    }
}
