package terms

import (
	"regexp"
	"slices"
)

// Sides of a contract a clause category belongs to.
const (
	Merchant = "merchant"
	Consumer = "consumer"
)

// Category is one kind of clause the probe looks for.
type Category struct {
	// Name is the category as measurements and policies name it.
	Name string
	// Side is Merchant (platform-to-business terms) or Consumer (terms of
	// service).
	Side string
	// Code is the CLAUDETTE tag of a consumer category ("ch"), "" for the
	// categories CLAUDETTE does not have; Label is the name test sets use
	// for a merchant category.
	Code  string
	Label string
	// Disclosure is true for a category whose absence, not presence, is
	// what matters (the terms must describe ranking parameters).
	Disclosure bool
	// Title says in a few words what a clause of the category does.
	Title string
}

// Taxonomy lists the categories: the merchant-side categories of the
// platform-to-business duties, and CLAUDETTE's nine consumer categories
// (Lippi et al. 2019) plus tying. A change to this list is a change of
// the model: the shipped weights name the categories they were trained
// for, and loading checks that they agree.
var Taxonomy = []Category{
	{Name: "exclusivity", Side: Merchant, Label: "exclusivity", Title: "restricts the merchant from selling through other platforms or channels"},
	{Name: "price_parity", Side: Merchant, Label: "price_parity", Title: "requires prices or conditions no worse than elsewhere"},
	{Name: "penalty_promotion", Side: Merchant, Label: "penalty_promotion", Title: "penalises merchants who stay out of promotions or sell elsewhere"},
	{Name: "unilateral_change_m", Side: Merchant, Label: "unilateral_change_m", Title: "lets the platform change the merchant terms at will, without notice or with immediate effect"},
	{Name: "suspension", Side: Merchant, Label: "suspension", Title: "lets the platform suspend, restrict or terminate a merchant without stating reasons"},
	{Name: "ranking_disclosure", Side: Merchant, Label: "ranking_disclosure", Disclosure: true, Title: "describes the main parameters of ranking"},
	{Name: "own_treatment", Side: Merchant, Label: "own_treatment", Disclosure: true, Title: "describes how the platform's own offers are treated against merchants'"},
	{Name: "arbitration", Side: Consumer, Code: "a", Title: "sends disputes to arbitration"},
	{Name: "unilateral_change", Side: Consumer, Code: "ch", Title: "lets the provider change the terms unilaterally"},
	{Name: "content_removal", Side: Consumer, Code: "cr", Title: "lets the provider remove users' content"},
	{Name: "jurisdiction", Side: Consumer, Code: "j", Title: "sends disputes to courts away from the consumer's residence"},
	{Name: "choice_of_law", Side: Consumer, Code: "law", Title: "chooses a law other than that of the consumer's residence"},
	{Name: "limitation_of_liability", Side: Consumer, Code: "ltd", Title: "excludes or limits the provider's liability"},
	{Name: "unilateral_termination", Side: Consumer, Code: "ter", Title: "lets the provider suspend or terminate the service or contract"},
	{Name: "contract_by_using", Side: Consumer, Code: "use", Title: "binds the consumer by mere use of the service"},
	{Name: "privacy_included", Side: Consumer, Code: "pinc", Title: "makes accepting the terms consent to the privacy policy"},
	{Name: "tying", Side: Consumer, Title: "pre-selects or adds a product or service by default"},
}

// CategoryNames lists the names of the taxonomy, in its order.
func CategoryNames() []string {
	out := make([]string, len(Taxonomy))
	for i, c := range Taxonomy {
		out[i] = c.Name
	}
	return out
}

// LookupCategory returns the category of the given name.
func LookupCategory(name string) (Category, bool) {
	i := slices.IndexFunc(Taxonomy, func(c Category) bool { return c.Name == name })
	if i < 0 {
		return Category{}, false
	}
	return Taxonomy[i], true
}

// ByCode returns the consumer category of a CLAUDETTE tag.
func ByCode(code string) (Category, bool) {
	i := slices.IndexFunc(Taxonomy, func(c Category) bool { return c.Code != "" && c.Code == code })
	if i < 0 {
		return Category{}, false
	}
	return Taxonomy[i], true
}

// ByLabel returns the merchant category of a test-set label.
func ByLabel(label string) (Category, bool) {
	i := slices.IndexFunc(Taxonomy, func(c Category) bool { return c.Label != "" && c.Label == label })
	if i < 0 {
		return Category{}, false
	}
	return Taxonomy[i], true
}

// Words that name the parties of a merchant agreement and of consumer
// terms. "You" and 您 are left out: both kinds of document address their
// reader so.
var (
	merchantWords = regexp.MustCompile(`(?i)商家|卖家|入驻|乙方|供应商|店铺|\b(merchants?|sellers?|vendors?|suppliers?|business users?)\b`)
	consumerWords = regexp.MustCompile(`(?i)消费者|用户|买家|会员|\b(consumers?|users?|customers?|buyers?|members?|subscribers?|players?)\b`)
)

// Audience says whom a document is written for: Merchant when it names
// merchants more than twice as often as consumers, Consumer otherwise (the
// default, so a text naming neither is read as consumer terms, and consumer
// terms that speak of the merchants selling to their users stay consumer
// terms).
func Audience(text string) string {
	if len(merchantWords.FindAllStringIndex(text, -1)) > 2*len(consumerWords.FindAllStringIndex(text, -1)) {
		return Merchant
	}
	return Consumer
}

// ClassifyDocument classifies a whole document as the probe does: it
// decides the document's audience and drops consumer-category clauses
// from a merchant agreement, because consumer-protection law judges
// consumer contracts. Merchant categories are kept in every document: a
// platform's notice duties and the bar on exclusivity hold whatever the
// document.
func (c *Classifier) ClassifyDocument(text, lang string) (audience string, hits []Hit) {
	audience = Audience(text)
	for _, h := range c.Classify(text, lang) {
		if audience == Merchant && h.Side == Consumer {
			continue
		}
		hits = append(hits, h)
	}
	return audience, hits
}
