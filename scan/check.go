package scan

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/internal/table"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/pricing"
	"github.com/platscan/platscan/probes/ranking"
	"github.com/platscan/platscan/probes/terms"
)

// CheckOptions configure a self-audit of a platform's own exports.
type CheckOptions struct {
	Dir           string
	Engine        *policies.Engine
	Version       string
	Platform      string
	Jurisdictions []string
	Designations  []string
	TopK          int
	// Reference names the pricing log's reference segment (default its
	// first); Controls the segments of users in the reference's situation,
	// whose differences are the platform's own noise.
	Reference string
	Controls  []string
	Signer    evidence.Signer
	Now       func() time.Time
}

// Export kinds check reads (docs/ci.md).
const (
	exportRanking = "ranking export"
	exportPricing = "pricing log"
	exportTerms   = "terms document"
	exportChanges = "rule-change log"
)

// termsFormats are the file extensions read as terms documents, with the
// media type the probe would have been served.
var termsFormats = map[string]string{".txt": "text/plain", ".md": "text/plain", ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml"}

// export is one input file, read.
type export struct {
	name, kind string
	sum        string // SHA-256 of the file as read
	log        *pricing.Log
	changes    []measure.RuleChange
	text       []byte // a terms document as read
	record     string // its import record
}

// exportKind tells the kind of the export at path from its columns,
// reading no further than its header.
func exportKind(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fault.Input(err)
	}
	defer f.Close()
	if _, ok := termsFormats[strings.ToLower(filepath.Ext(path))]; ok {
		return exportTerms, nil
	}
	head := table.HeaderFrom(f)
	switch {
	case pricing.IsLog(head):
		return exportPricing, nil
	case terms.IsChangeLog(head):
		return exportChanges, nil
	}
	return exportRanking, nil
}

// readWhole reads an export that is analysed whole (a pricing log, a
// terms document, a rule-change log).
func readWhole(path, kind string) (export, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return export{}, fault.Input(err)
	}
	sum := sha256.Sum256(b)
	e := export{name: path, kind: kind, sum: hex.EncodeToString(sum[:])}
	switch kind {
	case exportPricing:
		e.log, err = pricing.ImportLog(path, b)
	case exportChanges:
		e.changes, err = terms.ImportChangeLog(path, b)
	case exportTerms:
		if !utf8.Valid(b) {
			bad := 0
			for bad < len(b) {
				r, size := utf8.DecodeRune(b[bad:])
				if r == utf8.RuneError && size <= 1 {
					break
				}
				bad += size
			}
			err = fmt.Errorf("%s:%d: invalid UTF-8 (save the document as UTF-8)", path, 1+bytes.Count(b[:bad], []byte("\n")))
		}
		e.text = b
	}
	return e, fault.Input(err)
}

// Check judges a platform's own exports (ranking exports and pricing logs,
// CSV or JSON) the way a scan judges what it fetched, with the probes'
// own measurement code: each file is stored as an import record, the
// measurements cite it, and the run is written, signed and verifiable
// like any other. Ranking exports are streamed one query at a time (see
// readRanking), so their size does not bound what can be checked.
func Check(ctx context.Context, inputs []string, opts CheckOptions) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var exports []export
	var rankingPaths []string
	names := map[string]string{}
	for _, in := range inputs {
		kind, err := exportKind(in)
		if err != nil {
			return nil, err
		}
		// Documents and change logs are cited by file name: two inputs of
		// one name could not be told apart in the findings.
		if kind == exportTerms || kind == exportChanges {
			if prev, ok := names[filepath.Base(in)]; ok {
				return nil, fault.Inputf("%s and %s: two inputs named %s; rename one so findings can say which", prev, in, filepath.Base(in))
			}
			names[filepath.Base(in)] = in
		}
		e := export{name: in, kind: kind}
		if kind == exportRanking {
			rankingPaths = append(rankingPaths, in)
		} else if e, err = readWhole(in, kind); err != nil {
			return nil, err
		}
		exports = append(exports, e)
	}
	var m ranking.Metrics
	if len(rankingPaths) > 0 {
		var sums []string
		var err error
		if m, sums, err = readRanking(rankingPaths, opts.TopK); err != nil {
			return nil, err
		}
		for i, j := 0, 0; i < len(exports); i++ {
			if exports[i].kind == exportRanking {
				exports[i].sum = sums[j]
				j++
			}
		}
	}
	store, err := evidence.Create(opts.Dir, evidence.Options{Now: opts.Now})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	started := opts.Now().UTC()
	var rankingIDs []string
	for i, e := range exports {
		sum, err := storeFile(store, e.name)
		if err != nil {
			return nil, err
		}
		if sum != e.sum {
			return nil, fault.Input(fmt.Errorf("%s changed while it was being read; check it again", e.name))
		}
		family := ranking.ID
		switch e.kind {
		case exportPricing:
			family = pricing.ID
		case exportTerms, exportChanges:
			family = terms.ID
		}
		data, _ := evidence.DataJSON(map[string]any{"format": e.kind, "file": filepath.Base(e.name)})
		r, err := store.Append(evidence.Record{Kind: evidence.KindImport, Probe: family, URL: "file:" + filepath.Base(e.name), BodySHA256: sum, Data: data})
		if err != nil {
			return nil, err
		}
		exports[i].record = r.ID
		if e.kind == exportRanking {
			rankingIDs = append(rankingIDs, r.ID)
		}
	}
	if len(rankingIDs) > 0 {
		m.Key, m.Evidence = "metrics", rankingIDs
		if _, err := probes.Record(store, "", &m); err != nil {
			return nil, err
		}
	}
	var cls *terms.Classifier
	for _, e := range exports {
		var err error
		switch e.kind {
		case exportPricing:
			err = recordPricingLog(store, e, opts)
		case exportChanges:
			err = recordChanges(store, e)
		case exportTerms:
			if cls == nil {
				if cls, err = terms.NewClassifier(); err != nil {
					return nil, err
				}
			}
			err = recordTermsDocument(store, e, cls)
		}
		if err != nil {
			return nil, err
		}
	}

	head := measure.Input{
		Platform: measure.Platform{Name: opts.Platform, Jurisdictions: nonNil(opts.Jurisdictions), Designations: nonNil(opts.Designations), Designated: []measure.Designation{}},
		Run:      measure.Run{Started: started.Format(time.RFC3339), Tool: "platscan " + opts.Version, Complete: true},
		Personas: []string{}, FirstParty: measure.FirstParty{Brands: []string{}, Sellers: []string{}}, Competitors: []string{},
	}
	doc, _, err := BuildInput(head, evidence.Records(opts.Dir))
	if err != nil {
		return nil, err
	}
	rep, judgeErr := evaluate(ctx, opts.Engine, doc, opts.Version, store.Count())
	if rep == nil {
		return nil, judgeErr
	}
	sum, err := writeFindings(opts.Dir, rep)
	if err != nil {
		return nil, err
	}
	man := evidence.Manifest{Tool: evidence.Tool{Name: "platscan", Version: opts.Version}, Platform: opts.Platform,
		PolicyBundleSHA256: opts.Engine.BundleHash(), CatalogVersion: opts.Engine.CatalogVersion(), FindingsSHA256: sum,
		Started: started.Format(time.RFC3339), Finished: opts.Now().UTC().Format(time.RFC3339), Complete: true}
	if man, err = seal(ctx, opts.Dir, store, man, opts.Signer); err != nil {
		return nil, err
	}
	return &Result{Dir: opts.Dir, Report: rep, Manifest: man}, judgeErr
}

// recordChanges records a rule-change log's rows as the rule changes an
// announcements page would give, each citing the log.
func recordChanges(store *evidence.Store, e export) error {
	// The log stands where an announcements page would: read, and
	// listing these changes.
	u := "file:" + filepath.Base(e.name)
	page := measure.AnnouncementsPage{Base: measure.Base{Type: "announcements_page", Key: "announcements|" + u, Evidence: []string{e.record}},
		Response: measure.Response{URL: u, FinalURL: u, Status: 200, Fetch: measure.Answered}, Reachable: true, Count: len(e.changes)}
	if _, err := probes.Record(store, "", &page); err != nil {
		return err
	}
	for _, c := range e.changes {
		c.Evidence = []string{e.record}
		if _, err := probes.Record(store, "", &c); err != nil {
			return err
		}
	}
	return nil
}

// recordTermsDocument reads a terms document as the terms probe reads a
// fetched one (readable text, language, audience, clauses) and records
// its document and clause measurements, citing the import and the text.
// A file whose name speaks of rules (rules, 规则) is a rules document;
// any other an agreement.
func recordTermsDocument(store *evidence.Store, e export, cls *terms.Classifier) error {
	base := filepath.Base(e.name)
	u := "file:" + base
	role := "terms"
	if n := strings.ToLower(base); strings.Contains(n, "rule") || strings.Contains(n, "规则") {
		role = "rules"
	}
	format := termsFormats[strings.ToLower(filepath.Ext(base))]
	m := measure.Document{Base: measure.Base{Type: "document", Key: "document|" + role + "|" + u, Evidence: []string{e.record}},
		Response: measure.Response{URL: u, FinalURL: u, Status: 200, Fetch: measure.Answered}, Role: role, Format: format, Charset: "utf-8",
		HomePages: []string{}, Categories: cls.Categories(), RuleLinks: []measure.RuleLink{}}
	text, ok := terms.DocumentText(format, string(e.text))
	if !ok {
		m.Unsupported = true
		_, err := probes.Record(store, "", &m)
		return err
	}
	m.Lang, m.Chars = terms.Language(text), len([]rune(text))
	m.Reachable = m.Chars > 0
	sum, err := store.PutBlob([]byte(text))
	if err != nil {
		return err
	}
	data, _ := evidence.DataJSON(map[string]any{"source": e.record, "role": role, "lang": m.Lang, "format": "text/plain; readable text, one block element a line"})
	rec, err := store.Append(evidence.Record{Kind: evidence.KindDocument, Probe: terms.ID, URL: u, BodySHA256: sum, Data: data})
	if err != nil {
		return err
	}
	m.TextSHA256 = sum
	m.Evidence = append(m.Evidence, rec.ID)
	var clauses []measure.Clause
	m.Audience, clauses = cls.Clauses(u, text, m.Lang, sum, rec.ID, e.record)
	for i := range clauses {
		if _, err := probes.Record(store, "", &clauses[i]); err != nil {
			return err
		}
	}
	_, err = probes.Record(store, "", &m)
	return err
}

// recordPricingLog analyses a pricing log as the pricing probe analyses
// the prices it saw, and records the noise floor and persona tests.
func recordPricingLog(store *evidence.Store, e export, opts CheckOptions) error {
	l := e.log
	if len(l.Segments) == 0 {
		return nil // no price: the policies say unknown
	}
	ref := opts.Reference
	if ref == "" {
		ref = l.Segments[0]
	}
	if !slices.Contains(l.Segments, ref) {
		return fault.Inputf("%s: --reference %q is not a segment of the log (segments: %s)", e.name, ref, strings.Join(l.Segments, ", "))
	}
	var controls, treatments []string
	for _, c := range opts.Controls {
		if !slices.Contains(l.Segments, c) {
			return fault.Inputf("%s: --control %q is not a segment of the log (segments: %s)", e.name, c, strings.Join(l.Segments, ", "))
		}
	}
	for _, s := range l.Segments {
		switch {
		case s == ref:
		case slices.Contains(opts.Controls, s):
			controls = append(controls, s)
		default:
			treatments = append(treatments, s)
		}
	}
	floor, tests := pricing.Analyze(l.Panel(e.record), ref, controls, treatments, pricing.PhasePersonalised, pricing.DefaultMethod)
	if len(floor.Evidence) == 0 {
		floor.Evidence = []string{e.record} // no control segments: no null pair to cite
	}
	floor.Key = floor.Type + "|" + e.record
	if _, err := probes.Record(store, "", &floor); err != nil {
		return err
	}
	for _, t := range tests {
		if len(t.Evidence) == 0 {
			continue
		}
		t.Key = t.Type + "|" + e.record + "|" + t.Persona
		if _, err := probes.Record(store, t.Persona, &t); err != nil {
			return err
		}
	}
	return nil
}

// OutOfScope lists the duties the imported families are judged under
// (the obligations of their policy packages) that were not judged
// because they do not apply to the platform as described: its
// jurisdictions or designations leave them out. A self-audit with no
// finding says nothing about these, and the caller should say so.
func OutOfScope(rep *policies.Report, e *policies.Engine, families ...string) []policies.Coverage {
	meta := e.Meta()
	out := []policies.Coverage{}
	for _, c := range rep.Coverage {
		m, ok := meta[c.Rule]
		if ok && c.Status == policies.StatusNotApplicable && slices.Contains(families, strings.TrimPrefix(m.Package, "platscan.")) {
			out = append(out, c)
		}
	}
	return out
}

// readRanking computes the ranking metrics of the ranking exports, streaming them
// one query at a time so that memory does not grow with their size, and
// returns each file's SHA-256 as read. Exports whose rows are not grouped
// by query are read again, whole.
func readRanking(inputs []string, topK int) (ranking.Metrics, []string, error) {
	acc := ranking.NewAccumulator(topK)
	sums := make([]string, len(inputs))
	grouped := true
	for i, in := range inputs {
		sum, err := eachFile(in, acc.Add)
		if errors.Is(err, ranking.ErrNotGrouped) {
			grouped = false
			break
		}
		if err != nil {
			return ranking.Metrics{}, nil, err
		}
		sums[i] = sum
	}
	if grouped {
		return acc.Metrics(nil), sums, nil
	}
	var rows []ranking.Row
	for i, in := range inputs {
		sum, err := eachFile(in, func(r ranking.Row) error {
			rows = append(rows, r)
			return nil
		})
		if err != nil {
			return ranking.Metrics{}, nil, err
		}
		sums[i] = sum
	}
	return ranking.Compute(rows, nil, topK), sums, nil
}

// eachFile streams the export at path to fn and returns the file's
// SHA-256.
func eachFile(path string, fn func(ranking.Row) error) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fault.Input(err)
	}
	defer f.Close()
	h := sha256.New()
	tee := io.TeeReader(f, h)
	if err := ranking.Each(path, tee, fn); err != nil {
		if errors.Is(err, ranking.ErrNotGrouped) {
			return "", err
		}
		return "", fault.Input(err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // the rest of the file, for the hash
		return "", fault.Input(err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// storeFile streams the file at path into the blob store.
func storeFile(store *evidence.Store, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fault.Input(err)
	}
	defer f.Close()
	sum, _, err := store.PutBlobFrom(f)
	return sum, err
}
