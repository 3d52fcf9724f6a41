//! Places: a real MMDB file (built by `mmdb.rs`) read by `Places`, both layouts, and unknown
//! places for addresses it lacks or without a database.

use coffer_backend::places::{MmdbPlaces, Place, Places, UnknownPlaces};

use crate::mmdb::test_places;

fn place(country_code: &str, city: Option<&str>) -> Place {
    Place { country_code: Some(country_code.to_owned()), city: city.map(str::to_owned) }
}

#[test]
fn a_database_file_gives_countries_and_cities() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("places.mmdb");
    std::fs::write(&path, test_places()).unwrap();
    let places = MmdbPlaces::open(&path).unwrap();
    let at = |ip: &str| places.lookup(ip.parse().unwrap());
    assert_eq!(at("203.0.113.7"), Some(place("DE", Some("Berlin"))));
    assert_eq!(at("198.51.100.200"), Some(place("JP", Some("Osaka"))));
    assert_eq!(at("::ffff:198.51.100.1"), Some(place("JP", Some("Osaka"))));
    assert_eq!(at("192.0.2.1"), Some(place("FR", None)), "the flat layout, code upper-cased");
    assert_eq!(at("127.0.0.1"), None);
    assert_eq!(at("2001:db8::1"), None, "an IPv6 address in an IPv4 database");
    // What sessions and events record.
    assert_eq!(places.place("203.0.113.7".parse().unwrap()).as_deref(), Some("Berlin, DE"));
    assert_eq!(places.place("192.0.2.1".parse().unwrap()).as_deref(), Some("FR"));
}

#[test]
fn without_a_database_every_place_is_unknown_and_a_bad_file_is_an_error() {
    assert_eq!(UnknownPlaces.place("203.0.113.7".parse().unwrap()), None);
    let dir = tempfile::tempdir().unwrap();
    assert!(MmdbPlaces::open(&dir.path().join("missing.mmdb")).is_err());
    let junk = dir.path().join("junk.mmdb");
    std::fs::write(&junk, b"not a database").unwrap();
    let error = MmdbPlaces::open(&junk).unwrap_err().to_string();
    assert!(error.contains("junk.mmdb"), "{error}");
}

/// The config route's credit for the app's About page, and the place an event of a client at
/// `ip` (behind a trusted proxy on loopback) records, with `geoip_db` as the setting.
#[cfg(builtin_places)]
async fn credit_and_place(geoip_db: Option<&str>, ip: &str) -> (serde_json::Value, serde_json::Value) {
    use crate::helpers::{json, spawn_app_in};
    use crate::notice_helpers::CHROME;
    let app = spawn_app_in(tempfile::tempdir().unwrap(), |settings| {
        settings.geoip_db = geoip_db.map(Into::into);
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let config = json(app.client.get(format!("{}/api/v1/config", app.address)).send().await.unwrap()).await;
    let mut user = app.sign_up("alice@example.com").await;
    user.browser = app.sign_in_from(&user, ip, CHROME).await;
    let logged = app.logged(&user, "signin_succeeded").await;
    (config["places_source"].clone(), logged.api["place"].clone())
}

#[cfg(builtin_places)]
#[tokio::test]
async fn without_a_setting_the_built_in_country_database_places_a_public_address() {
    let (credit, place) = credit_and_place(None, "8.8.8.8").await;
    let credit = credit.as_str().unwrap_or_default().to_owned();
    assert!(credit.contains("NRO") && credit.contains("CC BY 4.0"), "{credit}");
    assert_eq!(place, "US", "a country code, no city: the built-in database knows countries only");
    let (credit, place) = credit_and_place(Some("off"), "8.8.8.8").await;
    assert_eq!((credit, place), (serde_json::Value::Null, serde_json::Value::Null), "off turns it off");
}
