package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser mode: a persona's session may be a tab of a headless Chromium
// (BrowserSession) rather than an HTTP client, for platforms that draw
// their prices, results and rules with JavaScript. One Chromium process
// serves a fetcher and everything derived from it; each persona gets its
// own incognito browser context, so cookies, storage and cache cannot pass
// from one persona to another. The guarantees of the HTTP path hold for
// what the browser does (see tab.load): every response it receives is
// recorded, redacted, in the evidence store and the WARC capture, marked
// as browser-fetched; page loads obey robots.txt, the request budget, the
// per-host rate limit and host-down detection.

// BrowserOptions configure browser mode.
type BrowserOptions struct {
	// Path is the Chromium (or Chrome) executable; "" looks for one
	// (FindBrowser).
	Path string
	// Settle is how long the network must stay quiet after the page has
	// loaded before it counts as settled (default 500ms).
	Settle time.Duration
	// Timeout bounds one page load, settling included (default
	// Options.Timeout). A page still busy then is recorded as it stands,
	// with ErrUnsettled.
	Timeout time.Duration
	// NoScreenshots leaves out the full-page screenshot (pixels cannot be
	// redacted; see docs/browser.md).
	NoScreenshots bool
	// MaxScreenshotHeight caps a full-page screenshot, in CSS pixels
	// (default 16384).
	MaxScreenshotHeight int
}

// Emulation is how one persona's browser presents itself.
type Emulation struct {
	// Width and Height are the viewport in CSS pixels (default 1366x900,
	// or 390x844 for a mobile persona).
	Width, Height int
	// Mobile emulates a phone: a mobile viewport, touch, device scale 3.
	Mobile bool
	// Locale is an ICU locale (zh_CN, en_US); "" keeps the browser's.
	Locale string
	// Timezone is an IANA zone (Asia/Shanghai); "" keeps the system's.
	Timezone string
	// Geolocation, when set, is what navigator.geolocation reports, with
	// the permission granted.
	Geolocation *Geolocation
}

// Geolocation is a position in degrees, with its accuracy in metres.
type Geolocation struct {
	Latitude, Longitude, Accuracy float64
}

// Errors of browser mode.
var (
	// ErrNoBrowser means no Chromium executable was found.
	ErrNoBrowser = errors.New("no Chromium browser found")
	// ErrUnsettled means the page was still loading or still busy on the
	// network when the page-load timeout ran out; what it had received is
	// recorded.
	ErrUnsettled = errors.New("did not settle")
)

// BrowserEnv is the environment variable that names the Chromium
// executable when the profile does not.
const BrowserEnv = "PLATSCAN_CHROME"

// FindBrowser returns the Chromium executable to use: path when it is
// set, else $PLATSCAN_CHROME, else the first of chromium,
// chromium-browser, google-chrome and chrome found on PATH.
func FindBrowser(path string) (string, error) {
	if path == "" {
		path = os.Getenv(BrowserEnv)
	}
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w at %s; install it with `apt-get install chromium` or name another (browser.path in the profile, or %s)", ErrNoBrowser, path, BrowserEnv)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w; install it with `apt-get install chromium` (Debian/Ubuntu), or name it with browser.path in the profile or %s", ErrNoBrowser, BrowserEnv)
}

// chrome is the one headless Chromium of a fetcher tree, started on first
// use and stopped by Close.
type chrome struct {
	mu      sync.Mutex
	ctx     context.Context // chromedp's browser context; tabs derive from it
	cancel  func()
	dir     string
	err     error
	started bool
	closed  bool
}

// StartBrowser starts the fetcher's Chromium now, so that a missing or
// broken browser is reported before a scan begins rather than on its
// first page. Sessions start it on demand otherwise.
func (f *Fetcher) StartBrowser(ctx context.Context) error {
	_, err := f.chrome.browser(ctx, f.opts.Browser)
	return err
}

// Close stops the fetcher's Chromium, if it started one. Sessions of a
// closed fetcher fail their browser requests.
func (f *Fetcher) Close() error { return f.chrome.close() }

func (c *chrome) browser(ctx context.Context, opts BrowserOptions) (context.Context, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, errors.New("browser closed")
	case c.started:
		return c.ctx, c.err
	}
	c.started = true
	c.ctx, c.err = c.start(ctx, opts)
	return c.ctx, c.err
}

func (c *chrome) start(ctx context.Context, opts BrowserOptions) (context.Context, error) {
	exe, err := FindBrowser(opts.Path)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "platscan-chromium-")
	if err != nil {
		return nil, fmt.Errorf("start browser: %w", err)
	}
	c.dir = dir
	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
	)
	// The browser outlives the context that first asks for it: it is the
	// fetcher's, and Close ends it.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), flags...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	c.cancel = func() { cancelBrowser(); cancelAlloc() }
	if err := chromedp.Do(bctx); err != nil {
		c.cancel()
		return nil, fmt.Errorf("start browser %s: %w", exe, err)
	}
	return bctx, nil
}

func (c *chrome) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if !c.started {
		return nil
	}
	if c.cancel != nil {
		c.cancel()
	}
	if c.dir != "" {
		if err := os.RemoveAll(c.dir); err != nil {
			return fmt.Errorf("close browser: %w", err)
		}
	}
	return nil
}

// BrowserSession creates a session for persona whose requests a headless
// Chromium makes, in an incognito browser context of its own, with the
// given default headers (User-Agent, Accept-Language, ...), initial
// cookies for baseURL, and emulated device, locale, time zone and
// position. Its Get, GetAsUser and PostForm load the page, let it run its
// scripts until the network settles, and return the rendered page: Text
// is the DOM after settling, and Records cite every exchange the browser
// made for it, then the screenshot and the DOM as documents.
func (f *Fetcher) BrowserSession(persona string, headers, cookies map[string]string, baseURL string, emu Emulation) (*Session, error) {
	s, err := f.Session(persona, headers, cookies, baseURL)
	if err != nil {
		return nil, err
	}
	if emu.Width <= 0 || emu.Height <= 0 {
		emu.Width, emu.Height = 1366, 900
		if emu.Mobile {
			emu.Width, emu.Height = 390, 844
		}
	}
	s.tab = &tab{s: s, emu: emu, cookies: cookies, baseURL: baseURL}
	return s, nil
}
