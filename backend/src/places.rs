//! [`Places`]: an approximate place for a client IP, for sessions and security events.
//! [`MmdbPlaces`] reads it from an MMDB file the admin points to with `--geoip-db`, or, without
//! one, from the country database built into the server ([`BUILTIN`], see `build.rs`); lookups
//! happen in this process and never leave the server. With neither (or `--geoip-db off`),
//! [`UnknownPlaces`] answers unknown for every address.
//!
//! Two common layouts are understood: MaxMind's GeoIP2 / GeoLite2 and DB-IP's
//! (`country.iso_code`, `city.names.en`), and the flat one of the ip-location-db packages
//! (`country_code`, `city`).

use std::borrow::Cow;
use std::net::IpAddr;
use std::path::Path;

use serde::Deserialize;

/// Looks up an approximate place for an IP address.
pub trait Places: Send + Sync + 'static {
    /// The place of `ip` as text, `"Berlin, DE"` (city, ISO 3166-1 alpha-2 country code), `"DE"`
    /// or `"Berlin"`, or `None` when unknown. Must be fast: it runs inside requests.
    fn place(&self, ip: IpAddr) -> Option<String>;

    /// Where the places come from, for the About page's attribution; `None` without a database.
    fn source(&self) -> Option<String> {
        None
    }
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

/// The country database built into this server, if `scripts/setup.sh` had installed it when
/// the server was built: its source and licence (shown on the app's About page) and its bytes.
pub struct BuiltinPlaces {
    /// Where the data comes from and under which licence, in words.
    pub source: &'static str,
    /// The MMDB file.
    pub bytes: &'static [u8],
}

/// The built-in country database (`build.rs`).
#[cfg(builtin_places)]
pub const BUILTIN: Option<BuiltinPlaces> = Some(BuiltinPlaces {
    source: concat!(
        "ip-location-db geo-whois-asn-country ",
        env!("COFFER_BUILTIN_PLACES_VERSION"),
        ": country data by the Number Resource Organization (NRO), CC BY 4.0"
    ),
    bytes: include_bytes!(env!("COFFER_BUILTIN_PLACES")),
});

/// The built-in country database: none in this build (`build.rs` found no file).
#[cfg(not(builtin_places))]
pub const BUILTIN: Option<BuiltinPlaces> = None;

/// An IP-to-place database in memory: read from a file, or the built-in one.
pub struct MmdbPlaces {
    reader: maxminddb::Reader<Cow<'static, [u8]>>,
    source: String,
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

    fn source(&self) -> Option<String> {
        Some(self.source.clone())
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
        let error = |reason: String| PlacesError { path: path.display().to_string(), reason };
        let bytes = std::fs::read(path).map_err(|e| error(e.to_string()))?;
        let reader = maxminddb::Reader::from_source(Cow::Owned(bytes)).map_err(|e| error(e.to_string()))?;
        let source = format!(
            "an IP database chosen by this server's administrator ({})",
            reader.metadata().database_type
        );
        Ok(Self { reader, source })
    }

    /// The built-in database, read in place (no copy).
    pub fn builtin(builtin: &BuiltinPlaces) -> Result<Self, PlacesError> {
        let reader = maxminddb::Reader::from_source(Cow::Borrowed(builtin.bytes))
            .map_err(|e| PlacesError { path: "(built in)".to_owned(), reason: e.to_string() })?;
        Ok(Self { reader, source: builtin.source.to_owned() })
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
