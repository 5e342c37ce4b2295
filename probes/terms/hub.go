package terms

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/publicsuffix"

	"github.com/platscan/platscan/measure"
)

// Bounds on following a rules page's links to the rule documents it
// lists: how many links deep from the profile's page, and how many
// documents in all from one profile page.
const (
	MaxFollowDepth = 2
	MaxFollowDocs  = 20
)

var (
	// ruleCue marks a link to a rule document by its label or path.
	ruleCue = regexp.MustCompile(`规则|规范|协议|条款|公约|办法|细则|标准|制度|须知|守则|准则|政策|禁售|禁发|违规|(?i)rule|polic(y|ies)|terms|agreement|standard|guideline|code of conduct|condition|prohibited|restricted (items|products)`)
	// chrome marks page furniture by class or id: links there are
	// navigation, not what the page lists.
	chrome = regexp.MustCompile(`(?i)(^|[\s_-])(nav|navbar|menu|header|footer|breadcrumbs?|sidebar|topbar|toolbar|site-?map)($|[\s_-])`)
	// notDocument marks links that are actions, not documents.
	notDocument = regexp.MustCompile(`(?i)login|signin|sign-in|logout|register|cart|passport|javascript:|mailto:|tel:`)
)

// Hub reads a rules page for links to rule documents: same-site links in
// its main content (header, navigation, footer and sidebars left out)
// whose label or path names a rule, agreement, standard or policy. The
// page is a hub (a rules centre) when it lists at least two such links
// and it is mostly links: the text of its links (rule documents, pagers,
// FAQ entries) makes up at least half the text of its main content, or it
// lists four rule documents or more whose link text alone is at least a
// quarter of it (a centre that describes each rule in a line). A rules
// document that cites two or three others in its prose is neither.
func Hub(doc *goquery.Document, pageURL string) (links []measure.RuleLink, hub bool) {
	base, err := url.Parse(pageURL)
	if err != nil || len(doc.Nodes) == 0 {
		return []measure.RuleLink{}, false
	}
	links = []measure.RuleLink{}
	seen := map[string]bool{linkKey(pageURL): true}
	total, linked, inAnyLink := 0, 0, 0
	var walk func(n *html.Node, inLink, anyLink bool)
	walk = func(n *html.Node, inLink, anyLink bool) {
		switch n.Type {
		case html.TextNode:
			c := len([]rune(strings.TrimSpace(n.Data)))
			total += c
			if inLink {
				linked += c
			}
			if inLink || anyLink {
				inAnyLink += c
			}
			return
		case html.ElementNode:
			if furniture(n) {
				return
			}
			if n.Data == "a" {
				if l, ok := ruleLink(n, base); ok && !seen[linkKey(l.URL)] {
					seen[linkKey(l.URL)] = true
					links = append(links, l)
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c, true, true)
					}
					return
				}
				anyLink = anyLink || n.Attr != nil && hasHref(n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink, anyLink)
		}
	}
	walk(doc.Nodes[0], false, false)
	return links, len(links) >= 2 && (2*inAnyLink >= total || len(links) >= 4 && 4*linked >= total)
}

func hasHref(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "href" {
			return true
		}
	}
	return false
}

// furniture reports page chrome whose links are not the page's content.
func furniture(n *html.Node) bool {
	switch n.Data {
	case "header", "nav", "footer", "aside", "script", "style", "noscript", "template", "head":
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "role":
			if a.Val == "navigation" || a.Val == "banner" || a.Val == "contentinfo" {
				return true
			}
		case "class", "id":
			if chrome.MatchString(a.Val) {
				return true
			}
		}
	}
	return false
}

// ruleLink reads an <a> as a link to a rule document on the same site.
func ruleLink(n *html.Node, base *url.URL) (measure.RuleLink, bool) {
	var href, title string
	for _, a := range n.Attr {
		switch a.Key {
		case "href":
			href = strings.TrimSpace(a.Val)
		case "title":
			title = a.Val
		}
	}
	if href == "" || strings.HasPrefix(href, "#") || notDocument.MatchString(href) {
		return measure.RuleLink{}, false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return measure.RuleLink{}, false
	}
	u := base.ResolveReference(ref)
	u.Fragment = ""
	if (u.Scheme != "http" && u.Scheme != "https") || !sameSite(u.Hostname(), base.Hostname()) {
		return measure.RuleLink{}, false
	}
	label := collapse(textOfNode(n))
	if label == "" {
		label = collapse(title)
	}
	if !ruleCue.MatchString(label) && !ruleCue.MatchString(u.Path) {
		return measure.RuleLink{}, false
	}
	// The page itself under another query (a pager, a filter) names a
	// rule by its path only: it lists documents, it is not one.
	if !ruleCue.MatchString(label) && u.Host == base.Host && u.Path == base.Path {
		return measure.RuleLink{}, false
	}
	return measure.RuleLink{URL: u.String(), Label: label}, true
}

// sameSite reports hosts of one site: the same host, or hosts under one
// registrable domain (rules.shop.example and www.shop.example), by the
// public suffix list.
func sameSite(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	if net.ParseIP(a) != nil || net.ParseIP(b) != nil {
		return false // addresses have no registrable domain
	}
	da, errA := publicsuffix.EffectiveTLDPlusOne(a)
	db, errB := publicsuffix.EffectiveTLDPlusOne(b)
	return errA == nil && errB == nil && da == db
}

func textOfNode(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOfNode(c))
	}
	return b.String()
}

// linkKey names a linked document: its URL without fragment or trailing
// slash (the query stays: rules are often told apart by it).
func linkKey(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Fragment = ""
	return strings.TrimSuffix(u.String(), "/")
}
