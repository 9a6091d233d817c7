// Package httpx is ferry's HTTP client: one *http.Client per run, shared by
// every index and download, with the behaviour pip users rely on.
//
//   - HTTP/2 where the server offers it, many requests at once over one
//     connection pool.
//   - Retries with exponential backoff and jitter for idempotent requests on
//     connection resets, timeouts, 429 and 500/502/503/504, honouring
//     Retry-After (capped). The number of retries is pip's --retries.
//   - Proxies from HTTP_PROXY/HTTPS_PROXY/NO_PROXY as passed in (never read
//     from the process environment here), the system certificate store, an
//     optional CA bundle (pip's --cert / PIP_CERT) and client certificate
//     (--client-cert), and --trusted-host for plain-HTTP or unverified hosts.
//   - Credentials from index URLs (applied to every request to the same
//     host and port) and from a netrc file. Credentials never appear in an
//     error or a log line: Redact removes them from every URL shown.
//
// Errors: a response other than 2xx/304 is a *StatusError; a 404 or 410 also
// satisfies errors.Is(err, fs.ErrNotExist).
package httpx
