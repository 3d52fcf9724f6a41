//! Byte counts as people read them: `300 MiB`, `4.2 KiB`, `17 B`.

/// `bytes` in the largest binary unit that keeps it at 1 or more, one decimal below 10.
pub fn text(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} B"),
        _ if value < 10.0 => format!("{value:.1} {}", UNITS[unit]),
        _ => format!("{value:.0} {}", UNITS[unit]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(text(17), "17 B");
        assert_eq!(text(4_300), "4.2 KiB");
        assert_eq!(text(314_572_800), "300 MiB");
        assert_eq!(text(1 << 30), "1.0 GiB");
    }
}
