//! A small MaxMind DB (MMDB, format 2.0) writer for the tests: an IPv4 search tree with
//! 24-bit records, a data section of maps, strings and unsigned integers, and the metadata
//! block. Enough to build a real database file that the `maxminddb` crate reads.

use std::net::Ipv4Addr;

/// A value in the data section.
pub enum Value {
    /// UTF-8 string.
    Str(String),
    /// Unsigned integer, written as uint16/32/64 by the caller's choice of `kind`.
    Uint(u64, u8),
    /// Map with string keys, in the given order.
    Map(Vec<(String, Value)>),
    /// Array.
    Array(Vec<Value>),
}

/// A map value from `(key, value)` pairs.
pub fn map(pairs: Vec<(&str, Value)>) -> Value {
    Value::Map(pairs.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

/// A string value.
pub fn text(value: &str) -> Value {
    Value::Str(value.to_owned())
}

fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (first, extra): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, Vec::new()),
        29..=284 => (29, vec![(size - 29) as u8]),
        _ => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
    };
    if kind <= 7 {
        out.push((kind << 5) | first);
    } else {
        out.push(first);
        out.push(kind - 7);
    }
    out.extend_from_slice(&extra);
}

fn encode(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Str(text) => {
            control(out, 2, text.len());
            out.extend_from_slice(text.as_bytes());
        }
        Value::Uint(number, kind) => {
            let bytes = number.to_be_bytes();
            let skip = bytes.iter().take_while(|byte| **byte == 0).count();
            control(out, *kind, 8 - skip);
            out.extend_from_slice(&bytes[skip..]);
        }
        Value::Map(pairs) => {
            control(out, 7, pairs.len());
            for (key, value) in pairs {
                encode(out, &Value::Str(key.clone()));
                encode(out, value);
            }
        }
        Value::Array(items) => {
            control(out, 11, items.len());
            for item in items {
                encode(out, item);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Empty,
    Node(usize),
    Data(usize),
}

/// Builds an IPv4 database mapping each `(network, prefix length)` to its value.
pub fn ipv4_database(entries: Vec<(Ipv4Addr, u8, Value)>) -> Vec<u8> {
    let mut nodes: Vec<[Slot; 2]> = vec![[Slot::Empty; 2]];
    let mut data = Vec::new();
    for (network, prefix, value) in entries {
        let offset = data.len();
        encode(&mut data, &value);
        let bits = u32::from(network);
        let mut node = 0;
        for depth in 0..prefix {
            let bit = ((bits >> (31 - depth)) & 1) as usize;
            if depth + 1 == prefix {
                nodes[node][bit] = Slot::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Slot::Node(next) => next,
                    _ => {
                        nodes.push([Slot::Empty; 2]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Slot::Node(next);
                        next
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for node in &nodes {
        for slot in node {
            let record = match *slot {
                Slot::Empty => count,
                Slot::Node(index) => index,
                Slot::Data(offset) => count + 16 + offset,
            } as u32;
            out.extend_from_slice(&record.to_be_bytes()[1..]);
        }
    }
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
    let metadata = map(vec![
        ("binary_format_major_version", Value::Uint(2, 5)),
        ("binary_format_minor_version", Value::Uint(0, 5)),
        ("build_epoch", Value::Uint(1_700_000_000, 9)),
        ("database_type", text("Coffer-Test-City")),
        ("description", map(vec![("en", text("Coffer test places"))])),
        ("ip_version", Value::Uint(4, 5)),
        ("languages", Value::Array(vec![text("en")])),
        ("node_count", Value::Uint(count as u64, 6)),
        ("record_size", Value::Uint(24, 5)),
    ]);
    encode(&mut out, &metadata);
    out
}

/// A GeoIP2-City-shaped entry.
pub fn city(country_code: &str, country: &str, city_name: &str) -> Value {
    map(vec![
        ("city", map(vec![("names", map(vec![("en", text(city_name))]))])),
        ("country", map(vec![("iso_code", text(country_code)), ("names", map(vec![("en", text(country))]))])),
    ])
}

/// The test database used across the API tests: two documentation networks with cities, one
/// with a country code only (the flat layout of the ip-location-db packages).
pub fn test_places() -> Vec<u8> {
    ipv4_database(vec![
        (Ipv4Addr::new(203, 0, 113, 0), 24, city("DE", "Germany", "Berlin")),
        (Ipv4Addr::new(198, 51, 100, 0), 24, city("JP", "Japan", "Osaka")),
        (Ipv4Addr::new(192, 0, 2, 0), 24, map(vec![("country_code", text("fr"))])),
    ])
}
