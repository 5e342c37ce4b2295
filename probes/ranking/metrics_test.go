package ranking

import (
	"math"
	"sort"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func row(q string, pos int, fp bool, price, rating float64, reviews int) Row {
	return Row{Query: q, Position: pos, Item: q + string(rune('a'+pos)), FirstParty: fp, Price: ptr(price), Rating: ptr(rating), Reviews: ptr(reviews),
		Sponsored: ptr(false), AdLabel: ptr(true), SelfLabel: ptr(true)}
}

// A hand-checked list: the first-party item (position 1) is dominated by
// the third-party items at 2 and 3 (cheaper, better rated, more reviews),
// and dominates the one at 4. So: 2 dominated first-party pairs, both with
// the first-party item above; 1 dominated third-party pair, with the
// first-party item above (not an inversion).
func TestDominatedPairsByHand(t *testing.T) {
	rows := []Row{
		row("kettle", 1, true, 100, 4.0, 10),
		row("kettle", 2, false, 90, 4.5, 50),
		row("kettle", 3, false, 95, 4.2, 20),
		row("kettle", 4, false, 120, 3.5, 5),
	}
	m := Compute(rows, nil, 2)
	if m.DominatedFP != 2 || m.DominatedFPAbove != 2 || m.DominatedTP != 1 || m.DominatedTPAbove != 0 {
		t.Fatalf("%+v", m)
	}
	if m.FirstPartyTop1 != 1 || m.FirstPartyTopK != 0.5 || m.FirstPartyAll != 0.25 || m.FirstPartyInTopK != 1 || m.ExpectedInTopK != 0.5 {
		t.Fatalf("shares %+v", m)
	}
}

func TestBuyBoxAndLabels(t *testing.T) {
	boxes := []BuyBox{
		{Item: "a", FeaturedRead: true, Offers: []Offer{{Seller: "self", FirstParty: true, Price: 100, Rating: 4.5, Featured: true}, {Seller: "x", Price: 95, Rating: 4.6}}},
		{Item: "b", FeaturedRead: true, Offers: []Offer{{Seller: "self", FirstParty: true, Price: 100, Rating: 4.5}, {Seller: "x", Price: 95, Rating: 4.6, Featured: true}}},
		{Item: "c", FeaturedRead: true, Offers: []Offer{{Seller: "self", FirstParty: true, Price: 100, Rating: 4.5, Featured: true}, {Seller: "x", Price: 95, Rating: 4.0}}},
	}
	rows := []Row{row("q", 1, true, 10, 4, 1), row("q", 2, false, 10, 4, 1)}
	rows[0].SelfLabel = ptr(false)
	rows[1].Sponsored, rows[1].AdLabel = ptr(true), ptr(false)
	m := Compute(rows, boxes, 10)
	if m.BuyBoxContests != 2 || m.BuyBoxPlatformWon != 1 {
		t.Errorf("buy box %d/%d", m.BuyBoxPlatformWon, m.BuyBoxContests)
	}
	if m.SponsoredUnlabelled != 1 || m.FirstPartyUnlabeled != 1 {
		t.Errorf("labels %+v", m)
	}
}

// When results are ordered by a quality index linear in the attributes
// plus a first-party boost, the rank model finds a positive first-party
// coefficient; without the boost it finds none.
func TestRankModelFindsBoost(t *testing.T) {
	build := func(boost float64) []Row {
		var rows []Row
		for q := range 40 {
			type it struct {
				r Row
				s float64
			}
			var items []it
			for i := range 20 {
				fp := i%4 == 0
				price := 50 + float64((i*37+q*11)%100)
				rating := 3 + float64((i*7+q*3)%20)/10
				reviews := 10 + (i*53+q*7)%500
				s := 1.0*rating - 0.8*math.Log(price) + 0.3*math.Log1p(float64(reviews)) + 0.3*math.Sin(float64(i*q+i))
				if fp {
					s += boost
				}
				items = append(items, it{Row{Query: string(rune('A' + q)), Price: ptr(price), Rating: ptr(rating), Reviews: ptr(reviews), FirstParty: fp}, s})
			}
			sort.Slice(items, func(a, b int) bool { return items[a].s > items[b].s })
			for pos, x := range items {
				x.r.Position = pos + 1
				rows = append(rows, x.r)
			}
		}
		return rows
	}
	with, without := Compute(build(0.6), nil, 10), Compute(build(0), nil, 10)
	if with.FirstPartyCoef < 0.3 || with.FirstPartyPValue > 1e-4 {
		t.Errorf("boost not found: coef %v p %v", with.FirstPartyCoef, with.FirstPartyPValue)
	}
	if math.Abs(without.FirstPartyCoef) > 0.15 {
		t.Errorf("no boost, but coef %v (p %v)", without.FirstPartyCoef, without.FirstPartyPValue)
	}
}

// An export without prices (The Markup's Amazon data has none): the
// model compares results on rating and reviews, says price was not used,
// and still finds a boost; labels that were not exported are not counted
// as shown.
func TestMetricsWithoutPrices(t *testing.T) {
	var rows []Row
	for q := range 30 {
		type it struct {
			r Row
			s float64
		}
		var items []it
		for i := range 15 {
			fp := i%5 == 0
			rating := 3 + float64((i*7+q*3)%20)/10
			reviews := 10 + (i*53+q*7)%500
			s := rating + 0.3*math.Log1p(float64(reviews)) + 0.3*math.Sin(float64(i*q+i))
			if fp {
				s += 1
			}
			items = append(items, it{Row{Query: string(rune('A' + q)), Item: string(rune('a' + i)), Rating: ptr(rating), Reviews: ptr(reviews), FirstParty: fp}, s})
		}
		sort.Slice(items, func(a, b int) bool { return items[a].s > items[b].s })
		for pos, x := range items {
			x.r.Position = pos + 1
			rows = append(rows, x.r)
		}
	}
	m := Compute(rows, nil, 10)
	if strings.Join(m.ModelCovariates, ",") != "rating,reviews" || m.ModelN != 450 || m.FirstPartyCoef < 0.5 || m.FirstPartyPValue > 1e-4 {
		t.Errorf("model without prices: covariates %v n %d coef %v p %v", m.ModelCovariates, m.ModelN, m.FirstPartyCoef, m.FirstPartyPValue)
	}
	if m.DominatedFP == 0 || m.FirstPartyItems != 90 || m.FirstPartyLabelsRead != 0 || m.FirstPartyUnlabeled != 0 || m.SponsoredKnown != 0 {
		t.Errorf("pairs and labels: %+v", m)
	}
	var got []string
	for _, g := range m.Gaps {
		got = append(got, g.Metric)
	}
	if strings.Join(got, ",") != "rank_model,buybox,ad_labels,self_labels" || !strings.Contains(m.Gaps[0].Reason, "price not stated") {
		t.Errorf("gaps: %+v", m.Gaps)
	}
	// Nothing to compare results on: no model, no pairs, and the gap says why.
	bare := make([]Row, len(rows))
	for i, r := range rows {
		bare[i] = Row{Query: r.Query, Position: r.Position, Item: r.Item, FirstParty: r.FirstParty}
	}
	b := Compute(bare, nil, 10)
	if b.ModelN != 0 || b.DominatedFP+b.DominatedTP != 0 || b.FirstPartyPValue != 1 || len(b.ModelCovariates) != 0 || b.FirstPartyTop1 == 0 {
		t.Errorf("bare rows: %+v", b)
	}
	if b.Gaps[0].Metric != "rank_model" || !strings.Contains(b.Gaps[0].Reason, "ranking beyond merit cannot be told") {
		t.Errorf("bare gaps: %+v", b.Gaps)
	}
}

// A buy box whose page does not say which seller it shows is no contest:
// the order of a list of offers is not the platform's choice of winner.
func TestBuyBoxNeedsTheFeaturedSeller(t *testing.T) {
	box := BuyBox{Item: "/p/1", Offers: []Offer{{Seller: "self", FirstParty: true, Price: 100, Rating: 4.5, Featured: true}, {Seller: "r", Price: 90, Rating: 4.6}}}
	var m Metrics
	contest(box, &m)
	if m.BuyBoxContests != 0 {
		t.Errorf("contest counted without the featured seller read: %+v", m)
	}
	box.FeaturedRead = true
	contest(box, &m)
	if m.BuyBoxContests != 1 || m.BuyBoxPlatformWon != 1 {
		t.Errorf("contest with the featured seller read: %+v", m)
	}
}
