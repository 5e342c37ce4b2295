package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
)

// In browser mode Chromium makes its own connections; the gate holds them
// to the address guard: a lab target's page loads when allowed, while a
// sub-resource on a cloud-metadata address is refused even then and
// recorded as not sent; without the opt-in the loopback page itself is
// not sent.
func TestBrowserAddressGuard(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Rules</title></head><body><h1>Platform rules</h1>`+
			`<p>Merchants may sell on other platforms.</p><img src="http://169.254.169.254/latest/meta-data/logo.png" alt=""></body></html>`)
	})
	f, st, srv := browserSetup(t, mux, Options{})
	p := browserSession(t, f, "new_user", srv.URL, nil).Get(context.Background(), "terms", srv.URL+"/")
	if !p.OK() {
		t.Fatalf("the allowed lab page did not load: %s", p.Problem())
	}
	var refused bool
	for _, r := range records(t, st) {
		if !strings.Contains(r.URL, "169.254.169.254") {
			continue
		}
		var d struct {
			Sent  bool   `json:"sent"`
			Error string `json:"error"`
		}
		json.Unmarshal(r.Data, &d) //nolint:errcheck
		if d.Sent || !strings.Contains(d.Error, "address guard") {
			t.Errorf("the metadata request was recorded as sent %v, error %q", d.Sent, d.Error)
		}
		refused = true
	}
	if !refused {
		t.Error("no record of the refused metadata request")
	}

	st2, err := evidence.Create(t.TempDir(), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	f2 := New(st2, Options{Timeout: 20 * time.Second, Browser: BrowserOptions{Settle: 150 * time.Millisecond}})
	t.Cleanup(func() { f2.Close() })
	p2 := browserSession(t, f2, "new_user", srv.URL, nil).Get(context.Background(), "terms", srv.URL+"/")
	if !errors.Is(p2.Err, ErrAddressBlocked) || !NotSent(p2.Err) || p2.Status != 0 {
		t.Errorf("a loopback page without the opt-in: status %d, err %v; want not sent by the address guard", p2.Status, p2.Err)
	}
}
