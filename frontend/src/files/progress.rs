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

/// `1.5 MiB/s`, `820 KiB/s`: the binary units [`size_text`] uses, so a speed and a size compare.
pub fn rate_text(bytes_per_second: f64) -> String {
    format!("{}/s", size_text(bytes_per_second as u64))
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

/// A size in binary units, the one convention of the whole app (server limits are set in them):
/// `0 B`, `1023 B`, `1.2 KiB`, `20 MiB`, `10 GiB`, `1.5 GiB`. One decimal, left out when it is 0.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut divisor: u64 = 1024;
    let mut unit = 0;
    while bytes / divisor >= 1024 && unit + 1 < UNITS.len() {
        divisor *= 1024;
        unit += 1;
    }
    let text = decimal(bytes, divisor, 1);
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
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
        assert_eq!(size_text(1_023), "1023 B");
        assert_eq!(size_text(1_234), "1.2 KiB");
        assert_eq!(size_text(20 << 20), "20 MiB");
        assert_eq!(size_text(10 << 30), "10 GiB");
        assert_eq!(size_text(1_100_800), "1 MiB", "1.05 rounds to 1.0, shown as 1");
        assert_eq!(size_text(3 << 29), "1.5 GiB");
        assert_eq!(rate_text(1_572_864.0), "1.5 MiB/s");
        assert_eq!(rate_text(839_680.0), "820 KiB/s");
        assert_eq!(time_left_text(12.2), "13 s left");
        assert_eq!(time_left_text(125.0), "2 min 5 s left");
        assert_eq!(time_left_text(3_780.0), "1 h 3 min left");
        assert_eq!(Progress::new(0).fraction(), 1.0);
    }
}
