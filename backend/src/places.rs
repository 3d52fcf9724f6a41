//! [`Places`]: an approximate place for a client IP, for sessions and security events.
//! [`MmdbPlaces`] reads it from an MMDB file the admin points to with `--geoip-db`; lookups happen
//! in this process and never leave the server. Without a database, [`UnknownPlaces`] answers
//! unknown for every address.
//!
//! Two common layouts are understood: MaxMind's GeoIP2 / GeoLite2 and DB-IP's
//! (`country.iso_code`, `city.names.en`), and the flat one of the ip-location-db packages
//! (`country_code`, `city`).

use std::net::IpAddr;
use std::path::Path;

use serde::Deserialize;

/// Looks up an approximate place for an IP address.
pub trait Places: Send + Sync + 'static {
    /// The place of `ip` as text, `"Berlin, DE"` (city, ISO 3166-1 alpha-2 country code), `"DE"`
    /// or `"Berlin"`, or `None` when unknown. Must be fast: it runs inside requests.
    fn place(&self, ip: IpAddr) -> Option<String>;
}

/// The lookup without a database: every place is unknown.
#[derive(Debug, Default, Clone, Copy)]
pub struct UnknownPlaces;

impl Places for UnknownPlaces {
    fn place(&self, _ip: IpAddr) -> Option<String> {
        None
    }
}

/// Where an address is, as far as the database knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// ISO 3166-1 alpha-2 code, upper case, e.g. `DE`.
    pub country_code: Option<String>,
    /// The city's English name.
    pub city: Option<String>,
}

impl Place {
    /// `"Berlin, DE"`, `"DE"` or `"Berlin"`: what [`Places::place`] answers. The page spells the
    /// country out in the reader's language.
    pub fn text(&self) -> String {
        match (&self.city, &self.country_code) {
            (Some(city), Some(code)) => format!("{city}, {code}"),
            (Some(only), None) | (None, Some(only)) => only.clone(),
            (None, None) => String::new(),
        }
    }
}

/// An IP-to-place database read from an MMDB file into memory.
pub struct MmdbPlaces {
    reader: maxminddb::Reader<Vec<u8>>,
}

impl std::fmt::Debug for MmdbPlaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MmdbPlaces").finish_non_exhaustive()
    }
}

impl Places for MmdbPlaces {
    fn place(&self, ip: IpAddr) -> Option<String> {
        self.lookup(ip).map(|place| place.text())
    }
}

/// The database file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the IP-to-place database {path}: {reason}")]
pub struct PlacesError {
    path: String,
    reason: String,
}

impl MmdbPlaces {
    /// Reads the MMDB file at `path` into memory. A missing or malformed file is an error, so a
    /// typo in the setting stops the server at start-up instead of silently losing places.
    pub fn open(path: &Path) -> Result<Self, PlacesError> {
        let reader = maxminddb::Reader::open_readfile(path)
            .map_err(|error| PlacesError { path: path.display().to_string(), reason: error.to_string() })?;
        Ok(Self { reader })
    }

    /// The place of `ip`, or `None` when the address is not in the database or its entry names
    /// neither a country nor a city.
    pub fn lookup(&self, ip: IpAddr) -> Option<Place> {
        let reader = &self.reader;
        // An IPv4 client reaching an IPv6 socket shows as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        let record: Entry = reader.lookup(ip).ok()?.decode().ok()??;
        let place = Place {
            country_code: record
                .country
                .as_ref()
                .and_then(|country| country.iso_code.clone())
                .or(record.country_code)
                .map(|code| code.to_ascii_uppercase()),
            city: record.city.and_then(City::into_name),
        };
        (place != Place::default()).then_some(place)
    }
}

/// The members read from a database entry; the rest is ignored.
#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    country: Option<Country>,
    #[serde(default)]
    city: Option<City>,
}

#[derive(Deserialize)]
struct Country {
    #[serde(default)]
    iso_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum City {
    Plain(String),
    Named { names: Names },
}

impl City {
    fn into_name(self) -> Option<String> {
        match self {
            City::Plain(name) => Some(name).filter(|name| !name.is_empty()),
            City::Named { names } => names.en,
        }
    }
}

#[derive(Deserialize)]
struct Names {
    #[serde(default)]
    en: Option<String>,
}
