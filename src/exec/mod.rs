//! exec
pub mod functions;
