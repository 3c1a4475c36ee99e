//! Running one case in isolation: a worker thread per case, `catch_unwind` around the
//! steps, and a timeout after which the worker is abandoned (leaked) and the case fails.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::features::Case;
use crate::steps::{run_steps, Env, Failure};

/// Name of the worker threads; the panic hook stays quiet for them.
const WORKER_NAME: &str = "tck-scenario";

/// Stack of a worker: generous, so deep recursion in the engine does not overflow (an
/// overflow aborts the whole process and cannot be caught).
const WORKER_STACK: usize = 256 << 20;

/// The outcome of one case.
#[derive(Debug, Clone)]
pub enum Status {
    Passed,
    Failed(Failure),
    Skipped,
}

thread_local! {
    /// The message and location of the last panic on this worker thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs a panic hook that records panics on worker threads instead of printing them;
/// panics elsewhere are reported by the previous hook as usual.
pub fn install_quiet_panic_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if thread::current().name() == Some(WORKER_NAME) {
            let msg = info
                .payload_as_str()
                .unwrap_or("(non-string panic payload)");
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
        } else {
            previous(info);
        }
    }));
}

/// Runs one case on a worker thread, waiting at most `timeout`.
pub fn run_case(case: &Case, env: &Env, timeout: Duration) -> Status {
    if case.skipped() {
        return Status::Skipped;
    }
    let steps = match &case.steps {
        Ok(s) => s.clone(),
        Err(reason) => {
            return Status::Failed(Failure {
                reason: reason.clone(),
                phase_only: false,
            })
        }
    };
    let env = env.clone();
    let (tx, rx) = mpsc::channel::<Result<(), Failure>>();
    let spawned = thread::Builder::new()
        .name(WORKER_NAME.to_string())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_steps(&steps, &env)));
            let outcome = outcome.unwrap_or_else(|_| {
                let msg = LAST_PANIC
                    .with(|p| p.borrow_mut().take())
                    .unwrap_or_else(|| "unknown panic".to_string());
                Err(Failure {
                    reason: format!("panicked: {msg}"),
                    phase_only: false,
                })
            });
            let _ = tx.send(outcome);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => {
            return Status::Failed(Failure {
                reason: format!("cannot start a worker thread: {e}"),
                phase_only: false,
            })
        }
    };
    match rx.recv_timeout(timeout) {
        Ok(outcome) => {
            let _ = handle.join();
            match outcome {
                Ok(()) => Status::Passed,
                Err(f) => Status::Failed(f),
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // The worker cannot be stopped: leave it running and move on.
            drop(handle);
            Status::Failed(Failure {
                reason: format!("timed out after {} s", timeout.as_secs_f64()),
                phase_only: false,
            })
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let _ = handle.join();
            Status::Failed(Failure {
                reason: "the worker thread ended without a result".to_string(),
                phase_only: false,
            })
        }
    }
}
