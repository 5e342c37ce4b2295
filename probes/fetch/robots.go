package fetch

import (
	"context"
	"errors"
	"net/url"
	"sync"

	"github.com/temoto/robotstxt"
)

// robots.txt verdicts recorded with every exchange.
const (
	robotsAllowed    = "allowed"
	robotsDisallowed = "disallowed"
)

// robotsCache fetches each host's robots.txt once (recorded like any
// exchange, under probe "robots") and answers for any user agent.
type robotsCache struct {
	f    *Fetcher
	once sync.Once
	sess *Session

	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	once     sync.Once
	data     *robotstxt.RobotsData
	answered bool // the host answered the robots.txt request at all
	guarded  bool // the address guard refused the robots.txt request
}

func newRobotsCache(f *Fetcher) *robotsCache {
	return &robotsCache{f: f, hosts: map[string]*robotsEntry{}}
}

// verdict says whether robots.txt of u's host allows u for userAgent. Per
// RFC 9309, a missing robots.txt (4xx) allows everything and one the
// server fails to deliver (5xx, no answer) disallows everything.
//
// When the address guard refused the robots.txt request, the verdict is
// "": the request itself will be refused the same way, and that, not
// robots.txt, is why it is not sent.
func (c *robotsCache) verdict(ctx context.Context, u *url.URL, userAgent string) string {
	e := c.entry(ctx, u)
	if e.guarded {
		return ""
	}
	if e.data == nil || e.data.TestAgent(u.RequestURI(), userAgent) {
		return robotsAllowed
	}
	return robotsDisallowed
}

// entry returns the host's robots.txt, fetching it on first use.
func (c *robotsCache) entry(ctx context.Context, u *url.URL) *robotsEntry {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e, ok := c.hosts[key]
	if !ok {
		e = &robotsEntry{}
		c.hosts[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.data, e.answered, e.guarded = c.fetch(ctx, key) })
	return e
}

// Answers reports whether base's host answered its robots.txt request at
// all (any status): a host that does not is unreachable, not a site that
// forbids everything.
func (f *Fetcher) Answers(ctx context.Context, base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return false
	}
	return f.robots.entry(ctx, u).answered
}

func (c *robotsCache) fetch(ctx context.Context, base string) (data *robotstxt.RobotsData, answered, guarded bool) {
	c.once.Do(func() {
		// Its own session, never subject to robots.txt, and outside the
		// request budget (one request a host, owed to the host); it shares
		// the rate limit and the evidence store.
		d := c.f.Derive(func(o *Options) { o.ObeyRobots, o.MaxRequests = false, 0 })
		c.sess, _ = d.Session("robots", nil, nil, base)
	})
	if c.sess == nil {
		return nil, false, false
	}
	page := c.sess.Get(ctx, "robots", base+"/robots.txt")
	if page.Status == 0 {
		// No answer: RFC 9309 treats robots.txt as unreachable, and the
		// site as disallowed.
		d, _ := robotstxt.FromStatusAndBytes(500, nil)
		return d, false, errors.Is(page.Err, ErrAddressBlocked)
	}
	d, err := robotstxt.FromStatusAndBytes(page.Status, page.Body)
	if err != nil {
		return nil, true, false
	}
	return d, true, false
}
