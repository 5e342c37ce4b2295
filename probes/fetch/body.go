package fetch

import (
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// ErrEncoding means the body came in a Content-Encoding platscan cannot
// read, or compressed data that does not decode.
var ErrEncoding = errors.New("unreadable Content-Encoding")

// readBody reads resp's body up to max bytes after decoding. A body the
// server compressed (gzip, deflate or br) and the transport left encoded
// (it decodes gzip only when it asked for gzip itself) is decoded here
// under the same cap, so a decompression bomb costs at most max bytes of
// memory and the time to inflate them. decoded names the encoding the
// stored body was decoded from ("" for none).
func readBody(resp *http.Response, max int64) (body []byte, truncated bool, decoded string, err error) {
	if resp.Uncompressed {
		decoded = "gzip"
	}
	var r io.Reader = resp.Body
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, zerr := gzip.NewReader(resp.Body)
		if zerr != nil {
			b, t, _ := readCapped(resp.Body, max)
			return b, t, "", fmt.Errorf("%w: gzip: %v", ErrEncoding, zerr)
		}
		defer zr.Close()
		r, decoded = zr, "gzip"
	case "deflate":
		// "deflate" in HTTP is the zlib format (RFC 9110, 8.4.1.2).
		zr, zerr := zlib.NewReader(resp.Body)
		if zerr != nil {
			b, t, _ := readCapped(resp.Body, max)
			return b, t, "", fmt.Errorf("%w: deflate: %v", ErrEncoding, zerr)
		}
		defer zr.Close()
		r, decoded = zr, "deflate"
	case "br":
		r, decoded = brotli.NewReader(resp.Body), "br"
	default:
		b, t, _ := readCapped(resp.Body, max)
		return b, t, "", fmt.Errorf("%w %q", ErrEncoding, enc)
	}
	body, truncated, err = readCapped(r, max)
	var corrupt flate.CorruptInputError
	if err != nil && decoded != "" && (!resp.Uncompressed || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)) {
		err = fmt.Errorf("%w: %s: %v", ErrEncoding, decoded, err)
	}
	return body, truncated, decoded, err
}

// readCapped reads r up to max bytes; truncated says there was more.
func readCapped(r io.Reader, max int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return b[:max], true, err
	}
	return b, false, err
}

// retryAfter reads the Retry-After of a 429 or 503 answer: delay-seconds
// or an HTTP date (RFC 9110, 10.2.3), relative to now.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second) // no overflow
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t), true
	}
	return 0, false
}
