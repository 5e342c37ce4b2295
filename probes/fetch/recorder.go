package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
)

// recorder is the bottom transport: it waits for the host's rate limit,
// sends the request, reads the body up to the cap and writes the exchange
// to the evidence store before anyone above it sees the response.
type recorder struct {
	f       *Fetcher
	persona string
}

// exchangeData is the Data of an exchange record.
type exchangeData struct {
	Method          string              `json:"method"`
	RequestHeaders  map[string][]string `json:"request_headers"`
	Form            map[string]string   `json:"form,omitempty"`
	ResponseHeaders map[string][]string `json:"response_headers,omitempty"`
	Truncated       bool                `json:"truncated,omitempty"`
	// Decoded names the Content-Encoding (gzip, deflate, br) the stored
	// body was decoded from.
	Decoded    string `json:"decoded,omitempty"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	Sent       bool   `json:"sent"`
	// WARC names the request and response records in capture.warc.gz.
	WARC *warc.IDs `json:"warc,omitempty"`
	// Redactions counts personal-data matches removed from the body.
	Redactions int `json:"redactions,omitempty"`
	// Robots is robots.txt's verdict on the URL for the request's user
	// agent (allowed or disallowed; "" for robots.txt itself), and
	// UserAction says whether the request was the persona's own action
	// rather than crawling; together they say which rule applied.
	Robots     string `json:"robots,omitempty"`
	UserAction bool   `json:"user_action,omitempty"`
}

func (rt *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	tr, _ := ctx.Value(traceKey{}).(*trace)
	probe := "robots"
	var form map[string]string
	if tr != nil {
		probe = tr.probe
		if tr.form != nil && req.Method == http.MethodPost {
			form = redactForm(tr.form)
		}
	}
	userAction := tr != nil && tr.userAction
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		id, err := rt.f.recordNotSentData(probe, rt.persona, req.URL.String(),
			exchangeData{Method: req.Method, Error: ErrScheme.Error() + fmt.Sprintf(" (%q)", req.URL.Scheme), UserAction: userAction})
		if err != nil {
			return nil, err
		}
		why := fmt.Errorf("%w (%q)", ErrScheme, req.URL.Scheme)
		if tr != nil {
			tr.exchanges = append(tr.exchanges, exchange{id: id, url: req.URL.String(), err: why})
		}
		return nil, why
	}
	verdict := ""
	// robots.txt and the redirects it takes are owed to the host and read
	// by the robots session itself: asking for a verdict on them would
	// have that session wait on itself.
	if probe != "robots" && req.URL.Path != "/robots.txt" {
		verdict = rt.f.robots.verdict(ctx, req.URL, req.Header.Get("User-Agent"))
	}
	notSent := func(why error) (*http.Response, error) {
		id, err := rt.f.recordNotSentData(probe, rt.persona, req.URL.String(),
			exchangeData{Method: req.Method, Error: why.Error(), Robots: verdict, UserAction: userAction})
		if err != nil {
			return nil, err
		}
		if tr != nil {
			tr.exchanges = append(tr.exchanges, exchange{id: id, url: req.URL.String(), err: why})
		}
		return nil, why
	}
	switch {
	case verdict == robotsDisallowed && rt.f.opts.ObeyRobots && (!userAction || rt.f.opts.StrictRobots):
		return notSent(ErrRobotsBlocked)
	case rt.f.health.isDown(req.URL.Host):
		return notSent(ErrTargetDown)
	}
	if max := rt.f.opts.MaxRequests; max > 0 && rt.f.counter().sent.Add(1) > int64(max) {
		return notSent(ErrBudget)
	}
	if err := rt.f.limiter.wait(ctx, req.URL.Host); err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := rt.f.opts.Transport.RoundTrip(req)
	if errors.Is(err, ErrAddressBlocked) {
		// Refused before the socket connected: not sent, no part of the
		// budget, and no sign that the host is down.
		if rt.f.opts.MaxRequests > 0 {
			rt.f.counter().sent.Add(-1)
		}
		return notSent(err)
	}
	if ctx.Err() == nil {
		rt.f.health.observe(req.URL.Host, err == nil)
	}
	personal := rt.f.opts.Redact
	data := exchangeData{Method: req.Method, RequestHeaders: redactPersonal(personal, redactHeader(req.Header)), Form: redactFormPersonal(personal, form), Sent: true,
		Robots: verdict, UserAction: userAction}
	rec := evidence.Record{Kind: evidence.KindExchange, Probe: probe, Persona: rt.persona, URL: redactString(personal, redactURL(req.URL.String()))}
	ex := exchange{url: req.URL.String()}
	if err != nil {
		data.Error = err.Error()
		ex.err = err
	} else {
		body, truncated, decoded, rerr := readBody(resp, rt.f.opts.MaxBody)
		resp.Body.Close()
		if rerr != nil {
			// A body cut short (a reset, a timeout mid-stream) or in an
			// encoding that cannot be read is not the page: what arrived is
			// kept as evidence and the request fails, so nothing downstream
			// reads a partial page as a whole one.
			ex.err = fmt.Errorf("reading body: %w", rerr)
			data.Error = ex.err.Error()
		}
		if decoded != "" {
			// The stored body is the decoded one; say so, and drop the
			// headers that describe the encoded form.
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			data.Decoded = decoded
		}
		data.ResponseHeaders = redactPersonal(personal, redactHeader(resp.Header))
		if personal != nil && isText(resp.Header.Get("Content-Type")) {
			data.Redactions = len(personal.FindAllIndex(body, -1))
			body = personal.ReplaceAll(body, []byte(RedactedPersonal))
		}
		data.Truncated = truncated
		rec.Status = resp.StatusCode
		ex.status, ex.header, ex.body, ex.truncated = resp.StatusCode, resp.Header, body, truncated
		sum, perr := rt.f.rec.PutBlob(body)
		if perr != nil {
			return nil, fmt.Errorf("record %s: %w", req.URL, perr)
		}
		rec.BodySHA256 = sum
		if c := rt.f.opts.Capture; c != nil {
			var reqBody []byte
			if form != nil {
				q := url.Values{}
				for k, v := range form {
					q.Set(k, v)
				}
				reqBody = []byte(q.Encode())
			}
			ids, werr := c.WriteExchange(warc.Exchange{URL: rec.URL, Time: start, Method: req.Method, RequestHeader: data.RequestHeaders,
				RequestBody: reqBody, Status: resp.StatusCode, ResponseHeader: data.ResponseHeaders, Body: body})
			if werr != nil {
				return nil, fmt.Errorf("record %s: %w", req.URL, werr)
			}
			data.WARC = &ids
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Encoding")
		if ex.err != nil {
			resp.Body.Close()
			resp, err = nil, ex.err
		}
	}
	data.DurationMS = time.Since(start).Milliseconds()
	raw, derr := evidence.DataJSON(data)
	if derr != nil {
		return nil, derr
	}
	rec.Data = raw
	stored, aerr := rt.f.rec.Append(rec)
	if aerr != nil {
		// Losing evidence is worse than losing the page: fail the request.
		return nil, fmt.Errorf("record %s: %w", req.URL, aerr)
	}
	ex.id = stored.ID
	if c := rt.f.opts.Capture; c != nil && data.WARC != nil {
		if _, err := c.WriteMetadata(rec.URL, data.WARC.Response, map[string]string{"platscan-record": stored.ID,
			"persona": rt.persona, "probe": probe, "truncated": fmt.Sprint(data.Truncated)}); err != nil {
			return nil, fmt.Errorf("record %s: %w", req.URL, err)
		}
	}
	if tr != nil {
		tr.exchanges = append(tr.exchanges, ex)
	}
	rt.f.opts.Logger.Debug("exchange", "probe", probe, "persona", rt.persona, "method", req.Method,
		"url", rec.URL, "status", rec.Status, "record", stored.ID, "err", data.Error)
	return resp, err
}

// recordNotSent records a request that platscan chose not to send.
func (f *Fetcher) recordNotSent(probe, persona, method, u string, why error) (string, error) {
	return f.recordNotSentData(probe, persona, u, exchangeData{Method: method, Error: why.Error()})
}

func (f *Fetcher) recordNotSentData(probe, persona, u string, data exchangeData) (string, error) {
	data.Sent = false
	raw, err := evidence.DataJSON(data)
	if err != nil {
		return "", err
	}
	r, err := f.rec.Append(evidence.Record{Kind: evidence.KindExchange, Probe: probe, Persona: persona, URL: redactURL(u), Data: raw})
	if err != nil {
		return "", fmt.Errorf("record %s: %w", u, err)
	}
	return r.ID, nil
}

// hostLimiter keeps one token bucket per host.
type hostLimiter struct {
	rps float64
	mu  sync.Mutex
	m   map[string]*rate.Limiter
}

func newHostLimiter(rps float64) *hostLimiter {
	return &hostLimiter{rps: rps, m: map[string]*rate.Limiter{}}
}

func (h *hostLimiter) wait(ctx context.Context, host string) error {
	if h.rps <= 0 {
		return ctx.Err()
	}
	h.mu.Lock()
	l, ok := h.m[host]
	if !ok {
		l = rate.NewLimiter(rate.Limit(h.rps), 1)
		h.m[host] = l
	}
	h.mu.Unlock()
	if err := l.Wait(ctx); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return fmt.Errorf("rate limit %s: %w", host, err)
	}
	return nil
}
