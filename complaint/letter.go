package complaint

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
	"github.com/platscan/platscan/internal/numfmt"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/rules"
)

// The letters' prose lives in templates/: one Markdown template per
// language, the HTML page around it, and text.yaml for the words that
// name the data (table headings, clause categories, roles).
//
//go:embed templates
var templateFS embed.FS

// words is templates/text.yaml.
type words struct {
	Labels []struct {
		Key string `yaml:"key"`
		ZH  string `yaml:"zh"`
		EN  string `yaml:"en"`
	} `yaml:"labels"`
	Percent    []string              `yaml:"percent"`
	PValues    []string              `yaml:"pvalues"`
	Share      []string              `yaml:"share"`
	Categories map[string]rules.Text `yaml:"categories"`
	Languages  map[string]rules.Text `yaml:"languages"`
	Roles      map[string]rules.Text `yaml:"roles"`
	// Values names coded values, by metric key then code.
	Values map[string]map[string]rules.Text `yaml:"values"`
}

var (
	text     words
	mdLetter = map[string]*texttemplate.Template{}
	htmlPage *htmltemplate.Template
)

func init() {
	b, err := templateFS.ReadFile("templates/text.yaml")
	if err != nil {
		panic(err)
	}
	if err := yaml.UnmarshalWithOptions(b, &text, yaml.Strict()); err != nil {
		panic(fmt.Sprintf("complaint/templates/text.yaml: %v", err))
	}
	for _, lang := range []string{"zh", "en"} {
		mdLetter[lang] = texttemplate.Must(texttemplate.New(lang+".md.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/"+lang+".md.tmpl"))
	}
	htmlPage = htmltemplate.Must(htmltemplate.New("letter.html.tmpl").ParseFS(templateFS, "templates/letter.html.tmpl"))
}

var funcs = texttemplate.FuncMap{
	"md":         mdEscape,
	"cell":       func(s string) string { return strings.ReplaceAll(mdEscape(s), "\n", " ") },
	"capfirst":   capFirst,
	"lowerfirst": lowerFirst,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"add":  func(a, b int) int { return a + b },
	"join": strings.Join,
	"link": func(label, url string) string {
		if url == "" {
			return mdEscape(label)
		}
		return "[" + mdEscape(label) + "](" + mdURL(url) + ")"
	},
}

// letterInput is what a letter is written from.
type letterInput struct {
	f      *policies.Finding
	rep    *policies.Report
	man    evidence.Manifest
	picked []evidence.Record
	prof   *profile.Profile // nil for a run made by `platscan check`
	opt    Options
}

// citation is one provision as the letter cites it.
type citation struct {
	Label string // 《中华人民共和国电子商务法》第三十五条 / E-Commerce Law of the PRC, Art. 35
	URL   string
}

// fact is one row of the letter's data table.
type fact struct {
	Label, Value string
	Link         string // when the value is a web address
}

// letterData is what the templates see.
type letterData struct {
	Lang        string
	To          rules.Authority
	CC          []rules.Authority
	Complainant *Complainant
	Role        string
	Requests    []string
	Platform    string
	BaseURL     string
	Date        string // of the letter
	ScanDate    string // when the platform was observed
	Finding     *policies.Finding
	Title       string // the duty, as the catalog names it
	Duty        string // the duty, summarised
	Citations   []citation
	Summary     string // what was observed, personas named by description

	Clause   *clause
	Prices   *priceTable
	Facts    []fact
	Evidence evidenceCounts
	Manifest evidence.Manifest
}

// clause is a quoted term of the platform's contract.
type clause struct {
	URL, Quote, Does, Lang, TextSHA256 string
	Start, End                         string
}

// priceTable compares a tested persona's prices with the reference's.
type priceTable struct {
	Persona, Reference string // descriptions
	Rows               [][]string
}

// evidenceCounts say what the bundle holds.
type evidenceCounts struct {
	Records, Measurements, Exchanges, Documents, Bodies int
	// WARC: the exchanges have WARC records; Profile: the scan profile
	// (stored redacted) is among the documents, but not counted there.
	WARC, Profile bool
}

func letters(in letterInput) ([]byte, []byte, error) {
	d, err := newLetterData(in)
	if err != nil {
		return nil, nil, err
	}
	var md bytes.Buffer
	if err := mdLetter[d.Lang].Execute(&md, d); err != nil {
		return nil, nil, fmt.Errorf("write %s letter: %w", d.Lang, err)
	}
	// Templates end sections with blank lines; a letter ends with one newline.
	mdText := append(bytes.TrimRight(md.Bytes(), "\n"), '\n')
	md.Reset()
	md.Write(mdText)
	var body bytes.Buffer
	conv := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Linkify))
	if err := conv.Convert(md.Bytes(), &body); err != nil {
		return nil, nil, fmt.Errorf("write %s letter as HTML: %w", d.Lang, err)
	}
	var html bytes.Buffer
	title := fmt.Sprintf("%s — %s", d.Platform, d.Title)
	if err := htmlPage.Execute(&html, struct {
		Lang, Title string
		Body        htmltemplate.HTML
	}{d.Lang, title, htmltemplate.HTML(body.String())}); err != nil { //nolint:gosec // goldmark escapes raw HTML in the Markdown (unsafe rendering is off)
		return nil, nil, fmt.Errorf("write %s letter as HTML: %w", d.Lang, err)
	}
	return md.Bytes(), html.Bytes(), nil
}

func newLetterData(in letterInput) (*letterData, error) {
	lang := in.opt.Lang
	if lang != "zh" {
		lang = "en"
	}
	cat := in.opt.Catalog
	if cat == nil {
		var err error
		if cat, err = rules.Default(); err != nil {
			return nil, err
		}
	}
	f := in.f
	ob, ok := cat.Lookup(f.Rule)
	if !ok {
		return nil, fmt.Errorf("finding %s cites %s, which the catalog does not hold", f.ID, f.Rule)
	}
	to, err := in.opt.Authorities.For(ob)
	if err != nil {
		return nil, err
	}
	d := &letterData{Lang: lang, To: to, Complainant: in.opt.Complainant, Platform: in.rep.Platform,
		Date: longDate(in.opt.Now(), lang), ScanDate: scanDate(in.man, lang), Finding: f, Title: ob.Title.In(lang), Duty: ob.Summary.In(lang),
		Manifest: in.man}
	seen := map[string]bool{to.ID: true}
	for _, c := range f.Citations {
		d.Citations = append(d.Citations, citation{Label: citeLabel(c, lang), URL: c.URL})
		if o, ok := cat.Lookup(c.Rule); ok {
			if a, err := in.opt.Authorities.For(o); err == nil && !seen[a.ID] {
				seen[a.ID] = true
				d.CC = append(d.CC, a)
			}
		}
	}
	if in.prof != nil {
		d.BaseURL = in.prof.Platform.BaseURL
	}
	if c := in.opt.Complainant; c != nil {
		d.Role = text.Roles[c.Role].In(lang)
		d.Requests = c.Request
	}
	names := namesOf(in.prof, lang)
	d.Summary = f.Summary
	if lang == "zh" && f.SummaryZH != "" {
		d.Summary = f.SummaryZH
	}
	d.Summary = strings.TrimRight(names.replace(d.Summary), "。.")
	d.Clause = clauseOf(f, lang)
	d.Prices = pricesOf(f, names)
	d.Facts = factsOf(f, lang)
	d.Evidence = countEvidence(in.picked)
	return d, nil
}

func citeLabel(c rules.Citation, lang string) string {
	if lang == "zh" && c.InstrumentZH != "" {
		inst := c.InstrumentZH
		if !strings.HasPrefix(inst, "欧盟《") {
			inst = "《" + inst + "》"
		}
		return inst + articleZH(c.Article)
	}
	return strings.Replace(c.Article, "Art. ", "Article ", 1) + " of the " + c.Instrument
}

// personaNames maps persona ids to their descriptions in one language.
type personaNames struct {
	byID map[string]string
	re   *regexp.Regexp
}

func namesOf(p *profile.Profile, lang string) personaNames {
	n := personaNames{byID: map[string]string{}}
	if p == nil {
		return n
	}
	var alts []string
	for _, per := range p.Personas {
		if desc := per.Description.In(lang); desc != "" {
			n.byID[per.ID] = desc
			alts = append(alts, regexp.QuoteMeta(per.ID))
		}
	}
	if len(alts) > 0 {
		// Longest first, so control_a is not read as a prefix of another id.
		slices.SortFunc(alts, func(a, b string) int { return len(b) - len(a) })
		n.re = regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`)
	}
	return n
}

// name is the persona's description, or its id in quotes when the
// profile gives none.
func (n personaNames) name(id string) string {
	if d, ok := n.byID[id]; ok {
		return d
	}
	return "“" + id + "”"
}

// replace names every persona in s by its description.
func (n personaNames) replace(s string) string {
	if n.re == nil {
		return s
	}
	return n.re.ReplaceAllStringFunc(s, func(id string) string { return n.byID[id] })
}

func clauseOf(f *policies.Finding, lang string) *clause {
	cat, _ := f.Metrics["category"].(string)
	url, _ := f.Metrics["url"].(string)
	if f.Quote == "" || cat == "" || url == "" {
		return nil
	}
	c := &clause{URL: url, Quote: f.Quote, Start: numfmt.Int(f.Metrics["start"]), End: numfmt.Int(f.Metrics["end"])}
	if t, ok := text.Categories[cat]; ok {
		c.Does = t.In(lang)
	}
	if l, ok := f.Metrics["lang"].(string); ok {
		c.Lang = text.Languages[l].In(lang)
	}
	c.TextSHA256, _ = f.Metrics["text_sha256"].(string)
	return c
}

// pricesOf is the per-product table of a pricing finding, formatted as the
// text report formats it.
func pricesOf(f *policies.Finding, names personaNames) *priceTable {
	rows, ok := f.Metrics["products"].([]any)
	if !ok || len(rows) == 0 {
		return nil
	}
	persona, _ := f.Metrics["persona"].(string)
	ref, _ := f.Metrics["reference"].(string)
	t := &priceTable{Persona: names.name(persona), Reference: names.name(ref)}
	for _, r := range rows {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(m["product"]), numfmt.Fixed(m["persona_median"], 2), numfmt.Fixed(m["reference_median"], 2),
			numfmt.Signed(m["effect_pct"], 1) + "%", "[" + numfmt.Fixed(m["ci_low"], 1) + ", " + numfmt.Fixed(m["ci_high"], 1) + "]"})
	}
	return t
}

// factsOf lists the finding's metrics that text.yaml names, in its
// order, in the letter's language; a clause's are in the clause block.
func factsOf(f *policies.Finding, lang string) []fact {
	if clauseOf(f, lang) != nil {
		return nil
	}
	var out []fact
	for _, l := range text.Labels {
		v, ok := f.Metrics[l.Key]
		if !ok || l.Key == "persona" || l.Key == "reference" {
			continue
		}
		label := l.EN
		if lang == "zh" {
			label = l.ZH
		}
		val := formatValue(l.Key, v, lang)
		fc := fact{Label: label, Value: val}
		if s, ok := v.(string); ok && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) {
			fc.Link = s
		}
		out = append(out, fc)
	}
	return out
}

func formatValue(key string, v any, lang string) string {
	sep, yes, no, none := ", ", "yes", "no", "none"
	if lang == "zh" {
		sep, yes, no, none = "、", "是", "否", "无"
	}
	switch t := v.(type) {
	case bool:
		if t {
			return yes
		}
		return no
	case string:
		if w, ok := text.Values[key][t]; ok {
			return w.In(lang)
		}
		return t
	case []any:
		var parts []string
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				parts = append(parts, fmt.Sprintf("%v: %s", m["target"], formatValue("outcome", m["outcome"], lang)))
				continue
			}
			parts = append(parts, fmt.Sprint(x))
		}
		if len(parts) == 0 {
			return none
		}
		return strings.Join(parts, sep)
	}
	switch {
	case slices.Contains(text.PValues, key):
		return numfmt.P(v)
	case slices.Contains(text.Percent, key):
		return numfmt.Short(v, 2) + "%"
	case slices.Contains(text.Share, key):
		d, _ := numfmt.Decimal(v)
		return numfmt.Short(d.Shift(2).String(), 2) + "%"
	}
	return numfmt.Short(v, 2)
}

func countEvidence(picked []evidence.Record) evidenceCounts {
	var c evidenceCounts
	bodies := map[string]bool{}
	for _, r := range picked {
		c.Records++
		switch r.Kind {
		case evidence.KindMeasurement:
			c.Measurements++
		case evidence.KindExchange:
			c.Exchanges++
			if strings.Contains(string(r.Data), `"warc"`) {
				c.WARC = true
			}
		case evidence.KindDocument:
			if r.Probe == "scan" {
				c.Profile = true
			} else {
				c.Documents++
			}
		}
		if r.BodySHA256 != "" {
			bodies[r.BodySHA256] = true
		}
	}
	c.Bodies = len(bodies)
	return c
}

func longDate(t time.Time, lang string) string {
	t = t.UTC()
	if lang == "zh" {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return t.Format("2 January 2006")
}

// scanDate is when the run observed the platform: one day, or a span.
func scanDate(m evidence.Manifest, lang string) string {
	start, err := time.Parse(time.RFC3339, m.Started)
	if err != nil {
		return ""
	}
	end, err := time.Parse(time.RFC3339, m.Finished)
	if err != nil || start.UTC().Format(time.DateOnly) == end.UTC().Format(time.DateOnly) {
		return longDate(start, lang)
	}
	if lang == "zh" {
		return longDate(start, lang) + "至" + longDate(end, lang)
	}
	return "between " + longDate(start, lang) + " and " + longDate(end, lang)
}

// mdEscape keeps platform-supplied text (quotes, names, URLs) from being
// read as Markdown or HTML. It escapes only what would be read so, to keep
// the Markdown letter readable: "p < 0.0001" and "client_id" stay as they
// are, "<script" and "_emphasis_" do not.
func mdEscape(s string) string {
	rs := []rune(s)
	word := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	var b strings.Builder
	for i, r := range rs {
		esc := false
		switch r {
		case '\\', '*', '`', '[', ']', '|':
			esc = true
		case '_':
			esc = !word(i-1) || !word(i+1)
		case '<':
			esc = i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || strings.ContainsRune("/!?", rs[i+1]))
		case '>', '#', '-', '+':
			esc = i == 0
		}
		if esc {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdURL makes a URL safe inside a Markdown link target.
func mdURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u)
}

// lowerFirst lower-cases a leading capital that merely starts a sentence
// ("No unreasonable ..."), not one that starts an acronym ("DMA").
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'a' || s[1] > 'z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func capFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func readme(lang string, picked []evidence.Record, files []entry) string {
	has := map[string]bool{}
	for _, f := range files {
		has[f.name] = true
	}
	c := countEvidence(picked)
	var b strings.Builder
	if lang == "zh" {
		b.WriteString("本压缩包为 platscan 生成的投诉（举报）证据包。\n核验方法：platscan verify <本文件>.zip\n\n内容：\n")
		fmt.Fprintf(&b, "  %s、%s  投诉（举报）书（HTML版可在浏览器中打印为PDF）\n  %s  检测结论\n", LetterMD, LetterHTML, Finding)
		fmt.Fprintf(&b, "  %s  证据记录%d条（测量结果%d条、网络交互%d条、文档%d条）\n  %s  每条记录属于已签名检测结果的默克尔包含性证明\n",
			evidence.RecordsFile, c.Records, c.Measurements, c.Exchanges, c.Documents, Proofs)
		fmt.Fprintf(&b, "  %s、%s  整次检测的签名清单\n  %s/  原始网页及文档内容（%d份，按SHA-256命名）\n", evidence.ManifestFile, evidence.SignatureFile, evidence.BlobsDir, c.Bodies)
		if has[warc.FileName] {
			fmt.Fprintf(&b, "  %s  上述网络交互的WARC格式原始记录（可用任意WARC回放工具重现网页）\n", warc.FileName)
		}
		return b.String()
	}
	b.WriteString("A complaint bundle made by platscan.\nVerify it with: platscan verify <this file>.zip\n\nContents:\n")
	fmt.Fprintf(&b, "  %s, %s  the letter (print the HTML to PDF from a browser)\n  %s  the finding\n", LetterMD, LetterHTML, Finding)
	fmt.Fprintf(&b, "  %s  %d evidence records (%d measurements, %d HTTP exchanges, %d documents)\n  %s  Merkle inclusion proof of each record in the signed run\n",
		evidence.RecordsFile, c.Records, c.Measurements, c.Exchanges, c.Documents, Proofs)
	fmt.Fprintf(&b, "  %s, %s  the signed manifest of the whole run\n  %s/  the raw pages and documents (%d, named by SHA-256)\n", evidence.ManifestFile, evidence.SignatureFile, evidence.BlobsDir, c.Bodies)
	if has[warc.FileName] {
		fmt.Fprintf(&b, "  %s  those HTTP exchanges as WARC records (replay the pages with any WARC player)\n", warc.FileName)
	}
	return b.String()
}
