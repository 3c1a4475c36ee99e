//! Arithmetic on values (placeholder, implemented with the value semantics).

use super::Value;
use crate::error::Result;

pub fn add(a: &Value, b: &Value) -> Result<Value> {
    let _ = (a, b);
    todo!()
}
pub fn sub(a: &Value, b: &Value) -> Result<Value> {
    let _ = (a, b);
    todo!()
}
pub fn mul(a: &Value, b: &Value) -> Result<Value> {
    let _ = (a, b);
    todo!()
}
pub fn div(a: &Value, b: &Value) -> Result<Value> {
    let _ = (a, b);
    todo!()
}
pub fn modulo(a: &Value, b: &Value) -> Result<Value> {
    let _ = (a, b);
    todo!()
}
pub fn pow(a: &Value, b: &Value) -> Result<Value> {
    let _ = (a, b);
    todo!()
}
pub fn neg(a: &Value) -> Result<Value> {
    let _ = a;
    todo!()
}
