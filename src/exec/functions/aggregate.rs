//! Aggregate functions: `count`, `sum`, `avg`, `min`, `max`, `collect`, `stDev`, `stDevP`,
//! `percentileCont`, `percentileDisc`. All of them skip null values; DISTINCT keeps the
//! first of each set of equivalent values ([`EquivKey`]). `count(*)` is the executor's.

use std::collections::HashSet;

use crate::error::{detail, Error, ErrorKind, Result};
use crate::exec::{entity_id, IdHash, NodeBits, ValueSet};
use crate::value::compare::{order, EquivKey};
use crate::value::{NodeId, Value};

use super::{invalid_value, Aggregator};

/// Wraps an aggregator so that it only sees the first of equivalent values when DISTINCT.
fn make<A: Aggregator + 'static>(distinct: bool, inner: A) -> Box<dyn Aggregator> {
    if distinct {
        Box::new(Distinct {
            seen: HashSet::default(),
            entities: HashSet::default(),
            nodes: SeenNodes::Hashed(0),
            inner,
        })
    } else {
        Box::new(inner)
    }
}

struct Distinct<A> {
    seen: ValueSet<EquivKey>,
    /// Nodes and relationships seen, by [`entity_id`]: an entity is equivalent to itself
    /// alone, so its id is all the set needs.
    entities: HashSet<u64, IdHash>,
    nodes: SeenNodes,
    inner: A,
}

/// Where a DISTINCT keeps the nodes it has seen.
enum SeenNodes {
    /// With the relationships, in `entities`; the number is the bound on node ids when
    /// this is the statement's only group (else 0).
    Hashed(u32),
    /// As bits, once the only group has seen [`bits_from`] nodes: no hashing, and at most
    /// a bit per node of the store. `len` counts them.
    Bits { bits: NodeBits, len: usize },
}

/// Nodes a DISTINCT of the only group hashes before it keeps them as bits, in a store
/// whose node ids are below `bound`: below it, the bit array (a bit per node) would cost
/// more to clear than hashing saves. Clearing 2,048 bits (256 bytes) costs about what
/// hashing one node does. A fixed 256 made two-hop's distinct count (450 rows, 48,000
/// nodes) hash 256 nodes and then move them.
fn bits_from(bound: u32) -> usize {
    (bound as usize / 2048).max(16)
}

impl<A> Distinct<A> {
    /// Adds an entity id; false when it was there.
    fn insert_entity(&mut self, id: u64) -> bool {
        let node = (id >> 63 == 0).then_some(NodeId(id as u32));
        match &mut self.nodes {
            SeenNodes::Bits { bits, len } => {
                // Past the bound (a node made after the aggregation began) or a
                // relationship: hashed.
                match node.and_then(|n| bits.try_insert(n)) {
                    Some(new) => {
                        *len += usize::from(new);
                        new
                    }
                    None => self.entities.insert(id),
                }
            }
            SeenNodes::Hashed(bound) if *bound > 0 && self.entities.len() >= bits_from(*bound) => {
                let (mut bits, mut len) = (NodeBits::new(*bound), 0);
                // Nodes move to the bits; relationships (and nodes past the bound) stay.
                self.entities.retain(|&e| {
                    let moved = e >> 63 == 0 && bits.try_insert(NodeId(e as u32)).is_some();
                    len += usize::from(moved);
                    !moved
                });
                self.nodes = SeenNodes::Bits { bits, len };
                self.insert_entity(id)
            }
            SeenNodes::Hashed(bound) => {
                if *bound > 0 && self.entities.capacity() == 0 {
                    // The only group: room up front for the nodes it hashes before it
                    // turns to bits, so the set does not grow step by step.
                    self.entities.reserve(bits_from(*bound));
                }
                self.entities.insert(id)
            }
        }
    }

    fn entities_held(&self) -> usize {
        let bits = match &self.nodes {
            SeenNodes::Bits { len, .. } => *len,
            SeenNodes::Hashed(_) => 0,
        };
        self.entities.len() + bits
    }
}

impl<A: Aggregator> Aggregator for Distinct<A> {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let Some(first) = args.first() else {
            return self.inner.update(args);
        };
        let new = match (first, entity_id(first)) {
            (Value::Null, _) => true,
            (_, Some(id)) => self.insert_entity(id),
            (other, None) => self.seen.insert(EquivKey(other.clone())),
        };
        if new {
            self.inner.update(args)
        } else {
            Ok(())
        }
    }

    fn finish(&mut self) -> Result<Value> {
        self.inner.finish()
    }
    fn held(&self) -> usize {
        (self.seen.len() + self.entities_held()).max(self.inner.held())
    }

    fn only_group(&mut self, node_bound: u32) {
        if let SeenNodes::Hashed(bound) = &mut self.nodes {
            *bound = node_bound;
        }
    }
}

/// The aggregated value of a row: the first argument.
fn value(args: &[Value]) -> &Value {
    args.first().unwrap_or(&super::NULL)
}

#[derive(Default)]
struct Count(i64);

impl Aggregator for Count {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if !value(args).is_null() {
            self.0 += 1;
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(Value::Int(self.0))
    }
}

/// `count(x)`: the number of non-null values.
pub(super) fn count(distinct: bool) -> Box<dyn Aggregator> {
    make(distinct, Count::default())
}

/// Running sum of numbers: integers exactly (in `i128`, so only the final result can
/// overflow), floats apart.
#[derive(Default)]
struct NumSum {
    ints: i128,
    floats: f64,
    saw_float: bool,
    n: u64,
}

impl NumSum {
    fn add(&mut self, func: &str, v: &Value) -> Result<()> {
        match v {
            Value::Null => return Ok(()),
            Value::Int(i) => self.ints += i128::from(*i),
            Value::Float(f) => {
                self.floats += f;
                self.saw_float = true;
            }
            v => return Err(invalid_value(func, "a number", v)),
        }
        self.n += 1;
        Ok(())
    }

    fn total_f64(&self) -> f64 {
        self.ints as f64 + self.floats
    }
}

#[derive(Default)]
struct Sum(NumSum);

impl Aggregator for Sum {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.0.add("sum", value(args))
    }
    fn finish(&mut self) -> Result<Value> {
        if self.0.saw_float {
            return Ok(Value::Float(self.0.total_f64()));
        }
        i64::try_from(self.0.ints).map(Value::Int).map_err(|_| {
            Error::runtime(
                ErrorKind::ArithmeticError,
                detail::INTEGER_OVERFLOW,
                "integer overflow in `sum`",
            )
        })
    }
}

/// `sum(x)`: integers sum to an integer (overflow is an error), any float makes a float;
/// 0 when there are no values.
pub(super) fn sum(distinct: bool) -> Box<dyn Aggregator> {
    make(distinct, Sum::default())
}

#[derive(Default)]
struct Avg(NumSum);

impl Aggregator for Avg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.0.add("avg", value(args))
    }
    fn finish(&mut self) -> Result<Value> {
        if self.0.n == 0 {
            return Ok(Value::Null);
        }
        Ok(Value::Float(self.0.total_f64() / self.0.n as f64))
    }
}

/// `avg(x)`: the mean as a float; null when there are no values.
pub(super) fn avg(distinct: bool) -> Box<dyn Aggregator> {
    make(distinct, Avg::default())
}

struct Extreme {
    best: Option<Value>,
    /// The ordering a new value must have against the best to replace it.
    wanted: std::cmp::Ordering,
}

impl Aggregator for Extreme {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = value(args);
        if v.is_null() {
            return Ok(());
        }
        let replace = match &self.best {
            None => true,
            Some(best) => order(v, best) == self.wanted,
        };
        if replace {
            self.best = Some(v.clone());
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(self.best.take().unwrap_or_default())
    }
}

/// `min(x)`: the smallest value in the ORDER BY order; null when there are no values.
pub(super) fn min(distinct: bool) -> Box<dyn Aggregator> {
    make(
        distinct,
        Extreme {
            best: None,
            wanted: std::cmp::Ordering::Less,
        },
    )
}

/// `max(x)`: the largest value in the ORDER BY order; null when there are no values.
pub(super) fn max(distinct: bool) -> Box<dyn Aggregator> {
    make(
        distinct,
        Extreme {
            best: None,
            wanted: std::cmp::Ordering::Greater,
        },
    )
}

#[derive(Default)]
struct Collect(Vec<Value>);

impl Aggregator for Collect {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = value(args);
        if !v.is_null() {
            self.0.push(v.clone());
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(Value::List(std::mem::take(&mut self.0)))
    }
    fn held(&self) -> usize {
        self.0.len()
    }
}

/// `collect(x)`: the non-null values as a list.
pub(super) fn collect(distinct: bool) -> Box<dyn Aggregator> {
    make(distinct, Collect::default())
}

/// Welford's running mean and sum of squared deviations.
struct StDev {
    n: u64,
    mean: f64,
    m2: f64,
    population: bool,
}

impl Aggregator for StDev {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let x = match value(args) {
            Value::Null => return Ok(()),
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            v => {
                let name = if self.population { "stDevP" } else { "stDev" };
                return Err(invalid_value(name, "a number", v));
            }
        };
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        let divisor = if self.population {
            self.n
        } else {
            self.n.saturating_sub(1)
        };
        if divisor == 0 {
            return Ok(Value::Float(0.0));
        }
        Ok(Value::Float((self.m2 / divisor as f64).sqrt()))
    }
}

/// `stDev(x)`: the sample standard deviation (0.0 for fewer than two values).
pub(super) fn st_dev(distinct: bool) -> Box<dyn Aggregator> {
    make(
        distinct,
        StDev {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            population: false,
        },
    )
}

/// `stDevP(x)`: the population standard deviation (0.0 when there are no values).
pub(super) fn st_dev_p(distinct: bool) -> Box<dyn Aggregator> {
    make(
        distinct,
        StDev {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            population: true,
        },
    )
}

struct Percentile {
    values: Vec<Value>,
    percentile: Option<f64>,
    continuous: bool,
}

impl Percentile {
    fn name(&self) -> &'static str {
        if self.continuous {
            "percentileCont"
        } else {
            "percentileDisc"
        }
    }
}

impl Aggregator for Percentile {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let p = match args.get(1).unwrap_or(&super::NULL) {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            v => return Err(invalid_value(self.name(), "a number percentile", v)),
        };
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::runtime(
                ErrorKind::ArgumentError,
                detail::NUMBER_OUT_OF_RANGE,
                format!(
                    "`{}` expects a percentile between 0.0 and 1.0, got {}",
                    self.name(),
                    crate::value::format_float(p)
                ),
            ));
        }
        self.percentile.get_or_insert(p);
        match value(args) {
            Value::Null => Ok(()),
            v @ (Value::Int(_) | Value::Float(_)) => {
                self.values.push(v.clone());
                Ok(())
            }
            v => Err(invalid_value(self.name(), "a number", v)),
        }
    }

    fn held(&self) -> usize {
        self.values.len()
    }
    fn finish(&mut self) -> Result<Value> {
        let (Some(p), false) = (self.percentile, self.values.is_empty()) else {
            return Ok(Value::Null);
        };
        let mut values = std::mem::take(&mut self.values);
        values.sort_by(order);
        let n = values.len();
        if self.continuous {
            let pos = p * (n - 1) as f64;
            let lo = pos.floor();
            let frac = pos - lo;
            let lo = lo as usize;
            let at = |i: usize| values.get(i.min(n - 1)).and_then(Value::as_f64);
            let (Some(a), Some(b)) = (at(lo), at(lo + 1)) else {
                return Ok(Value::Null);
            };
            Ok(Value::Float(if frac == 0.0 {
                a
            } else {
                a + (b - a) * frac
            }))
        } else {
            let idx = ((p * n as f64).ceil() as usize)
                .saturating_sub(1)
                .min(n - 1);
            Ok(values.get(idx).cloned().unwrap_or_default())
        }
    }
}

/// `percentileCont(x, p)`: the `p`-th percentile with linear interpolation, as a float.
/// `p` outside `[0, 1]` is an `ArgumentError` (`NumberOutOfRange`).
pub(super) fn percentile_cont(distinct: bool) -> Box<dyn Aggregator> {
    make(
        distinct,
        Percentile {
            values: Vec::new(),
            percentile: None,
            continuous: true,
        },
    )
}

/// `percentileDisc(x, p)`: the value at the `p`-th percentile (the smallest value with at
/// least that share of values at or below it). `p` outside `[0, 1]` is an `ArgumentError`
/// (`NumberOutOfRange`).
pub(super) fn percentile_disc(distinct: bool) -> Box<dyn Aggregator> {
    make(
        distinct,
        Percentile {
            values: Vec::new(),
            percentile: None,
            continuous: false,
        },
    )
}
