//! Places: a real MMDB file (built by `mmdb.rs`) read by `Places`, both layouts, and unknown
//! places for addresses it lacks or without a database.

use coffer_backend::places::{Place, Places};

use crate::mmdb::test_places;

fn place(country_code: &str, country: Option<&str>, city: Option<&str>) -> Place {
    Place {
        country_code: Some(country_code.to_owned()),
        country: country.map(str::to_owned),
        city: city.map(str::to_owned),
    }
}

#[test]
fn a_database_file_gives_countries_and_cities() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("places.mmdb");
    std::fs::write(&path, test_places()).unwrap();
    let places = Places::open(&path).unwrap();
    assert!(places.is_loaded());
    let at = |ip: &str| places.lookup(ip.parse().unwrap());
    assert_eq!(at("203.0.113.7"), Some(place("DE", Some("Germany"), Some("Berlin"))));
    assert_eq!(at("198.51.100.200"), Some(place("JP", Some("Japan"), Some("Osaka"))));
    assert_eq!(at("::ffff:198.51.100.1"), Some(place("JP", Some("Japan"), Some("Osaka"))));
    assert_eq!(at("192.0.2.1"), Some(place("FR", None, None)), "the flat layout, code upper-cased");
    assert_eq!(at("127.0.0.1"), None);
    assert_eq!(at("2001:db8::1"), None, "an IPv6 address in an IPv4 database");
}

#[test]
fn without_a_database_every_place_is_unknown_and_a_bad_file_is_an_error() {
    assert_eq!(Places::none().lookup("203.0.113.7".parse().unwrap()), None);
    let dir = tempfile::tempdir().unwrap();
    assert!(Places::open(&dir.path().join("missing.mmdb")).is_err());
    let junk = dir.path().join("junk.mmdb");
    std::fs::write(&junk, b"not a database").unwrap();
    let error = Places::open(&junk).unwrap_err().to_string();
    assert!(error.contains("junk.mmdb"), "{error}");
}
