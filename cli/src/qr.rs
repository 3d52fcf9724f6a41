//! A link drawn as a QR code in the terminal, two modules a character cell (Unicode half
//! blocks), dark on light with a quiet zone so that phones read it on dark terminals too.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The QR code of `text`, as lines of half blocks; `None` if it is too long for a QR code.
pub fn draw(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_draws_as_a_square_of_half_blocks() {
        let drawn =
            draw("https://c.example/s/AAAAAAAAAAAAAAAAAAAAAA#BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")
                .unwrap();
        let lines: Vec<&str> = drawn.lines().collect();
        let width = lines[0].chars().count();
        assert!(width > 20 && lines.iter().all(|line| line.chars().count() == width), "{drawn}");
        // Two modules a cell: about half as many lines as columns.
        assert!(lines.len() * 2 >= width && lines.len() * 2 <= width + 2, "{} x {width}", lines.len());
    }
}
