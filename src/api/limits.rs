//! What one statement may spend: a time limit, a bound on the rows an operator buffers, and
//! a handle that cancels it from another thread. See `docs/reliability.md`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exec::Limits;

/// The default bound on the rows (or paths, groups, collected values) one operator of one
/// statement may hold at a time: enough for real work on a machine with a few GiB free,
/// small enough that a runaway query fails with `ResourceLimit` instead of exhausting memory.
pub const DEFAULT_MAX_ROWS: usize = 10_000_000;

/// Cancels running statements from another thread. Cloning gives another handle to the same
/// flag; it is `Send + Sync`.
///
/// A cancelled handle stays cancelled until [`CancelHandle::reset`]: every statement run
/// with it fails with `ErrorKind::Cancelled` (a statement checks the flag every few
/// thousand rows, so it stops within milliseconds).
///
/// ```
/// use baobab::{CancelHandle, Database, ErrorKind, ExecuteOptions, Params};
///
/// let db = Database::in_memory();
/// let cancel = CancelHandle::new();
/// let options = ExecuteOptions::new().cancel(cancel.clone());
/// cancel.cancel(); // from any thread, usually while the query runs
/// let err = db
///     .execute_with("UNWIND range(1, 100000) AS x RETURN count(*)", &Params::new(), &options)
///     .unwrap_err();
/// assert_eq!(err.kind, ErrorKind::Cancelled);
/// # Ok::<(), baobab::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    pub fn new() -> CancelHandle {
        CancelHandle::default()
    }

    /// Asks every statement running with this handle to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Clears the flag so that the handle can serve the next statement.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Database-wide limits, used by every statement that does not set its own
/// ([`crate::Database::set_default_limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// How long one statement may run; `None`: no limit (the default).
    pub timeout: Option<Duration>,
    /// The most rows one operator may hold: sorted rows, groups, distinct rows, paths of
    /// one variable-length expansion, values collected by one aggregate, rows of a result.
    /// Default [`DEFAULT_MAX_ROWS`]; `usize::MAX` turns the bound off.
    pub max_rows: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            timeout: None,
            max_rows: DEFAULT_MAX_ROWS,
        }
    }
}

/// Options for one statement ([`crate::Database::execute_with`],
/// [`crate::Transaction::execute_with`]). Fields left `None` take the database's defaults.
///
/// ```
/// use std::time::Duration;
/// use baobab::{Database, ErrorKind, ExecuteOptions, Params};
///
/// let db = Database::in_memory();
/// let options = ExecuteOptions::new().timeout(Duration::from_secs(5)).max_rows(1000);
/// let err = db
///     .execute_with("UNWIND range(1, 5000) AS x RETURN x ORDER BY x DESC", &Params::new(), &options)
///     .unwrap_err();
/// assert_eq!(err.kind, ErrorKind::ResourceLimit);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ExecuteOptions {
    pub timeout: Option<Duration>,
    pub max_rows: Option<usize>,
    pub cancel: Option<CancelHandle>,
}

impl ExecuteOptions {
    pub fn new() -> ExecuteOptions {
        ExecuteOptions::default()
    }

    pub fn timeout(mut self, timeout: Duration) -> ExecuteOptions {
        self.timeout = Some(timeout);
        self
    }

    pub fn max_rows(mut self, max_rows: usize) -> ExecuteOptions {
        self.max_rows = Some(max_rows);
        self
    }

    pub fn cancel(mut self, cancel: CancelHandle) -> ExecuteOptions {
        self.cancel = Some(cancel);
        self
    }

    /// The executor's limits for a statement starting now.
    pub(crate) fn resolve(&self, defaults: &QueryLimits) -> Limits {
        let timeout = self.timeout.or(defaults.timeout);
        Limits {
            // A timeout too long to represent is no timeout.
            deadline: timeout.and_then(|t| Instant::now().checked_add(t)),
            cancel: self.cancel.as_ref().map(|c| c.0.clone()),
            max_rows: Some(self.max_rows.unwrap_or(defaults.max_rows)),
        }
    }
}
