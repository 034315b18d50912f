//! Value parsers shared by every command: durations, listen addresses, and how durations print.

use std::net::SocketAddr;
use std::time::Duration;

/// Parses `250ms`, `30s`, `5m`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) =
        text.split_at(text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len()));
    let value: f64 =
        number.parse().map_err(|_| format!("{text:?} is not a duration like 250ms, 30s or 5m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("{text:?} is not a duration this server can wait"))
}

/// A listen address from a host (an IP address, IPv6 with or without brackets) and a port. `flag`
/// names the option at fault in the message.
pub fn socket_addr(flag: &str, host: &str, port: u16) -> Result<SocketAddr, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .map(|ip| SocketAddr::new(ip, port))
        .map_err(|_| format!("{flag}: {host:?} is not an IP address"))
}

/// Whether `text` has the shape of an AWS region name: `us-west-2`, `eu-central-1`,
/// `us-gov-west-1`, `ap-southeast-5` (the list grows, so the shape is checked, not a list).
pub fn is_region_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let lower = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    match parts.as_slice() {
        [geo, middle @ .., number] => {
            geo.len() == 2
                && lower(geo)
                && !middle.is_empty()
                && middle.iter().all(lower)
                && !number.is_empty()
                && number.len() <= 2
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// Durations print as whole milliseconds (`"30000ms"`) in `config show`.
pub fn serialize_duration<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("{}ms", duration.as_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_checked_by_shape() {
        for good in ["us-east-1", "eu-central-1", "us-gov-west-1", "ap-southeast-5", "il-central-1"] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in ["", "us", "us-east", "US-EAST-1", "us-east-1a", "mars-1", "us--1", "us-east-123"] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("7").unwrap(), Duration::from_secs(7));
        assert!(parse_duration("7 fortnights").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
    }

    #[test]
    fn listen_addresses_take_v4_and_v6_with_or_without_brackets() {
        assert_eq!(socket_addr("--host", "127.0.0.1", 80).unwrap().to_string(), "127.0.0.1:80");
        assert_eq!(socket_addr("--host", "::1", 80).unwrap().to_string(), "[::1]:80");
        assert_eq!(socket_addr("--host", "[::1]", 80).unwrap().to_string(), "[::1]:80");
        let error = socket_addr("--host", "localhost-ish", 80).unwrap_err();
        assert!(error.contains("--host") && error.contains("localhost-ish"), "{error}");
    }
}
