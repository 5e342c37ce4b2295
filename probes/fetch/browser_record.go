package fetch

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
)

// browserExchangeData is the Data of an exchange the browser made: the
// fields of an HTTP exchange, marked as browser-fetched.
type browserExchangeData struct {
	exchangeData
	// Browser marks an exchange made by the headless browser.
	Browser bool `json:"browser"`
	// ResourceType is what the page used the response as: Document,
	// Script, Stylesheet, XHR, Fetch, Image, ...
	ResourceType string `json:"resource_type"`
	// BodyError says why the browser could not hand over the body.
	BodyError string `json:"body_error,omitempty"`
}

// Roles of the documents a browser load adds to its exchanges.
const (
	// RoleRenderedDOM is the page's DOM after it settled, serialised as
	// HTML: what the probes read.
	RoleRenderedDOM = "rendered_dom"
	// RoleScreenshot is a full-page PNG of the page after it settled.
	RoleScreenshot = "screenshot"
)

// storeBrowserExchange records one hop the browser made (or was kept from
// making), redacted as an HTTP exchange is, and returns its record id.
// rawReq and rawResp are the headers as they crossed the wire (cookies
// included) when the browser reported them.
func (f *Fetcher) storeBrowserExchange(probe, persona string, userAction bool, h *hop, d decision, rawReq, rawResp http.Header) (string, error) {
	personal := f.opts.Redact
	reqHeader := h.reqHeader
	if rawReq != nil {
		reqHeader = rawReq
	}
	method, body := h.method, h.postData
	var form map[string]string
	if d.form != nil {
		method, body = http.MethodPost, []byte(d.form.Encode())
	}
	form, body = redactRequestBody(reqHeader.Get("Content-Type"), d.form, body)
	data := browserExchangeData{Browser: true, ResourceType: string(h.resourceType), exchangeData: exchangeData{
		Method: method, RequestHeaders: redactPersonal(personal, redactHeader(reqHeader)), Form: redactFormPersonal(personal, form),
		Robots: d.robots, UserAction: userAction}}
	rec := evidence.Record{Kind: evidence.KindExchange, Probe: probe, Persona: persona, URL: redactString(personal, redactURL(h.url))}
	if !h.end.IsZero() {
		data.DurationMS = h.end.Sub(h.start).Milliseconds()
	}
	switch {
	case d.notSent != nil:
		data.Error = d.notSent.Error()
		return f.appendBrowserExchange(rec, data)
	case !h.responded:
		data.Sent, data.Error = true, h.err
		if data.Error == "" {
			data.Error = "no response before the page was left"
		}
		return f.appendBrowserExchange(rec, data)
	}
	data.Sent, data.BodyError = true, h.bodyErr
	if h.err != "" {
		data.Error = h.err
	}
	respHeader := h.respHeader
	if rawResp != nil {
		respHeader = rawResp
	}
	data.ResponseHeaders = redactPersonal(personal, redactHeader(respHeader))
	respBody := h.body
	if personal != nil && isText(respHeader.Get("Content-Type")) {
		data.Redactions = len(personal.FindAllIndex(respBody, -1))
		respBody = personal.ReplaceAll(respBody, []byte(RedactedPersonal))
	}
	h.body = respBody // the probes read what the store holds
	data.Truncated = h.truncated
	rec.Status = h.status
	sum, err := f.rec.PutBlob(respBody)
	if err != nil {
		return "", fmt.Errorf("record %s: %w", rec.URL, err)
	}
	rec.BodySHA256 = sum
	if c := f.opts.Capture; c != nil {
		ids, err := c.WriteExchange(warc.Exchange{URL: rec.URL, Time: h.start, Method: method, RequestHeader: data.RequestHeaders,
			RequestBody: body, Status: h.status, ResponseHeader: data.ResponseHeaders, Body: respBody})
		if err != nil {
			return "", fmt.Errorf("record %s: %w", rec.URL, err)
		}
		data.WARC = &ids
	}
	id, err := f.appendBrowserExchange(rec, data)
	if err != nil {
		return "", err
	}
	if c := f.opts.Capture; c != nil && data.WARC != nil {
		if _, err := c.WriteMetadata(rec.URL, data.WARC.Response, map[string]string{"platscan-record": id,
			"persona": persona, "probe": probe, "truncated": fmt.Sprint(data.Truncated), "browser": "true",
			"resource-type": data.ResourceType}); err != nil {
			return "", fmt.Errorf("record %s: %w", rec.URL, err)
		}
	}
	return id, nil
}

func (f *Fetcher) appendBrowserExchange(rec evidence.Record, data browserExchangeData) (string, error) {
	raw, err := evidence.DataJSON(data)
	if err != nil {
		return "", err
	}
	rec.Data = raw
	stored, err := f.rec.Append(rec)
	if err != nil {
		return "", fmt.Errorf("record %s: %w", rec.URL, err)
	}
	f.opts.Logger.Debug("exchange", "probe", rec.Probe, "persona", rec.Persona, "browser", true,
		"url", rec.URL, "status", rec.Status, "record", stored.ID, "err", data.Error)
	return stored.ID, nil
}

// redactRequestBody returns a request body safe to store: a form with its
// secret fields replaced (and the form itself, for the record), a JSON
// object with its secret members replaced, anything else as sent.
func redactRequestBody(contentType string, form url.Values, body []byte) (map[string]string, []byte) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if form == nil && mt == "application/x-www-form-urlencoded" {
		if q, err := url.ParseQuery(string(body)); err == nil {
			form = q
		}
	}
	if form != nil {
		red := redactForm(form)
		q := url.Values{}
		for k, v := range red {
			q.Set(k, v)
		}
		return red, []byte(q.Encode())
	}
	var v any
	if len(body) > 0 && json.Unmarshal(body, &v) == nil {
		if b, err := json.Marshal(redactJSON(v)); err == nil {
			return nil, b
		}
	}
	return nil, body
}

// redactJSON replaces the values of members whose names say they are
// credentials, at any depth.
func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if secretName.MatchString(k) {
				t[k] = Redacted
			} else {
				t[k] = redactJSON(x)
			}
		}
	case []any:
		for i, x := range t {
			t[i] = redactJSON(x)
		}
	}
	return v
}

// storeView stores the rendered DOM (and the screenshot) of a settled
// page as documents citing the main exchange, and makes the DOM the
// page's text.
func (t *tab) storeView(page *Page, nav *navigation, v view, source string, settled bool) error {
	f, persona := t.s.f, t.s.persona
	personal := f.opts.Redact
	dom := redactString(personal, v.HTML)
	if httpURL(v.URL) {
		page.FinalURL = v.URL // where scripts took the page, history API included
	}
	page.Body, page.Text, page.Charset = []byte(dom), dom, "utf-8"
	at := redactString(personal, redactURL(page.FinalURL))
	meta := func(role, mediaType string) map[string]any {
		m := map[string]any{"role": role, "media_type": mediaType, "source": source, "browser": true, "settled": settled}
		if v.shotErr != nil && role == RoleRenderedDOM {
			m["screenshot_error"] = v.shotErr.Error() // the page was read all the same
		}
		return m
	}
	if v.screenshot != nil {
		id, err := f.storeDocument(nav.probe, persona, at, v.screenshot, meta(RoleScreenshot, "image/png"))
		if err != nil {
			return err
		}
		page.Records = append(page.Records, id)
	}
	id, err := f.storeDocument(nav.probe, persona, at, []byte(dom), meta(RoleRenderedDOM, "text/html; charset=utf-8"))
	if err != nil {
		return err
	}
	page.Records = append(page.Records, id)
	return nil
}

func (f *Fetcher) storeDocument(probe, persona, u string, body []byte, meta map[string]any) (string, error) {
	sum, err := f.rec.PutBlob(body)
	if err != nil {
		return "", fmt.Errorf("store %s of %s: %w", meta["role"], u, err)
	}
	data, err := evidence.DataJSON(meta)
	if err != nil {
		return "", err
	}
	r, err := f.rec.Append(evidence.Record{Kind: evidence.KindDocument, Probe: probe, Persona: persona, URL: u, BodySHA256: sum, Data: data})
	if err != nil {
		return "", fmt.Errorf("store %s of %s: %w", meta["role"], u, err)
	}
	return r.ID, nil
}
