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
