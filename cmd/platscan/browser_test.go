package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/platscan/platscan/internal/golden"
)

// screenshotPath is the picture of the demo's HTML report in the docs,
// refreshed with `go test ./cmd/platscan -run Browser -update`.
const screenshotPath = "../../docs/report-screenshot.png"

// chromium finds Debian's chromium. In CI (.ci/run installs it) a missing
// browser fails the test; on a developer's machine it skips with a hint.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("PLATSCAN_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs Debian's chromium package")
	}
	t.Skip("chromium not found (apt-get install chromium, or set PLATSCAN_CHROMIUM)")
	return ""
}

// pageFacts is what the browser reports about the rendered page.
type pageFacts struct {
	Lang      string       `json:"lang"`
	Title     string       `json:"title"`
	Charts    []chartFacts `json:"charts"`
	Resources []string     `json:"resources"`
	External  int          `json:"external"`
	Groups    int          `json:"groups"`
	Findings  int          `json:"findings"`
	Coverage  int          `json:"coverage"`
	Overflow  bool         `json:"overflow"`
}

type chartFacts struct {
	ID        string   `json:"id"`
	SVG       bool     `json:"svg"`
	Width     float64  `json:"width"`
	Height    float64  `json:"height"`
	Title     string   `json:"title"`
	Desc      string   `json:"desc"`
	Labelled  []string `json:"labelled"`
	Caption   string   `json:"caption"`
	Shapes    int      `json:"shapes"`
	TableRows int      `json:"rows"`
}

const inspectPage = `(() => {
  const text = el => el ? el.textContent.trim() : "";
  const figs = [...document.querySelectorAll("figure.chart")];
  return {
    lang: document.documentElement.lang,
    title: document.title,
    charts: figs.map(f => {
      const svg = f.querySelector("svg");
      const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      const ids = svg ? (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean) : [];
      return {
        id: f.id, svg: !!svg, width: r.width, height: r.height,
        title: text(svg && svg.querySelector(":scope > title")),
        desc: text(svg && svg.querySelector(":scope > desc")),
        labelled: ids.map(id => text(document.getElementById(id))),
        caption: text(f.querySelector("figcaption")),
        shapes: svg ? svg.querySelectorAll("rect, circle, line").length : 0,
        rows: f.querySelectorAll("table tbody tr").length,
      };
    }),
    resources: performance.getEntriesByType("resource").map(e => e.name),
    external: document.querySelectorAll("[src], [srcset], link, script, iframe, object, embed").length,
    groups: document.querySelectorAll("section.group").length,
    findings: document.querySelectorAll("article.finding").length,
    coverage: document.querySelectorAll("table.coverage tbody tr").length,
    overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  };
})()`

// The demo's HTML report, opened in a real headless Chromium: it renders,
// every chart is drawn and has its text alternative, and the page asks
// for nothing beyond itself, even with its Content-Security-Policy turned
// off.
func TestHTMLReportInBrowser(t *testing.T) {
	exe := chromium(t)
	dir, _ := sharedDemo(t)
	shop := filepath.Join(dir, "shopmart")
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "report.html")
			if code, _, stderr := platscan(t, "report", shop, "--format", "html", "--lang", lang, "--output", file); code != exitOK {
				t.Fatalf("report html: %d %s", code, stderr)
			}
			facts, shot, requests := openInBrowser(t, exe, file)
			wantLang := map[string]string{"en": "en", "zh": "zh-CN"}[lang]
			if facts.Lang != wantLang || !strings.Contains(facts.Title, "Shopmart") {
				t.Errorf("lang %q title %q", facts.Lang, facts.Title)
			}
			if len(facts.Charts) != 3 {
				t.Fatalf("%d charts: %+v", len(facts.Charts), facts.Charts)
			}
			for _, c := range facts.Charts {
				switch {
				case !c.SVG || c.Width < 300 || c.Height < 100:
					t.Errorf("%s: not drawn (%vx%v)", c.ID, c.Width, c.Height)
				case c.Title == "" || c.Desc == "" || len(c.Labelled) != 2 || c.Labelled[0] != c.Title || c.Labelled[1] != c.Desc:
					t.Errorf("%s: no text alternative: %+v", c.ID, c)
				case !strings.Contains(c.Caption, c.Desc):
					t.Errorf("%s: caption does not carry the description", c.ID)
				case c.Shapes < 10 || c.TableRows == 0:
					t.Errorf("%s: %d shapes, %d data rows", c.ID, c.Shapes, c.TableRows)
				}
			}
			if facts.Findings != 80 || facts.Groups != 28 || facts.Coverage != 51 {
				t.Errorf("findings %d in %d groups, %d coverage rows", facts.Findings, facts.Groups, facts.Coverage)
			}
			if facts.External != 0 || len(facts.Resources) != 0 {
				t.Errorf("the page loads resources: %d elements, %v", facts.External, facts.Resources)
			}
			if !slices.Contains(requests, "file://"+file) {
				t.Errorf("the browser's requests were not observed: %v", requests)
			}
			for _, u := range requests {
				if u != "file://"+file {
					t.Errorf("request left the file: %s", u)
				}
			}
			if facts.Overflow {
				t.Errorf("the page scrolls sideways at 1280 pixels")
			}
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil || img.Bounds().Dx() != 1280 {
				t.Fatalf("screenshot: %v %v", err, img.Bounds())
			}
			if lang == "en" && golden.Updating() {
				if err := os.WriteFile(screenshotPath, shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	if _, err := os.Stat(screenshotPath); err != nil {
		t.Errorf("no screenshot in docs (go test ./cmd/platscan -run Browser -update): %v", err)
	}
}

// The harness above would notice a page that fetches something, even one
// whose CSP blocks the fetch.
func TestBrowserHarnessSeesRequests(t *testing.T) {
	exe := chromium(t)
	file := filepath.Join(t.TempDir(), "leaky.html")
	leak := "http://127.0.0.1:9/pixel.png"
	html := `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>` +
		`<body><figure class="chart"><svg></svg></figure><img src="` + leak + `"></body></html>`
	if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	facts, _, requests := openInBrowser(t, exe, file)
	if !slices.Contains(requests, leak) || facts.External != 1 {
		t.Fatalf("the harness missed the image: requests %v, %d external elements", requests, facts.External)
	}
}

// openInBrowser loads file in a fresh headless Chromium and returns what
// the page reports about itself, a screenshot of the top of the page, and
// every URL the browser requested.
func openInBrowser(t *testing.T, exe, file string) (pageFacts, []byte, []string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	fail := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
	}
	_, err := chromedp.Call(bctx, network.Enable, network.EnableParams{})
	fail(err)
	// Without the page's own CSP any stray reference would really be
	// fetched, and show up among the requests.
	_, err = chromedp.Call(bctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
	fail(err)
	fail(chromedp.Do(bctx,
		chromedp.EmulateViewport(1280, 1600),
		chromedp.Navigate("file://"+file),
		chromedp.WaitReady(chromedp.CSS("figure.chart svg")),
	))
	facts, err := chromedp.Run(bctx, chromedp.Evaluate[pageFacts](inspectPage))
	fail(err)
	shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	fail(err)
	mu.Lock()
	defer mu.Unlock()
	return facts, shot, slices.Clone(requests)
}
