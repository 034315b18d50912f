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
