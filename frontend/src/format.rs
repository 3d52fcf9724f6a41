//! Text for people: local dates, durations, expiry choices, view counts, devices and countries.

use js_sys::{Date, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// A Unix time (seconds) as a local date and time, e.g. "Nov 22, 2026, 10:45 AM".
pub fn local_date_time(unix_seconds: u64) -> String {
    let date = Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0));
    let options = Object::new();
    // Setting a property on a fresh object cannot fail.
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let locale =
        web_sys::window().and_then(|window| window.navigator().language()).unwrap_or_else(|| "en".to_owned());
    date.to_locale_string(&locale, &options).into()
}

/// A duration in seconds as a short phrase: "45 seconds", "1 hour", "7 days".
pub fn duration(seconds: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")];
    let (size, unit) = UNITS
        .into_iter()
        .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
        .unwrap_or((1, "second"));
    plural(seconds / size, unit)
}

/// `value / divisor` rounded half up to `places` decimals: `decimal(1_234, 1_000, 1)` is "1.2".
/// Whole-number arithmetic, so that the app does not carry the float formatting code.
pub fn decimal(value: u64, divisor: u64, places: u32) -> String {
    let scale = 10_u128.pow(places);
    let divisor = u128::from(divisor.max(1));
    let scaled = (u128::from(value) * scale + divisor / 2) / divisor;
    let (whole, fraction) = (scaled / scale, scaled % scale);
    if places == 0 {
        format!("{whole}")
    } else {
        format!("{whole}.{fraction:0width$}", width = places as usize)
    }
}

/// `count` and `noun`, with an "s" unless `count` is 1.
pub fn plural(count: u64, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// "once", "twice" or "N times".
pub fn times(count: u32) -> String {
    match count {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// "Can be viewed N more time(s) · expires <local date/time>".
pub fn status_line(views_left: u32, expires_at: u64) -> String {
    format!(
        "Can be viewed {} more {} · expires {}",
        views_left,
        if views_left == 1 { "time" } else { "times" },
        local_date_time(expires_at)
    )
}

/// "Chrome on Linux": the same words the server's e-mails use
/// ([`coffer_shared::words::device::describe`]).
pub fn device(user_agent: &str) -> String {
    coffer_shared::words::device::describe(user_agent)
}

thread_local! {
    /// `new Intl.DisplayNames(["en"], {type: "region"})` and its `of`, made once: the Activity
    /// search asks for every code.
    static REGION_NAMES: Option<(JsValue, js_sys::Function)> = region_names();
}

fn region_names() -> Option<(JsValue, js_sys::Function)> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = Reflect::get(&intl, &"DisplayNames".into()).ok()?.dyn_into().ok()?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"type".into(), &"region".into());
    let arguments = js_sys::Array::of2(&js_sys::Array::of1(&"en".into()), &options);
    let names = Reflect::construct(&constructor, &arguments).ok()?;
    let of = Reflect::get(&names, &"of".into()).ok()?.dyn_into().ok()?;
    Some((names, of))
}

/// The English name of a country from its ISO 3166-1 alpha-2 code ("DE" -> "Germany"), as the
/// browser's `Intl.DisplayNames` knows it.
pub fn country_name(code: &str) -> Option<String> {
    REGION_NAMES.with(|names| {
        let (names, of) = names.as_ref()?;
        of.call1(names, &code.into()).ok()?.as_string().filter(|name| name != code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_half_up_with_whole_numbers() {
        assert_eq!(decimal(1_234, 1_000, 1), "1.2");
        assert_eq!(decimal(1_250, 1_000, 1), "1.3");
        assert_eq!(decimal(999_960, 1_000, 1), "1000.0");
        assert_eq!(decimal(4_294_967_296, 1_000_000_000, 2), "4.29");
        assert_eq!(decimal(1_005, 1_000, 2), "1.01");
        assert_eq!(decimal(820_400, 1_000, 0), "820");
        assert_eq!(decimal(u64::MAX, 1, 2), format!("{}.00", u64::MAX));
    }

    #[test]
    fn a_user_agent_reads_as_a_browser_and_a_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(device(chrome), "Chrome on Linux");
        assert_eq!(device(""), "Unknown device");
    }

    #[test]
    fn expiry_options_read_as_people_say_them() {
        let labels: Vec<String> =
            [300, 3_600, 86_400, 604_800, 2_592_000].into_iter().map(duration).collect();
        assert_eq!(labels, ["5 minutes", "1 hour", "1 day", "7 days", "30 days"]);
        assert_eq!(duration(42), "42 seconds");
        assert_eq!(duration(90), "90 seconds");
        assert_eq!(duration(7_200), "2 hours");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(plural(1, "attempt"), "1 attempt");
        assert_eq!(plural(4, "attempt"), "4 attempts");
        assert_eq!(plural(0, "attempt"), "0 attempts");
        assert_eq!(times(1), "once");
        assert_eq!(times(2), "twice");
        assert_eq!(times(5), "5 times");
    }
}
