package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
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
	ctx, cancel := context.WithTimeout(req.Context(), 10*time.Second)
	defer cancel()
	host := req.URL.Hostname()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if err := g.check(a.String()); err != nil {
			return nil, err
		}
	}
	return p, nil
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
