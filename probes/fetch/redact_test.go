package fetch

import (
	"strings"
	"testing"

	"github.com/platscan/platscan/profile"
)

// The profile stored with a run keeps no secret the request rules would
// hide, and no string the profile itself marks as personal.
func TestProfileScrubber(t *testing.T) {
	p, err := profile.Load("../../profile/testdata/secrets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Redacted(ProfileScrubber(p.Matcher()))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, secret := range []string{"tok-1a2b3c4d5e", "ck-9f8e7d6c5b", "member-7781", "s3cret-Pa55word", "Wang Xiaoming", "13912345678", "url-tok-4455", "qs-tok-6677", "shanghai"} {
		if strings.Contains(s, secret) {
			t.Errorf("stored profile holds %q", secret)
		}
	}
	for _, kept := range []string{"Mozilla/5.0 (X11; Linux x86_64)", `1[3-9]\d{9}`, "next=/home", "lang={lang}", "/login?", "description: a logged-in member"} {
		if !strings.Contains(s, kept) {
			t.Errorf("stored profile lost %q:\n%s", kept, s)
		}
	}
	back, err := profile.Parse("stored", out)
	if err != nil {
		t.Fatal(err)
	}
	if h := back.Personas[0].Headers; h["Authorization"] != Redacted || h["X-Note"] != RedactedPersonal+" "+RedactedPersonal {
		t.Errorf("headers: %v", h)
	}
	if back.Personas[1].Login.Form["password"] != Redacted || back.Redact.Literals[0] != Redacted {
		t.Errorf("login or literal kept: %+v %v", back.Personas[1].Login, back.Redact.Literals)
	}
}

func TestRedactQueryText(t *testing.T) {
	for in, want := range map[string]string{
		"/link?url={url}&token=abc":        "/link?url={url}&token=REDACTED",
		"/p/1001":                          "/p/1001",
		"https://x.example/?a=1&api_key=z": "https://x.example/?a=1&api_key=REDACTED",
		"/oauth/authorize?client_id={client}&redirect_uri={redirect}&response_type=code": "/oauth/authorize?client_id={client}&redirect_uri={redirect}&response_type=code",
	} {
		if got := redactQueryText(in); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
}
