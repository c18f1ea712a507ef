//! Property tests of the pure parsers: reply parsing and address parsing never panic, accept
//! only exact forms, and round-trip what they produce.

use drydock_clamd::ClamdAddr;
use drydock_clamd::protocol::{ScanReply, parse_ping_reply, parse_scan_reply, parse_version_reply};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn scan_reply_parsing_never_panics_and_is_exact(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        match parse_scan_reply(&bytes) {
            ScanReply::Clean => prop_assert_eq!(&bytes[..], b"stream: OK"),
            ScanReply::SizeLimitExceeded => prop_assert_eq!(&bytes[..], b"INSTREAM size limit exceeded. ERROR"),
            ScanReply::Found { signature } => {
                let expected = format!("stream: {signature} FOUND");
                prop_assert_eq!(expected.as_bytes(), &bytes[..]);
                prop_assert!(!signature.is_empty() && !signature.chars().any(char::is_control));
            }
            ScanReply::Error { message } => {
                let text = std::str::from_utf8(&bytes).unwrap();
                let with_suffix = format!("{} ERROR", message);
                prop_assert!(text == with_suffix || text == message);
            }
            ScanReply::Invalid => {}
        }
        let _ = parse_ping_reply(&bytes);
        let _ = parse_version_reply(&bytes);
    }

    #[test]
    fn prefixed_garbage_is_never_clean(tail in proptest::collection::vec(any::<u8>(), 1..50)) {
        let mut bytes = b"stream: OK".to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert_ne!(parse_scan_reply(&bytes), ScanReply::Clean);
    }

    #[test]
    fn found_replies_round_trip(name in "[A-Za-z0-9][A-Za-z0-9._()-:]{0,60}") {
        let reply = format!("stream: {name} FOUND");
        prop_assert_eq!(parse_scan_reply(reply.as_bytes()), ScanReply::Found { signature: name });
    }

    #[test]
    fn address_parsing_never_panics_and_round_trips(input in "\\PC{0,60}") {
        if let Ok(addr) = input.parse::<ClamdAddr>() {
            prop_assert_eq!(addr.to_string().parse::<ClamdAddr>(), Ok(addr));
        }
    }

    #[test]
    fn host_port_addresses_parse(host in "[a-z][a-z0-9.-]{0,30}", port in 1u16..) {
        let text = format!("{host}:{port}");
        prop_assert_eq!(text.parse::<ClamdAddr>(), Ok(ClamdAddr::Tcp(text.clone())));
        prop_assert_eq!(format!("tcp://{text}").parse::<ClamdAddr>(), Ok(ClamdAddr::Tcp(text)));
    }
}
