//! [`Places`]: the approximate place (country, city) of an IP address, read from an MMDB file
//! the admin points to with `--geoip-db`. Lookups happen in this process and never leave the
//! server; without a database every place is unknown.
//!
//! Two common layouts are understood: MaxMind's GeoIP2 / GeoLite2 and DB-IP's
//! (`country.iso_code`, `country.names.en`, `city.names.en`), and the flat one of the
//! ip-location-db packages (`country_code`, `city`).

use std::net::IpAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Where an address is, as far as the database knows. Every member may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// ISO 3166-1 alpha-2 code, upper case, e.g. `DE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The country's English name, when the database has names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The city's English name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// The IP-to-place database, or none.
#[derive(Default)]
pub struct Places {
    reader: Option<maxminddb::Reader<Vec<u8>>>,
}

impl std::fmt::Debug for Places {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Places").field("loaded", &self.reader.is_some()).finish()
    }
}

/// The database file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the IP-to-place database {path}: {reason}")]
pub struct PlacesError {
    path: String,
    reason: String,
}

impl Places {
    /// No database: every place is unknown.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads the MMDB file at `path` into memory. A missing or malformed file is an error, so a
    /// typo in the setting stops the server at start-up instead of silently losing places.
    pub fn open(path: &Path) -> Result<Self, PlacesError> {
        let reader = maxminddb::Reader::open_readfile(path)
            .map_err(|error| PlacesError { path: path.display().to_string(), reason: error.to_string() })?;
        Ok(Self { reader: Some(reader) })
    }

    /// Whether a database is loaded.
    pub fn is_loaded(&self) -> bool {
        self.reader.is_some()
    }

    /// The place of `ip`, or `None` when there is no database, the address is not in it, or
    /// its entry names neither a country nor a city.
    pub fn lookup(&self, ip: IpAddr) -> Option<Place> {
        let reader = self.reader.as_ref()?;
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
            country: record.country.and_then(|country| country.names?.en),
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
    #[serde(default)]
    names: Option<Names>,
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
