//! TOTP (RFC 6238) and HOTP (RFC 4226) against the RFCs' vectors, the verification window,
//! replay refusal, code parsing, base32 (RFC 4648) and the `otpauth://` URI. This binary runs
//! natively and, under wasm-bindgen-test, inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::crypto::totp::{
    Base32Error, CodeMatch, STEP, TotpSecret, check, code_at, decode_base32, encode_base32, otpauth_uri,
    step_at, verify,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The secret of RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1).
fn rfc_secret() -> TotpSecret {
    TotpSecret::from_bytes(*b"12345678901234567890")
}

fn code_string(secret: &TotpSecret, step: u64) -> String {
    format!("{:06}", code_at(secret, step))
}

#[test]
fn codes_match_the_sha1_vectors_of_rfc_6238() {
    // Appendix B gives 8-digit codes; a 6-digit code is the same number modulo 10^6.
    let vectors: [(u64, u32); 6] = [
        (59, 94_287_082),
        (1_111_111_109, 7_081_804),
        (1_111_111_111, 14_050_471),
        (1_234_567_890, 89_005_924),
        (2_000_000_000, 69_279_037),
        (20_000_000_000, 65_353_130),
    ];
    for (time, eight_digits) in vectors {
        assert_eq!(code_at(&rfc_secret(), step_at(time)), eight_digits % 1_000_000, "T = {time}");
    }
    assert_eq!(code_string(&rfc_secret(), step_at(59)), "287082");
    assert_eq!(code_string(&rfc_secret(), step_at(1_111_111_109)), "081804");
}

#[test]
fn codes_match_the_hotp_vectors_of_rfc_4226() {
    let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
    for (counter, code) in expected.into_iter().enumerate() {
        assert_eq!(code_at(&rfc_secret(), counter as u64), code, "counter {counter}");
    }
}

#[test]
fn a_code_is_accepted_one_step_early_or_late_but_not_two() {
    let secret = TotpSecret::random();
    let now = 1_700_000_015;
    let t = step_at(now);
    for step in [t - 1, t, t + 1] {
        assert_eq!(verify(&secret, now, &code_string(&secret, step), None), Some(step));
    }
    for step in [t - 2, t + 2] {
        let code = code_string(&secret, step);
        // Skip the one-in-a-million case where a far step's code equals a near one's.
        if (t - 1..=t + 1).all(|near| code_string(&secret, near) != code) {
            assert_eq!(verify(&secret, now, &code, None), None);
        }
    }
}

#[test]
fn a_code_is_never_accepted_twice() {
    let secret = rfc_secret();
    let now = 59;
    let code = code_string(&secret, step_at(now));
    let used = verify(&secret, now, &code, None).unwrap();
    assert_eq!(verify(&secret, now, &code, Some(used)), None);
    assert_eq!(verify(&secret, now + STEP / 2, &code, Some(used)), None);
    // An older code that is still in the window is refused once a later one was used.
    let earlier = code_string(&secret, step_at(now) - 1);
    assert_eq!(verify(&secret, now, &earlier, Some(used)), None);
    // The next step's code still works, and moves the mark forward.
    let next = code_string(&secret, used + 1);
    assert_eq!(verify(&secret, now + STEP, &next, Some(used)), Some(used + 1));
}

#[test]
fn a_used_code_is_told_apart_from_a_wrong_one() {
    let secret = rfc_secret();
    let now = 1_000_000;
    let code = code_string(&secret, step_at(now));
    let CodeMatch::Fresh(used) = check(&secret, now, &code, None) else { panic!("a fresh code") };
    assert_eq!(check(&secret, now + 1, &code, Some(used)), CodeMatch::Used);
    let earlier = code_string(&secret, step_at(now) - 1);
    assert_eq!(check(&secret, now, &earlier, Some(used)), CodeMatch::Used);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(check(&secret, now, &wrong, Some(used)), CodeMatch::Wrong);
    assert_eq!(check(&secret, now, "12345", Some(used)), CodeMatch::Wrong);
    // Out of the window, the old code is simply wrong.
    assert_eq!(check(&secret, now + 10 * STEP, &code, Some(used)), CodeMatch::Wrong);
}

#[test]
fn only_six_digits_are_accepted_and_spaces_are_ignored() {
    let secret = rfc_secret();
    assert_eq!(verify(&secret, 59, "287082", None), Some(1));
    assert_eq!(verify(&secret, 59, " 287 082 ", None), Some(1));
    for bad in ["", "28708", "2870820", "0287082", "28708a", "287-082", "+287082", "２８７０８２", "287082\n"]
    {
        assert_eq!(verify(&secret, 59, bad, None), None, "{bad:?}");
    }
}

#[test]
fn the_first_step_has_no_earlier_neighbour() {
    let secret = rfc_secret();
    assert_eq!(verify(&secret, 0, &code_string(&secret, 0), None), Some(0));
    assert_eq!(verify(&secret, 0, &code_string(&secret, 1), None), Some(1));
}

#[test]
fn base32_matches_the_vectors_of_rfc_4648() {
    let vectors =
        [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB")];
    for (plain, encoded) in vectors.into_iter().chain([("foobar", "MZXW6YTBOI")]) {
        assert_eq!(encode_base32(plain.as_bytes()), encoded);
        assert_eq!(decode_base32(encoded).unwrap(), plain.as_bytes());
    }
    // The RFC writes them padded; padding, lower case and spaces are accepted on input.
    for (padded, plain) in [("MY======", "f"), ("MZXW6YQ=", "foob"), ("mzxw 6ytb oi======", "foobar")] {
        assert_eq!(decode_base32(padded).unwrap(), plain.as_bytes());
    }
}

#[test]
fn base32_that_no_bytes_encode_to_is_refused() {
    // A lone symbol, three or six symbols, a non-zero leftover bit, a character outside the
    // alphabet, and data after padding.
    for bad in ["M", "MZX", "MZXW6Y", "MZ", "MZ1", "MZXW6YQ=A", "MY!"] {
        assert_eq!(decode_base32(bad), Err(Base32Error), "{bad:?}");
    }
}

#[test]
fn a_secret_survives_base32_as_a_person_types_it() {
    let secret = TotpSecret::random();
    let text = secret.to_base32();
    assert_eq!(text.len(), 32);
    assert!(text.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    let typed: String = text
        .to_lowercase()
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(TotpSecret::from_base32(&typed).unwrap(), secret);
    assert_eq!(rfc_secret().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert!(TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ").is_err(), "19 bytes");
    assert!(TotpSecret::from_base32("MZXW6YTBOI").is_err(), "6 bytes");
}

#[test]
fn the_otpauth_uri_percent_encodes_issuer_and_account() {
    assert_eq!(
        otpauth_uri(&rfc_secret(), "Coffer", "alice@example.com"),
        "otpauth://totp/Coffer:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=Coffer&algorithm=SHA1&digits=6&period=30"
    );
    let uri = otpauth_uri(&rfc_secret(), "My Coffer", "bob:ü&x");
    assert!(uri.starts_with("otpauth://totp/My%20Coffer:bob%3A%C3%BC%26x?"), "{uri}");
    assert!(uri.contains("&issuer=My%20Coffer&"), "{uri}");
}
