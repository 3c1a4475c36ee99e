//! Counting rows by the entities their group keys are read from
//! (docs/decisions/0016-aggregation-by-entities.md).
//!
//! A count-only aggregation whose keys are entities or their properties counts rows per
//! combination of entities first, in a table whose entries hold the combination, its row
//! count and its number in order of arrival. Each combination then finds its group by its
//! key values, once. At the last flush, when every slot's entities have keys no other
//! entity of that slot shares (tag names, person ids), each combination is a group of its
//! own and is made one without being looked up.

use super::*;
use crate::value::compare::equivalent;

/// What [`Aggregation::count_by_entities`] keeps: the groups, and the entity combinations
/// seen since they were last counted into them.
pub(super) struct Tally<'a, 'p> {
    agg: &'a Aggregation<'p>,
    /// The slot each key reads.
    slots: &'a [Slot],
    index: GroupIndex,
    key_buf: Vec<Value>,
    groups: Groups,
    by_ids: hashbrown::HashTable<Combination>,
    ids: IdHash,
    /// The combinations of earlier flushes (the trial's, at most [`COUNT_TRIAL`] of
    /// them) and their groups, looked up only if the last flush goes by classes.
    earlier: Vec<(EntityKey, usize)>,
    /// Whether some row was counted into its group by its key values.
    by_value: bool,
    /// A row holding just a combination's entities, to read its keys from.
    scratch: Row,
}

/// A combination of entities a [`Tally`] counts rows of.
#[derive(Clone, Copy)]
struct Combination {
    key: EntityKey,
    rows: i64,
    /// Its number in order of arrival: groups are made in that order.
    seq: usize,
}

/// The entities one slot holds in a flush's combinations, each with the values of the
/// keys read from that slot.
struct SlotClasses {
    /// The position of the slot's first key in [`Tally::slots`] (where combinations hold
    /// its entity).
    at: usize,
    /// The keys read from the slot, by position.
    keys: Vec<usize>,
    /// Entity to class number.
    of: HashMap<u64, usize, IdHash>,
    /// Class `c`'s key values at `values[c * keys.len()..]`.
    values: Vec<Value>,
    /// The classes by their values.
    index: GroupIndex,
}

impl<'a, 'p> Tally<'a, 'p> {
    /// For `agg`, whose key `i` reads slot `slots[i]` only.
    pub(super) fn new(agg: &'a Aggregation<'p>, slots: &'a [Slot]) -> Self {
        Tally {
            agg,
            slots,
            index: GroupIndex::default(),
            key_buf: Vec::with_capacity(agg.keys.len()),
            groups: Groups::default(),
            // Room for the trial's combinations without growing (a tenth of a scan's
            // grouping went to growing this table).
            by_ids: hashbrown::HashTable::with_capacity(COUNT_TRIAL),
            ids: IdHash::default(),
            earlier: Vec::new(),
            by_value: false,
            scratch: Vec::new(),
        }
    }

    /// Combinations counted since the last flush.
    pub(super) fn combinations(&self) -> usize {
        self.by_ids.len()
    }

    pub(super) fn group_count(&self) -> usize {
        self.groups.count
    }

    pub(super) fn finish(self) -> Groups {
        self.groups
    }

    /// Counts a row of combination `key`.
    pub(super) fn add(&mut self, cx: &mut Cx<'_>, key: EntityKey) -> Result<()> {
        let ids = &self.ids;
        let h = std::hash::BuildHasher::hash_one(ids, key);
        match self.by_ids.find_mut(h, |c| c.key == key) {
            Some(c) => c.rows += 1,
            None => {
                let seq = self.by_ids.len();
                cx.check_rows(seq + 1)?;
                self.by_ids
                    .insert_unique(h, Combination { key, rows: 1, seq }, |c| {
                        std::hash::BuildHasher::hash_one(ids, c.key)
                    });
            }
        }
        Ok(())
    }

    /// Counts `row` into its group, found by its keys.
    pub(super) fn add_by_keys(&mut self, cx: &mut Cx<'_>, row: &Row) -> Result<()> {
        self.by_value = true;
        let gi = self.agg.group_of(
            cx,
            row,
            &mut self.key_buf,
            &mut self.index,
            &mut self.groups,
        )?;
        self.agg.count_rows(gi, 1, &mut self.groups)
    }

    /// Counts each combination seen into its group, in order of arrival, and forgets the
    /// combinations. `last`: no row comes after, so no group is looked up again.
    pub(super) fn flush(&mut self, cx: &mut Cx<'_>, last: bool) -> Result<()> {
        let more = self.by_ids.len();
        self.groups.keys.reserve(more * self.agg.keys.len());
        self.groups.states.reserve(more * self.agg.aggs.len());
        let mut arrived = vec![
            Combination {
                key: EntityKey([0; ENTITY_KEYS]),
                rows: 0,
                seq: 0,
            };
            more
        ];
        for c in self.by_ids.drain() {
            if let Some(at) = arrived.get_mut(c.seq) {
                *at = c;
            }
        }
        if last && !self.by_value {
            if let Some(classes) = self.classes(cx, &arrived)? {
                return self.count_by_classes(cx, &classes, &arrived);
            }
        }
        // At most a group per combination.
        self.index.reserve(more);
        for Combination { key, rows, .. } in arrived {
            self.set_scratch(&key, 0..self.slots.len());
            let gi = self.agg.group_of(
                cx,
                &self.scratch,
                &mut self.key_buf,
                &mut self.index,
                &mut self.groups,
            )?;
            self.agg.count_rows(gi, rows, &mut self.groups)?;
            if !last {
                self.earlier.push((key, gi));
            }
        }
        Ok(())
    }

    /// Puts the entities of `key` at `positions` (of [`Tally::slots`]) into the scratch row.
    fn set_scratch(&mut self, key: &EntityKey, positions: std::ops::Range<usize>) {
        for i in positions {
            let (Some(slot), Some(&id)) = (self.slots.get(i), key.0.get(i)) else {
                continue;
            };
            if id & 1 << 63 != 0 {
                eval::set_rel(&mut self.scratch, *slot, RelId(id as u32));
            } else {
                eval::set_node(&mut self.scratch, *slot, NodeId(id as u32));
            }
        }
    }

    /// The classes of the entities of `arrived` and of the earlier combinations, slot by
    /// slot; `None` when two entities of one slot have equivalent keys (then combinations
    /// may share a group, and are looked up by their keys).
    fn classes(
        &mut self,
        cx: &mut Cx<'_>,
        arrived: &[Combination],
    ) -> Result<Option<Vec<SlotClasses>>> {
        let mut classes: Vec<SlotClasses> = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            match self.slots.iter().position(|s| s == slot) {
                Some(first) if first < i => {
                    if let Some(c) = classes.iter_mut().find(|c| c.at == first) {
                        c.keys.push(i);
                    }
                }
                _ => classes.push(SlotClasses {
                    at: i,
                    keys: vec![i],
                    of: HashMap::default(),
                    values: Vec::new(),
                    index: GroupIndex::default(),
                }),
            }
        }
        let earlier: Vec<EntityKey> = self.earlier.iter().map(|(k, _)| *k).collect();
        for sc in &mut classes {
            let width = sc.keys.len();
            for key in arrived.iter().map(|c| &c.key).chain(&earlier) {
                let Some(&id) = key.0.get(sc.at) else {
                    continue;
                };
                if sc.of.contains_key(&id) {
                    continue;
                }
                self.set_scratch(key, sc.at..sc.at + 1);
                self.key_buf.clear();
                for &k in &sc.keys {
                    let Some((_, e)) = self.agg.keys.get(k) else {
                        return Err(Error::internal("tally key out of range"));
                    };
                    self.key_buf.push(cx.eval(e, &self.scratch)?);
                }
                let hash = sc.index.hash(&self.key_buf);
                let (values, key_buf) = (&sc.values, &self.key_buf);
                let shared = sc.index.find(hash, |c| {
                    values
                        .get(c * width..(c + 1) * width)
                        .is_some_and(|v| v.iter().zip(key_buf).all(|(a, b)| equivalent(a, b)))
                });
                if shared.is_some() {
                    return Ok(None);
                }
                let c = sc.of.len();
                sc.index.insert(hash, c);
                sc.values.append(&mut self.key_buf);
                sc.of.insert(id, c);
                cx.check_rows(sc.of.len())?;
            }
        }
        Ok(Some(classes))
    }

    /// Counts each combination of `arrived` into its own group (or its earlier one), its
    /// keys copied from its entities' classes.
    fn count_by_classes(
        &mut self,
        cx: &mut Cx<'_>,
        classes: &[SlotClasses],
        arrived: &[Combination],
    ) -> Result<()> {
        let n = self.agg.keys.len();
        let earlier: HashMap<EntityKey, usize, IdHash> = self.earlier.iter().copied().collect();
        for c in arrived {
            let gi = match earlier.get(&c.key) {
                Some(&gi) => gi,
                None => {
                    self.key_buf.clear();
                    self.key_buf.resize(n, Value::Null);
                    for sc in classes {
                        let class = c.key.0.get(sc.at).and_then(|id| sc.of.get(id));
                        let Some(&class) = class else {
                            return Err(Error::internal("entity without a class"));
                        };
                        let width = sc.keys.len();
                        let values = sc.values.get(class * width..(class + 1) * width);
                        for (&k, v) in sc.keys.iter().zip(values.unwrap_or_default()) {
                            if let Some(slot) = self.key_buf.get_mut(k) {
                                slot.clone_from(v);
                            }
                        }
                    }
                    self.agg
                        .add_group(cx, &mut self.groups, &mut self.key_buf)?
                }
            };
            self.agg.count_rows(gi, c.rows, &mut self.groups)?;
        }
        Ok(())
    }
}
