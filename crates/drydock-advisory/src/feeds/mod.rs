//! Feed parsers: OSV JSON (single records and per-ecosystem `all.zip`), the
//! Debian security tracker's DSA/DLA lists, and Alpine's secdb.

pub mod alpine;
pub mod debian;
pub mod debian_cve;
pub mod debian_json;
pub mod osv;
