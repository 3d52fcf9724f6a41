//! A link drawn as a QR code in the terminal, two modules a character cell (Unicode half
//! blocks), with a quiet zone. On a colour terminal it is drawn black on white whatever the
//! theme; without colours, light modules are drawn as blocks, which reads as dark on light on
//! the usual light-on-dark terminal.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The QR code of `text`, as lines of half blocks; `None` if it is too long for a QR code.
pub fn draw(text: &str, colour: bool) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let mut renderer = code.render::<Dense1x2>();
    if !colour {
        return Some(
            renderer.dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).quiet_zone(true).build(),
        );
    }
    let drawn = renderer.dark_color(Dense1x2::Dark).light_color(Dense1x2::Light).quiet_zone(true).build();
    // Black blocks on a white background, reset at the end of every line.
    Some(drawn.lines().map(|line| format!("\x1b[30;107m{line}\x1b[0m")).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str =
        "https://c.example/s/AAAAAAAAAAAAAAAAAAAAAA#BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    #[test]
    fn a_link_draws_as_a_square_of_half_blocks() {
        let drawn = draw(LINK, false).unwrap();
        let lines: Vec<&str> = drawn.lines().collect();
        let width = lines[0].chars().count();
        assert!(width > 20 && lines.iter().all(|line| line.chars().count() == width), "{drawn}");
        // Two modules a cell: about half as many lines as columns.
        assert!(lines.len() * 2 >= width && lines.len() * 2 <= width + 2, "{} x {width}", lines.len());
    }

    #[test]
    fn in_colour_every_line_is_black_on_white_and_reset() {
        let drawn = draw(LINK, true).unwrap();
        assert!(drawn.lines().all(|line| line.starts_with("\x1b[30;107m") && line.ends_with("\x1b[0m")));
    }
}
