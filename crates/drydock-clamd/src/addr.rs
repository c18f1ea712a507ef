//! Where clamd listens: a unix socket path or a TCP `host:port`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The address of a clamd daemon.
///
/// Parsed from the forms operators write in configuration files:
///
/// | input | result |
/// | --- | --- |
/// | `unix:/run/clamav/clamd.ctl` | `Unix("/run/clamav/clamd.ctl")` |
/// | `/run/clamav/clamd.ctl` | `Unix("/run/clamav/clamd.ctl")` |
/// | `tcp://127.0.0.1:3310` | `Tcp("127.0.0.1:3310")` |
/// | `127.0.0.1:3310`, `localhost:3310`, `[::1]:3310` | `Tcp(..)` |
///
/// [`Display`](fmt::Display) writes `unix:<path>` or `tcp://<host>:<port>`, which parses back to
/// the same address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClamdAddr {
    /// A unix domain socket (clamd's `LocalSocket`).
    Unix(PathBuf),
    /// A TCP endpoint as `host:port` (clamd's `TCPAddr`/`TCPSocket`). IPv6 hosts are bracketed.
    Tcp(String),
}

/// Why a string is not a clamd address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid clamd address {input:?}: {reason}")]
pub struct AddrParseError {
    /// The rejected input (truncated to 200 characters).
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl AddrParseError {
    fn new(input: &str, reason: &'static str) -> Self {
        AddrParseError {
            input: input.chars().take(200).collect(),
            reason,
        }
    }
}

impl FromStr for ClamdAddr {
    type Err = AddrParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim();
        if s.is_empty() {
            return Err(AddrParseError::new(input, "empty"));
        }
        if s.contains('\0') {
            return Err(AddrParseError::new(input, "contains a NUL byte"));
        }
        if let Some(path) = s.strip_prefix("unix:") {
            // `unix:///run/x` is a common URL-style spelling of `unix:/run/x`.
            let path = match path.strip_prefix("//") {
                Some(rest) if rest.starts_with('/') => rest,
                _ => path,
            };
            if path.is_empty() {
                return Err(AddrParseError::new(input, "unix socket path is empty"));
            }
            return Ok(ClamdAddr::Unix(PathBuf::from(path)));
        }
        if s.starts_with('/') {
            return Ok(ClamdAddr::Unix(PathBuf::from(s)));
        }
        let hostport = match s.strip_prefix("tcp://") {
            Some(rest) => rest.strip_suffix('/').unwrap_or(rest),
            None => s,
        };
        parse_host_port(hostport)
            .map(|()| ClamdAddr::Tcp(hostport.to_owned()))
            .map_err(|reason| AddrParseError::new(input, reason))
    }
}

fn parse_host_port(s: &str) -> Result<(), &'static str> {
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err("expected a unix socket path or host:port");
    };
    if host.is_empty() {
        return Err("host is empty");
    }
    if let Some(inner) = host.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err("unbalanced '[' in IPv6 host");
        };
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("bracketed host is not an IPv6 address");
        }
    } else if host.contains(':') {
        return Err("IPv6 hosts must be written in brackets, e.g. [::1]:3310");
    } else if host
        .chars()
        .any(|c| c.is_whitespace() || c == '/' || c == '[' || c == ']' || c.is_control())
    {
        return Err("host contains characters not allowed in a host name");
    }
    match port.parse::<u16>() {
        Ok(0) => Err("port 0 cannot be connected to"),
        Ok(_) => Ok(()),
        Err(_) => Err("port is not a number between 1 and 65535"),
    }
}

impl fmt::Display for ClamdAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClamdAddr::Unix(path) => write!(f, "unix:{}", path.display()),
            ClamdAddr::Tcp(hostport) => write!(f, "tcp://{hostport}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(p: &str) -> ClamdAddr {
        ClamdAddr::Unix(PathBuf::from(p))
    }
    fn tcp(p: &str) -> ClamdAddr {
        ClamdAddr::Tcp(p.to_owned())
    }

    #[test]
    fn accepted_forms() {
        let cases = [
            ("unix:/run/clamav/clamd.ctl", unix("/run/clamav/clamd.ctl")),
            (
                "unix:///run/clamav/clamd.ctl",
                unix("/run/clamav/clamd.ctl"),
            ),
            ("unix:relative.sock", unix("relative.sock")),
            ("/run/clamav/clamd.ctl", unix("/run/clamav/clamd.ctl")),
            (" /x ", unix("/x")),
            ("tcp://127.0.0.1:3310", tcp("127.0.0.1:3310")),
            ("tcp://127.0.0.1:3310/", tcp("127.0.0.1:3310")),
            ("127.0.0.1:3310", tcp("127.0.0.1:3310")),
            ("localhost:3310", tcp("localhost:3310")),
            (
                "clamd.svc.cluster.local:3310",
                tcp("clamd.svc.cluster.local:3310"),
            ),
            ("[::1]:3310", tcp("[::1]:3310")),
        ];
        for (input, want) in cases {
            assert_eq!(input.parse::<ClamdAddr>(), Ok(want), "{input}");
        }
    }

    #[test]
    fn rejected_forms() {
        for input in [
            "",
            "  ",
            "unix:",
            "localhost",
            "localhost:",
            ":3310",
            "localhost:0",
            "localhost:65536",
            "localhost:http",
            "::1:3310",
            "[::1:3310",
            "[nothex]:3310",
            "tcp://",
            "tcp://host",
            "relative/path.sock",
            "ho st:3310",
            "/with\0nul",
        ] {
            let err = input.parse::<ClamdAddr>().unwrap_err();
            assert!(err.to_string().contains("invalid clamd address"), "{err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for input in ["/run/clamd.ctl", "localhost:3310", "[::1]:1"] {
            let addr: ClamdAddr = input.parse().unwrap();
            assert_eq!(addr.to_string().parse::<ClamdAddr>(), Ok(addr));
        }
        assert_eq!(unix("/x").to_string(), "unix:/x");
        assert_eq!(tcp("127.0.0.1:3310").to_string(), "tcp://127.0.0.1:3310");
    }
}
