//! Which hosts and addresses a `file_url` may reach. A client must not be
//! able to make the host read from its own network (loopback services, the
//! LAN, a cloud metadata endpoint), so only public unicast addresses pass
//! unless the operator allows private ones.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let reserved = a == 0                         // "this network"
        || a == 10                                // private
        || a == 127                               // loopback
        || (a == 100 && (64..128).contains(&b))   // CGNAT 100.64/10
        || (a == 169 && b == 254)                 // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b))    // private
        || (a == 192 && b == 0 && c == 0)         // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)         // documentation
        || (a == 192 && b == 88 && c == 99)       // 6to4 relay
        || (a == 192 && b == 168)                 // private
        || (a == 198 && (b == 18 || b == 19))     // benchmarking
        || (a == 198 && b == 51 && c == 100)      // documentation
        || (a == 203 && b == 0 && c == 113)       // documentation
        || a >= 224; // multicast, reserved, broadcast
    !reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // An IPv4 address inside IPv6 (mapped, compatible, NAT64) is judged as IPv4.
    let s = ip.segments();
    let embedded = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && (s[6] != 0 || s[7] > 1))) {
        return is_public_v4(embedded);
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        return is_public_v4(embedded);
    }
    let reserved = ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2002); // 6to4: an IPv4 address in disguise
    !reserved
}

/// Whether `host` is one of `allowed` (`files.example.com` exactly, or
/// `.example.com` for it and its subdomains); an empty list allows all.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    allowed.iter().any(|entry| {
        let entry = entry.trim().trim_start_matches('*').to_ascii_lowercase();
        match entry.strip_prefix('.') {
            Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
            None => host == entry,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "2002:7f00:1::",
        ] {
            assert!(!public(ip), "{ip} passed as public");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(public(ip), "{ip} refused");
        }
    }

    #[test]
    fn allowed_hosts_match_exactly_or_by_domain() {
        let allowed = vec!["files.example.com".to_string(), ".cdn.example.org".into()];
        assert!(host_allowed("files.example.com", &allowed));
        assert!(host_allowed("FILES.example.com.", &allowed));
        assert!(!host_allowed("evil-files.example.com", &allowed));
        assert!(host_allowed("cdn.example.org", &allowed));
        assert!(host_allowed("a.b.cdn.example.org", &allowed));
        assert!(!host_allowed("xcdn.example.org", &allowed));
        assert!(host_allowed("anything", &[]));
    }
}
