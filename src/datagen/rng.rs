//! A small seeded random-number generator (SplitMix64). Written here rather than taken from a
//! crate so that a seed gives the same graph in every version of Baobab: generated benchmark
//! data must not change when a dependency is upgraded.

/// SplitMix64: 64 bits of state, passes BigCrush, fast; enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent stream for one part of the generator, so that changing how many
    /// numbers one part draws does not reshuffle the others.
    pub fn fork(&self, stream: u64) -> Rng {
        let mut mixer = Rng::new(self.state ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as usize) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A Pareto-distributed count with minimum `min` and tail exponent `alpha` (> 1),
    /// capped at `cap`: a few large values, many small ones.
    pub fn pareto(&mut self, min: f64, alpha: f64, cap: usize) -> usize {
        let u = 1.0 - self.unit(); // in (0, 1]
        let x = min / u.powf(1.0 / alpha);
        (x.floor() as usize).min(cap)
    }

    /// An index in `0..n` skewed towards 0 (popular items first).
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u) * n as f64) as usize % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_bounds_hold() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng::new(8).next_u64(), Rng::new(7).next_u64());
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            assert!(r.below(10) < 10);
            assert!((5..9).contains(&r.range(5, 9)));
            assert!(r.skewed(3) < 3);
            assert!(r.pareto(2.0, 2.0, 50) >= 2);
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.skewed(0), 0);
        assert_eq!(r.range(4, 4), 4);
    }

    #[test]
    fn forks_differ_from_each_other() {
        let root = Rng::new(42);
        assert_ne!(root.fork(1).next_u64(), root.fork(2).next_u64());
    }
}
