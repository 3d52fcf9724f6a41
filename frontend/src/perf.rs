//! User Timing marks for the benchmark script: `performance.measure` entries named
//! `coffer:<what>`, read later with `performance.getEntriesByName`. No visible effect, and a
//! browser without the API just skips them.

use std::cell::RefCell;

use wasm_bindgen::JsCast;

use crate::files::now_ms;

/// Fetching and decrypting the vault's records.
pub const VAULT_LOAD: &str = "coffer:vault-load";
/// Decrypting the vault's records only.
pub const VAULT_DECRYPT: &str = "coffer:vault-decrypt";
/// Argon2id and the key derivation of a sign-in.
pub const SIGNIN_KDF: &str = "coffer:signin-kdf";

/// A measurement in progress: marks `<name>:start` now and, on [`Span::end`], `<name>:end` and
/// a measure `<name>` between the two.
#[derive(Debug)]
pub struct Span {
    name: &'static str,
}

impl Span {
    /// Marks the start of `name`.
    pub fn start(name: &'static str) -> Self {
        if let Some(performance) = performance() {
            let _ = performance.mark(&format!("{name}:start"));
        }
        Self { name }
    }

    /// Marks the end and records the measure.
    pub fn end(self) {
        let Some(performance) = performance() else { return };
        let (start, end) = (format!("{}:start", self.name), format!("{}:end", self.name));
        let _ = performance.mark(&end);
        let _ = performance.measure_with_start_mark_and_end_mark(self.name, &start, &end);
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|window| window.performance())
}

/// Where a file transfer's time goes: milliseconds summed per stage over all chunks, published
/// at the end as measures `coffer:<transfer>:<stage>` whose duration is the sum (the benchmark
/// prints them as its per-stage profile). Stages that overlap (chunks in flight) are summed
/// per chunk all the same; `wall` is the whole transfer. Shared by reference among a
/// transfer's concurrent steps (one thread: the cell is never borrowed across an await).
#[derive(Debug)]
pub struct Stages {
    transfer: &'static str,
    began: f64,
    totals: RefCell<Vec<(&'static str, f64)>>,
}

impl Stages {
    /// Starts timing `transfer` (`upload` or `download`).
    pub fn start(transfer: &'static str) -> Self {
        Self { transfer, began: now_ms(), totals: RefCell::new(Vec::new()) }
    }

    /// Adds `ms` to `stage`.
    pub fn add(&self, stage: &'static str, ms: f64) {
        let mut totals = self.totals.borrow_mut();
        match totals.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += ms,
            None => totals.push((stage, ms)),
        }
    }

    /// Runs `work` and adds its time to `stage`.
    pub fn time<T>(&self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let began = now_ms();
        let result = work();
        self.add(stage, now_ms() - began);
        result
    }

    /// Awaits `work` and adds the wait to `stage`.
    pub async fn wait<T>(&self, stage: &'static str, work: impl Future<Output = T>) -> T {
        let began = now_ms();
        let result = work.await;
        self.add(stage, now_ms() - began);
        result
    }

    /// Records every stage's total, and `wall`, as measures.
    pub fn publish(self) {
        let wall = now_ms() - self.began;
        self.add("wall", wall);
        let Some(performance) = performance() else { return };
        let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into()) else { return };
        let Ok(measure) = measure.dyn_into::<js_sys::Function>() else { return };
        for (stage, total) in self.totals.borrow().iter() {
            // performance.measure(name, {start, duration}): the User Timing Level 3 form.
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"start".into(), &self.began.into());
            let _ = js_sys::Reflect::set(&options, &"duration".into(), &(*total).into());
            let name = format!("coffer:{}:{stage}", self.transfer);
            let _ = measure.call2(&performance, &name.into(), &options);
        }
    }
}
