// Package fetch is platscan's one HTTP path. A Fetcher hands out one
// Session per persona (its own cookie jar and headers); every request goes
// colly -> http.Client (jar, redirects) -> go-retryablehttp (retries,
// backoff, Retry-After) -> a recording transport (per-host rate limit, body
// cap, evidence) -> the network. Each attempt, redirect hop and robots.txt
// fetch is written to the evidence store with secrets redacted, so the
// evidence shows exactly what crossed the wire.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
)

// Recorder receives the exchanges; *evidence.Store implements it.
type Recorder interface {
	PutBlob(b []byte) (string, error)
	Append(r evidence.Record) (evidence.Record, error)
}

// Options bound and shape every request.
type Options struct {
	// RatePerSecond per host; 0 means no limit.
	RatePerSecond float64
	// MaxBody caps stored and parsed body bytes (default 8 MiB).
	MaxBody int64
	// Timeout per attempt (default 30s).
	Timeout time.Duration
	// MaxRedirects before a request fails (default 10; 0 means follow none).
	MaxRedirects int
	// Retries after a failed attempt (429, 5xx, connection error).
	Retries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 200ms, 5s).
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter is the longest Retry-After (seconds or an HTTP date,
	// on 429 and 503) platscan waits for before trying again (default
	// 60s). A server that asks for longer is not retried: its answer
	// stands, so a hostile or broken header cannot stall a scan.
	MaxRetryAfter time.Duration
	// MaxRequests caps how many requests the fetcher sends in all
	// (0 means no cap); requests past it fail with ErrBudget.
	MaxRequests int
	// ObeyRobots makes crawling requests that robots.txt disallows fail
	// with ErrRobotsBlocked (and records that they were not sent). User
	// actions (pages a persona opens as that signed-in user: GetAsUser,
	// PostForm) are not crawling and are sent unless StrictRobots is set;
	// either way every exchange records the robots.txt verdict.
	ObeyRobots bool
	// StrictRobots applies robots.txt to user actions too.
	StrictRobots bool
	// DownAfter is how many attempts in a row to one host may end without
	// any response before the host counts as down: further requests to it
	// are not sent (ErrTargetDown) and Down reports it. Default 8; a
	// negative value never gives up.
	DownAfter int
	// OnDown, when set, is called once for each host that goes down.
	OnDown func(host string)
	// AllowPrivate lets requests reach private, loopback and link-local
	// addresses (lab targets: the fixtures, a staging host). Off by
	// default: the address guard refuses them at connect time, after DNS,
	// for every request and redirect hop. Cloud-metadata addresses are
	// refused either way.
	AllowPrivate bool
	// Transport is the network; default a clone of http.DefaultTransport
	// with the address guard in its dialer. A Transport given here is
	// used as it is: the guard is then the caller's business.
	Transport http.RoundTripper
	// Logger gets one debug line per exchange; default discards.
	Logger *slog.Logger
	// Capture, when set, also writes every exchange to a web archive.
	Capture Capturer
	// Redact, when set, matches personal data to replace with [REDACTED]
	// in URLs, headers, form values and text bodies before they are stored
	// (and before probes see them).
	Redact *regexp.Regexp
	// Browser configures the headless Chromium behind BrowserSession.
	Browser BrowserOptions
}

// Capturer writes exchanges to a WARC file; *warc.Writer implements it.
type Capturer interface {
	WriteExchange(warc.Exchange) (warc.IDs, error)
	WriteMetadata(url, about string, fields map[string]string) (string, error)
}

// Errors a Page can carry.
var (
	// ErrRobotsBlocked means robots.txt disallows the URL for this persona's user agent.
	ErrRobotsBlocked = errors.New("disallowed by robots.txt")
	// ErrBudget means the profile's max_pages budget is spent.
	ErrBudget = errors.New("request budget (limits.max_pages) spent")
	// ErrTargetDown means the host stopped answering: the request was not
	// sent.
	ErrTargetDown = errors.New("not sent: the host stopped answering")
	// ErrScheme means a URL (often a redirect's Location) is not http or
	// https: platscan fetches web pages only, never file: or other local
	// resources.
	ErrScheme = errors.New("not sent: only http and https URLs are fetched")
)

// NotSent reports whether err means platscan chose not to send a request
// (as opposed to sending it and getting no answer).
func NotSent(err error) bool {
	return errors.Is(err, ErrRobotsBlocked) || errors.Is(err, ErrBudget) || errors.Is(err, ErrTargetDown) || errors.Is(err, ErrAddressBlocked) ||
		errors.Is(err, ErrScheme)
}

// Fetcher builds persona sessions that share one rate limiter per host.
type Fetcher struct {
	opts    Options
	rec     Recorder
	limiter *hostLimiter
	sent    atomic.Int64
	parent  *Fetcher

	// Shared by a fetcher and everything derived from it (root only).
	robots *robotsCache
	health *hostHealth
	chrome *chrome
	hosts  *hostGuard // the address guard for browser requests
}

// New returns a Fetcher that records into rec.
func New(rec Recorder, opts Options) *Fetcher {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 8 << 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.RetryWaitMin <= 0 {
		opts.RetryWaitMin = 200 * time.Millisecond
	}
	if opts.RetryWaitMax <= 0 {
		opts.RetryWaitMax = 5 * time.Second
	}
	if opts.Transport == nil {
		opts.Transport = guardedTransport(opts.AllowPrivate)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = time.Minute
	}
	if opts.DownAfter == 0 {
		opts.DownAfter = 8
	}
	f := &Fetcher{opts: opts, rec: rec, limiter: newHostLimiter(opts.RatePerSecond), health: newHostHealth(opts.DownAfter, opts.OnDown), chrome: &chrome{},
		hosts: newHostGuard(opts.AllowPrivate)}
	f.robots = newRobotsCache(f)
	return f
}

// Derive returns a fetcher that records into the same store and shares
// the per-host rate limit and request budget, with options changed by mod
// (for example one that does not follow redirects off the platform, or
// that ignores robots.txt to test how a crawler is treated).
func (f *Fetcher) Derive(mod func(*Options)) *Fetcher {
	d := &Fetcher{opts: f.opts, rec: f.rec, limiter: f.limiter, parent: f, robots: f.robots, health: f.health, chrome: f.chrome, hosts: f.hosts}
	mod(&d.opts)
	return d
}

// counter is the fetcher whose request budget is spent.
func (f *Fetcher) counter() *Fetcher {
	if f.parent != nil {
		return f.parent.counter()
	}
	return f
}

// Session is one persona's browser: a cookie jar, default headers and a
// colly collector. Requests within a session are serialised, as a person's
// would be; use several sessions for parallel work.
type Session struct {
	f       *Fetcher
	persona string
	headers http.Header
	jar     http.CookieJar
	coll    *colly.Collector
	// tab, when set, is the browser tab that makes the session's requests
	// (BrowserSession) instead of coll.
	tab *tab
	mu  sync.Mutex
}

// Session creates a session for persona with the given default headers
// (User-Agent, Accept-Language, ...) and initial cookies for baseURL.
func (f *Fetcher) Session(persona string, headers map[string]string, cookies map[string]string, baseURL string) (*Session, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", persona, err)
	}
	if len(cookies) > 0 {
		u, err := url.Parse(baseURL)
		if err != nil {
			return nil, fmt.Errorf("session %s: %w", persona, err)
		}
		var cs []*http.Cookie
		for k, v := range cookies {
			cs = append(cs, &http.Cookie{Name: k, Value: v, Path: "/"})
		}
		jar.SetCookies(u, cs)
	}
	s := &Session{f: f, persona: persona, headers: http.Header{}, jar: jar}
	for k, v := range headers {
		s.headers.Set(k, v)
	}
	if s.headers.Get("User-Agent") == "" {
		s.headers.Set("User-Agent", "platscan/1 (+https://github.com/platscan/platscan)")
	}

	rt := &recorder{f: f, persona: persona}
	retry := retryablehttp.NewClient()
	retry.HTTPClient = &http.Client{
		Transport: rt,
		Timeout:   f.opts.Timeout,
		// Redirects are followed by the outer client, which owns the jar and
		// the redirect limit; this inner one must hand them back.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	retry.RetryMax = f.opts.Retries
	retry.RetryWaitMin, retry.RetryWaitMax = f.opts.RetryWaitMin, f.opts.RetryWaitMax
	retry.ErrorHandler = retryablehttp.PassthroughErrorHandler
	// A request platscan chose not to send is not tried again.
	retry.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if NotSent(err) {
			return false, err
		}
		if wait, ok := retryAfter(resp); ok && wait > f.opts.MaxRetryAfter {
			return false, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	retry.Backoff = func(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
		if wait, ok := retryAfter(resp); ok {
			return min(max(wait, 0), f.opts.MaxRetryAfter)
		}
		return retryablehttp.DefaultBackoff(lo, hi, attempt, resp)
	}
	retry.Logger = nil

	c := colly.NewCollector(colly.AllowURLRevisit(), colly.UserAgent(s.headers.Get("User-Agent")))
	c.ParseHTTPErrorResponse = true
	// robots.txt is applied by the recorder, for every hop, with the
	// request's kind (crawl or user action) in view.
	c.IgnoreRobotsTxt = true
	c.MaxBodySize = int(f.opts.MaxBody)
	c.SetClient(retry.StandardClient())
	c.SetCookieJar(jar)
	max := f.opts.MaxRedirects
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if max == 0 {
			return http.ErrUseLastResponse // the redirect itself is the answer
		}
		if len(via) > max {
			return fmt.Errorf("stopped after %d redirects", max)
		}
		return nil
	})
	s.coll = c
	return s, nil
}

// Page is what a request returned.
type Page struct {
	URL      string
	FinalURL string
	Status   int
	Header   http.Header
	Body     []byte // raw bytes as served, up to the body cap
	Text     string // Body decoded to UTF-8 when it is text
	Charset  string // the charset Text was decoded from
	// CharsetNote explains the charset when the page declared none or a
	// wrong one ("" when the declaration was used as it stood).
	CharsetNote string
	Truncated   bool
	// Records are the evidence ids of every exchange this request caused
	// (robots.txt, retries, redirect hops), in order; the last is the
	// final response.
	Records []string
	// Err is set when no final response arrived (network error, timeout,
	// robots.txt), or in browser mode when the page did not settle
	// (ErrUnsettled). An HTTP error status is not an Err.
	Err error
	// Blocked says what stood in the page's place when the answer was a
	// CAPTCHA, slider check, login wall, "access denied" page or empty
	// application shell (the Blocked* constants); "" for the page itself.
	Blocked string
	// Fetched are, in browser mode, the answers to the API calls the
	// page's scripts made (XHR and fetch), in the order they were sent.
	Fetched []Fetched
}

// Fetched is one answer a page's script received, as recorded.
type Fetched struct {
	URL    string
	Status int
	Header http.Header
	Body   []byte // as stored: redacted, up to the body cap
	Record string // the exchange record
}

// Record is the evidence id of the final exchange ("" if none).
func (p *Page) Record() string {
	if len(p.Records) == 0 {
		return ""
	}
	return p.Records[len(p.Records)-1]
}

// OK reports whether a 2xx response arrived and was the page itself, not
// a block page in its place.
func (p *Page) OK() bool {
	return p.Err == nil && p.Status >= 200 && p.Status < 300 && p.Blocked == ""
}

// Problem says in a few words why the page is not OK ("" when it is).
func (p *Page) Problem() string {
	switch {
	case p.Err != nil:
		return p.Err.Error()
	case p.Blocked != "":
		return fmt.Sprintf("blocked: %s (HTTP %d)", strings.ReplaceAll(p.Blocked, "_", " "), p.Status)
	case !p.OK():
		return fmt.Sprintf("HTTP %d", p.Status)
	}
	return ""
}

// Get fetches u for probe, as a crawler would: robots.txt applies.
func (s *Session) Get(ctx context.Context, probe, u string) *Page {
	return s.do(ctx, probe, http.MethodGet, u, nil, false)
}

// GetAsUser fetches u for probe as the persona's own action (an account
// page, a checkout, a settings switch): not crawling, so robots.txt is
// recorded but applies only under StrictRobots.
func (s *Session) GetAsUser(ctx context.Context, probe, u string) *Page {
	return s.do(ctx, probe, http.MethodGet, u, nil, true)
}

// PostForm submits form to u for probe (a login, a switch, a review): a
// user action.
func (s *Session) PostForm(ctx context.Context, probe, u string, form url.Values) *Page {
	return s.do(ctx, probe, http.MethodPost, u, form, true)
}

// Down lists the hosts that stopped answering (see Options.DownAfter).
func (f *Fetcher) Down() []string { return f.health.down() }

type traceKey struct{}

// trace collects what the recorder saw for one logical request.
type trace struct {
	probe      string
	form       url.Values
	userAction bool
	exchanges  []exchange
}

type exchange struct {
	id        string
	url       string
	status    int
	header    http.Header
	body      []byte
	truncated bool
	err       error
}

func (s *Session) do(ctx context.Context, probe, method, u string, form url.Values, userAction bool) *Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tab != nil {
		return s.tab.load(ctx, probe, method, u, form, userAction)
	}
	page := &Page{URL: u}
	tr := &trace{probe: probe, form: form, userAction: userAction}
	hdr := s.headers.Clone()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
		hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// Read robots.txt now, outside the request's own timeout; the recorder
	// then finds the verdict in the cache for this URL and every hop.
	if pu, err := url.Parse(u); err == nil && pu.Host != "" && pu.Path != "/robots.txt" {
		s.f.robots.verdict(ctx, pu, hdr.Get("User-Agent"))
	}
	s.coll.Context = context.WithValue(ctx, traceKey{}, tr)
	err := s.coll.Request(method, u, body, nil, hdr)
	if !recorded(tr.exchanges, u) && err != nil {
		// Nothing reached the transport (robots.txt, a malformed URL, a
		// cancelled context): the request is evidence all the same, so
		// every page a probe reads cites at least one record.
		id, rerr := s.f.recordNotSent(probe, s.persona, method, u, err)
		if rerr != nil {
			err = errors.Join(err, rerr)
		}
		tr.exchanges = append(tr.exchanges, exchange{id: id, url: u, err: err})
	}
	for _, ex := range tr.exchanges {
		if ex.id != "" {
			page.Records = append(page.Records, ex.id)
		}
	}
	// The robots.txt fetch is recorded under this request's trace only if
	// it happened inside it; the final exchange is the last one that is not
	// the robots file itself.
	if last, ok := finalExchange(tr.exchanges, u); ok {
		page.FinalURL, page.Status, page.Header, page.Body, page.Truncated = last.url, last.status, last.header, last.body, last.truncated
		if last.err != nil && err == nil {
			err = last.err
		}
	}
	page.Err = redactErr(err)
	if page.Err == nil && page.Status == 0 {
		page.Err = errors.New("no response")
	}
	if page.Body != nil {
		page.Text, page.Charset, page.CharsetNote = decode(page.Body, page.Header.Get("Content-Type"))
		page.Blocked = detectBlock(u, page.FinalURL, page.Status, page.Header.Get("Content-Type"), page.Text)
		markChallenge(page)
	}
	return page
}

// recorded reports whether the trace holds an exchange for the request
// itself (not only a robots.txt fetch made on its behalf).
func recorded(exs []exchange, requested string) bool {
	_, ok := finalExchange(exs, requested)
	return ok
}

func finalExchange(exs []exchange, requested string) (exchange, bool) {
	for i := len(exs) - 1; i >= 0; i-- {
		if strings.HasSuffix(exs[i].url, "/robots.txt") && !strings.HasSuffix(requested, "/robots.txt") {
			continue
		}
		return exs[i], true
	}
	return exchange{}, false
}
