package fetch

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/platscan/platscan/profile"
)

// Redacted replaces every secret value before anything reaches the
// evidence store.
const Redacted = "REDACTED"

// secretName matches header, query and form names whose values are
// credentials or session identifiers.
var secretName = regexp.MustCompile(`(?i)(token|secret|passw|pwd|session|sess_?id|^sid$|auth|api[-_]?key|^key$|signature|^sig$|ticket|^code$|csrf|xsrf|credential)`)

// RedactURL returns raw with its user info and secret query parameters
// replaced, for messages and logs.
func RedactURL(raw string) string { return redactURL(raw) }

// redactErr hides secrets in the URL an error names: net/http's errors
// quote the whole URL ("Get \"https://...?token=...\": ..."), and these
// messages end up in measurements, logs and terminals.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL)
	}
	return err
}

// redactURL hides secret query parameters and URL user info.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretName.MatchString(k) {
				q[k] = []string{Redacted}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// redactHeader returns a copy of h safe to store: cookie values and
// credentials replaced, cookie names and attributes kept (they matter as
// evidence of how the platform tracks a persona).
func redactHeader(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		red := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case ck == "Cookie":
				red[i] = redactCookiePairs(v, "; ")
			case ck == "Set-Cookie":
				name, rest, _ := strings.Cut(v, ";")
				red[i] = redactCookiePairs(name, "; ")
				if rest != "" {
					red[i] += ";" + rest
				}
			case ck == "Location" || ck == "Content-Location" || ck == "Referer":
				red[i] = redactURL(v)
			case ck == "Authorization" || ck == "Proxy-Authorization" || secretName.MatchString(ck):
				red[i] = Redacted
			default:
				red[i] = v
			}
		}
		out[ck] = red
	}
	return out
}

func redactCookiePairs(s, sep string) string {
	parts := strings.Split(s, ";")
	for i, p := range parts {
		name, _, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok {
			parts[i] = name + "=" + Redacted
		} else {
			parts[i] = strings.TrimSpace(p)
		}
	}
	return strings.Join(parts, sep)
}

// redactForm keeps form field names and non-secret values.
func redactForm(f url.Values) map[string]string {
	out := make(map[string]string, len(f))
	for k := range f {
		if secretName.MatchString(k) {
			out[k] = Redacted
		} else {
			out[k] = f.Get(k)
		}
	}
	return out
}

// RedactedPersonal replaces personal data the profile marks.
const RedactedPersonal = "[REDACTED]"

func redactString(re *regexp.Regexp, s string) string {
	if re == nil {
		return s
	}
	return re.ReplaceAllString(s, RedactedPersonal)
}

func redactPersonal(re *regexp.Regexp, h map[string][]string) map[string][]string {
	if re == nil {
		return h
	}
	for k, vs := range h {
		for i, v := range vs {
			vs[i] = re.ReplaceAllString(v, RedactedPersonal)
		}
		h[k] = vs
	}
	return h
}

func redactFormPersonal(re *regexp.Regexp, f map[string]string) map[string]string {
	if re == nil {
		return f
	}
	for k, v := range f {
		f[k] = re.ReplaceAllString(v, RedactedPersonal)
	}
	return f
}

// isText reports whether a body of this content type is text that may
// carry personal data worth redacting.
func isText(ct string) bool {
	ct = strings.ToLower(ct)
	return ct == "" || strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "xml") || strings.Contains(ct, "html")
}

// ProfileScrubber applies the rules above to a profile about to be stored
// with a run (docs/profile.md, "Secrets"): login form values, cookie
// values and redact.literals become REDACTED; header values as they would
// in a request (Authorization, Cookie, credential-like names); secret
// query parameters in any URL; and whatever personal matches, the
// profile's own [REDACTED] marks. Patterns are rules, not data, and stay.
func ProfileScrubber(personal *regexp.Regexp) profile.Scrubber {
	return func(f profile.Field, name, value string) string {
		switch f {
		case profile.FieldLogin, profile.FieldCookie, profile.FieldLiteral:
			return Redacted
		case profile.FieldPattern:
			return value
		case profile.FieldHeader:
			h := redactHeader(http.Header{name: {value}})
			value = h[http.CanonicalHeaderKey(name)][0]
		default:
			value = redactQueryText(value)
		}
		return redactString(personal, value)
	}
}

// queryPair finds name=value pairs in a query string or template.
var queryPair = regexp.MustCompile(`([?&])([^=&#?]+)=([^&#]*)`)

// redactQueryText hides the values of secret query parameters in s
// without re-encoding the rest, so URL templates such as
// /link?url={url}&token=abc keep their placeholders.
func redactQueryText(s string) string {
	if !strings.Contains(s, "?") {
		return s
	}
	return queryPair.ReplaceAllStringFunc(s, func(m string) string {
		p := queryPair.FindStringSubmatch(m)
		if !secretName.MatchString(p[2]) {
			return m
		}
		return p[1] + p[2] + "=" + Redacted
	})
}
