//! Which addresses a fetch may connect to: public unicast only. Loopback, private, link-local (the
//! 169.254.169.254 instance-metadata address among them), carrier-grade NAT, unique-local,
//! multicast, broadcast, documentation, benchmarking and reserved ranges are refused, and so are
//! IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) when that address is.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused, or `None` when a fetch may connect to it. `allow_loopback` is for
/// tests, which serve images from loopback.
pub fn refusal(address: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => v4_refusal(v4, allow_loopback),
        IpAddr::V6(v6) => v6_refusal(v6, allow_loopback),
    }
}

fn v4_refusal(address: Ipv4Addr, allow_loopback: bool) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    if address.is_loopback() {
        return (!allow_loopback).then_some("a loopback address");
    }
    let reason = if address.is_private() {
        "a private address"
    } else if address.is_link_local() {
        "a link-local address (the instance-metadata range)"
    } else if a == 100 && (64..128).contains(&b) {
        "a carrier-grade NAT address"
    } else if a == 0 || address.is_unspecified() {
        "an unspecified address"
    } else if address.is_multicast() {
        "a multicast address"
    } else if address.is_broadcast() || a >= 240 {
        "a reserved address"
    } else if address.is_documentation() {
        "a documentation address"
    } else if a == 198 && (b == 18 || b == 19) {
        "a benchmarking address"
    } else if a == 192 && b == 0 && c == 0 {
        "an IETF protocol address"
    } else {
        return None;
    };
    Some(reason)
}

fn v6_refusal(address: Ipv6Addr, allow_loopback: bool) -> Option<&'static str> {
    if address.is_loopback() {
        return (!allow_loopback).then_some("a loopback address");
    }
    if let Some(embedded) = embedded_v4(address) {
        return v4_refusal(embedded, allow_loopback);
    }
    let first = address.segments()[0];
    let reason = if address.is_unspecified() {
        "an unspecified address"
    } else if address.is_multicast() {
        "a multicast address"
    } else if first & 0xfe00 == 0xfc00 {
        "a unique-local address"
    } else if first & 0xffc0 == 0xfe80 {
        "a link-local address"
    } else if first & 0xffc0 == 0xfec0 {
        "a site-local address"
    } else if first == 0x2001 && address.segments()[1] == 0x0db8 {
        "a documentation address"
    } else {
        return None;
    };
    Some(reason)
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::`).
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = address.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail()),
        [0, 0, 0, 0, 0, 0, _, _] if address != Ipv6Addr::UNSPECIFIED && address != Ipv6Addr::LOCALHOST => {
            Some(tail())
        }
        [0x2002, high, low, ..] => {
            Some(Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<&'static str> {
        refusal(text.parse().unwrap(), false)
    }

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        for address in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "192.0.0.8",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.1.2.3",
            "::10.1.2.3",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
        ] {
            assert!(refused(address).is_some(), "{address} must be refused");
        }
    }

    #[test]
    fn public_addresses_are_allowed_and_loopback_only_when_asked() {
        for address in
            ["93.184.215.14", "8.8.8.8", "2606:4700::6810:84e5", "::ffff:93.184.215.14", "2002:5db8:d70e::1"]
        {
            assert_eq!(refused(address), None, "{address}");
        }
        assert_eq!(refusal("127.0.0.1".parse().unwrap(), true), None);
        assert_eq!(refusal("::ffff:127.0.0.1".parse().unwrap(), true), None);
        assert!(refusal("10.0.0.1".parse().unwrap(), true).is_some(), "loopback only, not private");
    }
}
