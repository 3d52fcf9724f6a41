//! A card's brand from its number's leading digits (the IIN ranges the networks publish),
//! shown in the view and the list. Only prefixes are read; the number is never stored here.

/// The brand of a card number (digits only count; spaces and dashes are ignored), or `None`
/// when no known range matches.
pub fn brand(number: &str) -> Option<&'static str> {
    let digits: String = number.chars().filter(char::is_ascii_digit).take(6).collect();
    let prefix = |len: usize| digits.get(..len).and_then(|head| head.parse::<u32>().ok());
    let within = |len: usize, low: u32, high: u32| prefix(len).is_some_and(|p| (low..=high).contains(&p));
    // Most specific ranges first: Diners 36 before others, Maestro's 50/56-69 after Discover's 6s.
    if within(2, 34, 34) || within(2, 37, 37) {
        Some("Amex")
    } else if within(4, 2221, 2720) || within(2, 51, 55) {
        Some("Mastercard")
    } else if within(3, 300, 305) || within(2, 36, 36) || within(2, 38, 39) || within(4, 3095, 3095) {
        Some("Diners Club")
    } else if within(4, 3528, 3589) {
        Some("JCB")
    } else if within(4, 6011, 6011) || within(3, 644, 649) || within(2, 65, 65) || within(6, 622126, 622925) {
        Some("Discover")
    } else if within(2, 62, 62) || within(2, 81, 81) {
        Some("UnionPay")
    } else if within(2, 50, 50) || within(2, 56, 69) {
        Some("Maestro")
    } else if within(1, 4, 4) {
        Some("Visa")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::brand;

    #[test]
    fn the_networks_are_told_apart_by_their_prefixes() {
        for (number, expected) in [
            ("4111 1111 1111 1111", Some("Visa")),
            ("5500 0000 0000 0004", Some("Mastercard")),
            ("2223 0000 4841 0010", Some("Mastercard")),
            ("3782 822463 10005", Some("Amex")),
            ("3400 000000 00009", Some("Amex")),
            ("6011 1111 1111 1117", Some("Discover")),
            ("6445 6445 6445 6445", Some("Discover")),
            ("3056 9309 0259 04", Some("Diners Club")),
            ("3852 0000 0232 37", Some("Diners Club")),
            ("3530 1113 3330 0000", Some("JCB")),
            ("6200 0000 0000 0005", Some("UnionPay")),
            ("6759 6498 2643 8453", Some("Maestro")),
            ("5018 0000 0009", Some("Maestro")),
            ("1234 5678", None),
            ("", None),
        ] {
            assert_eq!(brand(number), expected, "{number}");
        }
    }
}
