package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrAddressBlocked means the address guard refused to connect: the host
// resolved to a private, loopback, link-local or cloud-metadata address
// and the scan was not told that such targets are allowed. Nothing was
// sent.
var ErrAddressBlocked = errors.New("not sent: address guard")

// BlockedError says which address the guard refused and why.
type BlockedError struct {
	Addr netip.Addr
	Why  string
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("%v: %s is a %s address (allow lab targets with limits.allow_private or --allow-private)", ErrAddressBlocked, e.Addr, e.Why)
}

// Unwrap makes errors.Is(err, ErrAddressBlocked) true.
func (e *BlockedError) Unwrap() error { return ErrAddressBlocked }

// metadata are cloud instance-metadata endpoints. They stay blocked even
// for lab targets: no platform is ever served from one, and reaching one
// from a scanner is how credentials leak.
var metadata = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
}

// special are ranges no public platform is served from, beyond what
// netip classifies itself.
var special = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT (shared)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
}

// classify says why addr must not be reached ("" when it may be).
// allowPrivate admits private, loopback, link-local and other local
// ranges, never the metadata endpoints.
func classify(addr netip.Addr, allowPrivate bool) string {
	addr = addr.Unmap()
	for _, m := range metadata {
		if addr == m {
			return "cloud-metadata"
		}
	}
	if allowPrivate {
		return ""
	}
	switch {
	case addr.IsLoopback():
		return "loopback"
	case addr.IsPrivate():
		return "private"
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast():
		return "link-local"
	case addr.IsUnspecified():
		return "unspecified"
	case addr.IsMulticast() || addr.IsInterfaceLocalMulticast():
		return "multicast"
	case addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, s := range special {
		if s.prefix.Contains(addr) {
			return s.why
		}
	}
	return ""
}

// guard checks addresses at connect time, after DNS, so a name that
// resolves (or re-resolves) to an internal address is caught whatever the
// URL said, on the first request and on every redirect hop.
type guard struct {
	allowPrivate bool
}

func (g guard) check(host string) error {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: cannot read the address %q", ErrAddressBlocked, host)
	}
	if why := classify(addr, g.allowPrivate); why != "" {
		return &BlockedError{Addr: addr.Unmap(), Why: why}
	}
	return nil
}

// control is a net.Dialer Control function: it runs after the name was
// resolved and before the socket connects.
func (g guard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	return g.check(host)
}

// proxy returns the environment's proxy for req, first checking the
// target's own addresses: through a proxy the dialer sees only the
// proxy's address, so the guard resolves the target itself.
func (g guard) proxy(req *http.Request) (*url.URL, error) {
	p, err := http.ProxyFromEnvironment(req)
	if err != nil || p == nil {
		return p, err
	}
	if err := g.resolve(req.Context(), req.URL.Hostname()); err != nil {
		return nil, err
	}
	return p, nil
}

// resolve checks every address host resolves to (host itself when it is
// an address), for connections the guard's dialer does not make.
func (g guard) resolve(ctx context.Context, host string) error {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return g.check(a.String())
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if err := g.check(a.String()); err != nil {
			return err
		}
	}
	return nil
}

// hostGuard remembers the guard's verdict on each host a browser asks
// for: a page loads dozens of sub-resources from a few hosts.
type hostGuard struct {
	g       guard
	mu      sync.Mutex
	verdict map[string]error
}

func newHostGuard(allowPrivate bool) *hostGuard {
	return &hostGuard{g: guard{allowPrivate: allowPrivate}, verdict: map[string]error{}}
}

// check is the guard's verdict on host. Chromium resolves the name again
// itself, so an answer that changes between the two lookups is not
// caught: the HTTP path's check at connect time is the stricter one.
func (h *hostGuard) check(ctx context.Context, host string) error {
	h.mu.Lock()
	err, ok := h.verdict[host]
	h.mu.Unlock()
	if ok {
		return err
	}
	err = h.g.resolve(ctx, host)
	var be *BlockedError
	if err == nil || errors.As(err, &be) {
		h.mu.Lock()
		h.verdict[host] = err
		h.mu.Unlock()
	}
	return err
}

// guardedTransport is http.DefaultTransport with the address guard in its
// dialer and proxy selection.
func guardedTransport(allowPrivate bool) *http.Transport {
	g := guard{allowPrivate: allowPrivate}
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	t.DialContext = d.DialContext
	t.Proxy = g.proxy
	return t
}
