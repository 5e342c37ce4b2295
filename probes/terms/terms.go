// Package terms is the terms probe: it reads a platform's rules, terms and
// merchant agreements as a persona would, records whether each is
// published, reachable and linked from the home page, finds clauses of
// known kinds (in Chinese and English), and reads rule-change
// announcements with their publication and effective dates.
package terms

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
)

// ID is the probe's family name.
const ID = "terms"

func init() {
	probes.Register(probes.Info{ID: ID, Description: "platform rules and terms: publication, clauses, rule-change notice", New: func() probes.Probe { return &Probe{} }})
}

// Probe implements probes.Probe.
type Probe struct{}

// ID implements probes.Probe.
func (*Probe) ID() string { return ID }

// Gather implements probes.Probe.
func (p *Probe) Gather(ctx context.Context, t *probes.Target) error {
	cfg := t.Profile.Terms
	if len(cfg.Rules)+len(cfg.Pages)+len(cfg.Announcements) == 0 {
		return nil
	}
	persona := cfg.Persona
	if persona == "" {
		persona = t.DefaultPersona()
	}
	sess, err := t.Session(ctx, persona)
	if err != nil {
		return err
	}
	cls, err := NewClassifier()
	if err != nil {
		return err
	}
	g := &gatherer{t: t, sess: sess, persona: persona, cls: cls, links: map[string]bool{}, visited: map[string]bool{}}
	if err := g.homeLinks(ctx); err != nil {
		return err
	}
	for _, role := range []struct {
		name  string
		pages []string
	}{{"rules", cfg.Rules}, {"terms", cfg.Pages}} {
		for _, ref := range role.pages {
			if err := g.document(ctx, role.name, ref); err != nil {
				return err
			}
		}
	}
	for _, ref := range cfg.Announcements {
		if err := g.announcements(ctx, ref); err != nil {
			return err
		}
	}
	return ctx.Err()
}

type gatherer struct {
	t       *probes.Target
	sess    *fetch.Session
	persona string
	cls     *Classifier
	homes   []string
	links   map[string]bool // normalised URLs linked from any home page
	// visited holds the documents read (or being read) in this scan, so
	// that rules pages linking each other are read once.
	visited map[string]bool
}

// homeLinks collects the links of the home page and of the home page of
// each language section the profile's documents live in (/en/ for /en/rules).
func (g *gatherer) homeLinks(ctx context.Context) error {
	var prior measure.HomeLinks
	if _, done := g.t.Prior(ID, "home_links", &prior); done {
		g.homes = prior.Pages
		for _, l := range prior.Links {
			g.links[l] = true
		}
		return nil
	}
	homes := []string{"/"}
	for _, ref := range append(append([]string{}, g.t.Profile.Terms.Rules...), g.t.Profile.Terms.Pages...) {
		if seg, _, ok := strings.Cut(strings.TrimPrefix(ref, "/"), "/"); ok && len(seg) == 2 {
			if h := "/" + seg + "/"; !slices.Contains(homes, h) {
				homes = append(homes, h)
			}
		}
	}
	m := measure.HomeLinks{Base: measure.Base{Type: "home_links"}}
	failed := false
	for _, h := range homes {
		u, err := g.t.Profile.Resolve(h)
		if err != nil {
			return err
		}
		page := g.sess.Get(ctx, ID, u)
		g.homes = append(g.homes, u)
		m.Evidence = append(m.Evidence, page.Records...)
		if !page.OK() {
			failed = true
			continue
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(page.Text))
		if err != nil {
			continue
		}
		base, _ := url.Parse(page.FinalURL)
		doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			if ref, err := url.Parse(strings.TrimSpace(href)); err == nil && base != nil {
				g.links[normalise(base.ResolveReference(ref))] = true
			}
		})
	}
	m.Pages = g.homes
	for l := range g.links {
		m.Links = append(m.Links, l)
	}
	slices.Sort(m.Links)
	m.Complete = !failed
	if m.Complete {
		m.Key = "home_links"
	}
	if _, err := g.t.Measure(g.persona, &m); err != nil {
		return err
	}
	return ctx.Err()
}

func (g *gatherer) document(ctx context.Context, role, ref string) error {
	u, err := g.t.Profile.Resolve(ref)
	if err != nil {
		return err
	}
	budget := MaxFollowDocs
	_, err = g.read(ctx, role, u, "", 0, &budget)
	return err
}

// read fetches and measures one document. A rules page's links to rule
// documents are followed first (up to MaxFollowDepth links deep and
// *budget documents), so its own measurement can say which were read.
// It reports whether the document was fetched now or in the run being
// resumed.
func (g *gatherer) read(ctx context.Context, role, u, via string, depth int, budget *int) (bool, error) {
	key := "document|" + role + "|" + u
	if _, done := g.t.Prior(ID, key, nil); done {
		g.visited[linkKey(u)] = true
		return true, nil
	}
	if g.visited[linkKey(u)] {
		return true, nil
	}
	g.visited[linkKey(u)] = true
	page := g.sess.Get(ctx, ID, u)
	parsed, _ := url.Parse(u)
	m := measure.Document{Base: measure.Base{Type: "document", Evidence: page.Records}, Response: probes.Response(u, page), Role: role,
		LinkedFromHome: parsed != nil && g.links[normalise(parsed)], HomePages: g.homes, Categories: g.cls.Categories(),
		RuleLinks: []measure.RuleLink{}, Via: via, Depth: depth}
	m.LoginWall = loginWall(u, page)
	var clauses []measure.Clause
	if page.OK() && !m.LoginWall {
		m.Format = mediaType(page.Header.Get("Content-Type"))
		text, ok := documentText(m.Format, page.Text)
		m.Unsupported = !ok
		if ok {
			m.Lang = g.t.Profile.Terms.Language
			if m.Lang == "" || m.Lang == "auto" {
				m.Lang = language(text)
			}
			m.Charset, m.Chars = page.Charset, len([]rune(text))
			rec, err := g.t.Document(ID, g.persona, u, []byte(text), map[string]any{
				"source": page.Record(), "role": role, "lang": m.Lang, "charset": page.Charset, "format": "text/plain; readable text, one block element a line"})
			if err != nil {
				return false, err
			}
			m.TextSHA256 = rec.BodySHA256
			m.Evidence = append(m.Evidence, rec.ID)
			m.Audience, clauses = g.cls.Clauses(u, text, m.Lang, rec.BodySHA256, rec.ID, page.Record())
		}
		m.Reachable = m.Chars > 0
		if role == "rules" && isHTML(m.Format) {
			if doc, err := goquery.NewDocumentFromReader(strings.NewReader(page.Text)); err == nil {
				m.RuleLinks, m.Hub = Hub(doc, page.FinalURL)
			}
		}
	}
	// Clauses first: the document measurement marks the unit done.
	for _, c := range clauses {
		if _, err := g.t.Measure(g.persona, &c); err != nil {
			return false, err
		}
	}
	for i, l := range m.RuleLinks {
		if depth >= MaxFollowDepth || *budget <= 0 {
			break
		}
		if g.visited[linkKey(l.URL)] {
			m.RuleLinks[i].Followed = true // read already, from the profile or another rules page
			continue
		}
		*budget--
		read, err := g.read(ctx, role, l.URL, u, depth+1, budget)
		if err != nil {
			return false, err
		}
		m.RuleLinks[i].Followed = read
	}
	if m.Fetch == measure.Answered {
		m.Key = key // otherwise not reached: try again on resume
	}
	_, err := g.t.Measure(g.persona, &m)
	return true, err
}

func isHTML(format string) bool {
	return format == "" || format == "text/html" || format == "application/xhtml+xml"
}

func (g *gatherer) announcements(ctx context.Context, ref string) error {
	u, err := g.t.Profile.Resolve(ref)
	if err != nil {
		return err
	}
	key := "announcements|" + u
	if _, done := g.t.Prior(ID, key, nil); done {
		return nil
	}
	page := g.sess.Get(ctx, ID, u)
	m := measure.AnnouncementsPage{Base: measure.Base{Type: "announcements_page", Evidence: page.Records}, Response: probes.Response(u, page)}
	var changes []measure.RuleChange
	if page.OK() && !loginWall(u, page) {
		m.Reachable = true
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(page.Text))
		if err == nil {
			for _, a := range announcements(doc) {
				rc := ruleChange(u, a)
				rc.Evidence = []string{page.Record()}
				changes = append(changes, rc)
			}
		}
		m.Count = len(changes)
	}
	for _, c := range changes {
		if _, err := g.t.Measure(g.persona, &c); err != nil {
			return err
		}
	}
	if m.Fetch == measure.Answered {
		m.Key = key
	}
	_, err = g.t.Measure(g.persona, &m)
	return err
}

// loginWall reports whether a request for u ended on a sign-in page rather
// than the document: redirected to a login-like path, or a page whose main
// content is a password form.
func loginWall(u string, page *fetch.Page) bool {
	dest := page.FinalURL
	if page.Status >= 300 && page.Status < 400 && page.Header != nil {
		dest = page.Header.Get("Location") // a redirect that was not followed
	}
	if dest != "" && dest != u {
		f, err := url.Parse(dest)
		if err == nil {
			p := strings.ToLower(f.Path)
			for _, w := range []string{"login", "signin", "sign-in", "passport", "auth"} {
				if strings.Contains(p, w) {
					return true
				}
			}
		}
	}
	return page.Status == 401 || (page.Status == 403 && bytes.Contains(bytes.ToLower(page.Body), []byte(`type="password"`)))
}

func normalise(u *url.URL) string {
	c := *u
	c.Fragment = ""
	c.RawQuery = ""
	if c.Path == "" {
		c.Path = "/"
	}
	return strings.TrimSuffix(c.String(), "/")
}

var _ probes.Probe = (*Probe)(nil)

func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mt
}

// DocumentText returns a document's readable text as the probe reads it,
// given its media type (text/html or text/plain); false for a format the
// probe does not read.
func DocumentText(format, body string) (string, bool) { return documentText(format, body) }

// documentText returns the readable text of a served document, and false
// for a format the probe does not read. A missing Content-Type is read as
// HTML, which is what browsers sniff most such pages to be.
func documentText(format, body string) (string, bool) {
	switch format {
	case "", "text/html", "application/xhtml+xml":
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			return "", false
		}
		return readableText(doc), true
	case "text/plain":
		return plainText(body), true
	}
	return "", false
}

// Clauses classifies a document's readable text (read from u, its blob
// textSHA256) into clause measurements, each citing evidence (the text's
// record, then the page's), with the audience the text is written for.
// The probe and `platscan check` both measure documents through it.
func (c *Classifier) Clauses(u, text, lang, textSHA256 string, evidence ...string) (audience string, out []measure.Clause) {
	ids := clauseIDs{url: u}
	audience, hits := c.ClassifyDocument(text, lang)
	for _, h := range hits {
		expl := make([]measure.ClauseGram, len(h.Explanation))
		for i, g := range h.Explanation {
			expl[i] = measure.ClauseGram{Gram: g.Gram, Weight: g.Weight}
		}
		out = append(out, measure.Clause{
			Base: measure.Base{Type: "clause", Key: fmt.Sprintf("clause|%s|%s|%d", h.Category, u, h.Start), Evidence: slices.Clone(evidence)},
			ID:   ids.of(h.Clause, h.Start), Category: h.Category, Side: h.Side, Level: h.Level, URL: u, Lang: lang, Text: h.Clause,
			Start: h.Start, End: h.End, Score: h.Score, Threshold: h.Threshold, Explanation: expl, Cue: h.Cue, Source: h.Source,
			Negated: h.Negated, Negation: h.Negation, Classifier: c.Model().SHA256(), TextSHA256: textSHA256})
	}
	return audience, out
}

// clauseIDs hands out stable clause ids within one document. Identical
// sentences classify identically, so counting the distinct starts seen for
// a text among the hits counts its occurrences in the document.
type clauseIDs struct {
	url    string
	starts map[string][]int
}

func (c *clauseIDs) of(sentence string, start int) string {
	if c.starts == nil {
		c.starts = map[string][]int{}
	}
	seen := c.starts[sentence]
	n := slices.Index(seen, start)
	if n < 0 {
		n = len(seen)
		c.starts[sentence] = append(seen, start)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", c.url, sentence, n))
	return hex.EncodeToString(sum[:8])
}
