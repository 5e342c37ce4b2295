package profile

import (
	"strings"
	"testing"
)

func TestDescription(t *testing.T) {
	p, err := Load("testdata/secrets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Personas[0].Description; d.In("zh") != "首次访问的新用户" || d.In("en") != "a first-time visitor" {
		t.Errorf("bilingual description: %+v", d)
	}
	if d := p.Personas[1].Description; d.In("zh") != "a logged-in member" || d.In("en") != "a logged-in member" {
		t.Errorf("plain description: %+v", d)
	}
	if (Text{ZH: "只有中文"}).In("en") != "只有中文" || (Text{EN: "only English"}).In("zh") != "only English" {
		t.Error("a missing language does not fall back to the other")
	}
	bad := strings.Replace(string(p.Raw), "{zh: 首次访问的新用户, en: a first-time visitor}", "{zh: 新用户, fr: nouveau}", 1)
	if _, err := Parse("p.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "p.yaml:5") || !strings.Contains(err.Error(), "fr") {
		t.Errorf("unknown description language: %v", err)
	}
}

// Redacted hands every string to the scrubber with what it is, keeps the
// rest of the file (comments included), and the result still loads.
func TestRedacted(t *testing.T) {
	p, err := Load("testdata/secrets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Field][]string{}
	out, err := p.Redacted(func(f Field, name, value string) string {
		seen[f] = append(seen[f], name+"="+value)
		if f == FieldText || f == FieldPattern {
			return value
		}
		return "[X]" // starts like a flow sequence: must stay a string
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Field][]string{
		FieldHeader:  {"User-Agent=Mozilla/5.0 (X11; Linux x86_64)", "Authorization=Bearer tok-1a2b3c4d5e", "X-Note=Wang Xiaoming 13912345678"},
		FieldCookie:  {"sessionid=ck-9f8e7d6c5b", "city=shanghai"},
		FieldLogin:   {"username=member-7781", "password=s3cret-Pa55word"},
		FieldLiteral: {"=Wang Xiaoming"},
		FieldPattern: {`=1[3-9]\d{9}`},
	}
	for f, w := range want {
		if strings.Join(seen[f], "|") != strings.Join(w, "|") {
			t.Errorf("field %d: got %q, want %q", f, seen[f], w)
		}
	}
	for _, secret := range []string{"tok-1a2b3c4d5e", "ck-9f8e7d6c5b", "member-7781", "s3cret-Pa55word", "Wang Xiaoming"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("redacted profile still holds %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(string(out), "# A profile with secrets") {
		t.Error("comments lost")
	}
	back, err := Parse("stored.yaml", out)
	if err != nil {
		t.Fatalf("redacted profile does not load: %v\n%s", err, out)
	}
	per, _ := back.Persona("member")
	if per.Login.Form["password"] != "[X]" || per.Cookies["city"] != "[X]" || per.Login.URL != "/login?next=/home&token=url-tok-4455" {
		t.Errorf("reloaded persona: %+v %+v", per, per.Login)
	}
	if back.Personas[0].Description.In("zh") != "首次访问的新用户" {
		t.Error("description lost")
	}
}

func TestRedactedUnchangedKeepsBytes(t *testing.T) {
	p, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Redacted(func(_ Field, _, v string) string { return v })
	if err != nil || string(out) != string(p.Raw) {
		t.Fatalf("identity scrub changed the profile: %v", err)
	}
}
