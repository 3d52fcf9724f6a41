//! Builds the country database into the server when `scripts/setup.sh` installed it in
//! `.tools/geoip/` (the ip-location-db `geo-whois-asn-country` MMDB, CC BY 4.0 data by the NRO):
//! a fresh install then names a client's country without any setting (`src/places.rs`).
//! Without the file the server builds without it and places are unknown unless `--geoip-db`
//! names a database.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(builtin_places)");
    let package = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../.tools/geoip/node_modules/@ip-location-db/geo-whois-asn-country-mmdb");
    let database = package.join("geo-whois-asn-country.mmdb");
    println!("cargo::rerun-if-changed={}", database.display());
    if !database.is_file() {
        return;
    }
    let version = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|json| {
            let start = json.find("\"version\"")?;
            let rest = &json[start + 9..];
            let open = rest.find('"')? + 1;
            let close = rest[open..].find('"')? + open;
            Some(rest[open..close].to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo::rustc-cfg=builtin_places");
    println!("cargo::rustc-env=COFFER_BUILTIN_PLACES={}", database.display());
    println!("cargo::rustc-env=COFFER_BUILTIN_PLACES_VERSION={version}");
}
