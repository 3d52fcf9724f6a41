//! How fast a transfer goes and how long it has left, from the byte counts it reports.

use std::collections::VecDeque;

use crate::format::decimal;

/// The window the speed is averaged over, in milliseconds: long enough to smooth out single
/// chunks, short enough to follow a changing connection.
const WINDOW_MS: f64 = 5_000.0;

/// Bytes done over time for one transfer.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Bytes the transfer moves in all.
    pub total: u64,
    /// Bytes moved so far.
    pub done: u64,
    /// `(time in ms, done)` samples inside the window, oldest first.
    samples: VecDeque<(f64, u64)>,
}

impl Progress {
    /// A transfer of `total` bytes that has not started.
    pub fn new(total: u64) -> Self {
        Self { total, done: 0, samples: VecDeque::new() }
    }

    /// Records that `done` bytes are done at `now_ms`.
    pub fn record(&mut self, now_ms: f64, done: u64) {
        self.done = done.min(self.total);
        self.samples.push_back((now_ms, self.done));
        while self.samples.len() > 2 && self.samples.front().is_some_and(|(t, _)| now_ms - t > WINDOW_MS) {
            self.samples.pop_front();
        }
    }

    /// The fraction done, 0.0 to 1.0 (an empty transfer is done at once).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 { 1.0 } else { self.done as f64 / self.total as f64 }
    }

    /// Bytes per second over the window, once there are two samples at least 200 ms apart.
    pub fn bytes_per_second(&self) -> Option<f64> {
        let (first_t, first_done) = *self.samples.front()?;
        let (last_t, last_done) = *self.samples.back()?;
        let elapsed = last_t - first_t;
        (elapsed >= 200.0).then(|| (last_done - first_done) as f64 * 1000.0 / elapsed)
    }

    /// Seconds left at the current speed.
    pub fn seconds_left(&self) -> Option<f64> {
        let rate = self.bytes_per_second().filter(|rate| *rate > 0.0)?;
        Some((self.total - self.done) as f64 / rate)
    }
}

/// `1.5 MB/s`, `820 kB/s` (decimal units, as network speeds are given).
pub fn rate_text(bytes_per_second: f64) -> String {
    let rate = bytes_per_second as u64;
    if rate >= 1_000_000 {
        format!("{} MB/s", decimal(rate, 1_000_000, 1))
    } else {
        format!("{} kB/s", decimal(rate, 1_000, 0))
    }
}

/// `2 min 5 s left`, `12 s left`, `1 h 3 min left`.
pub fn time_left_text(seconds: f64) -> String {
    let seconds = seconds.ceil() as u64;
    match seconds {
        0..60 => format!("{seconds} s left"),
        60..3600 => format!("{} min {} s left", seconds / 60, seconds % 60),
        _ => format!("{} h {} min left", seconds / 3600, seconds % 3600 / 60),
    }
}

/// A file size: `0 B`, `999 B`, `1.2 KB`, `20.0 MB`, `4.29 GB` (decimal, as file managers show).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut divisor = 1_000;
    let mut unit = 0;
    while bytes / divisor >= 1_000 && unit + 1 < UNITS.len() {
        divisor *= 1_000;
        unit += 1;
    }
    format!("{} {}", decimal(bytes, divisor, if unit >= 2 { 2 } else { 1 }), UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_and_time_left_follow_the_window() {
        let mut progress = Progress::new(10_000_000);
        progress.record(0.0, 0);
        assert_eq!(progress.bytes_per_second(), None);
        progress.record(1_000.0, 2_000_000);
        assert_eq!(progress.bytes_per_second(), Some(2_000_000.0));
        assert_eq!(progress.seconds_left(), Some(4.0));
        // Old samples leave the window: the speed is that of the last 5 s only.
        progress.record(7_000.0, 2_000_000);
        progress.record(8_000.0, 3_000_000);
        assert_eq!(progress.bytes_per_second(), Some(1_000_000.0));
        assert!((progress.fraction() - 0.3).abs() < 1e-9);
    }

    #[test]
    fn texts_read_well() {
        assert_eq!(size_text(0), "0 B");
        assert_eq!(size_text(1_234), "1.2 KB");
        assert_eq!(size_text(20_000_000), "20.0 MB");
        assert_eq!(size_text(4_294_967_296), "4.29 GB");
        assert_eq!(rate_text(1_500_000.0), "1.5 MB/s");
        assert_eq!(rate_text(820_000.0), "820 kB/s");
        assert_eq!(time_left_text(12.2), "13 s left");
        assert_eq!(time_left_text(125.0), "2 min 5 s left");
        assert_eq!(time_left_text(3_780.0), "1 h 3 min left");
        assert_eq!(Progress::new(0).fraction(), 1.0);
    }
}
