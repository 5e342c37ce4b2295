package fetch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// tab is one persona's browser: an incognito browser context with one
// page, opened on the session's first request. Loads are serialised by
// the session's lock, as a person's are.
type tab struct {
	s       *Session
	emu     Emulation
	cookies map[string]string
	baseURL string

	ctx    context.Context // chromedp's tab context
	cancel func()
	frame  cdp.FrameID // the page's main frame

	mu  sync.Mutex
	nav *navigation // the load being traced; nil between loads
}

// navigation is what the tab saw during one page load.
type navigation struct {
	ctx        context.Context // ends at the page-load timeout
	probe      string
	userAction bool
	post       *postForm
	closed     bool

	hops      []*hop                           // every request hop, in the order they started
	current   map[network.RequestID]*hop       // the open hop of each request
	decisions map[network.RequestID][]decision // what the gate did, hop by hop
	reqExtra  map[network.RequestID][]http.Header
	respExtra map[network.RequestID][]http.Header
	main      *hop // the latest main-frame document that answered
	loaded    bool // the main frame fired its load event
	inflight  int  // requests started and not finished
	pending   int  // gate decisions and body reads under way
	last      time.Time
	wake      chan struct{}
}

// postForm turns the navigation's first document request into a form
// submission: a browser can only be told to GET a URL, so the request is
// changed on its way out, as the page's own form would send it.
type postForm struct {
	url  string
	form url.Values
	used bool
}

// decision is what the gate did with a paused request.
type decision struct {
	robots  string
	notSent error
	form    url.Values // set when the request became a form submission
}

// hop is one request the browser sent (or was kept from sending), up to
// its response or redirect.
type hop struct {
	id           network.RequestID
	url          string
	method       string
	reqHeader    http.Header
	postData     []byte
	resourceType network.ResourceType
	frame        cdp.FrameID
	start, end   time.Time
	index        int // which hop of its request this is

	responded  bool
	status     int
	respHeader http.Header
	mime       string
	body       []byte
	truncated  bool
	bodyErr    string
	err        string
	done       bool
}

func (n *navigation) poke() {
	n.last = time.Now()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// open starts the tab on first use: its browser context, its page, and
// the persona's user agent, headers, cookies and device.
func (t *tab) open(ctx context.Context) error {
	if t.ctx != nil {
		return nil
	}
	f := t.s.f
	bctx, err := f.chrome.browser(ctx, f.opts.Browser)
	if err != nil {
		return err
	}
	tctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Listen(tctx, t.onEvent); err != nil {
		cancel()
		return fmt.Errorf("open browser tab for %s: %w", t.s.persona, err)
	}
	t.ctx, t.cancel = tctx, cancel
	if err := t.setup(); err != nil {
		cancel()
		t.ctx = nil
		return fmt.Errorf("open browser tab for %s: %w", t.s.persona, err)
	}
	return nil
}

func (t *tab) setup() error {
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	f := t.s.f
	total, per := int64(256<<20), f.opts.MaxBody+1
	steps := []func() error{
		func() error { _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); return err },
		func() error {
			_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{MaxTotalBufferSize: &total, MaxResourceBufferSize: &per})
			return err
		},
		// Every byte the browser receives is evidence: nothing may come
		// from a cache the evidence store never saw.
		func() error {
			_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		},
		// Every request passes the gate: page loads and the API calls of
		// scripts are held to robots.txt, the budget, the rate limit and
		// host health; nothing goes out between loads.
		func() error {
			_, err := chromedp.Call(ctx, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{
				{URLPattern: "*", RequestStage: cdpfetch.RequestStageRequest}}})
			return err
		},
		t.identity(ctx),
		t.device(ctx),
		func() error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err == nil {
				t.frame = tree.FrameTree.Frame.ID
			}
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// identity sets the persona's user agent, other headers and cookies.
func (t *tab) identity(ctx context.Context) func() error {
	return func() error {
		h := t.s.headers
		// navigator.languages takes the tags; the header itself goes out
		// exactly as the profile writes it.
		if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: h.Get("User-Agent"), AcceptLanguage: languageTags(h.Get("Accept-Language"))}); err != nil {
			return err
		}
		extra := network.Headers{}
		for k, vs := range h {
			if k != "User-Agent" && len(vs) > 0 {
				extra[k] = vs[0]
			}
		}
		if len(extra) > 0 {
			if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: extra}); err != nil {
				return err
			}
		}
		if len(t.cookies) == 0 {
			return nil
		}
		var cs []*network.CookieParam
		for _, k := range sortedKeys(t.cookies) {
			cs = append(cs, &network.CookieParam{Name: k, Value: t.cookies[k], URL: t.baseURL, Path: "/"})
		}
		_, err := chromedp.Call(ctx, network.SetCookies, network.SetCookiesParams{Cookies: cs})
		return err
	}
}

// device sets the viewport, locale, time zone and position.
func (t *tab) device(ctx context.Context) func() error {
	return func() error {
		e := t.emu
		scale := 1.0
		if e.Mobile {
			scale = 3
		}
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(e.Width), Height: int64(e.Height), DeviceScaleFactor: scale, Mobile: e.Mobile}); err != nil {
			return err
		}
		if e.Mobile {
			if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true}); err != nil {
				return err
			}
		}
		if e.Locale != "" {
			if _, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: e.Locale}); err != nil {
				return fmt.Errorf("locale %s: %w", e.Locale, err)
			}
		}
		if e.Timezone != "" {
			if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: e.Timezone}); err != nil {
				return fmt.Errorf("timezone %s: %w", e.Timezone, err)
			}
		}
		if g := e.Geolocation; g != nil {
			c := chromedp.FromContext(t.ctx)
			if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
				BrowserContextID: c.BrowserContextID}); err != nil {
				return err
			}
			lat, lon, acc := g.Latitude, g.Longitude, g.Accuracy
			if acc <= 0 {
				acc = 50
			}
			if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
				Latitude: &lat, Longitude: &lon, Accuracy: &acc}); err != nil {
				return err
			}
		}
		return nil
	}
}

// onEvent follows the browser's network traffic. It runs in chromedp's
// event loop, so it only takes notes; commands are sent from goroutines.
func (t *tab) onEvent(ev any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	nav := t.nav
	if p, ok := ev.(*cdpfetch.EventRequestPaused); ok {
		if nav != nil {
			nav.pending++
		}
		go t.gate(nav, p)
		return
	}
	if nav == nil || nav.closed {
		return
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if !httpURL(ev.Request.URL) {
			return
		}
		index := 0
		if h := nav.current[ev.RequestID]; h != nil {
			if ev.RedirectResponse == nil {
				return
			}
			h.respond(ev.RedirectResponse)
			h.done, h.end = true, time.Now()
			index = h.index + 1
		} else {
			nav.inflight++
		}
		h := &hop{id: ev.RequestID, url: ev.Request.URL, method: ev.Request.Method, reqHeader: headerOf(ev.Request.Headers),
			postData: postData(ev.Request), resourceType: ev.Type, frame: ev.FrameID, start: time.Now(), index: index}
		nav.current[ev.RequestID] = h
		nav.hops = append(nav.hops, h)
	case *network.EventRequestWillBeSentExtraInfo:
		nav.reqExtra[ev.RequestID] = append(nav.reqExtra[ev.RequestID], headerOf(ev.Headers))
	case *network.EventResponseReceived:
		h := nav.current[ev.RequestID]
		if h == nil {
			return
		}
		h.respond(ev.Response)
		if ev.Type == network.ResourceTypeDocument && ev.FrameID == t.frame {
			nav.main = h
		}
		if gated(ev.Type) {
			t.s.f.health.observe(hostOf(h.url), true)
		}
	case *network.EventResponseReceivedExtraInfo:
		nav.respExtra[ev.RequestID] = append(nav.respExtra[ev.RequestID], headerOf(ev.Headers))
	case *network.EventLoadingFinished:
		h := nav.current[ev.RequestID]
		if h == nil {
			return
		}
		delete(nav.current, ev.RequestID)
		nav.pending++
		go t.readBody(nav, h)
	case *network.EventLoadingFailed:
		h := nav.current[ev.RequestID]
		if h == nil {
			return
		}
		delete(nav.current, ev.RequestID)
		h.err, h.done, h.end = ev.ErrorText, true, time.Now()
		nav.inflight--
		if gated(ev.Type) && !ev.Canceled && ev.BlockedReason == "" && ev.ErrorText != "net::ERR_BLOCKED_BY_CLIENT" && !h.responded {
			t.s.f.health.observe(hostOf(h.url), false)
		}
	case *page.EventLoadEventFired:
		// The blank page's load event can arrive after the next load has
		// begun; the page's own comes after its document.
		if nav.main != nil {
			nav.loaded = true
		}
	default:
		return
	}
	nav.poke()
}

func (h *hop) respond(r *network.Response) {
	h.responded, h.status, h.respHeader, h.mime = true, int(r.Status), headerOf(r.Headers), r.MimeType
	if r.URL != "" {
		h.url = r.URL
	}
}

// gated reports whether requests of this type pass the gate: page loads
// and the API calls of scripts, the requests that cost a platform work.
func gated(t network.ResourceType) bool {
	return t == network.ResourceTypeDocument || t == network.ResourceTypeXHR || t == network.ResourceTypeFetch
}

// gate decides whether a paused request may go out. Between loads
// nothing may: the persona has left the page. No request may reach an
// address the guard refuses (see Options.AllowPrivate). During a load, page loads
// and script API calls are held to what the recorder holds an HTTP
// request to: robots.txt (for page loads that are crawling), a host that
// stopped answering, the request budget (page loads), then the host's
// rate limit; other sub-resources (scripts, styles, images) go out and
// are recorded.
func (t *tab) gate(nav *navigation, ev *cdpfetch.EventRequestPaused) {
	f := t.s.f
	var d decision
	var cont cdpfetch.ContinueRequestParams
	u, perr := url.Parse(ev.Request.URL)
	doc := ev.ResourceType == network.ResourceTypeDocument
	t.mu.Lock()
	left := nav == nil || nav.closed
	t.mu.Unlock()
	// Chromium makes its own connections, so the address guard checks
	// every request here, sub-resources included, before it goes out.
	var refused error
	if !left && perr == nil && (u.Scheme == "http" || u.Scheme == "https") {
		var be *BlockedError
		if err := f.hosts.check(nav.ctx, u.Hostname()); errors.As(err, &be) {
			refused = err
		}
	}
	switch {
	case left:
		d.notSent = errors.New("not sent: the persona had left the page")
	case perr != nil:
		d.notSent = perr
	case refused != nil:
		d.notSent = refused
		t.mu.Lock()
		if ev.NetworkID != "" {
			nav.decisions[ev.NetworkID] = append(nav.decisions[ev.NetworkID], d)
		}
		t.mu.Unlock()
	case !gated(ev.ResourceType):
	default:
		ctx := nav.ctx
		if u.Path != "/robots.txt" {
			d.robots = f.robots.verdict(ctx, u, t.s.headers.Get("User-Agent"))
		}
		switch {
		case doc && d.robots == robotsDisallowed && f.opts.ObeyRobots && (!nav.userAction || f.opts.StrictRobots):
			d.notSent = ErrRobotsBlocked
		case f.health.isDown(u.Host):
			d.notSent = ErrTargetDown
		case doc && f.opts.MaxRequests > 0 && f.counter().sent.Add(1) > int64(f.opts.MaxRequests):
			d.notSent = ErrBudget
		default:
			if err := f.limiter.wait(ctx, u.Host); err != nil {
				d.notSent = err
			}
		}
		t.mu.Lock()
		if p := nav.post; p != nil && doc && !p.used && ev.RedirectedRequestID == "" && ev.Request.URL == p.url && d.notSent == nil {
			p.used = true
			d.form = p.form
			hs := []*cdpfetch.HeaderEntry{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}
			for k, v := range ev.Request.Headers {
				if !strings.EqualFold(k, "Content-Type") {
					hs = append(hs, &cdpfetch.HeaderEntry{Name: k, Value: fmt.Sprint(v)})
				}
			}
			cont = cdpfetch.ContinueRequestParams{Method: http.MethodPost, PostData: []byte(p.form.Encode()), Headers: hs}
		}
		if ev.NetworkID != "" {
			nav.decisions[ev.NetworkID] = append(nav.decisions[ev.NetworkID], d)
		}
		t.mu.Unlock()
	}
	cctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	if d.notSent != nil {
		chromedp.Call(cctx, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient}) //nolint:errcheck // the page may be gone
	} else {
		cont.RequestID = ev.RequestID
		chromedp.Call(cctx, cdpfetch.ContinueRequest, cont) //nolint:errcheck // the page may be gone
	}
	if nav != nil {
		t.mu.Lock()
		nav.pending--
		nav.poke()
		t.mu.Unlock()
	}
}

// readBody fetches a finished response's body while the browser still
// holds it.
func (t *tab) readBody(nav *navigation, h *hop) {
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	var body []byte
	var bodyErr string
	if h.status != http.StatusNoContent && h.status != http.StatusNotModified {
		res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: h.id})
		if err != nil {
			bodyErr = err.Error()
		}
		body = res.Body
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !nav.closed {
		max := t.s.f.opts.MaxBody
		if int64(len(body)) > max {
			body, h.truncated = body[:max], true
		}
		h.body, h.bodyErr, h.done, h.end = body, bodyErr, true, time.Now()
	}
	nav.inflight--
	nav.pending--
	nav.poke()
}

// settle waits until the page has loaded and its network has been quiet
// for the settle time, or the page-load timeout ends.
func (t *tab) settle(nav *navigation, failed bool) error {
	quietFor := t.s.f.opts.Browser.Settle
	if quietFor <= 0 {
		quietFor = 500 * time.Millisecond
	}
	for {
		t.mu.Lock()
		quiet := time.Since(nav.last)
		// A document that is not HTML (JSON, an image, text) runs no
		// script: once it is in, nothing more will come.
		inert := nav.main != nil && nav.main.done && !isHTML(nav.main.mime)
		ready := (nav.loaded || failed) && nav.inflight <= 0 && nav.pending <= 0 && (quiet >= quietFor || inert)
		t.mu.Unlock()
		if ready {
			return nil
		}
		wait := max(quietFor-quiet, 10*time.Millisecond)
		timer := time.NewTimer(wait)
		select {
		case <-nav.wake:
		case <-timer.C:
		case <-nav.ctx.Done():
			timer.Stop()
			return nav.ctx.Err()
		}
		timer.Stop()
	}
}

// load opens u in the tab as the persona and returns the page as it stood
// once the network settled.
func (t *tab) load(ctx context.Context, probe, method, u string, form url.Values, userAction bool) *Page {
	f := t.s.f
	pg := &Page{URL: u}
	if err := t.open(ctx); err != nil {
		return t.notSent(pg, probe, method, u, err)
	}
	pu, err := url.Parse(u)
	if err != nil || !httpURL(u) {
		return t.notSent(pg, probe, method, u, fmt.Errorf("not an http(s) URL: %q", u))
	}
	// Read robots.txt now, outside the page-load timeout; the gate then
	// finds the verdict in the cache.
	if pu.Path != "/robots.txt" {
		f.robots.verdict(ctx, pu, t.s.headers.Get("User-Agent"))
	}
	timeout := f.opts.Browser.Timeout
	if timeout <= 0 {
		timeout = f.opts.Timeout
	}
	lctx, cancel := context.WithTimeout(t.ctx, timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	nav := &navigation{ctx: lctx, probe: probe, userAction: userAction, current: map[network.RequestID]*hop{},
		decisions: map[network.RequestID][]decision{}, reqExtra: map[network.RequestID][]http.Header{},
		respExtra: map[network.RequestID][]http.Header{}, last: time.Now(), wake: make(chan struct{}, 1)}
	if method == http.MethodPost {
		nav.post = &postForm{url: u, form: form}
	}
	t.mu.Lock()
	t.nav = nav
	t.mu.Unlock()

	var navErr error
	res, err := chromedp.Call(lctx, page.Navigate, page.NavigateParams{URL: u})
	switch {
	case err != nil:
		navErr = err
	case res.ErrorText != "":
		navErr = errors.New(res.ErrorText)
	}
	settleErr := t.settle(nav, navErr != nil)
	if ctx.Err() != nil {
		settleErr = ctx.Err()
	} else if settleErr != nil {
		settleErr = fmt.Errorf("%w within %s", ErrUnsettled, timeout)
	}
	view := t.capture(nav)
	t.leave(nav)
	return t.finish(pg, nav, view, navErr, settleErr)
}

// notSent records a request the tab could not make at all.
func (t *tab) notSent(page *Page, probe, method, u string, why error) *Page {
	id, err := t.s.f.recordNotSent(probe, t.s.persona, method, u, why)
	if err != nil {
		why = errors.Join(why, err)
	}
	if id != "" {
		page.Records = append(page.Records, id)
	}
	page.Err = why
	return page
}

// leave ends the trace and stops the page: from now until the next load
// the gate lets nothing out and the page's timers are cleared, so nothing
// its scripts do is lost or mistaken for part of the next load.
func (t *tab) leave(nav *navigation) {
	t.mu.Lock()
	nav.closed = true
	t.nav = nil
	scripted := nav.main == nil || isHTML(nav.main.mime)
	t.mu.Unlock()
	if !scripted {
		return // nothing on the page can act
	}
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	// Stopping the page is much cheaper than unloading it (about:blank
	// costs a tenth of a second a page), and as good for the evidence.
	chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](stopPage)) //nolint:errcheck // a page that cannot be stopped is still gated
}

// stopPage halts a page: its loads, timers and intervals.
const stopPage = `(() => {
  window.stop();
  for (let id = setTimeout(() => {}, 0); id > 0; id--) { clearTimeout(id); clearInterval(id); }
})()`

// view is the page as rendered: its DOM, address and screenshot.
type view struct {
	HTML       string `json:"html"`
	URL        string `json:"url"`
	screenshot []byte
	err        error // the DOM could not be read
	shotErr    error // the screenshot could not be taken
}

const readDOM = `(() => {
  const d = document.doctype;
  return {html: (d ? "<!DOCTYPE " + d.name + ">\n" : "") + document.documentElement.outerHTML, url: location.href};
})()`

// capture reads the rendered DOM and takes a full-page screenshot, when
// the page's main document is HTML.
func (t *tab) capture(nav *navigation) view {
	t.mu.Lock()
	main := nav.main
	html := main != nil && isHTML(main.mime)
	t.mu.Unlock()
	if !html {
		return view{}
	}
	ctx, cancel := context.WithTimeout(t.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[view](readDOM))
	if err != nil {
		return view{err: fmt.Errorf("read rendered page: %w", err)}
	}
	if t.s.f.opts.Browser.NoScreenshots {
		return v
	}
	v.screenshot, v.shotErr = screenshot(ctx, t.s.f.opts.Browser.MaxScreenshotHeight)
	return v
}

// screenshot takes a PNG of the whole page, down to maxHeight CSS pixels.
func screenshot(ctx context.Context, maxHeight int) ([]byte, error) {
	if maxHeight <= 0 {
		maxHeight = 16384
	}
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	clip := &page.Viewport{Scale: 1}
	if c := m.CSSContentSize; c != nil {
		clip.Width, clip.Height = c.Width, min(c.Height, float64(maxHeight))
	}
	if v := m.CSSLayoutViewport; v != nil {
		clip.Width, clip.Height = max(clip.Width, float64(v.ClientWidth)), max(clip.Height, float64(v.ClientHeight))
	}
	yes := true
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, Clip: clip, CaptureBeyondViewport: &yes, FromSurface: &yes, OptimizeForSpeed: &yes})
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	return res.Data, nil
}

// finish records what the load produced and builds the page a probe reads.
func (t *tab) finish(page *Page, nav *navigation, v view, navErr, settleErr error) *Page {
	f := t.s.f
	t.mu.Lock()
	hops := make([]hop, len(nav.hops))
	var mainAt = -1
	for i, h := range nav.hops {
		hops[i] = *h
		if h == nav.main {
			mainAt = i
		}
	}
	// A gate still waiting on the rate limit may add to these later.
	decisions, reqExtra, respExtra := maps.Clone(nav.decisions), maps.Clone(nav.reqExtra), maps.Clone(nav.respExtra)
	t.mu.Unlock()

	var notSent error
	ids := make([]string, len(hops))
	for i := range hops {
		h := &hops[i]
		d := nth(decisions[h.id], h.index)
		if d.notSent != nil && h.resourceType == network.ResourceTypeDocument && notSent == nil {
			notSent = d.notSent
		}
		id, err := f.storeBrowserExchange(nav.probe, t.s.persona, nav.userAction, h, d, nth(reqExtra[h.id], h.index), respAt(respExtra[h.id], hops, i))
		if err != nil {
			page.Err = err
			return page
		}
		ids[i] = id
		if (h.resourceType == network.ResourceTypeXHR || h.resourceType == network.ResourceTypeFetch) && h.responded {
			page.Fetched = append(page.Fetched, Fetched{URL: h.url, Status: h.status, Header: h.respHeader, Body: h.body, Record: id})
		}
	}
	// The exchanges in the order they started; the main document's last
	// hop moves to the end when there is no rendered page to cite last.
	for i, id := range ids {
		if i != mainAt || v.HTML != "" {
			page.Records = append(page.Records, id)
		}
	}
	if mainAt >= 0 && v.HTML == "" {
		page.Records = append(page.Records, ids[mainAt])
	}
	if mainAt >= 0 {
		m := hops[mainAt]
		page.FinalURL, page.Status, page.Header, page.Truncated = m.url, m.status, m.respHeader, m.truncated
		if v.HTML != "" {
			if err := t.storeView(page, nav, v, ids[mainAt], settleErr == nil); err != nil {
				page.Err = err
				return page
			}
		} else {
			page.Body = hops[mainAt].body
			page.Text, page.Charset, page.CharsetNote = decode(page.Body, page.Header.Get("Content-Type"))
		}
	}
	switch {
	case notSent != nil && page.Status == 0:
		page.Err = notSent
	case settleErr != nil:
		page.Err = settleErr
	case v.err != nil:
		page.Err = v.err
	case page.Status == 0 && navErr != nil:
		page.Err = navErr
	case page.Status == 0:
		page.Err = errors.New("no response")
	}
	if page.Status > 0 {
		page.Blocked = detectBlock(page.URL, page.FinalURL, page.Status, page.Header.Get("Content-Type"), page.Text)
		markChallenge(page)
	}
	f.opts.Logger.Debug("browser page", "probe", nav.probe, "persona", t.s.persona, "url", redactURL(page.URL),
		"status", page.Status, "exchanges", len(hops), "blocked", page.Blocked, "err", page.Err)
	return page
}

// respAt returns the raw response headers of hops[i]: the n-th response
// extra-info event of its request, n counting the hops of that request
// that had answered before it.
func respAt(extra []http.Header, hops []hop, i int) http.Header {
	n := 0
	for j := range i {
		if hops[j].id == hops[i].id && hops[j].responded {
			n++
		}
	}
	if !hops[i].responded {
		return nil
	}
	return nth(extra, n)
}

func nth[T any](xs []T, i int) T {
	var zero T
	if i < 0 || i >= len(xs) {
		return zero
	}
	return xs[i]
}

func httpURL(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}

// headerOf converts DevTools headers, where one name holds its values
// joined by newlines.
func headerOf(h network.Headers) http.Header {
	out := http.Header{}
	for k, v := range h {
		for _, s := range strings.Split(fmt.Sprint(v), "\n") {
			out.Add(k, s)
		}
	}
	return out
}

func postData(r *network.Request) []byte {
	var b []byte
	for _, e := range r.PostDataEntries {
		b = append(b, e.Bytes...)
	}
	return b
}

// languageTags strips the weights from an Accept-Language value.
func languageTags(accept string) string {
	var tags []string
	for _, part := range strings.Split(accept, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if tag = strings.TrimSpace(tag); tag != "" {
			tags = append(tags, tag)
		}
	}
	return strings.Join(tags, ",")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
