package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/platscan/platscan/internal/yamlfile"
)

// Authority is a body that receives complaints, with what a letter to it
// needs: the addressee line and the honorific by which the letter refers
// to it (贵局, 贵办, 贵委; "the Commission").
type Authority struct {
	ID        string `yaml:"id" json:"id"`
	Kind      string `yaml:"kind" json:"kind"`
	Name      Text   `yaml:"name" json:"name"`
	Addressee Text   `yaml:"addressee" json:"addressee"`
	Honorific Text   `yaml:"honorific" json:"honorific"`
}

// AuthorityKinds are the kinds of body, each with the Chinese honorific a
// letter uses for it. A coordinator or an unnamed national authority is
// 贵机构.
var AuthorityKinds = map[string]string{
	"administration": "贵局", // 总局, 管理局
	"bureau":         "贵局",
	"office":         "贵办", // 办公室, e.g. the CAC
	"commission":     "贵委", // 委员会
	"coordinator":    "贵机构",
	"authority":      "贵机构",
}

// Route sends the catalog entries whose id starts with Rules, in
// Jurisdiction, to an authority.
type Route struct {
	Rules        string `yaml:"rules"`
	Jurisdiction string `yaml:"jurisdiction"`
	Authority    string `yaml:"authority"`
}

// Authorities is the validated table of authorities and routes.
type Authorities struct {
	list   []Authority
	byID   map[string]int
	routes []Route
}

// DefaultAuthorities returns the table built into the binary.
func DefaultAuthorities() (*Authorities, error) {
	b, err := embedded.ReadFile("authorities/authorities.yaml")
	if err != nil {
		return nil, fmt.Errorf("load authorities: %w", err)
	}
	return ParseAuthorities("rules/authorities/authorities.yaml", b)
}

// ErrNoAuthority means no route covers a catalog entry.
var ErrNoAuthority = errors.New("no authority for rule")

// ParseAuthorities validates an authorities file; name is used in errors.
func ParseAuthorities(name string, data []byte) (*Authorities, error) {
	var f struct {
		Authorities []Authority `yaml:"authorities"`
		Routes      []Route     `yaml:"routes"`
	}
	doc, err := yamlfile.Decode(name, data, &f)
	if err != nil {
		return nil, err
	}
	a := &Authorities{byID: map[string]int{}, routes: f.Routes}
	for i, x := range f.Authorities {
		at := func(field, format string, args ...any) error {
			return doc.Errorf(fmt.Sprintf("$.authorities[%d].%s", i, field), format, args...)
		}
		honorific, known := AuthorityKinds[x.Kind]
		switch {
		case x.ID == "":
			return nil, at("id", "is required")
		case a.has(x.ID):
			return nil, at("id", "duplicate authority %s", x.ID)
		case !known:
			return nil, at("kind", "%q is not one of %v", x.Kind, kinds())
		case x.Name.ZH == "" || x.Name.EN == "":
			return nil, at("name", "needs both en and zh")
		case x.Addressee.ZH == "" || x.Addressee.EN == "":
			return nil, at("addressee", "needs both en and zh")
		case x.Honorific.ZH == "" || x.Honorific.EN == "":
			return nil, at("honorific", "needs both en and zh")
		case x.Honorific.ZH != honorific:
			return nil, at("honorific.zh", "%s is the honorific of another kind of body; a letter to %s (%s) says %s", x.Honorific.ZH, x.Name.ZH, x.Kind, honorific)
		}
		a.byID[x.ID] = len(a.list)
		a.list = append(a.list, x)
	}
	for i, r := range f.Routes {
		at := func(field, format string, args ...any) error {
			return doc.Errorf(fmt.Sprintf("$.routes[%d].%s", i, field), format, args...)
		}
		switch {
		case r.Rules == "":
			return nil, at("rules", "is required (a catalog id prefix such as CN-ECL-)")
		case !slices.Contains(Jurisdictions, r.Jurisdiction):
			return nil, at("jurisdiction", "%q is not one of %v", r.Jurisdiction, Jurisdictions)
		case !a.has(r.Authority):
			return nil, at("authority", "unknown authority %q", r.Authority)
		}
	}
	return a, nil
}

func (a *Authorities) has(id string) bool {
	_, ok := a.byID[id]
	return ok
}

func kinds() []string {
	var out []string
	for k := range AuthorityKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// For returns the authority competent for the catalog entry o: the route
// with the longest id prefix that matches, in o's jurisdiction.
func (a *Authorities) For(o Obligation) (Authority, error) {
	best := -1
	for i, r := range a.routes {
		if strings.HasPrefix(o.ID, r.Rules) && r.Jurisdiction == o.Jurisdiction && (best < 0 || len(r.Rules) > len(a.routes[best].Rules)) {
			best = i
		}
	}
	if best < 0 {
		return Authority{}, fmt.Errorf("%w %s (jurisdiction %s): add a route to rules/authorities/authorities.yaml", ErrNoAuthority, o.ID, o.Jurisdiction)
	}
	return a.list[a.byID[a.routes[best].Authority]], nil
}

// Check returns an error naming every entry of c that no route covers.
func (a *Authorities) Check(c *Catalog) error {
	var errs []error
	for _, o := range c.All() {
		if _, err := a.For(o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
