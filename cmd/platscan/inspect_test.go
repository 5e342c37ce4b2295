package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/probes/inspect"
)

// A person writing a profile sees what every probe reads from one page:
// the result rows with their first-party flags and labels, the sort
// options, the checkout's pre-ticked extra, the rules centre's links; and
// the exchange is kept as verifiable evidence when asked.
func TestInspect(t *testing.T) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	defer srv.Close()
	raw, _ := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": srv.URL})
	prof := filepath.Join(t.TempDir(), "shopmart.yaml")
	os.WriteFile(prof, raw, 0o644)

	code, out, stderr := platscan(t, "inspect", "--profile", prof, "/search?q=kettle")
	if code != exitOK {
		t.Fatalf("%d %s", code, stderr)
	}
	for _, want := range []string{"4 results from microdata; next page: " + srv.URL + "/search?q=kettle&page=2", "yes (seller)", "sort options: 1", `"综合" link sort=default`} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	dir := filepath.Join(t.TempDir(), "run")
	code, out, stderr = platscan(t, "inspect", "--profile", prof, "--persona", "loyal_user", "--format", "json", "--out", dir, "/cart/confirm?sku=1001")
	if code != exitOK {
		t.Fatalf("%d %s", code, stderr)
	}
	var rep inspect.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Persona != "loyal_user" || len(rep.Interop.AddOns) != 1 || !rep.Interop.AddOns[0].Selected || !rep.Interop.AddOns[0].Paid || len(rep.Records) == 0 {
		t.Errorf("checkout: %+v", rep)
	}
	if code, vout, _ := platscan(t, "verify", dir); code != exitOK || !strings.HasPrefix(vout, "OK ") {
		t.Errorf("inspected evidence does not verify: %d %s", code, vout)
	}

	// Without a profile: the page's site, one visitor.
	fair := httptest.NewServer(fixtures.Handler(fixtures.Fairmarket))
	defer fair.Close()
	code, out, _ = platscan(t, "inspect", "--allow-private", fair.URL+"/rules")
	if code != exitOK || !strings.Contains(out, "as visitor") || !strings.Contains(out, "rules centre: yes") || !strings.Contains(out, `rule document "商家保证金规则"`) {
		t.Errorf("rules centre: %d\n%s", code, out)
	}
}

func TestInspectBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"inspect"}, "inspect needs one URL"},
		{[]string{"inspect", "/search?q=x"}, `"/search?q=x" is not an absolute http(s) URL`},
		{[]string{"inspect", "--format", "xml", "http://127.0.0.1:1/"}, `--format "xml": use text or json`},
		{[]string{"inspect", "--profile", "testdata/bad-profile.yaml", "/"}, "testdata/bad-profile.yaml:7:5"},
		{[]string{"inspect", "--persona", "nobody", "http://127.0.0.1:1/"}, `--persona "nobody": the profile has no such persona`},
	} {
		code, _, stderr := platscan(t, c.args...)
		if code != exitInput {
			t.Errorf("%v: exit %d (%s)", c.args, code, stderr)
			continue
		}
		oneLine(t, stderr, c.want)
	}
}

func TestInspectUnansweredExit3(t *testing.T) {
	dead := httptest.NewServer(nil)
	u := dead.URL
	dead.Close()
	code, out, stderr := platscan(t, "inspect", u+"/p/1")
	if code != exitScan || !strings.Contains(out, "no answer") {
		t.Fatalf("%d\n%s\n%s", code, out, stderr)
	}
	oneLine(t, stderr, "was not answered")
}
