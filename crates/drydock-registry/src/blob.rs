//! Layer blobs as blocking readers over the async client, with resumption.
//!
//! The scan pipeline reads layers through `std::io::Read` on rayon threads;
//! each read here waits on the next chunk of the HTTP body. A body that ends
//! early or fails is resumed with a `Range` request from the last byte
//! received, a bounded number of times with backoff, so a flaky connection
//! costs a retry instead of the scan. The pipeline verifies the blob digest
//! and diff_id over everything read, resumed or not.

use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use oci_client::client::BlobResponse;
use oci_client::errors::DigestError;

use crate::error::{Context, RegistryError, chain, classify};
use crate::{Inner, Target};

type Body = BoxStream<'static, Result<Bytes, std::io::Error>>;

pub(crate) struct BlobReader {
    inner: Arc<Inner>,
    target: Target,
    digest: String,
    size: Option<u64>,
    body: Option<Body>,
    chunk: Bytes,
    /// Bytes handed to the caller so far.
    offset: u64,
    /// Bytes still to drop from a full response to a range request.
    skip: u64,
    attempts: u32,
    last_error: String,
    /// The body ended and was verified; polling a finished stream again
    /// would verify an empty digest.
    done: bool,
}

impl BlobReader {
    pub(crate) fn new(
        inner: Arc<Inner>,
        target: Target,
        digest: String,
        size: Option<u64>,
    ) -> Self {
        Self {
            inner,
            target,
            digest,
            size,
            body: None,
            chunk: Bytes::new(),
            offset: 0,
            skip: 0,
            attempts: 0,
            last_error: String::new(),
            done: false,
        }
    }

    fn ctx(&self) -> Context<'_> {
        Context {
            host: &self.target.host,
            repository: self.target.reference.repository(),
            reference: &self.digest,
            user: self
                .target
                .user
                .as_ref()
                .map(|(u, o)| (u.as_str(), o.as_str())),
            attempts: self.attempts,
        }
    }

    /// Opens the body at the current offset.
    fn connect(&mut self) -> Result<(), RegistryError> {
        self.attempts += 1;
        let client = self.inner.client.clone();
        let reference = self.target.reference.clone();
        let digest = self.digest.clone();
        let offset = self.offset;
        let size = self.size;
        let response = self.inner.runtime.block_on(async move {
            let layer: &str = &digest;
            match (offset, size) {
                (0, _) => client
                    .pull_blob_stream(&reference, layer)
                    .await
                    .map(|s| (s.stream, 0)),
                // Without a size there is no range to ask for: start over
                // and drop what was already read.
                (off, None) => client
                    .pull_blob_stream(&reference, layer)
                    .await
                    .map(|s| (s.stream, off)),
                (off, Some(total)) => client
                    .pull_blob_stream_partial(&reference, layer, off, Some(total - off))
                    .await
                    .map(|r| match r {
                        BlobResponse::Partial(s) => (s.stream, 0),
                        // The registry ignored the range: drop what was already read.
                        BlobResponse::Full(s) => (s.stream, off),
                    }),
            }
        });
        match response {
            Ok((body, skip)) => {
                self.body = Some(body);
                self.skip = skip;
                Ok(())
            }
            Err(e) => Err(classify(e, &self.ctx())),
        }
    }

    /// Records a failure and decides whether another attempt is allowed.
    fn retry_or_fail(&mut self, detail: String) -> std::io::Result<()> {
        self.body = None;
        self.last_error = detail;
        if self.attempts > self.inner.retries {
            return Err(std::io::Error::other(RegistryError::Truncated {
                digest: self.digest.clone(),
                host: self.target.host.clone(),
                received: self.offset,
                expected: self.size.unwrap_or(0),
                attempts: self.attempts,
                detail: self.last_error.clone(),
            }));
        }
        std::thread::sleep(self.inner.backoff(self.attempts));
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() || self.done {
            return Ok(0);
        }
        loop {
            if !self.chunk.is_empty() {
                let n = buf.len().min(self.chunk.len());
                buf[..n].copy_from_slice(&self.chunk[..n]);
                self.chunk = self.chunk.slice(n..);
                self.offset += n as u64;
                return Ok(n);
            }
            if self.body.is_none() {
                match self.connect() {
                    Ok(()) => {}
                    Err(e) if e.retryable() && self.attempts <= self.inner.retries => {
                        self.last_error = e.to_string();
                        std::thread::sleep(self.inner.backoff(self.attempts));
                        continue;
                    }
                    Err(e) => return Err(std::io::Error::other(e)),
                }
            }
            let Some(body) = self.body.as_mut() else {
                continue;
            };
            let next = self.inner.runtime.block_on(body.next());
            match next {
                Some(Ok(mut bytes)) => {
                    if self.skip > 0 {
                        let drop = (self.skip).min(bytes.len() as u64) as usize;
                        bytes = bytes.slice(drop..);
                        self.skip -= drop as u64;
                    }
                    if let Some(total) = self.size
                        && self.offset + bytes.len() as u64 > total
                    {
                        // More than the manifest promised: the digest check
                        // would fail later anyway, but a hostile registry must
                        // not stream without end first.
                        return Err(std::io::Error::other(RegistryError::DigestMismatch {
                            what: format!("blob {}", self.digest),
                            host: self.target.host.clone(),
                            expected: format!("{total} bytes"),
                            actual: "a longer body".into(),
                        }));
                    }
                    self.chunk = bytes;
                }
                Some(Err(e)) => {
                    if let Some(DigestError::VerificationError { expected, actual }) =
                        e.get_ref().and_then(|r| r.downcast_ref::<DigestError>())
                    {
                        return Err(std::io::Error::other(RegistryError::DigestMismatch {
                            what: format!("blob {}", self.digest),
                            host: self.target.host.clone(),
                            expected: expected.clone(),
                            actual: actual.clone(),
                        }));
                    }
                    self.retry_or_fail(chain(&e))?;
                }
                None => match self.size {
                    Some(total) if self.offset < total => {
                        self.retry_or_fail("the body ended early".into())?;
                    }
                    _ => {
                        self.body = None;
                        self.done = true;
                        return Ok(0);
                    }
                },
            }
        }
    }
}
